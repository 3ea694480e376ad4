//! The config layer's failures that are not problems in a document: a directory or file that
//! cannot be read. They are typed so callers can tell them apart; the loader turns each into an
//! `io` diagnostic (the user-facing form), and `anyhow` wraps them only at the application edge.
//! This module owns the error type and its wording; it must not decide when loading stops.

use std::path::PathBuf;

use crate::diag::{Code, Diagnostic};

/// Why a config directory or file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The path given as the config directory does not exist.
    #[error("cannot read config directory {}: it does not exist", path.display())]
    NotFound { path: PathBuf },
    /// The path is neither a directory nor a regular file (a socket, a device…).
    #[error("cannot read config directory {}: not a directory or a file", path.display())]
    NotADirectory { path: PathBuf },
    /// A directory under the config directory (or the directory itself) cannot be listed.
    #[error("cannot read config directory {}: {source}", path.display())]
    ReadDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A config file cannot be read.
    #[error("cannot read {path}: {source}")]
    ReadFile {
        /// The path as shown to users.
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A config file is not UTF-8 text.
    #[error("{path}: not UTF-8 text; YAML config files must be UTF-8")]
    NotUtf8 { path: String },
    /// A config path is a FIFO, socket, device or directory where a file was expected.
    #[error("cannot read {path}: {what}, not a regular file; roster reads only regular files")]
    NotRegular { path: String, what: &'static str },
    /// A config file is larger than roster reads.
    #[error("cannot read {path}: larger than {} MiB, the most roster reads from one file", cap / (1024 * 1024))]
    TooBig { path: String, cap: u64 },
}

impl ConfigError {
    /// The error as an unlocated `io` diagnostic, for the report of a run.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::error(Code::Io, self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_names_its_path_and_becomes_an_io_diagnostic() {
        let e = ConfigError::NotFound {
            path: PathBuf::from("conf"),
        };
        assert_eq!(
            e.to_string(),
            "cannot read config directory conf: it does not exist"
        );
        let d = ConfigError::NotUtf8 {
            path: "a.yaml".into(),
        }
        .to_diagnostic();
        assert_eq!(d.code, Code::Io);
        assert!(d.message.starts_with("a.yaml: not UTF-8"), "{}", d.message);
    }
}
