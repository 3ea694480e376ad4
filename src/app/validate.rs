//! `roster validate [DIR]`: load and validate a config repository offline.

use crate::app::{Outcome, Ui};
use crate::cli::ValidateArgs;

pub fn run(_ui: &Ui, _args: &ValidateArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("not built yet")
}
