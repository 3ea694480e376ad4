//! The plan as Markdown for a pull-request comment on GitHub.
//!
//! A reviewer reads, in order: a heading with the summary, a small table of counts, the guard
//! rails the plan breaks (GitHub alerts), **who gains and who loses access**, the **risky
//! changes** (owner and admin grants, removals, deletions), then every change in a collapsed
//! `<details>` element, what is left alone, and a footer. Lists of changes are `diff` code blocks
//! so that GitHub colours them: `+` added, `-` removed and `!` (instead of `~`) changed.
//!
//! A comment has a size limit, so the document is built as sections of items (a change, a
//! user's access, a guard rail) that are never cut apart, and handed to the paging engine
//! (`render::paging`): [`markdown`] keeps each section to a fair share of [`MARKDOWN_LIMIT`]
//! and says what it left out, and [`markdown_parts`] pages the items over several comments,
//! closing every code block and `<details>` element at the end of a part and reopening it in the
//! next. Nothing in the output depends on the run: the same plan gives the same bytes.
//!
//! This file owns the plan's sections, headings and notes. It must not measure or cut text
//! (the paging engine does) nor escape strings by hand: every string from the plan goes through
//! `render::escape` (code spans, prose, fences), so that it cannot change the document's
//! structure.

use crate::plan::basespace::UNVERIFIABLE;
use crate::plan::{Action, Change, Plan, Risk};
use crate::render::escape::{code, escape, fence_for, prefix};
use crate::render::lifecycle;
use crate::render::paging::{Document, Item, Section, count};
use crate::render::runbook;
use crate::render::view::{self, Body, ChangeView, Line, clean};

/// The most [`markdown`] writes: under GitHub's 65,536-character limit for a comment, with room
/// for a tool that adds a marker to find its sticky comment again.
pub const MARKDOWN_LIMIT: usize = 65_000;

/// [`markdown_parts`] raises a smaller limit to this: a part needs room for its heading,
/// footer and at least one item.
pub const MIN_PART_LIMIT: usize = 2_048;

/// Risk flags in code blocks line up at this column at most.
const RISK_COLUMN: usize = 72;
/// Addresses listed under a guard rail, and addresses listed in a partial plan's scope, before
/// `… and N more`.
const MAX_LISTED: usize = 5;

/// The plan as one Markdown comment of at most [`MARKDOWN_LIMIT`] bytes.
///
/// When the whole plan does not fit, each section shows as many of its items as its share of the
/// limit allows, says how many it left out, and the comment ends with a note saying how many
/// changes are not shown and how to see them all (`roster plan` locally, the job log, or
/// `--split`).
pub fn markdown(plan: &Plan) -> String {
    Doc::new(plan).single(MARKDOWN_LIMIT)
}

/// The plan as one or more Markdown comments of at most `limit` bytes each (`limit` is raised
/// to [`MIN_PART_LIMIT`] when smaller), numbered `part 1 of 3` and so on when there are several.
///
/// Parts are cut only between items (a change, a user's access, a guard rail): a code block or
/// `<details>` element open at the end of a part is closed there and reopened in the next, with
/// the change's organization and workspace heading repeated. Every change appears in exactly one
/// part's list of all changes. An item too large for a part on its own is cut, with a note.
/// `roster plan --split` writes these with a limit of 65,536.
pub fn markdown_parts(plan: &Plan, limit: usize) -> Vec<String> {
    Doc::new(plan).split(limit.max(MIN_PART_LIMIT))
}

/// The plan's document: its summary (for headings) and its sections and footer.
struct Doc {
    summary: String,
    doc: Document,
}

/// A section whose items sit in a `diff` code block after `heading`.
fn diff_block(noun: &'static str, heading: &str, continued: &str, items: Vec<Item>) -> Section {
    let fence = fence_for(
        items
            .iter()
            .flat_map(|i| [i.text.as_str(), i.lead.as_str(), i.start.as_str()]),
    );
    let mut s = Section::new(
        noun,
        format!("{heading}\n\n{fence}diff\n"),
        format!("{continued}\n\n{fence}diff\n"),
        &format!("{fence}\n"),
        "\n",
    );
    s.items = items;
    s
}

impl Doc {
    fn new(plan: &Plan) -> Doc {
        let s = plan.summary;
        let manual = plan.manual.len();
        let no_changes = plan.changes.is_empty() && s.total() == 0 && manual == 0;
        let mut summary = if no_changes {
            "no changes".to_string()
        } else {
            format!(
                "{} to add, {} to change, {} to remove",
                count(s.add),
                count(s.change),
                count(s.remove)
            )
        };
        if manual > 0 {
            summary.push_str(&format!(
                ", {} (BaseSpace)",
                plural(manual, "manual step", "manual steps")
            ));
        }
        if plan.is_refused() {
            summary.push_str(" — refused by guard rails");
        }
        let groups = view::group(plan);
        let several = groups.len() > 1;
        let risky: Vec<&Change> = {
            let mut r: Vec<&Change> = plan
                .changes
                .iter()
                .filter(|c| !c.risks.is_empty())
                .collect();
            r.sort_by_key(|c| c.risks.iter().map(|&r| view::risk_rank(r)).min());
            r
        };

        let mut sections = Vec::new();

        // The intro: where, what part, how much.
        let mut intro = Section::new("lines", String::new(), String::new(), "", "");
        intro.essential = true;
        match groups.as_slice() {
            [] => {}
            [g] => intro.items.push(Item::plain(format!(
                "Platform {}.\n\n",
                platform(g.name, g.target)
            ))),
            gs => {
                let mut t = "Platforms:\n\n".to_string();
                for g in gs {
                    t.push_str(&format!("- {}\n", platform(g.name, g.target)));
                }
                t.push('\n');
                intro.items.push(Item::plain(t));
            }
        }
        if let Some(scope) = &plan.scope {
            let covered = if scope.is_empty() {
                "nothing".to_string()
            } else {
                let mut names: Vec<String> = scope
                    .iter()
                    .take(MAX_LISTED)
                    .map(|a| code(&a.to_string()))
                    .collect();
                if scope.len() > MAX_LISTED {
                    names.push(format!("and {} more", count(scope.len() - MAX_LISTED)));
                }
                names.join(", ")
            };
            intro.items.push(Item::plain(format!(
                "> [!NOTE]\n> Partial plan (`--changed-from`): it covers only {covered}.\n\n"
            )));
        }
        for pending in &plan.pending_settings {
            intro.items.push(Item::plain(format!(
                "> [!IMPORTANT]\n> {}\n\n",
                escape(&view::pending_setting(pending))
            )));
        }
        if plan.expired_only {
            intro.items.push(Item::plain(format!(
                "> [!NOTE]\n> Expired-only plan (`--expired-only`): only the removals of grants whose `expires` has passed; {} held back.\n\n",
                plural(plan.held.len(), "other change", "other changes")
            )));
        }
        if no_changes {
            let matches = if plan.expired_only {
                "No grant on the platform has expired."
            } else if several {
                "The platforms match the config."
            } else {
                "The platform matches the config."
            };
            intro
                .items
                .push(Item::plain(format!("**No changes.** {matches}\n\n")));
        } else {
            let refusals = plan.refusals().count();
            let mut head = "| to add | to change | to remove |".to_string();
            let mut rule = "|---:|---:|---:|".to_string();
            let mut row = format!(
                "| {} | {} | {} |",
                count(s.add),
                count(s.change),
                count(s.remove)
            );
            if !risky.is_empty() {
                head.push_str(" risky |");
                rule.push_str("---:|");
                row.push_str(&format!(" {} |", count(risky.len())));
            }
            if refusals > 0 {
                head.push_str(" refused by guard rails |");
                rule.push_str("---:|");
                row.push_str(&format!(" {} |", count(refusals)));
            }
            if manual > 0 {
                head.push_str(" manual (BaseSpace) |");
                rule.push_str("---:|");
                row.push_str(&format!(" {} |", count(manual)));
            }
            intro
                .items
                .push(Item::plain(format!("{head}\n{rule}\n{row}\n\n")));
        }
        if plan.has_basespace() && manual == 0 {
            intro.items.push(Item::plain(format!(
                "BaseSpace: no manual step is pending against the ledger; workgroup membership {UNVERIFIABLE}.\n\n"
            )));
        }
        sections.push(intro);

        // Guard rails: refused, then overridden.
        for refused in [true, false] {
            let (open, reopen, mark, flag) = if refused {
                (
                    "> [!CAUTION]\n> **Refused by guard rails.** `roster apply` will not run this plan unless the config changes or the override is given.\n>\n",
                    "> [!CAUTION]\n> **Refused by guard rails** (continued):\n>\n",
                    "✗ ",
                    "override with",
                )
            } else {
                (
                    "> [!WARNING]\n> **Guard rails overridden** by flags given to `roster plan`:\n>\n",
                    "> [!WARNING]\n> **Guard rails overridden** (continued):\n>\n",
                    "",
                    "overridden with",
                )
            };
            let mut rails = Section::new("guard rails", open.into(), reopen.into(), "", "\n");
            rails.essential = true;
            for v in plan.violations.iter().filter(|v| v.overridden != refused) {
                let mut t = format!(
                    "> - {mark}**{}**: {} ({flag} {})\n",
                    escape(v.rail.as_str()),
                    escape(&v.message),
                    code(v.override_flag.as_str())
                );
                let listed = v.addresses.iter().take(MAX_LISTED);
                for a in listed {
                    t.push_str(&format!(">   - {}\n", code(&a.to_string())));
                }
                if v.addresses.len() > MAX_LISTED {
                    t.push_str(&format!(
                        ">   - and {} more\n",
                        count(v.addresses.len() - MAX_LISTED)
                    ));
                }
                rails.items.push(Item::plain(t));
            }
            if !rails.items.is_empty() {
                sections.push(rails);
            }
        }

        // Who gains and who loses access.
        if !plan.access.is_empty() {
            let items = plan
                .access
                .iter()
                .map(|a| {
                    let mut t = format!("{}\n", clean(&a.user));
                    for (sym, list) in [('+', &a.gains), ('!', &a.changes), ('-', &a.loses)] {
                        for entry in list {
                            t.push_str(&format!("{sym} {}\n", clean(entry)));
                        }
                    }
                    Item {
                        lead: "\n".to_string(),
                        start: String::new(),
                        text: t,
                    }
                })
                .collect();
            let access = diff_block(
                "users",
                &format!(
                    "#### Who gains and who loses access ({})",
                    plural(plan.access.len(), "user", "users")
                ),
                "#### Who gains and who loses access (continued)",
                items,
            );
            sections.push(access);
        }

        // The ends of grants the change sets.
        if !plan.expiries.is_empty() {
            let items = plan
                .expiries
                .iter()
                .map(|e| {
                    Item::plain(format!(
                        "{} {}\n",
                        lifecycle::expiry_symbol(e),
                        lifecycle::expiry_change(e)
                    ))
                })
                .collect();
            sections.push(diff_block(
                "ends of grants",
                &format!(
                    "#### Ends of grants this change sets ({})",
                    count(plan.expiries.len())
                ),
                "#### Ends of grants this change sets (continued)",
                items,
            ));
        }

        // Risky changes, the most serious first.
        if !risky.is_empty() {
            let views: Vec<(String, ChangeView)> = risky
                .iter()
                .map(|c| {
                    let mut place = clean(&c.org);
                    if let Some(ws) = &c.workspace {
                        place = format!("{place}/{}", clean(ws));
                    }
                    if several {
                        place = format!("[{}] {place}", clean(&c.platform));
                    }
                    (place, ChangeView::new(c))
                })
                .collect();
            let heads: Vec<String> = views
                .iter()
                .map(|(place, v)| format!("{} {place}: {}", symbol(v.action), v.headline))
                .collect();
            let column = align(heads.iter().map(String::as_str));
            let items = views
                .iter()
                .zip(heads)
                .map(|((_, v), head)| {
                    let mut t = flagged(head, &v.risks, column);
                    for b in &v.body {
                        if let Body::Note(n) = b {
                            t.push_str(&format!("      {n}\n"));
                        }
                    }
                    Item::plain(t)
                })
                .collect();
            sections.push(diff_block(
                "risky changes",
                &format!("#### Risky changes ({})", count(risky.len())),
                "#### Risky changes (continued)",
                items,
            ));
        }

        // Manual BaseSpace steps: what a person does in the Admin Console.
        if plan.has_manual() {
            let mut regions = String::new();
            for t in &plan.basespace {
                regions.push_str(&format!(
                    "- {} region {} at {} as {}\n",
                    code(&t.platform),
                    code(&t.region),
                    code(&t.endpoint),
                    code(&t.acting_user)
                ));
                for w in &t.warnings {
                    regions.push_str(&format!("  - :warning: {}\n", escape(w)));
                }
            }
            let open = format!(
                "#### BaseSpace: {} ({UNVERIFIABLE})\n\n\
                 No BaseSpace API lists or changes a workgroup's members: each change below is done by a person in the Admin Console \
                 and recorded in the ledger when `roster apply` asks to confirm it.\n\n{regions}\n",
                plural(manual, "manual step", "manual steps")
            );
            let mut steps = Section::new(
                "manual steps",
                open,
                "#### BaseSpace: manual steps (continued)\n\n".to_string(),
                "",
                "",
            );
            steps.items = plan
                .manual
                .iter()
                .map(|c| Item::plain(runbook::markdown_change(c, None)))
                .collect();
            sections.push(steps);
        }

        // Every change, grouped as in the text view.
        if !plan.changes.is_empty() {
            // Headings: a platform's (with several), an organization's, a workspace's. An
            // item leads with the headings that change from the previous item's and starts a
            // part with all of its own.
            let mut items = Vec::new();
            let depth = usize::from(several);
            for g in &groups {
                let platform_heading = if several {
                    format!("  platform {}\n", clean(g.name))
                } else {
                    String::new()
                };
                for (o, org) in g.orgs.iter().enumerate() {
                    let org_heading =
                        format!("  {}organization {}\n", indent(depth), clean(org.name));
                    let lists = std::iter::once((None, &org.changes))
                        .chain(org.workspaces.iter().map(|(ws, cs)| (Some(*ws), cs)))
                        .filter(|(_, cs)| !cs.is_empty());
                    for (l, (ws, changes)) in lists.enumerate() {
                        let ws_heading = ws
                            .map(|ws| {
                                format!(
                                    "\n  {}workspace {}/{}\n",
                                    indent(depth + 1),
                                    clean(org.name),
                                    clean(ws)
                                )
                            })
                            .unwrap_or_default();
                        let start = format!("{platform_heading}{org_heading}{ws_heading}");
                        let lead = match (o, l) {
                            (0, 0) => format!("\n{start}"),
                            (_, 0) => format!("\n{org_heading}{ws_heading}"),
                            _ => ws_heading,
                        };
                        let depth = depth + 1 + usize::from(ws.is_some());
                        change_items(&mut items, &lead, &start, depth, changes);
                    }
                }
            }
            let total = plural(plan.changes.len(), "change", "changes");
            let mut details = diff_block(
                "changes",
                &format!("<details><summary>All {total}</summary>"),
                &format!("<details><summary>All {total} (continued)</summary>"),
                items,
            );
            details.tail = "\n</details>\n\n".to_string();
            sections.push(details);
        }

        // What roster leaves alone.
        if !plan.unmanaged.is_empty() {
            let mut unmanaged = Section::new(
                "unmanaged items",
                format!(
                    "#### Left alone ({})\n\n",
                    plural(plan.unmanaged.len(), "unmanaged item", "unmanaged items")
                ),
                "#### Left alone (continued)\n\n".to_string(),
                "",
                "\n",
            );
            unmanaged.items = plan
                .unmanaged
                .iter()
                .map(|u| {
                    Item::plain(format!(
                        "- {}: {}\n",
                        code(&u.address.to_string()),
                        escape(&u.reason)
                    ))
                })
                .collect();
            sections.push(unmanaged);
        }

        // Who must log in once before apply can add them.
        for (endpoint, users) in view::first_logins(plan) {
            let mut logins = Section::new(
                "users",
                format!(
                    "#### Must log in once before apply ({})\n\n{} adds only users who already have an account, and roster sees none for these: ask each to log in once (if they never have), then apply.\n\n",
                    plural(users.len(), "user", "users"),
                    code(endpoint)
                ),
                "#### Must log in once before apply (continued)\n\n".to_string(),
                "",
                "\n",
            );
            logins.items = users
                .iter()
                .map(|f| Item::plain(format!("- {}\n", escape(&view::first_login(f)))))
                .collect();
            sections.push(logins);
        }

        // What an expired-only plan holds back.
        if !plan.held.is_empty() {
            let items = plan
                .held
                .iter()
                .map(|h| {
                    let c = lifecycle::held(h);
                    let rest = c.get(1..).unwrap_or("");
                    Item::plain(format!("{}{rest}\n", symbol(h.action)))
                })
                .collect();
            sections.push(diff_block(
                "held changes",
                &format!(
                    "#### Held back ({}: not removals of expired grants)",
                    plural(plan.held.len(), "change", "changes")
                ),
                "#### Held back (continued)",
                items,
            ));
        }

        let mut footer = format!(
            "<sub>roster {} · plan format {} · desired state {}</sub>\n",
            code(&prefix(&plan.roster_version, 40)),
            code(&prefix(&plan.format_version, 40)),
            code(&prefix(&plan.desired_digest, 12)),
        );
        // The reviewed plan's digest, for `roster apply --expect-digest` on merge.
        if plan.digest.len() == 64 && plan.digest.bytes().all(|b| b.is_ascii_hexdigit()) {
            footer.push_str(&format!(
                "<sub>plan digest `{0}`</sub>\n<!-- roster-plan-digest: {0} -->\n",
                plan.digest
            ));
        }
        Doc {
            summary,
            doc: Document { sections, footer },
        }
    }

    fn title(&self, part: Option<(usize, usize)>) -> String {
        match part {
            Some((i, n)) if n > 1 => {
                format!("### roster plan, part {i} of {n}: {}\n\n", self.summary)
            }
            _ => format!("### roster plan: {}\n\n", self.summary),
        }
    }

    /// One comment within `limit`: everything when it fits, else a fair share per section.
    fn single(&self, limit: usize) -> String {
        self.doc
            .single(limit, self.title(None), |shown| self.truncation_note(shown))
    }

    /// The closing note of a shortened comment: what it leaves out (changes first) and where to
    /// see it all.
    fn truncation_note(&self, shown: &[(&Section, usize)]) -> String {
        let mut left_out: Vec<(&Section, usize)> = shown
            .iter()
            .filter(|(s, n)| !s.essential && *n < s.items.len())
            .map(|&(s, n)| (s, s.items.len() - n))
            .collect();
        left_out.sort_by_key(|(s, _)| s.noun != "changes");
        let mut what: Vec<String> = left_out
            .iter()
            .map(|(s, hidden)| format!("{} of {} {}", count(*hidden), count(s.items.len()), s.noun))
            .collect();
        if what.is_empty() {
            what.push("some guard rails".to_string());
        }
        let what = match what.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => what.concat(),
        };
        format!(
            "> [!NOTE]\n> This comment is shortened to fit GitHub's size limit: it leaves out {what}. \
             Run `roster plan` locally or see the job log for the whole plan, \
             or post it in several comments with `roster plan --format markdown --split PREFIX`.\n"
        )
    }

    /// Parts of at most `limit` bytes, cut between items.
    fn split(&self, limit: usize) -> Vec<String> {
        self.doc.split(limit, |part| self.title(part))
    }
}

/// The items of one group's changes: the first leads with `lead` (the group's new headings),
/// the others with nothing, and any of them starts a part with `start` (all its headings).
fn change_items(items: &mut Vec<Item>, lead: &str, start: &str, depth: usize, changes: &[&Change]) {
    let views: Vec<ChangeView> = changes.iter().map(|c| ChangeView::new(c)).collect();
    let heads: Vec<String> = views
        .iter()
        .map(|v| format!("{} {}{}", symbol(v.action), indent(depth), v.headline))
        .collect();
    let column = align(
        views
            .iter()
            .zip(&heads)
            .filter(|(v, _)| !v.risks.is_empty())
            .map(|(_, h)| h.as_str()),
    );
    for (i, (v, head)) in views.iter().zip(heads).enumerate() {
        let mut t = flagged(head, &v.risks, column);
        let pad = indent(depth);
        for b in &v.body {
            let l = match b {
                Body::Attr(s) => format!("  {pad}    {s}"),
                Body::Text(s) => format!("  {pad}      {s}"),
                Body::Diff(Line::Same, s) => format!("  {pad}        {s}"),
                Body::Diff(Line::Removed, s) => format!("- {pad}        {s}"),
                Body::Diff(Line::Added, s) => format!("+ {pad}        {s}"),
                Body::Diff(Line::Skipped, s) => format!("  {pad}        {s}"),
                Body::Note(s) => format!("  {pad}    {s}"),
            };
            t.push_str(l.trim_end());
            t.push('\n');
        }
        items.push(Item {
            lead: if i == 0 {
                lead.to_string()
            } else {
                String::new()
            },
            start: start.to_string(),
            text: t,
        });
    }
}

/// The column risk flags start at, for these lines.
fn align<'a>(lines: impl Iterator<Item = &'a str>) -> usize {
    lines
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(RISK_COLUMN)
        + 2
}

/// A change's line with its risks flagged at `column`, and a newline.
fn flagged(head: String, risks: &[Risk], column: usize) -> String {
    if risks.is_empty() {
        return format!("{head}\n");
    }
    let pad = column.saturating_sub(head.chars().count()).max(2);
    format!("{head}{:pad$}! {}\n", "", view::risk_words(risks))
}

/// The symbol GitHub colours in a `diff` block: `!` for an update (shown orange), not `~`.
fn symbol(a: Action) -> char {
    match a {
        Action::Create => '+',
        Action::Update => '!',
        Action::Delete => '-',
    }
}

fn indent(depth: usize) -> String {
    " ".repeat(2 * depth)
}

/// A platform as prose: name, endpoint and acting user in code spans.
fn platform(name: &str, target: Option<&crate::plan::Target>) -> String {
    match target {
        Some(t) => format!(
            "{} at {} as {}",
            code(&t.platform),
            code(&t.endpoint),
            code(&t.acting_user)
        ),
        None => code(name),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", count(n))
    }
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
