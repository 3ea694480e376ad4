//! Checking a Workspace document: its name and settings (ensure, visibility, studios; labels are
//! checked in `labels`), its organization, and its participants (users, teams of the organization, roles including the
//! organization's custom roles, the collaborator cap).
//!
//! It owns what one Workspace document means and adds the [`Workspace`] to its organization; it
//! must not change the organization's own declarations.

use std::collections::{BTreeMap, HashMap};

use super::{OrgIndex, Repeat, Validator, duplicate};
use crate::config::desired::{
    Ensure, Org, Origin, PREDEFINED_WORKSPACE_ROLES, Participant, Policy, Principal, Studios,
    UserList, Visibility, Workspace, workspace_role_rank,
};
use crate::config::load::LoadedDoc;
use crate::config::model::{Sp, StudiosDoc, WorkspaceDoc};
use crate::diag::{Code, Diagnostic, Span};

impl Validator<'_> {
    /// Check a Workspace document against its organization's index, and add it to the
    /// organization when that is declared.
    pub(super) fn workspace(
        &mut self,
        doc: &LoadedDoc,
        w: &WorkspaceDoc,
        orgs: &mut [Org],
        index: &mut BTreeMap<String, OrgIndex>,
        policy: &Policy,
    ) {
        self.name("workspace", doc, &w.name);
        self.max_len("fullName", doc, &w.full_name, 100);
        self.max_len("description", doc, &w.description, 1000);

        let ensure = match &w.ensure {
            None => Ensure::Present,
            Some(e) => match e.value.as_str() {
                "present" => Ensure::Present,
                "absent" => Ensure::Absent,
                other => {
                    let span = self.span(doc, e);
                    self.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            format!("`{other}` is not a value of `ensure`"),
                        )
                        .at(span, "expected `present` or `absent`"),
                    );
                    Ensure::Present
                }
            },
        };
        let visibility = w.visibility.as_ref().and_then(|v| {
            let parsed = Visibility::parse(&v.value);
            if parsed.is_none() {
                let span = self.span(doc, v);
                let mut d = Diagnostic::error(
                    Code::InvalidVisibility,
                    format!("`{}` is not a workspace visibility", v.value),
                )
                .at(span, "expected `private` or `shared`");
                if Visibility::parse(&v.value.to_lowercase()).is_some() {
                    d = d.help(format!(
                        "write it in lower case: `{}`",
                        v.value.to_lowercase()
                    ));
                }
                self.push(d);
            }
            parsed
        });
        let studios = w.studios.as_ref().and_then(|s| self.studios(doc, s));
        let labels = w.labels.as_ref().map(|ls| self.labels(doc, ls));

        // The organization.
        let org_key = w.org.value.to_lowercase();
        let org_span = self.span(doc, &w.org);
        // An Organization document that failed to parse may be this one: its parse error says
        // all there is to say, so the reference is not reported and roles are not checked.
        let org_failed = self.loaded.failed_org(&w.org.value);
        // A workspace of an undeclared organization is still checked, against an empty index.
        let mut orphan = OrgIndex {
            name_span: org_span,
            members: None,
            teams: None,
            custom_roles: Vec::new(),
            custom_roles_uncertain: org_failed,
            workspaces: HashMap::new(),
        };
        let declared = index.contains_key(&org_key);
        let idx = match index.get_mut(&org_key) {
            Some(idx) => idx,
            None if org_failed => &mut orphan,
            None if self.names_personal_workspace(&w.org.value) => {
                self.push(
                    Diagnostic::error(
                        Code::PersonalWorkspace,
                        format!(
                            "workspace `{}` of `{}` is a personal workspace: personal workspaces are managed by their owner, not by roster",
                            w.name.value, w.org.value
                        ),
                    )
                    .at(org_span, "a user, not an organization")
                    .help("a user's personal workspace belongs to no organization and only its owner manages it; roster manages the workspaces of declared organizations: name one in `org:`, or remove this document"),
                );
                &mut orphan
            }
            None => {
                self.push(
                    Diagnostic::error(
                        Code::UndeclaredOrg,
                        format!("organization `{}` is not declared", w.org.value),
                    )
                    .at(org_span, "no Organization document has this name")
                    .help("declare it in a `kind: Organization` document; roster manages workspaces of declared organizations only"),
                );
                &mut orphan
            }
        };
        let ws_key = w.name.value.to_lowercase();
        let name_span = self.span(doc, &w.name);
        if let Some(&first) = idx.workspaces.get(&ws_key) {
            let subject = format!("workspace `{}/{}`", w.org.value, w.name.value);
            self.push(
                duplicate(&subject, None, Repeat::Declared, name_span, first)
                    .help("workspace names are unique within an organization, case-insensitively"),
            );
            return;
        }
        idx.workspaces.insert(ws_key, name_span);

        // Participants.
        let mut participants: Option<Vec<Participant>> = None;
        if let Some(ps) = &w.participants {
            let mut seen: HashMap<Principal, Span> = HashMap::new();
            let mut out = Vec::new();
            for (i, p) in ps.iter().enumerate() {
                let entry_span = self.span(doc, p);
                let p = &p.value;
                let (expires, reason) = self.grant_terms(doc, &p.expires, &p.reason);
                let principal = match (&p.user, &p.team) {
                    (Some(_), Some(t)) => {
                        let span = self.span(doc, t);
                        self.push(
                            Diagnostic::error(
                                Code::InvalidParticipant,
                                "a participant is either a `user` or a `team`, not both",
                            )
                            .at(span, "remove `user` or `team`"),
                        );
                        continue;
                    }
                    // A misspelt `user:` or `team:` is already reported as an unknown field.
                    (None, None)
                        if doc.misspelt(&format!("participants[{i}]"), "user")
                            || doc.misspelt(&format!("participants[{i}]"), "team") =>
                    {
                        continue;
                    }
                    (None, None) => {
                        self.push(
                            Diagnostic::error(
                                Code::InvalidParticipant,
                                "a participant needs a `user` or a `team`",
                            )
                            .at(entry_span, "add `user: EMAIL` or `team: NAME`"),
                        );
                        continue;
                    }
                    (Some(u), None) => match self.user(doc, u, policy) {
                        Some(user) => (Principal::User(user), self.span(doc, u)),
                        None => continue,
                    },
                    (None, Some(t)) => {
                        let span = self.span(doc, t);
                        if let Some(teams) = &idx.teams
                            && !teams.contains_key(&t.value.to_lowercase())
                        {
                            self.push(
                                Diagnostic::error(
                                    Code::UndeclaredTeam,
                                    format!(
                                        "team `{}` is not declared in organization `{}`",
                                        t.value, w.org.value
                                    ),
                                )
                                .at(span, "no team of this name in the organization's `teams`")
                                .also(idx.name_span, "the organization is declared here"),
                            );
                        }
                        (Principal::Team(t.value.clone()), span)
                    }
                };
                let (principal, pspan) = principal;
                // Role.
                let role_raw = p.role.value.trim();
                let role_span = self.span(doc, &p.role);
                let role = if workspace_role_rank(role_raw).is_some() {
                    role_raw.to_string()
                } else if let Some(c) = idx.custom_roles.iter().find(|c| *c == role_raw) {
                    c.clone()
                } else if idx.custom_roles_uncertain {
                    role_raw.to_string()
                } else {
                    let mut d = Diagnostic::error(
                        Code::InvalidWorkspaceRole,
                        format!("`{role_raw}` is not a workspace role"),
                    )
                    .at(
                        role_span,
                        if idx.custom_roles.is_empty() {
                            format!("expected one of: {}", PREDEFINED_WORKSPACE_ROLES.join(", "))
                        } else {
                            format!(
                                "expected one of: {}, or a custom role: {}",
                                PREDEFINED_WORKSPACE_ROLES.join(", "),
                                idx.custom_roles.join(", ")
                            )
                        },
                    );
                    if workspace_role_rank(&role_raw.to_lowercase()).is_some() {
                        d = d.help(format!(
                            "roles are lower-case: write `{}`",
                            role_raw.to_lowercase()
                        ));
                    } else {
                        d = d.help("declare custom roles in the organization's `customRoles`");
                    }
                    self.push(d);
                    continue;
                };
                // Team names compare case-insensitively, as the platform does.
                let seen_key = match &principal {
                    Principal::Team(t) => Principal::Team(t.to_lowercase()),
                    user => user.clone(),
                };
                if let Some(&first) = seen.get(&seen_key) {
                    let subject = format!("participant `{principal}`");
                    let within = format!("workspace `{}/{}`", w.org.value, w.name.value);
                    self.push(duplicate(
                        &subject,
                        Some(&within),
                        Repeat::Listed,
                        pspan,
                        first,
                    ));
                    continue;
                }
                // Collaborator cap: a user who is not an org member is a collaborator.
                if let (Principal::User(u), Some(members)) = (&principal, &idx.members)
                    && !members.contains_key(u)
                    && !policy.collaborator_role_allowed(&role)
                {
                    self.push(
                        Diagnostic::error(
                            Code::CollaboratorRole,
                            format!(
                                "collaborator `{u}` may not have role `{role}`; policy.collaboratorMaxRole is `{}`",
                                policy.collaborator_max_role.as_deref().unwrap_or("")
                            ),
                        )
                        .at(role_span, "above the collaborator cap")
                        .also(pspan, "not an organization member, so a collaborator")
                        .help("lower the role, make the user an organization member, or plan/apply with --allow-collaborator-role"),
                    );
                }
                if let (Principal::User(user), Some(u)) = (&principal, &p.user) {
                    let list = UserList::Participants {
                        org: w.org.value.to_lowercase(),
                        workspace: w.name.value.to_lowercase(),
                    };
                    self.site(list, doc, u, user);
                }
                seen.insert(seen_key, pspan);
                out.push(Participant {
                    principal,
                    role,
                    expires,
                    reason,
                });
            }
            out.sort_by(|a, b| a.principal.cmp(&b.principal));
            participants = Some(out);
        }

        let ws = Workspace {
            name: w.name.value.clone(),
            ensure,
            full_name: w.full_name.as_ref().map(|s| s.value.clone()),
            description: w.description.as_ref().map(|s| s.value.clone()),
            visibility,
            studios,
            labels,
            participants,
            origin: Origin(self.loaded.origin(doc, &w.name)),
        };
        if !declared {
            return;
        }
        if let Some(org) = orgs.iter_mut().find(|o| o.key() == org_key) {
            org.workspaces.push(ws);
        }
    }
}

/// The names the platform's tools give a user's personal workspace instead of an organization
/// (`tw` calls it `user`; the web app shows it under `/user/NAME`).
const PERSONAL_CONTEXTS: [&str; 3] = ["user", "personal", "me"];

impl Validator<'_> {
    /// Whether the `org:` of a Workspace document (no declared organization has that name) names
    /// a user rather than an organization: an email address, a user the config names, or what
    /// the platform's tools call the personal context (`user`, `user/NAME`, `~NAME`).
    fn names_personal_workspace(&self, org: &str) -> bool {
        let org = org.trim().to_lowercase();
        org.contains('@')
            || org.starts_with('~')
            || org.starts_with("user/")
            || PERSONAL_CONTEXTS.contains(&org.as_str())
            || self.sites.iter().any(|s| s.user.as_str() == org)
    }
}

impl Validator<'_> {
    /// `studios:`: exactly one of `lifespanHours` (1–120, or 0 for always) and `lifespan: always`.
    fn studios(&mut self, doc: &LoadedDoc, s: &Sp<StudiosDoc>) -> Option<Studios> {
        let (hours, lifespan) = (&s.value.lifespan_hours, &s.value.lifespan);
        match (hours, lifespan) {
            (Some(h), Some(l)) => {
                let span = self.span(doc, l);
                self.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        "studios gives both `lifespanHours` and `lifespan`",
                    )
                    .at(span, "remove one of the two")
                    .also(self.span(doc, h), "the lifespan in hours is given here")
                    .help("write `lifespanHours: 1..120` for a limit, or `lifespan: always` to keep sessions running"),
                );
                None
            }
            (None, None) => {
                // A misspelt field is already reported as an unknown field.
                if !doc.misspelt("studios", "lifespanHours") && !doc.misspelt("studios", "lifespan")
                {
                    let span = self.span(doc, s);
                    self.push(
                        Diagnostic::error(
                            Code::MissingField,
                            "studios needs `lifespanHours` or `lifespan`",
                        )
                        .at(span, "no lifespan given")
                        .help("write `lifespanHours: 1..120` for a limit, or `lifespan: always` to keep sessions running; leave `studios` out to keep it unmanaged"),
                    );
                }
                None
            }
            (Some(h), None) => {
                if h.value > Studios::MAX_HOURS {
                    let span = self.span(doc, h);
                    self.push(
                        Diagnostic::error(
                            Code::OutOfRange,
                            format!("studios lifespanHours {} is outside 1–120", h.value),
                        )
                        .at(span, "hours, 1–120")
                        .help("to keep sessions running, write `lifespan: always` (`lifespanHours: 0` means the same)"),
                    );
                    return None;
                }
                Some(Studios {
                    lifespan_hours: h.value,
                })
            }
            (None, Some(l)) => {
                if l.value != "always" {
                    let span = self.span(doc, l);
                    let mut d = Diagnostic::error(
                        Code::InvalidValue,
                        format!("`{}` is not a value of studios `lifespan`", l.value),
                    )
                    .at(span, "expected `always`");
                    d = if l.value.eq_ignore_ascii_case("always") {
                        d.help("write it in lower case: `always`")
                    } else {
                        d.help("for a limit in hours, write `lifespanHours: 1..120` instead")
                    };
                    self.push(d);
                    return None;
                }
                Some(Studios {
                    lifespan_hours: Studios::ALWAYS,
                })
            }
        }
    }
}
