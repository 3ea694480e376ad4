//! Parsing one document of a file: reading its `kind`, deserializing it into that kind's type,
//! and, when a field is unknown, parsing it again without the unknown fields (see
//! [`crate::config::lenient`]) so all of them and every other problem are found. A document
//! that fails leaves its kind and, when the text shows it, its name.
//!
//! It owns the parse diagnostics of one document; it must not read files or check meaning.

use serde::de::DeserializeOwned;

use super::{Doc, KINDS, Misspelt};
use crate::config::lenient;
use crate::config::model::{
    KindProbe, NameProbe, OrganizationDoc, SettingsDoc, WorkgroupDoc, WorkspaceDoc,
};
use crate::diag::{self, Code, Diagnostic, FileId, SourceFile};

/// The value of a top-level `key:` line, when the text shows one plainly.
fn scan_key<'a>(chunk: &'a str, key: &str) -> Option<&'a str> {
    chunk.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.strip_prefix(':')?;
        let v = rest.split(" #").next()?.trim();
        Some(unquote(v))
    })
}

/// The top-level blocks of a seqerakit file (its YAML keys name what it creates).
const SEQERAKIT_BLOCKS: [&str; 12] = [
    "organizations",
    "workspaces",
    "teams",
    "members",
    "participants",
    "compute-envs",
    "credentials",
    "pipelines",
    "launch",
    "datasets",
    "secrets",
    "actions",
];

/// The first seqerakit block `chunk` has at its top level, if any.
fn seqerakit_block(chunk: &str) -> Option<&'static str> {
    SEQERAKIT_BLOCKS
        .iter()
        .copied()
        .find(|b| scan_key(chunk, b).is_some_and(str::is_empty))
}

/// A scalar without the one pair of matching quotes around it, if it has them. Only a matched
/// pair is removed, as YAML removes it: `Organization'` stays as it is.
fn unquote(v: &str) -> &str {
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

/// The known kind `text` names, ignoring case (a miscased kind is still reported as unknown).
fn known_kind(text: &str) -> Option<&'static str> {
    KINDS.iter().copied().find(|k| k.eq_ignore_ascii_case(text))
}

/// The top-level `name` of a document that failed to parse: read leniently, or from the text.
pub(super) fn recover_name(chunk: &str) -> Option<String> {
    let parsed = serde_saphyr::from_str::<NameProbe>(chunk)
        .ok()
        .and_then(|p| p.name.map(|n| n.value));
    parsed
        .or_else(|| scan_key(chunk, "name").map(str::to_string))
        .filter(|n| !n.is_empty())
}

/// What parsing one document gave: the document and the paths of mappings with unknown fields,
/// or the kind of a document that failed (when known); and the problems either way.
pub(super) struct Parsed {
    pub(super) doc: Result<(Doc, Vec<Misspelt>), Option<&'static str>>,
    pub(super) diags: Vec<Diagnostic>,
}

impl Parsed {
    fn failed(kind: Option<&'static str>, d: Diagnostic) -> Self {
        Parsed {
            doc: Err(kind),
            diags: vec![d],
        }
    }
}

pub(super) fn load_document(
    src: &SourceFile,
    file: FileId,
    line_offset: u32,
    chunk: &str,
) -> Parsed {
    let doc_start = first_content_line(chunk);
    let yaml_error = |e: &serde_saphyr::Error| -> Diagnostic {
        let mut d = diag::from_yaml_error_in(src, file, line_offset, e);
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
        d
    };
    // Fast path: a plainly written kind needs no separate parse to read it.
    let scanned = scan_key(chunk, "kind").and_then(known_kind);
    let kind: &'static str = match scanned {
        Some(k) if scan_key(chunk, "kind") == Some(k) => k,
        _ => {
            let probe: KindProbe = match serde_saphyr::from_str(chunk) {
                Ok(p) => p,
                Err(e) => return Parsed::failed(scanned, yaml_error(&e)),
            };
            let Some(kind) = probe.kind else {
                let span = src.token_span(file, line_offset + doc_start, 1);
                let help = match seqerakit_block(chunk) {
                    Some(block) => format!(
                        "this looks like a seqerakit file (it has a top-level `{block}:` block); translate it with `roster import seqerakit {} --out DIR`",
                        src.path
                    ),
                    None => "every roster document starts with `kind:`; files that are not roster config do not belong under the config directory".to_string(),
                };
                return Parsed::failed(
                    None,
                    Diagnostic::error(Code::MissingKind, "document has no `kind`")
                        .at(
                            span,
                            "this document needs `kind: Settings`, `Organization`, `Workspace` or `BaseSpaceWorkgroup`",
                        )
                        .help(help),
                );
            };
            match KINDS.iter().find(|k| **k == kind.value) {
                Some(k) => k,
                None => {
                    let span =
                        src.token_span(file, kind.line.max(1) + line_offset, kind.col.max(1));
                    let mut d = Diagnostic::error(
                        Code::UnknownKind,
                        format!("unknown kind `{}`", kind.value),
                    )
                    .at(
                        span,
                        "expected Settings, Organization, Workspace or BaseSpaceWorkgroup",
                    );
                    let meant = known_kind(&kind.value);
                    if let Some(k) = meant {
                        d = d.help(format!("kinds are case-sensitive: write `{k}`"));
                    }
                    return Parsed::failed(meant, d);
                }
            }
        }
    };
    let strict = match kind {
        "Settings" => parse::<SettingsDoc>(chunk).map(Doc::Settings),
        "Organization" => parse::<OrganizationDoc>(chunk).map(Doc::Organization),
        "BaseSpaceWorkgroup" => parse::<WorkgroupDoc>(chunk).map(Doc::BaseSpaceWorkgroup),
        _ => parse::<WorkspaceDoc>(chunk).map(Doc::Workspace),
    };
    let error = match strict {
        Ok(doc) => {
            return Parsed {
                doc: Ok((doc, Vec::new())),
                diags: Vec::new(),
            };
        }
        Err(e) => e,
    };
    // The typed parse stops at the first value it cannot use, which may come before a syntax
    // error further on; a lenient parse of the whole text tells which to report.
    if let Err(syntax) = serde_saphyr::from_str::<serde::de::IgnoredAny>(chunk) {
        return Parsed::failed(Some(kind), yaml_error(&syntax));
    }
    let first = yaml_error(&error);
    if first.code != Code::UnknownField {
        return Parsed::failed(Some(kind), first);
    }
    // An unknown field: parse again without the fields the types do not declare, so they are all
    // reported and the rest of the document is still checked.
    let (again, unknown) = match kind {
        "Settings" => lenient_parse(chunk, Doc::Settings),
        "Organization" => lenient_parse(chunk, Doc::Organization),
        "BaseSpaceWorkgroup" => lenient_parse(chunk, Doc::BaseSpaceWorkgroup),
        _ => lenient_parse(chunk, Doc::Workspace),
    };
    if unknown.is_empty() {
        return Parsed::failed(Some(kind), first);
    }
    let mut diags: Vec<Diagnostic> = unknown
        .iter()
        .map(|u| {
            let span = src.token_span(file, u.line.max(1) + line_offset, u.col.max(1));
            diag::unknown_field(&u.key, u.expected, span)
        })
        .collect();
    let paths = unknown
        .into_iter()
        .map(|u| Misspelt {
            meant: diag::closest_field(&u.key, u.expected)
                .and_then(|m| u.expected.iter().copied().find(|e| *e == m)),
            path: u.path,
        })
        .collect();
    match again {
        Ok(doc) => Parsed {
            doc: Ok((doc, paths)),
            diags,
        },
        Err(e) => {
            // A required field reported missing is most likely one of the misspelt ones.
            let d = yaml_error(&e);
            if d.code != Code::MissingField {
                diags.push(d);
            }
            Parsed {
                doc: Err(Some(kind)),
                diags,
            }
        }
    }
}

fn parse<T: DeserializeOwned>(chunk: &str) -> Result<T, serde_saphyr::Error> {
    serde_saphyr::from_str::<T>(chunk)
}

fn lenient_parse<T: DeserializeOwned>(
    chunk: &str,
    wrap: fn(T) -> Doc,
) -> (Result<Doc, serde_saphyr::Error>, Vec<lenient::UnknownField>) {
    let (r, unknown) = lenient::from_str::<T>(chunk);
    (r.map(wrap), unknown)
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

    fn parse_one(text: &str) -> Parsed {
        let src = SourceFile::new("x.yaml", text);
        load_document(&src, FileId(0), 0, text)
    }

    #[test]
    fn a_failed_document_keeps_its_kind_and_its_name_when_the_text_shows_it() {
        let p = parse_one("kind: Organization\nname: lab\nmembers: 3\n");
        assert_eq!(p.doc.err(), Some(Some("Organization")));
        assert_eq!(
            recover_name("kind: Organization\nname: lab\nmembers: 3\n").as_deref(),
            Some("lab")
        );
        // Not even YAML: the name is read from its line.
        assert_eq!(
            recover_name("kind: Organization\nname: \"core\" # c\nteams: [a\n").as_deref(),
            Some("core")
        );
        assert_eq!(recover_name("kind: Organization\nteams: [a\n"), None);
        // A miscased kind is reported as unknown but still counts as that kind.
        let p = parse_one("kind: organization\nname: lab\n");
        assert_eq!(p.diags[0].code, Code::UnknownKind);
        assert_eq!(p.doc.err(), Some(Some("Organization")));
    }

    #[test]
    fn a_kind_with_a_stray_quote_is_unknown() {
        for text in [
            "kind: Organization'\nname: lab\n",
            "kind: \"Organization\nname: lab\n",
            "kind: 'Organization\"\nname: lab\n",
        ] {
            let p = parse_one(text);
            assert!(p.doc.is_err(), "{text:?} parsed");
            assert!(
                matches!(p.diags[0].code, Code::UnknownKind | Code::YamlSyntax),
                "{text:?}: {:?}",
                p.diags
            );
        }
        assert_eq!(unquote("'Workspace'"), "Workspace");
        assert_eq!(unquote("\"Workspace\""), "Workspace");
        assert_eq!(unquote("Workspace'"), "Workspace'");
        assert!(parse_one("kind: 'Organization'\nname: lab\n").doc.is_ok());
    }

    #[test]
    fn unknown_fields_are_all_reported_and_the_document_still_parses() {
        let p = parse_one(
            "kind: Workspace\norg: lab\nname: ws\nfulname: W\nlabels:\n  - {name: a, resource: true, valeu: x}\n",
        );
        let codes: Vec<Code> = p.diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::UnknownField, Code::UnknownField]);
        let (doc, misspelt) = p.doc.expect("parsed without the unknown fields");
        assert!(matches!(doc, Doc::Workspace(ref w) if w.name.value == "ws"));
        assert_eq!(
            misspelt,
            [
                Misspelt {
                    path: String::new(),
                    meant: Some("fullName")
                },
                Misspelt {
                    path: "labels[0]".into(),
                    meant: Some("value")
                },
            ]
        );
    }

    #[test]
    fn a_required_field_left_missing_by_a_typo_is_not_reported_twice() {
        let p = parse_one("kind: Workspace\nogr: lab\nname: ws\n");
        let codes: Vec<Code> = p.diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::UnknownField]);
        assert_eq!(p.doc.err(), Some(Some("Workspace")));
    }
}
