//! World-file errors: what is wrong with a world (or state) file and where, as a
//! [`WorldError`] whose `Display` names `file:line:col`, and its located report with source
//! snippets ([`WorldError::render`]).
//!
//! This module owns the problem type, the wording of YAML parser errors, and the rendering. It
//! must not decide what is invalid (the store's loader does) nor whether to use colour (the
//! caller does).

use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::loc::Loc;

/// The kind of a world-file problem: a stable identifier shown as `error[kind]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProblemKind {
    /// The file could not be read.
    Io,
    /// Not YAML.
    YamlSyntax,
    /// A field the world format does not have.
    UnknownField,
    /// A key given twice in one mapping.
    DuplicateKey,
    /// A required field is missing.
    MissingField,
    /// A value outside an enumeration.
    InvalidValue,
    /// A value of the wrong type.
    WrongType,
    /// Parsed, but breaks a rule of the world (references, uniqueness, names, roles).
    InvalidWorld,
}

impl ProblemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Io => "io",
            ProblemKind::YamlSyntax => "yaml-syntax",
            ProblemKind::UnknownField => "unknown-field",
            ProblemKind::DuplicateKey => "duplicate-key",
            ProblemKind::MissingField => "missing-field",
            ProblemKind::InvalidValue => "invalid-value",
            ProblemKind::WrongType => "wrong-type",
            ProblemKind::InvalidWorld => "invalid-world",
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem of a world file: what, where (1-based line and column; 0 when unknown) and an
/// optional earlier place it relates to (the first of two duplicates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub line: u32,
    pub col: u32,
    pub message: String,
    /// What the caret under the value says.
    pub label: String,
    /// An earlier place: line, column and its label.
    pub also: Option<(u32, u32, String)>,
}

impl Problem {
    /// A rule broken at the place `loc` was read from.
    pub fn at<T>(loc: &Loc<T>, message: impl Into<String>, label: impl Into<String>) -> Self {
        Problem {
            kind: ProblemKind::InvalidWorld,
            line: loc.line,
            col: loc.col,
            message: message.into(),
            label: label.into(),
            also: None,
        }
    }

    /// A rule broken by the world as a whole (no place to point at).
    pub fn unlocated(message: impl Into<String>) -> Self {
        Problem {
            kind: ProblemKind::InvalidWorld,
            line: 0,
            col: 0,
            message: message.into(),
            label: String::new(),
            also: None,
        }
    }

    /// Point also at an earlier place.
    pub fn also<T>(mut self, loc: &Loc<T>, label: impl Into<String>) -> Self {
        self.also = Some((loc.line, loc.col, label.into()));
        self
    }

    /// A problem from the YAML parser, worded for a person.
    pub(crate) fn from_yaml(err: &serde_saphyr::Error) -> Self {
        use serde_saphyr::MessageFormatter;
        let raw = serde_saphyr::UserMessageFormatter
            .format_message(err.without_snippet())
            .into_owned();
        let (kind, message, label) = classify_yaml_message(raw.trim());
        let (line, col) = err
            .location()
            .map(|l| ((l.line() as u32).max(1), (l.column() as u32).max(1)))
            .unwrap_or((0, 0));
        Problem {
            kind,
            line,
            col,
            message,
            label,
            also: None,
        }
    }
}

/// A world (or state) file that could not be read or is invalid. `Display` gives a one-line
/// summary naming `file:line:col` of the first problem; [`WorldError::render`] gives every
/// problem with a source snippet.
#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    /// The file could not be read.
    #[error("cannot read world file {path}: {error}")]
    Read { path: String, error: std::io::Error },
    /// The file was read but is not a valid world; `problems` are sorted by line and column.
    #[error("{}", summary(path, problems))]
    Invalid {
        path: String,
        text: String,
        problems: Vec<Problem>,
    },
}

fn summary(path: &str, problems: &[Problem]) -> String {
    let first = problems
        .first()
        .map(|p| match p.line {
            0 => p.message.clone(),
            line => format!("{path}:{line}:{}: {}", p.col, p.message),
        })
        .unwrap_or_default();
    match problems.len() {
        0 | 1 => format!("invalid world file {path}: {first}"),
        n => format!("invalid world file {path} ({n} problems; first: {first})"),
    }
}

impl WorldError {
    /// An invalid world: sorts the problems by place and drops exact repeats.
    pub(crate) fn invalid(path: &str, text: &str, mut problems: Vec<Problem>) -> Self {
        problems.sort_by_key(|p| (p.line, p.col, p.kind));
        problems.dedup();
        WorldError::Invalid {
            path: path.to_string(),
            text: text.to_string(),
            problems,
        }
    }

    /// The path of the file, as given.
    pub fn path(&self) -> &str {
        match self {
            WorldError::Read { path, .. } | WorldError::Invalid { path, .. } => path,
        }
    }

    /// The problems (none for a file that could not be read).
    pub fn problems(&self) -> &[Problem] {
        match self {
            WorldError::Read { .. } => &[],
            WorldError::Invalid { problems, .. } => problems,
        }
    }

    /// Every problem as text with a source snippet pointing at `file:line:col`, in colour when
    /// `color` is set.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let (path, text, problems) = match self {
            WorldError::Read { .. } => {
                let message = self.to_string();
                let title = Level::ERROR
                    .primary_title(message.as_str())
                    .id(ProblemKind::Io.as_str());
                return renderer.render(&[Group::with_title(title)]) + "\n\n";
            }
            WorldError::Invalid {
                path,
                text,
                problems,
            } => (path, text, problems),
        };
        let mut out = String::new();
        for p in problems {
            let title = Level::ERROR
                .primary_title(p.message.as_str())
                .id(p.kind.as_str());
            let mut group = Group::with_title(title);
            if p.line > 0 {
                let mut snippet = Snippet::source(text.as_str())
                    .path(path.as_str())
                    .fold(true);
                snippet = snippet.annotation(
                    AnnotationKind::Primary
                        .span(token_span(text, p.line, p.col))
                        .label(p.label.as_str()),
                );
                if let Some((line, col, label)) = &p.also
                    && *line > 0
                {
                    snippet = snippet.annotation(
                        AnnotationKind::Context
                            .span(token_span(text, *line, *col))
                            .label(label.as_str()),
                    );
                }
                group = group.element(snippet);
            }
            out.push_str(&renderer.render(&[group]));
            out.push_str("\n\n");
        }
        out
    }
}

/// The byte range of the token that starts at a 1-based line and character column: a quoted
/// string, a flow collection, or a plain scalar up to a separator, a `: ` or a comment.
fn token_span(text: &str, line: u32, col: u32) -> Range<usize> {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let line_text = text[line_start..].split('\n').next().unwrap_or("");
    let start = line_text
        .char_indices()
        .nth(col.saturating_sub(1) as usize)
        .map_or(line_text.len(), |(i, _)| i);
    let rest = &line_text[start..];
    let len = match rest.chars().next() {
        None => 0,
        Some(q @ ('"' | '\'')) => rest[1..].find(q).map_or(rest.trim_end().len(), |i| i + 2),
        Some('[' | '{') => {
            let mut depth = 0i32;
            rest.char_indices()
                .find_map(|(i, c)| {
                    match c {
                        '[' | '{' => depth += 1,
                        ']' | '}' => depth -= 1,
                        _ => {}
                    }
                    (depth == 0).then_some(i + 1)
                })
                .unwrap_or(rest.trim_end().len())
        }
        Some(first) => {
            let bytes = rest.as_bytes();
            let end = rest
                .char_indices()
                .find(|&(i, c)| {
                    let next_space = bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace());
                    matches!(c, ',' | ']' | '}')
                        || (c == ':' && next_space)
                        || (c == '#' && i > 0 && bytes[i - 1].is_ascii_whitespace())
                })
                .map_or(rest.len(), |(i, _)| i);
            rest[..end].trim_end().len().max(first.len_utf8())
        }
    };
    let start = line_start + start;
    start..start + len
}

/// Turn the YAML library's wording into ours: a kind, a message and a caret label.
fn classify_yaml_message(raw: &str) -> (ProblemKind, String, String) {
    let expected = |rest: &str| {
        rest.trim_start_matches(',')
            .trim()
            .trim_start_matches("expected one of ")
            .trim_start_matches("expected ")
            .to_string()
    };
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let (field, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let tail = expected(tail);
        let label = if tail.is_empty() {
            "not a field here".to_string()
        } else {
            format!("expected one of: {tail}")
        };
        return (
            ProblemKind::UnknownField,
            format!("unknown field `{field}`"),
            label,
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
            ProblemKind::DuplicateKey,
            format!("duplicate key `{key}`"),
            "this key appears earlier in the same mapping".to_string(),
        );
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return (
            ProblemKind::MissingField,
            format!("missing required field `{field}`"),
            format!("add `{field}` to this entry"),
        );
    }
    if let Some(rest) = raw.strip_prefix("unknown variant `") {
        let (value, tail) = rest.split_once('`').unwrap_or((rest, ""));
        return (
            ProblemKind::InvalidValue,
            format!("`{value}` is not an accepted value"),
            format!("expected one of: {}", expected(tail)),
        );
    }
    if raw.starts_with("invalid type")
        || raw.starts_with("invalid value")
        || raw.starts_with("expected ")
        || raw.starts_with("invalid ")
        || raw.contains("null")
    {
        return (
            ProblemKind::WrongType,
            format!("wrong type: {raw}"),
            raw.to_string(),
        );
    }
    (
        ProblemKind::YamlSyntax,
        format!("YAML syntax error: {raw}"),
        raw.to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_spans_cover_plain_quoted_and_flow_tokens() {
        let text =
            "x: hello world # c\ny: \"a b\" z\nz: [1, [2]] q\n- {email: a@b.org, token: t}\n";
        let t = |l, c| text[token_span(text, l, c)].to_string();
        assert_eq!(t(1, 4), "hello world");
        assert_eq!(t(2, 4), "\"a b\"");
        assert_eq!(t(3, 4), "[1, [2]]");
        assert_eq!(t(4, 11), "a@b.org");
        assert_eq!(t(4, 27), "t");
        assert_eq!(t(1, 1), "x");
        assert_eq!(token_span(text, 99, 1), text.len()..text.len());
    }

    #[test]
    fn the_summary_and_the_report_name_file_line_col() {
        let text = "a: 1\nb: oops\n";
        let p = Problem {
            kind: ProblemKind::InvalidWorld,
            line: 2,
            col: 4,
            message: "bad b".into(),
            label: "here".into(),
            also: None,
        };
        let e = WorldError::invalid("w.yaml", text, vec![p]);
        assert_eq!(
            e.to_string(),
            "invalid world file w.yaml: w.yaml:2:4: bad b"
        );
        let report = e.render(false);
        assert!(report.contains("error[invalid-world]: bad b"), "{report}");
        assert!(report.contains("w.yaml:2:4"), "{report}");
        assert!(report.contains("^^^^"), "{report}");
    }
}
