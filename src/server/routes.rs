//! The HTTP face of the local server: the three endpoints and `/openapi.json`, answered the
//! way the imitated kind of server answers (the document's envelope for v1, FastAPI's
//! `{"detail": ...}` for v2, the auth errors of the accepted scheme), with a readable answer
//! for every failure too (bad JSON, oversized bodies, unknown paths), so no client ever gets
//! a bare status or a framework's own error text.

use super::auth::{Caller, Owners, created_by_email};
use super::store::{Deactivation, Store, StoredTrunk};
use super::v2::{Problem, parse_create_v2};
use super::{ServeAuth, new_exotel_id, new_trunk_id, now_timestamp};
use crate::api::validate::{FIELD_ORDER, validate_create};
use crate::api::{ApiRevision, CreateTrunkRequest, FieldError, Provider};
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Request, State};
use axum::http::header::{CONNECTION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::Duration;
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
    pub revision: ApiRevision,
    pub auth: ServeAuth,
    /// The answer of `GET /openapi.json`, rendered once at start.
    pub openapi: String,
    /// How long a create's body may take to arrive once its header has.
    pub body_read: Duration,
}

pub(crate) fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/sip/create-outbound-trunk", post(create))
        .route("/sip/list", get(list))
        .route("/sip/deactivate/{trunk_id}", delete(deactivate))
        .route("/openapi.json", get(openapi))
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

/// FastAPI's error body: a message, or the list of validation problems.
#[derive(Serialize)]
struct Detail<T> {
    detail: T,
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

/// `{"detail": "..."}`, FastAPI's shape for an `HTTPException`.
fn detail(status: StatusCode, message: impl Into<String>) -> Response {
    let body = Detail {
        detail: message.into(),
    };
    (status, Json(body)).into_response()
}

impl AppState {
    /// A failure in the imitated server's shape: the envelope for v1, FastAPI's for v2.
    fn failure(&self, status: StatusCode, message: impl Into<String>) -> Response {
        match self.revision {
            ApiRevision::V1 => fail(status, message),
            ApiRevision::V2 => detail(status, message),
        }
    }

    /// The owner of the request's key, or the answer the imitated server gives without one
    /// (boxed: refusals are the rare path, and a `Response` is large).
    fn authorize(&self, headers: &HeaderMap) -> Result<String, Box<Response>> {
        let caller = self.owners.authenticate(headers, self.auth);
        let refusal = match (self.auth, caller) {
            (_, Caller::Owner(owner)) => return Ok(owner),
            // FastAPI's HTTPBearer, for a request without `Authorization: Bearer <token>`.
            (ServeAuth::Bearer, Caller::Anonymous) => (
                StatusCode::UNAUTHORIZED,
                [(WWW_AUTHENTICATE, "Bearer")],
                Json(Detail {
                    detail: "Not authenticated",
                }),
            )
                .into_response(),
            (ServeAuth::Bearer, Caller::Unknown) => detail(
                StatusCode::UNAUTHORIZED,
                match self.revision {
                    ApiRevision::V1 => "Invalid API key",
                    ApiRevision::V2 => "Invalid or inactive API key",
                },
            ),
            (ServeAuth::XApiKey | ServeAuth::Both, _) => {
                fail(StatusCode::UNAUTHORIZED, "Invalid or missing API key")
            }
        };
        Err(Box::new(refusal))
    }

    fn trunk_not_found(&self) -> Response {
        self.failure(StatusCode::NOT_FOUND, "Trunk not found")
    }

    fn save_failed(&self) -> Response {
        // The reason (a path, an OS error) is the operator's business, not the API client's.
        self.failure(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal server error: the change could not be saved",
        )
    }

    /// The body stopped coming: answered, and the connection closed, so a stalled client does
    /// not keep its socket.
    fn body_too_slow(&self) -> Response {
        let mut response = self.failure(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "Request timeout: the body did not arrive within {:?}",
                self.body_read
            ),
        );
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
        response
    }

    fn too_large(&self) -> Response {
        self.failure(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Request body too large: at most {} KiB", BODY_LIMIT / 1024),
        )
    }
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

/// 422 in FastAPI's shape, one entry per problem.
fn unprocessable(problems: Vec<Problem>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(Detail { detail: problems }),
    )
        .into_response()
}

async fn create(State(app): State<Arc<AppState>>, request: Request) -> Response {
    let headers = request.headers().clone();
    // Read (within the limit) before anything is answered, as an extractor would: a refusal
    // sent while the client is still sending could be lost to a reset.
    let read = Bytes::from_request(request, &());
    let Ok(body) = tokio::time::timeout(app.body_read, read).await else {
        return app.body_too_slow();
    };
    let owner = match app.authorize(&headers) {
        Ok(owner) => owner,
        Err(refused) => return *refused,
    };
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return app.too_large();
        }
        Err(rejection) => {
            let reason = format!("could not be read: {}", rejection.body_text());
            return match app.revision {
                ApiRevision::V1 => invalid(vec![FieldError::new("body", reason)]),
                ApiRevision::V2 => {
                    detail(StatusCode::BAD_REQUEST, format!("Request body {reason}"))
                }
            };
        }
    };
    match app.revision {
        ApiRevision::V1 => match parse_create(&body) {
            // The document's ids are `ST_…` whatever the provider.
            Ok(request) => {
                store_new(&app, Provider::Twilio, |id| {
                    StoredTrunk::from_v1(id, owner, request, now_timestamp())
                })
                .await
            }
            Err(errors) => invalid(errors),
        },
        ApiRevision::V2 => match parse_create_v2(&body) {
            Ok(request) => {
                let provider = request.trunk_type;
                store_new(&app, provider, |id| {
                    StoredTrunk::from_v2(id, owner, request, now_timestamp())
                })
                .await
            }
            Err(problems) => unprocessable(problems),
        },
    }
}

/// Stores the trunk `make` builds around a fresh id of `provider`'s shape, and answers.
async fn store_new(
    app: &AppState,
    provider: Provider,
    make: impl FnOnce(String) -> StoredTrunk,
) -> Response {
    let mut store = app.store.lock().await;
    let trunk_id = loop {
        let id = match provider {
            Provider::Twilio => new_trunk_id(),
            Provider::Exotel => new_exotel_id(),
        };
        if !store.contains_id(&id) {
            break id;
        }
    };
    match store.insert(make(trunk_id.clone())).await {
        Ok(()) => ok(CREATED, TrunkIdData { trunk_id }),
        Err(_) => app.save_failed(),
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

/// A list entry of the later revision: only these three.
#[derive(Serialize)]
struct LeanTrunk<'a> {
    trunk_id: &'a str,
    trunk_name: &'a str,
    trunk_created_by_email: String,
}

async fn list(State(app): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let owner = match app.authorize(&headers) {
        Ok(owner) => owner,
        Err(refused) => return *refused,
    };
    let store = app.store.lock().await;
    let trunks = store.active_for(&owner);
    match app.revision {
        ApiRevision::V1 => {
            let entries: Vec<ListedTrunk<'_>> = trunks
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
        ApiRevision::V2 => {
            let entries: Vec<LeanTrunk<'_>> = trunks
                .map(|t| LeanTrunk {
                    trunk_id: &t.trunk_id,
                    trunk_name: &t.trunk_name,
                    trunk_created_by_email: created_by_email(&t.owner),
                })
                .collect();
            ok(LISTED, entries)
        }
    }
}

async fn deactivate(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    trunk_id: Result<Path<String>, PathRejection>,
) -> Response {
    let owner = match app.authorize(&headers) {
        Ok(owner) => owner,
        Err(refused) => return *refused,
    };
    // An id that does not even decode (bad percent-encoding) names no trunk.
    let Ok(Path(trunk_id)) = trunk_id else {
        return app.trunk_not_found();
    };
    let mut store = app.store.lock().await;
    match store.deactivate(&owner, &trunk_id, now_timestamp()).await {
        Ok(Deactivation::Done) => ok(DEACTIVATED, TrunkIdData { trunk_id }),
        Ok(Deactivation::NotFound) => app.trunk_not_found(),
        Ok(Deactivation::AlreadyInactive) => app.failure(
            StatusCode::BAD_REQUEST,
            match app.revision {
                ApiRevision::V1 => "Trunk is already deactivated",
                ApiRevision::V2 => "Trunk is already inactive",
            },
        ),
        Err(_) => app.save_failed(),
    }
}

/// No key needed, as on FastAPI servers: it says which revision and scheme to use.
async fn openapi(State(app): State<Arc<AppState>>) -> Response {
    ([(CONTENT_TYPE, "application/json")], app.openapi.clone()).into_response()
}

const PATHS: &str = "POST /sip/create-outbound-trunk, GET /sip/list, \
                     DELETE /sip/deactivate/{trunk_id} and GET /openapi.json";

async fn unknown_path(State(app): State<Arc<AppState>>) -> Response {
    app.failure(
        StatusCode::NOT_FOUND,
        format!("Not found: this server has {PATHS}"),
    )
}

async fn wrong_method(State(app): State<Arc<AppState>>) -> Response {
    app.failure(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("Method not allowed: this server has {PATHS}"),
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
