//! Everything the dashboard shows, as plain data: no I/O, no ratatui, no HTTP.
//! `update` changes it; `ui` draws it.

pub mod form;
pub mod geometry;
pub mod hints;
pub mod log;
pub mod trunks;

pub use form::{FieldMap, FormField, FormState, OutcomeCheck, SentCreate, UnknownOutcome};
pub use geometry::{Panes, Viewport};
pub use log::{LogEntry, LogLine, LogState, LogView, LogWindow, Severity};
pub use trunks::{SortColumn, TrunkTable};

use crate::api::Negotiated;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// The profile the dashboard runs on, as shown in the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub base_url: String,
    pub read_only: bool,
    /// A colour name or `#rrggbb` framing the screen (say red for production).
    pub accent: Option<String>,
    pub refresh_secs: u64,
}

/// What the last list request said about the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// No answer yet.
    Connecting,
    Ok,
    Unreachable,
    AuthFailed,
    /// The list path is not there: most likely a wrong base URL.
    NotFound,
    /// The server answered, but with an error or something unreadable.
    Failing,
}

impl Connection {
    pub fn label(&self) -> &'static str {
        match self {
            Connection::Connecting => "connecting",
            Connection::Ok => "ok",
            Connection::Unreachable => "unreachable",
            Connection::AuthFailed => "auth failed",
            Connection::NotFound => "not found (base URL?)",
            Connection::Failing => "server error",
        }
    }
}

/// Which pane receives movement keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    List,
    Log,
}

/// What sits on top of the panes and takes the keys. One at a time, so no popup flags.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Overlay {
    #[default]
    None,
    Help,
    Detail,
    Form,
    ConfirmDeactivate {
        trunk_id: String,
        name: String,
    },
}

/// The wall and monotonic clocks of the last event: drawing reads time from here, so a frame
/// depends on the state alone and tests can fix the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub instant: Instant,
    pub wall: OffsetDateTime,
}

impl Clock {
    pub fn now() -> Clock {
        Clock {
            instant: Instant::now(),
            wall: OffsetDateTime::now_utc(),
        }
    }
}

/// The requests the dashboard has in flight, by id; answers with another id are stale.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InFlight {
    pub negotiate: Option<u64>,
    pub list: Option<u64>,
    pub deactivate: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct State {
    pub profile: Profile,
    /// The auth header and create revision settled on for the server, once known.
    pub api: Option<Negotiated>,
    pub connection: Connection,
    pub clock: Clock,
    /// When the list last loaded without error.
    pub last_ok: Option<Instant>,
    pub trunks: TrunkTable,
    pub log: LogState,
    pub form: FormState,
    pub focus: Focus,
    pub overlay: Overlay,
    pub in_flight: InFlight,
    pub next_request: u64,
    /// Consecutive failed list requests, for the auto-refresh back-off.
    pub failures: u32,
    /// When the next automatic refresh is due, if any.
    pub next_refresh: Option<Instant>,
    /// A trunk to select once the next list arrives (the one just created).
    pub select_on_load: Option<String>,
    /// Terminal size in cells, for paging and the too-small screen.
    pub size: (u16, u16),
    pub no_color: bool,
    /// What each pane shows for `size`, from `geometry::panes`; set by `fit`.
    pub panes: Panes,
    pub should_quit: bool,
}

impl State {
    pub fn new(profile: Profile, clock: Clock) -> State {
        let mut state = State {
            profile,
            api: None,
            connection: Connection::Connecting,
            clock,
            last_ok: None,
            trunks: TrunkTable::default(),
            log: LogState::default(),
            form: FormState::default(),
            focus: Focus::List,
            overlay: Overlay::None,
            in_flight: InFlight::default(),
            next_request: 1,
            failures: 0,
            next_refresh: None,
            select_on_load: None,
            size: (80, 24),
            no_color: false,
            panes: Panes::default(),
            should_quit: false,
        };
        state.fit();
        state
    }

    /// Recomputes the panes' sizes from the terminal size and what the list shows, and keeps
    /// both panes' scroll inside them: after a resize, a filter line coming or going, or
    /// `no_color` changing how log lines wrap. `update` calls it after every event.
    pub fn fit(&mut self) {
        let panes = geometry::panes(self.size, self.trunks.shows_filter_line());
        self.panes = panes;
        self.trunks.clamp(panes.list.rows);
        self.log.fit(LogView {
            viewport: panes.log,
            marks: self.no_color,
        });
    }

    /// The age of the list, for "refreshed 12s ago".
    pub fn list_age(&self) -> Option<Duration> {
        self.last_ok
            .map(|t| self.clock.instant.saturating_duration_since(t))
    }

    /// The list is stale when the last refresh failed after an earlier success.
    pub fn is_stale(&self) -> bool {
        self.last_ok.is_some() && self.connection != Connection::Ok
    }
}
