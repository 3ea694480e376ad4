//! Checking a workspace's `labels` as the console checks them (docs/seqera-api.md §6.5):
//!
//! - every label name follows the platform's name rule (2–39 letters or digits, in runs joined by
//!   single `-` or `_`);
//! - a resource label (`resource: true`) is a name=value pair and needs a `value`, which follows
//!   the same rule; a simple label is a name only and has no `value`;
//! - a resource label's value may be dynamic: `${workflowId}`, `${sessionId}` and `${userName}`
//!   are filled in by the platform for each run. roster keeps them as written, never expands
//!   them, and checks only the literal text around them (a placeholder counts as letters). A
//!   variable roster does not know is kept too, with a warning.
//!
//! It owns what a label may be; it must not look at anything but the labels.

use std::collections::HashMap;

use super::{NAME_RULE, Repeat, Validator, duplicate, has_name_shape, is_valid_name};
use crate::config::desired::Label;
use crate::config::load::LoadedDoc;
use crate::config::model::{LabelDoc, Sp};
use crate::diag::{Code, Diagnostic, Severity, Span};

/// The variables the platform fills in dynamic resource label values (`${NAME}`).
pub const DYNAMIC_LABEL_VARIABLES: [&str; 3] = ["workflowId", "sessionId", "userName"];

/// A resource label value, split into its literal text (placeholders replaced by letters) and
/// the names of the `${…}` variables it uses.
fn split_dynamic(value: &str) -> (String, Vec<&str>) {
    let mut literal = String::new();
    let mut vars = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start + 2..].find('}') else {
            break;
        };
        let name = &rest[start + 2..start + 2 + len];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            break;
        }
        literal.push_str(&rest[..start]);
        literal.push_str("var");
        vars.push(name);
        rest = &rest[start + 3 + len..];
    }
    literal.push_str(rest);
    (literal, vars)
}

/// Whether a resource label value follows the rule: a static value as names do; a dynamic one
/// by its literal text (any length, since the platform fills it in).
pub fn is_valid_label_value(value: &str) -> bool {
    let (literal, vars) = split_dynamic(value);
    if vars.is_empty() {
        is_valid_name(value)
    } else {
        has_name_shape(&literal)
    }
}

/// Whether a label is one the config can declare: the console's rules for names and values.
pub fn is_valid_label(name: &str, value: Option<&str>, resource: bool) -> bool {
    is_valid_name(name)
        && match (resource, value) {
            (true, Some(v)) => is_valid_label_value(v),
            (false, None) => true,
            _ => false,
        }
}

impl Validator<'_> {
    /// Check a workspace's labels; returns those accepted, sorted.
    pub(super) fn labels(&mut self, doc: &LoadedDoc, ls: &[Sp<LabelDoc>]) -> Vec<Label> {
        let mut seen: HashMap<String, Span> = HashMap::new();
        let mut out = Vec::new();
        for (i, l) in ls.iter().enumerate() {
            let l = &l.value;
            let span = self.span(doc, &l.name);
            if l.name.value.trim().is_empty() {
                self.push(
                    Diagnostic::error(Code::InvalidValue, "a label needs a name")
                        .at(span, "empty label name"),
                );
                continue;
            }
            self.name("label", doc, &l.name);
            let resource = l.resource.as_ref().is_some_and(|r| r.value);
            let key = format!(
                "{}={}",
                l.name.value.to_lowercase(),
                l.value.as_ref().map(|v| v.value.as_str()).unwrap_or("")
            );
            if let Some(&first) = seen.get(&key) {
                let subject = format!("label `{}`", l.name.value);
                self.push(duplicate(&subject, None, Repeat::Listed, span, first));
                continue;
            }
            match (&l.value, resource) {
                // A misspelt `value:` is already reported as an unknown field.
                (None, true) if !doc.misspelt(&format!("labels[{i}]"), "value") => {
                    self.push(
                        Diagnostic::error(
                            Code::MissingField,
                            format!("resource label `{}` needs a `value`", l.name.value),
                        )
                        .at(span, "resource labels are name=value pairs"),
                    );
                }
                (Some(v), false) => {
                    let vspan = self.span(doc, v);
                    let mut d = Diagnostic::error(
                        Code::InvalidValue,
                        format!(
                            "simple label `{}` has a value; only resource labels have one",
                            l.name.value
                        ),
                    )
                    .at(vspan, "a simple label is a name only");
                    d = match &l.resource {
                        Some(r) => d.also(self.span(doc, r), "declared a simple label here"),
                        None => d,
                    };
                    self.push(d.help(
                        "add `resource: true` for a name=value resource label, or remove the value",
                    ));
                }
                (Some(v), true) => self.label_value(doc, v),
                _ => {}
            }
            seen.insert(key, span);
            out.push(Label {
                name: l.name.value.clone(),
                value: l.value.as_ref().map(|v| v.value.clone()),
                resource,
            });
        }
        out.sort();
        out
    }

    /// A resource label's value: the name rule for static values; for dynamic ones, the literal
    /// text around the placeholders, and a warning for a variable roster does not know.
    fn label_value(&mut self, doc: &LoadedDoc, v: &Sp<String>) {
        let span = self.span(doc, v);
        let (_, vars) = split_dynamic(&v.value);
        if !is_valid_label_value(&v.value) {
            let (message, label) = if vars.is_empty() {
                (
                    format!("invalid resource label value `{}`", v.value),
                    NAME_RULE.to_string(),
                )
            } else {
                (
                    format!(
                        "invalid dynamic resource label value `{}`: its text around the `${{…}}` variables breaks the rule",
                        v.value
                    ),
                    "letters or digits in runs joined by single `-` or `_`; each `${…}` counts as letters"
                        .to_string(),
                )
            };
            self.push(
                Diagnostic::error(Code::InvalidValue, message)
                    .at(span, label)
                    .help("resource label values follow the same rule as names; dynamic values may use ${workflowId}, ${sessionId} and ${userName}"),
            );
            return;
        }
        for var in vars {
            if !DYNAMIC_LABEL_VARIABLES.contains(&var) {
                let mut d = Diagnostic::error(
                    Code::InvalidValue,
                    format!(
                        "`${{{var}}}` is not a dynamic label variable roster knows; it is kept as written"
                    ),
                )
                .at(span, "the platform fills in ${workflowId}, ${sessionId} and ${userName}")
                .help("check the spelling (case matters); the platform lists its variables at GET /labels/dynamic/allowed");
                d.severity = Severity::Warning;
                self.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_values_are_checked_by_their_literal_text() {
        for ok in [
            "${workflowId}",
            "run-${workflowId}",
            "${sessionId}_${userName}",
            "prod",
            "team-a",
        ] {
            assert!(is_valid_label_value(ok), "{ok}");
        }
        for bad in [
            "x",
            "run--${workflowId}",
            "-${sessionId}",
            "a b",
            "${",
            "${}x",
        ] {
            assert!(!is_valid_label_value(bad), "{bad}");
        }
        assert_eq!(
            split_dynamic("a-${workflowId}-${userName}"),
            ("a-var-var".to_string(), vec!["workflowId", "userName"])
        );
    }

    #[test]
    fn only_resource_labels_have_values() {
        assert!(is_valid_label("env", Some("prod"), true));
        assert!(is_valid_label("simple", None, false));
        assert!(!is_valid_label("env", Some("prod"), false));
        assert!(!is_valid_label("env", None, true));
        assert!(!is_valid_label("e", None, false));
    }
}
