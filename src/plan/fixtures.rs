//! Plans for tests of the planner's checks and of the renderers, built the way the planner builds
//! them: changes ordered by wave, kind and address; summary and access precomputed.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::plan::*;

fn attrs(v: Value) -> Option<Attrs> {
    match v {
        Value::Object(m) => Some(m.into_iter().collect()),
        _ => None,
    }
}

/// A change with the fields every test plan needs; the rest default to empty.
/// A fixture's address, written as plans write it.
pub(crate) fn addr(s: &str) -> Address {
    s.parse().expect("a fixture address")
}

fn change(address: &str, action: Action, kind: Kind, exec: Exec) -> Change {
    let address = addr(address);
    let org = address.org_name().to_string();
    let workspace = address.workspace_name().map(ToString::to_string);
    Change {
        address,
        action,
        kind,
        platform: "biocommons".to_string(),
        org,
        workspace,
        role: None,
        participant_type: None,
        before: None,
        after: None,
        risks: Vec::new(),
        depends_on: Vec::new(),
        wave: 0,
        note: None,
        expired: None,
        exec,
    }
}

/// A target whose fingerprints cover the orgs listing and one org's members.
fn target(platform: &str, endpoint: &str, acting_user: &str, org: &str) -> Target {
    Target {
        platform: platform.to_string(),
        endpoint: endpoint.to_string(),
        token_env: "BIOCOMMONS_TOWER_TOKEN".to_string(),
        acting_user: acting_user.to_string(),
        fingerprints: BTreeMap::from([
            (
                format!("org/{org}/members"),
                "5d41402abc4b2a76b9719d911017c592".to_string(),
            ),
            (
                "orgs".to_string(),
                "7d793037a0760186574b0282f2f435e7".to_string(),
            ),
        ]),
        scope: Default::default(),
    }
}

/// A plan with no changes, targets or anything else.
pub fn empty() -> Plan {
    Plan {
        format_version: FORMAT_VERSION.to_string(),
        roster_version: "0.1.0".to_string(),
        desired_digest: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            .to_string(),
        targets: Vec::new(),
        overrides: Overrides::default(),
        changes: Vec::new(),
        access: Vec::new(),
        unmanaged: Vec::new(),
        violations: Vec::new(),
        summary: Summary::default(),
        source: "examples/biocommons".to_string(),
        scope: None,
        digest: String::new(),
        pending_settings: Vec::new(),
        basespace: Vec::new(),
        manual: Vec::new(),
        first_logins: Vec::new(),
        expired_only: false,
        held: Vec::new(),
        expiries: Vec::new(),
    }
}

/// Sort changes as the planner does and recompute the summary.
pub fn finish(mut plan: Plan) -> Plan {
    plan.changes
        .sort_by(|a, b| (a.wave, a.kind, &a.address).cmp(&(b.wave, b.kind, &b.address)));
    plan.summary = summarize(&plan.changes);
    plan
}

const OLD_DESCRIPTION: &str = "National digital infrastructure for life science.\n\
Services for genomics, imaging and structural biology.\n\
Run by the BioCommons operations team.";
const NEW_DESCRIPTION: &str = "National digital infrastructure for life science.\n\
Services for genomics, imaging, proteomics and structural biology.\n\
Run by the BioCommons operations team.\n\
Contact ops@biocommons.org.au for access.";

/// A realistic plan: one org with member create, update and delete, a team with a member, a
/// new workspace with participants, studios and label changes, a destroyed workspace, access
/// changes, unmanaged items, one refusal and one overridden guard rail, and two platforms.
pub fn plan() -> Plan {
    let org = "org/biocommons";
    let mut changes = Vec::new();

    let mut c = change(
        org,
        Action::Update,
        Kind::Organization,
        Exec::UpdateOrg {
            org_id: 101,
            fields: OrgFields {
                name: "biocommons".into(),
                full_name: "Australian BioCommons".into(),
                description: Some(NEW_DESCRIPTION.into()),
                location: Some("Australia".into()),
                website: Some("https://www.biocommons.org.au".into()),
            },
        },
    );
    c.before = attrs(json!({
        "name": "biocommons", "fullName": "Australian BioCommons",
        "description": OLD_DESCRIPTION, "location": "Australia",
        "website": "http://www.biocommons.org.au",
    }));
    c.after = attrs(json!({
        "name": "biocommons", "fullName": "Australian BioCommons",
        "description": NEW_DESCRIPTION, "location": "Australia",
        "website": "https://www.biocommons.org.au",
    }));
    changes.push(c);

    let mut c = change(
        "org/biocommons/member/user:new@uq.edu.au",
        Action::Create,
        Kind::Member,
        Exec::AddMember {
            org: Ref::Id(101),
            user: "new@uq.edu.au".into(),
            role: "member".into(),
        },
    );
    c.after = attrs(json!({"user": "new@uq.edu.au", "role": "member"}));
    changes.push(c);

    let mut c = change(
        "org/biocommons/member/user:jane.doe@uq.edu.au",
        Action::Update,
        Kind::Member,
        Exec::SetMemberRole {
            org_id: 101,
            member_id: 2001,
            role: "owner".into(),
        },
    );
    c.before = attrs(json!({"user": "jane.doe@uq.edu.au", "role": "member"}));
    c.after = attrs(json!({"user": "jane.doe@uq.edu.au", "role": "owner"}));
    c.risks = vec![Risk::GrantsOwner];
    changes.push(c);

    let mut c = change(
        "org/biocommons/member/user:left@uq.edu.au",
        Action::Delete,
        Kind::Member,
        Exec::RemoveMember {
            org_id: 101,
            member_id: 2002,
        },
    );
    c.before = attrs(json!({"user": "left@uq.edu.au", "role": "member"}));
    c.risks = vec![Risk::RemovesAccess];
    c.note = Some(
        "not declared in the config; the members of a declared organization are authoritative"
            .into(),
    );
    c.wave = 2;
    changes.push(c);

    let mut c = change(
        "org/biocommons/team/genomics-admins",
        Action::Create,
        Kind::Team,
        Exec::CreateTeam {
            org: Ref::Id(101),
            name: "genomics-admins".into(),
            description: Some("Admins of the genomics community".into()),
            idp_group_id: None,
        },
    );
    c.after = attrs(
        json!({"name": "genomics-admins", "description": "Admins of the genomics community"}),
    );
    changes.push(c);

    let mut c = change(
        "org/biocommons/team/genomics-admins/member/user:jane.doe@uq.edu.au",
        Action::Create,
        Kind::TeamMember,
        Exec::AddTeamMember {
            org: Ref::Id(101),
            team: Ref::CreatedBy(addr("org/biocommons/team/genomics-admins")),
            user: "jane.doe@uq.edu.au".into(),
        },
    );
    c.after = attrs(json!({"team": "genomics-admins", "user": "jane.doe@uq.edu.au"}));
    c.depends_on = vec![addr("org/biocommons/team/genomics-admins")];
    c.wave = 1;
    changes.push(c);

    let ws = "org/biocommons/workspace/genomics";
    let mut c = change(
        ws,
        Action::Create,
        Kind::Workspace,
        Exec::CreateWorkspace {
            org: Ref::Id(101),
            fields: WorkspaceFields {
                name: "genomics".into(),
                full_name: "Genomics community workspace".into(),
                description: Some("Génomique et santé — 基因组学: shared pipelines, reference data and Studios for the national genomics community".into()),
                visibility: "PRIVATE".into(),
            },
        },
    );
    c.after = attrs(json!({
        "name": "genomics", "fullName": "Genomics community workspace",
        "description": "Génomique et santé — 基因组学: shared pipelines, reference data and Studios for the national genomics community",
        "visibility": "private",
    }));
    changes.push(c);

    let mut c = change(
        "org/biocommons/workspace/genomics/participant/team:genomics-admins",
        Action::Create,
        Kind::Participant,
        Exec::AddParticipant {
            org: Ref::Id(101),
            workspace: Ref::CreatedBy(addr(ws)),
            who: Who::Team(Ref::CreatedBy(addr("org/biocommons/team/genomics-admins"))),
            role: "admin".into(),
        },
    );
    c.after = attrs(json!({"principal": "team:genomics-admins", "role": "admin", "type": "team"}));
    c.risks = vec![Risk::GrantsAdmin];
    c.depends_on = vec![addr("org/biocommons/team/genomics-admins"), addr(ws)];
    c.wave = 1;
    changes.push(c);

    let mut c = change(
        "org/biocommons/workspace/genomics/participant/user:visitor@partner.edu.au",
        Action::Create,
        Kind::Participant,
        Exec::AddParticipant {
            org: Ref::Id(101),
            workspace: Ref::CreatedBy(addr(ws)),
            who: Who::User("visitor@partner.edu.au".into()),
            role: "view".into(),
        },
    );
    c.after = attrs(
        json!({"principal": "user:visitor@partner.edu.au", "role": "view", "type": "collaborator"}),
    );
    c.depends_on = vec![addr(ws)];
    c.wave = 1;
    c.note = Some("not an organization member: joins as a collaborator".into());
    changes.push(c);

    let mut c = change(
        "org/biocommons/workspace/imaging/studios",
        Action::Update,
        Kind::Studios,
        Exec::SetStudios {
            org: Ref::Id(101),
            workspace: Ref::Id(301),
            lifespan_hours: 8,
        },
    );
    c.before = attrs(json!({"lifespanHours": 4}));
    c.after = attrs(json!({"lifespanHours": 8}));
    changes.push(c);

    let mut c = change(
        "org/biocommons/workspace/imaging/label/community=imaging",
        Action::Create,
        Kind::Label,
        Exec::CreateLabel {
            workspace: Ref::Id(301),
            name: "community".into(),
            value: Some("imaging".into()),
            resource: true,
        },
    );
    c.after = attrs(json!({"name": "community", "value": "imaging", "resource": true}));
    changes.push(c);

    let mut c = change(
        "org/biocommons/workspace/imaging/participant/user:bob@x.edu.au",
        Action::Delete,
        Kind::Participant,
        Exec::RemoveParticipant {
            org_id: 101,
            workspace_id: 301,
            participant_id: 4001,
        },
    );
    c.before = attrs(json!({"principal": "user:bob@x.edu.au", "role": "view", "type": "member"}));
    c.risks = vec![Risk::RemovesAccess];
    c.wave = 2;
    changes.push(c);

    let mut c = change(
        "org/biocommons/workspace/scratch-2023",
        Action::Delete,
        Kind::Workspace,
        Exec::DeleteWorkspace {
            org_id: 101,
            workspace_id: 302,
        },
    );
    c.before = attrs(json!({
        "name": "scratch-2023", "fullName": "Scratch space (2023 hackathon)",
        "description": "Temporary workspace for the 2023 hackathon", "visibility": "private",
    }));
    c.risks = vec![Risk::RemovesAccess, Risk::Destructive];
    c.wave = 2;
    c.note = Some(
        "declared with `ensure: absent`; its pipelines, runs and credentials go with it".into(),
    );
    changes.push(c);

    let mut c = change(
        "org/lab/workspace/rnaseq/participant/user:jane.doe@uq.edu.au",
        Action::Update,
        Kind::Participant,
        Exec::SetParticipantRole {
            org_id: 7,
            workspace_id: 70,
            participant_id: 700,
            role: "maintain".into(),
        },
    );
    c.platform = "cloud".into();
    c.before =
        attrs(json!({"principal": "user:jane.doe@uq.edu.au", "role": "launch", "type": "member"}));
    c.after = attrs(
        json!({"principal": "user:jane.doe@uq.edu.au", "role": "maintain", "type": "member"}),
    );
    changes.push(c);

    let plan = Plan {
        targets: vec![
            target(
                "biocommons",
                "https://seqera.services.biocommons.org.au/api",
                "ops <ops@biocommons.org.au>",
                "biocommons",
            ),
            target(
                "cloud",
                "https://api.cloud.seqera.io",
                "jane-doe <jane.doe@uq.edu.au>",
                "lab",
            ),
        ],
        overrides: Overrides {
            allow_destroy: true,
            ..Overrides::default()
        },
        changes,
        access: vec![
            AccessChange {
                user: "bob@x.edu.au".into(),
                loses: vec!["biocommons/imaging: view".into()],
                effective: vec![eff("biocommons/imaging", Some(("view", None)), None)],
                ..AccessChange::default()
            },
            AccessChange {
                user: "jane.doe@uq.edu.au".into(),
                gains: vec!["biocommons/genomics: admin (via team genomics-admins)".into()],
                changes: vec![
                    "biocommons: member → owner".into(),
                    "lab/rnaseq: launch → maintain".into(),
                ],
                effective: vec![
                    eff("biocommons", Some(("member", None)), Some(("owner", None))),
                    eff(
                        "biocommons/genomics",
                        None,
                        Some(("admin", Some("genomics-admins"))),
                    ),
                    eff("lab/rnaseq", Some(("launch", None)), Some(("maintain", None))),
                ],
                ..AccessChange::default()
            },
            AccessChange {
                user: "left@uq.edu.au".into(),
                loses: vec![
                    "biocommons: member".into(),
                    "biocommons/scratch-2023: launch".into(),
                ],
                effective: vec![
                    eff("biocommons", Some(("member", None)), None),
                    eff("biocommons/scratch-2023", Some(("launch", None)), None),
                ],
                ..AccessChange::default()
            },
            AccessChange {
                user: "new@uq.edu.au".into(),
                gains: vec!["biocommons: member".into()],
                effective: vec![eff("biocommons", None, Some(("member", None)))],
                ..AccessChange::default()
            },
            AccessChange {
                user: "visitor@partner.edu.au".into(),
                gains: vec!["biocommons/genomics: view (collaborator)".into()],
                effective: vec![eff("biocommons/genomics", None, Some(("view", None)))],
                ..AccessChange::default()
            },
        ],
        unmanaged: vec![
            Unmanaged {
                address: addr("org/biocommons/workspace/sandbox"),
                reason: "not declared in the config".into(),
            },
            Unmanaged {
                address: addr("org/lab/workspace/playground"),
                reason: "not declared in the config".into(),
            },
        ],
        violations: vec![
            Violation {
                rail: Rail::MaxRemovalFraction,
                message: "the plan removes 3 of 9 existing access grants (33%); policy.maxRemovalFraction is 25%".into(),
                override_flag: OverrideFlag::AllowMassRemoval,
                addresses: vec![
                    addr("org/biocommons/member/user:left@uq.edu.au"),
                    addr("org/biocommons/workspace/imaging/participant/user:bob@x.edu.au"),
                    addr("org/biocommons/workspace/scratch-2023"),
                ],
                overridden: false,
            },
            Violation {
                rail: Rail::Destroy,
                message: "the plan deletes workspace biocommons/scratch-2023".into(),
                override_flag: OverrideFlag::AllowDestroy,
                addresses: vec![addr("org/biocommons/workspace/scratch-2023")],
                overridden: true,
            },
        ],
        ..empty()
    };
    finish(plan)
}

/// A user's effective access to `place` before and after: `(role, via team)`.
fn eff(
    place: &str,
    before: Option<(&str, Option<&str>)>,
    after: Option<(&str, Option<&str>)>,
) -> EffectiveAccess {
    let role = |(role, via): (&str, Option<&str>)| EffectiveRole {
        role: role.into(),
        via: via.map(Into::into),
    };
    EffectiveAccess {
        place: place.into(),
        before: before.map(role),
        after: after.map(role),
    }
}

/// A small one-platform plan: the example in docs/plan-format.md.
pub fn small() -> Plan {
    let mut plan = plan();
    plan.targets.truncate(1);
    plan.changes.retain(|c| {
        c.platform == "biocommons"
            && [
                "org/biocommons/member/user:jane.doe@uq.edu.au",
                "org/biocommons/workspace/genomics",
                "org/biocommons/workspace/genomics/participant/user:visitor@partner.edu.au",
                "org/biocommons/workspace/imaging/participant/user:bob@x.edu.au",
            ]
            .iter()
            .any(|a| c.address == *a)
    });
    plan.access.retain(|a| {
        [
            "bob@x.edu.au",
            "jane.doe@uq.edu.au",
            "visitor@partner.edu.au",
        ]
        .contains(&a.user.as_str())
    });
    if let Some(jane) = plan
        .access
        .iter_mut()
        .find(|a| a.user == "jane.doe@uq.edu.au")
    {
        jane.gains.clear();
        jane.changes.truncate(1);
        jane.effective.truncate(1);
    }
    plan.unmanaged.truncate(1);
    plan.violations =
        vec![Violation {
        rail: Rail::MaxRemovalFraction,
        message:
            "the plan removes 1 of 3 existing access grants (33%); policy.maxRemovalFraction is 25%"
                .into(),
        override_flag: OverrideFlag::AllowMassRemoval,
        addresses: vec![addr("org/biocommons/workspace/imaging/participant/user:bob@x.edu.au")],
        overridden: true,
    }];
    plan.overrides = Overrides {
        allow_mass_removal: true,
        ..Overrides::default()
    };
    finish(plan)
}

/// A plan adding `n` members to one org, with as many access changes.
pub fn many(n: usize) -> Plan {
    let changes = (0..n)
        .map(|i| {
            let user = format!("user{i:05}@uq.edu.au");
            let mut c = change(
                &format!("org/biocommons/member/user:{user}"),
                Action::Create,
                Kind::Member,
                Exec::AddMember {
                    org: Ref::Id(101),
                    user: user.clone(),
                    role: "member".into(),
                },
            );
            c.after = attrs(json!({"user": user, "role": "member"}));
            if i % 10 == 0 {
                c.risks = vec![Risk::GrantsOwner];
                c.after = attrs(json!({"user": user, "role": "owner"}));
            }
            c
        })
        .collect();
    let access = (0..n)
        .map(|i| AccessChange {
            user: format!("user{i:05}@uq.edu.au"),
            gains: vec![format!(
                "biocommons: {}",
                if i % 10 == 0 { "owner" } else { "member" }
            )],
            effective: vec![eff(
                "biocommons",
                None,
                Some((if i % 10 == 0 { "owner" } else { "member" }, None)),
            )],
            ..AccessChange::default()
        })
        .collect();
    finish(Plan {
        targets: vec![target(
            "biocommons",
            "https://seqera.services.biocommons.org.au/api",
            "ops <ops@biocommons.org.au>",
            "biocommons",
        )],
        changes,
        access,
        ..empty()
    })
}

/// [`small`] with a BaseSpace workgroup: two regions read, and the manual steps of an invite,
/// an access change and a removal of an expired user, computed by the planner from a ledger,
/// in the same access view as the Seqera changes.
pub fn with_basespace() -> Plan {
    use crate::config::desired::UserRef;
    use crate::config::desired::When;
    use crate::config::desired::basespace::{BaseSpace, Region, Tier, Workgroup, WorkgroupUser};
    use crate::ledger::{Ledger, Record, Role, Step};
    let r = Region::new;
    let user =
        |u: &str, regions: &[&str], expires: Option<&str>, reason: Option<&str>| WorkgroupUser {
            user: UserRef::new(u),
            sequence_hub: regions.iter().map(|x| r(x)).collect(),
            expires: expires.and_then(|e| When::parse(e).ok()),
            reason: reason.map(str::to_string),
        };
    let desired = BaseSpace {
        platforms: BTreeMap::new(),
        workgroups: vec![Workgroup {
            name: "lab-sequencing".into(),
            platform: "illumina".into(),
            regions: vec![r("use1"), r("euc1")],
            tier: Tier::Professional,
            domain: None,
            email_domains: Vec::new(),
            collaborative: false,
            admins: Some(vec![UserRef::new("jane.doe@uq.edu.au")]),
            users: Some(vec![
                user("bob@x.edu.au", &["use1"], None, Some("honours project")),
                user("mei.chen@garvan.org.au", &["euc1", "use1"], None, None),
                user(
                    "former@uq.edu.au",
                    &["use1"],
                    Some("2026-01-01"),
                    Some("2025 intern"),
                ),
            ]),
            origin: Default::default(),
        }],
    };
    let mut ledger = Ledger::default();
    for (u, role, regions) in [
        ("jane.doe@uq.edu.au", Role::Admin, vec![]),
        ("mei.chen@garvan.org.au", Role::User, vec![r("use1")]),
        ("former@uq.edu.au", Role::User, vec![r("use1")]),
    ] {
        ledger.push(
            Record {
                platform: "illumina".into(),
                workgroup: "lab-sequencing".into(),
                user: UserRef::new(u),
                step: Step::Invite,
                role: Some(role),
                sequence_hub: regions,
            },
            "2025-11-01T09:00:00Z".into(),
            "jane.doe@uq.edu.au".into(),
        );
    }
    let mut plan = small();
    let now = When::parse("2026-06-01").expect("a date");
    let manual = crate::plan::basespace::diff(&desired, &ledger.state(), &now);
    for entry in crate::plan::basespace::access(&manual) {
        match plan.access.iter_mut().find(|a| a.user == entry.user) {
            Some(a) => {
                a.gains.extend(entry.gains);
                a.changes.extend(entry.changes);
                a.loses.extend(entry.loses);
            }
            None => plan.access.push(entry),
        }
    }
    plan.access.sort_by(|a, b| a.user.cmp(&b.user));
    plan.summary.manual = manual.len();
    plan.manual = manual;
    plan.basespace = ["use1", "euc1"]
        .iter()
        .map(|region| BaseSpaceTarget {
            platform: "illumina".into(),
            region: region.to_string(),
            endpoint: Region::new(region)
                .default_endpoint()
                .unwrap_or_default()
                .to_string(),
            token_env: Region::new(region).default_token_env(),
            acting_user: "Jane Doe <jane.doe@uq.edu.au>".into(),
            workgroups: [("lab-sequencing".to_string(), "30218854".to_string())]
                .into_iter()
                .collect(),
            warnings: Vec::new(),
        })
        .collect();
    plan.digest = crate::plan::verify::digest(&plan);
    plan
}

/// The `--expired-only` plan of [`plan`]'s platform: two removals of expired grants (one
/// ending with the membership), the rest held back.
pub fn expired_only() -> Plan {
    use crate::config::time::When;
    let full = plan();
    let on = |s: &str| When::parse(s).expect("a fixture date");
    let mut plan = small();
    plan.violations.clear();
    plan.overrides = Overrides::default();
    plan.changes.retain(|c| c.action == Action::Delete);
    for c in &mut plan.changes {
        c.expired = Some(Expired {
            on: on("2026-11-30"),
            reason: Some("summer school `2026`".into()),
            membership: None,
        });
    }
    let mut m = change(
        "org/biocommons/member/user:bob@x.edu.au",
        Action::Delete,
        Kind::Member,
        Exec::RemoveMember {
            org_id: 101,
            member_id: 2003,
        },
    );
    m.before = attrs(json!({"user": "bob@x.edu.au", "role": "member"}));
    m.risks = vec![Risk::RemovesAccess];
    m.expired = Some(Expired {
        on: on("2026-11-28T08:00:00+10:00"),
        reason: None,
        membership: None,
    });
    m.wave = 3;
    for c in &mut plan.changes {
        if c.address.user() == Some("bob@x.edu.au") {
            c.expired = m.expired.clone().map(|e| Expired {
                membership: Some(m.address.clone()),
                ..e
            });
        }
    }
    plan.changes.push(m);
    plan.held = full
        .changes
        .iter()
        .filter(|c| c.action != Action::Delete)
        .take(4)
        .map(|c| Held {
            address: c.address.clone(),
            action: c.action,
            kind: c.kind,
        })
        .collect();
    plan.expired_only = true;
    finish(plan)
}

/// [`small`] with the ends of grants a change sets.
pub fn with_expiries() -> Plan {
    use crate::config::time::When;
    let on = |s: &str| Some(When::parse(s).expect("a fixture date"));
    let mut plan = small();
    plan.expiries = vec![
        ExpiryChange {
            address: addr("org/biocommons/member/user:jane.doe@uq.edu.au"),
            change: ExpiryEdit::Extended,
            before: on("2027-01-31"),
            after: on("2027-06-30"),
            reason: Some("thesis".into()),
        },
        ExpiryChange {
            address: addr(
                "org/biocommons/workspace/genomics/participant/user:visitor@partner.edu.au",
            ),
            change: ExpiryEdit::Added,
            before: None,
            after: on("2027-02-14T17:00:00+10:00"),
            reason: Some("site visit".into()),
        },
        ExpiryChange {
            address: addr("org/biocommons/workspace/imaging/participant/user:bob@x.edu.au"),
            change: ExpiryEdit::Removed,
            before: on("2027-01-01"),
            after: None,
            reason: None,
        },
    ];
    plan
}
