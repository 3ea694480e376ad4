//! `roster schema`: print the JSON Schema of a config document.

use std::io::Write;

use crate::app::Outcome;

pub fn run() -> anyhow::Result<Outcome> {
    std::io::stdout().write_all(crate::config::schema_json().as_bytes())?;
    Ok(Outcome::Success)
}
