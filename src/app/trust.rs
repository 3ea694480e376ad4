//! Where the token may go. A pull request can change any file of the config, so the platforms'
//! endpoints and token variables must not come from it: under `--changed-from REF` they are
//! taken from the Settings at REF (what was reviewed and merged), and a difference is reported as
//! a setting that takes effect only after merge. `ROSTER_ALLOWED_ENDPOINTS` (a comma-separated
//! list set by the CI job, not the repository) further restricts where any token is sent.
//!
//! This module decides which endpoint and token variable each platform uses; it must not read a
//! token or talk to a platform.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, bail};

use super::changed::checkout;
use crate::config::desired::basespace::{BaseSpacePlatform, Region, RegionConf};
use crate::config::desired::{DEFAULT_PLATFORM, Desired, Platform};
use crate::config::validate::DEFAULT_BASESPACE_PLATFORM;
use crate::plan::PendingSetting;

/// The environment variable listing the only endpoints a token may be sent to.
pub const ALLOWED_ENDPOINTS_ENV: &str = "ROSTER_ALLOWED_ENDPOINTS";

/// What the token may be sent to.
#[derive(Debug, Clone)]
pub struct Trust {
    /// Platforms as the trusted Settings declare them.
    platforms: BTreeMap<String, Platform>,
    /// BaseSpace platforms as the trusted Settings declare them.
    basespace: BTreeMap<String, BaseSpacePlatform>,
    /// The git ref the platforms come from; `None` when they come from the config itself.
    from_ref: Option<String>,
    /// `ROSTER_ALLOWED_ENDPOINTS`, normalised.
    allowed: Option<Vec<String>>,
}

/// An endpoint as compared against the allow-list: no trailing slash, scheme and host
/// lower-cased.
fn normalise(endpoint: &str) -> String {
    let e = endpoint.trim().trim_end_matches('/');
    match e.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = match rest.find('/') {
                Some(i) => rest.split_at(i),
                None => (rest, ""),
            };
            format!("{}://{}{path}", scheme.to_lowercase(), host.to_lowercase())
        }
        None => e.to_string(),
    }
}

fn allowed_from_env() -> Option<Vec<String>> {
    let v = std::env::var(ALLOWED_ENDPOINTS_ENV).ok()?;
    Some(
        v.split([',', '\n', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(normalise)
            .collect(),
    )
}

impl Trust {
    /// Trust the config's own Settings (a run on the default branch, or on a local checkout).
    pub fn of_config(desired: &Desired) -> Trust {
        Trust {
            platforms: desired.platforms.clone(),
            basespace: desired.basespace.platforms.clone(),
            from_ref: None,
            allowed: allowed_from_env(),
        }
    }

    /// Trust the Settings of the config at `git_ref` (the pull request's base).
    pub fn at_ref(dir: &Path, git_ref: &str) -> Result<Trust> {
        let trusted = desired_at_ref(dir, git_ref)?;
        Ok(Trust {
            platforms: trusted.platforms,
            basespace: trusted.basespace.platforms,
            from_ref: Some(git_ref.to_string()),
            allowed: allowed_from_env(),
        })
    }

    /// The trusted host and token variable of a BaseSpace platform's region: from the trusted
    /// Settings, or Illumina's US region for the default platform when they declare no
    /// BaseSpace platform (its host is roster's, not the repository's). `None`: not trusted.
    pub fn basespace_region(&self, platform: &str, region: &Region) -> Option<RegionConf> {
        if let Some(p) = self.basespace.get(platform) {
            return p.regions.get(region).cloned();
        }
        let default = platform == DEFAULT_BASESPACE_PLATFORM && region.as_str() == "use1";
        default.then(|| RegionConf {
            endpoint: region.default_endpoint().unwrap_or_default().to_string(),
            token_env: region.default_token_env(),
        })
    }

    /// The trusted declaration of `platform`: `Ok(None)` for the default platform when the
    /// trusted Settings declare none; an error naming the difference for a platform the trusted
    /// Settings do not declare.
    pub fn platform(&self, platform: &str) -> Option<Option<&Platform>> {
        match self.platforms.get(platform) {
            Some(p) => Some(Some(p)),
            None if platform == DEFAULT_PLATFORM && self.platforms.is_empty() => Some(None),
            None => None,
        }
    }

    /// Refuse an endpoint the allow-list does not name, before any token is sent to it.
    pub fn check_endpoint(&self, platform: &str, endpoint: &str) -> Result<()> {
        if let Some(allowed) = &self.allowed
            && !allowed.contains(&normalise(endpoint))
        {
            bail!(
                "platform {platform}: endpoint {endpoint} is not in {ALLOWED_ENDPOINTS_ENV}; the token is not sent to it"
            );
        }
        Ok(())
    }

    /// The ref the platforms come from, when not the config itself.
    pub fn trusted_ref(&self) -> Option<&str> {
        self.from_ref.as_deref()
    }

    /// How the config's platforms differ from the trusted ones: settings that take effect only
    /// after merge.
    pub fn pending(&self, desired: &Desired) -> Vec<PendingSetting> {
        let Some(r) = &self.from_ref else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let names: std::collections::BTreeSet<&String> = self
            .platforms
            .keys()
            .chain(desired.platforms.keys())
            .collect();
        for (platform, p) in &desired.basespace.platforms {
            for (region, conf) in &p.regions {
                let trusted = self.basespace_region(platform, region);
                for (field, a, b) in [
                    (
                        "endpoint",
                        trusted.as_ref().map(|t| t.endpoint.clone()),
                        conf.endpoint.clone(),
                    ),
                    (
                        "tokenEnv",
                        trusted.as_ref().map(|t| t.token_env.clone()),
                        conf.token_env.clone(),
                    ),
                ] {
                    if a.as_deref() != Some(b.as_str()) {
                        out.push(PendingSetting {
                            platform: format!("{platform} (BaseSpace region {region})"),
                            field: field.to_string(),
                            trusted: a,
                            proposed: Some(b),
                            trusted_ref: r.clone(),
                        });
                    }
                }
            }
        }
        for name in names {
            let (t, d) = (self.platforms.get(name), desired.platforms.get(name));
            for (field, a, b) in [
                (
                    "endpoint",
                    t.map(|p| p.endpoint.clone()),
                    d.map(|p| p.endpoint.clone()),
                ),
                (
                    "tokenEnv",
                    t.map(|p| p.token_env.clone()),
                    d.map(|p| p.token_env.clone()),
                ),
            ] {
                if a != b {
                    out.push(PendingSetting {
                        platform: name.clone(),
                        field: field.to_string(),
                        trusted: a,
                        proposed: b,
                        trusted_ref: r.clone(),
                    });
                }
            }
        }
        out
    }
}

/// The desired state of the Settings documents of the config under `dir` at `git_ref`: what
/// matters is its Seqera and BaseSpace platforms. Only regular YAML files committed at that
/// ref are read (never a symlink), from git's object store.
fn desired_at_ref(dir: &Path, git_ref: &str) -> Result<Desired> {
    // Only Settings documents matter here.
    let tmp = checkout(dir, git_ref, "the trusted Settings", |_, text| {
        String::from_utf8_lossy(text).contains("Settings")
    })?;
    let cfg = crate::config::read(tmp.path());
    Ok(cfg.desired)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_compare_without_trailing_slash_or_host_case() {
        assert_eq!(
            normalise("HTTPS://Seqera.Example.org/api/"),
            "https://seqera.example.org/api"
        );
        assert_ne!(
            normalise("https://seqera.example.org/API"),
            normalise("https://seqera.example.org/api"),
            "paths keep their case"
        );
    }

    #[test]
    fn a_platform_missing_from_the_trusted_settings_is_untrusted() {
        let mut platforms = BTreeMap::new();
        platforms.insert(
            "cloud".to_string(),
            Platform {
                endpoint: "https://api.cloud.seqera.io".into(),
                token_env: "T".into(),
            },
        );
        let t = Trust {
            platforms,
            basespace: BTreeMap::new(),
            from_ref: Some("main".into()),
            allowed: None,
        };
        assert!(t.platform("cloud").is_some_and(|p| p.is_some()));
        assert!(t.platform("evil").is_none());
        assert!(t.platform(DEFAULT_PLATFORM).is_none());
        let none = Trust {
            platforms: BTreeMap::new(),
            basespace: BTreeMap::new(),
            from_ref: None,
            allowed: Some(vec![normalise("https://a.org/api")]),
        };
        assert_eq!(none.platform(DEFAULT_PLATFORM), Some(None));
        assert!(none.check_endpoint("p", "https://A.org/api/").is_ok());
        assert!(none.check_endpoint("p", "http://127.0.0.1:9/api").is_err());
    }
}
