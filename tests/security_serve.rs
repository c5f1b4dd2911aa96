//! `trunktui serve` against hostile or careless clients and operators: connections that stall
//! mid-request (also at a low file-descriptor limit), two servers on one data file, a data
//! file that is a symlink, and a temporary file left by a crash. Every exchange is over real
//! loopback sockets; the servers are the real binary, or `server::start_with` where a test
//! needs limits short enough not to wait for.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use trunktui::api::ApiRevision;
use trunktui::server::{ServeAuth, ServeLimits, ServeOptions, start_with};

const KEY: &str = "tk_security_serve_key_0123456789";
const PASSWORD: &str = "twilio-auth-token-security-serve";

/// Short enough that no test waits long, long enough that a healthy client is never cut off.
const SHORT: ServeLimits = ServeLimits {
    header_read: Duration::from_millis(500),
    body_read: Duration::from_millis(500),
};

/// How long a test waits for something that should happen soon (a timeout of `SHORT`, a
/// process starting); far above it, so only a server that never does it fails.
const PATIENCE: Duration = Duration::from_secs(20);

/// Set in the environment of the child process `stalled_connections_...fd_limit` starts.
const CHILD_ENV: &str = "TRUNKTUI_SECURITY_SERVE_CHILD";

fn body() -> String {
    serde_json::json!({
        "trunk_name": "Twilio Production",
        "trunk_address": "example.pstn.twilio.com",
        "trunk_numbers": ["+15550100000"],
        "trunk_auth_username": "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "trunk_auth_password": PASSWORD,
        "trunk_type": "twilio"
    })
    .to_string()
}

fn options(data: Option<PathBuf>) -> ServeOptions {
    ServeOptions {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        api_keys: vec![KEY.into()],
        data,
        demo_data: false,
        revision: ApiRevision::V1,
        auth: ServeAuth::Both,
    }
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP over blocking sockets: each read waits at most until a deadline.

/// The ways a client can stall.
#[derive(Debug, Clone, Copy)]
enum Stall {
    /// Connects and sends nothing.
    Silent,
    /// Sends half of a request header.
    HalfHeader,
    /// Sends a whole header announcing a body, and half of that body.
    HalfBody,
}

fn stall(addr: SocketAddr, how: Stall) -> TcpStream {
    let mut stream = TcpStream::connect(addr).unwrap();
    let body = body();
    let bytes = match how {
        Stall::Silent => String::new(),
        Stall::HalfHeader => {
            format!("POST /sip/create-outbound-trunk HTTP/1.1\r\nHost: {addr}\r\nx-api-ke")
        }
        Stall::HalfBody => format!(
            "POST /sip/create-outbound-trunk HTTP/1.1\r\nHost: {addr}\r\nx-api-key: {KEY}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
            body.len(),
            &body[..body.len() / 2]
        ),
    };
    stream.write_all(bytes.as_bytes()).unwrap();
    stream
}

/// Reads until the server closes the connection (EOF) and returns what it sent, or says why
/// that did not happen before `deadline`.
fn read_until_closed(stream: &mut TcpStream, deadline: Instant) -> Result<Vec<u8>, String> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(format!(
                "still open after the deadline, having sent {:?}",
                String::from_utf8_lossy(&got)
            ));
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buf) {
            Ok(0) => return Ok(got),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue;
            }
            Err(e) => return Err(format!("read failed instead of EOF: {e}")),
        }
    }
}

/// `GET /sip/list` on its own connection; the status line and body, or why there were none
/// before `deadline`.
fn list(addr: SocketAddr, deadline: Instant) -> Result<(u16, String), String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    let request = format!(
        "GET /sip/list HTTP/1.1\r\nHost: {addr}\r\nx-api-key: {KEY}\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("write: {e}"))?;
    let raw = read_until_closed(&mut stream, deadline)?;
    parse(&raw)
}

fn parse(raw: &[u8]) -> Result<(u16, String), String> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("no whole HTTP answer: {text:?}"))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    Ok((status, body.to_string()))
}

/// One request on a kept-alive connection, read to the end of its answer (by its length),
/// leaving the connection open and idle.
fn one_request_kept_alive(addr: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).unwrap();
    let request = format!("GET /sip/list HTTP/1.1\r\nHost: {addr}\r\nx-api-key: {KEY}\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "closed before answering: {got:?}");
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .expect("a content-length");
            if body.len() >= length {
                assert!(head.starts_with("HTTP/1.1 200"), "{text}");
                return stream;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Stalled connections.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_and_idle_connections_are_closed_and_others_are_served() {
    let server = start_with(options(None), SHORT).await.unwrap();
    let addr = server.addr;
    tokio::task::spawn_blocking(move || {
        let mut silent = stall(addr, Stall::Silent);
        let mut half_header = stall(addr, Stall::HalfHeader);
        let mut half_body = stall(addr, Stall::HalfBody);
        let mut idle = one_request_kept_alive(addr);

        let deadline = Instant::now() + PATIENCE;
        for (name, stream) in [
            ("silent", &mut silent),
            ("half header", &mut half_header),
            ("idle after a request", &mut idle),
        ] {
            let sent = read_until_closed(stream, deadline)
                .unwrap_or_else(|e| panic!("{name} connection: {e}"));
            assert!(
                sent.is_empty(),
                "{name}: {:?}",
                String::from_utf8_lossy(&sent)
            );
        }
        // A body that stops is answered, in the document's envelope, and the connection closed.
        let sent = read_until_closed(&mut half_body, deadline)
            .unwrap_or_else(|e| panic!("half body connection: {e}"));
        let (status, text) = parse(&sent).unwrap();
        assert_eq!(status, 408, "{text}");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["success"], serde_json::json!(false), "{text}");
        let message = json["message"].as_str().unwrap();
        assert!(message.contains("did not arrive"), "{message}");
        assert!(!text.contains(PASSWORD), "{text}");

        // And the server still answers.
        assert_eq!(list(addr, deadline).unwrap().0, 200);
    })
    .await
    .unwrap();
    server.shutdown().await;
}

/// 300 stalled connections against a server limited to 256 file descriptors: once they time
/// out, a normal client is served, and every stalled connection was closed.
#[cfg(unix)]
#[test]
fn stalled_connections_do_not_lock_clients_out_at_a_low_fd_limit() {
    // The server runs in a child process (this test binary, running the ignored test below),
    // since the limit must not apply to this process's other tests.
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(r#"ulimit -n 256 && exec "$0" "$@""#)
        .arg(&exe)
        .args([
            "child_server_for_the_fd_limit_test",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let addr = wait_for_line(stdout, "CHILD_SERVER_ADDR ", Instant::now() + PATIENCE)
        .unwrap_or_else(|e| {
            let _ = child.kill();
            panic!("child server: {e}")
        });
    let addr: SocketAddr = addr.trim().parse().unwrap();

    let kinds = [Stall::Silent, Stall::HalfHeader, Stall::HalfBody];
    let mut stalled: Vec<TcpStream> = (0..300).map(|i| stall(addr, kinds[i % 3])).collect();

    let deadline = Instant::now() + PATIENCE;
    let served = list(addr, deadline);
    let mut open = Vec::new();
    for (i, stream) in stalled.iter_mut().enumerate() {
        if let Err(e) = read_until_closed(stream, deadline) {
            open.push(format!("#{i} ({:?}): {e}", kinds[i % 3]));
        }
    }
    drop(child.stdin.take());
    let status = wait_for_exit(&mut child, Instant::now() + PATIENCE);
    let (code, text) = served.unwrap_or_else(|e| panic!("a normal client was not served: {e}"));
    assert_eq!(code, 200, "{text}");
    assert!(
        open.is_empty(),
        "{} stalled connections not closed, e.g. {}",
        open.len(),
        open[0]
    );
    assert!(status.is_some_and(|s| s.success()), "child: {status:?}");
}

/// The server of the test above, with short limits, under the file-descriptor limit its
/// parent set. It prints its address and stops when its standard input closes.
#[test]
#[ignore = "run as a child process by stalled_connections_do_not_lock_clients_out_at_a_low_fd_limit"]
fn child_server_for_the_fd_limit_test() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = start_with(options(None), SHORT).await.unwrap();
        println!("CHILD_SERVER_ADDR {}", server.addr);
        std::io::stdout().flush().unwrap();
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await
        .unwrap();
        server.shutdown().await;
    });
}

// ---------------------------------------------------------------------------------------------
// The real binary.

/// Reads lines of `from` on a thread until one holds `prefix`, and returns what follows it.
fn wait_for_line(
    from: impl Read + Send + 'static,
    prefix: &str,
    deadline: Instant,
) -> Result<String, String> {
    let (tx, rx) = mpsc::channel();
    let prefix = prefix.to_string();
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            // Found anywhere in the line: the test harness may have written its own words first.
            if let Some(at) = line.find(&prefix) {
                let _ = tx.send(Ok(line[at + prefix.len()..].to_string()));
                // Keep draining, so the process never blocks on a full pipe.
                continue;
            }
            seen.push(line);
        }
        let _ = tx.send(Err(format!("closed without {prefix:?}; it said {seen:?}")));
    });
    rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
        .map_err(|_| "no such line before the deadline".to_string())?
}

fn wait_for_exit(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A `trunktui serve` on port 0 with `data`; dropped, it is killed.
struct Serve {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_command(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trunktui"));
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--api-key", KEY, "--data"])
        .arg(data)
        .env_remove("TRUNKTUI_API_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// Starts `trunktui serve` and waits for the line that says where it listens.
fn start_serve(data: &Path) -> Serve {
    let mut child = serve_command(data).spawn().unwrap();
    let stderr: ChildStderr = child.stderr.take().unwrap();
    let rest = wait_for_line(
        stderr,
        "trunktui serve: listening on http://",
        Instant::now() + PATIENCE,
    );
    let rest = match rest {
        Ok(rest) => rest,
        Err(e) => {
            let _ = child.kill();
            panic!("serve did not start: {e}");
        }
    };
    let addr = rest.split_whitespace().next().unwrap().parse().unwrap();
    Serve { child, addr }
}

fn create(addr: SocketAddr) -> String {
    let body = body();
    let mut stream = TcpStream::connect(addr).unwrap();
    let request = format!(
        "POST /sip/create-outbound-trunk HTTP/1.1\r\nHost: {addr}\r\nx-api-key: {KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let raw = read_until_closed(&mut stream, Instant::now() + PATIENCE).unwrap();
    let (status, text) = parse(&raw).unwrap();
    assert_eq!(status, 200, "{text}");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["data"]["trunk_id"].as_str().unwrap().to_string()
}

#[test]
fn serve_on_port_0_says_which_port_it_got() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_serve(&dir.path().join("trunks.json"));
    assert_ne!(server.addr.port(), 0);
    assert_eq!(list(server.addr, Instant::now() + PATIENCE).unwrap().0, 200);
}

#[test]
fn a_second_serve_on_the_same_data_file_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("trunks.json");
    let first = start_serve(&data);
    let id = create(first.addr);

    let mut second = serve_command(&data).spawn().unwrap();
    let stderr = second.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = BufReader::new(stderr).read_to_string(&mut text);
        let _ = tx.send(text);
    });
    let status = wait_for_exit(&mut second, Instant::now() + PATIENCE);
    let said = rx.recv_timeout(PATIENCE).unwrap_or_default();
    let status =
        status.unwrap_or_else(|| panic!("the second serve kept running; it said {said:?}"));
    assert!(!status.success(), "{status:?}: {said}");
    assert!(!said.contains("listening on"), "{said}");
    assert!(said.contains(&data.display().to_string()), "{said}");
    assert!(
        said.contains(&format!("pid {}", first.child.id())),
        "names the first server's process: {said}"
    );

    // The first one's trunk is still there and it still serves.
    let (code, text) = list(first.addr, Instant::now() + PATIENCE).unwrap();
    assert_eq!(code, 200);
    assert!(text.contains(&id), "{text}");
    drop(first);

    // Once the first has stopped, the file is free again.
    let third = start_serve(&data);
    let (_, text) = list(third.addr, Instant::now() + PATIENCE).unwrap();
    assert!(text.contains(&id), "{text}");
}

/// Through a relative symlink (resolved from the link's directory, not the current one) and an
/// absolute one.
#[cfg(unix)]
#[tokio::test]
async fn a_symlinked_data_file_is_written_through_and_stays_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("real");
    std::fs::create_dir(&real_dir).unwrap();
    let target = real_dir.join("trunks.json");
    for (name, points_to) in [
        ("relative.json", PathBuf::from("real/trunks.json")),
        ("absolute.json", target.clone()),
    ] {
        let link = dir.path().join(name);
        std::os::unix::fs::symlink(&points_to, &link).unwrap();

        let server = trunktui::server::start(options(Some(link.clone())))
            .await
            .unwrap();
        let addr = server.addr;
        let id = tokio::task::spawn_blocking(move || create(addr))
            .await
            .unwrap();
        server.shutdown().await;

        let meta = std::fs::symlink_metadata(&link).unwrap();
        assert!(meta.file_type().is_symlink(), "{name} replaced by {meta:?}");
        assert_eq!(std::fs::read_link(&link).unwrap(), points_to);
        let text = std::fs::read_to_string(&target).unwrap();
        assert!(text.contains(&id), "{name}: {text}");
        // Nothing is left beside the link or the target: no temporary file, no lock.
        for d in [dir.path(), real_dir.as_path()] {
            let names: Vec<_> = std::fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(".tmp") || n.ends_with(".lock"))
                .collect();
            assert!(names.is_empty(), "{name}: {names:?}");
        }
    }
}

/// A server removes its lock file as it stops, but never one that is not its own: after the
/// file was replaced under it (here by hand, and a second server that then took the new one),
/// the lock of the server still running stays.
#[tokio::test]
async fn a_server_leaves_a_lock_file_that_is_not_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("trunks.json");
    let lock = dir.path().join("trunks.json.lock");
    let first = trunktui::server::start(options(Some(data.clone())))
        .await
        .unwrap();
    assert!(lock.exists());
    std::fs::remove_file(&lock).unwrap();
    let second = trunktui::server::start(options(Some(data.clone())))
        .await
        .unwrap();
    first.shutdown().await;
    assert!(lock.exists(), "the first server removed the second's lock");
    let err = trunktui::server::start(options(Some(data.clone())))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("in use by another"), "{err}");
    second.shutdown().await;
    assert!(!lock.exists());
}

#[tokio::test]
async fn a_temporary_file_left_by_a_crash_is_removed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("trunks.json");
    // What `write_atomic` leaves when the process dies between writing and renaming.
    let stale = dir.path().join(".trunks.json.tmp-4242-AbCdEfGh");
    std::fs::write(
        &stale,
        format!("{{\"trunk_auth_password\":\"{PASSWORD}\"}}"),
    )
    .unwrap();
    // Files that are not its temporary files stay.
    let others = [
        dir.path().join(".other.json.tmp-4242-AbCdEfGh"),
        dir.path().join("trunks.json.bak"),
    ];
    for other in &others {
        std::fs::write(other, "keep").unwrap();
    }

    let server = trunktui::server::start(options(Some(data.clone())))
        .await
        .unwrap();
    assert!(!stale.exists(), "the stale temporary file is still there");
    for other in &others {
        assert_eq!(std::fs::read_to_string(other).unwrap(), "keep");
    }
    server.shutdown().await;
}
