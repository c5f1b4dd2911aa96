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
