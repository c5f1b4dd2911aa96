//! Keys that ask the server for something or leave the dashboard: refresh, new trunk,
//! deactivate (asked first, one at a time), copy the id. A read-only profile refuses changes.

use super::{log, next_id, start_list, wording};
use crate::event::Command;
use crate::state::{Overlay, Severity, State};
use crate::text;

pub(super) fn refresh(state: &mut State) -> Vec<Command> {
    start_list(state, false).into_iter().collect()
}

pub(super) fn new_trunk(state: &mut State) {
    if !refused_read_only(state, "creating trunks") {
        state.overlay = Overlay::Form;
    }
}

pub(super) fn ask_deactivate(state: &mut State) {
    if refused_read_only(state, "deactivating trunks") {
        return;
    }
    match state.trunks.selected_trunk() {
        Some(t) => {
            state.overlay = Overlay::ConfirmDeactivate {
                trunk_id: t.trunk_id.clone(),
                name: t.trunk_name.clone().unwrap_or_else(|| "?".into()),
            }
        }
        None => log(state, Severity::Info, wording::nothing_to_deactivate()),
    }
}

pub(super) fn confirm_deactivate(state: &mut State) -> Vec<Command> {
    let Overlay::ConfirmDeactivate { trunk_id, name } = std::mem::take(&mut state.overlay) else {
        return Vec::new();
    };
    if state.in_flight.deactivate.is_some() {
        log(state, Severity::Warning, wording::deactivate_busy());
        return Vec::new();
    }
    let id = next_id(state);
    state.in_flight.deactivate = Some(id);
    log(
        state,
        Severity::Info,
        wording::deactivating(&trunk_id, &name),
    );
    vec![Command::Deactivate { id, trunk_id }]
}

pub(super) fn copy_id(state: &mut State) -> Vec<Command> {
    let Some(id) = state.trunks.selected_trunk().map(|t| t.trunk_id.clone()) else {
        return Vec::new();
    };
    // The server chose these bytes: pasted into a terminal later they could act on it. A
    // cleaned-up id would name another trunk, so nothing is copied.
    if let std::borrow::Cow::Owned(shown) = text::sanitize(&id) {
        log(state, Severity::Warning, wording::not_copied(&shown));
        Vec::new()
    } else {
        log(state, Severity::Info, wording::copied(&id));
        vec![Command::Copy(id)]
    }
}

fn refused_read_only(state: &mut State, what: &str) -> bool {
    if state.profile.read_only {
        let line = wording::read_only(&state.profile.name, what);
        log(state, Severity::Warning, line);
    }
    state.profile.read_only
}
