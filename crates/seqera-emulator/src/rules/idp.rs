//! The IdP group catalogue of an organization and its SCIM configuration (docs/seqera-api.md
//! section 6.4): listing, adding and removing catalogue entries, and the SCIM status. The
//! feature is on for an organization whose world declares `idpGroups`; otherwise these answer
//! 404 (feature not enabled), as the spec says.

use super::*;
use crate::store::{IdpGroup, IdpSource};

fn feature_off() -> ApiError {
    ApiError::NotFound("IdP group mapping is not enabled for this organization".into())
}

fn entry(g: &IdpGroup) -> IdpGroupEntry {
    IdpGroupEntry {
        id: Some(g.id),
        display_name: Some(g.name.clone()),
        source: Some(g.source.as_str().to_string()),
    }
}

impl Store {
    /// The catalogue entry a team may be linked to: 400 when the feature is off or the id is
    /// not in the catalogue.
    pub(super) fn catalogue_group(org: &Org, group_id: Id) -> ApiResult<&IdpGroup> {
        let groups = org.idp_groups().ok_or_else(|| {
            ApiError::bad("IdP group mapping is not enabled for this organization")
        })?;
        groups.get(&group_id).ok_or_else(|| {
            ApiError::bad(format!(
                "IdP group {group_id} is not in the catalogue of this organization"
            ))
        })
    }

    /// operationId `ListOrganizationIdpGroups`: owners and members.
    pub fn list_idp_groups(&self, caller: Id, org_id: Id) -> ApiResult<ListIdpGroupsResponse> {
        let org = self.org(org_id)?;
        Self::require_member(org, caller)?;
        let groups = org.idp_groups().ok_or_else(feature_off)?;
        Ok(ListIdpGroupsResponse {
            groups: groups.values().map(entry).collect(),
        })
    }

    /// operationId `CreateOrganizationIdpGroup`: owners only; a manual entry. The value is
    /// compared exactly (the identity provider's claim is case-sensitive).
    pub fn create_idp_group(
        &mut self,
        caller: Id,
        org_id: Id,
        req: CreateIdpGroupRequest,
    ) -> ApiResult<IdpGroupEntry> {
        let org = self.org(org_id)?;
        Self::require_owner(org, caller)?;
        let groups = org.idp_groups().ok_or_else(feature_off)?;
        let name = non_empty(req.display_name)
            .ok_or_else(|| ApiError::bad("The group name must not be blank"))?;
        if groups.values().any(|g| g.name == name) {
            return Err(ApiError::conflict(format!(
                "A group named '{name}' already exists in the organization"
            )));
        }
        let id = self.next_id();
        let g = IdpGroup {
            id,
            name,
            source: IdpSource::Manual,
        };
        let dto = entry(&g);
        self.insert_idp_group(org_id, g)
            .ok_or_else(|| ApiError::not_found("Organization"))?;
        Ok(dto)
    }

    /// operationId `DeleteOrganizationIdpGroup`: owners only; manual entries only (a SCIM entry
    /// is removed in the identity provider). Every team linked to the entry is unlinked and its
    /// members are removed.
    pub fn delete_idp_group(&mut self, caller: Id, org_id: Id, group_id: Id) -> ApiResult<()> {
        let org = self.org(org_id)?;
        Self::require_owner(org, caller)?;
        let groups = org.idp_groups().ok_or_else(feature_off)?;
        let g = groups
            .get(&group_id)
            .ok_or_else(|| ApiError::not_found("IdP group"))?;
        if g.source == IdpSource::Scim {
            return Err(ApiError::conflict(
                "The group is managed through SCIM. Remove it in your identity provider instead.",
            ));
        }
        self.drop_idp_group(org_id, group_id);
        Ok(())
    }

    /// operationId `DescribeOrganizationScimConfig`: any owner or member. The token itself is
    /// never shown, only whether one is active, masked, and when it was made and last used.
    pub fn scim_config(&self, caller: Id, org_id: Id) -> ApiResult<DescribeScimConfigResponse> {
        let org = self.org(org_id)?;
        Self::require_member(org, caller)?;
        let groups = org.idp_groups().ok_or_else(feature_off)?;
        let token = org.scim_token.as_ref();
        Ok(DescribeScimConfigResponse {
            endpoint_url: Some(format!("/scim/v2/orgs/{}", org.id)),
            group_count: Some(
                groups
                    .values()
                    .filter(|g| g.source == IdpSource::Scim)
                    .count() as i32,
            ),
            has_active_token: Some(token.is_some()),
            masked_token: token.map(|_| "scim_****".to_string()),
            sso_active: Some(org.sso),
            token_created_at: token.and_then(|t| t.created_at.clone()),
            token_last_used: token.and_then(|t| t.last_used.clone()),
        })
    }
}
