//! `roster review [DIR]`: read the config, take the instant from the one clock, ask
//! `access::review` which declared access reviews are overdue and who must do them, and print
//! the report (text, Markdown or JSON). Exit 2 under `--detailed-exitcode` when one is overdue.

use std::io::Write;

use anyhow::{Result, bail};

use crate::access::review;
use crate::app::{Outcome, Ui, clock, session};
use crate::cli::{ReviewArgs, ReviewFormat};

pub fn run(ui: &Ui, args: &ReviewArgs) -> Result<Outcome> {
    let cfg = session::load_config(ui, &args.dir)?;
    let mut desired = cfg.desired;
    for name in &args.orgs {
        if !desired
            .orgs
            .iter()
            .any(|o| o.name.eq_ignore_ascii_case(name))
        {
            bail!("--org {name}: no organization of that name is declared");
        }
    }
    if !args.orgs.is_empty() {
        desired
            .reviews
            .0
            .retain(|r| args.orgs.iter().any(|n| r.org.eq_ignore_ascii_case(n)));
    }
    if !args.of.is_empty() {
        let key = |r: &crate::config::desired::Review| match &r.workspace {
            Some(w) => format!("{}/{w}", r.org),
            None => r.org.clone(),
        };
        for k in &args.of {
            if !desired
                .reviews
                .0
                .iter()
                .any(|r| key(r).eq_ignore_ascii_case(k))
            {
                bail!("--of {k}: no review of that organization or workspace is declared");
            }
        }
        desired
            .reviews
            .0
            .retain(|r| args.of.iter().any(|k| key(r).eq_ignore_ascii_case(k)));
    }
    let now = clock::now()?;
    let report = review::report(&desired, now);
    if !report.future.is_empty() {
        for f in &report.future {
            eprintln!(
                "error[invalid-date]: reviewedOn {} is in the future (today is {})\n --> {}\nhelp: record a review on the day it is done; a later date would postpone the next one unseen\n",
                f.reviewed_on,
                review::today(now),
                crate::diag::sanitize(&f.origin)
            );
        }
        bail!(
            "{} review{} recorded in the future",
            report.future.len(),
            if report.future.len() == 1 {
                " is"
            } else {
                "s are"
            }
        );
    }
    let source = format!("the config in {}", args.dir.display());
    let out = match args.format {
        ReviewFormat::Text => review::text(&report, args.all),
        ReviewFormat::Markdown => review::markdown(&report, args.all),
        ReviewFormat::Json => review::json(&report, args.all, &source),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    let overdue = report.overdue().count();
    Ok(if args.detailed_exitcode && overdue > 0 {
        Outcome::Changes
    } else {
        Outcome::Success
    })
}
