//! `roster plan --changed-from REF`: which parts of the config differ from git REF. A changed
//! Settings document puts everything in scope; a changed Organization document, that whole org;
//! a changed Workspace document, that workspace (the planner adds what it depends on).
//! Documents that were deleted declare nothing any more, so they add nothing to plan.
//! BaseSpace workgroups are outside units: their manual steps are always planned in full.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::config::Config;
use crate::config::load::Doc;
use crate::scope::{Address, Units};

/// Run git in `dir`, returning its stdout; a failure carries git's own message.
pub(super) fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .context("running git (is it installed?)")?;
    if !out.status.success() {
        bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

/// Files under `dir` that differ from `git_ref` (committed, staged or not, and untracked).
fn changed_files(dir: &Path, git_ref: &str) -> Result<BTreeSet<PathBuf>> {
    let git = |args: &[&str]| -> Result<String> {
        Ok(String::from_utf8_lossy(&git(dir, args)?).into_owned())
    };
    git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{git_ref}^{{commit}}"),
    ])
    .with_context(|| {
        format!(
            "--changed-from {git_ref}: not a commit of the repository at {}",
            dir.display()
        )
    })?;
    let mut files = BTreeSet::new();
    let diff = git(&[
        "diff",
        "--name-only",
        "--relative",
        "--no-renames",
        git_ref,
        "--",
        ".",
    ])?;
    let untracked = git(&["ls-files", "--others", "--exclude-standard", "--", "."])?;
    for line in diff.lines().chain(untracked.lines()) {
        if !line.trim().is_empty() {
            files.insert(dir.join(line.trim()));
        }
    }
    Ok(files)
}

/// The units of `cfg` whose documents are in files that differ from `git_ref`; `None` when
/// everything is in scope (the Settings changed).
pub fn units(dir: &Path, git_ref: &str, cfg: &Config) -> Result<Option<Units>> {
    let files = changed_files(dir, git_ref)?;
    let canonical: BTreeSet<PathBuf> = files.iter().filter_map(|f| f.canonicalize().ok()).collect();
    let same = |shown: &str| -> bool {
        let p = Path::new(shown);
        files.contains(p) || p.canonicalize().is_ok_and(|c| canonical.contains(&c))
    };
    let mut units = Units::new();
    for d in &cfg.loaded.docs {
        if !same(&cfg.loaded.sources.get(d.file).path) {
            continue;
        }
        match &d.doc {
            Doc::Settings(_) => return Ok(None),
            Doc::Organization(o) => {
                units.insert(Address::org(&o.name.value));
            }
            Doc::Workspace(w) => {
                units.insert(Address::workspace(&w.org.value, &w.name.value));
            }
            // BaseSpace changes are planned in full every time (they only read the API).
            Doc::BaseSpaceWorkgroup(_) => {}
        }
    }
    // A workspace of an org that is wholly in scope needs no unit of its own.
    let orgs: Vec<Address> = units.iter().filter(|u| u.is_org()).cloned().collect();
    units.retain(|u| u.is_org() || !orgs.iter().any(|o| u.is_within(o)));
    Ok(Some(units))
}
