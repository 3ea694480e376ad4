//! One file per command, wiring the stages together. This module sets up colour and logging, runs
//! the command, and turns its outcome into an exit code. Formatting lives in `diag` and `render`.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, ColorChoice, Command, GlobalArgs};

mod access;
mod apply;
mod basespace;
mod changed;
mod clock;
mod completions;
mod emulator;
mod expiring;
mod export;
mod idp;
mod import;
mod init;
mod manual;
mod offboard;
mod plan;
mod review;
mod sandbox;
mod sandbox_init;
mod schema;
mod session;
mod show;
mod trust;
mod validate;

/// How a command ended, as a process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: success, valid, or nothing to do.
    Success,
    /// 1: problems found, refused, or failed.
    Failure,
    /// 2: a plan with changes under `--detailed-exitcode`.
    Changes,
    /// 3: `apply` did everything it could, and manual BaseSpace steps are pending.
    ManualPending,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> ExitCode {
        match o {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::Failure => ExitCode::from(1),
            Outcome::Changes => ExitCode::from(2),
            Outcome::ManualPending => ExitCode::from(manual::EXIT_MANUAL_PENDING),
        }
    }
}

/// Output settings shared by every command.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    /// Colour on stdout.
    pub color_stdout: bool,
    /// Colour on stderr.
    pub color_stderr: bool,
    pub quiet: bool,
    pub verbose: u8,
    /// Whether stderr is a terminal (progress bars are shown only there).
    pub stderr_is_terminal: bool,
}

impl Ui {
    pub fn from_args(g: &GlobalArgs) -> Ui {
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |is_tty: bool| match g.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_tty && !no_color_env,
        };
        Ui {
            color_stdout: decide(std::io::stdout().is_terminal()),
            color_stderr: decide(std::io::stderr().is_terminal()),
            quiet: g.quiet,
            verbose: g.verbose,
            stderr_is_terminal: std::io::stderr().is_terminal(),
        }
    }

    /// A status line on stderr, unless `--quiet`.
    pub fn status(&self, msg: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }
}

fn init_tracing(ui: &Ui) {
    let level = match (ui.quiet, ui.verbose) {
        (true, _) => "error",
        (_, 0) => "warn",
        (_, 1) => "info",
        (_, 2) => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("ROSTER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("roster={level}")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ui.color_stderr)
        .with_target(false)
        .without_time()
        .try_init();
}

/// Print an error and its cause chain on stderr.
pub fn report_error(ui: &Ui, err: &anyhow::Error) {
    let style = anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::AnsiColor::Red.into()));
    let head = if ui.color_stderr {
        format!("{style}error{style:#}")
    } else {
        "error".to_string()
    };
    eprintln!("{head}: {err}");
    for cause in err.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}

/// The binary's entry point.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with exit 0; usage errors exit 1, never 2, because 2
            // means "changes present" to CI scripts that use --detailed-exitcode.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let ui = Ui::from_args(&cli.global);
    init_tracing(&ui);
    let result = match &cli.command {
        Command::Validate(args) => validate::run(&ui, args),
        Command::Schema => schema::run(),
        Command::Completions(args) => completions::run(args, &mut Cli::command()),
        Command::Emulator(args) => emulator::run(&ui, args).map(|()| Outcome::Success),
        Command::Plan(args) => plan::run(&ui, args),
        Command::Apply(args) => apply::run(&ui, args),
        Command::Show(args) => show::run(&ui, args),
        Command::Export(args) => export::run(&ui, args),
        Command::Init(args) => init::run(&ui, args),
        Command::Import(crate::cli::ImportArgs {
            command: crate::cli::ImportCommand::Seqerakit(args),
        }) => import::run(&ui, args),
        Command::Sandbox(crate::cli::SandboxArgs {
            command: crate::cli::SandboxCommand::Init(args),
        }) => sandbox_init::run(&ui, args),
        Command::Access(args) => access::run(&ui, args),
        Command::Idp(args) => idp::run(&ui, args),
        Command::Expiring(args) => expiring::run(&ui, args),
        Command::Offboard(args) => offboard::run(&ui, args),
        Command::Review(args) => review::run(&ui, args),
    };
    match result {
        Ok(outcome) => outcome.into(),
        // stdout's reader went away (`roster … | head`): stop quietly, 128 + SIGPIPE (src/main.rs).
        Err(err) if err.chain().count() == 1 && is_broken_pipe(&err) => ExitCode::from(141),
        Err(err) => {
            report_error(&ui, &err);
            ExitCode::from(1)
        }
    }
}

/// A bare I/O error of kind `BrokenPipe`: what a `write_all(…)?` to a closed stdout returns.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
