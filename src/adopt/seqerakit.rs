//! `roster import seqerakit`'s translation: seqerakit YAML files (several merged, as seqerakit
//! does) → the live-shaped model the export writer spells, for the identity blocks only
//! (`organizations`, `members`, `teams` with `members`, `workspaces`, `participants`). Every other
//! block (compute-envs, credentials, pipelines, launch, …) is listed with its file:line, because
//! roster manages access, not resources. `$VAR` and `${VAR}` in identity blocks are replaced from
//! the given variables, or reported naming the variable. Pure: texts in, a model out; it must not
//! read files or the environment itself.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::live::{
    Live, LiveMember, LiveOrg, LiveParticipant, LiveTeam, LiveWorkspace, ParticipantKind,
};

/// One entry of a block: where it is (`file:line` of its block), and its fields.
type Entry = (String, serde_json::Map<String, Value>);

/// The blocks roster translates.
pub const IDENTITY_BLOCKS: [&str; 5] = [
    "organizations",
    "members",
    "teams",
    "workspaces",
    "participants",
];

/// A block roster does not translate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untranslated {
    pub file: String,
    pub line: usize,
    pub block: String,
    pub entries: usize,
}

/// The outcome of translating some seqerakit files.
#[derive(Debug, Default)]
pub struct Import {
    pub live: Live,
    pub untranslated: Vec<Untranslated>,
    /// Problems that stop the import, each naming its file.
    pub errors: Vec<String>,
    /// Keys of translated blocks that have no roster meaning (`on_exists`, `overwrite`, …).
    pub ignored_keys: Vec<String>,
}

/// The 1-based line of a top-level `key:` in `text`.
fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map_or(1, |i| i + 1)
}

/// Replace `$VAR` and `${VAR}` from `vars`; the names of unset ones are returned.
fn interpolate(s: &str, vars: &dyn Fn(&str) -> Option<String>) -> Result<String, Vec<String>> {
    let re = regex::Regex::new(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
        .expect("valid regex");
    let mut missing = Vec::new();
    let out = re.replace_all(s, |c: &regex::Captures<'_>| {
        let name = c.get(1).or(c.get(2)).map_or("", |m| m.as_str());
        vars(name).unwrap_or_else(|| {
            missing.push(name.to_string());
            String::new()
        })
    });
    if missing.is_empty() {
        Ok(out.into_owned())
    } else {
        Err(missing)
    }
}

struct Ctx<'a> {
    file: String,
    vars: &'a dyn Fn(&str) -> Option<String>,
    errors: Vec<String>,
    ignored: Vec<String>,
}

impl Ctx<'_> {
    /// A string field of an entry, interpolated.
    fn get(
        &mut self,
        block: &str,
        e: &serde_json::Map<String, Value>,
        key: &str,
    ) -> Option<String> {
        let v = match e.get(key)? {
            Value::String(s) => s.clone(),
            Value::Null => return None,
            other => other.to_string(),
        };
        match interpolate(&v, self.vars) {
            Ok(s) => Some(s),
            Err(missing) => {
                for m in missing {
                    self.errors.push(format!(
                        "{}: `${m}` in {block}.{key} is not set: set it in the environment or give --env-file",
                        self.file
                    ));
                }
                None
            }
        }
    }
    fn need(
        &mut self,
        block: &str,
        e: &serde_json::Map<String, Value>,
        key: &str,
    ) -> Option<String> {
        let v = self.get(block, e, key);
        if v.is_none() && !e.contains_key(key) {
            self.errors
                .push(format!("{}: a {block} entry has no `{key}`", self.file));
        }
        v
    }
    fn ignore_others(&mut self, block: &str, e: &serde_json::Map<String, Value>, known: &[&str]) {
        for k in e.keys() {
            if !known.contains(&k.as_str()) {
                let what = format!("{block}.{k}");
                if !self.ignored.contains(&what) {
                    self.ignored.push(what);
                }
            }
        }
    }
}

fn org_entry<'a>(live: &'a mut Live, name: &str) -> &'a mut LiveOrg {
    live.orgs
        .entry(name.to_lowercase())
        .or_insert_with(|| LiveOrg {
            id: 0,
            name: name.to_string(),
            full_name: None,
            description: None,
            location: None,
            website: None,
            members: Vec::new(),
            collaborators: Vec::new(),
            teams: Vec::new(),
            workspaces: Vec::new(),
            idp_catalogue: None,
            roles: None,
        })
}

fn add_member(org: &mut LiveOrg, user: &str, role: &str) {
    let user = user.trim().to_lowercase();
    if let Some(m) = org.members.iter_mut().find(|m| m.key() == user) {
        if role == "owner" {
            m.role = "owner".into();
        }
        return;
    }
    let (email, user_name) = if user.contains('@') {
        (user.clone(), String::new())
    } else {
        (String::new(), user.clone())
    };
    org.members.push(LiveMember {
        member_id: 0,
        user_id: None,
        user_name,
        email,
        role: role.to_string(),
    });
}

/// Translate `files` (display name, text), merged in order, with `vars` for `$VAR`s; `owners`
/// (the user seqerakit ran as, who became the owner of what it created) are added as owners of
/// every org and workspace.
pub fn translate(
    files: &[(String, String)],
    vars: &dyn Fn(&str) -> Option<String>,
    owners: &[String],
) -> Import {
    let mut imp = Import::default();
    let mut blocks: BTreeMap<&str, Vec<Entry>> = BTreeMap::new();
    for (file, text) in files {
        let doc: Value = match serde_saphyr::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                imp.errors.push(format!("{file}: not valid YAML: {e}"));
                continue;
            }
        };
        let Value::Object(top) = doc else {
            if !doc.is_null() {
                imp.errors
                    .push(format!("{file}: a seqerakit file is a mapping of blocks"));
            }
            continue;
        };
        for (key, v) in top {
            let line = line_of(text, &key);
            let Some(block) = IDENTITY_BLOCKS.iter().find(|b| **b == key) else {
                imp.untranslated.push(Untranslated {
                    file: file.clone(),
                    line,
                    block: key.clone(),
                    entries: v.as_array().map_or(1, Vec::len),
                });
                continue;
            };
            let Value::Array(entries) = v else {
                imp.errors
                    .push(format!("{file}:{line}: `{key}` must be a list of entries"));
                continue;
            };
            for e in entries {
                match e {
                    Value::Object(m) => {
                        // The upstream members template uses `participants:` for members.
                        if *block == "participants"
                            && m.contains_key("user")
                            && m.contains_key("organization")
                            && !m.contains_key("workspace")
                        {
                            imp.errors.push(format!(
                                "{file}:{line}: this `participants` entry has `user` and `organization` but no `workspace`: it is a `members` entry under the wrong key (rename the block to `members:`)"
                            ));
                            continue;
                        }
                        blocks
                            .entry(block)
                            .or_default()
                            .push((format!("{file}:{line}"), m));
                    }
                    _ => imp.errors.push(format!(
                        "{file}:{line}: every `{key}` entry must be a mapping"
                    )),
                }
            }
        }
    }
    let mut cx = Ctx {
        file: String::new(),
        vars,
        errors: Vec::new(),
        ignored: Vec::new(),
    };
    let live = &mut imp.live;
    for (at, e) in blocks.remove("organizations").unwrap_or_default() {
        cx.file = at.clone();
        cx.ignore_others(
            "organizations",
            &e,
            &["name", "full-name", "description", "location", "website"],
        );
        let Some(name) = cx.need("organizations", &e, "name") else {
            continue;
        };
        let full_name = cx.get("organizations", &e, "full-name");
        let description = cx.get("organizations", &e, "description");
        let location = cx.get("organizations", &e, "location");
        let website = cx.get("organizations", &e, "website");
        let o = org_entry(live, &name);
        o.full_name = full_name;
        o.description = description;
        o.location = location;
        o.website = website;
    }
    for (at, e) in blocks.remove("members").unwrap_or_default() {
        cx.file = at.clone();
        cx.ignore_others("members", &e, &["user", "organization", "role"]);
        let (Some(user), Some(org)) = (
            cx.need("members", &e, "user"),
            cx.need("members", &e, "organization"),
        ) else {
            continue;
        };
        let role = cx
            .get("members", &e, "role")
            .unwrap_or_else(|| "member".into())
            .to_lowercase();
        add_member(org_entry(live, &org), &user, &role);
    }
    for (at, e) in blocks.remove("teams").unwrap_or_default() {
        cx.file = at.clone();
        cx.ignore_others(
            "teams",
            &e,
            &["name", "organization", "description", "members"],
        );
        let (Some(name), Some(org)) = (
            cx.need("teams", &e, "name"),
            cx.need("teams", &e, "organization"),
        ) else {
            continue;
        };
        let description = cx.get("teams", &e, "description");
        let mut members = Vec::new();
        for m in e
            .get("members")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match m.as_str().map(|s| interpolate(s, vars)) {
                Some(Ok(s)) => members.push(s.to_lowercase()),
                Some(Err(missing)) => cx.errors.extend(missing.into_iter().map(|v| format!("{at}: `${v}` in teams.members is not set: set it in the environment or give --env-file"))),
                None => cx.errors.push(format!("{at}: team members are email addresses")),
            }
        }
        let o = org_entry(live, &org);
        for m in &members {
            add_member(o, m, "member"); // adding a user to a team makes them a member
        }
        let team_members = members
            .iter()
            .map(|m| LiveMember {
                member_id: 0,
                user_id: None,
                user_name: String::new(),
                email: m.clone(),
                role: "member".into(),
            })
            .collect();
        o.teams.push(LiveTeam {
            id: 0,
            name,
            description,
            idp_managed: false,
            idp_group: None,
            members_count: members.len(),
            members: Some(team_members),
        });
    }
    for (at, e) in blocks.remove("workspaces").unwrap_or_default() {
        cx.file = at.clone();
        cx.ignore_others(
            "workspaces",
            &e,
            &[
                "name",
                "full-name",
                "organization",
                "description",
                "visibility",
            ],
        );
        let (Some(name), Some(org)) = (
            cx.need("workspaces", &e, "name"),
            cx.need("workspaces", &e, "organization"),
        ) else {
            continue;
        };
        let ws = LiveWorkspace {
            id: 0,
            full_name: cx.get("workspaces", &e, "full-name"),
            description: cx.get("workspaces", &e, "description"),
            visibility: cx
                .get("workspaces", &e, "visibility")
                .unwrap_or_default()
                .to_lowercase(),
            name,
            participants: None,
            studios: None,
            labels: None,
        };
        org_entry(live, &org).workspaces.push(ws);
    }
    for (at, e) in blocks.remove("participants").unwrap_or_default() {
        cx.file = at.clone();
        cx.ignore_others("participants", &e, &["name", "type", "workspace", "role"]);
        let (Some(name), Some(kind), Some(ws), Some(role)) = (
            cx.need("participants", &e, "name"),
            cx.need("participants", &e, "type"),
            cx.need("participants", &e, "workspace"),
            cx.need("participants", &e, "role"),
        ) else {
            continue;
        };
        let Some((org, wsname)) = ws.split_once('/') else {
            cx.errors.push(format!(
                "{at}: participants.workspace `{ws}` is not ORG/WORKSPACE"
            ));
            continue;
        };
        let kind = match kind.to_ascii_uppercase().as_str() {
            "TEAM" => ParticipantKind::Team,
            "MEMBER" => ParticipantKind::Member,
            "COLLABORATOR" => ParticipantKind::Collaborator,
            other => {
                cx.errors.push(format!(
                    "{at}: participants.type `{other}` is not TEAM, MEMBER or COLLABORATOR"
                ));
                continue;
            }
        };
        let role = role.to_lowercase();
        let o = org_entry(live, org);
        if kind == ParticipantKind::Member {
            add_member(o, &name, "member");
        }
        // A workspace seqerakit only adds participants to already exists: declare it by name.
        if !o
            .workspaces
            .iter()
            .any(|w| w.name.eq_ignore_ascii_case(wsname))
        {
            o.workspaces.push(LiveWorkspace {
                id: 0,
                name: wsname.to_string(),
                full_name: None,
                description: None,
                visibility: String::new(),
                participants: None,
                studios: None,
                labels: None,
            });
        }
        let w = o
            .workspaces
            .iter_mut()
            .find(|w| w.name.eq_ignore_ascii_case(wsname))
            .expect("just ensured");
        let (team_name, email) = match kind {
            ParticipantKind::Team => (Some(name), None),
            _ => (None, Some(name.to_lowercase())),
        };
        w.participants
            .get_or_insert_with(Vec::new)
            .push(LiveParticipant {
                participant_id: 0,
                kind,
                member_id: None,
                team_id: None,
                user_name: None,
                email,
                team_name,
                role,
            });
    }
    for o in live.orgs.values_mut() {
        for owner in owners {
            add_member(o, owner, "owner");
            for w in &mut o.workspaces {
                let ps = w.participants.get_or_insert_with(Vec::new);
                if !ps.iter().any(|p| p.is_user(owner)) {
                    ps.push(LiveParticipant {
                        participant_id: 0,
                        kind: ParticipantKind::Member,
                        member_id: None,
                        team_id: None,
                        user_name: None,
                        email: Some(owner.to_lowercase()),
                        team_name: None,
                        role: "owner".into(),
                    });
                }
            }
        }
    }
    for o in live.orgs.values() {
        if !o.members.iter().any(|m| m.role == "owner") {
            cx.errors.push(format!(
                "the files do not say who owns organization `{}` (seqerakit's user became its owner): pass --owner EMAIL",
                o.name
            ));
        }
    }
    imp.errors.extend(cx.errors);
    imp.ignored_keys = cx.ignored;
    imp
}
