//! The manual BaseSpace steps of a plan as a runbook: for a terminal (text, and one step at a
//! time for `apply`'s walkthrough), and as Markdown with a checklist (the job summary, the
//! GitHub issue, and the plan's pull-request comment). Every step says it cannot be verified by
//! API.
//!
//! Presentation only: the steps are the plan's; every string goes through `view::clean` (text)
//! or `escape` (Markdown), so nothing from the config reaches a terminal or a comment raw.

use crate::plan::{Action, ManualChange, Plan};
use crate::render::escape::{code, escape};
use crate::render::view::clean;

/// How a manual change is marked: `+ manual`, `~ manual`, `- manual`.
fn mark(c: &ManualChange) -> char {
    c.action.symbol()
}

/// One step of the walkthrough, for a terminal: `Step 2 of 3: …`, where, and the numbered
/// Admin Console steps.
pub fn manual_step_text(c: &ManualChange, i: usize, n: usize) -> String {
    let mut out = format!("Step {i} of {n}: {}\n", clean(&c.summary));
    out.push_str(&format!(
        "  workgroup {} (platform {}); {}\n",
        clean(&c.workgroup),
        clean(&c.platform),
        clean(&c.verification)
    ));
    out.push_str(&format!("  start at {}\n", clean(&c.console)));
    for (k, s) in c.steps.iter().enumerate() {
        out.push_str(&format!("  {:>2}. {}\n", k + 1, clean(s)));
    }
    if let Some(note) = &c.note {
        out.push_str(&format!("  note: {}\n", clean(note)));
    }
    out
}

/// The manual changes of a plan as lines for the plan's text view, at `indent` spaces: each a
/// `± manual: …` headline (with its mark, for colour) and its numbered steps.
pub(crate) fn text_lines(changes: &[&ManualChange], indent: usize) -> Vec<(char, String)> {
    let pad = " ".repeat(indent);
    let mut out = Vec::new();
    for c in changes {
        out.push((
            mark(c),
            format!("{pad}{} manual: {}", mark(c), clean(&c.summary)),
        ));
        for (k, s) in c.steps.iter().enumerate() {
            out.push((' ', format!("{pad}      {}. {}", k + 1, clean(s))));
        }
        if let Some(note) = &c.note {
            out.push((' ', format!("{pad}    note: {}", clean(note))));
        }
    }
    out
}

/// The runbook for a terminal or a log: every pending step, numbered, with a box to tick.
pub fn runbook_text(plan: &Plan) -> String {
    let n = plan.manual.len();
    if n == 0 {
        return String::new();
    }
    let mut out = format!(
        "Manual BaseSpace steps: {n} pending. roster cannot make them or verify them by API; do each in the Admin Console.\n"
    );
    for (i, c) in plan.manual.iter().enumerate() {
        out.push('\n');
        out.push_str(&manual_step_text(c, i + 1, n));
        out.push_str(&format!("  address: {}\n", clean(&c.address.to_string())));
    }
    out
}

/// The runbook as Markdown: a heading, what to do once done, and each change with its steps as
/// a checklist. `ledger` is the ledger's path as the operator should commit it.
pub fn runbook_markdown(plan: &Plan, ledger: &str) -> String {
    let n = plan.manual.len();
    if n == 0 {
        return String::new();
    }
    let mut out = format!(
        "### BaseSpace: {n} manual step{} pending\n\n",
        if n == 1 { "" } else { "s" }
    );
    out.push_str(&format!(
        "roster cannot make these changes or verify them by API: no BaseSpace API lists or changes a workgroup's members. \
         Do each step in the Admin Console and tick it here; then record them with `roster apply` on a terminal (it asks to confirm each \
         step and writes {}), and commit the ledger.\n\n",
        code(ledger)
    ));
    for (i, c) in plan.manual.iter().enumerate() {
        out.push_str(&markdown_change(c, Some(i + 1)));
    }
    out
}

/// Text with `backticked` names as Markdown: the names as code spans, the rest escaped prose
/// (all of it escaped when the backticks do not pair up).
fn inline(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return escape(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| if i % 2 == 1 { code(p) } else { escape(p) })
        .collect()
}

/// One manual change as Markdown: a heading line, where, the checklist, and its note.
pub(crate) fn markdown_change(c: &ManualChange, number: Option<usize>) -> String {
    let verb = match c.action {
        Action::Create => "add",
        Action::Update => "change",
        Action::Delete => "remove",
    };
    let mut out = match number {
        Some(i) => format!("#### {i}. {}\n\n", inline(&c.summary)),
        None => format!("**{verb}**: {}\n\n", inline(&c.summary)),
    };
    out.push_str(&format!(
        "Workgroup {} (platform {}), starting at {} — _{}_\n\n",
        code(&c.workgroup),
        code(&c.platform),
        code(&c.console),
        escape(&c.verification)
    ));
    for s in &c.steps {
        out.push_str(&format!("- [ ] {}\n", inline(s)));
    }
    if let Some(note) = &c.note {
        out.push_str(&format!("\n> {}\n", inline(note)));
    }
    out.push_str(&format!(
        "\n<sub>{}</sub>\n\n",
        code(&c.address.to_string())
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixtures;

    #[test]
    fn the_runbook_lists_every_step_with_a_box_and_says_it_cannot_be_verified() {
        let plan = fixtures::with_basespace();
        let md = runbook_markdown(&plan, ".roster/basespace-ledger.yaml");
        insta::assert_snapshot!(md);
        let text = runbook_text(&plan);
        insta::assert_snapshot!(text);
        assert_eq!(
            md.matches("- [ ] ").count(),
            plan.manual.iter().map(|c| c.steps.len()).sum::<usize>()
        );
        assert!(runbook_markdown(&fixtures::small(), "x").is_empty());
    }

    #[test]
    fn nothing_from_the_config_reaches_the_terminal_or_the_comment_raw() {
        let mut plan = fixtures::with_basespace();
        plan.manual[0].summary = "invite \u{1b}[2J`x` <img src=x> @everyone `a``".into();
        plan.manual[0].steps[0] = "[click](javascript:alert(1))".into();
        let text = runbook_text(&plan);
        assert!(!text.contains('\u{1b}'));
        let md = runbook_markdown(&plan, "l");
        assert!(md.contains("\\<img") && !md.contains(" <img"), "{md}");
        assert!(md.contains("\\[click\\](javascript"), "{md}");
        assert!(!md.contains(" @everyone"), "{md}");
    }
}
