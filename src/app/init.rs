//! `roster init DIR`: scaffold a new config repository (Settings with a commented policy, the
//! schema, GitHub workflows, CODEOWNERS, `.gitignore`), or with `--from-export` the same around
//! an export of a live platform. The files are spelled by `adopt::init`; this file only chooses
//! them and writes them. The workflows are the project's examples (examples/github/), built in.

use anyhow::Result;

use crate::adopt;
use crate::app::export::{self, refuse_non_empty, write_files};
use crate::app::{Outcome, Ui};
use crate::cli::InitArgs;

/// The example workflows, as the project ships them.
const WORKFLOWS: [(&str, &str); 4] = [
    (
        "roster-pr.yml",
        include_str!("../../examples/github/roster-pr.yml"),
    ),
    (
        "roster-apply.yml",
        include_str!("../../examples/github/roster-apply.yml"),
    ),
    (
        "roster-drift.yml",
        include_str!("../../examples/github/roster-drift.yml"),
    ),
    (
        "roster-expire.yml",
        include_str!("../../examples/github/roster-expire.yml"),
    ),
];

pub fn run(ui: &Ui, args: &InitArgs) -> Result<Outcome> {
    let ex = &args.export;
    refuse_non_empty(&ex.dir, ex.force)?;
    let endpoint = export::endpoint(ex);
    let platform = adopt::init::Platform {
        name: &ex.platform,
        endpoint: &endpoint,
        token_env: &ex.token_env,
    };
    let mut files = adopt::init::scaffold(&platform, &crate::config::schema_json(), &WORKFLOWS);
    if args.from_export {
        // The export's files win (its Settings name the platform read, its policy is commented
        // out so the first plan reports what exists rather than refusing it).
        let (exported, _) = export::collect(ui, ex)?;
        files.retain(|(p, _)| !exported.iter().any(|(q, _)| q == p));
        files.extend(exported);
        files.sort();
    }
    write_files(&ex.dir, &files)?;
    ui.status(format!(
        "Wrote {} files to {}. Next: edit roster.yaml, then `roster validate {}`.",
        files.len(),
        ex.dir.display(),
        ex.dir.display()
    ));
    Ok(Outcome::Success)
}
