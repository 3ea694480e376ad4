//! Teams and team members (docs/seqera-api.md section 6.4).

use super::*;

impl Store {
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
            org.teams()
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
        match org.team_by_name().get(&name.to_ascii_lowercase()) {
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
        let group = match req.idp_group_id {
            Some(g) => Some(Self::catalogue_group(org, g)?.clone()),
            None => None,
        };
        let id = self.next_id();
        let mut t = Team::new(id, name);
        t.description = team.description;
        t.avatar_id = req.avatar_id;
        t.idp_group_id = group.as_ref().map(|g| g.id);
        t.idp_group_name = group.map(|g| g.name);
        let dto = Self::team_dto(&t);
        self.insert_team(org_id, t)
            .ok_or_else(|| ApiError::not_found("Organization"))?;
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

    /// Owners only. Absent fields are unchanged. `idpGroupId` links the team to a catalogue
    /// entry (it keeps its members until they next log in); `idpGroupId: null` unlinks it, which
    /// removes its members.
    pub fn update_team(
        &mut self,
        caller: Id,
        org_id: Id,
        team_id: Id,
        req: UpdateTeamRequest,
    ) -> ApiResult<()> {
        let org = self.org(org_id)?;
        Self::require_owner(org, caller)?;
        Self::team(org, team_id)?;
        if let Some(name) = &req.name {
            Self::check_team_name_free(org, name, Some(team_id))?;
        }
        check_len("description", req.description.as_deref(), 250)?;
        let group = match req.idp_group_id {
            Some(Some(g)) => Some(Self::catalogue_group(org, g)?.clone()),
            _ => None,
        };
        match (req.idp_group_id, group) {
            (Some(None), _) => {
                self.unlink_team(org_id, team_id);
            }
            (_, Some(g)) => {
                self.link_team(org_id, team_id, g.id, g.name);
            }
            _ => {}
        }
        self.modify_team(org_id, team_id, |t| {
            if let Some(name) = req.name {
                t.name = name;
            }
            if req.description.is_some() {
                t.description = req.description;
            }
            if req.avatar_id.is_some() {
                t.avatar_id = req.avatar_id;
            }
        })
        .ok_or_else(|| ApiError::not_found("Team"))
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
        self.drop_team(org_id, team_id);
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
            t.members()
                .iter()
                .filter_map(|mid| org.members().get(mid))
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
        if t.members().contains(&s.member_id) {
            return Err(ApiError::conflict(format!(
                "User '{}' is already a member of this team",
                who.trim()
            )));
        }
        let m = org.members()[&s.member_id].clone();
        self.insert_team_member(org_id, team_id, s.member_id);
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
        if !t.members().contains(&member_id) {
            return Err(ApiError::not_found("Team member"));
        }
        self.drop_team_member(org_id, team_id, member_id);
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
        let (items, total) = page.apply(org.workspaces().values().filter_map(|ws| {
            let pid = ws.by_team().get(&team_id)?;
            let p = ws.participants().get(pid)?;
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
                    participant_role: Some(self.stale().shown(p.id, &p.role).to_string()),
                })
                .collect(),
            total_size: Some(total),
        })
    }
}
