//! Checking an Organization document: its name and profile, platform, custom roles, members
//! (roles, the owner minimum, the domain policy) and teams (names, members who must be
//! organization members).
//!
//! It owns what one Organization document means and builds its [`Org`] and [`OrgIndex`]; it must
//! not look at workspaces, which are checked against the index afterwards.

use std::collections::{BTreeMap, HashMap};

use super::{OrgIndex, Repeat, Validator, duplicate};
use crate::config::desired::{
    IdpLink, Member, Org, OrgRole, Origin, Platform, Policy, Team, TeamMember, UserList, UserRef,
    workspace_role_rank,
};
use crate::config::load::LoadedDoc;
use crate::config::model::{OrganizationDoc, Sp, TeamDoc};
use crate::diag::{Code, Diagnostic, Span};

/// "organization `NAME`", as the duplicate diagnostics of its entries say it.
fn org_named(o: &OrganizationDoc) -> String {
    format!("organization `{}`", o.name.value)
}

impl Validator<'_> {
    /// Check an Organization document; returns the organization and its index.
    pub(super) fn organization(
        &mut self,
        doc: &LoadedDoc,
        o: &OrganizationDoc,
        platforms: &BTreeMap<String, Platform>,
        platforms_uncertain: bool,
        policy: &Policy,
    ) -> Option<(Org, OrgIndex)> {
        self.name("organization", doc, &o.name);
        self.max_len("fullName", doc, &o.full_name, 100);
        self.max_len("description", doc, &o.description, 1000);
        self.max_len("location", doc, &o.location, 100);
        let name_span = self.span(doc, &o.name);

        let platform = match &o.platform {
            Some(p) => {
                if !platforms.contains_key(&p.value) && !platforms_uncertain {
                    let span = self.span(doc, p);
                    let known: Vec<&str> = platforms.keys().map(String::as_str).collect();
                    self.push(
                        Diagnostic::error(
                            Code::UndeclaredPlatform,
                            format!("platform `{}` is not declared in Settings", p.value),
                        )
                        .at(
                            span,
                            if known.is_empty() {
                                "Settings declares no platforms".to_string()
                            } else {
                                format!("declared platforms: {}", known.join(", "))
                            },
                        ),
                    );
                }
                Some(p.value.clone())
            }
            // A misspelt `platform:` is already reported as an unknown field.
            None if platforms.len() > 1 && !doc.misspelt("", "platform") => {
                self.push(
                    Diagnostic::error(
                        Code::AmbiguousPlatform,
                        format!(
                            "organization `{}` does not say which platform it is on",
                            o.name.value
                        ),
                    )
                    .at(
                        name_span,
                        "add `platform:` naming one of the Settings platforms",
                    )
                    .help(format!(
                        "Settings declares {} platforms: {}",
                        platforms.len(),
                        platforms.keys().cloned().collect::<Vec<_>>().join(", ")
                    )),
                );
                None
            }
            None if platforms.len() > 1 => None,
            None => platforms.keys().next().cloned(),
        };

        // Custom roles.
        let mut custom_roles: Vec<String> = Vec::new();
        let mut custom_role_spans: HashMap<String, Span> = HashMap::new();
        for r in o.custom_roles.iter().flatten() {
            let span = self.span(doc, r);
            if r.value.trim().is_empty() {
                self.push(
                    Diagnostic::error(Code::InvalidValue, "a custom role needs a name")
                        .at(span, "empty role name"),
                );
                continue;
            }
            if workspace_role_rank(&r.value.to_lowercase()).is_some() {
                self.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("`{}` is a predefined role, not a custom one", r.value),
                    )
                    .at(span, "predefined roles need no declaration"),
                );
                continue;
            }
            if let Some(&first) = custom_role_spans.get(&r.value.to_lowercase()) {
                let subject = format!("custom role `{}`", r.value);
                self.push(duplicate(&subject, None, Repeat::Listed, span, first));
                continue;
            }
            custom_role_spans.insert(r.value.to_lowercase(), span);
            custom_roles.push(r.value.clone());
        }

        // Members.
        let mut member_index: Option<HashMap<UserRef, (OrgRole, Span)>> = None;
        let mut members: Option<Vec<Member>> = None;
        if let Some(ms) = &o.members {
            let mut idx: HashMap<UserRef, (OrgRole, Span)> = HashMap::new();
            let mut list = Vec::new();
            for m in ms {
                let m_user = &m.value.user;
                let role = match &m.value.role {
                    None => OrgRole::Member,
                    Some(r) => match OrgRole::parse(&r.value) {
                        Some(role) => role,
                        None => {
                            let span = self.span(doc, r);
                            let mut d = Diagnostic::error(
                                Code::InvalidOrgRole,
                                format!("`{}` is not an organization role", r.value),
                            )
                            .at(span, "expected `owner` or `member`");
                            if workspace_role_rank(&r.value.to_lowercase()).is_some() {
                                d = d.help("workspace roles such as admin or view belong to a workspace's participants");
                            } else if OrgRole::parse(&r.value.to_lowercase()).is_some() {
                                d = d.help(format!(
                                    "roles are lower-case: write `{}`",
                                    r.value.to_lowercase()
                                ));
                            }
                            self.push(d);
                            OrgRole::Member
                        }
                    },
                };
                let (expires, reason) = self.grant_terms(doc, &m.value.expires, &m.value.reason);
                let Some(user) = self.user(doc, m_user, policy) else {
                    continue;
                };
                let span = self.span(doc, m_user);
                if let Some(&(_, first)) = idx.get(&user) {
                    let (subject, within) = (format!("member `{user}`"), org_named(o));
                    self.push(
                        duplicate(&subject, Some(&within), Repeat::Listed, span, first)
                            .help("users compare case-insensitively"),
                    );
                    continue;
                }
                idx.insert(user.clone(), (role, span));
                let org = o.name.value.to_lowercase();
                self.site(UserList::OrgMembers { org }, doc, m_user, &user);
                list.push(Member {
                    user,
                    role,
                    expires,
                    reason,
                });
            }
            let owners = list.iter().filter(|m| m.role == OrgRole::Owner).count() as u32;
            // A misspelt `role:` leaves its member a plain member: the count would mislead.
            if owners < policy.min_org_owners && !doc.misspelt_in_list("members", "role") {
                self.push(
                    Diagnostic::error(
                        Code::TooFewOwners,
                        format!(
                            "organization `{}` has {owners} owner{}; policy.minOrgOwners requires {}",
                            o.name.value,
                            if owners == 1 { "" } else { "s" },
                            policy.min_org_owners
                        ),
                    )
                    .at(name_span, "give more members `role: owner`")
                    .help("or plan/apply with --allow-few-owners"),
                );
            }
            list.sort_by(|a, b| a.user.cmp(&b.user));
            members = Some(list);
            member_index = Some(idx);
        }

        // Teams.
        let mut team_index: Option<HashMap<String, Span>> = None;
        let mut teams: Option<Vec<Team>> = None;
        if let Some(ts) = &o.teams {
            let mut idx: HashMap<String, Span> = HashMap::new();
            let mut list = Vec::new();
            for t in ts {
                let t = &t.value;
                self.name("team", doc, &t.name);
                self.max_len("team description", doc, &t.description, 250);
                let span = self.span(doc, &t.name);
                let key = t.name.value.to_lowercase();
                if let Some(&first) = idx.get(&key) {
                    let (subject, within) = (format!("team `{}`", t.name.value), org_named(o));
                    self.push(duplicate(
                        &subject,
                        Some(&within),
                        Repeat::Declared,
                        span,
                        first,
                    ));
                    continue;
                }
                idx.insert(key, span);
                let mut team_members: Option<Vec<TeamMember>> = None;
                if let Some(tm) = &t.members {
                    let mut seen: HashMap<UserRef, Span> = HashMap::new();
                    let mut users: Vec<TeamMember> = Vec::new();
                    for entry in tm {
                        let u = &entry.user;
                        let (expires, reason) =
                            self.grant_terms(doc, &entry.expires, &entry.reason);
                        let Some(user) = self.user(doc, u, policy) else {
                            continue;
                        };
                        let uspan = self.span(doc, u);
                        if let Some(&first) = seen.get(&user) {
                            let within = format!("team `{}`", t.name.value);
                            let subject = format!("`{user}`");
                            self.push(duplicate(
                                &subject,
                                Some(&within),
                                Repeat::Listed,
                                uspan,
                                first,
                            ));
                            continue;
                        }
                        if let Some(mi) = &member_index
                            && !mi.contains_key(&user)
                        {
                            self.push(
                                Diagnostic::error(
                                    Code::TeamMemberNotOrgMember,
                                    format!(
                                        "team member `{user}` is not a member of organization `{}`",
                                        o.name.value
                                    ),
                                )
                                .at(uspan, "not in the organization's `members`")
                                .help("add the user to the organization's members first; teams hold organization members only"),
                            );
                        }
                        let list = UserList::TeamMembers {
                            org: o.name.value.to_lowercase(),
                            team: t.name.value.to_lowercase(),
                        };
                        self.site(list, doc, u, &user);
                        seen.insert(user.clone(), uspan);
                        users.push(TeamMember {
                            user,
                            expires,
                            reason,
                        });
                    }
                    users.sort();
                    team_members = Some(users);
                }
                let (idp_group, idp_origin) = match &t.idp_group {
                    None => (None, Origin::default()),
                    Some(g) => {
                        let origin = match &g.value {
                            Some(_) => Origin(self.loaded.origin(doc, g)),
                            None => Origin(self.loaded.origin(doc, &t.name)),
                        };
                        (self.idp_link(doc, t, g, &mut team_members), origin)
                    }
                };
                list.push(Team {
                    name: t.name.value.clone(),
                    description: t.description.as_ref().map(|d| d.value.clone()),
                    members: team_members,
                    idp_group,
                    idp_origin,
                });
            }
            list.sort_by_key(|t| t.name.to_lowercase());
            teams = Some(list);
            team_index = Some(idx);
        }

        let org = Org {
            name: o.name.value.clone(),
            platform,
            full_name: o.full_name.as_ref().map(|s| s.value.clone()),
            description: o.description.as_ref().map(|s| s.value.clone()),
            location: o.location.as_ref().map(|s| s.value.clone()),
            website: o.website.as_ref().map(|s| s.value.clone()),
            custom_roles: custom_roles.clone(),
            members,
            teams,
            workspaces: Vec::new(),
            origin: Origin(self.loaded.origin(doc, &o.name)),
        };
        let idx = OrgIndex {
            name_span,
            members: member_index,
            teams: team_index,
            custom_roles,
            // A misspelt `customRoles:` would make every custom role look unknown.
            custom_roles_uncertain: o.custom_roles.is_none() && doc.misspelt("", "customRoles"),
            workspaces: HashMap::new(),
        };
        Some((org, idx))
    }
}

impl Validator<'_> {
    /// A team's `idpGroup`: a catalogue entry's name (the team then declares no members, which
    /// the identity provider manages) or `null` (unlinked). A team that follows a group and
    /// lists members is reported, and its members are left out.
    fn idp_link(
        &mut self,
        doc: &LoadedDoc,
        t: &TeamDoc,
        g: &Sp<Option<String>>,
        members: &mut Option<Vec<TeamMember>>,
    ) -> Option<IdpLink> {
        let Some(name) = &g.value else {
            return Some(IdpLink::Unlinked);
        };
        let span = self.span(doc, g);
        if name.trim().is_empty() {
            self.push(
                Diagnostic::error(Code::InvalidValue, "`idpGroup` needs a group name")
                    .at(span, "empty IdP group name")
                    .help("name an entry of the organization's IdP group catalogue, or write `idpGroup: null` to unlink the team"),
            );
            return None;
        }
        if let Some(first) = t.members.as_ref().and_then(|ms| ms.first()) {
            let first_span = self.span(doc, &first.user);
            self.push(
                Diagnostic::error(
                    Code::LinkedTeamMembers,
                    format!(
                        "team `{}` follows IdP group `{name}` and also lists members",
                        t.name.value
                    ),
                )
                .at(first_span, "the identity provider manages this team's members")
                .also(span, "the team follows this IdP group")
                .help("remove `members` (members come from the identity provider at each SSO login), or unlink the team with `idpGroup: null`"),
            );
            *members = None;
        }
        Some(IdpLink::Follows(name.clone()))
    }
}
