//! `roster plan [DIR]`: read the config and the live platform, diff, and print the plan (text,
//! Markdown or JSON) on stdout; optionally save it for `roster apply PLAN`.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::app::session;
use crate::app::trust::Trust;
use crate::app::{Outcome, Ui, basespace, changed, clock, sandbox};
use crate::cli::{PlanArgs, PlanFormat, SelectArgs};
use crate::config::desired::Desired;
use crate::plan::Plan;
use crate::render;

/// GitHub's limit on the size of one comment.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

pub fn run(ui: &Ui, args: &PlanArgs) -> Result<Outcome> {
    let mut cfg = session::load_config(ui, &args.dir)?;
    select_orgs(&mut cfg.desired, &args.select)?;
    let units = match &args.changed_from {
        Some(r) => {
            let units = changed::units(&args.dir, r, &cfg)?;
            match &units {
                None => ui.status(format!("Settings differ from {r}: planning everything.")),
                Some(u) if u.is_empty() && !cfg.desired.basespace.workgroups.is_empty() => {
                    ui.status(format!(
                        "No organization or workspace file differs from {r}; BaseSpace is planned in full."
                    ))
                }
                Some(u) if u.is_empty() => {
                    ui.status(format!("No config file differs from {r}: nothing to plan."))
                }
                Some(u) => ui.status(format!(
                    "Planning what differs from {r}: {}",
                    u.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
            units
        }
        None => None,
    };
    let trust = match &args.changed_from {
        Some(r) => Trust::at_ref(&args.dir, r)?,
        None => Trust::of_config(&cfg.desired),
    };
    let ledger = basespace::load_ledger(ui, &args.dir)?;
    let now = clock::now()?;
    // The ends of grants the change sets are compared with the config at the base ref (for a
    // change-scoped plan, within its units).
    let base = match &args.changed_from {
        Some(r) => changed::desired_at_ref(&args.dir, r, units.is_some())?,
        None => None,
    };
    // The parsed documents and their sources are not needed past here: free them before the
    // live state is read (a fifth of the peak memory of a 3,000-workspace plan).
    let desired = {
        let cfg = cfg;
        cfg.desired
    };
    let rt = session::runtime()?;
    let plan = rt.block_on(async {
        let sandbox = match args.connection.sandbox {
            true => Some(sandbox::start(ui, &args.dir).await?),
            false => None,
        };
        let source = args.dir.display().to_string();
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
            base: base.as_ref(),
        };
        let planned = session::plan_live(
            ui,
            &req,
            sandbox.as_ref().map(|s| (s.endpoint.as_str(), &s.token)),
        )
        .await;
        if let Some(s) = sandbox {
            s.stop().await;
        }
        anyhow::Ok(planned?.plan)
    })?;

    print_plan(ui, &plan, args.format)?;
    if let Some(prefix) = &args.split {
        write_parts(ui, &plan, prefix)?;
    }
    if plan.is_refused() {
        ui.status(refusal_hint(&plan));
        return Ok(Outcome::Failure);
    }
    if let Some(out) = &args.out {
        write_atomically(out, render::json(&plan).as_bytes())
            .with_context(|| format!("saving the plan to {}", out.display()))?;
        ui.status(format!(
            "Saved the plan to {}. Apply exactly it with: roster apply {}",
            out.display(),
            out.display()
        ));
    }
    // Manual BaseSpace steps pending are changes too: a drift check must not call them done.
    Ok(
        if args.detailed_exitcode && (!plan.is_empty() || plan.has_manual()) {
            Outcome::Changes
        } else {
            Outcome::Success
        },
    )
}

/// Keep only the declared orgs `--org`/`--platform` select (all without either), before anything
/// connects: the others are neither read nor planned. A name that selects nothing is an error,
/// so a typo in a CI matrix does not pass as an empty plan. BaseSpace workgroups are kept
/// without a selection, or when `--platform` names their BaseSpace platform.
pub fn select_orgs(desired: &mut Desired, select: &SelectArgs) -> Result<()> {
    if select.orgs.is_empty() && select.platforms.is_empty() {
        return Ok(());
    }
    let on_platform = |p: &str| select.platforms.iter().any(|n| p.eq_ignore_ascii_case(n));
    for name in &select.orgs {
        if !desired
            .orgs
            .iter()
            .any(|o| o.name.eq_ignore_ascii_case(name))
        {
            anyhow::bail!("--org {name}: no organization of that name is declared");
        }
    }
    for name in &select.platforms {
        let seqera = desired
            .orgs
            .iter()
            .any(|o| o.platform_name().eq_ignore_ascii_case(name));
        let basespace = desired
            .basespace
            .workgroups
            .iter()
            .any(|w| w.platform.eq_ignore_ascii_case(name));
        if !seqera && !basespace {
            anyhow::bail!(
                "--platform {name}: no declared organization or BaseSpace workgroup is on that platform"
            );
        }
    }
    desired.orgs.retain(|o| {
        (select.orgs.is_empty() || select.orgs.iter().any(|n| o.name.eq_ignore_ascii_case(n)))
            && (select.platforms.is_empty() || on_platform(o.platform_name()))
    });
    desired
        .basespace
        .workgroups
        .retain(|w| !select.platforms.is_empty() && on_platform(&w.platform));
    if desired.orgs.is_empty() && desired.basespace.workgroups.is_empty() {
        anyhow::bail!("--org and --platform together select no declared organization");
    }
    Ok(())
}

/// Print a plan on stdout in the chosen format.
pub fn print_plan(ui: &Ui, plan: &Plan, format: PlanFormat) -> Result<()> {
    let out = match format {
        PlanFormat::Text => render::text(plan, ui.color_stdout),
        PlanFormat::Markdown => render::markdown(plan),
        PlanFormat::Json => render::json(plan),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    if !out.ends_with('\n') {
        stdout.write_all(b"\n")?;
    }
    stdout.flush()?;
    Ok(())
}

/// The line that tells what to do about refusals.
pub fn refusal_hint(plan: &Plan) -> String {
    let flags: Vec<&str> = plan.refusals().map(|v| v.override_flag.as_str()).collect();
    format!(
        "error: the plan is refused by {} guard rail{}; change the config, or override deliberately with {}",
        flags.len(),
        if flags.len() == 1 { "" } else { "s" },
        flags.join(" ")
    )
}

/// Write `PREFIX.1.md`, `PREFIX.2.md`, … each under GitHub's comment limit.
fn write_parts(ui: &Ui, plan: &Plan, prefix: &Path) -> Result<()> {
    let parts = render::markdown_parts(plan, GITHUB_COMMENT_LIMIT);
    for (i, part) in parts.iter().enumerate() {
        let path = format!("{}.{}.md", prefix.display(), i + 1);
        write_atomically(Path::new(&path), part.as_bytes())
            .with_context(|| format!("writing {path}"))?;
    }
    ui.status(format!(
        "Wrote {} Markdown part{} to {}.N.md.",
        parts.len(),
        if parts.len() == 1 { "" } else { "s" },
        prefix.display()
    ));
    Ok(())
}

/// Write a file by a rename, so readers never see half of it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}
