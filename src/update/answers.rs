//! The worker's answers, one function per kind: what the server speaks, the list, a create,
//! a deactivate. An answer whose id is not the one in flight is stale and changes nothing.

use super::{list_rows, log, next_id, schedule_refresh, start_list, wording};
use crate::api::{ApiError, Negotiated, TrunkList};
use crate::event::{ApiEvent, Command};
use crate::state::{
    Connection, Focus, FormState, OutcomeCheck, Overlay, Severity, State, UnknownOutcome,
};
use std::time::Duration;

pub(super) fn answered(state: &mut State, answer: ApiEvent) -> Vec<Command> {
    match answer {
        ApiEvent::Negotiated { id, result } => {
            negotiated(state, id, result);
            Vec::new()
        }
        ApiEvent::Listed {
            id,
            elapsed,
            result,
        } => listed(state, id, elapsed, result),
        ApiEvent::Created {
            id,
            elapsed,
            result,
        } => created(state, id, elapsed, result),
        ApiEvent::Deactivated {
            id,
            elapsed,
            trunk_id,
            result,
        } => deactivated(state, id, elapsed, &trunk_id, result),
    }
}

fn negotiated(state: &mut State, id: u64, result: Result<Negotiated, ApiError>) {
    if state.in_flight.negotiate != Some(id) {
        return;
    }
    state.in_flight.negotiate = None;
    // Unreachable now: the list says so; asked again after the next good list.
    if let Ok(n) = result {
        log(state, Severity::Info, wording::negotiated(&n));
        state.form.revision = n.revision;
        state.form.refit();
        state.api = Some(n);
    }
}

fn listed(
    state: &mut State,
    id: u64,
    elapsed: Duration,
    result: Result<TrunkList, ApiError>,
) -> Vec<Command> {
    if state.in_flight.list != Some(id) {
        return Vec::new(); // superseded by a newer request
    }
    state.in_flight.list = None;
    let commands = match result {
        Ok(list) => list_loaded(state, elapsed, list),
        Err(e) => {
            list_failed(state, elapsed, &e);
            Vec::new()
        }
    };
    schedule_refresh(state);
    commands
}

fn list_loaded(state: &mut State, elapsed: Duration, list: TrunkList) -> Vec<Command> {
    let mut commands = Vec::new();
    let n = list.trunks.len();
    state.trunks.replace(list.trunks, list_rows(state));
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
        wording::listed(elapsed, n, recovered),
    );
    if list.skipped > 0 {
        log(state, Severity::Warning, wording::skipped(list.skipped));
    }
    check_outcome(state, None);
    commands
}

fn list_failed(state: &mut State, elapsed: Duration, e: &ApiError) {
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
    let stale = state.last_ok.is_some();
    log(
        state,
        Severity::Error,
        wording::list_failed(e, elapsed, stale),
    );
    check_outcome(state, Some(e.to_string()));
}

fn created(
    state: &mut State,
    id: u64,
    elapsed: Duration,
    result: Result<String, ApiError>,
) -> Vec<Command> {
    if state.form.submitting != Some(id) {
        return Vec::new();
    }
    state.form.submitting = None;
    match result {
        Ok(trunk_id) => {
            close_form(state);
            log(
                state,
                Severity::Success,
                wording::created(elapsed, &trunk_id),
            );
            state.select_on_load = Some(trunk_id);
            // Supersedes a list in flight: one sent before the create may not show it.
            start_list(state, true).into_iter().collect()
        }
        Err(e) if e.outcome_unknown() => {
            outcome_unknown(state, &e);
            log(
                state,
                Severity::Error,
                wording::create_outcome_unknown(&e, elapsed),
            );
            start_list(state, true).into_iter().collect()
        }
        Err(e) => {
            state.form.sent = None;
            let said = create_failure(&mut state.form, &e);
            log(
                state,
                Severity::Error,
                wording::create_failed(&e, elapsed, &said),
            );
            Vec::new()
        }
    }
}

fn deactivated(
    state: &mut State,
    id: u64,
    elapsed: Duration,
    trunk_id: &str,
    result: Result<(), ApiError>,
) -> Vec<Command> {
    if state.in_flight.deactivate != Some(id) {
        return Vec::new();
    }
    state.in_flight.deactivate = None;
    match result {
        Ok(()) => {
            log(
                state,
                Severity::Success,
                wording::deactivated(trunk_id, elapsed),
            );
            if state.overlay == Overlay::Detail {
                state.overlay = Overlay::None;
            }
            start_list(state, true).into_iter().collect()
        }
        Err(e) => {
            log(
                state,
                Severity::Error,
                wording::deactivate_failed(trunk_id, &e, elapsed),
            );
            if matches!(e, ApiError::NotFound { .. } | ApiError::Invalid { .. }) {
                // The list is out of date: someone else deactivated it.
                start_list(state, false).into_iter().collect()
            } else {
                Vec::new()
            }
        }
    }
}

/// Puts a failed create's message into the form (every typed value stays) and returns what
/// the log says of it.
fn create_failure(form: &mut FormState, e: &ApiError) -> String {
    match e {
        ApiError::Invalid {
            fields, message, ..
        } => form.apply_server_errors(fields, message.clone()),
        _ => {
            form.clear_server_errors();
            form.general_error = Some(e.to_string());
        }
    }
    e.to_string()
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
    form.general_error = Some(wording::outcome_checking(&reason));
    form.unknown = Some(UnknownOutcome {
        sent,
        reason,
        check: OutcomeCheck::Checking,
        unchecked: None,
    });
}

/// After a list, or its failure (`failed`): whether a create without an answer made the
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
        log(state, Severity::Success, wording::went_through(&name, &id));
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
    let line = wording::not_listed(&unknown.sent.name, failed.is_some());
    unknown.unchecked = failed;
    let message = wording::resend_needs_confirmation(unknown);
    state.form.general_error = Some(message);
    log(state, Severity::Warning, line);
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
