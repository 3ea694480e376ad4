//! Custom workspace roles, scoped by the `orgId` query parameter (docs/seqera-api.md section
//! 6.7): listing (predefined roles first), describing, creating (201; `maxCustomRolesPerOrg`
//! applies), updating and renaming in place (participants who hold the role keep it under its
//! new name), deleting (refused while anyone holds the role), the permission catalogue and name
//! validation. Organization members may read; only owners may write.

use super::*;
use crate::store::{CustomRole, predefined_permissions};

/// What the predefined roles are for, as the platform's documentation words them.
fn predefined_description(role: &str) -> &'static str {
    match role {
        "owner" => {
            "Full permissions on every resource of the workspace, including its settings and participants"
        }
        "admin" => "Full permissions on the workspace's resources, and manages its participants",
        "maintain" => {
            "Creates and changes pipelines, compute environments, credentials and datasets"
        }
        "launch" => "Launches pipelines and manages the runs",
        "connect" => "Launches pipelines and connects to running Studios",
        _ => "Reads the workspace's resources",
    }
}

fn check_description(d: Option<&str>) -> ApiResult<String> {
    let d = d.ok_or_else(|| ApiError::bad("Missing role `description`"))?;
    let n = d.chars().count();
    if d.trim().is_empty() || n > 120 {
        return Err(ApiError::bad(format!(
            "Role description must be between 1 and 120 characters (current length={n})"
        )));
    }
    Ok(d.to_string())
}

fn check_permissions(store: &Store, ps: &[String]) -> ApiResult<Vec<String>> {
    let unknown: Vec<&str> = ps
        .iter()
        .map(String::as_str)
        .filter(|p| !store.is_permission(p))
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::bad(format!(
            "Unknown permission(s): {}",
            unknown.join(", ")
        )));
    }
    let mut out = ps.to_vec();
    out.sort();
    out.dedup();
    Ok(out)
}

fn check_role_name(name: Option<&str>) -> ApiResult<String> {
    let name =
        non_empty(name.map(str::to_string)).ok_or_else(|| ApiError::bad("Missing role `name`"))?;
    if !valid_name(&name) {
        return Err(ApiError::bad(name_rule("Role")));
    }
    Ok(name)
}

fn is_predefined(name: &str) -> bool {
    PREDEFINED_ROLES.contains(&name.to_ascii_lowercase().as_str())
}

fn role_dto(r: &CustomRole) -> RoleDto {
    RoleDto {
        name: Some(r.name.clone()),
        description: r.description.clone(),
        is_predefined: Some(false),
        permissions: Some(r.permissions.clone()),
    }
}

impl Store {
    /// The organization of a roles request, from the `orgId` query parameter.
    fn role_org(&self, params: &Params) -> ApiResult<&Org> {
        let org_id = params
            .int("orgId")?
            .ok_or_else(|| ApiError::bad("Missing parameter `orgId`"))?;
        self.org(org_id)
    }

    /// How many participants of the organization hold a role, in every workspace.
    fn role_holders(org: &Org, name: &str) -> usize {
        org.workspaces()
            .values()
            .flat_map(|w| w.participants().values())
            .filter(|p| p.role.eq_ignore_ascii_case(name))
            .count()
    }

    /// operationId `ListRoles`: predefined roles, then custom ones in creation order; `name`
    /// filters by substring, `type` by kind.
    pub fn list_roles(&self, caller: Id, params: &Params) -> ApiResult<ListRolesResponse> {
        let org = self.role_org(params)?;
        Self::require_member(org, caller)?;
        let (predefined, custom) = match params.get("type") {
            None => (true, true),
            Some(t) if t.eq_ignore_ascii_case("predefined") => (true, false),
            Some(t) if t.eq_ignore_ascii_case("custom") => (false, true),
            Some(other) => {
                return Err(ApiError::bad(format!(
                    "Invalid role type `{other}`: expected predefined or custom"
                )));
            }
        };
        let page = params.page("Role")?;
        let filter = params.get("name").map(str::to_lowercase);
        let mut all: Vec<RoleInfo> = Vec::new();
        if predefined {
            all.extend(PREDEFINED_ROLES.iter().map(|r| RoleInfo {
                name: Some(r.to_string()),
                description: Some(predefined_description(r).to_string()),
                is_predefined: Some(true),
            }));
        }
        if custom {
            all.extend(org.roles().values().map(|r| RoleInfo {
                name: Some(r.name.clone()),
                description: r.description.clone(),
                is_predefined: Some(false),
            }));
        }
        let (roles, total) = page.apply(all.into_iter().filter(|r| {
            filter.as_deref().is_none_or(|f| {
                r.name
                    .as_deref()
                    .is_some_and(|n| n.to_lowercase().contains(f))
            })
        }));
        Ok(ListRolesResponse {
            roles,
            total_size: Some(total),
        })
    }

    /// operationId `DescribeRole`: a predefined or custom role with its permissions.
    pub fn describe_role(
        &self,
        caller: Id,
        name: &str,
        params: &Params,
    ) -> ApiResult<DescribeRoleResponse> {
        let org = self.role_org(params)?;
        Self::require_member(org, caller)?;
        let lower = name.to_ascii_lowercase();
        let role = if is_predefined(&lower) {
            let r = PREDEFINED_ROLES
                .iter()
                .find(|r| **r == lower)
                .expect("predefined");
            RoleDto {
                name: Some(r.to_string()),
                description: Some(predefined_description(r).to_string()),
                is_predefined: Some(true),
                permissions: Some(predefined_permissions(r)),
            }
        } else {
            role_dto(
                org.role_named(name)
                    .ok_or_else(|| ApiError::not_found("Role"))?,
            )
        };
        Ok(DescribeRoleResponse { role: Some(role) })
    }

    /// operationId `CreateRole`: owners only; answers 201. The name follows the platform's name
    /// rule and is free (no predefined or custom role has it: 409); the description has 1–120
    /// characters; every permission is in the catalogue; the organization is below its
    /// `maxCustomRolesPerOrg`.
    pub fn create_role(
        &mut self,
        caller: Id,
        params: &Params,
        req: CustomRoleRequest,
    ) -> ApiResult<CreateRoleResponse> {
        let org = self.role_org(params)?;
        Self::require_owner(org, caller)?;
        let org_id = org.id;
        let name = check_role_name(req.name.as_deref())?;
        let description = check_description(req.description.as_deref())?;
        let permissions = check_permissions(self, req.permissions.as_deref().unwrap_or_default())?;
        if is_predefined(&name) || org.role_named(&name).is_some() {
            return Err(ApiError::conflict(format!(
                "A role with name '{name}' already exists"
            )));
        }
        let max = org.max_roles();
        if org.roles().len() as i64 >= max {
            return Err(ApiError::bad(format!(
                "Custom roles limit reached: the organization may have at most {max} custom roles (maxCustomRolesPerOrg)"
            )));
        }
        let id = self.next_id();
        let role = CustomRole {
            id,
            name,
            description: Some(description),
            permissions,
        };
        let dto = CreateRoleResponse {
            name: Some(role.name.clone()),
            description: role.description.clone(),
            permissions: Some(role.permissions.clone()),
        };
        self.insert_role(org_id, role);
        Ok(dto)
    }

    /// operationId `UpdateRole`: owners only. The description is required (as the spec has
    /// it); an absent `permissions` leaves them as they are; a new `name` renames the role in
    /// place, and every participant who holds it keeps it under the new name.
    pub fn update_role(
        &mut self,
        caller: Id,
        name: &str,
        params: &Params,
        req: CustomRoleRequest,
    ) -> ApiResult<()> {
        let org = self.role_org(params)?;
        Self::require_owner(org, caller)?;
        let org_id = org.id;
        if is_predefined(name) {
            return Err(ApiError::bad(format!(
                "Role '{name}' is predefined and cannot be changed"
            )));
        }
        let role = org
            .role_named(name)
            .ok_or_else(|| ApiError::not_found("Role"))?;
        let role_id = role.id;
        let description = check_description(req.description.as_deref())?;
        let permissions = match &req.permissions {
            Some(ps) => Some(check_permissions(self, ps)?),
            None => None,
        };
        let new_name = match req.name.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(n) if n == role.name => None,
            Some(n) => {
                let n = check_role_name(Some(n))?;
                let taken = is_predefined(&n)
                    || org.role_named(&n).is_some_and(|other| other.id != role_id);
                if taken {
                    return Err(ApiError::conflict(format!(
                        "A role with name '{n}' already exists"
                    )));
                }
                Some(n)
            }
        };
        self.modify_role(org_id, role_id, |r| {
            r.description = Some(description);
            if let Some(ps) = permissions {
                r.permissions = ps;
            }
            if let Some(n) = new_name {
                r.name = n;
            }
        })
        .ok_or_else(|| ApiError::not_found("Role"))
    }

    /// operationId `DeleteRole`: owners only; refused (400) while any participant of the
    /// organization holds the role.
    pub fn delete_role(&mut self, caller: Id, name: &str, params: &Params) -> ApiResult<()> {
        let org = self.role_org(params)?;
        Self::require_owner(org, caller)?;
        let org_id = org.id;
        if is_predefined(name) {
            return Err(ApiError::bad(format!(
                "Role '{name}' is predefined and cannot be deleted"
            )));
        }
        let role = org
            .role_named(name)
            .ok_or_else(|| ApiError::not_found("Role"))?;
        let held = Self::role_holders(org, &role.name);
        if held > 0 {
            return Err(ApiError::bad(format!(
                "Role '{}' is assigned to {held} participant{}: give them another role first",
                role.name,
                if held == 1 { "" } else { "s" }
            )));
        }
        let role_id = role.id;
        self.drop_role(org_id, role_id);
        Ok(())
    }

    /// operationId `ListRolePermissions`: the catalogue of permissions custom roles may grant.
    pub fn list_role_permissions(
        &self,
        caller: Id,
        params: &Params,
    ) -> ApiResult<ListRolePermissionsResponse> {
        let org = self.role_org(params)?;
        Self::require_member(org, caller)?;
        let filter = params.get("name").map(str::to_lowercase);
        Ok(ListRolePermissionsResponse {
            permissions: self
                .permission_catalogue()
                .into_iter()
                .filter(|(p, _)| filter.as_deref().is_none_or(|f| p.contains(f)))
                .map(|(p, c)| RolePermission {
                    name: Some(p),
                    category: Some(c),
                })
                .collect(),
        })
    }

    /// operationId `ValidateRoleName`: 204 when the name is valid and free, 400 when invalid,
    /// 409 when a predefined or custom role has it.
    pub fn validate_role_name(&self, caller: Id, params: &Params) -> ApiResult<()> {
        let org = self.role_org(params)?;
        Self::require_member(org, caller)?;
        let name = check_role_name(params.get("name"))?;
        if is_predefined(&name) || org.role_named(&name).is_some() {
            return Err(ApiError::conflict(format!(
                "A role with name '{name}' already exists"
            )));
        }
        Ok(())
    }
}
