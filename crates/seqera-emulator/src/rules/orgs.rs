//! Current user and discovery, organizations, and their members and collaborators
//! (docs/seqera-api.md sections 6.1 to 6.3).

use super::*;

impl Store {
    // ---- current user and discovery (docs/seqera-api.md §6.1) -----------------------------------

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
        for org in self.orgs().values() {
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
            for ws in org.workspaces().values() {
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
            .orgs()
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
        match self.org_by_name(name) {
            Some(id) if Some(id) != except => Err(ApiError::conflict(format!(
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
        let id = self.next_id();
        let mid = self.next_id();
        let mut org = Org::new(id, name, full_name);
        org.description = o.description;
        org.location = o.location;
        org.website = o.website;
        org.logo_id = req.logo_id;
        self.insert_org(org);
        self.insert_member(
            id,
            Member {
                id: mid,
                user_id: caller,
                role: OrgRole::Owner,
            },
        );
        let org = self.org(id)?;
        let dto = Self::org_dto(org, Self::standing(org, caller));
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
            && !crate::store::ORG_TYPES.contains(&t.as_str())
        {
            return Err(ApiError::bad(format!("Invalid organization type `{t}`")));
        }
        self.modify_org(org_id, |org| {
            if let Some(name) = req.name {
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
        })
        .ok_or_else(|| ApiError::not_found("Organization"))
    }

    /// Owners only; removes everything the organization holds.
    pub fn delete_org(&mut self, caller: Id, org_id: Id) -> ApiResult<()> {
        let org = self.org(org_id)?;
        Self::require_owner(org, caller)?;
        self.drop_org(org_id);
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
                max_custom_roles_per_org: Some(org.max_roles()),
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
            .members()
            .get(&target.member_id)
            .ok_or_else(|| ApiError::not_found("Member"))?;
        let mut user_workspaces = Vec::new();
        for ws in org.workspaces().values() {
            let mut roles = Vec::new();
            if let Some(p) = ws
                .by_member()
                .get(&m.id)
                .and_then(|pid| ws.participants().get(pid))
            {
                roles.push(UserWorkspaceRole {
                    role: Some(p.role.clone()),
                    role_source_type: Some("individual".into()),
                    ..Default::default()
                });
            }
            for (tid, pid) in ws.by_team() {
                let (Some(t), Some(p)) = (org.teams().get(tid), ws.participants().get(pid)) else {
                    continue;
                };
                if t.members().contains(&m.id) {
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
            org.members()
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
            None => self.next_id(),
        };
        let m = Member {
            id: mid,
            user_id,
            role: OrgRole::Member,
        };
        self.insert_member(org_id, m.clone())
            .ok_or_else(|| ApiError::not_found("Organization"))?;
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
            .members()
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
        self.set_member_role(org_id, member_id, role);
        Ok(())
    }

    /// Owners only; the last owner cannot be removed.
    pub fn delete_member(&mut self, caller: Id, org_id: Id, member_id: Id) -> ApiResult<()> {
        let org = self.org(org_id)?;
        Self::require_owner(org, caller)?;
        let m = org
            .members()
            .get(&member_id)
            .ok_or_else(|| ApiError::not_found("Member"))?;
        if m.role == OrgRole::Owner && org.owner_count() <= 1 {
            return Err(last_owner());
        }
        self.drop_membership(org_id, member_id);
        Ok(())
    }

    /// Any member (collaborators included) may leave, except the last owner.
    pub fn leave_org(&mut self, caller: Id, org_id: Id) -> ApiResult<()> {
        let org = self.org(org_id)?;
        let s = Self::require_any(org, caller)?;
        if s.role == OrgRole::Owner && org.owner_count() <= 1 {
            return Err(last_owner());
        }
        self.drop_membership(org_id, s.member_id);
        Ok(())
    }
}
