//! Changes to a declared workspace: create, update or (under `ensure: absent`) delete it, its
//! studios settings and its labels; then its participants (`participants`).

use std::collections::BTreeSet;

use serde_json::json;

use super::Differ;
use super::draft::{Draft, attrs};
use crate::config::desired::{Ensure, Org, Visibility, Workspace};
use crate::live::{LiveOrg, LiveWorkspace};
use crate::plan::model::{Address, Attrs, Exec, Kind, Ref, Risk, WorkspaceFields};

fn ws_attrs(f: &WorkspaceFields) -> Attrs {
    attrs([
        ("name", json!(f.name)),
        ("fullName", json!(f.full_name)),
        ("description", json!(f.description)),
        ("visibility", json!(f.visibility.to_lowercase())),
    ])
}

/// The studios lifespan as the console says it: `always` for the API's 0 (unlimited), else the
/// hours (`lifespanHours 8 → always`).
fn lifespan_attrs(hours: i64) -> Attrs {
    if hours == 0 {
        attrs([("lifespanHours", json!("always"))])
    } else {
        attrs([("lifespanHours", json!(hours))])
    }
}

fn live_ws_fields(lw: &LiveWorkspace) -> WorkspaceFields {
    WorkspaceFields {
        name: lw.name.clone(),
        full_name: lw.full_name.clone().unwrap_or_default(),
        description: lw.description.clone(),
        visibility: lw.visibility.to_uppercase(),
    }
}

impl Differ<'_> {
    pub(super) fn workspace(
        &mut self,
        org: &Org,
        live: Option<&LiveOrg>,
        ws: &Workspace,
        org_ref: &Ref,
        org_dep: &Option<Address>,
    ) {
        let waddr = Address::workspace(&org.name, &ws.name);
        let lw = self
            .ix(org)
            .live
            .as_ref()
            .and_then(|l| l.workspace(&ws.name));
        if ws.ensure == Ensure::Absent {
            if let (Some(l), Some(lw)) = (live, lw) {
                let n = lw.participants.as_ref().map_or(0, Vec::len);
                let exec = Exec::DeleteWorkspace {
                    org_id: l.id,
                    workspace_id: lw.id,
                };
                self.push(
                    Draft::delete(Kind::Workspace, waddr, ws_attrs(&live_ws_fields(lw)), exec)
                        .risks(vec![Risk::Destructive, Risk::RemovesAccess])
                        .note(format!(
                            "permanently deletes the workspace, its resources and its {n} participant{}",
                            if n == 1 { "" } else { "s" }
                        )),
                );
            }
            return;
        }
        let ws_ref = match lw {
            Some(lw) => Ref::Id(lw.id),
            None => Ref::CreatedBy(waddr.clone()),
        };
        let mut ws_deps: BTreeSet<Address> = org_dep.iter().cloned().collect();
        match lw {
            None => {
                let fields = WorkspaceFields {
                    name: ws.name.clone(),
                    full_name: ws.full_name.clone().unwrap_or_else(|| ws.name.clone()),
                    description: ws.description.clone(),
                    visibility: match ws.visibility {
                        Some(Visibility::Shared) => "SHARED",
                        Some(Visibility::Private) | None => "PRIVATE",
                    }
                    .to_string(),
                };
                let after = ws_attrs(&fields);
                let exec = Exec::CreateWorkspace {
                    org: org_ref.clone(),
                    fields,
                };
                self.push(
                    Draft::create(Kind::Workspace, waddr.clone(), after, exec)
                        .after_deps(ws_deps.iter().cloned()),
                );
                ws_deps.insert(waddr.clone());
            }
            Some(lw) => {
                let current = live_ws_fields(lw);
                let wanted = WorkspaceFields {
                    name: ws.name.clone(),
                    full_name: ws.full_name.clone().unwrap_or(current.full_name.clone()),
                    description: ws.description.clone().or(current.description.clone()),
                    visibility: ws
                        .visibility
                        .map(|v| v.as_str().to_uppercase())
                        .unwrap_or(current.visibility.clone()),
                };
                if wanted != current {
                    let l = live.expect("live workspace implies live org");
                    let (before, after) = (ws_attrs(&current), ws_attrs(&wanted));
                    let exec = Exec::UpdateWorkspace {
                        org_id: l.id,
                        workspace_id: lw.id,
                        fields: wanted,
                    };
                    self.push(Draft::update(
                        Kind::Workspace,
                        waddr.clone(),
                        Some(before),
                        after,
                        exec,
                    ));
                }
            }
        }

        // Studios settings.
        if let Some(s) = ws.studios {
            let current = lw.and_then(|lw| lw.studios.as_ref());
            if current.is_none_or(|c| c.lifespan_hours != s.lifespan_hours as i32) {
                let before = current.map(|c| lifespan_attrs(c.lifespan_hours as i64));
                let after = lifespan_attrs(i64::from(s.lifespan_hours));
                let exec = Exec::SetStudios {
                    org: org_ref.clone(),
                    workspace: ws_ref.clone(),
                    lifespan_hours: s.lifespan_hours,
                };
                self.push(
                    Draft::update(
                        Kind::Studios,
                        Address::studios(&org.name, &ws.name),
                        before,
                        after,
                        exec,
                    )
                    .after_deps(ws_deps.iter().cloned()),
                );
            }
        }

        self.labels(org, ws, lw, &ws_ref, &ws_deps);

        if let Some(ps) = &ws.participants {
            self.participants(org, live, ws, lw, ps, org_ref, &ws_ref, &ws_deps);
        }
    }

    fn labels(
        &mut self,
        org: &Org,
        ws: &Workspace,
        lw: Option<&LiveWorkspace>,
        ws_ref: &Ref,
        ws_deps: &BTreeSet<Address>,
    ) {
        let Some(labels) = &ws.labels else { return };
        let current = lw.and_then(|lw| lw.labels.as_ref());
        let shown = |name: &str, value: &Option<String>, resource: bool| {
            attrs([
                ("name", json!(name)),
                ("value", json!(value)),
                ("resource", json!(resource)),
            ])
        };
        for lb in labels {
            let exists = current.is_some_and(|c| {
                c.iter().any(|x| {
                    x.name.eq_ignore_ascii_case(&lb.name)
                        && x.value == lb.value
                        && x.resource == lb.resource
                })
            });
            if exists {
                continue;
            }
            let exec = Exec::CreateLabel {
                workspace: ws_ref.clone(),
                name: lb.name.clone(),
                value: lb.value.clone(),
                resource: lb.resource,
            };
            self.push(
                Draft::create(
                    Kind::Label,
                    Address::label(&org.name, &ws.name, &lb.name, lb.value.as_deref()),
                    shown(&lb.name, &lb.value, lb.resource),
                    exec,
                )
                .after_deps(ws_deps.iter().cloned()),
            );
        }
        let (Some(lw), Some(current)) = (lw, current) else {
            return;
        };
        for x in current {
            let wanted = labels.iter().any(|lb| {
                x.name.eq_ignore_ascii_case(&lb.name)
                    && x.value == lb.value
                    && x.resource == lb.resource
            });
            if wanted {
                continue;
            }
            let mut address = Address::label(&org.name, &ws.name, &x.name, x.value.as_deref());
            if self.has(&address) {
                // Same name and value, different kind: keep addresses unique.
                address = address.into_old();
            }
            let exec = Exec::DeleteLabel {
                workspace_id: lw.id,
                label_id: x.id,
            };
            self.push(Draft::delete(
                Kind::Label,
                address,
                shown(&x.name, &x.value, x.resource),
                exec,
            ));
        }
    }
}
