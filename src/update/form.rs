//! Keys of the new-trunk form: moving between fields, toggles, typing (up to each field's
//! cap), and Enter, which creates, or, after a create without an answer, asks first.

use super::{log, next_id, wording};
use crate::event::Command;
use crate::state::{FormField, OutcomeCheck, Overlay, SentCreate, Severity, State};
use ratatui::crossterm::event::{Event as TermEvent, KeyEvent};
use tui_input::InputRequest;
use tui_input::backend::crossterm::to_input_request;

/// Tab (`forward`) or Shift+Tab: the field left counts as touched.
pub(super) fn step_field(state: &mut State, forward: bool) {
    let f = &mut state.form;
    f.touched[f.focus] = true;
    f.focus = if forward {
        f.next_field()
    } else {
        f.prev_field()
    };
}

pub(super) fn toggle(state: &mut State) {
    let f = &mut state.form;
    match f.focus {
        FormField::Passthrough => f.passthrough = !f.passthrough,
        // Everything typed stays: only the fields shown, hints and checks change.
        _ => f.provider = f.provider.other(),
    }
    f.refit();
}

/// A key for the focused field's text input. A field at its cap takes no more characters.
pub(super) fn edit(state: &mut State, key: KeyEvent) {
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
    let message = wording::field_full(field, what);
    if state.form.notice.as_deref() != Some(message.as_str()) {
        state.form.notice = Some(message.clone());
        log(state, Severity::Warning, message);
    }
}

pub(super) fn submit(state: &mut State) -> Vec<Command> {
    let form = &mut state.form;
    if form.submitting.is_some() {
        return Vec::new();
    }
    form.revalidate();
    form.touch_all();
    if form.block_submit() {
        return Vec::new();
    }
    // The last create of this draft got no answer and may have made the trunk: the list
    // is looked at first, then a second Enter is the explicit yes.
    if let Some(unknown) = form.unknown.as_mut() {
        match unknown.check {
            OutcomeCheck::Checking => {
                form.notice = Some(wording::still_checking());
                return Vec::new();
            }
            OutcomeCheck::NotListed => {
                unknown.check = OutcomeCheck::Confirming;
                form.general_error = Some(wording::confirm_resend());
                return Vec::new();
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
    log(state, Severity::Info, wording::creating(&req, again));
    vec![Command::Create { id, req }]
}

/// Takes back a confirmation to send a create again, if one was asked for: it is Enter
/// twice in a row, and any other key or a paste in between means no.
pub(super) fn take_back_confirmation(state: &mut State) {
    if state.overlay != Overlay::Form || !state.form.disarm() {
        return;
    }
    if let Some(unknown) = &state.form.unknown {
        state.form.general_error = Some(wording::resend_needs_confirmation(unknown));
    }
}
