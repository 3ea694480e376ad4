//! `roster apply [DIR | PLAN_FILE]`: from a directory, plan, show the plan, confirm (a terminal) or
//! require `--auto-approve`, then execute; from a saved plan, re-read what it fingerprinted,
//! refuse it when stale, and execute exactly it.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::app::manual::{self, ManualOutcome};
use crate::app::plan::{print_plan, refusal_hint};
use crate::app::session;
use crate::app::trust::Trust;
use crate::app::{Outcome as ExitOutcome, Ui, basespace, changed, clock, sandbox, show};
use crate::apply::{self, AuditLog, CancellationToken, Executor, Outcome};
use crate::cli::{ApplyArgs, PlanFormat};
use crate::plan::{Overrides, Plan, Units, verify};
use crate::render;

pub fn run(ui: &Ui, args: &ApplyArgs) -> Result<ExitOutcome> {
    if args.target.is_file() {
        from_plan_file(ui, args)
    } else {
        from_dir(ui, args)
    }
}

fn from_dir(ui: &Ui, args: &ApplyArgs) -> Result<ExitOutcome> {
    let dir = &args.target;
    let mut cfg = session::load_config(ui, dir)?;
    crate::app::plan::select_orgs(&mut cfg.desired, &args.select)?;
    // `--changed-from REF`: exactly the scope a pull request's plan covered, with the endpoints
    // and token variables of REF's Settings.
    let (units, trust) = match &args.changed_from {
        Some(r) => {
            let units = changed::units(dir, r, &cfg)?;
            (units, Trust::at_ref(dir, r)?)
        }
        None => (None, Trust::of_config(&cfg.desired)),
    };
    if units.as_ref().is_some_and(|u| u.is_empty()) && cfg.desired.basespace.workgroups.is_empty() {
        ui.status("No config file differs from the reviewed base: nothing to apply.");
        return check_reviewed(args, None).map(|()| ExitOutcome::Success);
    }
    let mut ledger = basespace::load_ledger(ui, dir)?;
    let now = clock::now()?;
    // The parsed documents and their sources are not needed past here: free them before the
    // live state is read (a fifth of the peak memory of a 3,000-workspace plan).
    let desired = {
        let cfg = cfg;
        cfg.desired
    };
    let rt = session::runtime()?;
    rt.block_on(async {
        let sandbox = match args.connection.sandbox {
            true => Some(sandbox::start(ui, dir).await?),
            false => None,
        };
        let result = async {
            let source = dir.display().to_string();
            let req = session::PlanRequest {
                desired: &desired,
                trust: &trust,
                connection: &args.connection,
                source: &source,
                overrides: (&args.overrides).into(),
                units: units.as_ref(),
                ledger: &ledger,
                now,
                sandbox: sandbox.as_ref(),
                expired_only: args.expired_only,
                base: None,
            };
            let sandboxed = sandbox.as_ref().map(|s| (s.endpoint.as_str(), &s.token));
            let session::Planned {
                conns,
                readings,
                plan,
            } = session::plan_live(ui, &req, sandboxed).await?;
            show_plan(ui, &plan, args.format)?;
            check_reviewed(args, Some(&plan))?;
            if plan.is_refused() {
                json_result(args, &plan, None, None)?;
                bail!("{}", refusal_hint(&plan).trim_start_matches("error: "));
            }
            if plan.is_empty() && !plan.has_manual() {
                json_result(args, &plan, None, None)?;
                ui.status("Nothing to apply.");
                return Ok(ExitOutcome::Success);
            }
            if !plan.is_empty() && !args.auto_approve && !confirm(plan.changes.len())? {
                json_result(args, &plan, None, None)?;
                ui.status("Apply cancelled; nothing was written.");
                return Ok(ExitOutcome::Failure);
            }
            let platforms = platforms(&conns, readings);
            let report = match plan.is_empty() {
                true => None,
                false => Some(execute(ui, args, &plan, platforms).await?),
            };
            finish(ui, args, dir, &plan, &mut ledger, report)
        }
        .await;
        if let Some(s) = sandbox {
            s.stop().await;
        }
        result
    })
}

/// The plan before applying, on stdout; with `--format json` nothing yet, since the one JSON
/// document (plan and report) is written at the end by [`json_result`].
fn show_plan(ui: &Ui, plan: &Plan, format: PlanFormat) -> Result<()> {
    match format {
        PlanFormat::Json => Ok(()),
        f => print_plan(ui, plan, f),
    }
}

/// With `--format json`, stdout holds exactly one JSON document: `{"plan": …, "report": …}`
/// (`report` is null when nothing was executed), and `"manual": {"confirmed", "pending",
/// "ledger"}` when the plan has manual BaseSpace steps.
fn json_result(
    args: &ApplyArgs,
    plan: &Plan,
    report: Option<&apply::Report>,
    manual: Option<&ManualOutcome>,
) -> Result<()> {
    if args.format != PlanFormat::Json {
        return Ok(());
    }
    let plan: serde_json::Value = serde_json::from_str(&render::json(plan))?;
    let report: serde_json::Value = match report {
        Some(r) => serde_json::from_str(&render::report_json(r))?,
        None => serde_json::Value::Null,
    };
    let mut doc = serde_json::json!({ "plan": plan, "report": report });
    if let Some(m) = manual {
        doc["manual"] = serde_json::to_value(m)?;
    }
    let mut out = serde_json::to_string_pretty(&doc)?;
    out.push('\n');
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// `--expect-digest`: refuse a plan that is not the one a reviewer saw.
fn check_reviewed(args: &ApplyArgs, plan: Option<&Plan>) -> Result<()> {
    let Some(expected) = &args.expect_digest else {
        return Ok(());
    };
    let now = match plan {
        Some(p) => verify::digest(p),
        None => verify::digest_of(&[], &[]),
    };
    if !now.eq_ignore_ascii_case(expected.trim()) {
        bail!(
            "the plan differs from the reviewed one (digest {now}, reviewed {}): the config or the platform changed since the pull request's plan; nothing was written. Review the new plan (roster plan) before applying",
            expected.trim()
        );
    }
    Ok(())
}

/// The executor's view of each platform read: its client, acting user and what it may write.
fn platforms(
    conns: &[session::Connection],
    readings: Vec<session::Reading>,
) -> HashMap<String, apply::Platform> {
    readings
        .into_iter()
        .map(|r| {
            let client = conns
                .iter()
                .find(|c| c.platform == r.platform)
                .map(|c| c.client.clone())
                .expect("a connection per reading");
            let allowed = apply::Allowed::new(&r.scope, &r.live);
            (
                r.platform,
                apply::Platform {
                    client,
                    acting: r.acting,
                    allowed,
                },
            )
        })
        .collect()
}

/// Apply a saved plan: the config it names (or `--config`) and the live platform are planned
/// again, and the saved plan runs only when it equals that plan change for change. Endpoints and
/// token variables come from the config, never from the file.
fn from_plan_file(ui: &Ui, args: &ApplyArgs) -> Result<ExitOutcome> {
    let path = &args.target;
    let saved = show::read_plan(path)?;
    let overrides = Overrides::from(&args.overrides);
    apply::check_overrides(&saved, overrides)?;
    if saved.is_empty() && saved.violations.is_empty() && !saved.has_manual() {
        ui.status("The plan has no changes. Nothing to apply.");
        return Ok(ExitOutcome::Success);
    }
    let dir = args
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from(&saved.source));
    let mut cfg = session::load_config(ui, &dir)?;
    crate::app::plan::select_orgs(&mut cfg.desired, &args.select)?;
    let units: Option<Units> = saved.scope.clone().map(|v| v.into_iter().collect());
    let trust = Trust::of_config(&cfg.desired);
    let mut ledger = basespace::load_ledger(ui, &dir)?;
    let now = clock::now()?;
    let rt = session::runtime()?;
    rt.block_on(async {
        let sandbox = match args.connection.sandbox {
            true => Some(sandbox::start(ui, &dir).await?),
            false => None,
        };
        let result = async {
            ui.status("Re-reading the platform to check the plan is not stale …");
            let req = session::PlanRequest {
                desired: &cfg.desired,
                trust: &trust,
                connection: &args.connection,
                source: &saved.source,
                overrides,
                units: units.as_ref(),
                ledger: &ledger,
                now,
                sandbox: sandbox.as_ref(),
                // A saved `--expired-only` plan is planned again the same way.
                expired_only: saved.expired_only || args.expired_only,
                base: None,
            };
            let sandboxed = sandbox.as_ref().map(|s| (s.endpoint.as_str(), &s.token));
            let session::Planned {
                conns,
                readings,
                plan: fresh,
            } = session::plan_live(ui, &req, sandboxed).await?;
            let mut stale: Vec<String> = Vec::new();
            for r in &readings {
                if let Some(t) = saved.targets.iter().find(|t| t.platform == r.platform) {
                    stale.extend(changed_listings(&t.fingerprints, &r.live.fingerprints));
                }
            }
            if !stale.is_empty() {
                bail!(
                    "plan is stale: the platform changed since the plan was made, in: {}. Run `roster plan` again",
                    stale.join(", ")
                );
            }
            // The guard rails are checked afresh, whatever the file says about them.
            if fresh.is_refused() {
                bail!("{}", refusal_hint(&fresh).trim_start_matches("error: "));
            }
            if let Some(difference) = verify::first_difference(&saved, &fresh) {
                bail!(
                    "{} is not the plan the config in {} and the platform give now: {difference}. Nothing was written; run `roster plan` again",
                    path.display(),
                    dir.display()
                );
            }
            check_reviewed(args, Some(&fresh))?;
            show_plan(ui, &fresh, args.format)?;
            let platforms = platforms(&conns, readings);
            let report = match fresh.is_empty() {
                true => None,
                false => Some(execute(ui, args, &fresh, platforms).await?),
            };
            finish(ui, args, &dir, &fresh, &mut ledger, report)
        }
        .await;
        if let Some(s) = sandbox {
            s.stop().await;
        }
        result
    })
}

/// Listing keys whose content differs between the plan and now (or that appeared or vanished).
fn changed_listings(
    then: &BTreeMap<String, String>,
    now: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut out: Vec<String> = then
        .iter()
        .filter(|(k, v)| now.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    out.extend(now.keys().filter(|k| !then.contains_key(*k)).cloned());
    out.sort();
    out.dedup();
    out
}

/// Ask on the terminal; without one, refuse (CI must say --auto-approve).
fn confirm(n: usize) -> Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!(
            "apply needs --auto-approve when it cannot ask (stdin is not a terminal); or apply a reviewed plan file saved with `roster plan --out`"
        );
    }
    eprint!("Apply {n} change{}? [y/N] ", if n == 1 { "" } else { "s" });
    std::io::stderr().flush()?;
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    Ok(matches!(line.trim().to_lowercase().as_str(), "y" | "yes"))
}

/// Execute the plan's API changes; print the report (text formats) and return it.
async fn execute(
    ui: &Ui,
    args: &ApplyArgs,
    plan: &Plan,
    mut platforms: HashMap<String, apply::Platform>,
) -> Result<apply::Report> {
    let audit = match &args.audit_log {
        Some(p) => Some(AuditLog::open(p)?),
        None => None,
    };
    let cancel = CancellationToken::new();
    let abort = CancellationToken::new();
    // After the first Ctrl-C the clients start no new request and no new retry.
    for p in platforms.values_mut() {
        p.client = p.client.clone().with_cancellation(cancel.clone());
    }
    let signals = tokio::spawn(on_interrupts(cancel.clone(), abort.clone(), ui.quiet));
    let total = plan.changes.len();
    let bar = (ui.stderr_is_terminal && !ui.quiet && total > 3).then(|| {
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar
    });
    let on_done: apply::OnDone = {
        let bar = bar.clone();
        let quiet = ui.quiet;
        Box::new(move |address: &crate::plan::Address, outcome: &Outcome| {
            let line = format!("{:>11}  {address}", render::status_word(outcome));
            match &bar {
                Some(b) => {
                    if !matches!(outcome, Outcome::Applied | Outcome::AlreadyDone) {
                        b.println(line);
                    }
                    b.inc(1);
                    b.set_message(address.to_string());
                }
                None if !quiet => eprintln!("{line}"),
                None => {}
            }
        })
    };
    let executor = Executor {
        platforms,
        parallelism: args.connection.parallelism as usize,
        audit,
        cancel,
        abort,
        on_done: Some(on_done),
    };
    let report = executor.run(plan).await;
    signals.abort();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if report.aborted {
        // A second Ctrl-C: the audit log is written (unbuffered); leave now, as an interrupted
        // process does, without waiting for anything else.
        match args.format {
            PlanFormat::Json => json_result(args, plan, Some(&report), None)?,
            _ => std::io::stdout().write_all(render::report_text(&report).as_bytes())?,
        }
        std::io::stdout().flush()?;
        let _ = std::io::stderr().flush();
        std::process::exit(EXIT_INTERRUPTED);
    }
    if args.format != PlanFormat::Json {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(render::report_text(&report).as_bytes())?;
        stdout.flush()?;
    }
    Ok(report)
}

/// After the API changes: the manual BaseSpace steps (walked through on a terminal, published
/// elsewhere), the JSON document, and the exit status: 1 when an API change failed, else 3
/// while a manual step is pending, else 0.
fn finish(
    ui: &Ui,
    args: &ApplyArgs,
    dir: &std::path::Path,
    plan: &Plan,
    ledger: &mut crate::ledger::Ledger,
    report: Option<apply::Report>,
) -> Result<ExitOutcome> {
    let manual = manual::run(
        ui,
        dir,
        plan,
        ledger,
        args.runbook.as_deref(),
        args.format != PlanFormat::Json,
    )?;
    json_result(
        args,
        plan,
        report.as_ref(),
        plan.has_manual().then_some(&manual),
    )?;
    if report.as_ref().is_some_and(|r| !r.succeeded()) {
        return Ok(ExitOutcome::Failure);
    }
    Ok(if manual.pending.is_empty() {
        ExitOutcome::Success
    } else {
        ExitOutcome::ManualPending
    })
}

/// The exit code of a run stopped by a second Ctrl-C: 128 + SIGINT, as a shell reports it.
const EXIT_INTERRUPTED: i32 = 130;

/// A first Ctrl-C cancels `cancel` (nothing new starts; calls in flight finish), a second
/// cancels `abort` (stop at once).
async fn on_interrupts(cancel: CancellationToken, abort: CancellationToken, quiet: bool) {
    let mut interrupts = Interrupts::new();
    if !interrupts.next().await {
        return;
    }
    // Say so before cancelling: once cancelled, the run may end (and this task be dropped)
    // before a message printed afterwards is written.
    if !quiet {
        eprintln!(
            "\nInterrupted: letting calls in flight finish; starting nothing new. Press Ctrl-C again to stop at once."
        );
    }
    cancel.cancel();
    if !interrupts.next().await {
        return;
    }
    if !quiet {
        eprintln!(
            "\nInterrupted again: stopping now; changes in flight are recorded as interrupted."
        );
    }
    abort.cancel();
}

/// Ctrl-C as a stream: one listener for the whole run, so that a second signal arriving right
/// after the first is not lost.
struct Interrupts {
    #[cfg(unix)]
    sigint: Option<tokio::signal::unix::Signal>,
}

impl Interrupts {
    fn new() -> Self {
        Interrupts {
            #[cfg(unix)]
            sigint: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok(),
        }
    }

    /// Waits for the next Ctrl-C; false when none can be received.
    async fn next(&mut self) -> bool {
        #[cfg(unix)]
        {
            match &mut self.sigint {
                Some(s) => s.recv().await.is_some(),
                None => false,
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await.is_ok()
        }
    }
}
