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
