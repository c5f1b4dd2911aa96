//! Which auth header and which create revision a server speaks, read from the
//! `/openapi.json` that FastAPI servers publish, with the document's defaults as fallback.

use super::routes::{self, OPENAPI};
use super::types::{ApiRevision, AuthScheme};
use serde_json::Value;
use std::fmt;

/// `/openapi.json` is read only this far: a huge document is not a usable one.
pub const OPENAPI_CAP: usize = 4 * 1024 * 1024;

/// What the client settled on for a server, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    /// `XApiKey` or `Bearer`, never `Auto`.
    pub scheme: AuthScheme,
    /// The header the key goes in: `x-api-key` (or the name the server declares) or
    /// `Authorization`.
    pub header: String,
    pub revision: ApiRevision,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Both settings were pinned; nothing was fetched.
    Pinned,
    /// Read from `/openapi.json` (pinned settings still win over what it says).
    OpenApi,
    /// The document could not be used; the reason, and the defaults were taken.
    Fallback(String),
}

impl Negotiated {
    /// The document's defaults: `x-api-key` and the flat create body.
    pub fn defaults(source: Source) -> Negotiated {
        Negotiated {
            scheme: AuthScheme::XApiKey,
            header: "x-api-key".into(),
            revision: ApiRevision::V1,
            source,
        }
    }

    pub fn with_source(mut self, source: Source) -> Negotiated {
        self.source = source;
        self
    }

    /// "x-api-key, v1" for the header.
    pub fn short(&self) -> String {
        let auth = match self.scheme {
            AuthScheme::Bearer => "bearer".to_string(),
            _ => self.header.clone(),
        };
        format!("{auth}, {}", self.revision)
    }
}

impl fmt::Display for Negotiated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match self.scheme {
            AuthScheme::Bearer => "Authorization: Bearer".to_string(),
            _ => format!("header {}", self.header),
        };
        write!(f, "auth {auth}, create API {}", self.revision)?;
        match &self.source {
            Source::Pinned => write!(f, " (pinned by auth_scheme and api_revision)"),
            Source::OpenApi => write!(f, " (from {OPENAPI})"),
            Source::Fallback(why) => write!(
                f,
                " (the document's defaults: {why}; set auth_scheme and api_revision to pin them)"
            ),
        }
    }
}

/// What a server's OpenAPI document says; `None` where it does not tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Described {
    pub auth: Option<(AuthScheme, String)>,
    pub revision: Option<ApiRevision>,
}

/// Reads the security scheme and the create request's shape from an OpenAPI document.
pub fn describe(doc: &Value) -> Described {
    Described {
        auth: auth_of(doc),
        revision: revision_of(doc),
    }
}

fn auth_of(doc: &Value) -> Option<(AuthScheme, String)> {
    let schemes = doc.pointer("/components/securitySchemes")?.as_object()?;
    let mut found = Vec::new();
    for scheme in schemes.values() {
        match (
            scheme.get("type").and_then(Value::as_str),
            scheme.get("scheme").and_then(Value::as_str),
            scheme.get("in").and_then(Value::as_str),
        ) {
            (Some("http"), Some(s), _) if s.eq_ignore_ascii_case("bearer") => {
                found.push((AuthScheme::Bearer, "Authorization".to_string()))
            }
            (Some("apiKey"), _, Some("header")) => {
                if let Some(name) = scheme.get("name").and_then(Value::as_str) {
                    found.push((AuthScheme::XApiKey, name.to_string()));
                }
            }
            _ => {}
        }
    }
    // A server that takes either: the document's own header is the safe choice.
    found.sort_by_key(|(s, _)| *s != AuthScheme::XApiKey);
    found.into_iter().next()
}

fn revision_of(doc: &Value) -> Option<ApiRevision> {
    // A JSON pointer spells each `/` inside a key as `~1`.
    let schema = doc.pointer(&format!(
        "/paths/{}/post/requestBody/content/application~1json/schema",
        routes::CREATE.replace('/', "~1")
    ))?;
    let schema = resolve(doc, schema)?;
    let props = schema.get("properties")?.as_object()?;
    if props.contains_key("trunk_config") {
        Some(ApiRevision::V2)
    } else if props.contains_key("trunk_address") || props.contains_key("trunk_numbers") {
        Some(ApiRevision::V1)
    } else {
        None
    }
}

/// Follows a local `$ref` (a few levels at most, so a cycle cannot loop).
fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> Option<&'a Value> {
    for _ in 0..8 {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => schema = doc.pointer(r.strip_prefix('#')?)?,
            None => return Some(schema),
        }
    }
    None
}

/// Puts pinned settings over what the server described, and the defaults under both.
pub fn settle(
    pinned_auth: AuthScheme,
    pinned_revision: Option<ApiRevision>,
    described: Result<Described, String>,
) -> Negotiated {
    let (described, fallback) = match described {
        Ok(d) => {
            let mut gaps = Vec::new();
            if d.auth.is_none() && pinned_auth == AuthScheme::Auto {
                gaps.push("it names no security scheme");
            }
            if d.revision.is_none() && pinned_revision.is_none() {
                gaps.push("it does not describe the create call");
            }
            let why =
                (!gaps.is_empty()).then(|| format!("{OPENAPI} is incomplete: {}", gaps.join(", ")));
            (d, why)
        }
        Err(why) => (Described::default(), Some(why)),
    };
    let mut n = Negotiated::defaults(match fallback {
        Some(why) => Source::Fallback(why),
        None => Source::OpenApi,
    });
    if let Some((scheme, header)) = described.auth {
        n.scheme = scheme;
        n.header = header;
    }
    if let Some(r) = described.revision {
        n.revision = r;
    }
    match pinned_auth {
        AuthScheme::Auto => {}
        AuthScheme::XApiKey => {
            n.scheme = AuthScheme::XApiKey;
            n.header = "x-api-key".into();
        }
        AuthScheme::Bearer => {
            n.scheme = AuthScheme::Bearer;
            n.header = "Authorization".into();
        }
    }
    if let Some(r) = pinned_revision {
        n.revision = r;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        let text = match name {
            "v1" => include_str!("../../tests/fixtures/v1-header-openapi.json"),
            _ => include_str!("../../tests/fixtures/v2-bearer-openapi.json"),
        };
        let recorded: Value = serde_json::from_str(text).unwrap();
        serde_json::from_str(recorded["body"].as_str().unwrap()).unwrap()
    }

    #[test]
    fn recorded_documents_are_read() {
        assert_eq!(
            describe(&fixture("v1")),
            Described {
                auth: Some((AuthScheme::XApiKey, "x-api-key".into())),
                revision: Some(ApiRevision::V1)
            }
        );
        assert_eq!(
            describe(&fixture("v2")),
            Described {
                auth: Some((AuthScheme::Bearer, "Authorization".into())),
                revision: Some(ApiRevision::V2)
            }
        );
    }

    #[test]
    fn pinned_settings_win_and_gaps_fall_back() {
        let n = settle(AuthScheme::XApiKey, None, Ok(describe(&fixture("v2"))));
        assert_eq!(
            (n.scheme, n.revision),
            (AuthScheme::XApiKey, ApiRevision::V2)
        );
        let n = settle(
            AuthScheme::Auto,
            None,
            Err("/openapi.json answered 404".into()),
        );
        assert_eq!(
            n,
            Negotiated::defaults(Source::Fallback("/openapi.json answered 404".into()))
        );
        assert!(n.to_string().contains("pin them"));
        let n = settle(
            AuthScheme::Auto,
            None,
            Ok(describe(&serde_json::json!({"openapi": "3.1.0"}))),
        );
        assert!(matches!(n.source, Source::Fallback(ref w) if w.contains("no security scheme")));
    }

    #[test]
    fn a_ref_cycle_does_not_loop() {
        let doc = serde_json::json!({
            "paths": {"/sip/create-outbound-trunk": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}},
            "components": {"schemas": {"A": {"$ref": "#/components/schemas/A"}}}
        });
        assert_eq!(describe(&doc).revision, None);
    }
}
