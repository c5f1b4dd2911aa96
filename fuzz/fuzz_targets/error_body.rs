//! The error path on arbitrary bytes: whatever a server answers, what the user reads is one
//! line without control characters, and nothing it echoed under `input` (the request,
//! password included) reaches the message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trunktui::api::client::parse_error_body;

/// Every string under an `input` key, at any depth.
fn echoed(value: &serde_json::Value, under_input: bool, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) if under_input && s.len() >= 8 => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| echoed(v, under_input, out)),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                echoed(v, under_input || k == "input", out);
            }
        }
        _ => {}
    }
}

fuzz_target!(|body: &[u8]| {
    let parsed = parse_error_body(body);
    let mut texts: Vec<&str> = parsed.message.as_deref().into_iter().collect();
    for f in &parsed.fields {
        texts.push(&f.field);
        texts.push(&f.message);
    }
    for text in &texts {
        assert!(!text.chars().any(char::is_control), "control character in {text:?}");
    }
    let mut secrets = Vec::new();
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        echoed(&value, false, &mut secrets);
    }
    for secret in &secrets {
        // The same string may also be a message of its own elsewhere in the body.
        let elsewhere = String::from_utf8_lossy(body).matches(secret.as_str()).count() > 1;
        if !elsewhere {
            for text in &texts {
                assert!(!text.contains(secret.as_str()), "input echo {secret:?} in {text:?}");
            }
        }
    }
});
