//! The access matrix as one self-contained static HTML page, for audits and recertification:
//! inline CSS and script, no network (a Content-Security-Policy forbids every fetch), sortable by
//! clicking a column header and filterable by person. The page reads an initial state from its
//! URL fragment or query (`#filter=jane&sort=2&order=desc`), marks rows the filter hides with
//! the `hidden` attribute, and sets `data-ready="1"` on `<body>` once its script has run.
//!
//! Every value from the config is escaped here ([`escape`]); it must not compute access or do
//! I/O.

use std::fmt::Write;

use super::matrix::{Cell, Matrix};

/// `s` escaped for HTML text and double- or single-quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { color-scheme: light dark; --line: #d0d7de; --muted: #57606a; --head: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --line: #30363d; --muted: #8b949e; --head: #161b22; } }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
.meta, .legend, #count { color: var(--muted); }
.controls { margin: 1rem 0; display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; }
#filter { font: inherit; padding: .3rem .5rem; min-width: 18rem; }
.wrap { overflow-x: auto; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: .3rem .55rem; text-align: left; white-space: nowrap; }
thead th { background: var(--head); position: sticky; top: 0; cursor: pointer; user-select: none; }
thead th button { all: unset; cursor: pointer; }
thead th[aria-sort="ascending"] button::after { content: " \25B2"; }
thead th[aria-sort="descending"] button::after { content: " \25BC"; }
tbody th { font-weight: normal; }
td.team sup { color: var(--muted); }
td.unknown { color: var(--muted); }
td[data-sort="6"], td[data-sort="5"] { font-weight: 600; }
tr[hidden] { display: none; }
"#;

const SCRIPT: &str = r#"
(function () {
  "use strict";
  var table = document.getElementById("matrix");
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  var input = document.getElementById("filter");
  var count = document.getElementById("count");
  var rows = Array.prototype.slice.call(body.rows);
  var sorted = { col: -1, desc: false };

  function applyFilter() {
    var q = input.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (r) {
      var hay = r.getAttribute("data-person");
      if (q === "" || hay.indexOf(q) !== -1) {
        r.removeAttribute("hidden");
        shown += 1;
      } else {
        r.setAttribute("hidden", "");
      }
    });
    count.textContent = shown + " of " + rows.length + " people shown";
  }

  function key(row, col) {
    var cell = row.cells[col];
    var s = cell.getAttribute("data-sort");
    return s === null ? cell.textContent.trim().toLowerCase() : Number(s);
  }

  function sortBy(col, desc) {
    if (!(col >= 0 && col < heads.length)) { return; }
    rows.sort(function (a, b) {
      var x = key(a, col), y = key(b, col);
      var r = x < y ? -1 : (x > y ? 1 : 0);
      if (desc) { r = -r; }
      if (r === 0) {
        r = a.getAttribute("data-person") < b.getAttribute("data-person") ? -1 : 1;
      }
      return r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    for (var i = 0; i < heads.length; i += 1) {
      heads[i].setAttribute("aria-sort", i === col ? (desc ? "descending" : "ascending") : "none");
    }
    sorted = { col: col, desc: desc };
  }

  Array.prototype.forEach.call(heads, function (th, i) {
    th.addEventListener("click", function () {
      var roleCol = th.getAttribute("data-type") === "role";
      sortBy(i, sorted.col === i ? !sorted.desc : roleCol);
    });
  });
  input.addEventListener("input", applyFilter);

  var params = new URLSearchParams(location.search);
  new URLSearchParams(location.hash.replace(/^#/, "")).forEach(function (v, k) { params.set(k, v); });
  if (params.has("filter")) { input.value = params.get("filter"); }
  if (params.has("sort")) { sortBy(Number(params.get("sort")), params.get("order") === "desc"); }
  applyFilter();
  document.body.setAttribute("data-ready", "1");
})();
"#;

/// A role cell: its text, its sort key (rank; -1 for none) and how it reads to a screen reader.
fn cell(out: &mut String, c: Option<&Cell>, known: bool) {
    match c {
        Some(c) => {
            let title = match &c.via {
                Some(t) => format!("{} through team {t}", c.role),
                None => format!("{} (direct)", c.role),
            };
            let class = if c.via.is_some() { " class=\"team\"" } else { "" };
            let mark = if c.via.is_some() { "<sup>*</sup>" } else { "" };
            write!(
                out,
                "<td{class} data-sort=\"{}\" title=\"{}\">{}{mark}</td>",
                c.rank(),
                escape(&title),
                escape(&c.role)
            )
            .unwrap();
        }
        None if !known => out.push_str(
            "<td class=\"unknown\" data-sort=\"-1\" title=\"participants not managed by the config\">?</td>",
        ),
        None => out.push_str("<td data-sort=\"-1\"></td>"),
    }
}

/// The matrix as a standalone HTML page; `source` says where it was read from.
pub fn matrix(m: &Matrix, source: &str) -> String {
    let orgs: Vec<String> = m
        .orgs
        .iter()
        .map(|o| match &o.full_name {
            Some(f) => format!("{} ({})", o.name, f),
            None => o.name.clone(),
        })
        .collect();
    let orgs = orgs.join(", ");
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    writeln!(
        out,
        "<meta name=\"generator\" content=\"roster {}\">",
        env!("CARGO_PKG_VERSION")
    )
    .unwrap();
    writeln!(out, "<title>Access matrix: {}</title>", escape(&orgs)).unwrap();
    writeln!(out, "<style>{CSS}</style>\n</head>\n<body>").unwrap();
    writeln!(out, "<h1>Access matrix</h1>").unwrap();
    writeln!(
        out,
        "<p class=\"meta\">Organization: <span id=\"orgs\">{}</span>. From {}. {} people, {} workspaces.</p>",
        escape(&orgs),
        escape(source),
        m.rows.len(),
        m.columns.len()
    )
    .unwrap();
    out.push_str("<div class=\"controls\"><label for=\"filter\">Filter people</label> <input id=\"filter\" type=\"search\" placeholder=\"name or email\" autocomplete=\"off\"> <span id=\"count\"></span></div>\n");
    out.push_str("<div class=\"wrap\"><table id=\"matrix\">\n<thead><tr>");
    let head = |out: &mut String, label: &str, kind: &str| {
        write!(
            out,
            "<th scope=\"col\" data-type=\"{kind}\" aria-sort=\"none\"><button type=\"button\">{}</button></th>",
            escape(label)
        )
        .unwrap();
    };
    head(&mut out, "person", "text");
    for o in &m.orgs {
        head(&mut out, &m.org_label(o), "text");
    }
    for c in &m.columns {
        head(&mut out, &m.column_label(c), "role");
    }
    head(&mut out, "teams", "text");
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in &m.rows {
        write!(
            out,
            "<tr data-person=\"{}\"><th scope=\"row\">{}</th>",
            escape(&r.user.to_lowercase()),
            escape(&r.user)
        )
        .unwrap();
        for role in &r.org_roles {
            write!(out, "<td>{}</td>", escape(role.as_deref().unwrap_or(""))).unwrap();
        }
        for (c, col) in r.cells.iter().zip(&m.columns) {
            cell(&mut out, c.as_ref(), col.participants_known);
        }
        writeln!(out, "<td>{}</td></tr>", escape(&r.teams.join(", "))).unwrap();
    }
    out.push_str("</tbody>\n</table></div>\n");
    out.push_str("<p class=\"legend\"><sup>*</sup> through a team (hover a cell to see which; <code>roster access USER</code> lists every grant). ? participants not managed by the config. Click a column header to sort; type in the box to filter.</p>\n");
    writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>").unwrap();
    out
}

#[cfg(test)]
mod tests {
    use super::super::matrix::{Column, MatrixOrg, Row};
    use super::*;

    fn hostile() -> Matrix {
        let evil = "<script>alert(\"x\")</script>&'";
        Matrix {
            orgs: vec![MatrixOrg {
                name: "lab".into(),
                platform: "default".into(),
                full_name: Some(evil.into()),
                members_known: true,
            }],
            columns: vec![Column {
                org: "lab".into(),
                workspace: evil.into(),
                participants_known: true,
            }],
            rows: vec![Row {
                user: evil.into(),
                org_roles: vec![Some(evil.into())],
                teams: vec![evil.into()],
                cells: vec![Some(Cell {
                    role: evil.into(),
                    via: Some(evil.into()),
                    custom: true,
                })],
            }],
        }
    }

    #[test]
    fn every_value_is_escaped() {
        let page = matrix(&hostile(), "<script>dir</script>");
        // The only script element is the page's own.
        assert_eq!(page.matches("<script>").count(), 1, "{page}");
        assert_eq!(page.matches("</script>").count(), 1);
        assert!(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"));
        assert!(!page.contains("alert(\"x\")"));
    }

    #[test]
    fn the_page_needs_nothing_from_the_network() {
        let page = matrix(&hostile(), "dir");
        for needle in ["http://", "https://", "src=", "<link", "@import", "url("] {
            assert!(!page.contains(needle), "{needle} in the page");
        }
        assert!(page.contains("default-src 'none'"));
    }
}
