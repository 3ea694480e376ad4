//! `roster offboard USER... [--dir DIR]` and `roster offboard --expired`: choose the entries
//! to remove (`config::edit::select`), edit the files' text in place (`config::edit`), validate
//! the result in memory, then write the files (or, with `--dry-run`, print their diff) and plan
//! the result when every platform can be reached. Nothing is written unless every edit can be
//! made and the result is valid.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::app::plan::print_plan;
use crate::app::trust::Trust;
use crate::app::validate::allow_overridden;
use crate::app::{Outcome, Ui, clock, sandbox, session};
use crate::cli::OffboardArgs;
use crate::config::desired::{DEFAULT_TOKEN_ENV, Desired, UserRef};
use crate::config::edit::{self, Entry, select};
use crate::config::{self, load};
use crate::diag;
use crate::render;

pub fn run(ui: &Ui, args: &OffboardArgs) -> Result<Outcome> {
    let dir = &args.dir;
    let mut cfg = config::read(dir);
    allow_overridden(&mut cfg.diags, &args.overrides);
    if cfg.has_errors() {
        eprint!(
            "{}",
            diag::render_text(&cfg.diags, &cfg.loaded.sources, ui.color_stderr)
        );
        bail!(
            "the config in {} has problems (`roster validate` lists them); fix them before offboarding. Nothing was written",
            dir.display()
        );
    }
    let removals = if args.expired {
        let now = clock::now()?;
        let removals = select::expired(&cfg.loaded, now);
        if removals.is_empty() {
            ui.status(format!(
                "No grant in {} has expired (now: {now}): nothing to remove.",
                dir.display()
            ));
            return Ok(Outcome::Success);
        }
        removals
    } else {
        let users: Vec<UserRef> = args.users.iter().map(|u| UserRef::new(u)).collect();
        if let Some(u) = args.users.iter().find(|u| u.trim().is_empty()) {
            bail!("`{u}` is not a user: name each person by email address or user name");
        }
        let (removals, found) = select::people(&cfg.loaded, &users);
        let missing: Vec<String> = args
            .users
            .iter()
            .zip(&found)
            .filter(|(_, f)| !**f)
            .map(|(u, _)| format!("`{}`", diag::sanitize(u.trim())))
            .collect();
        if !missing.is_empty() {
            bail!(
                "nobody named {} is in the config in {} (users match by email, case-insensitively, or by user name as written); nothing was written",
                missing.join(", "),
                dir.display()
            );
        }
        removals
    };

    let edited = match edit::apply(&cfg.loaded, &removals) {
        Ok(e) => e,
        Err(mut diags) => {
            diag::sort(&mut diags, &cfg.loaded.sources);
            eprint!(
                "{}",
                diag::render_text(&diags, &cfg.loaded.sources, ui.color_stderr)
            );
            bail!("the files cannot be edited safely; nothing was written");
        }
    };

    // The result must be valid before anything is written.
    let texts = cfg.loaded.sources.iter().map(|(id, f)| {
        let text = edited
            .get(&id)
            .cloned()
            .unwrap_or_else(|| f.text.to_string());
        (f.path.clone(), text)
    });
    let mut after = config::read_texts(texts);
    allow_overridden(&mut after.diags, &args.overrides);
    if after.has_errors() {
        eprint!(
            "{}",
            diag::render_text(&after.diags, &after.loaded.sources, ui.color_stderr)
        );
        bail!(
            "after this edit the config would not be valid (the problems above are in the edited text); nothing was written"
        );
    }

    let mut entries: Vec<Entry> = removals.into_iter().map(|r| r.entry).collect();
    entries.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    let mut stdout = std::io::stdout().lock();
    if args.dry_run {
        for (id, new) in &edited {
            let f = cfg.loaded.sources.get(*id);
            stdout
                .write_all(render::edit::diff(&f.path, &f.text, new, ui.color_stdout).as_bytes())?;
        }
        stdout.flush()?;
        ui.status(render::edit::summary(&args.users, &entries, None).trim_end());
    } else {
        let paths = load::paths(dir).unwrap_or_default();
        for (id, new) in &edited {
            let shown = &cfg.loaded.sources.get(*id).path;
            let path = match paths.len() == cfg.loaded.sources.len() {
                true => paths[id.0 as usize].clone(),
                false => PathBuf::from(shown),
            };
            write_keeping_mode(&path, new.as_bytes())
                .with_context(|| format!("writing {shown}"))?;
        }
        stdout.write_all(
            render::edit::summary(&args.users, &entries, Some(edited.len())).as_bytes(),
        )?;
        stdout.flush()?;
    }
    drop(stdout);

    if args.no_plan {
        return Ok(Outcome::Success);
    }
    if let Err(why) = reachable(&after.desired, args) {
        ui.status(format!(
            "Not planned: {why}. `roster plan {}` shows what the platform would lose.",
            dir.display()
        ));
        return Ok(Outcome::Success);
    }
    let plan = plan(ui, args, &after.desired).with_context(|| match args.dry_run {
        true => "planning the result failed (nothing was written)".to_string(),
        false => "the files were edited, but planning the result failed".to_string(),
    })?;
    print_plan(ui, &plan, args.format)?;
    if plan.is_refused() {
        ui.status(format!(
            "note: {}",
            crate::app::plan::refusal_hint(&plan).trim_start_matches("error: ")
        ));
    }
    Ok(Outcome::Success)
}

/// Whether every platform of `desired` can be planned: `--sandbox`, or each one's token is set.
fn reachable(desired: &Desired, args: &OffboardArgs) -> Result<(), String> {
    if args.connection.sandbox {
        return Ok(());
    }
    let trust = Trust::of_config(desired);
    let mut missing = Vec::new();
    for platform in crate::plan::orgs_by_platform(desired).keys() {
        let var = trust
            .platform(platform)
            .flatten()
            .map_or_else(|| DEFAULT_TOKEN_ENV.to_string(), |p| p.token_env.clone());
        let (names, token) = session::token_from_env(&var);
        if token.is_none() {
            missing.push(format!("platform {platform} has no token in {names}"));
        }
    }
    match missing.is_empty() {
        true => Ok(()),
        false => Err(missing.join("; ")),
    }
}

/// The plan of the edited desired state against the platforms (or the sandbox).
fn plan(ui: &Ui, args: &OffboardArgs, desired: &Desired) -> Result<crate::plan::Plan> {
    let trust = Trust::of_config(desired);
    let rt = session::runtime()?;
    rt.block_on(async {
        let sandbox = match args.connection.sandbox {
            true => Some(sandbox::start(ui, &args.dir).await?),
            false => None,
        };
        let source = args.dir.display().to_string();
        let ledger = crate::app::basespace::load_ledger(ui, &args.dir)?;
        let req = session::PlanRequest {
            desired,
            trust: &trust,
            connection: &args.connection,
            source: &source,
            overrides: (&args.overrides).into(),
            units: None,
            ledger: &ledger,
            now: crate::app::clock::now()?,
            sandbox: sandbox.as_ref(),
            expired_only: false,
            base: None,
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
    })
}

/// Replace a file by a rename, keeping its permissions.
fn write_keeping_mode(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let perms = std::fs::metadata(path)?.permissions();
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.offboard-{}", std::process::id()));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::set_permissions(&tmp, perms)?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
