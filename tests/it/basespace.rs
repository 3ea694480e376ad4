//! BaseSpace end to end: a lab's config adds a user to a Seqera workspace and a BaseSpace
//! workgroup. The plan shows the Seqera change and the manual Admin Console steps; `apply` on a
//! terminal (a pseudo-terminal driven here) makes the Seqera change and records the confirmed
//! step in the ledger; the next plan shows neither. In CI `apply` publishes the runbook and
//! exits 3. Every BaseSpace host is the in-process emulator on loopback: nothing is sent to an
//! Illumina host, and the client refuses one without https.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::support::{Platform, config_dir, expect_exit, roster, stderr, stdout};

const BS_TOKEN: &str = "bs-token-use1-secret";
const BS_EU_TOKEN: &str = "bs-token-euc1-secret";

/// The lab on the emulator: the org and its workspace without the new student, and the
/// workgroup in both regions, visible to the PI's tokens.
const WORLD: &str = r#"
users:
  - {email: pi@uq.edu.au, userName: pi, token: seqera-token}
  - {email: postdoc@uq.edu.au, userName: postdoc}
  - {email: student@uq.edu.au, userName: student}
organizations:
  - name: lab
    members:
      - {email: pi@uq.edu.au, role: owner}
      - {email: postdoc@uq.edu.au}
    workspaces:
      - name: rnaseq
        participants:
          - {email: pi@uq.edu.au, role: admin}
          - {email: postdoc@uq.edu.au, role: maintain}
basespace:
  regions:
    - name: use1
      users:
        - {id: "1001", email: pi@uq.edu.au, name: Pat Investigator, token: bs-token-use1-secret}
      workgroups:
        - {id: "2001", name: lab-seq, plan: Professional, members: [pi@uq.edu.au]}
    - name: euc1
      users:
        - {id: "3001", email: pi@uq.edu.au, name: Pat Investigator, token: bs-token-euc1-secret}
      workgroups:
        - {id: "4001", name: lab-seq, plan: Professional, members: [pi@uq.edu.au]}
"#;

fn settings(url: &str) -> String {
    format!(
        "kind: Settings\nplatforms:\n  seqera:\n    endpoint: {url}\n  illumina:\n    type: basespace\n    regions:\n      use1: {{endpoint: {url}/basespace/use1, tokenEnv: BS_USE1}}\n      euc1: {{endpoint: {url}/basespace/euc1, tokenEnv: BS_EUC1}}\n"
    )
}

const ORG: &str = "kind: Organization\nname: lab\nmembers:\n  - {user: pi@uq.edu.au, role: owner}\n  - user: postdoc@uq.edu.au\n  - user: student@uq.edu.au\n";
const WORKSPACE: &str = "kind: Workspace\norg: lab\nname: rnaseq\nparticipants:\n  - {user: pi@uq.edu.au, role: admin}\n  - {user: postdoc@uq.edu.au, role: maintain}\n  - {user: student@uq.edu.au, role: launch}\n";
const WORKGROUP: &str = "kind: BaseSpaceWorkgroup\nname: lab-seq\nplatform: illumina\nregions: [use1, euc1]\ntier: professional\nadmins: [pi@uq.edu.au]\nusers:\n  - user: postdoc@uq.edu.au\n  - user: student@uq.edu.au\n    access: {sequenceHub: [use1]}\n    reason: honours project\n";

/// The ledger as the lab left it last term: the admin and the postdoc are set up.
const LEDGER: &str = "entries:\n  - {at: \"2026-02-01T00:00:00Z\", by: pi@uq.edu.au, platform: illumina, workgroup: lab-seq, user: pi@uq.edu.au, step: invite, role: admin}\n  - {at: \"2026-02-01T00:00:00Z\", by: pi@uq.edu.au, platform: illumina, workgroup: lab-seq, user: postdoc@uq.edu.au, step: invite, role: user, sequenceHub: [use1, euc1]}\n";

fn lab(p: &Platform) -> tempfile::TempDir {
    config_dir(&[
        ("roster.yaml", &settings(&p.url())),
        ("organization.yaml", ORG),
        ("workspaces/rnaseq.yaml", WORKSPACE),
        ("basespace/lab-seq.yaml", WORKGROUP),
        (".roster/basespace-ledger.yaml", LEDGER),
    ])
}

/// `roster ARGS…` with the Seqera and both BaseSpace tokens, a fixed clock and operator.
fn run(p: &Platform, args: &[&str]) -> Command {
    let mut cmd = roster();
    cmd.args(args)
        .env("TOWER_ACCESS_TOKEN", &p.token)
        .env("BS_USE1", BS_TOKEN)
        .env("BS_EUC1", BS_EU_TOKEN)
        .env("ROSTER_NOW", "2026-12-01T09:30:00Z")
        .env("ROSTER_OPERATOR", "Pat Investigator <pi@uq.edu.au>")
        .env_remove("CI")
        .env_remove("GITHUB_STEP_SUMMARY");
    cmd
}

fn no_secret(outputs: &[&str]) {
    for o in outputs {
        for t in [BS_TOKEN, BS_EU_TOKEN, "seqera-token"] {
            assert!(!o.contains(t), "a token was printed:\n{o}");
        }
    }
}

#[test]
fn the_plan_shows_the_seqera_change_and_the_manual_basespace_steps() {
    let p = Platform::start(WORLD);
    let dir = lab(&p);
    let d = dir.path().to_str().unwrap();
    let o = expect_exit(&mut run(&p, &["plan", d, "--detailed-exitcode"]), 2);
    let (out, err) = (stdout(&o), stderr(&o));
    no_secret(&[&out, &err]);
    assert!(out.contains("+ member user:student@uq.edu.au"), "{out}");
    assert!(
        out.contains("+ participant user:student@uq.edu.au (role: launch"),
        "{out}"
    );
    assert!(
        out.contains("BaseSpace illumina (manual steps: membership cannot be verified by API)")
    );
    assert!(out.contains("+ manual: invite `student@uq.edu.au` as a user: Sequence Hub – US"));
    assert!(out.contains("Open the USERS tab and select Invite"));
    assert!(out.contains("Sequence Hub – US: Has Access; Sequence Hub – EU: No Access"));
    assert!(out.contains("Select Grant access"));
    // The same "who gains and who loses access" view holds both.
    let view = out
        .split("Who gains and who loses access:")
        .nth(1)
        .expect("the access view");
    assert!(view.contains("+ lab/rnaseq: launch"));
    assert!(view.contains(
        "+ BaseSpace illumina/lab-seq: user, Sequence Hub – US (manual; cannot be verified by API)"
    ));
    assert!(out.contains("Plan: 2 to add, 0 to change, 0 to remove; 1 manual BaseSpace step (cannot be verified by API)."));

    // Markdown, for the pull request.
    let o = expect_exit(&mut run(&p, &["plan", d, "--format", "markdown"]), 0);
    let md = stdout(&o);
    assert!(
        md.contains("#### BaseSpace: 1 manual step (cannot be verified by API)"),
        "{md}"
    );
    assert!(md.contains("- [ ] Open the USERS tab and select Invite"));
    assert!(md.contains("| manual (BaseSpace) |"));

    // JSON: the manual change with its steps and the ledger record it writes.
    let o = expect_exit(&mut run(&p, &["plan", d, "--format", "json"]), 0);
    let plan: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let manual = plan["manual"].as_array().unwrap();
    assert_eq!(manual.len(), 1);
    let m = &manual[0];
    assert_eq!(
        m["address"],
        "basespace/illumina/workgroup/lab-seq/user/student@uq.edu.au"
    );
    assert_eq!(m["action"], "create");
    assert_eq!(m["verification"], "cannot be verified by API");
    assert_eq!(m["record"]["step"], "invite");
    assert_eq!(m["record"]["sequence_hub"], serde_json::json!(["use1"]));
    assert!(m["steps"].as_array().unwrap().len() >= 5);
    assert_eq!(plan["summary"]["manual"], 1);
    assert_eq!(plan["basespace"].as_array().unwrap().len(), 2);
    assert_eq!(plan["basespace"][0]["token_env"], "BS_EUC1");
    // Only the three read operations reached the BaseSpace emulator.
    let stats = p.stats();
    let bs: u64 = stats
        .requests
        .iter()
        .filter(|(op, _)| op.starts_with("GetV2"))
        .map(|(_, by)| by.values().sum::<u64>())
        .sum();
    assert!(bs >= 6 * 3, "three plans read both regions: {stats:?}");
    assert_eq!(stats.calls("basespace-unmatched"), 0);
}

/// A process on a pseudo-terminal: what it writes is collected, and `expect` waits for a text
/// before the test answers it.
struct Pty {
    child: std::process::Child,
    master: std::fs::File,
    seen: Arc<(Mutex<Vec<u8>>, Condvar)>,
}

impl Pty {
    fn spawn(mut cmd: Command) -> Pty {
        let (mut master, mut slave) = (0, 0);
        // SAFETY: openpty writes two new descriptors into the integers it is given.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(rc, 0, "openpty");
        // SAFETY: both descriptors are new and owned here.
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let io = |fd: &OwnedFd| Stdio::from(fd.try_clone().unwrap());
        cmd.stdin(io(&slave)).stdout(io(&slave)).stderr(io(&slave));
        let child = cmd.spawn().expect("spawn roster on the pty");
        drop(slave); // the child holds it; reads end when it exits
        let master = std::fs::File::from(master);
        let seen = Arc::new((Mutex::new(Vec::new()), Condvar::new()));
        let (mut reader, sink) = (master.try_clone().unwrap(), seen.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.0.lock().unwrap().extend_from_slice(&buf[..n]);
                sink.1.notify_all();
            }
        });
        let _ = master.as_raw_fd();
        Pty {
            child,
            master,
            seen,
        }
    }

    fn transcript(&self) -> String {
        String::from_utf8_lossy(&self.seen.0.lock().unwrap()).into_owned()
    }

    /// Wait until the output holds `text` `times` times (a guard, not a timing: it only stops a
    /// hang from hanging the suite).
    fn expect(&self, text: &str, times: usize) {
        let guard = Instant::now() + Duration::from_secs(120);
        let mut seen = self.seen.0.lock().unwrap();
        while String::from_utf8_lossy(&seen).matches(text).count() < times {
            let left = guard.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "never saw {text:?}:\n{}",
                String::from_utf8_lossy(&seen)
            );
            seen = self.seen.1.wait_timeout(seen, left).unwrap().0;
        }
    }

    fn answer(&mut self, line: &str) {
        self.master.write_all(line.as_bytes()).unwrap();
        self.master.write_all(b"\n").unwrap();
    }

    fn wait(mut self) -> (i32, String) {
        let status = self.child.wait().unwrap();
        // The reader thread drains what is left once the child has closed the terminal.
        let guard = Instant::now() + Duration::from_secs(30);
        let mut last = usize::MAX;
        while Instant::now() < guard {
            let n = self.seen.0.lock().unwrap().len();
            if n == last {
                break;
            }
            last = n;
            std::thread::sleep(Duration::from_millis(50));
        }
        (status.code().unwrap_or(-1), self.transcript())
    }
}

#[test]
fn apply_on_a_terminal_makes_the_seqera_change_records_the_step_and_the_next_plan_is_empty() {
    let p = Platform::start(WORLD);
    let dir = lab(&p);
    let d = dir.path().to_str().unwrap();
    let mut pty = Pty::spawn(run(&p, &["apply", d]));
    pty.expect("Apply 2 changes? [y/N]", 1);
    pty.answer("y");
    pty.expect(
        "Step 1 of 1: invite `student@uq.edu.au` as a user: Sequence Hub – US",
        1,
    );
    pty.expect("Done? [y]es, record it / [s]kip for now / [q]uit:", 1);
    pty.answer("y");
    let (code, transcript) = pty.wait();
    no_secret(&[&transcript]);
    assert_eq!(code, 0, "{transcript}");
    assert!(
        transcript.contains("applied  org/lab/member/user:student@uq.edu.au"),
        "{transcript}"
    );
    assert!(transcript.contains("Recorded 1 step in"), "{transcript}");

    // The Seqera change is made.
    let world = p.handle.world();
    let lab = world
        .organizations
        .iter()
        .find(|o| o.name.value == "lab")
        .unwrap();
    assert!(
        lab.members
            .iter()
            .any(|m| m.email.value == "student@uq.edu.au")
    );
    // The confirmed step is in the ledger, with who and when.
    let ledger = std::fs::read_to_string(dir.path().join(".roster/basespace-ledger.yaml")).unwrap();
    let tail: String = ledger.lines().rev().take(8).collect::<Vec<_>>().join("\n");
    for want in [
        "at: \"2026-12-01T09:30:00Z\"",
        "by: \"Pat Investigator <pi@uq.edu.au>\"",
        "user: \"student@uq.edu.au\"",
        "step: invite",
        "role: user",
        "sequenceHub: [use1]",
    ] {
        assert!(tail.contains(want), "{want} in\n{ledger}");
    }

    // The next plan shows neither the Seqera change nor the BaseSpace step — and does not
    // call BaseSpace in sync.
    let o = expect_exit(&mut run(&p, &["plan", d, "--detailed-exitcode"]), 0);
    let out = stdout(&o);
    assert!(out.contains("No changes."), "{out}");
    assert!(!out.contains("manual:"), "{out}");
    assert!(out.contains(
        "BaseSpace: no manual step is pending against the ledger; workgroup membership cannot be verified by API."
    ));
    assert!(!out.contains("in sync"));
}

#[test]
fn a_skipped_step_stays_pending_and_apply_exits_3() {
    let p = Platform::start(WORLD);
    let dir = lab(&p);
    let d = dir.path().to_str().unwrap();
    let before = std::fs::read_to_string(dir.path().join(".roster/basespace-ledger.yaml")).unwrap();
    let mut pty = Pty::spawn(run(&p, &["apply", d, "--auto-approve"]));
    pty.expect("Done? [y]es, record it / [s]kip for now / [q]uit:", 1);
    pty.answer("maybe");
    pty.expect("Answer y, s or q.", 1);
    pty.answer("s");
    let (code, transcript) = pty.wait();
    assert_eq!(code, 3, "{transcript}");
    assert!(
        transcript.contains("1 manual BaseSpace step is pending"),
        "{transcript}"
    );
    let after = std::fs::read_to_string(dir.path().join(".roster/basespace-ledger.yaml")).unwrap();
    assert_eq!(before, after, "nothing was recorded");
}

#[test]
fn in_ci_apply_publishes_the_runbook_and_exits_3_with_the_seqera_change_made() {
    let p = Platform::start(WORLD);
    let dir = lab(&p);
    let d = dir.path().to_str().unwrap();
    let summary = dir.path().join("summary.md");
    let runbook = dir.path().join("runbook.md");
    let mut cmd = run(&p, &["apply", d, "--auto-approve", "--runbook"]);
    cmd.arg(&runbook)
        .env("CI", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .stdin(Stdio::null());
    let o = expect_exit(&mut cmd, 3);
    let (out, err) = (stdout(&o), stderr(&o));
    no_secret(&[&out, &err]);
    assert!(out.contains("Apply complete: 2 applied"), "{out}");
    assert!(out.contains("Manual BaseSpace steps: 1 pending."), "{out}");
    assert!(err.contains("1 manual BaseSpace step is pending"), "{err}");
    assert!(err.contains("Exit status 3"), "{err}");
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("### BaseSpace: 1 manual step pending"),
        "{md}"
    );
    assert!(md.contains("- [ ] Open the USERS tab and select Invite"));
    assert_eq!(std::fs::read_to_string(&runbook).unwrap(), md);
    // Nothing was recorded: no one confirmed anything.
    let ledger = std::fs::read_to_string(dir.path().join(".roster/basespace-ledger.yaml")).unwrap();
    assert_eq!(ledger, LEDGER);
    // The Seqera side converged; the manual step is still planned.
    let o = expect_exit(&mut run(&p, &["plan", d, "--format", "json"]), 0);
    let plan: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(plan["changes"].as_array().unwrap().len(), 0);
    assert_eq!(plan["manual"].as_array().unwrap().len(), 1);
    // --format json reports the pending steps in its one document.
    let mut cmd = run(&p, &["apply", d, "--auto-approve", "--format", "json"]);
    cmd.env("CI", "1").stdin(Stdio::null());
    let o = expect_exit(&mut cmd, 3);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        doc["manual"]["pending"],
        serde_json::json!(["basespace/illumina/workgroup/lab-seq/user/student@uq.edu.au"])
    );
}

#[test]
fn a_workgroup_that_does_not_match_basespace_fails_the_plan_naming_it() {
    let world = WORLD.replace(
        "{id: \"2001\", name: lab-seq, plan: Professional, members: [pi@uq.edu.au]}",
        "{id: \"2001\", name: lab-seq, plan: Enterprise, collaborative: true, members: [pi@uq.edu.au]}",
    );
    let world = world.replace(
        "{id: \"4001\", name: lab-seq, plan: Professional, members: [pi@uq.edu.au]}",
        "{id: \"4001\", name: other-wg, plan: Professional, members: [pi@uq.edu.au]}",
    );
    let p = Platform::start(&world);
    let dir = lab(&p);
    let o = expect_exit(&mut run(&p, &["plan", dir.path().to_str().unwrap()]), 1);
    let err = stderr(&o);
    assert!(
        err.contains("BaseSpace does not match the config; nothing was planned"),
        "{err}"
    );
    assert!(err.contains("BaseSpace workgroup `lab-seq` (platform illumina, region use1): the config says `collaborative: false`, BaseSpace says IsCollaborative true"), "{err}");
    assert!(
        err.contains(
            "the config says `tier: professional`, BaseSpace's subscription plan is Enterprise"
        ),
        "{err}"
    );
    assert!(err.contains("BaseSpace workgroup `lab-seq` (platform illumina, region euc1) is not visible to the token of Pat Investigator <pi@uq.edu.au>"), "{err}");
    assert!(err.contains("other-wg"), "{err}");
    assert!(stdout(&o).is_empty(), "no plan is printed");
    no_secret(&[&err]);
}

#[test]
fn a_rejected_token_and_a_missing_one_name_the_region_and_never_print_the_token() {
    let p = Platform::start(WORLD);
    let dir = lab(&p);
    let d = dir.path().to_str().unwrap();
    let o = expect_exit(run(&p, &["plan", d]).env("BS_USE1", "wrong-token-1234"), 1);
    let err = stderr(&o);
    assert!(
        err.contains("BaseSpace platform illumina region use1"),
        "{err}"
    );
    assert!(err.contains("token rejected"), "{err}");
    assert!(!err.contains("wrong-token-1234"));
    let o = expect_exit(run(&p, &["plan", d]).env_remove("BS_EUC1"), 1);
    let err = stderr(&o);
    assert!(
        err.contains("no access token for BaseSpace platform illumina region euc1"),
        "{err}"
    );
    assert!(err.contains("set BS_EUC1"), "{err}");
}

#[test]
fn nothing_is_sent_to_an_illumina_host() {
    // Illumina's default host, with a token: the endpoint allow-list (set by CI) refuses it
    // before anything is sent; without a token, roster stops before connecting.
    let dir = config_dir(&[
        (
            "roster.yaml",
            "kind: Settings\nplatforms:\n  illumina:\n    type: basespace\n    regions:\n      use1: {}\n",
        ),
        (
            "wg.yaml",
            "kind: BaseSpaceWorkgroup\nname: lab-seq\ntier: professional\nadmins: [pi@uq.edu.au]\n",
        ),
    ]);
    let d = dir.path().to_str().unwrap();
    let o = expect_exit(
        roster()
            .args(["plan", d])
            .env("BASESPACE_TOKEN_USE1", BS_TOKEN)
            .env("ROSTER_ALLOWED_ENDPOINTS", "http://127.0.0.1:9"),
        1,
    );
    let err = stderr(&o);
    assert!(
        err.contains("https://api.basespace.illumina.com is not in ROSTER_ALLOWED_ENDPOINTS"),
        "{err}"
    );
    assert!(!err.contains(BS_TOKEN));
    let o = expect_exit(
        roster()
            .args(["plan", d])
            .env_remove("BASESPACE_TOKEN_USE1"),
        1,
    );
    assert!(
        stderr(&o).contains("set BASESPACE_TOKEN_USE1"),
        "{}",
        stderr(&o)
    );
    // Plain http to a host that is not loopback is refused by validation (and the client).
    let bad = config_dir(&[(
        "roster.yaml",
        "kind: Settings\nplatforms:\n  illumina:\n    type: basespace\n    regions:\n      use1: {endpoint: http://api.basespace.illumina.com}\n",
    )]);
    let o = expect_exit(roster().args(["validate", bad.path().to_str().unwrap()]), 1);
    assert!(
        stderr(&o).contains("plain http is refused except to loopback"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_lab_example_validates_and_plans_against_its_sandbox() {
    // The clock is fixed: the example's grant ends in 2027, and validate warns near the end.
    let o = expect_exit(
        roster()
            .args(["validate", "examples/lab-basespace"])
            .env("ROSTER_NOW", "2026-12-01"),
        0,
    );
    assert_eq!(stderr(&o).trim(), "valid: 4 documents in 4 files");
    let dir = crate::support::copy_dir(Path::new(
        &crate::support::manifest_dir().join("examples/lab-basespace"),
    ));
    let o = expect_exit(
        roster()
            .args(["plan", "--sandbox", "--detailed-exitcode"])
            .arg(dir.path())
            .env("ROSTER_NOW", "2026-12-01"),
        2,
    );
    let out = stdout(&o);
    assert!(
        out.contains("+ manual: invite `student.nguyen@uq.edu.au` as a user: Sequence Hub – US"),
        "{out}"
    );
    assert!(
        out.contains("+ manual: invite `58216340` as a user: Sequence Hub – EU"),
        "{out}"
    );
    assert!(
        out.contains("+ participant user:student.nguyen@uq.edu.au (role: launch"),
        "{out}"
    );
    // Once the student's access has expired, the plan asks for nothing for them.
    let o = expect_exit(
        roster()
            .args(["plan", "--sandbox"])
            .arg(dir.path())
            .env("ROSTER_NOW", "2027-12-02"),
        0,
    );
    assert!(
        !stdout(&o).contains("invite `student.nguyen"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_broken_ledger_is_reported_located_by_validate_and_stops_the_plan() {
    let p = Platform::start(WORLD);
    let dir = lab(&p);
    std::fs::write(
        dir.path().join(".roster/basespace-ledger.yaml"),
        "entries:\n  - {at: yesterday, by: pi@uq.edu.au, platform: illumina, workgroup: lab-seq, user: student@uq.edu.au, step: enrol, role: user}\n",
    )
    .unwrap();
    let d = dir.path().to_str().unwrap();
    let o = expect_exit(roster().args(["validate", d]), 1);
    let err = stderr(&o);
    assert!(
        err.contains("`yesterday` is not an RFC 3339 date-time"),
        "{err}"
    );
    assert!(err.contains(".roster/basespace-ledger.yaml:2:10"), "{err}");
    assert!(err.contains("`enrol` is not a ledger step"), "{err}");
    let o = expect_exit(&mut run(&p, &["plan", d]), 1);
    let err = stderr(&o);
    assert!(err.contains("the BaseSpace ledger"), "{err}");
    assert!(err.contains(".roster/basespace-ledger.yaml:2:"), "{err}");
    assert_eq!(p.writes(), 0);
}

#[test]
fn sandbox_init_writes_the_basespace_regions_of_the_declared_workgroups() {
    let dir =
        crate::support::copy_dir(&crate::support::manifest_dir().join("examples/lab-basespace"));
    std::fs::remove_file(dir.path().join(".roster/sandbox.world.yaml")).unwrap();
    let d = dir.path().to_str().unwrap();
    expect_exit(roster().args(["sandbox", "init", d]), 0);
    let world = std::fs::read_to_string(dir.path().join(".roster/sandbox.world.yaml")).unwrap();
    assert!(
        world.contains("basespace:\n  regions:\n    - name: use1\n"),
        "{world}"
    );
    assert!(world.contains("- name: euc1"), "{world}");
    assert!(world.contains("collaborative: true"), "{world}");
    // Seqera matches; BaseSpace is the ledger's to say: the two pending invites remain.
    let o = expect_exit(
        roster()
            .args(["plan", "--sandbox", d, "--detailed-exitcode"])
            .env("ROSTER_NOW", "2026-12-01"),
        2,
    );
    let out = stdout(&o);
    assert!(
        out.contains("Plan: 0 to add, 0 to change, 0 to remove; 2 manual BaseSpace steps"),
        "{out}"
    );
}

#[test]
fn offboarding_someone_removes_them_from_basespace_workgroups_too() {
    let dir =
        crate::support::copy_dir(&crate::support::manifest_dir().join("examples/lab-basespace"));
    let d = dir.path().to_str().unwrap();
    let o = expect_exit(
        roster().args(["offboard", "--dir", d, "--no-plan", "postdoc.lee@uq.edu.au"]),
        0,
    );
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        out.contains("member of BaseSpace workgroup smith-lab-sequencing"),
        "{out}"
    );
    let wg = std::fs::read_to_string(dir.path().join("basespace/sequencing.yaml")).unwrap();
    assert!(!wg.contains("postdoc.lee"), "{wg}");
    // The ledger still has them: the next plan asks for their removal, by hand.
    let o = expect_exit(
        roster()
            .args(["plan", "--sandbox", "--allow-mass-removal", d])
            .env("ROSTER_NOW", "2026-12-01"),
        0,
    );
    assert!(
        stdout(&o).contains("- manual: remove `postdoc.lee@uq.edu.au` (user)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn expired_only_keeps_the_removal_of_an_expired_basespace_user_and_holds_the_rest() {
    let p = Platform::start(WORLD);
    let wg = WORKGROUP.replace(
        "  - user: postdoc@uq.edu.au\n",
        "  - {user: postdoc@uq.edu.au, expires: 2026-11-01, reason: contract}\n",
    );
    let dir = config_dir(&[
        ("roster.yaml", &settings(&p.url())),
        ("organization.yaml", ORG),
        ("workspaces/rnaseq.yaml", WORKSPACE),
        ("basespace/lab-seq.yaml", &wg),
        (".roster/basespace-ledger.yaml", LEDGER),
    ]);
    let d = dir.path().to_str().unwrap();
    // The full plan: the student's invite and the postdoc's removal.
    let o = expect_exit(&mut run(&p, &["plan", d, "--format", "json"]), 0);
    let full: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let actions: Vec<&str> = full["manual"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["delete", "create"], "{full}");
    // --expired-only: the postdoc's removal alone; the student's Seqera grants are held.
    let o = expect_exit(
        &mut run(&p, &["plan", d, "--expired-only", "--format", "json"]),
        0,
    );
    let plan: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(plan["expired_only"], true);
    let manual = plan["manual"].as_array().unwrap();
    assert_eq!(manual.len(), 1, "{plan}");
    assert_eq!(manual[0]["user"], "postdoc@uq.edu.au");
    assert_eq!(manual[0]["action"], "delete");
    assert!(
        manual[0]["note"]
            .as_str()
            .unwrap()
            .contains("access expired on 2026-11-01"),
        "{plan}"
    );
    assert!(plan["changes"].as_array().unwrap().is_empty(), "{plan}");
    assert!(!plan["held"].as_array().unwrap().is_empty(), "{plan}");
    // In CI, apply --expired-only publishes that one step and exits 3, writing nothing.
    let mut cmd = run(&p, &["apply", d, "--expired-only", "--auto-approve"]);
    cmd.env("CI", "true").stdin(Stdio::null());
    let o = expect_exit(&mut cmd, 3);
    let out = stdout(&o);
    assert!(out.contains("remove `postdoc@uq.edu.au`"), "{out}");
    assert!(!out.contains("invite `student@uq.edu.au`"), "{out}");
    assert_eq!(p.writes(), 0, "the held Seqera changes are not applied");
    // validate warns about the ended BaseSpace grant, located.
    let o = expect_exit(&mut run(&p, &["validate", d]), 0);
    let err = stderr(&o);
    assert!(
        err.contains("the membership of `postdoc@uq.edu.au` in BaseSpace workgroup `lab-seq` expired on 2026-11-01"),
        "{err}"
    );
    assert!(err.contains("lab-seq.yaml:"), "{err}");
}
