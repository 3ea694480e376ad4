//! `roster export`'s writer: a live model in, a config repository out, as `(path, text)` pairs —
//! `roster.yaml` (Settings), one `organizations/ORG.yaml` per org and one
//! `workspaces/ORG/NAME.yaml` per workspace, plus the JSON Schema their modelines name.
//!
//! Deterministic: everything is sorted (owners first, then by user; teams before users in
//! participant lists), users are named by email where the platform has one, and the only
//! varying input is the date the caller passes. Every list is written out in full (present lists
//! are authoritative), so planning the result against the same platform finds no changes.
//! This module must not read the platform, the clock or the file system.

use std::collections::BTreeSet;

use crate::adopt::yaml::Doc;
use crate::adopt::{SCHEMA_PATH, modeline};
use crate::config::desired::workspace_role_rank;
use crate::config::validate::is_valid_label;
use crate::live::{Live, LiveMember, LiveOrg, LiveParticipant, LiveWorkspace, ParticipantKind};

/// Where the export came from, for the Settings and the header comments.
#[derive(Debug, Clone)]
pub struct Source<'a> {
    /// The command that writes the files, for the header (`roster export`).
    pub tool: &'a str,
    /// Where the content came from (the endpoint read, or the files imported), for the header.
    pub from: &'a str,
    /// The API endpoint the Settings name.
    pub endpoint: &'a str,
    /// The name of the platform in Settings.
    pub platform: &'a str,
    /// The environment variable that holds the token (never the token).
    pub token_env: &'a str,
    /// The export's date, as the header comment shows it.
    pub date: &'a str,
}

/// The files of a config repository exported from `live`, sorted by path.
pub fn export(src: &Source<'_>, live: &Live, schema_json: &str) -> Vec<(String, String)> {
    let mut files = vec![
        ("roster.yaml".to_string(), settings(src)),
        (SCHEMA_PATH.to_string(), schema_json.to_string()),
    ];
    for org in live.orgs.values() {
        let path = format!("organizations/{}.yaml", org.name);
        let text = organization(src, &path, org);
        files.push((path, text));
        for ws in &org.workspaces {
            let path = format!("workspaces/{}/{}.yaml", org.name, ws.name);
            let text = workspace(src, &path, org, ws);
            files.push((path, text));
        }
    }
    files.sort();
    files
}

fn header(doc: &mut Doc, src: &Source<'_>, path: &str) {
    doc.comment(0, modeline(path).trim_start_matches("# "));
    doc.comment(0, "");
    doc.comment(
        0,
        &format!("created by {} from {} on {}", src.tool, src.from, src.date),
    );
}

fn settings(src: &Source<'_>) -> String {
    let mut d = Doc::new();
    header(&mut d, src, "roster.yaml");
    d.comment(
        0,
        "Where the platform is and which environment variable holds its token (never the token).",
    );
    d.raw_field(0, "kind", "Settings");
    d.open(0, "platforms");
    d.open(2, &crate::adopt::yaml::scalar(src.platform));
    d.field(4, "endpoint", src.endpoint);
    d.field(4, "tokenEnv", src.token_env);
    d.comment(
        0,
        "The policy every plan is checked against. Uncomment and adjust before the first apply:",
    );
    d.comment(0, "policy:");
    d.comment(
        0,
        "  allowedEmailDomains: [example.org]   # only accounts from these domains",
    );
    d.comment(
        0,
        "  minOrgOwners: 2                      # never fewer owners per organization",
    );
    d.comment(
        0,
        "  collaboratorMaxRole: launch          # the highest role for a collaborator",
    );
    d.comment(
        0,
        "  maxRemovalFraction: 0.25             # refuse plans removing more access",
    );
    d.finish()
}

/// How the config names a member: the email, or the user name when the platform has none.
fn user_ref(m: &LiveMember) -> String {
    m.key()
}

/// Members sorted owners first, then by how the config names them.
fn sorted_members(ms: &[LiveMember]) -> Vec<&LiveMember> {
    let mut v: Vec<&LiveMember> = ms.iter().collect();
    v.sort_by_key(|m| (m.role != "owner", user_ref(m)));
    v.dedup_by_key(|m| user_ref(m));
    v
}

fn organization(src: &Source<'_>, path: &str, org: &LiveOrg) -> String {
    let mut d = Doc::new();
    header(&mut d, src, path);
    d.comment(
        0,
        "Members and teams as the platform has them. Anyone not listed under `members` is removed\n\
         by `roster apply`; collaborators are declared in the workspace files.",
    );
    d.raw_field(0, "kind", "Organization");
    d.field(0, "name", &org.name);
    let profile = [
        ("fullName", &org.full_name),
        ("description", &org.description),
        ("location", &org.location),
        ("website", &org.website),
    ];
    for (key, value) in profile {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            d.field(0, key, v);
        }
    }
    let custom: BTreeSet<&str> = org
        .workspaces
        .iter()
        .flat_map(|w| w.participants.iter().flatten())
        .map(|p| p.role.as_str())
        .filter(|r| !r.is_empty() && workspace_role_rank(r).is_none())
        .collect();
    if !custom.is_empty() {
        d.comment(
            0,
            "Custom workspace roles held in this organization's workspaces.",
        );
        d.open(0, "customRoles");
        for r in &custom {
            d.item(2, r);
        }
    }
    let members = sorted_members(&org.members);
    if members.is_empty() {
        d.raw_field(0, "members", "[]");
    } else {
        d.open(0, "members");
        for m in members {
            d.item_field(2, "user", &user_ref(m));
            if m.role != "member" && !m.role.is_empty() {
                d.field(4, "role", &m.role);
            }
        }
    }
    let mut teams: Vec<_> = org.teams.iter().collect();
    teams.sort_by_key(|t| (t.name.to_lowercase(), t.id));
    if teams.is_empty() {
        d.raw_field(0, "teams", "[]");
    } else {
        d.open(0, "teams");
        for t in teams {
            d.item_field(2, "name", &t.name);
            if let Some(desc) = t.description.as_deref().filter(|s| !s.is_empty()) {
                d.field(4, "description", desc);
            }
            match &t.members {
                _ if t.idp_managed => {
                    if let Some(group) = t.idp_group.as_ref().and_then(|g| g.name.as_deref()) {
                        d.field(4, "idpGroup", group);
                    }
                    d.comment(
                        4,
                        "members: managed by the identity provider, not by roster",
                    );
                }
                None => {}
                Some(ms) => {
                    let mut keys: Vec<String> = ms.iter().map(user_ref).collect();
                    keys.sort();
                    keys.dedup();
                    if keys.is_empty() {
                        d.raw_field(4, "members", "[]");
                    } else {
                        d.open(4, "members");
                        for k in &keys {
                            d.item(6, k);
                        }
                    }
                }
            }
        }
    }
    d.finish()
}

/// How the config names a participant user: the email, or the user name without one.
fn participant_user(p: &LiveParticipant) -> String {
    p.email
        .as_deref()
        .filter(|e| !e.is_empty())
        .or(p.user_name.as_deref())
        .unwrap_or("")
        .to_lowercase()
}

fn workspace(src: &Source<'_>, path: &str, org: &LiveOrg, ws: &LiveWorkspace) -> String {
    let mut d = Doc::new();
    header(&mut d, src, path);
    d.raw_field(0, "kind", "Workspace");
    d.field(0, "org", &org.name);
    d.field(0, "name", &ws.name);
    if let Some(v) = ws.full_name.as_deref().filter(|v| !v.is_empty()) {
        d.field(0, "fullName", v);
    }
    if let Some(v) = ws.description.as_deref().filter(|v| !v.is_empty()) {
        d.field(0, "description", v);
    }
    if !ws.visibility.is_empty() {
        d.field(0, "visibility", &ws.visibility);
    }
    if let Some(s) = &ws.studios {
        if s.lifespan_hours == 0 {
            // The API's "unlimited" is the console's "Always keep the session running".
            d.open(0, "studios");
            d.raw_field(2, "lifespan", "always");
        } else if (1..=120).contains(&s.lifespan_hours) {
            d.open(0, "studios");
            d.raw_field(2, "lifespanHours", &s.lifespan_hours.to_string());
        } else {
            d.comment(
                0,
                &format!(
                    "studios: lifespanHours {} is outside what roster manages (1–120, or always): left unmanaged",
                    s.lifespan_hours
                ),
            );
        }
    }
    if let Some(labels) = &ws.labels {
        let mut ls: Vec<_> = labels.iter().collect();
        ls.sort_by_key(|l| (l.name.to_lowercase(), l.value.clone(), l.resource));
        let odd: Vec<String> = ls
            .iter()
            .filter(|l| !is_valid_label(&l.name, l.value.as_deref(), l.resource))
            .map(|l| match &l.value {
                Some(v) => format!("{}={v}", l.name),
                None => l.name.clone(),
            })
            .collect();
        if !odd.is_empty() {
            // Declaring the others would remove these: the labels stay unmanaged.
            d.comment(
                0,
                &format!(
                    "labels: left unmanaged: {} break the console's label rules (a simple label has no value; names and values are 2–39 letters or digits in runs joined by single - or _)",
                    odd.join(", ")
                ),
            );
        } else if ls.is_empty() {
            d.raw_field(0, "labels", "[]");
        } else {
            d.open(0, "labels");
            for l in ls {
                d.item_field(2, "name", &l.name);
                if let Some(v) = &l.value {
                    d.field(4, "value", v);
                }
                if l.resource {
                    d.raw_field(4, "resource", "true");
                }
            }
        }
    }
    if let Some(ps) = &ws.participants {
        participants(&mut d, org, ps);
    }
    d.finish()
}

fn participants(d: &mut Doc, org: &LiveOrg, ps: &[LiveParticipant]) {
    if ps.is_empty() {
        d.raw_field(0, "participants", "[]");
        return;
    }
    // (group, name, role, collaborator): teams, then members, then collaborators.
    let mut rows: Vec<(u8, String, &str)> = ps
        .iter()
        .map(|p| match p.kind {
            ParticipantKind::Team => (0, p.team_name.clone().unwrap_or_default(), p.role.as_str()),
            _ => {
                let who = participant_user(p);
                let collaborator =
                    p.kind == ParticipantKind::Collaborator || org.member(&who).is_none();
                (if collaborator { 2 } else { 1 }, who, p.role.as_str())
            }
        })
        .collect();
    rows.sort_by(|a, b| (a.0, a.1.to_lowercase(), a.2).cmp(&(b.0, b.1.to_lowercase(), b.2)));
    rows.dedup_by(|a, b| a.0 == b.0 && a.1.eq_ignore_ascii_case(&b.1));
    d.open(0, "participants");
    for (group, name, role) in rows {
        match group {
            0 => d.item_field(2, "team", &name),
            1 => d.item_field(2, "user", &name),
            _ => d
                .comment(2, "collaborator: not an org member")
                .item_field(2, "user", &name),
        };
        d.field(4, "role", role);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::{LiveLabel, LiveStudios, LiveTeam};

    fn member(id: i64, email: &str, role: &str) -> LiveMember {
        LiveMember {
            member_id: id,
            user_id: Some(id),
            user_name: format!("u{id}"),
            email: email.to_string(),
            role: role.to_string(),
        }
    }

    fn user_participant(
        id: i64,
        email: &str,
        kind: ParticipantKind,
        role: &str,
    ) -> LiveParticipant {
        LiveParticipant {
            participant_id: id,
            kind,
            member_id: Some(id),
            team_id: None,
            user_name: Some(format!("u{id}")),
            email: Some(email.to_string()),
            team_name: None,
            role: role.to_string(),
        }
    }

    fn sample() -> Live {
        let mut live = Live::default();
        let team_participant = LiveParticipant {
            participant_id: 9,
            kind: ParticipantKind::Team,
            member_id: None,
            team_id: Some(1),
            user_name: None,
            email: None,
            team_name: Some("admins".into()),
            role: "admin".into(),
        };
        live.orgs.insert(
            "lab".into(),
            LiveOrg {
                id: 1,
                name: "lab".into(),
                full_name: Some("The Lab: research".into()),
                description: None,
                location: None,
                website: None,
                members: vec![
                    member(2, "B@lab.org", "member"),
                    member(1, "a@lab.org", "owner"),
                ],
                collaborators: vec![member(3, "v@else.org", "collaborator")],
                teams: vec![LiveTeam {
                    id: 1,
                    name: "admins".into(),
                    description: Some("yes".into()),
                    idp_managed: false,
                    idp_group: None,
                    members_count: 1,
                    members: Some(vec![member(1, "a@lab.org", "owner")]),
                }],
                workspaces: vec![LiveWorkspace {
                    id: 5,
                    name: "ws".into(),
                    full_name: None,
                    description: Some("#1 workspace".into()),
                    visibility: "private".into(),
                    participants: Some(vec![
                        user_participant(3, "v@else.org", ParticipantKind::Collaborator, "view"),
                        user_participant(2, "b@lab.org", ParticipantKind::Member, "runner"),
                        team_participant,
                    ]),
                    studios: Some(LiveStudios {
                        lifespan_hours: 8,
                        container_repository: None,
                        private_studio_by_default: false,
                        name_strategy: None,
                    }),
                    labels: Some(vec![LiveLabel {
                        id: 1,
                        name: "env".into(),
                        value: Some("prod".into()),
                        resource: true,
                    }]),
                }],
                idp_catalogue: None,
                roles: None,
            },
        );
        live
    }

    const SRC: Source<'static> = Source {
        tool: "roster export",
        from: "https://api.example.org",
        endpoint: "https://api.example.org",
        platform: "example",
        token_env: "TOWER_ACCESS_TOKEN",
        date: "2026-12-01",
    };

    #[test]
    fn writes_one_file_per_document_sorted_with_modelines_and_headers() {
        let files = export(&SRC, &sample(), "{}");
        let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "organizations/lab.yaml",
                "roster.yaml",
                "schemas/roster.schema.json",
                "workspaces/lab/ws.yaml"
            ]
        );
        let ws = &files[3].1;
        assert!(ws.starts_with(
            "# yaml-language-server: $schema=../../schemas/roster.schema.json\n#\n# created by roster export from https://api.example.org on 2026-12-01\n"
        ));
        let body = ws.split("kind:").nth(1).unwrap();
        assert_eq!(
            body,
            " Workspace\norg: lab\nname: ws\ndescription: \"#1 workspace\"\nvisibility: private\nstudios:\n  lifespanHours: 8\nlabels:\n  - name: env\n    value: prod\n    resource: true\nparticipants:\n  - team: admins\n    role: admin\n  - user: b@lab.org\n    role: runner\n  # collaborator: not an org member\n  - user: v@else.org\n    role: view\n"
        );
        let org = &files[0].1;
        assert!(org.contains("fullName: \"The Lab: research\"\n# Custom workspace roles held in this organization's workspaces.\ncustomRoles:\n  - runner\nmembers:\n  - user: a@lab.org\n    role: owner\n  - user: b@lab.org\nteams:\n  - name: admins\n    description: \"yes\"\n    members:\n      - a@lab.org\n"), "{org}");
    }

    #[test]
    fn the_same_live_model_gives_the_same_bytes() {
        assert_eq!(export(&SRC, &sample(), "{}"), export(&SRC, &sample(), "{}"));
    }
}
