//! The `roster` binary: a thin shell over the library's `app::main`.

fn main() -> std::process::ExitCode {
    roster::app::main()
}
