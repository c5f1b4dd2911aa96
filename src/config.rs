//! The configuration of trunktui: the TOML file, the environment and the command-line
//! overrides merged into one `Settings`. Reads files and the injected environment only; it
//! never touches the terminal or the network, and never puts an API key in a message.

use crate::api::{ApiKey, ApiRevision, AuthScheme};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;
use toml::Spanned;

/// The text of `config.example.toml`, which `init` writes.
pub const EXAMPLE: &str = include_str!("../config.example.toml");

const DEFAULT_PROFILE: &str = "default";
const DEFAULT_BASE_URL: &str = "http://localhost:8000";
const DEFAULT_TIMEOUT_SECS: u64 = 10;
const DEFAULT_CONNECT_TIMEOUT_SECS: u64 = 5;
const DEFAULT_REFRESH_SECS: u64 = 30;

const ENV_CONFIG: &str = "TRUNKTUI_CONFIG";
const ENV_PROFILE: &str = "TRUNKTUI_PROFILE";
const ENV_BASE_URL: &str = "TRUNKTUI_BASE_URL";
const ENV_API_KEY: &str = "TRUNKTUI_API_KEY";
const ENV_AUTH_SCHEME: &str = "TRUNKTUI_AUTH_SCHEME";
const ENV_API_REVISION: &str = "TRUNKTUI_API_REVISION";

/// Which create revision to speak: read from the server (`auto`) or pinned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RevisionSetting {
    #[default]
    Auto,
    V1,
    V2,
}

impl RevisionSetting {
    pub fn parse(s: &str) -> Option<RevisionSetting> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(RevisionSetting::Auto),
            "v1" => Some(RevisionSetting::V1),
            "v2" => Some(RevisionSetting::V2),
            _ => None,
        }
    }

    /// The revision when pinned; `None` means detect it.
    pub fn pinned(self) -> Option<ApiRevision> {
        match self {
            RevisionSetting::Auto => None,
            RevisionSetting::V1 => Some(ApiRevision::V1),
            RevisionSetting::V2 => Some(ApiRevision::V2),
        }
    }
}

// How the command-line flags are named in messages; main.rs defines them.
const FLAG_CONFIG: &str = "--config";
const FLAG_PROFILE: &str = "--profile";
const FLAG_BASE_URL: &str = "--base-url";
const FLAG_TIMEOUT: &str = "--timeout";

/// What the command-line flags override; `None` leaves the value to the layers below.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub profile: Option<String>,
    pub base_url: Option<String>,
    pub auth_scheme: Option<AuthScheme>,
    pub api_revision: Option<RevisionSetting>,
    pub timeout_secs: Option<u64>,
}

/// The merged configuration the program runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: String,
    pub base_url: String,
    /// `Auto` (the default) reads the server's `/openapi.json`.
    pub auth_scheme: AuthScheme,
    /// `None` (auto, the default) reads the server's `/openapi.json`.
    pub api_revision: Option<ApiRevision>,
    pub api_key: Option<ApiKey>,
    /// Where the key came from, for messages such as a 401 hint; never the key.
    pub key_source: String,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Seconds between automatic list refreshes; 0 means off.
    pub refresh_secs: u64,
    pub read_only: bool,
    /// The colour framing the dashboard, checked when the file was read.
    pub accent: Option<Accent>,
    pub config_path: PathBuf,
    pub config_found: bool,
    /// Problems that do not stop the program but that the user should see.
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A file named explicitly (flag or `TRUNKTUI_CONFIG`) is missing; at the default path a
    /// missing file just means defaults.
    #[error("config file {} (from {origin}) does not exist", path.display())]
    NotFound { path: PathBuf, origin: &'static str },
    #[error("cannot read config file {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    /// Anything wrong inside the file: bad TOML, an unknown or mistyped key, a bad value.
    #[error("{}: {message}", location(path, *line, *column))]
    File {
        path: PathBuf,
        /// 1-based; `None` when the parser could not point at a place.
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    /// A value from the environment or a flag that cannot be used; `origin` names it.
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
    #[error("{}", unknown_profile_message(name, origin, path, *config_found, available))]
    UnknownProfile {
        name: String,
        origin: &'static str,
        path: PathBuf,
        config_found: bool,
        available: Vec<String>,
    },
    #[error(
        "{} defines several profiles ({}) and no default_profile; set default_profile in \
         the file, or choose one with {FLAG_PROFILE} or {ENV_PROFILE}",
        path.display(),
        quoted_list(available)
    )]
    NoDefaultProfile {
        path: PathBuf,
        available: Vec<String>,
    },
    #[error("{} already exists; not overwriting it", path.display())]
    Exists { path: PathBuf },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
}

fn location(path: &Path, line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!("{}:{line}:{column}", path.display()),
        (Some(line), None) => format!("{}:{line}", path.display()),
        _ => path.display().to_string(),
    }
}

fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn unknown_profile_message(
    name: &str,
    origin: &str,
    path: &Path,
    config_found: bool,
    available: &[String],
) -> String {
    let head = format!("profile `{name}` (from {origin}) is not defined");
    if !config_found {
        format!(
            "{head}: there is no config file at {}, so only the built-in profile \
             `{DEFAULT_PROFILE}` exists",
            path.display()
        )
    } else if available.is_empty() {
        format!("{head} in {}; it defines no profiles", path.display())
    } else {
        format!(
            "{head} in {}; defined profiles: {}",
            path.display(),
            quoted_list(available)
        )
    }
}

/// The file as written. Every value is optional so that the layers below show through;
/// spans let errors about values point at their line.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct FileConfig {
    default_profile: Option<Spanned<String>>,
    profiles: BTreeMap<String, Spanned<ProfileFile>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct ProfileFile {
    base_url: Option<Spanned<String>>,
    auth_scheme: Option<AuthScheme>,
    api_revision: Option<RevisionSetting>,
    api_key: Option<Spanned<SecretString>>,
    api_key_env: Option<Spanned<String>>,
    timeout_secs: Option<Spanned<u64>>,
    connect_timeout_secs: Option<Spanned<u64>>,
    refresh_secs: Option<Spanned<u64>>,
    read_only: Option<bool>,
    accent: Option<Spanned<String>>,
}

/// The `api_key` value. Its own deserializer, because serde's default type errors quote the
/// offending value (`invalid type: integer `12345``), which would print a numeric key.
struct SecretString(ApiKey);

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_string(SecretVisitor)
    }
}

struct SecretVisitor;

impl SecretVisitor {
    fn not_a_string<E: serde::de::Error>() -> E {
        E::custom("api_key must be a string in quotes")
    }
}

impl<'de> serde::de::Visitor<'de> for SecretVisitor {
    type Value = SecretString;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SecretString, E> {
        Ok(SecretString(ApiKey::new(v)))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<SecretString, E> {
        Ok(SecretString(ApiKey::new(v)))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<SecretString, E> {
        Err(Self::not_a_string())
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<SecretString, E> {
        Err(Self::not_a_string())
    }

    fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<SecretString, E> {
        Err(Self::not_a_string())
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<SecretString, E> {
        Err(Self::not_a_string())
    }

    fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<SecretString, E> {
        Err(Self::not_a_string())
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<SecretString, E> {
        Err(Self::not_a_string())
    }

    fn visit_char<E: serde::de::Error>(self, _: char) -> Result<SecretString, E> {
        Err(Self::not_a_string())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<SecretString, A::Error> {
        Err(Self::not_a_string())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<SecretString, A::Error> {
        Err(Self::not_a_string())
    }
}

/// The platform's directories for trunktui; `None` when no home directory can be found.
fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "trunktui")
}

/// The platform's place for the file: `~/.config/trunktui/config.toml` on Linux.
/// `None` when no home directory can be found.
pub fn default_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}

/// The one place that knows the state directory: `~/.local/state/trunktui` on Linux, the
/// local data directory where a platform has no state directory.
pub fn state_dir() -> Option<PathBuf> {
    let dirs = project_dirs()?;
    Some(
        dirs.state_dir()
            .map_or_else(|| dirs.data_local_dir().to_path_buf(), Path::to_path_buf),
    )
}

/// Where the dashboard appends its status log.
pub fn default_log_file() -> Option<PathBuf> {
    state_dir().map(|d| d.join("trunktui.log"))
}

/// The configuration file to read and what named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFile {
    /// `None` when nothing names a file and no configuration directory can be found.
    pub path: Option<PathBuf>,
    /// The flag or variable that named the file; `None` for the platform's place, where a
    /// missing file just means the built-in defaults.
    pub named_by: Option<&'static str>,
}

/// The one choice of the file, for `resolve`, `config path` and `config init` alike:
/// `--config`, then `TRUNKTUI_CONFIG` (blank counts as unset), then `default_path`.
pub fn choose_file(
    flags: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
    default_path: Option<PathBuf>,
) -> ConfigFile {
    match (&flags.config, set(env, ENV_CONFIG)) {
        (Some(path), _) => ConfigFile {
            path: Some(path.clone()),
            named_by: Some(FLAG_CONFIG),
        },
        (None, Some(path)) => ConfigFile {
            path: Some(PathBuf::from(path)),
            named_by: Some(ENV_CONFIG),
        },
        (None, None) => ConfigFile {
            path: default_path,
            named_by: None,
        },
    }
}

/// `choose_file` with the platform's default place.
pub fn config_file(flags: &Overrides, env: &dyn Fn(&str) -> Option<String>) -> ConfigFile {
    choose_file(flags, env, default_config_path())
}

/// A variable's value, `None` when unset or blank: an empty variable (`TRUNKTUI_API_KEY=`)
/// is how people unset things in scripts, so it is not an empty key or an empty path.
fn set(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    env(name).filter(|v| !v.trim().is_empty())
}

/// Merge built-in defaults < file < environment < flags. `env` is injected so tests don't
/// touch the process environment; main passes `&|name| std::env::var(name).ok()`.
pub fn resolve(
    flags: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    resolve_with_default_path(flags, env, default_config_path())
}

/// `resolve` with the default path given, so tests can stand in for the user's real file.
/// The file is read and every profile checked; the profile chosen; its values, the
/// environment's and the flags' layered; the key found; the result checked once more.
pub fn resolve_with_default_path(
    flags: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
    default_path: Option<PathBuf>,
) -> Result<Settings, ConfigError> {
    let mut warnings = Vec::new();
    let file = read_file(choose_file(flags, env, default_path), &mut warnings)?;
    let env = |name: &str| set(env, name);
    let profile_name = choose_profile(&file, flags, &env)?;
    let empty = FileProfile::default();
    let profile = file.profiles.get(&profile_name).unwrap_or(&empty);
    let layer = flag_layer(flags)?
        .over(env_layer(&env)?)
        .over(profile.layer.clone());
    let base_url = checked_base_url(layer.base_url, &mut warnings)?;
    let (api_key, key_source) = choose_key(&file, profile, &profile_name, &env, &mut warnings);
    if file.found
        && file.holds_key
        && let Some(warning) = permission_warning(&file.path)
    {
        warnings.push(warning);
    }
    Ok(Settings {
        profile: profile_name,
        base_url,
        auth_scheme: layer.auth_scheme.unwrap_or(AuthScheme::Auto),
        api_revision: layer.api_revision.unwrap_or_default().pinned(),
        api_key,
        key_source,
        timeout: Duration::from_secs(layer.timeout_secs.unwrap_or(DEFAULT_TIMEOUT_SECS)),
        connect_timeout: Duration::from_secs(
            layer
                .connect_timeout_secs
                .unwrap_or(DEFAULT_CONNECT_TIMEOUT_SECS),
        ),
        refresh_secs: layer.refresh_secs.unwrap_or(DEFAULT_REFRESH_SECS),
        read_only: layer.read_only.unwrap_or(false),
        accent: layer.accent,
        config_path: file.path,
        config_found: file.found,
        warnings,
    })
}

/// One layer's say on the settings (the file's profile, the environment or the flags);
/// `None` leaves a setting to the layers below.
#[derive(Debug, Clone, Default)]
struct Layer {
    /// The URL as given and where it came from ("--base-url", "path:3:12"), for messages.
    base_url: Option<(String, String)>,
    auth_scheme: Option<AuthScheme>,
    api_revision: Option<RevisionSetting>,
    timeout_secs: Option<u64>,
    connect_timeout_secs: Option<u64>,
    refresh_secs: Option<u64>,
    read_only: Option<bool>,
    accent: Option<Accent>,
}

impl Layer {
    /// This layer over `lower`: every setting this one has wins.
    fn over(self, lower: Layer) -> Layer {
        Layer {
            base_url: self.base_url.or(lower.base_url),
            auth_scheme: self.auth_scheme.or(lower.auth_scheme),
            api_revision: self.api_revision.or(lower.api_revision),
            timeout_secs: self.timeout_secs.or(lower.timeout_secs),
            connect_timeout_secs: self.connect_timeout_secs.or(lower.connect_timeout_secs),
            refresh_secs: self.refresh_secs.or(lower.refresh_secs),
            read_only: self.read_only.or(lower.read_only),
            accent: self.accent.or(lower.accent),
        }
    }
}

/// The command line's layer; a value no layer could use is refused naming the flag.
fn flag_layer(flags: &Overrides) -> Result<Layer, ConfigError> {
    if let Some(secs) = flags.timeout_secs
        && !Interval::Timeout.allows(secs)
    {
        return Err(ConfigError::Invalid {
            origin: FLAG_TIMEOUT.to_string(),
            message: Interval::Timeout.refusal(None),
        });
    }
    Ok(Layer {
        base_url: flags
            .base_url
            .as_ref()
            .map(|url| (url.trim().to_string(), FLAG_BASE_URL.to_string())),
        auth_scheme: flags.auth_scheme,
        api_revision: flags.api_revision,
        timeout_secs: flags.timeout_secs,
        ..Layer::default()
    })
}

/// The environment's layer (`env` already treats blank as unset); a value that cannot be
/// used is refused naming the variable.
fn env_layer(env: &dyn Fn(&str) -> Option<String>) -> Result<Layer, ConfigError> {
    let invalid = |name: &str, message: String| ConfigError::Invalid {
        origin: name.to_string(),
        message,
    };
    let auth_scheme = env(ENV_AUTH_SCHEME)
        .map(|v| {
            AuthScheme::parse(&v).ok_or_else(|| {
                invalid(
                    ENV_AUTH_SCHEME,
                    format!("{v:?} is not an auth scheme: use auto, x-api-key or bearer"),
                )
            })
        })
        .transpose()?;
    let api_revision = env(ENV_API_REVISION)
        .map(|v| {
            RevisionSetting::parse(&v).ok_or_else(|| {
                invalid(
                    ENV_API_REVISION,
                    format!("{v:?} is not an API revision: use auto, v1 or v2"),
                )
            })
        })
        .transpose()?;
    Ok(Layer {
        base_url: env(ENV_BASE_URL).map(|url| (url.trim().to_string(), ENV_BASE_URL.to_string())),
        auth_scheme,
        api_revision,
        ..Layer::default()
    })
}

/// The base URL the layers chose, checked: values from the file were checked with their
/// line when it was read; the environment's and the flags' are checked here, naming the
/// variable or flag.
fn checked_base_url(
    chosen: Option<(String, String)>,
    warnings: &mut Vec<String>,
) -> Result<String, ConfigError> {
    let (base_url, origin) = chosen.unwrap_or_else(|| {
        (
            DEFAULT_BASE_URL.to_string(),
            "the built-in default".to_string(),
        )
    });
    let url =
        parse_base_url(&base_url).map_err(|message| ConfigError::Invalid { origin, message })?;
    if let Some(warning) = cleartext_warning(&base_url, &url) {
        warnings.push(warning);
    }
    Ok(base_url)
}

/// The file as read and checked: every profile's values, converted.
struct CheckedFile {
    path: PathBuf,
    found: bool,
    default_profile: Option<String>,
    profiles: BTreeMap<String, FileProfile>,
    /// Some profile holds an API key, so the file's mode matters.
    holds_key: bool,
}

/// One profile of the file, checked.
#[derive(Debug, Default)]
struct FileProfile {
    layer: Layer,
    key: FileKey,
}

/// How a profile names its key.
#[derive(Debug, Default)]
enum FileKey {
    #[default]
    None,
    Key(ApiKey),
    /// `api_key_env`: the name of the variable that holds it.
    Env(String),
}

/// Reads the chosen file and checks every profile in it, not only the one used, so a
/// mistake shows up before the day someone switches to that profile. A missing file is
/// the built-in defaults unless a flag or variable named it.
fn read_file(chosen: ConfigFile, warnings: &mut Vec<String>) -> Result<CheckedFile, ConfigError> {
    let path = chosen.path.unwrap_or_else(|| {
        warnings.push(format!(
            "no configuration directory could be found (is HOME set?); using built-in \
             defaults; {FLAG_CONFIG} or {ENV_CONFIG} name a file"
        ));
        PathBuf::new()
    });
    let (text, found) = if path.as_os_str().is_empty() {
        (String::new(), false)
    } else {
        match fs::read_to_string(&path) {
            Ok(text) => (text, true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => match chosen.named_by {
                Some(origin) => return Err(ConfigError::NotFound { path, origin }),
                None => (String::new(), false),
            },
            Err(source) => return Err(ConfigError::Read { path, source }),
        }
    };
    let file = parse_file(&path, &text)?;
    let at = |span: std::ops::Range<usize>| {
        let (line, column) = line_col(&text, span.start);
        (path.clone(), line, column)
    };
    let names: Vec<String> = file.profiles.keys().cloned().collect();
    if let Some(default) = &file.default_profile
        && !file.profiles.contains_key(default.get_ref())
    {
        let message = if names.is_empty() {
            format!(
                "default_profile `{}` is not defined; the file defines no profiles",
                default.get_ref()
            )
        } else {
            format!(
                "default_profile `{}` is not defined; defined profiles: {}",
                default.get_ref(),
                quoted_list(&names)
            )
        };
        return Err(file_error(&path, &text, default.span(), message));
    }
    let holds_key = file
        .profiles
        .values()
        .any(|p| p.get_ref().api_key.is_some());
    let mut profiles = BTreeMap::new();
    for (name, profile) in file.profiles {
        let checked = check_profile(&name, profile.into_inner(), &at)?;
        profiles.insert(name, checked);
    }
    Ok(CheckedFile {
        default_profile: file.default_profile.map(Spanned::into_inner),
        path,
        found,
        profiles,
        holds_key,
    })
}

/// The profile to use: `--profile`, then `TRUNKTUI_PROFILE`, then the file's choice.
fn choose_profile(
    file: &CheckedFile,
    flags: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, ConfigError> {
    let names: Vec<String> = file.profiles.keys().cloned().collect();
    let explicit = match (&flags.profile, env(ENV_PROFILE)) {
        (Some(name), _) => Some((name.clone(), FLAG_PROFILE)),
        (None, Some(name)) => Some((name, ENV_PROFILE)),
        (None, None) => None,
    };
    match explicit {
        Some((name, origin)) => {
            let builtin = names.is_empty() && name == DEFAULT_PROFILE;
            if !builtin && !file.profiles.contains_key(&name) {
                return Err(ConfigError::UnknownProfile {
                    name,
                    origin,
                    path: file.path.clone(),
                    config_found: file.found,
                    available: names,
                });
            }
            Ok(name)
        }
        None => match &file.default_profile {
            Some(name) => Ok(name.clone()),
            None if names.len() == 1 => Ok(names[0].clone()),
            None if names.is_empty() || file.profiles.contains_key(DEFAULT_PROFILE) => {
                Ok(DEFAULT_PROFILE.to_string())
            }
            // Silently running with built-in defaults would aim a file full of servers at
            // localhost with no key; asking is kinder.
            None => Err(ConfigError::NoDefaultProfile {
                path: file.path.clone(),
                available: names,
            }),
        },
    }
}

/// The key and where it came from: `TRUNKTUI_API_KEY`, then the profile's `api_key`, then
/// the variable its `api_key_env` names.
fn choose_key(
    file: &CheckedFile,
    profile: &FileProfile,
    profile_name: &str,
    env: &dyn Fn(&str) -> Option<String>,
    warnings: &mut Vec<String>,
) -> (Option<ApiKey>, String) {
    if let Some(key) = env(ENV_API_KEY) {
        if !matches!(profile.key, FileKey::None) {
            // Easy to forget after an export: say which key is really used.
            warnings.push(format!(
                "{ENV_API_KEY} is set and is used instead of the key profile {profile_name} \
                 names; unset it to use the profile's key"
            ));
        }
        return (Some(ApiKey::new(key.trim())), ENV_API_KEY.to_string());
    }
    match &profile.key {
        FileKey::Key(key) => (
            Some(key.clone()),
            format!("api_key in {}", file.path.display()),
        ),
        FileKey::Env(var) => {
            let source = format!("env var {var} (api_key_env of profile {profile_name})");
            match env(var) {
                Some(key) => (Some(ApiKey::new(key.trim())), source),
                None => {
                    warnings.push(format!(
                        "profile {profile_name}: api_key_env names {var}, which is not set \
                         (or empty); no API key will be sent; set {var} or {ENV_API_KEY}"
                    ));
                    (None, format!("{source}, which is not set"))
                }
            }
        }
        FileKey::None => (None, "no key configured".to_string()),
    }
}

fn parse_file(path: &Path, text: &str) -> Result<FileConfig, ConfigError> {
    toml::from_str(text).map_err(|mut e| {
        let span = e.span();
        let message = e.message().to_string();
        // Without the input, toml's Display is the message plus the key path ("in
        // `profiles.local.timeout_secs`"); with it, it would quote the whole source line,
        // which may be an api_key line.
        e.set_input(None);
        let rendered = e.to_string();
        let key_path = rendered
            .lines()
            .filter_map(|l| l.strip_prefix("in `")?.strip_suffix('`'))
            .next_back();
        let message = match key_path {
            Some(key_path) => format!("{message} (in `{key_path}`)"),
            None => message,
        };
        match span {
            Some(span) => file_error(path, text, span, message),
            None => ConfigError::File {
                path: path.to_path_buf(),
                line: None,
                column: None,
                message,
            },
        }
    })
}

fn file_error(
    path: &Path,
    text: &str,
    span: std::ops::Range<usize>,
    message: String,
) -> ConfigError {
    let (line, column) = line_col(text, span.start);
    ConfigError::File {
        path: path.to_path_buf(),
        line: Some(line),
        column: Some(column),
        message,
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Checks one profile of the file and converts its values; errors name the value's line.
/// `at` turns a span into the file, line and column.
fn check_profile(
    name: &str,
    profile: ProfileFile,
    at: &dyn Fn(std::ops::Range<usize>) -> (PathBuf, usize, usize),
) -> Result<FileProfile, ConfigError> {
    let refuse = |span: std::ops::Range<usize>, message: String| {
        let (path, line, column) = at(span);
        ConfigError::File {
            path,
            line: Some(line),
            column: Some(column),
            message,
        }
    };
    let mut layer = Layer {
        auth_scheme: profile.auth_scheme,
        api_revision: profile.api_revision,
        read_only: profile.read_only,
        ..Layer::default()
    };
    if let Some(url) = &profile.base_url {
        let raw = url.get_ref().trim();
        parse_base_url(raw).map_err(|m| refuse(url.span(), m))?;
        let (path, line, column) = at(url.span());
        layer.base_url = Some((
            raw.to_string(),
            format!("{}:{line}:{column}", path.display()),
        ));
    }
    for (interval, secs, slot) in [
        (
            Interval::Timeout,
            &profile.timeout_secs,
            &mut layer.timeout_secs,
        ),
        (
            Interval::ConnectTimeout,
            &profile.connect_timeout_secs,
            &mut layer.connect_timeout_secs,
        ),
        (
            Interval::Refresh,
            &profile.refresh_secs,
            &mut layer.refresh_secs,
        ),
    ] {
        if let Some(secs) = secs {
            if !interval.allows(*secs.get_ref()) {
                return Err(refuse(secs.span(), interval.refusal(Some(name))));
            }
            *slot = Some(*secs.get_ref());
        }
    }
    if let Some(accent) = &profile.accent {
        let parsed = accent.get_ref().parse::<Accent>().map_err(|()| {
            refuse(
                accent.span(),
                format!(
                    "accent `{}` of profile `{name}` is not a colour; use a name such as red, \
                     yellow or lightblue, #rrggbb, or a colour number 0 to 255",
                    accent.get_ref()
                ),
            )
        })?;
        layer.accent = Some(parsed);
    }
    let key = check_key(name, profile.api_key, profile.api_key_env, &refuse)?;
    Ok(FileProfile { layer, key })
}

/// A profile's `api_key` or `api_key_env` (not both), checked.
fn check_key(
    name: &str,
    api_key: Option<Spanned<SecretString>>,
    api_key_env: Option<Spanned<String>>,
    refuse: &dyn Fn(std::ops::Range<usize>, String) -> ConfigError,
) -> Result<FileKey, ConfigError> {
    Ok(match (api_key, api_key_env) {
        (Some(_), Some(var)) => {
            return Err(refuse(
                var.span(),
                format!(
                    "profile `{name}` sets both api_key and api_key_env; keep only one of them"
                ),
            ));
        }
        (Some(key), None) => {
            let span = key.span();
            let key = key.into_inner().0;
            if key.expose().trim().is_empty() {
                return Err(refuse(
                    span,
                    format!(
                        "api_key of profile `{name}` is empty; remove the line or fill in the key"
                    ),
                ));
            }
            FileKey::Key(ApiKey::new(key.expose().trim()))
        }
        (None, Some(var)) => {
            // A key pasted here by mistake would otherwise be echoed in the "not set"
            // warning, so the value is not repeated.
            if !is_env_var_name(var.get_ref()) {
                return Err(refuse(
                    var.span(),
                    format!(
                        "api_key_env of profile `{name}` must be the name of an environment \
                         variable (UPPER_CASE letters, digits and _, e.g. PROD_TRUNK_KEY), not \
                         the key itself; a key goes in api_key"
                    ),
                ));
            }
            FileKey::Env(var.into_inner())
        }
        (None, None) => FileKey::None,
    })
}

/// A profile's accent colour, typed and checked when the file is read. The dashboard maps
/// it to its terminal colour; `Display` writes the canonical name (`lightred`, `#ff8800`,
/// `208`) that terminal colour parsers read as the same colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accent {
    Black,
    Red,
    Green,
    Yellow,
    Blue,
    Magenta,
    Cyan,
    Gray,
    DarkGray,
    LightRed,
    LightGreen,
    LightYellow,
    LightBlue,
    LightMagenta,
    LightCyan,
    White,
    /// One of the 256 indexed terminal colours.
    Indexed(u8),
    Rgb(u8, u8, u8),
}

const ACCENT_NAMES: [(&str, Accent); 16] = [
    ("black", Accent::Black),
    ("red", Accent::Red),
    ("green", Accent::Green),
    ("yellow", Accent::Yellow),
    ("blue", Accent::Blue),
    ("magenta", Accent::Magenta),
    ("cyan", Accent::Cyan),
    ("gray", Accent::Gray),
    ("darkgray", Accent::DarkGray),
    ("lightred", Accent::LightRed),
    ("lightgreen", Accent::LightGreen),
    ("lightyellow", Accent::LightYellow),
    ("lightblue", Accent::LightBlue),
    ("lightmagenta", Accent::LightMagenta),
    ("lightcyan", Accent::LightCyan),
    ("white", Accent::White),
];

impl FromStr for Accent {
    type Err = ();

    /// Names in any case, with spaces, `-` or `_` (`Light-Red`), `bright` for `light` and
    /// `grey` for `gray`; `#rrggbb`; or a colour number 0 to 255.
    fn from_str(s: &str) -> Result<Accent, ()> {
        let s = s.trim();
        let name = s
            .to_lowercase()
            .replace([' ', '-', '_'], "")
            .replace("bright", "light")
            .replace("grey", "gray")
            .replace("silver", "gray")
            .replace("lightblack", "darkgray")
            .replace("lightwhite", "white")
            .replace("lightgray", "white");
        if let Some((_, accent)) = ACCENT_NAMES.iter().find(|(n, _)| *n == name) {
            return Ok(*accent);
        }
        if let Ok(index) = s.parse::<u8>() {
            return Ok(Accent::Indexed(index));
        }
        let hex = s.strip_prefix('#').filter(|h| h.len() == 6).ok_or(())?;
        let channel = |at: usize| {
            hex.get(at..at + 2)
                .and_then(|c| u8::from_str_radix(c, 16).ok())
                .ok_or(())
        };
        Ok(Accent::Rgb(channel(0)?, channel(2)?, channel(4)?))
    }
}

impl fmt::Display for Accent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Accent::Indexed(i) => write!(f, "{i}"),
            Accent::Rgb(r, g, b) => write!(f, "#{r:02x}{g:02x}{b:02x}"),
            named => {
                let name = ACCENT_NAMES
                    .iter()
                    .find(|(_, a)| a == named)
                    .map_or("gray", |(n, _)| n);
                f.write_str(name)
            }
        }
    }
}

/// The settings given in seconds. Each has a range: beyond it a clock cannot add the value
/// (an `Instant` overflow once panicked the dashboard), and nobody waits hours for an answer.
#[derive(Debug, Clone, Copy)]
enum Interval {
    Timeout,
    ConnectTimeout,
    Refresh,
}

impl Interval {
    fn field(self) -> &'static str {
        match self {
            Interval::Timeout => "timeout_secs",
            Interval::ConnectTimeout => "connect_timeout_secs",
            Interval::Refresh => "refresh_secs",
        }
    }

    fn range(self) -> std::ops::RangeInclusive<u64> {
        match self {
            Interval::Timeout | Interval::ConnectTimeout => 1..=3_600,
            // 0 turns automatic refreshes off; a day is the longest interval.
            Interval::Refresh => 0..=86_400,
        }
    }

    fn allows(self, secs: u64) -> bool {
        self.range().contains(&secs)
    }

    /// "timeout_secs of profile `x` must be 1 to 3600 seconds"; without a profile for
    /// values from a flag.
    fn refusal(self, profile: Option<&str>) -> String {
        let field = self.field();
        let whose = profile
            .map(|p| format!(" of profile `{p}`"))
            .unwrap_or_default();
        let (low, high) = (*self.range().start(), *self.range().end());
        if low == 0 {
            format!("{field}{whose} must be 0 (off) or 1 to {high} seconds")
        } else {
            format!("{field}{whose} must be {low} to {high} seconds")
        }
    }
}

/// A conventional variable name (`PROD_TRUNK_KEY`): upper case, digits and `_`. Keys are
/// mixed case (`tk_...`) or long runs without `_`, so a pasted key is refused rather than
/// repeated back in messages.
fn is_env_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    let conventional = chars
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let looks_random = name.len() >= 20 && !name.contains('_');
    conventional && !looks_random
}

/// The base URL as the client will use it; the error says what is wrong.
fn parse_base_url(raw: &str) -> Result<reqwest::Url, String> {
    let parsed = reqwest::Url::parse(raw);
    // Repeated only through `shown_url`, which drops the userinfo; a value that does not
    // parse with an authority is not repeated, since no parser can find the password in it
    // (`user:pw@host` parses as the scheme `user`). Its file line or variable says which.
    let named = match &parsed {
        Ok(url) if !url.cannot_be_a_base() => {
            format!("base_url `{}`", crate::api::client::shown_url(raw))
        }
        _ => "base_url".to_string(),
    };
    // Checked before the parse error because "localhost:8000" parses as a URL whose scheme
    // is "localhost", which would make a confusing message.
    let lower = raw.to_ascii_lowercase();
    if !lower.starts_with("http://") && !lower.starts_with("https://") {
        return Err(format!("{named} must start with http:// or https://"));
    }
    let url = parsed.map_err(|e| format!("{named} is not a URL: {e}"))?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{named} has no host"));
    }
    Ok(url)
}

fn cleartext_warning(raw: &str, url: &reqwest::Url) -> Option<String> {
    if url.scheme() != "http" {
        return None;
    }
    let host = url.host_str()?;
    // IPv6 hosts come bracketed ("[::1]") from host_str.
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => {
            let name = bare.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    };
    (!loopback).then(|| {
        format!(
            "base_url {} uses plain http:// to a host that is not this machine: the API key \
             and trunk passwords would travel in clear text; use https://",
            crate::api::client::shown_url(raw)
        )
    })
}

#[cfg(unix)]
fn permission_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "{} holds an API key and is open to group or others (mode {mode:03o}); run: chmod 600 {}",
            path.display(),
            path.display()
        )
    })
}

#[cfg(not(unix))]
fn permission_warning(_path: &Path) -> Option<String> {
    // Windows ACLs do not map onto a mode; the profile directory is already per-user.
    None
}

/// Write the example configuration to `path`, creating its directories. The file is
/// created owner-only because the user is about to put a key in it, and an existing file is
/// never overwritten.
pub fn init(path: &Path) -> Result<(), ConfigError> {
    let write_error = |source| ConfigError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(parent).map_err(write_error)?;
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            ConfigError::Exists {
                path: path.to_path_buf(),
            }
        } else {
            write_error(e)
        }
    })?;
    file.write_all(EXAMPLE.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(write_error)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn resolve_text(text: &str, vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        }
        let vars: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        resolve_with_default_path(
            &Overrides::default(),
            &|name| vars.get(name).cloned(),
            Some(path),
        )
    }

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let text = "a = 1\néé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // The `=` at byte 11 follows two two-byte characters and a space.
        assert_eq!(line_col(text, 11), (2, 4));
        // An offset inside a character counts as that character.
        assert_eq!(line_col(text, 7), (2, 1));
        assert_eq!(line_col(text, 999), (3, 1));
    }

    #[test]
    fn the_example_parses() {
        let file = parse_file(Path::new("example"), EXAMPLE).unwrap();
        assert_eq!(
            file.default_profile.as_ref().map(|p| p.get_ref().as_str()),
            Some("local")
        );
        let local = file.profiles["local"].get_ref();
        assert_eq!(
            local.base_url.as_ref().map(|u| u.get_ref().as_str()),
            Some("http://localhost:8000")
        );
        assert_eq!(local.auth_scheme, Some(AuthScheme::Auto));
        assert_eq!(local.api_revision, Some(RevisionSetting::Auto));
    }

    #[test]
    fn a_mistyped_api_key_is_not_quoted_in_the_error() {
        for text in [
            "[profiles.x]\napi_key = 987654321\n",
            "[profiles.x]\napi_key = 98765.4321\n",
            "[profiles.x]\napi_key = [987654321]\n",
        ] {
            let err = resolve_text(text, &[]).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains(":2:11: "), "{msg}");
            assert!(msg.contains("api_key"), "{msg}");
            assert!(!msg.contains("987654321"), "{msg}");
            assert!(!msg.contains("98765"), "{msg}");
        }
        // A syntax error on the key's line names the line, not its content.
        let err = resolve_text("[profiles.x]\napi_key = \"abc123\n", &[]).unwrap_err();
        assert!(!err.to_string().contains("abc123"), "{err}");
        let err = resolve_text("[profiles.x]\napi_key = abc123\n", &[]).unwrap_err();
        assert!(!err.to_string().contains("abc123"), "{err}");
    }

    #[test]
    fn a_key_pasted_into_api_key_env_is_refused_without_echoing_it() {
        let err = resolve_text("[profiles.x]\napi_key_env = \"sk-12-34\"\n", &[]).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(":2:15: "), "{msg}");
        assert!(!msg.contains("sk-12-34"), "{msg}");
    }

    #[test]
    fn invalid_values_in_the_file_name_their_line() {
        let cases = [
            ("[profiles.x]\ntimeout_secs = 0\n", ":2:16: timeout_secs"),
            (
                "[profiles.x]\nrefresh_secs = 9223372036854775807\n",
                ":2:16: refresh_secs of profile `x` must be 0 (off) or 1 to 86400 seconds",
            ),
            (
                "[profiles.x]\ntimeout_secs = 3601\n",
                ":2:16: timeout_secs of profile `x` must be 1 to 3600 seconds",
            ),
            (
                "[profiles.x]\nconnect_timeout_secs = 0\n",
                ":2:24: connect_timeout_secs",
            ),
            (
                "[profiles.x]\naccent = \"reddish\"\n",
                ":2:10: accent `reddish`",
            ),
            (
                "[profiles.x]\napi_key = \"  \"\n",
                ":2:11: api_key of profile `x` is empty",
            ),
            (
                "[profiles.x]\nauth_scheme = \"basic\"\n",
                ":2:15: unknown variant `basic`",
            ),
            (
                "default_profile = \"y\"\n[profiles.x]\n",
                ":1:19: default_profile `y` is not defined; defined profiles: `x`",
            ),
            (
                "[profiles.x]\nbase_url = \"http://\"\n",
                ":2:12: base_url is not a URL: empty host",
            ),
            (
                "[profiles.x]\nbase_url = \"localhost:8000\"\n",
                ":2:12: base_url must start with http:// or https://",
            ),
            ("[profiles.x]\nread_only = \"yes\"\n", ":2:13: invalid type"),
        ];
        for (text, expected) in cases {
            let msg = resolve_text(text, &[]).unwrap_err().to_string();
            assert!(msg.contains(expected), "{text:?}: {msg}");
        }
    }

    #[test]
    fn accents_take_names_and_hex() {
        for (accent, expected) in [
            ("red", Accent::Red),
            ("LightRed", Accent::LightRed),
            ("#ff0000", Accent::Rgb(255, 0, 0)),
        ] {
            let text = format!("[profiles.x]\naccent = \"{accent}\"\n");
            let s = resolve_text(&text, &[]).unwrap();
            assert_eq!(s.accent, Some(expected));
        }
        // Each name's text form reads back as itself.
        for (_, accent) in ACCENT_NAMES {
            assert_eq!(accent.to_string().parse::<Accent>(), Ok(accent));
        }
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let s = resolve_text(
            "[profiles.x]\napi_key = \"from-file\"\n",
            &[("TRUNKTUI_API_KEY", ""), ("TRUNKTUI_BASE_URL", " ")],
        )
        .unwrap();
        assert_eq!(s.api_key.unwrap().expose(), "from-file");
        assert_eq!(s.base_url, DEFAULT_BASE_URL);
    }

    #[test]
    fn settings_debug_hides_the_key() {
        let s = resolve_text("[profiles.x]\napi_key = \"hunter2-key\"\n", &[]).unwrap();
        assert!(!format!("{s:?}").contains("hunter2-key"));
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        for (url, warns) in [
            ("http://localhost", false),
            ("http://LOCALHOST.", false),
            ("http://api.localhost:8000", false),
            ("http://127.0.0.1", false),
            ("http://127.255.0.9", false),
            ("http://[::1]", false),
            ("https://example.com", false),
            ("http://example.com", true),
            ("http://[2001:db8::1]", true),
            ("http://localhost.example.com", true),
        ] {
            let parsed = parse_base_url(url).unwrap();
            assert_eq!(cleartext_warning(url, &parsed).is_some(), warns, "{url}");
        }
    }

    #[test]
    fn env_var_names() {
        assert!(is_env_var_name("LOCAL_TRUNK_KEY"));
        assert!(is_env_var_name("_X1"));
        assert!(!is_env_var_name("1X"));
        assert!(!is_env_var_name(""));
        assert!(!is_env_var_name("sk-live"));
        // Generated keys and long random runs are keys, not names.
        assert!(!is_env_var_name("tk_AbCdEf0123456789AbCdEf0123456789"));
        assert!(!is_env_var_name("ABCDEF0123456789ABCDEF"));
    }
}
