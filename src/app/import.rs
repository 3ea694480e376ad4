//! `roster import seqerakit FILE|DIR… --out DIR`: translate seqerakit's identity blocks into a
//! roster config (spelled by the export writer), list every block it does not translate with
//! its file:line, and say what changes in meaning. The translation is `adopt::seqerakit`; this
//! file reads the files and the variables, prints the summary and writes the result.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::adopt;
use crate::app::export::{export_date, refuse_non_empty, write_files};
use crate::app::{Outcome, Ui};
use crate::cli::ImportSeqerakitArgs;

/// The files named: each FILE, and every `*.yml`/`*.yaml` directly in each DIR, sorted.
fn inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading {}", p.display()))?
                .flatten()
                .map(|e| e.path())
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "yml" || x == "yaml"))
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// `KEY=VALUE` lines (`#` comments, optional `export `, optional quotes).
fn env_file(path: &Path) -> Result<Vec<(String, String)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let l = l.strip_prefix("export ").unwrap_or(l);
            let (k, v) = l.split_once('=')?;
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(v);
            Some((k.trim().to_string(), v.to_string()))
        })
        .collect())
}

pub fn run(ui: &Ui, args: &ImportSeqerakitArgs) -> Result<Outcome> {
    refuse_non_empty(&args.out, args.force)?;
    let files = inputs(&args.files)?;
    if files.is_empty() {
        bail!("no seqerakit files: name files, or directories holding *.yml");
    }
    let mut texts = Vec::new();
    for f in &files {
        let t = std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        texts.push((f.display().to_string(), t));
    }
    let from_file = match &args.env_file {
        Some(p) => env_file(p)?,
        None => Vec::new(),
    };
    let vars = |name: &str| {
        from_file
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .or_else(|| std::env::var(name).ok())
    };
    let imp = adopt::seqerakit::translate(&texts, &vars, &args.owner);
    if !imp.errors.is_empty() {
        for e in &imp.errors {
            eprintln!("error: {e}");
        }
        bail!(
            "{} problem{} in the seqerakit files; nothing was written",
            imp.errors.len(),
            if imp.errors.len() == 1 { "" } else { "s" }
        );
    }
    let endpoint = args
        .endpoint
        .clone()
        .unwrap_or_else(|| crate::platform::seqera::CLOUD_ENDPOINT.to_string());
    let from = files
        .iter()
        .map(|f| {
            f.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().to_string())
        })
        .collect::<Vec<_>>()
        .join(", ");
    let date = export_date()?;
    let src = adopt::export::Source {
        tool: "roster import seqerakit",
        from: &from,
        endpoint: &endpoint,
        platform: &args.platform,
        token_env: &args.token_env,
        date: &date,
    };
    let out = adopt::export::export(&src, &imp.live, &crate::config::schema_json());
    write_files(&args.out, &out)?;

    let orgs = imp.live.orgs.len();
    let wss: usize = imp.live.orgs.values().map(|o| o.workspaces.len()).sum();
    let teams: usize = imp.live.orgs.values().map(|o| o.teams.len()).sum();
    ui.status(format!(
        "Translated {} file{}: {orgs} organization{}, {teams} team{}, {wss} workspace{}; wrote {} files to {}.",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        if orgs == 1 { "" } else { "s" },
        if teams == 1 { "" } else { "s" },
        if wss == 1 { "" } else { "s" },
        out.len(),
        args.out.display()
    ));
    if !imp.untranslated.is_empty() {
        ui.status("Not translated (roster manages access, not resources):");
        for u in &imp.untranslated {
            ui.status(format!(
                "  {}:{}: {} ({} entr{})",
                u.file,
                u.line,
                u.block,
                u.entries,
                if u.entries == 1 { "y" } else { "ies" }
            ));
        }
    }
    if !imp.ignored_keys.is_empty() {
        ui.status(format!(
            "Ignored keys (roster is declarative: it creates, updates and removes to match, so `on_exists` and `overwrite` have no meaning): {}",
            imp.ignored_keys.join(", ")
        ));
    }
    ui.status(
        "What changes in meaning: seqerakit only adds, but each list roster writes is authoritative. \
         The first `roster plan` removes every member, team member and participant the platform has \
         beyond these files (the user seqerakit ran as, too, unless given with --owner): review it before any apply.",
    );
    Ok(Outcome::Success)
}
