//! Pasted text goes into the focused text field as text, never as keys: a pasted "dy" must
//! not deactivate, and a pasted line break must not submit the form.

use super::{list_rows, log, wording};
use crate::state::{FormField, Overlay, Severity, State, form};

pub(super) fn paste(state: &mut State, pasted: &str) {
    match state.overlay {
        Overlay::Form => into_form(state, pasted),
        Overlay::None if state.trunks.filtering => into_filter(state, pasted),
        _ => log(state, Severity::Info, wording::paste_nowhere()),
    }
}

fn into_filter(state: &mut State, pasted: &str) {
    match clean_paste(pasted, false) {
        Ok(text) => {
            let mut filter = state.trunks.filter.clone();
            let room = form::MAX_CHARS.saturating_sub(filter.chars().count());
            filter.extend(text.chars().take(room));
            if text.chars().nth(room).is_some() {
                log(
                    state,
                    Severity::Warning,
                    wording::filter_paste_cut(form::MAX_CHARS),
                );
            }
            let rows = list_rows(state);
            state.trunks.set_filter(filter, rows);
        }
        Err(why) => log(state, Severity::Warning, wording::filter_paste_refused(why)),
    }
}

fn into_form(state: &mut State, pasted: &str) {
    let field = state.form.focus;
    if field.is_toggle() {
        log(state, Severity::Info, wording::paste_on_toggle(field));
        return;
    }
    // New lines separate numbers; any other field is one line.
    let message = match clean_paste(pasted, field == FormField::Numbers) {
        Ok(text) => {
            if !state.form.insert_text(field, &text) {
                return;
            }
            wording::field_paste_cut(field)
        }
        Err(why) => wording::field_paste_refused(why, field),
    };
    state.form.notice = Some(message.clone());
    log(state, Severity::Warning, message);
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
