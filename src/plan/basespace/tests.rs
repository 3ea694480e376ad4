//! The BaseSpace diff against the ledger, the checks against what the API reports, and the
//! access view, on small hand-built states.

use std::collections::BTreeMap;

use super::*;
use crate::config::desired::basespace::WorkgroupUser;
use crate::ledger::Ledger;
use crate::live::basespace::{BsActing, BsWorkgroupLive};

fn r(s: &str) -> Region {
    Region::new(s)
}

fn workgroup(tier: Tier) -> Workgroup {
    Workgroup {
        name: "Lab-Seq".into(),
        platform: "illumina".into(),
        regions: vec![r("use1"), r("euc1")],
        tier,
        domain: (tier == Tier::Enterprise).then(|| "uq".to_string()),
        email_domains: Vec::new(),
        collaborative: false,
        admins: Some(vec![UserRef::new("pi@uq.edu.au")]),
        users: Some(vec![
            WorkgroupUser {
                user: UserRef::new("new@uq.edu.au"),
                sequence_hub: vec![r("use1")],
                expires: None,
                reason: Some("honours project".into()),
            },
            WorkgroupUser {
                user: UserRef::new("post@uq.edu.au"),
                sequence_hub: vec![r("euc1"), r("use1")],
                expires: None,
                reason: None,
            },
            WorkgroupUser {
                user: UserRef::new("old@uq.edu.au"),
                sequence_hub: vec![r("use1")],
                expires: When::parse("2026-01-01").ok(),
                reason: Some("2025 intern".into()),
            },
        ]),
        origin: Default::default(),
    }
}

fn desired(w: Workgroup) -> BaseSpace {
    BaseSpace {
        platforms: BTreeMap::new(),
        workgroups: vec![w],
    }
}

fn confirm(l: &mut Ledger, user: &str, step: Step, role: Option<Role>, regions: &[&str]) {
    l.push(
        Record {
            platform: "illumina".into(),
            workgroup: "lab-seq".into(),
            user: UserRef::new(user),
            step,
            role,
            sequence_hub: regions.iter().map(|x| r(x)).collect(),
        },
        "2025-06-01T00:00:00Z".into(),
        "pi@uq.edu.au".into(),
    );
}

/// After the intern's expiry.
fn now() -> When {
    When::parse("2026-06-01").unwrap()
}

#[test]
fn an_empty_ledger_plans_every_member_as_an_invite_and_skips_the_expired() {
    let changes = diff(
        &desired(workgroup(Tier::Professional)),
        &LedgerState::default(),
        &now(),
    );
    let summary: Vec<&str> = changes.iter().map(|c| c.summary.as_str()).collect();
    assert_eq!(
        summary,
        [
            "invite `new@uq.edu.au` as a user: Sequence Hub – US",
            "invite `pi@uq.edu.au` as an admin",
            "invite `post@uq.edu.au` as a user: Sequence Hub – EU, Sequence Hub – US",
        ]
    );
    let new = &changes[0];
    assert_eq!(new.action, Action::Create);
    assert_eq!(new.verification, UNVERIFIABLE);
    assert_eq!(new.note.as_deref(), Some("reason: honours project"));
    assert_eq!(new.record.step, Step::Invite);
    assert_eq!(new.record.sequence_hub, [r("use1")]);
    assert!(
        new.steps
            .iter()
            .any(|s| s.contains("USERS tab and select Invite"))
    );
    assert!(
        new.steps
            .iter()
            .any(|s| s.contains("Sequence Hub – US: Has Access; Sequence Hub – EU: No Access"))
    );
    assert!(new.steps.last().unwrap().starts_with("Select Grant access"));
    assert_eq!(new.console, "https://basespace.illumina.com");
    // A Professional workgroup's admin is Illumina's to set.
    assert!(
        changes[1].steps[0].contains("Illumina"),
        "{:?}",
        changes[1].steps
    );
}

#[test]
fn the_ledger_is_subtracted_and_what_it_has_beyond_the_config_is_removed() {
    let mut l = Ledger::default();
    confirm(&mut l, "pi@uq.edu.au", Step::Invite, Some(Role::Admin), &[]);
    confirm(
        &mut l,
        "new@uq.edu.au",
        Step::Invite,
        Some(Role::User),
        &["use1"],
    );
    confirm(
        &mut l,
        "post@uq.edu.au",
        Step::Invite,
        Some(Role::User),
        &["use1"],
    );
    confirm(
        &mut l,
        "old@uq.edu.au",
        Step::Invite,
        Some(Role::User),
        &["use1"],
    );
    confirm(
        &mut l,
        "gone@uq.edu.au",
        Step::Invite,
        Some(Role::User),
        &["use1"],
    );
    let changes = diff(&desired(workgroup(Tier::Professional)), &l.state(), &now());
    let got: Vec<(&str, Action)> = changes
        .iter()
        .map(|c| (c.user.as_str(), c.action))
        .collect();
    assert_eq!(
        got,
        [
            ("gone@uq.edu.au", Action::Delete),
            ("old@uq.edu.au", Action::Delete),
            ("post@uq.edu.au", Action::Update),
        ]
    );
    assert_eq!(
        changes[1].note.as_deref(),
        Some("access expired on 2026-01-01 (reason: 2025 intern)")
    );
    assert!(
        changes[1]
            .steps
            .iter()
            .any(|s| s.contains("Pending Invites"))
    );
    assert_eq!(changes[1].record.step, Step::Remove);
    assert_eq!(changes[1].record.role, None);
    let post = &changes[2];
    assert_eq!(post.record.step, Step::ChangeAccess);
    assert_eq!(post.sequence_hub.before, ["use1"]);
    assert_eq!(post.sequence_hub.after, ["euc1", "use1"]);
    assert!(post.steps.iter().any(|s| s.contains("Change Access")));
    // `--expired-only` keeps the removal of the expired user alone: not the removal of one
    // taken out of the config, nor an access change.
    let d = desired(workgroup(Tier::Professional));
    let kept: Vec<&str> = changes
        .iter()
        .filter(|c| expired_removal(&d, c, &now()))
        .map(|c| c.user.as_str())
        .collect();
    assert_eq!(kept, ["old@uq.edu.au"]);
    // Once those are confirmed too, nothing is left.
    for c in &changes {
        l.push(
            c.record.clone(),
            "2026-06-01T00:00:00Z".into(),
            "pi@uq.edu.au".into(),
        );
    }
    assert!(diff(&desired(workgroup(Tier::Professional)), &l.state(), &now()).is_empty());
}

#[test]
fn unmanaged_lists_are_left_alone_and_roles_change_in_place() {
    let mut w = workgroup(Tier::Enterprise);
    w.users = None;
    w.admins = Some(vec![
        UserRef::new("pi@uq.edu.au"),
        UserRef::new("post@uq.edu.au"),
    ]);
    let mut l = Ledger::default();
    confirm(&mut l, "pi@uq.edu.au", Step::Invite, Some(Role::Admin), &[]);
    confirm(
        &mut l,
        "post@uq.edu.au",
        Step::Invite,
        Some(Role::User),
        &["use1"],
    );
    confirm(
        &mut l,
        "someone@uq.edu.au",
        Step::Invite,
        Some(Role::User),
        &["use1"],
    );
    let changes = diff(&desired(w), &l.state(), &now());
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(
        changes[0].summary,
        "make `post@uq.edu.au` an admin (a user until now)"
    );
    assert_eq!(changes[0].record.step, Step::ChangeRole);
    assert_eq!(changes[0].console, "https://uq.login.illumina.com/iam");
}

#[test]
fn the_access_view_marks_every_entry_as_manual_and_unverifiable() {
    let mut l = Ledger::default();
    confirm(
        &mut l,
        "post@uq.edu.au",
        Step::Invite,
        Some(Role::User),
        &["use1"],
    );
    confirm(
        &mut l,
        "gone@uq.edu.au",
        Step::Invite,
        Some(Role::User),
        &["use1"],
    );
    let changes = diff(&desired(workgroup(Tier::Professional)), &l.state(), &now());
    let view = access(&changes);
    let of = |u: &str| view.iter().find(|a| a.user == u).unwrap();
    assert_eq!(
        of("new@uq.edu.au").gains,
        ["BaseSpace illumina/Lab-Seq: user, Sequence Hub – US (manual; cannot be verified by API)"]
    );
    assert_eq!(
        of("post@uq.edu.au").changes,
        [
            "BaseSpace illumina/Lab-Seq: user, Sequence Hub – US → user, Sequence Hub – EU, Sequence Hub – US (manual; cannot be verified by API)"
        ]
    );
    assert_eq!(
        of("gone@uq.edu.au").loses,
        ["BaseSpace illumina/Lab-Seq: user, Sequence Hub – US (manual; cannot be verified by API)"]
    );
}

fn region_live(region: &str, sighting: Sighting) -> BsRegionLive {
    BsRegionLive {
        platform: "illumina".into(),
        region: r(region),
        endpoint: format!("http://127.0.0.1:9/basespace/{region}"),
        acting: BsActing {
            id: "1001".into(),
            name: "PI".into(),
            email: "pi@uq.edu.au".into(),
            context: None,
        },
        visible: vec!["other".into()],
        declared: [("lab-seq".to_string(), sighting)].into_iter().collect(),
    }
}

fn live_wg(plan: &str, collaborative: bool) -> Sighting {
    Sighting::Visible {
        workgroup: BsWorkgroupLive {
            id: "2001".into(),
            name: "lab-seq".into(),
            display_name: "Lab".into(),
            domain: "basespace".into(),
            collaborative: Some(collaborative),
            plan: Some(plan.into()),
            active: Some(true),
        },
    }
}

#[test]
fn each_mismatch_is_an_error_naming_the_workgroup_and_its_region() {
    let d = desired(workgroup(Tier::Professional));
    let ledger = LedgerState::default();
    let envs = BTreeMap::new();
    let run = |regions: &[BsRegionLive]| {
        check(&BsInput {
            desired: &d,
            ledger: &ledger,
            regions,
            token_envs: &envs,
            now: now(),
            expired_only: false,
        })
    };
    let (errors, targets) = run(&[
        region_live("use1", live_wg("Professional", false)),
        region_live("euc1", live_wg("Professional", false)),
    ]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(targets[0].workgroups["Lab-Seq"], "2001");
    let (errors, _) = run(&[
        region_live("use1", live_wg("Enterprise", true)),
        region_live("euc1", Sighting::NotVisible),
    ]);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(
        errors
            .iter()
            .all(|e| e.starts_with("BaseSpace workgroup `Lab-Seq` (platform illumina, region "))
    );
    assert!(errors[0].contains("IsCollaborative true"));
    assert!(errors[1].contains("subscription plan is Enterprise"));
    assert!(errors[2].contains("not visible") && errors[2].contains("other"));
    let (errors, targets) = run(&[
        region_live("use1", live_wg("Basic", false)),
        region_live(
            "euc1",
            Sighting::Ambiguous {
                ids: vec!["1".into(), "2".into()],
            },
        ),
    ]);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("matches 2 workgroups"));
    assert!(targets[0].warnings[0].contains("`Basic` does not tell its tier"));
}
