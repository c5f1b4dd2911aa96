//! The one place the dashboard's state changes: `update(state, event)` applies a key, a
//! resize, a timer or an API answer, and returns the requests the worker should make.
//! Synchronous and free of I/O, so tests drive it without a terminal or a server.

use crate::action::{Action, action_for};
use crate::api::ApiError;
use crate::event::{ApiEvent, Command, Event};
use crate::state::{
    Connection, Focus, FormField, FormState, OutcomeCheck, Overlay, SentCreate, Severity, State,
    UnknownOutcome, form,
};
use crate::text;
use ratatui::crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use std::time::{Duration, Instant};
use tui_input::InputRequest;
use tui_input::backend::crossterm::to_input_request;

/// The longest wait between automatic refreshes while the server keeps failing.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// The first things to do: say where we are and load the list.
pub fn start(state: &mut State) -> Vec<Command> {
    state.fit();
    let p = &state.profile;
    let line = format!(
        "profile {}: {}{}",
        p.name,
        p.base_url,
        if p.read_only { " (read-only)" } else { "" }
    );
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
                take_back_confirmation(state);
            }
            apply(state, action)
        }
        Event::Paste(pasted) => {
            take_back_confirmation(state);
            paste(state, pasted.as_str());
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
        Event::Api(answer) => answered(state, answer),
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

/// A page of the pane that has the keys: the log pages by its own height.
fn page_rows(state: &State) -> isize {
    let rows = match (state.focus, &state.overlay) {
        (Focus::Log, Overlay::None) => state.panes.log.rows,
        _ => state.panes.list.rows,
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

fn apply(state: &mut State, action: Action) -> Vec<Command> {
    let rows = list_rows(state);
    let mut commands = Vec::new();
    match action {
        Action::None => {}
        Action::Quit => state.should_quit = true,
        Action::ToggleHelp => {
            state.overlay = match state.overlay {
                Overlay::Help => Overlay::None,
                _ => Overlay::Help,
            }
        }
        Action::CloseOverlay => state.overlay = Overlay::None,
        Action::FocusNext => {
            state.focus = match state.focus {
                Focus::List => Focus::Log,
                Focus::Log => Focus::List,
            }
        }
        Action::MoveBy(delta) => move_by(state, delta, rows),
        Action::PageDown => move_by(state, page_rows(state), rows),
        Action::PageUp => move_by(state, -page_rows(state), rows),
        Action::First => match state.focus {
            Focus::List => state.trunks.select_first(rows),
            Focus::Log => state.log.scroll_to_oldest(),
        },
        Action::Last => match state.focus {
            Focus::List => state.trunks.select_last(rows),
            Focus::Log => state.log.scroll_to_newest(),
        },
        Action::OpenDetail => {
            if state.trunks.selected_trunk().is_some() {
                state.overlay = Overlay::Detail;
            }
        }
        Action::StartFilter => {
            state.focus = Focus::List;
            state.trunks.filtering = true;
        }
        Action::EditFilter(key) => edit_filter(state, key, rows),
        Action::KeepFilter => state.trunks.keep_filter(rows),
        Action::ClearFilter => {
            state.trunks.filtering = false;
            state.trunks.set_filter(String::new(), rows);
        }
        Action::SortNext => {
            let next = state.trunks.sort.next();
            state.trunks.set_sort(next, false, rows);
        }
        Action::SortReverse => {
            let (sort, reverse) = (state.trunks.sort, !state.trunks.reverse);
            state.trunks.set_sort(sort, reverse, rows);
        }
        Action::Refresh => {
            if let Some(c) = start_list(state, false) {
                commands.push(c);
            }
        }
        Action::NewTrunk => {
            if refused_read_only(state, "creating trunks") {
                return commands;
            }
            state.overlay = Overlay::Form;
        }
        Action::AskDeactivate => {
            if refused_read_only(state, "deactivating trunks") {
                return commands;
            }
            match state.trunks.selected_trunk() {
                Some(t) => {
                    state.overlay = Overlay::ConfirmDeactivate {
                        trunk_id: t.trunk_id.clone(),
                        name: t.trunk_name.clone().unwrap_or_else(|| "?".into()),
                    }
                }
                None => log(
                    state,
                    Severity::Info,
                    "no trunk selected to deactivate".into(),
                ),
            }
        }
        Action::ConfirmDeactivate => {
            let overlay = std::mem::take(&mut state.overlay);
            if let Overlay::ConfirmDeactivate { trunk_id, name } = overlay {
                if state.in_flight.deactivate.is_some() {
                    log(
                        state,
                        Severity::Warning,
                        "a deactivate is still waiting for its answer; try again when it is done"
                            .into(),
                    );
                } else {
                    let id = next_id(state);
                    state.in_flight.deactivate = Some(id);
                    log(
                        state,
                        Severity::Info,
                        format!("DELETE /sip/deactivate/{trunk_id}: deactivating \"{name}\""),
                    );
                    commands.push(Command::Deactivate { id, trunk_id });
                }
            }
        }
        Action::CopyId => {
            let Some(id) = state.trunks.selected_trunk().map(|t| t.trunk_id.clone()) else {
                return commands;
            };
            // The server chose these bytes: pasted into a terminal later they could act on
            // it. A cleaned-up id would name another trunk, so nothing is copied.
            if let std::borrow::Cow::Owned(shown) = text::sanitize(&id) {
                log(
                    state,
                    Severity::Warning,
                    format!(
                        "not copied: the trunk id {shown} holds control or invisible characters (shown as placeholders) that could act on a terminal it is pasted into"
                    ),
                );
            } else {
                log(
                    state,
                    Severity::Info,
                    format!(
                        "copied {id} to the clipboard (OSC 52: works over SSH; in tmux needs set-clipboard on)"
                    ),
                );
                commands.push(Command::Copy(id));
            }
        }
        Action::FormNextField => {
            let f = &mut state.form;
            f.touched[f.focus.index()] = true;
            f.focus = f.next_field();
        }
        Action::FormPrevField => {
            let f = &mut state.form;
            f.touched[f.focus.index()] = true;
            f.focus = f.prev_field();
        }
        Action::FormToggle => {
            let f = &mut state.form;
            match f.focus {
                FormField::Passthrough => f.passthrough = !f.passthrough,
                // Everything typed stays: only the fields shown, hints and checks change.
                _ => f.provider = f.provider.other(),
            }
            f.refit();
        }
        Action::FormTogglePassword => state.form.show_password = !state.form.show_password,
        Action::FormEdit(key) => form_edit(state, key),
        Action::FormSubmit => submit(state, &mut commands),
    }
    commands
}

/// A key for the focused field's text input. A field at its cap takes no more characters.
fn form_edit(state: &mut State, key: KeyEvent) {
    let field = state.form.focus;
    let Some(request) = to_input_request(&TermEvent::Key(key)) else {
        return;
    };
    let Some(input) = state.form.input_mut(field) else {
        return;
    };
    // Counting is cheap here: the field never holds more than its cap.
    if matches!(request, InputRequest::InsertChar(_))
        && input.value().chars().count() >= field.max_chars()
    {
        at_cap(state, field, "the rest was not typed");
        return;
    }
    if !input.handle(request).is_some_and(|c| c.value) {
        return;
    }
    state.form.notice = None;
    let cut = state.form.enforce_cap(field);
    state.form.edited(field);
    if cut {
        at_cap(state, field, "the rest was not put back");
    }
}

/// Says, in the form and once in the log, that a field is full.
fn at_cap(state: &mut State, field: FormField, what: &str) {
    let message = format!(
        "{} holds at most {} characters; {what}",
        field.label(),
        field.max_chars()
    );
    if state.form.notice.as_deref() != Some(message.as_str()) {
        state.form.notice = Some(message.clone());
        log(state, Severity::Warning, message);
    }
}

fn move_by(state: &mut State, delta: isize, rows: usize) {
    match state.focus {
        // The detail view follows the selection.
        Focus::List => state.trunks.move_by(delta, rows),
        // The log counts lines up from the newest, so "down" scrolls towards it.
        Focus::Log if matches!(state.overlay, Overlay::None) => state.log.scroll_by(-delta),
        Focus::Log => state.trunks.move_by(delta, rows),
    }
}

fn edit_filter(state: &mut State, key: KeyEvent, rows: usize) {
    let mut filter = state.trunks.filter.clone();
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Backspace => {
            filter.pop();
        }
        KeyCode::Char('u') if ctrl => filter.clear(),
        KeyCode::Char(_) if !ctrl && filter.chars().count() >= form::MAX_CHARS => {
            let message = format!(
                "the filter holds at most {} characters; the rest was not typed",
                form::MAX_CHARS
            );
            // Once for a run of keys, not once per key.
            if state.log.last().map(|e| e.text.as_str()) != Some(message.as_str()) {
                log(state, Severity::Warning, message);
            }
            return;
        }
        KeyCode::Char(c) if !ctrl => filter.push(c),
        _ => return,
    }
    state.trunks.set_filter(filter, rows);
}

/// Pasted text goes into the focused text field as text, never as keys: a pasted "dy" must
/// not deactivate, and a pasted line break must not submit the form.
fn paste(state: &mut State, pasted: &str) {
    let rows = list_rows(state);
    match state.overlay {
        Overlay::Form => paste_into_form(state, pasted),
        Overlay::None if state.trunks.filtering => match clean_paste(pasted, false) {
            Ok(text) => {
                let mut filter = state.trunks.filter.clone();
                let room = form::MAX_CHARS.saturating_sub(filter.chars().count());
                filter.extend(text.chars().take(room));
                if text.chars().nth(room).is_some() {
                    log(
                        state,
                        Severity::Warning,
                        format!(
                            "pasted text cut: the filter holds at most {} characters",
                            form::MAX_CHARS
                        ),
                    );
                }
                state.trunks.set_filter(filter, rows);
            }
            Err(why) => log(
                state,
                Severity::Warning,
                format!("paste refused: {why}; the filter is one line"),
            ),
        },
        _ => log(
            state,
            Severity::Info,
            "paste ignored: no text field has the focus (n opens the new-trunk form, / the filter)"
                .into(),
        ),
    }
}

fn paste_into_form(state: &mut State, pasted: &str) {
    let field = state.form.focus;
    if field.is_toggle() {
        log(
            state,
            Severity::Info,
            format!(
                "paste ignored: {} is a choice, not a text field",
                field.label()
            ),
        );
        return;
    }
    // New lines separate numbers; any other field is one line.
    match clean_paste(pasted, field == FormField::Numbers) {
        Ok(text) => {
            if state.form.insert_text(field, &text) {
                let message = format!(
                    "pasted text cut: {} holds at most {} characters",
                    field.label(),
                    field.max_chars()
                );
                state.form.notice = Some(message.clone());
                log(state, Severity::Warning, message);
            }
        }
        Err(why) => {
            // Says what was wrong, never what was pasted: it may be a password.
            let message = format!("paste refused: {why}; {} is one line", field.label());
            state.form.notice = Some(message.clone());
            log(state, Severity::Warning, message);
        }
    }
}

/// Pasted text as a field takes it: line breaks at the ends dropped (a copied line often
/// ends with one), tabs as spaces, and inside, line breaks as ", " between numbers. Refused
/// when a line break is left in a one-line field, or a control character anywhere (no key
/// types one, and it could end up on someone's terminal).
fn clean_paste(pasted: &str, lines_separate: bool) -> Result<String, &'static str> {
    let is_break = |c: char| c == '\r' || c == '\n';
    let trimmed = pasted.trim_matches(is_break);
    let mut out = String::with_capacity(trimmed.len());
    let mut in_break = false;
    for c in trimmed.chars() {
        if is_break(c) {
            if !lines_separate {
                return Err("it holds line breaks");
            }
            if !in_break {
                out.push_str(", ");
            }
            in_break = true;
            continue;
        }
        in_break = false;
        match c {
            '\t' => out.push(' '),
            c if c.is_control() => return Err("it holds control characters"),
            c => out.push(c),
        }
    }
    Ok(out)
}

fn refused_read_only(state: &mut State, what: &str) -> bool {
    if state.profile.read_only {
        let line = format!(
            "profile {} is read-only: {what} is refused (start trunktui with another --profile to change trunks)",
            state.profile.name
        );
        log(state, Severity::Warning, line);
    }
    state.profile.read_only
}

fn submit(state: &mut State, commands: &mut Vec<Command>) {
    let form = &mut state.form;
    if form.submitting.is_some() {
        return;
    }
    form.revalidate();
    form.touch_all();
    if form.block_submit() {
        return;
    }
    // The last create of this draft got no answer and may have made the trunk: the list
    // is looked at first, then a second Enter is the explicit yes.
    if let Some(unknown) = form.unknown.as_mut() {
        match unknown.check {
            OutcomeCheck::Checking => {
                form.notice = Some(still_checking());
                return;
            }
            OutcomeCheck::NotListed => {
                unknown.check = OutcomeCheck::Confirming;
                form.general_error = Some(confirm_resend());
                return;
            }
            OutcomeCheck::Confirming => {}
        }
    }
    let again = form.unknown.take().is_some();
    form.clear_server_errors();
    let req = form.request();
    let listed = state
        .trunks
        .loaded
        .then(|| state.trunks.all.iter().map(|t| t.trunk_id.as_str()));
    state.form.sent = Some(SentCreate::new(&req, listed));
    let id = next_id(state);
    state.form.submitting = Some(id);
    log(
        state,
        Severity::Info,
        format!(
            "POST /sip/create-outbound-trunk: creating {} trunk \"{}\" ({} body){}",
            req.provider(),
            req.name(),
            req.revision(),
            if again {
                ", again: confirmed after an unknown outcome"
            } else {
                ""
            }
        ),
    );
    commands.push(Command::Create { id, req });
}

/// Takes back a confirmation to send a create again, if one was asked for.
fn take_back_confirmation(state: &mut State) {
    if state.overlay != Overlay::Form || !state.form.disarm() {
        return;
    }
    if let Some(unknown) = &state.form.unknown {
        state.form.general_error = Some(resend_needs_confirmation(unknown));
    }
}

/// The form's message while the list is looked at after a create without an answer.
fn outcome_checking(reason: &str) -> String {
    format!("outcome unknown: {reason}. The trunk may have been created; checking the list for it…")
}

/// The form's message once the list did not show the trunk (or could not be read).
fn resend_needs_confirmation(unknown: &UnknownOutcome) -> String {
    let checked = match &unknown.unchecked {
        Some(why) => format!("The list could not be read to check ({why})"),
        None => "The list does not show the trunk".to_string(),
    };
    format!(
        "outcome unknown: {}. {checked}, but the first create may have gone through. Enter asks before sending it again.",
        unknown.reason
    )
}

fn confirm_resend() -> String {
    "outcome unknown: the first create may have gone through; press Enter again to send it again, Esc to go back.".to_string()
}

fn still_checking() -> String {
    "still checking the list for the first create; Enter asks again once it is known".to_string()
}

fn took(elapsed: Duration) -> String {
    format!("{}ms", elapsed.as_millis())
}

fn status_of(e: &ApiError) -> String {
    e.status()
        .map_or_else(|| "-".to_string(), |s| s.to_string())
}

fn answered(state: &mut State, answer: ApiEvent) -> Vec<Command> {
    let rows = list_rows(state);
    let mut commands = Vec::new();
    match answer {
        ApiEvent::Negotiated { id, result } => {
            if state.in_flight.negotiate != Some(id) {
                return commands;
            }
            state.in_flight.negotiate = None;
            // Unreachable now: the list says so; asked again after the next good list.
            if let Ok(n) = result {
                log(state, Severity::Info, format!("server speaks {n}"));
                state.form.revision = n.revision;
                state.form.refit();
                state.api = Some(n);
            }
        }
        ApiEvent::Listed {
            id,
            elapsed,
            result,
        } => {
            if state.in_flight.list != Some(id) {
                return commands; // superseded by a newer request
            }
            state.in_flight.list = None;
            match result {
                Ok(list) => {
                    let n = list.trunks.len();
                    state.trunks.replace(list.trunks, rows);
                    if let Some(want) = state.select_on_load.take() {
                        select_new(state, &want);
                    }
                    if state.api.is_none() && state.in_flight.negotiate.is_none() {
                        let id = next_id(state);
                        state.in_flight.negotiate = Some(id);
                        commands.push(Command::Negotiate { id });
                    }
                    let recovered = state.failures > 0;
                    state.connection = Connection::Ok;
                    state.last_ok = Some(state.clock.instant);
                    state.failures = 0;
                    log(
                        state,
                        Severity::Success,
                        format!(
                            "GET /sip/list 200 {}: {n} trunk{}{}",
                            took(elapsed),
                            if n == 1 { "" } else { "s" },
                            if recovered { " (server is back)" } else { "" }
                        ),
                    );
                    if list.skipped > 0 {
                        log(
                            state,
                            Severity::Warning,
                            format!(
                                "{} list entr{} had no trunk_id and {} not shown",
                                list.skipped,
                                if list.skipped == 1 { "y" } else { "ies" },
                                if list.skipped == 1 { "is" } else { "are" }
                            ),
                        );
                    }
                    check_outcome(state, None);
                }
                Err(e) => {
                    state.connection = if e.is_unreachable() {
                        Connection::Unreachable
                    } else if e.is_auth() {
                        Connection::AuthFailed
                    } else if matches!(e, ApiError::NotFound { .. }) {
                        Connection::NotFound
                    } else {
                        Connection::Failing
                    };
                    state.failures = state.failures.saturating_add(1);
                    let stale = if state.last_ok.is_some() {
                        "; showing the last good list"
                    } else {
                        ""
                    };
                    log(
                        state,
                        Severity::Error,
                        format!(
                            "GET /sip/list {} {}: {e}{stale}",
                            status_of(&e),
                            took(elapsed)
                        ),
                    );
                    check_outcome(state, Some(e.to_string()));
                }
            }
            schedule_refresh(state);
        }
        ApiEvent::Created {
            id,
            elapsed,
            result,
        } => {
            if state.form.submitting != Some(id) {
                return commands;
            }
            state.form.submitting = None;
            match result {
                Ok(trunk_id) => {
                    close_form(state);
                    log(
                        state,
                        Severity::Success,
                        format!(
                            "POST /sip/create-outbound-trunk 200 {}: created {trunk_id}",
                            took(elapsed)
                        ),
                    );
                    state.select_on_load = Some(trunk_id);
                    commands.extend(start_list(state, true));
                }
                Err(e) if e.outcome_unknown() => {
                    outcome_unknown(state, &e);
                    log(
                        state,
                        Severity::Error,
                        format!(
                            "POST /sip/create-outbound-trunk {} {}: outcome unknown ({e}); listing the trunks to see whether it went through",
                            status_of(&e),
                            took(elapsed)
                        ),
                    );
                    // Supersedes a list in flight: one sent before now may not show it.
                    commands.extend(start_list(state, true));
                }
                Err(e) => {
                    state.form.sent = None;
                    let line = create_failure(state, &e);
                    log(
                        state,
                        Severity::Error,
                        format!(
                            "POST /sip/create-outbound-trunk {} {}: {line}",
                            status_of(&e),
                            took(elapsed)
                        ),
                    );
                }
            }
        }
        ApiEvent::Deactivated {
            id,
            elapsed,
            trunk_id,
            result,
        } => {
            if state.in_flight.deactivate != Some(id) {
                return commands;
            }
            state.in_flight.deactivate = None;
            let path = format!("DELETE /sip/deactivate/{trunk_id}");
            match result {
                Ok(()) => {
                    log(
                        state,
                        Severity::Success,
                        format!("{path} 200 {}: deactivated {trunk_id}", took(elapsed)),
                    );
                    if state.overlay == Overlay::Detail {
                        state.overlay = Overlay::None;
                    }
                    commands.extend(start_list(state, true));
                }
                Err(e) => {
                    log(
                        state,
                        Severity::Error,
                        format!("{path} {} {}: {e}", status_of(&e), took(elapsed)),
                    );
                    if matches!(e, ApiError::NotFound { .. } | ApiError::Invalid { .. }) {
                        // The list is out of date: someone else deactivated it.
                        commands.extend(start_list(state, false));
                    }
                }
            }
        }
    }
    commands
}

/// Puts a failed create's message into the form (every typed value stays) and returns the
/// log line.
fn create_failure(state: &mut State, e: &ApiError) -> String {
    let form = &mut state.form;
    match e {
        ApiError::Invalid {
            fields, message, ..
        } => {
            form.apply_server_errors(fields, message.clone());
            e.to_string()
        }
        _ => {
            form.clear_server_errors();
            form.general_error = Some(e.to_string());
            e.to_string()
        }
    }
}

/// The request may have reached the server and the trunk may exist: a retry could create
/// it twice. The draft stays; the list is asked for, and a new send waits for it.
fn outcome_unknown(state: &mut State, e: &ApiError) {
    let form = &mut state.form;
    let Some(sent) = form.sent.take() else {
        return;
    };
    let reason = e.to_string();
    form.clear_server_errors();
    form.general_error = Some(outcome_checking(&reason));
    form.unknown = Some(UnknownOutcome {
        sent,
        reason,
        check: OutcomeCheck::Checking,
        unchecked: None,
    });
}

/// After a list (or its failure, `failed`): whether a create without an answer made the
/// trunk. If it did, says so, closes the form and selects the trunk; if the list does not
/// show it, a new send of the draft needs a confirmation.
fn check_outcome(state: &mut State, failed: Option<String>) {
    let Some(unknown) = &state.form.unknown else {
        return;
    };
    let made = failed
        .is_none()
        .then(|| state.trunks.all.iter().find(|t| unknown.sent.made(t)))
        .flatten();
    if let Some(trunk) = made {
        let (id, name) = (trunk.trunk_id.clone(), unknown.sent.name.clone());
        close_form(state);
        log(
            state,
            Severity::Success,
            format!(
                "POST /sip/create-outbound-trunk: the create of \"{name}\" went through after all: {id} is in the list"
            ),
        );
        select_new(state, &id);
        return;
    }
    let Some(unknown) = state.form.unknown.as_mut() else {
        return;
    };
    if unknown.check != OutcomeCheck::Checking {
        return;
    }
    unknown.check = OutcomeCheck::NotListed;
    unknown.unchecked = failed;
    let message = resend_needs_confirmation(unknown);
    let name = unknown.sent.name.clone();
    state.form.general_error = Some(message);
    log(
        state,
        Severity::Warning,
        format!(
            "\"{name}\" is not in the list, but its create may still have gone through; sending it again asks first"
        ),
    );
}

/// A create is done: the next `n` starts from an empty draft of the same provider.
fn close_form(state: &mut State) {
    let (provider, revision) = (state.form.provider, state.form.revision);
    state.form = FormState::default();
    state.form.provider = provider;
    state.form.revision = revision;
    state.form.revalidate();
    if state.overlay == Overlay::Form {
        state.overlay = Overlay::None;
    }
}

/// Selects a trunk just created, clearing a filter that hides it.
fn select_new(state: &mut State, id: &str) {
    let rows = list_rows(state);
    state.focus = Focus::List;
    if !state.trunks.select_id(id, rows) && state.trunks.is_filtered() {
        state.trunks.set_filter(String::new(), rows);
        state.trunks.select_id(id, rows);
    }
}

/// Sanitized text for the log file, where control characters must not reach a later `cat`.
pub fn log_file_line(time: &str, severity: Severity, line: &str) -> String {
    format!("{time} {:<5} {}", severity.label(), text::sanitize(line))
}
