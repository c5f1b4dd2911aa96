//! What a key means, given what has the keys: an overlay, the filter line, or a pane. The
//! bindings themselves are the tables in `keys`.

use crate::keys;
use crate::state::State;
use ratatui::crossterm::event::{KeyEvent, KeyEventKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    keys::lookup(state, key)
}
