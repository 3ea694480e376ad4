//! The plan as JSON: the saved-plan format and `--format json`, documented in
//! docs/plan-format.md.
//!
//! The JSON is the serde form of [`Plan`], pretty-printed: struct fields in their declared order,
//! maps (attributes, fingerprints) by key, lists in the plan's order. The same plan gives the same
//! bytes.

use crate::plan::Plan;

/// The plan as pretty-printed JSON with a trailing newline. Byte-stable: the same plan always
/// gives the same bytes. It holds no token or other secret, because the plan holds none.
pub fn json(plan: &Plan) -> String {
    // A plan is strings, numbers, booleans, lists and string-keyed maps: serializing it cannot
    // fail.
    serde_json::to_string_pretty(plan).expect("a plan serializes to JSON") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixtures;

    #[test]
    fn plan_as_json() {
        insta::assert_snapshot!(json(&fixtures::plan()));
    }

    #[test]
    fn json_round_trips() {
        for plan in [
            fixtures::plan(),
            fixtures::small(),
            fixtures::empty(),
            fixtures::many(50),
        ] {
            let text = json(&plan);
            assert!(text.ends_with("}\n"));
            let back: Plan = serde_json::from_str(&text).expect("the JSON parses as a plan");
            assert_eq!(back, plan);
            assert_eq!(json(&back), text, "byte-stable through a round trip");
        }
    }

    #[test]
    fn json_is_deterministic_whatever_order_attributes_were_built_in() {
        let plan = fixtures::plan();
        let mut shuffled = plan.clone();
        // Attribute maps and nested objects built in another order serialize the same.
        for c in &mut shuffled.changes {
            if let Some(after) = &mut c.after {
                let rebuilt: Vec<_> = std::mem::take(after).into_iter().rev().collect();
                after.extend(rebuilt);
                after.insert(
                    "nested".into(),
                    serde_json::from_str(r#"{"z": 1, "a": {"y": 2, "b": 3}}"#).unwrap(),
                );
            }
        }
        let text = json(&shuffled);
        assert_eq!(text, json(&shuffled.clone()));
        assert!(
            text.contains("\"nested\": {\n          \"a\": {\n            \"b\": 3,\n            \"y\": 2\n          },\n          \"z\": 1\n        }"),
            "object keys are sorted (serde_json without preserve_order)"
        );
    }

    /// The code block after `marker` in docs/plan-format.md.
    fn doc_block(marker: &str) -> &'static str {
        let doc = include_str!("../../docs/plan-format.md");
        let start = doc
            .find(marker)
            .and_then(|i| doc[i..].find('\n').map(|j| i + j + 1))
            .and_then(|i| doc[i..].find('\n').map(|j| i + j + 1))
            .unwrap_or_else(|| panic!("docs/plan-format.md has {marker} and a code block"));
        let len = doc[start..].find("\n```\n").expect("the code block ends") + 1;
        &doc[start..start + len]
    }

    #[test]
    fn the_example_in_the_docs_is_a_real_plan() {
        let example = doc_block("<!-- example -->");
        let plan: Plan = serde_json::from_str(example).expect("the example parses as a plan");
        assert_eq!(plan, fixtures::small());
        assert_eq!(
            example,
            json(&fixtures::small()),
            "the example is the JSON of fixtures::small(); paste it again into docs/plan-format.md"
        );
        assert_eq!(
            doc_block("<!-- example-text -->"),
            crate::render::text(&plan, false),
            "the text example is current"
        );
    }
}
