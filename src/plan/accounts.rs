//! Who must log in once before apply. Seqera Enterprise adds to organizations, teams and
//! workspaces only users who already have an account (docs/seqera-api.md §6.3); Seqera Cloud
//! invites the others by email. No endpoint tells whether an email has an account, so what the
//! plan can know is which users it adds that nothing it read shows: no member, collaborator,
//! team member or participant of any organization read on that platform, nor the acting user.
//! Those are the users the BioCommons guide asks to log in once first. Pure: the caller decides
//! whether the platform adds only existing accounts, and supplies where each user is declared.

use std::collections::BTreeSet;

use super::model::{Action, Change, FirstLogin, Kind};
use crate::config::desired::UserSites;
use crate::live::{ActingUser, Live};

/// The users `changes` add (as members, team members or participants) that `live` does not
/// show anywhere, lower-cased and sorted.
pub fn unseen_users(changes: &[Change], live: &Live, acting: &ActingUser) -> BTreeSet<String> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut see = |email: &str, name: &str| {
        for s in [email, name] {
            if !s.is_empty() {
                seen.insert(s.to_lowercase());
            }
        }
    };
    see(&acting.email, &acting.user_name);
    for org in live.orgs.values() {
        let team_members = org.teams.iter().flat_map(|t| t.members.iter().flatten());
        for m in org
            .members
            .iter()
            .chain(&org.collaborators)
            .chain(team_members)
        {
            see(&m.email, &m.user_name);
        }
        for p in org
            .workspaces
            .iter()
            .flat_map(|w| w.participants.iter().flatten())
        {
            see(
                p.email.as_deref().unwrap_or(""),
                p.user_name.as_deref().unwrap_or(""),
            );
        }
    }
    changes
        .iter()
        .filter(|c| c.action == Action::Create)
        .filter(|c| matches!(c.kind, Kind::Member | Kind::TeamMember | Kind::Participant))
        .filter_map(|c| c.address.user())
        .map(str::to_lowercase)
        .filter(|u| !seen.contains(u))
        .collect()
}

/// The first logins for `users` of `platform`, each with where the config names them.
pub fn first_logins(
    platform: &str,
    endpoint: &str,
    users: &BTreeSet<String>,
    sites: &UserSites,
) -> Vec<FirstLogin> {
    users
        .iter()
        .map(|u| {
            let mut declared: Vec<String> = Vec::new();
            for s in sites.0.iter().filter(|s| s.user.as_str() == u) {
                if !declared.contains(&s.origin.0) {
                    declared.push(s.origin.0.clone());
                }
            }
            FirstLogin {
                platform: platform.to_string(),
                endpoint: endpoint.to_string(),
                user: u.clone(),
                declared,
            }
        })
        .collect()
}
