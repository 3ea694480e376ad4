//! `roster plan --changed-from REF`: which parts of the config differ from git REF. A changed
//! Settings document puts everything in scope; a changed Organization document, that whole org;
//! a changed Workspace document, that workspace (the planner adds what it depends on).
//! Documents that were deleted declare nothing any more, so they add nothing to plan.
//! [`checkout`] extracts the config files committed at a ref (for its Settings, or its whole
//! desired state: the ends of grants a pull request sets are compared against it).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::config::desired::Desired;
use crate::config::load::Doc;
use crate::config::{self, Config};
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
        }
    }
    // A workspace of an org that is wholly in scope needs no unit of its own.
    let orgs: Vec<Address> = units.iter().filter(|u| u.is_org()).cloned().collect();
    units.retain(|u| u.is_org() || !orgs.iter().any(|o| u.is_within(o)));
    Ok(Some(units))
}

/// The regular YAML files (never a symlink, nothing hidden) committed under `dir` at `git_ref`
/// whose text `keep` accepts, written from git's object store into a new temporary directory.
/// `what` names what is read, for errors.
pub(super) fn checkout(
    dir: &Path,
    git_ref: &str,
    what: &str,
    keep: impl Fn(&[u8]) -> bool,
) -> Result<tempfile::TempDir> {
    let listing = git(dir, &["ls-tree", "-r", "-z", git_ref, "--", "."]).with_context(|| {
        format!(
            "--changed-from {git_ref}: reading {what} at {git_ref} in {}",
            dir.display()
        )
    })?;
    let tmp = tempfile::tempdir().context("a temporary directory for the config at a ref")?;
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split(' ');
        let (mode, kind, object) = (meta.next(), meta.next(), meta.next());
        let yaml = path.ends_with(".yaml") || path.ends_with(".yml");
        let hidden = path.split('/').any(|s| s.starts_with('.'));
        if kind != Some("blob") || !matches!(mode, Some("100644" | "100755")) || !yaml || hidden {
            continue;
        }
        let Some(object) = object else { continue };
        let text = git(dir, &["cat-file", "blob", object])?;
        if !keep(&text) {
            continue;
        }
        let target = tmp.path().join(path);
        if !target.starts_with(tmp.path()) || path.contains("..") {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, text)?;
    }
    Ok(tmp)
}

/// The desired state the config under `dir` declared at `git_ref`, when it was valid there
/// (`None` otherwise: nothing reliable to compare with).
pub fn desired_at_ref(dir: &Path, git_ref: &str) -> Result<Option<Desired>> {
    let tmp = checkout(dir, git_ref, "the config", |_| true)?;
    let cfg = config::read(tmp.path());
    Ok((!cfg.has_errors()).then_some(cfg.desired))
}
