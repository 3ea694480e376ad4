//! The exact Admin Console steps of each BaseSpace change, as Illumina documents them (the
//! BaseSpace help on workgroups, KB 2874, and the Connected Software Admin Console pages; see
//! ../shared/basespace-api/NOTES.md section 6): switch to the workgroup, open Settings → Manage
//! workgroups → the workgroup, then on its USERS tab Invite (never the Administrators screen's
//! Invite, which invites as an admin), Change Access, or Remove. A Professional workgroup's admin
//! is set by Illumina, so changing it is a request to Illumina rather than a console step.
//!
//! Pure text from the workgroup and the change; it decides nothing.

use crate::config::desired::basespace::{Region, Tier, Workgroup};
use crate::ledger::Role;

/// What the Admin Console calls Sequence Hub in a region: `Sequence Hub – US`.
pub fn app_name(region: &Region) -> String {
    format!("Sequence Hub – {}", region.label())
}

/// `Sequence Hub – US, Sequence Hub – EU`, or `no application` for none.
pub fn access_list(regions: &[Region]) -> String {
    if regions.is_empty() {
        "no application".to_string()
    } else {
        regions.iter().map(app_name).collect::<Vec<_>>().join(", ")
    }
}

/// Where a person starts: the enterprise Admin Console, or BaseSpace in the workgroup's first
/// region.
pub fn console(w: &Workgroup) -> String {
    match (&w.domain, w.tier) {
        (Some(d), Tier::Enterprise) => format!("https://{d}.login.illumina.com/iam"),
        _ => w
            .regions
            .first()
            .and_then(|r| r.web())
            .unwrap_or("https://basespace.illumina.com")
            .to_string(),
    }
}

/// The steps that open the workgroup in the Admin Console.
fn open(w: &Workgroup) -> Vec<String> {
    let home = w.regions.first();
    let site = home
        .map(|r| {
            let web = r.web().map(|u| format!(" ({u})")).unwrap_or_default();
            format!("BaseSpace Sequence Hub – {}{web}", r.label())
        })
        .unwrap_or_else(|| "BaseSpace Sequence Hub".to_string());
    let mut steps = vec![
        format!(
            "Sign in to {site} as the workgroup's admin{}.",
            if w.tier == Tier::Enterprise {
                " (or a domain admin)"
            } else {
                ""
            }
        ),
        format!(
            "Switch to the workgroup `{}` (the menu under your name).",
            w.name
        ),
        format!(
            "Open Settings → Manage workgroups → `{}`{}.",
            w.name,
            match (&w.domain, w.tier) {
                (Some(d), Tier::Enterprise) => format!(
                    " (or the Admin Console directly: https://{d}.login.illumina.com/iam → Workgroups → `{}`)",
                    w.name
                ),
                _ => String::new(),
            }
        ),
    ];
    steps.shrink_to_fit();
    steps
}

/// "Has Access" for the regions given, "No Access" for the workgroup's other regions.
fn access_settings(w: &Workgroup, has: &[Region]) -> String {
    let mut parts: Vec<String> = w
        .regions
        .iter()
        .map(|r| {
            let v = if has.contains(r) {
                "Has Access"
            } else {
                "No Access"
            };
            format!("{}: {v}", app_name(r))
        })
        .collect();
    // A region a user has access in that the workgroup does not list (validation prevents it).
    for r in has.iter().filter(|r| !w.regions.contains(r)) {
        parts.push(format!("{}: Has Access", app_name(r)));
    }
    parts.join("; ")
}

/// Whom to enter, as the invite dialog asks.
fn who(user: &str) -> String {
    if user.contains('@') {
        format!("the email address `{user}`")
    } else {
        format!("the BaseSpace user ID `{user}`")
    }
}

/// Invite a user with Sequence Hub access in `regions`.
pub fn invite_user(w: &Workgroup, user: &str, regions: &[Region]) -> Vec<String> {
    let mut s = open(w);
    s.push("Open the USERS tab and select Invite (not Invite on the Administrators screen: that one invites as an admin).".into());
    s.push(format!("Enter {}.", who(user)));
    s.push(format!(
        "Set the application access: {}.",
        access_settings(w, regions)
    ));
    s.push("Select Grant access. The invitee gets an email and a dashboard notification.".into());
    s
}

/// Make `user` an admin (invite as one, or raise a user).
pub fn make_admin(w: &Workgroup, user: &str, already_user: bool) -> Vec<String> {
    if w.tier == Tier::Professional {
        return professional_admin(w, user);
    }
    let mut s = open(w);
    if already_user {
        s.push(format!(
            "Open the USERS tab, select `{user}`, and add them as a workgroup administrator."
        ));
    } else {
        s.push("Open the USERS tab and select Invite.".into());
        s.push(format!("Enter {}.", who(user)));
        s.push("Tick \"Add as workgroup administrators\".".into());
        s.push("Select Grant access.".into());
    }
    s
}

/// The admin of a Professional workgroup is set up by Illumina.
fn professional_admin(w: &Workgroup, user: &str) -> Vec<String> {
    vec![
        format!(
            "A Professional workgroup has exactly one admin, set up by Illumina; the Admin Console cannot change it. Ask your Illumina representative (or Illumina Technical Support) to make {} the admin of `{}`.",
            who(user),
            w.name
        ),
        "Confirm here once Illumina says it is done.".into(),
    ]
}

/// Take an admin's rights away, leaving them a user with `regions`.
pub fn make_user(w: &Workgroup, user: &str, regions: &[Region]) -> Vec<String> {
    if w.tier == Tier::Professional {
        let mut s = professional_admin(w, "the declared admin");
        s[0] = format!(
            "A Professional workgroup's admin is set up by Illumina; the Admin Console cannot change it. Ask your Illumina representative (or Illumina Technical Support) to make `{user}` a user of `{}` with {}.",
            w.name,
            access_list(regions)
        );
        return s;
    }
    let mut s = open(w);
    s.push(format!(
        "Open the Administrators tab, select `{user}`, and remove their administrator rights."
    ));
    s.push(format!(
        "Open the USERS tab, select `{user}`, select Change Access, and set: {}.",
        access_settings(w, regions)
    ));
    s.push("Save.".into());
    s
}

/// Change a user's Sequence Hub access to `regions`.
pub fn change_access(w: &Workgroup, user: &str, regions: &[Region]) -> Vec<String> {
    let mut s = open(w);
    s.push(format!(
        "Open the USERS tab, find `{user}`, and select Change Access."
    ));
    s.push(format!("Set: {}.", access_settings(w, regions)));
    s.push("Save.".into());
    s
}

/// Remove a member.
pub fn remove(w: &Workgroup, user: &str, role: Role) -> Vec<String> {
    if role == Role::Admin && w.tier == Tier::Professional {
        let mut s = professional_admin(w, user);
        s[0] = format!(
            "A Professional workgroup's admin is set up by Illumina; the Admin Console cannot remove it. Ask your Illumina representative (or Illumina Technical Support) to remove `{user}` as the admin of `{}`.",
            w.name
        );
        return s;
    }
    let mut s = open(w);
    let tab = match role {
        Role::Admin => "Administrators",
        Role::User => "USERS",
    };
    s.push(format!(
        "Open the {tab} tab, select `{user}`, and select Remove."
    ));
    s.push(format!(
        "If `{user}` is on the Pending Invites tab instead (they never accepted), the Admin Console cannot revoke the invitation: email Illumina Technical Support to revoke it."
    ));
    s
}
