//! The one place the dashboard's state changes: `update(state, event)` applies a key, a
//! resize, a timer or an API answer, and returns the requests the worker should make.
//! Synchronous and free of I/O, so tests drive it without a terminal or a server.
//!
//! Keys become actions (`action`), applied here by the pane keys (`panes`), the requests
//! (`changes`) and the form (`form`); pastes go to `paste`, the worker's answers to
//! `answers`. What the log and the form say is worded in `wording`.

mod answers;
mod changes;
mod form;
mod panes;
mod paste;
mod wording;

use crate::action::{Action, action_for};
use crate::event::{Command, Event};
use crate::state::{Focus, Overlay, Severity, State};
use crate::text;
use std::time::{Duration, Instant};

/// The longest wait between automatic refreshes while the server keeps failing.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// The first things to do: say where we are and load the list.
pub fn start(state: &mut State) -> Vec<Command> {
    state.fit();
    let line = wording::profile(&state.profile);
    log(state, Severity::Info, line);
    let id = next_id(state);
    state.in_flight.negotiate = Some(id);
    let mut commands = vec![Command::Negotiate { id }];
    commands.extend(start_list(state, false));
    commands
}

/// A warning line in the status log (a configuration warning, say).
pub fn warn(state: &mut State, text: String) {
    log(state, Severity::Warning, text);
}

pub fn update(state: &mut State, event: Event) -> Vec<Command> {
    let commands = match event {
        Event::Key(key) => {
            let action = action_for(state, key);
            // A confirmation to send a create again is Enter twice in a row: any other key
            // takes it back.
            if action != Action::FormSubmit {
                form::take_back_confirmation(state);
            }
            apply(state, action)
        }
        Event::Paste(pasted) => {
            form::take_back_confirmation(state);
            paste::paste(state, pasted.as_str());
            Vec::new()
        }
        Event::Resize(w, h) => {
            state.size = (w, h);
            Vec::new()
        }
        Event::Tick => match state.next_refresh {
            Some(due) if due <= state.clock.instant => {
                start_list(state, false).into_iter().collect()
            }
            _ => Vec::new(),
        },
        Event::Api(answer) => answers::answered(state, answer),
    };
    // Whatever changed (size, filter line, log lines), the panes' geometry follows.
    state.fit();
    commands
}

/// When the loop must wake up even if nothing happens: a refresh is due, or the header's
/// "refreshed Ns ago" would show a new number. None means sleep until an event.
pub fn next_wakeup(state: &State) -> Option<Instant> {
    let label_change = state.last_ok.map(|ok| {
        let age = state.clock.instant.saturating_duration_since(ok).as_secs();
        let unit = match age {
            0..=59 => 1,
            60..=3599 => 60,
            3600..=86_399 => 3600,
            _ => 86_400,
        };
        ok + Duration::from_secs((age / unit + 1) * unit)
    });
    match (state.next_refresh, label_change) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Rows the list shows now, as `State::fit` last computed them.
fn list_rows(state: &State) -> usize {
    state.panes.list.rows
}

/// Whether movement keys scroll the log: it has the focus and nothing is on top. Otherwise
/// they move the selection (in the list, or the detail view that follows it).
fn log_has_keys(state: &State) -> bool {
    state.focus == Focus::Log && state.overlay == Overlay::None
}

/// A page of the pane that has the keys: the log pages by its own height.
fn page_rows(state: &State) -> isize {
    let rows = if log_has_keys(state) {
        state.panes.log.rows
    } else {
        state.panes.list.rows
    };
    rows.max(1) as isize
}

fn log(state: &mut State, severity: Severity, text: String) {
    state.log.push_at(state.clock.wall, severity, text);
}

fn next_id(state: &mut State) -> u64 {
    let id = state.next_request;
    state.next_request += 1;
    id
}

/// Starts a list request unless one is in flight. `supersede` starts one anyway and makes
/// the older answer stale: after a create, the list must include the new trunk.
fn start_list(state: &mut State, supersede: bool) -> Option<Command> {
    if state.in_flight.list.is_some() && !supersede {
        return None;
    }
    let id = next_id(state);
    state.in_flight.list = Some(id);
    state.next_refresh = None;
    Some(Command::List { id })
}

fn schedule_refresh(state: &mut State) {
    let every = state.profile.refresh_secs;
    state.next_refresh = (every > 0).then(|| {
        // Back off while the server keeps failing: 1x, 2x, 4x ... up to MAX_BACKOFF.
        let factor = 1u64 << state.failures.min(6);
        let delay = Duration::from_secs(every.saturating_mul(factor))
            .min(MAX_BACKOFF.max(Duration::from_secs(every)));
        state.clock.instant + delay
    });
}

/// What a key does, by the part of the dashboard it concerns.
fn apply(state: &mut State, action: Action) -> Vec<Command> {
    match action {
        Action::None => {}
        Action::Quit => state.should_quit = true,
        Action::ToggleHelp => panes::toggle_help(state),
        Action::CloseOverlay => state.overlay = Overlay::None,
        Action::FocusNext => panes::focus_next(state),
        Action::MoveBy(delta) => panes::move_by(state, delta),
        Action::PageDown => panes::page(state, 1),
        Action::PageUp => panes::page(state, -1),
        Action::First => panes::first(state),
        Action::Last => panes::last(state),
        Action::OpenDetail => panes::open_detail(state),
        Action::StartFilter => panes::start_filter(state),
        Action::EditFilter(key) => panes::edit_filter(state, key),
        Action::KeepFilter => panes::keep_filter(state),
        Action::ClearFilter => panes::clear_filter(state),
        Action::SortNext => panes::sort_next(state),
        Action::SortReverse => panes::sort_reverse(state),
        Action::Refresh => return changes::refresh(state),
        Action::NewTrunk => changes::new_trunk(state),
        Action::AskDeactivate => changes::ask_deactivate(state),
        Action::ConfirmDeactivate => return changes::confirm_deactivate(state),
        Action::CopyId => return changes::copy_id(state),
        Action::FormNextField => form::step_field(state, true),
        Action::FormPrevField => form::step_field(state, false),
        Action::FormToggle => form::toggle(state),
        Action::FormTogglePassword => state.form.show_password = !state.form.show_password,
        Action::FormEdit(key) => form::edit(state, key),
        Action::FormSubmit => return form::submit(state),
    }
    Vec::new()
}

/// Sanitized text for the log file, where control characters must not reach a later `cat`.
pub fn log_file_line(time: &str, severity: Severity, line: &str) -> String {
    format!("{time} {:<5} {}", severity.label(), text::sanitize(line))
}
