//! `roster completions SHELL`: print a shell completion script.

use crate::app::Outcome;
use crate::cli::CompletionsArgs;

pub fn run(args: &CompletionsArgs, cmd: &mut clap::Command) -> anyhow::Result<Outcome> {
    clap_complete::generate(args.shell, cmd, "roster", &mut std::io::stdout());
    Ok(Outcome::Success)
}
