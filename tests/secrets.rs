//! The API key and the trunk password never reach anything a user or an attacker could read:
//! screens (every tmux capture and the raw bytes written to the terminal), the status-log
//! file, stdout and stderr of every command, `serve`'s output, the data file (which may hold
//! the trunk password, the server's credential store, but never a key), the committed
//! snapshots, and the Debug and Display forms of the types that carry them, including every
//! error a flow produced. Servers that echo the secrets back in error bodies are included.
//! The dashboard runs in tmux; without tmux these tests fail and say how to install it
//! (`.ci/run` installs it); TRUNKTUI_SKIP_E2E=1 skips the terminal parts on purpose.

mod common;

use common::e2e::{have_tmux, isolated_env, listening_url};

use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use trunktui::api::{
    ApiClient, ApiError, ApiKey, ClientConfig, CreateTrunkRequest, NewTrunk, Provider,
};

const BIN: &str = env!("CARGO_BIN_EXE_trunktui");

/// The secrets of these tests. Any 10 characters in a row of one count as a leak, so a cut-off
/// excerpt that shows only part of one is caught too.
const KEY: &str = "tk_SECRETkey_Qm7vX2pL9wRt";
const WRONG_KEY: &str = "tk_WRONGkey_Hc3sD6fJ1kPz";
const PASSWORD: &str = "pw-SECRET-Zr4tY8nBq5Lx";
const FILE_KEY: &str = "tk_FILEkey_Vb8nM2cX4zQa";
const SECRETS: [&str; 4] = [KEY, WRONG_KEY, PASSWORD, FILE_KEY];
const PIECE: usize = 10;

/// How long anything that should happen at once may take.
const PATIENCE: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------
// Evidence: everything collected, checked at the end of a test

#[derive(Default)]
struct Evidence {
    items: RefCell<Vec<(String, String)>>,
}

impl Evidence {
    fn add(&self, place: impl Into<String>, text: impl Into<String>) {
        self.items.borrow_mut().push((place.into(), text.into()));
    }

    fn add_bytes(&self, place: impl Into<String>, bytes: &[u8]) {
        self.add(place, String::from_utf8_lossy(bytes).into_owned());
    }

    fn add_output(&self, place: &str, out: &Output) {
        self.add_bytes(format!("{place}: stdout"), &out.stdout);
        self.add_bytes(format!("{place}: stderr"), &out.stderr);
    }

    fn add_file(&self, place: &str, path: &Path) {
        match std::fs::read(path) {
            Ok(bytes) => self.add_bytes(format!("{place} ({})", path.display()), &bytes),
            Err(e) => panic!("{place}: cannot read {}: {e}", path.display()),
        }
    }

    /// Every place where a secret (or a piece of one) shows, and every panic.
    fn problems(&self) -> Vec<String> {
        let items = self.items.borrow();
        let mut problems = Vec::new();
        for (place, text) in items.iter() {
            for secret in SECRETS {
                let found =
                    (0..=secret.len() - PIECE).find_map(|i| text.find(&secret[i..i + PIECE]));
                if let Some(at) = found {
                    let from = text[..at]
                        .char_indices()
                        .rev()
                        .nth(60)
                        .map_or(0, |(i, _)| i);
                    let context: String = text[from..].chars().take(160).collect();
                    problems.push(format!("{secret:?} in {place}: …{context:?}…"));
                }
            }
            if text.contains("panicked at") {
                problems.push(format!("a panic in {place}: {text}"));
            }
        }
        problems
    }

    /// Fails naming every leak and panic.
    fn assert_clean(&self) {
        let checked = self.items.borrow().len();
        assert!(checked > 0, "no evidence was collected");
        let problems = self.problems();
        assert!(
            problems.is_empty(),
            "{} leaks or panics among {checked} places checked:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}

// ---------------------------------------------------------------------------------------
// Processes, ports and an isolated environment

fn log_file(dir: &Path) -> PathBuf {
    dir.join("state/trunktui/trunktui.log")
}

/// Waits until the file holds `text` (the log file is written by a background task).
fn wait_for_file(path: &Path, text: &str) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let now = std::fs::read_to_string(path).unwrap_or_default();
        if now.contains(text) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{} never got {text:?}; it holds:\n{now}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A headless command in the isolated environment, with the given key and base URL.
fn run(dir: &Path, base: &str, key: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_clear().env("PATH", "/usr/bin:/bin");
    for (k, v) in isolated_env(dir) {
        cmd.env(k, v);
    }
    cmd.env("TRUNKTUI_BASE_URL", base)
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null());
    if let Some(key) = key {
        cmd.env("TRUNKTUI_API_KEY", key);
    }
    cmd.output().expect("run trunktui")
}

/// `trunktui serve` with our key and a data file; its output goes to files we read later.
struct Serve {
    child: Child,
    base: String,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Serve {
    /// On a port it picks itself (port 0) and prints.
    fn start(dir: &Path, data: &Path) -> Serve {
        let stdout = dir.join("serve.stdout");
        let stderr = dir.join("serve.stderr");
        let mut child = Command::new(BIN)
            .args(["serve", "--addr", "127.0.0.1:0", "--api-key"])
            .arg(KEY)
            .arg("--data")
            .arg(data)
            .env("RUST_BACKTRACE", "1")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("trunktui serve");
        let base = listening_url(&mut child, &stderr, PATIENCE);
        Serve {
            child,
            base,
            stdout,
            stderr,
        }
    }

    fn base(&self) -> String {
        self.base.clone()
    }

    /// SIGTERM, as a person's Ctrl+C or a service manager would stop it, then waits.
    fn stop(&mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        let deadline = Instant::now() + PATIENCE;
        while self.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------
// tmux: the dashboard in a real terminal, every screen and every byte it writes recorded

struct Tmux<'a> {
    socket: String,
    session: String,
    evidence: &'a Evidence,
    name: String,
    /// Every byte written to the terminal, through `pipe-pane`.
    bytes: PathBuf,
    /// The dashboard's stderr.
    stderr: PathBuf,
}

impl<'a> Tmux<'a> {
    /// Starts `command` in a tmux server of our own. The command waits for a go file, so that
    /// `pipe-pane` records every byte the dashboard writes, from the first.
    fn start(
        name: &str,
        dir: &Path,
        command: &str,
        env: &[(String, String)],
        evidence: &'a Evidence,
    ) -> Tmux<'a> {
        let t = Tmux {
            socket: format!("trunktui-secrets-{}-{name}", std::process::id()),
            session: name.to_string(),
            evidence,
            name: name.to_string(),
            bytes: dir.join(format!("{name}.bytes")),
            stderr: dir.join(format!("{name}.stderr")),
        };
        let go = dir.join(format!("{name}.go"));
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &t.socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-s", &t.session, "-x", "80", "-y", "24"]);
        for (k, v) in env {
            cmd.args(["-e", &format!("{k}={v}")]);
        }
        cmd.arg(format!(
            "while [ ! -e '{}' ]; do sleep 0.02; done; {command}; echo TRUNKTUI-EXIT=$?; sleep 600",
            go.display()
        ));
        let out = cmd.output().expect("tmux new-session");
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        t.tmux(&[
            "pipe-pane",
            "-o",
            "-t",
            &t.session,
            &format!("cat >> '{}'", t.bytes.display()),
        ]);
        std::fs::write(&go, "").unwrap();
        t
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn send(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", &self.session, k]);
        }
    }

    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", &self.session, "-l", text]);
    }

    /// A capture of the screen, kept as evidence.
    fn screen(&self) -> String {
        let screen = self.tmux(&["capture-pane", "-p", "-t", &self.session]);
        self.evidence
            .add(format!("screen of {}", self.name), &screen);
        screen
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "{}: timed out waiting for {what}; screen:\n{screen}",
                self.name
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Quits with `q`, waits for the exit status, and keeps as evidence the whole scrollback
    /// (with and without escape sequences), every byte written to the terminal and stderr.
    fn quit(&self) -> String {
        self.send(&["Escape", "Escape", "q"]);
        let screen = self.wait_for("trunktui to exit", |s| s.contains("TRUNKTUI-EXIT="));
        // The shell's exit line is the last thing through the pipe: then the file is whole.
        let deadline = Instant::now() + PATIENCE;
        while !std::fs::read(&self.bytes)
            .unwrap_or_default()
            .windows(14)
            .any(|w| w == b"TRUNKTUI-EXIT=")
        {
            assert!(
                Instant::now() < deadline,
                "{}: pipe-pane lost the output",
                self.name
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        self.evidence.add_file(
            &format!("bytes {} wrote to its terminal", self.name),
            &self.bytes,
        );
        self.evidence
            .add_file(&format!("stderr of {}", self.name), &self.stderr);
        let history = self.tmux(&["capture-pane", "-p", "-S", "-", "-t", &self.session]);
        self.evidence
            .add(format!("scrollback of {}", self.name), history);
        let raw = self.tmux(&["capture-pane", "-p", "-e", "-S", "-", "-t", &self.session]);
        self.evidence
            .add(format!("scrollback with escapes of {}", self.name), raw);
        screen
            .split("TRUNKTUI-EXIT=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_default()
            .to_string()
    }
}

impl Drop for Tmux<'_> {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// The dashboard under tmux with a key, its stderr in a file; every byte it wrote to the
/// terminal is in `NAME.bytes`.
fn dashboard<'a>(
    name: &str,
    dir: &Path,
    base: &str,
    key: &str,
    evidence: &'a Evidence,
) -> Tmux<'a> {
    let mut env = isolated_env(dir);
    env.push(("TRUNKTUI_API_KEY".into(), key.into()));
    env.push(("TRUNKTUI_BASE_URL".into(), base.into()));
    env.push(("RUST_BACKTRACE".into(), "1".into()));
    let stderr = dir.join(format!("{name}.stderr"));
    let command = format!("'{BIN}' 2>'{}'", stderr.display());
    Tmux::start(name, dir, &command, &env, evidence)
}

/// Fills the create form with the known password (never toggled visible), checks the masked
/// screen and submits.
fn fill_form_and_submit(t: &Tmux, name: &str) {
    t.send(&["n"]);
    t.wait_for("the form", |s| s.contains("New trunk"));
    t.send(&["Tab"]);
    t.type_text(name);
    t.send(&["Tab"]);
    t.type_text("secrets.pstn.twilio.com");
    t.send(&["Tab"]);
    t.type_text("+15550100000");
    t.send(&["Tab"]);
    t.type_text("AC0123456789abcdef");
    t.send(&["Tab"]);
    t.type_text(PASSWORD);
    let mask = "•".repeat(PASSWORD.chars().count());
    // Looks once the password is drawn (as dots, or, wrongly, in clear): a look before that
    // would pass whatever the form shows.
    let masked = t.wait_for("the masked password", |s| {
        s.contains(&mask) || s.contains(PASSWORD)
    });
    assert!(
        masked.contains(&mask) && !masked.contains(PASSWORD),
        "password shown while masked:\n{masked}"
    );
    t.send(&["Enter"]);
}

fn create_body(password: &str) -> String {
    serde_json::json!({
        "trunk_name": "Secrets headless",
        "trunk_address": "headless.pstn.twilio.com",
        "trunk_numbers": ["+15550100001"],
        "trunk_auth_username": "AC0123456789abcdef",
        "trunk_auth_password": password,
        "trunk_type": "twilio"
    })
    .to_string()
}

fn request() -> CreateTrunkRequest {
    CreateTrunkRequest {
        trunk_name: "Secrets in-process".into(),
        trunk_address: "inproc.pstn.twilio.com".into(),
        trunk_numbers: vec!["+15550100002".into()],
        trunk_auth_username: "AC0123456789abcdef".into(),
        trunk_auth_password: PASSWORD.into(),
        trunk_type: Provider::Twilio,
    }
}

fn client(base: &str, key: &str) -> ApiClient {
    let mut cfg = ClientConfig::new(base, Some(ApiKey::new(key)));
    cfg.key_source = "TRUNKTUI_API_KEY (secrets test)".into();
    cfg.timeout = Duration::from_secs(5);
    cfg.connect_timeout = Duration::from_secs(2);
    ApiClient::new(cfg).expect("a client")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn add_error(evidence: &Evidence, place: &str, e: &ApiError) {
    evidence.add(format!("{place}: Display"), e.to_string());
    evidence.add(format!("{place}: Debug"), format!("{e:?}"));
    evidence.add(format!("{place}: Debug (pretty)"), format!("{e:#?}"));
}

// ---------------------------------------------------------------------------------------
// A raw responder that echoes the secrets back, as careless servers do

#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    headers: String,
    body: Vec<u8>,
}

#[derive(Clone)]
struct Reply {
    status: u16,
    content_type: &'static str,
    body: String,
}

impl Reply {
    fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            body: body.into(),
        }
    }
}

type Route = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

struct Responder {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Request>>>,
    route: Arc<Mutex<Route>>,
    stop: Arc<AtomicBool>,
}

impl Responder {
    fn start(route: Route) -> Responder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let route = Arc::new(Mutex::new(route));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, r, st) = (seen.clone(), route.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (s, r) = (s.clone(), r.clone());
                std::thread::spawn(move || serve_one(stream, &s, &r));
            }
        });
        Responder {
            addr,
            seen,
            route,
            stop,
        }
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn set_route(&self, route: Route) {
        *self.route.lock().unwrap() = route;
    }

    fn posts(&self) -> usize {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.method == "POST")
            .count()
    }

    fn wait_for_posts(&self, n: usize) {
        let deadline = Instant::now() + PATIENCE;
        while self.posts() < n {
            assert!(
                Instant::now() < deadline,
                "the create never reached the server"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve_one(mut stream: TcpStream, seen: &Mutex<Vec<Request>>, route: &Mutex<Route>) {
    let _ = stream.set_read_timeout(Some(PATIENCE));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let mut first = head.lines().next().unwrap_or_default().split(' ');
    let request = Request {
        method: first.next().unwrap_or_default().to_string(),
        path: first.next().unwrap_or_default().to_string(),
        headers: head.clone(),
        body: buf[head_end..].to_vec(),
    };
    let route = route.lock().unwrap().clone();
    let reply = route(&request);
    seen.lock().unwrap().push(request);
    let answer = format!(
        "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
        reply.status,
        reply.content_type,
        reply.body.len(),
        reply.body
    );
    let _ = stream.write_all(answer.as_bytes());
}

/// A server error or a validation error whose body echoes what it was sent.
#[derive(Clone)]
struct EchoCase {
    name: &'static str,
    status: u16,
    body: String,
}

fn echo_cases() -> Vec<EchoCase> {
    let pw = serde_json::Value::from(PASSWORD);
    let key = serde_json::Value::from(KEY);
    vec![
        EchoCase {
            name: "500 with a detail message and an input echo",
            status: 500,
            body: serde_json::json!({"detail": "boom", "input": {"trunk_auth_password": pw}, "headers": {"x-api-key": key}}).to_string(),
        },
        EchoCase {
            name: "500 without a message, echoing the request",
            status: 500,
            body: serde_json::json!({"error": "boom", "input": {"trunk_auth_password": pw}, "headers": {"x-api-key": key}}).to_string(),
        },
        EchoCase {
            name: "500 whose detail is an object without msg",
            status: 500,
            body: serde_json::json!({"detail": {"error": "boom", "input": {"trunk_auth_password": pw}}}).to_string(),
        },
        EchoCase {
            name: "422 FastAPI list whose input echoes the password",
            status: 422,
            body: serde_json::json!({"detail": [{"type": "string_too_long", "loc": ["body", "trunk_auth_password"], "msg": "String should have at most 100 characters", "input": pw, "ctx": {"max_length": 100}}]}).to_string(),
        },
        EchoCase {
            name: "422 enveloped, input echo in data.errors",
            status: 422,
            body: serde_json::json!({"success": false, "message": "Validation Error", "data": {"errors": [{"loc": ["body", "trunk_auth_password"], "msg": "bad password", "input": pw}]}}).to_string(),
        },
        EchoCase {
            name: "422 whose plain detail sits beside an input echo",
            status: 422,
            body: serde_json::json!({"detail": "invalid trunk", "input": {"trunk_auth_password": pw}}).to_string(),
        },
        EchoCase {
            name: "401 echoing the presented key",
            status: 401,
            body: serde_json::json!({"detail": "Not authenticated", "received": {"x-api-key": key}}).to_string(),
        },
        EchoCase {
            name: "418 (an unexpected status) echoing the request",
            status: 418,
            body: serde_json::json!({"input": {"trunk_auth_password": pw}, "x-api-key": key}).to_string(),
        },
    ]
}

/// Lists one trunk; answers the create with the case; `/openapi.json` is unknown, as on
/// servers that do not publish it.
fn echo_route(case: &EchoCase) -> Route {
    let case = case.clone();
    Arc::new(
        move |req: &Request| match (req.method.as_str(), req.path.as_str()) {
            ("GET", "/sip/list") => Reply::json(
                200,
                r#"{"success":true,"message":"SIP trunks retrieved successfully","data":[{"trunk_id":"ST_responder001","trunk_name":"Echo server trunk","trunk_address":"echo.pstn.twilio.com","trunk_numbers":["+15550100000"],"trunk_type":"twilio","trunk_created_at":"2026-01-15T10:00:00.000000"}]}"#,
            ),
            ("POST", _) => Reply::json(case.status, case.body.clone()),
            _ => Reply::json(404, r#"{"detail":"Not Found"}"#),
        },
    )
}

/// A list request answered with an error that echoes the key the client sent.
fn list_echo_route(status: u16) -> Route {
    Arc::new(move |req: &Request| match req.path.as_str() {
        "/sip/list" => Reply::json(
            status,
            serde_json::json!({"error": "boom", "request": {"headers": {"x-api-key": KEY}}})
                .to_string(),
        ),
        _ => Reply::json(404, r#"{"detail":"Not Found"}"#),
    })
}

// ---------------------------------------------------------------------------------------
// The tests

/// The whole flow against `trunktui serve`: the dashboard creates a trunk through the form
/// and lists it, the headless commands list and create (and check with --dry-run), a wrong
/// key is refused in the dashboard and in `list`, then everything is searched.
#[test]
fn the_whole_flow_never_shows_the_key_or_the_password() {
    if !have_tmux() {
        return;
    }
    let evidence = Evidence::default();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = dir.join("trunks.json");
    let mut serve = Serve::start(dir, &data);
    let base = serve.base();

    // The dashboard: create through the form with the password masked, then open the details.
    {
        let t = dashboard("create", dir, &base, KEY, &evidence);
        t.wait_for("the empty list", |s| s.contains("no trunks yet"));
        fill_form_and_submit(&t, "Secrets Form Trunk");
        t.wait_for("the new trunk in the list", |s| {
            s.contains("Secrets Form Trunk") && !s.contains("New trunk")
        });
        t.send(&["Enter"]);
        t.wait_for("the details", |s| s.contains("Trunk details"));
        t.send(&["Escape", "Tab"]);
        assert_eq!(t.quit(), "0");
    }

    // The headless commands with the right key.
    let body = dir.join("create.json");
    std::fs::write(&body, create_body(PASSWORD)).unwrap();
    let body = body.display().to_string();
    let out = run(
        dir,
        &base,
        Some(KEY),
        &["create", "--file", &body, "--dry-run"],
    );
    evidence.add_output("create --dry-run", &out);
    assert!(out.status.success(), "{out:?}");
    let out = run(dir, &base, Some(KEY), &["create", "--file", &body]);
    evidence.add_output("create --file", &out);
    assert!(out.status.success(), "{out:?}");
    let out = run(dir, &base, Some(KEY), &["list"]);
    evidence.add_output("list", &out);
    assert!(out.status.success(), "{out:?}");
    let out = run(dir, &base, Some(KEY), &["list", "--json"]);
    evidence.add_output("list --json", &out);
    assert!(out.status.success(), "{out:?}");
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("Secrets Form Trunk") && listed.contains("Secrets headless"),
        "both trunks should be listed: {listed}"
    );

    // A wrong key: refused in `list` (exit 3) and in the dashboard ("auth failed").
    let out = run(dir, &base, Some(WRONG_KEY), &["list"]);
    evidence.add_output("list with a wrong key", &out);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let out = run(dir, &base, Some(WRONG_KEY), &["create", "--file", &body]);
    evidence.add_output("create with a wrong key", &out);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    {
        let t = dashboard("wrongkey", dir, &base, WRONG_KEY, &evidence);
        t.wait_for("auth failed", |s| s.contains("auth failed"));
        assert_eq!(t.quit(), "0");
    }

    serve.stop();
    evidence.add_file("serve's stdout", &serve.stdout);
    evidence.add_file("serve's stderr", &serve.stderr);
    let serve_err = std::fs::read_to_string(&serve.stderr).unwrap();
    assert!(serve_err.contains("listening"), "{serve_err}");
    assert!(
        !serve_err.contains("generated"),
        "serve generated a key although --api-key was given: {serve_err}"
    );

    // The status log, and the data file: the server keeps trunk passwords (it needs them to
    // place calls), so that file must be its owner's alone, and it never holds a key.
    let log = log_file(dir);
    evidence.add_file("the status-log file", &log);
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(log_text.contains("created ST_"), "{log_text}");
    let data_text = std::fs::read_to_string(&data).unwrap();
    for key in [KEY, WRONG_KEY] {
        assert!(
            !data_text.contains(key),
            "the data file holds a key: {data_text}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for (what, path) in [("data file", &data), ("status-log file", &log)] {
            let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "the {what} is mode {mode:o}, not 0600");
        }
    }

    let places = evidence.items.borrow().len();
    let screens = evidence
        .items
        .borrow()
        .iter()
        .filter(|(place, _)| place.starts_with("screen of"))
        .count();
    assert!(
        places >= 20 && screens >= 5,
        "too little evidence: {places} places, {screens} screens"
    );
    evidence.assert_clean();
}

/// A server that echoes the secrets in its error bodies: every case through `trunktui create`
/// and through the client in-process; the list's 500 echo through `trunktui list`.
#[test]
fn error_bodies_that_echo_secrets_are_never_shown() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let body = dir.join("create.json");
    std::fs::write(&body, create_body(PASSWORD)).unwrap();
    let body = body.display().to_string();
    let rt = runtime();
    let mut leaks = Vec::new();
    for case in echo_cases() {
        let evidence = Evidence::default();
        let server = Responder::start(echo_route(&case));
        let out = run(dir, &server.base(), Some(KEY), &["create", "--file", &body]);
        evidence.add_output(&format!("create, {}", case.name), &out);
        assert!(
            !out.status.success(),
            "{}: a refused create must fail: {out:?}",
            case.name
        );
        assert!(
            server
                .seen
                .lock()
                .unwrap()
                .iter()
                .any(|r| r.method == "POST"
                    && String::from_utf8_lossy(&r.body).contains(PASSWORD)
                    && r.headers.contains(KEY)),
            "{}: the create never reached the server with the secrets",
            case.name
        );
        let c = client(&server.base(), KEY);
        match rt.block_on(c.create(NewTrunk::V1(request()))) {
            Ok(id) => panic!("{}: created {id} from an error answer", case.name),
            Err(e) => add_error(&evidence, &format!("ApiError of {}", case.name), &e),
        }
        evidence.add(format!("ApiClient after {}", case.name), format!("{c:?}"));
        leaks.extend(evidence.problems());
    }
    for status in [500, 502, 400, 404] {
        let evidence = Evidence::default();
        let server = Responder::start(list_echo_route(status));
        let out = run(dir, &server.base(), Some(KEY), &["list"]);
        evidence.add_output(&format!("list answered {status} with a key echo"), &out);
        assert!(!out.status.success(), "{out:?}");
        match rt.block_on(client(&server.base(), KEY).list()) {
            Ok(list) => panic!("a {status} listed {list:?}"),
            Err(e) => add_error(&evidence, &format!("ApiError of list {status}"), &e),
        }
        leaks.extend(evidence.problems());
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n\n"));
}

/// The same echoing server behind the dashboard: the form's error, the log pane, the log
/// file, the raw terminal bytes.
#[test]
fn the_dashboard_never_shows_secrets_a_server_echoes() {
    if !have_tmux() {
        return;
    }
    let evidence = Evidence::default();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let cases = echo_cases();
    let server = Responder::start(echo_route(&cases[0]));
    // A 500 echo with a message, one without, and a 422 echo under the password field: each
    // in its own dashboard, each create failing.
    let chosen = [
        "500 with a detail message and an input echo",
        "500 without a message, echoing the request",
        "422 FastAPI list whose input echoes the password",
    ];
    for (i, case) in cases
        .iter()
        .filter(|c| chosen.contains(&c.name))
        .enumerate()
    {
        server.set_route(echo_route(case));
        let name = format!("echo{i}");
        let posts = server.posts();
        let t = dashboard(&name, dir, &server.base(), KEY, &evidence);
        t.wait_for("the listed trunk", |s| s.contains("Echo server trunk"));
        fill_form_and_submit(&t, "Echo Form Trunk");
        server.wait_for_posts(posts + 1);
        let shown = t.wait_for("the failed create", |s| {
            s.contains("New trunk") && !s.contains("creating…")
        });
        assert!(
            shown.contains("Echo Form Trunk"),
            "{}: the typed values must stay:\n{shown}",
            case.name
        );
        t.send(&["Escape"]);
        t.wait_for("the list again", |s| !s.contains("New trunk"));
        let line = format!("POST /sip/create-outbound-trunk {}", case.status);
        wait_for_file(&log_file(dir), &line);
        assert_eq!(t.quit(), "0");
    }
    // A list that fails with the key echoed.
    server.set_route(list_echo_route(500));
    {
        let t = dashboard("listecho", dir, &server.base(), KEY, &evidence);
        t.wait_for("the failed list", |s| s.contains("server error"));
        wait_for_file(&log_file(dir), "GET /sip/list 500");
        assert_eq!(t.quit(), "0");
    }
    evidence.add_file("the status-log file", &log_file(dir));
    evidence.assert_clean();
}

/// The search itself: a whole secret, a cut-off piece of one, and a panic are all caught.
#[test]
fn the_search_finds_secrets_pieces_of_them_and_panics() {
    let cut = &PASSWORD[..PASSWORD.len() - 3];
    for text in [
        format!("x {KEY} y"),
        format!("…\"{cut}…"),
        "thread 'main' panicked at src/ui/mod.rs:1:1".to_string(),
    ] {
        let evidence = Evidence::default();
        evidence.add("a place", &text);
        evidence.add("a clean place", "nothing to see");
        assert_eq!(evidence.problems().len(), 1, "{text:?} not caught once");
    }
}

/// A password written as a number by mistake is still a password: the complaint about its
/// type must not quote it (serde's messages quote the offending value).
#[test]
fn a_create_file_with_a_mistyped_password_does_not_echo_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let evidence = Evidence::default();
    // Digits only, so JSON takes it as a number (small enough to stay an integer, which
    // serde's message would spell out exactly).
    let numeric = "8437291056";
    let file = dir.join("numeric.json");
    std::fs::write(&file, create_body("x").replace("\"x\"", numeric)).unwrap();
    let file = file.display().to_string();
    for args in [
        vec!["create", "--file", file.as_str(), "--dry-run"],
        vec!["create", "--file", file.as_str()],
    ] {
        let out = run(dir, "http://127.0.0.1:9", Some(KEY), &args);
        assert_eq!(out.status.code(), Some(4), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains(numeric),
            "{args:?} quotes the password: {stderr}"
        );
        evidence.add_output(&format!("{args:?}"), &out);
    }
    evidence.assert_clean();
}

/// Debug of every type that holds a key or a password, and of the errors of a flow.
#[test]
fn debug_forms_never_show_the_secrets() {
    let evidence = Evidence::default();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();

    let mut cfg = ClientConfig::new("http://127.0.0.1:9", Some(ApiKey::new(KEY)));
    cfg.key_source = "TRUNKTUI_API_KEY".into();
    evidence.add("ClientConfig", format!("{cfg:?} {cfg:#?}"));
    let c = ApiClient::new(cfg).unwrap();
    evidence.add("ApiClient", format!("{c:?} {c:#?}"));
    evidence.add(
        "ApiKey",
        format!("{:?} {}", ApiKey::new(KEY), ApiKey::new(KEY)),
    );
    let req = request();
    evidence.add("CreateTrunkRequest", format!("{req:?} {req:#?}"));

    // Settings from a file holding one key and the environment holding another.
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "default_profile = \"prod\"\n[profiles.prod]\nbase_url = \"http://127.0.0.1:9\"\napi_key = \"{FILE_KEY}\"\n[profiles.env]\nbase_url = \"http://127.0.0.1:9\"\n"
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    for (profile, expect_key) in [("prod", FILE_KEY), ("env", KEY)] {
        let flags = trunktui::config::Overrides {
            config: Some(config.clone()),
            profile: Some(profile.into()),
            ..Default::default()
        };
        let env =
            |name: &str| (name == "TRUNKTUI_API_KEY" && profile == "env").then(|| KEY.to_string());
        let settings = trunktui::config::resolve(&flags, &env).expect("settings");
        assert_eq!(
            settings.api_key.as_ref().map(ApiKey::expose),
            Some(expect_key),
            "the key of profile {profile} was not picked up"
        );
        evidence.add(
            format!("Settings of profile {profile}"),
            format!("{settings:?} {settings:#?}"),
        );
        for w in &settings.warnings {
            evidence.add(format!("warning of profile {profile}"), w.clone());
        }
    }
    // Keys written wrongly: unquoted or with a trailing comma (TOML syntax errors, whose
    // messages can quote the line), or pasted into api_key_env. Each error names the place
    // only.
    for (what, text) in [
        (
            "an unquoted api_key",
            format!("[profiles.prod]\napi_key = {FILE_KEY}\n"),
        ),
        (
            "a key in api_key_env",
            format!("[profiles.prod]\napi_key_env = \"{FILE_KEY}\"\n"),
        ),
        (
            "a trailing comma after api_key",
            format!("[profiles.prod]\napi_key = \"{FILE_KEY}\",\n"),
        ),
    ] {
        std::fs::write(&config, text).unwrap();
        let flags = trunktui::config::Overrides {
            config: Some(config.clone()),
            profile: Some("prod".into()),
            ..Default::default()
        };
        match trunktui::config::resolve(&flags, &|_| None) {
            Ok(s) => {
                evidence.add(format!("Settings with {what}"), format!("{s:?}"));
                for w in &s.warnings {
                    evidence.add(format!("warning with {what}"), w.clone());
                }
            }
            Err(e) => evidence.add(format!("ConfigError with {what}"), format!("{e} {e:?}")),
        }
    }

    let opts = trunktui::server::ServeOptions {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        api_keys: vec![KEY.into(), WRONG_KEY.into()],
        data: None,
        demo_data: false,
        revision: trunktui::api::ApiRevision::V1,
        auth: trunktui::server::ServeAuth::Both,
    };
    evidence.add("ServeOptions", format!("{opts:?} {opts:#?}"));

    // The errors of a flow against a real server: a wrong key, an unreachable server.
    let rt = runtime();
    let server = rt
        .block_on(trunktui::server::start(opts.clone()))
        .expect("serve");
    let base = server.base_url();
    let wrong = client(&base, "tk_not_accepted_at_all");
    for e in [
        rt.block_on(wrong.list()).err(),
        rt.block_on(wrong.create(NewTrunk::V1(request()))).err(),
    ]
    .into_iter()
    .flatten()
    {
        add_error(&evidence, "ApiError with an unknown key", &e);
    }
    let right = client(&base, KEY);
    let id = rt
        .block_on(right.create(NewTrunk::V1(request())))
        .expect("create");
    let mut too_long = request();
    too_long.trunk_auth_password = format!("{PASSWORD}{}", "x".repeat(120));
    match rt.block_on(right.create(NewTrunk::V1(too_long))) {
        Ok(id) => panic!("a 140-character password was accepted as {id}"),
        Err(e) => add_error(&evidence, "ApiError of a too long password", &e),
    }
    let list = rt.block_on(right.list()).expect("list");
    assert!(list.trunks.iter().any(|t| t.trunk_id == id));
    evidence.add("TrunkList", format!("{list:?}"));
    evidence.add("ApiClient after requests", format!("{right:?}"));
    rt.block_on(server.shutdown());
    if let Err(e) = rt.block_on(client(&base, KEY).create(NewTrunk::V1(request()))) {
        add_error(&evidence, "ApiError of a stopped server", &e);
    }
    evidence.assert_clean();
}

/// The dashboard's state holds what was typed into the form; its Debug form (a panic
/// message, a test failure, a future trace) must mask the password as the request does.
#[test]
fn the_form_state_does_not_debug_print_the_password() {
    let mut form = trunktui::state::FormState::default();
    if let Some(input) = form.input_mut(trunktui::state::FormField::Password) {
        *input = tui_input::Input::new(PASSWORD.into());
    }
    form.revalidate();
    match form.request() {
        NewTrunk::V1(r) => assert_eq!(r.trunk_auth_password, PASSWORD),
        other => panic!("a v1 form made {other:?}"),
    }
    let shown = format!("{form:?}");
    assert!(
        !shown.contains(PASSWORD),
        "FormState's Debug shows the password: {shown}"
    );
}

/// The committed snapshots never hold a secret that any test of this repository uses: the
/// constants and literals named like a key or a password in `tests/*.rs`.
#[test]
fn committed_snapshots_hold_no_secret_of_the_test_suite() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut secrets: Vec<String> = SECRETS.iter().map(|s| s.to_string()).collect();
    for entry in std::fs::read_dir(root.join("tests")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            secrets.extend(secret_literals(&std::fs::read_to_string(&path).unwrap()));
        }
    }
    let common = root.join("tests/common/mod.rs");
    if common.exists() {
        secrets.extend(secret_literals(&std::fs::read_to_string(common).unwrap()));
    }
    secrets.sort();
    secrets.dedup();
    assert!(
        secrets.iter().any(|s| s == "s3cr3t-t0ken"),
        "the snapshot tests' password was not found among {secrets:?}"
    );
    let mut snaps = 0;
    let mut found = Vec::new();
    for entry in std::fs::read_dir(root.join("tests/snapshots")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        snaps += 1;
        for s in &secrets {
            if text.contains(s.as_str()) {
                found.push(format!("{s:?} in {}", path.display()));
            }
        }
    }
    assert!(snaps > 0, "no snapshots found");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// `const PASSWORD: &str = "..."`, `let key = "..."` and the like: string literals bound to
/// names that say key, password, token or secret.
fn secret_literals(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in source.lines() {
        let line = line.trim();
        let Some((lhs, rhs)) = line.split_once('=') else {
            continue;
        };
        let name = lhs.to_ascii_lowercase();
        let named = ["key", "password", "token", "secret"]
            .iter()
            .any(|w| name.contains(w));
        if !named || !(name.starts_with("const ") || name.starts_with("let ")) {
            continue;
        }
        let rhs = rhs.trim();
        if let Some(rest) = rhs.strip_prefix('"')
            && let Some(end) = rest.find('"')
        {
            let literal = &rest[..end];
            // Short words ("k", "pw") would match ordinary text.
            if literal.len() >= 6 && !literal.contains('\\') {
                out.push(literal.to_string());
            }
        }
    }
    out
}
