//! Studios settings as the console has them (`lifespanHours: 1..120` or `lifespan: always`, with
//! `lifespanHours: 0` the same as always) and labels as the console checks them (dynamic
//! resource label values kept literally): planned, applied and round-tripped through the emulator.

use serde_json::Value;

use crate::support::{Platform, config_dir, expect_exit, roster, stderr, stdout};

const WORLD: &str = "\
users:
  - {email: admin@lab.org, userName: admin, token: admin-token}
organizations:
  - name: lab
    members:
      - {email: admin@lab.org, role: owner}
    workspaces:
      - name: ws
        studios: {lifespanHours: 8, containerRepository: cr.lab.org/studios, nameStrategy: tagPrefix}
";

fn config(studios: &str, labels: &str) -> String {
    format!(
        "kind: Organization\nname: lab\nmembers:\n  - {{user: admin@lab.org, role: owner}}\n---\nkind: Workspace\norg: lab\nname: ws\n{studios}{labels}"
    )
}

fn plan_json(p: &Platform, dir: &str) -> Value {
    let out = expect_exit(&mut p.roster(&["plan", dir, "--format", "json"]), 0);
    serde_json::from_str(&stdout(&out)).unwrap()
}

fn studios(p: &Platform) -> (i32, Option<String>, Option<String>) {
    let w = p.handle.world();
    let s = w.organizations[0].workspaces[0]
        .studios
        .clone()
        .unwrap_or_default();
    (
        s.lifespan_hours,
        s.container_repository,
        s.name_strategy.map(|n| n.value),
    )
}

#[test]
fn lifespan_always_is_planned_as_the_api_zero_and_keeps_the_other_settings() {
    let p = Platform::start(WORLD);
    let dir = config_dir(&[("c.yaml", &config("studios: {lifespan: always}\n", ""))]);
    let d = dir.path().to_str().unwrap();
    let plan = plan_json(&p, d);
    let c = &plan["changes"][0];
    assert_eq!(c["kind"], "studios");
    assert_eq!(c["before"]["lifespanHours"], 8);
    assert_eq!(c["after"]["lifespanHours"], "always");
    assert_eq!(c["exec"]["lifespan_hours"], 0);
    let text = expect_exit(&mut p.roster(&["plan", d]), 0);
    assert!(
        stdout(&text).contains("studios: lifespanHours 8 → always"),
        "{}",
        stdout(&text)
    );
    expect_exit(&mut p.roster(&["apply", d, "--auto-approve"]), 0);
    assert_eq!(
        studios(&p),
        (
            0,
            Some("cr.lab.org/studios".to_string()),
            Some("tagPrefix".to_string())
        ),
        "always is the API's 0; the other settings are kept"
    );
    expect_exit(&mut p.roster(&["plan", d, "--detailed-exitcode"]), 0);
    // Today's `lifespanHours: 0` is the same thing: nothing to change.
    let zero = config_dir(&[("c.yaml", &config("studios: {lifespanHours: 0}\n", ""))]);
    expect_exit(
        &mut p.roster(&["plan", zero.path().to_str().unwrap(), "--detailed-exitcode"]),
        0,
    );
}

#[test]
fn a_lifespan_in_hours_round_trips_from_1_to_120() {
    let p = Platform::start(WORLD);
    for hours in [1, 120] {
        let dir = config_dir(&[(
            "c.yaml",
            &config(&format!("studios: {{lifespanHours: {hours}}}\n"), ""),
        )]);
        let d = dir.path().to_str().unwrap();
        expect_exit(&mut p.roster(&["apply", d, "--auto-approve"]), 0);
        assert_eq!(studios(&p).0, hours);
        expect_exit(&mut p.roster(&["plan", d, "--detailed-exitcode"]), 0);
    }
}

#[test]
fn export_writes_an_unlimited_lifespan_as_always() {
    let p = Platform::start(&WORLD.replace("lifespanHours: 8", "lifespanHours: 0"));
    let dir = tempfile::tempdir().unwrap();
    let out = p
        .roster(&["export", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ws = std::fs::read_to_string(dir.path().join("workspaces/lab/ws.yaml")).unwrap();
    assert!(ws.contains("studios:\n  lifespan: always\n"), "{ws}");
    expect_exit(
        &mut p.roster(&["plan", dir.path().to_str().unwrap(), "--detailed-exitcode"]),
        0,
    );
}

#[test]
fn dynamic_resource_label_values_are_created_literally_and_never_expanded() {
    let p = Platform::start(WORLD);
    let labels = "labels:\n  - {name: run, value: \"${workflowId}\", resource: true}\n  - {name: session, value: \"nf-${sessionId}\", resource: true}\n  - {name: launcher, value: \"${userName}\", resource: true}\n  - {name: atlas}\n";
    let dir = config_dir(&[("c.yaml", &config("", labels))]);
    let d = dir.path().to_str().unwrap();
    let v = expect_exit(roster().args(["validate", d]), 0);
    assert!(
        !stderr(&v).contains("warning"),
        "known variables give no warning: {}",
        stderr(&v)
    );
    let plan = plan_json(&p, d);
    let values: Vec<&str> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["exec"]["value"].as_str())
        .collect();
    assert_eq!(values, ["${userName}", "${workflowId}", "nf-${sessionId}"]);
    expect_exit(&mut p.roster(&["apply", d, "--auto-approve"]), 0);
    let w = p.handle.world();
    let live: Vec<(String, Option<String>)> = w.organizations[0].workspaces[0]
        .labels
        .iter()
        .map(|l| (l.name.value.clone(), l.value.clone()))
        .collect();
    assert!(
        live.contains(&("run".to_string(), Some("${workflowId}".to_string()))),
        "{live:?}"
    );
    assert!(live.contains(&("session".to_string(), Some("nf-${sessionId}".to_string()))));
    expect_exit(&mut p.roster(&["plan", d, "--detailed-exitcode"]), 0);
}

#[test]
fn an_unknown_dynamic_variable_is_kept_with_a_warning() {
    let labels = "labels:\n  - {name: team, value: \"${teamName}\", resource: true}\n";
    let dir = config_dir(&[("c.yaml", &config("", labels))]);
    let out = expect_exit(roster().args(["validate", dir.path().to_str().unwrap()]), 0);
    let err = stderr(&out);
    assert!(
        err.contains("warning[invalid-value]: `${teamName}` is not a dynamic label variable roster knows; it is kept as written"),
        "{err}"
    );
    assert!(err.contains("c.yaml:10:"), "located: {err}");
}
