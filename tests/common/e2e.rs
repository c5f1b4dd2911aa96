//! What the tests that run the real binary share: finding tmux, servers' ports, and an isolated
//! HOME so no real configuration, key or log file is read or written.

use std::path::Path;
use std::process::{Child, Command};
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

/// A local port where nothing listens, for as long as the test process lives: a socket is
/// bound to it and never listens, so connecting is refused and no other program can take
/// the port meanwhile (a port found free and released could be).
pub fn refused_port() -> u16 {
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket
        .bind(([127, 0, 0, 1], 0).into())
        .expect("bind to a free port");
    let port = socket.local_addr().expect("local addr").port();
    // Held until the process ends, so the port stays taken.
    std::mem::forget(socket);
    port
}

/// Waits until `trunktui serve`, started with `--addr 127.0.0.1:0` and its stderr written to
/// `stderr`, says where it listens, and returns that base URL (`http://127.0.0.1:PORT`): the
/// port is the one the server bound, so no other program can have taken it.
pub fn listening_url(child: &mut Child, stderr: &Path, patience: Duration) -> String {
    const SAYS: &str = "listening on ";
    let deadline = Instant::now() + patience;
    loop {
        let text = std::fs::read_to_string(stderr).unwrap_or_default();
        if let Some(rest) = text.split(SAYS).nth(1)
            && let Some(url) = rest.split_whitespace().next()
            && rest.contains('\n')
        {
            return url.to_string();
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("trunktui serve exited ({status}) before listening: {text}");
        }
        assert!(
            Instant::now() < deadline,
            "trunktui serve did not say where it listens; stderr: {text}"
        );
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
