//! The HTTP face of the local server: the document's three endpoints, its envelope, and an
//! envelope for every failure too (bad JSON, oversized bodies, unknown paths), so no client
//! ever gets a bare status or a framework's own error text.

use super::auth::Owners;
use super::store::{Deactivation, Store, StoredTrunk};
use super::{new_trunk_id, now_timestamp};
use crate::api::validate::{FIELD_ORDER, validate_create};
use crate::api::{CreateTrunkRequest, FieldError, Provider};
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Arc;
use tokio::sync::Mutex;

/// The largest request body accepted; a trunk is a few hundred bytes.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;

pub(crate) const CREATED: &str =
    "Outbound trunk created successfully, Store the trunk id securely.";
pub(crate) const LISTED: &str = "SIP trunks retrieved successfully";
pub(crate) const DEACTIVATED: &str = "Trunk deactivated successfully";

pub(crate) struct AppState {
    pub owners: Owners,
    /// One lock for reads and writes: a change is saved to disk while it is held, so saves
    /// never interleave and an answer is sent only once its change is durable.
    pub store: Mutex<Store>,
}

pub(crate) fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/sip/create-outbound-trunk", post(create))
        .route("/sip/list", get(list))
        .route("/sip/deactivate/{trunk_id}", delete(deactivate))
        .fallback(unknown_path)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// The document's envelope; field order as in its examples.
#[derive(Serialize)]
struct Envelope<T> {
    success: bool,
    message: String,
    data: T,
}

fn ok(message: &str, data: impl Serialize) -> Response {
    let body = Envelope {
        success: true,
        message: message.to_string(),
        data,
    };
    (StatusCode::OK, Json(body)).into_response()
}

/// A failure with `data: {}`, the shape the document's servers use.
fn fail(status: StatusCode, message: impl Into<String>) -> Response {
    let body = Envelope {
        success: false,
        message: message.into(),
        data: Map::new(),
    };
    (status, Json(body)).into_response()
}

fn unauthorized() -> Response {
    fail(StatusCode::UNAUTHORIZED, "Invalid or missing API key")
}

fn trunk_not_found() -> Response {
    fail(StatusCode::NOT_FOUND, "Trunk not found")
}

fn save_failed() -> Response {
    // The reason (a path, an OS error) is the operator's business, not the API client's.
    fail(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Internal server error: the change could not be saved",
    )
}

/// 400 with one entry per field, and the same list spelled out in the message for clients
/// that show only the message.
fn invalid(errors: Vec<FieldError>) -> Response {
    #[derive(Serialize)]
    struct Errors {
        errors: Vec<FieldError>,
    }
    let summary = errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ");
    let body = Envelope {
        success: false,
        message: format!("Invalid input: {summary}"),
        data: Errors { errors },
    };
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

async fn create(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(owner) = app.owners.authenticate(&headers) else {
        return unauthorized();
    };
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return too_large();
        }
        Err(rejection) => {
            return invalid(vec![FieldError::new(
                "body",
                format!("could not be read: {}", rejection.body_text()),
            )]);
        }
    };
    let request = match parse_create(&body) {
        Ok(request) => request,
        Err(errors) => return invalid(errors),
    };
    let mut store = app.store.lock().await;
    let trunk_id = loop {
        let id = new_trunk_id();
        if !store.contains_id(&id) {
            break id;
        }
    };
    let trunk = StoredTrunk {
        trunk_id: trunk_id.clone(),
        owner,
        // Trimmed because the rules count characters after trimming; the credentials are kept
        // exactly as given, since a space there may be part of the secret.
        trunk_name: request.trunk_name.trim().to_string(),
        trunk_address: request.trunk_address.trim().to_string(),
        trunk_numbers: request.trunk_numbers,
        trunk_auth_username: request.trunk_auth_username,
        trunk_auth_password: request.trunk_auth_password,
        trunk_type: request.trunk_type,
        trunk_created_at: now_timestamp(),
        deactivated_at: None,
    };
    match store.insert(trunk).await {
        Ok(()) => ok(CREATED, TrunkIdData { trunk_id }),
        Err(_) => save_failed(),
    }
}

#[derive(Serialize)]
struct TrunkIdData {
    trunk_id: String,
}

/// A list entry: what the document lists, never the credentials.
#[derive(Serialize)]
struct ListedTrunk<'a> {
    trunk_id: &'a str,
    trunk_name: &'a str,
    trunk_address: &'a str,
    trunk_numbers: &'a [String],
    trunk_type: Provider,
    trunk_created_at: &'a str,
}

async fn list(State(app): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let Some(owner) = app.owners.authenticate(&headers) else {
        return unauthorized();
    };
    let store = app.store.lock().await;
    let entries: Vec<ListedTrunk<'_>> = store
        .active_for(&owner)
        .map(|t| ListedTrunk {
            trunk_id: &t.trunk_id,
            trunk_name: &t.trunk_name,
            trunk_address: &t.trunk_address,
            trunk_numbers: &t.trunk_numbers,
            trunk_type: t.trunk_type,
            trunk_created_at: &t.trunk_created_at,
        })
        .collect();
    ok(LISTED, entries)
}

async fn deactivate(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    trunk_id: Result<Path<String>, PathRejection>,
) -> Response {
    let Some(owner) = app.owners.authenticate(&headers) else {
        return unauthorized();
    };
    // An id that does not even decode (bad percent-encoding) names no trunk.
    let Ok(Path(trunk_id)) = trunk_id else {
        return trunk_not_found();
    };
    let mut store = app.store.lock().await;
    match store.deactivate(&owner, &trunk_id, now_timestamp()).await {
        Ok(Deactivation::Done) => ok(DEACTIVATED, TrunkIdData { trunk_id }),
        Ok(Deactivation::NotFound) => trunk_not_found(),
        Ok(Deactivation::AlreadyInactive) => {
            fail(StatusCode::BAD_REQUEST, "Trunk is already deactivated")
        }
        Err(_) => save_failed(),
    }
}

fn too_large() -> Response {
    fail(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("Request body too large: at most {} KiB", BODY_LIMIT / 1024),
    )
}

async fn unknown_path() -> Response {
    fail(
        StatusCode::NOT_FOUND,
        "Not found: this server has POST /sip/create-outbound-trunk, GET /sip/list and \
         DELETE /sip/deactivate/{trunk_id}",
    )
}

async fn wrong_method() -> Response {
    fail(
        StatusCode::METHOD_NOT_ALLOWED,
        "Method not allowed: this server has POST /sip/create-outbound-trunk, GET /sip/list \
         and DELETE /sip/deactivate/{trunk_id}",
    )
}

/// Reads a create body into a request, or every problem with it at once: each missing or
/// wrong-typed field gets its own entry, and fields of the right type are checked by
/// `validate_create`, the one place the contract's rules live.
pub(crate) fn parse_create(body: &[u8]) -> Result<CreateTrunkRequest, Vec<FieldError>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(vec![FieldError::new(
            "body",
            "is empty: send the trunk as a JSON object",
        )]);
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| vec![FieldError::new("body", format!("is not valid JSON: {e}"))])?;
    let Value::Object(fields) = value else {
        return Err(vec![FieldError::new(
            "body",
            format!("must be a JSON object, not {}", kind(&value)),
        )]);
    };

    let mut errors = Vec::new();
    let mut text = |name: &str| string_field(&fields, name, &mut errors);
    let trunk_name = text("trunk_name");
    let trunk_address = text("trunk_address");
    let trunk_auth_username = text("trunk_auth_username");
    let trunk_auth_password = text("trunk_auth_password");
    let trunk_numbers = numbers_field(&fields, &mut errors);
    let trunk_type = type_field(&fields, &mut errors);

    let request = CreateTrunkRequest {
        trunk_name,
        trunk_address,
        trunk_numbers,
        trunk_auth_username,
        trunk_auth_password,
        // Stands in for a bad type only while the other fields are checked; never stored.
        trunk_type: trunk_type.unwrap_or(Provider::Twilio),
    };
    // A field that already failed its type check gets no second, misleading message.
    let rule_errors: Vec<FieldError> = validate_create(&request)
        .into_iter()
        .filter(|rule| !errors.iter().any(|e: &FieldError| e.field == rule.field))
        .collect();
    errors.extend(rule_errors);
    if errors.is_empty() {
        return Ok(request);
    }
    let order = |f: &str| {
        FIELD_ORDER
            .iter()
            .position(|o| *o == f)
            .unwrap_or(usize::MAX)
    };
    errors.sort_by_key(|e| order(&e.field));
    Err(errors)
}

fn string_field(fields: &Map<String, Value>, name: &str, errors: &mut Vec<FieldError>) -> String {
    match fields.get(name) {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => {
            errors.push(FieldError::new(name, "required"));
            String::new()
        }
        Some(other) => {
            errors.push(FieldError::new(
                name,
                format!("must be a string, not {}", kind(other)),
            ));
            String::new()
        }
    }
}

fn numbers_field(fields: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Vec<String> {
    const NAME: &str = "trunk_numbers";
    match fields.get(NAME) {
        Some(Value::Array(items)) => {
            let mut numbers = Vec::with_capacity(items.len());
            let mut bad = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) => numbers.push(s.clone()),
                    other => bad.push(format!("item {} is {}", i + 1, kind(other))),
                }
            }
            if !bad.is_empty() {
                errors.push(FieldError::new(
                    NAME,
                    format!(
                        "must be an array of strings ({}); write numbers in quotes, e.g. \"+15550100000\"",
                        bad.join(", ")
                    ),
                ));
            }
            numbers
        }
        None | Some(Value::Null) => {
            errors.push(FieldError::new(NAME, "required"));
            Vec::new()
        }
        Some(other) => {
            errors.push(FieldError::new(
                NAME,
                format!(
                    "must be an array of strings, not {}, e.g. [\"+15550100000\"]",
                    kind(other)
                ),
            ));
            Vec::new()
        }
    }
}

fn type_field(fields: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Option<Provider> {
    const NAME: &str = "trunk_type";
    const EXPECTED: &str = "must be \"twilio\" or \"exotel\"";
    match fields.get(NAME) {
        // Exactly the wire names, as the document's servers accept them.
        Some(Value::String(s)) => {
            let provider = Provider::ALL.into_iter().find(|p| p.as_str() == s);
            if provider.is_none() {
                errors.push(FieldError::new(NAME, EXPECTED));
            }
            provider
        }
        None | Some(Value::Null) => {
            errors.push(FieldError::new(NAME, format!("required: {EXPECTED}")));
            None
        }
        Some(other) => {
            errors.push(FieldError::new(
                NAME,
                format!("{EXPECTED}, not {}", kind(other)),
            ));
            None
        }
    }
}

/// A JSON type as a person would name it; never the value, which may be a secret.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields_of(body: &str) -> Vec<(String, String)> {
        parse_create(body.as_bytes())
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn the_documents_examples_parse() {
        let req = parse_create(
            br#"{"trunk_name":"Twilio Production","trunk_address":"example.pstn.twilio.com",
                "trunk_numbers":["+15550100000","+15550100001"],
                "trunk_auth_username":"ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                "trunk_auth_password":"your_auth_token_here","trunk_type":"twilio","extra":1}"#,
        )
        .unwrap();
        assert_eq!(req.trunk_type, Provider::Twilio);
        assert_eq!(req.trunk_numbers.len(), 2);
    }

    #[test]
    fn every_missing_field_is_named_in_form_order() {
        let fields: Vec<_> = fields_of("{}").into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, FIELD_ORDER);
    }

    #[test]
    fn wrong_types_and_rule_breaks_are_reported_together() {
        let errors = fields_of(
            r#"{"trunk_name":"","trunk_address":7,"trunk_numbers":"+15550100000",
                "trunk_auth_username":"u","trunk_auth_password":null,"trunk_type":"vonage"}"#,
        );
        let fields: Vec<_> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "trunk_type",
                "trunk_name",
                "trunk_address",
                "trunk_numbers",
                "trunk_auth_password"
            ]
        );
        assert_eq!(errors[1].1, "required");
        assert_eq!(errors[2].1, "must be a string, not a number");
        assert!(
            errors[3]
                .1
                .starts_with("must be an array of strings, not a string")
        );
    }

    #[test]
    fn numbers_that_are_not_strings_are_named_by_position() {
        let errors = fields_of(
            r#"{"trunk_name":"n","trunk_address":"a","trunk_numbers":["+15550100000",15550100001],
                "trunk_auth_username":"u","trunk_auth_password":"p","trunk_type":"exotel"}"#,
        );
        assert_eq!(errors.len(), 1);
        assert!(errors[0].1.contains("item 2 is a number"), "{:?}", errors);
    }

    #[test]
    fn non_objects_and_bad_json_are_body_errors() {
        for body in ["", "[1]", "{\"trunk_name\": ", "null"] {
            let errors = fields_of(body);
            assert_eq!(errors.len(), 1, "{body}");
            assert_eq!(errors[0].0, "body");
        }
    }

    #[test]
    fn messages_never_echo_the_password() {
        let errors = fields_of(
            r#"{"trunk_name":"n","trunk_address":"a","trunk_numbers":["x"],
                "trunk_auth_username":"u","trunk_auth_password":{"hunter2":1},"trunk_type":"Twilio"}"#,
        );
        assert!(!format!("{errors:?}").contains("hunter2"));
    }
}
