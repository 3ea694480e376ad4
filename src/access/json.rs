//! JSON views of the matrix and of one person's grants, for tools. Both carry
//! `formatVersion` ([`FORMAT_VERSION`]); cells and org roles are keyed by name (`ORG/WS`,
//! `ORG`), so a reader needs no column order.
//!
//! It must not compute access or do I/O.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::matrix::Matrix;

/// The version of the JSON formats below; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// The matrix as pretty-printed JSON.
pub fn matrix(m: &Matrix, source: &str) -> String {
    let rows: Vec<Value> = m
        .rows
        .iter()
        .map(|r| {
            let mut roles = Map::new();
            for (o, role) in m.orgs.iter().zip(&r.org_roles) {
                if let Some(role) = role {
                    roles.insert(o.name.clone(), json!(role));
                }
            }
            let mut cells = Map::new();
            for (c, col) in r.cells.iter().zip(&m.columns) {
                if let Some(c) = c {
                    cells.insert(format!("{}/{}", col.org, col.workspace), json!(c));
                }
            }
            json!({"user": r.user, "orgRoles": roles, "teams": r.teams, "workspaces": cells})
        })
        .collect();
    let doc = json!({
        "formatVersion": FORMAT_VERSION,
        "source": source,
        "orgs": m.orgs,
        "workspaces": m.columns,
        "people": rows,
    });
    serde_json::to_string_pretty(&doc).expect("json") + "\n"
}

/// The grants of each person a query matched (usually one), each a list of [`Fact`](super::person::Fact)s, or
/// of [`Compared`](super::person::Compared) facts (each with its `mark`) when `compared` with the platform.
pub fn people<T: Serialize>(source: &str, compared: bool, entries: &[(String, Vec<T>)]) -> String {
    let people: Vec<Value> = entries
        .iter()
        .map(|(user, grants)| json!({"user": user, "grants": grants}))
        .collect();
    let doc = json!({
        "formatVersion": FORMAT_VERSION,
        "source": source,
        "comparedWithPlatform": compared,
        "people": people,
    });
    serde_json::to_string_pretty(&doc).expect("json") + "\n"
}
