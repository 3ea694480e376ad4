//! Removing items from a YAML sequence by editing its text: a block item goes with all of its
//! lines (its trailing comment included; comments on their own lines above other items stay),
//! a flow item goes with its comma, and a sequence left empty becomes `[]` so it stays
//! authoritative (an absent list would mean "unmanaged"). Everything else is left byte for byte.
//!
//! It is pure: it computes edits on a text and must not choose what to remove.

use std::collections::BTreeSet;

use super::tree::{NodeId, Tree};

/// Replace `start..end` of a text with `with`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub with: String,
}

/// Why an edit cannot be made safely: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpliceError {
    pub at: usize,
    pub message: String,
}

fn fail<T>(at: usize, message: impl Into<String>) -> Result<T, SpliceError> {
    Err(SpliceError {
        at,
        message: message.into(),
    })
}

/// The edits that remove the items at `remove` (indices) from the sequence `seq`.
pub fn remove_items(
    text: &str,
    tree: &Tree,
    seq: NodeId,
    remove: &BTreeSet<usize>,
) -> Result<Vec<Edit>, SpliceError> {
    let seq = tree.resolve(seq);
    let Some(items) = tree.items(seq) else {
        return fail(tree.get(seq).start, "not a list");
    };
    if remove.is_empty() {
        return Ok(Vec::new());
    }
    let node = tree.get(seq);
    let ranges: Vec<(usize, usize)> = items
        .iter()
        .map(|i| (tree.get(*i).outer_start(), tree.get(*i).end))
        .collect();
    if node.flow {
        return flow(text, (node.start, node.end), &ranges, remove);
    }
    let mut edits = Vec::new();
    for &i in remove {
        let (start, end) = ranges[i];
        let first = dash_line(text, start)?;
        let last = line_end(text, end.saturating_sub(1).max(start));
        if !is_comment_or_blank(&text[end..last]) {
            return fail(end, "the list item shares its line with something else");
        }
        edits.push(Edit {
            start: first,
            end: next_line(text, last),
            with: String::new(),
        });
    }
    if remove.len() == items.len() {
        let first = dash_line(text, ranges[0].0)?;
        edits.push(Edit {
            start: empty_list_point(text, first)?,
            end: empty_list_point(text, first)?,
            with: " []".into(),
        });
    }
    Ok(edits)
}

/// Edits removing items of a flow sequence whose brackets span `outer` (`[` … `]` included).
fn flow(
    text: &str,
    outer: (usize, usize),
    ranges: &[(usize, usize)],
    remove: &BTreeSet<usize>,
) -> Result<Vec<Edit>, SpliceError> {
    let (open, close) = (outer.0, outer.1.saturating_sub(1));
    if text.as_bytes().get(open) != Some(&b'[') || text.as_bytes().get(close) != Some(&b']') {
        return fail(
            open,
            "a flow list that does not start with `[` and end with `]`",
        );
    }
    if remove.len() == ranges.len() {
        return Ok(vec![Edit {
            start: open + 1,
            end: close,
            with: String::new(),
        }]);
    }
    // One item per line (with its comma and comment): remove whole lines.
    let lines: Option<Vec<(usize, usize)>> = ranges
        .iter()
        .map(|&(s, e)| {
            let first = line_start(text, s);
            let last = line_end(text, e.saturating_sub(1).max(s));
            let rest = text[e..last].trim_start();
            let rest = rest.strip_prefix(',').unwrap_or(rest);
            (first > open
                && text[first..s].trim().is_empty()
                && is_comment_or_blank(rest)
                && next_line(text, last) <= close)
                .then_some((first, next_line(text, last)))
        })
        .collect();
    if let Some(lines) = lines {
        return Ok(remove
            .iter()
            .map(|&i| Edit {
                start: lines[i].0,
                end: lines[i].1,
                with: String::new(),
            })
            .collect());
    }
    // Items sharing lines: keep the others, each with the separator that followed it.
    let kept: Vec<usize> = (0..ranges.len()).filter(|i| !remove.contains(i)).collect();
    let mut inner = text[open + 1..ranges[0].0].to_string();
    for (j, &k) in kept.iter().enumerate() {
        let (s, e) = ranges[k];
        inner.push_str(&text[s..e]);
        if j + 1 < kept.len() {
            inner.push_str(&text[e..ranges[k + 1].0]);
        }
    }
    inner.push_str(&text[ranges[ranges.len() - 1].1..close]);
    Ok(vec![Edit {
        start: open + 1,
        end: close,
        with: inner,
    }])
}

/// The start of the line holding the `-` of the block item whose content starts at `start`.
fn dash_line(text: &str, start: usize) -> Result<usize, SpliceError> {
    let ls = line_start(text, start);
    let prefix = text[ls..start].trim_start();
    if prefix.starts_with('-') && prefix[1..].trim().is_empty() {
        return Ok(ls);
    }
    if !prefix.is_empty() {
        return fail(start, "a list item that does not start its line");
    }
    // `-` alone on a line above its content, perhaps with comments in between.
    let mut at = ls;
    while at > 0 {
        let prev = line_start(text, at - 1);
        let line = &text[prev..at - 1];
        let content = content(line);
        if content.is_empty() {
            at = prev;
            continue;
        }
        if content == "-" {
            return Ok(prev);
        }
        break;
    }
    fail(start, "a list item whose `-` could not be found")
}

/// Where ` []` goes when every item of the block list starting on the line at `first` is
/// removed: after the key (and any anchor) on the nearest line above with content.
fn empty_list_point(text: &str, first: usize) -> Result<usize, SpliceError> {
    let mut at = first;
    while at > 0 {
        let prev = line_start(text, at - 1);
        let line = &text[prev..at - 1];
        let c = content(line);
        if c.is_empty() {
            at = prev;
            continue;
        }
        let last_token = c.rsplit(char::is_whitespace).next().unwrap_or("");
        if c.ends_with(':') || last_token.starts_with('&') || last_token.starts_with('!') {
            let offset = line.find(c).unwrap_or(0);
            return Ok(prev + offset + c.len());
        }
        break;
    }
    fail(first, "the key of this list could not be found")
}

/// A line's content: without its comment and surrounding whitespace.
fn content(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if prev_space => quote = Some(c),
            (None, '#') if prev_space => return line[..i].trim(),
            _ => {}
        }
        prev_space = c.is_whitespace();
    }
    line.trim()
}

fn is_comment_or_blank(s: &str) -> bool {
    let t = s.trim_start();
    t.is_empty() || t.starts_with('#')
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line holding `at` (its `\n`, or the end of the text).
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

fn next_line(text: &str, line_end: usize) -> usize {
    (line_end + 1).min(text.len())
}

/// Apply edits to `text`. Identical edits count once; overlapping ones are a bug upstream and
/// are refused.
pub fn apply(text: &str, mut edits: Vec<Edit>) -> Result<String, SpliceError> {
    edits.sort();
    edits.dedup();
    for pair in edits.windows(2) {
        if pair[1].start < pair[0].end {
            return fail(pair[1].start, "two edits overlap");
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in &edits {
        out.push_str(&text[at..e.start]);
        out.push_str(&e.with);
        at = e.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Remove the items at `remove` from the list under `key` of the document `src`.
    fn cut(src: &str, key: &str, remove: &[usize]) -> String {
        let t = Tree::parse(src, 0).unwrap();
        let (_, seq) = t.field(t.root(), key).unwrap();
        let set: BTreeSet<usize> = remove.iter().copied().collect();
        let edits = remove_items(src, &t, seq, &set).unwrap();
        let out = apply(src, edits).unwrap();
        serde_saphyr::from_str::<serde::de::IgnoredAny>(&out)
            .unwrap_or_else(|e| panic!("not YAML after the edit: {e}\n{out}"));
        out
    }

    const BLOCK: &str = "\
a: 1
list:   # the list
  # about x
  - user: x   # x's comment
    role: owner

  # about y
  - user: y
  -
    user: z
b: 2
";

    #[test]
    fn a_block_item_goes_with_its_lines_and_trailing_comment_only() {
        assert_eq!(
            cut(BLOCK, "list", &[0]),
            "a: 1\nlist:   # the list\n  # about x\n\n  # about y\n  - user: y\n  -\n    user: z\nb: 2\n"
        );
        assert_eq!(
            cut(BLOCK, "list", &[2]),
            "a: 1\nlist:   # the list\n  # about x\n  - user: x   # x's comment\n    role: owner\n\n  # about y\n  - user: y\nb: 2\n"
        );
    }

    #[test]
    fn a_block_list_left_empty_stays_as_an_empty_list() {
        let out = cut(BLOCK, "list", &[0, 1, 2]);
        assert_eq!(
            out,
            "a: 1\nlist: []   # the list\n  # about x\n\n  # about y\nb: 2\n"
        );
        let out = cut("list:\n- a\n- b\n", "list", &[0, 1]);
        assert_eq!(out, "list: []\n");
        let out = cut("list: &l\n  - a\nnext: *l\n", "list", &[0]);
        assert_eq!(out, "list: &l []\nnext: *l\n");
    }

    #[test]
    fn flow_items_go_with_their_comma() {
        let src = "m: [a, \"b\" ,  c]  # c\n";
        assert_eq!(cut(src, "m", &[0]), "m: [\"b\" ,  c]  # c\n");
        assert_eq!(cut(src, "m", &[1]), "m: [a, c]  # c\n");
        assert_eq!(cut(src, "m", &[2]), "m: [a, \"b\"]  # c\n");
        assert_eq!(cut(src, "m", &[0, 2]), "m: [\"b\"]  # c\n");
        assert_eq!(cut(src, "m", &[0, 1, 2]), "m: []  # c\n");
        assert_eq!(cut("m: [ {u: a}, {u: b} ]\n", "m", &[1]), "m: [ {u: a} ]\n");
    }

    #[test]
    fn a_flow_list_with_one_item_per_line_loses_whole_lines() {
        let src = "m: [\n  a,   # first\n  b,   # second\n  c\n]\n";
        assert_eq!(cut(src, "m", &[1]), "m: [\n  a,   # first\n  c\n]\n");
        assert_eq!(
            cut(src, "m", &[2]),
            "m: [\n  a,   # first\n  b,   # second\n]\n"
        );
        assert_eq!(cut(src, "m", &[0, 1, 2]), "m: []\n");
    }

    #[test]
    fn crlf_lines_stay_crlf() {
        let src = "list:\r\n  - a\r\n  - b # c\r\nm: [x, y]\r\n";
        assert_eq!(cut(src, "list", &[1]), "list:\r\n  - a\r\nm: [x, y]\r\n");
        assert_eq!(cut(src, "list", &[0, 1]), "list: []\r\nm: [x, y]\r\n");
        assert_eq!(
            cut(src, "m", &[0]),
            "list:\r\n  - a\r\n  - b # c\r\nm: [y]\r\n"
        );
    }

    #[test]
    fn the_last_line_without_a_newline() {
        assert_eq!(cut("list:\n  - a\n  - b", "list", &[1]), "list:\n  - a\n");
    }

    #[test]
    fn comment_content_is_found_outside_quotes() {
        assert_eq!(content("  k: 'a # b'  # c"), "k: 'a # b'");
        assert_eq!(content("  # only"), "");
        assert_eq!(content("k: a#b"), "k: a#b");
    }
}
