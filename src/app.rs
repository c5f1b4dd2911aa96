//! The app loop: one `select!` over terminal events, worker answers, timers and signals,
//! each fed to `update`, with a redraw only after something happened.

use crate::api::ApiClient;
use crate::event::{Command, Event};
use crate::state::{Clock, Profile, State};
use crate::tui;
use crate::ui;
use crate::update::{self, log_file_line};
use crate::worker::Worker;
use futures::StreamExt;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{Event as TermEvent, EventStream, KeyEventKind};
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
}

/// Runs the dashboard until the user quits or a signal says stop.
pub async fn run(terminal: &mut DefaultTerminal, opts: AppOptions) -> io::Result<()> {
    let (tx, mut answers) = mpsc::unbounded_channel::<Event>();
    let mut worker = Worker::new(opts.client, tx);
    let log_lines = spawn_log_writer(opts.log_file);
    let mut log_seq = 0;
    let in_tmux = std::env::var_os("TMUX").is_some();

    let mut state = State::new(opts.profile, Clock::now());
    state.no_color = opts.no_color;
    let size = terminal.size()?;
    state.size = (size.width, size.height);
    let mut commands = update::start(&mut state);

    let mut terminal_events = EventStream::new();
    let mut stop = StopSignals::new();
    loop {
        for command in commands.drain(..) {
            match command {
                Command::Copy(text) => {
                    tui::copy_osc52(terminal.backend_mut(), &text, in_tmux)?;
                }
                other => worker.run(other),
            }
        }
        // Hand new log lines to the file writer; it does the disk I/O off this loop.
        for entry in state.log.since(log_seq) {
            let _ = log_lines.send(log_file_line(&entry.time, entry.severity, &entry.text));
        }
        log_seq = state.log.next_seq();
        if state.should_quit {
            break;
        }
        terminal.draw(|frame| ui::draw(frame, &state))?;

        let wakeup = update::next_wakeup(&state);
        let event = loop {
            let timer = async {
                match wakeup {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                term = terminal_events.next() => match term {
                    Some(Ok(TermEvent::Key(key))) if key.kind != KeyEventKind::Release => {
                        break Event::Key(key)
                    }
                    Some(Ok(TermEvent::Resize(w, h))) => break Event::Resize(w, h),
                    // Mouse, focus and paste events change nothing: no redraw.
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => return Err(e),
                    // The terminal is gone (a dropped SSH connection): stop.
                    None => return Ok(()),
                },
                Some(answer) = answers.recv() => break answer,
                () = timer => break Event::Tick,
                () = stop.recv() => return Ok(()),
            }
        };
        state.clock = Clock::now();
        commands = update::update(&mut state, event);
    }
    Ok(())
}

/// SIGTERM and SIGHUP (a dropped SSH session) end the loop so the terminal is restored.
struct StopSignals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    hup: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    fn new() -> StopSignals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            StopSignals {
                term: signal(SignalKind::terminate()).ok(),
                hup: signal(SignalKind::hangup()).ok(),
            }
        }
        #[cfg(not(unix))]
        StopSignals {}
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            let term = async {
                match self.term.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending().await,
                }
            };
            let hup = async {
                match self.hup.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = term => {}
                () = hup => {}
            }
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
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
    let mut terminal = tui::init()?;
    let result = run(&mut terminal, opts).await;
    tui::restore();
    result
}
