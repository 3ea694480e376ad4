//! Plain text and Markdown views: one person's grants (alone, or compared with the platform)
//! and the access matrix as an aligned table or a Markdown table.
//!
//! It must not compute access (that is `model`, `person` and `matrix`) or do I/O.

use std::fmt::Write;

use super::matrix::{Cell, Column, Matrix, Row};
use super::person::{Compared, Fact, Mark};

/// How a fact reads: a label and a value (with its end and reason, when declared).
fn describe(f: &Fact) -> (&'static str, String) {
    let (label, mut value) = describe_grant(f);
    let term = match f {
        Fact::OrgRole { term, .. } | Fact::Team { term, .. } | Fact::Workspace { term, .. } => term,
    };
    if let Some(e) = &term.expires {
        write!(value, "; expires {e}").unwrap();
    }
    if let Some(r) = &term.reason {
        write!(value, " ({r})").unwrap();
    }
    (label, value)
}

fn describe_grant(f: &Fact) -> (&'static str, String) {
    match f {
        Fact::OrgRole { role, .. } => ("organization role", role.clone()),
        Fact::Team { team, .. } => ("team", team.clone()),
        Fact::Workspace {
            workspace,
            grant,
            effective,
            custom,
            ..
        } => {
            let mut s = format!("{workspace}: {}", grant.role);
            if *custom {
                s.push_str(" (custom role)");
            }
            match &grant.via {
                Some(t) => write!(s, ", through team {t}").unwrap(),
                None => s.push_str(", direct"),
            }
            if !effective {
                s.push_str("; below the effective role");
            }
            (if *effective { "workspace" } else { "also" }, s)
        }
    }
}

const LABEL_WIDTH: usize = 18;

/// One person's grants from one side (`source` says which: the config, or a platform).
pub fn person(user: &str, source: &str, facts: &[Fact]) -> String {
    let mut out = format!("{user}, from {source}\n");
    if facts.is_empty() {
        out.push_str("\n  no access\n");
    }
    let mut org: Option<&str> = None;
    for f in facts {
        if org != Some(f.org()) {
            org = Some(f.org());
            writeln!(out, "\norganization {}", f.org()).unwrap();
        }
        let (label, value) = describe(f);
        writeln!(out, "  {label:<LABEL_WIDTH$} {value}").unwrap();
    }
    out
}

/// One person's grants in the config compared with the platform.
pub fn compared(user: &str, source: &str, lines: &[Compared]) -> String {
    let mut out = format!("{user}, from {source} compared with the platform\n");
    out.push_str(
        "  (+ only in the config: apply grants it; - only on the platform: apply removes it;\n",
    );
    out.push_str("   ~ on the platform, not managed by the config)\n");
    if lines.is_empty() {
        out.push_str("\n  no access on either side\n");
    }
    let mut org: Option<&str> = None;
    for c in lines {
        if org != Some(c.fact.org()) {
            org = Some(c.fact.org());
            writeln!(out, "\norganization {}", c.fact.org()).unwrap();
        }
        let (label, value) = describe(&c.fact);
        let note = match c.mark {
            Mark::Both => "",
            Mark::OnlyInConfig => "   only in config",
            Mark::OnlyOnPlatform => "   only on the platform",
            Mark::Unmanaged => "   not managed by the config",
        };
        writeln!(out, "{} {label:<LABEL_WIDTH$} {value}{note}", c.mark.sign()).unwrap();
    }
    out
}

/// A cell as text: the role, `*` when it comes through a team; `?` when nothing is known.
pub fn cell_text(c: Option<&Cell>, col: &Column) -> String {
    match c {
        Some(c) if c.via.is_some() => format!("{}*", c.role),
        Some(c) => c.role.clone(),
        None if !col.participants_known => "?".to_string(),
        None => String::new(),
    }
}

/// The matrix's header and rows as plain strings, the renderers' common ground.
pub fn table(m: &Matrix) -> (Vec<String>, Vec<Vec<String>>) {
    let mut head = vec!["person".to_string()];
    head.extend(m.orgs.iter().map(|o| m.org_label(o)));
    head.extend(m.columns.iter().map(|c| m.column_label(c)));
    head.push("teams".to_string());
    let rows = m.rows.iter().map(|r| row_cells(m, r)).collect();
    (head, rows)
}

fn row_cells(m: &Matrix, r: &Row) -> Vec<String> {
    let mut v = vec![r.user.clone()];
    v.extend(r.org_roles.iter().map(|o| o.clone().unwrap_or_default()));
    v.extend(
        r.cells
            .iter()
            .zip(&m.columns)
            .map(|(c, col)| cell_text(c.as_ref(), col)),
    );
    v.push(r.teams.join(", "));
    v
}

const LEGEND: &str =
    "* through a team (`roster access USER` names it); ? participants not managed by the config";

/// The matrix as an aligned text table.
pub fn matrix(m: &Matrix) -> String {
    let (head, rows) = table(m);
    let clean: Vec<Vec<String>> = std::iter::once(&head)
        .chain(&rows)
        .map(|r| r.iter().map(|s| one_line(s)).collect())
        .collect();
    let widths: Vec<usize> = (0..head.len())
        .map(|i| {
            clean
                .iter()
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (n, r) in clean.iter().enumerate() {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(s, w)| format!("{s:<w$}"))
            .collect();
        writeln!(out, "{}", line.join("  ").trim_end()).unwrap();
        if n == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            writeln!(out, "{}", rule.join("  ")).unwrap();
        }
    }
    writeln!(
        out,
        "\n{} people, {} workspaces. {LEGEND}",
        m.rows.len(),
        m.columns.len()
    )
    .unwrap();
    out
}

/// The matrix as a Markdown table.
pub fn markdown(m: &Matrix) -> String {
    let (head, rows) = table(m);
    let mut out = String::from("## Access matrix\n\n");
    let orgs: Vec<String> = m
        .orgs
        .iter()
        .map(|o| match &o.full_name {
            Some(f) => format!("{} ({})", md(&o.name), md(f)),
            None => md(&o.name),
        })
        .collect();
    writeln!(out, "Organization: {}\n", orgs.join(", ")).unwrap();
    let line = |cells: &[String]| {
        format!(
            "| {} |",
            cells.iter().map(|c| md(c)).collect::<Vec<_>>().join(" | ")
        )
    };
    writeln!(out, "{}", line(&head)).unwrap();
    writeln!(out, "|{}", "---|".repeat(head.len())).unwrap();
    for r in &rows {
        writeln!(out, "{}", line(r)).unwrap();
    }
    writeln!(
        out,
        "\n{} people, {} workspaces. {}",
        m.rows.len(),
        m.columns.len(),
        md(LEGEND)
    )
    .unwrap();
    out
}

/// A value on one line: control characters (newlines included) become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A value as Markdown prose inside a table cell: on one line, with the characters Markdown,
/// HTML or GitHub act on backslash-escaped (so `|` cannot split a cell and `@` mentions no one).
pub fn md(s: &str) -> String {
    let mut out = String::new();
    for c in one_line(s).chars() {
        if "\\`*_{}[]<>|@~&$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(md("a|b\nc"), "a\\|b c");
        assert_eq!(md("<script>@x"), "\\<script\\>\\@x");
    }
}
