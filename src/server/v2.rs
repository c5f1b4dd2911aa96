//! The later revision's create body (`trunk_config`), read the way its FastAPI servers read
//! it: every problem becomes one entry of a 422 `{"detail": [...]}` with `type`, `loc`, `msg`,
//! and `input`/`ctx` where they help. This module checks shapes and types only; the rules are
//! `validate_create_v2`'s. Unlike those servers it never echoes a secret in `input`.

use crate::api::validate::{RuleError, RuleKind, rules_v2};
use crate::api::{CreateTrunkRequestV2, ExotelConfig, Provider, TrunkConfig, TwilioConfig};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// What stands in an `input` for a value that may be a secret.
pub(crate) const REDACTED: &str = "[redacted]";

/// The body's fields in the order FastAPI reports them (the model's field order).
const FIELD_ORDER: [&str; 5] = [
    "trunk_name",
    "trunk_type",
    "trunk_config",
    "passthrough_mode",
    "passthrough_webhook_url",
];
const TWILIO_FIELDS: [&str; 4] = ["address", "numbers", "username", "password"];
const EXOTEL_FIELDS: [&str; 4] = ["exotel_number", "sip_host", "sip_port", "sip_domain"];

/// One entry of FastAPI's `{"detail": [...]}`, its fields in FastAPI's order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub loc: Vec<Value>,
    pub msg: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ctx: Option<Value>,
}

impl Problem {
    fn new(kind: &'static str, path: &[&str], msg: impl Into<String>) -> Problem {
        let mut loc = vec![Value::from("body")];
        loc.extend(path.iter().map(|p| Value::from(*p)));
        Problem {
            kind,
            loc,
            msg: msg.into(),
            input: None,
            ctx: None,
        }
    }

    fn input(mut self, input: Value) -> Problem {
        self.input = Some(input);
        self
    }

    fn ctx(mut self, ctx: Value) -> Problem {
        self.ctx = Some(ctx);
        self
    }

    /// The path below `body`, dotted like `validate_create_v2`'s field names.
    fn field(&self) -> String {
        self.loc
            .iter()
            .skip(1)
            .map(|p| match p {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// Reads a v2 create body into a request, or every problem with it at once, in the model's
/// field order: wrong shapes and types here, the contract's rules from `validate_create_v2`.
pub(crate) fn parse_create_v2(body: &[u8]) -> Result<CreateTrunkRequestV2, Vec<Problem>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(vec![
            Problem::new("missing", &[], "Field required").input(Value::Null),
        ]);
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| vec![json_invalid(body, &e)])?;
    let Value::Object(fields) = &value else {
        return Err(vec![
            Problem::new(
                "model_attributes_type",
                &[],
                "Input should be a valid dictionary or object to extract fields from",
            )
            .input(redact(&value)),
        ]);
    };

    let mut read = Reader::default();
    let trunk_name = read.text(fields, &[], "trunk_name");
    let trunk_type = read.provider(fields, "trunk_type");
    let trunk_config = read.config(fields, trunk_type);
    let passthrough_mode = read.flag(fields, "passthrough_mode");
    let passthrough_webhook_url = read.optional_text(fields, &[], "passthrough_webhook_url");

    let request = CreateTrunkRequestV2 {
        trunk_name: trunk_name.unwrap_or_default(),
        // Stand-ins for what failed its checks, only while the other fields are checked.
        trunk_type: trunk_type.unwrap_or(Provider::Twilio),
        trunk_config: trunk_config.unwrap_or_else(|| {
            TrunkConfig::Exotel(ExotelConfig {
                exotel_number: String::new(),
                sip_host: None,
                sip_port: None,
                sip_domain: None,
            })
        }),
        passthrough_mode,
        passthrough_webhook_url: passthrough_webhook_url.flatten(),
    };
    let structural = read.problems;
    let mut problems = structural.clone();
    for rule in rules_v2(&request) {
        if rule.field == "trunk_config" {
            // The model-level check runs only on a body whose fields all have their shapes,
            // as in pydantic; its location is the whole body.
            if structural.is_empty() {
                problems.push(mismatch(&rule, &value));
            }
            continue;
        }
        let covered = structural.iter().any(|p| {
            let f = p.field();
            f == rule.field
                || f.starts_with(&format!("{}.", rule.field))
                || rule.field.starts_with(&format!("{f}."))
        });
        if !covered {
            problems.push(rule_problem(&rule, &value));
        }
    }
    if problems.is_empty() {
        return Ok(request);
    }
    problems.sort_by_key(order);
    Err(problems)
}

/// A rule of `validate_create_v2` as a FastAPI entry: the field's path as `loc`, the rule's
/// own words as `msg`, and the type a FastAPI client knows for the rule's kind.
fn rule_problem(rule: &RuleError, body: &Value) -> Problem {
    let path: Vec<&str> = rule.field.split('.').collect();
    let (kind, msg, ctx) = match rule.kind {
        RuleKind::Required => (
            "string_too_short",
            rule.message.clone(),
            json!({"min_length": 1}),
        ),
        RuleKind::TooLong { max } => (
            "string_too_long",
            rule.message.clone(),
            json!({"max_length": max}),
        ),
        RuleKind::Invalid => (
            "value_error",
            format!("Value error, {}", rule.message),
            json!({"error": {}}),
        ),
    };
    let mut problem = Problem::new(kind, &path, msg).ctx(ctx);
    if let Some(input) = input_at(body, &path) {
        problem = problem.input(input);
    }
    problem
}

fn mismatch(rule: &RuleError, body: &Value) -> Problem {
    Problem::new("value_error", &[], format!("Value error, {}", rule.message))
        .input(redact(body))
        .ctx(json!({"error": {}}))
}

/// Sorts like FastAPI: by the model's field order, then the config's; the whole-body check last.
fn order(problem: &Problem) -> (usize, usize) {
    let at = |i: usize| problem.loc.get(i).and_then(Value::as_str);
    let top = at(1)
        .and_then(|f| FIELD_ORDER.iter().position(|o| *o == f))
        .unwrap_or(usize::MAX);
    let sub = at(2)
        .and_then(|f| {
            TWILIO_FIELDS
                .iter()
                .chain(EXOTEL_FIELDS.iter())
                .position(|o| *o == f)
        })
        .unwrap_or(0);
    (top, sub)
}

/// FastAPI's entry for a body that is not JSON: `loc` ends with the character position.
fn json_invalid(body: &[u8], e: &serde_json::Error) -> Problem {
    let pos = if e.classify() == serde_json::error::Category::Eof {
        String::from_utf8_lossy(body).chars().count()
    } else {
        char_offset(body, e.line(), e.column())
    };
    let text = e.to_string();
    let reason = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(reason, _)| reason);
    let mut problem = Problem::new("json_invalid", &[], "JSON decode error")
        .input(json!({}))
        .ctx(json!({"error": reason}));
    problem.loc.push(Value::from(pos));
    problem
}

/// serde_json's one-based line and byte column as a zero-based character offset, like
/// Python's `JSONDecodeError.pos`.
fn char_offset(body: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match body[start..].iter().position(|&b| b == b'\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    let end = (start + column.saturating_sub(1)).min(body.len());
    String::from_utf8_lossy(&body[..end]).chars().count()
}

/// A field name that may hold a secret; its value never appears in an answer.
fn is_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["password", "secret", "token"]
        .iter()
        .any(|s| key.contains(s))
}

/// A copy of `value` with every secret field's value replaced, at any depth.
pub(crate) fn redact(value: &Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| {
                    let v = if is_secret(k) {
                        Value::from(REDACTED)
                    } else {
                        redact(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
        other => other.clone(),
    }
}

/// What the body holds at `path`, redacted, for a problem's `input`.
fn input_at(body: &Value, path: &[&str]) -> Option<Value> {
    let mut at = body;
    for key in path {
        at = at.get(key)?;
    }
    match path.last() {
        Some(key) if is_secret(key) => Some(Value::from(REDACTED)),
        _ => Some(redact(at)),
    }
}

/// Collects the shape and type problems of the fields it reads; each reader returns `None`
/// for a field that has one.
#[derive(Default)]
struct Reader {
    problems: Vec<Problem>,
}

impl Reader {
    fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// FastAPI's `missing`, whose `input` is the object the field is missing from.
    fn missing(&mut self, parent: &Map<String, Value>, path: &[&str]) {
        let input = redact(&Value::Object(parent.clone()));
        self.push(Problem::new("missing", path, "Field required").input(input));
    }

    fn wrong_type(&mut self, kind: &'static str, msg: &str, path: &[&str], value: &Value) {
        let input = match path.last() {
            Some(key) if is_secret(key) => Value::from(REDACTED),
            _ => redact(value),
        };
        self.push(Problem::new(kind, path, msg).input(input));
    }

    fn text(&mut self, obj: &Map<String, Value>, at: &[&str], key: &str) -> Option<String> {
        let path = [at, &[key]].concat();
        match obj.get(key) {
            None => {
                self.missing(obj, &path);
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.wrong_type(
                    "string_type",
                    "Input should be a valid string",
                    &path,
                    other,
                );
                None
            }
        }
    }

    /// An optional string: absent and null are both `Some(None)`.
    fn optional_text(
        &mut self,
        obj: &Map<String, Value>,
        at: &[&str],
        key: &str,
    ) -> Option<Option<String>> {
        match obj.get(key) {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(other) => {
                let path = [at, &[key]].concat();
                self.wrong_type(
                    "string_type",
                    "Input should be a valid string",
                    &path,
                    other,
                );
                None
            }
        }
    }

    fn provider(&mut self, obj: &Map<String, Value>, key: &str) -> Option<Provider> {
        match obj.get(key) {
            None => {
                self.missing(obj, &[key]);
                None
            }
            // Exactly the wire names, as pydantic's enum takes them.
            Some(Value::String(s)) if Provider::ALL.iter().any(|p| p.as_str() == s) => {
                Provider::parse(s)
            }
            Some(other) => {
                self.push(
                    Problem::new("enum", &[key], "Input should be 'twilio' or 'exotel'")
                        .input(redact(other))
                        .ctx(json!({"expected": "'twilio' or 'exotel'"})),
                );
                None
            }
        }
    }

    fn flag(&mut self, obj: &Map<String, Value>, key: &str) -> bool {
        match obj.get(key) {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.wrong_type(
                    "bool_type",
                    "Input should be a valid boolean",
                    &[key],
                    other,
                );
                false
            }
        }
    }

    /// The config in the shape its keys show (the other provider's keys only: that shape, so a
    /// mismatch can be named), else in the shape of `trunk_type`.
    fn config(
        &mut self,
        obj: &Map<String, Value>,
        trunk_type: Option<Provider>,
    ) -> Option<TrunkConfig> {
        const KEY: &str = "trunk_config";
        let config = match obj.get(KEY) {
            None => {
                self.missing(obj, &[KEY]);
                return None;
            }
            Some(Value::Object(config)) => config,
            Some(other) => {
                self.wrong_type(
                    "model_attributes_type",
                    "Input should be a valid dictionary or object to extract fields from",
                    &[KEY],
                    other,
                );
                return None;
            }
        };
        let has = |keys: &[&str]| keys.iter().any(|k| config.contains_key(*k));
        let shape = match (has(&TWILIO_FIELDS), has(&EXOTEL_FIELDS)) {
            (true, false) => Provider::Twilio,
            (false, true) => Provider::Exotel,
            _ => trunk_type.unwrap_or(Provider::Twilio),
        };
        let at = [KEY];
        // Fields that fail are stand-ins; the rules then skip them (see `parse_create_v2`).
        let parsed = match shape {
            Provider::Twilio => TrunkConfig::Twilio(TwilioConfig {
                address: self.text(config, &at, "address").unwrap_or_default(),
                numbers: self.numbers(config, &at, "numbers"),
                username: self.text(config, &at, "username").unwrap_or_default(),
                password: self.text(config, &at, "password").unwrap_or_default(),
            }),
            Provider::Exotel => TrunkConfig::Exotel(ExotelConfig {
                exotel_number: self.text(config, &at, "exotel_number").unwrap_or_default(),
                sip_host: self.optional_text(config, &at, "sip_host").flatten(),
                sip_port: self.port(config, &at, "sip_port"),
                sip_domain: self.optional_text(config, &at, "sip_domain").flatten(),
            }),
        };
        Some(parsed)
    }

    fn numbers(&mut self, obj: &Map<String, Value>, at: &[&str], key: &str) -> Vec<String> {
        let path = [at, &[key]].concat();
        match obj.get(key) {
            None => {
                self.missing(obj, &path);
                Vec::new()
            }
            Some(Value::Array(items)) => {
                let mut numbers = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => numbers.push(s.clone()),
                        other => {
                            let mut problem = Problem::new(
                                "string_type",
                                &path,
                                "Input should be a valid string",
                            )
                            .input(redact(other));
                            problem.loc.push(Value::from(i));
                            self.push(problem);
                        }
                    }
                }
                numbers
            }
            Some(other) => {
                self.wrong_type("list_type", "Input should be a valid list", &path, other);
                Vec::new()
            }
        }
    }

    /// An optional integer port. One that does not even fit the type is refused here, in the
    /// rule's words; the range itself is `validate_create_v2`'s.
    fn port(&mut self, obj: &Map<String, Value>, at: &[&str], key: &str) -> Option<u32> {
        let path = [at, &[key]].concat();
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => {
                match n.as_u64().and_then(|n| u32::try_from(n).ok()) {
                    Some(port) => Some(port),
                    None => {
                        self.push(
                            Problem::new(
                                "value_error",
                                &path,
                                format!("Value error, {n} is not a port: use 1-65535"),
                            )
                            .input(Value::Number(n.clone()))
                            .ctx(json!({"error": {}})),
                        );
                        None
                    }
                }
            }
            Some(other) => {
                self.wrong_type("int_type", "Input should be a valid integer", &path, other);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(body: &str) -> Vec<Problem> {
        parse_create_v2(body.as_bytes()).unwrap_err()
    }

    fn locs(body: &str) -> Vec<Value> {
        problems(body)
            .into_iter()
            .map(|p| Value::Array(p.loc))
            .collect()
    }

    #[test]
    fn both_providers_parse() {
        let twilio = parse_create_v2(
            br#"{"trunk_name":"Twilio Production","trunk_type":"twilio","trunk_config":
                {"address":"example.pstn.twilio.com","numbers":["+15550100000"],
                 "username":"ACxxxxxxxx","password":"tok"}}"#,
        )
        .unwrap();
        assert_eq!(twilio.trunk_config.provider(), Provider::Twilio);
        assert!(!twilio.passthrough_mode);
        let exotel = parse_create_v2(
            br#"{"trunk_name":"Exotel India","trunk_type":"exotel",
                "trunk_config":{"exotel_number":"08044319240","sip_port":5070,"sip_host":null},
                "passthrough_mode":true,"passthrough_webhook_url":"https://h.example.com/end"}"#,
        )
        .unwrap();
        let TrunkConfig::Exotel(c) = exotel.trunk_config else {
            panic!("not exotel")
        };
        assert_eq!(c.exotel_number, "08044319240");
        assert_eq!(c.sip_port, Some(5070));
        assert!(exotel.passthrough_mode);
    }

    #[test]
    fn a_flat_body_misses_trunk_config_and_never_echoes_the_password() {
        let body = r#"{"trunk_name":"Twilio Production","trunk_address":"example.pstn.twilio.com",
            "trunk_numbers":["+15550100000"],"trunk_auth_username":"ACxxxxxxxx",
            "trunk_auth_password":"your_auth_token_here","trunk_type":"twilio"}"#;
        let found = problems(body);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].kind, "missing");
        assert_eq!(found[0].loc, [json!("body"), json!("trunk_config")]);
        assert_eq!(found[0].msg, "Field required");
        let text = serde_json::to_string(&found).unwrap();
        assert!(!text.contains("your_auth_token_here"), "{text}");
        assert!(text.contains(REDACTED), "{text}");
    }

    #[test]
    fn the_other_providers_config_is_a_value_error_on_the_body() {
        let found = problems(
            r#"{"trunk_name":"Exotel India","trunk_type":"twilio",
                "trunk_config":{"exotel_number":"08044319240"}}"#,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].kind, "value_error");
        assert_eq!(found[0].loc, [json!("body")]);
        assert_eq!(
            found[0].msg,
            "Value error, trunk_config must match trunk_type 'twilio'"
        );
        assert_eq!(found[0].ctx, Some(json!({"error": {}})));
    }

    #[test]
    fn rules_and_types_are_reported_together_at_their_paths() {
        let body = r#"{"trunk_name":"  ","trunk_type":"twilio","trunk_config":
            {"address":"","numbers":["5550100",7],"username":"AC1","password":"hunter2hunter2"},
            "passthrough_webhook_url":"ftp://x"}"#;
        assert_eq!(
            locs(body),
            [
                json!(["body", "trunk_name"]),
                json!(["body", "trunk_config", "address"]),
                json!(["body", "trunk_config", "numbers", 1]),
                json!(["body", "passthrough_webhook_url"]),
            ]
        );
        let found = problems(body);
        assert_eq!(found[0].kind, "string_too_short");
        assert_eq!(found[2].kind, "string_type");
        assert_eq!(found[3].kind, "value_error");
        assert!(!serde_json::to_string(&found).unwrap().contains("hunter2"));

        // A blank password is named, and its value is still not shown.
        let found = problems(
            r#"{"trunk_name":"n","trunk_type":"twilio","trunk_config":
                {"address":"a","numbers":["+15550100000"],"username":"u","password":"    "}}"#,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].loc,
            [json!("body"), json!("trunk_config"), json!("password")]
        );
        assert_eq!(found[0].input, Some(json!(REDACTED)));
    }

    #[test]
    fn wrong_types_and_missing_fields() {
        assert_eq!(
            locs(r#"{"trunk_type":"vonage","trunk_config":[],"passthrough_mode":"yes"}"#),
            [
                json!(["body", "trunk_name"]),
                json!(["body", "trunk_type"]),
                json!(["body", "trunk_config"]),
                json!(["body", "passthrough_mode"]),
            ]
        );
        assert_eq!(
            locs(r#"{"trunk_name":"n","trunk_type":"exotel","trunk_config":{"sip_port":"x"}}"#),
            [
                json!(["body", "trunk_config", "exotel_number"]),
                json!(["body", "trunk_config", "sip_port"]),
            ]
        );
        let found = problems(
            r#"{"trunk_name":"n","trunk_type":"exotel","trunk_config":{"exotel_number":"1","sip_port":-5}}"#,
        );
        assert_eq!(found[0].kind, "value_error");
        let found = problems(
            r#"{"trunk_name":"n","trunk_type":"exotel","trunk_config":{"exotel_number":"+91804431924012345678","sip_port":70000}}"#,
        );
        assert_eq!(found[0].kind, "string_too_long");
        assert_eq!(found[0].ctx, Some(json!({"max_length": 20})));
        let found = &found[1..];
        assert_eq!(
            found[0].loc,
            [json!("body"), json!("trunk_config"), json!("sip_port")]
        );
    }

    #[test]
    fn bodies_that_are_not_objects() {
        let found = problems("");
        assert_eq!(
            (found[0].kind, found[0].loc.clone()),
            ("missing", vec![json!("body")])
        );
        let found = problems("[1]");
        assert_eq!(found[0].kind, "model_attributes_type");
        let found = problems("{not json");
        assert_eq!(found[0].kind, "json_invalid");
        assert_eq!(found[0].loc, [json!("body"), json!(1)]);
        assert_eq!(found[0].input, Some(json!({})));
        let found = problems("{\"trunk_name\": ");
        assert_eq!(found[0].loc, [json!("body"), json!(15)]);
        let found = problems("{\n  \"é\": x}");
        assert_eq!(found[0].loc, [json!("body"), json!(9)]);
    }

    #[test]
    fn redaction_reaches_every_depth() {
        let value = json!({"a": [{"Password": "p1"}], "trunk_auth_password": "p2",
                           "api_token": {"x": "p3"}, "keep": "v"});
        let text = redact(&value).to_string();
        for secret in ["p1", "p2", "p3"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(text.contains("\"keep\":\"v\""));
    }
}
