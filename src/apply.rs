//! Executing a plan against the platform: each change starts once every change it depends on has
//! succeeded (so waves run in order: org → members → teams → team members → workspaces → settings
//! → participants, removals after what they wait for), with bounded concurrency. It never
//! re-decides the plan: it only resolves ids of objects the plan creates.
//!
//! Failure model: a failed change is reported with the platform's message; changes that depend on
//! it are skipped and listed; independent changes carry on. A create whose outcome is unknown (a
//! 5xx or a lost connection) or that the platform calls a duplicate (409) is settled by re-reading
//! the listing: "already there as desired" counts as done, so nothing is ever duplicated. On
//! Ctrl-C, calls in flight finish, no new change starts, and the report says what did not run.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, anyhow, bail};
use serde::Serialize;
use tokio::sync::Mutex;
use tokio::task::JoinSet;

use crate::live::ActingUser;
use crate::plan::{Address, Change, Exec, Plan, Ref, Who};
use crate::platform::seqera::dto::{
    AddParticipantRequest, CreateLabelRequest, OrganizationBody, StudiosSettingsRequest,
    UpdateOrganizationRequest, UpdateTeamRequest, WorkspaceBody,
};
use crate::platform::seqera::{ApiError, Client};

/// How many times a create whose outcome is unknown, and that a re-read did not find, is tried.
const CREATE_ATTEMPTS: u32 = 4;

/// What happened to one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Outcome {
    Applied,
    /// The platform already had it as desired (found by a re-read after an error).
    AlreadyDone,
    Failed {
        error: String,
    },
    /// Not attempted because a change it depends on failed or was skipped.
    Skipped {
        because: String,
    },
    /// Not started because the run was interrupted.
    NotStarted,
}

/// The result of an apply.
#[derive(Debug, Default)]
pub struct Report {
    /// Address → outcome, in plan order.
    pub outcomes: Vec<(String, Outcome)>,
    pub interrupted: bool,
}

impl Report {
    pub fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.outcomes.iter().filter(|(_, o)| f(o)).count()
    }
    pub fn succeeded(&self) -> bool {
        !self.interrupted
            && self
                .outcomes
                .iter()
                .all(|(_, o)| matches!(o, Outcome::Applied | Outcome::AlreadyDone))
    }
}

/// One JSON line of the audit log.
#[derive(Serialize)]
struct AuditRecord<'a> {
    time: String,
    platform: &'a str,
    acting_user: &'a str,
    address: &'a str,
    action: &'a str,
    operations: &'a [&'static str],
    #[serde(flatten)]
    outcome: &'a Outcome,
}

/// Appends JSON lines; shared by concurrent changes.
pub struct AuditLog {
    file: std::sync::Mutex<std::fs::File>,
}

impl AuditLog {
    pub fn open(path: &Path) -> Result<AuditLog> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("opening audit log {}", path.display()))?;
        Ok(AuditLog {
            file: std::sync::Mutex::new(file),
        })
    }

    fn write(&self, rec: &AuditRecord<'_>) {
        let mut line = serde_json::to_string(rec).expect("audit record serializes");
        line.push('\n');
        if let Ok(mut f) = self.file.lock() {
            let _ = f.write_all(line.as_bytes());
        }
    }
}

/// A callback told each change's address and outcome as it finishes.
pub type OnDone = Box<dyn Fn(&str, &Outcome) + Send + Sync>;

/// A platform's client and acting user.
pub struct Platform {
    pub client: Client,
    pub acting: ActingUser,
}

/// What the executor needs.
pub struct Executor {
    pub platforms: HashMap<String, Platform>,
    pub parallelism: usize,
    pub audit: Option<AuditLog>,
    /// Set to stop starting new changes.
    pub cancel: Arc<AtomicBool>,
    /// Called after each change finishes (for progress).
    pub on_done: Option<OnDone>,
}

#[derive(Clone, PartialEq, Eq)]
enum State {
    Pending,
    Running,
    Finished(Outcome),
}

/// Ids of objects created during this apply, by the address of the change that created them.
type Created = Arc<Mutex<HashMap<Address, i64>>>;

impl Executor {
    /// Run every change of `plan`.
    pub async fn run(&self, plan: &Plan) -> Report {
        let n = plan.changes.len();
        let index: HashMap<&Address, usize> = plan
            .changes
            .iter()
            .enumerate()
            .map(|(i, c)| (&c.address, i))
            .collect();
        let deps: Vec<Vec<usize>> = plan
            .changes
            .iter()
            .map(|c| {
                c.depends_on
                    .iter()
                    .filter_map(|d| index.get(d).copied())
                    .collect()
            })
            .collect();
        let mut state = vec![State::Pending; n];
        let created: Created = Arc::default();
        let mut running: JoinSet<(usize, Outcome, Vec<&'static str>)> = JoinSet::new();
        let mut task_index: HashMap<tokio::task::Id, usize> = HashMap::new();
        let changes: Arc<Vec<Change>> = Arc::new(plan.changes.clone());
        let mut interrupted = false;

        loop {
            // Propagate failures to dependents, and start what is ready.
            let mut progressed = true;
            while progressed {
                progressed = false;
                for i in 0..n {
                    if state[i] != State::Pending {
                        continue;
                    }
                    let blocked = deps[i].iter().find(|&&d| {
                        matches!(
                            &state[d],
                            State::Finished(
                                Outcome::Failed { .. }
                                    | Outcome::Skipped { .. }
                                    | Outcome::NotStarted
                            )
                        )
                    });
                    if let Some(&d) = blocked {
                        let outcome = Outcome::Skipped {
                            because: changes[d].address.to_string(),
                        };
                        self.finish(&changes[i], &[], &outcome);
                        state[i] = State::Finished(outcome);
                        progressed = true;
                    }
                }
            }
            if self.cancel.load(Ordering::SeqCst) {
                interrupted = true;
            }
            if !interrupted {
                for i in 0..n {
                    if running.len() >= self.parallelism.max(1) {
                        break;
                    }
                    let ready = state[i] == State::Pending
                        && deps[i].iter().all(|&d| {
                            matches!(
                                &state[d],
                                State::Finished(Outcome::Applied | Outcome::AlreadyDone)
                            )
                        });
                    if !ready {
                        continue;
                    }
                    state[i] = State::Running;
                    let change = changes[i].clone();
                    let Some(p) = self.platforms.get(&change.platform) else {
                        let outcome = Outcome::Failed {
                            error: format!("no connection to platform {}", change.platform),
                        };
                        self.finish(&change, &[], &outcome);
                        state[i] = State::Finished(outcome);
                        continue;
                    };
                    let client = p.client.clone();
                    let acting = p.acting.clone();
                    let created = created.clone();
                    let handle = running.spawn(async move {
                        let mut ops: Vec<&'static str> = Vec::new();
                        let r = execute(&client, &acting, &change, &created, &mut ops).await;
                        let outcome = match r {
                            Ok(o) => o,
                            Err(e) => Outcome::Failed {
                                error: format!("{e:#}"),
                            },
                        };
                        (i, outcome, ops)
                    });
                    task_index.insert(handle.id(), i);
                }
            }
            let Some(joined) = running.join_next_with_id().await else {
                break;
            };
            let (i, outcome, ops) = match joined {
                Ok((_, (i, outcome, ops))) => (i, outcome, ops),
                Err(e) => {
                    // A panicking change must not take the run down: it is a failure.
                    let i = task_index[&e.id()];
                    let error = format!("internal error while applying: {e}");
                    (i, Outcome::Failed { error }, Vec::new())
                }
            };
            self.finish(&changes[i], &ops, &outcome);
            state[i] = State::Finished(outcome);
        }
        // Whatever never started (interrupted) is reported as such.
        let mut report = Report {
            outcomes: Vec::with_capacity(n),
            interrupted,
        };
        for (i, s) in state.into_iter().enumerate() {
            let outcome = match s {
                State::Finished(o) => o,
                State::Pending | State::Running => {
                    self.finish(&changes[i], &[], &Outcome::NotStarted);
                    Outcome::NotStarted
                }
            };
            report
                .outcomes
                .push((changes[i].address.to_string(), outcome));
        }
        report
    }

    fn finish(&self, change: &Change, ops: &[&'static str], outcome: &Outcome) {
        if let Some(audit) = &self.audit {
            let acting = self
                .platforms
                .get(&change.platform)
                .map(|p| format!("{} <{}>", p.acting.user_name, p.acting.email))
                .unwrap_or_default();
            audit.write(&AuditRecord {
                time: now(),
                platform: &change.platform,
                acting_user: &acting,
                address: &change.address.to_string(),
                action: change.action.as_str(),
                operations: ops,
                outcome,
            });
        }
        if let Some(cb) = &self.on_done {
            cb(&change.address.to_string(), outcome);
        }
    }
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

async fn resolve(created: &Created, r: &Ref) -> Result<i64> {
    match r {
        Ref::Id(id) => Ok(*id),
        Ref::CreatedBy(addr) => created.lock().await.get(addr).copied().ok_or_else(|| {
            anyhow!("the id of {addr}, which this apply should have created, is unknown")
        }),
    }
}

/// Whether an error leaves a create's outcome to be settled by a re-read.
fn settle_by_reading(e: &ApiError) -> bool {
    e.is_unsure() || e.is_conflict()
}

/// Execute one change; `ops` collects the API operations it called.
async fn execute(
    client: &Client,
    acting: &ActingUser,
    change: &Change,
    created: &Created,
    ops: &mut Vec<&'static str>,
) -> Result<Outcome> {
    let addr = &change.address;
    match &change.exec {
        Exec::CreateOrg { fields } => {
            let body = OrganizationBody {
                name: fields.name.clone(),
                full_name: fields.full_name.clone(),
                description: fields.description.clone(),
                location: fields.location.clone(),
                website: fields.website.clone(),
            };
            for attempt in 1..=CREATE_ATTEMPTS {
                ops.push("CreateOrganization");
                match client.create_org(&body).await {
                    Ok(o) => {
                        created.lock().await.insert(addr.clone(), o.org_id);
                        return Ok(Outcome::Applied);
                    }
                    Err(e) if settle_by_reading(&e) => {
                        ops.push("ListOrganizations");
                        let orgs = client.list_orgs().await?;
                        if let Some(o) = orgs
                            .iter()
                            .find(|o| o.name.eq_ignore_ascii_case(&fields.name))
                        {
                            created.lock().await.insert(addr.clone(), o.org_id);
                            return Ok(Outcome::AlreadyDone);
                        }
                        if !e.is_unsure() || attempt == CREATE_ATTEMPTS {
                            return Err(e.into());
                        }
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            unreachable!("the loop returns")
        }
        Exec::UpdateOrg { org_id, fields } => {
            ops.push("UpdateOrganization");
            client
                .update_org(
                    *org_id,
                    &UpdateOrganizationRequest {
                        name: fields.name.clone(),
                        full_name: fields.full_name.clone(),
                        description: fields.description.clone(),
                        location: fields.location.clone(),
                        website: fields.website.clone(),
                    },
                )
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::AddMember { org, user, role } => {
            let org_id = resolve(created, org).await?;
            for attempt in 1..=CREATE_ATTEMPTS {
                ops.push("CreateOrganizationMember");
                let found = match client.add_member(org_id, user).await {
                    Ok(m) => Some((m.member_id, m.role.unwrap_or_default(), Outcome::Applied)),
                    Err(e) if settle_by_reading(&e) => {
                        ops.push("ListOrganizationMembers");
                        let ms = client.list_members(org_id).await?;
                        match ms
                            .into_iter()
                            .find(|m| same_user(&m.email, &m.user_name, user))
                        {
                            Some(m) => Some((
                                m.member_id,
                                m.role.unwrap_or_default(),
                                Outcome::AlreadyDone,
                            )),
                            None if e.is_unsure() && attempt < CREATE_ATTEMPTS => None,
                            None => return Err(e.into()),
                        }
                    }
                    Err(e) => return Err(e.into()),
                };
                if let Some((member_id, current, outcome)) = found {
                    if !current.eq_ignore_ascii_case(role) {
                        ops.push("UpdateOrganizationMemberRole");
                        client.set_member_role(org_id, member_id, role).await?;
                        return Ok(Outcome::Applied);
                    }
                    return Ok(outcome);
                }
            }
            unreachable!("the loop returns")
        }
        Exec::SetMemberRole {
            org_id,
            member_id,
            role,
        } => {
            ops.push("UpdateOrganizationMemberRole");
            client.set_member_role(*org_id, *member_id, role).await?;
            Ok(Outcome::Applied)
        }
        Exec::RemoveMember { org_id, member_id } => {
            ops.push("DeleteOrganizationMember");
            client.remove_member(*org_id, *member_id).await?;
            Ok(Outcome::Applied)
        }
        Exec::CreateTeam {
            org,
            name,
            description,
        } => {
            let org_id = resolve(created, org).await?;
            for attempt in 1..=CREATE_ATTEMPTS {
                ops.push("CreateOrganizationTeam");
                match client
                    .create_team(org_id, name, description.as_deref())
                    .await
                {
                    Ok(t) => {
                        created.lock().await.insert(addr.clone(), t.team_id);
                        return Ok(Outcome::Applied);
                    }
                    Err(e) if settle_by_reading(&e) => {
                        ops.push("ListOrganizationTeams");
                        let ts = client.list_teams(org_id).await?;
                        if let Some(t) = ts.iter().find(|t| t.name.eq_ignore_ascii_case(name)) {
                            created.lock().await.insert(addr.clone(), t.team_id);
                            return Ok(Outcome::AlreadyDone);
                        }
                        if !e.is_unsure() || attempt == CREATE_ATTEMPTS {
                            return Err(e.into());
                        }
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            unreachable!("the loop returns")
        }
        Exec::UpdateTeam {
            org_id,
            team_id,
            name,
            description,
        } => {
            ops.push("UpdateOrganizationTeam");
            client
                .update_team(
                    *org_id,
                    *team_id,
                    &UpdateTeamRequest {
                        name: name.clone(),
                        description: description.clone(),
                    },
                )
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::DeleteTeam { org_id, team_id } => {
            ops.push("DeleteOrganizationTeam");
            client.delete_team(*org_id, *team_id).await?;
            Ok(Outcome::Applied)
        }
        Exec::AddTeamMember { org, team, user } => {
            let org_id = resolve(created, org).await?;
            let team_id = resolve(created, team).await?;
            for attempt in 1..=CREATE_ATTEMPTS {
                ops.push("CreateOrganizationTeamMember");
                match client.add_team_member(org_id, team_id, user).await {
                    Ok(_) => return Ok(Outcome::Applied),
                    Err(e) if settle_by_reading(&e) => {
                        ops.push("ListOrganizationTeamMembers");
                        let ms = client.list_team_members(org_id, team_id).await?;
                        if ms.iter().any(|m| same_user(&m.email, &m.user_name, user)) {
                            return Ok(Outcome::AlreadyDone);
                        }
                        if !e.is_unsure() || attempt == CREATE_ATTEMPTS {
                            return Err(e.into());
                        }
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            unreachable!("the loop returns")
        }
        Exec::RemoveTeamMember {
            org_id,
            team_id,
            member_id,
        } => {
            ops.push("DeleteOrganizationTeamMember");
            client
                .remove_team_member(*org_id, *team_id, *member_id)
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::CreateWorkspace { org, fields } => {
            let org_id = resolve(created, org).await?;
            let body = WorkspaceBody {
                name: fields.name.clone(),
                full_name: fields.full_name.clone(),
                description: fields.description.clone(),
                visibility: fields.visibility.clone(),
            };
            for attempt in 1..=CREATE_ATTEMPTS {
                ops.push("CreateWorkspace");
                match client.create_workspace(org_id, &body).await {
                    Ok(w) => {
                        created.lock().await.insert(addr.clone(), w.id);
                        return Ok(Outcome::Applied);
                    }
                    Err(e) if settle_by_reading(&e) => {
                        ops.push("ListWorkspaces");
                        let ws = client.list_workspaces(org_id).await?;
                        if let Some(w) = ws
                            .iter()
                            .find(|w| w.name.eq_ignore_ascii_case(&fields.name))
                        {
                            created.lock().await.insert(addr.clone(), w.id);
                            return Ok(Outcome::AlreadyDone);
                        }
                        if !e.is_unsure() || attempt == CREATE_ATTEMPTS {
                            return Err(e.into());
                        }
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            unreachable!("the loop returns")
        }
        Exec::UpdateWorkspace {
            org_id,
            workspace_id,
            fields,
        } => {
            ops.push("UpdateWorkspace");
            client
                .update_workspace(
                    *org_id,
                    *workspace_id,
                    &WorkspaceBody {
                        name: fields.name.clone(),
                        full_name: fields.full_name.clone(),
                        description: fields.description.clone(),
                        visibility: fields.visibility.clone(),
                    },
                )
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::DeleteWorkspace {
            org_id,
            workspace_id,
        } => {
            ops.push("DeleteWorkspace");
            client.delete_workspace(*org_id, *workspace_id).await?;
            Ok(Outcome::Applied)
        }
        Exec::SetStudios {
            org,
            workspace,
            lifespan_hours,
        } => {
            let org_id = resolve(created, org).await?;
            let ws_id = resolve(created, workspace).await?;
            // Every field is sent: the others keep their current values.
            ops.push("FindDataStudiosWorkspaceSettings");
            let current = client.studios_settings(org_id, ws_id).await?;
            ops.push("UpdateDataStudiosWorkspaceSettings");
            client
                .set_studios_settings(
                    org_id,
                    ws_id,
                    &StudiosSettingsRequest {
                        lifespan_hours: *lifespan_hours as i32,
                        container_repository: current.container_repository,
                        private_studio_by_default: current
                            .private_studio_by_default
                            .unwrap_or(false),
                        name_strategy: current.name_strategy,
                    },
                )
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::CreateLabel {
            workspace,
            name,
            value,
            resource,
        } => {
            let ws_id = resolve(created, workspace).await?;
            ops.push("CreateLabel");
            client
                .create_label(
                    ws_id,
                    &CreateLabelRequest {
                        name: name.clone(),
                        value: value.clone(),
                        resource: *resource,
                    },
                )
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::DeleteLabel {
            workspace_id,
            label_id,
        } => {
            ops.push("DeleteLabel");
            client.delete_label(*workspace_id, *label_id).await?;
            Ok(Outcome::Applied)
        }
        Exec::AddParticipant {
            org,
            workspace,
            who,
            role,
        } => {
            let org_id = resolve(created, org).await?;
            let ws_id = resolve(created, workspace).await?;
            let (req, team_id) = match who {
                Who::User(u) => (
                    AddParticipantRequest {
                        user_name_or_email: Some(u.clone()),
                        ..Default::default()
                    },
                    None,
                ),
                Who::Team(t) => {
                    let id = resolve(created, t).await?;
                    (
                        AddParticipantRequest {
                            team_id: Some(id),
                            ..Default::default()
                        },
                        Some(id),
                    )
                }
            };
            for attempt in 1..=CREATE_ATTEMPTS {
                ops.push("CreateWorkspaceParticipant");
                let found = match client.add_participant(org_id, ws_id, &req).await {
                    Ok(p) => Some((
                        p.participant_id,
                        p.wsp_role.unwrap_or_default(),
                        Outcome::Applied,
                    )),
                    Err(e) if settle_by_reading(&e) => {
                        ops.push("ListWorkspaceParticipants");
                        let ps = client.list_participants(org_id, ws_id).await?;
                        let hit = ps.into_iter().find(|p| match (who, team_id) {
                            (Who::Team(_), Some(id)) => p.team_id == Some(id),
                            (Who::User(u), _) => {
                                p.team_id.is_none() && same_user(&p.email, &p.user_name, u)
                            }
                            _ => false,
                        });
                        match hit {
                            Some(p) => Some((
                                p.participant_id,
                                p.wsp_role.unwrap_or_default(),
                                Outcome::AlreadyDone,
                            )),
                            None if e.is_unsure() && attempt < CREATE_ATTEMPTS => None,
                            None => return Err(e.into()),
                        }
                    }
                    Err(e) => return Err(e.into()),
                };
                if let Some((pid, current, outcome)) = found {
                    // Add-then-role: the add carries no role; set it only when it differs.
                    if !current.eq_ignore_ascii_case(role) {
                        ops.push("UpdateWorkspaceParticipantRole");
                        client
                            .set_participant_role(org_id, ws_id, pid, role)
                            .await?;
                        return Ok(Outcome::Applied);
                    }
                    return Ok(outcome);
                }
            }
            unreachable!("the loop returns")
        }
        Exec::SetParticipantRole {
            org_id,
            workspace_id,
            participant_id,
            role,
        } => {
            ops.push("UpdateWorkspaceParticipantRole");
            client
                .set_participant_role(*org_id, *workspace_id, *participant_id, role)
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::RemoveParticipant {
            org_id,
            workspace_id,
            participant_id,
        } => {
            ops.push("DeleteWorkspaceParticipant");
            client
                .remove_participant(*org_id, *workspace_id, *participant_id)
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::SetOwnParticipantRole {
            org,
            workspace,
            role,
        } => {
            let org_id = resolve(created, org).await?;
            let ws_id = resolve(created, workspace).await?;
            ops.push("ListWorkspaceParticipants");
            let ps = client.list_participants(org_id, ws_id).await?;
            let me = ps
                .into_iter()
                .find(|p| p.team_id.is_none() && (same_user(&p.email, &p.user_name, &acting.email)))
                .ok_or_else(|| {
                    anyhow!("the acting user is not a participant of the new workspace")
                })?;
            ops.push("UpdateWorkspaceParticipantRole");
            client
                .set_participant_role(org_id, ws_id, me.participant_id, role)
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::LeaveWorkspace { org, workspace } => {
            let org_id = resolve(created, org).await?;
            let ws_id = resolve(created, workspace).await?;
            ops.push("LeaveWorkspaceParticipant");
            client.leave_workspace(org_id, ws_id).await?;
            Ok(Outcome::Applied)
        }
    }
}

fn same_user(email: &Option<String>, user_name: &Option<String>, user: &str) -> bool {
    email
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case(user))
        || user_name
            .as_deref()
            .is_some_and(|u| u.eq_ignore_ascii_case(user))
}

/// Check that a saved plan may be applied with the overrides given now: every override the plan
/// relied on must be given again.
pub fn check_overrides(plan: &Plan, now: crate::plan::Overrides) -> Result<()> {
    let needed: BTreeMap<&str, bool> = plan
        .violations
        .iter()
        .filter(|v| v.overridden)
        .map(|v| {
            let given = match v.override_flag.as_str() {
                "--allow-destroy" => now.allow_destroy,
                "--allow-mass-removal" => now.allow_mass_removal,
                "--allow-few-owners" => now.allow_few_owners,
                "--allow-self-lockout" => now.allow_self_lockout,
                "--allow-collaborator-role" => now.allow_collaborator_role,
                "--allow-any-domain" => now.allow_any_domain,
                _ => false,
            };
            (v.override_flag.as_str(), given)
        })
        .collect();
    let missing: Vec<&str> = needed
        .iter()
        .filter(|(_, given)| !**given)
        .map(|(f, _)| *f)
        .collect();
    if !missing.is_empty() {
        bail!(
            "the plan was made with {} to override guard rails; apply it with the same flag{}",
            missing.join(" "),
            if missing.len() == 1 { "" } else { "s" }
        );
    }
    Ok(())
}
