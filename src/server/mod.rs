//! The local trunk API behind `trunktui serve` and `--demo`: the user's document's contract
//! (v1) or its later revision (v2), with the auth scheme of the kind of real server it
//! imitates, served by axum on a socket of the caller's choosing. It never writes to stdout
//! or stderr (in `--demo` it runs under the dashboard); the caller prints what a person
//! should see.

mod accept;
mod auth;
mod demo;
mod openapi;
mod routes;
mod store;
mod v2;

use crate::api::ApiRevision;
use rand::Rng;
use rand::distr::Alphanumeric;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Mutex, oneshot};
use tokio::task::JoinHandle;

/// How long `shutdown` lets requests in flight finish before it cuts their connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct ServeOptions {
    /// Port 0 picks a free port; `RunningServer::addr` tells which.
    pub addr: SocketAddr,
    /// Each key is a separate user with trunks of their own.
    pub api_keys: Vec<String>,
    /// A JSON file that holds the trunks across restarts; `None` keeps them in memory.
    pub data: Option<PathBuf>,
    /// Seeds sample trunks for the first key's user when the store has none of theirs yet
    /// (on a v2 server, as v2 trunks: Exotel ones get a virtual number and an `exotel_` id).
    pub demo_data: bool,
    /// Which create call to speak: the document's (v1) or the later revision's (v2).
    pub revision: ApiRevision,
    /// Which auth header to accept.
    pub auth: ServeAuth,
}

/// How long `serve` waits for a client before it gives up on the connection, so clients that
/// stall (or never send anything) cannot hold sockets and file descriptors forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeLimits {
    /// From the first byte of a request (or from when a kept-alive connection went idle)
    /// until its whole header has arrived.
    pub header_read: Duration,
    /// From the end of the header until the whole body has arrived.
    pub body_read: Duration,
}

impl Default for ServeLimits {
    fn default() -> Self {
        ServeLimits {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(30),
        }
    }
}

/// The auth headers `serve` accepts, so every kind of real server can be imitated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServeAuth {
    /// Only `x-api-key`; anything else is 401 in the document's envelope.
    XApiKey,
    /// Only `Authorization: Bearer`, refused the way FastAPI's `HTTPBearer` refuses.
    Bearer,
    /// Either header; refusals in the document's envelope.
    #[default]
    Both,
}

impl ServeAuth {
    pub fn parse(s: &str) -> Option<ServeAuth> {
        match s.trim().to_ascii_lowercase().as_str() {
            "x-api-key" => Some(ServeAuth::XApiKey),
            "bearer" => Some(ServeAuth::Bearer),
            "both" => Some(ServeAuth::Both),
            _ => None,
        }
    }
}

/// Debug counts the keys instead of showing them, so options can be logged.
impl std::fmt::Debug for ServeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeOptions")
            .field("addr", &self.addr)
            .field(
                "api_keys",
                &format_args!("[{} hidden]", self.api_keys.len()),
            )
            .field("data", &self.data)
            .field("demo_data", &self.demo_data)
            .field("revision", &self.revision)
            .field("auth", &self.auth)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {addr}: {source}{}", bind_hint(.source))]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("no API key to accept: give at least one (or generate one)")]
    NoApiKeys,
    #[error("API key number {position} is blank; it would let in any request without a key")]
    BlankApiKey { position: usize },
    #[error("cannot read the trunk store {}: {source}", .path.display())]
    DataUnreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the trunk store {} is not readable as one ({reason}); fix it or move it away", .path.display())]
    DataCorrupt { path: PathBuf, reason: String },
    #[error("cannot write the trunk store {}: {source}", .path.display())]
    DataUnwritable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the trunk store {} is in use by another trunktui serve ({}); stop that one first, or give this one another --data file", .path.display(), lock_holder(*.holder, .lock))]
    DataLocked {
        path: PathBuf,
        lock: PathBuf,
        holder: Option<u32>,
    },
    #[error("cannot lock the trunk store {} (with {}): {source}", .path.display(), .lock.display())]
    DataLockFailed {
        path: PathBuf,
        lock: PathBuf,
        source: std::io::Error,
    },
    #[error("the built-in demo trunks are invalid: {0}")]
    DemoData(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Names the process that holds a data file's lock.
fn lock_holder(pid: Option<u32>, lock: &std::path::Path) -> String {
    match pid {
        Some(pid) => format!("pid {pid}"),
        None => format!("its pid is not yet written in {}", lock.display()),
    }
}

fn bind_hint(source: &std::io::Error) -> &'static str {
    match source.kind() {
        std::io::ErrorKind::AddrInUse => {
            "; another program uses it: choose another address, or port 0 for any free one"
        }
        std::io::ErrorKind::PermissionDenied => {
            "; ports below 1024 need privileges: choose a higher port"
        }
        _ => "",
    }
}

/// A server running on the current tokio runtime. Dropping it stops the server too, without
/// waiting; `shutdown` stops it and waits.
#[derive(Debug)]
pub struct RunningServer {
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl RunningServer {
    /// `http://ADDR`, ready for a client's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish (for a few seconds at most), and
    /// returns once the server has stopped. Every acknowledged change is already on disk.
    pub async fn shutdown(self) {
        let RunningServer { stop, mut task, .. } = self;
        let _ = stop.send(());
        if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
            .await
            .is_err()
        {
            task.abort();
            let _ = task.await;
        }
    }
}

/// Binds (port 0 allowed), loads or seeds the store, spawns the server task on the current
/// tokio runtime, and returns at once. Clients get the default `ServeLimits`.
pub async fn start(opts: ServeOptions) -> Result<RunningServer, ServerError> {
    start_with(opts, ServeLimits::default()).await
}

/// `start` with limits of the caller's choosing.
pub async fn start_with(
    opts: ServeOptions,
    limits: ServeLimits,
) -> Result<RunningServer, ServerError> {
    let owners = auth::Owners::new(&opts.api_keys)?;
    let mut store = match opts.data {
        Some(path) => store::Store::open(path).await?,
        None => store::Store::in_memory(),
    };
    if opts.demo_data {
        seed_demo(&mut store, &owners, &opts.api_keys, opts.revision).await?;
    }
    let openapi = openapi::document(opts.revision, opts.auth).to_string();

    let listener = TcpListener::bind(opts.addr)
        .await
        .map_err(|source| ServerError::Bind {
            addr: opts.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServerError::Bind {
        addr: opts.addr,
        source,
    })?;

    let app = routes::router(Arc::new(routes::AppState {
        owners,
        store: Mutex::new(store),
        revision: opts.revision,
        auth: opts.auth,
        openapi,
        body_read: limits.body_read,
    }));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(accept::serve(listener, app, limits, async move {
        // A send and a dropped sender both mean stop.
        let _ = stopped.await;
    }));
    Ok(RunningServer { addr, stop, task })
}

/// The demo trunks go to the first key's user, once: a user who has deactivated them all
/// does not get them back at the next start.
async fn seed_demo(
    store: &mut store::Store,
    owners: &auth::Owners,
    keys: &[String],
    revision: ApiRevision,
) -> Result<(), ServerError> {
    let Some(first) = keys.first() else {
        return Ok(());
    };
    let owner = owners.fingerprint(first.trim());
    if store.has_any_for(&owner) {
        return Ok(());
    }
    let mut trunks = store.trunks().to_vec();
    let demo = match revision {
        ApiRevision::V1 => demo::demo_trunks(&owner)?,
        ApiRevision::V2 => demo::demo_trunks_v2(&owner)?,
    };
    for mut trunk in demo {
        // The file's ids may already be taken, e.g. by the user of a key used before.
        while trunks.iter().any(|t| t.trunk_id == trunk.trunk_id) {
            trunk.trunk_id = if trunk.trunk_id.starts_with("exotel_") {
                new_exotel_id()
            } else {
                new_trunk_id()
            };
        }
        trunks.push(trunk);
    }
    store.replace(trunks).await
}

/// A new API key: `tk_` and 32 characters from a cryptographically secure generator.
pub fn generate_api_key() -> String {
    format!("tk_{}", random_base62(32))
}

/// `ST_` and 12 random characters, the shape of the document's ids.
fn new_trunk_id() -> String {
    format!("ST_{}", random_base62(12))
}

/// `exotel_` and 8 lowercase hex digits, the shape of the later revision's Exotel ids.
fn new_exotel_id() -> String {
    format!("exotel_{:08x}", rand::rng().random::<u32>())
}

fn random_base62(len: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// Now as naive UTC with microseconds, e.g. `2024-01-15T10:00:00.000000`, as the document's
/// servers write it. Built by hand because it cannot fail, unlike `format`.
fn now_timestamp() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.microsecond()
    )
}

#[cfg(test)]
pub(crate) fn is_trunk_id(id: &str) -> bool {
    id.strip_prefix("ST_")
        .is_some_and(|rest| rest.len() == 12 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
pub(crate) fn is_exotel_id(id: &str) -> bool {
    id.strip_prefix("exotel_").is_some_and(|rest| {
        rest.len() == 8 && rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

#[cfg(test)]
pub(crate) fn is_timestamp(text: &str) -> bool {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]"
    );
    time::PrimitiveDateTime::parse(text, &format).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_keys_have_their_shapes_and_differ() {
        let id = new_trunk_id();
        assert!(is_trunk_id(&id), "{id}");
        assert_ne!(id, new_trunk_id());
        let exotel = new_exotel_id();
        assert!(is_exotel_id(&exotel), "{exotel}");
        assert_ne!(exotel, new_exotel_id());
        let key = generate_api_key();
        assert!(key.starts_with("tk_") && key.len() == 35, "{key}");
        assert!(key[3..].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(key, generate_api_key());
    }

    #[test]
    fn options_never_show_the_keys() {
        let opts = options(None, &["tk_secret_one"], false);
        let shown = format!("{opts:?}");
        assert!(
            !shown.contains("tk_secret_one") && shown.contains("1 hidden"),
            "{shown}"
        );
    }

    #[test]
    fn timestamps_are_naive_utc_with_microseconds() {
        let ts = now_timestamp();
        assert!(is_timestamp(&ts), "{ts}");
        assert_eq!(ts.len(), "2024-01-15T10:00:00.000000".len());
    }

    fn options(data: Option<PathBuf>, keys: &[&str], demo_data: bool) -> ServeOptions {
        ServeOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_keys: keys.iter().map(|k| k.to_string()).collect(),
            data,
            demo_data,
            revision: crate::api::ApiRevision::V1,
            auth: ServeAuth::Both,
        }
    }

    #[tokio::test]
    async fn demo_data_is_seeded_once_for_the_first_key_and_never_holds_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trunks.json");
        let server = start(options(
            Some(path.clone()),
            &["tk_first", "tk_second"],
            true,
        ))
        .await
        .unwrap();
        server.shutdown().await;
        let seeded = store::load(&path).unwrap();
        assert!(seeded.len() >= 10);
        let owners = auth::Owners::new(&["tk_first".into()]).unwrap();
        let first = owners.fingerprint("tk_first");
        assert!(seeded.iter().all(|t| t.owner == first));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("tk_first") && !text.contains("tk_second"));

        // A second start with the same store adds nothing.
        let server = start(options(Some(path.clone()), &["tk_first"], true))
            .await
            .unwrap();
        server.shutdown().await;
        assert_eq!(store::load(&path).unwrap(), seeded);

        // Another first key gets its own copy, with ids of its own.
        let server = start(options(Some(path.clone()), &["tk_other"], true))
            .await
            .unwrap();
        server.shutdown().await;
        let both = store::load(&path).unwrap();
        assert_eq!(both.len(), 2 * seeded.len());
        let ids: std::collections::HashSet<_> = both.iter().map(|t| &t.trunk_id).collect();
        assert_eq!(ids.len(), both.len());
    }

    #[tokio::test]
    async fn start_reports_what_stops_it() {
        let err = start(options(None, &[], false)).await.unwrap_err();
        assert!(matches!(err, ServerError::NoApiKeys));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trunks.json");
        std::fs::write(&path, "{not json").unwrap();
        let err = start(options(Some(path.clone()), &["k"], false))
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );

        let taken = start(options(None, &["k"], false)).await.unwrap();
        let mut opts = options(None, &["k"], false);
        opts.addr = taken.addr;
        let err = start(opts).await.unwrap_err();
        assert!(
            matches!(err, ServerError::Bind { addr, .. } if addr == taken.addr),
            "{err}"
        );
        assert!(err.to_string().contains(&taken.addr.to_string()));
        taken.shutdown().await;
    }
}
