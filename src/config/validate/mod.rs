//! Semantic validation of loaded documents, and building the [`Desired`] state from them.
//!
//! Checks names and lengths against the platform's rules (docs/seqera-api.md sections 4–5), roles,
//! references between documents, duplicates anywhere in the repository (showing both places), and
//! the Settings policy. Every problem becomes a located diagnostic; validation never stops early.
//!
//! This module owns the walk over the documents and what the kinds share: the name, email and
//! length rules, user references and the one duplicate-declaration diagnostic ([`duplicate`]).
//! `settings`, `organization` and `workspace` check one kind of document each; `labels` checks a
//! workspace's labels. Validation must
//! not parse YAML or do I/O, and must not report what a problem already reported explains: a
//! reference to a document that failed to parse, or a check a misspelt (unknown) field could
//! have changed.

mod basespace;
pub mod expiry;
mod labels;

pub use labels::{DYNAMIC_LABEL_VARIABLES, is_valid_label, is_valid_label_value};
mod organization;
mod review;
mod settings;
mod workspace;

pub use basespace::DEFAULT_BASESPACE_PLATFORM;

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use regex::Regex;

use super::desired::{
    Desired, Org, OrgRole, Origin, Policy, Reviews, UserList, UserRef, UserSite, UserSites,
};
use super::load::{Doc, Loaded, LoadedDoc};
use super::model::{SettingsDoc, Sp};
use super::time::When;
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
static PERMISSION_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$").expect("valid regex"));
static ENV_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*$").expect("valid regex"));

/// Whether `name` follows the platform's org/workspace/team name rules.
pub fn is_valid_name(name: &str) -> bool {
    (2..=39).contains(&name.len()) && NAME_RE.is_match(name)
}

/// Whether `s` is a permission name as the platform writes them: `RESOURCE:ACTION`, lower case,
/// e.g. `compute_environment:read`.
pub fn is_valid_permission(s: &str) -> bool {
    s.len() <= 100 && PERMISSION_RE.is_match(s)
}

/// Whether `s` has the shape of a name (letters or digits in runs joined by single `-` or `_`),
/// whatever its length.
fn has_name_shape(s: &str) -> bool {
    NAME_RE.is_match(s)
}

/// Whether `s` is an email address roster accepts.
pub fn is_valid_email(s: &str) -> bool {
    EMAIL_RE.is_match(s)
}

/// The longest email address (RFC 5321: a 256-octet path less its angle brackets).
pub const MAX_EMAIL_LEN: usize = 254;

/// The longest `reason:` of a grant.
pub const MAX_REASON_LEN: usize = 500;

const NAME_RULE: &str = "2–39 letters or digits, in runs joined by single `-` or `_`, starting and ending with a letter or digit";

/// Validate loaded documents; returns the desired state and every problem found.
pub fn validate(loaded: &Loaded) -> (Desired, Vec<Diagnostic>) {
    let mut v = Validator {
        loaded,
        diags: Vec::new(),
        sites: Vec::new(),
    };
    let desired = v.run();
    (desired, v.diags)
}

struct Validator<'a> {
    loaded: &'a Loaded,
    diags: Vec<Diagnostic>,
    /// Where each accepted user reference is (see [`UserSites`]).
    sites: Vec<UserSite>,
}

/// Where each declared member, team and participant is, for cross-checks and duplicate reports.
struct OrgIndex {
    name_span: Span,
    /// Lower-cased user → role and span, when members are declared.
    members: Option<HashMap<UserRef, (OrgRole, Span)>>,
    /// Lower-cased team name → span, when teams are declared.
    teams: Option<HashMap<String, Span>>,
    custom_roles: Vec<String>,
    /// The custom roles may be incomplete: the Organization document failed to parse, or has an
    /// unknown field where `customRoles` may have been meant. Unknown roles are not reported then.
    custom_roles_uncertain: bool,
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

    /// Record where an accepted user reference was declared.
    fn site(&mut self, list: UserList, doc: &LoadedDoc, u: &Sp<String>, user: &UserRef) {
        self.sites.push(UserSite {
            list,
            written: u.value.trim().to_string(),
            user: user.clone(),
            origin: Origin(self.loaded.origin(doc, u)),
        });
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
        let settings = self.settings(&settings);
        let (platforms, policy) = (settings.platforms, settings.policy);
        let mut basespace_platforms = settings.basespace;
        let seqera = settings.seqera_names;
        let workgroups = self.workgroups(
            &mut basespace_platforms,
            &seqera,
            settings.platforms_uncertain,
        );

        let mut orgs: Vec<Org> = Vec::new();
        let mut index: BTreeMap<String, OrgIndex> = BTreeMap::new();
        for d in &loaded.docs {
            if let Doc::Organization(o) = &d.doc
                && let Some((org, idx)) =
                    self.organization(d, o, &platforms, settings.platforms_uncertain, &policy)
            {
                match index.get(&org.key()) {
                    Some(first) => {
                        let subject = format!("organization `{}`", org.name);
                        self.push(
                            duplicate(&subject, None, Repeat::Declared, idx.name_span, first.name_span)
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
        let reviews = self.reviews(&orgs, &policy);
        Desired {
            platforms,
            policy,
            orgs,
            user_sites: UserSites(std::mem::take(&mut self.sites)),
            basespace: super::desired::basespace::BaseSpace {
                platforms: basespace_platforms,
                workgroups,
            },
            reviews: Reviews(reviews),
        }
    }

    pub(super) fn name(&mut self, what: &str, doc: &LoadedDoc, name: &Sp<String>) {
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
                    format!("invalid {what} name `{}`: {why}", abbreviated(&name.value)),
                )
                .at(span, NAME_RULE),
            );
        }
    }

    pub(super) fn max_len(
        &mut self,
        field: &str,
        doc: &LoadedDoc,
        v: &Option<Sp<String>>,
        max: usize,
    ) {
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

    /// Read a grant's `expires` (a date or an RFC 3339 date-time with a zone) and `reason`
    /// (free text, at most 500 characters; blank means none).
    pub(super) fn grant_terms(
        &mut self,
        doc: &LoadedDoc,
        expires: &Option<Sp<String>>,
        reason: &Option<Sp<String>>,
    ) -> (Option<When>, Option<String>) {
        let when = expires.as_ref().and_then(|e| match When::parse(&e.value) {
            Ok(w) => Some(w),
            Err(err) => {
                let span = self.span(doc, e);
                self.push(
                    Diagnostic::error(Code::InvalidDate, format!("invalid `expires`: {err}"))
                        .at(span, "not a date")
                        .help("a date is the start of that day in UTC, e.g. 2027-03-31; for another hour write a date-time with a zone, e.g. 2027-03-31T17:00:00+10:00"),
                );
                None
            }
        });
        if let Some(r) = reason
            && r.value.chars().count() > MAX_REASON_LEN
        {
            let span = self.span(doc, r);
            self.push(
                Diagnostic::error(
                    Code::TooLong,
                    format!(
                        "reason is {} characters; roster keeps at most {MAX_REASON_LEN}",
                        r.value.chars().count()
                    ),
                )
                .at(span, "a short note for plans and reports")
                .help("link to a ticket or document for the long story"),
            );
        }
        let reason = reason
            .as_ref()
            .map(|r| r.value.trim().to_string())
            .filter(|r| !r.is_empty());
        (when, reason)
    }

    /// Check a user reference and the domain policy; returns the normalised reference.
    pub(super) fn user(
        &mut self,
        doc: &LoadedDoc,
        u: &Sp<String>,
        policy: &Policy,
    ) -> Option<UserRef> {
        let raw = u.value.trim();
        let span = self.span(doc, u);
        if raw.contains('@') {
            let n = raw.chars().count();
            if n > MAX_EMAIL_LEN {
                self.push(
                    Diagnostic::error(
                        Code::TooLong,
                        format!(
                            "email address is {n} characters; an address has at most {MAX_EMAIL_LEN}"
                        ),
                    )
                    .at(span, format!("shorten to {MAX_EMAIL_LEN} characters or fewer")),
                );
                return None;
            }
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
}

/// A value short enough to quote in a message: at most 80 characters, then `…`.
fn abbreviated(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(80) {
        None => std::borrow::Cow::Borrowed(s),
        Some((i, _)) => std::borrow::Cow::Owned(format!("{}…", &s[..i])),
    }
}

/// How a repeated entry was written: declared (a named thing) or listed (an entry of a list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeat {
    Declared,
    Listed,
}

/// The one diagnostic for a second declaration of the same thing (organization, team, member,
/// workspace, participant, label, custom role…): "SUBJECT is declared twice[ in WITHIN]", pointing
/// at the repetition and at the first one. Callers add a `help` where one is useful.
fn duplicate(
    subject: &str,
    within: Option<&str>,
    how: Repeat,
    again: Span,
    first: Span,
) -> Diagnostic {
    let verb = match how {
        Repeat::Declared => "declared",
        Repeat::Listed => "listed",
    };
    let within = within.map(|w| format!(" in {w}")).unwrap_or_default();
    Diagnostic::error(
        Code::Duplicate,
        format!("{subject} is {verb} twice{within}"),
    )
    .at(again, format!("{verb} again here"))
    .also(first, format!("first {verb} here"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::FileId;

    #[test]
    fn the_duplicate_diagnostic_names_both_places() {
        let span = |line| Span {
            file: FileId(0),
            start: 0,
            end: 1,
            line,
            col: 1,
        };
        let d = duplicate(
            "team `a`",
            Some("organization `lab`"),
            Repeat::Declared,
            span(5),
            span(2),
        );
        assert_eq!(d.code, Code::Duplicate);
        assert_eq!(
            d.message,
            "team `a` is declared twice in organization `lab`"
        );
        let primary = d.primary.expect("located");
        assert_eq!(
            (primary.span.line, primary.text.as_str()),
            (5, "declared again here")
        );
        assert_eq!(d.secondary[0].text, "first declared here");
        let d = duplicate("label `x`", None, Repeat::Listed, span(3), span(1));
        assert_eq!(d.message, "label `x` is listed twice");
    }
}
