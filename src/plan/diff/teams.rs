//! Changes to an organization's teams and their members, and their links to IdP groups.
//!
//! A team that follows an IdP group keeps the members the identity provider gives it: roster
//! plans no member change for it and says why (an unmanaged entry for its membership). The
//! link itself is planned from the config's `idpGroup`: on create (`idpGroupId`), on update
//! (every update of a linked team sends its link, so a rename never unlinks it by omission), and
//! `idpGroup: null` unlinks a team, which makes the platform remove its members: that update is
//! flagged as removing access, and the members the config lists are added back after it.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::Differ;
use super::draft::{Draft, attrs};
use crate::config::desired::{IdpLink, Org, Team};
use crate::live::{IdpCatalogue, LiveOrg, LiveTeam};
use crate::plan::model::{Action, Address, Attrs, Exec, Kind, Ref, Risk, TeamLink, Unmanaged};

/// What the plan does with one declared team's IdP group link.
struct Link {
    /// What an update of the team sends (`None`: the field is left out).
    send: Option<TeamLink>,
    /// The catalogue entry a create links the new team to.
    create: Option<i64>,
    /// The group before and after, shown when the config manages the link.
    shown: Option<(Value, Value)>,
    /// The plan changes the link.
    changed: bool,
    /// The group the team follows once the plan is applied: no member changes then.
    follows_after: Option<String>,
    /// The plan unlinks a linked team: the platform removes its members.
    purges: bool,
}

fn link(catalogue: Option<&IdpCatalogue>, t: &Team, lt: Option<&LiveTeam>) -> Link {
    let current = lt.and_then(|lt| lt.idp_group.as_ref().map(|g| (g.id, lt.idp_group_shown())));
    let current_name = current.as_ref().and_then(|(_, n)| n.clone());
    let resolved = t.follows().and_then(|name| catalogue?.group(name));
    let keep = Link {
        send: current.as_ref().map(|(id, _)| TeamLink::Link(*id)),
        create: None,
        shown: None,
        changed: false,
        follows_after: current_name.clone(),
        purges: false,
    };
    let shown = |after: Value| Some((json!(current_name), after));
    match &t.idp_group {
        None => keep,
        Some(IdpLink::Follows(name)) => match resolved {
            // Not in the catalogue: the plan is refused before it is shown (`plan::idp`).
            None => Link {
                follows_after: Some(name.clone()),
                ..keep
            },
            Some(g) => Link {
                send: Some(TeamLink::Link(g.id)),
                create: Some(g.id),
                shown: shown(json!(name)),
                changed: current.as_ref().is_none_or(|(id, _)| *id != g.id),
                follows_after: Some(name.clone()),
                purges: false,
            },
        },
        Some(IdpLink::Unlinked) => Link {
            send: current.as_ref().map(|_| TeamLink::Unlink),
            create: None,
            shown: shown(Value::Null),
            changed: current.is_some(),
            follows_after: None,
            purges: current.is_some(),
        },
    }
}

/// Name and description, with the IdP group when the config manages the link.
fn team_attrs(name: &str, description: &Option<String>, group: Option<Value>) -> Attrs {
    let mut a = attrs([("name", json!(name)), ("description", json!(description))]);
    if let Some(g) = group {
        a.insert("idpGroup".to_string(), g);
    }
    a
}

impl Differ<'_> {
    pub(super) fn teams(
        &mut self,
        org: &Org,
        live: Option<&LiveOrg>,
        org_ref: &Ref,
        org_dep: &Option<Address>,
    ) {
        let Some(teams) = &org.teams else {
            return;
        };
        for t in teams {
            let taddr = Address::team(&org.name, &t.name);
            let lt = self.ix(org).live.as_ref().and_then(|l| l.team(&t.name));
            let team_ref = match lt {
                Some(lt) => Ref::Id(lt.id),
                None => Ref::CreatedBy(taddr.clone()),
            };
            let link = link(live.and_then(|l| l.idp_catalogue.as_ref()), t, lt);
            match lt {
                None => {
                    let group = link.create.and(t.follows()).map(|g| json!(g));
                    let after = team_attrs(&t.name, &t.description, group);
                    let exec = Exec::CreateTeam {
                        org: org_ref.clone(),
                        name: t.name.clone(),
                        description: t.description.clone(),
                        idp_group_id: link.create,
                    };
                    let note = t.follows().filter(|_| link.create.is_some()).map(|g| {
                        format!(
                            "follows IdP group `{g}`: the identity provider gives it its members at each SSO login"
                        )
                    });
                    self.push(
                        Draft::create(Kind::Team, taddr.clone(), after, exec)
                            .after_deps(org_dep.iter().cloned())
                            .maybe_note(note),
                    );
                }
                Some(lt) => {
                    let description = t.description.clone().or(lt.description.clone());
                    if lt.name != t.name || description != lt.description || link.changed {
                        let l = live.expect("live team implies live org");
                        let (before_group, after_group) = link.shown.clone().unzip();
                        let before = team_attrs(&lt.name, &lt.description, before_group);
                        let after = team_attrs(&t.name, &description, after_group);
                        let exec = Exec::UpdateTeam {
                            org_id: l.id,
                            team_id: lt.id,
                            name: t.name.clone(),
                            description,
                            idp_group: link.send,
                        };
                        let mut draft =
                            Draft::update(Kind::Team, taddr.clone(), Some(before), after, exec)
                                .maybe_note(link_note(t, lt, &link));
                        if link.purges {
                            draft = draft.risks(vec![Risk::RemovesAccess]);
                        }
                        self.push(draft);
                    }
                }
            }
            if let Some(group) = &link.follows_after {
                // Whether or not the config lists members: the provider owns them.
                self.unmanaged.push(Unmanaged {
                    address: Address::team_members(&org.name, &t.name),
                    reason: format!(
                        "team follows IdP group `{group}`: the identity provider manages its members at each SSO login, so roster plans no member changes"
                    ),
                });
                continue;
            }
            let Some(want) = &t.members else { continue };
            // Unlinking removes every member: the declared ones are added back after it.
            let current = lt
                .filter(|_| !link.purges)
                .and_then(|lt| lt.members.as_ref());
            for u in want.iter().map(|m| &m.user) {
                if current.is_some_and(|c| c.iter().any(|m| m.is(u.as_str()))) {
                    continue;
                }
                let maddr = Address::member(&org.name, u.as_str());
                let mut deps: BTreeSet<Address> = org_dep.iter().cloned().collect();
                if lt.is_none() || link.purges {
                    deps.insert(taddr.clone());
                }
                if self.action_of(&maddr) == Some(Action::Create) {
                    deps.insert(maddr);
                }
                let after = attrs([("team", json!(t.name)), ("user", json!(u.as_str()))]);
                let exec = Exec::AddTeamMember {
                    org: org_ref.clone(),
                    team: team_ref.clone(),
                    user: u.as_str().to_string(),
                };
                let note = (link.purges && lt.is_some_and(|lt| holds(lt, u.as_str())))
                    .then(|| "added back after the unlink removes every member".to_string());
                self.push(
                    Draft::create(
                        Kind::TeamMember,
                        Address::team_member(&org.name, &t.name, u.as_str()),
                        after,
                        exec,
                    )
                    .after_deps(deps)
                    .maybe_note(note),
                );
            }
            if let (Some(l), Some(lt), Some(current)) = (live, lt, current) {
                for m in current {
                    if want.iter().any(|u| m.is(u.user.as_str())) {
                        continue;
                    }
                    let key = m.key();
                    let before = attrs([("team", json!(lt.name)), ("user", json!(key))]);
                    let exec = Exec::RemoveTeamMember {
                        org_id: l.id,
                        team_id: lt.id,
                        member_id: m.member_id,
                    };
                    self.push(
                        Draft::delete(
                            Kind::TeamMember,
                            Address::team_member(&org.name, &t.name, &key),
                            before,
                            exec,
                        )
                        .risks(vec![Risk::RemovesAccess]),
                    );
                }
            }
        }
        if let Some(l) = live {
            for lt in &l.teams {
                if teams.iter().any(|t| t.name.eq_ignore_ascii_case(&lt.name)) {
                    continue;
                }
                let taddr = Address::team(&org.name, &lt.name);
                if let Some(group) = lt.idp_group_shown() {
                    self.unmanaged.push(Unmanaged {
                        address: taddr,
                        reason: format!(
                            "team not declared, and it follows IdP group `{group}`: roster does not delete it (declare it with `idpGroup: null` to unlink it first)"
                        ),
                    });
                    continue;
                }
                let before = attrs([
                    ("name", json!(lt.name)),
                    ("description", json!(lt.description)),
                ]);
                let exec = Exec::DeleteTeam {
                    org_id: l.id,
                    team_id: lt.id,
                };
                self.push(
                    Draft::delete(Kind::Team, taddr, before, exec)
                        .risks(vec![Risk::Destructive, Risk::RemovesAccess])
                        .note("its members lose the access the team gives in every workspace"),
                );
            }
        }
    }
}

/// Whether a live team's read members include `user`.
fn holds(lt: &LiveTeam, user: &str) -> bool {
    lt.members.iter().flatten().any(|m| m.is(user))
}

/// Why an update of a team's IdP group link does what it does.
fn link_note(t: &Team, lt: &LiveTeam, link: &Link) -> Option<String> {
    if !link.changed {
        return None;
    }
    let n = lt.members.as_ref().map_or(lt.members_count, Vec::len);
    let members = |n: usize| format!("{n} member{}", if n == 1 { "" } else { "s" });
    let was = lt.idp_group_shown();
    Some(match (&was, t.follows()) {
        (Some(old), None) => {
            let back = match &t.members {
                Some(ms) if !ms.is_empty() => ", then adds back the members the config lists",
                _ => "",
            };
            format!(
                "unlinks the team from IdP group `{old}`: the platform removes all its {}{back}",
                members(n)
            )
        }
        (Some(old), Some(new)) => format!(
            "now follows IdP group `{new}` instead of `{old}`: each member is checked against it at their next SSO login"
        ),
        (None, Some(new)) => format!(
            "from now on IdP group `{new}` gives the team its members, at each SSO login; its {} {} until then, and roster no longer changes them",
            members(n),
            if n == 1 { "stays" } else { "stay" }
        ),
        (None, None) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::{LiveIdpGroup, LiveIdpLink};

    fn team(idp_group: Option<IdpLink>) -> Team {
        Team {
            name: "t".into(),
            description: None,
            members: None,
            idp_group,
            idp_origin: Default::default(),
        }
    }

    fn live(group: Option<(i64, &str)>) -> LiveTeam {
        LiveTeam {
            id: 1,
            name: "t".into(),
            description: None,
            idp_managed: group.is_some(),
            idp_group: group.map(|(id, n)| LiveIdpLink {
                id,
                name: Some(n.into()),
            }),
            members_count: 3,
            members: None,
        }
    }

    fn catalogue() -> IdpCatalogue {
        let g = |id, name: &str| LiveIdpGroup {
            id,
            name: name.into(),
            source: "manual".into(),
        };
        IdpCatalogue::Groups(vec![g(7, "a"), g(8, "b")])
    }

    #[test]
    fn an_unmanaged_link_is_kept_and_sent_on_every_update() {
        let l = link(None, &team(None), Some(&live(Some((7, "a")))));
        assert_eq!(l.send, Some(TeamLink::Link(7)));
        assert!(!l.changed && !l.purges);
        assert_eq!(l.follows_after.as_deref(), Some("a"));
        let l = link(None, &team(None), Some(&live(None)));
        assert_eq!((l.send, l.follows_after), (None, None));
    }

    #[test]
    fn following_links_relinks_or_keeps_by_catalogue_id() {
        let c = catalogue();
        let follows = |g: &str| team(Some(IdpLink::Follows(g.into())));
        let l = link(Some(&c), &follows("b"), Some(&live(Some((7, "a")))));
        assert_eq!((l.send, l.changed), (Some(TeamLink::Link(8)), true));
        let l = link(Some(&c), &follows("a"), Some(&live(Some((7, "a")))));
        assert!(!l.changed);
        let l = link(Some(&c), &follows("b"), None);
        assert_eq!(l.create, Some(8));
        // A name the catalogue lacks plans no link (the plan is refused before it is shown).
        let l = link(Some(&c), &follows("B"), Some(&live(None)));
        assert!(!l.changed && l.send.is_none());
        assert_eq!(
            l.follows_after.as_deref(),
            Some("B"),
            "no member changes either"
        );
    }

    #[test]
    fn unlinking_purges_only_a_linked_team() {
        let l = link(
            None,
            &team(Some(IdpLink::Unlinked)),
            Some(&live(Some((7, "a")))),
        );
        assert_eq!(l.send, Some(TeamLink::Unlink));
        assert!(l.changed && l.purges && l.follows_after.is_none());
        let l = link(None, &team(Some(IdpLink::Unlinked)), Some(&live(None)));
        assert!(!l.changed && !l.purges && l.send.is_none());
    }
}
