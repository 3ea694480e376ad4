//! Reading the live state of a [`Scope`] through the Seqera client: the acting user, the org list,
//! and for each declared org its members, collaborators, teams (and the members of teams whose
//! membership the config manages) and workspaces; for each declared workspace its participants,
//! and its studios settings and labels only when declared. Every read is one full paginated
//! listing (no per-object lookups, no searches), and independent listings run concurrently.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use tokio::task::JoinSet;

pub use crate::scope::{OrgScope, Scope, WorkspaceScope};

use super::{
    ActingUser, Live, LiveLabel, LiveMember, LiveOrg, LiveParticipant, LiveStudios, LiveTeam,
    LiveWorkspace, ParticipantKind, fingerprint,
};
use crate::platform::seqera::Client;
use crate::platform::seqera::dto::{MemberDbDto, ParticipantResponseDto};

/// Read the acting user and the live state of `scope`.
pub async fn read(client: &Client, scope: &Scope) -> Result<(ActingUser, Live)> {
    let (user, orgs) = tokio::join!(client.user_info(), client.list_orgs());
    let user = user.context("reading the acting user (the token's owner)")?;
    let orgs = orgs.context("listing organizations")?;
    let acting = ActingUser {
        id: user.id,
        user_name: user.user_name.unwrap_or_default(),
        email: user.email.unwrap_or_default(),
    };

    let mut live = Live::default();
    live.fingerprints
        .insert("user".to_string(), fingerprint(&acting));

    // The org list, restricted to the declared orgs, so changes elsewhere do not make plans stale.
    let mut org_list: Vec<(String, Option<i64>)> = Vec::new();
    let mut tasks = JoinSet::new();
    for os in &scope.orgs {
        let found = orgs.iter().find(|o| o.name.eq_ignore_ascii_case(&os.name));
        org_list.push((os.name.to_lowercase(), found.map(|o| o.org_id)));
        if let Some(o) = found {
            let base = LiveOrg {
                id: o.org_id,
                name: o.name.clone(),
                full_name: o.full_name.clone(),
                description: o.description.clone(),
                location: o.location.clone(),
                website: o.website.clone(),
                members: Vec::new(),
                collaborators: Vec::new(),
                teams: Vec::new(),
                workspaces: Vec::new(),
            };
            tasks.spawn(read_org(client.clone(), os.clone(), base));
        }
    }
    let org_fields: Vec<_> = scope
        .orgs
        .iter()
        .map(|os| {
            orgs.iter()
                .find(|o| o.name.eq_ignore_ascii_case(&os.name))
                .map(|o| {
                    (
                        o.org_id,
                        o.name.clone(),
                        o.full_name.clone(),
                        o.description.clone(),
                        o.location.clone(),
                        o.website.clone(),
                    )
                })
        })
        .collect();
    live.fingerprints
        .insert("orgs".to_string(), fingerprint(&(&org_list, &org_fields)));

    while let Some(joined) = tasks.join_next().await {
        let (org, prints) = joined.context("organization reader task")??;
        live.fingerprints.extend(prints);
        live.orgs.insert(org.name.to_lowercase(), org);
    }
    Ok((acting, live))
}

pub fn member(m: MemberDbDto) -> LiveMember {
    LiveMember {
        member_id: m.member_id,
        user_id: m.user_id,
        user_name: m.user_name.unwrap_or_default(),
        email: m.email.unwrap_or_default(),
        role: m.role.unwrap_or_default().to_lowercase(),
    }
}

fn sorted_members(ms: Vec<MemberDbDto>) -> Vec<LiveMember> {
    let mut v: Vec<LiveMember> = ms.into_iter().map(member).collect();
    v.sort_by_key(|m| m.member_id);
    v
}

pub fn participant(p: ParticipantResponseDto) -> LiveParticipant {
    let kind = match p.kind.as_deref().map(str::to_ascii_uppercase).as_deref() {
        Some("TEAM") => ParticipantKind::Team,
        Some("COLLABORATOR") => ParticipantKind::Collaborator,
        _ if p.team_id.is_some() && p.member_id.is_none() => ParticipantKind::Team,
        _ if p.org_role.as_deref() == Some("collaborator") => ParticipantKind::Collaborator,
        _ => ParticipantKind::Member,
    };
    let role = p.wsp_role.unwrap_or_default();
    let role = if crate::config::desired::workspace_role_rank(&role.to_lowercase()).is_some() {
        role.to_lowercase()
    } else {
        role
    };
    LiveParticipant {
        participant_id: p.participant_id,
        kind,
        member_id: p.member_id,
        team_id: p.team_id,
        user_name: p.user_name,
        email: p.email,
        team_name: p.team_name,
        role,
    }
}

type Prints = BTreeMap<String, String>;

async fn read_org(client: Client, scope: OrgScope, mut org: LiveOrg) -> Result<(LiveOrg, Prints)> {
    let id = org.id;
    let name = org.name.clone();
    let key = name.to_lowercase();
    let (members, collaborators, teams, workspaces) = tokio::join!(
        client.list_members(id),
        client.list_collaborators(id),
        client.list_teams(id),
        client.list_workspaces(id),
    );
    org.members =
        sorted_members(members.with_context(|| format!("listing members of organization {name}"))?);
    org.collaborators = sorted_members(
        collaborators.with_context(|| format!("listing collaborators of organization {name}"))?,
    );
    let mut teams: Vec<LiveTeam> = teams
        .with_context(|| format!("listing teams of organization {name}"))?
        .into_iter()
        .map(|t| LiveTeam {
            id: t.team_id,
            name: t.name,
            description: t.description,
            idp_managed: t.idp_group_id.is_some(),
            members_count: t.members_count.unwrap_or(0).max(0) as usize,
            members: None,
        })
        .collect();
    teams.sort_by_key(|t| t.id);
    let mut workspaces: Vec<LiveWorkspace> = workspaces
        .with_context(|| format!("listing workspaces of organization {name}"))?
        .into_iter()
        .map(|w| LiveWorkspace {
            id: w.id,
            name: w.name,
            full_name: w.full_name,
            description: w.description,
            visibility: w.visibility.unwrap_or_default().to_lowercase(),
            participants: None,
            studios: None,
            labels: None,
        })
        .collect();
    workspaces.sort_by_key(|w| w.id);

    let mut prints = Prints::new();
    prints.insert(format!("org/{key}/members"), fingerprint(&org.members));
    prints.insert(
        format!("org/{key}/collaborators"),
        fingerprint(&org.collaborators),
    );
    prints.insert(format!("org/{key}/teams"), fingerprint(&teams));
    prints.insert(format!("org/{key}/workspaces"), fingerprint(&workspaces));

    // Second round: team members and workspace details, all concurrently.
    enum Detail {
        TeamMembers(usize, Vec<LiveMember>),
        Participants(usize, Vec<LiveParticipant>),
        Studios(usize, LiveStudios),
        Labels(usize, Vec<LiveLabel>),
    }
    let mut tasks: JoinSet<Result<Detail>> = JoinSet::new();
    for tname in &scope.team_members {
        if let Some(i) = teams
            .iter()
            .position(|t| t.name.eq_ignore_ascii_case(tname))
        {
            let (c, team_id, tn, on) = (
                client.clone(),
                teams[i].id,
                teams[i].name.clone(),
                name.clone(),
            );
            tasks.spawn(async move {
                let ms = c.list_team_members(id, team_id).await.with_context(|| {
                    format!("listing members of team {tn} in organization {on}")
                })?;
                Ok(Detail::TeamMembers(i, sorted_members(ms)))
            });
        }
    }
    for ws in &scope.workspaces {
        let Some(i) = workspaces
            .iter()
            .position(|w| w.name.eq_ignore_ascii_case(&ws.name))
        else {
            continue;
        };
        let wid = workspaces[i].id;
        let label = format!("{name}/{}", workspaces[i].name);
        if ws.participants {
            let (c, label) = (client.clone(), label.clone());
            tasks.spawn(async move {
                let ps = c
                    .list_participants(id, wid)
                    .await
                    .with_context(|| format!("listing participants of workspace {label}"))?;
                let mut v: Vec<LiveParticipant> = ps.into_iter().map(participant).collect();
                v.sort_by_key(|p| p.participant_id);
                Ok(Detail::Participants(i, v))
            });
        }
        if ws.studios {
            let (c, label) = (client.clone(), label.clone());
            tasks.spawn(async move {
                let s = c
                    .studios_settings(id, wid)
                    .await
                    .with_context(|| format!("reading studios settings of workspace {label}"))?;
                Ok(Detail::Studios(
                    i,
                    LiveStudios {
                        lifespan_hours: s.lifespan_hours.unwrap_or(0),
                        container_repository: s.container_repository,
                        private_studio_by_default: s.private_studio_by_default.unwrap_or(false),
                        name_strategy: s.name_strategy,
                    },
                ))
            });
        }
        if ws.labels {
            let (c, label) = (client.clone(), label.clone());
            tasks.spawn(async move {
                let ls = c
                    .list_labels(wid)
                    .await
                    .with_context(|| format!("listing labels of workspace {label}"))?;
                let mut v: Vec<LiveLabel> = ls
                    .into_iter()
                    .map(|l| LiveLabel {
                        id: l.id,
                        name: l.name,
                        value: l.value,
                        resource: l.resource.unwrap_or(false),
                    })
                    .collect();
                v.sort_by_key(|l| l.id);
                Ok(Detail::Labels(i, v))
            });
        }
    }
    while let Some(joined) = tasks.join_next().await {
        match joined.context("workspace reader task")?? {
            Detail::TeamMembers(i, ms) => {
                prints.insert(
                    format!("org/{key}/team/{}/members", teams[i].name.to_lowercase()),
                    fingerprint(&ms),
                );
                teams[i].members = Some(ms);
            }
            Detail::Participants(i, ps) => {
                prints.insert(
                    format!(
                        "org/{key}/workspace/{}/participants",
                        workspaces[i].name.to_lowercase()
                    ),
                    fingerprint(&ps),
                );
                workspaces[i].participants = Some(ps);
            }
            Detail::Studios(i, s) => {
                prints.insert(
                    format!(
                        "org/{key}/workspace/{}/studios",
                        workspaces[i].name.to_lowercase()
                    ),
                    fingerprint(&s),
                );
                workspaces[i].studios = Some(s);
            }
            Detail::Labels(i, ls) => {
                prints.insert(
                    format!(
                        "org/{key}/workspace/{}/labels",
                        workspaces[i].name.to_lowercase()
                    ),
                    fingerprint(&ls),
                );
                workspaces[i].labels = Some(ls);
            }
        }
    }
    org.teams = teams;
    org.workspaces = workspaces;
    Ok((org, prints))
}
