//! Loading a config directory: find every `*.yaml` / `*.yml` below it (hidden files and
//! directories skipped; only regular files inside it, capped in size, see [`files`]), split each file into its YAML documents, and deserialize each document
//! into the type its `kind` names. Problems become located diagnostics; loading carries on with the
//! next document so one run reports everything it can: a document with unknown fields is parsed
//! again without them (see [`super::lenient`]) so its other problems are found too, and a document
//! that fails to parse leaves its kind and name behind, so validation does not report references
//! to it as undeclared.
//!
//! It owns files, documents and parse diagnostics; it must not check meaning (that is
//! `validate`) or touch the network.

use std::path::{Path, PathBuf};

use super::error::ConfigError;
use super::model::{OrganizationDoc, SettingsDoc, Sp, WorkgroupDoc, WorkspaceDoc};
use crate::diag::{Code, Diagnostic, FileId, Severity, SourceFile, Sources, Span};

mod document;
pub mod files;

use files::Entry;

use document::{load_document, recover_name};

/// The most documents roster reads from one file.
pub const MAX_DOCUMENTS_PER_FILE: usize = 10_000;

/// The kinds of document roster reads.
pub const KINDS: [&str; 4] = [
    "Settings",
    "Organization",
    "Workspace",
    "BaseSpaceWorkgroup",
];

/// A document and where it is.
#[derive(Debug)]
pub struct LoadedDoc {
    pub file: FileId,
    /// Lines of the file before the document's text starts.
    pub line_offset: u32,
    pub doc: Doc,
    /// The fields of the document its types do not declare (each already reported). Checks
    /// whose outcome such a misspelt field could change are skipped where it is.
    pub unknown_fields: Vec<Misspelt>,
}

/// An unknown field of a document: where, and which declared field it most likely misspells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misspelt {
    /// The mapping holding it: `""` for the document, `members[2]`, `policy`…
    pub path: String,
    /// The closest declared field, when one is close.
    pub meant: Option<&'static str>,
}

impl LoadedDoc {
    /// Whether the mapping at `path` holds a misspelling of `field`.
    pub fn misspelt(&self, path: &str, field: &str) -> bool {
        self.unknown_fields
            .iter()
            .any(|u| u.path == path && u.meant == Some(field))
    }

    /// Whether an entry of the list at `list` (`members`, `participants`…) misspells `field`.
    pub fn misspelt_in_list(&self, list: &str, field: &str) -> bool {
        self.unknown_fields.iter().any(|u| {
            u.meant == Some(field)
                && u.path
                    .strip_prefix(list)
                    .is_some_and(|rest| rest.starts_with('['))
        })
    }
}

/// A document that failed to parse: what it was, as far as the text tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedDoc {
    pub file: FileId,
    /// One of [`KINDS`], when the document names a known kind.
    pub kind: Option<&'static str>,
    /// Its top-level `name`, when it can be recovered.
    pub name: Option<String>,
}

#[derive(Debug)]
pub enum Doc {
    Settings(SettingsDoc),
    Organization(OrganizationDoc),
    Workspace(WorkspaceDoc),
    BaseSpaceWorkgroup(WorkgroupDoc),
}

/// Everything read from a directory: the files, the documents that parsed, and the problems.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: Sources,
    pub docs: Vec<LoadedDoc>,
    pub diags: Vec<Diagnostic>,
    /// Documents that failed to parse (their problems are in `diags`).
    pub failed: Vec<FailedDoc>,
}

impl Loaded {
    /// Whether a document of `kind` failed to parse.
    pub fn failed_kind(&self, kind: &str) -> bool {
        self.failed.iter().any(|f| f.kind == Some(kind))
    }

    /// Whether an Organization document that failed to parse may be the one named `name`
    /// (its name matches, or could not be recovered).
    pub fn failed_org(&self, name: &str) -> bool {
        self.failed.iter().any(|f| {
            f.kind == Some("Organization")
                && f.name.as_ref().is_none_or(|n| n.eq_ignore_ascii_case(name))
        })
    }

    /// The span of a located value of a document.
    pub fn span<T>(&self, doc: &LoadedDoc, sp: &Sp<T>) -> Span {
        self.span_at(doc, sp.line, sp.col)
    }

    /// The span of the token at a document-relative line and column.
    pub fn span_at(&self, doc: &LoadedDoc, line: u32, col: u32) -> Span {
        let line = line.max(1) + doc.line_offset;
        self.sources
            .get(doc.file)
            .token_span(doc.file, line, col.max(1))
    }

    /// `file:line:col` of a located value.
    pub fn origin<T>(&self, doc: &LoadedDoc, sp: &Sp<T>) -> String {
        let s = self.span(doc, sp);
        format!("{}:{}:{}", self.sources.get(doc.file).path, s.line, s.col)
    }
}

/// The config files under `root` that are read, sorted by path. `root` may also be a single
/// file. Paths refused by the walk (see [`files::walk`]) are left out.
pub fn find_files(root: &Path) -> Result<Vec<PathBuf>, ConfigError> {
    Ok(entries(root)?
        .into_iter()
        .filter_map(|e| match e {
            Entry::Read(p) => Some(p),
            Entry::Refused { .. } => None,
        })
        .collect())
}

/// Every config path under `root`, read or refused, in the order of the [`FileId`]s
/// [`load_dir`] gives their files.
pub fn paths(root: &Path) -> Result<Vec<PathBuf>, ConfigError> {
    Ok(entries(root)?
        .iter()
        .map(|e| e.path().to_path_buf())
        .collect())
}

/// Every config path under `root`, read or refused, sorted by path.
fn entries(root: &Path) -> Result<Vec<Entry>, ConfigError> {
    let meta = std::fs::metadata(root).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ConfigError::NotFound {
            path: root.to_path_buf(),
        },
        _ => ConfigError::ReadDir {
            path: root.to_path_buf(),
            source,
        },
    })?;
    if meta.is_file() {
        return Ok(vec![Entry::Read(root.to_path_buf())]);
    }
    if !meta.is_dir() {
        return Err(ConfigError::NotADirectory {
            path: root.to_path_buf(),
        });
    }
    files::walk(root)
}

/// Load every config file under `root`. Files are parsed in parallel; the result is the same as
/// loading them one by one in path order.
pub fn load_dir(root: &Path) -> Loaded {
    let mut loaded = Loaded::default();
    let files = match entries(root) {
        Ok(f) => f,
        Err(e) => {
            loaded.diags.push(e.to_diagnostic());
            return loaded;
        }
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().div_ceil(64).max(1));
    let mut results: Vec<Option<FileLoad>> = (0..files.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let files = &files;
                scope.spawn(move || {
                    (w..files.len())
                        .step_by(workers)
                        .map(|i| (i, load_file(FileId(i as u32), &files[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            for (i, r) in h.join().expect("config loader thread") {
                results[i] = Some(r);
            }
        }
    });
    for r in results.into_iter().flatten() {
        let id = loaded.sources.add(r.source.path, r.source.text);
        debug_assert_eq!(id.0 as usize + 1, loaded.sources.len());
        loaded.docs.extend(r.docs);
        loaded.diags.extend(r.diags);
        loaded.failed.extend(r.failed);
    }
    let errors = loaded.diags.iter().any(|d| d.severity == Severity::Error);
    if loaded.docs.is_empty() && !errors {
        let mut d = Diagnostic::error(
            Code::NoDocuments,
            format!("no roster documents under {}", root.display()),
        )
        .help("roster reads every *.yaml and *.yml file below the directory, skipping hidden ones; each document needs a `kind`");
        if let Some((id, file)) = loaded.sources.iter().next() {
            d = d.at(file.token_span(id, 1, 1), "this file holds no document");
        }
        loaded.diags.push(d);
    }
    loaded
}

/// What one file gave: its source (empty when unreadable), documents and problems.
struct FileLoad {
    source: SourceFile,
    docs: Vec<LoadedDoc>,
    diags: Vec<Diagnostic>,
    failed: Vec<FailedDoc>,
}

impl FileLoad {
    /// A file that was not read (or not as text): an `io` problem located at its start, naming
    /// it and never showing what it holds.
    fn unreadable(id: FileId, shown: String, why: String, severity: Severity) -> Self {
        let source = SourceFile::new(shown, "");
        let span = source.token_span(id, 1, 1);
        let mut d = Diagnostic::error(Code::Io, why).at(span, "not read");
        d.severity = severity;
        FileLoad {
            source,
            docs: Vec::new(),
            diags: vec![d],
            failed: Vec::new(),
        }
    }
}

fn load_file(id: FileId, entry: &Entry) -> FileLoad {
    let path = entry.path();
    let shown = path.display().to_string();
    let bytes = match entry {
        Entry::Read(path) => match files::read_capped(path) {
            Ok(b) => b,
            Err(e) => return FileLoad::unreadable(id, shown, e.to_string(), Severity::Error),
        },
        Entry::Refused { severity, why, .. } => {
            return FileLoad::unreadable(id, shown, why.clone(), *severity);
        }
    };
    load_file_bytes(id, shown, bytes)
}

fn load_file_bytes(id: FileId, shown: String, bytes: Vec<u8>) -> FileLoad {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            let e = ConfigError::NotUtf8 {
                path: shown.clone(),
            };
            return FileLoad::unreadable(id, shown, e.to_string(), Severity::Error);
        }
    };
    let source = SourceFile::new(shown, text);
    let mut out = FileLoad {
        docs: Vec::new(),
        diags: Vec::new(),
        failed: Vec::new(),
        source,
    };
    let text = out.source.text.clone();
    let mut count = 0usize;
    for (line_offset, chunk) in split_documents(&text) {
        if is_blank_document(chunk) {
            continue;
        }
        count += 1;
        if count > MAX_DOCUMENTS_PER_FILE {
            let span = out.source.token_span(id, line_offset + 1, 1);
            out.diags.push(
                Diagnostic::error(
                    Code::Io,
                    format!(
                        "more than {MAX_DOCUMENTS_PER_FILE} documents in one file; the rest of it is not read"
                    ),
                )
                .at(span, "documents from here on are not read")
                .help("split the config into several files"),
            );
            break;
        }
        let parsed = load_document(&out.source, id, line_offset, chunk);
        out.diags.extend(parsed.diags);
        match parsed.doc {
            Ok((doc, unknown_fields)) => out.docs.push(LoadedDoc {
                file: id,
                line_offset,
                doc,
                unknown_fields,
            }),
            Err(kind) => out.failed.push(FailedDoc {
                file: id,
                kind,
                name: kind.and_then(|_| recover_name(chunk)),
            }),
        }
    }
    out
}

/// Load the documents of one file's raw bytes, which must be UTF-8.
pub fn load_bytes(loaded: &mut Loaded, path: &str, bytes: Vec<u8>) {
    let id = FileId(loaded.sources.len() as u32);
    let r = load_file_bytes(id, path.to_string(), bytes);
    loaded.sources.add(r.source.path, r.source.text);
    loaded.docs.extend(r.docs);
    loaded.diags.extend(r.diags);
    loaded.failed.extend(r.failed);
}

/// Load the documents of one file's text (shown to users as `path`).
pub fn load_text(loaded: &mut Loaded, path: &str, text: String) {
    load_bytes(loaded, path, text.into_bytes());
}

/// Split a YAML stream at its `---` document markers (a line starting with `---` followed by
/// nothing or whitespace). Each piece keeps its marker line, which the parser accepts, so columns
/// stay true; the number is how many lines of the file precede the piece.
pub fn split_documents(text: &str) -> Vec<(u32, &str)> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut start_line = 0u32;
    let mut offset = 0usize;
    for (line_no, line) in (0u32..).zip(text.split_inclusive('\n')) {
        let is_marker = line.starts_with("---")
            && line[3..]
                .chars()
                .next()
                .is_none_or(|c| c == ' ' || c == '\t' || c == '\r' || c == '\n');
        if is_marker && offset > start {
            out.push((start_line, &text[start..offset]));
            start = offset;
            start_line = line_no;
        }
        offset += line.len();
    }
    if start < text.len() || out.is_empty() {
        out.push((start_line, &text[start..]));
    }
    out
}

/// A document with nothing but blank lines, comments and markers.
fn is_blank_document(chunk: &str) -> bool {
    chunk.lines().all(|l| {
        let t = l.trim();
        t.is_empty()
            || t.starts_with('#')
            || t == "---"
            || t == "..."
            || (t.starts_with("--- ") && t[4..].trim_start().starts_with('#'))
            || t.starts_with('%')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_marker_lines_and_counts_preceding_lines() {
        let text = "kind: A\n---\nkind: B\n--- # c\nkind: C\n";
        let docs = split_documents(text);
        assert_eq!(
            docs,
            vec![
                (0, "kind: A\n"),
                (1, "---\nkind: B\n"),
                (3, "--- # c\nkind: C\n")
            ]
        );
    }

    #[test]
    fn split_ignores_dashes_that_are_not_markers() {
        let docs = split_documents("a: ---x\n----\nb: 1\n");
        assert_eq!(docs.len(), 1);
        assert_eq!(split_documents("").len(), 1);
    }

    #[test]
    fn blank_documents_are_recognised() {
        assert!(is_blank_document("---\n# only a comment\n\n"));
        assert!(is_blank_document(""));
        assert!(!is_blank_document("---\nkind: Settings\n"));
    }

    #[test]
    fn documents_report_lines_of_the_whole_file() {
        let mut loaded = Loaded::default();
        load_text(
            &mut loaded,
            "x.yaml",
            "kind: Settings\n---\n# two\nkind: Organization\nname: ok\nbogus: 1\n".to_string(),
        );
        // The organization is still read, without its unknown field.
        assert_eq!(loaded.docs.len(), 2);
        assert_eq!(loaded.diags.len(), 1);
        assert_eq!(
            loaded.diags[0].location(&loaded.sources).as_deref(),
            Some("x.yaml:6:1")
        );
    }
}
