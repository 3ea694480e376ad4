//! The BaseSpace ledger: the committed record of the manual Admin Console steps someone
//! confirmed done (`.roster/basespace-ledger.yaml` in the config directory). No API lists a
//! workgroup's members, so the ledger stands in for the live state: `plan` computes BaseSpace
//! changes as the config minus what the ledger says, and `apply` appends one entry per step the
//! operator confirms, with who confirmed it and when. Being a file in git, every confirmation is
//! reviewed and kept like any other change of access.
//!
//! Each entry records a step and the membership it leaves: a user's role (`user` or `admin`)
//! and Sequence Hub regions, or nothing after a removal. The state is the last entry for each
//! (platform, workgroup, user), in file order.
//!
//! This module owns the file's format: reading it with located errors, folding it into a
//! [`LedgerState`], and writing it back with new entries (atomically, deterministically). It
//! must not decide what to change (the planner does) nor ask anyone anything (apply does).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::desired::UserRef;
use crate::config::desired::basespace::Region;
use crate::diag::{self, Code, Diagnostic, FileId, Sources, Sp, Span};

/// Where the ledger lives, relative to the config directory (hidden, so never read as config).
pub const LEDGER_PATH: &str = ".roster/basespace-ledger.yaml";

/// The largest ledger roster reads.
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// The ledger of a config directory.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(LEDGER_PATH)
}

/// A workgroup role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Admin => "admin",
        }
    }
    fn parse(s: &str) -> Option<Role> {
        match s {
            "user" => Some(Role::User),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// Invited (as a user, or as an admin) with the recorded access.
    Invite,
    /// Changed a member's application access.
    ChangeAccess,
    /// Made a member an admin, or an admin a user.
    ChangeRole,
    /// Removed from the workgroup (or had a pending invitation revoked).
    Remove,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Invite => "invite",
            Step::ChangeAccess => "change-access",
            Step::ChangeRole => "change-role",
            Step::Remove => "remove",
        }
    }
    fn parse(s: &str) -> Option<Step> {
        [
            Step::Invite,
            Step::ChangeAccess,
            Step::ChangeRole,
            Step::Remove,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a confirmed step records, apart from who and when: the plan says it, apply writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub platform: String,
    pub workgroup: String,
    pub user: UserRef,
    pub step: Step,
    /// The role after the step; `None` after a removal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The Sequence Hub regions after the step (users; an admin's access is the workgroup's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequence_hub: Vec<Region>,
}

/// One entry of the ledger: a record, when it was confirmed and by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// RFC 3339, UTC.
    pub at: String,
    pub by: String,
    pub record: Record,
}

/// A membership the ledger says exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub role: Role,
    pub sequence_hub: Vec<Region>,
    /// When and by whom it was last confirmed.
    pub at: String,
    pub by: String,
}

/// (platform, lower-cased workgroup name) → user → membership.
pub type WorkgroupKey = (String, String);

/// What the ledger says each workgroup has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerState {
    pub workgroups: BTreeMap<WorkgroupKey, BTreeMap<UserRef, Membership>>,
}

impl LedgerState {
    /// The memberships of one workgroup (none when the ledger has nothing of it).
    pub fn members(
        &self,
        platform: &str,
        workgroup: &str,
    ) -> Option<&BTreeMap<UserRef, Membership>> {
        self.workgroups
            .get(&(platform.to_string(), workgroup.to_lowercase()))
    }
}

/// The ledger as read: its entries in file order (and its text, kept to append to).
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub entries: Vec<Entry>,
}

impl Ledger {
    /// The state the entries leave, the last entry of each member winning.
    pub fn state(&self) -> LedgerState {
        let mut state = LedgerState::default();
        for e in &self.entries {
            let r = &e.record;
            let members = state
                .workgroups
                .entry((r.platform.clone(), r.workgroup.to_lowercase()))
                .or_default();
            match (r.step, r.role) {
                (Step::Remove, _) | (_, None) => {
                    members.remove(&r.user);
                }
                (_, Some(role)) => {
                    let mut sequence_hub = r.sequence_hub.clone();
                    sequence_hub.sort();
                    members.insert(
                        r.user.clone(),
                        Membership {
                            role,
                            sequence_hub,
                            at: e.at.clone(),
                            by: e.by.clone(),
                        },
                    );
                }
            }
        }
        state.workgroups.retain(|_, m| !m.is_empty());
        state
    }

    /// Append a confirmed step.
    pub fn push(&mut self, mut record: Record, at: String, by: String) {
        record.sequence_hub.sort();
        record.sequence_hub.dedup();
        self.entries.push(Entry { at, by, record });
    }

    /// The file's text: a header, then one entry per step, every string quoted (so any value
    /// reads back as itself). Deterministic.
    pub fn to_yaml(&self) -> String {
        let q = |s: &str| serde_json::to_string(s).expect("a string serializes");
        let mut out = String::from(HEADER);
        if self.entries.is_empty() {
            out.push_str("entries: []\n");
            return out;
        }
        out.push_str("entries:\n");
        for e in &self.entries {
            let r = &e.record;
            out.push_str(&format!("  - at: {}\n", q(&e.at)));
            out.push_str(&format!("    by: {}\n", q(&e.by)));
            out.push_str(&format!("    platform: {}\n", q(&r.platform)));
            out.push_str(&format!("    workgroup: {}\n", q(&r.workgroup)));
            out.push_str(&format!("    user: {}\n", q(r.user.as_str())));
            out.push_str(&format!("    step: {}\n", r.step));
            if let Some(role) = r.role {
                out.push_str(&format!("    role: {role}\n"));
            }
            if !r.sequence_hub.is_empty() {
                let regions: Vec<&str> = r.sequence_hub.iter().map(Region::as_str).collect();
                out.push_str(&format!("    sequenceHub: [{}]\n", regions.join(", ")));
            }
        }
        out
    }
}

const HEADER: &str = "\
# The BaseSpace ledger: Admin Console steps someone confirmed done, with who and when.
# No API lists a BaseSpace workgroup's members, so `roster plan` plans BaseSpace changes as the
# config minus this ledger; `roster apply` appends an entry for each step the operator confirms.
# Commit it with the change it completes. See docs/basespace.md.
";

/// The file as YAML.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LedgerDoc {
    #[serde(default)]
    entries: Vec<Sp<EntryDoc>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct EntryDoc {
    at: Sp<String>,
    by: Sp<String>,
    platform: Sp<String>,
    workgroup: Sp<String>,
    user: Sp<String>,
    step: Sp<String>,
    #[serde(default)]
    role: Option<Sp<String>>,
    #[serde(default)]
    sequence_hub: Option<Vec<Sp<String>>>,
}

/// A ledger that could not be read, with its located problems.
#[derive(Debug)]
pub struct LedgerError {
    pub sources: Sources,
    pub diags: Vec<Diagnostic>,
}

/// Read the ledger of `dir`: empty when there is none.
pub fn load(dir: &Path) -> Result<Ledger, LedgerError> {
    let path = path(dir);
    let shown = path.display().to_string();
    let mut sources = Sources::new();
    let meta = match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ledger::default()),
        other => other,
    };
    let read = meta.and_then(|m| {
        if !m.is_file() {
            return Err(std::io::Error::other(
                "not a regular file (a symbolic link or a directory is not read)",
            ));
        }
        if m.len() > MAX_BYTES {
            return Err(std::io::Error::other("larger than 16 MiB"));
        }
        std::fs::read_to_string(&path)
    });
    match read {
        Ok(text) => parse(&shown, &text),
        Err(e) => {
            let id = sources.add(shown.clone(), String::new());
            let span = sources.get(id).token_span(id, 1, 1);
            let d = Diagnostic::error(Code::Io, format!("cannot read {shown}: {e}"))
                .at(span, "not read");
            Err(LedgerError {
                sources,
                diags: vec![d],
            })
        }
    }
}

/// Parse a ledger's text (`shown` is its path in messages).
pub fn parse(shown: &str, text: &str) -> Result<Ledger, LedgerError> {
    let mut sources = Sources::new();
    match parse_in(&mut sources, shown, text) {
        Ok(l) => Ok(l),
        Err(diags) => Err(LedgerError { sources, diags }),
    }
}

/// The problems of the ledger of `dir`, its file added to `sources` when it has any (for
/// `roster validate`, which reports them with the config's).
pub fn check(dir: &Path, sources: &mut Sources) -> Vec<Diagnostic> {
    let path = path(dir);
    if !path.is_file() {
        return Vec::new();
    }
    match load(dir) {
        Ok(_) => Vec::new(),
        Err(_) => {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            parse_in(sources, &path.display().to_string(), &text)
                .err()
                .unwrap_or_default()
        }
    }
}

/// Parse a ledger's text into `sources`.
fn parse_in(sources: &mut Sources, shown: &str, text: &str) -> Result<Ledger, Vec<Diagnostic>> {
    let id = sources.add(shown.to_string(), text.to_string());
    let doc: LedgerDoc = if text.trim().is_empty() {
        LedgerDoc {
            entries: Vec::new(),
        }
    } else {
        match serde_saphyr::from_str(text) {
            Ok(d) => d,
            Err(e) => {
                return Err(vec![diag::from_yaml_error_in(sources.get(id), id, 0, &e)]);
            }
        }
    };
    let mut checker = Checker {
        sources,
        file: id,
        diags: Vec::new(),
    };
    let entries = doc
        .entries
        .iter()
        .filter_map(|e| checker.entry(&e.value))
        .collect();
    let diags = checker.diags;
    if diags.is_empty() {
        Ok(Ledger { entries })
    } else {
        Err(diags)
    }
}

struct Checker<'a> {
    sources: &'a Sources,
    file: FileId,
    diags: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn span<T>(&self, sp: &Sp<T>) -> Span {
        self.sources
            .get(self.file)
            .token_span(self.file, sp.line.max(1), sp.col.max(1))
    }

    fn bad<T>(&mut self, sp: &Sp<T>, message: String, label: &str) {
        let span = self.span(sp);
        self.diags
            .push(Diagnostic::error(Code::InvalidValue, message).at(span, label));
    }

    fn entry(&mut self, e: &EntryDoc) -> Option<Entry> {
        let before = self.diags.len();
        if time::OffsetDateTime::parse(
            e.at.value.trim(),
            &time::format_description::well_known::Rfc3339,
        )
        .is_err()
        {
            self.bad(
                &e.at,
                format!("`{}` is not an RFC 3339 date-time", e.at.value),
                "when the step was confirmed, e.g. 2026-12-01T09:30:00Z",
            );
        }
        let step = Step::parse(e.step.value.trim());
        if step.is_none() {
            self.bad(
                &e.step,
                format!("`{}` is not a ledger step", e.step.value),
                "expected invite, change-access, change-role or remove",
            );
        }
        let role = match &e.role {
            None => None,
            Some(r) => {
                let role = Role::parse(r.value.trim());
                if role.is_none() {
                    self.bad(
                        r,
                        format!("`{}` is not a workgroup role", r.value),
                        "expected user or admin",
                    );
                }
                role
            }
        };
        if step.is_some_and(|s| s != Step::Remove) && e.role.is_none() {
            self.bad(
                &e.step,
                format!("a `{}` entry records the role it leaves", e.step.value),
                "add `role: user` or `role: admin`",
            );
        }
        let mut sequence_hub = Vec::new();
        for r in e.sequence_hub.iter().flatten() {
            let region = Region::new(&r.value);
            let ok = !region.as_str().is_empty()
                && region
                    .as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
            if !ok {
                self.bad(
                    r,
                    format!("`{}` is not a region code", r.value),
                    "e.g. use1 or euc1",
                );
            }
            sequence_hub.push(region);
        }
        sequence_hub.sort();
        sequence_hub.dedup();
        for (field, v) in [
            ("by", &e.by),
            ("platform", &e.platform),
            ("workgroup", &e.workgroup),
            ("user", &e.user),
        ] {
            if v.value.trim().is_empty() {
                self.bad(
                    v,
                    format!("`{field}` is empty"),
                    "every entry names who, where and whom",
                );
            }
        }
        if self.diags.len() > before {
            return None;
        }
        Some(Entry {
            at: e.at.value.trim().to_string(),
            by: e.by.value.trim().to_string(),
            record: Record {
                platform: e.platform.value.trim().to_string(),
                workgroup: e.workgroup.value.trim().to_string(),
                user: UserRef::new(&e.user.value),
                step: step?,
                role,
                sequence_hub,
            },
        })
    }
}

/// Write the ledger of `dir` (creating `.roster/`), by a rename so readers never see half of
/// it. A symbolic link in its place is refused rather than followed.
pub fn save(dir: &Path, ledger: &Ledger) -> std::io::Result<PathBuf> {
    let path = path(dir);
    let parent = path.parent().expect("the ledger has a directory");
    std::fs::create_dir_all(parent)?;
    if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
        return Err(std::io::Error::other(format!(
            "{} is not a regular file; the ledger is not written through it",
            path.display()
        )));
    }
    let tmp = parent.join(format!(".basespace-ledger.yaml.tmp-{}", std::process::id()));
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(ledger.to_yaml().as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(user: &str, step: Step, role: Option<Role>, regions: &[&str]) -> Record {
        Record {
            platform: "illumina".into(),
            workgroup: "Lab-Seq".into(),
            user: UserRef::new(user),
            step,
            role,
            sequence_hub: regions.iter().map(|r| Region::new(r)).collect(),
        }
    }

    #[test]
    fn the_state_is_the_last_entry_of_each_member() {
        let mut l = Ledger::default();
        let at = "2026-12-01T09:30:00Z".to_string();
        l.push(
            record("a@x.org", Step::Invite, Some(Role::User), &["use1"]),
            at.clone(),
            "pi@x.org".into(),
        );
        l.push(
            record("b@x.org", Step::Invite, Some(Role::User), &[]),
            at.clone(),
            "pi@x.org".into(),
        );
        l.push(
            record(
                "A@x.org",
                Step::ChangeAccess,
                Some(Role::User),
                &["euc1", "use1"],
            ),
            at.clone(),
            "pi@x.org".into(),
        );
        l.push(
            record("b@x.org", Step::Remove, None, &[]),
            at,
            "pi@x.org".into(),
        );
        let s = l.state();
        let m = s
            .members("illumina", "lab-seq")
            .expect("the workgroup, by its key");
        assert_eq!(m.len(), 1);
        let a = &m[&UserRef::new("a@x.org")];
        assert_eq!(a.sequence_hub, [Region::new("euc1"), Region::new("use1")]);
        assert_eq!(a.role, Role::User);
    }

    #[test]
    fn the_file_round_trips_and_odd_values_stay_themselves() {
        let mut l = Ledger::default();
        l.push(
            record("12345678", Step::Invite, Some(Role::Admin), &[]),
            "2026-12-01T09:30:00Z".into(),
            "Jo \"the PI\" <jo@x.org>: yes".into(),
        );
        l.push(
            record("s@x.org", Step::Invite, Some(Role::User), &["use1", "euc1"]),
            "2026-12-01T09:31:00+10:00".into(),
            "#not-a-comment".into(),
        );
        let text = l.to_yaml();
        let back = parse("l.yaml", &text).map_err(|e| e.diags).unwrap();
        assert_eq!(back.entries.len(), 2);
        assert_eq!(back.entries[0].by, "Jo \"the PI\" <jo@x.org>: yes");
        assert_eq!(back.entries[1].by, "#not-a-comment");
        assert_eq!(back.to_yaml(), text, "byte-stable");
        assert_eq!(back.state(), l.state());
        assert!(parse("l.yaml", "").unwrap().entries.is_empty());
        assert!(
            parse("l.yaml", &Ledger::default().to_yaml())
                .unwrap()
                .entries
                .is_empty()
        );
    }

    #[test]
    fn bad_entries_are_located() {
        let text = "entries:\n  - at: yesterday\n    by: pi@x.org\n    platform: p\n    workgroup: w\n    user: u@x.org\n    step: invite\n    role: owner\n";
        let e = parse("l.yaml", text).unwrap_err();
        let at: Vec<String> = e
            .diags
            .iter()
            .map(|d| d.location(&e.sources).unwrap())
            .collect();
        assert_eq!(at, ["l.yaml:2:9", "l.yaml:8:11"]);
        let e = parse(
            "l.yaml",
            "entries:\n  - at: 2026-12-01T09:30:00Z\n    colour: red\n",
        )
        .unwrap_err();
        assert_eq!(e.diags[0].code, Code::UnknownField);
    }
}
