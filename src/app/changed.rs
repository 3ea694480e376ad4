//! `roster plan --changed-from REF`: which parts of the config differ from git REF. A changed
//! Settings document puts everything in scope; a changed Organization document, that whole org;
//! a changed Workspace document, that workspace (the planner adds what it depends on).
//! Documents that were deleted declare nothing any more, so they add nothing to plan.
//! BaseSpace workgroups are outside units: their manual steps are always planned in full.
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
            // BaseSpace changes are planned in full every time (they only read the API).
            Doc::BaseSpaceWorkgroup(_) => {}
        }
    }
    // A workspace of an org that is wholly in scope needs no unit of its own.
    let orgs: Vec<Address> = units.iter().filter(|u| u.is_org()).cloned().collect();
    units.retain(|u| u.is_org() || !orgs.iter().any(|o| u.is_within(o)));
    Ok(Some(units))
}

/// The regular YAML files (never a symlink, nothing hidden) committed under `dir` at `git_ref`
/// that `keep` accepts (by their path relative to `dir`, and their text), written from git's
/// object store into a new temporary directory. `what` names what is read, for errors.
pub(super) fn checkout(
    dir: &Path,
    git_ref: &str,
    what: &str,
    keep: impl Fn(&str, &[u8]) -> bool,
) -> Result<tempfile::TempDir> {
    let listing = git(dir, &["ls-tree", "-r", "-z", git_ref, "--", "."]).with_context(|| {
        format!(
            "--changed-from {git_ref}: reading {what} at {git_ref} in {}",
            dir.display()
        )
    })?;
    let tmp = tempfile::tempdir().context("a temporary directory for the config at a ref")?;
    let entries: Vec<String> = listing
        .split(|b| *b == 0)
        .filter(|e| !e.is_empty())
        .map(|e| String::from_utf8_lossy(e).into_owned())
        .collect();
    let mut files: Vec<(&str, &str)> = Vec::new();
    for entry in &entries {
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
        files.push((path, object));
    }
    // One `git cat-file --batch` for every file, not a process per file (3,000 workspace files
    // cost seconds of process start-up otherwise).
    let objects: Vec<&str> = files.iter().map(|(_, o)| *o).collect();
    for ((path, _), text) in files.iter().zip(cat_files(dir, &objects)?) {
        if !keep(path, &text) {
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
///
/// With `scoped` (a change-scoped plan), only what a comparison within the plan's units needs:
/// the files that differ from `git_ref`, and those holding Settings or Organization documents
/// (which every workspace document refers to). The files that did not change declare the same
/// grants with the same ends on both sides, and reading 3,000 unchanged workspace files a second
/// time cost as much as loading the config.
pub fn desired_at_ref(dir: &Path, git_ref: &str, scoped: bool) -> Result<Option<Desired>> {
    let changed = if scoped {
        Some(changed_files(dir, git_ref)?)
    } else {
        None
    };
    let tmp = checkout(dir, git_ref, "the config", |path, text| {
        changed.as_ref().is_none_or(|c| {
            c.contains(&dir.join(path)) || {
                let text = String::from_utf8_lossy(text);
                text.contains("Organization") || text.contains("Settings")
            }
        })
    })?;
    let cfg = config::read(tmp.path());
    Ok((!cfg.has_errors()).then_some(cfg.desired))
}

/// The contents of git blobs `objects` (ids from `git ls-tree`), in order, read by one
/// `git cat-file --batch`.
fn cat_files(dir: &Path, objects: &[&str]) -> Result<Vec<Vec<u8>>> {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Command, Stdio};
    if objects.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running git (is it installed?)")?;
    let mut stdin = child.stdin.take().context("git cat-file's stdin")?;
    let input: Vec<u8> = objects
        .iter()
        .flat_map(|o| format!("{o}\n").into_bytes())
        .collect();
    // Written from another thread, so that a full stdout pipe cannot stall both sides.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let mut out = BufReader::new(child.stdout.take().context("git cat-file's stdout")?);
    let mut blobs = Vec::with_capacity(objects.len());
    let mut header = String::new();
    for object in objects {
        header.clear();
        out.read_line(&mut header)?;
        // `<id> blob <size>`, or `<id> missing`.
        let size: usize = match header.trim_end().rsplit_once(' ') {
            Some((head, size)) if head.ends_with(" blob") => size.parse().ok(),
            _ => None,
        }
        .with_context(|| {
            format!("git cat-file --batch: unexpected answer for {object}: {header:?}")
        })?;
        let mut blob = vec![0; size + 1]; // the contents and a newline
        out.read_exact(&mut blob)?;
        blob.truncate(size);
        blobs.push(blob);
    }
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("git cat-file's writer panicked"))??;
    let status = child.wait()?;
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        bail!("git cat-file --batch failed: {}", err.trim());
    }
    Ok(blobs)
}
