//! The manual part of `apply`: BaseSpace changes no API can make. Nothing is written to
//! BaseSpace. On a terminal (stdin a TTY, and not `CI`), the operator is walked through each
//! step and confirms it; each confirmed step is appended to the ledger at once (with who and
//! when), for them to commit. Elsewhere (CI) the runbook is published — on stdout, appended to
//! `$GITHUB_STEP_SUMMARY` when it is set, and to `--runbook FILE` — and `apply` exits with
//! [`EXIT_MANUAL_PENDING`] while any step is pending.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::app::Ui;
use crate::app::basespace;
use crate::ledger::{self, Ledger};
use crate::plan::{ManualChange, Plan};
use crate::render;

/// The exit status of an `apply` that left manual BaseSpace steps pending (everything else
/// succeeded).
pub const EXIT_MANUAL_PENDING: u8 = 3;

/// Who confirmed a step, when set: otherwise git's `user.name <user.email>` in the config
/// directory, else the BaseSpace user of the workgroup's token, else `$USER`.
pub const OPERATOR_ENV: &str = "ROSTER_OPERATOR";

/// What became of the manual steps of an apply.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ManualOutcome {
    /// Addresses of the steps confirmed (and recorded) in this run.
    pub confirmed: Vec<String>,
    /// Addresses of the steps still pending.
    pub pending: Vec<String>,
    /// The ledger, as a path.
    pub ledger: String,
}

/// Whether to walk the operator through the steps: stdin is a terminal and this is not CI.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && !in_ci()
}

/// `CI` set to anything but empty, `0` or `false` (as CI services set it).
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| {
        let v = v.trim().to_ascii_lowercase();
        !(v.is_empty() || v == "0" || v == "false")
    })
}

/// Do the manual part of `plan`: walk through it on a terminal, or publish the runbook.
/// `text_out` says whether stdout takes text (not under `--format json`).
pub fn run(
    ui: &Ui,
    dir: &Path,
    plan: &Plan,
    ledger: &mut Ledger,
    runbook: Option<&Path>,
    text_out: bool,
) -> Result<ManualOutcome> {
    let mut out = ManualOutcome {
        ledger: ledger::path(dir).display().to_string(),
        ..Default::default()
    };
    if !plan.has_manual() {
        return Ok(out);
    }
    if interactive() {
        walk(ui, dir, plan, ledger, &mut out)?;
        if !out.pending.is_empty() {
            publish(ui, dir, plan, &out, runbook, text_out)?;
        }
    } else {
        out.pending = plan.manual.iter().map(|c| c.address.to_string()).collect();
        publish(ui, dir, plan, &out, runbook, text_out)?;
    }
    Ok(out)
}

/// Ask for each step in turn; record each one confirmed.
fn walk(
    ui: &Ui,
    dir: &Path,
    plan: &Plan,
    ledger: &mut Ledger,
    out: &mut ManualOutcome,
) -> Result<()> {
    let n = plan.manual.len();
    eprintln!(
        "\n{n} manual BaseSpace step{} follow{}. roster cannot make them or verify them by API: do each in the Admin Console, then confirm it here and roster records it in {}.",
        if n == 1 { "" } else { "s" },
        if n == 1 { "s" } else { "" },
        out.ledger
    );
    let stdin = std::io::stdin();
    let mut lines = stdin.lock();
    for (i, c) in plan.manual.iter().enumerate() {
        eprintln!();
        eprint!("{}", render::manual_step_text(c, i + 1, n));
        let answer = loop {
            eprint!("Done? [y]es, record it / [s]kip for now / [q]uit: ");
            std::io::stderr().flush()?;
            let mut line = String::new();
            if lines.read_line(&mut line)? == 0 {
                break Answer::Quit; // end of input
            }
            match line.trim().to_ascii_lowercase().as_str() {
                "y" | "yes" => break Answer::Done,
                "s" | "skip" | "n" | "no" => break Answer::Skip,
                "q" | "quit" => break Answer::Quit,
                _ => eprintln!("Answer y, s or q."),
            }
        };
        match answer {
            Answer::Done => {
                let now = crate::app::clock::now()?;
                ledger.push(
                    c.record.clone(),
                    basespace::timestamp(&now),
                    operator(dir, plan, c),
                );
                let path = ledger::save(dir, ledger)
                    .with_context(|| format!("recording the step in {}", out.ledger))?;
                ui.status(format!("  Recorded in {}.", path.display()));
                out.confirmed.push(c.address.to_string());
            }
            Answer::Skip => out.pending.push(c.address.to_string()),
            Answer::Quit => {
                out.pending
                    .extend(plan.manual[i..].iter().map(|c| c.address.to_string()));
                break;
            }
        }
    }
    if !out.confirmed.is_empty() {
        ui.status(format!(
            "\nRecorded {} step{} in {}: commit it (git add {} && git commit) so the next plan knows.",
            out.confirmed.len(),
            if out.confirmed.len() == 1 { "" } else { "s" },
            out.ledger,
            out.ledger
        ));
    }
    Ok(())
}

enum Answer {
    Done,
    Skip,
    Quit,
}

/// Publish the runbook of the pending steps: stdout (text), the job summary, `--runbook`.
fn publish(
    ui: &Ui,
    dir: &Path,
    plan: &Plan,
    out: &ManualOutcome,
    runbook: Option<&Path>,
    text_out: bool,
) -> Result<()> {
    let mut pending = plan.clone();
    pending
        .manual
        .retain(|c| out.pending.contains(&c.address.to_string()));
    let shown_ledger = ledger_shown(dir);
    let md = render::runbook_markdown(&pending, &shown_ledger);
    if text_out {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(b"\n")?;
        stdout.write_all(render::runbook_text(&pending).as_bytes())?;
        stdout.flush()?;
    }
    if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty()) {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&summary)
            .with_context(|| {
                format!("appending the runbook to {}", Path::new(&summary).display())
            })?;
        f.write_all(md.as_bytes())?;
    }
    if let Some(path) = runbook {
        crate::app::plan::write_atomically(path, md.as_bytes())
            .with_context(|| format!("writing the runbook to {}", path.display()))?;
    }
    let n = out.pending.len();
    ui.status(format!(
        "{n} manual BaseSpace step{} pending: nothing was written to BaseSpace, which has no API for it. Do {} in the Admin Console (the runbook above), then run `roster apply` on a terminal to confirm {} and commit {}. Exit status {EXIT_MANUAL_PENDING}.",
        if n == 1 { " is" } else { "s are" },
        if n == 1 { "it" } else { "them" },
        if n == 1 { "it" } else { "each" },
        shown_ledger
    ));
    Ok(())
}

/// The ledger's path as the operator commits it: relative to the config directory's
/// repository when the directory is relative, as given otherwise.
fn ledger_shown(dir: &Path) -> String {
    ledger::path(dir).display().to_string()
}

/// Who confirms a step (see [`OPERATOR_ENV`]).
fn operator(dir: &Path, plan: &Plan, c: &ManualChange) -> String {
    if let Ok(v) = std::env::var(OPERATOR_ENV)
        && !v.trim().is_empty()
    {
        return v.trim().to_string();
    }
    let git = |key: &str| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["config", key])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|s| !s.is_empty())
    };
    match (git("user.name"), git("user.email")) {
        (Some(n), Some(e)) => return format!("{n} <{e}>"),
        (None, Some(e)) => return e,
        _ => {}
    }
    if let Some(t) = plan.basespace.iter().find(|t| t.platform == c.platform) {
        return t.acting_user.clone();
    }
    std::env::var("USER").unwrap_or_else(|_| "unknown".to_string())
}
