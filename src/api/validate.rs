//! The create rules of the contract, shared by `create --dry-run`, the form and `serve`.

use super::error::FieldError;
use super::types::{CreateTrunkRequest, CreateTrunkRequestV2, NewTrunk, TrunkConfig};

pub const MAX_TEXT: usize = 100;

/// The longest Exotel virtual number accepted.
pub const MAX_EXOTEL_NUMBER: usize = 20;

/// Which kind of rule a value broke, so that a caller can name it in its own vocabulary (the
/// local server's FastAPI `type`s) without reading the English message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// A text that is empty after trimming.
    Required,
    /// A text longer than `max` characters after trimming.
    TooLong { max: usize },
    /// Any other rule: the numbers (at least one, each E.164), a port's range, a URL, a
    /// config of the trunk type's provider.
    Invalid,
}

/// One broken rule: the request's field (dotted for v2, `trunk_config.address`), the rule's
/// kind, and the words a person reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub field: String,
    pub kind: RuleKind,
    pub message: String,
}

impl RuleError {
    fn new(field: &str, (kind, message): (RuleKind, String)) -> RuleError {
        RuleError {
            field: field.to_string(),
            kind,
            message,
        }
    }
}

impl From<RuleError> for FieldError {
    fn from(rule: RuleError) -> FieldError {
        FieldError::new(rule.field, rule.message)
    }
}

/// `+` then 2 to 15 digits, the first not 0.
pub fn is_e164(number: &str) -> bool {
    let Some(digits) = number.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// The rule for every text field: 1 to 100 characters after trimming.
pub fn check_text(value: &str) -> Option<String> {
    text_rule(value, MAX_TEXT).map(|(_, message)| message)
}

/// A required text of 1 to `max` characters after trimming.
fn text_rule(value: &str, max: usize) -> Option<(RuleKind, String)> {
    let len = value.trim().chars().count();
    if len == 0 {
        Some((RuleKind::Required, "required".to_string()))
    } else if len > max {
        Some((
            RuleKind::TooLong { max },
            format!("at most {max} characters (has {len})"),
        ))
    } else {
        None
    }
}

fn numbers_rule(numbers: &[String]) -> Option<(RuleKind, String)> {
    check_numbers(numbers).map(|message| (RuleKind::Invalid, message))
}

/// The rule for the numbers: at least one, each E.164.
pub fn check_numbers(numbers: &[String]) -> Option<String> {
    if numbers.is_empty() {
        return Some("at least one number is required".to_string());
    }
    let bad: Vec<&str> = numbers
        .iter()
        .map(String::as_str)
        .filter(|n| !is_e164(n))
        .collect();
    match bad.as_slice() {
        [] => None,
        [one] => Some(format!(
            "{one:?} is not E.164: use + then country code and number, e.g. +15550100000"
        )),
        many => Some(format!(
            "{} numbers are not E.164 ({}): use + then country code and number",
            many.len(),
            many.join(", ")
        )),
    }
}

/// Splits what a person typed into numbers: commas, spaces, semicolons or new lines.
pub fn split_numbers(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Every rule of the contract, as per-field errors keyed by the request's field names.
pub fn validate_create(req: &CreateTrunkRequest) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let texts = [
        ("trunk_name", &req.trunk_name),
        ("trunk_address", &req.trunk_address),
        ("trunk_auth_username", &req.trunk_auth_username),
        ("trunk_auth_password", &req.trunk_auth_password),
    ];
    for (field, value) in texts {
        if let Some(message) = check_text(value) {
            errors.push(FieldError::new(field, message));
        }
    }
    if let Some(message) = check_numbers(&req.trunk_numbers) {
        errors.push(FieldError::new("trunk_numbers", message));
    }
    // Keep the document's field order so messages read top to bottom like the form.
    let order = |f: &str| {
        FIELD_ORDER
            .iter()
            .position(|o| *o == f)
            .unwrap_or(usize::MAX)
    };
    errors.sort_by_key(|e| order(&e.field));
    errors
}

/// The v2 rules: the name as in v1; a Twilio config's strings 1-100 characters and numbers
/// E.164; an Exotel number 1-20 characters; a SIP port 1-65535; a webhook URL http(s).
/// Field names are the request's paths (`trunk_config.address`).
pub fn validate_create_v2(req: &CreateTrunkRequestV2) -> Vec<FieldError> {
    rules_v2(req).into_iter().map(FieldError::from).collect()
}

/// `validate_create_v2` with each rule's kind.
pub fn rules_v2(req: &CreateTrunkRequestV2) -> Vec<RuleError> {
    let mut errors = Vec::new();
    if let Some(rule) = text_rule(&req.trunk_name, MAX_TEXT) {
        errors.push(RuleError::new("trunk_name", rule));
    }
    if req.trunk_config.provider() != req.trunk_type {
        errors.push(RuleError::new(
            "trunk_config",
            (
                RuleKind::Invalid,
                format!("trunk_config must match trunk_type '{}'", req.trunk_type),
            ),
        ));
    }
    match &req.trunk_config {
        TrunkConfig::Twilio(c) => {
            for (field, value) in [
                ("trunk_config.address", &c.address),
                ("trunk_config.username", &c.username),
                ("trunk_config.password", &c.password),
            ] {
                if let Some(rule) = text_rule(value, MAX_TEXT) {
                    errors.push(RuleError::new(field, rule));
                }
            }
            if let Some(rule) = numbers_rule(&c.numbers) {
                errors.push(RuleError::new("trunk_config.numbers", rule));
            }
        }
        TrunkConfig::Exotel(c) => {
            if let Some(rule) = text_rule(&c.exotel_number, MAX_EXOTEL_NUMBER) {
                errors.push(RuleError::new("trunk_config.exotel_number", rule));
            }
            if let Some(port) = c.sip_port
                && !(1..=65535).contains(&port)
            {
                errors.push(RuleError::new(
                    "trunk_config.sip_port",
                    (
                        RuleKind::Invalid,
                        format!("{port} is not a port: use 1-65535"),
                    ),
                ));
            }
            for (field, value) in [
                ("trunk_config.sip_host", &c.sip_host),
                ("trunk_config.sip_domain", &c.sip_domain),
            ] {
                if let Some(v) = value
                    && v.trim().chars().count() > MAX_TEXT
                {
                    errors.push(RuleError::new(
                        field,
                        (
                            RuleKind::TooLong { max: MAX_TEXT },
                            format!("at most {MAX_TEXT} characters"),
                        ),
                    ));
                }
            }
        }
    }
    if let Some(url) = &req.passthrough_webhook_url
        && let Some(message) = check_webhook_url(url)
    {
        errors.push(RuleError::new(
            "passthrough_webhook_url",
            (RuleKind::Invalid, message),
        ));
    }
    errors
}

/// Either revision's rules.
pub fn validate_new(trunk: &NewTrunk) -> Vec<FieldError> {
    match trunk {
        NewTrunk::V1(r) => validate_create(r),
        NewTrunk::V2(r) => validate_create_v2(r),
    }
}

/// An Exotel virtual number: 1-20 characters (national forms like 08044319240 are fine).
pub fn check_exotel_number(number: &str) -> Option<String> {
    text_rule(number, MAX_EXOTEL_NUMBER).map(|(_, message)| message)
}

/// The non-blocking hint for an Exotel number that is not E.164.
pub fn exotel_number_hint(number: &str) -> Option<String> {
    let n = number.trim();
    (!n.is_empty() && !is_e164(n)).then(|| {
        "not E.164 (+ and country code); accepted, but +91... is the unambiguous form".into()
    })
}

/// A SIP port as typed: empty is fine (optional), else 1-65535.
pub fn check_port_text(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<u32>() {
        Ok(p) if (1..=65535).contains(&p) => None,
        _ => Some(format!("{t:?} is not a port: use a number from 1 to 65535")),
    }
}

/// A webhook URL: empty is fine (optional), else http:// or https:// with a host.
pub fn check_webhook_url(url: &str) -> Option<String> {
    let t = url.trim();
    if t.is_empty() {
        return None;
    }
    match reqwest::Url::parse(t) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => None,
        _ => Some("not a URL: use https://host/path".into()),
    }
}

pub const FIELD_ORDER: [&str; 6] = [
    "trunk_type",
    "trunk_name",
    "trunk_address",
    "trunk_numbers",
    "trunk_auth_username",
    "trunk_auth_password",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Provider;

    #[test]
    fn e164() {
        for ok in ["+15550100000", "+911234567890", "+12", "+123456789012345"] {
            assert!(is_e164(ok), "{ok}");
        }
        for bad in [
            "15550100000",
            "+0123",
            "+1",
            "+1234567890123456",
            "+1 555",
            "",
            "+",
            "+１２３",
        ] {
            assert!(!is_e164(bad), "{bad}");
        }
    }

    #[test]
    fn text_rules_trim_and_count_characters() {
        assert_eq!(check_text("   ").as_deref(), Some("required"));
        assert_eq!(check_text(&"é".repeat(100)), None);
        assert!(
            check_text(&"a".repeat(101))
                .unwrap()
                .contains("at most 100")
        );
    }

    #[test]
    fn every_field_is_checked_in_form_order() {
        let req = CreateTrunkRequest {
            trunk_name: " ".into(),
            trunk_address: "".into(),
            trunk_numbers: vec!["5550100".into()],
            trunk_auth_username: "x".repeat(101),
            trunk_auth_password: "".into(),
            trunk_type: Provider::Exotel,
        };
        let fields: Vec<_> = validate_create(&req).into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "trunk_name",
                "trunk_address",
                "trunk_numbers",
                "trunk_auth_username",
                "trunk_auth_password"
            ]
        );
    }

    #[test]
    fn v2_rules() {
        use crate::api::{CreateTrunkRequestV2, ExotelConfig, TrunkConfig};
        let mut req = CreateTrunkRequestV2 {
            trunk_name: "Exotel India".into(),
            trunk_type: Provider::Twilio,
            trunk_config: TrunkConfig::Exotel(ExotelConfig {
                exotel_number: "080443192401234567890".into(),
                sip_host: None,
                sip_port: Some(70000),
                sip_domain: None,
            }),
            passthrough_mode: true,
            passthrough_webhook_url: Some("ftp://x".into()),
        };
        let fields: Vec<_> = validate_create_v2(&req)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "trunk_config",
                "trunk_config.exotel_number",
                "trunk_config.sip_port",
                "passthrough_webhook_url"
            ]
        );
        req.trunk_type = Provider::Exotel;
        req.trunk_config = TrunkConfig::Exotel(ExotelConfig {
            exotel_number: "08044319240".into(),
            sip_host: Some("sip.exotel.com".into()),
            sip_port: Some(5070),
            sip_domain: None,
        });
        req.passthrough_webhook_url = Some("https://hooks.example.com/end".into());
        assert!(validate_create_v2(&req).is_empty());
        assert!(exotel_number_hint("08044319240").is_some());
        assert!(exotel_number_hint("+918044319240").is_none());
        assert!(check_port_text("0").is_some() && check_port_text("").is_none());
    }

    #[test]
    fn v2_rules_have_kinds_and_keep_their_words() {
        use crate::api::{CreateTrunkRequestV2, ExotelConfig, TrunkConfig};
        let req = CreateTrunkRequestV2 {
            trunk_name: " ".into(),
            trunk_type: Provider::Exotel,
            trunk_config: TrunkConfig::Exotel(ExotelConfig {
                exotel_number: "0".repeat(21),
                sip_host: Some("h".repeat(101)),
                sip_port: Some(0),
                sip_domain: None,
            }),
            passthrough_mode: false,
            passthrough_webhook_url: None,
        };
        let rules: Vec<_> = rules_v2(&req)
            .into_iter()
            .map(|r| (r.field, r.kind, r.message))
            .collect();
        assert_eq!(
            rules,
            [
                ("trunk_name".into(), RuleKind::Required, "required".into()),
                (
                    "trunk_config.exotel_number".into(),
                    RuleKind::TooLong { max: 20 },
                    "at most 20 characters (has 21)".into()
                ),
                (
                    "trunk_config.sip_port".into(),
                    RuleKind::Invalid,
                    "0 is not a port: use 1-65535".into()
                ),
                (
                    "trunk_config.sip_host".into(),
                    RuleKind::TooLong { max: 100 },
                    "at most 100 characters".into()
                ),
            ]
        );
        let fields: Vec<FieldError> = validate_create_v2(&req);
        assert_eq!(fields.len(), 4);
        assert_eq!(fields[1].message, "at most 20 characters (has 21)");
    }

    #[test]
    fn numbers_split_on_commas_and_spaces() {
        assert_eq!(
            split_numbers(" +1555, +1666 +1777;;"),
            ["+1555", "+1666", "+1777"]
        );
    }
}
