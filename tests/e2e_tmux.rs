//! The real binary in a real terminal: tmux runs `trunktui`, keys go in with send-keys, the
//! screen comes back with capture-pane. Without tmux they fail and say how to install it
//! (`.ci/run` installs it); TRUNKTUI_SKIP_E2E=1 skips them on purpose.

mod common;

use common::e2e::{have_tmux, isolated_env, listening_url, refused_port};

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_trunktui");

/// A tmux server of our own (its own socket), so tests never touch the user's sessions.
struct Tmux {
    socket: String,
    session: String,
}

impl Tmux {
    fn start(name: &str, size: (u16, u16), command: &str, env: &[(&str, &str)]) -> Tmux {
        Tmux::start_then(name, size, command, env, "")
    }

    /// As `start`, with shell commands to run once trunktui has exited and its exit status
    /// is shown.
    fn start_then(
        name: &str,
        size: (u16, u16),
        command: &str,
        env: &[(&str, &str)],
        after: &str,
    ) -> Tmux {
        let t = Tmux {
            socket: format!("trunktui-test-{}-{name}", std::process::id()),
            session: name.to_string(),
        };
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &t.socket, "-f", "/dev/null", "new-session", "-d"])
            .args([
                "-s",
                &t.session,
                "-x",
                &size.0.to_string(),
                "-y",
                &size.1.to_string(),
            ]);
        for (k, v) in env {
            cmd.args(["-e", &format!("{k}={v}")]);
        }
        // The shell stays after trunktui exits, so the terminal it left behind can be
        // inspected (tmux reports nothing useful about a dead pane's cursor).
        cmd.arg(format!(
            "{command}; echo TRUNKTUI-EXIT=$?; {after} sleep 600"
        ));
        let out = cmd.output().expect("tmux new-session");
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
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

    /// Pastes `text` as a terminal does: wrapped in bracketed-paste markers when the
    /// program asked for them, else as plain input.
    fn paste(&self, text: &str) {
        self.tmux(&["set-buffer", "-b", "e2e", "--", text]);
        self.tmux(&["paste-buffer", "-p", "-d", "-b", "e2e", "-t", &self.session]);
    }

    /// The pid of the trunktui the pane's shell started.
    fn trunktui_pid(&self) -> String {
        let shell = self.format("#{pane_pid}");
        let out = Command::new("pgrep")
            .args(["-P", &shell, "trunktui"])
            .output()
            .unwrap();
        let pid = String::from_utf8(out.stdout).unwrap().trim().to_string();
        assert!(!pid.is_empty(), "no trunktui under {shell}");
        pid
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", &self.session])
    }

    fn format(&self, f: &str) -> String {
        self.tmux(&["display-message", "-p", "-t", &self.session, f])
            .trim()
            .to_string()
    }

    /// Polls the screen until `pred` holds; the deadline is generous, the poll is fast.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_for_within(what, Duration::from_secs(20), pred)
    }

    fn wait_for_within(
        &self,
        what: &str,
        patience: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + patience;
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for trunktui to exit and returns its exit status.
    fn wait_exit(&self) -> String {
        let screen = self.wait_for("trunktui to exit", |s| s.contains("TRUNKTUI-EXIT="));
        screen
            .split("TRUNKTUI-EXIT=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_default()
            .to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `trunktui serve` on a port it picks itself; returns it and its base URL.
fn serve(dir: &std::path::Path, key: &str) -> (Server, String) {
    let stderr = dir.join("serve.stderr");
    let child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--api-key", key])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .expect("trunktui serve");
    let mut server = Server(child);
    let base = listening_url(&mut server.0, &stderr, Duration::from_secs(10));
    (server, base)
}

#[test]
fn create_through_the_form_shows_in_the_list_and_in_trunktui_list() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let key = "e2e-key-Zq9";
    let password = "e2e-pass-Xy7";
    let (_server, base) = serve(dir.path(), key);
    let env = isolated_env(dir.path());
    let mut env_refs: Vec<(&str, &str)> =
        env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    env_refs.push(("TRUNKTUI_API_KEY", key));
    env_refs.push(("TRUNKTUI_BASE_URL", &base));

    let t = Tmux::start("form", (80, 24), BIN, &env_refs);
    t.wait_for("the empty list", |s| s.contains("no trunks yet"));
    t.send(&["n"]);
    t.wait_for("the form", |s| s.contains("New trunk"));
    t.send(&["Tab"]);
    t.type_text("E2E Trunk");
    t.send(&["Tab"]);
    t.type_text("e2e.pstn.twilio.com");
    t.send(&["Tab"]);
    t.type_text("+15550100000 +15550100001");
    t.send(&["Tab"]);
    t.type_text("AC0123456789");
    t.send(&["Tab"]);
    t.type_text(password);
    // Looks once the password is drawn, as one dot a character: a look before that would
    // pass whatever the form shows.
    let mask = "•".repeat(password.chars().count());
    let form = t.wait_for("the masked password", |s| {
        s.contains(&mask) || s.contains(password)
    });
    assert!(
        form.contains(&mask) && !form.contains(password),
        "password shown while masked:\n{form}"
    );
    t.send(&["Enter"]);
    let screen = t.wait_for("the new trunk in the list", |s| {
        s.contains("E2E Trunk") && !s.contains("New trunk")
    });
    assert!(
        screen.contains("created ST_"),
        "log line missing:\n{screen}"
    );
    t.send(&["q"]);
    assert_eq!(t.wait_exit(), "0");
    assert_eq!(
        t.format("#{alternate_on}"),
        "0",
        "still on the alternate screen"
    );
    assert_eq!(t.format("#{cursor_flag}"), "1", "cursor left hidden");

    let out = Command::new(BIN)
        .args(["list", "--json", "--base-url", &base])
        .env("TRUNKTUI_API_KEY", key)
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let trunks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = trunks
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["trunk_name"].as_str())
        .collect();
    assert_eq!(names, ["E2E Trunk"]);

    // The status log file has the story and none of the secrets.
    let log = std::fs::read_to_string(dir.path().join("state/trunktui/trunktui.log")).unwrap();
    assert!(log.contains("created ST_"), "{log}");
    assert!(!log.contains(key) && !log.contains(password));
}

#[test]
fn demo_opens_at_both_sizes_and_a_stopped_server_is_survived() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let env = isolated_env(dir.path());
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    for (w, h) in [(80, 24), (120, 40)] {
        let t = Tmux::start(
            &format!("demo{w}"),
            (w, h),
            &format!("{BIN} --demo"),
            &env_refs,
        );
        let screen = t.wait_for("demo trunks", |s| {
            s.contains("trunks") && s.contains("twilio")
        });
        assert!(screen.contains("demo"), "{screen}");
        t.send(&["?"]);
        t.wait_for("help", |s| s.contains("OSC 52"));
        t.send(&["Escape", "C-c"]);
        assert_eq!(t.wait_exit(), "0");
        assert_eq!(t.format("#{alternate_on}"), "0");
        assert_eq!(t.format("#{cursor_flag}"), "1");
    }

    // Nothing listens on this port: the dashboard opens anyway and says so.
    let port = refused_port();
    let mut env_refs = env_refs.clone();
    let base = format!("http://127.0.0.1:{port}");
    env_refs.push(("TRUNKTUI_BASE_URL", &base));
    let t = Tmux::start("down", (80, 24), BIN, &env_refs);
    t.wait_for("unreachable", |s| {
        s.contains("unreachable") && s.contains("cannot connect")
    });
    t.send(&["j", "k", "?"]);
    t.wait_for("help while down", |s| s.contains("OSC 52"));
    // Esc and q written together arrive as Alt+q, which only closes the help.
    t.send(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("OSC 52"));
    t.send(&["q"]);
    assert_eq!(t.wait_exit(), "0");
}

/// After trunktui exits, the pane's shell prints the terminal's line settings and then
/// echoes one line it reads, so a test can see the tty as the next program gets it.
const TTY_PROBE: &str = "stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(echo|icanon|isig)' | tr '\\n' ' ' | sed 's/^/TTY=/'; echo; IFS= read -r line; printf 'READ=%s=END\\n' \"$line\" | cat -v;";

#[test]
fn every_signal_that_stops_trunktui_restores_the_terminal() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let env = isolated_env(dir.path());
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // Every signal whose default action ends a process and that another process (or a
    // timer) may send; SIGPIPE is left out: Rust ignores it, and so must trunktui.
    let mut signals = vec!["HUP", "INT", "QUIT", "TERM", "USR1", "USR2", "ALRM", "IO"];
    if cfg!(target_os = "linux") {
        signals.extend(["XCPU", "XFSZ", "VTALRM", "PROF", "PWR"]);
    }
    for signal in signals {
        let t = Tmux::start_then(
            &format!("sig{signal}"),
            (80, 24),
            &format!("{BIN} --demo"),
            &env_refs,
            TTY_PROBE,
        );
        t.wait_for("demo trunks", |s| s.contains("twilio"));
        assert_eq!(t.format("#{alternate_on}"), "1");
        let pid = t.trunktui_pid();
        let status = Command::new("kill")
            .args(["-s", signal, &pid])
            .status()
            .unwrap();
        assert!(status.success(), "kill -s {signal} {pid}");
        t.wait_exit();
        assert_eq!(
            t.format("#{alternate_on}"),
            "0",
            "SIG{signal} left the alternate screen on"
        );
        assert_eq!(
            t.format("#{cursor_flag}"),
            "1",
            "SIG{signal} left the cursor hidden"
        );
        let screen = t.wait_for("the tty settings", |s| s.contains("TTY="));
        let settings: Vec<&str> = screen
            .split("TTY=")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .take_while(|w| !w.contains("READ"))
            .collect();
        for flag in ["echo", "icanon", "isig"] {
            assert!(
                settings.contains(&flag),
                "SIG{signal} left the tty without {flag} (raw mode): {settings:?}\n{screen}"
            );
        }
        // Bracketed paste is off again: a paste reaches the shell as plain text.
        t.paste("probe\n");
        let screen = t.wait_for("the pasted line", |s| s.contains("=END"));
        assert!(
            screen.contains("READ=probe=END"),
            "SIG{signal} left bracketed paste on:\n{screen}"
        );
    }
}

#[test]
fn sigpipe_is_ignored_and_the_dashboard_goes_on() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let env = isolated_env(dir.path());
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let t = Tmux::start("sigpipe", (80, 24), &format!("{BIN} --demo"), &env_refs);
    t.wait_for("demo trunks", |s| s.contains("twilio"));
    let pid = t.trunktui_pid();
    assert!(
        Command::new("kill")
            .args(["-s", "PIPE", &pid])
            .status()
            .unwrap()
            .success()
    );
    // Still there and taking keys.
    t.send(&["?"]);
    t.wait_for("help", |s| s.contains("OSC 52"));
    t.send(&["q"]);
    t.wait_for("help closed", |s| !s.contains("OSC 52"));
    t.send(&["q"]);
    assert_eq!(t.wait_exit(), "0");
}

#[test]
fn a_paste_on_the_list_is_text_and_never_deactivates() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let env = isolated_env(dir.path());
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let t = Tmux::start("paste", (100, 30), &format!("{BIN} --demo"), &env_refs);
    t.wait_for("demo trunks", |s| s.contains("12 trunks"));
    // As keys, d asks to deactivate the selected trunk and y says yes.
    t.paste("dy");
    let screen = t.wait_for("the paste to be ignored", |s| s.contains("paste ignored"));
    assert!(
        !screen.contains("DELETE")
            && !screen.contains("Deactivate trunk")
            && screen.contains("12 trunks"),
        "a pasted dy acted as keys:\n{screen}"
    );
    // In the form a pasted line break does not submit, and the rest is not run as keys.
    t.send(&["n"]);
    t.wait_for("the form", |s| s.contains("New trunk"));
    t.send(&["Tab"]);
    t.paste("Pasted Name\nq");
    let screen = t.wait_for("the refusal", |s| s.contains("paste refused"));
    assert!(screen.contains("New trunk"), "the form closed:\n{screen}");
    t.paste("Pasted Name\n");
    let screen = t.wait_for("the pasted name", |s| s.contains("Pasted Name"));
    assert!(
        !screen.contains("creating"),
        "the paste submitted:\n{screen}"
    );
    // Esc and q written together arrive as Alt+q, which the form ignores: one at a time.
    t.send(&["Escape"]);
    t.wait_for("the form to close", |s| !s.contains("New trunk"));
    t.send(&["q"]);
    assert_eq!(t.wait_exit(), "0");
    assert_eq!(t.format("#{alternate_on}"), "0");
}

#[test]
fn every_key_of_a_burst_is_handled_without_more_input() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let env = isolated_env(dir.path());
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();

    // 3000 j then q, written to the terminal at once: q must quit with nothing typed after.
    let t = Tmux::start("burst", (80, 24), &format!("{BIN} --demo"), &env_refs);
    t.wait_for("demo trunks", |s| s.contains("12 trunks"));
    t.type_text(&format!("{}q", "j".repeat(3000)));
    // Generous: a debug build handles the keys slowly; nothing else is sent meanwhile.
    t.wait_for_within(
        "q at the end of the burst to quit",
        Duration::from_secs(60),
        |s| s.contains("TRUNKTUI-EXIT="),
    );
    assert_eq!(t.wait_exit(), "0");
    drop(t);

    // 3000 characters typed into the form, then Ctrl+C, at once: Ctrl+C still quits.
    let t = Tmux::start("burst2", (80, 24), &format!("{BIN} --demo"), &env_refs);
    t.wait_for("demo trunks", |s| s.contains("12 trunks"));
    t.send(&["n"]);
    t.wait_for("the form", |s| s.contains("New trunk"));
    t.send(&["Tab"]);
    t.type_text(&format!("{}\u{3}", "x".repeat(3000)));
    t.wait_for_within(
        "Ctrl+C at the end of the burst to quit",
        Duration::from_secs(60),
        |s| s.contains("TRUNKTUI-EXIT="),
    );
    assert_eq!(t.wait_exit(), "0");
    assert_eq!(t.format("#{alternate_on}"), "0");
}

#[test]
fn a_100_kb_paste_is_cut_to_the_field_and_ctrl_c_still_quits() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let env = isolated_env(dir.path());
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let t = Tmux::start("bigpaste", (100, 30), &format!("{BIN} --demo"), &env_refs);
    t.wait_for("demo trunks", |s| s.contains("12 trunks"));
    t.send(&["n"]);
    t.wait_for("the form", |s| s.contains("New trunk"));
    t.send(&["Tab"]);
    let big = dir.path().join("big.txt");
    std::fs::write(&big, "N".repeat(100 * 1024)).unwrap();
    t.tmux(&["load-buffer", "-b", "big", &big.display().to_string()]);
    t.tmux(&["paste-buffer", "-p", "-d", "-b", "big", "-t", &t.session]);
    let screen = t.wait_for("the cut paste", |s| s.contains("pasted text cut"));
    assert!(screen.contains("at most 128 characters"), "{screen}");
    t.send(&["C-c"]);
    assert_eq!(t.wait_exit(), "0");
}

/// CPU time (user + system, in clock ticks) a process has used, from /proc.
fn cpu_ticks(pid: &str) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn an_idle_dashboard_writes_almost_nothing_and_uses_no_cpu() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let env = isolated_env(dir.path());
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let t = Tmux::start("idle", (80, 24), &format!("{BIN} --demo"), &env_refs);
    t.wait_for("demo trunks", |s| {
        s.contains("Exotel") && s.contains("refreshed")
    });
    let shell = t.format("#{pane_pid}");
    let pid = String::from_utf8(
        Command::new("pgrep")
            .args(["-P", &shell, "trunktui"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .to_string();
    assert!(!pid.is_empty(), "no trunktui under {shell}");

    // Everything trunktui writes to its terminal from now on lands in this file.
    let written = dir.path().join("idle.bytes");
    t.tmux(&[
        "pipe-pane",
        "-o",
        "-t",
        &t.session,
        &format!("cat >> {}", written.display()),
    ]);
    let before = cpu_ticks(&pid);
    // The measurement window itself: this wait is what is being measured, not a sync.
    std::thread::sleep(Duration::from_secs(3));
    let ticks = cpu_ticks(&pid) - before;
    t.tmux(&["pipe-pane", "-t", &t.session]);
    let bytes = std::fs::read(&written).unwrap_or_default();

    // Only the "refreshed Ns ago" label may change while idle: a cursor move and a digit or
    // two a second (about 35 bytes; a window of 3 s sees at most 4 ticks), never a redraw.
    assert!(
        bytes.len() <= 4 * 64,
        "{} bytes written while idle: {:?}",
        bytes.len(),
        String::from_utf8_lossy(&bytes)
    );
    let text = String::from_utf8_lossy(&bytes);
    eprintln!("idle: {} bytes, {ticks} ticks: {text:?}", bytes.len());
    assert!(
        !text.contains("Exotel") && !text.contains("Status log"),
        "{text:?}"
    );
    // A clock tick is 10 ms. Three label updates cost well under one; a loop that redraws
    // or polls while idle costs hundreds. Generous, so a loaded machine does not flake it.
    assert!(ticks <= 20, "{ticks} CPU ticks used in 3 idle seconds");
    t.send(&["q"]);
    assert_eq!(t.wait_exit(), "0");
}
