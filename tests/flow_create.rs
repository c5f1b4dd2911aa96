//! Creating a trunk through the dashboard's loop (state, worker, real HTTP client) when the
//! answer to the create is lost: the project's own server (`serve`, in-process on port 0)
//! behind a proxy written here, on 127.0.0.1, that can swallow a create, forward it and drop
//! the answer, or forward it and hold the answer past the client's timeout. Whatever was
//! lost, the app must never send the same create again without asking, and must find the
//! trunk in the list when the create did go through.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use trunktui::api::{ApiClient, ApiKey, ApiRevision, ClientConfig, CreateTrunkRequest, Provider};
use trunktui::app::{AppOptions, Driver};
use trunktui::event::Event;
use trunktui::server::{RunningServer, ServeAuth, ServeOptions, start};
use trunktui::state::{FormField, Overlay, Profile, Severity, State};

const PATIENCE: Duration = Duration::from_secs(10);
const KEY: &str = "flow-create-key";
const NAME: &str = "Lost answer";
const NUMBERS: &str = "+15550100001, +15550100000";
const PASSWORD: &str = "pw-lost-answer-1";

/// What the proxy does with a create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PostMode {
    /// Forwards it and passes the answer back.
    Pass,
    /// Reads it whole, never forwards it, and closes the connection: the server never
    /// created anything, and the client cannot know.
    Swallow,
    /// Forwards it (the server creates the trunk), reads the answer, and closes the
    /// connection without passing it on.
    LoseAnswer,
    /// Forwards it, reads the answer, and holds it until the client gives up (its timeout).
    HoldAnswer,
}

/// A proxy in front of `serve`: every request is counted by method, GETs pass through, and
/// creates are treated as `mode` says.
struct Proxy {
    addr: SocketAddr,
    mode: Arc<Mutex<PostMode>>,
    /// Methods of the requests that reached the proxy, in order of arrival.
    seen: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Proxy {
    async fn start(upstream: SocketAddr, mode: PostMode) -> Proxy {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mode = Arc::new(Mutex::new(mode));
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let (m, s) = (mode.clone(), seen.clone());
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((client, _)) = listener.accept().await {
                connections.spawn(relay(client, upstream, m.clone(), s.clone()));
            }
        });
        Proxy {
            addr,
            mode,
            seen,
            task,
        }
    }

    fn set(&self, mode: PostMode) {
        *self.mode.lock().unwrap() = mode;
    }

    fn posts(&self) -> usize {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|m| *m == "POST")
            .count()
    }
}

/// One request, head and body (by Content-Length), or None once the client closed.
async fn read_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let method = head.split_whitespace().next().unwrap_or("").to_string();
    Some((method, buf))
}

/// Sends one request to `serve` on a connection of its own (asking it to close after the
/// answer) and reads the whole answer.
async fn forward(upstream: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut server = TcpStream::connect(upstream).await.expect("upstream");
    let line_end = request
        .windows(2)
        .position(|w| w == b"\r\n")
        .expect("a request line")
        + 2;
    let mut out = request[..line_end].to_vec();
    out.extend_from_slice(b"connection: close\r\n");
    out.extend_from_slice(&request[line_end..]);
    server.write_all(&out).await.expect("forward");
    let mut answer = Vec::new();
    let _ = server.read_to_end(&mut answer).await;
    answer
}

async fn relay(
    mut client: TcpStream,
    upstream: SocketAddr,
    mode: Arc<Mutex<PostMode>>,
    seen: Arc<Mutex<Vec<String>>>,
) {
    while let Some((method, request)) = read_request(&mut client).await {
        seen.lock().unwrap().push(method.clone());
        let mode = if method == "POST" {
            *mode.lock().unwrap()
        } else {
            PostMode::Pass
        };
        if mode == PostMode::Swallow {
            return;
        }
        let answer = forward(upstream, &request).await;
        match mode {
            PostMode::Pass => {
                if client.write_all(&answer).await.is_err() {
                    return;
                }
            }
            PostMode::LoseAnswer | PostMode::Swallow => return,
            PostMode::HoldAnswer => {
                // Until the client hangs up: its timeout, never ours.
                let mut probe = [0u8; 1];
                let _ = client.read(&mut probe).await;
                return;
            }
        }
    }
}

async fn serve() -> RunningServer {
    start(ServeOptions {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        api_keys: vec![KEY.into()],
        data: None,
        demo_data: false,
        revision: ApiRevision::V1,
        auth: ServeAuth::Both,
    })
    .await
    .expect("the server starts")
}

/// A client straight to `serve`, for the test's own look at what the server holds.
fn direct(server: &RunningServer) -> ApiClient {
    let mut cfg = ClientConfig::new(server.base_url(), Some(ApiKey::new(KEY)));
    cfg.timeout = PATIENCE;
    ApiClient::new(cfg).expect("client")
}

fn driver(base_url: &str, timeout: Duration) -> Driver {
    let mut cfg = ClientConfig::new(base_url, Some(ApiKey::new(KEY)));
    cfg.timeout = timeout;
    cfg.connect_timeout = Duration::from_secs(2);
    let opts = AppOptions {
        profile: Profile {
            name: "create".into(),
            base_url: base_url.into(),
            read_only: false,
            accent: None,
            refresh_secs: 30,
        },
        client: ApiClient::new(cfg).expect("client"),
        log_file: None,
        no_color: false,
        warnings: Vec::new(),
    };
    Driver::start(opts, (120, 40)).0
}

/// Applies the worker's answers until `done` holds (at once if it already does).
async fn until(d: &mut Driver, what: &str, done: impl Fn(&State) -> bool) {
    while !done(d.state()) {
        let event = tokio::time::timeout(PATIENCE, d.next_answer())
            .await
            .unwrap_or_else(|_| panic!("{what}: not in time"))
            .expect("worker gone");
        d.handle(event);
    }
}

/// No request of the dashboard's own is waiting for its answer.
fn idle(s: &State) -> bool {
    s.in_flight.list.is_none() && s.in_flight.negotiate.is_none() && s.form.submitting.is_none()
}

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Opens the form and types a whole Twilio draft.
fn fill_form(d: &mut Driver) {
    d.handle(key('n'));
    assert_eq!(d.state().overlay, Overlay::Form);
    d.handle(code(KeyCode::Tab));
    let fields = [NAME, "lost.pstn.twilio.com", NUMBERS, "AC123", PASSWORD];
    for (i, text) in fields.into_iter().enumerate() {
        for c in text.chars() {
            d.handle(key(c));
        }
        if i + 1 < fields.len() {
            d.handle(code(KeyCode::Tab));
        }
    }
    assert_eq!(d.state().form.value(FormField::Name), NAME);
}

fn general(d: &Driver) -> String {
    d.state().form.general_error.clone().unwrap_or_default()
}

fn log_text(d: &Driver) -> String {
    d.state()
        .log
        .entries
        .iter()
        .map(|e| e.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_create_without_an_answer_is_not_sent_again_without_asking() {
    let server = serve().await;
    let proxy = Proxy::start(server.addr, PostMode::Swallow).await;
    let mut d = driver(&format!("http://{}", proxy.addr), Duration::from_secs(5));
    until(&mut d, "the first list", |s| s.trunks.loaded && idle(s)).await;

    fill_form(&mut d);
    d.handle(code(KeyCode::Enter));
    assert!(d.state().form.submitting.is_some());
    // The answer never comes; the app checks the list on its own.
    until(&mut d, "the create's failure and the check", idle).await;
    assert_eq!(proxy.posts(), 1);
    assert_eq!(d.state().overlay, Overlay::Form);
    let said = general(&d);

    // Enter again: nothing is sent, a confirmation is asked for.
    d.handle(code(KeyCode::Enter));
    // Had a create been sent, its (lost) answer would be waited for here.
    until(&mut d, "a second create's answer", idle).await;
    assert_eq!(
        proxy.posts(),
        1,
        "Enter sent the same create again without asking"
    );
    assert!(
        said.contains("may have gone through") && said.contains("Enter"),
        "{said}"
    );
    let message = general(&d);
    assert!(
        message.contains("the first create may have gone through")
            && message.contains("press Enter again to send it again")
            && message.contains("Esc to go back"),
        "{message}"
    );
    assert_eq!(d.state().overlay, Overlay::Form);

    // Esc goes back and forgets the confirmation: the next Enter asks again.
    d.handle(code(KeyCode::Esc));
    assert_eq!(d.state().overlay, Overlay::None);
    d.handle(key('n'));
    assert_eq!(d.state().form.value(FormField::Password), PASSWORD);
    d.handle(code(KeyCode::Enter));
    until(&mut d, "a create's answer", idle).await;
    assert_eq!(proxy.posts(), 1, "Esc then Enter sent it without asking");

    // Enter once more is the explicit yes: the create goes out, and this time it answers.
    proxy.set(PostMode::Pass);
    d.handle(code(KeyCode::Enter));
    assert!(d.state().form.submitting.is_some());
    until(&mut d, "the confirmed create", idle).await;
    assert_eq!(proxy.posts(), 2);
    assert_eq!(d.state().overlay, Overlay::None);
    let listed = direct(&server).list().await.expect("list");
    assert_eq!(listed.trunks.len(), 1, "only the confirmed create was made");
    let created = &listed.trunks[0].trunk_id;
    assert_eq!(
        d.state().trunks.selected_trunk().map(|t| &t.trunk_id),
        Some(created)
    );
    assert!(!log_text(&d).contains(PASSWORD));
}

#[tokio::test]
async fn a_create_that_went_through_without_an_answer_is_found_in_the_list() {
    for mode in [PostMode::LoseAnswer, PostMode::HoldAnswer] {
        let server = serve().await;
        // Already there before the submit, with the same name and numbers: not the new one.
        let older = direct(&server)
            .create(&CreateTrunkRequest {
                trunk_name: NAME.into(),
                trunk_address: "older.pstn.twilio.com".into(),
                trunk_numbers: vec!["+15550100000".into(), "+15550100001".into()],
                trunk_auth_username: "AC999".into(),
                trunk_auth_password: "older-pw".into(),
                trunk_type: Provider::Twilio,
            })
            .await
            .expect("the older trunk");
        let proxy = Proxy::start(server.addr, mode).await;
        let mut d = driver(
            &format!("http://{}", proxy.addr),
            Duration::from_millis(1500),
        );
        until(&mut d, "the first list", |s| s.trunks.loaded && idle(s)).await;
        assert_eq!(d.state().trunks.all.len(), 1);

        fill_form(&mut d);
        d.handle(code(KeyCode::Enter));
        until(&mut d, "the create's failure and the check", idle).await;

        let listed = direct(&server).list().await.expect("list");
        let new_id = listed
            .trunks
            .iter()
            .map(|t| t.trunk_id.clone())
            .find(|id| *id != older)
            .unwrap_or_else(|| panic!("{mode:?}: the server created nothing"));
        let s = d.state();
        assert_eq!(s.overlay, Overlay::None, "{mode:?}: the form is closed");
        assert_eq!(
            s.trunks.selected_trunk().map(|t| t.trunk_id.clone()),
            Some(new_id.clone()),
            "{mode:?}: the new trunk is selected"
        );
        let last = s.log.last().expect("a log line");
        assert_eq!(last.severity, Severity::Success, "{}", last.text);
        assert!(
            last.text.contains("went through") && last.text.contains(&new_id),
            "{mode:?}: {}",
            last.text
        );
        assert!(log_text(&d).contains("outcome unknown"), "{}", log_text(&d));
        // The next `n` starts from an empty draft; Enter in the list sends nothing.
        assert_eq!(s.form.value(FormField::Name), "");
        d.handle(code(KeyCode::Enter));
        assert_eq!(d.state().overlay, Overlay::Detail);
        assert_eq!(proxy.posts(), 1, "{mode:?}");
        assert_eq!(listed.trunks.len(), 2, "{mode:?}");
    }
}
