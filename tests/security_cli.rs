//! The headless commands against what a hostile server, a careless URL or an absurd config
//! value can do to the user's terminal and secrets: the real binary, run in an isolated HOME
//! with stdout a pipe or a real pseudo-terminal (`script` from util-linux), against servers
//! written here on loopback.

mod common;

use common::e2e::isolated_env;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_trunktui");

/// An isolated HOME for one test, with a config file of its own.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` as the config file (owner-only, so no permission warning) and returns
    /// its path.
    fn config(&self, text: &str) -> PathBuf {
        let path = self.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        path
    }

    /// The binary with only this HOME's environment and `vars`.
    fn command(&self, args: &[&str], vars: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args).env_clear().env("PATH", "/usr/bin:/bin");
        for (k, v) in isolated_env(self.path()) {
            cmd.env(k, v);
        }
        cmd.env("RUST_BACKTRACE", "1").stdin(Stdio::null());
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs with stdout and stderr pipes.
    fn run(&self, args: &[&str], vars: &[(&str, &str)]) -> Output {
        self.command(args, vars).output().expect("run trunktui")
    }

    /// Runs with stdout and stderr on a pseudo-terminal (util-linux `script`), as a person
    /// at a terminal would; returns the exit code and every byte written to the terminal.
    fn run_in_pty(&self, args: &[&str], vars: &[(&str, &str)]) -> (Option<i32>, Vec<u8>) {
        let line = std::iter::once(BIN)
            .chain(args.iter().copied())
            .map(shell_quote)
            .collect::<Vec<_>>()
            .join(" ");
        let mut cmd = Command::new("script");
        cmd.args(["-q", "-e", "-c", &line, "/dev/null"])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("SHELL", "/bin/sh");
        for (k, v) in isolated_env(self.path()) {
            cmd.env(k, v);
        }
        cmd.env("RUST_BACKTRACE", "1").stdin(Stdio::null());
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = cmd
            .output()
            .expect("script (util-linux) is needed: apt-get install -y bsdutils");
        (out.status.code(), out.stdout)
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---------------------------------------------------------------------------------------
// Durations out of range (issue 8, item 10)

const HUGE: &str = "9223372036854775807";

#[test]
fn a_huge_refresh_interval_is_a_config_error_not_a_panic() {
    let home = Home::new();
    let config = home.config(&format!(
        "[profiles.x]\nbase_url = \"http://127.0.0.1:9\"\nrefresh_secs = {HUGE}\n"
    ));
    let config = config.to_str().unwrap();
    // The dashboard, in a real terminal: this once panicked adding the interval to a clock.
    let (code, screen) = home.run_in_pty(&[], &[("TRUNKTUI_CONFIG", config)]);
    let screen = text(&screen);
    assert!(!screen.contains("panicked"), "{screen}");
    assert_eq!(code, Some(2), "{screen}");
    assert!(
        screen.contains(&format!(
            "{config}:3:16: refresh_secs of profile `x` must be 0 (off) or 1 to 86400 seconds"
        )),
        "{screen}"
    );
    // Every command reads the same configuration and refuses it the same way.
    let out = home.run(&["list"], &[("TRUNKTUI_CONFIG", config)]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(text(&out.stderr).contains(":3:16: refresh_secs"), "{out:?}");
}

#[test]
fn out_of_range_timeouts_are_refused_from_the_file_and_the_flag() {
    let home = Home::new();
    let config = home.config(&format!(
        "[profiles.x]\nbase_url = \"http://127.0.0.1:9\"\nconnect_timeout_secs = {HUGE}\n"
    ));
    let config = config.to_str().unwrap();
    let out = home.run(&["list"], &[("TRUNKTUI_CONFIG", config)]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        text(&out.stderr).contains(&format!(
            "{config}:3:24: connect_timeout_secs of profile `x` must be 1 to 3600 seconds"
        )),
        "{out:?}"
    );

    let config = home.config("[profiles.x]\nbase_url = \"http://127.0.0.1:9\"\n");
    let config = config.to_str().unwrap();
    let out = home.run(
        &["list", "--timeout", "18446744073709551615"],
        &[("TRUNKTUI_CONFIG", config)],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        text(&out.stderr).contains("--timeout: timeout_secs must be 1 to 3600 seconds"),
        "{out:?}"
    );
}

// ---------------------------------------------------------------------------------------
// The base URL's password (issue 8, item 3)

const URL_PASSWORD: &str = "S3cretPw";
const URL_WITH_PASSWORD: &str = "http://user:S3cretPw@example.invalid:9/";

fn assert_no_url_password(place: &str, out: &Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(
            !text(bytes).contains(URL_PASSWORD),
            "{place}: the URL's password is on {stream}: {}",
            text(bytes)
        );
    }
}

/// A create body that passes the local rules, for `create --dry-run`.
const BODY: &str = r#"{"trunk_name":"T","trunk_address":"example.pstn.twilio.com","trunk_numbers":["+15550100000"],"trunk_auth_username":"ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","trunk_auth_password":"pw","trunk_type":"twilio"}"#;

#[test]
fn the_base_urls_password_is_not_printed_by_any_command() {
    let home = Home::new();
    let config = home.config(&format!(
        "[profiles.x]\nbase_url = \"{URL_WITH_PASSWORD}\"\n"
    ));
    let body = home.path().join("body.json");
    std::fs::write(&body, BODY).unwrap();
    let config = config.to_str().unwrap();
    let vars = [("TRUNKTUI_CONFIG", config), ("TRUNKTUI_API_KEY", "k-1")];

    // Plain http to another host: the warning names the host, never the password.
    let out = home.run(&["list"], &vars);
    assert_no_url_password("list", &out);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("warning: base_url http://user@example.invalid:9/ uses plain http://")
            || stderr.contains("warning: base_url http://example.invalid:9/ uses plain http://"),
        "{stderr}"
    );
    let out = home.run(
        &["create", "--dry-run", "-f", body.to_str().unwrap()],
        &vars,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_no_url_password("create --dry-run", &out);
    assert!(text(&out.stderr).contains("example.invalid:9"), "{out:?}");
    let out = home.run(&["deactivate", "ST_x"], &vars);
    assert_no_url_password("deactivate", &out);
    let out = home.run(&["list", "--base-url", URL_WITH_PASSWORD], &vars);
    assert_no_url_password("list --base-url", &out);
}

#[test]
fn a_refused_base_url_is_not_repeated_with_its_password() {
    let home = Home::new();
    for bad in [
        "ftp://user:S3cretPw@example.invalid/",
        "http://user:S3cretPw@example.invalid:99999/",
        "user:S3cretPw@example.invalid:8000",
        "http://user:S3cretPw@/",
    ] {
        let out = home.run(&["list"], &[("TRUNKTUI_BASE_URL", bad)]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {out:?}");
        assert!(
            text(&out.stderr).starts_with("trunktui: TRUNKTUI_BASE_URL: base_url"),
            "{bad}: {out:?}"
        );
        assert_no_url_password(bad, &out);
        let config = home.config(&format!("[profiles.x]\nbase_url = \"{bad}\"\n"));
        let out = home.run(&["list"], &[("TRUNKTUI_CONFIG", config.to_str().unwrap())]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {out:?}");
        assert!(
            text(&out.stderr).contains(":2:12: base_url"),
            "{bad}: {out:?}"
        );
        assert_no_url_password(bad, &out);
    }
}

/// The dashboard shows configuration warnings in its status log and writes them to the log
/// file: neither may hold the password.
#[test]
fn the_dashboards_log_file_does_not_hold_the_base_urls_password() {
    use std::io::Write;
    use std::time::{Duration, Instant};
    let home = Home::new();
    let config = home.config(&format!(
        "[profiles.x]\nbase_url = \"{URL_WITH_PASSWORD}\"\nrefresh_secs = 0\n"
    ));
    let config = config.to_str().unwrap();
    let line = shell_quote(BIN);
    let mut cmd = Command::new("script");
    cmd.args(["-q", "-e", "-c", &line, "/dev/null"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("SHELL", "/bin/sh")
        .env("TRUNKTUI_CONFIG", config);
    for (k, v) in isolated_env(home.path()) {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("script (util-linux)");
    let log = home.path().join("state/trunktui/trunktui.log");
    let deadline = Instant::now() + Duration::from_secs(20);
    // The warning is logged at start; the failed list (the host does not resolve) after it.
    let logged = loop {
        let now = std::fs::read_to_string(&log).unwrap_or_default();
        if now.contains("clear text")
            && now.contains("example.invalid:9")
            && now.contains("cannot connect")
        {
            break now;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the log file never got the warning and the error; it holds:\n{now}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    child.stdin.as_mut().unwrap().write_all(b"q").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!logged.contains(URL_PASSWORD), "log file: {logged}");
    assert!(!text(&out.stdout).contains(URL_PASSWORD), "screen");
}

// ---------------------------------------------------------------------------------------
// Server strings on stdout and stderr (issue 8, item 5)

/// A server on 127.0.0.1 (port 0) that answers every request whose "METHOD /path" starts
/// with a route's prefix with that route's status, content type and body, and 404 otherwise.
struct Hostile {
    addr: std::net::SocketAddr,
    _runtime: tokio::runtime::Runtime,
}

struct Route {
    prefix: &'static str,
    status: u16,
    content_type: &'static str,
    body: String,
}

fn json_route(prefix: &'static str, status: u16, body: serde_json::Value) -> Route {
    Route {
        prefix,
        status,
        content_type: "application/json",
        body: body.to_string(),
    }
}

impl Hostile {
    fn start(routes: Vec<Route>) -> Hostile {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let routes = std::sync::Arc::new(routes);
        runtime.spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let routes = routes.clone();
                tokio::spawn(async move {
                    // The head, then as much body as it announces.
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let head_end = loop {
                        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break at + 4;
                        }
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                    let length = head
                        .lines()
                        .filter_map(|l| l.split_once(':'))
                        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    while buf.len() < head_end + length {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let request_line = head.lines().next().unwrap_or_default().to_string();
                    let (status, content_type, body) = routes
                        .iter()
                        .find(|r| request_line.starts_with(r.prefix))
                        .map_or(
                            (404, "application/json", r#"{"detail":"Not Found"}"#.to_string()),
                            |r| (r.status, r.content_type, r.body.clone()),
                        );
                    let answer = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(answer.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Hostile {
            addr,
            _runtime: runtime,
        }
    }

    /// The environment that points the binary here, with the revision and scheme pinned so
    /// nothing asks for /openapi.json.
    fn vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("TRUNKTUI_BASE_URL", format!("http://{}", self.addr)),
            ("TRUNKTUI_API_KEY", "tk_hostile_test_key".into()),
            ("TRUNKTUI_AUTH_SCHEME", "x-api-key".into()),
            ("TRUNKTUI_API_REVISION", "v1".into()),
        ]
    }
}

fn as_refs<'a>(vars: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    vars.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// An id that writes the clipboard (OSC 52), plants a link (OSC 8), asks the terminal for
/// the cursor position (its reply would arrive as typed input), opens a DCS string, uses an
/// 8-bit CSI and reverses the text after it.
const HOSTILE_ID: &str = "ST_\u{1b}]52;c;SGVsbG8=\u{7}\u{1b}]8;;http://evil.example\u{7}x\u{1b}]8;;\u{7}\u{1b}[6n\u{1b}P+q544e\u{1b}\\\u{9b}2J\u{202E}lave\u{2066}";

/// Characters a terminal acts on or that reorder text; `\r` and `\n` are a terminal's own
/// line endings, allowed only where `newlines` says.
fn acted_on(c: char, newlines: bool) -> bool {
    if newlines && (c == '\r' || c == '\n') {
        return false;
    }
    c.is_control()
        || matches!(c,
            '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}')
}

fn assert_inert(place: &str, bytes: &[u8]) {
    let s = text(bytes);
    let bad: Vec<String> = s
        .chars()
        .filter(|c| acted_on(*c, true))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    assert!(bad.is_empty(), "{place} holds {}: {s:?}", bad.join(" "));
}

fn create_ok(id: &str) -> Route {
    json_route(
        "POST /sip/create-outbound-trunk",
        200,
        serde_json::json!({
            "success": true,
            "message": "Outbound trunk created successfully, Store the trunk id securely.",
            "data": {"trunk_id": id},
        }),
    )
}

#[test]
fn an_id_with_control_characters_is_refused_when_stdout_is_a_pipe() {
    let server = Hostile::start(vec![create_ok(HOSTILE_ID)]);
    let home = Home::new();
    let body = home.path().join("body.json");
    std::fs::write(&body, BODY).unwrap();
    let vars = server.vars();
    let out = home.run(&["create", "-f", body.to_str().unwrap()], &as_refs(&vars));
    assert_eq!(out.status.code(), Some(5), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    assert_inert("stderr", &out.stderr);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("the trunk was created")
            && stderr.contains("control or invisible characters"),
        "{stderr}"
    );

    // A plain id is printed as sent.
    let server = Hostile::start(vec![create_ok("ST_plain_123")]);
    let vars = server.vars();
    let out = home.run(&["create", "-f", body.to_str().unwrap()], &as_refs(&vars));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(text(&out.stdout), "ST_plain_123\n");
}

#[test]
fn an_id_with_control_characters_is_printed_sanitized_on_a_terminal() {
    let server = Hostile::start(vec![create_ok(HOSTILE_ID)]);
    let home = Home::new();
    let body = home.path().join("body.json");
    std::fs::write(&body, BODY).unwrap();
    let vars = server.vars();
    let (code, screen) =
        home.run_in_pty(&["create", "-f", body.to_str().unwrap()], &as_refs(&vars));
    assert_inert("the terminal", &screen);
    assert_eq!(code, Some(0), "{}", text(&screen));
    let shown = trunktui::text::sanitize(HOSTILE_ID).into_owned();
    assert!(shown.starts_with("ST_␛]52;c;SGVsbG8=␇"), "{shown}");
    let screen = text(&screen);
    assert!(
        screen.lines().any(|l| l.trim_end_matches('\r') == shown),
        "the sanitized id is not a line of its own: {screen:?}"
    );
}

/// Error texts a server controls, in every place the CLI repeats them: none of their
/// control, bidi or format characters reach stderr.
#[test]
fn server_error_texts_reach_stderr_without_controls_or_bidi() {
    let evil =
        "a\u{202E}b\u{2066}c\u{2067}d\u{2069}e\u{200F}f\u{061C}g\u{9b}2Jh\u{1b}[2Ji\u{feff}j";
    let home = Home::new();
    let body = home.path().join("body.json");
    std::fs::write(&body, BODY).unwrap();
    let body = body.to_str().unwrap();
    let cases: Vec<(Vec<&str>, Route, i32)> = vec![
        (
            vec!["create", "-f", body],
            json_route("POST /sip/create", 400, serde_json::json!({"detail": evil})),
            4,
        ),
        (
            vec!["create", "-f", body],
            json_route(
                "POST /sip/create",
                422,
                serde_json::json!({"detail": [{"loc": ["body", evil], "msg": evil, "type": "x"}]}),
            ),
            4,
        ),
        (
            vec!["create", "-f", body],
            json_route(
                "POST /sip/create",
                200,
                serde_json::json!({"success": false, "message": evil}),
            ),
            5,
        ),
        (
            vec!["list"],
            Route {
                prefix: "GET /sip/list",
                status: 500,
                content_type: "text/plain",
                body: format!("boom {evil}"),
            },
            5,
        ),
        (
            vec!["list"],
            json_route("GET /sip/list", 401, serde_json::json!({"detail": evil})),
            3,
        ),
        (
            vec!["deactivate", "ST_1"],
            json_route(
                "DELETE /sip/deactivate",
                404,
                serde_json::json!({"success": false, "message": evil}),
            ),
            6,
        ),
        (
            vec!["deactivate", "ST_1"],
            json_route(
                "DELETE /sip/deactivate",
                400,
                serde_json::json!({"detail": evil}),
            ),
            4,
        ),
    ];
    for (args, route, code) in cases {
        let what = format!("{args:?} against {} {}", route.status, route.body);
        let server = Hostile::start(vec![route]);
        let vars = server.vars();
        let out = home.run(&args, &as_refs(&vars));
        assert_eq!(out.status.code(), Some(code), "{what}: {out:?}");
        assert!(
            !out.stderr.is_empty() && text(&out.stderr).contains('a'),
            "{what}: {out:?}"
        );
        assert_inert(&format!("{what}: stderr"), &out.stderr);
        assert_inert(&format!("{what}: stdout"), &out.stdout);
    }
}

/// `list --json` keeps every character of the data (it is data), but writes the ones a
/// terminal acts on as JSON escapes, so `trunktui list --json` on a terminal is as safe as
/// the table.
#[test]
fn list_json_escapes_what_a_terminal_acts_on_and_loses_nothing() {
    let name = "n\u{202E}a\u{9b}2Jm\u{1b}]52;c;AA\u{7}e\u{2066}\u{E0041}\u{1F600}";
    let list = serde_json::json!({
        "success": true,
        "message": "SIP trunks retrieved successfully",
        "data": [{
            "trunk_id": HOSTILE_ID,
            "trunk_name": name,
            "trunk_address": "sip.example.com",
            "trunk_numbers": ["+15550100000"],
            "trunk_type": "twilio",
            "trunk_created_at": "2024-01-15T10:00:00.000000",
        }],
    });
    let server = Hostile::start(vec![json_route("GET /sip/list", 200, list)]);
    let home = Home::new();
    let vars = server.vars();
    let out = home.run(&["list", "--json"], &as_refs(&vars));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_inert("list --json", &out.stdout);
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(parsed[0]["trunk_id"], HOSTILE_ID);
    assert_eq!(parsed[0]["trunk_name"], name);
    let (code, screen) = home.run_in_pty(&["list"], &as_refs(&vars));
    assert_eq!(code, Some(0), "{}", text(&screen));
    assert!(
        text(&screen).starts_with("\u{1b}[1mID "),
        "no bold header: {:?}",
        text(&screen)
    );
    // The table's own bold header is the only escape allowed.
    let screen = text(&screen)
        .replace("\u{1b}[1m", "")
        .replace("\u{1b}[0m", "");
    assert_inert("list on a terminal", screen.as_bytes());
}

/// The table of a list whose entries lack what servers sometimes leave out.
#[test]
fn the_table_shows_what_is_missing_as_such() {
    let list = serde_json::json!({
        "success": true,
        "message": "SIP trunks retrieved successfully",
        "data": [
            {"trunk_id": "ST_one", "trunk_name": "One", "trunk_numbers": ["+15550100000"],
             "trunk_type": "twilio", "trunk_created_at": "yesterday"},
            {"trunk_id": "ST_none", "trunk_name": "None", "trunk_numbers": [],
             "trunk_type": "exotel"},
            {"trunk_name": "no id"},
        ],
    });
    let server = Hostile::start(vec![json_route("GET /sip/list", 200, list)]);
    let home = Home::new();
    let vars = server.vars();
    let out = home.run(&["list"], &as_refs(&vars));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        text(&out.stderr),
        "trunktui: warning: 1 list entries had no trunk_id and are not shown\n"
    );
    let table = text(&out.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    // No address and no creator: the address column, unknown.
    assert!(
        lines[0].contains("ADDRESS") && !lines[0].contains("CREATED BY"),
        "{table}"
    );
    let cells = |l: &str| -> Vec<String> {
        l.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect()
    };
    assert_eq!(
        cells(lines[1]),
        ["ST_one", "One", "twilio", "?", "+15550100000", "yesterday"],
        "{table}"
    );
    assert_eq!(
        cells(lines[2]),
        ["ST_none", "None", "exotel", "?", "-", "?"],
        "{table}"
    );
}
