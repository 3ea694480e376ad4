//! The fault knobs (docs/seqera-api.md section 11): seeded 503s (deterministic, half of failing writes
//! applied), the per-token rate limit, latency, stale reads, and `/_emulator/stats`.
//!
//! The rate-limit and stale-reads windows run on a [`ManualClock`] the tests advance, so they
//! assert the window edges exactly and never sleep.

use std::sync::Arc;
use std::time::{Duration, Instant};

use seqera_emulator::{ManualClock, Options, Stats};
use serde_json::json;

use super::{Emu, Send, WORLD};

/// The statuses of a fixed request sequence: team creates (writes) and team lists (reads).
async fn run_sequence(emu: &Emu) -> Vec<u16> {
    let org = emu.org_id("acme");
    let mut out = Vec::new();
    for i in 0..40 {
        let r = if i % 2 == 0 {
            let body = json!({"team": {"name": format!("team-{i}")}});
            emu.post("owner-token", &format!("/orgs/{org}/teams"), body)
                .await
        } else {
            emu.get("owner-token", &format!("/orgs/{org}/teams?max=100"))
                .await
        };
        out.push(r.status);
    }
    out
}

fn teams(emu: &Emu) -> Vec<String> {
    let w = emu.world();
    w.organizations[0]
        .teams
        .iter()
        .map(|t| t.name.value.clone())
        .collect()
}

#[tokio::test]
async fn seeded_faults_are_deterministic_and_half_of_failed_writes_are_applied() {
    let opts = |seed| Options {
        fail_rate: 0.5,
        seed,
        ..Options::default()
    };
    let a = Emu::start_with(WORLD, opts(7)).await;
    let b = Emu::start_with(WORLD, opts(7)).await;
    let c = Emu::start_with(WORLD, opts(8)).await;
    let (sa, sb, sc) = (
        run_sequence(&a).await,
        run_sequence(&b).await,
        run_sequence(&c).await,
    );
    assert_eq!(sa, sb, "same seed, same faults");
    assert_ne!(sa, sc, "another seed, other faults");
    assert_eq!(teams(&a), teams(&b), "same seed, same world");
    assert!(sa.contains(&503) && sa.contains(&200), "{sa:?}");

    // Some writes answered 503 were applied (lost responses), others were not.
    let created = teams(&a);
    let mut lost = 0;
    let mut refused = 0;
    for (i, status) in sa.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
        let applied = created.contains(&format!("team-{i}"));
        match (status, applied) {
            (200, true) => {}
            (503, true) => lost += 1,
            (503, false) => refused += 1,
            other => panic!("write {i}: {other:?}"),
        }
    }
    assert!(lost > 0 && refused > 0, "lost {lost}, refused {refused}");
    let stats = a.handle.stats();
    assert_eq!(stats.writes, 20 - refused, "{stats:?}");
    assert_eq!(stats.total, 40);
    assert_eq!(stats.count("CreateOrganizationTeam", 503), lost + refused);
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after_per_token() {
    let clock = Arc::new(ManualClock::new());
    let opts = Options {
        rate_limit: 3,
        clock: clock.clone(),
        ..Options::default()
    };
    let emu = Emu::start_with(WORLD, opts).await;
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let r = emu.get("owner-token", "/user-info").await;
        statuses.push(r.status);
        last = Some(r);
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
    let last = last.unwrap();
    assert_eq!(last.headers["retry-after"], "1");
    assert_eq!(last.body, json!({"message": "Too many requests"}));
    assert_eq!(
        emu.get("member-token", "/user-info").await.status,
        200,
        "per token"
    );
    // The emulator's own routes are never limited.
    for _ in 0..5 {
        assert_eq!(
            emu.raw(None, "GET", "/_emulator/stats", Send::None)
                .await
                .status,
            200
        );
    }
    clock.advance(Duration::from_millis(999));
    assert_eq!(
        emu.get("owner-token", "/user-info").await.status,
        429,
        "the same window until one second has passed"
    );
    clock.advance(Duration::from_millis(1));
    let statuses: Vec<u16> = {
        let mut v = Vec::new();
        for _ in 0..4 {
            v.push(emu.get("owner-token", "/user-info").await.status);
        }
        v
    };
    assert_eq!(statuses, [200, 200, 200, 429], "a new window of three");
}

#[tokio::test]
async fn latency_delays_every_api_answer() {
    let opts = Options {
        latency_ms: 150,
        ..Options::default()
    };
    let emu = Emu::start_with(WORLD, opts).await;
    let t = Instant::now();
    assert_eq!(emu.get("owner-token", "/user-info").await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));
    let t = Instant::now();
    assert_eq!(
        emu.call(None, "GET", "/user-info", Send::None).await.status,
        401
    );
    assert!(
        t.elapsed() >= Duration::from_millis(150),
        "errors are delayed too"
    );
}

#[tokio::test]
async fn stale_reads_show_the_previous_role_for_a_while() {
    let clock = Arc::new(ManualClock::new());
    let opts = Options {
        stale_reads_ms: 1_500,
        clock: clock.clone(),
        ..Options::default()
    };
    let emu = Emu::start_with(WORLD, opts).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let ws = emu.ws_id("acme", "genomics");
    let p = emu.participant_id("acme", "genomics", "member@example.org");
    let parts = format!("/orgs/{org}/workspaces/{ws}/participants?search=member@");
    let path = format!("/orgs/{org}/workspaces/{ws}/participants/{p}/role");
    assert_eq!(
        emu.put(t, &path, json!({"role": "admin"})).await.status,
        204
    );
    let m = emu.member_id("acme", "member@example.org");
    let mpath = format!("/orgs/{org}/members/{m}/role");
    assert_eq!(
        emu.put(t, &mpath, json!({"role": "owner"})).await.status,
        204
    );
    let listed = emu.get(t, &parts).await;
    assert_eq!(listed.body["participants"][0]["wspRole"], "launch", "stale");
    let members = emu
        .get(t, &format!("/orgs/{org}/members?search=member@"))
        .await;
    assert_eq!(members.body["members"][0]["role"], "member", "stale");
    // Still stale just before the window ends.
    clock.advance(Duration::from_millis(1_499));
    let listed = emu.get(t, &parts).await;
    assert_eq!(listed.body["participants"][0]["wspRole"], "launch", "stale");
    // The write took effect at once: the member may already act as an owner.
    clock.advance(Duration::from_millis(1));
    let listed = emu.get(t, &parts).await;
    assert_eq!(listed.body["participants"][0]["wspRole"], "admin", "fresh");
    let members = emu
        .get(t, &format!("/orgs/{org}/members?search=member@"))
        .await;
    assert_eq!(members.body["members"][0]["role"], "owner", "fresh");
}

#[tokio::test]
async fn stats_count_requests_per_operation_and_status_and_reset() {
    let emu = Emu::start(WORLD).await;
    let org = emu.org_id("acme");
    emu.get("owner-token", "/user-info").await;
    emu.get("owner-token", "/user-info").await;
    emu.call(None, "GET", "/user-info", Send::None).await;
    let team = json!({"team": {"name": "t-stats"}});
    emu.post("owner-token", &format!("/orgs/{org}/teams"), team.clone())
        .await;
    emu.post("owner-token", &format!("/orgs/{org}/teams"), team)
        .await;
    emu.raw(Some("owner-token"), "GET", "/no/such/route", Send::None)
        .await;
    let r = emu.raw(None, "GET", "/_emulator/stats", Send::None).await;
    let stats: Stats = serde_json::from_value(r.body.clone()).unwrap();
    assert_eq!(stats, emu.handle.stats());
    assert_eq!(stats.count("UserInfo", 200), 2);
    assert_eq!(stats.count("UserInfo", 401), 1);
    assert_eq!(stats.count("CreateOrganizationTeam", 200), 1);
    assert_eq!(stats.count("CreateOrganizationTeam", 409), 1);
    assert_eq!(stats.count("unmatched", 404), 1);
    assert_eq!(stats.writes, 1);
    assert_eq!(stats.total, 6);
    assert_eq!(
        r.body["requests"]["UserInfo"],
        json!({"200": 2, "401": 1}),
        "keyed by operationId then status"
    );
    let reset = emu
        .raw(None, "POST", "/_emulator/stats/reset", Send::None)
        .await;
    assert_eq!(reset.status, 204);
    assert_eq!(emu.handle.stats(), Stats::default());
}
