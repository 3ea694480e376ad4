//! Real responses recorded from the platform (tests/fixtures/seqera-api/recorded/) deserialize
//! into the client's own DTOs (`roster::platform::seqera::dto`), and every field the client keeps
//! reads the recorded value: each DTO is serialized back and compared with the recording, so a
//! misspelled or mistyped field, or a list read as empty, fails here rather than in production.
//!
//! Every recorded file must be mapped to the DTO of its endpoint or listed in `NOT_CALLED` with
//! the reason: a new recording cannot be skipped silently.

use std::path::{Path, PathBuf};

use roster::platform::seqera::dto::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Recordings of endpoints the client never calls, so it has no DTO for them.
const NOT_CALLED: &[(&str, &str)] = &[
    (
        "participants/candidates_list.json",
        "participant candidates: not in the spec, roster does not call it",
    ),
    (
        "workspaces/workspaces_list.json",
        "GET /user/{userId}/workspaces (orgsAndWorkspaces): roster lists workspaces per \
         organization with GET /orgs/{orgId}/workspaces instead",
    ),
];

fn recorded_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seqera-api/recorded")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// Deserialize into `T`, serialize again, and return every kept field whose value differs from
/// the recording (by JSON path).
fn read_back<T: DeserializeOwned + Serialize>(original: &Value) -> Result<Vec<String>, String> {
    let dto: T = serde_json::from_value(original.clone()).map_err(|e| e.to_string())?;
    let back = serde_json::to_value(&dto).map_err(|e| e.to_string())?;
    let mut wrong = Vec::new();
    compare(&back, original, "$", &mut wrong);
    Ok(wrong)
}

/// Walk what the DTO kept (`back`) against the recording.
fn compare(back: &Value, orig: &Value, at: &str, wrong: &mut Vec<String>) {
    match (back, orig) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, bv) in b {
                let sub = format!("{at}.{k}");
                match o.get(k) {
                    Some(ov) => compare(bv, ov, &sub, wrong),
                    // A field absent from this recording must have been read as absent.
                    None if bv.is_null() || bv == &Value::Array(vec![]) => {}
                    None => wrong.push(format!("{sub}: {bv} but not recorded")),
                }
            }
        }
        (Value::Array(b), Value::Array(o)) if b.len() == o.len() => {
            for (i, (bv, ov)) in b.iter().zip(o).enumerate() {
                compare(bv, ov, &format!("{at}[{i}]"), wrong);
            }
        }
        _ if back == orig => {}
        _ => wrong.push(format!("{at}: recorded {orig}, read {back}")),
    }
}

#[test]
fn every_recorded_response_deserializes_into_the_client_dtos() {
    let dir = recorded_dir();
    let mut all = Vec::new();
    files(&dir, &mut all);
    all.sort();
    assert!(all.len() >= 20, "fixtures missing: {all:?}");
    let mut checked = 0;
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    for path in all {
        let rel = path
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&path).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        if NOT_CALLED.iter().any(|(f, _)| *f == rel) {
            skipped.push(rel);
            continue;
        }
        let result = match rel.as_str() {
            "user.json" => read_back::<DescribeUserResponse>(&value),
            "info/service-info.json" | "info/service-info-obsolete.json" => {
                read_back::<ServiceInfoResponse>(&value)
            }
            "organizations/organizations_list.json" => {
                read_back::<ListOrganizationsResponse>(&value)
            }
            "organizations/organizations_add_response.json"
            | "organizations/organizations_view.json" => read_back::<OrganizationResponse>(&value),
            "collaborators/collaborators_list.json"
            | "members/members_list.json"
            | "members/members_list_filter.json"
            | "members/members_list_filtered.json"
            | "teams/members/members_list.json" => read_back::<ListMembersResponse>(&value),
            "members/member_add.json" | "teams/members/member_add.json" => {
                read_back::<MemberResponse>(&value)
            }
            "teams/teams_list.json" | "teams/teams_list_redux.json" => {
                read_back::<ListTeamResponse>(&value)
            }
            "teams/teams_add.json" => read_back::<TeamResponse>(&value),
            "workspaces/workspaces_add_response.json"
            | "workspaces/workspaces_update_response.json"
            | "workspaces/workspaces_view.json" => read_back::<WorkspaceResponse>(&value),
            "workspaces/settings/studios_settings.json" => {
                read_back::<StudiosSettingsResponse>(&value)
            }
            "participants/participants_list.json"
            | "participants/participants_list_filter.json" => {
                read_back::<ListParticipantsResponse>(&value)
            }
            "participants/participant_add.json" | "participants/team_add.json" => {
                read_back::<ParticipantResponse>(&value)
            }
            other => panic!(
                "recorded/{other} has no client DTO mapping: map it to its endpoint's DTO, or list \
                 it in NOT_CALLED with the reason"
            ),
        };
        match result {
            Ok(wrong) if wrong.is_empty() => checked += 1,
            Ok(wrong) => failures.push(format!("recorded/{rel}: fields misread: {wrong:?}")),
            Err(e) => failures.push(format!("recorded/{rel} does not deserialize: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let mut listed: Vec<&str> = NOT_CALLED.iter().map(|(f, _)| *f).collect();
    listed.sort();
    skipped.sort();
    assert_eq!(
        skipped, listed,
        "every NOT_CALLED entry names a recorded file"
    );
    assert!(checked >= 22, "{checked}");
}

#[test]
fn a_misread_field_is_reported() {
    // The comparison itself: a DTO that reads a list as empty, or a value differently, is caught.
    let recorded: Value = serde_json::json!({"members": [{"memberId": 1, "role": "owner"}]});
    let mut wrong = Vec::new();
    compare(
        &serde_json::json!({"members": [], "totalSize": null}),
        &recorded,
        "$",
        &mut wrong,
    );
    compare(
        &serde_json::json!({"members": [{"memberId": 1, "role": null}]}),
        &recorded,
        "$",
        &mut wrong,
    );
    assert_eq!(wrong.len(), 2, "{wrong:?}");
    assert!(
        read_back::<ListMembersResponse>(&recorded)
            .unwrap()
            .is_empty()
    );
}
