//! Semantic validation of loaded documents, and building the [`Desired`] state from them.
//!
//! Checks names and lengths against the platform's rules (CONTRACT.md sections 4–5), roles,
//! references between documents, duplicates anywhere in the repository (showing both places), and
//! the Settings policy. Every problem becomes a located diagnostic; validation never stops early.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use regex::Regex;

use super::desired::{
    DEFAULT_TOKEN_ENV, Desired, Ensure, Label, Member, Org, OrgRole, Origin,
    PREDEFINED_WORKSPACE_ROLES, Participant, Platform, Policy, Principal, Studios, Team, UserRef,
    Visibility, Workspace, workspace_role_rank,
};
use super::load::{Doc, Loaded, LoadedDoc};
use super::model::{OrganizationDoc, SettingsDoc, Sp, WorkspaceDoc};
use crate::diag::{Code, Diagnostic, Span};

static NAME_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$").expect("valid regex"));
static EMAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
        .expect("valid regex")
});
static USERNAME_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,38}[A-Za-z0-9])?$").expect("valid regex")
});
static DOMAIN_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")
        .expect("valid regex")
});
static ENV_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*$").expect("valid regex"));

/// Whether `name` follows the platform's org/workspace/team name rules.
pub fn is_valid_name(name: &str) -> bool {
    (2..=39).contains(&name.len()) && NAME_RE.is_match(name)
}

/// Whether `s` is an email address roster accepts.
pub fn is_valid_email(s: &str) -> bool {
    EMAIL_RE.is_match(s)
}

const NAME_RULE: &str = "2–39 letters or digits, in runs joined by single `-` or `_`, starting and ending with a letter or digit";

/// Validate loaded documents; returns the desired state and every problem found.
pub fn validate(loaded: &Loaded) -> (Desired, Vec<Diagnostic>) {
    let mut v = Validator {
        loaded,
        diags: Vec::new(),
    };
    let desired = v.run();
    (desired, v.diags)
}

struct Validator<'a> {
    loaded: &'a Loaded,
    diags: Vec<Diagnostic>,
}

/// Where each declared member, team and participant is, for cross-checks and duplicate reports.
struct OrgIndex {
    name_span: Span,
    /// Lower-cased user → role and span, when members are declared.
    members: Option<HashMap<UserRef, (OrgRole, Span)>>,
    /// Lower-cased team name → span, when teams are declared.
    teams: Option<HashMap<String, Span>>,
    custom_roles: Vec<String>,
    /// Lower-cased workspace name → span of its name.
    workspaces: HashMap<String, Span>,
}

impl<'a> Validator<'a> {
    fn span<T>(&self, doc: &LoadedDoc, sp: &Sp<T>) -> Span {
        self.loaded.span(doc, sp)
    }

    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn run(&mut self) -> Desired {
        let loaded = self.loaded;
        let settings: Vec<(&LoadedDoc, &SettingsDoc)> = loaded
            .docs
            .iter()
            .filter_map(|d| match &d.doc {
                Doc::Settings(s) => Some((d, s)),
                _ => None,
            })
            .collect();
        let (platforms, policy) = self.settings(&settings);

        let mut orgs: Vec<Org> = Vec::new();
        let mut index: BTreeMap<String, OrgIndex> = BTreeMap::new();
        for d in &loaded.docs {
            if let Doc::Organization(o) = &d.doc
                && let Some((org, idx)) = self.organization(d, o, &platforms, &policy)
            {
                match index.get(&org.key()) {
                    Some(first) => {
                        let first_span = first.name_span;
                        self.push(
                            Diagnostic::error(
                                Code::Duplicate,
                                format!("organization `{}` is declared twice", org.name),
                            )
                            .at(idx.name_span, "declared again here")
                            .also(first_span, "first declared here")
                            .help("declare each organization in one Organization document; names compare case-insensitively"),
                        );
                    }
                    None => {
                        index.insert(org.key(), idx);
                        orgs.push(org);
                    }
                }
            }
        }

        for d in &loaded.docs {
            if let Doc::Workspace(w) = &d.doc {
                self.workspace(d, w, &mut orgs, &mut index, &policy);
            }
        }

        for org in &mut orgs {
            org.workspaces.sort_by_key(|w| w.key());
        }
        orgs.sort_by_key(|o| o.key());
        Desired {
            platforms,
            policy,
            orgs,
        }
    }

    fn settings(
        &mut self,
        settings: &[(&LoadedDoc, &SettingsDoc)],
    ) -> (BTreeMap<String, Platform>, Policy) {
        let mut platforms = BTreeMap::new();
        let mut policy = Policy::default();
        let Some(&(doc, s)) = settings.first() else {
            return (platforms, policy);
        };
        for &(other, o) in &settings[1..] {
            let span = self.span(other, &o.kind);
            let first = self.span(doc, &s.kind);
            self.push(
                Diagnostic::error(Code::MultipleSettings, "more than one Settings document")
                    .at(span, "a second Settings document")
                    .also(first, "the first Settings document")
                    .help("keep one Settings document per repository (roster.yaml by convention)"),
            );
        }
        if let Some(ps) = &s.platforms {
            for (name, p) in ps {
                let span = self.span(doc, p);
                if name.trim().is_empty() {
                    self.push(
                        Diagnostic::error(Code::InvalidName, "a platform needs a non-empty name")
                            .at(span, "this platform's name is empty"),
                    );
                }
                self.endpoint(doc, &p.value.endpoint);
                let token_env = match &p.value.token_env {
                    Some(t) => {
                        if !ENV_RE.is_match(&t.value) {
                            let span = self.span(doc, t);
                            self.push(
                                Diagnostic::error(
                                    Code::InvalidValue,
                                    format!("`{}` is not an environment variable name", t.value),
                                )
                                .at(span, "letters, digits and `_`, not starting with a digit")
                                .help("tokenEnv names the variable that holds the token, never the token itself"),
                            );
                        }
                        t.value.clone()
                    }
                    None => DEFAULT_TOKEN_ENV.to_string(),
                };
                platforms.insert(
                    name.clone(),
                    Platform {
                        endpoint: p.value.endpoint.value.trim_end_matches('/').to_string(),
                        token_env,
                    },
                );
            }
        }
        if let Some(p) = &s.policy {
            let p = &p.value;
            if let Some(domains) = &p.allowed_email_domains {
                for d in domains {
                    let v = d.value.trim().trim_start_matches('@').to_lowercase();
                    if !DOMAIN_RE.is_match(&v) {
                        let span = self.span(doc, d);
                        self.push(
                            Diagnostic::error(
                                Code::InvalidValue,
                                format!("`{}` is not an email domain", d.value),
                            )
                            .at(span, "expected a domain such as `edu.au` or `uq.edu.au`"),
                        );
                    }
                    policy.allowed_email_domains.push(v);
                }
                policy.allowed_email_domains.sort();
                policy.allowed_email_domains.dedup();
            }
            if let Some(m) = &p.min_org_owners {
                if m.value == 0 {
                    let span = self.span(doc, m);
                    self.push(
                        Diagnostic::error(Code::OutOfRange, "minOrgOwners must be at least 1").at(
                            span,
                            "the platform needs at least one owner per organization",
                        ),
                    );
                }
                policy.min_org_owners = m.value.max(1);
            }
            if let Some(r) = &p.collaborator_max_role {
                if workspace_role_rank(&r.value).is_none() {
                    let span = self.span(doc, r);
                    self.push(
                        Diagnostic::error(
                            Code::InvalidWorkspaceRole,
                            format!("`{}` is not a predefined workspace role", r.value),
                        )
                        .at(span, format!("expected one of: {}", PREDEFINED_WORKSPACE_ROLES.join(", ")))
                        .help("collaboratorMaxRole compares roles by rank, which only predefined roles have"),
                    );
                } else {
                    policy.collaborator_max_role = Some(r.value.clone());
                }
            }
            if let Some(f) = &p.max_removal_fraction {
                if !(0.0..=1.0).contains(&f.value) {
                    let span = self.span(doc, f);
                    self.push(
                        Diagnostic::error(
                            Code::OutOfRange,
                            format!("maxRemovalFraction {} is outside 0–1", f.value),
                        )
                        .at(span, "a share of existing access, e.g. 0.25 for a quarter"),
                    );
                } else {
                    policy.max_removal_fraction = f.value;
                }
            }
        }
        (platforms, policy)
    }

    fn endpoint(&mut self, doc: &LoadedDoc, e: &Sp<String>) {
        use crate::endpoint::EndpointError;
        let span = self.span(doc, e);
        match crate::endpoint::check(&e.value) {
            Ok(_) => {}
            Err(EndpointError::PlainHttp(_)) => self.push(
                Diagnostic::error(
                    Code::InvalidEndpoint,
                    "plain http is refused except to loopback",
                )
                .at(span, "the token would travel unencrypted")
                .help("use https://, or http://127.0.0.1:PORT for a local emulator"),
            ),
            Err(EndpointError::Scheme(_, scheme)) => self.push(
                Diagnostic::error(
                    Code::InvalidEndpoint,
                    format!("unsupported URL scheme `{scheme}`"),
                )
                .at(span, "expected an https:// URL"),
            ),
            Err(EndpointError::NotAUrl(_, err)) => self.push(
                Diagnostic::error(Code::InvalidEndpoint, format!("not a URL: {err}")).at(
                    span,
                    "expected e.g. https://api.cloud.seqera.io or https://HOST/api",
                ),
            ),
        }
    }

    fn name(&mut self, what: &str, doc: &LoadedDoc, name: &Sp<String>) {
        if !is_valid_name(&name.value) {
            let span = self.span(doc, name);
            let why = if name.value.len() < 2 {
                "too short".to_string()
            } else if name.value.len() > 39 {
                format!("{} characters is too long", name.value.chars().count())
            } else {
                "not allowed by the platform".to_string()
            };
            self.push(
                Diagnostic::error(
                    Code::InvalidName,
                    format!("invalid {what} name `{}`: {why}", name.value),
                )
                .at(span, NAME_RULE),
            );
        }
    }

    fn max_len(&mut self, field: &str, doc: &LoadedDoc, v: &Option<Sp<String>>, max: usize) {
        if let Some(s) = v {
            let n = s.value.chars().count();
            if n > max {
                let span = self.span(doc, s);
                self.push(
                    Diagnostic::error(
                        Code::TooLong,
                        format!("{field} is {n} characters; the platform allows at most {max}"),
                    )
                    .at(span, format!("shorten to {max} characters or fewer")),
                );
            }
        }
    }

    /// Check a user reference and the domain policy; returns the normalised reference.
    fn user(&mut self, doc: &LoadedDoc, u: &Sp<String>, policy: &Policy) -> Option<UserRef> {
        let raw = u.value.trim();
        let span = self.span(doc, u);
        if raw.contains('@') {
            if !is_valid_email(raw) {
                self.push(
                    Diagnostic::error(
                        Code::InvalidEmail,
                        format!("`{raw}` is not a valid email address"),
                    )
                    .at(span, "expected an address such as jane.doe@uq.edu.au"),
                );
                return None;
            }
        } else if !USERNAME_RE.is_match(raw) {
            self.push(
                Diagnostic::error(
                    Code::InvalidEmail,
                    format!("`{raw}` is neither an email address nor a user name"),
                )
                .at(span, "expected an email address, or a platform user name"),
            );
            return None;
        }
        let user = UserRef::new(raw);
        if !policy.domain_allowed(&user) {
            let msg = if user.is_email() {
                format!(
                    "`{raw}` is outside the allowed email domains ({})",
                    policy.allowed_email_domains.join(", ")
                )
            } else {
                format!(
                    "the domain of user name `{raw}` cannot be checked against policy.allowedEmailDomains"
                )
            };
            self.push(
                Diagnostic::error(Code::DomainNotAllowed, msg)
                    .at(span, "not allowed by policy.allowedEmailDomains")
                    .help("use an address in an allowed domain, widen the policy, or plan/apply with --allow-any-domain"),
            );
        }
        Some(user)
    }

    fn organization(
        &mut self,
        doc: &LoadedDoc,
        o: &OrganizationDoc,
        platforms: &BTreeMap<String, Platform>,
        policy: &Policy,
    ) -> Option<(Org, OrgIndex)> {
        self.name("organization", doc, &o.name);
        self.max_len("fullName", doc, &o.full_name, 100);
        self.max_len("description", doc, &o.description, 1000);
        self.max_len("location", doc, &o.location, 100);
        let name_span = self.span(doc, &o.name);

        let platform = match &o.platform {
            Some(p) => {
                if !platforms.contains_key(&p.value) {
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
            None if platforms.len() > 1 => {
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
            None => platforms.keys().next().cloned(),
        };

        // Custom roles.
        let mut custom_roles: Vec<String> = Vec::new();
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
            if custom_roles
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&r.value))
            {
                self.push(
                    Diagnostic::error(
                        Code::Duplicate,
                        format!("custom role `{}` is listed twice", r.value),
                    )
                    .at(span, "listed again here"),
                );
                continue;
            }
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
                let Some(user) = self.user(doc, m_user, policy) else {
                    continue;
                };
                let span = self.span(doc, m_user);
                if let Some((_, first)) = idx.get(&user) {
                    let first = *first;
                    self.push(
                        Diagnostic::error(
                            Code::Duplicate,
                            format!(
                                "member `{user}` is listed twice in organization `{}`",
                                o.name.value
                            ),
                        )
                        .at(span, "listed again here")
                        .also(first, "first listed here")
                        .help("users compare case-insensitively"),
                    );
                    continue;
                }
                idx.insert(user.clone(), (role, span));
                list.push(Member { user, role });
            }
            let owners = list.iter().filter(|m| m.role == OrgRole::Owner).count() as u32;
            if owners < policy.min_org_owners {
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
                if let Some(first) = idx.get(&key) {
                    let first = *first;
                    self.push(
                        Diagnostic::error(
                            Code::Duplicate,
                            format!(
                                "team `{}` is declared twice in organization `{}`",
                                t.name.value, o.name.value
                            ),
                        )
                        .at(span, "declared again here")
                        .also(first, "first declared here"),
                    );
                    continue;
                }
                idx.insert(key, span);
                let mut team_members: Option<Vec<UserRef>> = None;
                if let Some(tm) = &t.members {
                    let mut seen: HashMap<UserRef, Span> = HashMap::new();
                    for u in tm {
                        let Some(user) = self.user(doc, u, policy) else {
                            continue;
                        };
                        let uspan = self.span(doc, u);
                        if let Some(first) = seen.get(&user) {
                            let first = *first;
                            self.push(
                                Diagnostic::error(
                                    Code::Duplicate,
                                    format!("`{user}` is listed twice in team `{}`", t.name.value),
                                )
                                .at(uspan, "listed again here")
                                .also(first, "first listed here"),
                            );
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
                        seen.insert(user.clone(), uspan);
                    }
                    let mut users: Vec<UserRef> = seen.into_keys().collect();
                    users.sort();
                    team_members = Some(users);
                }
                list.push(Team {
                    name: t.name.value.clone(),
                    description: t.description.as_ref().map(|d| d.value.clone()),
                    members: team_members,
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
            workspaces: HashMap::new(),
        };
        Some((org, idx))
    }

    fn workspace(
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
        let studios = w.studios.as_ref().map(|s| {
            let h = &s.value.lifespan_hours;
            if h.value > 120 {
                let span = self.span(doc, h);
                self.push(
                    Diagnostic::error(
                        Code::OutOfRange,
                        format!("studios lifespanHours {} is outside 0–120", h.value),
                    )
                    .at(span, "hours, 0–120; 0 means unlimited"),
                );
            }
            Studios {
                lifespan_hours: h.value.min(120),
            }
        });
        let labels = w.labels.as_ref().map(|ls| {
            let mut seen: HashMap<String, Span> = HashMap::new();
            let mut out = Vec::new();
            for l in ls {
                let l = &l.value;
                let span = self.span(doc, &l.name);
                if l.name.value.trim().is_empty() {
                    self.push(
                        Diagnostic::error(Code::InvalidValue, "a label needs a name")
                            .at(span, "empty label name"),
                    );
                    continue;
                }
                let resource = l.resource.as_ref().is_some_and(|r| r.value);
                let key = format!(
                    "{}={}",
                    l.name.value.to_lowercase(),
                    l.value.as_ref().map(|v| v.value.as_str()).unwrap_or("")
                );
                if let Some(first) = seen.get(&key) {
                    let first = *first;
                    self.push(
                        Diagnostic::error(
                            Code::Duplicate,
                            format!("label `{}` is listed twice", l.name.value),
                        )
                        .at(span, "listed again here")
                        .also(first, "first listed here"),
                    );
                    continue;
                }
                if resource && l.value.is_none() {
                    self.push(
                        Diagnostic::error(
                            Code::MissingField,
                            format!("resource label `{}` needs a `value`", l.name.value),
                        )
                        .at(span, "resource labels are name=value pairs"),
                    );
                }
                seen.insert(key, span);
                out.push(Label {
                    name: l.name.value.clone(),
                    value: l.value.as_ref().map(|v| v.value.clone()),
                    resource,
                });
            }
            out.sort();
            out
        });

        // The organization.
        let org_key = w.org.value.to_lowercase();
        let org_span = self.span(doc, &w.org);
        // A workspace of an undeclared organization is still checked, against an empty index.
        let mut orphan = OrgIndex {
            name_span: org_span,
            members: None,
            teams: None,
            custom_roles: Vec::new(),
            workspaces: HashMap::new(),
        };
        let declared = index.contains_key(&org_key);
        let idx = match index.get_mut(&org_key) {
            Some(idx) => idx,
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
        if let Some(first) = idx.workspaces.get(&ws_key) {
            let first = *first;
            self.push(
                Diagnostic::error(
                    Code::Duplicate,
                    format!(
                        "workspace `{}/{}` is declared twice",
                        w.org.value, w.name.value
                    ),
                )
                .at(name_span, "declared again here")
                .also(first, "first declared here")
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
            for p in ps {
                let entry_span = self.span(doc, p);
                let p = &p.value;
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
                if let Some(first) = seen.get(&principal) {
                    let first = *first;
                    self.push(
                        Diagnostic::error(
                            Code::Duplicate,
                            format!(
                                "participant `{principal}` is listed twice in workspace `{}/{}`",
                                w.org.value, w.name.value
                            ),
                        )
                        .at(pspan, "listed again here")
                        .also(first, "first listed here"),
                    );
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
                seen.insert(principal.clone(), pspan);
                out.push(Participant { principal, role });
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
