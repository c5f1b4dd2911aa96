//! The headless commands: data on stdout, messages on stderr, documented exit codes.

use crate::api::{ApiClient, ApiError, ClientConfig, NewTrunk, Trunk, validate};
use crate::config::{self, Overrides, Settings};
use crate::server::{self, ServeOptions};
use crate::text;
use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

/// Exit codes, as documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// A bug or an environment problem that is not the user's input.
    Internal = 1,
    Usage = 2,
    Auth = 3,
    Invalid = 4,
    Unreachable = 5,
    NotFound = 6,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

impl Exit {
    pub fn of(e: &ApiError) -> Exit {
        match e {
            ApiError::Unauthorized { .. } | ApiError::NoKey { .. } => Exit::Auth,
            ApiError::NotSent(_) => Exit::Usage,
            ApiError::Invalid { .. } | ApiError::Incompatible { .. } => Exit::Invalid,
            ApiError::NotFound { .. } => Exit::NotFound,
            ApiError::Connect { .. }
            | ApiError::Timeout { .. }
            | ApiError::Server { .. }
            | ApiError::Unexpected { .. } => Exit::Unreachable,
        }
    }
}

/// Every line the CLI writes to stderr goes through here. Most carry text a server chose
/// (errors, ids, names), so each is sanitized like the screen: no control, bidi or format
/// character reaches the terminal, whatever the server sent.
pub fn say(line: &str) {
    eprintln!("{}", text::sanitize(line));
}

fn fail(e: &ApiError) -> Exit {
    say(&format!("trunktui: {e}"));
    if let ApiError::Invalid { fields, .. } = e {
        for f in fields {
            say(&format!("  {}: {}", f.field, f.message));
        }
    }
    Exit::of(e)
}

/// Loads the settings and prints their warnings; a broken configuration is exit 2.
pub fn settings(flags: &Overrides) -> Result<Settings, Exit> {
    let settings = config::resolve(flags, &|name| std::env::var(name).ok()).map_err(|e| {
        say(&format!("trunktui: {e}"));
        Exit::Usage
    })?;
    for w in &settings.warnings {
        say(&format!("trunktui: warning: {w}"));
    }
    Ok(settings)
}

pub fn client_config(s: &Settings) -> ClientConfig {
    // The URL and the key through `new`; the body caps keep its defaults.
    ClientConfig {
        auth_scheme: s.auth_scheme,
        api_revision: s.api_revision,
        key_source: s.key_source.clone(),
        timeout: s.timeout,
        connect_timeout: s.connect_timeout,
        ..ClientConfig::new(s.base_url.clone(), s.api_key.clone())
    }
}

fn client(s: &Settings) -> Result<ApiClient, Exit> {
    ApiClient::new(client_config(s)).map_err(|e| {
        say(&format!("trunktui: {e}"));
        Exit::Usage
    })
}

fn refuse_read_only(s: &Settings, what: &str) -> Result<(), Exit> {
    if s.read_only {
        say(&format!(
            "trunktui: profile {:?} is read_only, so {what} is refused; use another profile to change trunks",
            s.profile
        ));
        return Err(Exit::Usage);
    }
    Ok(())
}

pub async fn list(flags: &Overrides, json: bool) -> Exit {
    let run = async {
        let s = settings(flags)?;
        let list = client(&s)?.list().await.map_err(|e| fail(&e))?;
        if list.skipped > 0 {
            say(&format!(
                "trunktui: warning: {} list entries had no trunk_id and are not shown",
                list.skipped
            ));
        }
        // One write per 64 KiB instead of one per line: 100,000 trunks are about 20 MB.
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
        let written = if json {
            let mut json = serde_json::Serializer::with_formatter(&mut out, TerminalSafeJson);
            serde::Serialize::serialize(&list.trunks, &mut json)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out))
        } else {
            write_table(&mut out, &list.trunks, std::io::stdout().is_terminal())
        };
        // A closed pipe (`| head`) is not an error worth a message.
        match written.and_then(|()| out.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                say(&format!("trunktui: cannot write the list: {e}"));
                Err(Exit::Internal)
            }
            _ => Ok(()),
        }
    };
    run.await.err().unwrap_or(Exit::Ok)
}

const UNKNOWN: &str = "?";

/// The trunks as aligned columns; every server string is sanitized, so nothing in the data
/// can reach the terminal as a command.
pub fn write_table(out: &mut impl Write, trunks: &[Trunk], color: bool) -> std::io::Result<()> {
    // Servers of the later revision list the creator's email and no address: show that.
    let by_creator = trunks.iter().all(|t| t.trunk_address.is_none())
        && trunks.iter().any(|t| t.trunk_created_by_email.is_some());
    let rows: Vec<[String; 6]> = trunks
        .iter()
        .map(|t| {
            let third = if by_creator {
                &t.trunk_created_by_email
            } else {
                &t.trunk_address
            };
            [
                text::fit(&t.trunk_id, 40),
                text::fit(t.trunk_name.as_deref().unwrap_or(UNKNOWN), 40),
                text::fit(t.trunk_type.as_deref().unwrap_or(UNKNOWN), 10),
                text::fit(third.as_deref().unwrap_or(UNKNOWN), 40),
                text::fit(&numbers_summary(t.trunk_numbers.as_deref()), 30),
                text::fit(&created_summary(t.trunk_created_at.as_deref()), 20),
            ]
        })
        .collect();
    let third = if by_creator { "CREATED BY" } else { "ADDRESS" };
    let header = ["ID", "NAME", "TYPE", third, "NUMBERS", "CREATED (UTC)"];
    let mut widths = header.map(text::width);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(text::width(cell));
        }
    }
    let line = |cells: &[&str]| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            s.push_str(cell);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(w - text::width(cell) + 2));
            }
        }
        s
    };
    let head = line(&header);
    if color {
        writeln!(out, "\x1b[1m{head}\x1b[0m")?;
    } else {
        writeln!(out, "{head}")?;
    }
    for row in &rows {
        writeln!(out, "{}", line(&row.each_ref().map(String::as_str)))?;
    }
    if trunks.is_empty() {
        writeln!(out, "(no trunks)")?;
    }
    Ok(())
}

/// The first number and how many more: "+15550100000 +2".
pub fn numbers_summary(numbers: Option<&[String]>) -> String {
    match numbers {
        None => UNKNOWN.to_string(),
        Some([]) => "-".to_string(),
        Some([one]) => one.clone(),
        Some([first, rest @ ..]) => format!("{first} +{}", rest.len()),
    }
}

/// "2024-01-15 10:00" in UTC from any of the API's timestamp forms; anything else is shown
/// as sent (and sanitized by the caller).
pub fn created_summary(created: Option<&str>) -> String {
    match created {
        None => UNKNOWN.to_string(),
        Some(c) => match crate::api::types::parse_timestamp(c) {
            Some(t) => format!(
                "{}-{:02}-{:02} {:02}:{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            ),
            None => c.to_string(),
        },
    }
}

pub async fn create(flags: &Overrides, file: &Path, dry_run: bool) -> Exit {
    let run = async {
        let s = settings(flags)?;
        let raw = read_input(file)?;
        let trunk = NewTrunk::from_json(&raw).map_err(|e| {
            let e = without_values(&e);
            say(&format!(
                "trunktui: {} is not a create request: {e}. It must be a JSON object: either the document's body (trunk_name, trunk_address, trunk_numbers, trunk_auth_username, trunk_auth_password, trunk_type) or the later revision's (trunk_name, trunk_type, trunk_config with address, numbers, username, password for twilio, or exotel_number and optional sip_host, sip_port, sip_domain for exotel; passthrough_mode, passthrough_webhook_url)",
                shown_path(file)
            ));
            Exit::Invalid
        })?;
        let errors = validate::validate_new(&trunk);
        if !errors.is_empty() {
            say(&format!("trunktui: invalid input in {}:", shown_path(file)));
            for e in &errors {
                say(&format!("  {}: {}", e.field, e.message));
            }
            return Err(Exit::Invalid);
        }
        if dry_run {
            say(&format!(
                "trunktui: valid {} body; would create {} trunk {:?} on {} (nothing sent, and the server was not asked which create API it speaks)",
                trunk.revision(),
                trunk.provider(),
                text::sanitize(trunk.name()),
                crate::api::client::shown_url(&s.base_url)
            ));
            return Ok(());
        }
        refuse_read_only(&s, "create")?;
        let id = client(&s)?.create(&trunk).await.map_err(|e| {
            let code = fail(&e);
            if e.outcome_unknown() {
                say("trunktui: the outcome is unknown: the trunk may have been created. Run `trunktui list` before trying again, so it is not created twice");
            }
            code
        })?;
        print_id(&id)?;
        say(&format!(
            "trunktui: created {id}; store the trunk id securely"
        ));
        Ok(())
    };
    run.await.err().unwrap_or(Exit::Ok)
}

/// The new trunk's id on stdout, for scripts. An id holding characters a terminal acts on
/// (a hostile server's OSC 52, a cursor query, a bidi override) reaches a terminal
/// sanitized, and a pipe not at all: a script would use the bytes as sent, and a sanitized
/// copy is not the id.
fn print_id(id: &str) -> Result<(), Exit> {
    let clean = !id.chars().any(text::acts_on_terminal);
    let stdout = std::io::stdout();
    let on_terminal = stdout.is_terminal();
    if !clean && !on_terminal {
        say(&format!(
            "trunktui: the trunk was created, but the id the server sent holds control or \
             invisible characters ({id}), so it is not written to stdout, which is not a \
             terminal; `trunktui list` shows the trunk"
        ));
        return Err(Exit::Unreachable);
    }
    let mut out = stdout.lock();
    if let Err(e) = writeln!(out, "{}", text::sanitize(id)).and_then(|()| out.flush()) {
        say(&format!(
            "trunktui: the trunk was created, but its id could not be written to stdout: {e}; \
             `trunktui list` shows the trunk"
        ));
        return Err(Exit::Internal);
    }
    if !clean {
        say(
            "trunktui: warning: the id holds control or invisible characters, shown as \
             placeholders (␛, �): it cannot be typed as shown",
        );
    }
    Ok(())
}

/// JSON for `list --json` in which every character a terminal acts on is written as a
/// `\uXXXX` escape (serde_json escapes only the C0 controls): the same JSON value, so
/// nothing is lost, and as safe on a terminal as the table.
struct TerminalSafeJson;

impl serde_json::ser::Formatter for TerminalSafeJson {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if text::acts_on_terminal(c) {
                writer.write_all(&fragment.as_bytes()[start..at])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                start = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// serde's message without the value it quotes ("invalid type: integer `8437291056`"):
/// the value may be the password.
fn without_values(e: &serde_json::Error) -> String {
    let text = e.to_string();
    for lead in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = text.strip_prefix(lead)
            && let Some(at) = rest.find(", expected")
        {
            let kind = rest[..at].split([' ', '`', '"']).next().unwrap_or("value");
            return format!("{lead}{kind}{}", &rest[at..]);
        }
    }
    text
}

fn shown_path(file: &Path) -> String {
    if file == Path::new("-") {
        "stdin".to_string()
    } else {
        file.display().to_string()
    }
}

/// The body file, capped: the API refuses anything near this size anyway.
fn read_input(file: &Path) -> Result<Vec<u8>, Exit> {
    const CAP: u64 = 1024 * 1024;
    let mut buf = Vec::new();
    let result = if file == Path::new("-") {
        std::io::stdin().lock().take(CAP + 1).read_to_end(&mut buf)
    } else {
        std::fs::File::open(file).and_then(|f| f.take(CAP + 1).read_to_end(&mut buf))
    };
    match result {
        Ok(_) if buf.len() as u64 > CAP => {
            say(&format!(
                "trunktui: {} is larger than 1 MiB",
                shown_path(file)
            ));
            Err(Exit::Invalid)
        }
        Ok(_) => Ok(buf),
        Err(e) => {
            say(&format!("trunktui: cannot read {}: {e}", shown_path(file)));
            Err(Exit::Usage)
        }
    }
}

pub async fn deactivate(flags: &Overrides, trunk_id: &str) -> Exit {
    let run = async {
        let s = settings(flags)?;
        refuse_read_only(&s, "deactivate")?;
        client(&s)?
            .deactivate(trunk_id)
            .await
            .map_err(|e| fail(&e))?;
        say(&format!("trunktui: deactivated {trunk_id}"));
        Ok(())
    };
    run.await.err().unwrap_or(Exit::Ok)
}

/// The file `resolve` reads, chosen by the same function.
fn config_file(flags: &Overrides) -> Option<std::path::PathBuf> {
    config::config_file(flags, &|name| std::env::var(name).ok()).path
}

pub fn config_path(flags: &Overrides) -> Exit {
    match config_file(flags) {
        Some(p) => {
            // A path the user chose, for scripts: written as it is. A closed pipe is no error.
            let mut out = std::io::stdout().lock();
            match writeln!(out, "{}", p.display()).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    say(&format!("trunktui: cannot write the path: {e}"));
                    Exit::Internal
                }
                _ => Exit::Ok,
            }
        }
        None => {
            say("trunktui: this platform has no configuration directory; pass --config PATH");
            Exit::Usage
        }
    }
}

pub fn config_init(flags: &Overrides) -> Exit {
    let Some(path) = config_file(flags) else {
        say("trunktui: this platform has no configuration directory; pass --config PATH");
        return Exit::Usage;
    };
    match config::init(&path) {
        Ok(()) => {
            say(&format!(
                "trunktui: wrote {} (mode 0600); edit it to add your profiles",
                path.display()
            ));
            Exit::Ok
        }
        Err(e) => {
            say(&format!("trunktui: {e}"));
            Exit::Usage
        }
    }
}

pub async fn serve(mut opts: ServeOptions) -> Exit {
    if opts.api_keys.is_empty() {
        let key = server::generate_api_key();
        // The one place a key is printed, on purpose: the user needs it to call the server.
        say(&format!(
            "trunktui serve: no --api-key given; generated one for this run: {key}"
        ));
        opts.api_keys.push(key);
    }
    let running = match server::start(opts).await {
        Ok(r) => r,
        Err(e) => {
            say(&format!("trunktui serve: {e}"));
            return Exit::Usage;
        }
    };
    // In place before "listening" is printed: a signal sent as soon as a script reads that
    // line must stop the server cleanly, not by the signal's default action.
    let stop = match stop_signal() {
        Ok(stop) => stop,
        Err(e) => {
            say(&format!("trunktui serve: cannot listen for Ctrl+C: {e}"));
            running.shutdown().await;
            return Exit::Internal;
        }
    };
    say(&format!(
        "trunktui serve: listening on http://{} (Ctrl+C stops)",
        running.addr
    ));
    stop.await;
    say("trunktui serve: stopping");
    running.shutdown().await;
    Exit::Ok
}

/// Waits for Ctrl+C (SIGINT) or SIGTERM, listening from the moment it is called.
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

pub async fn dashboard(flags: &Overrides, demo: bool) -> Exit {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    // The embedded server lives as long as the dashboard; it prints nothing.
    let mut embedded = None;
    let opts = if demo {
        // The demo needs no configuration: the user's profile (and a broken file) stay out.
        let key = server::generate_api_key();
        let serve = ServeOptions {
            addr: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            api_keys: vec![key.clone()],
            data: None,
            demo_data: true,
            revision: crate::api::ApiRevision::V1,
            auth: server::ServeAuth::Both,
        };
        let running = match server::start(serve).await {
            Ok(running) => running,
            Err(e) => {
                say(&format!("trunktui: cannot start the demo server: {e}"));
                return Exit::Internal;
            }
        };
        let mut cfg = ClientConfig::new(running.base_url(), Some(crate::api::ApiKey::new(key)));
        cfg.key_source = "the embedded demo server".into();
        // Left to detection, so the demo shows it at work.
        cfg.auth_scheme = crate::api::AuthScheme::Auto;
        cfg.api_revision = None;
        let profile = crate::state::Profile {
            name: "demo".into(),
            base_url: running.base_url(),
            read_only: false,
            accent: None,
            refresh_secs: 30,
        };
        embedded = Some(running);
        let client = match ApiClient::new(cfg) {
            Ok(c) => c,
            Err(e) => {
                say(&format!("trunktui: {e}"));
                return Exit::Internal;
            }
        };
        crate::app::AppOptions {
            profile,
            client,
            log_file: config::default_log_file(),
            no_color,
            warnings: Vec::new(),
        }
    } else {
        let s = match settings(flags) {
            Ok(s) => s,
            Err(code) => return code,
        };
        let client = match client(&s) {
            Ok(c) => c,
            Err(code) => return code,
        };
        crate::app::AppOptions {
            profile: crate::state::Profile {
                name: s.profile.clone(),
                base_url: crate::api::client::shown_url(&s.base_url),
                read_only: s.read_only,
                // The dashboard's profile still takes the colour's name (see the report).
                accent: s.accent.map(|a| a.to_string()),
                refresh_secs: s.refresh_secs,
            },
            client,
            log_file: config::default_log_file(),
            no_color,
            warnings: s.warnings.clone(),
        }
    };
    let result = crate::app::run_in_terminal(opts).await;
    if let Some(server) = embedded {
        server.shutdown().await;
    }
    match result {
        Ok(()) => Exit::Ok,
        Err(e) => {
            say(&format!("trunktui: terminal error: {e}"));
            Exit::Internal
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_is_utc_and_never_cuts_a_character() {
        assert_eq!(
            created_summary(Some("2024-01-15T15:30:00+05:30")),
            "2024-01-15 10:00"
        );
        assert_eq!(
            created_summary(Some("2024-01-15T10:00:00.000000")),
            "2024-01-15 10:00"
        );
        // Not a time: shown as sent, whatever its bytes.
        assert_eq!(
            created_summary(Some("2024-01-15T1234é5")),
            "2024-01-15T1234é5"
        );
    }

    #[test]
    fn serde_messages_lose_the_values_they_quote() {
        let e = serde_json::from_str::<crate::api::CreateTrunkRequest>(
            r#"{"trunk_name":"n","trunk_address":"a","trunk_numbers":[],"trunk_auth_username":"u","trunk_auth_password":8437291056,"trunk_type":"twilio"}"#,
        )
        .unwrap_err();
        let text = without_values(&e);
        assert!(!text.contains("8437291056"), "{text}");
        assert!(
            text.starts_with("invalid type: integer, expected"),
            "{text}"
        );
    }

    #[test]
    fn table_sanitizes_and_aligns() {
        let trunks = vec![
            Trunk {
                trunk_id: "ST_1".into(),
                trunk_name: Some("evil\x1b]52;c;AAAA\x07".into()),
                trunk_address: None,
                trunk_numbers: Some(vec!["+1".into(), "+2".into(), "+3".into()]),
                trunk_type: Some("twilio".into()),
                trunk_created_at: Some("2024-01-15T10:00:00.000000".into()),
                trunk_created_by_email: None,
            },
            Trunk {
                trunk_id: "ST_漢字".into(),
                trunk_name: None,
                trunk_address: Some("sip.exotel.com".into()),
                trunk_numbers: None,
                trunk_type: None,
                trunk_created_at: None,
                trunk_created_by_email: None,
            },
        ];
        let mut out = Vec::new();
        write_table(&mut out, &trunks, false).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(!s.contains('\x1b') && !s.contains('\x07'));
        assert!(s.contains("evil␛]52;c;AAAA␇"));
        assert!(s.contains("+1 +2"));
        assert!(s.contains("2024-01-15 10:00"));
        // The id column is as wide as its widest cell (ST_漢字 is 7 columns), plus two spaces.
        let lines: Vec<&str> = s.lines().collect();
        assert!(lines[0].starts_with("ID       NAME"), "{s}");
        assert!(lines[1].starts_with("ST_1     evil"), "{s}");
        assert!(lines[2].starts_with("ST_漢字  ?"), "{s}");
    }
}
