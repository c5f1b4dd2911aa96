//! The app loop: one `select!` over terminal events, worker answers, timers and signals,
//! each fed to `update`, with a redraw only after something happened.

use crate::api::ApiClient;
use crate::event::{Command, Event};
use crate::state::{Clock, Profile, State};
use crate::tui;
use crate::ui;
use crate::update::{self, log_file_line};
use crate::worker::Worker;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{Event as TermEvent, KeyEventKind};
use std::io;
use std::path::PathBuf;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

pub struct AppOptions {
    pub profile: Profile,
    pub client: ApiClient,
    /// Where the status log is appended; None keeps it in memory only.
    pub log_file: Option<PathBuf>,
    pub no_color: bool,
    /// Configuration warnings, shown in the status log: stderr is hidden behind the screen.
    pub warnings: Vec<String>,
}

/// The dashboard without a terminal: the state, the worker, and the log file, driven by
/// events. `run` puts a terminal around it; tests drive it directly against real servers.
pub struct Driver {
    state: State,
    worker: Worker,
    answers: mpsc::UnboundedReceiver<Event>,
    log_lines: mpsc::UnboundedSender<String>,
    log_seq: u64,
}

impl Driver {
    /// Starts the worker and sends the first list request; `size` is the terminal's.
    pub fn start(opts: AppOptions, size: (u16, u16)) -> (Driver, Vec<Command>) {
        let (tx, answers) = mpsc::unbounded_channel::<Event>();
        let mut state = State::new(opts.profile, Clock::now());
        state.no_color = opts.no_color;
        state.size = size;
        let commands = update::start(&mut state);
        for warning in opts.warnings {
            update::warn(&mut state, warning);
        }
        let mut driver = Driver {
            state,
            worker: Worker::new(opts.client, tx),
            answers,
            log_lines: spawn_log_writer(opts.log_file),
            log_seq: 0,
        };
        let rest = driver.dispatch(commands);
        (driver, rest)
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// Applies one event and starts the requests it asks for. Returns what only the terminal
    /// can do (the clipboard).
    pub fn handle(&mut self, event: Event) -> Vec<Command> {
        self.state.clock = Clock::now();
        let commands = update::update(&mut self.state, event);
        self.dispatch(commands)
    }

    /// The next answer from the worker.
    pub async fn next_answer(&mut self) -> Option<Event> {
        self.answers.recv().await
    }

    fn dispatch(&mut self, commands: Vec<Command>) -> Vec<Command> {
        let mut for_terminal = Vec::new();
        for command in commands {
            match command {
                Command::Copy(_) => for_terminal.push(command),
                other => self.worker.run(other),
            }
        }
        // Hand new log lines to the file writer; it does the disk I/O off this loop.
        for entry in self.state.log.since(self.log_seq) {
            let _ = self
                .log_lines
                .send(log_file_line(&entry.stamp, entry.severity, &entry.text));
        }
        self.log_seq = self.state.log.next_seq();
        for_terminal
    }
}

/// At most this many terminal events are applied between two frames, so a flood of input
/// still shows progress; whatever is left is read on the next turn, without waiting.
const EVENTS_PER_FRAME: usize = 1024;

/// Runs the dashboard until the user quits or a signal says stop.
pub async fn run(
    terminal: &mut DefaultTerminal,
    opts: AppOptions,
    stop: &mut StopSignals,
) -> io::Result<()> {
    let in_tmux = std::env::var_os("TMUX").is_some();
    let size = terminal.size()?;
    let (mut driver, mut for_terminal) = Driver::start(opts, (size.width, size.height));
    let mut terminal_events = spawn_terminal_reader()?;
    loop {
        for command in for_terminal.drain(..) {
            if let Command::Copy(text) = command {
                tui::copy_osc52(terminal.backend_mut(), &text, in_tmux)?;
            }
        }
        if driver.state.should_quit {
            return Ok(());
        }
        terminal.draw(|frame| ui::draw(frame, &driver.state))?;

        let wakeup = update::next_wakeup(&driver.state);
        let event = loop {
            let timer = async {
                match wakeup {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                term = terminal_events.recv() => match term {
                    Some(Ok(term)) => match from_terminal(term) {
                        Some(event) => break event,
                        // Mouse and focus events change nothing: no redraw.
                        None => continue,
                    },
                    Some(Err(e)) => return Err(e),
                    // The terminal is gone (a dropped SSH connection): stop.
                    None => return Ok(()),
                },
                Some(answer) = driver.answers.recv() => break answer,
                () = timer => break Event::Tick,
                _ = stop.recv() => return Ok(()),
            }
        };
        for_terminal = driver.handle(event);
        // Everything else already read is applied before the next frame: one frame per
        // burst, not one per key, and the last key of a burst is never left waiting.
        for _ in 1..EVENTS_PER_FRAME {
            if driver.state.should_quit {
                break;
            }
            let Ok(term) = terminal_events.try_recv() else {
                break;
            };
            match term.map(from_terminal) {
                Ok(Some(event)) => for_terminal.extend(driver.handle(event)),
                Ok(None) => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// What the dashboard reacts to of a terminal event; None for those that change nothing.
fn from_terminal(event: TermEvent) -> Option<Event> {
    match event {
        TermEvent::Key(key) if key.kind != KeyEventKind::Release => Some(Event::Key(key)),
        TermEvent::Resize(w, h) => Some(Event::Resize(w, h)),
        TermEvent::Paste(text) => Some(Event::Paste(text.into())),
        _ => None,
    }
}

/// Reads terminal events on a thread of its own and hands each over as soon as it is
/// parsed. crossterm's reader is level-triggered here (its `use-dev-tty` source): with the
/// default edge-triggered one, the rest of a read larger than its 1 KiB buffer waited for
/// the next key, so a burst's last keys (a `q`, a Ctrl+C) were not seen.
fn spawn_terminal_reader() -> io::Result<mpsc::UnboundedReceiver<io::Result<TermEvent>>> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || {
            loop {
                let event = ratatui::crossterm::event::read();
                let failed = event.is_err();
                // Stops once the loop is gone, or the terminal is.
                if tx.send(event).is_err() || failed {
                    return;
                }
            }
        })?;
    Ok(rx)
}

/// The signals whose default action ends the process, and that other processes, the
/// terminal or a timer send: each ends the loop so the terminal is restored (alternate
/// screen, cursor, raw mode, bracketed paste). SIGPIPE is not here: Rust ignores it (a
/// write to a closed socket fails instead), and a stray one must not stop the dashboard.
/// Faults (SIGSEGV, SIGBUS, ...) cannot be handled this way; a panic is, by the hook.
#[cfg(unix)]
fn stop_signals() -> Vec<(&'static str, tokio::signal::unix::SignalKind)> {
    use tokio::signal::unix::SignalKind;
    #[allow(unused_mut)]
    let mut kinds = vec![
        ("SIGHUP", SignalKind::hangup()),
        ("SIGINT", SignalKind::interrupt()),
        ("SIGQUIT", SignalKind::quit()),
        ("SIGTERM", SignalKind::terminate()),
        ("SIGUSR1", SignalKind::user_defined1()),
        ("SIGUSR2", SignalKind::user_defined2()),
        ("SIGALRM", SignalKind::alarm()),
        ("SIGIO", SignalKind::io()),
    ];
    // Linux's numbers for the rest of its ending signals (the generic ones: mips, sparc
    // and alpha number them otherwise).
    #[cfg(all(
        target_os = "linux",
        any(
            target_arch = "x86",
            target_arch = "x86_64",
            target_arch = "arm",
            target_arch = "aarch64",
            target_arch = "riscv64",
            target_arch = "powerpc64",
            target_arch = "s390x",
            target_arch = "loongarch64"
        )
    ))]
    kinds.extend([
        ("SIGXCPU", SignalKind::from_raw(24)),
        ("SIGXFSZ", SignalKind::from_raw(25)),
        ("SIGVTALRM", SignalKind::from_raw(26)),
        ("SIGPROF", SignalKind::from_raw(27)),
        ("SIGPWR", SignalKind::from_raw(30)),
    ]);
    kinds
}

/// Every stop signal, listened to from before the terminal is changed until the process
/// ends: the one place they are handled.
pub struct StopSignals {
    received: mpsc::UnboundedReceiver<&'static str>,
    _listeners: tokio::task::JoinSet<()>,
}

impl StopSignals {
    /// Starts listening; needs the tokio runtime.
    pub fn new() -> StopSignals {
        let (tx, received) = mpsc::unbounded_channel();
        #[allow(unused_mut)]
        let mut listeners = tokio::task::JoinSet::new();
        #[cfg(unix)]
        for (name, kind) in stop_signals() {
            // A signal that cannot be listened to keeps its default action.
            let Ok(mut signal) = tokio::signal::unix::signal(kind) else {
                continue;
            };
            let tx = tx.clone();
            listeners.spawn(async move {
                while signal.recv().await.is_some() {
                    if tx.send(name).is_err() {
                        return;
                    }
                }
            });
        }
        StopSignals {
            received,
            _listeners: listeners,
        }
    }

    /// Waits for a stop signal and names it.
    pub async fn recv(&mut self) -> &'static str {
        match self.received.recv().await {
            Some(name) => name,
            None => std::future::pending().await,
        }
    }
}

impl Default for StopSignals {
    fn default() -> Self {
        StopSignals::new()
    }
}

/// Appends log lines to the file on a background task, creating it with mode 0600.
fn spawn_log_writer(path: Option<PathBuf>) -> mpsc::UnboundedSender<String> {
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    tokio::spawn(async move {
        let Some(path) = path else {
            while rx.recv().await.is_some() {}
            return;
        };
        if let Some(dir) = path.parent() {
            let _ = tokio::fs::create_dir_all(dir).await;
        }
        let mut options = tokio::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        options.mode(0o600);
        let Ok(mut file) = options.open(&path).await else {
            while rx.recv().await.is_some() {}
            return;
        };
        while let Some(line) = rx.recv().await {
            if file
                .write_all(format!("{line}\n").as_bytes())
                .await
                .is_err()
            {
                break;
            }
        }
        let _ = file.flush().await;
    });
    tx
}

/// Where the status log file goes: the platform's state directory, else its data directory.
pub fn default_log_file() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "trunktui")?;
    let dir = dirs
        .state_dir()
        .map(PathBuf::from)
        .unwrap_or_else(|| dirs.data_local_dir().to_path_buf());
    Some(dir.join("trunktui.log"))
}

/// Sets up the terminal, runs, and restores it whatever happened.
pub async fn run_in_terminal(opts: AppOptions) -> io::Result<()> {
    // Listening before the terminal changes: from then on, every stop signal restores it.
    let mut stop = StopSignals::new();
    let mut terminal = tui::init()?;
    let result = run(&mut terminal, opts, &mut stop).await;
    tui::restore();
    result
}
