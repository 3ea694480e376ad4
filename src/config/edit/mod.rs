//! Editing config files in place (`roster offboard`): remove entries of the user lists (org
//! members, team members, workspace participants, review owners) from the files' text, leaving
//! every other byte as it was: comments, key order, quoting, anchors, blank lines and line
//! endings. `select` decides which entries go (a person everywhere, or every expired grant) from
//! the loaded documents, which match users exactly as validation does; `tree` locates them in
//! the text; `splice` computes the edits. Nothing is re-serialised.
//!
//! It is pure: it takes the loaded files and returns new texts, or located diagnostics when an
//! edit cannot be made safely (an alias elsewhere names what would be removed). It must not
//! read or write files.

pub mod select;
pub mod splice;
pub mod tree;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use super::load::{Loaded, split_documents};
use crate::diag::{Code, Diagnostic, FileId, Span};
use tree::{Kind, NodeId, Tree};

/// One step from a document's root to a list item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Key(&'static str),
    Index(usize),
}

/// Which list an entry was removed from, with names as declared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "list", rename_all = "camelCase")]
pub enum Place {
    #[serde(rename = "orgMembers")]
    OrgMember { org: String },
    #[serde(rename = "teamMembers")]
    TeamMember { org: String, team: String },
    #[serde(rename = "participants")]
    Participant { org: String, workspace: String },
    #[serde(rename = "basespaceWorkgroupMembers")]
    WorkgroupMember { workgroup: String },
    #[serde(rename = "reviewOwners", rename_all = "camelCase")]
    ReviewOwner {
        org: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        workspace: Option<String>,
    },
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::OrgMember { org } => write!(f, "member of organization {org}"),
            Place::TeamMember { org, team } => write!(f, "member of team {org}/{team}"),
            Place::Participant { org, workspace } => {
                write!(f, "participant of workspace {org}/{workspace}")
            }
            Place::WorkgroupMember { workgroup } => {
                write!(f, "member of BaseSpace workgroup {workgroup}")
            }
            Place::ReviewOwner {
                org,
                workspace: None,
            } => write!(f, "review owner of organization {org}"),
            Place::ReviewOwner {
                org,
                workspace: Some(w),
            } => write!(f, "review owner of workspace {org}/{w}"),
        }
    }
}

/// An entry to remove: the document (an index into [`Loaded::docs`]), the path to its list, its
/// index there, and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub doc: usize,
    pub list: Vec<Step>,
    pub index: usize,
    pub entry: Entry,
}

/// What a removed entry was, for the summary.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The file, as shown.
    pub file: String,
    /// The 1-based line of the entry in its file.
    pub line: u32,
    /// The user as written.
    pub user: String,
    #[serde(flatten)]
    pub place: Place,
    /// The role the entry gave, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Why it was removed, when not because the person is offboarded (an expiry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// The new text of each file that changes, by file.
pub type Edited = BTreeMap<FileId, String>;

/// Apply `removals` to the texts of `loaded`. Either every edit is made, or none and the
/// diagnostics say where and why.
pub fn apply(loaded: &Loaded, removals: &[Removal]) -> Result<Edited, Vec<Diagnostic>> {
    let mut by_doc: BTreeMap<usize, Vec<&Removal>> = BTreeMap::new();
    for r in removals {
        by_doc.entry(r.doc).or_default().push(r);
    }
    let mut edits: BTreeMap<FileId, Vec<splice::Edit>> = BTreeMap::new();
    let mut diags = Vec::new();
    // Each file's documents, split once: (lines before the document, its text).
    let mut split: BTreeMap<FileId, Vec<(u32, &str)>> = BTreeMap::new();
    for (doc_index, rs) in by_doc {
        let doc = &loaded.docs[doc_index];
        let src = loaded.sources.get(doc.file);
        let at = |offset: usize| -> Span {
            let (line, col) = src.line_col(offset);
            src.token_span(doc.file, line, col)
        };
        let text: &str = &src.text;
        let docs = split
            .entry(doc.file)
            .or_insert_with(|| split_documents(text));
        let Some(chunk) = docs
            .binary_search_by_key(&doc.line_offset, |(offset, _)| *offset)
            .ok()
            .map(|i| docs[i].1)
        else {
            diags.push(cannot(
                at(0),
                "the document could not be found again in its file",
            ));
            continue;
        };
        let base = chunk.as_ptr() as usize - text.as_ptr() as usize;
        let tree = match Tree::parse(chunk, base) {
            Ok(t) => t,
            Err(e) => {
                diags.push(cannot(
                    at(e.at),
                    format!("the document could not be re-read: {}", e.message),
                ));
                continue;
            }
        };
        // Each list (after aliases) and the items to remove from it; the aliases passed on the way.
        let mut lists: BTreeMap<NodeId, BTreeSet<usize>> = BTreeMap::new();
        let mut passed: BTreeSet<NodeId> = BTreeSet::new();
        for r in &rs {
            match locate(&tree, &r.list, &mut passed) {
                Some(seq) if tree.items(seq).is_some_and(|i| r.index < i.len()) => {
                    lists.entry(tree.resolve(seq)).or_default().insert(r.index);
                }
                _ => diags.push(
                    cannot(
                        at(tree.get(tree.root()).start),
                        format!(
                            "the entry of {} for `{}` could not be located in the text",
                            r.entry.place, r.entry.user
                        ),
                    )
                    .help("roster edits lists written out in the document; a list merged in with `<<` cannot be edited"),
                ),
            }
        }
        // Nodes that go, and a check that no alias kept elsewhere names one of them.
        // Each node that goes → the list item it goes with.
        let mut gone: BTreeMap<NodeId, NodeId> = BTreeMap::new();
        for (seq, idx) in &lists {
            let items = tree.items(*seq).unwrap_or(&[]);
            for &i in idx {
                let mut sub = Vec::new();
                tree.subtree(items[i], &mut sub);
                gone.extend(sub.into_iter().map(|n| (n, items[i])));
            }
        }
        for (i, node) in tree.nodes.iter().enumerate() {
            let Kind::Alias(target) = node.kind else {
                continue;
            };
            let id = NodeId(i);
            if gone.contains_key(&id) || passed.contains(&id) {
                continue;
            }
            let mut sub = Vec::new();
            tree.subtree(target, &mut sub);
            if let Some(item) = sub.iter().find_map(|n| gone.get(n)) {
                let anchor = tree.get(target).anchor.clone();
                let name = anchor.as_ref().map_or("", |a| a.0.as_str());
                let mut d = cannot(
                    at(node.start),
                    format!("the alias `*{name}` refers to what offboarding would remove"),
                )
                .also(at(tree.get(*item).outer_start()), "this entry would be removed")
                .help(format!(
                    "write the value out in full where `*{name}` is (or remove the alias), then run roster offboard again; nothing was written"
                ));
                if let Some((_, s, _)) = anchor {
                    d = d.also(at(s), "the anchor is defined here");
                }
                diags.push(d);
            }
        }
        for (seq, idx) in &lists {
            match splice::remove_items(text, &tree, *seq, idx) {
                Ok(e) => edits.entry(doc.file).or_default().extend(e),
                Err(e) => diags.push(cannot(at(e.at), e.message)),
            }
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut out = Edited::new();
    for (file, e) in edits {
        let text = &loaded.sources.get(file).text;
        match splice::apply(text, e) {
            Ok(new) => {
                out.insert(file, new);
            }
            Err(e) => {
                let src = loaded.sources.get(file);
                let (line, col) = src.line_col(e.at);
                diags.push(cannot(src.token_span(file, line, col), e.message));
            }
        }
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

/// Follow `path` from the root: the node it ends at (the list), recording aliases passed.
fn locate(tree: &Tree, path: &[Step], passed: &mut BTreeSet<NodeId>) -> Option<NodeId> {
    let mut at = tree.root();
    for step in path {
        if matches!(tree.get(at).kind, Kind::Alias(_)) {
            passed.insert(at);
        }
        at = match *step {
            Step::Key(k) => tree.field(at, k)?.1,
            Step::Index(i) => *tree.items(at)?.get(i)?,
        };
    }
    if matches!(tree.get(at).kind, Kind::Alias(_)) {
        passed.insert(at);
    }
    Some(at)
}

fn cannot(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(Code::CannotEdit, message).at(span, "cannot edit here")
}
