//! The audit log: one JSON line per change as it finishes, appended to a file shared by
//! concurrent changes.
//!
//! This file owns the record's fields (`time`, `platform`, `acting_user`, `address`, `action`,
//! `operations`, and the outcome's `status` with its `kind`, `error` or `because`) and how a
//! line reaches the file: written whole with one `write` call, unbuffered, so that a run stopped
//! at any point leaves only complete lines. It must not decide outcomes or skip a record.

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
    #[serde(flatten)]
    pub outcome: &'a Outcome,
}

/// Appends JSON lines; shared by concurrent changes.
pub struct AuditLog {
    file: std::sync::Mutex<std::fs::File>,
}

impl AuditLog {
    pub fn open(path: &Path) -> Result<AuditLog, ApplyError> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|source| ApplyError::AuditLog {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(AuditLog {
            file: std::sync::Mutex::new(file),
        })
    }

    pub(super) fn write(&self, rec: &AuditRecord<'_>) {
        let mut line = serde_json::to_string(rec).expect("audit record serializes");
        line.push('\n');
        if let Ok(mut f) = self.file.lock() {
            let _ = f.write_all(line.as_bytes());
        }
    }
}

/// The time of a record, RFC 3339 in UTC.
pub(super) fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
