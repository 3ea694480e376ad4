//! The command line's edges, through the real binary: out-of-range `--rate` and `--parallelism` are
//! usage errors (exit 1, as every usage error: 2 means "changes present"), never panics; and a
//! command whose stdout is closed under it stops quietly with 141 (128 + SIGPIPE), like `cat`.
//! These tests never reach a platform: the usage errors stop before anything runs, and the
//! closed-stdout plan runs against its own sandbox in a temp copy.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::support::{copy_dir, expect_exit, manifest_dir, roster, stderr};

/// `roster plan|apply --sandbox DIR ARGS…` on a temp copy of the quick-start example, so nothing is
/// ever written into the repository even if parsing let a bad value through.
fn both_commands(args: &[&str]) -> Vec<(String, Command, tempfile::TempDir)> {
    ["plan", "apply"]
        .into_iter()
        .map(|sub| {
            let dir = copy_dir(&manifest_dir().join("examples/biocommons"));
            let mut cmd = roster();
            cmd.arg(sub)
                .arg("--sandbox")
                .arg(dir.path())
                .args(args)
                .stdin(Stdio::null());
            (sub.to_string(), cmd, dir)
        })
        .collect()
}

/// Each command refuses `flag value` as a usage error that names the flag and the accepted range.
fn assert_usage_error(flag: &str, value: &str, range: &str) {
    // A negative value must be attached (`--rate=-1`), or clap reads it as a flag.
    let attached = format!("{flag}={value}");
    let args: Vec<&str> = if value.starts_with('-') {
        vec![&attached]
    } else {
        vec![flag, value]
    };
    for (sub, mut cmd, _dir) in both_commands(&args) {
        let o = expect_exit(&mut cmd, 1);
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{sub} {flag} {value}: {err}");
        assert!(
            err.contains(&format!("invalid value '{value}' for '{flag} <")),
            "{sub} {flag} {value} names the flag: {err}"
        );
        assert!(
            err.contains(range),
            "{sub} {flag} {value} gives the range: {err}"
        );
        assert!(o.stdout.is_empty(), "{sub}: nothing on stdout");
    }
}

#[test]
fn rate_1e12_is_a_usage_error_naming_the_flag_and_range() {
    assert_usage_error("--rate", "1e12", "0.01..=1000 requests per second");
}

#[test]
fn rate_1e_minus_300_is_a_usage_error_naming_the_flag_and_range() {
    assert_usage_error("--rate", "1e-300", "0.01..=1000 requests per second");
}

#[test]
fn non_finite_negative_and_zero_rates_are_usage_errors() {
    for value in ["0", "-1", "NaN", "inf", "-inf"] {
        assert_usage_error("--rate", value, "0.01..=1000 requests per second");
    }
    assert_usage_error("--rate", "fast", "0.01–1000");
}

#[test]
fn parallelism_0_is_a_usage_error_naming_the_flag_and_range() {
    assert_usage_error("--parallelism", "0", "1..=64");
}

#[test]
fn parallelism_above_64_is_a_usage_error_naming_the_flag_and_range() {
    assert_usage_error("--parallelism", "65", "1..=64");
}

#[test]
fn help_gives_the_accepted_ranges_of_rate_and_parallelism() {
    let o = expect_exit(roster().args(["plan", "--help"]), 0);
    let help = String::from_utf8(o.stdout).unwrap();
    assert!(help.contains("0.01–1000"), "{help}");
    assert!(help.contains("1–64"), "{help}");
}

#[test]
fn the_largest_rate_and_parallelism_are_accepted() {
    let dir = copy_dir(&manifest_dir().join("examples/biocommons"));
    let d = dir.path().to_str().unwrap();
    let args = [
        "plan",
        "--sandbox",
        d,
        "--rate",
        "1000",
        "--parallelism",
        "64",
    ];
    let o = expect_exit(roster().args(args), 0);
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

/// Run `cmd` with stdout a pipe whose read end is closed before the child starts (so every write
/// to stdout fails, deterministically), and return its exit code and stderr.
fn run_with_closed_stdout(cmd: &mut Command) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let mut child = cmd
        .stdout(writer)
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .expect("spawn roster");
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().expect("wait");
    (status.code(), err)
}

/// The closed stdout ended the command with 141 and nothing on stderr about it.
fn assert_quiet_closed_stdout(what: &str, cmd: &mut Command) -> String {
    let (code, err) = run_with_closed_stdout(cmd);
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert!(!err.to_lowercase().contains("broken pipe"), "{what}: {err}");
    assert!(!err.contains("error"), "{what}: {err}");
    assert_eq!(code, Some(141), "{what} exits 128 + SIGPIPE: {err}");
    err
}

#[test]
fn completions_to_a_closed_stdout_exit_quietly() {
    // clap_complete panics on a failed write: the binary's panic hook turns that into the exit.
    let err =
        assert_quiet_closed_stdout("completions bash", roster().args(["completions", "bash"]));
    assert_eq!(err, "");
}

#[test]
fn schema_to_a_closed_stdout_exits_quietly() {
    let err = assert_quiet_closed_stdout("schema", roster().arg("schema"));
    assert_eq!(err, "");
}

#[test]
fn validate_json_to_a_closed_stdout_exits_quietly() {
    let err = assert_quiet_closed_stdout(
        "validate --format json",
        roster().args(["validate", "--format", "json", "examples/biocommons"]),
    );
    assert_eq!(err, "");
}

#[test]
fn validate_text_writes_nothing_to_stdout_so_a_closed_one_does_not_matter() {
    let (code, err) = run_with_closed_stdout(roster().args(["validate", "examples/biocommons"]));
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("valid: "), "the summary goes to stderr: {err}");
}

#[test]
fn plan_to_a_closed_stdout_exits_quietly_after_reading() {
    for format in ["text", "markdown", "json"] {
        let dir = copy_dir(&manifest_dir().join("examples/biocommons"));
        let mut cmd = roster();
        cmd.args(["plan", "--sandbox", "--format", format])
            .arg(dir.path());
        let err = assert_quiet_closed_stdout(&format!("plan --format {format}"), &mut cmd);
        // It got as far as reading the platform: the plan itself is what found stdout closed.
        assert!(err.contains("API calls in"), "{format}: {err}");
    }
}

#[test]
fn apply_refuses_to_go_on_when_its_plan_cannot_be_shown() {
    let dir = copy_dir(&manifest_dir().join("examples/biocommons"));
    let mut cmd = roster();
    cmd.args(["apply", "--sandbox", "--auto-approve"])
        .arg(dir.path());
    let err = assert_quiet_closed_stdout("apply", &mut cmd);
    assert!(!err.contains("Apply complete"), "{err}");
    // Nothing was applied: a plan of the same directory still has every change.
    let o = expect_exit(
        roster()
            .args(["plan", "--sandbox", "--detailed-exitcode"])
            .arg(dir.path()),
        2,
    );
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn help_to_a_closed_stdout_exits_0_quietly() {
    let (code, err) = run_with_closed_stdout(roster().arg("--help"));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err, "");
}
