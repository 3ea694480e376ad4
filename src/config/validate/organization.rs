//! Checking an Organization document: its name and profile, platform, custom roles, members
//! (roles, the owner minimum, the domain policy) and teams (names, members who must be
//! organization members).
//!
//! It owns what one Organization document means and builds its [`Org`] and [`OrgIndex`]; it must
//! not look at workspaces, which are checked against the index afterwards.

use std::collections::{BTreeMap, HashMap};

use super::{OrgIndex, Repeat, Validator, abbreviated, duplicate, is_valid_permission};
use crate::config::desired::{
    CustomRole, IdpLink, Member, Org, OrgRole, Origin, Platform, Policy, Team, TeamMember,
    UserList, UserRef, is_predefined_role, workspace_role_rank,
};
use crate::config::load::LoadedDoc;
use crate::config::model::{CustomRoleEntry, OrganizationDoc, Sp, TeamDoc};
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
        let (custom_roles, defined_roles) = self.custom_roles(doc, o);
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
            defined_roles,
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

    /// Check `customRoles`: bare names and definitions (name, description, permission syntax,
    /// `renamedFrom`); returns the names of all of them and the definitions (`None` when there
    /// is none, and custom roles are unmanaged).
    fn custom_roles(
        &mut self,
        doc: &LoadedDoc,
        o: &OrganizationDoc,
    ) -> (Vec<String>, Option<Vec<CustomRole>>) {
        let mut names: Vec<String> = Vec::new();
        let mut defined: Vec<CustomRole> = Vec::new();
        let mut any_defined = false;
        // Lower-cased name (or `renamedFrom`) → where it is declared.
        let mut seen: HashMap<String, Span> = HashMap::new();
        let mut renamed: Vec<(String, Span)> = Vec::new();
        for entry in o.custom_roles.iter().flatten() {
            let entry_span = self.span(doc, entry);
            let (name, name_span, def) = match &entry.value {
                CustomRoleEntry::Name(n) => (n.as_str(), entry_span, None),
                CustomRoleEntry::Defined(d) => {
                    any_defined = true;
                    (d.name.value.as_str(), self.span(doc, &d.name), Some(d))
                }
            };
            if name.trim().is_empty() {
                self.push(
                    Diagnostic::error(Code::InvalidValue, "a custom role needs a name")
                        .at(name_span, "empty role name"),
                );
                continue;
            }
            if is_predefined_role(name) {
                self.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("`{name}` is a predefined role, not a custom one"),
                    )
                    .at(name_span, "predefined roles (owner, admin, maintain, launch, connect, view) need no declaration and cannot be redefined")
                    .help("give the custom role another name"),
                );
                continue;
            }
            if let Some(d) = def {
                self.name("custom role", doc, &d.name);
            }
            if let Some(&first) = seen.get(&name.to_lowercase()) {
                let subject = format!("custom role `{name}`");
                self.push(
                    duplicate(
                        &subject,
                        Some(&org_named(o)),
                        Repeat::Declared,
                        name_span,
                        first,
                    )
                    .help(
                        "custom role names are unique within an organization, case-insensitively",
                    ),
                );
                continue;
            }
            seen.insert(name.to_lowercase(), name_span);
            names.push(name.to_string());
            let Some(d) = def else { continue };
            let description = &d.description;
            let n = description.value.chars().count();
            if description.value.trim().is_empty() {
                let span = self.span(doc, description);
                self.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("custom role `{name}` needs a description"),
                    )
                    .at(span, "1–120 characters"),
                );
            } else if n > 120 {
                let span = self.span(doc, description);
                self.push(
                    Diagnostic::error(
                        Code::TooLong,
                        format!(
                            "custom role description is {n} characters; the platform allows at most 120"
                        ),
                    )
                    .at(span, "shorten to 120 characters or fewer"),
                );
            }
            let permissions = d.permissions.as_ref().map(|ps| {
                let mut seen_p: HashMap<String, Span> = HashMap::new();
                let mut origins = Vec::new();
                for p in ps {
                    let span = self.span(doc, p);
                    let v = p.value.trim();
                    if !is_valid_permission(v) {
                        let mut diag = Diagnostic::error(
                            Code::InvalidPermission,
                            format!("`{}` is not a permission name", abbreviated(v)),
                        )
                        .at(
                            span,
                            "expected RESOURCE:ACTION in lower case, e.g. `pipeline:execute`",
                        );
                        if is_valid_permission(&v.to_lowercase()) {
                            diag = diag.help(format!(
                                "permissions are lower-case: write `{}`",
                                v.to_lowercase()
                            ));
                        }
                        self.push(diag);
                        continue;
                    }
                    if let Some(&first) = seen_p.get(v) {
                        let subject = format!("permission `{v}`");
                        let within = format!("custom role `{name}`");
                        self.push(duplicate(
                            &subject,
                            Some(&within),
                            Repeat::Listed,
                            span,
                            first,
                        ));
                        continue;
                    }
                    seen_p.insert(v.to_string(), span);
                    origins.push((v.to_string(), Origin(self.loaded.origin(doc, p))));
                }
                origins
            });
            let renamed_from = d.renamed_from.as_ref().and_then(|r| {
                let span = self.span(doc, r);
                let old = r.value.trim();
                if old.eq_ignore_ascii_case(name) {
                    self.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            format!("custom role `{name}` is renamed from itself"),
                        )
                        .at(
                            span,
                            "`renamedFrom` names the role's current name on the platform",
                        )
                        .help("remove `renamedFrom` once the rename is applied"),
                    );
                    return None;
                }
                if old.is_empty() || is_predefined_role(old) {
                    self.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            format!("`{old}` cannot be renamed: it is not a custom role name"),
                        )
                        .at(span, "predefined roles cannot be renamed"),
                    );
                    return None;
                }
                renamed.push((old.to_string(), span));
                Some(old.to_string())
            });
            let (permissions, permission_origins) = match permissions {
                Some(origins) => {
                    let mut ps: Vec<String> = origins.iter().map(|(p, _)| p.clone()).collect();
                    ps.sort();
                    (Some(ps), origins)
                }
                None => (None, Vec::new()),
            };
            defined.push(CustomRole {
                name: name.to_string(),
                description: description.value.clone(),
                permissions,
                renamed_from,
                origin: Origin(self.loaded.origin(doc, &d.name)),
                permission_origins,
            });
        }
        // A rename's source must be no other declared role, nor another rename's source.
        let mut sources: HashMap<String, Span> = HashMap::new();
        for (old, span) in renamed {
            let key = old.to_lowercase();
            if let Some(&declared) = seen.get(&key) {
                self.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("custom role `{old}` is renamed, but is also declared"),
                    )
                    .at(span, "renamed from here")
                    .also(declared, "declared here")
                    .help("a renamed role keeps only its new name: remove the old one from `customRoles`"),
                );
            } else if let Some(&first) = sources.get(&key) {
                self.push(duplicate(
                    &format!("`renamedFrom: {old}`"),
                    Some(&org_named(o)),
                    Repeat::Listed,
                    span,
                    first,
                ));
            } else {
                sources.insert(key, span);
            }
        }
        defined.sort_by_key(CustomRole::key);
        (names, any_defined.then_some(defined))
    }
}
