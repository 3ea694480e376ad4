//! `roster validate [DIR]`: load and validate a config repository offline, print every problem
//! (text on stderr, or JSON or GitHub annotations on stdout), and a one-line summary. Policy
//! problems that a given `--allow-*` override allows are downgraded to warnings, as `plan` would
//! let them through. The checks that depend on the time (grants expired or expiring within
//! `--warn-within`, `policy.maxGrantDays`) take the instant from `clock`.

use std::io::Write;

use crate::app::{Outcome, Ui, clock};
use crate::cli::OverrideArgs;
use crate::cli::{DiagFormat, ValidateArgs};
use crate::config::{self, TimeChecks, time::Span};
use crate::diag::{self, Code, Severity};

pub fn run(ui: &Ui, args: &ValidateArgs) -> anyhow::Result<Outcome> {
    let warn_within = Span::parse(&args.warn_within)
        .map_err(|e| anyhow::anyhow!("--warn-within {}: {e}", args.warn_within))?;
    let now = clock::now()?;
    let mut cfg = config::read(&args.dir);
    // The BaseSpace ledger is committed with the config: its problems are the config's.
    let ledger = crate::ledger::check(&args.dir, &mut cfg.loaded.sources);
    if !ledger.is_empty() {
        cfg.diags.extend(ledger);
        diag::sort(&mut cfg.diags, &cfg.loaded.sources);
    }
    config::check_times(
        &mut cfg,
        &TimeChecks {
            now,
            warn_within,
            strict: args.strict,
        },
    );
    allow_overridden(&mut cfg.diags, &args.overrides);
    match args.format {
        DiagFormat::Json => {
            let out = diag::render_json(&cfg.diags, &cfg.loaded.sources);
            std::io::stdout().write_all(out.as_bytes())?;
        }
        DiagFormat::Github => {
            let out = diag::render_github(&cfg.diags, &cfg.loaded.sources);
            std::io::stdout().write_all(out.as_bytes())?;
            ui.status(summary(&cfg));
        }
        DiagFormat::Text => {
            let text = diag::render_text(&cfg.diags, &cfg.loaded.sources, ui.color_stderr);
            eprint!("{text}");
            ui.status(summary(&cfg));
        }
    }
    Ok(if cfg.has_errors() {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}

/// The override flag that lets a policy problem through, and whether `o` gives it, for the
/// validator's policy codes (`None` for every other code).
fn override_for(code: Code, o: &OverrideArgs) -> Option<(&'static str, bool)> {
    match code {
        Code::DomainNotAllowed => Some(("--allow-any-domain", o.allow_any_domain)),
        Code::TooFewOwners => Some(("--allow-few-owners", o.allow_few_owners)),
        Code::CollaboratorRole => Some(("--allow-collaborator-role", o.allow_collaborator_role)),
        _ => None,
    }
}

/// Downgrade to warnings the policy errors an override given on the command line allows; each
/// says which flag allowed it, so the override stays visible in the pull-request check.
pub fn allow_overridden(diags: &mut [diag::Diagnostic], overrides: &OverrideArgs) {
    for d in diags.iter_mut() {
        if d.severity != Severity::Error {
            continue;
        }
        if let Some((flag, true)) = override_for(d.code, overrides) {
            d.severity = Severity::Warning;
            let note = format!("allowed by {flag}");
            d.help = Some(match d.help.take() {
                Some(h) => format!("{h} ({note})"),
                None => note,
            });
        }
    }
}

/// One line: how many problems in how many files, or that everything is valid.
pub fn summary(cfg: &config::Config) -> String {
    let (docs, files) = cfg.counts();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if cfg.diags.is_empty() {
        return format!(
            "valid: {} in {}",
            plural(docs, "document"),
            plural(files, "file")
        );
    }
    if !cfg.has_errors() {
        return format!(
            "valid: {} in {}, with {}",
            plural(docs, "document"),
            plural(files, "file"),
            plural(cfg.diags.len(), "warning")
        );
    }
    let mut bad_files: Vec<_> = cfg
        .diags
        .iter()
        .filter_map(|d| d.primary.as_ref().map(|l| l.span.file))
        .collect();
    bad_files.sort();
    bad_files.dedup();
    format!(
        "invalid: {} in {} ({} read)",
        plural(cfg.diags.len(), "problem"),
        plural(bad_files.len().max(1), "file"),
        plural(files, "file"),
    )
}
