//! The create rules of the contract, shared by `create --dry-run`, the form and `serve`.

use super::error::FieldError;
use super::types::CreateTrunkRequest;

pub const MAX_TEXT: usize = 100;

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
    let len = value.trim().chars().count();
    if len == 0 {
        Some("required".to_string())
    } else if len > MAX_TEXT {
        Some(format!("at most {MAX_TEXT} characters (has {len})"))
    } else {
        None
    }
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
    fn numbers_split_on_commas_and_spaces() {
        assert_eq!(
            split_numbers(" +1555, +1666 +1777;;"),
            ["+1555", "+1666", "+1777"]
        );
    }
}
