//! `roster schema`: print the JSON Schema of a config document.

use crate::app::Outcome;

pub fn run() -> anyhow::Result<Outcome> {
    anyhow::bail!("not built yet")
}
