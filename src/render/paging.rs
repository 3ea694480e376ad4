//! A size-limited paging engine for text made of sections of items.
//!
//! A [`Document`] is sections in reading order and a footer. A section is items under a
//! heading, possibly inside a container (a code fence, `<details>`, an alert): `open` before the
//! first item, `reopen` before the first item on a later part, `close` and `tail` after the
//! last. Items are atomic: never cut apart between parts (an item too large for a part on its
//! own is clipped, with a mark). [`Document::single`] fits the whole in one limit, giving each
//! section a fair share and saying what it leaves out; [`Document::split`] pages the items over
//! as many parts as needed, closing every container at the end of a part and reopening it in
//! the next.
//!
//! This file owns sizes and cuts. It knows nothing of plans or of Markdown beyond the strings
//! it is given: it must not build headings, escape text or decide what a section holds. Sizes
//! are bytes of UTF-8, never fewer than the characters (or UTF-16 code units) a reader counts.

/// Items under a heading, possibly inside a container (a code block, `<details>`, an alert).
pub(super) struct Section {
    /// What the items are, for `…and N more users, not shown here.` (plural).
    pub(super) noun: &'static str,
    /// Fixed sections (the intro, guard rails) are filled first when space is short.
    pub(super) essential: bool,
    /// Written before the first item.
    pub(super) open: String,
    /// Written before the first item on a later part.
    pub(super) reopen: String,
    /// Closes the inner container (a code fence); a note on left-out items follows it.
    pub(super) close: String,
    /// Closes the rest (`</details>`, a blank line).
    pub(super) tail: String,
    pub(super) items: Vec<Item>,
}

/// An atomic piece of a section, never cut between parts.
pub(super) struct Item {
    /// Written before the item when it follows the previous one: a separator, or the heading
    /// of a new organization or workspace.
    pub(super) lead: String,
    /// Written before the item when it is the first of its section in a part: the headings it
    /// sits under, so that a continued list still says where it is.
    pub(super) start: String,
    pub(super) text: String,
}

impl Item {
    pub(super) fn plain(text: String) -> Self {
        Item {
            lead: String::new(),
            start: String::new(),
            text,
        }
    }
}

impl Section {
    pub(super) fn new(
        noun: &'static str,
        open: String,
        reopen: String,
        close: &str,
        tail: &str,
    ) -> Self {
        Section {
            noun,
            essential: false,
            open,
            reopen,
            close: close.to_string(),
            tail: tail.to_string(),
            items: Vec::new(),
        }
    }

    /// Item `i` as written first in its section on a part, or after the previous item.
    pub(super) fn piece(&self, i: usize, first: bool) -> String {
        let item = &self.items[i];
        let lead = if first { &item.start } else { &item.lead };
        format!("{lead}{}", item.text)
    }

    /// The section written whole on one part.
    pub(super) fn full(&self) -> String {
        self.capped(usize::MAX).0
    }

    /// The section in at most `cap` bytes (not counting the note on what it leaves out), and how
    /// many items it shows.
    pub(super) fn capped(&self, cap: usize) -> (String, usize) {
        let fixed = self.open.len() + self.close.len() + self.tail.len();
        let mut body = String::new();
        let mut shown = 0;
        for i in 0..self.items.len() {
            let piece = self.piece(i, i == 0);
            if fixed.saturating_add(body.len() + piece.len()) > cap {
                break;
            }
            body.push_str(&piece);
            shown += 1;
        }
        let hidden = self.items.len() - shown;
        let out = if shown == 0 {
            if hidden == 0 {
                String::new()
            } else {
                self.note(hidden, false)
            }
        } else {
            let note = if hidden > 0 {
                self.note(hidden, true)
            } else {
                String::new()
            };
            format!("{}{body}{}{note}{}", self.open, self.close, self.tail)
        };
        (out, shown)
    }

    /// What a section says about the items it leaves out.
    fn note(&self, hidden: usize, after_some: bool) -> String {
        if after_some {
            format!(
                "\n_…and {} more {}, not shown here._\n",
                count(hidden),
                self.noun
            )
        } else {
            format!("_{} {}, not shown here._\n\n", count(hidden), self.noun)
        }
    }

    /// The longest note this section could need.
    fn max_note(&self) -> usize {
        self.note(self.items.len(), false)
            .len()
            .max(self.note(self.items.len(), true).len())
    }
}

/// Sections in reading order and a footer written at the end of every part.
pub(super) struct Document {
    pub(super) sections: Vec<Section>,
    pub(super) footer: String,
}

impl Document {
    /// One text within `limit`, under `title`: everything when it fits, else a fair share
    /// per section, each saying what it leaves out, and then `note` (given each section and how
    /// many of its items are shown) saying what the whole leaves out.
    pub(super) fn single(
        &self,
        limit: usize,
        title: String,
        note: impl Fn(&[(&Section, usize)]) -> String,
    ) -> String {
        let truncation_note = |shown: &[(&Section, usize)]| {
            if shown.iter().all(|(s, n)| *n == s.items.len()) {
                String::new()
            } else {
                note(shown)
            }
        };
        let fixed = title.len() + self.footer.len();
        let full: Vec<String> = self.sections.iter().map(Section::full).collect();
        if fixed + full.iter().map(String::len).sum::<usize>() <= limit {
            return format!("{title}{}{}", full.concat(), self.footer);
        }

        // Shares of what is left once the fixed parts and every possible note are paid for.
        let notes: usize = self.sections.iter().map(Section::max_note).sum();
        let final_note = truncation_note(&self.sections.iter().map(|s| (s, 0)).collect::<Vec<_>>());
        // The final note follows a blank line.
        let mut budget = limit.saturating_sub(fixed + notes + 1 + final_note.len());
        let mut caps = vec![0; self.sections.len()];
        let mut essential_budget = budget / 2;
        for (i, s) in self.sections.iter().enumerate() {
            if s.essential {
                caps[i] = full[i].len().min(essential_budget);
                essential_budget -= caps[i];
                budget -= caps[i];
            }
        }
        let rest: Vec<usize> = (0..self.sections.len())
            .filter(|&i| !self.sections[i].essential)
            .collect();
        for (i, cap) in rest.iter().zip(fair_shares(
            &rest.iter().map(|&i| full[i].len()).collect::<Vec<_>>(),
            budget,
        )) {
            caps[*i] = cap;
        }

        let mut out = title;
        let mut shown = Vec::new();
        for (s, cap) in self.sections.iter().zip(caps) {
            let (text, n) = s.capped(cap);
            out.push_str(&text);
            shown.push((s, n));
        }
        out.push_str(&self.footer);
        let note = truncation_note(&shown);
        if !note.is_empty() {
            out.push('\n');
            out.push_str(&note);
        }
        out
    }

    /// Parts of at most `limit` bytes, cut between items, each under `title(Some((i, n)))`
    /// for part `i` of `n` (a title as long as it can be is reserved for each).
    pub(super) fn split(
        &self,
        limit: usize,
        title: impl Fn(Option<(usize, usize)>) -> String,
    ) -> Vec<String> {
        let items: usize = self.sections.iter().map(|s| s.items.len()).sum();
        let most = items + 1;
        let reserve = title(Some((most, most))).len() + self.footer.len();
        let room = limit.saturating_sub(reserve);

        let mut parts: Vec<String> = Vec::new();
        let mut cur = String::new();
        for s in &self.sections {
            let mut started = false;
            let mut open_here = false;
            let closing = s.close.len() + s.tail.len();
            for i in 0..s.items.len() {
                loop {
                    let head = if open_here {
                        ""
                    } else if started {
                        &s.reopen
                    } else {
                        &s.open
                    };
                    let piece = s.piece(i, !open_here);
                    if cur.len() + head.len() + piece.len() + closing <= room {
                        cur.push_str(head);
                        cur.push_str(&piece);
                    } else if cur.is_empty() {
                        let fits = room.saturating_sub(head.len() + closing);
                        cur.push_str(head);
                        cur.push_str(&clip(&piece, fits));
                    } else {
                        if open_here {
                            cur.push_str(&s.close);
                            cur.push_str(&s.tail);
                        }
                        parts.push(std::mem::take(&mut cur));
                        open_here = false;
                        continue;
                    }
                    open_here = true;
                    started = true;
                    break;
                }
            }
            if open_here {
                cur.push_str(&s.close);
                cur.push_str(&s.tail);
            }
        }
        if !cur.is_empty() || parts.is_empty() {
            parts.push(cur);
        }
        let n = parts.len();
        parts
            .into_iter()
            .enumerate()
            .map(|(i, body)| format!("{}{body}{}", title(Some((i + 1, n))), self.footer))
            .collect()
    }
}

/// `text` in at most `room` bytes, cut at a line's end when possible, always ending with a
/// newline (so that a code fence after it stays on its own line).
fn clip(text: &str, room: usize) -> String {
    const MARK: &str = "… (cut to fit the comment)\n";
    if text.len() <= room {
        return text.to_string();
    }
    let Some(mut end) = room.checked_sub(MARK.len() + 1) else {
        return String::new();
    };
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind('\n') {
        Some(nl) if nl > 0 => format!("{}{MARK}", &text[..=nl]),
        _ => format!("{}\n{MARK}", &text[..end]),
    }
}

/// Caps for sections of these sizes sharing `budget`: sections under an equal share get their
/// size, and the others split what remains equally (max-min fairness).
fn fair_shares(sizes: &[usize], budget: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| (sizes[i], i));
    let mut caps = vec![0; sizes.len()];
    let mut left = budget;
    for (k, &i) in order.iter().enumerate() {
        let share = left / (sizes.len() - k);
        caps[i] = sizes[i].min(share);
        left -= caps[i];
    }
    caps
}

/// A count with thousands separators: `65,536`.
pub(super) fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A section of `n` items `item i\n` inside a fence-like container.
    fn section(noun: &'static str, n: usize) -> Section {
        let mut s = Section::new(
            noun,
            "<open>\n".into(),
            "<reopen>\n".into(),
            "<close>\n",
            "\n",
        );
        s.items = (0..n).map(|i| Item::plain(format!("item {i}\n"))).collect();
        s
    }

    fn doc(sections: Vec<Section>) -> Document {
        Document {
            sections,
            footer: "<footer>\n".into(),
        }
    }

    fn note(shown: &[(&Section, usize)]) -> String {
        let hidden: usize = shown.iter().map(|(s, n)| s.items.len() - n).sum();
        format!("[{hidden} left out]\n")
    }

    #[test]
    fn what_fits_is_written_whole_without_a_note() {
        let d = doc(vec![section("things", 2)]);
        assert_eq!(
            d.single(1_000, "<title>\n".into(), note),
            "<title>\n<open>\nitem 0\nitem 1\n<close>\n\n<footer>\n"
        );
        assert_eq!(
            d.split(1_000, |_| "<title>\n".into()),
            vec!["<title>\n<open>\nitem 0\nitem 1\n<close>\n\n<footer>\n"]
        );
    }

    #[test]
    fn a_shortened_text_stays_within_its_limit_and_says_what_it_left_out() {
        let d = doc(vec![section("things", 100), section("others", 100)]);
        let out = d.single(600, "<title>\n".into(), note);
        assert!(out.len() <= 600, "{} bytes", out.len());
        assert!(out.contains("more things, not shown here._"), "{out}");
        assert!(out.contains("more others, not shown here._"), "{out}");
        assert!(out.ends_with(" left out]\n"), "{out}");
        // Both sections got a share.
        assert!(out.contains("<open>\nitem 0\n"));
        assert_eq!(out.matches("<open>").count(), 2);
    }

    #[test]
    fn parts_close_and_reopen_containers_and_hold_every_item_once() {
        let d = doc(vec![section("things", 50)]);
        let parts = d.split(200, |p| match p {
            Some((i, n)) if n > 1 => format!("<part {i} of {n}>\n"),
            _ => "<title>\n".into(),
        });
        assert!(parts.len() > 2);
        let n = parts.len();
        for (i, p) in parts.iter().enumerate() {
            assert!(p.len() <= 200, "{} bytes", p.len());
            assert!(p.starts_with(&format!("<part {} of {n}>\n", i + 1)));
            assert!(p.ends_with("<close>\n\n<footer>\n"), "{p}");
            let head = if i == 0 { "<open>\n" } else { "<reopen>\n" };
            assert!(p.contains(head), "{p}");
        }
        for i in 0..50 {
            let item = format!("item {i}\n");
            assert_eq!(parts.iter().filter(|p| p.contains(&item)).count(), 1);
        }
    }

    #[test]
    fn an_item_too_large_for_a_part_is_clipped_with_a_mark() {
        let mut s = section("things", 0);
        s.items.push(Item::plain(
            (0..100).map(|i| format!("line {i}\n")).collect(),
        ));
        let parts = doc(vec![s]).split(300, |_| "<title>\n".into());
        assert_eq!(parts.len(), 1);
        assert!(parts[0].len() <= 300);
        assert!(parts[0].contains("… (cut to fit the comment)\n<close>\n"));
    }

    #[test]
    fn clipping_cuts_at_a_line_end_and_on_a_char_boundary() {
        assert_eq!(clip("short\n", 100), "short\n");
        let cut = clip("aaaa\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n", 40);
        assert_eq!(cut, "aaaa\n… (cut to fit the comment)\n");
        let cut = clip(&"é".repeat(100), 45);
        assert!(cut.len() <= 45 && cut.ends_with("(cut to fit the comment)\n"));
        assert_eq!(clip("anything", 3), "");
    }

    #[test]
    fn fair_shares_give_small_sections_all_they_need() {
        assert_eq!(fair_shares(&[10, 1_000, 1_000], 610), vec![10, 300, 300]);
        assert_eq!(fair_shares(&[10, 20], 1_000), vec![10, 20]);
        assert_eq!(fair_shares(&[], 5), Vec::<usize>::new());
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(65_536), "65,536");
        assert_eq!(count(1_234_567), "1,234,567");
    }
}
