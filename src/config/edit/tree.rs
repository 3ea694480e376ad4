//! A located YAML tree of one document, built from the parser's events: every node with the
//! byte range it occupies in the file, its style (block or flow), the anchor it defines and the
//! node an alias names. Editing in place needs exact extents, which the deserialized documents
//! (one line and column per value) do not give.
//!
//! It is pure: it reads text it is given and must not decide what to edit.

use serde_saphyr::granit_parser::{Event, Marker, Options, Parser, StructureStyle};

/// Index of a node in a [`Tree`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub usize);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Scalar(String),
    Seq(Vec<NodeId>),
    /// Keys and values, in order.
    Map(Vec<(NodeId, NodeId)>),
    /// An alias (`*name`) of the node it names.
    Alias(NodeId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub kind: Kind,
    /// Byte range in the file: for a scalar its text (quotes included), for a flow collection
    /// its brackets, for a block collection from its first to the end of its last content.
    pub start: usize,
    pub end: usize,
    pub flow: bool,
    /// The anchor this node defines: its name and the byte range of `&name`.
    pub anchor: Option<(String, usize, usize)>,
}

impl Node {
    /// Where the node's text starts, its anchor included.
    pub fn outer_start(&self) -> usize {
        self.anchor
            .as_ref()
            .map_or(self.start, |(_, s, _)| (*s).min(self.start))
    }
}

/// One document's nodes; the first is the root.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

/// A parse that failed where the loader's did not: the byte offset and the parser's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeError {
    pub at: usize,
    pub message: String,
}

impl Tree {
    /// The tree of the first document of `chunk`, which starts `base` bytes into its file.
    pub fn parse(chunk: &str, base: usize) -> Result<Tree, TreeError> {
        let mut options = Options::default();
        options.emit_anchor_events = true;
        options.set_emit_comments(false);
        let mut tree = Tree::default();
        // Open collections: the node, and for maps a key waiting for its value.
        let mut stack: Vec<(NodeId, Option<NodeId>)> = Vec::new();
        let mut anchors: Vec<(usize, NodeId)> = Vec::new();
        let mut last: Option<NodeId> = None;
        let byte = |m: &Marker| {
            base + m
                .byte_offset()
                .unwrap_or_else(|| char_to_byte(chunk, m.index()))
        };
        for ev in Parser::new_from_str_with_options(chunk, options) {
            let (event, span) = ev.map_err(|e| TreeError {
                at: base + char_to_byte(chunk, e.marker().index()),
                message: e.to_string(),
            })?;
            let (start, end) = (byte(&span.start), byte(&span.end));
            let new = match event {
                Event::DocumentEnd if !tree.nodes.is_empty() => break,
                Event::Scalar(value, ..) => Some(Node {
                    kind: Kind::Scalar(value.into_owned()),
                    start,
                    end: trimmed_end(chunk, base, start, end),
                    flow: false,
                    anchor: None,
                }),
                Event::SequenceStart(style, ..) | Event::MappingStart(style, ..) => {
                    let kind = match event {
                        Event::SequenceStart(..) => Kind::Seq(Vec::new()),
                        _ => Kind::Map(Vec::new()),
                    };
                    Some(Node {
                        kind,
                        start,
                        end: start,
                        flow: style == StructureStyle::Flow,
                        anchor: None,
                    })
                }
                Event::Alias(id) => {
                    let target = anchors
                        .iter()
                        .rev()
                        .find(|(a, _)| *a == id)
                        .map(|(_, n)| *n)
                        .ok_or_else(|| TreeError {
                            at: start,
                            message: "an alias of an unknown anchor".into(),
                        })?;
                    Some(Node {
                        kind: Kind::Alias(target),
                        start,
                        end,
                        flow: false,
                        anchor: None,
                    })
                }
                Event::Anchor(id, name) => {
                    if let Some(n) = last {
                        tree.nodes[n.0].anchor = Some((name.into_owned(), start, end));
                        anchors.push((id, n));
                    }
                    None
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let Some((id, _)) = stack.pop() else {
                        continue;
                    };
                    let node = &tree.nodes[id.0];
                    let end = if node.flow {
                        end
                    } else {
                        tree.last_end(id).max(node.start)
                    };
                    tree.nodes[id.0].end = end;
                    last = None;
                    continue;
                }
                _ => None,
            };
            let Some(node) = new else { continue };
            let is_collection = matches!(node.kind, Kind::Seq(_) | Kind::Map(_));
            let id = NodeId(tree.nodes.len());
            tree.nodes.push(node);
            last = Some(id);
            if let Some((parent, pending)) = stack.last_mut() {
                match (&mut tree.nodes[parent.0].kind, *pending) {
                    (Kind::Seq(items), _) => items.push(id),
                    (Kind::Map(_), None) => *pending = Some(id),
                    (Kind::Map(pairs), Some(key)) => {
                        pairs.push((key, id));
                        *pending = None;
                    }
                    _ => {}
                }
            }
            if is_collection {
                stack.push((id, None));
            }
        }
        if tree.nodes.is_empty() {
            return Err(TreeError {
                at: base,
                message: "the document is empty".into(),
            });
        }
        Ok(tree)
    }

    pub fn get(&self, id: NodeId) -> &Node {
        &self.nodes[id.0]
    }

    pub fn root(&self) -> NodeId {
        NodeId(0)
    }

    /// The node itself, or the one it is an alias of.
    pub fn resolve(&self, id: NodeId) -> NodeId {
        match self.get(id).kind {
            Kind::Alias(target) => target,
            _ => id,
        }
    }

    /// The value of `key` in the mapping `map` (aliases resolved), with the key node.
    pub fn field(&self, map: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
        let Kind::Map(pairs) = &self.get(self.resolve(map)).kind else {
            return None;
        };
        pairs
            .iter()
            .find(|(k, _)| matches!(&self.get(*k).kind, Kind::Scalar(s) if s == key))
            .map(|(k, v)| (*k, *v))
    }

    /// The items of a sequence (aliases resolved), or `None` when it is not one.
    pub fn items(&self, seq: NodeId) -> Option<&[NodeId]> {
        match &self.get(self.resolve(seq)).kind {
            Kind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The end of the last content of a block collection: its last child's end.
    fn last_end(&self, id: NodeId) -> usize {
        let node = self.get(id);
        let last = match &node.kind {
            Kind::Seq(items) => items.last().copied(),
            Kind::Map(pairs) => pairs.last().map(|(_, v)| *v),
            _ => None,
        };
        last.map_or(node.end, |c| self.get(c).end)
    }

    /// Every node of the subtree at `id` (aliases are leaves: their targets are not included).
    pub fn subtree(&self, id: NodeId, out: &mut Vec<NodeId>) {
        out.push(id);
        match &self.get(id).kind {
            Kind::Seq(items) => items.iter().for_each(|c| self.subtree(*c, out)),
            Kind::Map(pairs) => pairs.iter().for_each(|(k, v)| {
                self.subtree(*k, out);
                self.subtree(*v, out);
            }),
            _ => {}
        }
    }
}

/// The end of `[start, end)` without trailing whitespace (block scalars end past their lines).
fn trimmed_end(chunk: &str, base: usize, start: usize, end: usize) -> usize {
    let text = chunk.get(start - base..end - base).unwrap_or("");
    start + text.trim_end().len()
}

/// The byte offset of a character index (the parser counts both; this is for when it gives
/// only characters).
fn char_to_byte(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of<'a>(src: &'a str, t: &Tree, id: NodeId) -> &'a str {
        let n = t.get(id);
        &src[n.start..n.end]
    }

    #[test]
    fn nodes_know_their_extent_style_and_anchor() {
        let src = "k: v\nlist:\n  - a: 1  # c\n    b: |\n      x\n\n  - &m {c: 2}\nflow: [x, \"y\"]\nal: *m\n";
        let t = Tree::parse(src, 0).unwrap();
        let (_, list) = t.field(t.root(), "list").unwrap();
        let items = t.items(list).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(text_of(src, &t, items[0]), "a: 1  # c\n    b: |\n      x");
        let m = t.get(items[1]);
        assert!(m.flow);
        assert_eq!(&src[m.start..m.end], "{c: 2}");
        assert_eq!(m.anchor.as_ref().unwrap().0, "m");
        assert_eq!(&src[m.outer_start()..m.end], "&m {c: 2}");
        let (_, flow) = t.field(t.root(), "flow").unwrap();
        let f: Vec<&str> = t
            .items(flow)
            .unwrap()
            .iter()
            .map(|i| text_of(src, &t, *i))
            .collect();
        assert_eq!(f, ["x", "\"y\""]);
        let (_, al) = t.field(t.root(), "al").unwrap();
        assert_eq!(t.resolve(al), items[1]);
    }

    #[test]
    fn a_document_later_in_a_file_is_located_in_the_file() {
        let file = "a: 1\n---\nb: [x]\n";
        let base = file.find("---").unwrap();
        let t = Tree::parse(&file[base..], base).unwrap();
        let (_, b) = t.field(t.root(), "b").unwrap();
        let x = t.items(b).unwrap()[0];
        assert_eq!(text_of(file, &t, x), "x");
    }
}
