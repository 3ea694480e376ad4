//! `roster review [DIR]`.
use crate::app::{Outcome, Ui};
use crate::cli::ReviewArgs;
use anyhow::Result;
pub fn run(_ui: &Ui, _args: &ReviewArgs) -> Result<Outcome> {
    anyhow::bail!("review: not yet")
}
