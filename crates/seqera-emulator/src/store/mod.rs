//! The emulator's live state: users and organizations held in maps keyed by id, with secondary
//! indexes (by token, by lowercased email, user name and object name) so that no request scans
//! the whole world.
//!
//! This module owns the [`Store`] and its only mutation API: every write goes through a method
//! here that keeps the maps and their indexes in step (renames re-index, removals cascade, role
//! changes feed the stale-reads memory). Its fields, and the containers of the entities in
//! `model`, are private to this module, so the platform's rules in [`crate::rules`] read
//! through accessors and cannot put an index out of step. Loading a world is `load`, saving one
//! is `save`. This module must not decide who may do what (the rules do) nor answer HTTP.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use crate::clock::Clock;
use crate::world::UnknownUsers;

mod load;
mod model;
mod save;

pub(crate) use model::*;

/// The whole live state.
#[derive(Debug)]
pub(crate) struct Store {
    unknown_users: UnknownUsers,
    default_role: String,
    /// Whether a 403 names the missing permissions (the world's `listMissingPermissions`).
    list_missing_permissions: bool,
    ids: IdGen,
    users: BTreeMap<Id, User>,
    by_token: HashMap<String, Id>,
    /// Lowercased email → user id.
    by_email: HashMap<String, Id>,
    /// Lowercased user name → user id.
    by_user_name: HashMap<String, Id>,
    orgs: BTreeMap<Id, Org>,
    /// Lowercased name → org id.
    org_by_name: HashMap<String, Id>,
    stale: Stale,
    /// Permissions the world's roles grant beyond the built-in catalogue ([`PERMISSIONS`]):
    /// the platform they model knows them.
    extra_permissions: BTreeSet<String>,
}

impl Store {
    /// Turn stale reads on: for `window` after a role update (as `clock` tells time), lists
    /// show the previous role.
    pub fn with_stale_reads(mut self, window: Duration, clock: Arc<dyn Clock>) -> Self {
        self.stale = Stale::new(window, clock);
        self
    }

    // ---- reads ------------------------------------------------------------------------------

    /// What adding an unknown email does.
    pub fn unknown_users(&self) -> UnknownUsers {
        self.unknown_users
    }

    /// Whether a 403 names the permissions the caller lacks.
    pub fn list_missing_permissions(&self) -> bool {
        self.list_missing_permissions
    }

    /// The role of a newly added participant.
    pub fn default_role(&self) -> &str {
        &self.default_role
    }

    /// Whether the permission catalogue has `p` (exactly: permissions are lower case).
    pub fn is_permission(&self, p: &str) -> bool {
        PERMISSIONS.iter().any(|(name, _)| *name == p) || self.extra_permissions.contains(p)
    }

    /// The permission catalogue: (name, category), the built-in ones first.
    pub fn permission_catalogue(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = PERMISSIONS
            .iter()
            .map(|(p, c)| (p.to_string(), c.to_string()))
            .collect();
        for p in &self.extra_permissions {
            let category = p.split(':').next().unwrap_or("").to_string();
            out.push((p.clone(), category));
        }
        out
    }

    /// Roles as lists show them.
    pub fn stale(&self) -> &Stale {
        &self.stale
    }

    pub fn users(&self) -> &BTreeMap<Id, User> {
        &self.users
    }

    /// The user a bearer token belongs to.
    pub fn user_by_token(&self, token: &str) -> Option<Id> {
        self.by_token.get(token).copied()
    }

    /// A user by email or user name, case-insensitively.
    pub fn user_by_email_or_name(&self, who: &str) -> Option<Id> {
        let key = who.trim().to_ascii_lowercase();
        self.by_email
            .get(&key)
            .or_else(|| self.by_user_name.get(&key))
            .copied()
    }

    /// Whether a user name is taken, case-insensitively.
    pub fn user_name_taken(&self, name: &str) -> bool {
        self.by_user_name.contains_key(&name.to_ascii_lowercase())
    }

    pub fn orgs(&self) -> &BTreeMap<Id, Org> {
        &self.orgs
    }

    /// An organization by name, case-insensitively.
    pub fn org_by_name(&self, name: &str) -> Option<Id> {
        self.org_by_name.get(&name.to_ascii_lowercase()).copied()
    }

    // ---- writes -----------------------------------------------------------------------------

    /// The next id of the sequence.
    pub fn next_id(&mut self) -> Id {
        self.ids.next_id()
    }

    /// Add a user (an invitation); indexed by email, user name and token.
    pub fn insert_user(&mut self, user: User) {
        self.by_email
            .insert(user.email.to_ascii_lowercase(), user.id);
        self.by_user_name
            .insert(user.user_name.to_ascii_lowercase(), user.id);
        if let Some(t) = &user.token {
            self.by_token.insert(t.clone(), user.id);
        }
        self.users.insert(user.id, user);
    }

    /// Add an organization with what it already holds; indexed by name.
    pub fn insert_org(&mut self, org: Org) {
        self.org_by_name
            .insert(org.name.to_ascii_lowercase(), org.id);
        self.orgs.insert(org.id, org);
    }

    /// Change an organization's attributes (its name is re-indexed); `None` when there is none.
    pub fn modify_org<R>(&mut self, org_id: Id, f: impl FnOnce(&mut Org) -> R) -> Option<R> {
        let org = self.orgs.get_mut(&org_id)?;
        let old = org.name.to_ascii_lowercase();
        let out = f(org);
        let new = org.name.to_ascii_lowercase();
        if new != old {
            self.org_by_name.remove(&old);
            self.org_by_name.insert(new, org_id);
        }
        Some(out)
    }

    /// Remove an organization and everything it holds.
    pub fn drop_org(&mut self, org_id: Id) -> Option<Org> {
        let org = self.orgs.remove(&org_id)?;
        self.org_by_name.remove(&org.name.to_ascii_lowercase());
        Some(org)
    }

    /// Add or replace a membership (a collaborator promoted keeps their id); indexed by user.
    pub fn insert_member(&mut self, org_id: Id, member: Member) -> Option<()> {
        let org = self.orgs.get_mut(&org_id)?;
        org.insert_member(member);
        Some(())
    }

    /// Change a membership's role; lists show the previous one during the stale-reads window.
    pub fn set_member_role(&mut self, org_id: Id, member_id: Id, role: OrgRole) -> Option<()> {
        let m = self.orgs.get_mut(&org_id)?.members.get_mut(&member_id)?;
        if m.role != role {
            self.stale.record(member_id, m.role.as_str());
            m.role = role;
        }
        Some(())
    }

    /// Remove a membership and everything that hangs off it: team memberships and direct
    /// workspace participations.
    pub fn drop_membership(&mut self, org_id: Id, member_id: Id) -> Option<Member> {
        let org = self.orgs.get_mut(&org_id)?;
        let m = org.members.remove(&member_id)?;
        org.member_by_user.remove(&m.user_id);
        for t in org.teams.values_mut() {
            t.members.remove(&member_id);
        }
        for ws in org.workspaces.values_mut() {
            if let Some(pid) = ws.by_member.get(&member_id).copied() {
                ws.remove_participant(pid);
            }
        }
        Some(m)
    }

    /// Add a custom role; indexed by name.
    pub fn insert_role(&mut self, org_id: Id, role: CustomRole) -> Option<()> {
        self.orgs.get_mut(&org_id)?.insert_role(role);
        Some(())
    }

    /// Change a custom role in place. A new name is re-indexed, and every participant of the
    /// organization who holds the role holds it under its new name: a rename keeps assignments.
    pub fn modify_role<R>(
        &mut self,
        org_id: Id,
        role_id: Id,
        f: impl FnOnce(&mut CustomRole) -> R,
    ) -> Option<R> {
        let org = self.orgs.get_mut(&org_id)?;
        let r = org.roles.get_mut(&role_id)?;
        let old = r.name.clone();
        let out = f(r);
        let new = r.name.clone();
        if new != old {
            org.role_by_name.remove(&old.to_ascii_lowercase());
            org.role_by_name.insert(new.to_ascii_lowercase(), role_id);
            for ws in org.workspaces.values_mut() {
                for p in ws.participants.values_mut() {
                    if p.role.eq_ignore_ascii_case(&old) {
                        p.role = new.clone();
                    }
                }
            }
        }
        Some(out)
    }

    /// Remove a custom role (the rules refuse it while anyone holds it).
    pub fn drop_role(&mut self, org_id: Id, role_id: Id) -> Option<CustomRole> {
        let org = self.orgs.get_mut(&org_id)?;
        let r = org.roles.remove(&role_id)?;
        org.role_by_name.remove(&r.name.to_ascii_lowercase());
        Some(r)
    }

    /// Add a team; indexed by name.
    pub fn insert_team(&mut self, org_id: Id, team: Team) -> Option<()> {
        let org = self.orgs.get_mut(&org_id)?;
        org.team_by_name
            .insert(team.name.to_ascii_lowercase(), team.id);
        org.teams.insert(team.id, team);
        Some(())
    }

    /// Change a team's attributes (its name is re-indexed; its members are changed apart).
    pub fn modify_team<R>(
        &mut self,
        org_id: Id,
        team_id: Id,
        f: impl FnOnce(&mut Team) -> R,
    ) -> Option<R> {
        let org = self.orgs.get_mut(&org_id)?;
        let t = org.teams.get_mut(&team_id)?;
        let old = t.name.to_ascii_lowercase();
        let out = f(t);
        let new = t.name.to_ascii_lowercase();
        if new != old {
            org.team_by_name.remove(&old);
            org.team_by_name.insert(new, team_id);
        }
        Some(out)
    }

    /// Link a team to an entry of the IdP group catalogue (its members stay until the identity
    /// provider re-evaluates them at their next login).
    pub fn link_team(
        &mut self,
        org_id: Id,
        team_id: Id,
        group_id: Id,
        group_name: String,
    ) -> Option<()> {
        let t = self.orgs.get_mut(&org_id)?.teams.get_mut(&team_id)?;
        t.idp_group_id = Some(group_id);
        t.idp_group_name = Some(group_name);
        Some(())
    }

    /// Unlink a team from its IdP group: the members the identity provider gave it are removed
    /// (all of them: the emulator does not tell delegated members from earlier ones). Returns how
    /// many were removed; an unlinked team is left as it is.
    pub fn unlink_team(&mut self, org_id: Id, team_id: Id) -> Option<usize> {
        let t = self.orgs.get_mut(&org_id)?.teams.get_mut(&team_id)?;
        if t.idp_group_id.is_none() {
            return Some(0);
        }
        t.idp_group_id = None;
        t.idp_group_name = None;
        let n = t.members.len();
        t.members.clear();
        Some(n)
    }

    /// Add an entry to an organization's IdP group catalogue (which must be enabled).
    pub fn insert_idp_group(&mut self, org_id: Id, group: IdpGroup) -> Option<()> {
        self.orgs
            .get_mut(&org_id)?
            .idp_groups
            .as_mut()?
            .insert(group.id, group);
        Some(())
    }

    /// Remove an entry of the IdP group catalogue: every team linked to it is unlinked and its
    /// members removed.
    pub fn drop_idp_group(&mut self, org_id: Id, group_id: Id) -> Option<IdpGroup> {
        let org = self.orgs.get_mut(&org_id)?;
        let g = org.idp_groups.as_mut()?.remove(&group_id)?;
        for t in org.teams.values_mut() {
            if t.idp_group_id == Some(group_id) {
                t.idp_group_id = None;
                t.idp_group_name = None;
                t.members.clear();
            }
        }
        Some(g)
    }

    /// Add a membership to a team; `false` when it was already there.
    pub fn insert_team_member(&mut self, org_id: Id, team_id: Id, member_id: Id) -> Option<bool> {
        let org = self.orgs.get_mut(&org_id)?;
        if !org.members.contains_key(&member_id) {
            return None;
        }
        Some(org.teams.get_mut(&team_id)?.members.insert(member_id))
    }

    /// Remove a membership from a team; `false` when it was not there.
    pub fn drop_team_member(&mut self, org_id: Id, team_id: Id, member_id: Id) -> Option<bool> {
        let t = self.orgs.get_mut(&org_id)?.teams.get_mut(&team_id)?;
        Some(t.members.remove(&member_id))
    }

    /// Remove a team; it leaves every workspace it participates in.
    pub fn drop_team(&mut self, org_id: Id, team_id: Id) -> Option<Team> {
        let org = self.orgs.get_mut(&org_id)?;
        let t = org.teams.remove(&team_id)?;
        org.team_by_name.remove(&t.name.to_ascii_lowercase());
        for ws in org.workspaces.values_mut() {
            if let Some(pid) = ws.by_team.get(&team_id).copied() {
                ws.remove_participant(pid);
            }
        }
        Some(t)
    }

    /// Add a workspace with its participants and labels; indexed by name.
    pub fn insert_workspace(&mut self, org_id: Id, ws: Workspace) -> Option<()> {
        let org = self.orgs.get_mut(&org_id)?;
        org.ws_by_name.insert(ws.name.to_ascii_lowercase(), ws.id);
        org.workspaces.insert(ws.id, ws);
        Some(())
    }

    /// Change a workspace's attributes and studios settings (its name is re-indexed).
    pub fn modify_workspace<R>(
        &mut self,
        org_id: Id,
        ws_id: Id,
        f: impl FnOnce(&mut Workspace) -> R,
    ) -> Option<R> {
        let org = self.orgs.get_mut(&org_id)?;
        let ws = org.workspaces.get_mut(&ws_id)?;
        let old = ws.name.to_ascii_lowercase();
        let out = f(ws);
        let new = ws.name.to_ascii_lowercase();
        if new != old {
            org.ws_by_name.remove(&old);
            org.ws_by_name.insert(new, ws_id);
        }
        Some(out)
    }

    /// Remove a workspace and what it holds.
    pub fn drop_workspace(&mut self, org_id: Id, ws_id: Id) -> Option<Workspace> {
        let org = self.orgs.get_mut(&org_id)?;
        let ws = org.workspaces.remove(&ws_id)?;
        org.ws_by_name.remove(&ws.name.to_ascii_lowercase());
        Some(ws)
    }

    fn workspace_mut(&mut self, org_id: Id, ws_id: Id) -> Option<&mut Workspace> {
        self.orgs.get_mut(&org_id)?.workspaces.get_mut(&ws_id)
    }

    /// Add a participant; indexed by its member or team.
    pub fn insert_participant(&mut self, org_id: Id, ws_id: Id, p: Participant) -> Option<()> {
        self.workspace_mut(org_id, ws_id)?.insert_participant(p);
        Some(())
    }

    /// Change a participant's role; lists show the previous one during the stale-reads window.
    pub fn set_participant_role(
        &mut self,
        org_id: Id,
        ws_id: Id,
        pid: Id,
        role: String,
    ) -> Option<()> {
        let Store { orgs, stale, .. } = self;
        let p = orgs
            .get_mut(&org_id)?
            .workspaces
            .get_mut(&ws_id)?
            .participants
            .get_mut(&pid)?;
        if p.role != role {
            stale.record(pid, &p.role);
            p.role = role;
        }
        Some(())
    }

    /// Remove a participant.
    pub fn drop_participant(&mut self, org_id: Id, ws_id: Id, pid: Id) -> Option<Participant> {
        self.workspace_mut(org_id, ws_id)?.remove_participant(pid)
    }

    /// Add a label.
    pub fn insert_label(&mut self, org_id: Id, ws_id: Id, label: Label) -> Option<()> {
        self.workspace_mut(org_id, ws_id)?
            .labels
            .insert(label.id, label);
        Some(())
    }

    /// Change a label (labels have no index).
    pub fn modify_label<R>(
        &mut self,
        org_id: Id,
        ws_id: Id,
        label_id: Id,
        f: impl FnOnce(&mut Label) -> R,
    ) -> Option<R> {
        let l = self
            .workspace_mut(org_id, ws_id)?
            .labels
            .get_mut(&label_id)?;
        Some(f(l))
    }

    /// Remove a label.
    pub fn drop_label(&mut self, org_id: Id, ws_id: Id, label_id: Id) -> Option<Label> {
        self.workspace_mut(org_id, ws_id)?.labels.remove(&label_id)
    }
}
