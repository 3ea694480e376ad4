//! Views of an in-place edit of the config (`roster offboard`): the summary of the entries it
//! removes, and the unified diff of a file (`--dry-run`).
//!
//! It must not decide what to edit; it shows what it is given.

use std::fmt::Write;

use similar::{ChangeTag, TextDiff};

use super::view::clean;
use crate::config::edit::Entry;

/// The entries removed: for offboarding, grouped under each of `users` (as given on the
/// command line; entries match them case-insensitively); for expired grants (`users` empty),
/// one list. Each entry shows its place as `file:line`.
pub fn summary(users: &[String], entries: &[Entry], wrote: Option<usize>) -> String {
    let mut out = String::new();
    let width = entries
        .iter()
        .map(|e| e.file.len() + digits(e.line) + 1)
        .max()
        .unwrap_or(0);
    let line = |e: &Entry, with_user: bool| {
        let at = format!("{}:{}", e.file, e.line);
        let mut line = format!("  {at:<width$}  ");
        if with_user {
            write!(line, "{}, ", e.user).unwrap();
        }
        write!(line, "{}", e.place).unwrap();
        if let Some(r) = &e.role {
            write!(line, " ({r})").unwrap();
        }
        if let Some(w) = &e.why {
            write!(line, ": {w}").unwrap();
        }
        format!("{}\n", clean(&line))
    };
    if users.is_empty() {
        writeln!(
            out,
            "Removing {} entr{} of grants that expired:",
            entries.len(),
            if entries.len() == 1 { "y" } else { "ies" }
        )
        .unwrap();
        entries.iter().for_each(|e| out.push_str(&line(e, true)));
    }
    for user in users {
        let key = user.trim().to_lowercase();
        let mine: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.user.trim().to_lowercase() == key)
            .collect();
        writeln!(
            out,
            "Offboarding {}: {} entr{}",
            clean(user.trim()),
            mine.len(),
            if mine.len() == 1 { "y" } else { "ies" }
        )
        .unwrap();
        mine.iter().for_each(|e| out.push_str(&line(e, false)));
    }
    match wrote {
        Some(n) => writeln!(out, "Edited {n} file{}.", plural(n)).unwrap(),
        None => writeln!(out, "Dry run: nothing was written.").unwrap(),
    }
    out
}

/// The unified diff of one file, `a/PATH` to `b/PATH`, with three lines of context; red and
/// green with `color`.
pub fn diff(path: &str, old: &str, new: &str, color: bool) -> String {
    let path = clean(path);
    let d = TextDiff::from_lines(old, new);
    let mut out = String::new();
    writeln!(out, "--- a/{path}").unwrap();
    writeln!(out, "+++ b/{path}").unwrap();
    let mut unified = d.unified_diff();
    unified.context_radius(3);
    for hunk in unified.iter_hunks() {
        writeln!(out, "{}", hunk.header()).unwrap();
        for change in hunk.iter_changes() {
            let (sign, style) = match change.tag() {
                ChangeTag::Delete => ('-', Some(anstyle::AnsiColor::Red)),
                ChangeTag::Insert => ('+', Some(anstyle::AnsiColor::Green)),
                ChangeTag::Equal => (' ', None),
            };
            let text = change.value();
            let body = text.strip_suffix('\n').unwrap_or(text);
            let body = body.strip_suffix('\r').unwrap_or(body);
            // Tabs stay tabs, so the diff still applies as a patch.
            let body: Vec<String> = body.split('\t').map(clean).collect();
            let line = format!("{sign}{}", body.join("\t"));
            match (color, style) {
                (true, Some(c)) => {
                    let s = anstyle::Style::new().fg_color(Some(c.into()));
                    writeln!(out, "{s}{line}{s:#}").unwrap();
                }
                _ => writeln!(out, "{line}").unwrap(),
            }
            if change.missing_newline() {
                writeln!(out, "\\ No newline at end of file").unwrap();
            }
        }
    }
    out
}

fn digits(n: u32) -> usize {
    n.to_string().len()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::edit::Place;

    #[test]
    fn the_diff_shows_only_the_removed_lines_with_context() {
        let old = "a\nb\nc\nd\n";
        let new = "a\nc\nd\n";
        let d = diff("x.yaml", old, new, false);
        assert_eq!(
            d,
            "--- a/x.yaml\n+++ b/x.yaml\n@@ -1,4 +1,3 @@\n a\n-b\n c\n d\n"
        );
    }

    #[test]
    fn the_summary_names_each_place() {
        let e = Entry {
            file: "org.yaml".into(),
            line: 9,
            user: "Jane@X.org".into(),
            place: Place::OrgMember { org: "lab".into() },
            role: Some("owner".into()),
            why: None,
        };
        let s = summary(&["jane@x.org".to_string()], &[e], Some(1));
        assert_eq!(
            s,
            "Offboarding jane@x.org: 1 entry\n  org.yaml:9  member of organization lab (owner)\nEdited 1 file.\n"
        );
    }
}
