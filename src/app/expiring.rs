//! `roster expiring [DIR]`: the grants of the config whose `expires` falls within `--within` of
//! now (the clock: `ROSTER_NOW` or the system's), soonest first, as text, Markdown (the reminder
//! issue) or JSON. Offline: only the config is read.

use std::io::Write;

use anyhow::{Result, anyhow};

use crate::app::{Outcome, Ui, clock, session};
use crate::cli::{ExpiringArgs, ExpiringFormat};
use crate::config::time::Span;
use crate::plan::expiry;
use crate::render;

pub fn run(ui: &Ui, args: &ExpiringArgs) -> Result<Outcome> {
    let within = Span::parse(&args.within).map_err(|e| anyhow!("--within {}: {e}", args.within))?;
    let now = clock::now()?;
    let cfg = session::load_config(ui, &args.dir)?;
    let grants = expiry::expiring(&cfg.desired, now, within);
    let out = match args.format {
        ExpiringFormat::Text => render::expiring_text(&grants, now, within),
        ExpiringFormat::Markdown => render::expiring_markdown(&grants, now, within),
        ExpiringFormat::Json => render::expiring_json(&grants, now, within),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok(if args.detailed_exitcode && !grants.is_empty() {
        Outcome::Changes
    } else {
        Outcome::Success
    })
}
