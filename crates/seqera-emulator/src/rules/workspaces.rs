//! Workspaces, studios settings and participants (docs/seqera-api.md sections 6.5 and 6.6).

use super::*;

impl Store {
    // ---- workspaces (6.5) ------------------------------------------------------------------

    /// The workspaces the caller can see: all for owners; for others, those they participate
    /// in (directly or through a team), plus SHARED ones for members.
    pub fn list_workspaces(&self, caller: Id, org_id: Id) -> ApiResult<ListWorkspacesResponse> {
        let org = self.org(org_id)?;
        Self::require_any(org, caller)?;
        Ok(ListWorkspacesResponse {
            workspaces: org
                .workspaces()
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
        match org.ws_by_name().get(&name.to_ascii_lowercase()) {
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
        let id = self.next_id();
        let pid = self.next_id();
        let now = now_iso();
        let mut ws = Workspace::new(id, name, full_name, visibility, now);
        ws.description = w.description;
        let dto = Self::ws_dto(&ws);
        self.insert_workspace(org_id, ws)
            .ok_or_else(|| ApiError::not_found("Organization"))?;
        self.insert_participant(
            org_id,
            id,
            Participant {
                id: pid,
                subject: Subject::Member(s.member_id),
                role: "owner".into(),
            },
        );
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
        self.require_view(org, ws, caller)?;
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
        self.require_rank(org, ws, caller, ADMIN_RANK, "workspace:write")?;
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
        let dto = self
            .modify_workspace(org_id, ws_id, |ws| {
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
                Self::ws_dto(ws)
            })
            .ok_or_else(|| ApiError::not_found("Workspace"))?;
        Ok(WorkspaceResponse {
            workspace: Some(dto),
        })
    }

    /// Workspace owners (and org owners): admins cannot delete a workspace.
    pub fn delete_workspace(&mut self, caller: Id, org_id: Id, ws_id: Id) -> ApiResult<()> {
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        self.require_rank(org, ws, caller, OWNER_RANK, "workspace:delete")?;
        self.drop_workspace(org_id, ws_id);
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
        self.require_rank(org, ws, caller, 0, "workspace_studio:read")?;
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
        self.require_rank(org, ws, caller, ADMIN_RANK, "workspace_studio:write")?;
        if req.lifespan_hours.is_some_and(|h| h < 0) {
            return Err(ApiError::bad("lifespanHours must not be negative"));
        }
        if let Some(n) = &req.name_strategy
            && !crate::store::NAME_STRATEGIES.contains(&n.as_str())
        {
            return Err(ApiError::bad(format!(
                "Invalid nameStrategy `{n}`: expected none, tagPrefix or imageSuffix"
            )));
        }
        self.modify_workspace(org_id, ws_id, |ws| {
            let s = &mut ws.studios;
            if let Some(h) = req.lifespan_hours {
                s.lifespan_hours = h;
            }
            if let Some(p) = req.private_studio_by_default {
                s.private_studio_by_default = p;
            }
            s.container_repository = req.container_repository;
            s.name_strategy = req.name_strategy;
        })
        .ok_or_else(|| ApiError::not_found("Workspace"))
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
        self.require_view(org, ws, caller)?;
        let page = params.page("Participant")?;
        let (items, total) = page.apply(
            ws.participants()
                .values()
                .filter(|p| self.participant_matches(org, p, &page)),
        );
        Ok(ListParticipantsResponse {
            participants: items
                .into_iter()
                .map(|p| self.participant_dto(org, p, self.stale().shown(p.id, &p.role)))
                .collect(),
            total_size: Some(total),
        })
    }

    /// Workspace owners and admins. Exactly one of `memberId`, `teamId` or `userNameOrEmail`;
    /// a user who is not an org member becomes a collaborator (409 when the organization has
    /// active SSO, which permits no collaborators); the role is the world's default.
    pub fn add_participant(
        &mut self,
        caller: Id,
        org_id: Id,
        ws_id: Id,
        req: AddParticipantRequest,
    ) -> ApiResult<AddParticipantResponse> {
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        self.require_rank(org, ws, caller, ADMIN_RANK, "workspace:write")?;
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
            if !org.members().contains_key(&mid) {
                return Err(ApiError::bad(format!(
                    "Member {mid} not found in this organization"
                )));
            }
            Subject::Member(mid)
        } else if let Some(tid) = req.team_id {
            if !org.teams().contains_key(&tid) {
                return Err(ApiError::bad(format!(
                    "Team {tid} not found in this organization"
                )));
            }
            Subject::Team(tid)
        } else {
            let who = req.user_name_or_email.unwrap_or_default();
            if org.sso
                && self
                    .user_by_email_or_name(&who)
                    .and_then(|u| Self::standing(org, u))
                    .is_none()
            {
                // With active single sign-on only organization members may participate.
                return Err(ApiError::conflict(format!(
                    "Collaborator not permitted for organization with active SSO: '{}' is not a member of organization '{}'",
                    who.trim(),
                    org.name
                )));
            }
            let user_id = self.resolve_or_invite(&who)?;
            let org = self.org(org_id)?;
            match Self::standing(org, user_id) {
                Some(s) => Subject::Member(s.member_id),
                None => {
                    // Not an org member: becomes a collaborator, unless already a participant
                    // (impossible without a membership).
                    let mid = self.next_id();
                    self.insert_member(
                        org_id,
                        Member {
                            id: mid,
                            user_id,
                            role: OrgRole::Collaborator,
                        },
                    );
                    Subject::Member(mid)
                }
            }
        };
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        let exists = match subject {
            Subject::Member(m) => ws.by_member().contains_key(&m),
            Subject::Team(t) => ws.by_team().contains_key(&t),
        };
        if exists {
            return Err(ApiError::conflict(
                "Duplicate element: already a participant of this workspace",
            ));
        }
        let pid = self.next_id();
        let p = Participant {
            id: pid,
            subject,
            role: self.default_role().to_string(),
        };
        let org = self.org(org_id)?;
        let dto = self.participant_dto(org, &p, &p.role);
        self.insert_participant(org_id, ws_id, p);
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
        let rank = self.require_rank(org, ws, caller, ADMIN_RANK, "workspace:write")?;
        let p = ws
            .participants()
            .get(&pid)
            .ok_or_else(|| ApiError::not_found("Participant"))?;
        let raw = req.role.ok_or_else(|| ApiError::bad("Missing `role`"))?;
        let role = org
            .normalize_role(raw.trim())
            .ok_or_else(|| invalid_role(&raw, org))?;
        if (p.role == "owner" || role == "owner") && rank < OWNER_RANK {
            return Err(self.lacks(org, caller, "workspace:admin"));
        }
        if p.role == role {
            return Ok(());
        }
        self.set_participant_role(org_id, ws_id, pid, role);
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
            .participants()
            .get(&pid)
            .ok_or_else(|| ApiError::not_found("Participant"))?;
        if p.role == "owner" && rank < OWNER_RANK {
            // The caller has a workspace rank, so a standing in the organization.
            return Err(if self.list_missing_permissions() {
                ApiError::MissingPermissions(vec!["workspace:admin"])
            } else {
                ApiError::Forbidden
            });
        }
        self.drop_participant(org_id, ws_id, pid);
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
        let rank = self.require_rank(org, ws, caller, ADMIN_RANK, "workspace:write")?;
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
        let rank = self.require_rank(org, ws, caller, ADMIN_RANK, "workspace:write")?;
        let pid = Self::standing(org, user_id)
            .and_then(|s| ws.by_member().get(&s.member_id).copied())
            .ok_or_else(|| ApiError::not_found("Participant"))?;
        self.remove_participant_checked(org_id, ws_id, pid, rank)
    }

    /// Any participant may leave (their direct participation).
    pub fn leave_workspace(&mut self, caller: Id, org_id: Id, ws_id: Id) -> ApiResult<()> {
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        let s = Self::require_any(org, caller)?;
        let pid = ws
            .by_member()
            .get(&s.member_id)
            .copied()
            .ok_or_else(|| ApiError::not_found("Participant"))?;
        self.drop_participant(org_id, ws_id, pid);
        Ok(())
    }
}
