//! Finding and reading config files safely. The walk (walkdir, never following links itself)
//! keeps to the config root: regular `*.yaml` / `*.yml` files are read; a symbolic link is read
//! only when its canonical target is a regular file inside the root (once, however many links
//! point at it); links out of the root, dangling or looping links, and FIFOs, sockets and devices
//! are refused by name, never opened. Reading is capped at [`MAX_FILE_BYTES`] and never blocks on
//! a FIFO.
//!
//! It owns which paths are read and the bytes read from them; it must not parse or echo content.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::super::error::ConfigError;
use crate::diag::Severity;

/// The largest config file roster reads.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A path under the config root, and whether it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A file to read (a regular file, or a link to one inside the root).
    Read(PathBuf),
    /// A path that is not read, and why (an error, or a warning for links to directories).
    Refused {
        path: PathBuf,
        severity: Severity,
        why: String,
    },
}

impl Entry {
    pub fn path(&self) -> &Path {
        match self {
            Entry::Read(p) | Entry::Refused { path: p, .. } => p,
        }
    }
}

fn is_config_name(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

fn refused(path: &Path, severity: Severity, why: impl Into<String>) -> Entry {
    Entry::Refused {
        path: path.to_path_buf(),
        severity,
        why: why.into(),
    }
}

/// What a file type is, in words, for a path that is neither a file, a directory nor a link.
fn special_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    let _ = ft;
    "not a regular file"
}

/// Every config path under `root` (a directory), sorted by path, hidden files and directories
/// skipped.
pub fn walk(root: &Path) -> Result<Vec<Entry>, ConfigError> {
    let canon_root = std::fs::canonicalize(root).map_err(|source| ConfigError::ReadDir {
        path: root.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    let mut read: BTreeSet<PathBuf> = BTreeSet::new();
    let mut links: Vec<(PathBuf, PathBuf)> = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                let source = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("cannot list"));
                if path == root {
                    return Err(ConfigError::ReadDir { path, source });
                }
                out.push(refused(
                    &path,
                    Severity::Error,
                    format!("cannot read {}: {source}", shown(&path)),
                ));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let path = entry.path();
        let config = is_config_name(&entry.file_name().to_string_lossy());
        let ft = entry.file_type();
        if ft.is_dir() {
            continue;
        }
        if ft.is_file() {
            if config {
                read.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()));
                out.push(Entry::Read(path.to_path_buf()));
            }
            continue;
        }
        if !ft.is_symlink() {
            if config {
                out.push(refused(
                    path,
                    Severity::Error,
                    format!(
                        "{} is {}, not a regular file; roster reads only regular files",
                        shown(path),
                        special_kind(&ft)
                    ),
                ));
            }
            continue;
        }
        let target = match std::fs::canonicalize(path) {
            Ok(t) => t,
            Err(e) => {
                if config {
                    out.push(refused(
                        path,
                        Severity::Error,
                        format!(
                            "{} is a symbolic link that cannot be followed (dangling or a loop): {e}",
                            shown(path)
                        ),
                    ));
                }
                continue;
            }
        };
        if !target.starts_with(&canon_root) {
            out.push(refused(
                path,
                if config {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                format!(
                    "{} is a symbolic link to a path outside the config directory; roster reads only files inside it",
                    shown(path)
                ),
            ));
            continue;
        }
        let meta = match std::fs::metadata(&target) {
            Ok(m) => m,
            Err(_) => continue,
        };
        if meta.is_dir() {
            out.push(refused(
                path,
                Severity::Warning,
                format!(
                    "{} is a symbolic link to a directory inside the config directory: not followed (its files are read where they are)",
                    shown(path)
                ),
            ));
        } else if !config {
            continue;
        } else if meta.is_file() {
            links.push((path.to_path_buf(), target));
        } else {
            out.push(refused(
                path,
                Severity::Error,
                format!(
                    "{} is a symbolic link to {}, not a regular file; roster reads only regular files",
                    shown(path),
                    special_kind(&meta.file_type())
                ),
            ));
        }
    }
    // A link to a file the walk reads anyway is not read twice; nor are two links to one file.
    for (link, target) in links {
        if read.insert(target) {
            out.push(Entry::Read(link));
        }
    }
    out.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(out)
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Read at most [`MAX_FILE_BYTES`] of a regular file, never opening anything else (a FIFO would
/// block, a device would never end).
pub fn read_capped(path: &Path) -> Result<Vec<u8>, ConfigError> {
    read_capped_with(path, MAX_FILE_BYTES)
}

pub(crate) fn read_capped_with(path: &Path, cap: u64) -> Result<Vec<u8>, ConfigError> {
    let io = |source| ConfigError::ReadFile {
        path: shown(path),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(ConfigError::NotRegular {
            path: shown(path),
            what: special_kind(&meta.file_type()),
        });
    }
    if meta.len() > cap {
        return Err(ConfigError::TooBig {
            path: shown(path),
            cap,
        });
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path).map_err(io)?;
    // The path may have changed between the check and the open.
    if !file.metadata().map_err(io)?.is_file() {
        return Err(ConfigError::NotRegular {
            path: shown(path),
            what: "not a regular file",
        });
    }
    let mut bytes = Vec::with_capacity(meta.len().min(cap) as usize + 1);
    file.take(cap + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(ConfigError::TooBig {
            path: shown(path),
            cap,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_root_and_special_files_are_refused_by_name() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.yaml"), "kind: Settings\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.yaml"), "kind: Settings\n").unwrap();
        symlink(outside.path().join("secret.yaml"), root.join("out.yaml")).unwrap();
        symlink(root.join("a.yaml"), root.join("same.yaml")).unwrap();
        symlink(".", root.join("loop")).unwrap();
        symlink("b.yaml", root.join("c.yaml")).unwrap();
        symlink("c.yaml", root.join("b.yaml")).unwrap();
        let entries = walk(root).unwrap();
        let read: Vec<_> = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Read(p) => Some(p.file_name().unwrap().to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        assert_eq!(read, ["a.yaml"]);
        let refused: Vec<_> = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Refused { path, severity, .. } => Some((
                    path.file_name().unwrap().to_string_lossy().into_owned(),
                    *severity,
                )),
                _ => None,
            })
            .collect();
        assert_eq!(
            refused,
            [
                ("b.yaml".to_string(), Severity::Error),
                ("c.yaml".to_string(), Severity::Error),
                ("loop".to_string(), Severity::Warning),
                ("out.yaml".to_string(), Severity::Error),
            ]
        );
    }

    #[test]
    fn reading_stops_at_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.yaml");
        std::fs::write(&p, vec![b'a'; 101]).unwrap();
        assert!(matches!(
            read_capped_with(&p, 100),
            Err(ConfigError::TooBig { cap: 100, .. })
        ));
        assert_eq!(read_capped_with(&p, 101).unwrap().len(), 101);
        assert!(matches!(
            read_capped_with(dir.path(), 100),
            Err(ConfigError::NotRegular { .. })
        ));
    }
}
