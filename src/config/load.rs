//! Loading a config directory: find every `*.yaml` / `*.yml` below it (hidden files and
//! directories skipped), split each file into its YAML documents, and deserialize each document
//! into the type its `kind` names. Problems become located diagnostics; loading carries on with the
//! next document so one run reports everything it can.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::model::{KindProbe, OrganizationDoc, SettingsDoc, Sp, WorkspaceDoc};
use crate::diag::{Code, Diagnostic, FileId, SourceFile, Sources, Span};

/// The kinds of document roster reads.
pub const KINDS: [&str; 3] = ["Settings", "Organization", "Workspace"];

/// A document and where it is.
#[derive(Debug)]
pub struct LoadedDoc {
    pub file: FileId,
    /// Lines of the file before the document's text starts.
    pub line_offset: u32,
    pub doc: Doc,
}

#[derive(Debug)]
pub enum Doc {
    Settings(SettingsDoc),
    Organization(OrganizationDoc),
    Workspace(WorkspaceDoc),
}

/// Everything read from a directory: the files, the documents that parsed, and the problems.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: Sources,
    pub docs: Vec<LoadedDoc>,
    pub diags: Vec<Diagnostic>,
}

impl Loaded {
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

/// The config files under `root`, sorted by path. `root` may also be a single file.
pub fn find_files(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(root)?;
    if meta.is_file() {
        return Ok(vec![root.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            let ty = entry.file_type()?;
            if ty.is_dir() || (ty.is_symlink() && path.is_dir()) {
                stack.push(path);
            } else if name.ends_with(".yaml") || name.ends_with(".yml") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Load every config file under `root`. Files are parsed in parallel; the result is the same as
/// loading them one by one in path order.
pub fn load_dir(root: &Path) -> Loaded {
    let mut loaded = Loaded::default();
    let files = match find_files(root) {
        Ok(f) => f,
        Err(e) => {
            loaded.diags.push(Diagnostic::error(
                Code::Io,
                format!("cannot read config directory {}: {e}", root.display()),
            ));
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
    }
    if loaded.docs.is_empty() && loaded.diags.is_empty() {
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
}

fn load_file(id: FileId, path: &Path) -> FileLoad {
    let shown = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return FileLoad {
                source: SourceFile::new(shown.clone(), ""),
                docs: Vec::new(),
                diags: vec![Diagnostic::error(
                    Code::Io,
                    format!("cannot read {shown}: {e}"),
                )],
            };
        }
    };
    load_file_bytes(id, shown, bytes)
}

fn load_file_bytes(id: FileId, shown: String, bytes: Vec<u8>) -> FileLoad {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            let msg = format!("{shown}: not UTF-8 text; YAML config files must be UTF-8");
            return FileLoad {
                source: SourceFile::new(shown, ""),
                docs: Vec::new(),
                diags: vec![Diagnostic::error(Code::Io, msg)],
            };
        }
    };
    let source = SourceFile::new(shown, text);
    let mut out = FileLoad {
        docs: Vec::new(),
        diags: Vec::new(),
        source,
    };
    let text = out.source.text.clone();
    for (line_offset, chunk) in split_documents(&text) {
        if is_blank_document(chunk) {
            continue;
        }
        match load_document(&out.source, id, line_offset, chunk) {
            Ok(doc) => out.docs.push(LoadedDoc {
                file: id,
                line_offset,
                doc,
            }),
            Err(d) => out.diags.push(*d),
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
}

/// Load the documents of one file's text (shown to users as `path`).
pub fn load_text(loaded: &mut Loaded, path: &str, text: String) {
    load_bytes(loaded, path, text.into_bytes());
}

/// The value of a top-level `kind:` line, when the text shows one plainly.
fn scan_kind(chunk: &str) -> Option<&str> {
    chunk.lines().find_map(|l| {
        let rest = l.strip_prefix("kind:")?;
        let v = rest.split(" #").next()?.trim();
        Some(v.trim_matches('"').trim_matches('\''))
    })
}

fn load_document(
    src: &SourceFile,
    file: FileId,
    line_offset: u32,
    chunk: &str,
) -> Result<Doc, Box<Diagnostic>> {
    let doc_start = first_content_line(chunk);
    let yaml_error = |e: &serde_saphyr::Error| -> Box<Diagnostic> {
        let mut d = crate::diag::from_yaml_error_in(src, file, line_offset, e);
        // The parser places a top-level missing field at the document's last key; point at the
        // document's start instead, where the field belongs.
        if d.code == Code::MissingField
            && let Some(label) = d.primary.as_mut()
            && label.span.col == 1
        {
            label.span = src.token_span(file, line_offset + doc_start, 1);
            label.text = label
                .text
                .replace("this document or entry", "this document");
        }
        Box::new(d)
    };
    // Fast path: a plainly written kind needs no separate parse to read it.
    let kind = match scan_kind(chunk) {
        Some(k) if KINDS.contains(&k) => k.to_string(),
        _ => {
            let probe: KindProbe = serde_saphyr::from_str(chunk).map_err(|e| yaml_error(&e))?;
            let Some(kind) = probe.kind else {
                let span = src.token_span(file, line_offset + doc_start, 1);
                return Err(Box::new(Diagnostic::error(Code::MissingKind, "document has no `kind`")
                    .at(span, "this document needs `kind: Settings`, `Organization` or `Workspace`")
                    .help("every roster document starts with `kind:`; files that are not roster config do not belong under the config directory")));
            };
            if !KINDS.contains(&kind.value.as_str()) {
                let span = src.token_span(file, kind.line.max(1) + line_offset, kind.col.max(1));
                let mut d =
                    Diagnostic::error(Code::UnknownKind, format!("unknown kind `{}`", kind.value))
                        .at(span, "expected Settings, Organization or Workspace");
                if let Some(k) = KINDS.iter().find(|k| k.eq_ignore_ascii_case(&kind.value)) {
                    d = d.help(format!("kinds are case-sensitive: write `{k}`"));
                }
                return Err(Box::new(d));
            }
            kind.value
        }
    };
    let parsed = match kind.as_str() {
        "Settings" => parse::<SettingsDoc>(chunk).map(Doc::Settings),
        "Organization" => parse::<OrganizationDoc>(chunk).map(Doc::Organization),
        _ => parse::<WorkspaceDoc>(chunk).map(Doc::Workspace),
    };
    parsed.map_err(|e| {
        // The typed parse stops at the first value it cannot use, which may come before a syntax
        // error further on; a lenient parse of the whole text tells which to report.
        match serde_saphyr::from_str::<serde::de::IgnoredAny>(chunk) {
            Err(syntax) => yaml_error(&syntax),
            Ok(_) => yaml_error(&e),
        }
    })
}

fn parse<T: DeserializeOwned>(chunk: &str) -> Result<T, serde_saphyr::Error> {
    serde_saphyr::from_str::<T>(chunk)
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

/// 1-based line (within the chunk) of the first line with content.
fn first_content_line(chunk: &str) -> u32 {
    chunk
        .lines()
        .position(|l| {
            let t = l.trim();
            !(t.is_empty() || t.starts_with('#') || t == "---" || t.starts_with('%'))
        })
        .map_or(1, |i| i as u32 + 1)
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
        assert_eq!(loaded.docs.len(), 1);
        assert_eq!(loaded.diags.len(), 1);
        assert_eq!(
            loaded.diags[0].location(&loaded.sources).as_deref(),
            Some("x.yaml:6:1")
        );
    }
}
