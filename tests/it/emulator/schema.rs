//! The official OpenAPI 3.0 spec (and the BSSH v2 Swagger 2.0 spec, [`bssh`]), loaded at test
//! time, and a small validator for their schemas:
//! `type` (object, array, string, integer, number, boolean), `properties`, `required`, `items`,
//! `enum`, `nullable`, `$ref` to `#/components/schemas/*`, `allOf`/`oneOf`/`anyOf`,
//! `additionalProperties`, `maxLength`, and the int32/int64 and date-time formats.
//!
//! `strict` additionally rejects properties a schema does not declare, so that a misspelt DTO
//! field cannot slip through (the spec itself allows extra properties).

use std::sync::OnceLock;

use serde_json::Value;

pub struct Spec {
    doc: Value,
}

/// The spec, parsed once per test binary.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/seqera-api/seqera-api-cloud.yaml"
        );
        let text = std::fs::read_to_string(path).expect("read the spec fixture");
        let mut budget = serde_saphyr::Budget::default();
        budget.max_nodes = 10_000_000;
        budget.max_events = 10_000_000;
        let doc: Value = serde_saphyr::from_str_with_options(
            &text,
            serde_saphyr::options! { budget: Some(budget) },
        )
        .expect("the spec parses");
        Spec { doc }
    })
}

/// The BaseSpace Sequence Hub v2 swagger (Swagger 2.0: `#/definitions/*`, a response's
/// `schema` directly under its status, paths under `basePath`), parsed once per test binary.
pub fn bssh() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/basespace-api/bssh-v2-swagger.json"
        );
        let text = std::fs::read_to_string(path).expect("read the BSSH swagger fixture");
        let doc: Value = serde_json::from_str(&text).expect("the swagger parses");
        assert_eq!(doc["swagger"], "2.0");
        Spec { doc }
    })
}

/// A matched operation: its operationId and spec object.
pub struct Operation<'a> {
    pub id: String,
    pub op: &'a Value,
}

impl Spec {
    /// The operation for a method and a concrete path (query string excluded); literal
    /// segments win over `{param}` segments, as in the server.
    pub fn operation(&self, method: &str, path: &str) -> Option<Operation<'_>> {
        let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut best: Option<(usize, &String, &Value)> = None;
        for (template, item) in self.doc["paths"].as_object()? {
            let tsegs: Vec<&str> = template.trim_matches('/').split('/').collect();
            if tsegs.len() != segs.len() {
                continue;
            }
            let mut literals = 0;
            let matches = tsegs.iter().zip(&segs).all(|(t, s)| {
                if t.starts_with('{') {
                    true
                } else {
                    literals += 1;
                    t == s
                }
            });
            let op = &item[method.to_ascii_lowercase()];
            if matches && op.is_object() && best.is_none_or(|(l, _, _)| literals > l) {
                best = Some((literals, template, op));
            }
        }
        best.map(|(_, _, op)| Operation {
            id: op["operationId"].as_str().unwrap_or_default().to_string(),
            op,
        })
    }

    /// Status codes the spec lists for an operation.
    pub fn statuses(&self, op: &Value) -> Vec<u16> {
        op["responses"]
            .as_object()
            .map(|r| r.keys().filter_map(|k| k.parse().ok()).collect())
            .unwrap_or_default()
    }

    /// The JSON schema of a response, if the spec gives one.
    pub fn response_schema<'a>(&self, op: &'a Value, status: u16) -> Option<&'a Value> {
        let response = &op["responses"][status.to_string()];
        if response["schema"].is_object() {
            return Some(&response["schema"]); // Swagger 2.0
        }
        let content = &response["content"];
        content
            .as_object()?
            .values()
            .next()
            .map(|m| &m["schema"])
            .filter(|s| s.is_object())
    }

    pub fn schema(&self, name: &str) -> &Value {
        match self.doc.get("definitions") {
            Some(d) => &d[name], // Swagger 2.0
            None => &self.doc["components"]["schemas"][name],
        }
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema["$ref"].as_str() {
            Some(r) => {
                let name = r
                    .strip_prefix("#/components/schemas/")
                    .or_else(|| r.strip_prefix("#/definitions/"))
                    .unwrap_or_else(|| panic!("unsupported $ref {r}"));
                let s = self.schema(name);
                assert!(s.is_object(), "dangling $ref {r}");
                self.resolve(s)
            }
            None => schema,
        }
    }

    /// Validate `value` against `schema`; the errors name the JSON path of each problem.
    pub fn validate(&self, schema: &Value, value: &Value, strict: bool) -> Result<(), Vec<String>> {
        let mut errors = Vec::new();
        self.check(schema, value, "$", strict, &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn check(&self, schema: &Value, value: &Value, at: &str, strict: bool, errs: &mut Vec<String>) {
        let nullable = schema["nullable"].as_bool() == Some(true);
        let schema = self.resolve(schema);
        if value.is_null() {
            if !(nullable || schema["nullable"].as_bool() == Some(true) || is_empty(schema)) {
                errs.push(format!("{at}: null but not nullable"));
            }
            return;
        }
        if let Some(all) = schema["allOf"].as_array() {
            for s in all {
                self.check(s, value, at, strict, errs);
            }
        }
        for (key, want_one) in [("oneOf", true), ("anyOf", false)] {
            if let Some(alts) = schema[key].as_array() {
                let ok = alts
                    .iter()
                    .filter(|s| self.validate(s, value, strict).is_ok())
                    .count();
                if (want_one && ok != 1) || ok == 0 {
                    errs.push(format!("{at}: {ok} alternatives of {key} match"));
                }
            }
        }
        if let Some(allowed) = schema["enum"].as_array()
            && !allowed.contains(value)
        {
            errs.push(format!("{at}: {value} not in enum {allowed:?}"));
        }
        let ty = schema["type"].as_str().or_else(|| {
            (schema.get("properties").is_some() || schema.get("additionalProperties").is_some())
                .then_some("object")
        });
        match ty {
            None => {}
            Some("object") => self.check_object(schema, value, at, strict, errs),
            Some("array") => match value.as_array() {
                None => errs.push(format!("{at}: expected an array, got {value}")),
                Some(items) => {
                    for (i, v) in items.iter().enumerate() {
                        self.check(&schema["items"], v, &format!("{at}[{i}]"), strict, errs);
                    }
                }
            },
            Some("string") => match value.as_str() {
                None => errs.push(format!("{at}: expected a string, got {value}")),
                Some(s) => {
                    if let Some(max) = schema["maxLength"].as_u64()
                        && s.chars().count() as u64 > max
                    {
                        errs.push(format!("{at}: longer than {max}"));
                    }
                    if schema["format"] == "date-time" && !is_date_time(s) {
                        errs.push(format!("{at}: `{s}` is not an ISO-8601 date-time"));
                    }
                }
            },
            Some("integer") => match (value.as_i64(), schema["format"].as_str()) {
                (None, _) => errs.push(format!("{at}: expected an integer, got {value}")),
                (Some(n), Some("int32")) if i32::try_from(n).is_err() => {
                    errs.push(format!("{at}: {n} out of int32 range"))
                }
                _ => {}
            },
            Some("number") if !value.is_number() => {
                errs.push(format!("{at}: expected a number, got {value}"))
            }
            Some("boolean") if !value.is_boolean() => {
                errs.push(format!("{at}: expected a boolean, got {value}"))
            }
            Some("number" | "boolean") => {}
            Some(other) => errs.push(format!("{at}: unsupported type {other}")),
        }
    }

    fn check_object(
        &self,
        schema: &Value,
        value: &Value,
        at: &str,
        strict: bool,
        errs: &mut Vec<String>,
    ) {
        let Some(obj) = value.as_object() else {
            errs.push(format!("{at}: expected an object, got {value}"));
            return;
        };
        let props = schema["properties"].as_object();
        for req in schema["required"].as_array().into_iter().flatten() {
            if let Some(r) = req.as_str()
                && !obj.contains_key(r)
            {
                errs.push(format!("{at}: missing required `{r}`"));
            }
        }
        for (k, v) in obj {
            let sub = format!("{at}.{k}");
            match props.and_then(|p| p.get(k)) {
                Some(s) => self.check(s, v, &sub, strict, errs),
                None => match &schema["additionalProperties"] {
                    Value::Bool(false) => errs.push(format!("{sub}: not allowed")),
                    s @ Value::Object(_) => self.check(s, v, &sub, strict, errs),
                    _ if strict && props.is_some() => {
                        errs.push(format!("{sub}: not declared by the schema"))
                    }
                    _ => {}
                },
            }
        }
    }
}

fn is_empty(schema: &Value) -> bool {
    schema.as_object().is_none_or(|o| o.is_empty())
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || b[10] != b'T'
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    rest == "Z"
        || (rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && rest.as_bytes()[3] == b':')
}

#[test]
fn the_validator_honours_refs_nullable_formats_and_enums() {
    let spec = spec();
    let member = serde_json::json!({"$ref": "#/components/schemas/MemberDbDto"});
    let ok = serde_json::json!({"memberId": 1, "userName": "a", "role": "owner"});
    assert!(spec.validate(&member, &ok, true).is_ok());
    let bad_role = serde_json::json!({"memberId": 1, "role": "boss"});
    assert!(spec.validate(&member, &bad_role, false).is_err());
    let null_name = serde_json::json!({"memberId": 1, "firstName": null});
    assert!(
        spec.validate(&member, &null_name, false).is_err(),
        "not nullable"
    );
    let unknown = serde_json::json!({"memberId": 1, "nickname": "x"});
    assert!(spec.validate(&member, &unknown, false).is_ok());
    assert!(spec.validate(&member, &unknown, true).is_err(), "strict");
    let team = serde_json::json!({"$ref": "#/components/schemas/TeamDbDto"});
    let idp_null = serde_json::json!({"teamId": 1, "idpGroupId": null});
    assert!(spec.validate(&team, &idp_null, true).is_ok(), "nullable");
    let orgs = serde_json::json!({"$ref": "#/components/schemas/ListOrganizationsResponse"});
    let too_big = serde_json::json!({"organizations": [], "totalSize": 3_000_000_000i64});
    assert!(spec.validate(&orgs, &too_big, true).is_err(), "int32");
    let ws = serde_json::json!({"$ref": "#/components/schemas/Workspace"});
    let missing = serde_json::json!({"name": "ab", "fullName": "x"});
    assert!(
        spec.validate(&ws, &missing, true).is_err(),
        "required visibility"
    );
    let bad_date = serde_json::json!({"name": "ab", "fullName": "x", "visibility": "PRIVATE", "dateCreated": "yesterday"});
    assert!(spec.validate(&ws, &bad_date, true).is_err(), "date-time");
    assert!(is_date_time("2021-09-28T07:15:26.696627Z") && is_date_time("2021-09-21T12:54:03Z"));
}
