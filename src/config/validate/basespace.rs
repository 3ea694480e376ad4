//! Checking BaseSpace: the `type: basespace` platforms of Settings (regions, API hosts, token
//! variables) and the `BaseSpaceWorkgroup` documents, against the rules BaseSpace Sequence Hub
//! has (docs/basespace.md): a Professional workgroup has exactly one admin; an Enterprise
//! workgroup belongs to a domain, and users from outside it need a collaborative workgroup; a
//! workgroup and its users' access name only regions its platform serves; a person is an admin
//! or a user, not both; nobody is listed twice; users are email addresses or numeric BaseSpace
//! user IDs.
//!
//! It owns what BaseSpace documents mean; it must not look at Seqera organizations.

use std::collections::{BTreeMap, HashMap};

use super::{DOMAIN_RE, EMAIL_RE, MAX_EMAIL_LEN, Repeat, Validator, duplicate};
use crate::config::desired::basespace::{
    BaseSpacePlatform, Region, RegionConf, Tier, Workgroup, WorkgroupUser,
};
use crate::config::desired::{Origin, UserRef};
use crate::config::load::LoadedDoc;
use crate::config::model::{PlatformDoc, Sp, WorkgroupDoc};
use crate::diag::{Code, Diagnostic, Span};

/// The platform a workgroup uses when Settings declares no BaseSpace platform: Illumina's US
/// region, with its token in `BASESPACE_TOKEN_USE1`.
pub const DEFAULT_BASESPACE_PLATFORM: &str = "basespace";

/// A workgroup's key for duplicate checks: platform and lower-cased name.
type WorkgroupKey = (String, String);

impl Validator<'_> {
    /// A `type: basespace` platform: its regions, each with an API host and a token variable.
    pub(super) fn basespace_platform(
        &mut self,
        doc: &LoadedDoc,
        name: &str,
        p: &Sp<PlatformDoc>,
    ) -> BaseSpacePlatform {
        let mut out = BaseSpacePlatform::default();
        for (field, v) in [
            ("endpoint", &p.value.endpoint),
            ("tokenEnv", &p.value.token_env),
        ] {
            if let Some(v) = v {
                let span = self.span(doc, v);
                self.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("BaseSpace platform `{name}` has a top-level `{field}`"),
                    )
                    .at(span, format!("each region has its own `{field}`"))
                    .help("move it under `regions: {use1: {...}}`: every BaseSpace region is an instance with its own host and token"),
                );
            }
        }
        let regions = match &p.value.regions {
            Some(r) if !r.is_empty() => r,
            _ => {
                let span = self.span(doc, p);
                self.push(
                    Diagnostic::error(
                        Code::MissingField,
                        format!("BaseSpace platform `{name}` declares no `regions`"),
                    )
                    .at(span, "a BaseSpace platform needs at least one region")
                    .help("e.g. `regions: {use1: {tokenEnv: BASESPACE_TOKEN_USE1}}`"),
                );
                return out;
            }
        };
        for (code, r) in regions {
            let span = self.span(doc, r);
            let region = Region::new(code);
            let is_code = !region.as_str().is_empty()
                && region
                    .as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
            if !is_code {
                self.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("`{code}` is not a BaseSpace region code"),
                    )
                    .at(
                        span,
                        "a region code is letters and digits, e.g. use1 or euc1",
                    ),
                );
                continue;
            }
            let endpoint = match (&r.value.endpoint, region.default_endpoint()) {
                (Some(e), _) => {
                    self.endpoint(doc, e);
                    e.value.trim_end_matches('/').to_string()
                }
                (None, Some(d)) => d.to_string(),
                (None, None) => {
                    self.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            format!("unknown BaseSpace region `{code}`"),
                        )
                        .at(span, "roster knows no API host for it")
                        .help(format!(
                            "Illumina's regions are {}; for another, give its `endpoint`",
                            Region::known().collect::<Vec<_>>().join(", ")
                        )),
                    );
                    continue;
                }
            };
            let token_env = match &r.value.token_env {
                Some(t) => {
                    self.token_env(doc, t);
                    t.value.clone()
                }
                None => region.default_token_env(),
            };
            out.regions.insert(
                region,
                RegionConf {
                    endpoint,
                    token_env,
                },
            );
        }
        out
    }

    /// Check every BaseSpaceWorkgroup document; returns the workgroups, sorted.
    pub(super) fn workgroups(
        &mut self,
        platforms: &mut BTreeMap<String, BaseSpacePlatform>,
        seqera: &[String],
        platforms_uncertain: bool,
    ) -> Vec<Workgroup> {
        let loaded = self.loaded;
        let docs: Vec<(&LoadedDoc, &WorkgroupDoc)> = loaded
            .docs
            .iter()
            .filter_map(|d| match &d.doc {
                crate::config::load::Doc::BaseSpaceWorkgroup(w) => Some((d, w)),
                _ => None,
            })
            .collect();
        // Without a BaseSpace platform in Settings, workgroups use Illumina's US region.
        if platforms.is_empty() && docs.iter().any(|(_, w)| w.platform.is_none()) {
            let mut default = BaseSpacePlatform::default();
            let use1 = Region::new("use1");
            default.regions.insert(
                use1.clone(),
                RegionConf {
                    endpoint: use1.default_endpoint().unwrap_or_default().to_string(),
                    token_env: use1.default_token_env(),
                },
            );
            platforms.insert(DEFAULT_BASESPACE_PLATFORM.to_string(), default);
        }
        let mut seen: HashMap<WorkgroupKey, Span> = HashMap::new();
        let mut out = Vec::new();
        for (doc, w) in docs {
            let Some(wg) = self.workgroup(doc, w, platforms, seqera, platforms_uncertain) else {
                continue;
            };
            let key = (wg.platform.clone(), wg.key());
            let span = self.span(doc, &w.name);
            match seen.get(&key) {
                Some(first) => {
                    let subject = format!("workgroup `{}`", wg.name);
                    self.push(
                        duplicate(&subject, None, Repeat::Declared, span, *first).help(
                            "declare each workgroup in one BaseSpaceWorkgroup document; names compare case-insensitively",
                        ),
                    );
                }
                None => {
                    seen.insert(key, span);
                    out.push(wg);
                }
            }
        }
        out.sort_by(|a, b| (&a.platform, a.key()).cmp(&(&b.platform, b.key())));
        out
    }

    /// The platform a workgroup document is on, reported when it cannot be told.
    fn workgroup_platform(
        &mut self,
        doc: &LoadedDoc,
        w: &WorkgroupDoc,
        platforms: &BTreeMap<String, BaseSpacePlatform>,
        seqera: &[String],
        uncertain: bool,
    ) -> Option<String> {
        let known: Vec<&str> = platforms.keys().map(String::as_str).collect();
        match &w.platform {
            Some(p) if platforms.contains_key(&p.value) => Some(p.value.clone()),
            Some(p) => {
                if !uncertain {
                    let span = self.span(doc, p);
                    let why = if seqera.contains(&p.value) {
                        format!(
                            "platform `{}` is a Seqera platform, not a BaseSpace one",
                            p.value
                        )
                    } else {
                        format!("platform `{}` is not declared in Settings", p.value)
                    };
                    let label = if known.is_empty() {
                        "Settings declares no BaseSpace platform".to_string()
                    } else {
                        format!("declared BaseSpace platforms: {}", known.join(", "))
                    };
                    self.push(
                        Diagnostic::error(Code::UndeclaredPlatform, why)
                            .at(span, label)
                            .help("a BaseSpace platform has `type: basespace` in Settings"),
                    );
                }
                None
            }
            None if platforms.len() == 1 => known.first().map(|s| s.to_string()),
            None => {
                if !uncertain && !doc.misspelt("", "platform") {
                    let span = self.span(doc, &w.name);
                    self.push(
                        Diagnostic::error(
                            Code::AmbiguousPlatform,
                            format!(
                                "workgroup `{}` does not say which BaseSpace platform it is on",
                                w.name.value
                            ),
                        )
                        .at(
                            span,
                            "add `platform:` naming one of the BaseSpace platforms",
                        )
                        .help(format!(
                            "Settings declares {} BaseSpace platforms: {}",
                            known.len(),
                            known.join(", ")
                        )),
                    );
                }
                None
            }
        }
    }

    /// Check one workgroup document.
    fn workgroup(
        &mut self,
        doc: &LoadedDoc,
        w: &WorkgroupDoc,
        platforms: &BTreeMap<String, BaseSpacePlatform>,
        seqera: &[String],
        uncertain: bool,
    ) -> Option<Workgroup> {
        let name = w.name.value.trim().to_string();
        let name_span = self.span(doc, &w.name);
        if name.is_empty() {
            self.push(
                Diagnostic::error(Code::InvalidName, "a workgroup needs a non-empty name")
                    .at(name_span, "the workgroup's name in BaseSpace"),
            );
        }
        self.max_len("name", doc, &Some(w.name.clone()), 100);
        let platform_name = self.workgroup_platform(doc, w, platforms, seqera, uncertain);
        let served: Option<&BaseSpacePlatform> =
            platform_name.as_ref().and_then(|p| platforms.get(p));

        // Regions.
        let mut regions: Vec<Region> = Vec::new();
        let mut region_spans: HashMap<Region, Span> = HashMap::new();
        match &w.regions {
            Some(list) => {
                for r in list {
                    let region = Region::new(&r.value);
                    let span = self.span(doc, r);
                    if let Some(first) = region_spans.get(&region) {
                        let subject = format!("region `{region}`");
                        self.push(duplicate(
                            &subject,
                            Some(&format!("workgroup `{name}`")),
                            Repeat::Listed,
                            span,
                            *first,
                        ));
                        continue;
                    }
                    region_spans.insert(region.clone(), span);
                    if let (Some(p), Some(pn)) = (served, &platform_name)
                        && !p.regions.contains_key(&region)
                    {
                        self.unserved(span, &region, pn, p, "the workgroup");
                    }
                    regions.push(region);
                }
                if list.is_empty() {
                    self.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            format!("workgroup `{name}` is used in no region"),
                        )
                        .at(name_span, "`regions` is empty")
                        .help("name at least one region, or leave `regions` out for all of the platform's"),
                    );
                }
            }
            None => {
                let mut all: Vec<Region> = served
                    .iter()
                    .flat_map(|p| p.regions.keys().cloned())
                    .collect();
                // Illumina's default region first, where a workgroup usually starts.
                all.sort_by_key(|r| (r.as_str() != "use1", r.clone()));
                regions.extend(all);
            }
        }

        // Tier, domain and collaboration.
        let tier = Tier::parse(w.tier.value.trim());
        if tier.is_none() {
            let span = self.span(doc, &w.tier);
            self.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("`{}` is not a workgroup tier", w.tier.value),
                )
                .at(span, "expected `professional` or `enterprise`"),
            );
        }
        let collaborative = w.collaborative.as_ref().is_some_and(|c| c.value);
        let mut domain = None;
        match (&w.domain, tier) {
            (Some(d), Some(Tier::Professional)) => {
                let span = self.span(doc, d);
                self.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("Professional workgroup `{name}` has a `domain`"),
                    )
                    .at(span, "only an Enterprise workgroup belongs to a domain")
                    .help("remove `domain`, or set `tier: enterprise`"),
                );
            }
            (Some(d), _) => {
                let v = d.value.trim().to_lowercase();
                let ok = !v.is_empty()
                    && v.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if !ok {
                    let span = self.span(doc, d);
                    self.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            format!("`{}` is not an enterprise domain name", d.value),
                        )
                        .at(span, "the DOMAIN of https://DOMAIN.login.illumina.com"),
                    );
                }
                domain = Some(v);
            }
            (None, Some(Tier::Enterprise)) => {
                let span = self.span(doc, &w.tier);
                self.push(
                    Diagnostic::error(
                        Code::MissingField,
                        format!("Enterprise workgroup `{name}` names no `domain`"),
                    )
                    .at(
                        span,
                        "an Enterprise workgroup belongs to an enterprise domain",
                    )
                    .help("add `domain:`, the DOMAIN of https://DOMAIN.login.illumina.com"),
                );
            }
            (None, _) => {}
        }
        let mut email_domains = Vec::new();
        if let Some(list) = &w.email_domains {
            if tier == Some(Tier::Professional) {
                let span = list.first().map(|d| self.span(doc, d)).unwrap_or(name_span);
                self.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("Professional workgroup `{name}` has `emailDomains`"),
                    )
                    .at(
                        span,
                        "only an Enterprise workgroup's domain has email domains",
                    ),
                );
            }
            for d in list {
                let v = d.value.trim().trim_start_matches('@').to_lowercase();
                if !DOMAIN_RE.is_match(&v) {
                    let span = self.span(doc, d);
                    self.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            format!("`{}` is not an email domain", d.value),
                        )
                        .at(span, "expected a domain such as `uq.edu.au`"),
                    );
                }
                email_domains.push(v);
            }
            email_domains.sort();
            email_domains.dedup();
        }
        // Users from outside the domain need a collaborative workgroup.
        let outside = |u: &UserRef| -> bool {
            tier == Some(Tier::Enterprise)
                && !collaborative
                && !email_domains.is_empty()
                && u.domain().is_some_and(|d| {
                    !email_domains
                        .iter()
                        .any(|e| d == e || d.ends_with(&format!(".{e}")))
                })
        };

        // Admins.
        let mut people: HashMap<UserRef, Span> = HashMap::new();
        let mut admins = Vec::new();
        let mut admin_spans: HashMap<UserRef, Span> = HashMap::new();
        for a in w.admins.iter().flatten() {
            let Some(u) = self.basespace_user(doc, a) else {
                continue;
            };
            let span = self.span(doc, a);
            if let Some(first) = people.get(&u) {
                self.push(duplicate(
                    &format!("admin `{u}`"),
                    Some(&format!("workgroup `{name}`")),
                    Repeat::Listed,
                    span,
                    *first,
                ));
                continue;
            }
            if outside(&u) {
                self.outside_domain(span, &u, &name, &email_domains);
            }
            people.insert(u.clone(), span);
            admin_spans.insert(u.clone(), span);
            admins.push(u);
        }
        // A misspelt `admins:` is already reported as an unknown field.
        let admins_unknown = w.admins.is_none() && doc.misspelt("", "admins");
        if tier == Some(Tier::Professional) && !admins_unknown {
            let listed = w.admins.as_ref().map_or(0, Vec::len);
            if listed != 1 {
                let span = match w.admins.as_ref().and_then(|a| a.get(1)) {
                    Some(second) => self.span(doc, second),
                    None => name_span,
                };
                let label = if listed == 0 {
                    "a Professional workgroup has exactly one admin; none is listed".to_string()
                } else {
                    format!("a Professional workgroup has exactly one admin; {listed} are listed")
                };
                self.push(
                    Diagnostic::error(
                        Code::AdminCount,
                        format!("Professional workgroup `{name}` needs exactly one admin"),
                    )
                    .at(span, label)
                    .help("BaseSpace gives a Professional workgroup one admin, set up by Illumina; list that person under `admins`"),
                );
            }
        }
        admins.sort();
        let admins = w.admins.as_ref().map(|_| admins);

        // Users.
        let users = w.users.as_ref().map(|list| {
            let mut users = Vec::new();
            for entry in list {
                let e = &entry.value;
                let Some(u) = self.basespace_user(doc, &e.user) else {
                    continue;
                };
                let span = self.span(doc, &e.user);
                if let Some(admin) = admin_spans.get(&u) {
                    self.push(
                        Diagnostic::error(
                            Code::AdminAndUser,
                            format!("`{u}` is both an admin and a user of workgroup `{name}`"),
                        )
                        .at(span, "listed as a user here")
                        .also(*admin, "listed as an admin here")
                        .help("an admin has every user's access; keep them under `admins` only"),
                    );
                    continue;
                }
                if let Some(first) = people.get(&u) {
                    self.push(duplicate(
                        &format!("user `{u}`"),
                        Some(&format!("workgroup `{name}`")),
                        Repeat::Listed,
                        span,
                        *first,
                    ));
                    continue;
                }
                people.insert(u.clone(), span);
                if outside(&u) {
                    self.outside_domain(span, &u, &name, &email_domains);
                }
                let sequence_hub = match e.access.as_ref().and_then(|a| a.value.sequence_hub.as_ref()) {
                    None if e.access.is_some() => Vec::new(),
                    None => {
                        let mut all = regions.clone();
                        all.sort();
                        all
                    }
                    Some(list) => {
                        let mut out: Vec<Region> = Vec::new();
                        let mut at: HashMap<Region, Span> = HashMap::new();
                        for r in list {
                            let region = Region::new(&r.value);
                            let rspan = self.span(doc, r);
                            if let Some(first) = at.get(&region) {
                                self.push(duplicate(
                                    &format!("region `{region}`"),
                                    Some(&format!("the access of `{u}`")),
                                    Repeat::Listed,
                                    rspan,
                                    *first,
                                ));
                                continue;
                            }
                            at.insert(region.clone(), rspan);
                            if !regions.contains(&region) {
                                self.push(
                                    Diagnostic::error(
                                        Code::UnservedRegion,
                                        format!(
                                            "workgroup `{name}` is not used in region `{region}`"
                                        ),
                                    )
                                    .at(rspan, "the user's access names a region the workgroup does not have")
                                    .help(format!(
                                        "the workgroup's regions: {}",
                                        list_or_none(&regions)
                                    )),
                                );
                            }
                            out.push(region);
                        }
                        out.sort();
                        out
                    }
                };
                let (expires, reason) = self.grant_terms(doc, &e.expires, &e.reason);
                users.push(WorkgroupUser {
                    user: u,
                    sequence_hub,
                    expires,
                    reason,
                });
            }
            users.sort_by(|a, b| a.user.cmp(&b.user));
            users
        });

        let (platform, tier) = (platform_name?, tier?);
        Some(Workgroup {
            name,
            platform,
            regions,
            tier,
            domain,
            email_domains,
            collaborative,
            admins,
            users,
            origin: Origin(self.loaded.origin(doc, &w.name)),
        })
    }

    /// A region the workgroup's platform does not serve.
    fn unserved(
        &mut self,
        span: Span,
        region: &Region,
        platform: &str,
        p: &BaseSpacePlatform,
        what: &str,
    ) {
        let served: Vec<Region> = p.regions.keys().cloned().collect();
        self.push(
            Diagnostic::error(
                Code::UnservedRegion,
                format!("BaseSpace platform `{platform}` does not serve region `{region}`"),
            )
            .at(
                span,
                format!("{what} names a region its platform has no instance in"),
            )
            .help(format!(
                "platform `{platform}` serves {}; add the region to its `regions` in Settings",
                list_or_none(&served)
            )),
        );
    }

    /// A user from outside an Enterprise workgroup's domain.
    fn outside_domain(&mut self, span: Span, u: &UserRef, name: &str, domains: &[String]) {
        self.push(
            Diagnostic::error(
                Code::OutsideDomain,
                format!("`{u}` is outside the domain of workgroup `{name}`"),
            )
            .at(span, format!("not in {}", domains.join(", ")))
            .help("only a collaborative workgroup takes users from outside its domain (`collaborative: true`, fixed when the workgroup was created)"),
        );
    }

    /// A BaseSpace user: an email address or a numeric BaseSpace user ID.
    fn basespace_user(&mut self, doc: &LoadedDoc, u: &Sp<String>) -> Option<UserRef> {
        let raw = u.value.trim();
        let span = self.span(doc, u);
        let ok = if raw.contains('@') {
            raw.chars().count() <= MAX_EMAIL_LEN && EMAIL_RE.is_match(raw)
        } else {
            (1..=20).contains(&raw.len()) && raw.chars().all(|c| c.is_ascii_digit())
        };
        if !ok {
            self.push(
                Diagnostic::error(
                    Code::InvalidEmail,
                    format!("`{raw}` is neither an email address nor a numeric BaseSpace user ID"),
                )
                .at(
                    span,
                    "expected an address such as jane.doe@uq.edu.au, or digits such as 12345678",
                )
                .help("BaseSpace invites users by email or by BaseSpace user ID"),
            );
            return None;
        }
        Some(UserRef::new(raw))
    }
}

fn list_or_none(regions: &[Region]) -> String {
    if regions.is_empty() {
        "no region".to_string()
    } else {
        regions
            .iter()
            .map(Region::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}
