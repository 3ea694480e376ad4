//! Diagnostics: what went wrong (a [`Code`] and a message) kept apart from where (a [`Span`] into
//! a file held by [`Sources`]). Stages collect every diagnostic they find; the caller sorts them by
//! file and line and renders them once, as text with source snippets or as JSON.
//!
//! This module owns the location model and the YAML error wording; `render` owns the renderers. It must not decide what is an error: the
//! config loader, the validator and the emulator's world loader do.

use std::fmt;

use serde::Serialize;

mod render;
mod source;

pub use render::{render_github, render_json, render_text, sanitize};
pub use source::{FileId, SourceFile, Sources, Sp};

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
    LinkedTeamMembers => "linked-team-members",
    MultipleSettings => "multiple-settings",
    InvalidParticipant => "invalid-participant",
    DomainNotAllowed => "domain-not-allowed",
    TooFewOwners => "too-few-owners",
    CollaboratorRole => "collaborator-role",
    NoDocuments => "no-documents",
    AdminCount => "admin-count",
    OutsideDomain => "outside-domain",
    UnservedRegion => "unserved-region",
    AdminAndUser => "admin-and-user",
    InvalidDate => "invalid-date",
    Expired => "expired",
    ExpiresSoon => "expires-soon",
    MaxGrantDays => "max-grant-days",
    InvalidWorld => "invalid-world",
    InvalidPermission => "invalid-permission",
    PersonalWorkspace => "personal-workspace",
    CannotEdit => "cannot-edit",
    UnknownReviewer => "unknown-reviewer",
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
