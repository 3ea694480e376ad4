//! Where diagnostics point: located values (`Sp<T>`), the source files read (with a line index
//! for linear rendering) and the set of them. It must not decide what is an error or render one.

use std::sync::Arc;

use serde::Serialize;

use super::Span;

/// A value with the 1-based line and character column it was read from (relative to its YAML
/// document; 0 and 0 when built in memory). Deserializes through serde-saphyr's `Spanned`,
/// serializes as the bare value, compares by value alone, and has the JSON Schema of the value.
#[derive(Debug, Clone, Default)]
pub struct Sp<T> {
    pub value: T,
    pub line: u32,
    pub col: u32,
}

impl<T> Sp<T> {
    /// A value with no location.
    pub fn new(value: T) -> Self {
        Sp {
            value,
            line: 0,
            col: 0,
        }
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Sp<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Sp<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        Ok(Sp {
            value: s.value,
            line: s.referenced.line() as u32,
            col: s.referenced.column() as u32,
        })
    }
}

impl<T: Serialize> Serialize for Sp<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FileId(pub u32);

/// One source file: its path as shown to the user and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// Byte offset of a 1-based line and 1-based character column, clamped to the text.
    pub fn offset(&self, line: u32, col: u32) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1) as usize) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let line_text = rest.split('\n').next().unwrap_or("");
        let skip = col.saturating_sub(1) as usize;
        start
            + line_text
                .char_indices()
                .nth(skip)
                .map(|(i, _)| i)
                .unwrap_or(line_text.len())
    }

    /// The byte range of lines `first..=last` (1-based, clamped), without the last newline.
    pub fn line_range(&self, first: u32, last: u32) -> (usize, usize) {
        let n = self.line_starts.len();
        let first = (first.max(1) as usize - 1).min(n - 1);
        let last = (last.max(1) as usize - 1).clamp(first, n - 1);
        let start = self.line_starts[first];
        let end = match self.line_starts.get(last + 1) {
            Some(&next) => next - 1,
            None => self.text.len(),
        };
        (start, end.max(start))
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_idx];
        let col = self.text[start..offset].chars().count() + 1;
        (line_idx as u32 + 1, col as u32)
    }

    /// The span of the token that starts at (line, col): a quoted string, a flow collection
    /// bracket, or a run of characters up to whitespace, a comment or a flow separator.
    /// Never empty unless the line is.
    pub fn token_span(&self, file: FileId, line: u32, col: u32) -> Span {
        let start = self.offset(line, col);
        let rest = &self.text[start..];
        let line_rest = rest.split('\n').next().unwrap_or("");
        let line_start = self.offset(line, 1);
        let in_flow = flow_depth(&self.text[line_start..start]) > 0;
        let len = token_len(line_rest, in_flow);
        Span {
            file,
            line,
            col,
            start: start as u32,
            end: (start + len) as u32,
        }
    }

    /// A span of `len` bytes starting at (line, col), clamped to the line.
    pub fn span_at(&self, file: FileId, line: u32, col: u32, len: usize) -> Span {
        let start = self.offset(line, col);
        let line_rest = self.text[start..].split('\n').next().unwrap_or("");
        let len = len.min(line_rest.len());
        Span {
            file,
            line,
            col,
            start: start as u32,
            end: (start + len) as u32,
        }
    }
}

/// How many flow collections (`[`, `{`) are open at the end of `prefix`, skipping quoted text.
fn flow_depth(prefix: &str) -> i32 {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for c in prefix.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, '#') => break,
            _ => {}
        }
    }
    depth
}

fn token_len(s: &str, in_flow: bool) -> usize {
    let mut chars = s.char_indices();
    match chars.next() {
        None => 0,
        Some((_, q @ ('"' | '\''))) => {
            let mut escaped = false;
            for (i, c) in chars {
                if q == '"' && c == '\\' && !escaped {
                    escaped = true;
                    continue;
                }
                if c == q && !escaped {
                    return i + 1;
                }
                escaped = false;
            }
            s.trim_end().len()
        }
        Some((_, '[' | '{')) => {
            // A flow collection: up to its matching bracket on this line, or the line's end.
            let mut depth = 0i32;
            for (i, c) in s.char_indices() {
                match c {
                    '[' | '{' => depth += 1,
                    ']' | '}' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
            }
            s.trim_end().len()
        }
        Some(_) => {
            let mut end = s.len();
            let bytes = s.as_bytes();
            for (i, c) in s.char_indices() {
                let next_is_space = bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace());
                if (in_flow && (c == ',' || c == ']' || c == '}'))
                    || (c == ':' && next_is_space)
                    || (c == '#' && i > 0 && bytes[i - 1].is_ascii_whitespace())
                {
                    end = i;
                    break;
                }
            }
            // A plain scalar in block context runs to its comment or the line's end.
            let end = s[..end].trim_end().len();
            end.max(s.chars().next().map_or(0, char::len_utf8))
        }
    }
}

/// Every file diagnostics may point into.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, path: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        self.files.push(SourceFile::new(path, text));
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}
