//! Configuration layering: built-in defaults < file < environment < flags, profile choice,
//! and the errors and warnings a person sees. The environment is a HashMap, never the
//! process's own, so these tests can run in parallel.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;
use trunktui::api::{ApiRevision, AuthScheme};
use trunktui::config::{self, Accent, ConfigError, Overrides, RevisionSetting, Settings};

const FILE: &str = r##"
default_profile = "staging"

[profiles.staging]
base_url = "https://staging.example.com"
auth_scheme = "bearer"
api_key = "file-key-123"
timeout_secs = 20
connect_timeout_secs = 7
refresh_secs = 0
read_only = true
accent = "#ff8800"

[profiles.local]
base_url = "http://127.0.0.1:9000"
api_key_env = "LOCAL_TRUNK_KEY"
"##;

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        Fixture {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The file at `config.toml` in the temporary directory, owner-only unless a test says
    /// otherwise, so the permission warning appears only where it is tested.
    fn write(&self, text: &str) -> PathBuf {
        let path = self.dir.path().join("config.toml");
        fs::write(&path, text).unwrap();
        set_mode(&path, 0o600);
        path
    }

    /// A default path that does not exist, standing in for the user's real one.
    fn missing_default(&self) -> Option<PathBuf> {
        Some(self.dir.path().join("nowhere").join("config.toml"))
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) {}

fn resolve_at(
    flags: &Overrides,
    vars: &[(&str, &str)],
    default_path: Option<PathBuf>,
) -> Result<Settings, ConfigError> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    config::resolve_with_default_path(flags, &|name| vars.get(name).cloned(), default_path)
}

/// Resolve with the file given through TRUNKTUI_CONFIG plus the other variables.
fn resolve_file(
    path: &Path,
    flags: &Overrides,
    vars: &[(&str, &str)],
) -> Result<Settings, ConfigError> {
    let path = path.to_str().unwrap();
    let mut all = vec![("TRUNKTUI_CONFIG", path)];
    all.extend_from_slice(vars);
    resolve_at(flags, &all, None)
}

#[test]
fn defaults_without_a_file() {
    let fx = Fixture::new();
    let s = resolve_at(&Overrides::default(), &[], fx.missing_default()).unwrap();
    assert_eq!(s.profile, "default");
    assert_eq!(s.base_url, "http://localhost:8000");
    // Both are read from the server unless pinned.
    assert_eq!(s.auth_scheme, AuthScheme::Auto);
    assert_eq!(s.api_revision, None);
    assert!(s.api_key.is_none());
    assert_eq!(s.key_source, "no key configured");
    assert_eq!(s.timeout, Duration::from_secs(10));
    assert_eq!(s.connect_timeout, Duration::from_secs(5));
    assert_eq!(s.refresh_secs, 30);
    assert!(!s.read_only);
    assert_eq!(s.accent, None);
    assert!(!s.config_found);
    assert_eq!(s.config_path, fx.missing_default().unwrap());
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn the_file_overrides_the_defaults() {
    let fx = Fixture::new();
    let path = fx.write(FILE);
    let s = resolve_file(&path, &Overrides::default(), &[]).unwrap();
    assert!(s.config_found);
    assert_eq!(s.config_path, path);
    assert_eq!(s.profile, "staging");
    assert_eq!(s.base_url, "https://staging.example.com");
    assert_eq!(s.auth_scheme, AuthScheme::Bearer);
    assert_eq!(s.api_key.as_ref().unwrap().expose(), "file-key-123");
    assert_eq!(s.key_source, format!("api_key in {}", path.display()));
    assert_eq!(s.timeout, Duration::from_secs(20));
    assert_eq!(s.connect_timeout, Duration::from_secs(7));
    assert_eq!(s.refresh_secs, 0);
    assert!(s.read_only);
    assert_eq!(s.accent, Some(Accent::Rgb(0xff, 0x88, 0x00)));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn the_default_path_is_read_when_nothing_names_a_file() {
    let fx = Fixture::new();
    let path = fx.write(FILE);
    let s = resolve_at(&Overrides::default(), &[], Some(path.clone())).unwrap();
    assert!(s.config_found);
    assert_eq!(s.config_path, path);
    assert_eq!(s.profile, "staging");
}

#[test]
fn the_environment_overrides_the_file() {
    let fx = Fixture::new();
    let path = fx.write(FILE);
    let s = resolve_file(
        &path,
        &Overrides::default(),
        &[
            ("TRUNKTUI_PROFILE", "local"),
            ("TRUNKTUI_BASE_URL", "https://env.example.com"),
            ("TRUNKTUI_API_KEY", "env-key"),
            ("LOCAL_TRUNK_KEY", "local-key"),
        ],
    )
    .unwrap();
    assert_eq!(s.profile, "local");
    assert_eq!(s.base_url, "https://env.example.com");
    assert_eq!(s.api_key.as_ref().unwrap().expose(), "env-key");
    assert_eq!(s.key_source, "TRUNKTUI_API_KEY");
    // The local profile sets none of these, so they fall back to the defaults.
    assert_eq!(s.auth_scheme, AuthScheme::Auto);
    assert_eq!(s.timeout, Duration::from_secs(10));
    assert!(!s.read_only);
}

#[test]
fn the_environment_key_overrides_an_api_key_in_the_file() {
    let fx = Fixture::new();
    let path = fx.write(FILE);
    let s = resolve_file(
        &path,
        &Overrides::default(),
        &[("TRUNKTUI_API_KEY", "env-key")],
    )
    .unwrap();
    assert_eq!(s.profile, "staging");
    assert_eq!(s.api_key.unwrap().expose(), "env-key");
    assert_eq!(s.key_source, "TRUNKTUI_API_KEY");
    // Easy to forget after an export: the override is said.
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("TRUNKTUI_API_KEY is set and is used instead")),
        "{:?}",
        s.warnings
    );
}

#[test]
fn flags_override_the_environment_and_the_file() {
    let fx = Fixture::new();
    let path = fx.write(FILE);
    let other = fx.dir.path().join("other.toml");
    fs::write(
        &other,
        "[profiles.flagged]\nbase_url = \"https://other.example.com\"\n",
    )
    .unwrap();
    set_mode(&other, 0o600);

    let flags = Overrides {
        config: Some(other.clone()),
        profile: Some("flagged".into()),
        base_url: Some("https://flag.example.com".into()),
        auth_scheme: Some(AuthScheme::Bearer),
        api_revision: Some(RevisionSetting::V2),
        timeout_secs: Some(3),
    };
    let s = resolve_file(
        &path,
        &flags,
        &[
            ("TRUNKTUI_PROFILE", "local"),
            ("TRUNKTUI_BASE_URL", "https://env.example.com"),
        ],
    )
    .unwrap();
    assert_eq!(s.config_path, other);
    assert_eq!(s.profile, "flagged");
    assert_eq!(s.base_url, "https://flag.example.com");
    assert_eq!(s.auth_scheme, AuthScheme::Bearer);
    assert_eq!(s.api_revision, Some(ApiRevision::V2));
    assert_eq!(s.timeout, Duration::from_secs(3));
}

#[test]
fn flags_override_the_file_without_environment() {
    let fx = Fixture::new();
    let path = fx.write(FILE);
    let flags = Overrides {
        base_url: Some("https://flag.example.com".into()),
        auth_scheme: Some(AuthScheme::XApiKey),
        timeout_secs: Some(4),
        ..Overrides::default()
    };
    let s = resolve_file(&path, &flags, &[]).unwrap();
    assert_eq!(s.profile, "staging");
    assert_eq!(s.base_url, "https://flag.example.com");
    assert_eq!(s.auth_scheme, AuthScheme::XApiKey);
    assert_eq!(s.timeout, Duration::from_secs(4));
    // What no flag covers still comes from the file.
    assert_eq!(s.connect_timeout, Duration::from_secs(7));
}

#[test]
fn a_single_profile_is_chosen_without_default_profile() {
    let fx = Fixture::new();
    let path = fx.write("[profiles.only]\nbase_url = \"https://only.example.com\"\n");
    let s = resolve_file(&path, &Overrides::default(), &[]).unwrap();
    assert_eq!(s.profile, "only");
    assert_eq!(s.base_url, "https://only.example.com");
}

#[test]
fn a_profile_named_default_is_chosen_among_several() {
    let fx = Fixture::new();
    let path = fx.write(
        "[profiles.default]\nbase_url = \"https://d.example.com\"\n\
         [profiles.other]\nbase_url = \"https://o.example.com\"\n",
    );
    let s = resolve_file(&path, &Overrides::default(), &[]).unwrap();
    assert_eq!(s.profile, "default");
    assert_eq!(s.base_url, "https://d.example.com");
}

#[test]
fn several_profiles_and_no_default_is_an_error() {
    let fx = Fixture::new();
    let path = fx.write("[profiles.a]\n[profiles.b]\n");
    let err = resolve_file(&path, &Overrides::default(), &[]).unwrap_err();
    assert!(
        matches!(err, ConfigError::NoDefaultProfile { .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("`a`, `b`"), "{msg}");
    assert!(msg.contains("default_profile"), "{msg}");
}

#[test]
fn an_unknown_profile_lists_the_existing_ones() {
    let fx = Fixture::new();
    let path = fx.write(FILE);
    let flags = Overrides {
        profile: Some("prod".into()),
        ..Overrides::default()
    };
    let err = resolve_file(&path, &flags, &[]).unwrap_err();
    let msg = err.to_string();
    assert_eq!(
        msg,
        format!(
            "profile `prod` (from --profile) is not defined in {}; defined profiles: `local`, \
             `staging`",
            path.display()
        )
    );

    let err = resolve_file(
        &path,
        &Overrides::default(),
        &[("TRUNKTUI_PROFILE", "nope")],
    )
    .unwrap_err();
    assert!(err.to_string().contains("(from TRUNKTUI_PROFILE)"), "{err}");
}

#[test]
fn an_unknown_profile_without_a_file_is_an_error() {
    let fx = Fixture::new();
    let flags = Overrides {
        profile: Some("prod".into()),
        ..Overrides::default()
    };
    let err = resolve_at(&flags, &[], fx.missing_default()).unwrap_err();
    assert!(err.to_string().contains("no config file"), "{err}");
    // The built-in profile can still be named.
    let flags = Overrides {
        profile: Some("default".into()),
        ..Overrides::default()
    };
    assert_eq!(
        resolve_at(&flags, &[], fx.missing_default())
            .unwrap()
            .profile,
        "default"
    );
}

#[test]
fn an_explicit_path_that_is_missing_is_an_error() {
    let fx = Fixture::new();
    let missing = fx.dir.path().join("missing.toml");
    let flags = Overrides {
        config: Some(missing.clone()),
        ..Overrides::default()
    };
    let err = resolve_at(&flags, &[], None).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "config file {} (from --config) does not exist",
            missing.display()
        )
    );
    let err = resolve_file(&missing, &Overrides::default(), &[]).unwrap_err();
    assert!(err.to_string().contains("(from TRUNKTUI_CONFIG)"), "{err}");
}

#[test]
fn the_example_parses_and_resolves() {
    let fx = Fixture::new();
    let path = fx.write(config::EXAMPLE);
    // Fresh from `config init`: no warnings, and the key from TRUNKTUI_API_KEY.
    let s = resolve_file(&path, &Overrides::default(), &[("TRUNKTUI_API_KEY", "k")]).unwrap();
    assert_eq!(s.profile, "local");
    assert_eq!(s.base_url, "http://localhost:8000");
    assert_eq!(s.api_key.unwrap().expose(), "k");
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn the_examples_production_profile_parses_when_uncommented() {
    let fx = Fixture::new();
    let mut in_production = false;
    let text: String = config::EXAMPLE
        .lines()
        .map(|line| {
            if line == "# [profiles.production]" {
                in_production = true;
            }
            match line.strip_prefix("# ") {
                Some(rest) if in_production => format!("{rest}\n"),
                _ => format!("{line}\n"),
            }
        })
        .collect();
    assert!(in_production, "the example lost its production profile");
    let path = fx.write(&text);
    let flags = Overrides {
        profile: Some("production".into()),
        ..Overrides::default()
    };
    let s = resolve_file(&path, &flags, &[("PROD_TRUNK_KEY", "p")]).unwrap();
    assert!(s.read_only);
    assert_eq!(s.accent, Some(Accent::Red));
    assert_eq!(s.auth_scheme, AuthScheme::Bearer);
    assert!(s.base_url.starts_with("https://"));
    assert_eq!(s.api_key.unwrap().expose(), "p");
}

#[test]
fn broken_toml_names_path_line_and_key() {
    let fx = Fixture::new();
    let path = fx.write(
        "default_profile = \"local\"\n[profiles.local]\nbase_url = \"http://localhost:8000\"\n\
         timeout_secs = \"ten\"\n",
    );
    let err = resolve_file(&path, &Overrides::default(), &[]).unwrap_err();
    match &err {
        ConfigError::File { path: p, line, .. } => {
            assert_eq!(p, &path);
            assert_eq!(*line, Some(4));
        }
        other => panic!("unexpected {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}:4:16: ", path.display())),
        "{msg}"
    );
    assert!(msg.contains("profiles.local.timeout_secs"), "{msg}");
}

#[test]
fn a_syntax_error_names_path_and_line() {
    let fx = Fixture::new();
    let path = fx.write("[profiles.local]\nbase_url = http://localhost\n");
    let err = resolve_file(&path, &Overrides::default(), &[]).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("{}:2:", path.display())), "{msg}");
}

#[test]
fn an_unknown_field_is_caught() {
    let fx = Fixture::new();
    let path = fx.write("default_profile = \"local\"\n\n[profiles.local]\nbase_ur = \"x\"\n");
    let err = resolve_file(&path, &Overrides::default(), &[]).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!(
            "{}:4:1: unknown field `base_ur`, expected one of `base_url`",
            path.display()
        )),
        "{msg}"
    );
}

#[test]
fn api_key_env_is_read_from_the_environment() {
    let fx = Fixture::new();
    let path = fx.write(FILE);
    let flags = Overrides {
        profile: Some("local".into()),
        ..Overrides::default()
    };
    let s = resolve_file(&path, &flags, &[("LOCAL_TRUNK_KEY", "local-key")]).unwrap();
    assert_eq!(s.api_key.unwrap().expose(), "local-key");
    assert_eq!(
        s.key_source,
        "env var LOCAL_TRUNK_KEY (api_key_env of profile local)"
    );
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn an_unset_api_key_env_is_a_warning() {
    let fx = Fixture::new();
    let path = fx.write(FILE);
    let flags = Overrides {
        profile: Some("local".into()),
        ..Overrides::default()
    };
    let s = resolve_file(&path, &flags, &[]).unwrap();
    assert!(s.api_key.is_none());
    assert_eq!(
        s.key_source,
        "env var LOCAL_TRUNK_KEY (api_key_env of profile local), which is not set"
    );
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert!(
        s.warnings[0].contains("LOCAL_TRUNK_KEY"),
        "{:?}",
        s.warnings
    );
}

#[test]
fn api_key_and_api_key_env_together_are_an_error() {
    let fx = Fixture::new();
    let path = fx.write("[profiles.x]\napi_key = \"secret-value\"\napi_key_env = \"X_KEY\"\n");
    let err = resolve_file(&path, &Overrides::default(), &[]).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("{}:3:", path.display())), "{msg}");
    assert!(msg.contains("both api_key and api_key_env"), "{msg}");
    assert!(!msg.contains("secret-value"), "{msg}");
}

#[test]
fn a_bad_base_url_names_where_it_came_from() {
    let fx = Fixture::new();
    let path = fx.write("[profiles.x]\nbase_url = \"ftp://example.com\"\n");
    let err = resolve_file(&path, &Overrides::default(), &[]).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}:2:12: ", path.display())),
        "{msg}"
    );
    assert!(msg.contains("ftp://example.com"), "{msg}");

    let fx = Fixture::new();
    let err = resolve_at(
        &Overrides::default(),
        &[("TRUNKTUI_BASE_URL", "localhost:8000")],
        fx.missing_default(),
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("TRUNKTUI_BASE_URL: "), "{err}");

    let flags = Overrides {
        base_url: Some("not a url".into()),
        ..Overrides::default()
    };
    let err = resolve_at(&flags, &[], fx.missing_default()).unwrap_err();
    assert!(err.to_string().starts_with("--base-url: "), "{err}");
}

#[test]
fn init_writes_the_example_owner_only_and_refuses_to_overwrite() {
    let fx = Fixture::new();
    let path = fx.dir.path().join("a").join("b").join("config.toml");
    config::init(&path).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), config::EXAMPLE);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    fs::write(&path, "mine").unwrap();
    let err = config::init(&path).unwrap_err();
    assert!(matches!(err, ConfigError::Exists { .. }), "{err:?}");
    assert_eq!(fs::read_to_string(&path).unwrap(), "mine");

    // What init wrote is a working configuration.
    fs::write(&path, config::EXAMPLE).unwrap();
    let flags = Overrides {
        config: Some(path),
        ..Overrides::default()
    };
    assert_eq!(resolve_at(&flags, &[], None).unwrap().profile, "local");
}

#[cfg(unix)]
#[test]
fn a_key_in_a_group_readable_file_is_a_warning() {
    let fx = Fixture::new();
    let path = fx.write(FILE);
    set_mode(&path, 0o640);
    let s = resolve_file(&path, &Overrides::default(), &[]).unwrap();
    assert_eq!(
        s.warnings,
        [format!(
            "{} holds an API key and is open to group or others (mode 640); run: chmod 600 {}",
            path.display(),
            path.display()
        )]
    );
    assert!(!s.warnings[0].contains("file-key-123"));

    // Without a key in the file, its mode is the user's business.
    let path = fx.write("[profiles.x]\napi_key_env = \"X\"\n");
    set_mode(&path, 0o644);
    let s = resolve_file(&path, &Overrides::default(), &[("X", "k")]).unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn plain_http_to_another_host_is_a_warning() {
    let fx = Fixture::new();
    for url in [
        "http://localhost:8000",
        "http://127.0.0.1:8000",
        "http://127.5.0.1",
        "http://[::1]:8000",
        "https://trunks.example.com",
    ] {
        let flags = Overrides {
            base_url: Some(url.into()),
            ..Overrides::default()
        };
        let s = resolve_at(&flags, &[], fx.missing_default()).unwrap();
        assert!(s.warnings.is_empty(), "{url}: {:?}", s.warnings);
    }
    for url in ["http://trunks.example.com", "http://10.0.0.5:8000"] {
        let flags = Overrides {
            base_url: Some(url.into()),
            ..Overrides::default()
        };
        let s = resolve_at(
            &flags,
            &[("TRUNKTUI_API_KEY", "k-123")],
            fx.missing_default(),
        )
        .unwrap();
        assert_eq!(s.warnings.len(), 1, "{url}: {:?}", s.warnings);
        assert!(s.warnings[0].contains("clear text"), "{:?}", s.warnings);
        assert!(!s.warnings[0].contains("k-123"));
    }
    // The warning names the host but not the URL's password (the status log and the log
    // file show it too).
    let flags = Overrides {
        base_url: Some("http://admin:TopSecret@10.0.0.5:8000/api?token=T0k3n".into()),
        ..Overrides::default()
    };
    let s = resolve_at(&flags, &[], fx.missing_default()).unwrap();
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert!(
        s.warnings[0].contains("10.0.0.5:8000/api"),
        "{:?}",
        s.warnings
    );
    assert!(!s.warnings[0].contains("TopSecret"), "{:?}", s.warnings);
    assert!(!s.warnings[0].contains("T0k3n"), "{:?}", s.warnings);
}

#[test]
fn auth_scheme_and_revision_layer_like_the_rest() {
    let fx = Fixture::new();
    let path = fx.write("[profiles.p]\nauth_scheme = \"bearer\"\napi_revision = \"v2\"\n");
    let s = resolve_file(&path, &Overrides::default(), &[]).unwrap();
    assert_eq!(
        (s.auth_scheme, s.api_revision),
        (AuthScheme::Bearer, Some(ApiRevision::V2))
    );
    let env = [
        ("TRUNKTUI_AUTH_SCHEME", "x-api-key"),
        ("TRUNKTUI_API_REVISION", "v1"),
    ];
    let s = resolve_file(&path, &Overrides::default(), &env).unwrap();
    assert_eq!(
        (s.auth_scheme, s.api_revision),
        (AuthScheme::XApiKey, Some(ApiRevision::V1))
    );
    let flags = Overrides {
        auth_scheme: Some(AuthScheme::Auto),
        api_revision: Some(RevisionSetting::Auto),
        ..Overrides::default()
    };
    let s = resolve_file(&path, &flags, &env).unwrap();
    assert_eq!((s.auth_scheme, s.api_revision), (AuthScheme::Auto, None));
    let err = resolve_file(
        &path,
        &Overrides::default(),
        &[("TRUNKTUI_API_REVISION", "v3")],
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("TRUNKTUI_API_REVISION") && err.contains("auto, v1 or v2"),
        "{err}"
    );
    let bad = fx.write("[profiles.p]\napi_revision = \"v9\"\n");
    let err = resolve_file(&bad, &Overrides::default(), &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains(":2:") && err.contains("api_revision"), "{err}");
}

/// Durations beyond what a clock can add (`refresh_secs = 9223372036854775807` once panicked
/// the dashboard) are refused when the config is read, naming where and the allowed range.
#[test]
fn out_of_range_durations_are_refused_with_the_allowed_range() {
    let fx = Fixture::new();
    let cases = [
        (
            "[profiles.x]\nrefresh_secs = 9223372036854775807\n",
            ":2:16: refresh_secs of profile `x` must be 0 (off) or 1 to 86400 seconds",
        ),
        (
            "[profiles.x]\nrefresh_secs = 86401\n",
            ":2:16: refresh_secs",
        ),
        (
            "[profiles.x]\ntimeout_secs = 3601\n",
            ":2:16: timeout_secs of profile `x` must be 1 to 3600 seconds",
        ),
        (
            "[profiles.x]\nconnect_timeout_secs = 9223372036854775807\n",
            ":2:24: connect_timeout_secs of profile `x` must be 1 to 3600 seconds",
        ),
        // A profile that is not the chosen one is checked too.
        (
            "default_profile = \"a\"\n[profiles.a]\n[profiles.b]\nrefresh_secs = 100000\n",
            ":4:16: refresh_secs of profile `b`",
        ),
    ];
    for (text, expected) in cases {
        let path = fx.write(text);
        let msg = resolve_file(&path, &Overrides::default(), &[])
            .unwrap_err()
            .to_string();
        assert!(
            msg.starts_with(&path.display().to_string()) && msg.contains(expected),
            "{text:?}: {msg}"
        );
    }
    for secs in [0, 3601, u64::MAX] {
        let flags = Overrides {
            timeout_secs: Some(secs),
            ..Overrides::default()
        };
        let msg = resolve_at(&flags, &[], fx.missing_default())
            .unwrap_err()
            .to_string();
        assert_eq!(
            msg, "--timeout: timeout_secs must be 1 to 3600 seconds",
            "{secs}"
        );
    }
    // The ends of each range are accepted.
    let path = fx.write(
        "[profiles.x]\nrefresh_secs = 86400\ntimeout_secs = 3600\nconnect_timeout_secs = 3600\n",
    );
    let s = resolve_file(&path, &Overrides::default(), &[]).unwrap();
    assert_eq!(s.refresh_secs, 86400);
    assert_eq!(s.timeout, Duration::from_secs(3600));
    assert_eq!(s.connect_timeout, Duration::from_secs(3600));
    let path =
        fx.write("[profiles.x]\nrefresh_secs = 1\ntimeout_secs = 1\nconnect_timeout_secs = 1\n");
    let s = resolve_file(&path, &Overrides::default(), &[]).unwrap();
    assert_eq!(
        (s.refresh_secs, s.timeout, s.connect_timeout),
        (1, Duration::from_secs(1), Duration::from_secs(1))
    );
    let flags = Overrides {
        timeout_secs: Some(3600),
        ..Overrides::default()
    };
    let s = resolve_at(&flags, &[], fx.missing_default()).unwrap();
    assert_eq!(s.timeout, Duration::from_secs(3600));
}

/// `config path` and `config init` use `choose_file`; `resolve` must read the file it names.
#[test]
fn choose_file_names_the_file_resolve_reads() {
    let fx = Fixture::new();
    let named = fx.write("[profiles.named]\n");
    let named_str = named.to_str().unwrap();
    let flagged = fx.dir.path().join("flag.toml");
    fs::write(&flagged, "[profiles.flagged]\n").unwrap();
    set_mode(&flagged, 0o600);
    let with_flag = Overrides {
        config: Some(flagged.clone()),
        ..Overrides::default()
    };
    type Case<'a> = (
        &'a Overrides,
        Vec<(&'a str, &'a str)>,
        PathBuf,
        Option<&'a str>,
    );
    let cases: [Case; 4] = [
        (
            &Overrides::default(),
            vec![],
            fx.missing_default().unwrap(),
            None,
        ),
        (
            &Overrides::default(),
            vec![("TRUNKTUI_CONFIG", " \t")],
            fx.missing_default().unwrap(),
            None,
        ),
        (
            &Overrides::default(),
            vec![("TRUNKTUI_CONFIG", named_str)],
            named.clone(),
            Some("TRUNKTUI_CONFIG"),
        ),
        (
            &with_flag,
            vec![("TRUNKTUI_CONFIG", named_str)],
            flagged.clone(),
            Some("--config"),
        ),
    ];
    for (flags, vars, expected, named_by) in cases {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let chosen = config::choose_file(flags, &|n| map.get(n).cloned(), fx.missing_default());
        assert_eq!(chosen.path.as_ref(), Some(&expected), "{vars:?}");
        assert_eq!(chosen.named_by, named_by, "{vars:?}");
        let s = resolve_at(flags, &vars, fx.missing_default()).unwrap();
        assert_eq!(s.config_path, expected, "{vars:?}");
    }
    let chosen = config::choose_file(&Overrides::default(), &|_| None, None);
    assert_eq!(chosen.path, None);
}

/// The accent is a typed colour, checked when the file is read; its text form is what the
/// dashboard's colour parser reads as the same colour as the spelling in the file.
#[test]
fn the_accent_is_a_typed_colour_the_dashboard_reads_alike() {
    use ratatui::style::Color;
    use std::str::FromStr;
    let fx = Fixture::new();
    let cases = [
        ("red", Accent::Red),
        ("LightRed", Accent::LightRed),
        ("light-blue", Accent::LightBlue),
        ("bright_green", Accent::LightGreen),
        ("grey", Accent::Gray),
        ("dark gray", Accent::DarkGray),
        ("white", Accent::White),
        ("#ff0000", Accent::Rgb(255, 0, 0)),
        ("#1A2b3C", Accent::Rgb(0x1a, 0x2b, 0x3c)),
        ("208", Accent::Indexed(208)),
        ("  yellow ", Accent::Yellow),
    ];
    for (spelling, expected) in cases {
        let path = fx.write(&format!("[profiles.x]\naccent = \"{spelling}\"\n"));
        let s = resolve_file(&path, &Overrides::default(), &[]).unwrap();
        assert_eq!(s.accent, Some(expected), "{spelling:?}");
        assert_eq!(
            Color::from_str(&expected.to_string()),
            Color::from_str(spelling.trim()),
            "{spelling:?} shown as {expected}"
        );
    }
    for bad in ["reddish", "#ff00", "#gg0000", "256", "", "reset"] {
        let path = fx.write(&format!("[profiles.x]\naccent = \"{bad}\"\n"));
        let msg = resolve_file(&path, &Overrides::default(), &[])
            .unwrap_err()
            .to_string();
        assert!(
            msg.starts_with(&format!("{}:2:10: accent", path.display())),
            "{bad:?}: {msg}"
        );
    }
}

/// `config` reads files and the environment; the terminal library is the UI's business.
#[test]
fn config_does_not_depend_on_the_terminal_library() {
    let source = include_str!("../src/config.rs");
    assert!(!source.contains("ratatui"), "src/config.rs names ratatui");
}
