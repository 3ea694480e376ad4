//! The access matrix as CSV (RFC 4180): a header row, then one row per person; fields that hold
//! a comma, a double quote, CR or LF are quoted, with inner quotes doubled; every record ends in
//! CRLF. A cell reached through a team reads `ROLE via TEAM`.
//!
//! It must not compute access or do I/O.

use super::matrix::Matrix;
use super::text::table;

/// One field, quoted when RFC 4180 needs it.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One record, CRLF-terminated.
pub fn record<S: AsRef<str>>(fields: &[S]) -> String {
    let mut out = fields
        .iter()
        .map(|f| field(f.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

/// The matrix as CSV.
pub fn matrix(m: &Matrix) -> String {
    let (head, _) = table(m);
    let mut out = record(&head);
    for r in &m.rows {
        let mut v = vec![r.user.clone()];
        v.extend(r.org_roles.iter().map(|o| o.clone().unwrap_or_default()));
        v.extend(r.cells.iter().map(|c| match c {
            Some(c) => match &c.via {
                Some(t) => format!("{} via {t}", c.role),
                None => c.role.clone(),
            },
            None => String::new(),
        }));
        v.push(r.teams.join(", "));
        out.push_str(&record(&v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field(""), "");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("cr\r"), "\"cr\r\"");
        assert_eq!(field("a'b;c"), "a'b;c");
    }

    #[test]
    fn records_end_in_crlf() {
        assert_eq!(record(&["a", "b,c", ""]), "a,\"b,c\",\r\n");
    }

    /// A small RFC 4180 reader, to check that what is written reads back field for field.
    fn parse(s: &str) -> Vec<Vec<String>> {
        let (mut rows, mut row, mut f) = (Vec::new(), Vec::new(), String::new());
        let mut chars = s.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    f.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => f.push(c),
                (false, '"') if f.is_empty() => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut f)),
                (false, '\r') => {
                    assert_eq!(chars.next(), Some('\n'), "CR not followed by LF");
                    row.push(std::mem::take(&mut f));
                    rows.push(std::mem::take(&mut row));
                }
                (false, '\n') => panic!("bare LF outside quotes"),
                (false, c) => f.push(c),
            }
        }
        assert!(f.is_empty() && row.is_empty(), "last record not terminated");
        rows
    }

    #[test]
    fn hostile_fields_read_back_unchanged() {
        let fields = ["a,b", "\"", "x\r\ny", "", "=cmd", " sp "];
        let text = record(&fields) + &record(&["1", "2", "3", "4", "5", "6"]);
        let rows = parse(&text);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0], fields.map(String::from).to_vec());
    }
}
