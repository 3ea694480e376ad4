//! The IdP groups the config names, checked against the catalogues read: a team that follows a
//! group the organization's catalogue does not hold cannot be linked, so the plan is refused,
//! naming the team, the group and where it was declared. Pure: it reads the desired state and
//! what was read only.

use crate::config::desired::Org;
use crate::live::{IdpCatalogue, Live};

/// One problem per team that follows a group that cannot be linked.
pub fn problems(orgs: &[&Org], live: &Live) -> Vec<String> {
    let mut out = Vec::new();
    for org in orgs {
        // Not read (the org is new, or not in a change-scoped plan's units): nothing to check.
        let Some(catalogue) = live
            .orgs
            .get(&org.key())
            .and_then(|l| l.idp_catalogue.as_ref())
        else {
            continue;
        };
        for t in org.teams.iter().flatten() {
            let Some(group) = t.follows() else { continue };
            let problem = match catalogue {
                IdpCatalogue::Off => format!(
                    "organization {}: team {} follows IdP group `{group}` ({}), but the organization has no IdP group catalogue: ListOrganizationIdpGroups answered 404 (IdP group mapping needs single sign-on: Seqera Cloud Pro with SSO, or Enterprise)",
                    org.name, t.name, t.idp_origin
                ),
                IdpCatalogue::Groups(groups) if catalogue.group(group).is_none() => {
                    let like = groups
                        .iter()
                        .find(|g| g.name.eq_ignore_ascii_case(group))
                        .map(|g| {
                            format!(
                                " Did you mean `{}`? Group values are case-sensitive.",
                                g.name
                            )
                        })
                        .unwrap_or_default();
                    let known = if groups.is_empty() {
                        "it is empty".to_string()
                    } else {
                        let names: Vec<String> =
                            groups.iter().map(|g| format!("`{}`", g.name)).collect();
                        format!("it holds {}", names.join(", "))
                    };
                    format!(
                        "organization {}: team {} follows IdP group `{group}` ({}), which is not in the organization's IdP group catalogue ({known}).{like} Add it to the catalogue (Organization settings > Group mapping) or let SCIM push it; if it was removed, the platform has unlinked its teams and removed their members",
                        org.name, t.name, t.idp_origin
                    )
                }
                IdpCatalogue::Groups(_) => continue,
            };
            out.push(problem);
        }
    }
    out
}
