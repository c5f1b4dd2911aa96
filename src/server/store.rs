//! The local server's trunks: kept in memory, or in one JSON file that is replaced atomically
//! on every change, and locked against a second server for as long as the store lives. Knows
//! nothing of HTTP and never holds a raw API key, only owner fingerprints.

use super::ServerError;
use crate::api::{CreateTrunkRequest, CreateTrunkRequestV2, Provider, TrunkConfig};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The layout of the data file; bumped when a build could no longer read an older file.
const FORMAT_VERSION: u32 = 1;

/// One trunk as the server keeps it, credentials included: a real server needs them to place
/// calls, so the file is private to its owner (mode 0600).
///
/// The document's (v1) fields are always written, so a build that knows only them still
/// reads every file; what the later revision (v2) adds is optional, so files written before it
/// load as they are. A v2 Exotel trunk has no address or credentials: its v1 fields hold the
/// SIP host (or nothing), its one number, and empty credentials.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredTrunk {
    pub trunk_id: String,
    /// The fingerprint of the owner's API key (see `auth`), never the key itself.
    pub owner: String,
    pub trunk_name: String,
    pub trunk_address: String,
    pub trunk_numbers: Vec<String>,
    pub trunk_auth_username: String,
    pub trunk_auth_password: String,
    pub trunk_type: Provider,
    pub trunk_created_at: String,
    /// Set by deactivate: a soft delete, so the record stays and a second deactivate can say so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivated_at: Option<String>,
    /// A v2 Exotel trunk's configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exotel: Option<StoredExotel>,
    /// v2: a trunk for human-to-phone calls with no AI agent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub passthrough_mode: bool,
    /// v2: called when a passthrough call ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passthrough_webhook_url: Option<String>,
}

/// A v2 Exotel `trunk_config` as stored. Its own type rather than the wire's, so the file
/// format does not change when the wire type does (and unknown fields are tolerated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredExotel {
    pub exotel_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sip_host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sip_port: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sip_domain: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl StoredTrunk {
    /// A trunk from the document's create body, already validated.
    pub fn from_v1(
        trunk_id: String,
        owner: String,
        request: CreateTrunkRequest,
        created_at: String,
    ) -> StoredTrunk {
        StoredTrunk {
            trunk_id,
            owner,
            // Trimmed because the rules count characters after trimming; the credentials are
            // kept exactly as given, since a space there may be part of the secret.
            trunk_name: request.trunk_name.trim().to_string(),
            trunk_address: request.trunk_address.trim().to_string(),
            trunk_numbers: request.trunk_numbers,
            trunk_auth_username: request.trunk_auth_username,
            trunk_auth_password: request.trunk_auth_password,
            trunk_type: request.trunk_type,
            trunk_created_at: created_at,
            deactivated_at: None,
            exotel: None,
            passthrough_mode: false,
            passthrough_webhook_url: None,
        }
    }

    /// A trunk from the later revision's create body, already validated (so its config is
    /// of its `trunk_type`'s shape).
    pub fn from_v2(
        trunk_id: String,
        owner: String,
        request: CreateTrunkRequestV2,
        created_at: String,
    ) -> StoredTrunk {
        let trimmed = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let mut trunk = StoredTrunk {
            trunk_id,
            owner,
            trunk_name: request.trunk_name.trim().to_string(),
            trunk_address: String::new(),
            trunk_numbers: Vec::new(),
            trunk_auth_username: String::new(),
            trunk_auth_password: String::new(),
            trunk_type: request.trunk_config.provider(),
            trunk_created_at: created_at,
            deactivated_at: None,
            exotel: None,
            passthrough_mode: request.passthrough_mode,
            passthrough_webhook_url: trimmed(request.passthrough_webhook_url),
        };
        match request.trunk_config {
            TrunkConfig::Twilio(c) => {
                trunk.trunk_address = c.address.trim().to_string();
                trunk.trunk_numbers = c.numbers;
                trunk.trunk_auth_username = c.username;
                trunk.trunk_auth_password = c.password;
            }
            TrunkConfig::Exotel(c) => {
                let exotel = StoredExotel {
                    exotel_number: c.exotel_number.trim().to_string(),
                    sip_host: trimmed(c.sip_host),
                    sip_port: c.sip_port,
                    sip_domain: trimmed(c.sip_domain),
                };
                trunk.trunk_address = exotel.sip_host.clone().unwrap_or_default();
                trunk.trunk_numbers = vec![exotel.exotel_number.clone()];
                trunk.exotel = Some(exotel);
            }
        }
        trunk
    }

    pub fn is_active(&self) -> bool {
        self.deactivated_at.is_none()
    }
}

impl fmt::Debug for StoredTrunk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredTrunk")
            .field("trunk_id", &self.trunk_id)
            .field("owner", &self.owner)
            .field("trunk_name", &self.trunk_name)
            .field("trunk_address", &self.trunk_address)
            .field("trunk_numbers", &self.trunk_numbers)
            .field("trunk_auth_username", &self.trunk_auth_username)
            .field("trunk_auth_password", &"***")
            .field("trunk_type", &self.trunk_type)
            .field("trunk_created_at", &self.trunk_created_at)
            .field("deactivated_at", &self.deactivated_at)
            .field("exotel", &self.exotel)
            .field("passthrough_mode", &self.passthrough_mode)
            .field("passthrough_webhook_url", &self.passthrough_webhook_url)
            .finish()
    }
}

#[derive(Serialize, Deserialize)]
struct StoreFile {
    version: u32,
    trunks: Vec<StoredTrunk>,
}

/// What deactivating an id for an owner came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deactivation {
    Done,
    /// Unknown id, or another owner's trunk: the same answer, so ids of others do not leak.
    NotFound,
    AlreadyInactive,
}

#[derive(Debug)]
pub(crate) struct Store {
    trunks: Vec<StoredTrunk>,
    /// Where saves go: the data file, or the file it is a symlink to (so the link stays one).
    path: Option<PathBuf>,
    /// Held for as long as the store lives.
    _lock: Option<DataLock>,
}

impl Store {
    pub fn in_memory() -> Store {
        Store {
            trunks: Vec::new(),
            path: None,
            _lock: None,
        }
    }

    /// Locks the file at `path` against other servers, removes temporary files a crash left
    /// beside it (they may hold passwords), and loads it, or starts empty when there is none
    /// yet. Creates the parent directory so a fresh `--data` location works, and saves once so
    /// that a location the server cannot write fails now rather than at the first create.
    pub async fn open(path: PathBuf) -> Result<Store, ServerError> {
        let (trunks, target, lock) = blocking(move || {
            let unwritable = |source| ServerError::DataUnwritable {
                path: path.clone(),
                source,
            };
            let target = follow_symlinks(&path).map_err(|source| ServerError::DataUnreadable {
                path: path.clone(),
                source,
            })?;
            if let Some(dir) = parent_dir(&target) {
                create_private_dir(dir).map_err(unwritable)?;
            }
            let lock = DataLock::acquire(&path, &target)?;
            remove_stale_temp_files(&target).map_err(unwritable)?;
            let trunks = load(&target)?;
            Ok((trunks, target, lock))
        })
        .await?;
        let mut store = Store {
            trunks: Vec::new(),
            path: Some(target),
            _lock: Some(lock),
        };
        store.replace(trunks).await?;
        Ok(store)
    }

    pub fn trunks(&self) -> &[StoredTrunk] {
        &self.trunks
    }

    pub fn contains_id(&self, trunk_id: &str) -> bool {
        self.trunks.iter().any(|t| t.trunk_id == trunk_id)
    }

    /// Whether the owner has ever had a trunk here, deactivated ones included.
    pub fn has_any_for(&self, owner: &str) -> bool {
        self.trunks.iter().any(|t| t.owner == owner)
    }

    /// The owner's active trunks, oldest first.
    pub fn active_for<'a>(&'a self, owner: &'a str) -> impl Iterator<Item = &'a StoredTrunk> {
        self.trunks
            .iter()
            .filter(move |t| t.owner == owner && t.is_active())
    }

    pub async fn insert(&mut self, trunk: StoredTrunk) -> Result<(), ServerError> {
        let mut next = self.trunks.clone();
        next.push(trunk);
        self.replace(next).await
    }

    pub async fn deactivate(
        &mut self,
        owner: &str,
        trunk_id: &str,
        now: String,
    ) -> Result<Deactivation, ServerError> {
        let Some(index) = self
            .trunks
            .iter()
            .position(|t| t.trunk_id == trunk_id && t.owner == owner)
        else {
            return Ok(Deactivation::NotFound);
        };
        if !self.trunks[index].is_active() {
            return Ok(Deactivation::AlreadyInactive);
        }
        let mut next = self.trunks.clone();
        next[index].deactivated_at = Some(now);
        self.replace(next).await?;
        Ok(Deactivation::Done)
    }

    /// Saves `trunks` first and only then keeps them, so a failed save leaves the store (and
    /// the answer the client gets) as if the change never happened.
    pub async fn replace(&mut self, trunks: Vec<StoredTrunk>) -> Result<(), ServerError> {
        let trunks = match &self.path {
            Some(path) => {
                let path = path.clone();
                blocking(move || save(&path, trunks)).await?
            }
            None => trunks,
        };
        self.trunks = trunks;
        Ok(())
    }
}

/// An exclusive lock on a data file, so that two servers never each rewrite it from their own
/// copy. It is a file beside the data file (`trunks.json.lock`), since the data file itself is
/// replaced at every save; it holds the pid of the server that has it, to name that server.
/// The operating system releases it when the process ends, however it ends.
#[derive(Debug)]
struct DataLock {
    path: PathBuf,
    file: fs::File,
}

impl DataLock {
    /// Locks `target` (the data file `shown` resolves to) or says which process has it.
    fn acquire(shown: &Path, target: &Path) -> Result<DataLock, ServerError> {
        let path = sibling(target, ".lock");
        let failed = |source| ServerError::DataLockFailed {
            path: shown.to_path_buf(),
            lock: path.clone(),
            source,
        };
        // A holder removes the file as it stops; a lock taken on the file it just removed
        // would lock nothing, so such a lock is let go and the file opened again.
        for _ in 0..10 {
            let mut options = fs::OpenOptions::new();
            options.read(true).write(true).create(true).truncate(false);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(&path).map_err(failed)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    let mut text = String::new();
                    let _ = file.read_to_string(&mut text);
                    return Err(ServerError::DataLocked {
                        path: shown.to_path_buf(),
                        lock: path.clone(),
                        holder: text.trim().parse().ok(),
                    });
                }
                Err(fs::TryLockError::Error(source)) => return Err(failed(source)),
            }
            if !still_at(&file, &path) {
                continue;
            }
            file.set_len(0).map_err(failed)?;
            writeln!(file, "{}", std::process::id()).map_err(failed)?;
            return Ok(DataLock { path, file });
        }
        Err(failed(io::Error::other(
            "it kept being replaced by another process",
        )))
    }
}

/// Removed while still held, so no other process takes a lock on a file that is then gone.
impl Drop for DataLock {
    fn drop(&mut self) {
        if still_at(&self.file, &self.path) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Whether `path` still names the open `file`.
#[cfg(unix)]
fn still_at(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// Elsewhere an open file cannot be removed or replaced, so the path still names it.
#[cfg(not(unix))]
fn still_at(_file: &fs::File, path: &Path) -> bool {
    path.exists()
}

/// The file `path` names once its symlinks are followed (it need not exist yet), so that
/// saves replace the target and leave the link in place.
fn follow_symlinks(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    // As many as Linux follows before it gives up with ELOOP.
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&current)?;
                current = match parent_dir(&current) {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            Ok(_) => return Ok(current),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        "too many levels of symbolic links",
    ))
}

/// `path` with `suffix` after its file name, in the same directory.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = format!("{name}{suffix}");
    match parent_dir(path) {
        Some(dir) => dir.join(name),
        None => PathBuf::from(name),
    }
}

/// The start of the names `write_atomic` gives its temporary files for `path`.
fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.tmp-")
}

/// Removes the temporary files of `path` that a process killed mid-save left behind. Only
/// with the lock held: another server's could be in the middle of its save.
fn remove_stale_temp_files(path: &Path) -> io::Result<()> {
    let prefix = temp_prefix(path);
    let dir = parent_dir(path).unwrap_or(Path::new("."));
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if !entry.file_name().to_string_lossy().starts_with(&prefix) || entry.file_type()?.is_dir()
        {
            continue;
        }
        match fs::remove_file(entry.path()) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Runs file I/O off the async workers; a panic there becomes an error, not a crash.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ServerError> + Send + 'static,
) -> Result<T, ServerError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ServerError::Internal(format!("the store's I/O task failed: {e}")))?
}

/// Reads a data file. A missing or blank file is an empty store (so `touch trunks.json`
/// works); anything else that is not a store this build wrote is an error naming the path.
pub(crate) fn load(path: &Path) -> Result<Vec<StoredTrunk>, ServerError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(ServerError::DataUnreadable {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    let corrupt = |reason: String| ServerError::DataCorrupt {
        path: path.to_path_buf(),
        reason,
    };
    let file: StoreFile = serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
    if file.version != FORMAT_VERSION {
        return Err(corrupt(format!(
            "format version {} is not one this build reads ({FORMAT_VERSION})",
            file.version
        )));
    }
    let mut ids = std::collections::HashSet::new();
    for trunk in &file.trunks {
        if !ids.insert(trunk.trunk_id.as_str()) {
            return Err(corrupt(format!(
                "trunk id {} appears twice",
                trunk.trunk_id
            )));
        }
    }
    Ok(file.trunks)
}

/// Writes the whole store to `path` atomically and hands the trunks back.
pub(crate) fn save(path: &Path, trunks: Vec<StoredTrunk>) -> Result<Vec<StoredTrunk>, ServerError> {
    let file = StoreFile {
        version: FORMAT_VERSION,
        trunks,
    };
    let mut bytes = serde_json::to_vec_pretty(&file)
        .map_err(|e| ServerError::Internal(format!("cannot encode the trunk store: {e}")))?;
    bytes.push(b'\n');
    write_atomic(path, &bytes).map_err(|source| ServerError::DataUnwritable {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(file.trunks)
}

/// Readers (and a restart after a crash or power loss) see either the old file or the new
/// one, never a mix: a private temp file in the same directory is filled and flushed to disk,
/// renamed over the target, and the directory is flushed so the rename itself is durable.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if path.file_name().is_none() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the data path names no file",
        ));
    }
    // A random part keeps two writers (or a leftover from a crash) from sharing a temp file.
    let tmp_name = format!(
        "{}{}-{}",
        temp_prefix(path),
        std::process::id(),
        super::random_base62(8)
    );
    let dir = parent_dir(path);
    let tmp = match dir {
        Some(dir) => dir.join(tmp_name),
        None => PathBuf::from(tmp_name),
    };
    let result = (|| {
        let mut file = create_private_file(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        sync_dir(dir.unwrap_or(Path::new(".")))
    })();
    if result.is_err() {
        // Best effort: the temp file may hold credentials and is of no use any more.
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// The directory holding `path`, or `None` for a bare file name (the current directory).
fn parent_dir(path: &Path) -> Option<&Path> {
    path.parent().filter(|p| !p.as_os_str().is_empty())
}

fn create_private_file(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// Other systems have no portable way to flush a directory; the rename is still atomic.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trunk(id: &str, owner: &str) -> StoredTrunk {
        StoredTrunk {
            trunk_id: id.to_string(),
            owner: owner.to_string(),
            trunk_name: format!("Trunk {id}"),
            trunk_address: "example.pstn.twilio.com".into(),
            trunk_numbers: vec!["+15550100000".into()],
            trunk_auth_username: "ACxxxxxxxx".into(),
            trunk_auth_password: "secret-token".into(),
            trunk_type: Provider::Twilio,
            trunk_created_at: "2024-01-15T10:00:00.000000".into(),
            deactivated_at: None,
            exotel: None,
            passthrough_mode: false,
            passthrough_webhook_url: None,
        }
    }

    /// Every entry of the directory but the store itself and its lock (held while a store is
    /// open): temp files must never be left over.
    fn others_in(dir: &Path, keep: &Path) -> Vec<PathBuf> {
        let lock = sibling(keep, ".lock");
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p != keep && *p != lock)
            .collect()
    }

    #[tokio::test]
    async fn every_change_is_on_disk_and_survives_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trunks.json");
        let mut store = Store::open(path.clone()).await.unwrap();
        assert!(
            path.exists(),
            "open saves once to prove the place is writable"
        );
        assert!(store.trunks().is_empty());

        for (i, id) in ["ST_aaaaaaaaaaaa", "ST_bbbbbbbbbbbb", "ST_cccccccccccc"]
            .into_iter()
            .enumerate()
        {
            store.insert(trunk(id, "owner-a")).await.unwrap();
            // After each write the file is whole, parses, holds everything, and stands alone.
            let on_disk = load(&path).unwrap();
            assert_eq!(on_disk.len(), i + 1);
            assert_eq!(on_disk, store.trunks());
            assert_eq!(others_in(dir.path(), &path), Vec::<PathBuf>::new());
        }

        let outcome = store
            .deactivate(
                "owner-a",
                "ST_bbbbbbbbbbbb",
                "2024-02-01T00:00:00.000000".into(),
            )
            .await
            .unwrap();
        assert_eq!(outcome, Deactivation::Done);
        drop(store);

        let store = Store::open(path.clone()).await.unwrap();
        assert_eq!(store.trunks().len(), 3);
        let active: Vec<_> = store
            .active_for("owner-a")
            .map(|t| t.trunk_id.as_str())
            .collect();
        assert_eq!(active, ["ST_aaaaaaaaaaaa", "ST_cccccccccccc"]);
        assert_eq!(store.trunks()[0].trunk_auth_password, "secret-token");
        assert_eq!(others_in(dir.path(), &path), Vec::<PathBuf>::new());
    }

    #[tokio::test]
    async fn deactivate_is_scoped_to_the_owner_and_happens_once() {
        let mut store = Store::in_memory();
        store
            .insert(trunk("ST_aaaaaaaaaaaa", "owner-a"))
            .await
            .unwrap();
        let now = || "2024-02-01T00:00:00.000000".to_string();
        assert_eq!(
            store
                .deactivate("owner-b", "ST_aaaaaaaaaaaa", now())
                .await
                .unwrap(),
            Deactivation::NotFound
        );
        assert_eq!(
            store.deactivate("owner-a", "ST_nope", now()).await.unwrap(),
            Deactivation::NotFound
        );
        assert_eq!(
            store
                .deactivate("owner-a", "ST_aaaaaaaaaaaa", now())
                .await
                .unwrap(),
            Deactivation::Done
        );
        assert_eq!(
            store
                .deactivate("owner-a", "ST_aaaaaaaaaaaa", now())
                .await
                .unwrap(),
            Deactivation::AlreadyInactive
        );
        assert!(store.has_any_for("owner-a"));
        assert_eq!(store.active_for("owner-a").count(), 0);
    }

    #[test]
    fn missing_and_blank_files_are_empty_stores() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.json");
        assert!(load(&path).unwrap().is_empty());
        fs::write(&path, " \n").unwrap();
        assert!(load(&path).unwrap().is_empty());
    }

    #[test]
    fn a_corrupt_file_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trunks.json");
        let cases = [
            r#"{"version":1,"trunks":[{"trunk_id":"ST_x""#.to_string(),
            "not json at all".to_string(),
            r#"{"version":99,"trunks":[]}"#.to_string(),
            format!(
                r#"{{"version":1,"trunks":[{t},{t}]}}"#,
                t = serde_json::to_string(&trunk("ST_twice", "o")).unwrap()
            ),
        ];
        for text in cases {
            fs::write(&path, &text).unwrap();
            let err = load(&path).unwrap_err();
            assert!(
                matches!(err, ServerError::DataCorrupt { .. }),
                "{text}: {err:?}"
            );
            assert!(
                err.to_string().contains(&path.display().to_string()),
                "{err}"
            );
        }
    }

    #[tokio::test]
    async fn open_refuses_a_corrupt_file_and_leaves_it_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trunks.json");
        fs::write(&path, "{oops").unwrap();
        let err = Store::open(path.clone()).await.unwrap_err();
        assert!(err.to_string().contains("trunks.json"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "{oops");
    }

    #[tokio::test]
    async fn open_creates_missing_directories() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/trunks.json");
        Store::open(path.clone()).await.unwrap();
        assert!(load(&path).unwrap().is_empty());
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trunks.json");
        // A file the user made readable to others becomes private at the first save.
        fs::write(&path, "").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let mut store = Store::open(path.clone()).await.unwrap();
        store.insert(trunk("ST_aaaaaaaaaaaa", "o")).await.unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[tokio::test]
    async fn a_failed_save_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trunks.json");
        let mut store = Store::open(path.clone()).await.unwrap();
        store.insert(trunk("ST_aaaaaaaaaaaa", "o")).await.unwrap();
        // A non-empty directory where the file was: the rename fails, even for root.
        fs::remove_file(&path).unwrap();
        fs::create_dir(&path).unwrap();
        fs::write(path.join("keep"), "x").unwrap();
        let result = store.insert(trunk("ST_bbbbbbbbbbbb", "o")).await;
        assert!(
            matches!(result, Err(ServerError::DataUnwritable { .. })),
            "{result:?}"
        );
        assert_eq!(store.trunks().len(), 1);
        assert_eq!(others_in(dir.path(), &path), Vec::<PathBuf>::new());
    }

    #[test]
    fn write_atomic_replaces_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.json");
        write_atomic(&path, &[b'a'; 10_000]).unwrap();
        write_atomic(&path, b"short").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"short");
        assert_eq!(others_in(dir.path(), &path), Vec::<PathBuf>::new());
    }

    #[test]
    fn files_of_earlier_builds_load_and_v2_trunks_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trunks.json");
        // Written by a build that knew only the document's fields.
        fs::write(
            &path,
            r#"{"version":1,"trunks":[{"trunk_id":"ST_aaaaaaaaaaaa","owner":"o",
                "trunk_name":"n","trunk_address":"a.pstn.twilio.com",
                "trunk_numbers":["+15550100000"],"trunk_auth_username":"AC1",
                "trunk_auth_password":"p","trunk_type":"twilio",
                "trunk_created_at":"2024-01-15T10:00:00.000000"}]}"#,
        )
        .unwrap();
        let mut trunks = load(&path).unwrap();
        assert_eq!(trunks.len(), 1);
        assert_eq!(trunks[0].exotel, None);
        assert!(!trunks[0].passthrough_mode);

        let request = CreateTrunkRequestV2 {
            trunk_name: " Exotel India ".into(),
            trunk_type: Provider::Exotel,
            trunk_config: TrunkConfig::Exotel(crate::api::ExotelConfig {
                exotel_number: "08044319240".into(),
                sip_host: Some("sip.exotel.com".into()),
                sip_port: Some(5070),
                sip_domain: Some("  ".into()),
            }),
            passthrough_mode: true,
            passthrough_webhook_url: Some("https://h.example.com/end".into()),
        };
        let exotel = StoredTrunk::from_v2(
            "exotel_1240b3d7".into(),
            "o".into(),
            request,
            "2024-01-16T10:00:00.000000".into(),
        );
        assert_eq!(exotel.trunk_name, "Exotel India");
        assert_eq!(exotel.trunk_numbers, ["08044319240"]);
        assert_eq!(exotel.trunk_address, "sip.exotel.com");
        assert_eq!(
            exotel.exotel.as_ref().map(|e| e.sip_domain.clone()),
            Some(None),
            "a blank domain is no domain"
        );
        trunks.push(exotel);
        save(&path, trunks.clone()).unwrap();
        assert_eq!(load(&path).unwrap(), trunks);
        // The document's fields are always written, so an earlier build reads this file too.
        let text = fs::read_to_string(&path).unwrap();
        let file: serde_json::Value = serde_json::from_str(&text).unwrap();
        for field in [
            "trunk_address",
            "trunk_numbers",
            "trunk_auth_username",
            "trunk_auth_password",
        ] {
            assert!(file["trunks"][1].get(field).is_some(), "{field}");
        }
    }

    #[tokio::test]
    async fn the_lock_names_its_holder_and_goes_with_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trunks.json");
        let lock = dir.path().join("trunks.json.lock");
        let store = Store::open(path.clone()).await.unwrap();
        assert_eq!(
            fs::read_to_string(&lock).unwrap(),
            format!("{}\n", std::process::id())
        );
        // Within one process too: the lock is the open file's, not the process's.
        let err = Store::open(path.clone()).await.unwrap_err();
        assert!(
            matches!(&err, ServerError::DataLocked { holder: Some(pid), .. } if *pid == std::process::id()),
            "{err:?}"
        );
        drop(store);
        assert!(!lock.exists(), "the lock file is removed with the store");
        let _again = Store::open(path).await.unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_followed_relative_to_their_own_directory() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        std::os::unix::fs::symlink("sub/hop", dir.path().join("link")).unwrap();
        std::os::unix::fs::symlink("../real.json", sub.join("hop")).unwrap();
        assert_eq!(
            follow_symlinks(&dir.path().join("link")).unwrap(),
            sub.join("../real.json")
        );
        let plain = dir.path().join("plain.json");
        assert_eq!(follow_symlinks(&plain).unwrap(), plain);
        std::os::unix::fs::symlink("loop", dir.path().join("loop")).unwrap();
        assert!(follow_symlinks(&dir.path().join("loop")).is_err());
    }

    #[test]
    fn debug_hides_the_password() {
        assert!(!format!("{:?}", trunk("ST_a", "o")).contains("secret-token"));
    }
}
