//! The BaseSpace Sequence Hub part of the emulator: the read-only BSSH v2 routes roster calls
//! (`GET /v2/users/current`, `GET /v2/users/{id}/workgroups`, `GET /v2/workgroups/{id}`), for
//! each region of the world's `basespace` section, served under `/basespace/{region}`, so one
//! emulator stands in for every regional host (`http://HOST:PORT/basespace/use1` for
//! `https://api.basespace.illumina.com`). Answers follow the BSSH v2 swagger
//! (`tests/fixtures/basespace-api/bssh-v2-swagger.json`), which the contract tests validate them
//! against.
//!
//! The BSSH API has no route that lists a workgroup's members or changes them, so neither does
//! this emulator: the world's `members` of a workgroup only decide which workgroups a token's
//! user sees. Nothing here is written: the section is read-only and is saved to a state file as
//! it was loaded (with its ids filled in).
//!
//! This module owns the section's format ([`BaseSpaceWorld`]), its checks, the index built from
//! it, and the routes. It must not touch the Seqera store.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::error::Problem;
use crate::loc::Loc;

mod dto;
mod routes;

pub use dto::*;
pub use routes::BASESPACE_OPERATIONS;
pub(crate) use routes::router;

/// The `basespace` section of a world file: one entry per region, each an instance of its own
/// (users, tokens and workgroups are not shared between regions, as on BaseSpace).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BaseSpaceWorld {
    #[serde(default)]
    pub regions: Vec<BsRegion>,
}

/// One regional instance, served at `/basespace/{name}/v2/…`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BsRegion {
    /// The region code, e.g. `use1` or `euc1`: lower-case letters and digits.
    pub name: Loc<String>,
    #[serde(default)]
    pub users: Vec<BsUser>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workgroups: Vec<BsWorkgroup>,
}

/// A BaseSpace user. Only users with a `token` can call the API.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BsUser {
    /// The BaseSpace user ID (digits); generated when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Loc<String>>,
    pub email: Loc<String>,
    /// Defaults to the email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<Loc<String>>,
    /// The workgroup (by name) the token's context is, as `bs auth` gives when the browser is
    /// logged into a workgroup: `GET /v2/users/current` then answers with the workgroup as the
    /// current user (`IsWorkgroup`) and this user as `LoggedInUser`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Loc<String>>,
}

/// A workgroup and who belongs to it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BsWorkgroup {
    /// Generated when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Loc<String>>,
    pub name: Loc<String>,
    /// Defaults to `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `DomainName`; defaults to `basespace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(default)]
    pub collaborative: bool,
    /// `Subscription.Plan`, as BaseSpace words it (`Professional`, `Enterprise`…); default
    /// `Professional`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Whether the subscription is active (default true); inactive workgroups are left out of
    /// `activeonly=true` listings.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub active: bool,
    /// Users of this region (by email or id) who belong to the workgroup, admins included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Loc<String>>,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// The first generated user id; workgroup ids start at [`FIRST_WORKGROUP_ID`].
const FIRST_USER_ID: u64 = 10_001;
const FIRST_WORKGROUP_ID: u64 = 20_001;

impl BaseSpaceWorld {
    /// The section with every id filled in (what a state file holds): ids missing from the
    /// file are numbered in document order, skipping ids the file gives.
    pub fn with_ids(&self) -> BaseSpaceWorld {
        let mut out = self.clone();
        let taken: Vec<String> = out
            .regions
            .iter()
            .flat_map(|r| {
                let users = r.users.iter().filter_map(|u| u.id.as_ref());
                let wgs = r.workgroups.iter().filter_map(|w| w.id.as_ref());
                users.chain(wgs).map(|i| i.value.clone())
            })
            .collect();
        let next = |start: &mut u64| loop {
            let id = start.to_string();
            *start += 1;
            if !taken.contains(&id) {
                return id;
            }
        };
        let (mut u, mut w) = (FIRST_USER_ID, FIRST_WORKGROUP_ID);
        for r in &mut out.regions {
            for user in &mut r.users {
                if user.id.is_none() {
                    user.id = Some(Loc::new(next(&mut u)));
                }
            }
            for wg in &mut r.workgroups {
                if wg.id.is_none() {
                    wg.id = Some(Loc::new(next(&mut w)));
                }
            }
        }
        out
    }
}

/// Check the section: region names, unique regions, ids, emails, tokens and workgroup names,
/// and references (members, contexts) that name someone or something of the same region.
pub(crate) fn check(world: &BaseSpaceWorld) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut regions: HashMap<String, &Loc<String>> = HashMap::new();
    let mut tokens: HashMap<&str, &Loc<String>> = HashMap::new();
    for r in &world.regions {
        let name = &r.name;
        if name.value.is_empty()
            || !name
                .value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        {
            problems.push(Problem::at(
                name,
                format!("`{}` is not a region code", name.value),
                "lower-case letters and digits, e.g. use1 or euc1",
            ));
        }
        if let Some(first) = regions.insert(name.value.clone(), name) {
            problems.push(
                Problem::at(
                    name,
                    format!("region `{}` is declared twice", name.value),
                    "again here",
                )
                .also(first, "first declared here"),
            );
        }
        let mut ids: HashMap<&str, &Loc<String>> = HashMap::new();
        let mut emails: HashMap<String, &Loc<String>> = HashMap::new();
        for u in &r.users {
            if let Some(id) = &u.id {
                if id.value.is_empty() || !id.value.chars().all(|c| c.is_ascii_digit()) {
                    problems.push(Problem::at(
                        id,
                        format!("`{}` is not a BaseSpace user ID", id.value),
                        "digits only",
                    ));
                }
                if let Some(first) = ids.insert(&id.value, id) {
                    problems.push(
                        Problem::at(id, format!("id `{}` is used twice", id.value), "again here")
                            .also(first, "first used here"),
                    );
                }
            }
            if !u.email.value.contains('@') {
                problems.push(Problem::at(
                    &u.email,
                    format!("`{}` is not an email address", u.email.value),
                    "expected an email address",
                ));
            }
            if let Some(first) = emails.insert(u.email.value.to_ascii_lowercase(), &u.email) {
                problems.push(
                    Problem::at(
                        &u.email,
                        format!(
                            "user `{}` is declared twice in region `{}`",
                            u.email.value, name.value
                        ),
                        "again here",
                    )
                    .also(first, "first declared here"),
                );
            }
            if let Some(t) = &u.token
                && let Some(first) = tokens.insert(&t.value, t)
            {
                problems.push(
                    Problem::at(t, "a token is used twice", "again here")
                        .also(first, "first used here"),
                );
            }
        }
        let mut wg_names: HashMap<String, &Loc<String>> = HashMap::new();
        for w in &r.workgroups {
            if let Some(id) = &w.id
                && let Some(first) = ids.insert(&id.value, id)
            {
                problems.push(
                    Problem::at(id, format!("id `{}` is used twice", id.value), "again here")
                        .also(first, "first used here"),
                );
            }
            if let Some(first) = wg_names.insert(w.name.value.to_ascii_lowercase(), &w.name) {
                problems.push(
                    Problem::at(
                        &w.name,
                        format!(
                            "workgroup `{}` is declared twice in region `{}`",
                            w.name.value, name.value
                        ),
                        "again here",
                    )
                    .also(first, "first declared here"),
                );
            }
            for m in &w.members {
                let known = r.users.iter().any(|u| u.is(&m.value));
                if !known {
                    problems.push(Problem::at(
                        m,
                        format!("`{}` is not a user of region `{}`", m.value, name.value),
                        "members are emails or ids of this region's users",
                    ));
                }
            }
        }
        for u in &r.users {
            if let Some(c) = &u.context {
                match r
                    .workgroups
                    .iter()
                    .find(|w| w.name.value.eq_ignore_ascii_case(&c.value))
                {
                    None => problems.push(Problem::at(
                        c,
                        format!(
                            "workgroup `{}` is not declared in region `{}`",
                            c.value, name.value
                        ),
                        "a context names a workgroup of the same region",
                    )),
                    Some(w) if !w.members.iter().any(|m| u.is(&m.value)) => {
                        problems.push(Problem::at(
                            c,
                            format!(
                                "`{}` does not belong to workgroup `{}`",
                                u.email.value, c.value
                            ),
                            "a token's context is a workgroup its user belongs to",
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    problems
}

impl BsUser {
    /// Whether a reference (an email, any case, or an id) names this user.
    fn is(&self, who: &str) -> bool {
        self.email.value.eq_ignore_ascii_case(who.trim())
            || self.id.as_ref().is_some_and(|i| i.value == who.trim())
    }
}

/// The section as the routes read it: by region, with every id filled in.
#[derive(Debug, Default)]
pub(crate) struct BaseSpace {
    world: BaseSpaceWorld,
    /// Region name → index into `world.regions`.
    regions: BTreeMap<String, usize>,
}

/// Who called: the region, and the user's index in it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BsCaller {
    region: usize,
    user: usize,
}

impl BaseSpace {
    /// Index a checked section.
    pub fn build(world: Option<&BaseSpaceWorld>) -> BaseSpace {
        let world = world.map(BaseSpaceWorld::with_ids).unwrap_or_default();
        let regions = world
            .regions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.value.clone(), i))
            .collect();
        BaseSpace { world, regions }
    }

    /// The section with its ids, for the state file; `None` when the world has none.
    pub fn to_world(&self) -> Option<BaseSpaceWorld> {
        (!self.world.regions.is_empty()).then(|| self.world.clone())
    }

    fn region(&self, name: &str) -> Option<usize> {
        self.regions.get(name).copied()
    }

    /// The caller a token names in a region.
    fn caller(&self, region: usize, token: &str) -> Option<BsCaller> {
        let r = &self.world.regions[region];
        r.users
            .iter()
            .position(|u| u.token.as_ref().is_some_and(|t| t.value == token))
            .map(|user| BsCaller { region, user })
    }

    fn user(&self, c: BsCaller) -> &BsUser {
        &self.world.regions[c.region].users[c.user]
    }

    /// The workgroup a caller's token is in the context of, if any.
    fn context(&self, c: BsCaller) -> Option<&BsWorkgroup> {
        let name = self.user(c).context.as_ref()?;
        self.world.regions[c.region]
            .workgroups
            .iter()
            .find(|w| w.name.value.eq_ignore_ascii_case(&name.value))
    }

    /// The workgroups of the region the caller belongs to, in document order.
    fn workgroups_of(&self, c: BsCaller) -> impl Iterator<Item = &BsWorkgroup> {
        let user = self.user(c);
        self.world.regions[c.region]
            .workgroups
            .iter()
            .filter(move |w| w.members.iter().any(|m| user.is(&m.value)))
    }
}

/// A workgroup's id (always set once built).
fn id_of(w: &BsWorkgroup) -> &str {
    w.id.as_ref().map(|i| i.value.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> BaseSpaceWorld {
        serde_saphyr::from_str(yaml).unwrap()
    }

    #[test]
    fn ids_are_generated_in_document_order_around_given_ones() {
        let w = parse(
            "regions:\n  - name: use1\n    users:\n      - {email: a@x.org}\n      - {id: '10002', email: b@x.org}\n      - {email: c@x.org}\n    workgroups:\n      - {name: lab}\n",
        );
        let w = w.with_ids();
        let ids: Vec<&str> = w.regions[0]
            .users
            .iter()
            .map(|u| u.id.as_ref().unwrap().value.as_str())
            .collect();
        assert_eq!(ids, ["10001", "10002", "10003"]);
        assert_eq!(id_of(&w.regions[0].workgroups[0]), "20001");
        assert_eq!(w.with_ids(), w, "filling ids again changes nothing");
    }

    #[test]
    fn references_and_duplicates_are_checked_with_their_places() {
        let w = parse(
            "regions:\n  - name: use1\n    users:\n      - {email: a@x.org, token: t, context: nowhere}\n      - {email: A@x.org, token: t}\n    workgroups:\n      - {name: lab, members: [ghost@x.org]}\n  - name: USE1\n",
        );
        let problems = check(&w);
        let msgs: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert!(
            msgs.iter().any(|m| m.contains("declared twice in region")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("token is used twice")),
            "{msgs:?}"
        );
        assert!(msgs.iter().any(|m| m.contains("ghost@x.org")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("nowhere")), "{msgs:?}");
        assert!(
            msgs.iter().any(|m| m.contains("not a region code")),
            "{msgs:?}"
        );
        assert!(
            problems.iter().all(|p| p.line > 0),
            "every problem is located"
        );
    }
}
