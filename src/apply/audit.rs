//! The audit log: one JSON line per change as it finishes, appended to a file shared by
//! concurrent changes.
//!
//! This file owns the record's fields (`time`, `platform`, `acting_user`, `address`, `action`,
//! `operations`, `reason` for the removal of an expired grant, and the outcome's `status` with
//! its `kind`, `error` or `because`) and how a line reaches the file: written whole with one
//! `write` call, unbuffered, so that a run stopped at any point leaves only complete lines. It must not decide outcomes or skip a record.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::{ApplyError, Outcome};
use crate::plan::Address;

/// One JSON line of the audit log.
#[derive(Serialize)]
pub(super) struct AuditRecord<'a> {
    pub time: String,
    pub platform: &'a str,
    pub acting_user: &'a str,
    pub address: &'a Address,
    pub action: &'a str,
    pub operations: &'a [&'static str],
    /// Why the change was made, when the plan says: `expired on DATE (reason)` for the removal
    /// of an expired grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(flatten)]
    pub outcome: &'a Outcome,
}

/// Appends JSON lines; shared by concurrent changes. The first write that fails is kept, and
/// the executor starts nothing after it.
pub struct AuditLog {
    file: std::sync::Mutex<std::fs::File>,
    error: std::sync::Mutex<Option<String>>,
}

impl AuditLog {
    /// Open (or create) a regular file for appending; anything else (a device such as
    /// `/dev/full`, a FIFO, a directory) is refused before the apply writes anything.
    pub fn open(path: &Path) -> Result<AuditLog, ApplyError> {
        let err = |source| ApplyError::AuditLog {
            path: path.to_path_buf(),
            source,
        };
        if let Ok(meta) = std::fs::metadata(path)
            && !meta.is_file()
        {
            return Err(err(std::io::Error::other(
                "not a regular file; the audit log must be a file that records can be appended to",
            )));
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|source| ApplyError::AuditLog {
                path: path.to_path_buf(),
                source,
            })?;
        // Prove it takes writes before the first change is made.
        file.sync_all().map_err(err)?;
        Ok(AuditLog {
            file: std::sync::Mutex::new(file),
            error: std::sync::Mutex::new(None),
        })
    }

    /// Why a record could not be written, once one could not.
    pub fn error(&self) -> Option<String> {
        self.error.lock().ok().and_then(|e| e.clone())
    }

    pub(super) fn write(&self, rec: &AuditRecord<'_>) {
        let mut line = serde_json::to_string(rec).expect("audit record serializes");
        line.push('\n');
        let written = match self.file.lock() {
            Ok(mut f) => f.write_all(line.as_bytes()).and_then(|()| f.flush()),
            Err(_) => Err(std::io::Error::other("the audit log's lock was poisoned")),
        };
        if let Err(e) = written
            && let Ok(mut slot) = self.error.lock()
            && slot.is_none()
        {
            *slot = Some(format!("writing a record for {}: {e}", rec.address));
        }
    }
}

/// The time of a record, RFC 3339 in UTC.
pub(super) fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
