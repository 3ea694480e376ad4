//! The `roster` binary: a thin shell over the library's `app::main`. It owns one process-wide
//! policy that only the edge can set: what happens when stdout's reader goes away
//! (`roster completions bash | head -1`). It must not hold any command logic.
//!
//! The policy: stop quietly with exit status 141 (128 + SIGPIPE, what a shell reports for
//! `cat big | head -1`), never a panic or an error message. It is done by keeping Rust's default
//! of ignoring SIGPIPE and turning the resulting `BrokenPipe` into that quiet exit, not by
//! restoring SIGPIPE's default action: with the default action *any* write to a closed pipe or
//! socket kills the process, and vectored socket writes (`writev`, which hyper uses for both the
//! API client and the in-process sandbox emulator) cannot opt out with `MSG_NOSIGNAL`, so a
//! connection the server reset could kill `roster apply` between two API writes. Ignoring the
//! signal keeps those an ordinary `EPIPE` error that the client's retry policy handles.
//!
//! Two paths reach a closed stdout: a `write_all(…)?` to stdout returns a bare `io::Error` of kind
//! `BrokenPipe` to `app::main`, which exits 141 without a message; and `print!`/`println!` (or a
//! library's `expect` on its write, as clap_complete's) panics, which the hook below turns into
//! the same exit.

use std::process::ExitCode;

/// The exit status of a command whose stdout was closed under it (128 + SIGPIPE).
const CLOSED_STDOUT: i32 = 141;

fn main() -> ExitCode {
    quiet_exit_on_closed_pipe_panics();
    roster::app::main()
}

/// Install a panic hook that exits with [`CLOSED_STDOUT`], printing nothing, when the panic is a
/// failed write to a closed pipe; every other panic goes to the default hook unchanged.
fn quiet_exit_on_closed_pipe_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.payload_as_str().is_some_and(reports_broken_pipe) {
            std::process::exit(CLOSED_STDOUT);
        }
        default(info)
    }));
}

/// Whether a panic message is a write failing with `BrokenPipe`: std's `failed printing to
/// stdout: Broken pipe (os error 32)` (the OS error's `Display`) or an `expect` on such an error
/// (its `Debug`, `… kind: BrokenPipe …`).
fn reports_broken_pipe(msg: &str) -> bool {
    msg.contains("kind: BrokenPipe") || msg.contains("Broken pipe (os error")
}

#[cfg(test)]
mod tests {
    use super::reports_broken_pipe;

    #[test]
    fn broken_pipe_panics_are_recognised_and_others_are_not() {
        assert!(reports_broken_pipe(
            "failed printing to stdout: Broken pipe (os error 32)"
        ));
        assert!(reports_broken_pipe(
            r#"failed to write completion file: Os { code: 32, kind: BrokenPipe, message: "Broken pipe" }"#
        ));
        assert!(!reports_broken_pipe("index out of bounds"));
        assert!(!reports_broken_pipe(
            "failed printing to stdout: Resource temporarily unavailable (os error 11)"
        ));
    }
}
