//! desired × live → changes. Pure: no I/O, no clock, no randomness; the same inputs give the same
//! changes in the same order.
//!
//! Rules (DESIGN.md section 4): names and users match case-insensitively; a present list is
//! authoritative and an absent one unmanaged; absent optional fields are left alone; undeclared
//! workspaces of a declared org are reported as unmanaged; an org is never deleted; a workspace is
//! deleted only when declared `ensure: absent` (the guard rails decide whether that may proceed).
//! The platform's own side effects are planned for: the acting user becomes owner of what it
//! creates, and removing an org member removes their participations, so a user who stays a
//! participant is re-added (as a collaborator) after the removal.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::model::{
    Action, Attrs, Change, Exec, Kind, OrgFields, Ref, Risk, Unmanaged, Who, WorkspaceFields,
};
use crate::config::desired::{Ensure, Org, OrgRole, Principal, UserRef, Workspace};
use crate::live::{ActingUser, Live, LiveOrg, LiveWorkspace, ParticipantKind};

/// What the diff needs about one platform.
pub struct Input<'a> {
    pub platform: &'a str,
    /// The declared orgs on this platform.
    pub orgs: Vec<&'a Org>,
    pub live: &'a Live,
    pub acting: &'a ActingUser,
}

/// The changes and the things left alone.
#[derive(Debug, Default)]
pub struct Output {
    pub changes: Vec<Change>,
    pub unmanaged: Vec<Unmanaged>,
}

pub fn org_address(org: &str) -> String {
    format!("org/{}", org.to_lowercase())
}
pub fn member_address(org: &str, user: &str) -> String {
    format!("{}/member/user:{}", org_address(org), user.to_lowercase())
}
pub fn team_address(org: &str, team: &str) -> String {
    format!("{}/team/{}", org_address(org), team.to_lowercase())
}
pub fn team_member_address(org: &str, team: &str, user: &str) -> String {
    format!(
        "{}/member/user:{}",
        team_address(org, team),
        user.to_lowercase()
    )
}
pub fn workspace_address(org: &str, ws: &str) -> String {
    format!("{}/workspace/{}", org_address(org), ws.to_lowercase())
}
pub fn participant_address(org: &str, ws: &str, principal: &str) -> String {
    format!("{}/participant/{principal}", workspace_address(org, ws))
}

fn attrs<const N: usize>(pairs: [(&str, Value); N]) -> Attrs {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn role_risks(role: &str) -> Vec<Risk> {
    match role {
        "owner" => vec![Risk::GrantsOwner],
        "admin" => vec![Risk::GrantsAdmin],
        _ => Vec::new(),
    }
}

/// A change under construction.
struct Draft {
    address: String,
    action: Action,
    kind: Kind,
    org: String,
    workspace: Option<String>,
    before: Option<Attrs>,
    after: Option<Attrs>,
    risks: Vec<Risk>,
    depends_on: BTreeSet<String>,
    note: Option<String>,
    exec: Exec,
}

struct Differ<'a> {
    input: &'a Input<'a>,
    drafts: Vec<Draft>,
    unmanaged: Vec<Unmanaged>,
}

pub fn diff(input: &Input<'_>) -> Output {
    let mut d = Differ {
        input,
        drafts: Vec::new(),
        unmanaged: Vec::new(),
    };
    for org in &input.orgs {
        d.org(org);
    }
    d.order_member_removals();
    let platform = input.platform.to_string();
    let changes = d
        .drafts
        .into_iter()
        .map(|dr| Change {
            address: dr.address,
            action: dr.action,
            kind: dr.kind,
            platform: platform.clone(),
            org: dr.org,
            workspace: dr.workspace,
            before: dr.before,
            after: dr.after,
            risks: {
                let mut r = dr.risks;
                r.sort();
                r.dedup();
                r
            },
            depends_on: dr.depends_on.into_iter().collect(),
            wave: 0,
            note: dr.note,
            exec: dr.exec,
        })
        .collect();
    let mut unmanaged = d.unmanaged;
    unmanaged.sort();
    Output { changes, unmanaged }
}

impl<'a> Differ<'a> {
    /// A member's removal waits for the explicit removals of their participations and team
    /// memberships in the same org, so each is removed once, by the call the plan names.
    fn order_member_removals(&mut self) {
        let mut by_user: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for d in &self.drafts {
            if d.action == Action::Delete
                && matches!(d.kind, Kind::Participant | Kind::TeamMember)
                && let Some(user) = d.address.rsplit_once("/user:").map(|(_, u)| u.to_string())
            {
                by_user
                    .entry((d.org.to_lowercase(), user))
                    .or_default()
                    .push(d.address.clone());
            }
        }
        for d in &mut self.drafts {
            if d.action == Action::Delete
                && d.kind == Kind::Member
                && let Some(user) = d.address.rsplit_once("/user:").map(|(_, u)| u.to_string())
                && let Some(deps) = by_user.get(&(d.org.to_lowercase(), user))
            {
                d.depends_on.extend(deps.iter().cloned());
            }
        }
    }

    fn push(&mut self, d: Draft) {
        self.drafts.push(d);
    }

    fn has(&self, address: &str) -> bool {
        self.drafts.iter().any(|d| d.address == address)
    }

    fn action_of(&self, address: &str) -> Option<Action> {
        self.drafts
            .iter()
            .find(|d| d.address == address)
            .map(|d| d.action)
    }

    fn org(&mut self, org: &Org) {
        let live = self.input.live.orgs.get(&org.key());
        let oaddr = org_address(&org.name);
        let org_ref = match live {
            Some(l) => Ref::Id(l.id),
            None => Ref::CreatedBy(oaddr.clone()),
        };
        // Changes inside a new org wait for it.
        let org_dep: Option<String> = live.is_none().then(|| oaddr.clone());

        match live {
            None => {
                let fields = OrgFields {
                    name: org.name.clone(),
                    full_name: org.full_name.clone().unwrap_or_else(|| org.name.clone()),
                    description: org.description.clone(),
                    location: org.location.clone(),
                    website: org.website.clone(),
                };
                self.push(Draft {
                    address: oaddr.clone(),
                    action: Action::Create,
                    kind: Kind::Organization,
                    org: org.name.clone(),
                    workspace: None,
                    before: None,
                    after: Some(org_attrs(&fields)),
                    risks: Vec::new(),
                    depends_on: BTreeSet::new(),
                    note: Some(format!(
                        "the acting user ({}) becomes its owner",
                        self.input.acting.email
                    )),
                    exec: Exec::CreateOrg { fields },
                });
            }
            Some(l) => {
                let current = OrgFields {
                    name: l.name.clone(),
                    full_name: l.full_name.clone().unwrap_or_default(),
                    description: l.description.clone(),
                    location: l.location.clone(),
                    website: l.website.clone(),
                };
                let wanted = OrgFields {
                    name: org.name.clone(),
                    full_name: org.full_name.clone().unwrap_or(current.full_name.clone()),
                    description: org.description.clone().or(current.description.clone()),
                    location: org.location.clone().or(current.location.clone()),
                    website: org.website.clone().or(current.website.clone()),
                };
                if wanted != current {
                    self.push(Draft {
                        address: oaddr.clone(),
                        action: Action::Update,
                        kind: Kind::Organization,
                        org: org.name.clone(),
                        workspace: None,
                        before: Some(org_attrs(&current)),
                        after: Some(org_attrs(&wanted)),
                        risks: Vec::new(),
                        depends_on: BTreeSet::new(),
                        note: None,
                        exec: Exec::UpdateOrg {
                            org_id: l.id,
                            fields: wanted,
                        },
                    });
                }
            }
        }

        self.members(org, live, &org_ref, &org_dep);
        self.teams(org, live, &org_ref, &org_dep);
        for ws in &org.workspaces {
            self.workspace(org, live, ws, &org_ref, &org_dep);
        }
        if let Some(l) = live {
            for lw in &l.workspaces {
                if !org
                    .workspaces
                    .iter()
                    .any(|w| w.name.eq_ignore_ascii_case(&lw.name))
                {
                    self.unmanaged.push(Unmanaged {
                        address: workspace_address(&org.name, &lw.name),
                        reason: "workspace not declared in the config".to_string(),
                    });
                }
            }
        }
    }

    fn members(
        &mut self,
        org: &Org,
        live: Option<&LiveOrg>,
        org_ref: &Ref,
        org_dep: &Option<String>,
    ) {
        let Some(desired) = &org.members else {
            return;
        };
        let acting = self.input.acting;
        let mut owner_grants: Vec<String> = Vec::new();
        let mut owner_losses: Vec<usize> = Vec::new();
        for m in desired {
            let addr = member_address(&org.name, m.user.as_str());
            let current_role: Option<String> = match live {
                Some(l) => l.member(m.user.as_str()).map(|lm| lm.role.clone()),
                // The creator of a new org becomes its owner.
                None => acting.is(m.user.as_str()).then(|| "owner".to_string()),
            };
            let want = m.role.as_str();
            match current_role {
                None => {
                    let note = live
                        .and_then(|l| l.collaborator(m.user.as_str()))
                        .map(|_| "currently a collaborator; becomes a member".to_string());
                    if m.role == OrgRole::Owner {
                        owner_grants.push(addr.clone());
                    }
                    self.push(Draft {
                        address: addr,
                        action: Action::Create,
                        kind: Kind::Member,
                        org: org.name.clone(),
                        workspace: None,
                        before: None,
                        after: Some(attrs([
                            ("user", json!(m.user.as_str())),
                            ("role", json!(want)),
                        ])),
                        risks: role_risks(want),
                        depends_on: org_dep.iter().cloned().collect(),
                        note,
                        exec: Exec::AddMember {
                            org: org_ref.clone(),
                            user: m.user.as_str().to_string(),
                            role: want.to_string(),
                        },
                    });
                }
                Some(role) if role != want => {
                    let Some(l) = live else {
                        // The creator of a new org asked to be a plain member: the self-lockout
                        // guard rail refuses this plan; nothing to execute here.
                        continue;
                    };
                    let lm = l.member(m.user.as_str()).expect("member found above");
                    if m.role == OrgRole::Owner {
                        owner_grants.push(addr.clone());
                    } else if role == "owner" {
                        owner_losses.push(self.drafts.len());
                    }
                    self.push(Draft {
                        address: addr,
                        action: Action::Update,
                        kind: Kind::Member,
                        org: org.name.clone(),
                        workspace: None,
                        before: Some(attrs([
                            ("user", json!(m.user.as_str())),
                            ("role", json!(role)),
                        ])),
                        after: Some(attrs([
                            ("user", json!(m.user.as_str())),
                            ("role", json!(want)),
                        ])),
                        risks: role_risks(want),
                        depends_on: BTreeSet::new(),
                        note: None,
                        exec: Exec::SetMemberRole {
                            org_id: l.id,
                            member_id: lm.member_id,
                            role: want.to_string(),
                        },
                    });
                }
                Some(_) => {}
            }
        }
        if let Some(l) = live {
            for lm in &l.members {
                if desired.iter().any(|m| lm.is(m.user.as_str())) {
                    continue;
                }
                let key = lm.key();
                if lm.role == "owner" {
                    owner_losses.push(self.drafts.len());
                }
                self.push(Draft {
                    address: member_address(&org.name, &key),
                    action: Action::Delete,
                    kind: Kind::Member,
                    org: org.name.clone(),
                    workspace: None,
                    before: Some(attrs([("user", json!(key)), ("role", json!(lm.role))])),
                    after: None,
                    risks: vec![Risk::RemovesAccess],
                    depends_on: BTreeSet::new(),
                    note: Some(
                        "also removes them from every team and workspace of the organization"
                            .to_string(),
                    ),
                    exec: Exec::RemoveMember {
                        org_id: l.id,
                        member_id: lm.member_id,
                    },
                });
            }
        }
        // Owners are granted before any owner is removed or demoted, so the org never runs out.
        for i in owner_losses {
            self.drafts[i]
                .depends_on
                .extend(owner_grants.iter().cloned());
        }
    }

    fn teams(
        &mut self,
        org: &Org,
        live: Option<&LiveOrg>,
        org_ref: &Ref,
        org_dep: &Option<String>,
    ) {
        let Some(teams) = &org.teams else {
            return;
        };
        for t in teams {
            let taddr = team_address(&org.name, &t.name);
            let lt = live.and_then(|l| l.team(&t.name));
            let team_ref = match lt {
                Some(lt) => Ref::Id(lt.id),
                None => Ref::CreatedBy(taddr.clone()),
            };
            match lt {
                None => self.push(Draft {
                    address: taddr.clone(),
                    action: Action::Create,
                    kind: Kind::Team,
                    org: org.name.clone(),
                    workspace: None,
                    before: None,
                    after: Some(attrs([
                        ("name", json!(t.name)),
                        ("description", json!(t.description)),
                    ])),
                    risks: Vec::new(),
                    depends_on: org_dep.iter().cloned().collect(),
                    note: None,
                    exec: Exec::CreateTeam {
                        org: org_ref.clone(),
                        name: t.name.clone(),
                        description: t.description.clone(),
                    },
                }),
                Some(lt) => {
                    let description = t.description.clone().or(lt.description.clone());
                    if lt.name != t.name || description != lt.description {
                        let l = live.expect("live team implies live org");
                        self.push(Draft {
                            address: taddr.clone(),
                            action: Action::Update,
                            kind: Kind::Team,
                            org: org.name.clone(),
                            workspace: None,
                            before: Some(attrs([
                                ("name", json!(lt.name)),
                                ("description", json!(lt.description)),
                            ])),
                            after: Some(attrs([
                                ("name", json!(t.name)),
                                ("description", json!(description)),
                            ])),
                            risks: Vec::new(),
                            depends_on: BTreeSet::new(),
                            note: None,
                            exec: Exec::UpdateTeam {
                                org_id: l.id,
                                team_id: lt.id,
                                name: t.name.clone(),
                                description,
                            },
                        });
                    }
                }
            }
            let Some(want) = &t.members else { continue };
            if lt.is_some_and(|lt| lt.idp_managed) {
                self.unmanaged.push(Unmanaged {
                    address: format!("{taddr}/members"),
                    reason: "team membership is managed by the identity provider".to_string(),
                });
                continue;
            }
            let current = lt.and_then(|lt| lt.members.as_ref());
            for u in want {
                if current.is_some_and(|c| c.iter().any(|m| m.is(u.as_str()))) {
                    continue;
                }
                let maddr = member_address(&org.name, u.as_str());
                let mut deps: BTreeSet<String> = org_dep.iter().cloned().collect();
                if lt.is_none() {
                    deps.insert(taddr.clone());
                }
                if self.action_of(&maddr) == Some(Action::Create) {
                    deps.insert(maddr);
                }
                self.push(Draft {
                    address: team_member_address(&org.name, &t.name, u.as_str()),
                    action: Action::Create,
                    kind: Kind::TeamMember,
                    org: org.name.clone(),
                    workspace: None,
                    before: None,
                    after: Some(attrs([
                        ("team", json!(t.name)),
                        ("user", json!(u.as_str())),
                    ])),
                    risks: Vec::new(),
                    depends_on: deps,
                    note: None,
                    exec: Exec::AddTeamMember {
                        org: org_ref.clone(),
                        team: team_ref.clone(),
                        user: u.as_str().to_string(),
                    },
                });
            }
            if let (Some(l), Some(lt), Some(current)) = (live, lt, current) {
                for m in current {
                    if want.iter().any(|u| m.is(u.as_str())) {
                        continue;
                    }
                    let key = m.key();
                    self.push(Draft {
                        address: team_member_address(&org.name, &t.name, &key),
                        action: Action::Delete,
                        kind: Kind::TeamMember,
                        org: org.name.clone(),
                        workspace: None,
                        before: Some(attrs([("team", json!(lt.name)), ("user", json!(key))])),
                        after: None,
                        risks: vec![Risk::RemovesAccess],
                        depends_on: BTreeSet::new(),
                        note: None,
                        exec: Exec::RemoveTeamMember {
                            org_id: l.id,
                            team_id: lt.id,
                            member_id: m.member_id,
                        },
                    });
                }
            }
        }
        if let Some(l) = live {
            for lt in &l.teams {
                if teams.iter().any(|t| t.name.eq_ignore_ascii_case(&lt.name)) {
                    continue;
                }
                let taddr = team_address(&org.name, &lt.name);
                if lt.idp_managed {
                    self.unmanaged.push(Unmanaged {
                        address: taddr,
                        reason: "team not declared, and linked to an identity-provider group: roster does not delete it".to_string(),
                    });
                    continue;
                }
                self.push(Draft {
                    address: taddr,
                    action: Action::Delete,
                    kind: Kind::Team,
                    org: org.name.clone(),
                    workspace: None,
                    before: Some(attrs([
                        ("name", json!(lt.name)),
                        ("description", json!(lt.description)),
                    ])),
                    after: None,
                    risks: vec![Risk::Destructive, Risk::RemovesAccess],
                    depends_on: BTreeSet::new(),
                    note: Some(
                        "its members lose the access the team gives in every workspace".to_string(),
                    ),
                    exec: Exec::DeleteTeam {
                        org_id: l.id,
                        team_id: lt.id,
                    },
                });
            }
        }
    }

    /// Whether `user` is an org member once the plan is applied.
    fn member_after(&self, org: &Org, live: Option<&LiveOrg>, user: &UserRef) -> bool {
        match &org.members {
            Some(_) => org.member(user).is_some(),
            None => match live {
                Some(l) => l.member(user.as_str()).is_some(),
                None => self.input.acting.is(user.as_str()),
            },
        }
    }

    fn workspace(
        &mut self,
        org: &Org,
        live: Option<&LiveOrg>,
        ws: &Workspace,
        org_ref: &Ref,
        org_dep: &Option<String>,
    ) {
        let waddr = workspace_address(&org.name, &ws.name);
        let lw = live.and_then(|l| l.workspace(&ws.name));
        if ws.ensure == Ensure::Absent {
            if let (Some(l), Some(lw)) = (live, lw) {
                let n = lw.participants.as_ref().map_or(0, Vec::len);
                self.push(Draft {
                    address: waddr,
                    action: Action::Delete,
                    kind: Kind::Workspace,
                    org: org.name.clone(),
                    workspace: Some(ws.name.clone()),
                    before: Some(ws_attrs(&live_ws_fields(lw))),
                    after: None,
                    risks: vec![Risk::Destructive, Risk::RemovesAccess],
                    depends_on: BTreeSet::new(),
                    note: Some(format!(
                        "permanently deletes the workspace, its resources and its {n} participant{}",
                        if n == 1 { "" } else { "s" }
                    )),
                    exec: Exec::DeleteWorkspace {
                        org_id: l.id,
                        workspace_id: lw.id,
                    },
                });
            }
            return;
        }
        let ws_ref = match lw {
            Some(lw) => Ref::Id(lw.id),
            None => Ref::CreatedBy(waddr.clone()),
        };
        let mut ws_deps: BTreeSet<String> = org_dep.iter().cloned().collect();
        match lw {
            None => {
                let fields = WorkspaceFields {
                    name: ws.name.clone(),
                    full_name: ws.full_name.clone().unwrap_or_else(|| ws.name.clone()),
                    description: ws.description.clone(),
                    visibility: ws
                        .visibility
                        .map_or("PRIVATE", |v| match v {
                            crate::config::desired::Visibility::Private => "PRIVATE",
                            crate::config::desired::Visibility::Shared => "SHARED",
                        })
                        .to_string(),
                };
                self.push(Draft {
                    address: waddr.clone(),
                    action: Action::Create,
                    kind: Kind::Workspace,
                    org: org.name.clone(),
                    workspace: Some(ws.name.clone()),
                    before: None,
                    after: Some(ws_attrs(&fields)),
                    risks: Vec::new(),
                    depends_on: ws_deps.clone(),
                    note: None,
                    exec: Exec::CreateWorkspace {
                        org: org_ref.clone(),
                        fields,
                    },
                });
                ws_deps.insert(waddr.clone());
            }
            Some(lw) => {
                let current = live_ws_fields(lw);
                let wanted = WorkspaceFields {
                    name: ws.name.clone(),
                    full_name: ws.full_name.clone().unwrap_or(current.full_name.clone()),
                    description: ws.description.clone().or(current.description.clone()),
                    visibility: ws
                        .visibility
                        .map(|v| v.as_str().to_uppercase())
                        .unwrap_or(current.visibility.clone()),
                };
                if wanted != current {
                    let l = live.expect("live workspace implies live org");
                    self.push(Draft {
                        address: waddr.clone(),
                        action: Action::Update,
                        kind: Kind::Workspace,
                        org: org.name.clone(),
                        workspace: Some(ws.name.clone()),
                        before: Some(ws_attrs(&current)),
                        after: Some(ws_attrs(&wanted)),
                        risks: Vec::new(),
                        depends_on: BTreeSet::new(),
                        note: None,
                        exec: Exec::UpdateWorkspace {
                            org_id: l.id,
                            workspace_id: lw.id,
                            fields: wanted,
                        },
                    });
                }
            }
        }

        // Studios settings.
        if let Some(s) = ws.studios {
            let current = lw.and_then(|lw| lw.studios.as_ref());
            if current.is_none_or(|c| c.lifespan_hours != s.lifespan_hours as i32) {
                self.push(Draft {
                    address: format!("{waddr}/studios"),
                    action: Action::Update,
                    kind: Kind::Studios,
                    org: org.name.clone(),
                    workspace: Some(ws.name.clone()),
                    before: current.map(|c| attrs([("lifespanHours", json!(c.lifespan_hours))])),
                    after: Some(attrs([("lifespanHours", json!(s.lifespan_hours))])),
                    risks: Vec::new(),
                    depends_on: ws_deps.clone(),
                    note: None,
                    exec: Exec::SetStudios {
                        org: org_ref.clone(),
                        workspace: ws_ref.clone(),
                        lifespan_hours: s.lifespan_hours,
                    },
                });
            }
        }

        // Labels.
        if let Some(labels) = &ws.labels {
            let current = lw.and_then(|lw| lw.labels.as_ref());
            let label_key = |name: &str, value: Option<&str>| match value {
                Some(v) => format!("{}={v}", name.to_lowercase()),
                None => name.to_lowercase(),
            };
            for lb in labels {
                let exists = current.is_some_and(|c| {
                    c.iter().any(|x| {
                        x.name.eq_ignore_ascii_case(&lb.name)
                            && x.value == lb.value
                            && x.resource == lb.resource
                    })
                });
                if exists {
                    continue;
                }
                self.push(Draft {
                    address: format!("{waddr}/label/{}", label_key(&lb.name, lb.value.as_deref())),
                    action: Action::Create,
                    kind: Kind::Label,
                    org: org.name.clone(),
                    workspace: Some(ws.name.clone()),
                    before: None,
                    after: Some(attrs([
                        ("name", json!(lb.name)),
                        ("value", json!(lb.value)),
                        ("resource", json!(lb.resource)),
                    ])),
                    risks: Vec::new(),
                    depends_on: ws_deps.clone(),
                    note: None,
                    exec: Exec::CreateLabel {
                        workspace: ws_ref.clone(),
                        name: lb.name.clone(),
                        value: lb.value.clone(),
                        resource: lb.resource,
                    },
                });
            }
            if let (Some(lw), Some(current)) = (lw, current) {
                for x in current {
                    let wanted = labels.iter().any(|lb| {
                        x.name.eq_ignore_ascii_case(&lb.name)
                            && x.value == lb.value
                            && x.resource == lb.resource
                    });
                    if wanted {
                        continue;
                    }
                    let mut address =
                        format!("{waddr}/label/{}", label_key(&x.name, x.value.as_deref()));
                    if self.has(&address) {
                        // Same name and value, different kind: keep addresses unique.
                        address.push_str("#old");
                    }
                    self.push(Draft {
                        address,
                        action: Action::Delete,
                        kind: Kind::Label,
                        org: org.name.clone(),
                        workspace: Some(ws.name.clone()),
                        before: Some(attrs([
                            ("name", json!(x.name)),
                            ("value", json!(x.value)),
                            ("resource", json!(x.resource)),
                        ])),
                        after: None,
                        risks: Vec::new(),
                        depends_on: BTreeSet::new(),
                        note: None,
                        exec: Exec::DeleteLabel {
                            workspace_id: lw.id,
                            label_id: x.id,
                        },
                    });
                }
            }
        }

        if let Some(ps) = &ws.participants {
            self.participants(org, live, ws, lw, ps, org_ref, &ws_ref, &ws_deps);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn participants(
        &mut self,
        org: &Org,
        live: Option<&LiveOrg>,
        ws: &Workspace,
        lw: Option<&LiveWorkspace>,
        desired: &[crate::config::desired::Participant],
        org_ref: &Ref,
        ws_ref: &Ref,
        ws_deps: &BTreeSet<String>,
    ) {
        let acting = self.input.acting;
        let current = lw.and_then(|lw| lw.participants.as_ref());
        let mut adds: Vec<String> = Vec::new();
        for p in desired {
            let key = p.principal.to_string();
            let paddr = participant_address(&org.name, &ws.name, &key);
            let mut deps = ws_deps.clone();
            let mut note = None;
            let (existing, who, kind_after) = match &p.principal {
                Principal::Team(t) => {
                    let taddr = team_address(&org.name, t);
                    if self.action_of(&taddr) == Some(Action::Create) {
                        deps.insert(taddr.clone());
                    }
                    let team_ref = match live.and_then(|l| l.team(t)) {
                        Some(lt) => Ref::Id(lt.id),
                        None => Ref::CreatedBy(taddr),
                    };
                    let existing = current
                        .and_then(|c| c.iter().find(|lp| lp.is_team(t)))
                        .map(|lp| (lp.participant_id, lp.role.clone()));
                    (existing, Who::Team(team_ref), "team")
                }
                Principal::User(u) => {
                    let maddr = member_address(&org.name, u.as_str());
                    let member_change = self.action_of(&maddr);
                    if matches!(member_change, Some(Action::Create | Action::Delete)) {
                        // Join after they join the org; after they leave it, as a collaborator
                        // (leaving removes every participation, so adding first would be undone).
                        deps.insert(maddr.clone());
                    }
                    let mut existing = current
                        .and_then(|c| c.iter().find(|lp| lp.is_user(u.as_str())))
                        .map(|lp| (lp.participant_id, lp.role.clone()));
                    let is_member_participant = current.is_some_and(|c| {
                        c.iter()
                            .any(|lp| lp.is_user(u.as_str()) && lp.kind == ParticipantKind::Member)
                    });
                    if member_change == Some(Action::Delete) && is_member_participant {
                        // Leaving the org removes this participation; add it back afterwards.
                        existing = None;
                        deps.insert(maddr);
                        note = Some(
                            "re-added as a collaborator after leaving the organization".to_string(),
                        );
                    }
                    if lw.is_none() && acting.is(u.as_str()) {
                        // The creator of a new workspace is its owner participant.
                        existing = Some((-1, "owner".to_string()));
                    }
                    let kind = if self.member_after(org, live, u) {
                        "member"
                    } else {
                        "collaborator"
                    };
                    (existing, Who::User(u.as_str().to_string()), kind)
                }
            };
            let after = attrs([
                ("principal", json!(key)),
                ("role", json!(p.role)),
                ("type", json!(kind_after)),
            ]);
            match existing {
                None => {
                    adds.push(paddr.clone());
                    self.push(Draft {
                        address: paddr,
                        action: Action::Create,
                        kind: Kind::Participant,
                        org: org.name.clone(),
                        workspace: Some(ws.name.clone()),
                        before: None,
                        after: Some(after),
                        risks: role_risks(&p.role),
                        depends_on: deps,
                        note,
                        exec: Exec::AddParticipant {
                            org: org_ref.clone(),
                            workspace: ws_ref.clone(),
                            who,
                            role: p.role.clone(),
                        },
                    });
                }
                Some((_, role)) if role == p.role => {}
                Some((participant_id, role)) => {
                    let exec = match (live, lw) {
                        (Some(l), Some(lw)) => Exec::SetParticipantRole {
                            org_id: l.id,
                            workspace_id: lw.id,
                            participant_id,
                            role: p.role.clone(),
                        },
                        _ => Exec::SetOwnParticipantRole {
                            org: org_ref.clone(),
                            workspace: ws_ref.clone(),
                            role: p.role.clone(),
                        },
                    };
                    let before = attrs([
                        ("principal", json!(key)),
                        ("role", json!(role)),
                        ("type", json!(kind_after)),
                    ]);
                    self.push(Draft {
                        address: paddr,
                        action: Action::Update,
                        kind: Kind::Participant,
                        org: org.name.clone(),
                        workspace: Some(ws.name.clone()),
                        before: Some(before),
                        after: Some(after),
                        risks: role_risks(&p.role),
                        depends_on: deps,
                        note: None,
                        exec,
                    });
                }
            }
        }
        match (live, lw, current) {
            (Some(l), Some(lw), Some(current)) => {
                for lp in current {
                    let wanted = desired.iter().any(|p| match &p.principal {
                        Principal::Team(t) => lp.is_team(t),
                        Principal::User(u) => lp.is_user(u.as_str()),
                    });
                    if wanted {
                        continue;
                    }
                    let key = lp.key();
                    let kind = match lp.kind {
                        ParticipantKind::Team => "team",
                        ParticipantKind::Member => "member",
                        ParticipantKind::Collaborator => "collaborator",
                    };
                    let paddr = participant_address(&org.name, &ws.name, &key);
                    self.push(Draft {
                        address: paddr,
                        action: Action::Delete,
                        kind: Kind::Participant,
                        org: org.name.clone(),
                        workspace: Some(ws.name.clone()),
                        before: Some(attrs([
                            ("principal", json!(key)),
                            ("role", json!(lp.role)),
                            ("type", json!(kind)),
                        ])),
                        after: None,
                        risks: vec![Risk::RemovesAccess],
                        depends_on: BTreeSet::new(),
                        note: None,
                        exec: Exec::RemoveParticipant {
                            org_id: l.id,
                            workspace_id: lw.id,
                            participant_id: lp.participant_id,
                        },
                    });
                }
            }
            (_, None, _) => {
                // A new workspace starts with its creator as owner; if the config does not list
                // the acting user, they leave once everyone else is in.
                let listed = desired
                    .iter()
                    .any(|p| matches!(&p.principal, Principal::User(u) if acting.is(u.as_str())));
                if !listed {
                    let key = format!("user:{}", acting.email.to_lowercase());
                    let mut deps = ws_deps.clone();
                    deps.extend(adds);
                    self.push(Draft {
                        address: participant_address(&org.name, &ws.name, &key),
                        action: Action::Delete,
                        kind: Kind::Participant,
                        org: org.name.clone(),
                        workspace: Some(ws.name.clone()),
                        before: Some(attrs([
                            ("principal", json!(key)),
                            ("role", json!("owner")),
                            ("type", json!("member")),
                        ])),
                        after: None,
                        risks: Vec::new(),
                        depends_on: deps,
                        note: Some(
                            "the acting user is made owner of the workspace it creates, and leaves it since the config does not list them".to_string(),
                        ),
                        exec: Exec::LeaveWorkspace {
                            org: org_ref.clone(),
                            workspace: ws_ref.clone(),
                        },
                    });
                }
            }
            _ => {}
        }
    }
}

fn org_attrs(f: &OrgFields) -> Attrs {
    attrs([
        ("name", json!(f.name)),
        ("fullName", json!(f.full_name)),
        ("description", json!(f.description)),
        ("location", json!(f.location)),
        ("website", json!(f.website)),
    ])
}

fn ws_attrs(f: &WorkspaceFields) -> Attrs {
    attrs([
        ("name", json!(f.name)),
        ("fullName", json!(f.full_name)),
        ("description", json!(f.description)),
        ("visibility", json!(f.visibility.to_lowercase())),
    ])
}

fn live_ws_fields(lw: &LiveWorkspace) -> WorkspaceFields {
    WorkspaceFields {
        name: lw.name.clone(),
        full_name: lw.full_name.clone().unwrap_or_default(),
        description: lw.description.clone(),
        visibility: lw.visibility.to_uppercase(),
    }
}
