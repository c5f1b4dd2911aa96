//! The dashboard's loop (state, worker, real HTTP client) against a fault-injecting server of
//! our own on 127.0.0.1: slow answers, dropped connections, broken bodies, a server that goes
//! away and comes back. No terminal: `Driver` is the app loop without one.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use trunktui::api::{ApiClient, ApiKey, ClientConfig};
use trunktui::app::{AppOptions, Driver};
use trunktui::event::{ApiEvent, Event};
use trunktui::state::{Connection, FormField, Overlay, Profile, Severity};

const PATIENCE: Duration = Duration::from_secs(10);
const KEY: &str = "fault-test-key";

/// What the server does with one request.
#[derive(Clone)]
enum Fault {
    Answer {
        status: u16,
        content_type: &'static str,
        body: String,
    },
    /// Waits this long before answering; notices if the client hangs up meanwhile.
    Slow(Duration, Box<Fault>),
    /// Sends a few bytes of the body, then closes (Content-Length promises more).
    CutShort(String),
    /// Closes the connection without a word.
    Close,
    /// Resets the connection (RST).
    Reset,
}

fn json(status: u16, body: &str) -> Fault {
    Fault::Answer {
        status,
        content_type: "application/json",
        body: body.to_string(),
    }
}

fn list_of(n: usize) -> Fault {
    let entries: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"trunk_id":"ST_{i:012}","trunk_name":"Trunk {i}","trunk_address":"a{i}.pstn.twilio.com","trunk_numbers":["+1555010{i:04}"],"trunk_type":"twilio","trunk_created_at":"2026-01-15T10:00:00.000000"}}"#
            )
        })
        .collect();
    json(
        200,
        &format!(
            r#"{{"success":true,"message":"SIP trunks retrieved successfully","data":[{}]}}"#,
            entries.join(",")
        ),
    )
}

#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Request(String),
    /// The client closed the connection while the server was still thinking.
    HungUp,
}

/// A server whose answer per method can be changed while the test runs.
struct FaultServer {
    addr: SocketAddr,
    faults: Arc<Mutex<HashMap<&'static str, Fault>>>,
    seen: mpsc::UnboundedReceiver<Seen>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultServer {
    async fn start(addr: SocketAddr) -> FaultServer {
        let listener = TcpListener::bind(addr).await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let faults: Arc<Mutex<HashMap<&'static str, Fault>>> = Arc::default();
        let (tx, seen) = mpsc::unbounded_channel();
        let shared = faults.clone();
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                connections.spawn(serve(stream, shared.clone(), tx.clone()));
            }
        });
        FaultServer {
            addr,
            faults,
            seen,
            task,
        }
    }

    fn set(&self, method: &'static str, fault: Fault) {
        self.faults.lock().unwrap().insert(method, fault);
    }

    async fn next_seen(&mut self) -> Seen {
        tokio::time::timeout(PATIENCE, self.seen.recv())
            .await
            .expect("the server saw nothing in time")
            .expect("server stopped")
    }
}

async fn serve(
    mut stream: TcpStream,
    faults: Arc<Mutex<HashMap<&'static str, Fault>>>,
    seen: mpsc::UnboundedSender<Seen>,
) {
    // Read the head and any body announced by Content-Length.
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
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
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let method = head.split_whitespace().next().unwrap_or("").to_string();
    let _ = seen.send(Seen::Request(method.clone()));
    let fault = faults
        .lock()
        .unwrap()
        .get(method.as_str())
        .cloned()
        .unwrap_or_else(|| list_of(0));
    answer(stream, fault, seen).await;
}

async fn answer(mut stream: TcpStream, mut fault: Fault, seen: mpsc::UnboundedSender<Seen>) {
    if let Fault::Slow(delay, then) = fault {
        let mut probe = [0u8; 1];
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            read = stream.read(&mut probe) => {
                if matches!(read, Ok(0) | Err(_)) {
                    let _ = seen.send(Seen::HungUp);
                    return;
                }
            }
        }
        fault = *then;
    }
    match fault {
        Fault::Answer {
            status,
            content_type,
            body,
        } => {
            let reply = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes()).await;
        }
        Fault::CutShort(body) => {
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                body.len() * 2,
                body
            );
            let _ = stream.write_all(reply.as_bytes()).await;
        }
        Fault::Close => {}
        Fault::Reset => {
            // A zero linger makes the close send RST: exactly the fault wanted here.
            let _ = stream.set_zero_linger();
        }
        Fault::Slow(..) => unreachable!("one level of slowness is enough"),
    }
    let _ = stream.shutdown().await;
}

fn driver(base_url: &str, timeout: Duration) -> Driver {
    let mut cfg = ClientConfig::new(base_url, Some(ApiKey::new(KEY)));
    cfg.timeout = timeout;
    cfg.connect_timeout = Duration::from_secs(2);
    let opts = AppOptions {
        profile: Profile {
            name: "faults".into(),
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

/// Waits for the worker's next answer to a request (list, create, deactivate) and applies
/// it, and any "what the server speaks" answer before it.
async fn settle(d: &mut Driver) {
    loop {
        let event = tokio::time::timeout(PATIENCE, d.next_answer())
            .await
            .expect("no answer in time")
            .expect("worker gone");
        let negotiation = matches!(event, Event::Api(ApiEvent::Negotiated { .. }));
        d.handle(event);
        if !negotiation {
            return;
        }
    }
}

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn last_log(d: &Driver) -> (Severity, String) {
    let e = d.state().log.last().expect("a log line");
    (e.severity, e.text.clone())
}

#[tokio::test]
async fn a_slow_answer_never_blocks_keys_nor_doubles_the_request() {
    let mut server = FaultServer::start(([127, 0, 0, 1], 0).into()).await;
    server.set(
        "GET",
        Fault::Slow(Duration::from_secs(60), Box::new(list_of(3))),
    );
    let mut d = driver(&format!("http://{}", server.addr), Duration::from_secs(120));
    assert_eq!(server.next_seen().await, Seen::Request("GET".into()));
    let in_flight = d.state().in_flight.list;
    assert!(in_flight.is_some());

    // Keys act at once while the list is still coming.
    d.handle(key('?'));
    assert_eq!(d.state().overlay, Overlay::Help);
    d.handle(code(KeyCode::Esc));
    d.handle(key('n'));
    assert_eq!(d.state().overlay, Overlay::Form);
    d.handle(code(KeyCode::Esc));
    // r while the list is in flight asks for nothing new.
    let next_id = d.state().next_request;
    d.handle(key('r'));
    assert_eq!(d.state().in_flight.list, in_flight);
    assert_eq!(d.state().next_request, next_id);

    // Quitting abandons the request at once: the server sees the client hang up long
    // before its 60 s answer.
    d.handle(key('q'));
    assert!(d.state().should_quit);
    drop(d);
    assert_eq!(server.next_seen().await, Seen::HungUp);
}

#[tokio::test]
async fn every_kind_of_failure_keeps_the_last_good_list_and_recovery_follows() {
    let server = FaultServer::start(([127, 0, 0, 1], 0).into()).await;
    let addr = server.addr;
    server.set("GET", list_of(2));
    let mut d = driver(&format!("http://{addr}"), Duration::from_millis(500));
    settle(&mut d).await;
    assert_eq!(d.state().connection, Connection::Ok);
    assert_eq!(d.state().trunks.all.len(), 2);

    let nginx = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
    let cases: Vec<(Fault, Connection, &str)> = vec![
        (
            Fault::Answer {
                status: 502,
                content_type: "text/html",
                body: nginx.into(),
            },
            Connection::Failing,
            "server error 502: 502 Bad Gateway",
        ),
        (
            Fault::CutShort(r#"{"success":true,"data":[{"trunk_id":"#.into()),
            Connection::Failing,
            "closed before the answer was complete",
        ),
        (
            json(200, r#"{"success":true,"data":[{"trunk_id":"ST_1""#),
            Connection::Failing,
            "truncated",
        ),
        (json(200, ""), Connection::Failing, "empty"),
        (Fault::Close, Connection::Failing, "GET /sip/list"),
        (Fault::Reset, Connection::Failing, "GET /sip/list"),
        (
            Fault::Slow(Duration::from_secs(30), Box::new(list_of(1))),
            Connection::Unreachable,
            "timeout",
        ),
        (
            json(401, r#"{"detail":"Invalid API key"}"#),
            Connection::AuthFailed,
            "unauthorized",
        ),
    ];
    for (failures, (fault, connection, says)) in cases.into_iter().enumerate() {
        server.set("GET", fault);
        d.handle(key('r'));
        settle(&mut d).await;
        let s = d.state();
        assert_eq!(s.connection, connection, "after {says}");
        let (severity, line) = last_log(&d);
        assert_eq!(severity, Severity::Error, "{line}");
        assert!(line.contains(says), "{says:?} not in {line:?}");
        assert!(line.contains("showing the last good list"), "{line}");
        assert_eq!(s.trunks.all.len(), 2, "the last good list stays");
        assert!(s.is_stale());
        assert!(s.list_age().is_some());
        // Auto-refresh backs off: 30 s, doubling with each failure in a row, at most 300 s.
        let wait = s.next_refresh.unwrap() - s.clock.instant;
        let expected = Duration::from_secs((30u64 << (failures + 1)).min(300));
        assert_eq!(wait, expected, "after {} failures", failures + 1);
    }

    // The server goes away entirely.
    drop(server);
    d.handle(key('r'));
    settle(&mut d).await;
    assert_eq!(d.state().connection, Connection::Unreachable);
    assert!(last_log(&d).1.contains("cannot connect"));

    // And comes back on the same address: the next refresh recovers.
    let server = FaultServer::start(addr).await;
    server.set("GET", list_of(3));
    d.handle(key('r'));
    settle(&mut d).await;
    let s = d.state();
    assert_eq!(s.connection, Connection::Ok);
    assert!(!s.is_stale());
    assert_eq!(s.trunks.all.len(), 3);
    assert!(last_log(&d).1.contains("server is back"));
    assert_eq!(
        s.next_refresh.unwrap() - s.clock.instant,
        Duration::from_secs(30)
    );
}

#[tokio::test]
async fn started_with_the_server_down_it_says_unreachable() {
    // A socket bound to the port that never listens: connecting is refused, and no other
    // program can take the port meanwhile.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(([127, 0, 0, 1], 0).into()).unwrap();
    let port = socket.local_addr().unwrap().port();
    let mut d = driver(&format!("http://127.0.0.1:{port}"), Duration::from_secs(2));
    settle(&mut d).await;
    assert_eq!(d.state().connection, Connection::Unreachable);
    assert_eq!(d.state().connection.label(), "unreachable");
    assert!(!d.state().trunks.loaded);
    let (_, line) = last_log(&d);
    assert!(
        line.contains("cannot connect") && line.contains(&port.to_string()),
        "{line}"
    );
}

#[tokio::test]
async fn a_create_without_an_answer_says_the_outcome_is_unknown() {
    let mut server = FaultServer::start(([127, 0, 0, 1], 0).into()).await;
    server.set("GET", list_of(1));
    server.set(
        "POST",
        Fault::Slow(Duration::from_secs(60), Box::new(json(200, "{}"))),
    );
    let mut d = driver(
        &format!("http://{}", server.addr),
        Duration::from_millis(400),
    );
    settle(&mut d).await;
    assert_eq!(server.next_seen().await, Seen::Request("GET".into()));

    d.handle(key('n'));
    d.handle(code(KeyCode::Tab));
    for (text, last) in [
        ("Lost answer", false),
        ("lost.pstn.twilio.com", false),
        ("+15550100000", false),
        ("AC123", false),
        ("pw-lost-1", true),
    ] {
        for c in text.chars() {
            d.handle(key(c));
        }
        if !last {
            d.handle(code(KeyCode::Tab));
        }
    }
    d.handle(code(KeyCode::Enter));
    assert!(d.state().form.submitting.is_some());
    // A second Enter while it is in flight sends nothing more.
    d.handle(code(KeyCode::Enter));
    assert_eq!(server.next_seen().await, Seen::Request("POST".into()));
    settle(&mut d).await;

    let form = &d.state().form;
    assert!(form.submitting.is_none());
    let general = form.general_error.clone().unwrap();
    assert!(
        general.contains("outcome unknown") && general.contains("checking the list"),
        "{general}"
    );
    assert_eq!(form.value(FormField::Name), "Lost answer");
    assert_eq!(form.value(FormField::Password), "pw-lost-1");
    assert!(last_log(&d).1.contains("outcome unknown"));
    // The app lists the trunks to see whether it went through; the one it gets does not
    // show it, so sending again will ask first.
    settle(&mut d).await;
    let general = d.state().form.general_error.clone().unwrap();
    assert!(
        general.contains("Enter asks before sending it again"),
        "{general}"
    );
    // Exactly one create reached the server: no retry behind the user's back. It hung up
    // on the create, and asked for the list, in either order.
    let mut seen = vec![server.next_seen().await, server.next_seen().await];
    seen.sort_by_key(|s| matches!(s, Seen::Request(_)));
    assert_eq!(seen, [Seen::HungUp, Seen::Request("GET".into())]);
    assert!(server.seen.try_recv().is_err());
}
