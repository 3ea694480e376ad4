//! The presentation model the text and Markdown renderers share: changes grouped by platform,
//! organization and workspace, and each change as a headline plus body lines, with every string
//! taken from the plan already made safe to print.
//!
//! It only arranges what the plan says. Comparing a change's `before` and `after` to show the
//! attributes that differ is presentation; deciding what changes is the planner's job.

use std::collections::BTreeMap;

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use crate::plan::{Action, Attrs, Change, Plan, Risk, Target};

/// A string value longer than this (in characters) gets a line of its own.
const SHORT_VALUE: usize = 60;
/// A created or deleted object's attributes follow its headline in parentheses while the line
/// stays this short (in characters); otherwise each gets a line of its own.
const INLINE_ATTRS: usize = 80;
/// Above this many lines on either side, a text field is shown whole instead of as a line diff
/// (the diff algorithm's cost grows with the product of the sides).
const MAX_DIFF_LINES: usize = 2_000;
/// Lines of unchanged text kept around each changed line of a line diff.
const DIFF_CONTEXT: usize = 3;

/// The changes of one platform, by organization.
pub(crate) struct PlatformGroup<'a> {
    pub name: &'a str,
    /// The target the plan records for this platform, when it has one.
    pub target: Option<&'a Target>,
    /// By organization name.
    pub orgs: Vec<OrgGroup<'a>>,
}

/// The changes of one organization: its own, then by workspace.
pub(crate) struct OrgGroup<'a> {
    pub name: &'a str,
    /// Organization-level changes, in plan order.
    pub changes: Vec<&'a Change>,
    /// By workspace name; each keeps plan order.
    pub workspaces: Vec<(&'a str, Vec<&'a Change>)>,
}

/// Group the plan's changes by platform (the targets' order, then any other platform a change
/// names, by name), organization and workspace (by name). Changes keep the plan's order within a
/// group. Every target gets a group, even one without changes.
pub(crate) fn group(plan: &Plan) -> Vec<PlatformGroup<'_>> {
    type Orgs<'a> = BTreeMap<&'a str, (Vec<&'a Change>, BTreeMap<&'a str, Vec<&'a Change>>)>;
    let mut platforms: Vec<(&str, Option<&Target>, Orgs<'_>)> = Vec::new();
    for t in &plan.targets {
        if !platforms.iter().any(|(name, _, _)| *name == t.platform) {
            platforms.push((&t.platform, Some(t), BTreeMap::new()));
        }
    }
    let mut others: BTreeMap<&str, Orgs<'_>> = BTreeMap::new();
    for c in &plan.changes {
        let orgs = match platforms
            .iter_mut()
            .find(|(name, _, _)| *name == c.platform)
        {
            Some((_, _, orgs)) => orgs,
            None => others.entry(&c.platform).or_default(),
        };
        let (own, workspaces) = orgs.entry(&c.org).or_default();
        match &c.workspace {
            Some(ws) => workspaces.entry(ws).or_default().push(c),
            None => own.push(c),
        }
    }
    platforms.extend(others.into_iter().map(|(name, orgs)| (name, None, orgs)));
    platforms
        .into_iter()
        .map(|(name, target, orgs)| PlatformGroup {
            name,
            target,
            orgs: orgs
                .into_iter()
                .map(|(name, (changes, workspaces))| OrgGroup {
                    name,
                    changes,
                    workspaces: workspaces.into_iter().collect(),
                })
                .collect(),
        })
        .collect()
}

/// One change, ready to print: a headline after the action symbol, the risks to flag beside it,
/// and the lines under it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ChangeView {
    pub action: Action,
    /// e.g. `member user:jane@uq.edu.au: role member → owner`.
    pub headline: String,
    pub risks: Vec<Risk>,
    pub body: Vec<Body>,
}

/// A line under a change's headline.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Body {
    /// `key: value`, `key: old → new`, or `key:` before its text or diff lines.
    Attr(String),
    /// A line of a multi-line value, under its `Attr`.
    Text(String),
    /// A line of a line diff, under its `Attr`.
    Diff(Line, String),
    /// A line of the change's note.
    Note(String),
}

/// What a line of a line diff is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line {
    Same,
    Removed,
    Added,
    /// Unchanged lines left out (the text is `…`).
    Skipped,
}

impl ChangeView {
    pub fn new(c: &Change) -> Self {
        let subject = subject(c);
        let mut headline = if subject.is_empty() {
            c.kind.as_str().to_string()
        } else {
            format!("{} {subject}", c.kind)
        };
        let mut body = Vec::new();
        match c.action {
            Action::Create | Action::Delete => {
                let attrs = if c.action == Action::Create {
                    c.after.as_ref()
                } else {
                    c.before.as_ref()
                };
                // Each attribute as its lines, and whether it could share the headline's line.
                let mut entries: Vec<(Vec<Body>, bool)> = Vec::new();
                for (k, v) in attrs.into_iter().flatten() {
                    if is_redundant(v, &subject) {
                        continue;
                    }
                    let key = clean(k);
                    entries.push(match v {
                        Value::String(s) if s.contains('\n') => {
                            let mut lines = vec![Body::Attr(format!("{key}: |"))];
                            lines.extend(s.lines().map(|l| Body::Text(clean(l))));
                            (lines, false)
                        }
                        _ => (
                            vec![Body::Attr(format!("{key}: {}", value(v)))],
                            !is_long(v),
                        ),
                    });
                }
                let inline: Vec<&str> = entries
                    .iter()
                    .filter_map(|(lines, short)| match (lines.as_slice(), short) {
                        ([Body::Attr(a)], true) => Some(a.as_str()),
                        _ => None,
                    })
                    .collect();
                let joined = format!("{headline} ({})", inline.join(", "));
                let fits = !inline.is_empty() && joined.chars().count() <= INLINE_ATTRS;
                if fits {
                    headline = joined;
                }
                for (lines, short) in entries {
                    if !(fits && short) {
                        body.extend(lines);
                    }
                }
            }
            Action::Update => {
                let empty = Attrs::new();
                let before = c.before.as_ref().unwrap_or(&empty);
                let after = c.after.as_ref().unwrap_or(&empty);
                let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
                keys.sort();
                keys.dedup();
                let changed: Vec<(&String, &Value, &Value)> = keys
                    .into_iter()
                    .map(|k| {
                        let old = before.get(k).unwrap_or(&Value::Null);
                        let new = after.get(k).unwrap_or(&Value::Null);
                        (k, old, new)
                    })
                    .filter(|(_, old, new)| old != new)
                    .collect();
                match changed.as_slice() {
                    [(k, old, new)] if !is_long(old) && !is_long(new) => {
                        headline =
                            format!("{headline}: {} {} → {}", clean(k), value(old), value(new));
                    }
                    _ => {
                        for (k, old, new) in changed {
                            if is_long(old) || is_long(new) {
                                body.extend(update_lines(&clean(k), old, new));
                            } else {
                                let (old, new) = (value(old), value(new));
                                body.push(Body::Attr(format!("{}: {old} → {new}", clean(k))));
                            }
                        }
                    }
                }
            }
        }
        if let Some(e) = &c.expired {
            body.push(Body::Note(clean(&e.to_string())));
        }
        if let Some(note) = &c.note {
            let mut lines = note.lines();
            if let Some(first) = lines.next() {
                body.push(Body::Note(format!("note: {}", clean(first))));
            }
            body.extend(lines.map(|l| Body::Note(format!("      {}", clean(l)))));
        }
        ChangeView {
            action: c.action,
            headline,
            risks: c.risks.clone(),
            body,
        }
    }
}

/// The risks of a change as words, e.g. `grants owner, removes access`.
pub(crate) fn risk_words(risks: &[Risk]) -> String {
    risks
        .iter()
        .map(|r| match r {
            Risk::GrantsOwner => "grants owner",
            Risk::GrantsAdmin => "grants admin",
            Risk::RemovesAccess => "removes access",
            Risk::Destructive => "destructive",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// How much a reviewer should worry about a risk: lower first.
pub(crate) fn risk_rank(r: Risk) -> u8 {
    match r {
        Risk::Destructive => 0,
        Risk::GrantsOwner => 1,
        Risk::GrantsAdmin => 2,
        Risk::RemovesAccess => 3,
    }
}

/// The plan's first logins grouped by endpoint, in plan order.
pub(crate) fn first_logins(plan: &Plan) -> Vec<(&str, Vec<&crate::plan::FirstLogin>)> {
    let mut out: Vec<(&str, Vec<&crate::plan::FirstLogin>)> = Vec::new();
    for f in &plan.first_logins {
        match out.iter_mut().find(|(e, _)| *e == f.endpoint) {
            Some((_, v)) => v.push(f),
            None => out.push((&f.endpoint, vec![f])),
        }
    }
    out
}

/// One user who must log in once, and where the config names them (already cleaned).
pub(crate) fn first_login(f: &crate::plan::FirstLogin) -> String {
    if f.declared.is_empty() {
        clean(&f.user)
    } else {
        format!(
            "{} (declared at {})",
            clean(&f.user),
            f.declared
                .iter()
                .map(|d| clean(d))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// A platform setting that takes effect only after merge, in a sentence (already cleaned).
pub(crate) fn pending_setting(p: &crate::plan::PendingSetting) -> String {
    let show = |v: &Option<String>| match v {
        Some(v) => clean(v),
        None => "(not declared)".to_string(),
    };
    format!(
        "platform {} {}: {} → {} takes effect after merge; until then the value at {} is used",
        clean(&p.platform),
        clean(&p.field),
        show(&p.trusted),
        show(&p.proposed),
        clean(&p.trusted_ref)
    )
}

/// What a change is about, shown after its kind: the change's address relative to its
/// organization or workspace, without the segment that repeats the kind
/// (`org/lab/member/user:a@b.org` → `user:a@b.org`); for an organization or a workspace, its
/// name as declared. Empty for a workspace's single settings object (studios).
pub(crate) fn subject(c: &Change) -> String {
    clean(&c.address.subject())
}

/// Whether an attribute only repeats what the subject already says (a member's user, a
/// workspace's name).
fn is_redundant(v: &Value, subject: &str) -> bool {
    let Value::String(s) = v else { return false };
    let s = clean(s);
    !s.is_empty()
        && (subject == s
            || subject.ends_with(&format!(":{s}"))
            || subject.ends_with(&format!("/{s}"))
            || subject.starts_with(&format!("{s}/")))
}

/// Whether a value is too long or has too many lines to share a line with others.
pub(crate) fn is_long(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains('\n') || s.chars().count() > SHORT_VALUE,
        Value::Array(_) | Value::Object(_) => value(v).chars().count() > SHORT_VALUE,
        _ => false,
    }
}

/// A value on one line: a plain word as it is, other strings quoted with JSON escapes, null as
/// `(none)`, anything else as compact JSON.
pub(crate) fn value(v: &Value) -> String {
    match v {
        Value::Null => "(none)".to_string(),
        Value::String(s) if is_word(s) => clean(s),
        other => clean(&serde_json::to_string(other).unwrap_or_default()),
    }
}

/// A string safe to print unquoted: letters, digits and a few punctuation marks.
fn is_word(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= SHORT_VALUE
        && s.chars()
            .all(|c| c.is_alphanumeric() || "-_.@:/+=".contains(c))
}

/// The lines of an update of one attribute whose old or new value is long: `key:` and a line
/// diff of the two values, or `key: old → new` when that diff would show nothing.
fn update_lines(key: &str, old: &Value, new: &Value) -> Vec<Body> {
    let (old_text, new_text) = (as_text(old), as_text(new));
    if old_text == new_text {
        return vec![Body::Attr(format!(
            "{key}: {} → {}",
            value(old),
            value(new)
        ))];
    }
    let mut lines = vec![Body::Attr(format!("{key}:"))];
    lines.extend(line_diff(&old_text, &new_text));
    lines
}

/// The text a value is diffed as: a string as it is, null as nothing, anything else as JSON.
fn as_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// A line diff of two texts, with a few unchanged lines around each change and `…` for the
/// unchanged lines left out.
pub(crate) fn line_diff(old: &str, new: &str) -> Vec<Body> {
    let mut out = Vec::new();
    if old.lines().count() > MAX_DIFF_LINES || new.lines().count() > MAX_DIFF_LINES {
        out.extend(old.lines().map(|l| Body::Diff(Line::Removed, clean(l))));
        out.extend(new.lines().map(|l| Body::Diff(Line::Added, clean(l))));
        return out;
    }
    // Both texts end with a newline, so that a last line without one does not show as changed.
    let (old, new) = (with_newline(old), with_newline(new));
    let diff = TextDiff::from_lines(old.as_str(), new.as_str());
    let groups = diff.grouped_ops(DIFF_CONTEXT);
    let old_len = diff.old_len();
    let mut shown_to = 0;
    for group in &groups {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        if first.old_range().start > shown_to {
            out.push(Body::Diff(Line::Skipped, "…".to_string()));
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let tag = match change.tag() {
                    ChangeTag::Equal => Line::Same,
                    ChangeTag::Delete => Line::Removed,
                    ChangeTag::Insert => Line::Added,
                };
                let text = change.value();
                out.push(Body::Diff(tag, clean(text.trim_end_matches(['\n', '\r']))));
            }
        }
        shown_to = last.old_range().end;
    }
    if !groups.is_empty() && shown_to < old_len {
        out.push(Body::Diff(Line::Skipped, "…".to_string()));
    }
    out
}

fn with_newline(s: &str) -> String {
    if s.is_empty() || s.ends_with('\n') {
        s.to_string()
    } else {
        format!("{s}\n")
    }
}

/// `s` made safe to print on one line: control characters (newlines included) and the
/// invisible characters that reorder or hide text (bidirectional overrides, zero-width marks)
/// become visible escapes, so nothing in a plan can move the cursor, recolour the terminal or
/// disguise a name.
pub(crate) fn clean(s: &str) -> String {
    if !s.chars().any(needs_escape) {
        return s.to_string();
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
    out
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}')
}

/// Up to `max` items of a list as lines, then `… and N more`.
pub(crate) fn at_most<T: std::fmt::Display>(items: &[T], max: usize) -> Vec<String> {
    let mut out: Vec<String> = items
        .iter()
        .take(max)
        .map(|s| clean(&s.to_string()))
        .collect();
    if items.len() > max {
        out.push(format!("… and {} more", items.len() - max));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixtures;

    #[test]
    fn subjects_drop_the_prefix_and_the_kind_segment() {
        let plan = fixtures::plan();
        let subjects: Vec<String> = plan.changes.iter().map(subject).collect();
        assert!(subjects.contains(&"user:jane.doe@uq.edu.au".to_string()));
        assert!(subjects.contains(&"genomics-admins/member/user:jane.doe@uq.edu.au".to_string()));
        assert!(subjects.contains(&"team:genomics-admins".to_string()));
        assert!(subjects.contains(&"community=imaging".to_string()));
        assert!(subjects.contains(&String::new()), "studios has no subject");
    }

    #[test]
    fn mixed_case_names_give_the_same_subjects_as_lower_case_ones() {
        use crate::plan::{Address, Kind};
        use crate::scope::Principal;
        let mut c = fixtures::plan().changes[1].clone();
        c.kind = Kind::Participant;
        c.address = Address::participant("BioCommons", "Genomics", Principal::user("J@X.org"));
        assert_eq!(subject(&c), "user:j@x.org");
        c.kind = Kind::TeamMember;
        c.address = Address::team_member("BioCommons", "Admins", "j@x.org");
        assert_eq!(subject(&c), "Admins/member/user:j@x.org");
    }

    #[test]
    fn clean_escapes_terminal_controls_and_bidi_overrides() {
        assert_eq!(clean("a\u{1b}[31mb"), "a\\u{001b}[31mb");
        assert_eq!(clean("evil\u{202e}gpj.exe"), "evil\\u{202e}gpj.exe");
        assert_eq!(clean("two\nlines"), "two\\nlines");
        assert_eq!(clean("Zoë 基因组"), "Zoë 基因组");
    }

    #[test]
    fn values_are_words_or_quoted() {
        assert_eq!(value(&Value::from("owner")), "owner");
        assert_eq!(value(&Value::from("two words")), "\"two words\"");
        assert_eq!(value(&Value::from("")), "\"\"");
        assert_eq!(value(&Value::Null), "(none)");
        assert_eq!(value(&Value::from(8)), "8");
    }

    #[test]
    fn line_diff_keeps_context_and_marks_what_it_leaves_out() {
        let old: String = (1..=20).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 10\n", "line ten\n");
        let lines = line_diff(&old, &new);
        assert_eq!(lines.first(), Some(&Body::Diff(Line::Skipped, "…".into())));
        assert_eq!(lines.last(), Some(&Body::Diff(Line::Skipped, "…".into())));
        assert!(lines.contains(&Body::Diff(Line::Removed, "line 10".into())));
        assert!(lines.contains(&Body::Diff(Line::Added, "line ten".into())));
        assert_eq!(lines.len(), 2 + 3 + 2 + 3);
    }

    #[test]
    fn very_long_texts_are_shown_whole_without_diffing() {
        let old = "a\n".repeat(MAX_DIFF_LINES + 1);
        let lines = line_diff(&old, "b");
        assert_eq!(lines.len(), MAX_DIFF_LINES + 2);
    }
}
