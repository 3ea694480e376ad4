//! `roster apply [DIR | PLAN_FILE]`: from a directory, plan, show the plan, confirm (a terminal) or
//! require `--auto-approve`, then execute; from a saved plan, re-read what it fingerprinted,
//! refuse it when stale, and execute exactly it.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};
use secrecy::SecretString;

use crate::app::plan::{print_plan, refusal_hint};
use crate::app::session;
use crate::app::trust::Trust;
use crate::app::{Outcome as ExitOutcome, Ui, sandbox};
use crate::apply::{self, AuditLog, CancellationToken, Executor, Outcome};
use crate::cli::ApplyArgs;
use crate::live::read;
use crate::plan::{FORMAT_VERSION, Overrides, Plan};
use crate::platform::seqera::{Client, ClientConfig, RetryPolicy};
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
    let cfg = session::load_config(ui, dir)?;
    let rt = session::runtime()?;
    rt.block_on(async {
        let sandbox = match args.connection.sandbox {
            true => Some(sandbox::start(ui, dir).await?),
            false => None,
        };
        let result = async {
            let trust = Trust::of_config(&cfg.desired);
            let conns = session::connect(
                ui,
                &cfg.desired,
                &trust,
                &args.connection,
                sandbox.as_ref().map(|s| (s.endpoint.as_str(), &s.token)),
                None,
            )?;
            let readings = session::read_all(ui, &cfg.desired, &conns, None).await?;
            let plan = session::make_plan(
                &cfg.desired,
                &trust,
                &dir.display().to_string(),
                &readings,
                (&args.overrides).into(),
                None,
            );
            print_plan(ui, &plan, args.format)?;
            if plan.is_refused() {
                bail!("{}", refusal_hint(&plan).trim_start_matches("error: "));
            }
            if plan.is_empty() {
                ui.status("Nothing to apply.");
                return Ok(ExitOutcome::Success);
            }
            if !args.auto_approve && !confirm(plan.changes.len())? {
                ui.status("Apply cancelled; nothing was written.");
                return Ok(ExitOutcome::Failure);
            }
            let platforms = readings
                .into_iter()
                .map(|r| {
                    let client = conns
                        .iter()
                        .find(|c| c.platform == r.platform)
                        .map(|c| c.client.clone())
                        .expect("a connection per reading");
                    (
                        r.platform,
                        apply::Platform {
                            client,
                            acting: r.acting,
                        },
                    )
                })
                .collect();
            execute(ui, args, &plan, platforms).await
        }
        .await;
        if let Some(s) = sandbox {
            s.stop().await;
        }
        result
    })
}

fn from_plan_file(ui: &Ui, args: &ApplyArgs) -> Result<ExitOutcome> {
    let path = &args.target;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the plan file {}", path.display()))?;
    let plan: Plan = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a roster plan (expected the JSON written by `roster plan --out`)",
            path.display()
        )
    })?;
    if plan.format_version != FORMAT_VERSION {
        bail!(
            "{} has plan format version {}; this roster reads version {FORMAT_VERSION}",
            path.display(),
            plan.format_version
        );
    }
    if plan.is_refused() {
        bail!("{}", refusal_hint(&plan).trim_start_matches("error: "));
    }
    apply::check_overrides(&plan, Overrides::from(&args.overrides))?;
    if plan.is_empty() {
        ui.status("The plan has no changes. Nothing to apply.");
        return Ok(ExitOutcome::Success);
    }
    let rt = session::runtime()?;
    rt.block_on(async {
        let sandbox = match args.connection.sandbox {
            true => Some(sandbox::start(ui, Path::new(&plan.source)).await?),
            false => None,
        };
        let result = async {
            let mut platforms = HashMap::new();
            let mut stale: Vec<String> = Vec::new();
            for t in &plan.targets {
                let (endpoint, token) = match &sandbox {
                    Some(s) => (s.endpoint.clone(), s.token.clone()),
                    None => {
                        let token = match std::env::var(&t.token_env) {
                            Ok(v) if !v.trim().is_empty() => SecretString::from(v.trim().to_string()),
                            _ => bail!(
                                "no access token for platform {} ({}): set {}",
                                t.platform,
                                t.endpoint,
                                t.token_env
                            ),
                        };
                        (t.endpoint.clone(), token)
                    }
                };
                let client = Client::new(ClientConfig {
                    endpoint,
                    token,
                    parallelism: args.connection.parallelism as usize,
                    rate: args.connection.rate,
                    retry: RetryPolicy::default(),
                })
                .map_err(|e| anyhow::anyhow!("platform {}: {e}", t.platform))?;
                ui.status(format!(
                    "Re-reading platform {} to check the plan is not stale …",
                    t.platform
                ));
                let (acting, live) = read::read(&client, &t.scope)
                    .await
                    .with_context(|| format!("platform {} ({})", t.platform, t.endpoint))?;
                stale.extend(changed_listings(&t.fingerprints, &live.fingerprints));
                platforms.insert(t.platform.clone(), apply::Platform { client, acting });
            }
            if !stale.is_empty() {
                bail!(
                    "plan is stale: the platform changed since the plan was made, in: {}. Run `roster plan` again",
                    stale.join(", ")
                );
            }
            print_plan(ui, &plan, args.format)?;
            execute(ui, args, &plan, platforms).await
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

async fn execute(
    ui: &Ui,
    args: &ApplyArgs,
    plan: &Plan,
    mut platforms: HashMap<String, apply::Platform>,
) -> Result<ExitOutcome> {
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
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(render::report_text(&report).as_bytes())?;
    if report.aborted {
        // A second Ctrl-C: the audit log is written (unbuffered); leave now, as an interrupted
        // process does, without waiting for anything else.
        stdout.flush()?;
        let _ = std::io::stderr().flush();
        std::process::exit(EXIT_INTERRUPTED);
    }
    Ok(if report.succeeded() {
        ExitOutcome::Success
    } else {
        ExitOutcome::Failure
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
    cancel.cancel();
    if !quiet {
        eprintln!(
            "\nInterrupted: letting calls in flight finish; starting nothing new. Press Ctrl-C again to stop at once."
        );
    }
    if !interrupts.next().await {
        return;
    }
    abort.cancel();
    if !quiet {
        eprintln!(
            "\nInterrupted again: stopping now; changes in flight are recorded as interrupted."
        );
    }
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
