//! Markdown escaping: strings from a plan as code blocks, code spans and prose that cannot change
//! a document's structure.
//!
//! In code blocks the fence is longer than any run of backticks in the block; in code spans
//! likewise; in prose, Markdown and HTML punctuation is escaped, and `@` too, so that no one is
//! mentioned. Prose and code spans are cut to [`MAX_PROSE`] characters. This file owns those
//! rules; it must not lay out a document or know what the strings mean.

use crate::render::view::clean;

/// Strings from the plan outside code blocks (endpoints, messages, reasons) are cut to this many
/// characters, so that the fixed parts of a comment stay small.
const MAX_PROSE: usize = 500;

/// The fence for a code block holding these texts: longer than any run of backticks in them.
pub(super) fn fence_for<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    let longest = texts.map(longest_backtick_run).max().unwrap_or(0);
    "`".repeat((longest + 1).max(3))
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// `s` as an inline code span that nothing in it can end early.
pub(super) fn code(s: &str) -> String {
    let s = prefix(&clean(s), MAX_PROSE);
    let ticks = "`".repeat(longest_backtick_run(&s) + 1);
    if s.is_empty() || s.starts_with('`') || s.ends_with('`') {
        format!("{ticks} {s} {ticks}")
    } else {
        format!("{ticks}{s}{ticks}")
    }
}

/// `s` as prose, for the middle of a line: on one line, with the characters Markdown, HTML or
/// GitHub would act on escaped: emphasis, code, links and images (`[` `]`), tables, HTML and
/// entities, strikethrough, math (`$`), and `@` (so that no one is mentioned and no address
/// becomes a link). Line-start markers (`#`, `-`, `+`) need nothing: prose never starts a
/// line.
pub(super) fn escape(s: &str) -> String {
    let s = prefix(&clean(s), MAX_PROSE);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if "\\`*_[]<>|~&@$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// At most `max` characters of `s`, with `…` when cut.
pub(super) fn prefix(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}
