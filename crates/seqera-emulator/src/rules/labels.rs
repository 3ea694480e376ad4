//! Workspace labels, scoped by the `workspaceId` query parameter (docs/seqera-api.md section 6.5).

use super::*;

impl Store {
    // ---- labels ----------------------------------------------------------------------------

    /// The organization holding a workspace, from the `workspaceId` query parameter.
    fn label_scope(&self, params: &Params) -> ApiResult<(Id, Id)> {
        let ws_id = params
            .int("workspaceId")?
            .ok_or_else(|| ApiError::bad("Missing parameter `workspaceId`"))?;
        self.orgs()
            .values()
            .find(|o| o.workspaces().contains_key(&ws_id))
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
            // A resource label value with `${…}` is filled in per run; it is stored as written.
            is_dynamic: Some(l.resource && l.value.as_deref().is_some_and(|v| v.contains("${"))),
            is_interpolated: Some(false),
            date_created: Some(l.date_created.clone()),
        }
    }

    pub fn list_labels(&self, caller: Id, params: &Params) -> ApiResult<ListLabelsResponse> {
        let (org_id, ws_id) = self.label_scope(params)?;
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        self.require_rank(org, ws, caller, 0, "label:read")?;
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
        let (items, total) = page.apply(ws.labels().values().filter(|l| {
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
        self.require_rank(org, ws, caller, MAINTAIN_RANK, "label:write")?;
        let name = non_empty(req.name).ok_or_else(|| ApiError::bad("Missing label `name`"))?;
        check_len("name", Some(&name), 39)?;
        let resource = req.resource.unwrap_or(false);
        if resource && req.value.is_none() {
            return Err(ApiError::bad("A resource label needs a `value`"));
        }
        if let Some(l) = ws
            .labels()
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
        let id = self.next_id();
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
        self.insert_label(org_id, ws_id, label);
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
        self.require_rank(org, ws, caller, MAINTAIN_RANK, "label:write")?;
        if !ws.labels().contains_key(&label_id) {
            return Err(ApiError::not_found("Label"));
        }
        if let Some(n) = &req.name {
            if n.trim().is_empty() {
                return Err(ApiError::bad("Label `name` must not be empty"));
            }
            check_len("name", Some(n), 39)?;
        }
        self.modify_label(org_id, ws_id, label_id, |l| {
            if let Some(n) = req.name {
                l.name = n;
            }
            if req.value.is_some() {
                l.value = req.value;
            }
            if let Some(d) = req.is_default {
                l.is_default = d;
            }
            LabelResponse {
                id: Some(l.id),
                name: Some(l.name.clone()),
                value: l.value.clone(),
                resource: None,
                is_default: Some(l.is_default),
            }
        })
        .ok_or_else(|| ApiError::not_found("Label"))
    }

    pub fn delete_label(&mut self, caller: Id, label_id: Id, params: &Params) -> ApiResult<()> {
        let (org_id, ws_id) = self.label_scope(params)?;
        let org = self.org(org_id)?;
        let ws = Self::workspace(org, ws_id)?;
        self.require_rank(org, ws, caller, MAINTAIN_RANK, "label:delete")?;
        self.drop_label(org_id, ws_id, label_id)
            .map(|_| ())
            .ok_or_else(|| ApiError::not_found("Label"))
    }
}
