//! The IdP status of declared organizations, for `roster idp`: each organization's SCIM
//! configuration and IdP group catalogue (both 404 when IdP group mapping is off), and which of
//! its teams follow which group. Read-only, and it decides nothing: the renderer shows it.
//!
//! The SCIM token itself is never read: only whether one is active and when it was made and
//! last used.

use anyhow::{Context, Result};
use serde::Serialize;

use super::{IdpCatalogue, LiveIdpGroup};
use crate::platform::seqera::Client;

/// What one organization says of its IdP delegation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgIdp {
    /// The organization's name as declared.
    pub org: String,
    pub platform: String,
    pub endpoint: String,
    /// Whether the acting user can see the organization at all.
    pub found: bool,
    /// `None`: the SCIM configuration answered 404 (IdP group mapping is off), or the
    /// organization was not found.
    pub scim: Option<Scim>,
    /// `None` when not found; [`IdpCatalogue::Off`] when the catalogue answered 404.
    pub catalogue: Option<IdpCatalogue>,
    /// Every team that follows an IdP group, by team name.
    pub linked_teams: Vec<LinkedTeam>,
}

/// The SCIM configuration, without the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scim {
    /// Where the identity provider pushes groups.
    pub endpoint_url: Option<String>,
    pub active_token: bool,
    pub token_created_at: Option<String>,
    pub token_last_used: Option<String>,
    /// How many catalogue groups SCIM pushed.
    pub group_count: Option<i32>,
    pub sso_active: Option<bool>,
}

/// A team and the IdP group it follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkedTeam {
    pub team: String,
    pub group_id: i64,
    /// As the team listing names it.
    pub group: Option<String>,
}

/// Read the IdP status of the organizations `orgs` (names as declared) of one platform.
pub async fn read(client: &Client, platform: &str, orgs: &[String]) -> Result<Vec<OrgIdp>> {
    let listed = client.list_orgs().await.context("listing organizations")?;
    let mut out = Vec::new();
    for name in orgs {
        let mut status = OrgIdp {
            org: name.clone(),
            platform: platform.to_string(),
            endpoint: client.endpoint().to_string(),
            found: false,
            scim: None,
            catalogue: None,
            linked_teams: Vec::new(),
        };
        let Some(o) = listed.iter().find(|o| o.name.eq_ignore_ascii_case(name)) else {
            out.push(status);
            continue;
        };
        let id = o.org_id;
        let (scim, groups, teams) = tokio::join!(
            client.scim_config(id),
            client.list_idp_groups(id),
            client.list_teams(id)
        );
        let scim = scim.with_context(|| format!("reading the SCIM configuration of {name}"))?;
        let groups =
            groups.with_context(|| format!("listing the IdP group catalogue of {name}"))?;
        let teams = teams.with_context(|| format!("listing the teams of {name}"))?;
        status.found = true;
        status.scim = scim.map(|s| Scim {
            endpoint_url: s.endpoint_url,
            active_token: s.has_active_token.unwrap_or(false),
            token_created_at: s.token_created_at,
            token_last_used: s.token_last_used,
            group_count: s.group_count,
            sso_active: s.sso_active,
        });
        status.catalogue = Some(match groups {
            None => IdpCatalogue::Off,
            Some(gs) => {
                let mut v: Vec<LiveIdpGroup> = gs
                    .into_iter()
                    .map(|g| LiveIdpGroup {
                        id: g.id,
                        name: g.display_name.unwrap_or_default(),
                        source: g.source.unwrap_or_default().to_lowercase(),
                    })
                    .collect();
                v.sort_by_key(|g| g.id);
                IdpCatalogue::Groups(v)
            }
        });
        let mut linked: Vec<LinkedTeam> = teams
            .into_iter()
            .filter_map(|t| {
                Some(LinkedTeam {
                    group_id: t.idp_group_id?,
                    group: t.idp_group_name,
                    team: t.name,
                })
            })
            .collect();
        linked.sort_by_key(|t| t.team.to_lowercase());
        status.linked_teams = linked;
        out.push(status);
    }
    Ok(out)
}
