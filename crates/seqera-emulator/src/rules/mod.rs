//! The platform's rules, one method per operation: who may do what (permissions), what a write
//! changes (creator ownership, collaborators, cascades), and when it is refused (404, 400, 409),
//! following docs/seqera-api.md sections 8 and 11. Each method reads or changes the [`Store`] and
//! returns the response DTO.
//!
//! This module owns the decisions; it must not do I/O or know about HTTP beyond [`ApiError`].
//!
//! Order of checks, everywhere: the objects named in the path exist (404), the caller may act
//! on them (403), the target of the action exists (404), the request is valid (400), and it
//! does not conflict with the state (409).
//!
//! This file holds what every operation shares: lookups, permission checks (the caller's org
//! standing and effective workspace role) and DTO builders. The operations live by area in
//! `orgs` (user, discovery, organizations, members), `teams`, `workspaces` (with studios and
//! participants), `labels`, `roles` (custom roles) and `idp` (the IdP group catalogue and the
//! SCIM configuration).

use super::dto::*;
use super::http::{ApiError, ApiResult, Page, Params};
use super::store::{
    Id, Label, Member, Org, OrgRole, PREDEFINED_ROLES, Participant, Store, Subject, Team, User,
    Visibility, Workspace, is_email, role_rank, valid_name,
};
use super::world::UnknownUsers;

/// The caller's standing in an organization.
#[derive(Debug, Clone, Copy)]
struct Standing {
    member_id: Id,
    role: OrgRole,
}

const OWNER_RANK: u8 = 6;
const ADMIN_RANK: u8 = 5;
const MAINTAIN_RANK: u8 = 4;

fn now_iso() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn name_rule(what: &str) -> String {
    format!(
        "{what} name must contain a minimum of 2 and a maximum of 39 alphanumeric characters \
         separated by dashes or underscores"
    )
}

fn check_len(field: &str, value: Option<&str>, max: usize) -> ApiResult<()> {
    match value {
        Some(v) if v.chars().count() > max => Err(ApiError::bad(format!(
            "{field} must be at most {max} characters long"
        ))),
        _ => Ok(()),
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

fn parse_visibility(v: &str) -> ApiResult<Visibility> {
    match v {
        "PRIVATE" => Ok(Visibility::Private),
        "SHARED" => Ok(Visibility::Shared),
        _ => Err(ApiError::bad(format!(
            "Invalid visibility `{v}`: expected PRIVATE or SHARED"
        ))),
    }
}

fn invalid_role(role: &str, org: &Org) -> ApiError {
    let mut known: Vec<&str> = PREDEFINED_ROLES.to_vec();
    known.extend(org.roles().values().map(|r| r.name.as_str()));
    ApiError::bad(format!(
        "Invalid role `{role}`: expected one of {}",
        known.join(", ")
    ))
}

impl Store {
    // ---- lookups -------------------------------------------------------------------------

    /// The user a bearer token belongs to.
    pub fn caller_by_token(&self, token: &str) -> Option<Id> {
        self.user_by_token(token)
    }

    fn user(&self, id: Id) -> ApiResult<&User> {
        self.users()
            .get(&id)
            .ok_or_else(|| ApiError::not_found("User"))
    }

    fn org(&self, org_id: Id) -> ApiResult<&Org> {
        self.orgs()
            .get(&org_id)
            .ok_or_else(|| ApiError::not_found("Organization"))
    }

    fn standing(org: &Org, caller: Id) -> Option<Standing> {
        let mid = *org.member_by_user().get(&caller)?;
        let m = org.members().get(&mid)?;
        Some(Standing {
            member_id: mid,
            role: m.role,
        })
    }

    /// Any membership, collaborators included.
    fn require_any(org: &Org, caller: Id) -> ApiResult<Standing> {
        Self::standing(org, caller).ok_or(ApiError::Forbidden)
    }

    /// An owner or a member (not a collaborator).
    fn require_member(org: &Org, caller: Id) -> ApiResult<Standing> {
        match Self::standing(org, caller) {
            Some(s) if s.role != OrgRole::Collaborator => Ok(s),
            _ => Err(ApiError::Forbidden),
        }
    }

    fn require_owner(org: &Org, caller: Id) -> ApiResult<Standing> {
        match Self::standing(org, caller) {
            Some(s) if s.role == OrgRole::Owner => Ok(s),
            _ => Err(ApiError::Forbidden),
        }
    }

    fn workspace(org: &Org, ws_id: Id) -> ApiResult<&Workspace> {
        org.workspaces()
            .get(&ws_id)
            .ok_or_else(|| ApiError::not_found("Workspace"))
    }

    fn team(org: &Org, team_id: Id) -> ApiResult<&Team> {
        org.teams()
            .get(&team_id)
            .ok_or_else(|| ApiError::not_found("Team"))
    }

    /// The effective workspace role of a membership: the higher of its direct role and the
    /// roles of the participating teams it belongs to.
    fn effective_role<'a>(org: &'a Org, ws: &'a Workspace, member_id: Id) -> Option<&'a str> {
        let mut best: Option<&str> = ws
            .by_member()
            .get(&member_id)
            .and_then(|pid| ws.participants().get(pid))
            .map(|p| p.role.as_str());
        for (tid, pid) in ws.by_team() {
            let in_team = org
                .teams()
                .get(tid)
                .is_some_and(|t| t.members().contains(&member_id));
            if !in_team {
                continue;
            }
            if let Some(p) = ws.participants().get(pid)
                && best.is_none_or(|b| role_rank(&p.role) > role_rank(b))
            {
                best = Some(&p.role);
            }
        }
        best
    }

    /// What the caller may do in a workspace, as a role rank: org owners rank as workspace
    /// owners; `None` when the caller cannot even see it.
    fn access(org: &Org, ws: &Workspace, caller: Id) -> Option<u8> {
        let s = Self::standing(org, caller)?;
        if s.role == OrgRole::Owner {
            return Some(OWNER_RANK);
        }
        match Self::effective_role(org, ws, s.member_id) {
            Some(r) => Some(role_rank(r)),
            None if ws.visibility == Visibility::Shared && s.role == OrgRole::Member => Some(0),
            None => None,
        }
    }

    fn require_view(&self, org: &Org, ws: &Workspace, caller: Id) -> ApiResult<u8> {
        Self::access(org, ws, caller).ok_or_else(|| self.lacks(org, caller, "workspace:read"))
    }

    /// The caller's workspace rank when it is at least `rank`; otherwise a 403 that names the
    /// `permission` the operation needs (docs/seqera-api.md §2), or a bare 403 for a caller with
    /// no standing in the organization.
    fn require_rank(
        &self,
        org: &Org,
        ws: &Workspace,
        caller: Id,
        rank: u8,
        permission: &'static str,
    ) -> ApiResult<u8> {
        match Self::access(org, ws, caller) {
            Some(r) if r >= rank => Ok(r),
            _ => Err(self.lacks(org, caller, permission)),
        }
    }

    /// The 403 for a caller without `permission`. With the world's `listMissingPermissions`, it
    /// names the permission to a member or collaborator of the organization, as the platform
    /// may (docs/seqera-api.md §2); otherwise, and to anyone outside the organization, it says
    /// only "Forbidden".
    fn lacks(&self, org: &Org, caller: Id, permission: &'static str) -> ApiError {
        self.missing(org, caller, vec![permission])
    }

    /// As [`Store::lacks`], for any set of permissions.
    fn missing(&self, org: &Org, caller: Id, permissions: Vec<&'static str>) -> ApiError {
        match Self::standing(org, caller) {
            Some(_) if self.list_missing_permissions() => ApiError::MissingPermissions(permissions),
            _ => ApiError::Forbidden,
        }
    }

    /// Find a user by email or user name (case-insensitively); an unknown email is invited (a
    /// user record is created) or rejected as the world says.
    fn resolve_or_invite(&mut self, who: &str) -> ApiResult<Id> {
        let who = who.trim();
        if who.is_empty() {
            return Err(ApiError::bad("Missing user name or email"));
        }
        if let Some(id) = self.user_by_email_or_name(who) {
            return Ok(id);
        }
        if !is_email(who) {
            return Err(ApiError::bad(format!("User '{who}' not found")));
        }
        if self.unknown_users() == UnknownUsers::Reject {
            return Err(ApiError::bad(format!(
                "User '{who}' not found: only existing users can be added"
            )));
        }
        let local = who.split('@').next().unwrap_or("user");
        let mut base: String = local
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            .collect();
        if base.is_empty() {
            base = "user".into();
        }
        let mut name = base.clone();
        let mut n = 1;
        while self.user_name_taken(&name) {
            n += 1;
            name = format!("{base}{n}");
        }
        let id = self.next_id();
        self.insert_user(User {
            id,
            user_name: name,
            email: who.to_string(),
            first_name: None,
            last_name: None,
            token: None,
        });
        Ok(id)
    }

    /// Find an existing user by email or user name; never invites.
    fn resolve_existing(&self, who: &str) -> ApiResult<Id> {
        self.user_by_email_or_name(who)
            .ok_or_else(|| ApiError::bad(format!("User '{}' not found", who.trim())))
    }

    // ---- DTOs ----------------------------------------------------------------------------

    fn member_dto(&self, m: &Member, role: &str) -> MemberDbDto {
        let u = self.users().get(&m.user_id);
        MemberDbDto {
            member_id: Some(m.id),
            user_id: Some(m.user_id),
            user_name: u.map(|u| u.user_name.clone()),
            email: u.map(|u| u.email.clone()),
            first_name: u.and_then(|u| u.first_name.clone()),
            last_name: u.and_then(|u| u.last_name.clone()),
            avatar: None,
            role: Some(role.to_string()),
        }
    }

    fn member_listed(&self, m: &Member) -> MemberDbDto {
        self.member_dto(m, self.stale().shown(m.id, m.role.as_str()))
    }

    fn member_matches(&self, m: &Member, page: &Page) -> bool {
        if page.search.is_none() {
            return true;
        }
        let u = self.users().get(&m.user_id);
        page.matches([
            u.map(|u| u.user_name.as_str()),
            u.map(|u| u.email.as_str()),
            u.and_then(|u| u.first_name.as_deref()),
            u.and_then(|u| u.last_name.as_deref()),
        ])
    }

    fn participant_dto(&self, org: &Org, p: &Participant, role: &str) -> ParticipantResponseDto {
        let mut dto = ParticipantResponseDto {
            participant_id: Some(p.id),
            wsp_role: Some(role.to_string()),
            ..Default::default()
        };
        match p.subject {
            Subject::Member(mid) => {
                let m = org.members().get(&mid);
                let u = m.and_then(|m| self.users().get(&m.user_id));
                dto.member_id = Some(mid);
                dto.user_name = u.map(|u| u.user_name.clone());
                dto.first_name = u.and_then(|u| u.first_name.clone());
                dto.last_name = u.and_then(|u| u.last_name.clone());
                dto.email = u.map(|u| u.email.clone());
                dto.org_role = m.map(|m| m.role.as_str().to_string());
                dto.participant_type = Some(
                    if m.is_some_and(|m| m.role == OrgRole::Collaborator) {
                        "COLLABORATOR"
                    } else {
                        "MEMBER"
                    }
                    .to_string(),
                );
            }
            Subject::Team(tid) => {
                dto.team_id = Some(tid);
                dto.team_name = org.teams().get(&tid).map(|t| t.name.clone());
                dto.participant_type = Some("TEAM".to_string());
            }
        }
        dto
    }

    fn participant_matches(&self, org: &Org, p: &Participant, page: &Page) -> bool {
        if page.search.is_none() {
            return true;
        }
        match p.subject {
            Subject::Member(mid) => {
                let u = org
                    .members()
                    .get(&mid)
                    .and_then(|m| self.users().get(&m.user_id));
                page.matches([
                    u.map(|u| u.user_name.as_str()),
                    u.map(|u| u.email.as_str()),
                    u.and_then(|u| u.first_name.as_deref()),
                    u.and_then(|u| u.last_name.as_deref()),
                ])
            }
            Subject::Team(tid) => page.matches([org.teams().get(&tid).map(|t| t.name.as_str())]),
        }
    }

    fn team_dto(t: &Team) -> TeamDbDto {
        TeamDbDto {
            team_id: Some(t.id),
            name: Some(t.name.clone()),
            description: t.description.clone(),
            avatar_url: None,
            members_count: Some(t.members().len() as i64),
            idp_group_id: t.idp_group_id,
            idp_group_name: t.idp_group_name.clone(),
        }
    }

    fn org_dto(org: &Org, standing: Option<Standing>) -> OrganizationDbDto {
        OrganizationDbDto {
            org_id: Some(org.id),
            name: Some(org.name.clone()),
            full_name: Some(org.full_name.clone()),
            description: org.description.clone(),
            location: org.location.clone(),
            website: org.website.clone(),
            logo_id: org.logo_id.clone(),
            logo_url: None,
            member_id: standing.map(|s| s.member_id),
            member_role: standing.map(|s| s.role.as_str().to_string()),
            org_type: org.org_type.clone(),
            paying: None,
        }
    }

    fn ws_dto(ws: &Workspace) -> super::dto::Workspace {
        super::dto::Workspace {
            id: Some(ws.id),
            name: Some(ws.name.clone()),
            full_name: Some(ws.full_name.clone()),
            description: ws.description.clone(),
            visibility: Some(ws.visibility.as_str().to_string()),
            date_created: Some(ws.date_created.clone()),
            last_updated: Some(ws.last_updated.clone()),
        }
    }

    fn user_dto(u: &User) -> DescribeUserResponse {
        DescribeUserResponse {
            user: Some(UserResponseDto {
                id: Some(u.id),
                user_name: Some(u.user_name.clone()),
                email: Some(u.email.clone()),
                first_name: u.first_name.clone(),
                last_name: u.last_name.clone(),
                deleted: Some(false),
                ..Default::default()
            }),
            need_consent: Some(false),
            default_workspace_id: None,
        }
    }
}

/// Quotas reported but never enforced (all but `maxCustomRolesPerOrg`, which `roles` enforces).
const QUOTA: i64 = 1_000_000;

fn last_owner() -> ApiError {
    ApiError::bad("Cannot remove the last owner of the organization")
}

fn idp_team() -> ApiError {
    ApiError::bad("Team membership is managed by the identity provider")
}

mod idp;
mod labels;
mod orgs;
mod roles;
mod teams;
#[cfg(test)]
mod tests;
mod workspaces;
