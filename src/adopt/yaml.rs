//! A small YAML writer for the files adoption generates: scalars quoted only when a plain scalar
//! would be read back as something else, and a builder that indents block mappings and lists.
//! It owns spelling YAML text; it must not decide what goes into a file, or do I/O.

/// A scalar as YAML: plain when that reads back as the same string, double-quoted otherwise.
pub fn scalar(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// Whether `s` can be written as a plain scalar and read back as the same string (never as a
/// bool, null, number, or a different structure).
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !first.is_ascii_alphabetic() {
        return false; // digits (numbers), indicators (`-?:,[]{}#&*!|>'"%@`), spaces
    }
    if s.ends_with(' ') || s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " ._/@+-()=".contains(c))
    {
        return false;
    }
    const SPECIAL: [&str; 13] = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf", "infinity",
        "none",
    ];
    !SPECIAL.contains(&s.to_ascii_lowercase().as_str())
}

/// A double-quoted scalar with `\`, `"` and control characters escaped.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A YAML document built line by line.
#[derive(Debug, Default)]
pub struct Doc {
    text: String,
}

impl Doc {
    pub fn new() -> Doc {
        Doc::default()
    }
    /// A comment line (`# …`) at `indent` spaces; an empty comment is a lone `#`.
    pub fn comment(&mut self, indent: usize, text: &str) -> &mut Self {
        for line in text.lines().chain(text.is_empty().then_some("")) {
            self.pad(indent);
            if line.is_empty() {
                self.text.push_str("#\n");
            } else {
                self.text.push_str("# ");
                self.text.push_str(line);
                self.text.push('\n');
            }
        }
        self
    }
    /// `key: value` with the value quoted as needed.
    pub fn field(&mut self, indent: usize, key: &str, value: &str) -> &mut Self {
        self.raw_field(indent, key, &scalar(value))
    }
    /// `key: VALUE` with the value written as given (a number, a bool, `[]`).
    pub fn raw_field(&mut self, indent: usize, key: &str, value: &str) -> &mut Self {
        self.pad(indent);
        self.text.push_str(key);
        self.text.push_str(": ");
        self.text.push_str(value);
        self.text.push('\n');
        self
    }
    /// `key:` opening a block mapping or list.
    pub fn open(&mut self, indent: usize, key: &str) -> &mut Self {
        self.pad(indent);
        self.text.push_str(key);
        self.text.push_str(":\n");
        self
    }
    /// `- key: value`: the first field of a list item at `indent` (its other fields go at
    /// `indent + 2`).
    pub fn item_field(&mut self, indent: usize, key: &str, value: &str) -> &mut Self {
        self.pad(indent);
        self.text.push_str("- ");
        self.text.push_str(key);
        self.text.push_str(": ");
        self.text.push_str(&scalar(value));
        self.text.push('\n');
        self
    }
    /// `- value`: a scalar list item.
    pub fn item(&mut self, indent: usize, value: &str) -> &mut Self {
        self.pad(indent);
        self.text.push_str("- ");
        self.text.push_str(&scalar(value));
        self.text.push('\n');
        self
    }
    /// A line written as given (already valid YAML at its place).
    pub fn line(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self.text.push('\n');
        self
    }
    /// An empty line.
    pub fn blank(&mut self) -> &mut Self {
        self.text.push('\n');
        self
    }
    fn pad(&mut self, indent: usize) {
        self.text.extend(std::iter::repeat_n(' ', indent));
    }
    pub fn finish(self) -> String {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::scalar;

    #[test]
    fn plain_only_when_it_reads_back_the_same() {
        assert_eq!(scalar("jane.doe@uq.edu.au"), "jane.doe@uq.edu.au");
        assert_eq!(scalar("genomics-admins"), "genomics-admins");
        assert_eq!(
            scalar("Shared pipelines and compute"),
            "Shared pipelines and compute"
        );
        for s in [
            "yes", "No", "null", "123", "1e3", "", " x", "a: b", "a #b", "@x", "-x", "x:",
        ] {
            assert!(scalar(s).starts_with('"'), "{s:?} must be quoted");
        }
        assert_eq!(scalar("say \"hi\"\n"), r#""say \"hi\"\n""#);
    }

    #[test]
    fn every_scalar_reads_back_as_itself() {
        for s in [
            "yes",
            "01",
            "a: b",
            "ünïcödé",
            "tab\there",
            "back\\slash",
            "#x",
            "x, y",
            "[a]",
            "{a}",
            "~",
            "true",
            "a'b",
            "  lead",
            "trail ",
            "*star",
            "&amp",
            "!tag",
            "%pct",
        ] {
            let y = format!("v: {}\n", scalar(s));
            let back: std::collections::BTreeMap<String, String> =
                serde_saphyr::from_str(&y).unwrap_or_else(|e| panic!("{y}: {e}"));
            assert_eq!(back["v"], s, "{y}");
        }
    }
}
