//! The module boundaries ARCHITECTURE.md documents, enforced: every `crate::MODULE` a module of
//! `src/` names must be listed in the "imports" column of its row, every listed import must be
//! used, and the documented graph has no cycle. (The emulator's boundary is enforced by the
//! compiler: it is its own crate.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::manifest_dir;

/// module → imports, from ARCHITECTURE.md's module table.
fn documented() -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(manifest_dir().join("ARCHITECTURE.md")).unwrap();
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split(" | ").collect();
        if !line.starts_with("| `") || cells.len() != 4 {
            continue;
        }
        let module = cells[0].trim_start_matches("| ").trim_matches('`');
        if module.contains('/') {
            continue; // another crate
        }
        let imports = cells[3]
            .trim_end_matches(" |")
            .split(',')
            .map(|s| s.trim().trim_matches('`').to_string())
            .filter(|s| !s.is_empty() && s != "—")
            .collect();
        out.insert(module.to_string(), imports);
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// module → the top-level modules it names as `crate::X` in code (comments excluded).
fn actual(modules: &BTreeSet<String>) -> BTreeMap<String, BTreeSet<String>> {
    let src = manifest_dir().join("src");
    let re = regex::Regex::new(r"crate::([a-z_]+)").unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in modules {
        let mut files = Vec::new();
        let dir = src.join(m);
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        }
        let file = src.join(format!("{m}.rs"));
        if file.is_file() {
            files.push(file);
        }
        assert!(
            !files.is_empty(),
            "ARCHITECTURE.md lists `{m}`, which src/ does not have"
        );
        let used = out.entry(m.clone()).or_default();
        for f in files {
            for line in std::fs::read_to_string(&f).unwrap().lines() {
                let code = line.split("//").next().unwrap_or("");
                for c in re.captures_iter(code) {
                    if c[1] != *m {
                        used.insert(c[1].to_string());
                    }
                }
            }
        }
    }
    out
}

#[test]
fn imports_follow_the_documented_direction_exactly() {
    let doc = documented();
    assert!(doc.len() >= 10, "the module table was not found: {doc:?}");
    let modules: BTreeSet<String> = doc.keys().cloned().collect();
    // Every top-level module of the crate has a row.
    let lib = std::fs::read_to_string(manifest_dir().join("src/lib.rs")).unwrap();
    for line in lib.lines() {
        if let Some(m) = line.trim().strip_prefix("pub mod ") {
            let m = m.trim_end_matches(';');
            assert!(
                modules.contains(m),
                "src/lib.rs has `{m}`, ARCHITECTURE.md has no row for it"
            );
        }
    }
    let real = actual(&modules);
    let mut problems = Vec::new();
    for (m, used) in &real {
        let allowed = &doc[m];
        for u in used.difference(allowed) {
            problems.push(format!(
                "`{m}` imports `{u}`, which ARCHITECTURE.md does not allow"
            ));
        }
        for u in allowed.difference(used) {
            problems.push(format!(
                "ARCHITECTURE.md says `{m}` imports `{u}`, but it does not"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_documented_dependency_graph_has_no_cycle() {
    let doc = documented();
    fn visit(
        m: &str,
        doc: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if done.contains(m) {
            return;
        }
        assert!(
            !path.iter().any(|p| p == m),
            "cycle: {} → {m}",
            path.join(" → ")
        );
        path.push(m.to_string());
        for d in doc.get(m).into_iter().flatten() {
            visit(d, doc, path, done);
        }
        path.pop();
        done.insert(m.to_string());
    }
    let mut done = BTreeSet::new();
    for m in doc.keys() {
        visit(m, &doc, &mut Vec::new(), &mut done);
    }
}
