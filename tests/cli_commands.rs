//! The headless commands as a user or a script meets them: the real binary in an isolated
//! HOME, against the real `trunktui serve` on a loopback port it chose itself, checking
//! what is printed where and the exit codes the README documents.

mod common;

use common::e2e::isolated_env;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_trunktui");

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

    /// Where the platform's config file is in this HOME (XDG_CONFIG_HOME is set).
    fn default_config(&self) -> PathBuf {
        self.path().join("config/trunktui/config.toml")
    }

    fn command(&self, args: &[&str], vars: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .current_dir(self.path())
            .env_clear()
            .env("PATH", "/usr/bin:/bin");
        for (k, v) in isolated_env(self.path()) {
            cmd.env(k, v);
        }
        cmd.env("RUST_BACKTRACE", "1").stdin(Stdio::null());
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd
    }

    fn run(&self, args: &[&str], vars: &[(&str, &str)]) -> Output {
        self.command(args, vars).output().expect("run trunktui")
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn stdout(out: &Output) -> String {
    text(&out.stdout)
}

fn stderr(out: &Output) -> String {
    text(&out.stderr)
}

// ---------------------------------------------------------------------------------------
// Which file: `config path`, `config init` and every command choose it the same way

/// `TRUNKTUI_CONFIG=' '` counts as unset when the settings are read, so `config path` and
/// `config init` must name and write the default file too, not a file called " ".
#[test]
fn a_blank_trunktui_config_means_the_default_file_everywhere() {
    let home = Home::new();
    let default = home.default_config();
    for blank in [" ", "\t", ""] {
        let out = home.run(&["config", "path"], &[("TRUNKTUI_CONFIG", blank)]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(
            stdout(&out),
            format!("{}\n", default.display()),
            "{blank:?}"
        );
    }

    let out = home.run(&["config", "init"], &[("TRUNKTUI_CONFIG", " ")]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        default.is_file(),
        "init did not write {}",
        default.display()
    );
    assert!(
        !home.path().join(" ").exists(),
        "init wrote a file named \" \""
    );

    // And the file the commands read is that one: its profile is used.
    std::fs::write(
        &default,
        "[profiles.mine]\nbase_url = \"http://127.0.0.1:9\"\nread_only = true\n",
    )
    .unwrap();
    let out = home.run(&["deactivate", "ST_1"], &[("TRUNKTUI_CONFIG", " ")]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        stderr(&out).contains("profile \"mine\" is read_only"),
        "{out:?}"
    );
}

// ---------------------------------------------------------------------------------------
// The real `trunktui serve`, on a port it chose

const KEY: &str = "tk_cli_test_key_0123456789";
const OTHER_KEY: &str = "tk_cli_other_key_9876543210";
const WRONG_KEY: &str = "tk_cli_wrong_key_5555555555";
/// How long anything that should happen at once may take.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(20);

/// `trunktui serve --addr 127.0.0.1:0` and the address it says it bound.
struct Serve {
    child: std::process::Child,
    base: String,
    /// Every line of its stderr, as it comes.
    lines: std::sync::mpsc::Receiver<String>,
    /// The lines read so far.
    seen: Vec<String>,
}

impl Serve {
    /// With our key unless `args` gives keys of its own.
    fn start(home: &Home, args: &[&str]) -> Serve {
        let mut all = vec!["serve", "--addr", "127.0.0.1:0"];
        if !args.contains(&"--api-key") {
            all.extend(["--api-key", KEY]);
        }
        all.extend_from_slice(args);
        let mut child = home
            .command(&all, &[])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("trunktui serve");
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let mut serve = Serve {
            child,
            base: String::new(),
            lines,
            seen: Vec::new(),
        };
        let line = serve.wait_for_line("listening on http://");
        let rest = &line[line.find("listening on ").unwrap() + "listening on ".len()..];
        serve.base = rest.split_whitespace().next().unwrap().to_string();
        assert!(
            serve.base.starts_with("http://127.0.0.1:") && !serve.base.ends_with(":0"),
            "serve did not print the address it bound: {line}"
        );
        serve
    }

    /// The first stderr line holding `needle`, waiting for it with a deadline.
    fn wait_for_line(&mut self, needle: &str) -> String {
        if let Some(line) = self.seen.iter().find(|l| l.contains(needle)) {
            return line.clone();
        }
        let deadline = std::time::Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "serve never printed {needle:?}; it printed:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// The environment of a client of this server with `key`.
    fn client<'a>(&'a self, key: &'a str) -> [(&'a str, &'a str); 2] {
        [("TRUNKTUI_BASE_URL", &self.base), ("TRUNKTUI_API_KEY", key)]
    }

    /// Sends `signal` (TERM, INT) and waits for the exit status.
    fn stop(&mut self, signal: &str) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
        let deadline = std::time::Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "serve did not stop on SIG{signal}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const TWILIO: &str = r#"{"trunk_name":"Twilio Production","trunk_address":"example.pstn.twilio.com","trunk_numbers":["+15550100000","+15550100001"],"trunk_auth_username":"ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","trunk_auth_password":"pw-Zr4tY8nBq5Lx","trunk_type":"twilio"}"#;
const EXOTEL_V1: &str = r#"{"trunk_name":"Exotel India","trunk_address":"sip.exotel.com","trunk_numbers":["+911234567890"],"trunk_auth_username":"your_exotel_sid","trunk_auth_password":"your_exotel_token","trunk_type":"exotel"}"#;

impl Home {
    /// Writes `body` to a file in this HOME and returns its path.
    fn body(&self, name: &str, body: &str) -> String {
        let path = self.path().join(name);
        std::fs::write(&path, body).unwrap();
        path.display().to_string()
    }

    /// `list --json` as parsed JSON, asserting it succeeded.
    fn list(&self, vars: &[(&str, &str)]) -> Vec<serde_json::Value> {
        let out = self.run(&["list", "--json"], vars);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// `create -f` with `body`, asserting it succeeded; the id it printed.
    fn create(&self, body: &str, vars: &[(&str, &str)]) -> String {
        let file = self.body("create.json", body);
        let out = self.run(&["create", "-f", &file], vars);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let id = stdout(&out).trim_end().to_string();
        assert!(!id.is_empty() && !id.contains('\n'), "{out:?}");
        assert_eq!(
            stderr(&out),
            format!("trunktui: created {id}; store the trunk id securely\n")
        );
        id
    }
}

fn ids(list: &[serde_json::Value]) -> Vec<&str> {
    list.iter()
        .map(|t| t["trunk_id"].as_str().unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Headless create, list and deactivate against serve

#[test]
fn create_list_and_deactivate_against_serve() {
    let home = Home::new();
    let serve = Serve::start(&home, &["--api-key", KEY, "--api-key", OTHER_KEY]);
    let env = serve.client(KEY);
    assert!(home.list(&env).is_empty());
    let out = home.run(&["list"], &env);
    assert_eq!(stdout(&out).lines().nth(1), Some("(no trunks)"), "{out:?}");

    let id = home.create(TWILIO, &env);
    let list = home.list(&env);
    assert_eq!(ids(&list), [id.as_str()]);
    assert_eq!(list[0]["trunk_name"], "Twilio Production");
    assert_eq!(list[0]["trunk_numbers"][1], "+15550100001");
    // The table: a header, then one aligned row with the first number and how many more.
    let out = home.run(&["list"], &env);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
    let table = stdout(&out);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2, "{table}");
    assert!(
        lines.iter().all(|l| !l.ends_with(' ')),
        "trailing spaces: {table:?}"
    );
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("  NAME") && lines[0].contains("ADDRESS"),
        "{table}"
    );
    assert!(
        !lines[0].contains('\u{1b}'),
        "bold header on a pipe: {table:?}"
    );
    let row = lines[1];
    assert!(row.starts_with(&format!("{id}  ")), "{table}");
    assert_eq!(row.find("Twilio"), lines[0].find("NAME"), "{table}");
    assert!(row.contains("example.pstn.twilio.com"), "{table}");
    assert!(row.contains("+15550100000 +1"), "{table}");
    let created = row.split("  ").filter(|c| !c.is_empty()).last().unwrap();
    assert!(
        created.len() == 16 && created.as_bytes()[4] == b'-' && created.as_bytes()[13] == b':',
        "created column {created:?} in {table}"
    );
    // The trunk belongs to its key's user.
    assert!(home.list(&serve.client(OTHER_KEY)).is_empty());

    let out = home.run(&["deactivate", &id], &env);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stderr(&out), format!("trunktui: deactivated {id}\n"));
    assert!(out.stdout.is_empty(), "{out:?}");
    assert!(home.list(&env).is_empty());

    // Again: the server says it is already deactivated (400): invalid input, 4.
    let out = home.run(&["deactivate", &id], &env);
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    assert!(stderr(&out).contains("already deactivated"), "{out:?}");
    // An id the server never gave: not found, 6.
    let out = home.run(&["deactivate", "ST_never_existed"], &env);
    assert_eq!(out.status.code(), Some(6), "{out:?}");
    assert!(stderr(&out).contains("not found (404)"), "{out:?}");
}

#[test]
fn a_v2_server_lists_the_creator_instead_of_the_address() {
    let home = Home::new();
    let serve = Serve::start(&home, &["--api-revision", "v2"]);
    let env = serve.client(KEY);
    let id = home.create(TWILIO, &env);
    let out = home.run(&["list"], &env);
    let table = stdout(&out);
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].contains("CREATED BY") && !lines[0].contains("ADDRESS"),
        "{table}"
    );
    assert!(lines[1].starts_with(&id), "{table}");
    // v2 lists no numbers, type or time: each is unknown, not empty.
    assert!(
        lines[1].matches(" ? ").count() >= 1 || lines[1].ends_with('?'),
        "{table}"
    );

    // A v1 Exotel body cannot be sent as v2 (it has no virtual number): invalid input.
    let file = home.body("exotel.json", EXOTEL_V1);
    let out = home.run(&["create", "-f", &file], &env);
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    assert!(
        stderr(&out).contains("trunk_config.exotel_number"),
        "{out:?}"
    );
    assert!(out.stdout.is_empty(), "{out:?}");
}

// ---------------------------------------------------------------------------------------
// A read_only profile refuses to change trunks

#[test]
fn a_read_only_profile_refuses_create_and_deactivate() {
    let home = Home::new();
    let serve = Serve::start(&home, &[]);
    let writer = serve.client(KEY);
    let id = home.create(TWILIO, &writer);
    let config = home.path().join("ro.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.prod]\nbase_url = \"{}\"\napi_key_env = \"RO_KEY\"\nread_only = true\n",
            serve.base
        ),
    )
    .unwrap();
    let config = config.display().to_string();
    let ro = [("TRUNKTUI_CONFIG", config.as_str()), ("RO_KEY", KEY)];
    let file = home.body("body.json", TWILIO);

    let out = home.run(&["create", "-f", &file], &ro);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        stderr(&out),
        "trunktui: profile \"prod\" is read_only, so create is refused; use another profile to change trunks\n"
    );
    assert!(out.stdout.is_empty());
    let out = home.run(&["deactivate", &id], &ro);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        stderr(&out).contains("read_only, so deactivate is refused"),
        "{out:?}"
    );
    // Nothing reached the server: the one trunk is still there, and no other.
    assert_eq!(ids(&home.list(&ro)), [id.as_str()]);
    // Checking a body sends nothing, so it is allowed.
    let out = home.run(&["create", "--dry-run", "-f", &file], &ro);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stderr(&out).contains("nothing sent"), "{out:?}");
    // Another profile of the same server may change trunks.
    let out = home.run(&["deactivate", &id], &writer);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

// ---------------------------------------------------------------------------------------
// Exit codes (README's table)

#[test]
fn exit_code_2_for_usage_and_configuration_errors() {
    let home = Home::new();
    type Case<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec!["list", "--no-such-flag"],
            vec![],
            "unexpected argument",
        ),
        (
            vec!["list"],
            vec![("TRUNKTUI_PROFILE", "nope")],
            "profile `nope` (from TRUNKTUI_PROFILE) is not defined",
        ),
        (
            vec!["list", "--config", "/nonexistent/trunktui.toml"],
            vec![],
            "config file /nonexistent/trunktui.toml (from --config) does not exist",
        ),
        (
            vec!["list"],
            vec![("TRUNKTUI_AUTH_SCHEME", "basic")],
            "TRUNKTUI_AUTH_SCHEME: \"basic\" is not an auth scheme",
        ),
        // A key a header cannot carry is refused before anything is sent.
        (
            vec!["list"],
            vec![
                ("TRUNKTUI_BASE_URL", "http://127.0.0.1:9"),
                ("TRUNKTUI_API_KEY", "bad\u{1}key"),
                ("TRUNKTUI_AUTH_SCHEME", "x-api-key"),
                ("TRUNKTUI_API_REVISION", "v1"),
            ],
            "",
        ),
        (
            vec!["create", "-f", "/nonexistent/body.json"],
            vec![],
            "trunktui: cannot read /nonexistent/body.json",
        ),
    ];
    for (args, vars, expected) in cases {
        let out = home.run(&args, &vars);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(stderr(&out).contains(expected), "{args:?}: {out:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {out:?}");
    }
}

#[test]
fn exit_codes_3_4_and_6_for_the_servers_refusals() {
    let home = Home::new();
    let serve = Serve::start(&home, &[]);
    // The wrong key: 401, the message names where the key came from.
    let out = home.run(&["list"], &serve.client(WRONG_KEY));
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(
        stderr(&out).contains("the key came from TRUNKTUI_API_KEY"),
        "{out:?}"
    );
    // No key at all.
    let out = home.run(&["list"], &[("TRUNKTUI_BASE_URL", &serve.base)]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(stderr(&out).contains("no API key is configured"), "{out:?}");

    // Invalid input, found locally: each field on a line of its own.
    let bad = home.body(
        "bad.json",
        &TWILIO
            .replace("\"+15550100000\"", "\"555\"")
            .replace("Twilio Production", ""),
    );
    let out = home.run(&["create", "-f", &bad], &serve.client(KEY));
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!("trunktui: invalid input in {bad}:\n")),
        "{err}"
    );
    assert!(err.contains("\n  trunk_name: "), "{err}");
    assert!(err.contains("\n  trunk_numbers"), "{err}");
    // Not a create body: exit 4, and serde's quote of the value (a password) is dropped.
    let typed = home.body(
        "typed.json",
        &TWILIO.replace("\"pw-Zr4tY8nBq5Lx\"", "8437291056"),
    );
    let out = home.run(&["create", "-f", &typed], &serve.client(KEY));
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    assert!(
        stderr(&out).contains(&format!(
            "trunktui: {typed} is not a create request: invalid type: integer, expected"
        )),
        "{out:?}"
    );
    assert!(!stderr(&out).contains("8437291056"), "{out:?}");
    // From stdin, named as such.
    let mut child = home
        .command(&["create", "-f", "-"], &serve.client(KEY))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"[1, 2]").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    assert!(
        stderr(&out).starts_with("trunktui: stdin is not a create request"),
        "{out:?}"
    );
    // Larger than 1 MiB: refused unread; exactly 1 MiB is read (and then is not a body).
    let huge = home.body("huge.json", &" ".repeat(1024 * 1024 + 1));
    let out = home.run(&["create", "-f", &huge], &serve.client(KEY));
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    assert_eq!(
        stderr(&out),
        format!("trunktui: {huge} is larger than 1 MiB\n")
    );
    // The same cap on stdin.
    for (size, expected) in [
        (1024 * 1024 + 1, "trunktui: stdin is larger than 1 MiB\n"),
        (1024 * 1024, "trunktui: stdin is not a create request"),
    ] {
        let mut child = home
            .command(&["create", "-f", "-"], &serve.client(KEY))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            // It may stop reading at the cap: a broken pipe here is expected.
            let _ = stdin.write_all(&vec![b' '; size]);
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert_eq!(out.status.code(), Some(4), "{size}: {out:?}");
        assert!(stderr(&out).starts_with(expected), "{size}: {out:?}");
    }
    let max = home.body("max.json", &" ".repeat(1024 * 1024));
    let out = home.run(&["create", "-f", &max], &serve.client(KEY));
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    assert!(stderr(&out).contains("is not a create request"), "{out:?}");

    // The server does not know the trunk: not found, 6.
    let out = home.run(&["deactivate", "ST_unknown"], &serve.client(KEY));
    assert_eq!(out.status.code(), Some(6), "{out:?}");
}

#[test]
fn exit_code_5_when_the_server_is_unreachable_or_silent() {
    let home = Home::new();
    // A listener that never answers: the request times out after --timeout.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", silent.local_addr().unwrap());
    let pinned = [
        ("TRUNKTUI_BASE_URL", base.as_str()),
        ("TRUNKTUI_API_KEY", KEY),
        ("TRUNKTUI_AUTH_SCHEME", "x-api-key"),
        ("TRUNKTUI_API_REVISION", "v1"),
    ];
    let out = home.run(&["list", "--timeout", "1"], &pinned);
    assert_eq!(out.status.code(), Some(5), "{out:?}");
    assert!(stderr(&out).contains("within 1s (timeout)"), "{out:?}");
    // A create that times out may have happened: the user is told before retrying.
    let file = home.body("body.json", TWILIO);
    let out = home.run(&["create", "-f", &file, "--timeout", "1"], &pinned);
    assert_eq!(out.status.code(), Some(5), "{out:?}");
    assert!(stderr(&out).contains("the outcome is unknown"), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    drop(silent);

    // A server that has stopped: the connection is refused.
    let mut serve = Serve::start(&home, &[]);
    let base = serve.base.clone();
    assert_eq!(serve.stop("TERM").code(), Some(0));
    let out = home.run(
        &["list"],
        &[("TRUNKTUI_BASE_URL", &base), ("TRUNKTUI_API_KEY", KEY)],
    );
    assert_eq!(out.status.code(), Some(5), "{out:?}");
    assert!(stderr(&out).contains("cannot connect to"), "{out:?}");
}

// ---------------------------------------------------------------------------------------
// serve itself

#[test]
fn serve_generates_a_key_when_given_none_and_stops_on_sigint_and_sigterm() {
    let home = Home::new();
    let mut serve = Serve::start(&home, &["--api-key"][..0]);
    // Started with our key: nothing generated.
    assert!(
        !serve.seen.iter().any(|l| l.contains("generated")),
        "{:?}",
        serve.seen
    );
    assert_eq!(serve.stop("INT").code(), Some(0));
    serve.wait_for_line("stopping");

    // Without --api-key: one is generated and printed once, and it works.
    let mut child = home
        .command(&["serve", "--addr", "127.0.0.1:0"], &[])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr_pipe = child.stderr.take().unwrap();
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr_pipe)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let mut generated = Serve {
        child,
        base: String::new(),
        lines,
        seen: Vec::new(),
    };
    let line = generated.wait_for_line("generated one for this run: ");
    let key = line.rsplit(' ').next().unwrap().to_string();
    let listening = generated.wait_for_line("listening on http://");
    generated.base = listening
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    let out = home.run(&["list"], &generated.client(&key));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(generated.stop("TERM").code(), Some(0));
}

#[test]
fn serve_on_a_taken_address_is_a_usage_error() {
    let home = Home::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = home.run(&["serve", "--addr", &addr, "--api-key", KEY], &[]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stderr(&out).starts_with("trunktui serve: "), "{out:?}");
    assert!(!stderr(&out).contains("listening"), "{out:?}");
}

// ---------------------------------------------------------------------------------------
// config path and config init

#[test]
fn config_path_names_the_file_each_way_it_can_be_chosen() {
    let home = Home::new();
    let out = home.run(&["config", "path"], &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        stdout(&out),
        format!("{}\n", home.default_config().display())
    );
    assert!(out.stderr.is_empty(), "{out:?}");
    let out = home.run(
        &["config", "path"],
        &[("TRUNKTUI_CONFIG", "/etc/from-env.toml")],
    );
    assert_eq!(stdout(&out), "/etc/from-env.toml\n");
    // The flag wins, before or after the command.
    let vars = [("TRUNKTUI_CONFIG", "/etc/from-env.toml")];
    let out = home.run(&["config", "--config", "/etc/flag.toml", "path"], &vars);
    assert_eq!(stdout(&out), "/etc/flag.toml\n", "{out:?}");
    let out = home.run(&["--config", "/etc/outer.toml", "config", "path"], &vars);
    assert_eq!(stdout(&out), "/etc/outer.toml\n", "{out:?}");
    let out = home.run(
        &[
            "--config",
            "/etc/outer.toml",
            "config",
            "--config",
            "/etc/inner.toml",
            "path",
        ],
        &vars,
    );
    assert_eq!(stdout(&out), "/etc/inner.toml\n", "{out:?}");
}

#[test]
fn config_init_writes_the_example_owner_only_and_never_overwrites() {
    let home = Home::new();
    let path = home.default_config();
    let out = home.run(&["config", "init"], &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        stderr(&out),
        format!(
            "trunktui: wrote {} (mode 0600); edit it to add your profiles\n",
            path.display()
        )
    );
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        trunktui::config::EXAMPLE
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "file mode");
        let dir_mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700, "directory mode");
    }
    // What it wrote is a configuration the commands accept.
    let out = home.run(&["config", "path"], &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = home.run(
        &["create", "--dry-run", "-f", &home.body("b.json", TWILIO)],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    // Never overwritten.
    std::fs::write(&path, "# mine\n").unwrap();
    let out = home.run(&["config", "init"], &[]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        stderr(&out),
        format!(
            "trunktui: {} already exists; not overwriting it\n",
            path.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");

    // --config names where to write.
    let other = home.path().join("elsewhere/t.toml");
    let out = home.run(
        &["config", "--config", other.to_str().unwrap(), "init"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(other.is_file());
}

// ---------------------------------------------------------------------------------------
// main refuses flags that would be ignored

#[test]
fn flags_that_would_be_ignored_are_refused() {
    let home = Home::new();
    let out = home.run(&["--demo", "list"], &[]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        stderr(&out),
        "trunktui: --demo opens the dashboard on a built-in server; it does not go with a command\n"
    );
    for flag in [
        ["--config", "/tmp/x.toml"],
        ["--profile", "p"],
        ["--base-url", "http://127.0.0.1:1"],
        ["--auth-scheme", "bearer"],
        ["--api-revision", "v2"],
        ["--timeout", "3"],
    ] {
        let mut args = flag.to_vec();
        args.extend(["serve", "--addr", "127.0.0.1:0", "--api-key", KEY]);
        let out = home.run(&args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(
            stderr(&out).starts_with("trunktui: serve takes its own flags"),
            "{args:?}: {out:?}"
        );
        assert!(!stderr(&out).contains("listening"), "{args:?}: {out:?}");
    }
    // After serve, they are not serve's flags at all: clap refuses them.
    let out = home.run(&["serve", "--profile", "p"], &[]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

/// A client flag after the command wins over the same flag before it.
#[test]
fn a_flag_after_the_command_wins_over_one_before() {
    let home = Home::new();
    let serve = Serve::start(&home, &[]);
    let env = [("TRUNKTUI_API_KEY", KEY)];
    let out = home.run(
        &[
            "--base-url",
            "http://127.0.0.1:9",
            "list",
            "--base-url",
            &serve.base,
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = home.run(&["--base-url", &serve.base, "list"], &env);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

// ---------------------------------------------------------------------------------------
// Settings reach the client

#[test]
fn the_auth_scheme_is_detected_or_pinned() {
    let home = Home::new();
    let serve = Serve::start(&home, &["--auth-scheme", "bearer"]);
    // Left to detection, the server's /openapi.json says bearer.
    let out = home.run(&["list"], &serve.client(KEY));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // Pinned to the other header: refused.
    let mut vars = serve.client(KEY).to_vec();
    vars.push(("TRUNKTUI_AUTH_SCHEME", "x-api-key"));
    let out = home.run(&["list"], &vars);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let out = home.run(&["list", "--auth-scheme", "bearer"], &vars);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

// ---------------------------------------------------------------------------------------
// stdout that cannot be written

fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer
}

fn dev_full() -> std::fs::File {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap()
}

#[test]
fn a_closed_pipe_is_no_error_and_a_full_disk_is() {
    let home = Home::new();
    let serve = Serve::start(&home, &[]);
    let env = serve.client(KEY);
    home.create(TWILIO, &env);
    for args in [&["list"][..], &["list", "--json"], &["config", "path"]] {
        let out = home
            .command(args, &env)
            .stdout(closed_pipe())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        assert!(out.stderr.is_empty(), "{args:?}: {out:?}");

        let out = home
            .command(args, &env)
            .stdout(dev_full())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
        assert!(
            stderr(&out).starts_with("trunktui: cannot write the "),
            "{args:?}: {out:?}"
        );
    }
    // The id of a trunk just created is worth a message whatever went wrong.
    let file = home.body("body.json", TWILIO);
    for stdout in [Stdio::from(closed_pipe()), Stdio::from(dev_full())] {
        let out = home
            .command(&["create", "-f", &file], &env)
            .stdout(stdout)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        assert!(
            stderr(&out).contains("the trunk was created, but its id could not be written"),
            "{out:?}"
        );
    }
}

/// A signal sent the moment serve says it listens stops it cleanly (exit 0, "stopping"),
/// not by the signal's default action: the handlers are in place before the line is printed.
#[test]
fn serve_stops_cleanly_on_a_signal_sent_as_soon_as_it_listens() {
    let home = Home::new();
    for signal in ["TERM", "INT", "TERM", "INT", "TERM", "INT"] {
        let mut serve = Serve::start(&home, &[]);
        let status = serve.stop(signal);
        assert_eq!(status.code(), Some(0), "SIG{signal}: {status:?}");
        serve.wait_for_line("trunktui serve: stopping");
    }
}

// ---------------------------------------------------------------------------------------
// The dashboard, in a pseudo-terminal

/// Runs `trunktui --demo` in a pseudo-terminal (util-linux `script`) with `vars`, waits
/// until the sample trunks are drawn, quits with `q`, and returns every byte it drew.
fn demo_screen(home: &Home, vars: &[(&str, &str)]) -> String {
    use std::io::{Read, Write};
    // `script` cannot take the size of a terminal it does not have: set one.
    let line = format!("stty rows 24 cols 100; '{BIN}' --demo");
    let mut cmd = Command::new("script");
    cmd.args(["-q", "-e", "-c", &line, "/dev/null"])
        .current_dir(home.path())
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("SHELL", "/bin/sh");
    for (k, v) in isolated_env(home.path()) {
        cmd.env(k, v);
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("script (util-linux)");
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                return;
            }
        }
    });
    let mut screen = Vec::new();
    let deadline = std::time::Instant::now() + PATIENCE;
    while !String::from_utf8_lossy(&screen).contains("sip.exotel.com") {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(bytes) => screen.extend(bytes),
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "the demo never drew its trunks: {:?}",
                    String::from_utf8_lossy(&screen)
                );
            }
        }
    }
    child.stdin.as_mut().unwrap().write_all(b"q").unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "the dashboard did not quit cleanly");
    while let Ok(bytes) = rx.recv_timeout(std::time::Duration::from_secs(1)) {
        screen.extend(bytes);
    }
    String::from_utf8_lossy(&screen).into_owned()
}

/// Foreground colours (SGR 30-37, 90-97, 38;...) in what a terminal received.
fn has_colour(screen: &str) -> bool {
    screen.split("\u{1b}[").skip(1).any(|seq| {
        let params = seq.split('m').next().unwrap_or_default();
        params
            .split(';')
            .any(|p| matches!(p.parse::<u8>(), Ok(30..=37 | 90..=97 | 38)))
            && !params.contains(|c: char| !c.is_ascii_digit() && c != ';')
    })
}

#[test]
fn the_demo_dashboard_honours_no_color() {
    let home = Home::new();
    let plain = demo_screen(&home, &[("NO_COLOR", "1")]);
    assert!(!has_colour(&plain), "colours with NO_COLOR=1");
    // An empty NO_COLOR is unset (no-color.org).
    let coloured = demo_screen(&home, &[("NO_COLOR", "")]);
    assert!(has_colour(&coloured), "no colours without NO_COLOR");
}
