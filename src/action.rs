//! What a key means, given what has the keys: an overlay, the filter line, or a pane.

use crate::api::Provider;
use crate::state::{Focus, Overlay, State};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Quit,
    ToggleHelp,
    CloseOverlay,
    FocusNext,
    MoveBy(isize),
    PageDown,
    PageUp,
    First,
    Last,
    OpenDetail,
    StartFilter,
    /// A key for the filter line (typed text, Backspace, cursor keys).
    EditFilter(KeyEvent),
    KeepFilter,
    ClearFilter,
    SortNext,
    SortReverse,
    Refresh,
    NewTrunk,
    AskDeactivate,
    ConfirmDeactivate,
    CopyId,
    FormNextField,
    FormPrevField,
    /// Switch the provider, or passthrough on/off, whichever has focus.
    FormToggle,
    FormTogglePassword,
    FormSubmit,
    /// A key for the focused form field's text input.
    FormEdit(KeyEvent),
    None,
}

pub fn action_for(state: &State, key: KeyEvent) -> Action {
    if key.kind == KeyEventKind::Release {
        return Action::None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c' | 'C')) {
        return Action::Quit;
    }
    match &state.overlay {
        // Any key closes the help, q included, as in k9s and lazygit; Ctrl+C still quits.
        Overlay::Help => Action::CloseOverlay,
        Overlay::Detail => match key.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::Backspace => Action::CloseOverlay,
            KeyCode::Char('q') => Action::Quit,
            KeyCode::Char('?') => Action::ToggleHelp,
            KeyCode::Char('y') => Action::CopyId,
            KeyCode::Char('d') => Action::AskDeactivate,
            KeyCode::Char('j') | KeyCode::Down => Action::MoveBy(1),
            KeyCode::Char('k') | KeyCode::Up => Action::MoveBy(-1),
            _ => Action::None,
        },
        Overlay::ConfirmDeactivate { .. } => match key.code {
            // Only a plain y: Esc then y typed quickly arrives as Alt+y, and means "no, then
            // copy the id", never "yes".
            KeyCode::Char('y' | 'Y')
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                Action::ConfirmDeactivate
            }
            // Anything else, Enter included, is the default: No.
            _ => Action::CloseOverlay,
        },
        Overlay::Form => form_action(state, key, ctrl),
        Overlay::None if state.trunks.filtering => match key.code {
            KeyCode::Esc => Action::ClearFilter,
            KeyCode::Enter | KeyCode::Tab => Action::KeepFilter,
            // As in fzf: the arrows move through the matches while typing goes on.
            KeyCode::Down => Action::MoveBy(1),
            KeyCode::Up => Action::MoveBy(-1),
            _ => Action::EditFilter(key),
        },
        Overlay::None => pane_action(state, key),
    }
}

fn form_action(state: &State, key: KeyEvent, ctrl: bool) -> Action {
    use crate::state::FormField;
    let on_provider = state.form.focus == FormField::Provider;
    let on_toggle = state.form.focus.is_toggle();
    match key.code {
        KeyCode::Esc => Action::CloseOverlay,
        KeyCode::Enter => Action::FormSubmit,
        KeyCode::Tab | KeyCode::Down => Action::FormNextField,
        KeyCode::BackTab | KeyCode::Up => Action::FormPrevField,
        KeyCode::Char('r' | 'R') if ctrl => Action::FormTogglePassword,
        KeyCode::F(2) => Action::FormTogglePassword,
        KeyCode::Left | KeyCode::Right | KeyCode::Char(' ') if on_toggle => Action::FormToggle,
        // Typing a provider's first letter picks it, like a select box.
        KeyCode::Char(c @ ('t' | 'e' | 'T' | 'E')) if on_provider => {
            let wanted = if c.eq_ignore_ascii_case(&'t') {
                Provider::Twilio
            } else {
                Provider::Exotel
            };
            if wanted == state.form.provider {
                Action::None
            } else {
                Action::FormToggle
            }
        }
        _ if on_toggle => Action::None,
        _ => Action::FormEdit(key),
    }
}

fn pane_action(state: &State, key: KeyEvent) -> Action {
    // Ctrl+D is not d: a chord nobody bound does nothing rather than deactivate. Alt is let
    // through: a terminal sends Esc then q, typed quickly, as Alt+q, and q must still quit.
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return Action::None;
    }
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    let common = match key.code {
        KeyCode::Char('q') => Some(Action::Quit),
        KeyCode::Char('?') => Some(Action::ToggleHelp),
        KeyCode::Tab | KeyCode::BackTab => Some(Action::FocusNext),
        KeyCode::Char('j') | KeyCode::Down => Some(Action::MoveBy(1)),
        KeyCode::Char('k') | KeyCode::Up => Some(Action::MoveBy(-1)),
        KeyCode::PageDown => Some(Action::PageDown),
        KeyCode::PageUp => Some(Action::PageUp),
        KeyCode::Char('g') | KeyCode::Home => Some(Action::First),
        KeyCode::Char('G') | KeyCode::End => Some(Action::Last),
        KeyCode::Char('r') => Some(Action::Refresh),
        KeyCode::Char('n') => Some(Action::NewTrunk),
        KeyCode::Char('/') => Some(Action::StartFilter),
        _ => None,
    };
    if let Some(a) = common {
        return a;
    }
    match (state.focus, key.code) {
        (Focus::List, KeyCode::Enter) => Action::OpenDetail,
        (Focus::List, KeyCode::Char('s')) if !shift => Action::SortNext,
        (Focus::List, KeyCode::Char('S')) => Action::SortReverse,
        (Focus::List, KeyCode::Char('d')) | (Focus::List, KeyCode::Delete) => Action::AskDeactivate,
        (Focus::List, KeyCode::Char('y')) => Action::CopyId,
        (_, KeyCode::Esc) if state.trunks.is_filtered() => Action::ClearFilter,
        _ => Action::None,
    }
}
