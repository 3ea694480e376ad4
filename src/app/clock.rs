//! The one clock: `ROSTER_NOW` when set (a date or an RFC 3339 date-time with a zone, so tests
//! and reproducible runs fix the time), else the system clock in UTC. Everything that decides by
//! time (expired grants, reminders, overdue reviews, export dates) takes the instant from here.

use anyhow::{Result, anyhow};

use crate::config::time::When;

/// The environment variable that fixes the clock.
pub const NOW_ENV: &str = "ROSTER_NOW";

/// The current instant.
pub fn now() -> Result<When> {
    match std::env::var(NOW_ENV) {
        Ok(v) if !v.trim().is_empty() => When::parse(&v).map_err(|e| anyhow!("{NOW_ENV}: {e}")),
        // Whole seconds: what reports show, and all the precision a config date has.
        _ => {
            let now = time::OffsetDateTime::now_utc();
            Ok(When::instant(now.replace_nanosecond(0).unwrap_or(now)))
        }
    }
}

/// Today's date (UTC) as `YYYY-MM-DD`, from [`now`].
pub fn today() -> Result<String> {
    let now = now()?;
    Ok(When {
        at: now.at,
        date_only: true,
    }
    .to_string())
}
