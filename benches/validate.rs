//! Load-and-validate throughput: a generated repository of 2,000 workspace files with 30
//! participants each (issue 2's target: under 1 s in release mode). Run with
//! `cargo bench --bench validate`; it prints the best and median of several runs.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

fn generate(dir: &std::path::Path, workspaces: usize, participants: usize) {
    let mut org = String::from(
        "kind: Organization\nname: bench\nmembers:\n  - {user: owner1@bench.edu.au, role: owner}\n  - {user: owner2@bench.edu.au, role: owner}\n",
    );
    for u in 0..participants {
        writeln!(org, "  - user: user{u}@bench.edu.au").unwrap();
    }
    org.push_str("teams:\n  - name: admins\n    members: [owner1@bench.edu.au]\n");
    std::fs::write(dir.join("org.yaml"), org).unwrap();
    std::fs::write(
        dir.join("roster.yaml"),
        "kind: Settings\npolicy:\n  allowedEmailDomains: [edu.au]\n  minOrgOwners: 2\n  collaboratorMaxRole: launch\n",
    )
    .unwrap();
    let roles = ["admin", "maintain", "launch", "connect", "view"];
    std::fs::create_dir_all(dir.join("workspaces")).unwrap();
    for w in 0..workspaces {
        let mut s = format!(
            "# yaml-language-server: $schema=../schemas/roster.schema.json\nkind: Workspace\norg: bench\nname: ws-{w}\nfullName: Workspace {w}\nvisibility: private\nparticipants:\n  - team: admins\n    role: admin\n"
        );
        for p in 0..participants - 1 {
            writeln!(
                s,
                "  - user: user{p}@bench.edu.au\n    role: {}",
                roles[(w + p) % roles.len()]
            )
            .unwrap();
        }
        std::fs::write(dir.join(format!("workspaces/ws-{w}.yaml")), s).unwrap();
    }
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    generate(tmp.path(), 2000, 30);
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        let cfg = roster::config::read(tmp.path());
        times.push(start.elapsed());
        assert!(cfg.diags.is_empty(), "{:?}", &cfg.diags[..1]);
        assert_eq!(cfg.desired.orgs[0].workspaces.len(), 2000);
    }
    times.sort();
    println!(
        "validate 2000 workspace files x 30 participants: best {:?}, median {:?}",
        times[0],
        times[times.len() / 2]
    );
}
