//! Reading the live state of a [`Scope`] through the Seqera client: the acting user, the org list,
//! and for each declared org its members, collaborators, teams (and the members of teams whose
//! membership the config manages) and workspaces; for each declared workspace its participants,
//! and its studios settings and labels only when declared. Every read is one full paginated
//! listing (and the IdP group catalogue when a declared team follows a group), and independent
//! listings run concurrently: a workspace's details are asked for as
//! soon as the workspace list is in, whatever the member listing is doing. The one exception is
//! a change-scoped read (`OrgScope::member_lookup`): the members it needs are looked up by
//! `search` (matched exactly here; a miss falls back to the listing), or the listing is read
//! when that is as cheap. When the config defines custom roles, the org's roles, the permission
//! catalogue and the quota are read too, the defined roles described one by one, and, when a
//! live custom role is not named by the config (the plan deletes it), who holds it in every
//! workspace of the org.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::{Context, Result};
use tokio::task::JoinSet;

pub use crate::scope::{MemberLookup, OrgScope, RoleScope, Scope, WorkspaceScope};

use super::{
    ActingUser, IdpCatalogue, Live, LiveIdpGroup, LiveIdpLink, LiveLabel, LiveMember, LiveOrg,
    LiveParticipant, LiveRole, LiveRoles, LiveStudios, LiveTeam, LiveWorkspace, PartialMembers,
    ParticipantKind, RoleHolder, fingerprint,
};
use crate::platform::seqera::ApiError;
use crate::platform::seqera::dto::{MemberDbDto, ParticipantResponseDto};
use crate::platform::seqera::{Client, PAGE_SIZE};

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
                idp_catalogue: None,
                roles: None,
            };
            tasks.spawn(read_org(client.clone(), os.clone(), base, acting.clone()));
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
        let (org, prints, partial) = joined.context("organization reader task")??;
        live.fingerprints.extend(prints);
        if let Some(p) = partial {
            live.partial_members.insert(org.name.to_lowercase(), p);
        }
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

/// Members and collaborators apart, whatever the member listing holds. The platform never lists
/// collaborators in `/members` (measured; tw's code reads them from `/collaborators` only), but
/// roster must not rely on that either way: an entry of the member listing whose role is
/// `collaborator` is a collaborator, counted once.
fn apart(
    members: Vec<MemberDbDto>,
    mut collaborators: Vec<MemberDbDto>,
) -> (Vec<MemberDbDto>, Vec<MemberDbDto>) {
    let (listed, members): (Vec<MemberDbDto>, Vec<MemberDbDto>) =
        members.into_iter().partition(|m| {
            m.role
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case("collaborator"))
        });
    for m in listed {
        if !collaborators.iter().any(|c| c.member_id == m.member_id) {
            collaborators.push(m);
        }
    }
    (members, collaborators)
}

/// The members of an org a change-scoped plan needs (with a [`MemberLookup`]), given the first
/// page of the member listing (read beside the workspaces): the users it looks up, with what the
/// partial read covers, or the whole listing when that is as cheap.
async fn lookup_members(
    client: &Client,
    id: i64,
    lookup: &MemberLookup,
    acting: &ActingUser,
    skip: &BTreeSet<String>,
    (first, total): (Vec<MemberDbDto>, Option<i64>),
) -> Result<(Vec<MemberDbDto>, Option<PartialMembers>), ApiError> {
    // The first page says how big the org is; a small org is then read whole.
    let full_rest = |first: Vec<MemberDbDto>| async move {
        let mut all = first;
        let mut offset = all.len();
        loop {
            let (page, _) = client.list_members_page(id, offset).await?;
            let n = page.len();
            all.extend(page);
            offset += n;
            if n < PAGE_SIZE || total.is_some_and(|t| t > 0 && offset as i64 >= t) {
                return Ok::<_, ApiError>((all, None));
            }
        }
    };
    if first.len() < PAGE_SIZE || total.is_some_and(|t| t > 0 && first.len() as i64 >= t) {
        return Ok((first, None));
    }
    let Some(total) = total.filter(|t| *t > 0).map(|t| t as usize) else {
        return full_rest(first).await;
    };
    let pages_left = total.div_ceil(PAGE_SIZE).saturating_sub(1);
    let is = |m: &MemberDbDto, user: &str| {
        m.email
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case(user))
            || m.user_name
                .as_deref()
                .is_some_and(|u| u.eq_ignore_ascii_case(user))
    };
    let mut found: Vec<MemberDbDto> = first;
    let mut looked_up: BTreeSet<String> = BTreeSet::new();
    let acting_ref = if acting.email.is_empty() {
        acting.user_name.to_lowercase()
    } else {
        acting.email.to_lowercase()
    };
    let mut wanted: Vec<String> = lookup
        .users
        .iter()
        .filter(|u| !skip.contains(*u))
        .cloned()
        .collect();
    wanted.push(acting_ref);
    for round in 0..2 {
        let missing: Vec<String> = wanted
            .iter()
            .filter(|u| !looked_up.contains(*u))
            .filter(|u| !found.iter().any(|m| is(m, u)))
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        looked_up.extend(wanted.iter().cloned());
        if missing.len() >= pages_left {
            // As many lookups as pages left: the listing is as cheap and complete.
            let first: Vec<MemberDbDto> = found.into_iter().take(PAGE_SIZE).collect();
            return full_rest(first).await;
        }
        let mut tasks = JoinSet::new();
        for u in missing {
            let c = client.clone();
            tasks.spawn(async move {
                let r = c.search_members(id, &u).await;
                (u, r)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            let (u, r) = joined.map_err(|e| ApiError::Transport {
                endpoint: client.endpoint().to_string(),
                operation: "ListOrganizationMembers",
                path: format!("/orgs/{id}/members"),
                cause: format!("lookup task: {e}"),
            })?;
            let hits: Vec<MemberDbDto> = r?.into_iter().filter(|m| is(m, &u)).collect();
            if hits.is_empty() {
                // How the platform's search matches is not specified: a miss proves nothing,
                // so the listing decides.
                tasks.abort_all();
                let first: Vec<MemberDbDto> = found.into_iter().take(PAGE_SIZE).collect();
                return full_rest(first).await;
            }
            found.extend(hits);
        }
        // A user of the changed workspaces who is an owner and is not declared one may lose
        // ownership: the plan then orders that after every owner grant, so the declared owners
        // are needed too.
        let may_lose_owner = lookup.users.iter().filter(|u| !skip.contains(*u)).any(|u| {
            !lookup.owners.contains(u)
                && found.iter().any(|m| {
                    is(m, u)
                        && m.role
                            .as_deref()
                            .is_some_and(|r| r.eq_ignore_ascii_case("owner"))
                })
        });
        if round == 1 || !may_lose_owner || lookup.owners.is_empty() {
            break;
        }
        wanted = lookup.owners.clone();
    }
    let mut seen = BTreeSet::new();
    found.retain(|m| seen.insert(m.member_id));
    Ok((found, Some(PartialMembers { looked_up, total })))
}

/// The users of a [`MemberLookup`] whose every declared participation is already live with the
/// declared role, and who do not leave the org while being a member participant: the plan
/// changes nothing of theirs, so their membership needs no lookup.
fn unchanged_users(lookup: &MemberLookup, workspaces: &[LiveWorkspace]) -> BTreeSet<String> {
    let mut by_user: BTreeMap<&str, Vec<&crate::scope::DeclaredParticipation>> = BTreeMap::new();
    for d in &lookup.declared {
        by_user.entry(d.user.as_str()).or_default().push(d);
    }
    by_user
        .into_iter()
        .filter(|(user, ds)| {
            ds.iter().all(|d| {
                workspaces
                    .iter()
                    .find(|w| w.name.eq_ignore_ascii_case(&d.workspace))
                    .and_then(|w| w.participants.as_ref())
                    .is_some_and(|ps| {
                        let mine: Vec<&LiveParticipant> =
                            ps.iter().filter(|p| p.is_user(user)).collect();
                        mine.len() == 1
                            && mine[0].role == d.role
                            && !(d.leaves_org && mine[0].kind == ParticipantKind::Member)
                    })
            })
        })
        .map(|(user, _)| user.to_string())
        .collect()
}

async fn read_org(
    client: Client,
    scope: OrgScope,
    mut org: LiveOrg,
    acting: ActingUser,
) -> Result<(LiveOrg, Prints, Option<PartialMembers>)> {
    let id = org.id;
    let name = org.name.clone();
    let key = name.to_lowercase();

    // Members and collaborators; teams and then the members of managed teams; workspaces and
    // then each declared workspace's details: three chains that run side by side, so a
    // workspace's participants are asked for as soon as the workspace list is in.
    let collaborators = async {
        client
            .list_collaborators(id)
            .await
            .with_context(|| format!("listing collaborators of organization {name}"))
    };
    let teams = async {
        let (teams, catalogue) = tokio::join!(
            read_teams(&client, id, &name, &scope),
            read_catalogue(&client, id, &name, scope.idp_groups)
        );
        Ok::<_, anyhow::Error>((teams?, catalogue?))
    };
    let workspaces = read_workspaces(&client, id, &name, &scope);
    let members_context = || format!("listing members of organization {name}");
    let roles = read_roles(&client, id, &name, scope.roles.as_ref());
    let (members, collaborators, teams, workspaces, roles) = match &scope.member_lookup {
        None => {
            let members = async {
                client
                    .list_members(id)
                    .await
                    .map(|ms| (ms, None))
                    .with_context(members_context)
            };
            tokio::join!(members, collaborators, teams, workspaces, roles)
        }
        Some(lookup) => {
            // Which users need a lookup depends on the participants the workspaces have now;
            // the member listing's first page is read beside them.
            let (first, c, t, w, r) = tokio::join!(
                client.list_members_page(id, 0),
                collaborators,
                teams,
                workspaces,
                roles
            );
            let skip = match &w {
                Ok((ws, _)) => unchanged_users(lookup, ws),
                Err(_) => BTreeSet::new(),
            };
            let m = match first {
                Ok(first) => lookup_members(&client, id, lookup, &acting, &skip, first)
                    .await
                    .with_context(members_context),
                Err(e) => Err(anyhow::Error::from(e).context(members_context())),
            };
            (m, c, t, w, r)
        }
    };
    let (members, partial) = members?;
    let (members, collaborators) = apart(members, collaborators?);
    org.members = sorted_members(members);
    org.collaborators = sorted_members(collaborators);
    let ((teams, team_prints), catalogue) = teams?;
    let (workspaces, ws_prints) = workspaces?;

    let mut prints = Prints::new();
    prints.insert(format!("org/{key}/members"), fingerprint(&org.members));
    prints.insert(
        format!("org/{key}/collaborators"),
        fingerprint(&org.collaborators),
    );
    let (roles, role_prints) = roles?;
    for (k, v) in team_prints.into_iter().chain(ws_prints).chain(role_prints) {
        prints.insert(format!("org/{key}/{k}"), v);
    }
    if let Some(c) = &catalogue {
        prints.insert(format!("org/{key}/idp-groups"), fingerprint(c));
    }
    org.idp_catalogue = catalogue;
    org.teams = teams;
    org.workspaces = workspaces;
    if let (Some(mut roles), Some(rs)) = (roles, &scope.roles) {
        let (holders, holder_prints) = read_holders(&client, &org, &roles, rs).await?;
        for (k, v) in holder_prints {
            prints.insert(format!("org/{key}/{k}"), v);
        }
        roles.holders = holders;
        org.roles = Some(roles);
    }
    Ok((org, prints, partial))
}

/// The org's IdP group catalogue when `wanted` (a declared team follows an IdP group);
/// [`IdpCatalogue::Off`] when the platform says the feature is off (404).
async fn read_catalogue(
    client: &Client,
    id: i64,
    org_name: &str,
    wanted: bool,
) -> Result<Option<IdpCatalogue>> {
    if !wanted {
        return Ok(None);
    }
    let groups = client
        .list_idp_groups(id)
        .await
        .with_context(|| format!("listing the IdP group catalogue of organization {org_name}"))?;
    Ok(Some(match groups {
        None => IdpCatalogue::Off,
        Some(gs) => {
            let mut v: Vec<LiveIdpGroup> = gs
                .into_iter()
                .map(|g| LiveIdpGroup {
                    id: g.id,
                    name: g.display_name.unwrap_or_default(),
                    source: g.source.unwrap_or_default().to_lowercase(),
                })
                .collect();
            v.sort_by_key(|g| g.id);
            IdpCatalogue::Groups(v)
        }
    }))
}

/// The org's custom roles, the permission catalogue and the roles quota, when the config defines
/// custom roles; the permissions of the roles it defines (or renames) are described one by one.
async fn read_roles(
    client: &Client,
    id: i64,
    org_name: &str,
    scope: Option<&RoleScope>,
) -> Result<(Option<LiveRoles>, Prints)> {
    let Some(scope) = scope else {
        return Ok((None, Prints::new()));
    };
    let (roles, permissions, quotas) = tokio::join!(
        client.list_custom_roles(id),
        client.list_role_permissions(id),
        client.quotas(id)
    );
    let roles =
        roles.with_context(|| format!("listing custom roles of organization {org_name}"))?;
    let mut permissions = permissions
        .with_context(|| format!("listing role permissions of organization {org_name}"))?;
    permissions.sort();
    let quotas = quotas.with_context(|| format!("reading quotas of organization {org_name}"))?;
    let mut custom: Vec<LiveRole> = roles
        .into_iter()
        .map(|r| LiveRole {
            name: r.name,
            description: r.description,
            permissions: None,
        })
        .collect();
    custom.sort_by_key(|r| r.name.to_lowercase());
    let mut tasks: JoinSet<Result<(usize, Vec<String>)>> = JoinSet::new();
    for (i, r) in custom.iter().enumerate() {
        if !scope.defined.contains(&r.name.to_lowercase()) {
            continue;
        }
        let (c, name, on) = (client.clone(), r.name.clone(), org_name.to_string());
        tasks.spawn(async move {
            let d = c
                .describe_role(id, &name)
                .await
                .with_context(|| format!("reading custom role {name} of organization {on}"))?;
            let mut ps = d.permissions.unwrap_or_default();
            ps.sort();
            Ok((i, ps))
        });
    }
    while let Some(joined) = tasks.join_next().await {
        let (i, ps) = joined.context("role reader task")??;
        custom[i].permissions = Some(ps);
    }
    let mut prints = Prints::new();
    prints.insert("roles".to_string(), fingerprint(&custom));
    prints.insert(
        "roles/permissions".to_string(),
        fingerprint(&(&permissions, quotas.max_custom_roles_per_org)),
    );
    Ok((
        Some(LiveRoles {
            custom,
            permissions,
            max_custom_roles: quotas.max_custom_roles_per_org,
            holders: Vec::new(),
        }),
        prints,
    ))
}

/// Who holds a custom role the config does not name, in every workspace of the org: the
/// participants already read, and a listing of each other workspace (only when such a role
/// exists, so configs that name every role read nothing more).
async fn read_holders(
    client: &Client,
    org: &LiveOrg,
    roles: &LiveRoles,
    scope: &RoleScope,
) -> Result<(Vec<RoleHolder>, Prints)> {
    let undeclared: BTreeSet<String> = roles
        .custom
        .iter()
        .map(|r| r.name.to_lowercase())
        .filter(|n| !scope.declared.contains(n))
        .collect();
    let mut prints = Prints::new();
    if undeclared.is_empty() {
        return Ok((Vec::new(), prints));
    }
    let mut lists: Vec<(String, Vec<LiveParticipant>)> = Vec::new();
    let mut tasks: JoinSet<Result<(String, Vec<LiveParticipant>)>> = JoinSet::new();
    for w in &org.workspaces {
        match &w.participants {
            Some(ps) => lists.push((w.name.clone(), ps.clone())),
            None => {
                let (c, org_id, wid, ws, on) = (
                    client.clone(),
                    org.id,
                    w.id,
                    w.name.clone(),
                    org.name.clone(),
                );
                tasks.spawn(async move {
                    let ps = c.list_participants(org_id, wid).await.with_context(|| {
                        format!("listing participants of workspace {on}/{ws} (who holds a custom role roster would delete)")
                    })?;
                    let mut v: Vec<LiveParticipant> = ps.into_iter().map(participant).collect();
                    v.sort_by_key(|p| p.participant_id);
                    Ok((ws, v))
                });
            }
        }
    }
    while let Some(joined) = tasks.join_next().await {
        let (ws, ps) = joined.context("participant reader task")??;
        prints.insert(
            format!("role-holders/{}", ws.to_lowercase()),
            fingerprint(&ps),
        );
        lists.push((ws, ps));
    }
    let mut holders: Vec<RoleHolder> = lists
        .into_iter()
        .flat_map(|(ws, ps)| {
            let undeclared = &undeclared;
            ps.into_iter()
                .filter(move |p| undeclared.contains(&p.role.to_lowercase()))
                .map(move |p| RoleHolder {
                    role: p.role.clone(),
                    workspace: ws.clone(),
                    participant: p,
                })
        })
        .collect();
    holders.sort_by(|a, b| {
        (
            a.role.to_lowercase(),
            a.workspace.to_lowercase(),
            a.participant.participant_id,
        )
            .cmp(&(
                b.role.to_lowercase(),
                b.workspace.to_lowercase(),
                b.participant.participant_id,
            ))
    });
    Ok((holders, prints))
}

/// The org's teams, then the members of the teams the config manages (concurrently). The
/// returned fingerprint of the team listing is taken before members are filled in.
async fn read_teams(
    client: &Client,
    id: i64,
    org_name: &str,
    scope: &OrgScope,
) -> Result<(Vec<LiveTeam>, Prints)> {
    let mut teams: Vec<LiveTeam> = client
        .list_teams(id)
        .await
        .with_context(|| format!("listing teams of organization {org_name}"))?
        .into_iter()
        .map(|t| LiveTeam {
            id: t.team_id,
            name: t.name,
            description: t.description,
            idp_managed: t.idp_group_id.is_some(),
            idp_group: t.idp_group_id.map(|id| LiveIdpLink {
                id,
                name: t.idp_group_name,
            }),
            members_count: t.members_count.unwrap_or(0).max(0) as usize,
            members: None,
        })
        .collect();
    teams.sort_by_key(|t| t.id);
    let mut tasks: JoinSet<Result<(usize, Vec<LiveMember>)>> = JoinSet::new();
    for tname in &scope.team_members {
        if let Some(i) = teams
            .iter()
            .position(|t| t.name.eq_ignore_ascii_case(tname))
        {
            let (c, team_id, tn, on) = (
                client.clone(),
                teams[i].id,
                teams[i].name.clone(),
                org_name.to_string(),
            );
            tasks.spawn(async move {
                let ms = c.list_team_members(id, team_id).await.with_context(|| {
                    format!("listing members of team {tn} in organization {on}")
                })?;
                Ok((i, sorted_members(ms)))
            });
        }
    }
    let mut prints = Prints::new();
    // The listing's digest is of what it returned, before any team's members are filled in.
    prints.insert("teams".to_string(), fingerprint(&teams));
    let mut details = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        details.push(joined.context("team reader task")??);
    }
    for (i, ms) in details {
        prints.insert(
            format!("team/{}/members", teams[i].name.to_lowercase()),
            fingerprint(&ms),
        );
        teams[i].members = Some(ms);
    }
    Ok((teams, prints))
}

/// The org's workspaces, then each declared workspace's participants, studios settings and
/// labels as the scope asks (concurrently).
async fn read_workspaces(
    client: &Client,
    id: i64,
    org_name: &str,
    scope: &OrgScope,
) -> Result<(Vec<LiveWorkspace>, Prints)> {
    let mut workspaces: Vec<LiveWorkspace> = client
        .list_workspaces(id)
        .await
        .with_context(|| format!("listing workspaces of organization {org_name}"))?
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
    prints.insert("workspaces".to_string(), fingerprint(&workspaces));

    enum Detail {
        Participants(usize, Vec<LiveParticipant>),
        Studios(usize, LiveStudios),
        Labels(usize, Vec<LiveLabel>),
    }
    let by_name: HashMap<String, usize> = workspaces
        .iter()
        .enumerate()
        .rev()
        .map(|(i, w)| (w.name.to_ascii_lowercase(), i))
        .collect();
    let mut tasks: JoinSet<Result<Detail>> = JoinSet::new();
    for ws in &scope.workspaces {
        let Some(&i) = by_name.get(&ws.name.to_ascii_lowercase()) else {
            continue;
        };
        let wid = workspaces[i].id;
        let label = format!("{org_name}/{}", workspaces[i].name);
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
    let mut details = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        details.push(joined.context("workspace reader task")??);
    }
    for d in details {
        match d {
            Detail::Participants(i, ps) => {
                prints.insert(
                    format!(
                        "workspace/{}/participants",
                        workspaces[i].name.to_lowercase()
                    ),
                    fingerprint(&ps),
                );
                workspaces[i].participants = Some(ps);
            }
            Detail::Studios(i, s) => {
                prints.insert(
                    format!("workspace/{}/studios", workspaces[i].name.to_lowercase()),
                    fingerprint(&s),
                );
                workspaces[i].studios = Some(s);
            }
            Detail::Labels(i, ls) => {
                prints.insert(
                    format!("workspace/{}/labels", workspaces[i].name.to_lowercase()),
                    fingerprint(&ls),
                );
                workspaces[i].labels = Some(ls);
            }
        }
    }
    Ok((workspaces, prints))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(id: i64, email: &str, role: &str) -> MemberDbDto {
        serde_json::from_value(serde_json::json!({
            "memberId": id, "userId": id, "userName": email, "email": email, "role": role
        }))
        .unwrap()
    }

    #[test]
    fn collaborators_in_the_member_listing_are_collaborators_counted_once() {
        let members = vec![
            m(1, "o@lab.org", "owner"),
            m(2, "c@else.org", "collaborator"),
            m(3, "d@else.org", "COLLABORATOR"),
            m(4, "m@lab.org", "member"),
        ];
        let collaborators = vec![m(2, "c@else.org", "collaborator")];
        let (ms, cs) = apart(members, collaborators);
        let ids = |v: &[MemberDbDto]| v.iter().map(|m| m.member_id).collect::<Vec<_>>();
        assert_eq!(ids(&ms), [1, 4]);
        assert_eq!(ids(&cs), [2, 3]);
        // As the platform answers: no collaborator among the members.
        let (ms, cs) = apart(
            vec![m(1, "o@lab.org", "owner")],
            vec![m(2, "c@else.org", "collaborator")],
        );
        assert_eq!((ids(&ms), ids(&cs)), (vec![1], vec![2]));
    }
}
