//! The HTTP client of the trunk API: one shared reqwest client, no retries, capped bodies.

use super::discovery::{self, Negotiated, OPENAPI_CAP, Source};
use super::error::{ApiError, FieldError};
use super::listing::{ListError, decode_list};
use super::routes::{self, OPENAPI};
use super::scrub::Scrubber;
use super::types::{ApiKey, ApiRevision, AuthScheme, NewTrunk, TrunkList};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, LOCATION, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;

/// The list can be large (100,000 trunks is about 20 MB); every other answer is small.
pub const LIST_BODY_CAP: usize = 32 * 1024 * 1024;
pub const BODY_CAP: usize = 1024 * 1024;
const EXCERPT_CHARS: usize = 160;
/// How much of a body an excerpt is taken from.
const EXCERPT_WINDOW: usize = 64 * 1024;
/// Discovery waits at most this long (or the request timeout, if lower): a server whose
/// `/openapi.json` never answers must not hold up every request behind it.
pub const DISCOVERY_LIMIT: Duration = Duration::from_secs(3);
/// Same-origin redirects followed in a row before giving up (reqwest's default limit).
const MAX_REDIRECTS: usize = 10;

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: String,
    /// `Auto` reads the server's `/openapi.json` once to choose.
    pub auth_scheme: AuthScheme,
    /// `None` reads the server's `/openapi.json` once to choose.
    pub api_revision: Option<ApiRevision>,
    pub api_key: Option<ApiKey>,
    /// Where the key came from, for messages ("TRUNKTUI_API_KEY", "api_key in ..."); never the key.
    pub key_source: String,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub list_body_cap: usize,
    pub body_cap: usize,
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>, api_key: Option<ApiKey>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            auth_scheme: AuthScheme::XApiKey,
            api_revision: Some(ApiRevision::V1),
            api_key,
            key_source: "the command line".into(),
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            list_body_cap: LIST_BODY_CAP,
            body_cap: BODY_CAP,
        }
    }
}

/// Installs the TLS crypto provider once; reqwest is built without one to keep aws-lc out.
pub fn install_tls_provider() {
    // Err means one is installed already, which is all we need.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: Url,
    cfg: ClientConfig,
    /// Shared by clones, so the server is asked once per session.
    negotiated: Arc<OnceCell<Negotiated>>,
}

impl ApiClient {
    pub fn new(cfg: ClientConfig) -> Result<Self, ApiError> {
        let base = parse_base_url(&cfg.base_url)?;
        install_tls_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.timeout)
            .user_agent(concat!("trunktui/", env!("CARGO_PKG_VERSION")))
            .redirect(redirect_policy())
            .build()
            .map_err(|e| ApiError::NotSent(format!("cannot build the HTTP client: {e}")))?;
        Ok(ApiClient {
            http,
            base,
            cfg,
            negotiated: Arc::new(OnceCell::new()),
        })
    }

    /// The auth header and create revision for this server: pinned settings, else what its
    /// `/openapi.json` says, else the document's defaults. Asked once; only a server that
    /// could not be reached at all is asked again next time.
    pub async fn negotiate(&self) -> Result<Negotiated, ApiError> {
        let pinned = (self.cfg.auth_scheme, self.cfg.api_revision);
        if let (scheme, Some(_)) = pinned
            && scheme != AuthScheme::Auto
        {
            return Ok(
                discovery::settle(pinned.0, pinned.1, Ok(Default::default()))
                    .with_source(Source::Pinned),
            );
        }
        let outcome = self
            .negotiated
            .get_or_try_init(|| async {
                match self.read_openapi().await {
                    Ok(Reading::Settled(described)) => {
                        Ok(discovery::settle(pinned.0, pinned.1, described))
                    }
                    // Used this once; the next request asks again.
                    Ok(Reading::Passing(why)) => {
                        Err(Ok(discovery::settle(pinned.0, pinned.1, Err(why))))
                    }
                    Err(e) => Err(Err(e)),
                }
            })
            .await;
        match outcome {
            Ok(n) => Ok(n.clone()),
            Err(passing) => passing,
        }
    }

    /// `GET /openapi.json`, within its own short limit. Err when the server could not be
    /// reached. A document, or an answer that says there is none (404, not JSON, no answer
    /// in time), settles the question for the session; a passing failure (a 502 from a
    /// proxy, a 401, a cut connection) does not.
    async fn read_openapi(&self) -> Result<Reading, ApiError> {
        let url = self.url(routes::OPENAPI, None);
        let limit = DISCOVERY_LIMIT.min(self.cfg.timeout);
        // Settled: waiting for it on every request would slow each one by the limit.
        let silent = || {
            Reading::Settled(Err(format!(
                "discovery gave up: {OPENAPI} did not answer within {}s",
                limit.as_secs_f32()
            )))
        };
        let resp = match self.http.get(url.clone()).timeout(limit).send().await {
            Ok(r) => r,
            // Named by the base URL: the user never asked for /openapi.json.
            Err(e) if e.is_connect() => {
                return Err(self.transport_error(&self.base, &e));
            }
            Err(e) if e.is_timeout() => return Ok(silent()),
            Err(e) => {
                return Ok(Reading::Passing(format!(
                    "{OPENAPI} failed: {}",
                    root_cause(&e)
                )));
            }
        };
        let status = resp.status();
        if !status.is_success() {
            let why = if status.is_redirection() {
                format!(
                    "{OPENAPI} answered {}, a redirect to another origin, which is not followed",
                    status.as_u16()
                )
            } else {
                format!("{OPENAPI} answered {}", status.as_u16())
            };
            let passing =
                status.is_server_error() || matches!(status.as_u16(), 401 | 403 | 408 | 429);
            return Ok(if passing {
                Reading::Passing(why)
            } else {
                Reading::Settled(Err(why))
            });
        }
        let body = match read_capped(resp, OPENAPI_CAP).await {
            Ok(body) => body,
            Err(Capped::TooLarge) => {
                return Ok(Reading::Settled(Err(format!(
                    "{OPENAPI} is larger than {}",
                    human_size(OPENAPI_CAP)
                ))));
            }
            Err(Capped::Failed(e)) if e.is_timeout() => return Ok(silent()),
            Err(Capped::Failed(_)) => {
                return Ok(Reading::Passing(format!("{OPENAPI} was cut off")));
            }
        };
        Ok(Reading::Settled(
            match serde_json::from_slice::<Value>(&body) {
                Ok(doc) => Ok(discovery::describe(&doc)),
                Err(_) => Err(format!("{OPENAPI} is not JSON")),
            },
        ))
    }

    /// `GET /sip/list`.
    pub async fn list(&self) -> Result<TrunkList, ApiError> {
        let url = self.url(routes::LIST, None);
        let scrub = self.scrubber(None);
        let body = self
            .send(Method::GET, url, None, self.cfg.list_body_cap, &scrub)
            .await?;
        decode_list(&body).map_err(|e| match e {
            ListError::Json(e) => bad_json(&body, &e, &scrub).scrubbed_by(&scrub),
            ListError::TooLarge(why) => ApiError::Unexpected {
                status: Some(200),
                detail: why,
            },
        })
    }

    /// `POST /sip/create-outbound-trunk`; returns the new trunk_id. The body is sent in the
    /// revision the server speaks, converted when that loses nothing. Never retried: a retry
    /// after a lost answer could create the trunk twice.
    pub async fn create(&self, trunk: impl Into<NewTrunk>) -> Result<String, ApiError> {
        let trunk = trunk.into();
        let negotiated = self.negotiate().await?;
        let body = match trunk.to_revision(negotiated.revision) {
            Ok(NewTrunk::V1(r)) => serde_json::to_vec(&r),
            Ok(NewTrunk::V2(r)) => serde_json::to_vec(&r),
            Err(missing) => {
                return Err(ApiError::Incompatible {
                    revision: negotiated.revision,
                    missing,
                });
            }
        }
        .map_err(|e| ApiError::NotSent(format!("cannot encode the request: {e}")))?;
        let url = self.url(routes::CREATE, None);
        let scrub = self.scrubber(trunk.secret());
        let answer = self
            .send(Method::POST, url, Some(body), self.cfg.body_cap, &scrub)
            .await?;
        trunk_id_of(&answer, &scrub).map_err(|e| e.scrubbed_by(&scrub))
    }

    /// `DELETE /sip/deactivate/{trunk_id}`.
    pub async fn deactivate(&self, trunk_id: &str) -> Result<(), ApiError> {
        // URL rules turn these segments into "this" and "parent" path steps; no id is one.
        if matches!(trunk_id.trim(), "" | "." | "..") {
            return Err(ApiError::NotSent(format!("{trunk_id:?} is not a trunk id")));
        }
        let url = self.url(routes::DEACTIVATE, Some(trunk_id));
        let scrub = self.scrubber(None);
        let answer = self
            .send(Method::DELETE, url, None, self.cfg.body_cap, &scrub)
            .await?;
        // A success envelope is all we need; an unreadable 200 is still reported.
        let value: Value = serde_json::from_slice(&answer)
            .map_err(|e| bad_json(&answer, &e, &scrub).scrubbed_by(&scrub))?;
        refused_with_200(&value, &scrub).map_or(Ok(()), |e| Err(e.scrubbed_by(&scrub)))
    }

    /// `route` (a fixed path of the API) under the base URL's path, then `id` as one
    /// segment, every byte of it that is not unreserved percent-encoded: the URL parser
    /// drops TAB, CR and LF, so `ST_a<TAB>b` would otherwise name the trunk `ST_ab`.
    fn url(&self, route: &str, id: Option<&str>) -> Url {
        let mut path = self.base.path().trim_end_matches('/').to_string();
        path.push_str(route);
        if let Some(id) = id {
            path.push_str(&encode_segment(id));
        }
        let mut url = self.base.clone();
        url.set_path(&path);
        url
    }

    /// The secrets of a request: the API key, and the password a create carries.
    fn scrubber(&self, password: Option<&str>) -> Scrubber {
        let key = self.cfg.api_key.as_ref().map(ApiKey::expose);
        Scrubber::new(key.into_iter().chain(password))
    }

    /// One request. A server's text is scrubbed of `scrub`'s secrets as it is read, and
    /// every error is scrubbed once more as a whole, whatever the server echoed.
    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        cap: usize,
        scrub: &Scrubber,
    ) -> Result<Vec<u8>, ApiError> {
        self.send_unscrubbed(method, url, body, cap, scrub)
            .await
            .map_err(|e| e.scrubbed_by(scrub))
    }

    async fn send_unscrubbed(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        cap: usize,
        scrub: &Scrubber,
    ) -> Result<Vec<u8>, ApiError> {
        let negotiated = self.negotiate().await?;
        let mut req = self.http.request(method, url.clone());
        if let Some(key) = &self.cfg.api_key {
            let (name, value) = match negotiated.scheme {
                AuthScheme::Bearer => (AUTHORIZATION.as_str(), format!("Bearer {}", key.expose())),
                _ => (negotiated.header.as_str(), key.expose().to_string()),
            };
            let mut value = HeaderValue::from_str(&value).map_err(|_| {
                ApiError::NotSent(format!(
                    "the API key from {} holds characters a header cannot carry",
                    self.cfg.key_source
                ))
            })?;
            value.set_sensitive(true);
            req = req.header(name, value);
        }
        if let Some(body) = body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| self.transport_error(&url, &e))?;
        let status = resp.status();
        if status.is_redirection() {
            // Only a redirect to another origin is left unfollowed (see `redirect_policy`).
            return Err(self.redirect_error(&url, &resp));
        }
        let headers = resp.headers().clone();
        let buf = match read_capped(resp, cap).await {
            Ok(buf) => buf,
            Err(Capped::TooLarge) => {
                return Err(ApiError::Unexpected {
                    status: Some(status.as_u16()),
                    detail: format!(
                        "the answer is larger than {}; refused to read it",
                        human_size(cap)
                    ),
                });
            }
            Err(Capped::Failed(e)) if e.is_timeout() => {
                return Err(self.transport_error(&url, &e));
            }
            Err(Capped::Failed(_)) => {
                return Err(ApiError::Unexpected {
                    status: Some(status.as_u16()),
                    detail: "the connection closed before the answer was complete".into(),
                });
            }
        };
        if status.is_success() {
            Ok(buf)
        } else {
            Err(self.status_error(status, &headers, &buf, &negotiated, scrub))
        }
    }

    /// A redirect that was not followed: where the server tried to send the request, and
    /// the base_url that would go there directly if the move is legitimate.
    fn redirect_error(&self, requested: &Url, resp: &reqwest::Response) -> ApiError {
        let code = resp.status().as_u16();
        let target = resp
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|loc| resp.url().join(loc.trim()).ok());
        let detail = match target {
            None => format!("the server answered {code}, a redirect without a usable Location"),
            Some(target) if target.origin() == resp.url().origin() => format!(
                "the server answered {code}, a redirect to {} that is not followed",
                shown_url(target.as_str())
            ),
            Some(target) => format!(
                "the server redirected the request to {}, another origin (scheme, host or port); \
                 it was not followed, so neither the API key nor the request went there. \
                 If the API has moved there, set base_url = \"{}\"",
                shown_url(target.as_str()),
                self.moved_base(requested, &target)
            ),
        };
        ApiError::Unexpected {
            status: Some(code),
            detail,
        }
    }

    /// The base URL under which `target` is what `requested` was: the route stripped from
    /// the end of its path, or just its origin when the path does not end in the route.
    fn moved_base(&self, requested: &Url, target: &Url) -> String {
        let route = requested
            .path()
            .strip_prefix(self.base.path().trim_end_matches('/'))
            .unwrap_or(requested.path());
        let mut base = target.clone();
        base.set_path(target.path().strip_suffix(route).unwrap_or_default());
        shown_url(base.as_str()).trim_end_matches('/').to_string()
    }

    fn transport_error(&self, url: &Url, e: &reqwest::Error) -> ApiError {
        let shown = shown_url(url.as_str());
        if e.is_timeout() {
            ApiError::Timeout {
                url: shown,
                limit: self.cfg.timeout,
            }
        } else if e.is_connect() {
            ApiError::Connect {
                url: shown,
                reason: root_cause(e),
            }
        } else {
            ApiError::Unexpected {
                status: None,
                detail: format!("request to {shown} failed: {}", root_cause(e)),
            }
        }
    }

    fn status_error(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        negotiated: &Negotiated,
        scrub: &Scrubber,
    ) -> ApiError {
        let code = status.as_u16();
        let parsed = parse_error_body_scrubbed(body, scrub);
        match code {
            401 | 403 => {
                let mut detail = parsed.message;
                // FastAPI's HTTPBearer says "Not authenticated" when its header is missing.
                let wants_bearer = headers
                    .get(WWW_AUTHENTICATE)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("bearer"))
                    || detail.as_deref() == Some("Not authenticated");
                if wants_bearer && negotiated.scheme != AuthScheme::Bearer {
                    // The one case where the fix is known: say which setting to change.
                    let hint = "the server asks for Authorization: Bearer; set auth_scheme = \"bearer\" (or --auth-scheme bearer)";
                    detail = Some(match detail {
                        Some(d) => format!("{d}; {hint}"),
                        None => hint.to_string(),
                    });
                }
                if self.cfg.api_key.is_none() {
                    return ApiError::NoKey { status: code };
                }
                ApiError::Unauthorized {
                    status: code,
                    header: negotiated.scheme.header_name(),
                    key_source: self.cfg.key_source.clone(),
                    detail,
                }
            }
            404 => ApiError::NotFound {
                status: code,
                message: parsed
                    .message
                    .unwrap_or_else(|| "the server does not know this path or trunk".into()),
            },
            422 if parsed.fields.iter().any(|f| f.field.starts_with("header.")) => {
                ApiError::Unauthorized {
                    status: code,
                    header: negotiated.scheme.header_name(),
                    key_source: self.cfg.key_source.clone(),
                    detail: Some(
                        parsed
                            .fields
                            .iter()
                            .map(|f| format!("{}: {}", f.field, f.message))
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                }
            }
            400 | 409 | 413 | 422 => ApiError::Invalid {
                status: code,
                message: parsed.message.or_else(|| {
                    (code == 413).then(|| "the request is larger than the server accepts".into())
                }),
                fields: parsed.fields,
            },
            500..=599 => ApiError::Server {
                status: code,
                excerpt: parsed
                    .message
                    .unwrap_or_else(|| body_summary(status, body, scrub)),
            },
            _ => ApiError::Unexpected {
                status: Some(code),
                detail: parsed
                    .message
                    .unwrap_or_else(|| body_summary(status, body, scrub)),
            },
        }
    }
}

/// Percent-encodes every byte that is not unreserved (RFC 3986: ALPHA DIGIT - . _ ~), so
/// the server receives exactly these bytes as one path segment.
pub(crate) fn encode_segment(segment: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
    }
    out
}

/// Follows a redirect only within the origin (scheme, host and port) of the request: the key
/// travels in `x-api-key`, which reqwest's default policy keeps on a cross-origin hop, and a
/// 307/308 would re-send a create, password included, to whoever the server names.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if !same_origin {
            // The 3xx answer comes back as the response; `redirect_error` words it.
            attempt.stop()
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
        } else {
            attempt.follow()
        }
    })
}

/// What reading `/openapi.json` gave.
enum Reading {
    /// A document, or a reason there is none that will not change during the session.
    Settled(Result<discovery::Described, String>),
    /// A failure that may pass: fall back for now, ask again next time.
    Passing(String),
}

enum Capped {
    TooLarge,
    Failed(reqwest::Error),
}

/// Reads a body chunk by chunk, stopping as soon as it passes `cap`.
async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Result<Vec<u8>, Capped> {
    let mut buf = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(Capped::Failed)? {
        if buf.len() + chunk.len() > cap {
            return Err(Capped::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

fn parse_base_url(base: &str) -> Result<Url, ApiError> {
    let url = Url::parse(base.trim()).map_err(|e| {
        ApiError::NotSent(format!("base URL {:?} is not a URL ({e})", shown_url(base)))
    })?;
    // The parser gives every http(s) URL a host, so the scheme is all there is to check.
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ApiError::NotSent(format!(
            "base URL {:?} must be http:// or https:// with a host",
            shown_url(base)
        )));
    }
    Ok(url)
}

/// A URL as it may be shown or logged: no user, no password, no query and no fragment (any
/// of them may hold a secret). The one function that shows a URL: errors, warnings and logs
/// all go through it. Text that does not parse as a URL loses the same parts by their shape.
pub fn shown_url(raw: &str) -> String {
    let raw = raw.trim();
    if let Ok(mut url) = Url::parse(raw)
        && url.has_host()
    {
        url.set_query(None);
        url.set_fragment(None);
        // Both fail only for URLs without a host, which this branch excludes.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        return url.to_string();
    }
    let text: String = raw.chars().filter(|c| !c.is_control()).collect();
    let text = text.split(['?', '#']).next().unwrap_or_default();
    let start = text.find("://").map_or(0, |i| i + 3);
    let end = text[start..].find('/').map_or(text.len(), |i| start + i);
    match text[start..end].rfind('@') {
        Some(at) => format!("{}{}", &text[..start], &text[start + at + 1..]),
        None => text.to_string(),
    }
}

/// The innermost cause ("Connection refused (os error 111)") is the useful part.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn human_size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1024 {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

fn trunk_id_of(body: &[u8], scrub: &Scrubber) -> Result<String, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| bad_json(body, &e, scrub))?;
    if let Some(e) = refused_with_200(&value, scrub) {
        return Err(e);
    }
    match value.pointer("/data/trunk_id") {
        Some(Value::String(id)) if !id.is_empty() => Ok(id.clone()),
        _ => Err(ApiError::Unexpected {
            status: Some(200),
            detail: "the answer has no data.trunk_id; the trunk may or may not exist, refresh the list to see"
                .into(),
        }),
    }
}

/// Some servers answer 200 with `"success": false`: that is a refusal, not a success.
fn refused_with_200(value: &Value, scrub: &Scrubber) -> Option<ApiError> {
    (value.get("success") == Some(&Value::Bool(false))).then(|| ApiError::Unexpected {
        status: Some(200),
        detail: format!(
            "the server answered 200 but success is false: {}",
            value
                .get("message")
                .and_then(Value::as_str)
                .map(|m| shown_text(m, scrub))
                .unwrap_or_else(|| "no message".into())
        ),
    })
}

fn bad_json(body: &[u8], e: &serde_json::Error, scrub: &Scrubber) -> ApiError {
    let detail = if body.iter().all(u8::is_ascii_whitespace) {
        "the body is empty where JSON was expected".to_string()
    } else if e.is_eof() {
        format!("the JSON ends early (truncated at {} bytes)", body.len())
    } else if e.is_syntax() {
        format!("the body is not JSON: \"{}\"", excerpt(body, scrub))
    } else {
        // A decoder's message quotes the value it did not expect, which may be a secret.
        format!(
            "the JSON is not the API's shape ({})",
            shown_text(&e.to_string(), scrub)
        )
    };
    ApiError::Unexpected {
        status: Some(200),
        detail,
    }
}

/// What an error body says, from any of the shapes servers of this API use.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ErrorBody {
    pub message: Option<String>,
    pub fields: Vec<FieldError>,
}

/// Reads an error body of any shape; public so the fuzzer can reach it.
pub fn parse_error_body(body: &[u8]) -> ErrorBody {
    parse_error_body_scrubbed(body, &Scrubber::default())
}

/// A server's string as it may be shown: scrubbed of the secrets first, on the raw text,
/// then put on one line. In the other order a secret holding two spaces or a TAB would be
/// collapsed into a form the scrubber does not know.
fn shown_text(raw: &str, scrub: &Scrubber) -> String {
    clean(&scrub.scrub(raw))
}

/// `parse_error_body`, with every string taken from the body scrubbed before it is cleaned.
pub(crate) fn parse_error_body_scrubbed(body: &[u8], scrub: &Scrubber) -> ErrorBody {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return ErrorBody::default();
    };
    let text = |s: &str| shown_text(s, scrub);
    let mut out = ErrorBody::default();
    let mut general = Vec::new();
    match value.get("detail") {
        Some(Value::String(s)) => out.message = Some(text(s)),
        Some(Value::Array(items)) => collect_errors(items, &mut out.fields, &mut general, scrub),
        // An object is read only for its message: dumping it could show an `input` echo.
        Some(Value::Object(o)) => {
            out.message = o
                .get("msg")
                .or_else(|| o.get("message"))
                .and_then(Value::as_str)
                .map(text)
        }
        _ => {}
    }
    if let Some(Value::String(m)) = value.get("message") {
        // The envelope's message repeats every field error; keep it only when nothing better is known.
        if out.fields.is_empty() && out.message.is_none() {
            out.message = Some(text(m));
        }
    }
    if let Some(Value::Array(items)) = value.pointer("/data/errors") {
        out.fields.clear();
        general.clear();
        collect_errors(items, &mut out.fields, &mut general, scrub);
        if !out.fields.is_empty() || !general.is_empty() {
            out.message = None;
        }
    }
    if !general.is_empty() {
        let joined = general.join("; ");
        out.message = Some(match out.message.take() {
            Some(m) => format!("{m}; {joined}"),
            None => joined,
        });
    }
    out
}

/// Reads `{"loc": [...], "msg": ...}` (FastAPI) and `{"field": ..., "message": ...}` entries.
/// `input` is never read: it can echo the password.
fn collect_errors(
    items: &[Value],
    fields: &mut Vec<FieldError>,
    general: &mut Vec<String>,
    scrub: &Scrubber,
) {
    for item in items {
        let msg = item
            .get("msg")
            .or_else(|| item.get("message"))
            .and_then(Value::as_str)
            .map(|m| shown_text(m, scrub))
            .unwrap_or_else(|| "invalid".into());
        let field = match (item.get("loc"), item.get("field")) {
            (Some(Value::Array(loc)), _) => field_of_loc(loc, scrub),
            (_, Some(Value::String(f))) => Some(shown_text(f, scrub)),
            _ => None,
        };
        match field {
            Some(field) => fields.push(FieldError::new(field, msg)),
            None => general.push(msg),
        }
    }
}

/// `["body", "trunk_name"]` is `trunk_name`; `["body", "trunk_config", "address"]` is
/// `trunk_config.address`; `["body"]` or `["body", 15]` (a JSON position) name no field.
fn field_of_loc(loc: &[Value], scrub: &Scrubber) -> Option<String> {
    let mut parts = loc.iter().peekable();
    if parts.peek().and_then(|v| v.as_str()) == Some("body") {
        parts.next();
    }
    let mut names = Vec::new();
    for (i, part) in parts.enumerate() {
        match part {
            Value::String(s) => names.push(shown_text(s, scrub)),
            // An index inside a named list (trunk_numbers.1) belongs to that list.
            Value::Number(_) if i > 0 => {}
            _ => return None,
        }
    }
    (!names.is_empty()).then(|| names.join("."))
}

/// What to say of an error body that holds no message: a JSON body is never shown (it may
/// echo the request, password included), only the status's reason; text or HTML is excerpted.
fn body_summary(status: StatusCode, body: &[u8], scrub: &Scrubber) -> String {
    let reason = || {
        status
            .canonical_reason()
            .unwrap_or("no details")
            .to_string()
    };
    if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
        return format!("{} (its JSON body has no message)", reason());
    }
    let text = excerpt(body, scrub);
    if text.is_empty() { reason() } else { text }
}

/// A short, single-line excerpt of a body for a message: the secrets scrubbed from the raw
/// text first, then tags of an HTML page dropped (its title kept when it has one), control
/// characters removed, whitespace collapsed, and the result cut.
pub(crate) fn excerpt(body: &[u8], scrub: &Scrubber) -> String {
    // Read past the window by the longest secret, so one across its end is whole when it is
    // scrubbed; the window is cut only after.
    let read = &body[..body.len().min(EXCERPT_WINDOW + scrub.longest())];
    let raw = String::from_utf8_lossy(read);
    let scrubbed = scrub.scrub(&raw);
    let mut end = scrubbed.len().min(EXCERPT_WINDOW);
    while !scrubbed.is_char_boundary(end) {
        end -= 1;
    }
    let text = &scrubbed[..end];
    let lower = text.to_ascii_lowercase();
    let source: String = match (lower.find("<title>"), lower.find("</title>")) {
        (Some(a), Some(b)) if b > a => text[a + 7..b].to_string(),
        // Text without tags comes through unchanged.
        _ => strip_tags(text),
    };
    let mut out = clean(&source);
    if out.chars().count() > EXCERPT_CHARS {
        out = out.chars().take(EXCERPT_CHARS - 1).collect::<String>() + "…";
    }
    out
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// One line, no control characters, runs of whitespace collapsed.
pub(crate) fn clean(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(body: &str) -> Vec<(String, String)> {
        parse_error_body(body.as_bytes())
            .fields
            .into_iter()
            .map(|f| (f.field, f.message))
            .collect()
    }

    #[test]
    fn fastapi_detail_list_maps_loc_to_fields_and_never_reads_input() {
        let body = r#"{"detail":[{"type":"missing","loc":["body","trunk_auth_password"],"msg":"Field required","input":{"trunk_auth_password":"hunter2"}},{"loc":["body","trunk_config","address"],"msg":"too short","input":"hunter2"},{"loc":["body","trunk_numbers",1],"msg":"bad"}]}"#;
        let parsed = parse_error_body(body.as_bytes());
        assert_eq!(
            fields(body),
            [
                ("trunk_auth_password".into(), "Field required".into()),
                ("trunk_config.address".into(), "too short".into()),
                ("trunk_numbers".into(), "bad".into())
            ]
        );
        assert!(!format!("{parsed:?}").contains("hunter2"));
    }

    #[test]
    fn envelope_errors_replace_the_long_message() {
        let body = r#"{"success":false,"message":"Validation Error: body.15: JSON decode error","data":{"errors":[{"type":"json_invalid","loc":["body",15],"msg":"JSON decode error","input":{}}]}}"#;
        let parsed = parse_error_body(body.as_bytes());
        assert!(parsed.fields.is_empty());
        assert_eq!(parsed.message.as_deref(), Some("JSON decode error"));
        let ours = r#"{"success":false,"message":"Invalid input","data":{"errors":[{"field":"trunk_name","message":"required"}]}}"#;
        assert_eq!(fields(ours), [("trunk_name".into(), "required".into())]);
    }

    #[test]
    fn segments_keep_only_unreserved_bytes_as_they_are() {
        assert_eq!(encode_segment("Az09-._~"), "Az09-._~");
        assert_eq!(encode_segment("ST_a\tb\r\n"), "ST_a%09b%0D%0A");
        assert_eq!(
            encode_segment("%/?#[]@!$&'()*+,;= "),
            "%25%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%20"
        );
        assert_eq!(encode_segment("é\u{7f}\u{0}"), "%C3%A9%7F%00");
    }

    #[test]
    fn shown_urls_lose_passwords_and_queries() {
        assert_eq!(
            shown_url("http://admin:TopSecret@127.0.0.1:8000/api?key=abc"),
            "http://127.0.0.1:8000/api"
        );
        assert_eq!(
            shown_url("https://ops@h.example/p#t"),
            "https://h.example/p"
        );
        // Text that is no URL loses the same parts by their shape.
        assert_eq!(shown_url("http://u:pw@h:99999/p?q"), "http://h:99999/p");
        assert_eq!(shown_url("u:pw@h/p\x1b[2J"), "h/p[2J");
        assert_eq!(shown_url("no@url here/x@y"), "url here/x@y");
    }

    #[test]
    fn an_excerpt_is_cut_at_its_length_and_its_window() {
        let none = Scrubber::default();
        let exact = "x".repeat(EXCERPT_CHARS);
        assert_eq!(excerpt(exact.as_bytes(), &none), exact);
        let cut = excerpt(format!("{exact}y").as_bytes(), &none);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS);
        assert!(cut.ends_with("x…"), "{cut}");
        // A character across the window's end is left out, never split.
        let mut body = " ".repeat(EXCERPT_WINDOW - 1).into_bytes();
        body.extend_from_slice("étail".as_bytes());
        assert_eq!(excerpt(&body, &none), "");
        // Tags in the wrong order, and a `>` outside a tag.
        assert_eq!(excerpt(b"</title>x<title>", &none), "x");
        assert_eq!(excerpt(b"<p>a > b</p>", &none), "a > b");
    }

    #[test]
    fn messages_and_fields_come_from_the_right_places() {
        let both = parse_error_body(br#"{"detail":"from detail","message":"from envelope"}"#);
        assert_eq!(both.message.as_deref(), Some("from detail"));
        let no_errors =
            parse_error_body(br#"{"success":false,"message":"kept","data":{"errors":[]}}"#);
        assert_eq!(no_errors.message.as_deref(), Some("kept"));
        // A JSON position first names no field, whatever follows it.
        let position =
            parse_error_body(br#"{"detail":[{"loc":["body",3,"trunk_name"],"msg":"m"}]}"#);
        assert!(position.fields.is_empty(), "{position:?}");
        assert_eq!(position.message.as_deref(), Some("m"));
    }

    #[test]
    fn sizes_are_named_in_their_unit() {
        assert_eq!(human_size(100), "100 bytes");
        assert_eq!(human_size(1024), "1 KiB");
        assert_eq!(human_size(64 * 1024), "64 KiB");
        assert_eq!(human_size(1024 * 1024), "1 MiB");
        assert_eq!(human_size(LIST_BODY_CAP), "32 MiB");
        assert_eq!(human_size(BODY_CAP), "1 MiB");
    }

    #[test]
    fn html_pages_become_their_title() {
        let html = b"<html><head><title>502 Bad Gateway</title></head><body>\x1b[31m</body></html>";
        assert_eq!(excerpt(html, &Scrubber::default()), "502 Bad Gateway");
        assert_eq!(
            excerpt(b"oops\x1b]52;c;AAAA\x07\nmore", &Scrubber::default()),
            "oops ]52;c;AAAA more"
        );
    }
}
