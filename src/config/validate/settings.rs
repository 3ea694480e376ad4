//! Checking the Settings document: one per repository, its platforms (endpoints, token
//! variables) and its policy (email domains, owner minimum, collaborator cap, removal share,
//! collaborators' longest grant).
//!
//! It owns what Settings means; it must not look at organizations or workspaces, which read the
//! [`Settings`] it returns.

use std::collections::BTreeMap;

use super::{DOMAIN_RE, ENV_RE, Validator};
use crate::config::desired::basespace::BaseSpacePlatform;
use crate::config::desired::{
    DEFAULT_TOKEN_ENV, PREDEFINED_WORKSPACE_ROLES, Platform, Policy, workspace_role_rank,
};
use crate::config::load::LoadedDoc;
use crate::config::model::{PlatformDoc, SettingsDoc, Sp};
use crate::config::time::Span;
use crate::diag::{Code, Diagnostic};

/// What the Settings document declares, for the other documents' checks.
pub(super) struct Settings {
    /// The Seqera platforms.
    pub(super) platforms: BTreeMap<String, Platform>,
    /// The BaseSpace platforms.
    pub(super) basespace: BTreeMap<String, BaseSpacePlatform>,
    /// The names of the Seqera platforms declared, valid or not.
    pub(super) seqera_names: Vec<String>,
    pub(super) policy: Policy,
    /// The platforms may be incomplete (Settings failed to parse, or misspells `platforms`):
    /// references to undeclared platforms are not reported then.
    pub(super) platforms_uncertain: bool,
}

impl Validator<'_> {
    /// Check the Settings documents (there should be one) and read its platforms and policy.
    pub(super) fn settings(&mut self, settings: &[(&LoadedDoc, &SettingsDoc)]) -> Settings {
        let mut platforms = BTreeMap::new();
        let mut basespace = BTreeMap::new();
        let mut seqera_names = Vec::new();
        let mut policy = Policy::default();
        let Some(&(doc, s)) = settings.first() else {
            let platforms_uncertain = self.loaded.failed_kind("Settings");
            return Settings {
                platforms,
                basespace,
                seqera_names,
                policy,
                platforms_uncertain,
            };
        };
        // `platfroms:` would leave the platforms undeclared; references to them are not checked.
        let platforms_uncertain = s.platforms.is_none() && doc.misspelt("", "platforms");
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
                let kind = p.value.platform_type.as_ref();
                match kind.map(|k| k.value.as_str()) {
                    None | Some("seqera") => {
                        seqera_names.push(name.clone());
                        if let Some(platform) = self.seqera_platform(doc, name, p) {
                            platforms.insert(name.clone(), platform);
                        }
                    }
                    Some("basespace") => {
                        let platform = self.basespace_platform(doc, name, p);
                        basespace.insert(name.clone(), platform);
                    }
                    Some(other) => {
                        let k = kind.expect("a type was given");
                        let span = self.span(doc, k);
                        self.push(
                            Diagnostic::error(
                                Code::InvalidValue,
                                format!("`{other}` is not a platform type"),
                            )
                            .at(span, "expected `seqera` (the default) or `basespace`"),
                        );
                    }
                }
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
            if let Some(m) = &p.max_grant_days {
                if !(1..=Span::MAX_DAYS).contains(&m.value) {
                    let span = self.span(doc, m);
                    self.push(
                        Diagnostic::error(
                            Code::OutOfRange,
                            format!("maxGrantDays {} is outside 1–{}", m.value, Span::MAX_DAYS),
                        )
                        .at(span, "the longest a collaborator's grant may run, in days"),
                    );
                } else {
                    policy.max_grant_days = Some(m.value);
                }
            }
        }
        Settings {
            platforms,
            basespace,
            seqera_names,
            policy,
            platforms_uncertain,
        }
    }

    /// A Seqera platform: an endpoint and a token variable (and no BaseSpace regions).
    fn seqera_platform(
        &mut self,
        doc: &LoadedDoc,
        name: &str,
        p: &Sp<PlatformDoc>,
    ) -> Option<Platform> {
        if let Some(r) = &p.value.regions {
            let span = r
                .values()
                .next()
                .map(|first| self.span(doc, first))
                .unwrap_or_else(|| self.span(doc, p));
            self.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("platform `{name}` is a Seqera platform, which has no `regions`"),
                )
                .at(span, "`regions` belongs to a BaseSpace platform")
                .help("add `type: basespace` for a BaseSpace Sequence Hub account"),
            );
        }
        let Some(endpoint) = &p.value.endpoint else {
            let span = self.span(doc, p);
            self.push(
                Diagnostic::error(
                    Code::MissingField,
                    format!("platform `{name}` has no `endpoint`"),
                )
                .at(span, "a Seqera platform needs its API URL")
                .help("e.g. `endpoint: https://api.cloud.seqera.io`; for BaseSpace, add `type: basespace`"),
            );
            return None;
        };
        self.endpoint(doc, endpoint);
        let token_env = match &p.value.token_env {
            Some(t) => {
                self.token_env(doc, t);
                t.value.clone()
            }
            None => DEFAULT_TOKEN_ENV.to_string(),
        };
        Some(Platform {
            endpoint: endpoint.value.trim_end_matches('/').to_string(),
            token_env,
        })
    }

    /// A token variable's name.
    pub(super) fn token_env(&mut self, doc: &LoadedDoc, t: &Sp<String>) {
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
    }

    pub(super) fn endpoint(&mut self, doc: &LoadedDoc, e: &Sp<String>) {
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
}
