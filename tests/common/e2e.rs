//! What the tests that run the real binary share: finding tmux, free ports, and an isolated
//! HOME so no real configuration, key or log file is read or written.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Without tmux these tests fail and say how to install it; TRUNKTUI_SKIP_E2E=1 skips them.
pub fn have_tmux() -> bool {
    if std::env::var_os("TRUNKTUI_SKIP_E2E").is_some() {
        eprintln!("SKIPPED: TRUNKTUI_SKIP_E2E is set");
        return false;
    }
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "the end-to-end tests need tmux: apt-get install -y tmux (or set TRUNKTUI_SKIP_E2E=1)"
    );
    true
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Polls until something listens on the port, failing after `patience`.
pub fn wait_for_port(port: u16, what: &str, patience: Duration) {
    let deadline = Instant::now() + patience;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not start listening");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// HOME and the XDG directories inside `dir`, and a TERM tmux can draw.
pub fn isolated_env(dir: &Path) -> Vec<(String, String)> {
    let under = |sub: &str| dir.join(sub).display().to_string();
    vec![
        ("HOME".into(), dir.display().to_string()),
        ("XDG_CONFIG_HOME".into(), under("config")),
        ("XDG_STATE_HOME".into(), under("state")),
        ("XDG_DATA_HOME".into(), under("data")),
        ("XDG_CACHE_HOME".into(), under("cache")),
        ("TERM".into(), "xterm-256color".into()),
    ]
}
