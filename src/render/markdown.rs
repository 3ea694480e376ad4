//! The plan as Markdown for a pull-request comment on GitHub.
//!
//! A reviewer reads, in order: a heading with the summary, a small table of counts, the guard
//! rails the plan breaks (GitHub alerts), **who gains and who loses access**, the **risky
//! changes** (owner and admin grants, removals, deletions), then every change in a collapsed
//! `<details>` element, what is left alone, and a footer. Lists of changes are `diff` code blocks
//! so that GitHub colours them: `+` added, `-` removed and `!` (instead of `~`) changed.
//!
//! A comment has a size limit, so the document is built as sections of items (a change, a
//! user's access, a guard rail) that are never cut apart: [`markdown`] keeps each section to a
//! fair share of [`MARKDOWN_LIMIT`] and says what it left out, and [`markdown_parts`] pages the
//! items over several comments, closing every code block and `<details>` element at the end of a
//! part and reopening it in the next.
//!
//! Sizes are counted in bytes of UTF-8, never fewer than the characters (or UTF-16 code units)
//! GitHub counts, so a limit holds however it is measured. Nothing in the output depends on
//! the run: the same plan gives the same bytes.
//!
//! Strings from the plan cannot change the document's structure: in code blocks the fence is
//! longer than any run of backticks in the block; in code spans likewise; and in prose,
//! Markdown and HTML punctuation is escaped.

use crate::plan::{Action, Change, Plan, Risk};
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
/// Strings from the plan outside code blocks (endpoints, messages, reasons) are cut to this many
/// characters, so that the fixed parts of a comment stay small.
const MAX_PROSE: usize = 500;

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

/// A document: its summary (for headings), sections in reading order, and a footer.
struct Doc {
    summary: String,
    sections: Vec<Section>,
    footer: String,
}

/// Items under a heading, possibly inside a container (a code block, `<details>`, an alert).
struct Section {
    /// What the items are, for `…and N more users, not shown here.` (plural).
    noun: &'static str,
    /// Fixed sections (the intro, guard rails) are filled first when space is short.
    essential: bool,
    /// Written before the first item.
    open: String,
    /// Written before the first item on a later part.
    reopen: String,
    /// Closes the inner container (a code fence); a note on left-out items follows it.
    close: String,
    /// Closes the rest (`</details>`, a blank line).
    tail: String,
    items: Vec<Item>,
}

/// An atomic piece of a section, never cut between parts.
struct Item {
    /// Written before the item when it follows the previous one: a separator, or the heading
    /// of a new organization or workspace.
    lead: String,
    /// Written before the item when it is the first of its section in a part: the headings it
    /// sits under, so that a continued list still says where it is.
    start: String,
    text: String,
}

impl Item {
    fn plain(text: String) -> Self {
        Item {
            lead: String::new(),
            start: String::new(),
            text,
        }
    }
}

impl Section {
    fn new(noun: &'static str, open: String, reopen: String, close: &str, tail: &str) -> Self {
        Section {
            noun,
            essential: false,
            open,
            reopen,
            close: close.to_string(),
            tail: tail.to_string(),
            items: Vec::new(),
        }
    }

    /// A section whose items sit in a `diff` code block after `heading`.
    fn diff_block(noun: &'static str, heading: &str, continued: &str, items: Vec<Item>) -> Self {
        let fence = fence_for(&items);
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

    /// Item `i` as written first in its section on a part, or after the previous item.
    fn piece(&self, i: usize, first: bool) -> String {
        let item = &self.items[i];
        let lead = if first { &item.start } else { &item.lead };
        format!("{lead}{}", item.text)
    }

    /// The section written whole on one part.
    fn full(&self) -> String {
        self.capped(usize::MAX).0
    }

    /// The section in at most `cap` bytes (not counting the note on what it leaves out), and how
    /// many items it shows.
    fn capped(&self, cap: usize) -> (String, usize) {
        let fixed = self.open.len() + self.close.len() + self.tail.len();
        let mut body = String::new();
        let mut shown = 0;
        for i in 0..self.items.len() {
            let piece = self.piece(i, i == 0);
            if fixed.saturating_add(body.len() + piece.len()) > cap {
                break;
            }
            body.push_str(&piece);
            shown += 1;
        }
        let hidden = self.items.len() - shown;
        let out = if shown == 0 {
            if hidden == 0 {
                String::new()
            } else {
                self.note(hidden, false)
            }
        } else {
            let note = if hidden > 0 {
                self.note(hidden, true)
            } else {
                String::new()
            };
            format!("{}{body}{}{note}{}", self.open, self.close, self.tail)
        };
        (out, shown)
    }

    /// What a section says about the items it leaves out.
    fn note(&self, hidden: usize, after_some: bool) -> String {
        if after_some {
            format!(
                "\n_…and {} more {}, not shown here._\n",
                count(hidden),
                self.noun
            )
        } else {
            format!("_{} {}, not shown here._\n\n", count(hidden), self.noun)
        }
    }

    /// The longest note this section could need.
    fn max_note(&self) -> usize {
        self.note(self.items.len(), false)
            .len()
            .max(self.note(self.items.len(), true).len())
    }
}

impl Doc {
    fn new(plan: &Plan) -> Doc {
        let s = plan.summary;
        let no_changes = plan.changes.is_empty() && s.total() == 0;
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
        if no_changes {
            let matches = if several {
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
            intro
                .items
                .push(Item::plain(format!("{head}\n{rule}\n{row}\n\n")));
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
            let access = Section::diff_block(
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
            sections.push(Section::diff_block(
                "risky changes",
                &format!("#### Risky changes ({})", count(risky.len())),
                "#### Risky changes (continued)",
                items,
            ));
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
            let mut details = Section::diff_block(
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

        let footer = format!(
            "<sub>roster {} · plan format {} · desired state {}</sub>\n",
            code(&prefix(&plan.roster_version, 40)),
            code(&prefix(&plan.format_version, 40)),
            code(&prefix(&plan.desired_digest, 12)),
        );
        Doc {
            summary,
            sections,
            footer,
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
        let title = self.title(None);
        let fixed = title.len() + self.footer.len();
        let full: Vec<String> = self.sections.iter().map(Section::full).collect();
        if fixed + full.iter().map(String::len).sum::<usize>() <= limit {
            return format!("{title}{}{}", full.concat(), self.footer);
        }

        // Shares of what is left once the fixed parts and every possible note are paid for.
        let notes: usize = self.sections.iter().map(Section::max_note).sum();
        let final_note =
            self.truncation_note(&self.sections.iter().map(|s| (s, 0)).collect::<Vec<_>>());
        // The final note follows a blank line.
        let mut budget = limit.saturating_sub(fixed + notes + 1 + final_note.len());
        let mut caps = vec![0; self.sections.len()];
        let mut essential_budget = budget / 2;
        for (i, s) in self.sections.iter().enumerate() {
            if s.essential {
                caps[i] = full[i].len().min(essential_budget);
                essential_budget -= caps[i];
                budget -= caps[i];
            }
        }
        let rest: Vec<usize> = (0..self.sections.len())
            .filter(|&i| !self.sections[i].essential)
            .collect();
        for (i, cap) in rest.iter().zip(fair_shares(
            &rest.iter().map(|&i| full[i].len()).collect::<Vec<_>>(),
            budget,
        )) {
            caps[*i] = cap;
        }

        let mut out = title;
        let mut shown = Vec::new();
        for (s, cap) in self.sections.iter().zip(caps) {
            let (text, n) = s.capped(cap);
            out.push_str(&text);
            shown.push((s, n));
        }
        out.push_str(&self.footer);
        let note = self.truncation_note(&shown);
        if !note.is_empty() {
            out.push('\n');
            out.push_str(&note);
        }
        out
    }

    /// The closing note of a shortened comment: what it leaves out (changes first) and where to
    /// see it all.
    fn truncation_note(&self, shown: &[(&Section, usize)]) -> String {
        if shown.iter().all(|(s, n)| *n == s.items.len()) {
            return String::new();
        }
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
        let items: usize = self.sections.iter().map(|s| s.items.len()).sum();
        let most = items + 1;
        let reserve = self.title(Some((most, most))).len() + self.footer.len();
        let room = limit.saturating_sub(reserve);

        let mut parts: Vec<String> = Vec::new();
        let mut cur = String::new();
        for s in &self.sections {
            let mut started = false;
            let mut open_here = false;
            let closing = s.close.len() + s.tail.len();
            for i in 0..s.items.len() {
                loop {
                    let head = if open_here {
                        ""
                    } else if started {
                        &s.reopen
                    } else {
                        &s.open
                    };
                    let piece = s.piece(i, !open_here);
                    if cur.len() + head.len() + piece.len() + closing <= room {
                        cur.push_str(head);
                        cur.push_str(&piece);
                    } else if cur.is_empty() {
                        let fits = room.saturating_sub(head.len() + closing);
                        cur.push_str(head);
                        cur.push_str(&clip(&piece, fits));
                    } else {
                        if open_here {
                            cur.push_str(&s.close);
                            cur.push_str(&s.tail);
                        }
                        parts.push(std::mem::take(&mut cur));
                        open_here = false;
                        continue;
                    }
                    open_here = true;
                    started = true;
                    break;
                }
            }
            if open_here {
                cur.push_str(&s.close);
                cur.push_str(&s.tail);
            }
        }
        if !cur.is_empty() || parts.is_empty() {
            parts.push(cur);
        }
        let n = parts.len();
        parts
            .into_iter()
            .enumerate()
            .map(|(i, body)| format!("{}{body}{}", self.title(Some((i + 1, n))), self.footer))
            .collect()
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

/// The fence for a code block holding these items: longer than any run of backticks in them.
fn fence_for(items: &[Item]) -> String {
    let longest = items
        .iter()
        .flat_map(|i| [i.text.as_str(), i.lead.as_str(), i.start.as_str()])
        .map(longest_backtick_run)
        .max()
        .unwrap_or(0);
    "`".repeat((longest + 1).max(3))
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// `s` as an inline code span that nothing in it can end early.
fn code(s: &str) -> String {
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
fn escape(s: &str) -> String {
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
fn prefix(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// `text` in at most `room` bytes, cut at a line's end when possible, always ending with a
/// newline (so that a code fence after it stays on its own line).
fn clip(text: &str, room: usize) -> String {
    const MARK: &str = "… (cut to fit the comment)\n";
    if text.len() <= room {
        return text.to_string();
    }
    let Some(mut end) = room.checked_sub(MARK.len() + 1) else {
        return String::new();
    };
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind('\n') {
        Some(nl) if nl > 0 => format!("{}{MARK}", &text[..=nl]),
        _ => format!("{}\n{MARK}", &text[..end]),
    }
}

/// Caps for sections of these sizes sharing `budget`: sections under an equal share get their
/// size, and the others split what remains equally (max-min fairness).
fn fair_shares(sizes: &[usize], budget: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| (sizes[i], i));
    let mut caps = vec![0; sizes.len()];
    let mut left = budget;
    for (k, &i) in order.iter().enumerate() {
        let share = left / (sizes.len() - k);
        caps[i] = sizes[i].min(share);
        left -= caps[i];
    }
    caps
}

/// A count with thousands separators: `65,536`.
fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", count(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures;

    /// Checks that every code fence and `<details>` element opened is closed, the way CommonMark
    /// reads fences (a closing fence is at least as long as the opening one).
    fn assert_balanced(md: &str) {
        let mut fence: Option<usize> = None;
        let mut details = 0i64;
        for line in md.lines() {
            let ticks = longest_leading_ticks(line);
            match fence {
                Some(n) => {
                    if ticks >= n && line.trim_start_matches('`').trim().is_empty() {
                        fence = None;
                    }
                }
                None => {
                    if ticks >= 3 {
                        fence = Some(ticks);
                    } else if line.starts_with("<details") {
                        details += 1;
                    } else if line.starts_with("</details>") {
                        details -= 1;
                        assert!(details >= 0, "</details> without <details>:\n{md}");
                    }
                }
            }
        }
        assert!(fence.is_none(), "a code block is left open");
        assert_eq!(details, 0, "a <details> element is left open");
    }

    fn longest_leading_ticks(line: &str) -> usize {
        line.len() - line.trim_start_matches('`').len()
    }

    /// The lines inside the `All N changes` code blocks of these parts.
    fn change_lines(parts: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for md in parts {
            let mut in_details = false;
            let mut fence: Option<usize> = None;
            for line in md.lines() {
                if line.starts_with("<details><summary>All") {
                    in_details = true;
                } else if line.starts_with("</details>") {
                    in_details = false;
                } else if in_details {
                    let ticks = longest_leading_ticks(line);
                    match fence {
                        None if ticks >= 3 => fence = Some(ticks),
                        Some(n) if ticks >= n => fence = None,
                        Some(_) => out.push(line.to_string()),
                        None => {}
                    }
                }
            }
        }
        out
    }

    #[test]
    fn plan_as_markdown() {
        let md = markdown(&fixtures::plan());
        assert_balanced(&md);
        insta::assert_snapshot!(md);
    }

    #[test]
    fn one_platform_as_markdown() {
        insta::assert_snapshot!(markdown(&fixtures::small()));
    }

    #[test]
    fn empty_plan_as_markdown() {
        insta::assert_snapshot!(markdown(&fixtures::empty()), @r"
        ### roster plan: no changes

        **No changes.** The platform matches the config.

        <sub>roster `0.1.0` · plan format `1` · desired state `e3b0c44298fc…`</sub>
        ");
    }

    #[test]
    fn markdown_is_deterministic() {
        let plan = fixtures::plan();
        assert_eq!(markdown(&plan), markdown(&plan.clone()));
        assert_eq!(markdown_parts(&plan, 4_000), markdown_parts(&plan, 4_000));
    }

    #[test]
    fn a_plan_that_fits_is_one_part_equal_to_the_comment() {
        let plan = fixtures::plan();
        assert_eq!(markdown_parts(&plan, 65_536), vec![markdown(&plan)]);
    }

    #[test]
    fn a_huge_plan_is_shortened_with_a_note() {
        let plan = fixtures::many(5_000);
        let md = markdown(&plan);
        assert!(md.len() <= MARKDOWN_LIMIT, "{} bytes", md.len());
        assert!(md.chars().count() <= MARKDOWN_LIMIT);
        assert_balanced(&md);
        assert!(
            md.ends_with(
                "or post it in several comments with `roster plan --format markdown --split PREFIX`.\n"
            ),
            "{}",
            &md[md.len() - 600..]
        );
        let shown = change_lines(std::slice::from_ref(&md))
            .iter()
            .filter(|l| l.starts_with('+'))
            .count();
        let note = format!("{} of 5,000 changes", count(5_000 - shown));
        assert!(md.contains(&note), "the note says {note}");
        assert!(md.contains("Run `roster plan` locally or see the job log"));
        // Every section got a share: the access summary and the risky changes are there.
        assert!(md.contains("#### Who gains and who loses access (5,000 users)"));
        assert!(md.contains("#### Risky changes (500)"));
        assert!(shown > 100, "{shown} changes shown");
    }

    #[test]
    fn a_huge_plan_splits_into_parts_that_cover_every_change_once() {
        let plan = fixtures::many(5_000);
        let parts = markdown_parts(&plan, 65_536);
        assert!(parts.len() > 2, "{} parts", parts.len());
        let n = parts.len();
        for (i, part) in parts.iter().enumerate() {
            assert!(
                part.len() <= 65_536,
                "part {} is {} bytes",
                i + 1,
                part.len()
            );
            assert!(
                part.starts_with(&format!("### roster plan, part {} of {n}: ", i + 1)),
                "part {} says which it is",
                i + 1
            );
            assert_balanced(part);
        }
        // Each change line names its member (`+   member user:… (role: …)`): count them.
        let mut listed = std::collections::BTreeMap::<&str, usize>::new();
        let lines = change_lines(&parts);
        for line in lines.iter().filter(|l| l.starts_with('+')) {
            let name = line.split_whitespace().nth(2).expect("a member line");
            *listed.entry(name).or_default() += 1;
        }
        for c in &plan.changes {
            let name = c.address.subject();
            assert_eq!(
                listed.get(name.as_str()),
                Some(&1),
                "{} is listed once",
                c.address
            );
        }
        assert_eq!(listed.len(), plan.changes.len());
    }

    #[test]
    fn parts_repeat_the_group_heading_and_reopen_the_details() {
        let parts = markdown_parts(&fixtures::many(400), 8_000);
        assert!(parts.len() > 2);
        let last = parts.last().unwrap();
        assert!(last.contains("<details><summary>All 400 changes (continued)</summary>"));
        assert!(
            last.contains("````diff\n  organization biocommons\n+   member")
                || last.contains("```diff\n  organization biocommons\n+   member")
        );
    }

    #[test]
    fn small_limits_are_raised_and_every_part_stays_within_its_limit() {
        let plan = fixtures::plan();
        for limit in [0, 100, MIN_PART_LIMIT, 2_500, 3_000, 5_000] {
            for part in markdown_parts(&plan, limit) {
                assert!(part.len() <= limit.max(MIN_PART_LIMIT));
                assert_balanced(&part);
            }
        }
    }

    #[test]
    fn an_item_too_large_for_a_part_is_cut_with_a_note() {
        let mut plan = fixtures::small();
        let long: String = (0..3_000).map(|i| format!("line {i}\n")).collect();
        plan.changes[1]
            .after
            .as_mut()
            .unwrap()
            .insert("description".into(), long.into());
        let parts = markdown_parts(&plan, 10_000);
        assert!(parts.iter().all(|p| p.len() <= 10_000));
        assert!(
            parts
                .iter()
                .any(|p| p.contains("… (cut to fit the comment)"))
        );
        parts.iter().for_each(|p| assert_balanced(p));
        let md = markdown(&plan);
        assert!(md.len() <= MARKDOWN_LIMIT);
        assert_balanced(&md);
    }

    #[test]
    fn nothing_in_the_plan_breaks_out_of_a_code_block_or_details() {
        let mut plan = fixtures::small();
        let evil = "```\n</details>\n# heading\n````\n<script>x</script> @everyone";
        plan.changes[1]
            .after
            .as_mut()
            .unwrap()
            .insert("description".into(), evil.into());
        plan.changes[0].note = Some(evil.into());
        plan.access[0].user = "```".into();
        plan.unmanaged[0].reason = evil.into();
        plan.unmanaged[0].address = crate::plan::Address::org("a`b``c");
        plan.violations.push(crate::plan::Violation {
            rail: crate::plan::Rail::Destroy,
            message: evil.into(),
            override_flag: crate::plan::OverrideFlag::AllowDestroy,
            addresses: vec![crate::plan::Address::workspace("<details>", "`--x`")],
            overridden: false,
        });
        let md = markdown(&plan);
        assert_balanced(&md);
        // The description sits in a code block with a longer fence.
        assert!(md.contains("`````diff\n"));
        // In prose, it is escaped.
        assert!(md.contains("\\<script\\>"));
        assert!(md.contains("\\@everyone"));
        assert!(!md.lines().any(|l| l.starts_with("# heading")));
        assert!(md.contains("``org/a`b``c``") || md.contains("```org/a`b``c```"));
    }

    #[test]
    fn unicode_and_long_values_are_safe() {
        let mut plan = fixtures::plan();
        for c in &mut plan.changes {
            c.org = format!("{}-ü", c.org);
            c.note = Some("Génomique 基因组学 🧬 ".repeat(2_000));
        }
        let md = markdown(&plan);
        assert!(md.len() <= MARKDOWN_LIMIT);
        assert_balanced(&md);
        for part in markdown_parts(&plan, 65_536) {
            assert!(part.len() <= 65_536);
            assert_balanced(&part);
        }
    }

    mod props {
        use std::collections::BTreeMap;

        use proptest::prelude::*;
        use serde_json::Value;

        use super::*;
        use crate::plan::*;

        /// Strings as a plan might hold them, hostile ones included: fences, HTML, escapes,
        /// control characters, newlines, any Unicode.
        fn text() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-z0-9@._:/=-]{0,16}",
                "\\PC{0,40}",
                "(?s).{0,80}",
                "(```|````|`|</details>|<details>|\n|\u{1b}\\[31m|\u{202e}|@all|\\||#|> |- |x){0,12}",
            ]
        }

        /// A name as an address may hold one: hostile, but without the `/` and `#` that
        /// separate an address's parts, and not blank.
        fn name() -> impl Strategy<Value = String> {
            text()
                .prop_map(|s| s.replace(['/', '#'], "|").trim().to_string())
                .prop_filter("not blank", |s| !s.is_empty())
        }

        /// Addresses of every shape, with hostile names.
        fn address() -> impl Strategy<Value = Address> {
            (name(), name(), name(), 0..4u8).prop_map(|(o, w, x, shape)| match shape {
                0 => Address::org(&o),
                1 => Address::workspace(&o, &w),
                2 => Address::label(&o, &w, &x, None),
                _ => Address::participant(&o, &w, crate::scope::Principal::user(&x)),
            })
        }

        fn attrs() -> impl Strategy<Value = Option<Attrs>> {
            proptest::option::of(proptest::collection::btree_map(
                "[a-zA-Z]{1,8}",
                prop_oneof![
                    text().prop_map(Value::from),
                    any::<i64>().prop_map(Value::from),
                    Just(Value::Null),
                ],
                0..4,
            ))
        }

        fn change() -> impl Strategy<Value = Change> {
            (
                (address(), 0..3u8, 0..8u8, text(), text()),
                (proptest::option::of(text()), attrs(), attrs()),
                (
                    proptest::collection::vec(0..4u8, 0..3),
                    proptest::option::of(text()),
                    0..4u32,
                ),
            )
                .prop_map(
                    |(
                        (address, action, kind, platform, org),
                        (workspace, before, after),
                        (risks, note, wave),
                    )| {
                        Change {
                            address,
                            role: None,
                            participant_type: None,
                            action: [Action::Create, Action::Update, Action::Delete]
                                [action as usize],
                            kind: [
                                Kind::Organization,
                                Kind::Member,
                                Kind::Team,
                                Kind::TeamMember,
                                Kind::Workspace,
                                Kind::Studios,
                                Kind::Label,
                                Kind::Participant,
                            ][kind as usize],
                            platform,
                            org,
                            workspace,
                            before,
                            after,
                            risks: risks
                                .into_iter()
                                .map(|r| {
                                    [
                                        Risk::GrantsOwner,
                                        Risk::GrantsAdmin,
                                        Risk::RemovesAccess,
                                        Risk::Destructive,
                                    ][r as usize]
                                })
                                .collect(),
                            depends_on: vec![],
                            wave,
                            note,
                            exec: Exec::RemoveMember {
                                org_id: 1,
                                member_id: 2,
                            },
                        }
                    },
                )
        }

        fn plan() -> impl Strategy<Value = Plan> {
            let texts = || proptest::collection::vec(text(), 0..3);
            (
                proptest::collection::vec(change(), 0..30),
                proptest::collection::vec(
                    (text(), texts(), texts(), texts()).prop_map(
                        |(user, gains, changes, loses)| AccessChange {
                            user,
                            gains,
                            changes,
                            loses,
                        },
                    ),
                    0..6,
                ),
                proptest::collection::vec(
                    (address(), text()).prop_map(|(address, reason)| Unmanaged { address, reason }),
                    0..3,
                ),
                proptest::collection::vec(
                    (
                        0..6usize,
                        text(),
                        proptest::collection::vec(address(), 0..4),
                        any::<bool>(),
                    )
                        .prop_map(|(rail, message, addresses, overridden)| {
                            Violation {
                                rail: Rail::ALL[rail],
                                message,
                                override_flag: Rail::ALL[rail].override_flag(),
                                addresses,
                                overridden,
                            }
                        }),
                    0..3,
                ),
                proptest::collection::vec(
                    (text(), text(), text()).prop_map(|(platform, endpoint, acting_user)| Target {
                        platform,
                        endpoint,
                        token_env: "TOWER_ACCESS_TOKEN".to_string(),
                        acting_user,
                        fingerprints: BTreeMap::new(),
                        scope: Default::default(),
                    }),
                    0..3,
                ),
                proptest::option::of(proptest::collection::vec(address(), 0..4)),
                (text(), text()),
            )
                .prop_map(
                    |(
                        changes,
                        access,
                        unmanaged,
                        violations,
                        targets,
                        scope,
                        (roster_version, desired_digest),
                    )| {
                        Plan {
                            summary: summarize(&changes),
                            changes,
                            access,
                            unmanaged,
                            violations,
                            targets,
                            scope,
                            roster_version,
                            desired_digest,
                            ..fixtures::empty()
                        }
                    },
                )
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(128))]

            /// Any plan renders without panicking, within its limits, with every code block and
            /// `<details>` element closed, and the coloured text is the plain text styled.
            #[test]
            fn any_plan_renders_safely(plan in plan(), limit in 4_000usize..12_000) {
                let plain = crate::render::text(&plan, false);
                prop_assert!(!plain.contains('\x1b'), "no escape codes without colour");
                let coloured = crate::render::text(&plan, true);
                prop_assert_eq!(anstream::adapter::strip_str(&coloured).to_string(), plain);

                let md = markdown(&plan);
                prop_assert!(md.len() <= MARKDOWN_LIMIT);
                assert_balanced(&md);

                let short = Doc::new(&plan).single(limit);
                prop_assert!(short.len() <= limit, "{} > {limit}", short.len());
                assert_balanced(&short);

                for part in markdown_parts(&plan, limit / 2) {
                    prop_assert!(part.len() <= (limit / 2).max(MIN_PART_LIMIT));
                    assert_balanced(&part);
                }

                let json = crate::render::json(&plan);
                let back: Plan = serde_json::from_str(&json).unwrap();
                prop_assert_eq!(back, plan);
            }
        }
    }

    #[test]
    fn fair_shares_give_small_sections_all_they_need() {
        assert_eq!(fair_shares(&[10, 1_000, 1_000], 610), vec![10, 300, 300]);
        assert_eq!(fair_shares(&[10, 20], 1_000), vec![10, 20]);
        assert_eq!(fair_shares(&[], 5), Vec::<usize>::new());
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(65_536), "65,536");
        assert_eq!(count(1_234_567), "1,234,567");
    }
}
