//! Shared helpers of `api_client.rs` and `api_responder.rs`: client configuration, the
//! recorded answers of real servers (`tests/fixtures/`), a raw HTTP/1.1 responder on
//! 127.0.0.1 that replays them, and the checks every user-visible error must pass.
//! Each test binary uses a different part of this module.
#![allow(dead_code)]

pub mod e2e;

use serde_json::Value;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use trunktui::api::{ApiError, ApiKey, ClientConfig, CreateTrunkRequest, Provider};

pub const KEY: &str = "tk_test_key_alpha_0123456789";
pub const OTHER_KEY: &str = "tk_test_key_beta_9876543210";
pub const KEY_SOURCE: &str = "TRUNKTUI_API_KEY (test environment)";

/// How long a test waits for something that should happen at once.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A client configuration for `base_url` with short limits, so a broken test fails fast.
pub fn config(base_url: &str, key: Option<&str>) -> ClientConfig {
    let mut cfg = ClientConfig::new(base_url, key.map(ApiKey::new));
    cfg.key_source = KEY_SOURCE.into();
    cfg.timeout = Duration::from_secs(5);
    cfg.connect_timeout = Duration::from_secs(2);
    cfg
}

/// Awaits `fut`, failing the test if it takes longer than `PATIENCE`.
pub async fn within<F: std::future::Future>(fut: F) -> F::Output {
    tokio::time::timeout(PATIENCE, fut)
        .await
        .expect("the call did not finish in time")
}

/// The document's Twilio example.
pub fn twilio_example() -> CreateTrunkRequest {
    CreateTrunkRequest {
        trunk_name: "Twilio Production".into(),
        trunk_address: "example.pstn.twilio.com".into(),
        trunk_numbers: vec!["+15550100000".into(), "+15550100001".into()],
        trunk_auth_username: "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx".into(),
        trunk_auth_password: "your_auth_token_here".into(),
        trunk_type: Provider::Twilio,
    }
}

/// The document's Exotel example.
pub fn exotel_example() -> CreateTrunkRequest {
    CreateTrunkRequest {
        trunk_name: "Exotel India".into(),
        trunk_address: "sip.exotel.com".into(),
        trunk_numbers: vec!["+911234567890".into()],
        trunk_auth_username: "your_exotel_sid".into(),
        trunk_auth_password: "your_exotel_token".into(),
        trunk_type: Provider::Exotel,
    }
}

/// What a person sees of `err`: one readable line, no control characters, no raw JSON or
/// HTML dump, and none of `secrets` (in the message or in the Debug form a log would show).
pub fn assert_readable(err: &ApiError, secrets: &[&str]) -> String {
    let text = err.to_string();
    let debug = format!("{err:?}");
    assert!(!text.trim().is_empty(), "empty message for {debug}");
    assert!(
        !text.chars().any(char::is_control),
        "control characters in {text:?}"
    );
    assert!(text.chars().count() <= 400, "too long to read: {text:?}");
    assert!(!text.contains("{\""), "raw JSON in {text:?}");
    assert!(!text.contains("</"), "raw HTML in {text:?}");
    for secret in secrets {
        assert!(!text.contains(secret), "{secret:?} shown in {text:?}");
        assert!(
            !debug.contains(secret),
            "{secret:?} in the Debug form {debug}"
        );
    }
    text
}

/// One recorded answer of a real server (see `tests/fixtures/`).
#[derive(Debug, Clone)]
pub struct Fixture {
    pub name: &'static str,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

const FIXTURES: &[(&str, &str)] = &[
    (
        "deactivate-400-again",
        include_str!("../fixtures/deactivate-400-again.json"),
    ),
    (
        "deactivate-404",
        include_str!("../fixtures/deactivate-404.json"),
    ),
    (
        "deactivate-ok",
        include_str!("../fixtures/deactivate-ok.json"),
    ),
    (
        "v1-bearer-create-ok",
        include_str!("../fixtures/v1-bearer-create-ok.json"),
    ),
    (
        "v1-bearer-invalid-key",
        include_str!("../fixtures/v1-bearer-invalid-key.json"),
    ),
    (
        "v1-bearer-missing-header",
        include_str!("../fixtures/v1-bearer-missing-header.json"),
    ),
    (
        "v1-bearer-wrong-scheme",
        include_str!("../fixtures/v1-bearer-wrong-scheme.json"),
    ),
    (
        "v1-create-400-twilio-only",
        include_str!("../fixtures/v1-create-400-twilio-only.json"),
    ),
    (
        "v1-create-422-detail",
        include_str!("../fixtures/v1-create-422-detail.json"),
    ),
    (
        "v1-create-422-enveloped",
        include_str!("../fixtures/v1-create-422-enveloped.json"),
    ),
    (
        "v1-create-malformed-json-422-enveloped",
        include_str!("../fixtures/v1-create-malformed-json-422-enveloped.json"),
    ),
    (
        "v1-create-ok",
        include_str!("../fixtures/v1-create-ok.json"),
    ),
    (
        "v1-deactivate-404-enveloped",
        include_str!("../fixtures/v1-deactivate-404-enveloped.json"),
    ),
    (
        "v1-list-401-enveloped",
        include_str!("../fixtures/v1-list-401-enveloped.json"),
    ),
    (
        "v1-list-full",
        include_str!("../fixtures/v1-list-full.json"),
    ),
    (
        "v1-list-lean",
        include_str!("../fixtures/v1-list-lean.json"),
    ),
    (
        "v2-create-exotel-ok",
        include_str!("../fixtures/v2-create-exotel-ok.json"),
    ),
    (
        "v2-create-flat-body-422",
        include_str!("../fixtures/v2-create-flat-body-422.json"),
    ),
    (
        "v2-create-mismatch-422",
        include_str!("../fixtures/v2-create-mismatch-422.json"),
    ),
    (
        "v2-create-twilio-ok",
        include_str!("../fixtures/v2-create-twilio-ok.json"),
    ),
    ("v2-list", include_str!("../fixtures/v2-list.json")),
];

pub fn fixture(name: &str) -> Fixture {
    let (name, text) = FIXTURES
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no fixture {name}"));
    let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let status = value["status"].as_u64().expect("status") as u16;
    let headers = value["headers"]
        .as_object()
        .expect("headers")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("header value").to_string()))
        .collect();
    let body = value["body"].as_str().expect("body").to_string();
    Fixture {
        name,
        status,
        headers,
        body,
    }
}

impl Fixture {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{}: {e}", self.name))
    }

    /// Every string a validation error echoes in `input` (what the user submitted, password
    /// included), except those the server's own messages also say.
    pub fn input_echoes(&self) -> Vec<String> {
        fn strings(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::String(s) => out.push(s.clone()),
                Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
                Value::Object(map) => map.values().for_each(|i| strings(i, out)),
                _ => {}
            }
        }
        fn walk(v: &Value, inputs: &mut Vec<String>, messages: &mut Vec<String>) {
            match v {
                Value::Object(map) => {
                    for (k, v) in map {
                        match (k.as_str(), v) {
                            ("input", v) => strings(v, inputs),
                            ("msg" | "message" | "detail", Value::String(s)) => {
                                messages.push(s.clone())
                            }
                            _ => walk(v, inputs, messages),
                        }
                    }
                }
                Value::Array(items) => items.iter().for_each(|i| walk(i, inputs, messages)),
                _ => {}
            }
        }
        let (mut inputs, mut messages) = (Vec::new(), Vec::new());
        walk(&self.json(), &mut inputs, &mut messages);
        inputs.retain(|s| s.len() >= 3 && !messages.iter().any(|m| m.contains(s.as_str())));
        inputs.sort();
        inputs.dedup();
        inputs
    }
}

/// What the responder does once it has read a request.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// A Content-Length other than the body's (a larger one, then close: a cut answer).
    pub content_length: Option<usize>,
    /// Wait this long before writing anything: a server slower than the client's timeout.
    pub delay: Duration,
    /// Write the head and this many body bytes, then wait this long before the rest.
    pub stall: Option<(usize, Duration)>,
    /// Close the connection without answering at all.
    pub hang_up: bool,
}

impl Answer {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Answer {
        Answer {
            status,
            headers: Vec::new(),
            body: body.into(),
            content_length: None,
            delay: Duration::ZERO,
            stall: None,
            hang_up: false,
        }
    }

    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Answer {
        Answer::new(status, body).header("content-type", "application/json")
    }

    pub fn fixture(name: &str) -> Answer {
        let f = fixture(name);
        let mut answer = Answer::new(f.status, f.body.into_bytes());
        answer.headers = f.headers;
        answer
    }

    pub fn header(mut self, name: &str, value: &str) -> Answer {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn content_length(mut self, declared: usize) -> Answer {
        self.content_length = Some(declared);
        self
    }

    pub fn delay(mut self, delay: Duration) -> Answer {
        self.delay = delay;
        self
    }

    pub fn stall_after(mut self, bytes: usize, wait: Duration) -> Answer {
        self.stall = Some((bytes, wait));
        self
    }

    pub fn hang_up() -> Answer {
        let mut answer = Answer::new(200, Vec::new());
        answer.hang_up = true;
        answer
    }
}

/// A request as the responder read it off the socket.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    /// The request target exactly as sent, e.g. `/sip/deactivate/ST_x`.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    /// The values of every header called `name` (any case).
    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        match self.headers_named(name).as_slice() {
            [] => None,
            [one] => Some(one),
            many => panic!("header {name} sent {} times: {many:?}", many.len()),
        }
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "the body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// A raw HTTP/1.1 server on 127.0.0.1 that gives every connection the same canned answer and
/// reports each request it read.
pub struct Responder {
    pub addr: SocketAddr,
    received: mpsc::UnboundedReceiver<Received>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Responder {
    pub async fn start(answer: Answer) -> Responder {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let (tx, received) = mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                connections.spawn(serve(stream, answer.clone(), tx.clone()));
            }
        });
        Responder {
            addr,
            received,
            task,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The next request the responder read; fails the test if none arrives in time.
    pub async fn request(&mut self) -> Received {
        tokio::time::timeout(PATIENCE, self.received.recv())
            .await
            .expect("no request reached the responder in time")
            .expect("the responder stopped")
    }

    /// A request already read and not yet taken, if any. Once a client call has returned,
    /// every request it made has been read, so `None` here means there was no other.
    pub fn try_request(&mut self) -> Option<Received> {
        self.received.try_recv().ok()
    }
}

async fn serve(mut stream: TcpStream, answer: Answer, tx: mpsc::UnboundedSender<Received>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let _ = tx.send(request);
    if answer.hang_up {
        let _ = stream.shutdown().await;
        return;
    }
    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    let mut head = format!("HTTP/1.1 {} {}\r\n", answer.status, reason(answer.status));
    for (name, value) in &answer.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let length = answer.content_length.unwrap_or(answer.body.len());
    head.push_str(&format!(
        "content-length: {length}\r\nconnection: close\r\n\r\n"
    ));
    // Write errors are expected when the client gives up early (a cap, a timeout).
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    match answer.stall {
        Some((first, wait)) => {
            let first = first.min(answer.body.len());
            if stream.write_all(&answer.body[..first]).await.is_err() {
                return;
            }
            let _ = stream.flush().await;
            tokio::time::sleep(wait).await;
            let _ = stream.write_all(&answer.body[first..]).await;
        }
        None => {
            let _ = stream.write_all(&answer.body).await;
        }
    }
    let _ = stream.flush().await;
    let _ = stream.shutdown().await;
}

/// Reads one request head and its Content-Length body; `None` if the client went away.
async fn read_request(stream: &mut TcpStream) -> Option<Received> {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Received {
        method,
        target,
        headers,
        body,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        422 => "Unprocessable Entity",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        504 => "Gateway Timeout",
        _ => "Whatever",
    }
}

/// A local address where nothing listens: bound, read, and released again.
pub async fn refused_addr() -> SocketAddr {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    drop(listener);
    addr
}
