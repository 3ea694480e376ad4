//! Preflight (issue 11): the acting user's rights are checked before a plan is shown. A member's
//! token never plans to create a workspace it cannot see, org-level changes need an org owner,
//! and a community admin who administers one workspace plans and applies its participants.

use crate::support::{Platform, config_dir, roster, stderr, stdout};

const WORLD: &str = "users:
  - {email: ops@lab.org, userName: ops, token: owner-token}
  - {email: bob@lab.org, userName: bob, token: bob-token}
  - {email: amy@lab.org, userName: amy}
  - {email: new@uni.edu, userName: newbie}
organizations:
  - name: lab
    members:
      - {email: ops@lab.org, role: owner}
      - {email: bob@lab.org}
      - {email: amy@lab.org}
    workspaces:
      - name: hidden
        visibility: PRIVATE
        participants:
          - {email: amy@lab.org, role: launch}
      - name: community
        participants:
          - {email: bob@lab.org, role: admin}
          - {email: amy@lab.org, role: view}
";

fn run(p: &Platform, token: &str, config: &str, args: &[&str]) -> std::process::Output {
    let dir = config_dir(&[(
        "c.yaml",
        &format!(
            "kind: Settings\nplatforms:\n  lab:\n    endpoint: {}\n    tokenEnv: LAB_TOKEN\npolicy:\n  minOrgOwners: 1\n  maxRemovalFraction: 1.0\n---\n{config}",
            p.url()
        ),
    )]);
    let out = roster()
        .args(args)
        .arg(dir.path())
        .env("LAB_TOKEN", token)
        .output()
        .unwrap();
    drop(dir);
    out
}

#[test]
fn a_members_token_never_plans_to_create_a_workspace_it_cannot_see() {
    let p = Platform::start(WORLD);
    let cfg = "kind: Organization\nname: lab\n---\nkind: Workspace\norg: lab\nname: hidden\nparticipants:\n  - {user: amy@lab.org, role: launch}\n  - {user: bob@lab.org, role: view}\n";
    for cmd in [&["plan"][..], &["apply", "--auto-approve"][..]] {
        let out = run(&p, "bob-token", cfg, cmd);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("workspace lab/hidden"), "{err}");
        assert!(err.contains("bob <bob@lab.org>"), "{err}");
        assert!(err.contains("owner of the organization"), "{err}");
        assert!(!stdout(&out).contains("+ workspace"), "{}", stdout(&out));
    }
    assert_eq!(p.writes(), 0);
}

#[test]
fn org_level_changes_need_an_org_owner() {
    let p = Platform::start(WORLD);
    let cfg = "kind: Organization\nname: lab\nmembers:\n  - {user: ops@lab.org, role: owner}\n  - user: bob@lab.org\n";
    let out = run(&p, "bob-token", cfg, &["plan"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("organization lab"), "{err}");
    assert!(err.contains("owner of the organization"), "{err}");
    assert!(err.contains("is a member of it"), "{err}");
    // The owner's token plans the same config.
    let out = run(&p, "owner-token", cfg, &["plan"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_workspace_admin_applies_its_participants_but_not_the_owner_role() {
    let p = Platform::start(WORLD);
    let cfg = "kind: Organization\nname: lab\n---\nkind: Workspace\norg: lab\nname: community\nparticipants:\n  - {user: bob@lab.org, role: admin}\n  - {user: amy@lab.org, role: view}\n  - {user: new@uni.edu, role: launch}\n";
    // The community admin (an admin of this one workspace, a plain org member) plans and applies.
    let out = run(&p, "bob-token", cfg, &["apply", "--auto-approve"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(p.writes() > 0);
    let out = run(&p, "bob-token", cfg, &["plan", "--detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "converged: {}", stdout(&out));
    // Granting the owner role needs a workspace owner.
    let owner = cfg.replace(
        "{user: amy@lab.org, role: view}",
        "{user: amy@lab.org, role: owner}",
    );
    p.reset_stats();
    let out = run(&p, "bob-token", &owner, &["plan"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("workspace lab/community"), "{err}");
    assert!(err.contains("owner role"), "{err}");
    assert_eq!(p.writes(), 0);
}
