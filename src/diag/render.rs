//! Rendering diagnostics: text with source snippets (in time linear in the number of
//! diagnostics: each snippet gets only its labels' lines), JSON for tools, and GitHub workflow
//! annotations; and [`sanitize`], which every path, message and quoted line passes through so
//! nothing reaches a terminal as a control sequence.
//!
//! It owns the output formats; it must not decide what is an error or build diagnostics.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use super::{Code, Diagnostic, FileId, Label, Severity, Sources};

/// Text that is safe to show on a terminal, in Markdown or in a log: control characters
/// (ESC, NUL, newlines…) and invisible characters that reorder or hide text (bidirectional
/// overrides, zero-width marks) become visible `\u{…}` escapes. Used for every path and message
/// a diagnostic shows.
pub fn sanitize(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`sanitize`] for multi-line prose (messages, help): newlines are kept.
fn sanitize_lines(s: &str) -> String {
    s.split('\n')
        .map(|l| sanitize(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}')
}

/// Snippets longer than this are not quoted; the diagnostic points at the place instead.
const MAX_SNIPPET_BYTES: usize = 16 * 1024;

/// Source text safe to quote: characters [`sanitize`] escapes become visible escapes (tabs,
/// newlines and carriage returns are left to the snippet renderer). The shifts say, for each
/// replaced character, the byte offset just after it in the original and how many bytes the
/// text has grown by then, so annotation ranges can follow.
fn clean_source(text: &str) -> (String, Vec<(usize, usize)>) {
    let bad = |c: char| needs_escape(c) && !matches!(c, '\t' | '\n' | '\r');
    if !text.chars().any(bad) {
        return (text.to_string(), Vec::new());
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut shifts = Vec::new();
    let mut grown = 0usize;
    for (i, c) in text.char_indices() {
        if bad(c) {
            let esc = format!("\\u{{{:04x}}}", c as u32);
            grown += esc.len() - c.len_utf8();
            out.push_str(&esc);
            shifts.push((i + c.len_utf8(), grown));
        } else {
            out.push(c);
        }
    }
    (out, shifts)
}

/// Where byte `offset` of the original text is in the cleaned text.
fn shifted(shifts: &[(usize, usize)], offset: usize) -> usize {
    let i = shifts.partition_point(|(after, _)| *after <= offset);
    offset + if i == 0 { 0 } else { shifts[i - 1].1 }
}

/// Labels of one file close to each other: first and last line, and the labels.
type Cluster<'a> = (u32, u32, Vec<(&'a Label, bool)>);

/// One snippet of a rendered diagnostic.
struct SnippetParts {
    file: FileId,
    path: String,
    start: usize,
    end: usize,
    /// Byte ranges relative to `start`, label texts, and whether each is the primary label.
    anns: Vec<(std::ops::Range<usize>, String, bool)>,
}

/// Labels further apart than this many lines are shown in separate snippets, so that the text
/// rendered for one diagnostic is bounded by its labels' lines, not by the file.
const SNIPPET_GAP: u32 = 50;

/// Render diagnostics as text with snippets, followed by nothing else (the caller adds a summary).
///
/// Linear in the number of diagnostics: each snippet is given only the lines its labels cover
/// (found through the file's line index), never the whole file.
pub fn render_text(diags: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let message = sanitize_lines(&d.message);
        let title = level.primary_title(message.as_str()).id(d.code.as_str());
        let mut group = Group::with_title(title);
        // Primary and secondary labels grouped per file, primary file first.
        let mut by_file: Vec<(FileId, Vec<(&Label, bool)>)> = Vec::new();
        for (label, primary) in d
            .primary
            .iter()
            .map(|l| (l, true))
            .chain(d.secondary.iter().map(|l| (l, false)))
        {
            match by_file.iter_mut().find(|(f, _)| *f == label.span.file) {
                Some((_, v)) => v.push((label, primary)),
                None => by_file.push((label.span.file, vec![(label, primary)])),
            }
        }
        // Per snippet: its file, shown path, byte range and annotations (ranges relative to it).
        let mut owned: Vec<SnippetParts> = Vec::new();
        for (file, labels) in by_file {
            let src = sources.get(file);
            let path = sanitize(&src.path).into_owned();
            // Clusters of labels close to each other, in line order.
            let mut sorted = labels;
            sorted.sort_by_key(|(l, primary)| (!*primary, l.span.line));
            let mut clusters: Vec<Cluster<'_>> = Vec::new();
            for (label, primary) in sorted {
                let line = label.span.line.max(1);
                match clusters
                    .iter_mut()
                    .find(|(lo, hi, _)| line + SNIPPET_GAP >= *lo && line <= *hi + SNIPPET_GAP)
                {
                    Some((lo, hi, v)) => {
                        *lo = (*lo).min(line);
                        *hi = (*hi).max(line);
                        v.push((label, primary));
                    }
                    None => clusters.push((line, line, vec![(label, primary)])),
                }
            }
            for (lo, hi, labels) in clusters {
                let (start, end) = src.line_range(lo, hi);
                let anns = labels
                    .into_iter()
                    .map(|(label, primary)| {
                        let a = (label.span.start as usize).clamp(start, end);
                        let b = (label.span.end as usize).clamp(a, end);
                        (
                            a - start..b - start,
                            sanitize(&label.text).into_owned(),
                            primary,
                        )
                    })
                    .collect();
                owned.push(SnippetParts {
                    file,
                    path: path.clone(),
                    start,
                    end,
                    anns,
                });
            }
        }
        let cleaned: Vec<(String, Vec<(usize, usize)>)> = owned
            .iter()
            .map(|part| clean_source(&sources.get(part.file).text[part.start..part.end]))
            .collect();
        for (part, (text, shifts)) in owned.iter().zip(&cleaned) {
            let src = sources.get(part.file);
            if part.end - part.start > MAX_SNIPPET_BYTES {
                // Too long to quote (a megabyte-long line): point at it without a snippet.
                for (range, label, _) in &part.anns {
                    let (line, col) = src.line_col(part.start + range.start);
                    group = group.element(
                        annotate_snippets::Origin::path(part.path.as_str())
                            .line(line as usize)
                            .char_column(col as usize),
                    );
                    if !label.is_empty() {
                        group = group.element(Level::NOTE.message(label.as_str()));
                    }
                }
                continue;
            }
            let line_start = src.line_col(part.start).0 as usize;
            let mut snippet = Snippet::source(text.as_str())
                .path(part.path.as_str())
                .line_start(line_start)
                .fold(true);
            for (range, label, primary) in &part.anns {
                let kind = if *primary {
                    AnnotationKind::Primary
                } else {
                    AnnotationKind::Context
                };
                let range = shifted(shifts, range.start)..shifted(shifts, range.end);
                snippet = snippet.annotation(kind.span(range).label(label.as_str()));
            }
            group = group.element(snippet);
        }
        let help = d.help.as_deref().map(sanitize_lines);
        let mut report = vec![group];
        if let Some(help) = &help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    out
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    label: &'a str,
}

#[derive(Serialize)]
struct JsonDiag<'a> {
    severity: Severity,
    code: Code,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<JsonLabel<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonLabel<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

/// Render diagnostics as one JSON document: `{"format_version": "1", "diagnostics": [...]}`.
pub fn render_json(diags: &[Diagnostic], sources: &Sources) -> String {
    fn label<'a>(sources: &'a Sources, l: &'a Label) -> JsonLabel<'a> {
        JsonLabel {
            file: &sources.get(l.span.file).path,
            line: l.span.line,
            column: l.span.col,
            label: &l.text,
        }
    }
    let items: Vec<JsonDiag<'_>> = diags
        .iter()
        .map(|d| JsonDiag {
            severity: d.severity,
            code: d.code,
            message: &d.message,
            location: d.primary.as_ref().map(|l| label(sources, l)),
            related: d.secondary.iter().map(|l| label(sources, l)).collect(),
            help: d.help.as_deref(),
        })
        .collect();
    let doc = serde_json::json!({
        "format_version": "1",
        "valid": !diags.iter().any(|d| d.severity == Severity::Error),
        "diagnostics": items,
    });
    serde_json::to_string_pretty(&doc).expect("diagnostics serialize") + "\n"
}

/// Render diagnostics as GitHub workflow commands, one line each:
/// `::error file=PATH,line=L,col=C,title=CODE::MESSAGE` (`::warning` for warnings), with the
/// properties and the message escaped as GitHub requires and sanitised like the text output.
pub fn render_github(diags: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diags {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(l) = &d.primary {
            props.push(format!(
                "file={}",
                github_property(&sanitize(&sources.get(l.span.file).path))
            ));
            props.push(format!("line={}", l.span.line));
            props.push(format!("col={}", l.span.col));
        }
        props.push(format!("title={}", github_property(d.code.as_str())));
        let mut message = d.message.clone();
        if let Some(l) = &d.primary
            && !l.text.is_empty()
        {
            message.push_str(": ");
            message.push_str(&l.text);
        }
        for l in &d.secondary {
            message.push_str(&format!(
                "\n{}:{}:{}: {}",
                sources.get(l.span.file).path,
                l.span.line,
                l.span.col,
                l.text
            ));
        }
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            github_data(&sanitize_lines(&message))
        ));
    }
    out
}

/// A workflow command's message: `%`, CR and LF escaped.
fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as a message, and `:` and `,` too.
fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_annotations_escape_properties_and_message() {
        let mut sources = Sources::new();
        let f = sources.add("dir,a:b/100%.yaml", "kind: Organization\nname: bad name\n");
        let span = sources.get(f).token_span(f, 2, 7);
        let mut w = Diagnostic::error(Code::UnknownField, "50% off,\r\nnext").at(span, "here");
        w.severity = Severity::Warning;
        let d = Diagnostic::error(Code::InvalidName, "bad")
            .at(span, "")
            .also(span, "also")
            .help("fix it");
        let unlocated = Diagnostic::error(Code::Io, "cannot read x");
        let out = render_github(&[w, d, unlocated], &sources);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines,
            [
                "::warning file=dir%2Ca%3Ab/100%25.yaml,line=2,col=7,title=unknown-field::50%25 off,\\r%0Anext: here",
                "::error file=dir%2Ca%3Ab/100%25.yaml,line=2,col=7,title=invalid-name::bad%0Adir,a:b/100%25.yaml:2:7: also%0Ahelp: fix it",
                "::error title=io::cannot read x",
            ]
        );
    }

    #[test]
    fn paths_and_messages_are_sanitised_in_text_and_github_output() {
        let mut sources = Sources::new();
        let f = sources.add("evil\u{1b}[2J\u{202e}.yaml", "kind: x\u{1b}[31m\n");
        let span = sources.get(f).token_span(f, 1, 7);
        let d = Diagnostic::error(Code::UnknownKind, "unknown kind `x\u{1b}[31m`").at(span, "here");
        for out in [
            render_text(std::slice::from_ref(&d), &sources, false),
            render_github(std::slice::from_ref(&d), &sources),
        ] {
            assert!(!out.contains('\u{1b}'), "{out:?}");
            assert!(!out.contains('\u{202e}'), "{out:?}");
            assert!(out.contains("evil\\u{001b}[2J\\u{202e}.yaml"), "{out}");
        }
        assert_eq!(sanitize("a\u{0}b\tc"), "a\\u{0000}b\\tc");
        // Quoted source is cleaned too, and the caret still covers the token.
        let f = sources.add("c1.yaml", "name: \"x\u{9b}2J\" y\n");
        let span = sources.get(f).token_span(f, 1, 7);
        let d = Diagnostic::error(Code::InvalidName, "bad").at(span, "here");
        let out = render_text(&[d], &sources, false);
        assert!(!out.contains('\u{9b}'), "{out}");
        assert!(out.contains("\"x\\u{009b}2J\" y"), "{out}");
        assert!(out.contains(&format!("      {}", "^".repeat(13))), "{out}");
        assert_eq!(sanitize("Zoë 基因组"), "Zoë 基因组");
    }

    #[test]
    fn text_rendering_shows_only_the_lines_of_each_diagnostic() {
        // Work, not time: the snippet handed to the renderer for a diagnostic is the lines of its
        // labels, however long the file.
        let mut sources = Sources::new();
        let mut text = String::new();
        for i in 0..5000 {
            text.push_str(&format!("k{i}: v\n"));
        }
        let f = sources.add("big.yaml", text);
        let src = sources.get(f);
        let (a, b) = src.line_range(4000, 4000);
        assert_eq!(&src.text[a..b], "k3999: v");
        let (a, b) = src.line_range(1, 2);
        assert_eq!(&src.text[a..b], "k0: v\nk1: v");
        let d = Diagnostic::error(Code::InvalidName, "bad")
            .at(src.token_span(f, 4000, 1), "here")
            .also(src.token_span(f, 10, 1), "first");
        let out = render_text(&[d], &sources, false);
        assert!(out.contains("big.yaml:4000:1"), "{out}");
        assert!(out.contains("big.yaml:10:1"), "{out}");
        assert!(out.lines().count() < 20, "{out}");
    }

    #[test]
    fn text_rendering_points_at_file_line_col_with_a_caret() {
        let mut sources = Sources::new();
        let f = sources.add("org.yaml", "kind: Organization\nname: bad name\n");
        let span = sources.get(f).token_span(f, 2, 7);
        let d = Diagnostic::error(Code::InvalidName, "bad").at(span, "here");
        let text = render_text(&[d], &sources, false);
        assert!(text.contains("org.yaml:2:7"), "{text}");
        assert!(text.contains("^^^"), "{text}");
        assert!(text.contains("error[invalid-name]: bad"), "{text}");
    }
}
