//! The platform's rules, one method per operation: who may do what (permissions), what a write
//! changes (creator ownership, collaborators, cascades), and when it is refused (404, 400, 409),
//! following CONTRACT.md sections 8 and 11. Each method reads or changes the [`Store`] and
//! returns the response DTO.
//!
//! This module owns the decisions; it must not do I/O or know about HTTP beyond [`ApiError`].
//!
//! Order of checks, everywhere: the objects named in the path exist (404), the caller may act
//! on them (403), the target of the action exists (404), the request is valid (400), and it
//! does not conflict with the state (409).

use std::collections::BTreeMap;

use super::dto::*;
use super::http::{ApiError, ApiResult, Page, Params};
use super::store::{
    Id, Label, Member, Org, OrgRole, PREDEFINED_ROLES, Participant, Store, Studios, Subject, Team,
    User, Visibility, Workspace, is_email, role_rank, valid_name,
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
    known.extend(org.custom_roles.iter().map(String::as_str));
    ApiError::bad(format!(
        "Invalid role `{role}`: expected one of {}",
        known.join(", ")
    ))
}

impl Store {
    // ---- lookups -------------------------------------------------------------------------

    /// The user a bearer token belongs to.
    pub fn caller_by_token(&self, token: &str) -> Option<Id> {
        self.by_token.get(token).copied()
    }

    fn user(&self, id: Id) -> ApiResult<&User> {
        self.users
            .get(&id)
            .ok_or_else(|| ApiError::not_found("User"))
    }

    fn org(&self, org_id: Id) -> ApiResult<&Org> {
        self.orgs
            .get(&org_id)
            .ok_or_else(|| ApiError::not_found("Organization"))
    }

    fn org_mut(&mut self, org_id: Id) -> ApiResult<&mut Org> {
        self.orgs
            .get_mut(&org_id)
            .ok_or_else(|| ApiError::not_found("Organization"))
    }

    fn standing(org: &Org, caller: Id) -> Option<Standing> {
        let mid = *org.member_by_user.get(&caller)?;
        let m = org.members.get(&mid)?;
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
        org.workspaces
            .get(&ws_id)
            .ok_or_else(|| ApiError::not_found("Workspace"))
    }

    fn team(org: &Org, team_id: Id) -> ApiResult<&Team> {
        org.teams
            .get(&team_id)
            .ok_or_else(|| ApiError::not_found("Team"))
    }

    /// The effective workspace role of a membership: the higher of its direct role and the
    /// roles of the participating teams it belongs to.
    fn effective_role<'a>(org: &'a Org, ws: &'a Workspace, member_id: Id) -> Option<&'a str> {
        let mut best: Option<&str> = ws
            .by_member
            .get(&member_id)
            .and_then(|pid| ws.participants.get(pid))
            .map(|p| p.role.as_str());
        for (tid, pid) in &ws.by_team {
            let in_team = org
                .teams
                .get(tid)
                .is_some_and(|t| t.members.contains(&member_id));
            if !in_team {
                continue;
            }
            if let Some(p) = ws.participants.get(pid)
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

    fn require_view(org: &Org, ws: &Workspace, caller: Id) -> ApiResult<u8> {
        Self::access(org, ws, caller).ok_or(ApiError::Forbidden)
    }

    fn require_rank(org: &Org, ws: &Workspace, caller: Id, rank: u8) -> ApiResult<u8> {
        match Self::access(org, ws, caller) {
            Some(r) if r >= rank => Ok(r),
            _ => Err(ApiError::Forbidden),
        }
    }

    /// Find a user by email or user name (case-insensitively); an unknown email is invited (a
    /// user record is created) or rejected as the world says.
    fn resolve_or_invite(&mut self, who: &str) -> ApiResult<Id> {
        let who = who.trim();
        if who.is_empty() {
            return Err(ApiError::bad("Missing user name or email"));
        }
        let key = who.to_ascii_lowercase();
        if let Some(id) = self
            .by_email
            .get(&key)
            .or_else(|| self.by_user_name.get(&key))
        {
            return Ok(*id);
        }
        if !is_email(who) {
            return Err(ApiError::bad(format!("User '{who}' not found")));
        }
        if self.unknown_users == UnknownUsers::Reject {
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
        while self.by_user_name.contains_key(&name.to_ascii_lowercase()) {
            n += 1;
            name = format!("{base}{n}");
        }
        let id = self.ids.next_id();
        self.by_email.insert(key, id);
        self.by_user_name.insert(name.to_ascii_lowercase(), id);
        self.users.insert(
            id,
            User {
                id,
                user_name: name,
                email: who.to_string(),
                first_name: None,
                last_name: None,
                token: None,
            },
        );
        Ok(id)
    }

    /// Find an existing user by email or user name; never invites.
    fn resolve_existing(&self, who: &str) -> ApiResult<Id> {
        let key = who.trim().to_ascii_lowercase();
        self.by_email
            .get(&key)
            .or_else(|| self.by_user_name.get(&key))
            .copied()
            .ok_or_else(|| ApiError::bad(format!("User '{}' not found", who.trim())))
    }

    // ---- DTOs ----------------------------------------------------------------------------

    fn member_dto(&self, m: &Member, role: &str) -> MemberDbDto {
        let u = self.users.get(&m.user_id);
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
        self.member_dto(m, self.stale.shown(m.id, m.role.as_str()))
    }

    fn member_matches(&self, m: &Member, page: &Page) -> bool {
        if page.search.is_none() {
            return true;
        }
        let u = self.users.get(&m.user_id);
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
                let m = org.members.get(&mid);
                let u = m.and_then(|m| self.users.get(&m.user_id));
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
                dto.team_name = org.teams.get(&tid).map(|t| t.name.clone());
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
                    .members
                    .get(&mid)
                    .and_then(|m| self.users.get(&m.user_id));
                page.matches([
                    u.map(|u| u.user_name.as_str()),
                    u.map(|u| u.email.as_str()),
                    u.and_then(|u| u.first_name.as_deref()),
                    u.and_then(|u| u.last_name.as_deref()),
                ])
            }
            Subject::Team(tid) => page.matches([org.teams.get(&tid).map(|t| t.name.as_str())]),
        }
    }

    fn team_dto(t: &Team) -> TeamDbDto {
        TeamDbDto {
            team_id: Some(t.id),
            name: Some(t.name.clone()),
            description: t.description.clone(),
            avatar_url: None,
            members_count: Some(t.members.len() as i64),
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

    // ---- current user and discovery (CONTRACT.md 6.1) -----------------------------------

    pub fn user_info(&self, caller: Id) -> ApiResult<DescribeUserResponse> {
        Ok(Self::user_dto(self.user(caller)?))
    }

    /// Users may describe themselves only.
    pub fn describe_user(&self, caller: Id, user_id: Id) -> ApiResult<DescribeUserResponse> {
        let u = self.user(user_id)?;
        if user_id != caller {
            return Err(ApiError::Forbidden);
        }
        Ok(Self::user_dto(u))
    }

    /// One org entry per membership, then one workspace entry per workspace the user can see,
    /// in org then workspace creation order. `roles` holds the user's org role.
    pub fn list_workspaces_user(
        &self,
        caller: Id,
        user_id: Id,
    ) -> ApiResult<ListWorkspacesAndOrgResponse> {
        self.user(user_id)?;
        if user_id != caller {
            return Err(ApiError::Forbidden);
        }
        let mut orgs = Vec::new();
        let mut wss = Vec::new();
        for org in self.orgs.values() {
            let Some(s) = Self::standing(org, user_id) else {
                continue;
            };
            let roles = vec![s.role.as_str().to_string()];
            orgs.push(OrgAndWorkspaceDto {
                org_id: Some(org.id),
                org_name: Some(org.name.clone()),
                org_type: org.org_type.clone(),
                roles: Some(roles.clone()),
                ..Default::default()
            });
            for ws in org.workspaces.values() {
                if Self::access(org, ws, user_id).is_some() {
                    wss.push(OrgAndWorkspaceDto {
                        org_id: Some(org.id),
                        org_name: Some(org.name.clone()),
                        org_type: org.org_type.clone(),
                        workspace_id: Some(ws.id),
                        workspace_name: Some(ws.name.clone()),
                        workspace_full_name: Some(ws.full_name.clone()),
                        visibility: Some(ws.visibility.as_str().to_string()),
                        roles: Some(roles.clone()),
                        ..Default::default()
                    });
                }
            }
        }
        orgs.extend(wss);
        Ok(ListWorkspacesAndOrgResponse {
            orgs_and_workspaces: orgs,
        })
    }

    // ---- organizations (6.2) ---------------------------------------------------------------

    pub fn list_orgs(
        &self,
        caller: Id,
        role: Option<&str>,
    ) -> ApiResult<ListOrganizationsResponse> {
        let role = match role {
            None => None,
            Some(r) => Some(
                OrgRole::parse(r).ok_or_else(|| ApiError::bad(format!("Invalid role `{r}`")))?,
            ),
        };
        let organizations: Vec<_> = self
            .orgs
            .values()
            .filter_map(|o| {
                let s = Self::standing(o, caller)?;
                role.is_none_or(|r| r == s.role)
                    .then(|| Self::org_dto(o, Some(s)))
            })
            .collect();
        Ok(ListOrganizationsResponse {
            total_size: Some(organizations.len() as i64),
            organizations,
        })
    }

    fn check_org_name_free(&self, name: &str, except: Option<Id>) -> ApiResult<()> {
        if !valid_name(name) {
            return Err(ApiError::bad(name_rule("Organization")));
        }
        match self.org_by_name.get(&name.to_ascii_lowercase()) {
            Some(id) if Some(*id) != except => Err(ApiError::conflict(format!(
                "An organization with name '{name}' already exists"
            ))),
            _ => Ok(()),
        }
    }

    /// Any user may create an organization and becomes its owner.
    pub fn create_org(
        &mut self,
        caller: Id,
        req: CreateOrganizationRequest,
    ) -> ApiResult<OrganizationResponse> {
        let o = req
            .organization
            .ok_or_else(|| ApiError::bad("Missing `organization`"))?;
        let name = o
            .name
            .ok_or_else(|| ApiError::bad("Missing organization `name`"))?;
        let full_name = non_empty(o.full_name)
            .ok_or_else(|| ApiError::bad("Missing organization `fullName`"))?;
        check_len("fullName", Some(&full_name), 100)?;
        check_len("description", o.description.as_deref(), 1000)?;
        check_len("location", o.location.as_deref(), 100)?;
        self.check_org_name_free(&name, None)?;
        let id = self.ids.next_id();
        let mid = self.ids.next_id();
        let mut org = Org {
            id,
            name: name.clone(),
            full_name,
            description: o.description,
            location: o.location,
            website: o.website,
            logo_id: req.logo_id,
            org_type: None,
            custom_roles: Vec::new(),
            members: BTreeMap::new(),
            member_by_user: Default::default(),
            teams: BTreeMap::new(),
            team_by_name: Default::default(),
            workspaces: BTreeMap::new(),
            ws_by_name: Default::default(),
        };
        org.members.insert(
            mid,
            Member {
                id: mid,
                user_id: caller,
                role: OrgRole::Owner,
            },
        );
        org.member_by_user.insert(caller, mid);
        let dto = Self::org_dto(&org, Self::standing(&org, caller));
        self.org_by_name.insert(name.to_ascii_lowercase(), id);
        self.orgs.insert(id, org);
        Ok(OrganizationResponse {
            organization: Some(dto),
        })
    }

    /// 204 when the name is valid and free, 400 when malformed, 409 when taken.
    pub fn validate_org_name(&self, name: Option<&str>) -> ApiResult<()> {
        let name = name.ok_or_else(|| ApiError::bad("Missing parameter `name`"))?;
        self.check_org_name_free(name, None)
    }

    pub fn describe_org(&self, caller: Id, org_id: Id) -> ApiResult<OrganizationResponse> {
        let org = self.org(org_id)?;
        let s = Self::require_any(org, caller)?;
        Ok(OrganizationResponse {
            organization: Some(Self::org_dto(org, Some(s))),
        })
    }

    /// Owners only. Omitted optional fields are cleared; `name` and `fullName` are kept when
    /// omitted (they cannot be empty); `type: null` keeps the type.
    pub fn update_org(
        &mut self,
        caller: Id,
        org_id: Id,
        req: UpdateOrganizationRequest,
    ) -> ApiResult<()> {
        let org = self.org(org_id)?;
        Self::require_owner(org, caller)?;
        if let Some(name) = &req.name {
            self.check_org_name_free(name, Some(org_id))?;
        }
        check_len("fullName", req.full_name.as_deref(), 100)?;
        check_len("description", req.description.as_deref(), 1000)?;
        check_len("location", req.location.as_deref(), 100)?;
        if let Some(t) = &req.org_type
            && !super::store::ORG_TYPES.contains(&t.as_str())
        {
            return Err(ApiError::bad(format!("Invalid organization type `{t}`")));
        }
        let old_key = org.name.to_ascii_lowercase();
        let org = self.org_mut(org_id)?;
        if let Some(name) = req.name.clone() {
            org.name = name;
        }
        if let Some(full) = non_empty(req.full_name) {
            org.full_name = full;
        }
        org.description = req.description;
        org.location = req.location;
        org.website = req.website;
        org.logo_id = req.logo_id;
        if req.org_type.is_some() {
            org.org_type = req.org_type;
        }
        let new_key = org.name.to_ascii_lowercase();
        self.org_by_name.remove(&old_key);
        self.org_by_name.insert(new_key, org_id);
        Ok(())
    }

    /// Owners only; removes everything the organization holds.
    pub fn delete_org(&mut self, caller: Id, org_id: Id) -> ApiResult<()> {
        let org = self.org(org_id)?;
        Self::require_owner(org, caller)?;
        let key = org.name.to_ascii_lowercase();
        self.orgs.remove(&org_id);
        self.org_by_name.remove(&key);
        Ok(())
    }

    pub fn quotas(&self, caller: Id, org_id: Id) -> ApiResult<DescribeOrganizationQuotasResponse> {
        let org = self.org(org_id)?;
        Self::require_member(org, caller)?;
        Ok(DescribeOrganizationQuotasResponse {
            quotas: Some(OrganizationQuotas {
                max_members: Some(QUOTA),
                max_workspaces: Some(QUOTA),
                max_teams: Some(QUOTA),
                max_participants_per_workspace: Some(QUOTA),
                max_custom_roles_per_org: Some(QUOTA),
                max_labels_per_workspace: Some(QUOTA),
            }),
        })
    }

    /// Owners, or the user asking about themselves.
    pub fn user_roles(
        &self,
        caller: Id,
        org_id: Id,
        user_id: Id,
    ) -> ApiResult<ListUserRolesResponse> {
        let org = self.org(org_id)?;
        let s = Self::require_any(org, caller)?;
        if s.role != OrgRole::Owner && caller != user_id {
            return Err(ApiError::Forbidden);
        }
        let target = Self::standing(org, user_id).ok_or_else(|| ApiError::not_found("Member"))?;
        let m = org
            .members
            .get(&target.member_id)
            .ok_or_else(|| ApiError::not_found("Member"))?;
        let mut user_workspaces = Vec::new();
        for ws in org.workspaces.values() {
            let mut roles = Vec::new();
            if let Some(p) = ws
                .by_member
                .get(&m.id)
                .and_then(|pid| ws.participants.get(pid))
            {
                roles.push(UserWorkspaceRole {
                    role: Some(p.role.clone()),
                    role_source_type: Some("individual".into()),
                    ..Default::default()
                });
            }
            for (tid, pid) in &ws.by_team {
                let (Some(t), Some(p)) = (org.teams.get(tid), ws.participants.get(pid)) else {
                    continue;
                };
                if t.members.contains(&m.id) {
                    roles.push(UserWorkspaceRole {
                        role: Some(p.role.clone()),
                        role_source_type: Some("team".into()),
                        source_team_id: Some(t.id),
                        source_team_name: Some(t.name.clone()),
                        source_team_type: Some("regular".into()),
                    });
                }
            }
            if !roles.is_empty() {
                user_workspaces.push(UserWorkspaceRoles {
                    workspace_id: Some(ws.id),
                    workspace_name: Some(ws.name.clone()),
                    roles,
                    permissions: Vec::new(),
                });
            }
        }
        Ok(ListUserRolesResponse {
            user: Some(self.member_dto(m, m.role.as_str())),
            user_workspaces,
        })
    }

    // ---- members and collaborators (6.3) ---------------------------------------------------

    /// Owners and members see the owners and members (collaborators are listed apart).
    pub fn list_members(
        &self,
        caller: Id,
        org_id: Id,
        params: &Params,
    ) -> ApiResult<ListMembersResponse> {
        self.list_memberships(caller, org_id, params, "Member", |r| {
            r != OrgRole::Collaborator
        })
    }

    pub fn list_collaborators(
        &self,
        caller: Id,
        org_id: Id,
        params: &Params,
    ) -> ApiResult<ListMembersResponse> {
        self.list_memberships(caller, org_id, params, "Collaborator", |r| {
            r == OrgRole::Collaborator
        })
    }

    fn list_memberships(
        &self,
        caller: Id,
        org_id: Id,
        params: &Params,
        object: &str,
        keep: impl Fn(OrgRole) -> bool,
    ) -> ApiResult<ListMembersResponse> {
        let org = self.org(org_id)?;
        Self::require_member(org, caller)?;
        let page = params.page(object)?;
        let (items, total) = page.apply(
            org.members
                .values()
                .filter(|m| keep(m.role) && self.member_matches(m, &page)),
        );
        Ok(ListMembersResponse {
            members: items.into_iter().map(|m| self.member_listed(m)).collect(),
            total_size: Some(total),
        })
    }

    /// Owners only. A new member gets `member`; a collaborator is promoted to `member` and keeps
    /// their memberId; an existing owner or member is a 409.
    pub fn add_member(
        &mut self,
        caller: Id,
        org_id: Id,
        req: AddMemberRequest,
    ) -> ApiResult<MemberResponse> {
        let org = self.org(org_id)?;
        Self::require_owner(org, caller)?;
        let who = req.user.ok_or_else(|| ApiError::bad("Missing `user`"))?;
        let user_id = self.resolve_or_invite(&who)?;
        let mid = match Self::standing(self.org(org_id)?, user_id) {
            Some(s) if s.role == OrgRole::Collaborator => s.member_id,
            Some(_) => {
                return Err(ApiError::conflict(format!(
                    "User '{}' is already a member of this organization",
                    who.trim()
                )));
            }
            None => self.ids.next_id(),
        };
        let org = self.org_mut(org_id)?;
        org.members.insert(
            mid,
            Member {
                id: mid,
                user_id,
                role: OrgRole::Member,
            },
        );
        org.member_by_user.insert(user_id, mid);
        let m = org.members[&mid].clone();
        Ok(MemberResponse {
            member: Some(self.member_dto(&m, m.role.as_str())),
        })
    }

    /// Owners only. `owner` and `member` are accepted in any case; demoting the last owner is
    /// a 400.
    pub fn update_member_role(
        &mut self,
        caller: Id,
        org_id: Id,
        member_id: Id,
        req: RoleRequest,
    ) -> ApiResult<()> {
        let org = self.org(org_id)?;
        Self::require_owner(org, caller)?;
        let m = org
            .members
            .get(&member_id)
            .ok_or_else(|| ApiError::not_found("Member"))?;
        let raw = req.role.ok_or_else(|| ApiError::bad("Missing `role`"))?;
        let role = match OrgRole::parse(&raw) {
            Some(r @ (OrgRole::Owner | OrgRole::Member)) => r,
            _ => {
                return Err(ApiError::bad(format!(
                    "Invalid role `{raw}`: expected owner or member"
                )));
            }
        };
        if m.role == role {
            return Ok(());
        }
        if m.role == OrgRole::Owner && org.owner_count() <= 1 {
            return Err(last_owner());
        }
        let previous = m.role.as_str();
        self.stale.record(member_id, previous);
        if let Some(m) = self.org_mut(org_id)?.members.get_mut(&member_id) {
            m.role = role;
        }
        Ok(())
    }

    /// Remove a membership and everything that hangs off it: team memberships and direct
    /// workspace participations.
    fn remove_membership(org: &mut Org, member_id: Id) {
        if let Some(m) = org.members.remove(&member_id) {
            org.member_by_user.remove(&m.user_id);
        }
        for t in org.teams.values_mut() {
            t.members.remove(&member_id);
        }
        for ws in org.workspaces.values_mut() {
            if let Some(pid) = ws.by_member.get(&member_id).copied() {
                ws.remove_participant(pid);
            }
        }
    }

    /// Owners only; the last owner cannot be removed.
    pub fn delete_member(&mut self, caller: Id, org_id: Id, member_id: Id) -> ApiResult<()> {
        let org = self.org(org_id)?;
        Self::require_owner(org, caller)?;
        let m = org
            .members
            .get(&member_id)
            .ok_or_else(|| ApiError::not_found("Member"))?;
        if m.role == OrgRole::Owner && org.owner_count() <= 1 {
            return Err(last_owner());
        }
        Self::remove_membership(self.org_mut(org_id)?, member_id);
        Ok(())
    }

    /// Any member (collaborators included) may leave, except the last owner.
    pub fn leave_org(&mut self, caller: Id, org_id: Id) -> ApiResult<()> {
        let org = self.org(org_id)?;
        let s = Self::require_any(org, caller)?;
        if s.role == OrgRole::Owner && org.owner_count() <= 1 {
            return Err(last_owner());
        }
        Self::remove_membership(self.org_mut(org_id)?, s.member_id);
        Ok(())
    }

    // ---- teams (6.4) ---------------------------------------------------------------------

    pub fn list_teams(
        &self,
        caller: Id,
        org_id: Id,
        params: &Params,
    ) -> ApiResult<ListTeamResponse> {
        let org = self.org(org_id)?;
        Self::require_member(org, caller)?;
        let page = params.page("Team")?;
        let (items, total) = page.apply(
            org.teams
                .values()
                .filter(|t| page.matches([Some(t.name.as_str())])),
        );
        Ok(ListTeamResponse {
            teams: items.into_iter().map(Self::team_dto).collect(),
            total_size: Some(total),
        })
    }

    fn check_team_name_free(org: &Org, name: &str, except: Option<Id>) -> ApiResult<()> {
        if !valid_name(name) {
            return Err(ApiError::bad(name_rule("Team")));
        }
        match org.team_by_name.get(&name.to_ascii_lowercase()) {
            Some(id) if Some(*id) != except => Err(ApiError::conflict(format!(
                "A team with name '{name}' already exists"
            ))),
            _ => Ok(()),
        }
    }

    /// Owners only.
    pub fn create_team(
        &mut self,
        caller: Id,
        org_id: Id,
        req: CreateTeamRequest,
    ) -> ApiResult<TeamResponse> {
        let org = self.org(org_id)?;
        Self::require_owner(org, caller)?;
        let team = req.team.ok_or_else(|| ApiError::bad("Missing `team`"))?;
        let name = team
            .name
            .ok_or_else(|| ApiError::bad("Missing team `name`"))?;
        check_len("description", team.description.as_deref(), 250)?;
        Self::check_team_name_free(org, &name, None)?;
        let id = self.ids.next_id();
        let t = Team {
            id,
            name: name.clone(),
            description: team.description,
            avatar_id: req.avatar_id,
            idp_group_id: req.idp_group_id,
            idp_group_name: None,
            members: Default::default(),
        };
        let dto = Self::team_dto(&t);
        let org = self.org_mut(org_id)?;
        org.team_by_name.insert(name.to_ascii_lowercase(), id);
        org.teams.insert(id, t);
        Ok(TeamResponse { team: Some(dto) })
    }

    /// 204 when valid and free; 400 when malformed or taken (the spec lists no 409 here).
    pub fn validate_team_name(&self, caller: Id, org_id: Id, name: Option<&str>) -> ApiResult<()> {
        let org = self.org(org_id)?;
        Self::require_member(org, caller)?;
        let name = name.ok_or_else(|| ApiError::bad("Missing parameter `name`"))?;
        Self::check_team_name_free(org, name, None).map_err(|e| match e {
            ApiError::Conflict(m) => ApiError::BadRequest(m),
            e => e,
        })
    }

    pub fn describe_team(&self, caller: Id, org_id: Id, team_id: Id) -> ApiResult<TeamResponse> {
        let org = self.org(org_id)?;
        Self::require_member(org, caller)?;
        let t = Self::team(org, team_id)?;
        Ok(TeamResponse {
            team: Some(Self::team_dto(t)),
        })
    }

    /// Owners only. Absent fields are unchanged; `idpGroupId: null` unlinks the team.
    pub fn update_team(
        &mut self,
        caller: Id,
        org_id: Id,
        team_id: Id,
        req: UpdateTeamRequest,
    ) -> ApiResult<()> {
        let org = self.org(org_id)?;
        Self::require_owner(org, caller)?;
        let t = Self::team(org, team_id)?;
        if let Some(name) = &req.name {
            Self::check_team_name_free(org, name, Some(team_id))?;
        }
        check_len("description", req.description.as_deref(), 250)?;
        let old_key = t.name.to_ascii_lowercase();
        let org = self.org_mut(org_id)?;
        let Some(t) = org.teams.get_mut(&team_id) else {
            return Err(ApiError::not_found("Team"));
        };
        if let Some(name) = req.name {
            t.name = name;
        }
        if req.description.is_some() {
            t.description = req.description;
        }
        if req.avatar_id.is_some() {
            t.avatar_id = req.avatar_id;
        }
        if let Some(idp) = req.idp_group_id {
            t.idp_group_id = idp;
            if idp.is_none() {
                t.idp_group_name = None;
            }
        }
        let new_key = t.name.to_ascii_lowercase();
        org.team_by_name.remove(&old_key);
        org.team_by_name.insert(new_key, team_id);
        Ok(())
    }

    /// Owners only; a team linked to an identity provider group must be unlinked first. The
    /// team leaves every workspace it participates in.
    pub fn delete_team(&mut self, caller: Id, org_id: Id, team_id: Id) -> ApiResult<()> {
        let org = self.org(org_id)?;
        Self::require_owner(org, caller)?;
        let t = Self::team(org, team_id)?;
        if t.idp_group_id.is_some() {
            return Err(ApiError::bad(
                "Team is linked to an identity provider group: unlink it (idpGroupId: null) first",
            ));
        }
        let key = t.name.to_ascii_lowercase();
        let org = self.org_mut(org_id)?;
        org.teams.remove(&team_id);
        org.team_by_name.remove(&key);
        for ws in org.workspaces.values_mut() {
            if let Some(pid) = ws.by_team.get(&team_id).copied() {
                ws.remove_participant(pid);
            }
        }
        Ok(())
    }

    pub fn list_team_members(
        &self,
        caller: Id,
        org_id: Id,
        team_id: Id,
        params: &Params,
    ) -> ApiResult<ListMembersResponse> {
        let org = self.org(org_id)?;
        Self::require_member(org, caller)?;
        let t = Self::team(org, team_id)?;
        let page = params.page("Member")?;
        let (items, total) = page.apply(
            t.members
                .iter()
                .filter_map(|mid| org.members.get(mid))
                .filter(|m| self.member_matches(m, &page)),
        );
        Ok(ListMembersResponse {
            members: items.into_iter().map(|m| self.member_listed(m)).collect(),
            total_size: Some(total),
        })
    }

    /// Owners only; the user must be a member or collaborator of the organization.
    pub fn add_team_member(
        &mut self,
        caller: Id,
        org_id: Id,
        team_id: Id,
        req: CreateTeamMemberRequest,
    ) -> ApiResult<MemberResponse> {
        let org = self.org(org_id)?;
        Self::require_owner(org, caller)?;
        let t = Self::team(org, team_id)?;
        if t.idp_group_id.is_some() {
            return Err(idp_team());
        }
        let who = req
            .user_name_or_email
            .ok_or_else(|| ApiError::bad("Missing `userNameOrEmail`"))?;
        let user_id = self.resolve_existing(&who)?;
        let s = Self::standing(org, user_id).ok_or_else(|| {
            ApiError::bad(format!(
                "User '{}' is not a member or collaborator of this organization",
                who.trim()
            ))
        })?;
        if t.members.contains(&s.member_id) {
            return Err(ApiError::conflict(format!(
                "User '{}' is already a member of this team",
                who.trim()
            )));
        }
        let m = org.members[&s.member_id].clone();
        if let Some(t) = self.org_mut(org_id)?.teams.get_mut(&team_id) {
            t.members.insert(s.member_id);
        }
        Ok(MemberResponse {
            member: Some(self.member_dto(&m, m.role.as_str())),
        })
    }

    pub fn delete_team_member(
        &mut self,
        caller: Id,
        org_id: Id,
        team_id: Id,
        member_id: Id,
    ) -> ApiResult<()> {
        let org = self.org(org_id)?;
        Self::require_owner(org, caller)?;
        let t = Self::team(org, team_id)?;
        if t.idp_group_id.is_some() {
            return Err(idp_team());
        }
        if !t.members.contains(&member_id) {
            return Err(ApiError::not_found("Team member"));
        }
        if let Some(t) = self.org_mut(org_id)?.teams.get_mut(&team_id) {
            t.members.remove(&member_id);
        }
        Ok(())
    }

    /// The workspaces a team participates in.
    pub fn list_workspaces_by_team(
        &self,
        caller: Id,
        org_id: Id,
        team_id: Id,
        params: &Params,
    ) -> ApiResult<ListWorkspacesByTeamResponse> {
        let org = self.org(org_id)?;
        Self::require_member(org, caller)?;
        Self::team(org, team_id)?;
        let page = params.page("Workspace")?;
        let (items, total) = page.apply(org.workspaces.values().filter_map(|ws| {
            let pid = ws.by_team.get(&team_id)?;
            let p = ws.participants.get(pid)?;
            page.matches([Some(ws.name.as_str()), Some(ws.full_name.as_str())])
                .then_some((ws, p))
        }));
        Ok(ListWorkspacesByTeamResponse {
            workspaces: items
                .into_iter()
                .map(|(ws, p)| WorkspaceParticipantResponseDto {
                    org_id: Some(org.id),
                    org_name: Some(org.name.clone()),
                    workspace_id: Some(ws.id),
                    workspace_name: Some(ws.name.clone()),
                    workspace_full_name: Some(ws.full_name.clone()),
                    participant_id: Some(p.id),
                    participant_role: Some(self.stale.shown(p.id, &p.role).to_string()),
                })
                .collect(),
            total_size: Some(total),
        })
    }

    // ---- workspaces (6.5) ------------------------------------------------------------------

    /// The workspaces the caller can see: all for owners; for others, those they participate
    /// in (directly or through a team), plus SHARED ones for members.
    pub fn list_workspaces(&self, caller: Id, org_id: Id) -> ApiResult<ListWorkspacesResponse> {
        let org = self.org(org_id)?;
        Self::require_any(org, caller)?;
        Ok(ListWorkspacesResponse {
            workspaces: org
                .workspaces
                .values()
                .filter(|ws| Self::access(org, ws, caller).is_some())
                .map(|ws| WorkspaceDbDto {
                    id: Some(ws.id),
                    name: Some(ws.name.clone()),
                    full_name: Some(ws.full_name.clone()),
                    description: ws.description.clone(),
                    visibility: Some(ws.visibility.as_str().to_string()),
                })
                .collect(),
        })
    }

    fn check_ws_name_free(org: &Org, name: &str, except: Option<Id>) -> ApiResult<()> {
        if !valid_name(name) {
            return Err(ApiError::bad(name_rule("Workspace")));
        }
        match org.ws_by_name.get(&name.to_ascii_lowercase()) {
            Some(id) if Some(*id) != except => Err(ApiError::conflict(format!(
                "A workspace with name '{name}' already exists in this organization"
            ))),
            _ => Ok(()),
        }
    }

    /// Org owners only; the creator becomes an `owner` participant.
    pub fn create_workspace(
        &mut self,
        caller: Id,
        org_id: Id,
        req: CreateWorkspaceRequest,
    ) -> ApiResult<WorkspaceResponse> {
        let org = self.org(org_id)?;
        let s = Self::require_owner(org, caller)?;
        let w = req
            .workspace
            .ok_or_else(|| ApiError::bad("Missing `workspace`"))?;
        let name = w
            .name
            .ok_or_else(|| ApiError::bad("Missing workspace `name`"))?;
        let full_name =
            non_empty(w.full_name).ok_or_else(|| ApiError::bad("Missing workspace `fullName`"))?;
        let visibility = parse_visibility(
            w.visibility
                .as_deref()
                .ok_or_else(|| ApiError::bad("Missing workspace `visibility`"))?,
        )?;
        check_len("fullName", Some(&full_name), 100)?;
        check_len("description", w.description.as_deref(), 1000)?;
        Self::check_ws_name_free(org, &name, None)?;
        let id = self.ids.next_id();
        let pid = self.ids.next_id();
        let now = now_iso();
        let mut ws = Workspace {
            id,
            name: name.clone(),
            full_name,
            description: w.description,
            visibility,
            date_created: now.clone(),
            last_updated: now,
            participants: BTreeMap::new(),
            by_member: Default::default(),
            by_team: Default::default(),
            labels: BTreeMap::new(),
            studios: Studios::default(),
        };
        ws.insert_participant(Participant {
            id: pid,
            subject: Subject::Member(s.member_id),
            role: "owner".into(),
        });
        let dto = Self::ws_dto(&ws);
        let org = self.org_mut(org_id)?;
        org.ws_by_name.insert(name.to_ascii_lowercase(), id);
        org.workspaces.insert(id, ws);
        Ok(WorkspaceResponse {
            workspace: Some(dto),
        })
    }

    /// 204 when valid and free, 400 when malformed, 409 when taken.
    pub fn validate_workspace_name(
        &self,
        caller: Id,
        org_id: Id,
        name: Option<&str>,
    ) -> ApiResult<()> {
        let org = self.org(org_id)?;
        Self::require_member(org, caller)?;
        let name = name.ok_or_else(|| ApiError::bad("Missing parameter `name`"))?;
        Self::check_ws_name_free(org, name, None)
    }

    pub fn describe_workspace(
        &self,
        caller: Id,
        org_id: Id,
        ws_id: Id,
    ) -> ApiResult<WorkspaceResponse> {
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        Self::require_view(org, ws, caller)?;
        Ok(WorkspaceResponse {
            workspace: Some(Self::ws_dto(ws)),
        })
    }

    /// Workspace owners and admins (and org owners). An omitted `description` is cleared; an
    /// omitted `name`, `fullName` or `visibility` is kept.
    pub fn update_workspace(
        &mut self,
        caller: Id,
        org_id: Id,
        ws_id: Id,
        req: UpdateWorkspaceRequest,
    ) -> ApiResult<WorkspaceResponse> {
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        Self::require_rank(org, ws, caller, ADMIN_RANK)?;
        if let Some(name) = &req.name {
            Self::check_ws_name_free(org, name, Some(ws_id))?;
        }
        let visibility = req
            .visibility
            .as_deref()
            .map(parse_visibility)
            .transpose()?;
        check_len("fullName", req.full_name.as_deref(), 100)?;
        check_len("description", req.description.as_deref(), 1000)?;
        let old_key = ws.name.to_ascii_lowercase();
        let org = self.org_mut(org_id)?;
        let Some(ws) = org.workspaces.get_mut(&ws_id) else {
            return Err(ApiError::not_found("Workspace"));
        };
        if let Some(name) = req.name {
            ws.name = name;
        }
        if let Some(full) = non_empty(req.full_name) {
            ws.full_name = full;
        }
        ws.description = req.description;
        if let Some(v) = visibility {
            ws.visibility = v;
        }
        ws.last_updated = now_iso();
        let dto = Self::ws_dto(ws);
        let new_key = ws.name.to_ascii_lowercase();
        org.ws_by_name.remove(&old_key);
        org.ws_by_name.insert(new_key, ws_id);
        Ok(WorkspaceResponse {
            workspace: Some(dto),
        })
    }

    /// Workspace owners (and org owners): admins cannot delete a workspace.
    pub fn delete_workspace(&mut self, caller: Id, org_id: Id, ws_id: Id) -> ApiResult<()> {
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        Self::require_rank(org, ws, caller, OWNER_RANK)?;
        let key = ws.name.to_ascii_lowercase();
        let org = self.org_mut(org_id)?;
        org.workspaces.remove(&ws_id);
        org.ws_by_name.remove(&key);
        Ok(())
    }

    pub fn studios(
        &self,
        caller: Id,
        org_id: Id,
        ws_id: Id,
    ) -> ApiResult<DataStudioWorkspaceSettingsResponse> {
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        Self::require_view(org, ws, caller)?;
        Ok(DataStudioWorkspaceSettingsResponse {
            org_id: Some(org.id),
            wsp_id: Some(ws.id),
            lifespan_hours: Some(ws.studios.lifespan_hours),
            container_repository: ws.studios.container_repository.clone(),
            private_studio_by_default: Some(ws.studios.private_studio_by_default),
            name_strategy: ws.studios.name_strategy.clone(),
        })
    }

    /// Workspace owners and admins. `lifespanHours` and `privateStudioByDefault` are kept when
    /// omitted; `containerRepository` and `nameStrategy` are replaced (omitted or null: the
    /// platform default).
    pub fn update_studios(
        &mut self,
        caller: Id,
        org_id: Id,
        ws_id: Id,
        req: DataStudioWorkspaceSettingsRequest,
    ) -> ApiResult<()> {
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        Self::require_rank(org, ws, caller, ADMIN_RANK)?;
        if req.lifespan_hours.is_some_and(|h| h < 0) {
            return Err(ApiError::bad("lifespanHours must not be negative"));
        }
        if let Some(n) = &req.name_strategy
            && !super::store::NAME_STRATEGIES.contains(&n.as_str())
        {
            return Err(ApiError::bad(format!(
                "Invalid nameStrategy `{n}`: expected none, tagPrefix or imageSuffix"
            )));
        }
        let org = self.org_mut(org_id)?;
        let Some(ws) = org.workspaces.get_mut(&ws_id) else {
            return Err(ApiError::not_found("Workspace"));
        };
        let s = &mut ws.studios;
        if let Some(h) = req.lifespan_hours {
            s.lifespan_hours = h;
        }
        if let Some(p) = req.private_studio_by_default {
            s.private_studio_by_default = p;
        }
        s.container_repository = req.container_repository;
        s.name_strategy = req.name_strategy;
        Ok(())
    }

    // ---- participants (6.6) ----------------------------------------------------------------

    pub fn list_participants(
        &self,
        caller: Id,
        org_id: Id,
        ws_id: Id,
        params: &Params,
    ) -> ApiResult<ListParticipantsResponse> {
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        Self::require_view(org, ws, caller)?;
        let page = params.page("Participant")?;
        let (items, total) = page.apply(
            ws.participants
                .values()
                .filter(|p| self.participant_matches(org, p, &page)),
        );
        Ok(ListParticipantsResponse {
            participants: items
                .into_iter()
                .map(|p| self.participant_dto(org, p, self.stale.shown(p.id, &p.role)))
                .collect(),
            total_size: Some(total),
        })
    }

    /// Workspace owners and admins. Exactly one of `memberId`, `teamId` or `userNameOrEmail`;
    /// a user who is not an org member becomes a collaborator; the role is the world's default.
    pub fn add_participant(
        &mut self,
        caller: Id,
        org_id: Id,
        ws_id: Id,
        req: AddParticipantRequest,
    ) -> ApiResult<AddParticipantResponse> {
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        Self::require_rank(org, ws, caller, ADMIN_RANK)?;
        let given = [
            req.member_id.is_some(),
            req.team_id.is_some(),
            req.user_name_or_email.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if given != 1 {
            return Err(ApiError::bad(
                "Give exactly one of `memberId`, `teamId` or `userNameOrEmail`",
            ));
        }
        let subject = if let Some(mid) = req.member_id {
            if !org.members.contains_key(&mid) {
                return Err(ApiError::bad(format!(
                    "Member {mid} not found in this organization"
                )));
            }
            Subject::Member(mid)
        } else if let Some(tid) = req.team_id {
            if !org.teams.contains_key(&tid) {
                return Err(ApiError::bad(format!(
                    "Team {tid} not found in this organization"
                )));
            }
            Subject::Team(tid)
        } else {
            let who = req.user_name_or_email.unwrap_or_default();
            let user_id = self.resolve_or_invite(&who)?;
            let org = self.org(org_id)?;
            match Self::standing(org, user_id) {
                Some(s) => Subject::Member(s.member_id),
                None => {
                    // Not an org member: becomes a collaborator, unless already a participant
                    // (impossible without a membership).
                    let mid = self.ids.next_id();
                    let org = self.org_mut(org_id)?;
                    org.members.insert(
                        mid,
                        Member {
                            id: mid,
                            user_id,
                            role: OrgRole::Collaborator,
                        },
                    );
                    org.member_by_user.insert(user_id, mid);
                    Subject::Member(mid)
                }
            }
        };
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        let exists = match subject {
            Subject::Member(m) => ws.by_member.contains_key(&m),
            Subject::Team(t) => ws.by_team.contains_key(&t),
        };
        if exists {
            return Err(ApiError::conflict(
                "Duplicate element: already a participant of this workspace",
            ));
        }
        let pid = self.ids.next_id();
        let p = Participant {
            id: pid,
            subject,
            role: self.default_role.clone(),
        };
        let org = self.org(org_id)?;
        let dto = self.participant_dto(org, &p, &p.role);
        if let Some(ws) = self.org_mut(org_id)?.workspaces.get_mut(&ws_id) {
            ws.insert_participant(p);
        }
        Ok(AddParticipantResponse {
            participant: Some(dto),
        })
    }

    /// Workspace owners and admins; a change to or from `owner` needs a workspace owner.
    pub fn update_participant_role(
        &mut self,
        caller: Id,
        org_id: Id,
        ws_id: Id,
        pid: Id,
        req: RoleRequest,
    ) -> ApiResult<()> {
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        let rank = Self::require_rank(org, ws, caller, ADMIN_RANK)?;
        let p = ws
            .participants
            .get(&pid)
            .ok_or_else(|| ApiError::not_found("Participant"))?;
        let raw = req.role.ok_or_else(|| ApiError::bad("Missing `role`"))?;
        let role = org
            .normalize_role(raw.trim())
            .ok_or_else(|| invalid_role(&raw, org))?;
        if (p.role == "owner" || role == "owner") && rank < OWNER_RANK {
            return Err(ApiError::Forbidden);
        }
        if p.role == role {
            return Ok(());
        }
        let previous = p.role.clone();
        self.stale.record(pid, &previous);
        if let Some(p) = self
            .org_mut(org_id)?
            .workspaces
            .get_mut(&ws_id)
            .and_then(|ws| ws.participants.get_mut(&pid))
        {
            p.role = role;
        }
        Ok(())
    }

    fn remove_participant_checked(
        &mut self,
        org_id: Id,
        ws_id: Id,
        pid: Id,
        rank: u8,
    ) -> ApiResult<()> {
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        let p = ws
            .participants
            .get(&pid)
            .ok_or_else(|| ApiError::not_found("Participant"))?;
        if p.role == "owner" && rank < OWNER_RANK {
            return Err(ApiError::Forbidden);
        }
        if let Some(ws) = self.org_mut(org_id)?.workspaces.get_mut(&ws_id) {
            ws.remove_participant(pid);
        }
        Ok(())
    }

    /// Workspace owners and admins; removing an owner needs a workspace owner.
    pub fn delete_participant(
        &mut self,
        caller: Id,
        org_id: Id,
        ws_id: Id,
        pid: Id,
    ) -> ApiResult<()> {
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        let rank = Self::require_rank(org, ws, caller, ADMIN_RANK)?;
        self.remove_participant_checked(org_id, ws_id, pid, rank)
    }

    /// By user id: that user's direct participation.
    pub fn delete_workspace_user(
        &mut self,
        caller: Id,
        org_id: Id,
        ws_id: Id,
        user_id: Id,
    ) -> ApiResult<()> {
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        let rank = Self::require_rank(org, ws, caller, ADMIN_RANK)?;
        let pid = Self::standing(org, user_id)
            .and_then(|s| ws.by_member.get(&s.member_id).copied())
            .ok_or_else(|| ApiError::not_found("Participant"))?;
        self.remove_participant_checked(org_id, ws_id, pid, rank)
    }

    /// Any participant may leave (their direct participation).
    pub fn leave_workspace(&mut self, caller: Id, org_id: Id, ws_id: Id) -> ApiResult<()> {
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        let s = Self::require_any(org, caller)?;
        let pid = ws
            .by_member
            .get(&s.member_id)
            .copied()
            .ok_or_else(|| ApiError::not_found("Participant"))?;
        if let Some(ws) = self.org_mut(org_id)?.workspaces.get_mut(&ws_id) {
            ws.remove_participant(pid);
        }
        Ok(())
    }

    // ---- labels ----------------------------------------------------------------------------

    /// The organization holding a workspace, from the `workspaceId` query parameter.
    fn label_scope(&self, params: &Params) -> ApiResult<(Id, Id)> {
        let ws_id = params
            .int("workspaceId")?
            .ok_or_else(|| ApiError::bad("Missing parameter `workspaceId`"))?;
        self.orgs
            .values()
            .find(|o| o.workspaces.contains_key(&ws_id))
            .map(|o| (o.id, ws_id))
            .ok_or_else(|| ApiError::not_found("Workspace"))
    }

    fn label_dto(l: &Label) -> LabelDbDto {
        LabelDbDto {
            id: Some(l.id),
            name: Some(l.name.clone()),
            value: l.value.clone(),
            resource: Some(l.resource),
            is_default: Some(l.is_default),
            is_dynamic: Some(false),
            is_interpolated: Some(false),
            date_created: Some(l.date_created.clone()),
        }
    }

    pub fn list_labels(&self, caller: Id, params: &Params) -> ApiResult<ListLabelsResponse> {
        let (org_id, ws_id) = self.label_scope(params)?;
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        Self::require_view(org, ws, caller)?;
        let kind = params.get("type").unwrap_or("all");
        let want_resource = match kind {
            "all" => None,
            "simple" => Some(false),
            "resource" => Some(true),
            other => {
                return Err(ApiError::bad(format!(
                    "Invalid label type `{other}`: expected simple, resource or all"
                )));
            }
        };
        let is_default = params.bool("isDefault")?;
        let page = params.page("Label")?;
        let (items, total) = page.apply(ws.labels.values().filter(|l| {
            want_resource.is_none_or(|r| r == l.resource)
                && is_default.is_none_or(|d| d == l.is_default)
                && page.matches([Some(l.name.as_str()), l.value.as_deref()])
        }));
        Ok(ListLabelsResponse {
            labels: items.into_iter().map(Self::label_dto).collect(),
            total_size: Some(total),
        })
    }

    /// `maintain` and above. Returns the existing label with the same name, value and kind
    /// instead of creating a second one.
    pub fn create_label(
        &mut self,
        caller: Id,
        params: &Params,
        req: CreateLabelRequest,
    ) -> ApiResult<LabelResponse> {
        let (org_id, ws_id) = self.label_scope(params)?;
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        Self::require_rank(org, ws, caller, MAINTAIN_RANK)?;
        let name = non_empty(req.name).ok_or_else(|| ApiError::bad("Missing label `name`"))?;
        check_len("name", Some(&name), 39)?;
        let resource = req.resource.unwrap_or(false);
        if resource && req.value.is_none() {
            return Err(ApiError::bad("A resource label needs a `value`"));
        }
        if let Some(l) = ws
            .labels
            .values()
            .find(|l| l.name == name && l.value == req.value && l.resource == resource)
        {
            return Ok(LabelResponse {
                id: Some(l.id),
                name: Some(l.name.clone()),
                value: l.value.clone(),
                resource: Some(l.resource),
                is_default: Some(l.is_default),
            });
        }
        let id = self.ids.next_id();
        let label = Label {
            id,
            name,
            value: req.value,
            resource,
            is_default: req.is_default.unwrap_or(false),
            date_created: now_iso(),
        };
        let dto = LabelResponse {
            id: Some(id),
            name: Some(label.name.clone()),
            value: label.value.clone(),
            resource: Some(label.resource),
            is_default: Some(label.is_default),
        };
        if let Some(ws) = self.org_mut(org_id)?.workspaces.get_mut(&ws_id) {
            ws.labels.insert(id, label);
        }
        Ok(dto)
    }

    /// `maintain` and above; absent fields are unchanged.
    pub fn update_label(
        &mut self,
        caller: Id,
        label_id: Id,
        params: &Params,
        req: UpdateLabelRequest,
    ) -> ApiResult<LabelResponse> {
        let (org_id, ws_id) = self.label_scope(params)?;
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        Self::require_rank(org, ws, caller, MAINTAIN_RANK)?;
        if !ws.labels.contains_key(&label_id) {
            return Err(ApiError::not_found("Label"));
        }
        if let Some(n) = &req.name {
            if n.trim().is_empty() {
                return Err(ApiError::bad("Label `name` must not be empty"));
            }
            check_len("name", Some(n), 39)?;
        }
        let org = self.org_mut(org_id)?;
        let Some(l) = org
            .workspaces
            .get_mut(&ws_id)
            .and_then(|ws| ws.labels.get_mut(&label_id))
        else {
            return Err(ApiError::not_found("Label"));
        };
        if let Some(n) = req.name {
            l.name = n;
        }
        if req.value.is_some() {
            l.value = req.value;
        }
        if let Some(d) = req.is_default {
            l.is_default = d;
        }
        Ok(LabelResponse {
            id: Some(l.id),
            name: Some(l.name.clone()),
            value: l.value.clone(),
            resource: None,
            is_default: Some(l.is_default),
        })
    }

    pub fn delete_label(&mut self, caller: Id, label_id: Id, params: &Params) -> ApiResult<()> {
        let (org_id, ws_id) = self.label_scope(params)?;
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        Self::require_rank(org, ws, caller, MAINTAIN_RANK)?;
        let removed = self
            .org_mut(org_id)?
            .workspaces
            .get_mut(&ws_id)
            .and_then(|ws| ws.labels.remove(&label_id));
        removed
            .map(|_| ())
            .ok_or_else(|| ApiError::not_found("Label"))
    }
}

/// Quotas are reported but never enforced.
const QUOTA: i64 = 1_000_000;

fn last_owner() -> ApiError {
    ApiError::bad("Cannot remove the last owner of the organization")
}

fn idp_team() -> ApiError {
    ApiError::bad("Team membership is managed by the identity provider")
}
