//! The IdP status `roster idp` reads ([`OrgIdp`]), as text or as JSON (format version 1): per
//! organization, its SCIM configuration (or that IdP group mapping is off), its IdP group
//! catalogue with the teams that follow each group, and linked teams whose group the catalogue
//! no longer holds. It shows what was read and derives nothing but that grouping; no token is
//! ever part of it.

use serde_json::{Value, json};

use super::view::clean;
use crate::live::IdpCatalogue;
use crate::live::idp::OrgIdp;

/// Version of the JSON format of `roster idp --format json`.
pub const IDP_FORMAT_VERSION: &str = "1";

fn teams_of(o: &OrgIdp, group_id: i64) -> Vec<&str> {
    o.linked_teams
        .iter()
        .filter(|t| t.group_id == group_id)
        .map(|t| t.team.as_str())
        .collect()
}

/// Linked teams whose group the catalogue does not hold (an orphaned link).
fn orphans(o: &OrgIdp) -> Vec<&crate::live::idp::LinkedTeam> {
    match &o.catalogue {
        Some(c @ IdpCatalogue::Groups(_)) => o
            .linked_teams
            .iter()
            .filter(|t| c.by_id(t.group_id).is_none())
            .collect(),
        _ => Vec::new(),
    }
}

/// The status as text, one block per organization.
pub fn idp_text(orgs: &[OrgIdp]) -> String {
    let mut out = String::new();
    for (i, o) in orgs.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!(
            "organization {} (platform {}, {})\n",
            clean(&o.org),
            clean(&o.platform),
            clean(&o.endpoint)
        ));
        if !o.found {
            out.push_str("  not found: the token's user cannot see it\n");
            continue;
        }
        match &o.scim {
            None => out.push_str(
                "  SCIM: off (DescribeOrganizationScimConfig answered 404: IdP group mapping is not enabled)\n",
            ),
            Some(s) => {
                let token = if s.active_token {
                    let mut t = "an active token".to_string();
                    if let Some(c) = &s.token_created_at {
                        t.push_str(&format!(", created {}", clean(c)));
                    }
                    match &s.token_last_used {
                        Some(u) => t.push_str(&format!(", last used {}", clean(u))),
                        None => t.push_str(", never used"),
                    }
                    t
                } else {
                    "no active token".to_string()
                };
                out.push_str(&format!("  SCIM: {token}\n"));
                if let Some(n) = s.group_count {
                    out.push_str(&format!("  groups pushed by SCIM: {n}\n"));
                }
                if let Some(sso) = s.sso_active {
                    out.push_str(&format!(
                        "  single sign-on: {}\n",
                        if sso {
                            "active (collaborators are not permitted)"
                        } else {
                            "not active"
                        }
                    ));
                }
                if let Some(url) = &s.endpoint_url {
                    out.push_str(&format!("  SCIM endpoint: {}\n", clean(url)));
                }
            }
        }
        match &o.catalogue {
            None | Some(IdpCatalogue::Off) => out
                .push_str("  IdP group catalogue: off (ListOrganizationIdpGroups answered 404)\n"),
            Some(IdpCatalogue::Groups(gs)) if gs.is_empty() => {
                out.push_str("  IdP group catalogue: empty\n")
            }
            Some(IdpCatalogue::Groups(gs)) => {
                out.push_str(&format!(
                    "  IdP group catalogue ({} group{}):\n",
                    gs.len(),
                    if gs.len() == 1 { "" } else { "s" }
                ));
                for g in gs {
                    let teams = teams_of(o, g.id);
                    let followed = if teams.is_empty() {
                        "no team follows it".to_string()
                    } else {
                        format!(
                            "followed by {}",
                            teams
                                .iter()
                                .map(|t| clean(t))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    };
                    out.push_str(&format!(
                        "    {} ({}): {followed}\n",
                        clean(&g.name),
                        clean(&g.source)
                    ));
                }
            }
        }
        for t in orphans(o) {
            out.push_str(&format!(
                "  warning: team {} follows IdP group {} (#{}), which the catalogue no longer holds\n",
                clean(&t.team),
                clean(t.group.as_deref().unwrap_or("?")),
                t.group_id
            ));
        }
    }
    out
}

/// The status as JSON: `{format_version, orgs: [...]}`, keys sorted.
pub fn idp_json(orgs: &[OrgIdp]) -> String {
    let orgs: Vec<Value> = orgs
        .iter()
        .map(|o| {
            let catalogue = match &o.catalogue {
                None | Some(IdpCatalogue::Off) => Value::Null,
                Some(IdpCatalogue::Groups(gs)) => Value::Array(
                    gs.iter()
                        .map(|g| {
                            json!({
                                "id": g.id,
                                "name": g.name,
                                "source": g.source,
                                "teams": teams_of(o, g.id),
                            })
                        })
                        .collect(),
                ),
            };
            json!({
                "org": o.org,
                "platform": o.platform,
                "endpoint": o.endpoint,
                "found": o.found,
                "scim": o.scim,
                "catalogue": catalogue,
                "linked_teams": o.linked_teams,
                "orphaned_links": orphans(o).iter().map(|t| t.team.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({"format_version": IDP_FORMAT_VERSION, "orgs": orgs});
    let mut s = serde_json::to_string_pretty(&doc).expect("json");
    s.push('\n');
    s
}
