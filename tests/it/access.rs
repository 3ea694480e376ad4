//! `roster access`: one person's grants offline and compared with a platform (the sandbox), and
//! the access matrix in every format, the HTML one checked in headless Chromium (Debian's
//! `chromium`; `.ci/run` installs it). Without Chromium the browser test is skipped with a
//! message, except under `CI`, where it fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{copy_dir, expect_exit, manifest_dir, roster, stderr, stdout};

const LAB: &str = "tests/fixtures/access/lab";

const PEOPLE: [&str; 5] = [
    "ada@lab.org",
    "bob@lab.org",
    "jane.doe@lab.org",
    "kim",
    "visitor@partner.org",
];

fn access(args: &[&str]) -> String {
    let mut cmd = roster();
    cmd.arg("access").args(args);
    stdout(&expect_exit(&mut cmd, 0))
}

/// The first line of `text` that mentions every one of `words`.
fn line_with<'a>(text: &'a str, words: &[&str]) -> &'a str {
    text.lines()
        .find(|l| words.iter().all(|w| l.contains(w)))
        .unwrap_or_else(|| panic!("no line with {words:?} in:\n{text}"))
}

#[test]
fn a_persons_grants_come_from_the_config_with_where_each_comes_from() {
    // Matched case-insensitively by email.
    let out = access(&["JANE.DOE@lab.org", LAB]);
    assert!(
        out.starts_with("jane.doe@lab.org, from the config in"),
        "{out}"
    );
    line_with(&out, &["organization role", "member"]);
    line_with(&out, &["team", "admins"]);
    // Her team's maintain is above her own launch: that is her effective role in alpha.
    let alpha = line_with(&out, &["workspace", "alpha: maintain, through team admins"]);
    assert!(!alpha.contains("below"), "{alpha}");
    line_with(
        &out,
        &["also", "alpha: launch, direct; below the effective role"],
    );
    line_with(&out, &["workspace", "beta: admin, direct"]);
    assert!(
        !out.contains("gamma"),
        "gamma's participants are unmanaged:\n{out}"
    );

    // By user name; a custom role is named as one.
    let kim = access(&["Kim", LAB]);
    line_with(&kim, &["workspace", "alpha: runner (custom role), direct"]);
    line_with(&kim, &["workspace", "beta: view, through team readers"]);

    // A collaborator: no membership, but a participation.
    let visitor = access(&["visitor@partner.org", LAB]);
    line_with(&visitor, &["organization role", "collaborator"]);
    line_with(&visitor, &["alpha: view, direct"]);

    let both = expect_exit(roster().args(["access", "--matrix", "kim", LAB]), 1);
    assert!(stderr(&both).contains("with --matrix, give only the config directory"));
    let none = expect_exit(roster().args(["access", "nobody@lab.org", LAB]), 1);
    assert!(
        stderr(&none).contains("nobody named nobody@lab.org has access"),
        "{}",
        stderr(&none)
    );
}

#[test]
fn a_persons_grants_as_json() {
    let out = access(&["jane.doe@lab.org", LAB, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["formatVersion"], 1);
    assert_eq!(v["comparedWithPlatform"], false);
    let grants = v["people"][0]["grants"].as_array().unwrap();
    assert_eq!(v["people"][0]["user"], "jane.doe@lab.org");
    let alpha: Vec<&serde_json::Value> = grants
        .iter()
        .filter(|g| g["kind"] == "workspace" && g["workspace"] == "alpha")
        .collect();
    assert_eq!(alpha.len(), 2, "{grants:?}");
    assert_eq!(alpha[0]["role"], "maintain");
    assert_eq!(alpha[0]["via"], "admins");
    assert_eq!(alpha[0]["effective"], true);
    assert_eq!(alpha[1]["role"], "launch");
    assert!(alpha[1].get("via").is_none());
    // Formats for the matrix only are refused for one person.
    let o = expect_exit(
        roster().args(["access", "jane.doe@lab.org", LAB, "--format", "csv"]),
        1,
    );
    assert!(stderr(&o).contains("are for --matrix"), "{}", stderr(&o));
}

#[test]
fn live_access_marks_what_differs_between_config_and_platform() {
    let dir = copy_dir(&manifest_dir().join(LAB));
    let d = dir.path().to_str().unwrap();

    let jane = access(&["jdoe", d, "--sandbox"]);
    assert!(jane.contains("compared with the platform"), "{jane}");
    assert!(
        line_with(&jane, &["team", "admins"]).starts_with('+'),
        "{jane}"
    );
    let alpha = line_with(&jane, &["alpha: maintain, through team admins"]);
    assert!(
        alpha.starts_with('+') && alpha.ends_with("only in config"),
        "{alpha}"
    );
    let beta = line_with(&jane, &["beta: admin, direct"]);
    assert!(beta.starts_with(' ') && !beta.contains("only"), "{beta}");
    assert!(line_with(&jane, &["alpha: launch, direct"]).starts_with(' '));

    // The config names kim by user name; the platform knows her email: one person.
    let kim = access(&["kim@lab.org", d, "--live", "--sandbox"]);
    let want = line_with(&kim, &["alpha: runner (custom role), direct"]);
    assert!(want.starts_with('+'), "{kim}");
    let have = line_with(&kim, &["alpha: view, direct"]);
    assert!(
        have.starts_with('-') && have.ends_with("only on the platform"),
        "{kim}"
    );

    // Someone only the platform has.
    let old = access(&["old@lab.org", d, "--sandbox", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&old).unwrap();
    assert_eq!(v["comparedWithPlatform"], true);
    let marks: Vec<(String, String)> = v["people"][0]["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["kind"].as_str().unwrap().into(),
                g["mark"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        marks,
        vec![
            ("orgRole".to_string(), "onlyOnPlatform".to_string()),
            ("workspace".to_string(), "onlyOnPlatform".to_string()),
        ]
    );
}

#[test]
fn the_matrix_as_text_markdown_and_json() {
    let text = access(&["--matrix", LAB]);
    let head = text.lines().next().unwrap();
    for h in ["person", "org role", "alpha", "beta", "gamma", "teams"] {
        assert!(head.contains(h), "{head}");
    }
    for p in PEOPLE {
        assert!(text.contains(p), "{p} missing:\n{text}");
    }
    let jane = line_with(&text, &["jane.doe@lab.org"]);
    assert!(
        jane.contains("maintain*") && jane.contains("admin "),
        "{jane}"
    );
    assert!(
        line_with(&text, &["kim "]).contains('?'),
        "gamma is unknown:\n{text}"
    );

    let md = access(&["--matrix", LAB, "--format", "markdown"]);
    let rows = md.lines().filter(|l| l.starts_with("| ")).count();
    assert_eq!(rows, 1 + PEOPLE.len(), "{md}");
    assert!(md.contains("|---|"), "{md}");
    assert!(
        !md.contains("<script>"),
        "unescaped HTML in Markdown:\n{md}"
    );

    let json = access(&["--matrix", LAB, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["people"].as_array().unwrap().len(), PEOPLE.len());
    assert_eq!(v["workspaces"].as_array().unwrap().len(), 3);
    let jane = v["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["user"] == "jane.doe@lab.org")
        .unwrap();
    assert_eq!(jane["orgRoles"]["lab"], "member");
    assert_eq!(jane["workspaces"]["lab/alpha"]["role"], "maintain");
    assert_eq!(jane["workspaces"]["lab/alpha"]["via"], "admins");
    assert_eq!(jane["workspaces"]["lab/beta"]["role"], "admin");
    assert_eq!(v["workspaces"][2]["participantsKnown"], false);
}

#[test]
fn the_matrix_as_rfc_4180_csv() {
    let csv = access(&["--matrix", LAB, "--format", "csv"]);
    assert!(csv.ends_with("\r\n"));
    let records: Vec<&str> = csv.split_terminator("\r\n").collect();
    assert_eq!(records.len(), 1 + PEOPLE.len(), "{csv:?}");
    assert!(!records.iter().any(|r| r.contains('\n') || r.contains('\r')));
    assert_eq!(records[0], "person,org role,alpha,beta,gamma,teams");
    // Bob is on two teams: the field holds a comma, so it is quoted.
    let bob = records
        .iter()
        .find(|r| r.starts_with("bob@lab.org,"))
        .unwrap();
    assert_eq!(
        *bob,
        "bob@lab.org,owner,maintain via admins,view via readers,,\"admins, readers\""
    );
    let kim = records.iter().find(|r| r.starts_with("kim,")).unwrap();
    assert_eq!(*kim, "kim,member,runner,view via readers,,readers");
}

/// Chromium, when installed (`ROSTER_CHROMIUM` names another binary).
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ROSTER_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|n| std::env::split_paths(&path).map(move |d| d.join(n)))
        .find(|p| p.is_file())
}

/// The DOM of `url` after its scripts ran, and Chromium's log (console messages included).
fn dump_dom(chromium: &Path, url: &str, profile: &Path) -> (String, String) {
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", url])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).unwrap();
        s
    });
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (out.join().unwrap(), err.join().unwrap())
}

/// The `<tr data-person=…>` rows of a dumped DOM, in order, with whether each is hidden.
fn rows(dom: &str) -> Vec<(String, bool)> {
    dom.split("<tr data-person=\"")
        .skip(1)
        .map(|r| {
            let (person, rest) = r.split_once('"').unwrap();
            let tag_end = rest.find('>').unwrap();
            (person.to_string(), rest[..tag_end].contains("hidden"))
        })
        .collect()
}

#[test]
fn the_html_matrix_works_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
        if ci {
            panic!("chromium is not installed: .ci/run installs Debian's chromium package");
        }
        eprintln!(
            "SKIPPED the_html_matrix_works_in_headless_chromium: no chromium on PATH (apt-get install chromium); CI fails instead"
        );
        return;
    };
    let html = access(&["--matrix", LAB, "--format", "html"]);
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("matrix.html");
    std::fs::write(&page, &html).unwrap();
    let url = format!("file://{}", page.display());

    let (dom, log) = dump_dom(&chromium, &url, &tmp.path().join("p1"));
    assert!(
        dom.contains("data-ready=\"1\""),
        "the page's script did not run:\n{dom}\n{log}"
    );
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    for p in PEOPLE {
        assert!(
            dom.contains(&format!("<th scope=\"row\">{p}</th>")),
            "{p} missing:\n{dom}"
        );
    }
    for w in ["alpha", "beta", "gamma"] {
        assert!(
            dom.contains(&format!("<button type=\"button\">{w}</button>")),
            "{w}"
        );
    }
    assert!(
        rows(&dom).iter().all(|(_, hidden)| !hidden),
        "nothing filtered yet"
    );
    // The hostile full name is text, not markup: the page's script is its only script.
    assert_eq!(dom.matches("<script").count(), 1, "{dom}");
    assert!(
        dom.contains("&lt;script&gt;alert('pwned')&lt;/script&gt; &amp; Co"),
        "{dom}"
    );
    assert!(dom.contains("5 of 5 people shown"), "{dom}");

    // A filter from the URL fragment hides every other row.
    let (dom, log) = dump_dom(
        &chromium,
        &format!("{url}#filter=JANE"),
        &tmp.path().join("p2"),
    );
    assert!(dom.contains("data-ready=\"1\""), "{log}");
    let shown: Vec<String> = rows(&dom)
        .into_iter()
        .filter(|(_, h)| !h)
        .map(|(p, _)| p)
        .collect();
    assert_eq!(shown, vec!["jane.doe@lab.org".to_string()]);
    assert!(dom.contains("1 of 5 people shown"), "{dom}");

    // Sorting by a workspace column (beta, column 3), highest role first.
    let (dom, _) = dump_dom(
        &chromium,
        &format!("{url}?sort=3&order=desc"),
        &tmp.path().join("p3"),
    );
    let order: Vec<String> = rows(&dom).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        order,
        vec![
            "jane.doe@lab.org",
            "bob@lab.org",
            "kim",
            "ada@lab.org",
            "visitor@partner.org"
        ],
        "admin, then view (bob, kim), then nothing"
    );
    assert!(dom.contains("aria-sort=\"descending\""));
}

#[test]
fn a_persons_grants_show_their_declared_ends_and_reasons() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("lab.yaml"),
        "kind: Organization\nname: lab\nmembers:\n  - {user: ada@lab.org, role: owner}\n  - user: stu@lab.org\n    expires: 2031-03-01\n    reason: honours year\nteams:\n  - name: course\n    members:\n      - {user: stu@lab.org, expires: 2031-02-01, reason: semester one}\n---\nkind: Workspace\norg: lab\nname: train\nparticipants:\n  - {team: course, role: launch}\n  - {user: stu@lab.org, role: view, expires: 2030-12-20T17:00:00+10:00, reason: workshop}\n",
    )
    .unwrap();
    let d = dir.path().to_str().unwrap();
    let out = access(&["stu@lab.org", d]);
    let org = line_with(&out, &["organization role", "member"]);
    assert!(org.contains("expires 2031-03-01 (honours year)"), "{out}");
    let team = line_with(&out, &["team", "course"]);
    assert!(team.contains("expires 2031-02-01 (semester one)"), "{out}");
    // The role through the team ends with the team membership; the own one with itself.
    let through = line_with(&out, &["train: launch", "through team course"]);
    assert!(
        through.contains("expires 2031-02-01 (semester one)"),
        "{out}"
    );
    let own = line_with(&out, &["train: view", "direct"]);
    assert!(
        own.contains("expires 2030-12-20T07:00:00Z (workshop)"),
        "{out}"
    );
    // Ada's grants declare no end.
    assert!(!access(&["ada@lab.org", d]).contains("expires"));

    let json: serde_json::Value =
        serde_json::from_str(&access(&["stu@lab.org", d, "--format", "json"])).unwrap();
    let grants = json["people"][0]["grants"].as_array().unwrap();
    let member = grants.iter().find(|g| g["kind"] == "orgRole").unwrap();
    assert_eq!(member["expires"], "2031-03-01", "{grants:?}");
    assert_eq!(member["reason"], "honours year");
    let own = grants
        .iter()
        .find(|g| g["kind"] == "workspace" && g["role"] == "view")
        .unwrap();
    assert_eq!(own["expires"], "2030-12-20T07:00:00Z");
}
