//! Hostile input: a table of config directories and sandbox world files an attacker (or an
//! accident) could commit — YAML bombs, deep nesting, huge and numerous inputs, odd encodings and
//! control bytes, duplicate keys, tags and anchors, bad kinds, numbers, names, emails and
//! references, symlinks and special files. Each case runs the real binary (`validate DIR`, or
//! `plan --sandbox DIR`) under `prlimit --as=512MiB` (when prlimit is installed) and a 10 s
//! kill, and must exit 1 with a located error (or a message naming the file), never panic,
//! never print a terminal escape, never show the content of a file outside the directory (a
//! marker secret is planted in one and in the environment), and write nothing.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::manifest_dir;

const SECRET: &str = "HOSTILE-MARKER-9f1c2e7a";
const LIMIT_BYTES: u64 = 512 * 1024 * 1024;
const TIMEOUT: Duration = Duration::from_secs(10);

/// The start of a valid Organization document.
const ORG: &str = "kind: Organization\nname: lab\nmembers:\n  - {user: ops@lab.org, role: owner}\n";
/// A sandbox world whose first user has a token.
const WORLD: &str = "users:\n  - {email: ops@lab.org, userName: ops, token: t0k}\n  - {email: alice@uni.edu.au, userName: alice}\norganizations:\n  - name: lab\n    members:\n      - {email: ops@lab.org, role: owner}\n      - {email: alice@uni.edu.au}\n    teams:\n      - name: admins\n        members: [alice@uni.edu.au]\n    workspaces:\n      - name: ws\n        participants:\n          - {email: alice@uni.edu.au, role: admin}\n";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Run {
    /// `validate DIR`.
    Validate,
    /// `validate DIR/PATH`.
    ValidateAt(&'static str),
    /// `plan --sandbox DIR`.
    Sandbox,
    /// `validate DIR` passes, `plan --sandbox DIR` fails (one user under two references).
    Identity,
}

type Setup = Box<dyn Fn(&Path, &Path) -> bool + Send + Sync>;

struct Case {
    name: String,
    run: Run,
    /// Text the output must contain (`error[CODE]`, a phrase…).
    expect: &'static str,
    /// Writes the case into (dir, outside); false when the platform does not allow it.
    setup: Setup,
}

fn case(
    name: impl Into<String>,
    run: Run,
    expect: &'static str,
    setup: impl Fn(&Path, &Path) -> bool + Send + Sync + 'static,
) -> Case {
    Case {
        name: name.into(),
        run,
        expect,
        setup: Box::new(setup),
    }
}

/// A case of one config file `a.yaml`.
fn yaml(name: &str, expect: &'static str, bytes: impl Into<Vec<u8>>) -> Case {
    let bytes = bytes.into();
    case(name, Run::Validate, expect, move |d, _| {
        std::fs::write(d.join("a.yaml"), &bytes).unwrap();
        true
    })
}

/// A sandbox case: a valid config and the given world file bytes.
fn world(name: &str, expect: &'static str, bytes: impl Into<Vec<u8>>) -> Case {
    let bytes = bytes.into();
    case(name, Run::Sandbox, expect, move |d, _| {
        std::fs::write(d.join("org.yaml"), ORG).unwrap();
        std::fs::create_dir_all(d.join(".roster")).unwrap();
        std::fs::write(d.join(".roster/sandbox.world.yaml"), &bytes).unwrap();
        true
    })
}

#[cfg(unix)]
fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[cfg(unix)]
fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

fn billion_laughs(levels: usize, width: usize) -> String {
    let mut s = String::from("kind: Organization\nname: lab\nx0: &x0 [\"lol\"]\n");
    for i in 1..levels {
        let refs = vec![format!("*x{}", i - 1); width].join(", ");
        s.push_str(&format!("x{i}: &x{i} [{refs}]\n"));
    }
    s.push_str(&format!("members: *x{}\n", levels - 1));
    s
}

fn cases() -> Vec<Case> {
    let mut c = Vec::new();

    // YAML bombs and nesting.
    c.push(yaml(
        "bomb-billion-laughs",
        "error[",
        billion_laughs(10, 10),
    ));
    c.push(yaml("bomb-wide-laughs", "error[", billion_laughs(4, 200)));
    c.push(yaml(
        "bomb-in-settings",
        "error[",
        billion_laughs(9, 9).replace("kind: Organization\nname: lab", "kind: Settings"),
    ));
    c.push(yaml(
        "bomb-merge-keys",
        "error[",
        format!(
            "kind: Workspace\nbase: &b {{org: lab, name: ws}}\n{}name: ws\n",
            (0..2000).map(|_| "<<: *b\n").collect::<String>()
        ),
    ));
    c.push(yaml(
        "bomb-many-anchors",
        "error[",
        format!(
            "{ORG}extra:\n{}",
            (0..60_000)
                .map(|i| format!("  - &a{i} x\n"))
                .collect::<String>()
        ),
    ));
    c.push(yaml(
        "bomb-self-alias",
        "error[",
        "kind: Organization\nname: lab\nmembers: &m [*m]\n",
    ));
    for depth in [1_000usize, 100_000] {
        c.push(yaml(
            &format!("nest-flow-seq-{depth}"),
            "error[",
            format!("{ORG}teams: {}{}\n", "[".repeat(depth), "]".repeat(depth)),
        ));
        c.push(yaml(
            &format!("nest-flow-map-{depth}"),
            "error[",
            format!(
                "{ORG}teams: {}{}\n",
                "{a: ".repeat(depth),
                "}".repeat(depth)
            ),
        ));
    }
    c.push(yaml(
        "nest-block-map",
        "error[",
        format!(
            "{ORG}teams:\n{}",
            (1..3000)
                .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
                .collect::<String>()
        ),
    ));
    c.push(yaml(
        "nest-block-seq",
        "error[",
        format!("{ORG}teams:\n{} x\n", "- ".repeat(20_000)),
    ));

    // Huge and numerous inputs.
    c.push(yaml(
        "huge-file-comments",
        "larger than 8 MiB",
        format!("{ORG}{}", "# padding padding padding\n".repeat(340_000)),
    ));
    c.push(yaml(
        "huge-scalar-50mb",
        "larger than 8 MiB",
        format!(
            "kind: Organization\nname: {}\n",
            "a".repeat(50 * 1024 * 1024)
        ),
    ));
    c.push(yaml(
        "huge-scalar-7mb-name",
        "error[invalid-name]",
        format!(
            "kind: Organization\nname: {}\n",
            "a".repeat(7 * 1024 * 1024)
        ),
    ));
    c.push(case(
        "huge-sparse-file",
        Run::Validate,
        "larger than 8 MiB",
        |d, _| {
            let f = std::fs::File::create(d.join("a.yaml")).unwrap();
            f.set_len(1 << 40).unwrap();
            true
        },
    ));
    c.push(yaml(
        "numerous-errors-20k",
        "error[invalid-org-role]",
        format!(
            "{ORG}{}",
            (0..20_000)
                .map(|i| format!("  - {{user: u{i}@x.org, role: bogus}}\n"))
                .collect::<String>()
        ),
    ));
    c.push(yaml(
        "numerous-documents",
        "more than 10000 documents",
        "kind: Workspace\nname: ws\n---\n".repeat(30_000),
    ));
    c.push(yaml(
        "numerous-blank-documents",
        "error[no-documents]",
        "---\n# nothing\n".repeat(200_000),
    ));
    c.push(yaml(
        "numerous-list-items",
        "error[",
        format!(
            "{ORG}teams:\n  - name: t\n    members:\n{}",
            (0..30_000)
                .map(|i| format!("      - u{i}@x.org\n"))
                .collect::<String>()
        ),
    ));
    c.push(yaml(
        "numerous-unknown-fields",
        "error[unknown-field]",
        format!(
            "{ORG}{}",
            (0..10_000)
                .map(|i| format!("f{i}: 1\n"))
                .collect::<String>()
        ),
    ));
    c.push(yaml(
        "long-line-key",
        "error[",
        format!("{ORG}{}: 1\n", "k".repeat(1024 * 1024)),
    ));
    c.push(case("numerous-files", Run::Validate, "error[", |d, _| {
        for i in 0..3000 {
            let sub = d.join(format!("d{}", i % 50));
            std::fs::create_dir_all(&sub).unwrap();
            std::fs::write(sub.join(format!("w{i}.yaml")), "kind: Workspace\nname: x\n").unwrap();
        }
        true
    }));
    c.push(case(
        "empty-directory",
        Run::Validate,
        "error[no-documents]",
        |_, _| true,
    ));

    // Encodings and control bytes.
    let utf16 = |be: bool| {
        let mut b = if be {
            vec![0xfe, 0xff]
        } else {
            vec![0xff, 0xfe]
        };
        for u in "kind: Organization\nname: lab\n".encode_utf16() {
            b.extend(if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        b
    };
    c.push(yaml("utf16-le-bom", "not UTF-8", utf16(false)));
    c.push(yaml("utf16-be-bom", "not UTF-8", utf16(true)));
    c.push(yaml(
        "utf32-bom",
        "not UTF-8",
        [vec![0xff, 0xfe, 0, 0], b"k\0\0\0".to_vec()].concat(),
    ));
    c.push(yaml(
        "utf8-bom-then-bad-name",
        "error[invalid-name]",
        [
            b"\xef\xbb\xbf".to_vec(),
            b"kind: Organization\nname: a b\n".to_vec(),
        ]
        .concat(),
    ));
    c.push(yaml(
        "invalid-utf8",
        "not UTF-8",
        b"kind: Organization\nname: l\xffb\n".to_vec(),
    ));
    c.push(yaml(
        "overlong-utf8",
        "not UTF-8",
        b"kind: Organization\nname: \xc0\xafx\n".to_vec(),
    ));
    c.push(yaml(
        "surrogate-utf8",
        "not UTF-8",
        b"kind: Organization\nname: \xed\xa0\x80\n".to_vec(),
    ));
    c.push(yaml(
        "nul-in-value",
        "error[",
        "kind: Organization\nname: la\0b\n",
    ));
    c.push(yaml(
        "nul-in-key",
        "error[",
        "kind: Organization\nna\0me: lab\n",
    ));
    c.push(yaml(
        "esc-in-name",
        "error[",
        "kind: Organization\nname: \"\x1b[31mred\x1b[0m\"\n",
    ));
    c.push(yaml(
        "esc-raw-in-name",
        "error[",
        "kind: Organization\nname: x\x1b]0;pwned\x07\n",
    ));
    c.push(yaml(
        "csi-c1-in-name",
        "error[",
        "kind: Organization\nname: \"x\u{9b}2J\"\n",
    ));
    c.push(yaml(
        "bidi-in-name",
        "error[invalid-name]",
        "kind: Organization\nname: \"lab\u{202e}gnp\"\n",
    ));
    c.push(yaml(
        "zero-width-in-name",
        "error[invalid-name]",
        "kind: Organization\nname: \"la\u{200b}b\"\n",
    ));
    c.push(yaml(
        "line-separator-in-name",
        "error[",
        "kind: Organization\nname: \"la\u{2028}b\"\n",
    ));
    c.push(yaml(
        "cr-only-lines",
        "error[",
        "kind: Organization\rname: a b\r",
    ));
    c.push(yaml(
        "tab-indent",
        "error[",
        format!("{ORG}teams:\n\t- name: x\n"),
    ));
    for (n, fname) in [
        ("esc-in-file-name", "\x1b[2J\x1b[31mevil.yaml"),
        ("bidi-in-file-name", "evil\u{202e}lmay.yaml"),
        ("newline-in-file-name", "two\nlines.yaml"),
    ] {
        c.push(case(
            n,
            Run::Validate,
            "error[invalid-name]",
            move |d, _| {
                std::fs::write(d.join(fname), "kind: Organization\nname: a b\n").unwrap();
                true
            },
        ));
    }

    // Duplicate keys.
    c.push(yaml(
        "dup-key-name",
        "error[duplicate-key]",
        "kind: Organization\nname: lab\nname: lab2\n",
    ));
    c.push(yaml(
        "dup-key-kind",
        "error[duplicate-key]",
        "kind: Organization\nkind: Workspace\nname: lab\n",
    ));
    c.push(yaml(
        "dup-key-in-member",
        "error[duplicate-key]",
        format!("{ORG}  - {{user: a@x.org, user: b@x.org}}\n"),
    ));
    c.push(yaml(
        "dup-key-quoted",
        "error[duplicate-key]",
        "kind: Organization\nname: lab\n\"name\": lab\n",
    ));
    c.push(yaml(
        "dup-key-settings-policy",
        "error[duplicate-key]",
        "kind: Settings\npolicy:\n  minOrgOwners: 1\n  minOrgOwners: 2\n",
    ));
    c.push(yaml(
        "dup-key-miscased",
        "error[unknown-field]",
        "kind: Organization\nname: lab\nName: lab\n",
    ));

    // Tags, anchors and merge keys.
    c.push(yaml(
        "tag-binary-name",
        "error[",
        "kind: Organization\nname: !!binary bGFi\nmembers: 3\n",
    ));
    c.push(yaml(
        "tag-custom-kind",
        "error[",
        "kind: !Org Organization\nname: a b\n",
    ));
    c.push(yaml(
        "tag-python-object",
        "error[",
        "kind: Organization\nname: !!python/object:os.system lab\nmembers: x\n",
    ));
    c.push(yaml(
        "tag-int-on-string",
        "error[",
        "kind: Organization\nname: !!int 12\nmembers: x\n",
    ));
    c.push(yaml(
        "tag-map-on-scalar",
        "error[",
        "kind: Organization\nname: !!map lab\n",
    ));
    c.push(yaml(
        "anchor-kind-alias-name",
        "error[",
        "kind: &k Organization\nname: *k\nmembers: *k\n",
    ));
    c.push(yaml(
        "alias-undefined",
        "error[",
        "kind: Organization\nname: *nowhere\n",
    ));
    c.push(yaml(
        "merge-key-member",
        "error[",
        format!("{ORG}  - &m {{user: a@x.org, role: member}}\n  - {{<<: *m, role: bogus}}\n"),
    ));

    // Kinds.
    for (n, kind) in [
        ("kind-stray-quote", "Organization'"),
        ("kind-open-double-quote", "\"Organization"),
        ("kind-mixed-quotes", "'Organization\""),
        ("kind-lower", "organization"),
        ("kind-upper", "ORGANIZATION"),
        ("kind-null", "null"),
        ("kind-list", "[Organization]"),
        ("kind-map", "{a: Organization}"),
        ("kind-number", "42"),
        ("kind-trailing-space-quoted", "\"Organization \""),
        ("kind-zero-width", "\"Organ\u{200b}ization\""),
        ("kind-esc", "\"Organization\x1b[0m\""),
    ] {
        c.push(yaml(n, "error[", format!("kind: {kind}\nname: lab\n")));
    }
    c.push(yaml(
        "kind-missing",
        "error[missing-kind]",
        "name: lab\nmembers: []\n",
    ));

    // Numbers.
    for (n, v) in [
        ("removal-nan", "maxRemovalFraction: .nan"),
        ("removal-inf", "maxRemovalFraction: .inf"),
        ("removal-negative", "maxRemovalFraction: -0.5"),
        ("removal-huge", "maxRemovalFraction: 1e309"),
        ("removal-above-one", "maxRemovalFraction: 2"),
        ("removal-string", "maxRemovalFraction: lots"),
        ("owners-negative", "minOrgOwners: -1"),
        ("owners-huge", "minOrgOwners: 99999999999999999999999"),
        ("owners-fraction", "minOrgOwners: 1.5"),
        ("owners-bool", "minOrgOwners: true"),
    ] {
        c.push(yaml(
            n,
            "error[",
            format!("kind: Settings\npolicy:\n  {v}\n"),
        ));
    }
    for (n, v) in [
        ("studios-negative", "-1"),
        ("studios-huge", "1e10"),
        ("studios-string", "forever"),
    ] {
        c.push(yaml(
            n,
            "error[",
            format!(
                "{ORG}---\nkind: Workspace\norg: lab\nname: ws\nstudios:\n  lifespanHours: {v}\n"
            ),
        ));
    }

    // Names and emails.
    let member = |u: String| format!("{ORG}  - {{user: \"{u}\", role: member}}\n");
    c.push(yaml(
        "email-255",
        "error[too-long]",
        member(format!("{}@example.org", "a".repeat(243))),
    ));
    c.push(yaml(
        "email-10k",
        "error[too-long]",
        member(format!("{}@example.org", "a".repeat(10_000))),
    ));
    c.push(yaml(
        "email-unicode-local",
        "error[invalid-email]",
        member("zoë@x.org".into()),
    ));
    c.push(yaml(
        "email-idn-domain",
        "error[invalid-email]",
        member("a@bücher.de".into()),
    ));
    c.push(yaml(
        "email-newline",
        "error[invalid-email]",
        member("a@x.org\\nb@y.org".into()),
    ));
    c.push(yaml(
        "email-esc",
        "error[invalid-email]",
        member("a\\e[31m@x.org".into()),
    ));
    c.push(yaml(
        "email-two-ats",
        "error[invalid-email]",
        member("a@b@x.org".into()),
    ));
    c.push(yaml(
        "user-name-41",
        "error[invalid-email]",
        member("u".repeat(41)),
    ));
    c.push(yaml(
        "name-40",
        "error[invalid-name]",
        format!("kind: Organization\nname: {}\n", "a".repeat(40)),
    ));
    c.push(yaml(
        "name-10k",
        "error[invalid-name]",
        format!("kind: Organization\nname: {}\n", "a".repeat(10_000)),
    ));
    c.push(yaml(
        "name-unicode",
        "error[invalid-name]",
        "kind: Organization\nname: lab-ü\n",
    ));
    c.push(yaml(
        "name-empty",
        "error[",
        "kind: Organization\nname: \"\"\n",
    ));
    c.push(yaml(
        "name-leading-dash",
        "error[invalid-name]",
        "kind: Organization\nname: -lab\n",
    ));
    c.push(yaml(
        "team-name-bidi",
        "error[invalid-name]",
        format!("{ORG}teams:\n  - name: \"ad\u{202e}mins\"\n"),
    ));
    c.push(yaml(
        "full-name-huge",
        "error[too-long]",
        format!("{ORG}fullName: {}\n", "F".repeat(100_000)),
    ));

    // Names that differ only by case.
    c.push(yaml(
        "case-orgs",
        "error[duplicate]",
        format!("{ORG}---\nkind: Organization\nname: LAB\n"),
    ));
    c.push(yaml(
        "case-teams",
        "error[duplicate]",
        format!("{ORG}teams:\n  - name: Admins\n  - name: admins\n"),
    ));
    c.push(yaml(
        "case-workspaces",
        "error[duplicate]",
        format!("{ORG}---\nkind: Workspace\norg: lab\nname: WS\n---\nkind: Workspace\norg: lab\nname: ws\n"),
    ));
    c.push(yaml(
        "case-participant-teams",
        "error[duplicate]",
        format!("{ORG}teams:\n  - name: admins\n---\nkind: Workspace\norg: lab\nname: ws\nparticipants:\n  - {{team: admins, role: admin}}\n  - {{team: Admins, role: view}}\n"),
    ));

    // References.
    c.push(yaml(
        "ref-undeclared-org",
        "error[undeclared-org]",
        "kind: Workspace\norg: nowhere\nname: ws\n",
    ));
    c.push(yaml(
        "ref-undeclared-team",
        "error[undeclared-team]",
        format!("{ORG}teams: []\n---\nkind: Workspace\norg: lab\nname: ws\nparticipants:\n  - {{team: ghosts, role: view}}\n"),
    ));
    c.push(yaml(
        "ref-team-member-not-member",
        "error[team-member-not-org-member]",
        format!("{ORG}teams:\n  - name: t\n    members: [stranger@x.org]\n"),
    ));
    c.push(yaml(
        "ref-undeclared-platform",
        "error[undeclared-platform]",
        format!("{ORG}platform: mars\n"),
    ));
    c.push(yaml(
        "ref-org-with-esc",
        "error[",
        "kind: Workspace\norg: \"n\x1b[2Jx\"\nname: ws\n",
    ));

    // Symbolic links and special files.
    #[cfg(unix)]
    {
        c.push(case(
            "link-out-secret",
            Run::Validate,
            "outside the config directory",
            |d, o| {
                symlink(o.join("secret.yaml"), d.join("env.yaml"));
                true
            },
        ));
        c.push(case(
            "link-proc-environ",
            Run::Validate,
            "outside the config directory",
            |d, _| {
                symlink("/proc/self/environ", d.join("env.yaml"));
                true
            },
        ));
        c.push(case(
            "link-dev-zero",
            Run::Validate,
            "outside the config directory",
            |d, _| {
                symlink("/dev/zero", d.join("zero.yaml"));
                true
            },
        ));
        c.push(case(
            "link-etc-passwd",
            Run::Validate,
            "outside the config directory",
            |d, _| {
                symlink("/etc/passwd", d.join("passwd.yml"));
                true
            },
        ));
        c.push(case(
            "link-root-dir",
            Run::Validate,
            "error[no-documents]",
            |d, _| {
                symlink("/", d.join("root"));
                true
            },
        ));
        c.push(case(
            "link-outside-dir",
            Run::Validate,
            "error[no-documents]",
            |d, o| {
                symlink(o, d.join("elsewhere"));
                true
            },
        ));
        c.push(case(
            "link-loop-pair",
            Run::Validate,
            "cannot be followed",
            |d, _| {
                symlink("b.yaml", d.join("a.yaml"));
                symlink("a.yaml", d.join("b.yaml"));
                true
            },
        ));
        c.push(case(
            "link-self-loop",
            Run::Validate,
            "cannot be followed",
            |d, _| {
                symlink("a.yaml", d.join("a.yaml"));
                true
            },
        ));
        c.push(case(
            "link-dot-loops",
            Run::Validate,
            "error[no-documents]",
            |d, _| {
                symlink(".", d.join("x"));
                symlink(".", d.join("y"));
                std::fs::create_dir(d.join("sub")).unwrap();
                symlink("..", d.join("sub/up"));
                true
            },
        ));
        c.push(case(
            "link-dangling",
            Run::Validate,
            "cannot be followed",
            |d, _| {
                symlink("missing.yaml", d.join("a.yaml"));
                true
            },
        ));
        c.push(case("fifo-yaml", Run::Validate, "a FIFO", |d, _| {
            mkfifo(&d.join("pipe.yaml"))
        }));
        c.push(case("link-to-fifo", Run::Validate, "a FIFO", |d, _| {
            symlink("p", d.join("pipe.yaml"));
            mkfifo(&d.join("p"))
        }));
        c.push(case("socket-yaml", Run::Validate, "a socket", |d, _| {
            let l = std::os::unix::net::UnixListener::bind(d.join("s.yaml"));
            std::mem::forget(l);
            d.join("s.yaml").exists()
        }));
        c.push(case(
            "root-is-fifo",
            Run::ValidateAt("p"),
            "not a directory",
            |d, _| mkfifo(&d.join("p")),
        ));
        c.push(case(
            "root-is-dev-zero-link",
            Run::ValidateAt("z.yaml"),
            "not a directory or a file",
            |d, _| {
                symlink("/dev/zero", d.join("z.yaml"));
                true
            },
        ));
        c.push(case(
            "link-inside-then-invalid",
            Run::Validate,
            "error[invalid-name]",
            |d, _| {
                std::fs::create_dir(d.join(".shared")).unwrap();
                std::fs::write(
                    d.join(".shared/org.yaml"),
                    "kind: Organization\nname: a b\n",
                )
                .unwrap();
                symlink(".shared/org.yaml", d.join("org.yaml"));
                true
            },
        ));
    }

    // Sandbox world and state files.
    c.push(world(
        "world-bomb",
        "invalid",
        billion_laughs(10, 10).replace("kind: Organization\nname: lab\n", ""),
    ));
    c.push(world(
        "world-deep",
        "invalid",
        format!("users: {}{}\n", "[".repeat(50_000), "]".repeat(50_000)),
    ));
    c.push(world(
        "world-invalid-utf8",
        "sandbox.world.yaml",
        b"users: [\xff]\n".to_vec(),
    ));
    c.push(world(
        "world-no-token",
        "no user with a token",
        "users:\n  - {email: a@x.org, userName: a}\n",
    ));
    c.push(world("world-empty", "no user with a token", ""));
    c.push(world(
        "world-esc-email",
        "invalid",
        "users:\n  - {email: \"a\x1b[2J@x.org\", userName: a, token: t}\n",
    ));
    c.push(world("world-syntax", "invalid", "users: [\n"));
    c.push(world(
        "world-unknown-field",
        "invalid",
        format!("{WORLD}bogus: 1\n"),
    ));
    #[cfg(unix)]
    {
        let sandbox = |name: &str, expect: &'static str, f: fn(&Path, &Path) -> bool| {
            case(name, Run::Sandbox, expect, move |d, o| {
                std::fs::write(d.join("org.yaml"), ORG).unwrap();
                std::fs::create_dir_all(d.join(".roster")).unwrap();
                f(d, o)
            })
        };
        c.push(sandbox(
            "world-link-out",
            "outside the config directory",
            |d, o| {
                symlink(o.join("secret.yaml"), d.join(".roster/sandbox.world.yaml"));
                true
            },
        ));
        c.push(sandbox(
            "world-link-environ",
            "outside the config directory",
            |d, _| {
                symlink("/proc/self/environ", d.join(".roster/sandbox.world.yaml"));
                true
            },
        ));
        c.push(sandbox(
            "world-link-dev-zero",
            "outside the config directory",
            |d, _| {
                symlink("/dev/zero", d.join(".roster/sandbox.world.yaml"));
                true
            },
        ));
        c.push(sandbox("world-fifo", "not a regular file", |d, _| {
            mkfifo(&d.join(".roster/sandbox.world.yaml"))
        }));
        c.push(sandbox("world-sparse-huge", "larger than", |d, _| {
            let f = std::fs::File::create(d.join(".roster/sandbox.world.yaml")).unwrap();
            f.set_len(1 << 40).unwrap();
            true
        }));
        c.push(sandbox(
            "state-dir-link-out",
            "outside the config directory",
            |d, o| {
                std::fs::write(d.join(".roster/sandbox.world.yaml"), WORLD).unwrap();
                symlink(o, d.join(".roster/sandbox"));
                true
            },
        ));
        c.push(sandbox(
            "state-link-out",
            "outside the config directory",
            |d, o| {
                std::fs::write(d.join(".roster/sandbox.world.yaml"), WORLD).unwrap();
                std::fs::create_dir(d.join(".roster/sandbox")).unwrap();
                symlink(o.join("secret.yaml"), d.join(".roster/sandbox/state.yaml"));
                true
            },
        ));
        c.push(sandbox("state-fifo", "not a regular file", |d, _| {
            std::fs::write(d.join(".roster/sandbox.world.yaml"), WORLD).unwrap();
            std::fs::create_dir(d.join(".roster/sandbox")).unwrap();
            mkfifo(&d.join(".roster/sandbox/state.yaml"))
        }));
        c.push(sandbox("state-invalid", "invalid", |d, _| {
            std::fs::write(d.join(".roster/sandbox.world.yaml"), WORLD).unwrap();
            std::fs::create_dir(d.join(".roster/sandbox")).unwrap();
            std::fs::write(d.join(".roster/sandbox/state.yaml"), "users: [\n").unwrap();
            true
        }));
    }

    // One platform user under two references: valid offline, an error at plan time.
    let identity = |name: &str, config: String| {
        case(name, Run::Identity, "are one platform user", move |d, _| {
            std::fs::write(d.join("org.yaml"), &config).unwrap();
            std::fs::create_dir_all(d.join(".roster")).unwrap();
            std::fs::write(d.join(".roster/sandbox.world.yaml"), WORLD).unwrap();
            true
        })
    };
    c.push(identity(
        "identity-org-members",
        format!(
            "{ORG}  - {{user: alice, role: member}}\n  - {{user: alice@uni.edu.au, role: owner}}\n"
        ),
    ));
    c.push(identity(
        "identity-team-members",
        "kind: Organization\nname: lab\nteams:\n  - name: admins\n    members: [alice, Alice@Uni.edu.au]\n".to_string(),
    ));
    c.push(identity(
        "identity-participants",
        format!("{ORG}---\nkind: Workspace\norg: lab\nname: ws\nparticipants:\n  - {{user: alice, role: admin}}\n  - {{user: alice@uni.edu.au, role: view}}\n"),
    ));
    c
}

/// Every path under `dir` (links not followed) with its type, size and, for small regular
/// files, content.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&p) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let desc = if meta.is_dir() {
                stack.push(path.clone());
                "dir".to_string()
            } else if meta.is_file() {
                let content = if meta.len() < (1 << 20) {
                    std::fs::read(&path).unwrap_or_default()
                } else {
                    Vec::new()
                };
                format!("file {} {:?}", meta.len(), content)
            } else if meta.file_type().is_symlink() {
                format!("link {:?}", std::fs::read_link(&path).ok())
            } else {
                "special".to_string()
            };
            out.insert(path, desc);
        }
    }
    out
}

struct Ran {
    code: Option<i32>,
    out: String,
    timed_out: bool,
    elapsed: Duration,
}

/// Run the binary with `args`, under the memory cap, killed after [`TIMEOUT`].
fn run_capped(args: &[&str]) -> Ran {
    let bin = env!("CARGO_BIN_EXE_roster");
    let mut cmd = if Path::new("/usr/bin/prlimit").exists() {
        let mut c = Command::new("/usr/bin/prlimit");
        c.arg(format!("--as={LIMIT_BYTES}")).arg("--").arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.args(args)
        .current_dir(manifest_dir())
        .env_remove("TOWER_ACCESS_TOKEN")
        .env_remove("TOWER_API_ENDPOINT")
        .env_remove("ROSTER_LOG")
        .env("NO_COLOR", "1")
        .env("HOSTILE_SECRET", SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn roster");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = stdout.read_to_end(&mut b);
        b
    });
    let err_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = stderr.read_to_end(&mut b);
        b
    });
    let mut timed_out = false;
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > TIMEOUT {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait after kill");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    let mut out = out_t.join().unwrap();
    out.extend(err_t.join().unwrap());
    Ran {
        code: status.code(),
        out: String::from_utf8_lossy(&out).into_owned(),
        timed_out,
        elapsed,
    }
}

/// Run one case; the problems found, if any (empty when it passes or cannot be set up here).
fn check(case: &Case) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.yaml"),
        format!("kind: Settings\n# {SECRET}\nsecret: {SECRET}\n"),
    )
    .unwrap();
    let d = dir.path();
    if !(case.setup)(d, outside.path()) {
        eprintln!("hostile: {} skipped: not permitted here", case.name);
        return Ok(());
    }
    let shown = d.display().to_string();
    let before = (snapshot(d), snapshot(outside.path()));
    let mut problems = Vec::new();
    let target = match case.run {
        Run::ValidateAt(p) => d.join(p).display().to_string(),
        _ => shown.clone(),
    };
    if case.run == Run::Identity {
        let ok = run_capped(&["validate", "--color", "never", &shown]);
        if ok.code != Some(0) {
            problems.push(format!(
                "validate should pass, got {:?}: {}",
                ok.code, ok.out
            ));
        }
    }
    let args: Vec<&str> = match case.run {
        Run::Validate | Run::ValidateAt(_) => vec!["validate", "--color", "never", &target],
        Run::Sandbox | Run::Identity => vec!["plan", "--sandbox", "--color", "never", &shown],
    };
    let ran = run_capped(&args);
    if ran.timed_out {
        problems.push(format!("killed after {TIMEOUT:?}"));
    }
    if ran.code != Some(1) {
        problems.push(format!("exit {:?}, expected 1", ran.code));
    }
    if ran.out.contains("panicked") {
        problems.push("panicked".into());
    }
    if ran.out.contains(SECRET) {
        problems.push("the secret marker was printed".into());
    }
    for bad in ['\u{1b}', '\u{9b}', '\u{202e}', '\0', '\u{7}'] {
        if ran.out.contains(bad) {
            problems.push(format!("raw {bad:?} in the output"));
        }
    }
    if !ran.out.contains(case.expect) {
        problems.push(format!("output lacks {:?}", case.expect));
    }
    // Located (`--> DIR/…:L:C`), or a message naming a file of the case.
    let located = ran
        .out
        .lines()
        .any(|l| l.trim_start().starts_with(&format!("--> {shown}")));
    if case.run == Run::Identity {
        // Both declarations, each as `file:line:col`.
        let places = ran
            .out
            .lines()
            .filter(|l| {
                l.trim_start()
                    .starts_with(&format!("--> {shown}/org.yaml:"))
            })
            .count();
        if places != 2 {
            problems.push(format!("{places} places named, expected both"));
        }
        if ran.out.contains("roster plan for") {
            problems.push("a plan was printed".into());
        }
    }
    if !located && !ran.out.contains(&shown) {
        problems.push("neither located nor naming a file".into());
    }
    let mut after = (snapshot(d), snapshot(outside.path()));
    if case.run == Run::Identity {
        // The sandbox keeps its state inside the directory; the platform itself is not written.
        after
            .0
            .retain(|p, _| !p.starts_with(d.join(".roster/sandbox")));
    }
    if before != after {
        problems.push("files were written".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        let tail: String = ran.out.chars().take(1500).collect();
        Err(format!(
            "{} ({:.1} s): {}\n{tail}",
            case.name,
            ran.elapsed.as_secs_f64(),
            problems.join("; ")
        ))
    }
}

#[test]
fn hostile_inputs_fail_cleanly_within_bounds() {
    let cases = cases();
    assert!(cases.len() >= 100, "only {} cases", cases.len());
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "case names are unique");
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        // Two workers: enough to keep the suite short, few enough to leave the timing-sensitive
        // tests running beside it their share of a small machine.
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    if let Err(e) = check(case) {
                        failures.lock().unwrap().push(e);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} hostile cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
