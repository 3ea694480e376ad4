//! `roster validate [DIR]`: load and validate a config repository offline, print every problem
//! (text on stderr, or JSON or GitHub annotations on stdout), and a one-line summary.

use std::io::Write;

use crate::app::{Outcome, Ui};
use crate::cli::{DiagFormat, ValidateArgs};
use crate::config;
use crate::diag;

pub fn run(ui: &Ui, args: &ValidateArgs) -> anyhow::Result<Outcome> {
    let cfg = config::read(&args.dir);
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
