//! Diagnostics: what went wrong (a [`Code`] and a message) kept apart from where (a [`Span`] into
//! a file held by [`Sources`]). Stages collect every diagnostic they find; the caller sorts them by
//! file and line and renders them once, as text with source snippets or as JSON.
//!
//! This module owns the location model and the YAML error wording; `render` owns the renderers. It must not decide what is an error: the
//! config loader, the validator and the emulator's world loader do.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

mod render;

pub use render::{render_github, render_json, render_text, sanitize};

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

/// A place in a source file: 1-based line and character column, and a byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub line: u32,
    pub col: u32,
    pub start: u32,
    pub end: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($variant:ident => $s:literal,)*) => {
        /// The kind of a diagnostic: a stable identifier shown as `error[kind]` and in JSON output.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant,)* }
        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $s,)* }
            }
        }
    };
}

codes! {
    Io => "io",
    YamlSyntax => "yaml-syntax",
    UnknownField => "unknown-field",
    DuplicateKey => "duplicate-key",
    WrongType => "wrong-type",
    MissingField => "missing-field",
    MissingKind => "missing-kind",
    UnknownKind => "unknown-kind",
    InvalidName => "invalid-name",
    TooLong => "too-long",
    InvalidValue => "invalid-value",
    InvalidOrgRole => "invalid-org-role",
    InvalidWorkspaceRole => "invalid-workspace-role",
    InvalidVisibility => "invalid-visibility",
    OutOfRange => "out-of-range",
    InvalidEmail => "invalid-email",
    InvalidEndpoint => "invalid-endpoint",
    Duplicate => "duplicate",
    UndeclaredOrg => "undeclared-org",
    UndeclaredTeam => "undeclared-team",
    UndeclaredPlatform => "undeclared-platform",
    AmbiguousPlatform => "ambiguous-platform",
    TeamMemberNotOrgMember => "team-member-not-org-member",
    MultipleSettings => "multiple-settings",
    InvalidParticipant => "invalid-participant",
    DomainNotAllowed => "domain-not-allowed",
    TooFewOwners => "too-few-owners",
    CollaboratorRole => "collaborator-role",
    NoDocuments => "no-documents",
    InvalidWorld => "invalid-world",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A place and what to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// One problem: its kind and message, where it is, and what may help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
        }
    }

    pub fn at(mut self, span: Span, text: impl Into<String>) -> Self {
        self.primary = Some(Label {
            span,
            text: text.into(),
        });
        self
    }

    pub fn also(mut self, span: Span, text: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn sort_key<'a>(&'a self, sources: &'a Sources) -> (&'a str, u32, u32, Code, &'a str) {
        match &self.primary {
            Some(l) => (
                sources.get(l.span.file).path.as_str(),
                l.span.line,
                l.span.col,
                self.code,
                &self.message,
            ),
            None => ("", 0, 0, self.code, &self.message),
        }
    }

    /// `file:line:col` of the primary location, if any.
    pub fn location(&self, sources: &Sources) -> Option<String> {
        self.primary.as_ref().map(|l| {
            format!(
                "{}:{}:{}",
                sources.get(l.span.file).path,
                l.span.line,
                l.span.col
            )
        })
    }
}

/// Sort diagnostics by file, line, column and kind, and drop exact repeats.
pub fn sort(diags: &mut Vec<Diagnostic>, sources: &Sources) {
    diags.sort_by(|a, b| a.sort_key(sources).cmp(&b.sort_key(sources)));
    diags.dedup();
}

/// A diagnostic built from a serde-saphyr error in `file`, whose text starts at `line_offset`
/// lines into the file (for documents cut out of a multi-document stream).
pub fn from_yaml_error(
    sources: &Sources,
    file: FileId,
    line_offset: u32,
    err: &serde_saphyr::Error,
) -> Diagnostic {
    from_yaml_error_in(sources.get(file), file, line_offset, err)
}

/// [`from_yaml_error`] for a file not yet added to a [`Sources`].
pub fn from_yaml_error_in(
    src: &SourceFile,
    file: FileId,
    line_offset: u32,
    err: &serde_saphyr::Error,
) -> Diagnostic {
    use serde_saphyr::MessageFormatter;
    let raw = serde_saphyr::UserMessageFormatter
        .format_message(err.without_snippet())
        .into_owned();
    let (code, message, label) = classify_yaml_message(&raw);
    let suggestion = suggest_field(&raw);
    let mut d = Diagnostic::error(code, message);
    if let Some(s) = suggestion {
        d = d.help(format!("did you mean `{s}`?"));
    }
    if let Some(loc) = err.location() {
        let line = (loc.line() as u32).max(1) + line_offset;
        let col = (loc.column() as u32).max(1);
        let span = src.token_span(file, line, col);
        d = d.at(span, label);
    }
    d
}

/// An unknown field found by the config loader's lenient parse, worded as [`from_yaml_error`]
/// words the parser's own unknown-field error.
pub fn unknown_field(field: &str, expected: &[&str], span: Span) -> Diagnostic {
    let raw = unknown_field_message(field, expected);
    let (code, message, label) = classify_yaml_message(&raw);
    let mut d = Diagnostic::error(code, message).at(span, label);
    if let Some(s) = suggest_field(&raw) {
        d = d.help(format!("did you mean `{s}`?"));
    }
    d
}

/// The expected field an unknown one most likely misspells, as [`unknown_field`] suggests it.
pub fn closest_field(field: &str, expected: &[&str]) -> Option<String> {
    suggest_field(&unknown_field_message(field, expected))
}

fn unknown_field_message(field: &str, expected: &[&str]) -> String {
    format!(
        "unknown field `{field}`, expected one of {}",
        expected.join(", ")
    )
}

/// For an unknown field, the expected field closest to it (by edit distance, ignoring case).
fn suggest_field(raw: &str) -> Option<String> {
    let rest = raw.trim().strip_prefix("unknown field `")?;
    let (field, expected) = rest.split_once('`')?;
    let expected = expected.split_once("expected one of ")?.1;
    let field = field.to_lowercase();
    expected
        .split(',')
        .map(|s| s.trim().trim_matches('`'))
        .filter(|s| !s.is_empty())
        .map(|s| (edit_distance(&field, &s.to_lowercase()), s))
        .filter(|(d, s)| *d <= 2.max(s.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, s)| s.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Turn the YAML library's wording into ours: a kind, a message and a caret label.
fn classify_yaml_message(raw: &str) -> (Code, String, String) {
    let raw = raw.trim();
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let expected = expected
            .trim_start_matches(',')
            .trim()
            .trim_start_matches("expected one of ")
            .trim_start_matches("expected ");
        return (
            Code::UnknownField,
            format!("unknown field `{field}`"),
            if expected.is_empty() {
                "not a field here".to_string()
            } else {
                format!("expected one of: {expected}")
            },
        );
    }
    if let Some(rest) = raw.strip_prefix("duplicate mapping key") {
        let key = rest
            .trim()
            .trim_start_matches(':')
            .split(" is not allowed")
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('`');
        return (
            Code::DuplicateKey,
            format!("duplicate key `{key}`"),
            "this key appears earlier in the same mapping".to_string(),
        );
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return (
            Code::MissingField,
            format!("missing required field `{field}`"),
            format!("add `{field}` to this document or entry"),
        );
    }
    if let Some(rest) = raw.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let expected = expected
            .trim_start_matches(',')
            .trim()
            .trim_start_matches("expected one of ")
            .trim_start_matches("expected ");
        return (
            Code::InvalidValue,
            format!("`{value}` is not an accepted value"),
            format!("expected one of: {expected}"),
        );
    }
    let type_msg = |what: &str| (Code::WrongType, format!("wrong type: expected {what}"));
    let (code, message) = if raw.starts_with("null is not allowed") || raw.contains("null into") {
        type_msg("a value, found nothing (null)")
    } else if raw.starts_with("expected string") {
        type_msg("a text value")
    } else if raw.starts_with("expected mapping") {
        type_msg("a mapping of `key: value` pairs")
    } else if raw.starts_with("expected sequence") {
        type_msg("a list")
    } else if raw.starts_with("invalid u") || raw.starts_with("invalid i") {
        type_msg("a whole number in range")
    } else if raw.starts_with("invalid f") {
        type_msg("a number")
    } else if raw.contains("bool") {
        type_msg("true or false")
    } else if raw.starts_with("invalid type") || raw.starts_with("invalid value") {
        (Code::WrongType, format!("wrong type: {raw}"))
    } else {
        (Code::YamlSyntax, format!("YAML syntax error: {raw}"))
    };
    (code, message, raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_line_cols_round_trip_with_multibyte_text() {
        let src = SourceFile::new("a.yaml", "a: é\nbé: [x, y]\n");
        assert_eq!(src.offset(2, 1), 6);
        assert_eq!(src.offset(2, 2), 7);
        assert_eq!(src.line_col(src.offset(2, 5)), (2, 5));
        assert_eq!(src.offset(9, 1), src.text.len());
    }

    #[test]
    fn token_span_covers_plain_quoted_and_flow_tokens() {
        let src = SourceFile::new(
            "a.yaml",
            "x: hello world # c\ny: \"a b\" z\nz: [1, [2]] q\nw: [ab cd, ef]\n- {email: a@b.org, token: t}\n",
        );
        let t = |l, c| {
            let s = src.token_span(FileId(0), l, c);
            src.text[s.start as usize..s.end as usize].to_string()
        };
        assert_eq!(t(1, 4), "hello world");
        assert_eq!(t(4, 5), "ab cd");
        assert_eq!(t(4, 12), "ef");
        assert_eq!(t(5, 11), "a@b.org");
        assert_eq!(t(5, 27), "t");
        assert_eq!(t(2, 4), "\"a b\"");
        assert_eq!(t(3, 4), "[1, [2]]");
        assert_eq!(t(1, 1), "x");
    }

    #[test]
    fn unknown_fields_suggest_the_closest_expected_field() {
        let raw = "unknown field `fulname`, expected one of kind, name, fullName, members";
        assert_eq!(suggest_field(raw).as_deref(), Some("fullName"));
        let raw = "unknown field `zzzzzz`, expected one of kind, name";
        assert_eq!(suggest_field(raw), None);
    }

    #[test]
    fn sort_orders_by_file_then_line_then_column() {
        let mut sources = Sources::new();
        let b = sources.add("b.yaml", "x: 1\ny: 2\n");
        let a = sources.add("a.yaml", "x: 1\ny: 2\n");
        let mut diags = vec![
            Diagnostic::error(Code::InvalidName, "m").at(sources.get(b).token_span(b, 1, 1), ""),
            Diagnostic::error(Code::InvalidName, "m").at(sources.get(a).token_span(a, 2, 1), ""),
            Diagnostic::error(Code::InvalidName, "m").at(sources.get(a).token_span(a, 1, 4), ""),
        ];
        sort(&mut diags, &sources);
        let locs: Vec<_> = diags
            .iter()
            .map(|d| d.location(&sources).unwrap())
            .collect();
        assert_eq!(locs, ["a.yaml:1:4", "a.yaml:2:1", "b.yaml:1:1"]);
    }
}
