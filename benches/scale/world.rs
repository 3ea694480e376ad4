//! The generated world and config of the scale benchmark, and the exact lower bounds of the
//! calls a plan of them needs.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub workspaces: usize,
    pub participants: usize,
    pub members: usize,
    pub teams: usize,
    pub drift: f64,
    pub latency_ms: u64,
    pub rate_limit: u32,
    pub rate: f64,
    pub parallelism: usize,
}

pub const PAGE: usize = 100;
pub const TEAM_SIZE: usize = 10;
pub const TEAMS_PER_WS: usize = 2;

pub fn user(u: usize) -> String {
    format!("user{u}@bench.org")
}

/// The user participants of workspace `w` (after its team participants).
pub fn ws_users(s: &Sizes, w: usize) -> Vec<usize> {
    let k = s.participants.saturating_sub(TEAMS_PER_WS.min(s.teams));
    (0..k)
        .map(|i| 1 + (w * 31 + i * 7) % (s.members - 1))
        .fold(Vec::new(), |mut v, u| {
            if !v.contains(&u) {
                v.push(u);
            }
            v
        })
}

pub fn ws_teams(s: &Sizes, w: usize) -> Vec<usize> {
    (0..TEAMS_PER_WS.min(s.teams))
        .map(|k| (w + k * 3) % s.teams)
        .fold(Vec::new(), |mut v, t| {
            if !v.contains(&t) {
                v.push(t);
            }
            v
        })
}

pub const ROLES: [&str; 4] = ["view", "launch", "maintain", "admin"];

/// The declared role of the `i`th user participant of workspace `w`, and whether the live one
/// differs (drift).
pub fn role(s: &Sizes, w: usize, i: usize) -> (&'static str, bool) {
    let want = ROLES[(w + i) % 4];
    let drifted = ((w * 7919 + i * 104_729) % 10_000) as f64 / 10_000.0 < s.drift;
    (want, drifted)
}

pub fn world_yaml(s: &Sizes) -> String {
    let mut y = String::from("users:\n");
    for u in 0..s.members {
        let token = if u == 0 { ", token: bench-token" } else { "" };
        let _ = writeln!(y, "  - {{email: {}, userName: user{u}{token}}}", user(u));
    }
    y.push_str("organizations:\n  - name: bench\n    members:\n");
    for u in 0..s.members {
        let role = if u == 0 { "owner" } else { "member" };
        let _ = writeln!(y, "      - {{email: {}, role: {role}}}", user(u));
    }
    y.push_str("    teams:\n");
    for t in 0..s.teams {
        let ms: Vec<String> = (0..TEAM_SIZE)
            .map(|k| user(1 + (t * TEAM_SIZE + k) % (s.members - 1)))
            .collect();
        let _ = writeln!(
            y,
            "      - name: team-{t}\n        members: [{}]",
            ms.join(", ")
        );
    }
    y.push_str("    workspaces:\n");
    for w in 0..s.workspaces {
        let _ = writeln!(y, "      - name: ws-{w}\n        participants:");
        for t in ws_teams(s, w) {
            let _ = writeln!(y, "          - {{team: team-{t}, role: maintain}}");
        }
        for (i, u) in ws_users(s, w).into_iter().enumerate() {
            let (want, drifted) = role(s, w, i);
            let live = if drifted {
                ROLES[(w + i + 1) % 4]
            } else {
                want
            };
            let _ = writeln!(y, "          - {{email: {}, role: {live}}}", user(u));
        }
    }
    y
}

pub fn ws_file(s: &Sizes, w: usize, bump: bool) -> String {
    let mut f = format!("kind: Workspace\norg: bench\nname: ws-{w}\nparticipants:\n");
    for t in ws_teams(s, w) {
        let _ = writeln!(f, "  - {{team: team-{t}, role: maintain}}");
    }
    for (i, u) in ws_users(s, w).into_iter().enumerate() {
        let (mut want, _) = role(s, w, i);
        if bump && i == 0 {
            want = if want == "admin" { "view" } else { "admin" };
        }
        let _ = writeln!(f, "  - {{user: {}, role: {want}}}", user(u));
    }
    f
}

pub fn git(dir: &Path, args: &[&str]) -> anyhow::Result<()> {
    let ok = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.org",
        ])
        .args(args)
        .output()?
        .status
        .success();
    anyhow::ensure!(ok, "git {args:?} failed");
    Ok(())
}

/// The config (every member, team and workspace declared, as the world is without drift),
/// committed in a git repository.
pub fn config_repo(s: &Sizes, endpoint: &str) -> anyhow::Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    std::fs::write(
        d.join("roster.yaml"),
        format!(
            "kind: Settings\nplatforms:\n  bench:\n    endpoint: {endpoint}\npolicy:\n  maxRemovalFraction: 1.0\n  minOrgOwners: 1\n"
        ),
    )?;
    let mut org = String::from("kind: Organization\nname: bench\nmembers:\n");
    for u in 0..s.members {
        let role = if u == 0 { "owner" } else { "member" };
        let _ = writeln!(org, "  - {{user: {}, role: {role}}}", user(u));
    }
    org.push_str("teams:\n");
    for t in 0..s.teams {
        let ms: Vec<String> = (0..TEAM_SIZE)
            .map(|k| user(1 + (t * TEAM_SIZE + k) % (s.members - 1)))
            .collect();
        let _ = writeln!(org, "  - name: team-{t}\n    members: [{}]", ms.join(", "));
    }
    std::fs::write(d.join("org.yaml"), org)?;
    std::fs::create_dir(d.join("ws"))?;
    for w in 0..s.workspaces {
        std::fs::write(d.join(format!("ws/ws-{w}.yaml")), ws_file(s, w, false))?;
    }
    git(d, &["init", "-q", "-b", "main"])?;
    git(d, &["add", "-A"])?;
    git(d, &["commit", "-qm", "config"])?;
    Ok(dir)
}

pub fn pages(n: usize) -> u64 {
    n.div_ceil(PAGE).max(1) as u64
}

/// The fewest reads any tool needs to know the state the config covers: the acting user, the
/// org list, every page of members, collaborators and teams, the workspace list, every page of
/// each managed team's members and of each declared workspace's participants.
pub fn read_bound(s: &Sizes) -> u64 {
    let participants: u64 = (0..s.workspaces)
        .map(|w| pages(ws_users(s, w).len() + ws_teams(s, w).len()))
        .sum();
    1 + 1
        + pages(s.members)
        + 1
        + pages(s.teams)
        + 1
        + s.teams as u64 * pages(TEAM_SIZE)
        + participants
}

/// The fewest calls of a one-workspace change, whatever the org's size: the user, the org list,
/// the collaborators, the teams (to resolve team participants), the workspace list, the
/// workspace's participants, and at least one read of the org's members (to know which of its
/// users are members).
pub fn scoped_bound(s: &Sizes, w: usize) -> u64 {
    1 + 1 + 1 + pages(s.teams) + 1 + pages(ws_users(s, w).len() + ws_teams(s, w).len()) + 1
}

pub fn drifted(s: &Sizes) -> u64 {
    (0..s.workspaces)
        .map(|w| {
            (0..ws_users(s, w).len())
                .filter(|&i| role(s, w, i).1)
                .count() as u64
        })
        .sum()
}
