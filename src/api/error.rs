//! The one error type of the client, worded so that a person knows what to do next.

use super::scrub::Scrubber;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A problem with one request field, keyed by the request's field name (`trunk_name`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("cannot connect to {url}: {reason}. Is the trunk API running there?")]
    Connect { url: String, reason: String },

    #[error("no answer from {url} within {}s (timeout); the server may be slow or down", .limit.as_secs_f32())]
    Timeout { url: String, limit: Duration },

    #[error("unauthorized ({status}{}): the server refused the {header} header; the key came from {key_source}. Check the key, or the profile's auth_scheme", detail_suffix(.detail))]
    Unauthorized {
        status: u16,
        header: &'static str,
        key_source: String,
        detail: Option<String>,
    },

    #[error(
        "unauthorized ({status}): no API key is configured, so none was sent; set TRUNKTUI_API_KEY, or api_key or api_key_env in the profile"
    )]
    NoKey { status: u16 },

    /// Stopped before anything was sent: nothing happened on the server.
    #[error("{0}")]
    NotSent(String),

    #[error("not found ({status}): {message}")]
    NotFound { status: u16, message: String },

    #[error("invalid input ({status}): {}", invalid_summary(.message, .fields))]
    Invalid {
        status: u16,
        message: Option<String>,
        fields: Vec<FieldError>,
    },

    #[error("this server speaks create API {revision}, and the trunk cannot be sent as one: {} missing", .missing.join(", "))]
    Incompatible {
        revision: super::types::ApiRevision,
        missing: Vec<String>,
    },

    #[error("server error {status}: {excerpt}")]
    Server { status: u16, excerpt: String },

    #[error("unexpected response{}: {detail}", status_suffix(*.status))]
    Unexpected { status: Option<u16>, detail: String },
}

fn detail_suffix(detail: &Option<String>) -> String {
    detail
        .as_deref()
        .map(|d| format!(", \"{d}\""))
        .unwrap_or_default()
}

fn status_suffix(status: Option<u16>) -> String {
    status.map(|s| format!(" ({s})")).unwrap_or_default()
}

fn invalid_summary(message: &Option<String>, fields: &[FieldError]) -> String {
    let mut parts: Vec<String> = fields
        .iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect();
    if parts.is_empty() {
        parts.push(
            message
                .clone()
                .unwrap_or_else(|| "the server gave no reason".into()),
        );
    }
    parts.join("; ")
}

impl ApiError {
    /// The same error with every occurrence of the secrets replaced by `***`: a server may
    /// echo a key or a password anywhere in what it says. The client scrubs a server's text
    /// as it arrives; this is the last pass, over everything the error holds.
    pub fn scrubbed<'a>(self, secrets: impl Iterator<Item = &'a str>) -> ApiError {
        self.scrubbed_by(&Scrubber::new(secrets))
    }

    pub(crate) fn scrubbed_by(mut self, scrubber: &Scrubber) -> ApiError {
        if scrubber.is_empty() {
            return self;
        }
        let scrub = |text: &mut String| scrubber.scrub_in_place(text);
        match &mut self {
            ApiError::Connect { url, reason } => {
                scrub(url);
                scrub(reason);
            }
            ApiError::Timeout { url, .. } => scrub(url),
            ApiError::Unauthorized {
                detail, key_source, ..
            } => {
                scrub(key_source);
                if let Some(d) = detail {
                    scrub(d);
                }
            }
            ApiError::NotFound { message, .. } | ApiError::NotSent(message) => scrub(message),
            ApiError::NoKey { .. } => {}
            ApiError::Invalid {
                message, fields, ..
            } => {
                if let Some(m) = message {
                    scrub(m);
                }
                for f in fields {
                    scrub(&mut f.field);
                    scrub(&mut f.message);
                }
            }
            ApiError::Incompatible { missing, .. } => missing.iter_mut().for_each(scrub),
            ApiError::Server { excerpt, .. } => scrub(excerpt),
            ApiError::Unexpected { detail, .. } => scrub(detail),
        }
        self
    }

    /// Errors that mean "the server is not there", as opposed to "it answered no".
    pub fn is_unreachable(&self) -> bool {
        matches!(self, ApiError::Connect { .. } | ApiError::Timeout { .. })
    }

    pub fn is_auth(&self) -> bool {
        matches!(self, ApiError::Unauthorized { .. } | ApiError::NoKey { .. })
    }

    /// The request may have reached the server and done its work, but no answer says so:
    /// retrying a create could make the trunk twice.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            ApiError::Timeout { .. } | ApiError::Server { .. } | ApiError::Unexpected { .. }
        )
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Connect { .. }
            | ApiError::Timeout { .. }
            | ApiError::Incompatible { .. }
            | ApiError::NotSent(_) => None,
            ApiError::NoKey { status } => Some(*status),
            ApiError::Unauthorized { status, .. }
            | ApiError::NotFound { status, .. }
            | ApiError::Invalid { status, .. }
            | ApiError::Server { status, .. } => Some(*status),
            ApiError::Unexpected { status, .. } => *status,
        }
    }
}
