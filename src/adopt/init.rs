//! `roster init`'s scaffold: the files of a new, empty config repository — Settings with a
//! commented policy, the JSON Schema its modelines name, the GitHub workflows (text given by the
//! caller), CODEOWNERS, `.gitignore` and a README saying where things go. Pure: it returns
//! `(path, text)` pairs and must not touch the file system.

use crate::adopt::{SCHEMA_PATH, modeline};

/// What the scaffold's Settings name.
#[derive(Debug, Clone)]
pub struct Platform<'a> {
    pub name: &'a str,
    pub endpoint: &'a str,
    pub token_env: &'a str,
}

/// The Settings document of a new repository, with every policy knob explained.
pub fn settings(p: &Platform<'_>) -> String {
    let mut d = crate::adopt::yaml::Doc::new();
    d.comment(0, modeline("roster.yaml").trim_start_matches("# "));
    d.comment(0, "");
    d.comment(
        0,
        "Settings: where the platform is, and the policy every plan and apply must respect.\n\
         One Settings document per repository. Organizations go in organizations/ORG.yaml and\n\
         workspaces in workspaces/ORG/NAME.yaml (any layout works; these are conventions).",
    );
    d.raw_field(0, "kind", "Settings");
    d.open(0, "platforms");
    d.open(2, &crate::adopt::yaml::scalar(p.name));
    d.field(4, "endpoint", p.endpoint);
    d.comment(
        4,
        "The environment variable holding the token (never the token itself).",
    );
    d.field(4, "tokenEnv", p.token_env);
    d.open(0, "policy");
    d.comment(
        2,
        "Only accounts from these email domains (and their subdomains) may get access:",
    );
    d.comment(2, "allowedEmailDomains: [example.org]");
    d.comment(
        2,
        "Never fewer owners per organization: one person leaving must not orphan it.",
    );
    d.raw_field(2, "minOrgOwners", "2");
    d.comment(
        2,
        "The highest workspace role a collaborator (not an org member) may hold.",
    );
    d.field(2, "collaboratorMaxRole", "launch");
    d.comment(
        2,
        "Refuse a plan that removes more than this share of existing access at once.",
    );
    d.raw_field(2, "maxRemovalFraction", "0.25");
    d.finish()
}

/// CODEOWNERS: the platform team owns everything until communities are given their files.
pub fn codeowners() -> String {
    "\
# Who must approve a change (with branch protection requiring code-owner review). Replace
# OWNER/TEAM with your GitHub organization and teams; give each community its workspace files:
#   /workspaces/ORG/genomics.yaml   @OWNER/genomics-admins
*               @OWNER/platform-team
/roster.yaml    @OWNER/platform-team
/.github/       @OWNER/platform-team
/schemas/       @OWNER/platform-team
"
    .to_string()
}

/// `.gitignore`: the sandbox's state and saved plans stay local.
pub fn gitignore() -> String {
    "\
# roster's local state: the sandbox emulator's state (`roster plan --sandbox`). The sandbox's
# seed world, .roster/sandbox.world.yaml, may be committed so everyone rehearses the same one.
.roster/sandbox/
# Saved plans (`roster plan --out`) and their Markdown parts.
*.plan.json
roster-plan*.md
"
    .to_string()
}

fn readme() -> String {
    format!(
        "\
# Access as code

This repository declares who has access to what on the Seqera Platform, for
[roster](https://github.com/OWNER/roster).

- `roster.yaml`: the platform's endpoint, the token's variable, and the policy.
- `organizations/ORG.yaml`: an organization's members (and owners) and teams.
- `workspaces/ORG/NAME.yaml`: a workspace's settings and participants.
- `{SCHEMA_PATH}`: the JSON Schema every file's first line points editors at.

Check a change with `roster validate`, see its effect with `roster plan`, and open a pull
request: the workflows in `.github/workflows/` post the plan and apply it on merge.
"
    )
}

/// Every file of a new repository: `workflows` are `(file name, text)` for `.github/workflows/`.
pub fn scaffold(
    p: &Platform<'_>,
    schema_json: &str,
    workflows: &[(&str, &str)],
) -> Vec<(String, String)> {
    let mut files = vec![
        ("roster.yaml".to_string(), settings(p)),
        (SCHEMA_PATH.to_string(), schema_json.to_string()),
        (".github/CODEOWNERS".to_string(), codeowners()),
        (".gitignore".to_string(), gitignore()),
        ("README.md".to_string(), readme()),
    ];
    for (name, text) in workflows {
        files.push((format!(".github/workflows/{name}"), text.to_string()));
    }
    files.sort();
    files
}
