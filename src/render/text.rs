//! The plan as text for a terminal, in the terraform manner: `+ ~ -` per change, grouped by
//! platform, organization and workspace, then what is left alone, who gains and who loses
//! access, the guard rails the plan breaks, and a one-line summary.
//!
//! Colour is ANSI from [`anstyle`], only when asked for; without it the output has no escape
//! codes at all, and the coloured output is the plain output with styles added. Strings from the
//! plan never carry control characters to the terminal (see `view::clean`).

use std::fmt::Write as _;

use anstyle::{AnsiColor, Color, Style};

use crate::plan::basespace::UNVERIFIABLE;
use crate::plan::{Action, Change, ManualChange, Plan, Risk};
use crate::render::view::{self, Body, ChangeView, Line};
use crate::render::{lifecycle, runbook};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const GREEN: Style = fg(AnsiColor::Green);
const YELLOW: Style = fg(AnsiColor::Yellow);
const RED: Style = fg(AnsiColor::Red);

const fn fg(c: AnsiColor) -> Style {
    Style::new().fg_color(Some(Color::Ansi(c)))
}

/// Risk flags line up at this column at most; longer change lines get theirs two spaces after.
const RISK_COLUMN: usize = 72;
/// Addresses listed under a guard rail before `… and N more`.
const MAX_ADDRESSES: usize = 5;
/// Held-back changes of an `--expired-only` plan listed before `… and N more`.
const MAX_HELD: usize = 20;

/// The plan as text for a terminal. With `color`, ANSI styles mark actions (green `+`, yellow
/// `~`, red `-`), headings, notes and refusals; without it, none.
///
/// ```text
/// roster plan for biocommons (https://seqera.services.biocommons.org.au/api) as ops <ops@biocommons.org.au>
///
/// organization biocommons
///   + member user:new@uq.edu.au (role: member)
///   ~ member user:jane.doe@uq.edu.au: role member → owner  ! grants owner
///
/// Plan: 1 to add, 1 to change, 0 to remove.
/// ```
pub fn text(plan: &Plan, color: bool) -> String {
    let p = Paint { color };
    let groups = view::group(plan);
    let several = groups.len() > 1;
    let mut out = String::new();

    let header = match groups.as_slice() {
        [] => "roster plan".to_string(),
        [g] => match g.target {
            Some(t) => format!(
                "roster plan for {} ({}) as {}",
                view::clean(&t.platform),
                view::clean(&t.endpoint),
                view::clean(&t.acting_user)
            ),
            None => format!("roster plan for {}", view::clean(g.name)),
        },
        gs => format!(
            "roster plan for {} platforms: {}",
            gs.len(),
            gs.iter()
                .map(|g| view::clean(g.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    line(&mut out, &p.paint(BOLD, &header));
    if let Some(scope) = &plan.scope {
        let covered = if scope.is_empty() {
            "nothing".to_string()
        } else {
            scope
                .iter()
                .map(|s| view::clean(&s.to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        line(
            &mut out,
            &format!("Partial plan (--changed-from): it covers only {covered}."),
        );
    }
    for pending in &plan.pending_settings {
        line(
            &mut out,
            &p.paint(YELLOW, &format!("! {}", view::pending_setting(pending))),
        );
    }
    if plan.expired_only {
        line(
            &mut out,
            "Expired-only plan (--expired-only): only the removals of grants whose `expires` has passed.",
        );
    }

    for g in &groups {
        let depth = usize::from(several);
        if several {
            out.push('\n');
            let heading = match g.target {
                Some(t) => format!(
                    "platform {} ({}) as {}",
                    view::clean(&t.platform),
                    view::clean(&t.endpoint),
                    view::clean(&t.acting_user)
                ),
                None => format!("platform {}", view::clean(g.name)),
            };
            line(&mut out, &p.paint(BOLD, &heading));
            if g.orgs.is_empty() {
                out.push('\n');
                line(&mut out, &p.paint(DIM, "  No changes on this platform."));
            }
        }
        for org in &g.orgs {
            out.push('\n');
            let heading = format!("organization {}", view::clean(org.name));
            line(&mut out, &indent(depth, &p.paint(BOLD, &heading)));
            changes(&mut out, &p, depth + 1, &org.changes);
            for (ws, ws_changes) in &org.workspaces {
                out.push('\n');
                let heading = format!("workspace {}/{}", view::clean(org.name), view::clean(ws));
                line(&mut out, &indent(depth + 1, &p.paint(BOLD, &heading)));
                changes(&mut out, &p, depth + 2, ws_changes);
            }
        }
    }

    basespace(&mut out, &p, plan);

    if !plan.unmanaged.is_empty() {
        out.push('\n');
        line(&mut out, &p.paint(BOLD, "Unmanaged (left alone):"));
        for u in &plan.unmanaged {
            line(
                &mut out,
                &format!(
                    "  {}: {}",
                    view::clean(&u.address.to_string()),
                    p.paint(DIM, &view::clean(&u.reason))
                ),
            );
        }
    }

    if !plan.held.is_empty() {
        out.push('\n');
        line(
            &mut out,
            &p.paint(
                BOLD,
                "Held back (not removals of expired grants; `roster plan` shows them):",
            ),
        );
        for h in view::at_most(
            &plan.held.iter().map(lifecycle::held).collect::<Vec<_>>(),
            MAX_HELD,
        ) {
            line(&mut out, &format!("  {}", p.paint(DIM, &h)));
        }
    }

    if !plan.expiries.is_empty() {
        out.push('\n');
        line(&mut out, &p.paint(BOLD, "Ends of grants this change sets:"));
        for e in &plan.expiries {
            let sym = lifecycle::expiry_symbol(e).to_string();
            line(
                &mut out,
                &format!(
                    "  {} {}",
                    p.paint(YELLOW, &sym),
                    lifecycle::expiry_change(e)
                ),
            );
        }
    }

    if !plan.access.is_empty() {
        out.push('\n');
        line(&mut out, &p.paint(BOLD, "Who gains and who loses access:"));
        for a in &plan.access {
            line(
                &mut out,
                &format!("  {}", p.paint(BOLD, &view::clean(&a.user))),
            );
            for (sym, style, items) in [
                ('+', GREEN, &a.gains),
                ('~', YELLOW, &a.changes),
                ('-', RED, &a.loses),
            ] {
                for item in items {
                    line(
                        &mut out,
                        &format!(
                            "    {} {}",
                            p.paint(style, &sym.to_string()),
                            view::clean(item)
                        ),
                    );
                }
            }
        }
    }

    for (endpoint, users) in view::first_logins(plan) {
        out.push('\n');
        line(
            &mut out,
            &p.paint(
                BOLD,
                &format!(
                    "Users who must log in once before apply, if they never have ({} adds only users who already have an account, and roster sees none for these):",
                    view::clean(endpoint)
                ),
            ),
        );
        for u in users {
            line(&mut out, &format!("  {}", view::first_login(u)));
        }
    }

    for refused in [true, false] {
        let rails: Vec<_> = plan
            .violations
            .iter()
            .filter(|v| v.overridden != refused)
            .collect();
        if rails.is_empty() {
            continue;
        }
        out.push('\n');
        let (heading, style, mark, flag) = if refused {
            ("Refused by guard rails:", RED, "✗", "override with")
        } else {
            ("Guard rails overridden:", YELLOW, "!", "overridden with")
        };
        line(&mut out, &p.paint(style.bold(), heading));
        for v in rails {
            line(
                &mut out,
                &format!(
                    "  {} {}: {} ({flag} {})",
                    p.paint(style, mark),
                    view::clean(v.rail.as_str()),
                    view::clean(&v.message),
                    view::clean(v.override_flag.as_str())
                ),
            );
            for a in view::at_most(&v.addresses, MAX_ADDRESSES) {
                line(&mut out, &format!("      {}", p.paint(DIM, &a)));
            }
        }
    }

    out.push('\n');
    let s = plan.summary;
    if plan.changes.is_empty() && s.total() == 0 && plan.manual.is_empty() {
        let matches = if plan.expired_only {
            "No grant on the platform has expired."
        } else if several {
            "The platforms match the config."
        } else {
            "The platform matches the config."
        };
        line(
            &mut out,
            &format!("{} {matches}", p.paint(GREEN.bold(), "No changes.")),
        );
    } else {
        let manual = match plan.manual.len() {
            0 => String::new(),
            n => format!(
                "; {n} manual BaseSpace step{} ({UNVERIFIABLE})",
                if n == 1 { "" } else { "s" }
            ),
        };
        line(
            &mut out,
            &format!(
                "{} {} to add, {} to change, {} to remove{manual}.",
                p.paint(BOLD, "Plan:"),
                s.add,
                s.change,
                s.remove
            ),
        );
    }
    if plan.has_basespace() && plan.manual.is_empty() {
        line(
            &mut out,
            &format!(
                "BaseSpace: no manual step is pending against the ledger; workgroup membership {UNVERIFIABLE}."
            ),
        );
    }
    let refusals = plan.refusals().count();
    if refusals > 0 {
        let rails = if refusals == 1 {
            "1 guard rail".to_string()
        } else {
            format!("{refusals} guard rails")
        };
        line(
            &mut out,
            &p.paint(
                RED.bold(),
                &format!("Refused by {rails}: roster apply will not run this plan."),
            ),
        );
    }
    out
}

/// The BaseSpace part: per platform, the regions read (with what could not be checked), then
/// the manual steps by workgroup, each with its Admin Console steps.
fn basespace(out: &mut String, p: &Paint, plan: &Plan) {
    let mut platforms: Vec<&str> = plan
        .basespace
        .iter()
        .map(|t| t.platform.as_str())
        .chain(plan.manual.iter().map(|c| c.platform.as_str()))
        .collect();
    platforms.sort();
    platforms.dedup();
    for platform in platforms {
        out.push('\n');
        let heading = format!(
            "BaseSpace {} (manual steps: membership {UNVERIFIABLE})",
            view::clean(platform)
        );
        line(out, &p.paint(BOLD, &heading));
        for t in plan.basespace.iter().filter(|t| t.platform == platform) {
            line(
                out,
                &format!(
                    "  region {} ({}) as {}",
                    view::clean(&t.region),
                    view::clean(&t.endpoint),
                    view::clean(&t.acting_user)
                ),
            );
            for w in &t.warnings {
                line(out, &p.paint(YELLOW, &format!("  ! {}", view::clean(w))));
            }
        }
        let changes: Vec<&ManualChange> = plan
            .manual
            .iter()
            .filter(|c| c.platform == platform)
            .collect();
        if changes.is_empty() {
            line(
                out,
                &p.paint(
                    DIM,
                    "  No manual step pending against the ledger (.roster/basespace-ledger.yaml).",
                ),
            );
            continue;
        }
        let mut workgroups: Vec<&str> = changes.iter().map(|c| c.workgroup.as_str()).collect();
        workgroups.dedup();
        for wg in workgroups {
            out.push('\n');
            line(
                out,
                &p.paint(BOLD, &format!("  workgroup {}", view::clean(wg))),
            );
            let of: Vec<&ManualChange> = changes
                .iter()
                .copied()
                .filter(|c| c.workgroup == wg)
                .collect();
            for (mark, text) in runbook::text_lines(&of, 4) {
                let styled = match mark {
                    '+' => p.paint(GREEN, &text),
                    '~' => p.paint(YELLOW, &text),
                    '-' => p.paint(RED, &text),
                    _ => text,
                };
                line(out, &styled);
            }
        }
    }
}

/// The changes of one group at `depth`, risk flags aligned among them.
fn changes(out: &mut String, p: &Paint, depth: usize, changes: &[&Change]) {
    let views: Vec<ChangeView> = changes.iter().map(|c| ChangeView::new(c)).collect();
    let column = views
        .iter()
        .filter(|v| !v.risks.is_empty())
        .map(|v| 2 * depth + 2 + v.headline.chars().count())
        .max()
        .unwrap_or(0)
        .min(RISK_COLUMN)
        + 2;
    for v in &views {
        let (sym, style) = match v.action {
            Action::Create => ("+", GREEN),
            Action::Update => ("~", YELLOW),
            Action::Delete => ("-", RED),
        };
        let mut head = format!("{} {}", p.paint(style, sym), v.headline);
        if !v.risks.is_empty() {
            let width = 2 * depth + 2 + v.headline.chars().count();
            let pad = column.saturating_sub(width).max(2);
            let risky = if v
                .risks
                .iter()
                .any(|r| matches!(r, Risk::RemovesAccess | Risk::Destructive))
            {
                RED
            } else {
                YELLOW
            };
            let flag = format!("! {}", view::risk_words(&v.risks));
            head = format!("{head}{:pad$}{}", "", p.paint(risky.bold(), &flag));
        }
        line(out, &indent(depth, &head));
        for b in &v.body {
            let l = match b {
                Body::Attr(s) => format!("    {s}"),
                Body::Text(s) => format!("      {s}"),
                Body::Diff(Line::Same, s) => format!("        {s}"),
                Body::Diff(Line::Removed, s) => {
                    format!("      {}", p.paint(RED, &format!("- {s}")))
                }
                Body::Diff(Line::Added, s) => {
                    format!("      {}", p.paint(GREEN, &format!("+ {s}")))
                }
                Body::Diff(Line::Skipped, s) => format!("        {}", p.paint(DIM, s)),
                Body::Note(s) => format!("    {}", p.paint(DIM, s)),
            };
            line(out, &indent(depth, &l));
        }
    }
}

/// Applies styles only when colour is on.
struct Paint {
    color: bool,
}

impl Paint {
    /// `s` in `style`. Trailing whitespace stays outside the style, so that trimming a line
    /// trims the coloured and the plain output alike.
    fn paint(&self, style: Style, s: &str) -> String {
        let t = s.trim_end();
        if self.color && !t.is_empty() {
            format!(
                "{}{t}{}{}",
                style.render(),
                style.render_reset(),
                &s[t.len()..]
            )
        } else {
            s.to_string()
        }
    }
}

fn indent(depth: usize, s: &str) -> String {
    format!("{:width$}{s}", "", width = 2 * depth)
}

fn line(out: &mut String, s: &str) {
    let _ = writeln!(out, "{}", s.trim_end());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixtures;

    fn strip(s: &str) -> String {
        anstream::adapter::strip_str(s).to_string()
    }

    #[test]
    fn plan_as_plain_text() {
        insta::assert_snapshot!(text(&fixtures::plan(), false));
    }

    #[test]
    fn plan_with_colour_is_the_plain_text_styled() {
        let plain = text(&fixtures::plan(), false);
        let coloured = text(&fixtures::plan(), true);
        assert!(!plain.contains('\u{1b}'), "no escape codes without colour");
        assert!(coloured.contains("\u{1b}["), "colour adds ANSI styles");
        assert_eq!(strip(&coloured), plain);
        // The styles are part of the spec too: shown with ESC made visible.
        insta::assert_snapshot!(coloured.replace('\u{1b}', "␛"));
    }

    #[test]
    fn one_platform_has_no_platform_headings() {
        insta::assert_snapshot!(text(&fixtures::small(), false));
    }

    #[test]
    fn empty_plan_says_no_changes() {
        let out = text(&fixtures::empty(), false);
        assert_eq!(
            out,
            "roster plan\n\nNo changes. The platform matches the config.\n"
        );
        let coloured = text(&fixtures::empty(), true);
        assert_eq!(strip(&coloured), out);
    }

    #[test]
    fn plan_with_only_unmanaged_items_says_no_changes() {
        let mut plan = fixtures::small();
        plan.changes.clear();
        plan.access.clear();
        plan.summary = Default::default();
        insta::assert_snapshot!(text(&plan, false));
    }

    #[test]
    fn basespace_changes_are_manual_steps_beside_the_seqera_changes() {
        let plan = fixtures::with_basespace();
        let out = text(&plan, false);
        insta::assert_snapshot!(out);
        assert!(out.contains("+ manual: invite `bob@x.edu.au`"));
        assert!(out.contains("cannot be verified by API"));
        assert_eq!(strip(&text(&plan, true)), out);
        // With nothing pending, BaseSpace is still never called in sync.
        let mut done = plan.clone();
        done.manual.clear();
        done.summary.manual = 0;
        done.changes.clear();
        done.summary = Default::default();
        let out = text(&done, false);
        assert!(out.contains("No changes."));
        assert!(
            out.contains("BaseSpace: no manual step is pending against the ledger; workgroup membership cannot be verified by API."),
            "{out}"
        );
    }

    #[test]
    fn rendering_is_deterministic() {
        let plan = fixtures::plan();
        assert_eq!(text(&plan, true), text(&plan, true));
        assert_eq!(text(&plan, false), text(&plan.clone(), false));
    }

    #[test]
    fn nothing_from_the_plan_reaches_the_terminal_as_a_control_character() {
        let mut plan = fixtures::small();
        plan.changes[0].note = Some("\u{1b}]0;pwned\u{7}\u{1b}[2J".into());
        plan.access[0].user = "mallory\u{1b}[8m@evil.org".into();
        plan.unmanaged[0].reason = "hidden\u{202e}txt.exe".into();
        let out = text(&plan, false);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{202e}'));
        assert_eq!(strip(&text(&plan, true)), out);
    }

    #[test]
    fn long_and_unicode_values_do_not_break_the_layout() {
        let mut plan = fixtures::small();
        let long = "Génomique 基因组学 ".repeat(5_000);
        for c in &mut plan.changes {
            if let Some(after) = &mut c.after {
                after.insert("description".into(), long.clone().into());
            }
            c.address = crate::plan::fixtures::addr(&format!(
                "org/biocommons/workspace/{}/label/x",
                "é".repeat(300)
            ));
        }
        let out = text(&plan, true);
        assert!(out.contains(long.trim_end()));
        assert_eq!(strip(&out), text(&plan, false));
    }
}
