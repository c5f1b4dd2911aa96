//! Keys that move around the panes and arrange the list: overlays and focus, the selection
//! and the log's scroll, the filter line and the sort.

use super::{list_rows, log, log_has_keys, page_rows, wording};
use crate::state::{Focus, Overlay, Severity, State, form};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub(super) fn toggle_help(state: &mut State) {
    state.overlay = match state.overlay {
        Overlay::Help => Overlay::None,
        _ => Overlay::Help,
    }
}

pub(super) fn focus_next(state: &mut State) {
    state.focus = match state.focus {
        Focus::List => Focus::Log,
        Focus::Log => Focus::List,
    }
}

/// A page down (`1`) or up (`-1`) in the pane that has the keys.
pub(super) fn page(state: &mut State, direction: isize) {
    move_by(state, direction * page_rows(state));
}

pub(super) fn move_by(state: &mut State, delta: isize) {
    if log_has_keys(state) {
        // The log counts lines up from the newest, so "down" scrolls towards it.
        state.log.scroll_by(-delta);
    } else {
        let rows = list_rows(state);
        state.trunks.move_by(delta, rows);
    }
}

pub(super) fn first(state: &mut State) {
    match state.focus {
        Focus::List => state.trunks.select_first(list_rows(state)),
        Focus::Log => state.log.scroll_to_oldest(),
    }
}

pub(super) fn last(state: &mut State) {
    match state.focus {
        Focus::List => state.trunks.select_last(list_rows(state)),
        Focus::Log => state.log.scroll_to_newest(),
    }
}

pub(super) fn open_detail(state: &mut State) {
    if state.trunks.selected_trunk().is_some() {
        state.overlay = Overlay::Detail;
    }
}

pub(super) fn start_filter(state: &mut State) {
    state.focus = Focus::List;
    state.trunks.filtering = true;
}

pub(super) fn keep_filter(state: &mut State) {
    let rows = list_rows(state);
    state.trunks.keep_filter(rows);
}

pub(super) fn clear_filter(state: &mut State) {
    let rows = list_rows(state);
    state.trunks.filtering = false;
    state.trunks.set_filter(String::new(), rows);
}

pub(super) fn edit_filter(state: &mut State, key: KeyEvent) {
    let mut filter = state.trunks.filter.clone();
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Backspace => {
            filter.pop();
        }
        KeyCode::Char('u') if ctrl => filter.clear(),
        KeyCode::Char(_) if !ctrl && filter.chars().count() >= form::MAX_CHARS => {
            let message = wording::filter_full(form::MAX_CHARS);
            // Once for a run of keys, not once per key.
            if state.log.last().map(|e| e.text.as_str()) != Some(message.as_str()) {
                log(state, Severity::Warning, message);
            }
            return;
        }
        KeyCode::Char(c) if !ctrl => filter.push(c),
        _ => return,
    }
    let rows = list_rows(state);
    state.trunks.set_filter(filter, rows);
}

pub(super) fn sort_next(state: &mut State) {
    let rows = list_rows(state);
    let next = state.trunks.sort.next();
    state.trunks.set_sort(next, false, rows);
}

pub(super) fn sort_reverse(state: &mut State) {
    let rows = list_rows(state);
    let (sort, reverse) = (state.trunks.sort, !state.trunks.reverse);
    state.trunks.set_sort(sort, reverse, rows);
}
