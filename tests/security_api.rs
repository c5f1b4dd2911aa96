//! The API client against hostile servers on 127.0.0.1 (issue 8): redirects to another
//! origin, trunk ids that a URL library would rewrite, URL passwords, secrets echoed back in
//! every field that is shown, and list bodies built to blow up memory. Each server here is a
//! raw HTTP/1.1 listener on port 0 in its own thread, so it sees the request exactly as sent
//! and never shares the test thread (whose allocations the memory tests count).

mod common;

use common::{KEY, config, twilio_example, within};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use trunktui::api::{ApiClient, ApiError, AuthScheme, ClientConfig, Source};

// ---- Counting allocator ---------------------------------------------------------------

/// Counts the bytes the *current thread* holds, so tests running beside it do not count.
struct Counting;

thread_local! {
    static HELD: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn note(delta: isize) {
    let _ = HELD.try_with(|held| {
        let now = held.get() + delta;
        held.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            note(layout.size() as isize);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            note(layout.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        note(-(layout.size() as isize));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // Counted as both blocks held at once, as a move to a new block is.
            note(new_size as isize);
            note(-(layout.size() as isize));
        }
        p
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Runs `f` and returns its result and the most bytes this thread held above the start.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = HELD.with(Cell::get);
    PEAK.with(|p| p.set(start));
    let out = f();
    let peak = PEAK.with(Cell::get);
    (out, (peak - start).max(0) as usize)
}

// ---- A raw HTTP/1.1 server ------------------------------------------------------------

/// A request as it came off the socket.
#[derive(Debug, Clone)]
struct Seen {
    /// The request line byte for byte (lossy UTF-8), e.g. `DELETE /sip/deactivate/x HTTP/1.1`.
    line: String,
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone)]
enum Reply {
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Read the request, then never answer.
    Silence,
    /// Write these bytes (a head and part of a body), then nothing more.
    Stall(Vec<u8>),
}

fn answer(status: u16, body: impl Into<Vec<u8>>) -> Reply {
    Reply::Answer {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.into(),
    }
}

fn redirect(status: u16, location: &str) -> Reply {
    Reply::Answer {
        status,
        headers: vec![("location".into(), location.into())],
        body: Vec::new(),
    }
}

type Handler = Arc<dyn Fn(&Seen) -> Reply + Send + Sync>;

struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Connections accepted, whether or not a request was read on them.
    accepted: Arc<Mutex<usize>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let accepted = Arc::new(Mutex::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Handler = Arc::new(handler);
        let (s, a, st) = (seen.clone(), accepted.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                *a.lock().unwrap() += 1;
                let (s, h, st) = (s.clone(), handler.clone(), st.clone());
                std::thread::spawn(move || serve_one(stream, &s, &h, &st));
            }
        });
        Server {
            addr,
            seen,
            accepted,
            stop,
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn port(&self) -> u16 {
        self.addr.port()
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn accepted(&self) -> usize {
        *self.accepted.lock().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve_one(mut stream: TcpStream, seen: &Mutex<Vec<Seen>>, handler: &Handler, stop: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
    let Some(request) = read_request(&mut stream) else {
        return;
    };
    let reply = handler(&request);
    seen.lock().unwrap().push(request);
    match reply {
        Reply::Silence | Reply::Stall(_) => {
            if let Reply::Stall(part) = &reply {
                let _ = stream.write_all(part);
                let _ = stream.flush();
            }
            // Holds the connection open, answering nothing, until the server is dropped.
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Reply::Answer {
            status,
            headers,
            body,
        } => {
            let mut head = format!("HTTP/1.1 {status} Whatever\r\n");
            for (n, v) in headers {
                head.push_str(&format!("{n}: {v}\r\n"));
            }
            head.push_str(&format!(
                "content-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            ));
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
            let _ = stream.flush();
        }
    }
}

fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let line = lines.next()?.to_string();
    let mut parts = line.splitn(3, ' ');
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
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
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Seen {
        line,
        method,
        target,
        headers,
        body,
    })
}

const LIST_OK: &str = r#"{"success":true,"message":"ok","data":[{"trunk_id":"ST_elsewhere01","trunk_name":"Elsewhere"}]}"#;
const CREATE_OK: &str = r#"{"success":true,"message":"ok","data":{"trunk_id":"ST_elsewhere01"}}"#;

fn client_for(base: &str, scheme: AuthScheme) -> ApiClient {
    let mut cfg: ClientConfig = config(base, Some(KEY));
    cfg.auth_scheme = scheme;
    ApiClient::new(cfg).expect("client")
}

// ---- 1. Redirects to another origin ---------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Call {
    List,
    Create,
}

async fn call(api: &ApiClient, what: Call) -> Result<String, ApiError> {
    match what {
        Call::List => api
            .list()
            .await
            .map(|l| format!("{} trunks", l.trunks.len())),
        Call::Create => api.create(&twilio_example()).await,
    }
}

/// A 301/302/307/308 to another port: nothing reaches the other server (no key, no Bearer, no
/// create body), and the error names where the server tried to send the request and which
/// base_url to set.
#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    for status in [301, 302, 307, 308] {
        for what in [Call::List, Call::Create] {
            for scheme in [AuthScheme::XApiKey, AuthScheme::Bearer] {
                let elsewhere = Server::start(|req| match req.method.as_str() {
                    "POST" => answer(200, CREATE_OK),
                    _ => answer(200, LIST_OK),
                });
                let target = elsewhere.port();
                let origin = Server::start(move |req| {
                    redirect(
                        status,
                        &format!("http://127.0.0.1:{target}/api{}", req.target),
                    )
                });
                let api = client_for(&origin.base_url(), scheme);
                let result = within(call(&api, what)).await;
                let case = format!("{status} {what:?} {scheme:?}");
                assert_eq!(origin.seen().len(), 1, "{case}: {:?}", origin.seen());
                assert_eq!(
                    elsewhere.accepted(),
                    0,
                    "{case}: the other origin was contacted: {:?}",
                    elsewhere.seen()
                );
                let err = result.expect_err(&case);
                let text = common::assert_readable(&err, &[KEY, "your_auth_token_here"]);
                let path = match what {
                    Call::List => "/sip/list",
                    Call::Create => "/sip/create-outbound-trunk",
                };
                let moved_to = format!("http://127.0.0.1:{target}/api{path}");
                assert!(text.contains(&moved_to), "{case}: {text}");
                let base = format!("base_url = \"http://127.0.0.1:{target}/api\"");
                assert!(text.contains(&base), "{case}: {text}");
                assert!(text.contains("another origin"), "{case}: {text}");
            }
        }
    }
}

/// Another scheme on the same host and port is another origin too, and a query in the
/// Location is not shown.
#[tokio::test]
async fn a_redirect_to_https_on_the_same_port_is_not_followed() {
    let port = Arc::new(Mutex::new(0u16));
    let p = port.clone();
    let origin = Server::start(move |req| {
        let port = *p.lock().unwrap();
        redirect(
            301,
            &format!("https://127.0.0.1:{port}{}?token=tok-77", req.target),
        )
    });
    *port.lock().unwrap() = origin.port();
    let api = client_for(&origin.base_url(), AuthScheme::XApiKey);
    let err = within(api.list()).await.expect_err("not followed");
    let text = common::assert_readable(&err, &[KEY, "tok-77"]);
    assert!(
        text.contains(&format!("https://127.0.0.1:{}/sip/list", origin.port())),
        "{text}"
    );
    assert_eq!(origin.seen().len(), 1, "{:?}", origin.seen());
}

/// A redirect on the same origin (`/sip/list` to `/sip/list/`) is followed, with the key; a
/// 307 keeps the create's method and body.
#[tokio::test]
async fn a_redirect_on_the_same_origin_is_followed() {
    let origin = Server::start(|req| match req.target.as_str() {
        "/sip/list" => redirect(301, "/sip/list/"),
        "/sip/list/" => answer(200, LIST_OK),
        "/sip/create-outbound-trunk" => redirect(307, "/sip/create-outbound-trunk/"),
        _ => answer(200, CREATE_OK),
    });
    let api = client_for(&origin.base_url(), AuthScheme::XApiKey);
    let list = within(api.list()).await.expect("followed");
    assert_eq!(list.trunks.len(), 1);
    let id = within(api.create(&twilio_example()))
        .await
        .expect("followed");
    assert_eq!(id, "ST_elsewhere01");
    let seen = origin.seen();
    let targets: Vec<&str> = seen.iter().map(|s| s.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "/sip/list",
            "/sip/list/",
            "/sip/create-outbound-trunk",
            "/sip/create-outbound-trunk/"
        ]
    );
    assert!(
        seen.iter().all(|s| s.header("x-api-key") == Some(KEY)),
        "{seen:?}"
    );
    assert_eq!(seen[3].method, "POST");
    assert_eq!(seen[3].body, seen[2].body);
}

/// A same-origin hop first, then another origin: still stopped.
#[tokio::test]
async fn a_same_origin_hop_then_another_origin_is_stopped() {
    let elsewhere = Server::start(|_| answer(200, LIST_OK));
    let target = elsewhere.port();
    let origin = Server::start(move |req| match req.target.as_str() {
        "/sip/list" => redirect(308, "/sip/list/"),
        _ => redirect(302, &format!("http://127.0.0.1:{target}/sip/list")),
    });
    let api = client_for(&origin.base_url(), AuthScheme::XApiKey);
    let err = within(api.list()).await.expect_err("stopped");
    assert_eq!(elsewhere.accepted(), 0);
    let text = common::assert_readable(&err, &[KEY]);
    assert!(
        text.contains(&format!("base_url = \"http://127.0.0.1:{target}\"")),
        "{text}"
    );
}

// ---- 2. Trunk ids are one path segment, byte for byte ----------------------------------

/// A TAB, CR or LF in an id used to be dropped by the URL library (`ST_a<TAB>b` went out as
/// `ST_ab`, another trunk). Every byte that is not unreserved is percent-encoded.
#[tokio::test]
async fn deactivate_sends_every_byte_of_the_id() {
    let server = Server::start(|_| answer(404, r#"{"detail":"Trunk not found"}"#));
    let api = client_for(&format!("{}/api/", server.base_url()), AuthScheme::XApiKey);
    let cases = [
        ("ST_a\tb", "ST_a%09b"),
        ("ST_a\rb", "ST_a%0Db"),
        ("ST_a\nb", "ST_a%0Ab"),
        ("ST_a b", "ST_a%20b"),
        ("\tST_ab", "%09ST_ab"),
        ("ST_ab\n", "ST_ab%0A"),
        ("ST_a%09b", "ST_a%2509b"),
        ("a+b&c=d;e,f", "a%2Bb%26c%3Dd%3Be%2Cf"),
        ("a/b\\c", "a%2Fb%5Cc"),
        ("../x?y#z", "..%2Fx%3Fy%23z"),
        ("ST_é", "ST_%C3%A9"),
        ("Az09-._~", "Az09-._~"),
    ];
    for (id, sent) in cases {
        let err = within(api.deactivate(id)).await.expect_err(id);
        assert!(matches!(err, ApiError::NotFound { .. }), "{id:?}: {err:?}");
        let seen = server.seen();
        let last = seen.last().expect("a request");
        assert_eq!(
            last.line,
            format!("DELETE /api/sip/deactivate/{sent} HTTP/1.1"),
            "{id:?}"
        );
    }
    assert_eq!(server.seen().len(), cases.len());
}

// ---- 3. URLs are shown without userinfo or query ---------------------------------------

const URL_SECRETS: [&str; 4] = ["ops-user", "pw-in-url-31", "tok-in-query-5", "frag-tok-8"];

fn with_userinfo(addr: SocketAddr) -> String {
    format!("http://ops-user:pw-in-url-31@{addr}/api?token=tok-in-query-5#frag-tok-8")
}

/// Every error that names a URL names it without user, password, query or fragment.
#[tokio::test]
async fn errors_name_urls_without_userinfo_or_query() {
    // Nothing listens: a connect error names the URL.
    let refused = common::refused_addr().await;
    let api = ApiClient::new(config(&with_userinfo(refused), Some(KEY))).expect("client");
    let err = within(api.list()).await.expect_err("refused");
    assert!(matches!(err, ApiError::Connect { .. }), "{err:?}");
    let text = common::assert_readable(&err, &URL_SECRETS);
    assert!(
        text.contains(&format!("http://{refused}/api/sip/list")),
        "{text}"
    );

    // A server that never answers: the timeout names the URL.
    let silent = Server::start(|_| Reply::Silence);
    let mut cfg = config(&with_userinfo(silent.addr), Some(KEY));
    cfg.timeout = Duration::from_millis(300);
    let err = within(ApiClient::new(cfg).expect("client").list())
        .await
        .expect_err("timeout");
    assert!(matches!(err, ApiError::Timeout { .. }), "{err:?}");
    let text = common::assert_readable(&err, &URL_SECRETS);
    assert!(
        text.contains(&format!("http://{}/api/sip/list", silent.addr)),
        "{text}"
    );

    // A redirect to a Location that carries userinfo and a query.
    let elsewhere = Server::start(|_| answer(200, LIST_OK));
    let target = with_userinfo(elsewhere.addr);
    let origin = Server::start(move |_| redirect(302, &target));
    let api = client_for(&origin.base_url(), AuthScheme::XApiKey);
    let err = within(api.list()).await.expect_err("not followed");
    let text = common::assert_readable(&err, &URL_SECRETS);
    assert!(
        text.contains(&format!("http://{}/api", elsewhere.addr)),
        "{text}"
    );
    assert_eq!(elsewhere.accepted(), 0);
}

/// A base URL that does not parse is still shown without what looks like a password.
#[test]
fn a_base_url_that_is_refused_is_shown_without_its_password() {
    for base in [
        "http://ops-user:pw-in-url-31@127.0.0.1:99999/api?token=tok-in-query-5",
        "ftp://ops-user:pw-in-url-31@127.0.0.1/api?token=tok-in-query-5",
        "ops-user:pw-in-url-31@127.0.0.1/api?token=tok-in-query-5",
    ] {
        let err = ApiClient::new(config(base, Some(KEY))).expect_err(base);
        assert!(matches!(err, ApiError::NotSent(_)), "{err:?}");
        let text = common::assert_readable(&err, &URL_SECRETS);
        assert!(text.contains("127.0.0.1"), "{text}");
    }
}

#[test]
fn shown_url_is_the_one_way_to_show_a_url() {
    use trunktui::api::client::shown_url;
    for (raw, shown) in [
        (
            "http://admin:TopSecret@127.0.0.1:8000/api?key=abc#frag",
            "http://127.0.0.1:8000/api",
        ),
        ("https://admin@example.com/", "https://example.com/"),
        ("https://:pw@example.com", "https://example.com/"),
        ("http://a%40b:p%3Aw@example.com/x", "http://example.com/x"),
        (" http://example.com/x?q ", "http://example.com/x"),
        // Not URLs: the same parts dropped from the text.
        (
            "http://admin:TopSecret@host:99999/api?k=v",
            "http://host:99999/api",
        ),
        ("admin:TopSecret@host/api#x", "host/api"),
        ("http://admin:Top@Secret@host/", "http://host/"),
        ("not a url", "not a url"),
    ] {
        assert_eq!(shown_url(raw), shown, "{raw}");
    }
}

// ---- 4. Secrets are scrubbed from the raw text, before it is collapsed or cut ----------

/// A key and a password with runs of spaces and a TAB inside: collapsing whitespace first
/// used to turn them into text the scrubber no longer recognised.
const ECHO_KEY: &str = "Kq7#  Zv9\tWm2!Xp4  Ry8";
const ECHO_PASSWORD: &str = "Lt5%  Bn3\tHc6&Jd2  Wf9";

/// Every run of 4 characters of the secret, as sent and whitespace-collapsed.
fn fragments(secret: &str) -> Vec<String> {
    let collapsed = secret.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = Vec::new();
    for form in [secret.to_string(), collapsed] {
        let chars: Vec<char> = form.chars().collect();
        out.extend(chars.windows(4).map(|w| w.iter().collect::<String>()));
    }
    out
}

fn leaks(err: &ApiError, secrets: &[&str]) -> Vec<String> {
    let shown = format!("{err}\n{err:?}");
    secrets
        .iter()
        .flat_map(|s| fragments(s))
        .filter(|f| shown.contains(f.as_str()))
        .collect()
}

struct Echo {
    name: &'static str,
    status: u16,
    content_type: &'static str,
    /// `{S}` becomes what the server read: the key, and on a create the password too.
    template: String,
    calls: &'static [Call],
}

fn echo(
    name: &'static str,
    status: u16,
    content_type: &'static str,
    template: impl Into<String>,
    calls: &'static [Call],
) -> Echo {
    Echo {
        name,
        status,
        content_type,
        template: template.into(),
        calls,
    }
}

const BOTH: &[Call] = &[Call::List, Call::Create];

fn echo_cases() -> Vec<Echo> {
    // Puts the secret across the 160-character excerpt's cut.
    let pad = "a".repeat(150);
    vec![
        echo(
            "401 detail",
            401,
            "json",
            r#"{"detail":"Invalid API key: {S}"}"#,
            BOTH,
        ),
        echo(
            "403 envelope message",
            403,
            "json",
            r#"{"success":false,"message":"denied for {S}","data":{}}"#,
            BOTH,
        ),
        echo("400 detail", 400, "json", r#"{"detail":"bad {S}"}"#, BOTH),
        echo(
            "422 msg",
            422,
            "json",
            r#"{"detail":[{"loc":["body","trunk_name"],"msg":"bad {S}","input":"x"}]}"#,
            BOTH,
        ),
        echo(
            "422 loc",
            422,
            "json",
            r#"{"detail":[{"loc":["body","{S}"],"msg":"bad"}]}"#,
            BOTH,
        ),
        echo(
            "422 general msg",
            422,
            "json",
            r#"{"detail":[{"msg":"general {S}"}]}"#,
            BOTH,
        ),
        echo(
            "400 detail.msg",
            400,
            "json",
            r#"{"detail":{"msg":"bad {S}"}}"#,
            BOTH,
        ),
        echo(
            "400 detail.message",
            400,
            "json",
            r#"{"detail":{"message":"bad {S}"}}"#,
            BOTH,
        ),
        echo(
            "422 data.errors",
            422,
            "json",
            r#"{"success":false,"message":"x","data":{"errors":[{"field":"{S}","message":"bad {S}"}]}}"#,
            BOTH,
        ),
        echo(
            "404 detail",
            404,
            "json",
            r#"{"detail":"no trunk for {S}"}"#,
            BOTH,
        ),
        echo(
            "500 message",
            500,
            "json",
            r#"{"success":false,"message":"failed for {S}","data":{}}"#,
            BOTH,
        ),
        echo(
            "502 html title",
            502,
            "html",
            "<html><head><title>Bad gateway for {S}</title></head><body>x</body></html>",
            BOTH,
        ),
        echo(
            "502 html cut",
            502,
            "html",
            format!("<html><body><h1>{pad} {{S}} and more words</h1></body></html>"),
            BOTH,
        ),
        echo(
            "503 text cut",
            503,
            "text",
            format!("{pad} {{S}} and more words"),
            BOTH,
        ),
        echo("418 text", 418, "text", "teapot {S}", BOTH),
        echo(
            "502 after 64 KiB of spaces",
            502,
            "text",
            format!("{}{{S}}", " ".repeat(65_530)),
            BOTH,
        ),
        echo("200 not JSON", 200, "text", "not json {S}", BOTH),
        echo(
            "200 list data is a string",
            200,
            "json",
            r#"{"success":true,"message":"x","data":"{S}"}"#,
            &[Call::List],
        ),
        echo(
            "200 success false",
            200,
            "json",
            r#"{"success":false,"message":"refused {S}","data":{}}"#,
            &[Call::Create],
        ),
    ]
}

/// A server that echoes the key (and on a create the password) into each field that is
/// shown: no fragment of either reaches the error's Display or Debug, and the rest of the
/// message still does (`***` in its place).
#[tokio::test]
async fn echoed_secrets_are_scrubbed_before_the_text_is_collapsed_or_cut() {
    let mut failures = Vec::new();
    for case in echo_cases() {
        let template = case.template.clone();
        let json = case.content_type == "json";
        let (status, content_type) = (case.status, case.content_type);
        let server = Server::start(move |req| {
            let key = req.header("x-api-key").unwrap_or_default().to_string();
            let said = match req.method.as_str() {
                "POST" => {
                    let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
                    format!("{key} / {}", body["trunk_auth_password"].as_str().unwrap())
                }
                _ => key,
            };
            let said = if json {
                let quoted = serde_json::to_string(&said).unwrap();
                quoted[1..quoted.len() - 1].to_string()
            } else {
                said
            };
            Reply::Answer {
                status,
                headers: vec![("content-type".into(), format!("application/{content_type}"))],
                body: template.replace("{S}", &said).into_bytes(),
            }
        });
        for &what in case.calls {
            let mut cfg = config(&server.base_url(), Some(ECHO_KEY));
            cfg.auth_scheme = AuthScheme::XApiKey;
            let api = ApiClient::new(cfg).expect("client");
            let mut trunk = twilio_example();
            trunk.trunk_auth_password = ECHO_PASSWORD.into();
            let result = match what {
                Call::List => within(api.list()).await.map(|_| String::new()),
                Call::Create => within(api.create(&trunk)).await,
            };
            let Err(err) = result else {
                failures.push(format!("{} {what:?}: not an error", case.name));
                continue;
            };
            let leaked = leaks(&err, &[ECHO_KEY, ECHO_PASSWORD]);
            if !leaked.is_empty() {
                failures.push(format!("{} {what:?}: {leaked:?} in {err}", case.name));
            } else if !err.to_string().contains("***") {
                failures.push(format!(
                    "{} {what:?}: the message was lost: {err}",
                    case.name
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---- 11. A list body costs a few times its size at most --------------------------------

use trunktui::api::types::decode_list;

/// About the largest list body the client reads (its cap is 32 MiB).
const BODY_BYTES: usize = 30 * 1024 * 1024;
/// Smaller bodies for the other shapes, to save time: the bound is a ratio to the size.
const SMALLER_BODY_BYTES: usize = 12 * 1024 * 1024;

/// A list answer of about `size` bytes whose `data` repeats `entry`.
fn list_of(entry: &str, size: usize) -> (Vec<u8>, usize) {
    let head = br#"{"success":true,"message":"SIP trunks retrieved successfully","data":["#;
    let mut body = Vec::with_capacity(size + entry.len() + 16);
    body.extend_from_slice(head);
    let mut n = 0;
    while body.len() + entry.len() + 3 < size {
        if n > 0 {
            body.push(b',');
        }
        body.extend_from_slice(entry.as_bytes());
        n += 1;
    }
    body.extend_from_slice(b"]}");
    (body, n)
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Entries that are skipped (not objects, or objects without an id) cost nothing to decode.
#[test]
fn skipped_entries_cost_nothing() {
    for entry in ["[]", "\"\"", "{}", "null", r#"{"trunk_name":"no id"}"#] {
        let size = if entry == "[]" {
            BODY_BYTES
        } else {
            SMALLER_BODY_BYTES
        };
        let (body, n) = list_of(entry, size);
        let (result, peak) =
            peak_during(|| decode_list(&body).map(|l| (l.trunks.len(), l.skipped)));
        eprintln!("{entry}: {n} entries, peak {:.1} MiB", mib(peak));
        assert_eq!(result.expect(entry), (0, n), "{entry}");
        assert!(
            peak < 4 * body.len(),
            "{entry}: decoding {:.1} MiB took {:.1} MiB",
            mib(body.len()),
            mib(peak)
        );
    }
}

/// Entries that would each cost far more than their bytes (tiny trunks, thousands of
/// numbers) are refused with a clear message, without taking the memory first.
#[test]
fn dense_lists_are_refused_before_they_take_the_memory() {
    let many_numbers = format!(
        r#"{{"trunk_id":"ST_x","trunk_numbers":[{}]}}"#,
        vec!["1"; 9000].join(",")
    );
    let cases = [
        r#"{"trunk_id":"1"}"#.to_string(),
        r#"{"trunk_id":1,"trunk_numbers":"2"}"#.to_string(),
        many_numbers,
    ];
    for entry in cases {
        let (body, _) = list_of(&entry, SMALLER_BODY_BYTES);
        let (result, peak) = peak_during(|| decode_list(&body).map(|l| l.trunks.len()));
        let name = &entry[..entry.len().min(40)];
        eprintln!(
            "{name}: peak {:.1} MiB, {:?}",
            mib(peak),
            result.as_ref().map_err(|e| e.to_string())
        );
        let err = result.expect_err(name).to_string();
        assert!(err.contains("refused"), "{name}: {err}");
        assert!(
            peak < 5 * body.len(),
            "{name}: decoding {:.1} MiB took {:.1} MiB",
            mib(body.len()),
            mib(peak)
        );
    }
    // One trunk with millions of numbers.
    let mut body = br#"{"data":[{"trunk_id":"ST_x","trunk_numbers":["#.to_vec();
    body.extend(std::iter::repeat_n(b"1,".as_slice(), BODY_BYTES / 2).flatten());
    body.extend_from_slice(b"1]}]}");
    let (result, peak) = peak_during(|| decode_list(&body).map(|l| l.trunks.len()));
    let err = result.expect_err("millions of numbers").to_string();
    assert!(err.contains("numbers") && err.contains("refused"), "{err}");
    assert!(peak < 4 * body.len(), "took {:.1} MiB", mib(peak));
}

/// The shapes real servers send still decode at the sizes the body cap allows.
#[test]
fn large_real_lists_still_decode() {
    let full = r#"{"trunk_id":"ST_HGRENHm5XfYm","trunk_name":"Twilio Production","trunk_address":"example.pstn.twilio.com","trunk_numbers":["+15550100000"],"trunk_type":"twilio","trunk_created_at":"2026-11-26T03:25:11.739310"}"#;
    let lean = r#"{"trunk_id":"ST_vvz1opgNMjpP","trunk_name":"Twilio Production"}"#;
    let creator = r#"{"trunk_id":"ST_vvz1opgNMjpP","trunk_name":"Twilio Production","trunk_created_by_email":"user1@example.com"}"#;
    for entry in [full, lean, creator] {
        let (body, n) = list_of(entry, SMALLER_BODY_BYTES);
        let (result, peak) =
            peak_during(|| decode_list(&body).map(|l| (l.trunks.len(), l.skipped)));
        eprintln!("{:.40}: {n} trunks, peak {:.1} MiB", entry, mib(peak));
        assert_eq!(result.expect(entry), (n, 0));
    }
}

/// End to end: `list` over loopback of a 30 MB body of empty entries, reading included.
#[tokio::test]
async fn a_list_of_empty_entries_costs_a_few_times_its_size() {
    let (body, n) = list_of("[]", BODY_BYTES);
    let size = body.len();
    let body = Arc::new(body);
    let served = body.clone();
    let server = Server::start(move |_| Reply::Answer {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body: served.to_vec(),
    });
    drop(body);
    let api = client_for(&server.base_url(), AuthScheme::XApiKey);
    let start = HELD.with(Cell::get);
    PEAK.with(|p| p.set(start));
    let list = within(api.list()).await.expect("list");
    let peak = (PEAK.with(Cell::get) - start).max(0) as usize;
    eprintln!("list of {n} empty entries: peak {:.1} MiB", mib(peak));
    assert_eq!((list.trunks.len(), list.skipped), (0, n));
    assert!(
        peak < 4 * size,
        "reading and decoding {:.1} MiB took {:.1} MiB",
        mib(size),
        mib(peak)
    );

    // A dense list is refused with a message a person can act on.
    let (dense, _) = list_of(r#"{"trunk_id":"1"}"#, BODY_BYTES);
    let server = Server::start(move |_| Reply::Answer {
        status: 200,
        headers: vec![],
        body: dense.clone(),
    });
    let api = client_for(&server.base_url(), AuthScheme::XApiKey);
    let err = within(api.list()).await.expect_err("refused");
    let text = common::assert_readable(&err, &[KEY]);
    assert!(text.contains("refused"), "{text}");
}

// ---- Issue 9: discovery that never answers ----------------------------------------------

/// `/openapi.json` never answers, `/sip/list` does: under the default `auto` settings the
/// list still goes ahead, on the document's defaults, and the fallback names discovery.
#[tokio::test]
async fn an_openapi_json_that_never_answers_does_not_break_the_list() {
    for (timeout, limit) in [
        (Duration::from_secs(1), "1s"),
        (Duration::from_secs(8), "3s"),
    ] {
        let server = Server::start(|req| match req.target.as_str() {
            "/openapi.json" => Reply::Silence,
            _ => answer(200, LIST_OK),
        });
        let stalled = Server::start(|req| match req.target.as_str() {
            "/openapi.json" => Reply::Stall(
                b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"openapi\":".to_vec(),
            ),
            _ => answer(200, LIST_OK),
        });
        let mut cfg = config(&stalled.base_url(), Some(KEY));
        cfg.auth_scheme = AuthScheme::Auto;
        cfg.api_revision = None;
        cfg.timeout = timeout;
        let api = ApiClient::new(cfg).expect("client");
        within(api.list())
            .await
            .expect("the list goes ahead past a stalled document");
        let n = within(api.negotiate()).await.expect("a fallback");
        assert!(
            matches!(&n.source, Source::Fallback(why) if why.contains("discovery")),
            "{n:?}"
        );

        let mut cfg = config(&server.base_url(), Some(KEY));
        cfg.auth_scheme = AuthScheme::Auto;
        cfg.api_revision = None;
        cfg.timeout = timeout;
        let api = ApiClient::new(cfg).expect("client");
        let list = within(api.list()).await.expect("the list goes ahead");
        assert_eq!(list.trunks.len(), 1);
        let n = within(api.negotiate()).await.expect("a fallback");
        let Source::Fallback(why) = &n.source else {
            panic!("expected a fallback: {n:?}");
        };
        assert!(
            why.contains("discovery") && why.contains("/openapi.json"),
            "{why}"
        );
        assert!(why.contains(limit), "{limit} not in {why}");
        assert!(n.to_string().contains("discovery"), "{n}");
        let seen = server.seen();
        let targets: Vec<&str> = seen.iter().map(|s| s.target.as_str()).collect();
        assert_eq!(targets, ["/openapi.json", "/sip/list"]);
        assert_eq!(seen[1].header("x-api-key"), Some(KEY));
        // Settled for the session: the next request does not wait for it again.
        within(api.list()).await.expect("list");
        assert_eq!(server.seen().len(), 3);
        assert_eq!(server.seen()[2].target, "/sip/list");
    }
}

/// Same-origin redirects are followed ten in a row, not more.
#[tokio::test]
async fn same_origin_redirects_are_followed_ten_in_a_row() {
    for (hops, ok) in [(10, true), (11, false)] {
        let server = Server::start(move |req| {
            let at: usize = match req.target.strip_prefix("/hop/") {
                Some(n) => n.parse().unwrap(),
                None => 0,
            };
            if at < hops {
                redirect(302, &format!("/hop/{}", at + 1))
            } else {
                answer(200, LIST_OK)
            }
        });
        let api = client_for(&server.base_url(), AuthScheme::XApiKey);
        let result = within(api.list()).await;
        assert_eq!(result.is_ok(), ok, "{hops} hops: {result:?}");
        if let Err(err) = result {
            let text = common::assert_readable(&err, &[KEY]);
            assert!(text.contains("more than 10 redirects"), "{text}");
        }
    }
}

/// Discovery is not sent elsewhere either: a `/openapi.json` redirected to another origin
/// falls back to the defaults, and the list still goes to the configured server.
#[tokio::test]
async fn a_redirected_openapi_json_is_not_followed() {
    let elsewhere = Server::start(|_| answer(200, "{}"));
    let target = elsewhere.port();
    let origin = Server::start(move |req| match req.target.as_str() {
        "/openapi.json" => redirect(308, &format!("http://127.0.0.1:{target}/openapi.json")),
        _ => answer(200, LIST_OK),
    });
    let mut cfg = config(&origin.base_url(), Some(KEY));
    cfg.auth_scheme = AuthScheme::Auto;
    cfg.api_revision = None;
    let api = ApiClient::new(cfg).expect("client");
    within(api.list()).await.expect("list");
    let n = within(api.negotiate()).await.expect("a fallback");
    assert!(
        matches!(&n.source, Source::Fallback(why) if why.contains("another origin")),
        "{n:?}"
    );
    assert_eq!(elsewhere.accepted(), 0);
}

/// A 3xx that no client follows (300, 304) is reported as it is, not as a move elsewhere;
/// one without a Location says so.
#[tokio::test]
async fn a_redirect_that_is_never_followed_is_reported_as_it_is() {
    let server = Server::start(|req| match req.target.as_str() {
        "/sip/list" => redirect(300, "/sip/list/"),
        _ => Reply::Answer {
            status: 302,
            headers: vec![],
            body: Vec::new(),
        },
    });
    let api = client_for(&server.base_url(), AuthScheme::XApiKey);
    let err = within(api.list()).await.expect_err("not followed");
    let text = common::assert_readable(&err, &[KEY]);
    assert!(
        text.contains(&format!(
            "a redirect to {}/sip/list/ that is not followed",
            server.base_url()
        )),
        "{text}"
    );
    assert!(!text.contains("another origin"), "{text}");
    let err = within(api.create(&twilio_example()))
        .await
        .expect_err("no Location");
    let text = common::assert_readable(&err, &[KEY]);
    assert!(text.contains("without a usable Location"), "{text}");
}
