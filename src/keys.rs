//! Every key binding, one table per view (whatever has the keys: a pane, the filter line, the
//! form or an overlay), each binding with its keys, the action, a description and its place
//! in the footer. `action_for`, the help overlay, the footer and the README's key tables are
//! all read from here, so they cannot disagree.

use crate::action::Action;
use crate::api::Provider;
use crate::state::{Focus, FormField, Overlay, State};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    List,
    Log,
    Filter,
    Form,
    Details,
    Confirm,
    Help,
}

impl View {
    pub const ALL: [View; 7] = [
        View::List,
        View::Log,
        View::Filter,
        View::Form,
        View::Details,
        View::Confirm,
        View::Help,
    ];

    /// The view whose keys apply in this state: an overlay, else the filter line while it is
    /// typed into, else the focused pane.
    pub fn of(state: &State) -> View {
        match &state.overlay {
            Overlay::Help => View::Help,
            Overlay::Detail => View::Details,
            Overlay::ConfirmDeactivate { .. } => View::Confirm,
            Overlay::Form => View::Form,
            Overlay::None if state.trunks.filtering => View::Filter,
            Overlay::None => match state.focus {
                Focus::List => View::List,
                Focus::Log => View::Log,
            },
        }
    }

    /// The heading of the view's keys, in the help and in the README.
    pub fn title(self) -> &'static str {
        match self {
            View::List => "Trunk list",
            View::Log => "Status log",
            View::Filter => "Filter line",
            View::Form => "Create form",
            View::Details => "Trunk details",
            View::Confirm => "Deactivate confirmation",
            View::Help => "Help",
        }
    }

    pub fn bindings(self) -> &'static [Binding] {
        match self {
            View::List => LIST,
            View::Log => LOG,
            View::Filter => FILTER,
            View::Form => FORM,
            View::Details => DETAILS,
            View::Confirm => CONFIRM,
            View::Help => HELP,
        }
    }

    /// In the panes a Ctrl chord nobody bound does nothing (Ctrl+D is not d). Alt is let
    /// through: a terminal sends Esc then q, typed quickly, as Alt+q, and q must still quit.
    fn ignores_ctrl_chords(self) -> bool {
        matches!(self, View::List | View::Log)
    }
}

/// The heading of the bindings that apply in every view.
pub const EVERYWHERE: &str = "Everywhere";

/// A key, or a class of keys, a binding answers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// This key, whatever the modifiers.
    Code(KeyCode),
    /// This character without Shift.
    Unshifted(char),
    /// This letter in either case, whatever the modifiers.
    Letter(char),
    /// This letter in either case with neither Ctrl nor Alt.
    Bare(char),
    /// Ctrl and this letter, in either case.
    Ctrl(char),
    /// Any key no other binding of the view takes.
    Any,
    /// Typing and editing keys for the focused input: any key no other binding takes.
    Text,
}

impl Key {
    fn matches(self, key: KeyEvent) -> bool {
        let mods = key.modifiers;
        let ctrl = mods.contains(KeyModifiers::CONTROL);
        let same_letter = |c: char| match key.code {
            KeyCode::Char(k) => k.eq_ignore_ascii_case(&c),
            _ => false,
        };
        match self {
            Key::Code(code) => key.code == code,
            Key::Unshifted(c) => {
                key.code == KeyCode::Char(c) && !mods.contains(KeyModifiers::SHIFT)
            }
            Key::Letter(c) => same_letter(c),
            Key::Bare(c) => {
                same_letter(c) && !mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
            }
            Key::Ctrl(c) => ctrl && same_letter(c),
            Key::Any | Key::Text => true,
        }
    }

    /// Taken only when no other key of the view matches.
    fn is_fallback(self) -> bool {
        matches!(self, Key::Any | Key::Text)
    }

    /// The key as the help, the README and the footer name it.
    pub fn name(self) -> String {
        match self {
            Key::Code(code) => code_name(code),
            Key::Unshifted(c) | Key::Letter(c) | Key::Bare(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl+{}", c.to_ascii_uppercase()),
            Key::Any => "any other key".into(),
            Key::Text => "typed text".into(),
        }
    }

    /// A key event this key answers to, as a user would type it.
    pub fn example(self) -> KeyEvent {
        let plain = |code| KeyEvent::new(code, KeyModifiers::NONE);
        match self {
            Key::Code(KeyCode::BackTab) => KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
            Key::Code(code) => plain(code),
            Key::Unshifted(c) | Key::Letter(c) | Key::Bare(c) => plain(KeyCode::Char(c)),
            Key::Ctrl(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
            Key::Any | Key::Text => plain(KeyCode::Char('x')),
        }
    }
}

fn code_name(code: KeyCode) -> String {
    // Spelled here, not by crossterm, whose names change with the platform (Return on macOS).
    let name = match code {
        KeyCode::Char(' ') => "Space",
        KeyCode::Char(c) => return c.to_string(),
        KeyCode::F(n) => return format!("F{n}"),
        KeyCode::Esc => "Esc",
        KeyCode::Enter => "Enter",
        KeyCode::Tab => "Tab",
        KeyCode::BackTab => "Shift+Tab",
        KeyCode::Backspace => "Backspace",
        KeyCode::Delete => "Delete",
        KeyCode::Up => "Up",
        KeyCode::Down => "Down",
        KeyCode::Left => "←",
        KeyCode::Right => "→",
        KeyCode::Home => "Home",
        KeyCode::End => "End",
        KeyCode::PageUp => "PgUp",
        KeyCode::PageDown => "PgDn",
        other => return other.to_string(),
    };
    name.into()
}

/// What a binding does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Do(Action),
    /// The key goes to the filter line's text.
    EditFilter,
    /// The key goes to the focused form field's text.
    EditForm,
    /// Picks a provider, like typing a letter in a select box; nothing if already picked.
    Pick(Provider),
}

impl Act {
    fn resolve(self, state: &State, key: KeyEvent) -> Action {
        match self {
            Act::Do(action) => action,
            Act::EditFilter => Action::EditFilter(key),
            Act::EditForm => Action::FormEdit(key),
            Act::Pick(p) if p == state.form.provider => Action::None,
            Act::Pick(_) => Action::FormToggle,
        }
    }
}

/// When a binding applies, beyond its view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    /// A filter is in force.
    Filtered,
    /// The form's focus is on a toggle (the provider, or passthrough).
    OnToggle,
    OnProvider,
    /// The form's focus is on a text field.
    OnText,
}

impl When {
    fn holds(self, state: &State) -> bool {
        let focus = state.form.focus;
        match self {
            When::Always => true,
            When::Filtered => state.trunks.is_filtered(),
            When::OnToggle => focus.is_toggle(),
            When::OnProvider => focus == FormField::Provider,
            When::OnText => !focus.is_toggle(),
        }
    }
}

/// Whether a footer entry shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    Always,
    /// Not on a read-only profile, which refuses the action.
    Writable,
    /// Only where the form has a password field.
    PasswordField,
}

/// A binding's entry in the footer line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Footer {
    pub key: &'static str,
    pub text: &'static str,
    /// Stays when the line is too narrow for every entry; pinned entries come last.
    pub pinned: bool,
    pub show: Show,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    /// The keys and what each does; most bindings do one thing, j/k two.
    pub keys: &'static [(Key, Act)],
    pub when: When,
    /// What it does, for the help and as the start of the README's description.
    pub help: &'static str,
    pub footer: Option<Footer>,
}

impl Binding {
    /// The keys, as the help lists them: "j/k/Down/Up".
    pub fn label(&self) -> String {
        self.names().join("/")
    }

    pub fn names(&self) -> Vec<String> {
        self.keys.iter().map(|(k, _)| k.name()).collect()
    }

    /// Only keys to learn: typing and "any other key" need no listing in the help.
    pub fn in_help(&self) -> bool {
        self.keys.iter().any(|(k, _)| !k.is_fallback())
    }

    pub fn shows_in_footer(&self, state: &State) -> Option<Footer> {
        self.footer.filter(|f| match f.show {
            Show::Always => true,
            Show::Writable => !state.profile.read_only,
            Show::PasswordField => state.form.fields().contains(&FormField::Password),
        })
    }
}

const fn footer(key: &'static str, text: &'static str) -> Option<Footer> {
    Some(Footer {
        key,
        text,
        pinned: false,
        show: Show::Always,
    })
}

const fn pinned(key: &'static str, text: &'static str) -> Option<Footer> {
    Some(Footer {
        key,
        text,
        pinned: true,
        show: Show::Always,
    })
}

const fn writable(key: &'static str, text: &'static str) -> Option<Footer> {
    Some(Footer {
        key,
        text,
        pinned: false,
        show: Show::Writable,
    })
}

const fn bind(keys: &'static [(Key, Act)], help: &'static str, footer: Option<Footer>) -> Binding {
    Binding {
        keys,
        when: When::Always,
        help,
        footer,
    }
}

const fn code(c: KeyCode) -> Key {
    Key::Code(c)
}

const fn ch(c: char) -> Key {
    Key::Code(KeyCode::Char(c))
}

const fn go(a: Action) -> Act {
    Act::Do(a)
}

const DOWN: Act = go(Action::MoveBy(1));
const UP: Act = go(Action::MoveBy(-1));
const MOVE_KEYS: &[(Key, Act)] = &[
    (ch('j'), DOWN),
    (ch('k'), UP),
    (code(KeyCode::Down), DOWN),
    (code(KeyCode::Up), UP),
];
const PAGE_KEYS: &[(Key, Act)] = &[
    (code(KeyCode::PageDown), go(Action::PageDown)),
    (code(KeyCode::PageUp), go(Action::PageUp)),
];
const ENDS_KEYS: &[(Key, Act)] = &[
    (ch('g'), go(Action::First)),
    (ch('G'), go(Action::Last)),
    (code(KeyCode::Home), go(Action::First)),
    (code(KeyCode::End), go(Action::Last)),
];
const FOCUS_KEYS: &[(Key, Act)] = &[
    (code(KeyCode::Tab), go(Action::FocusNext)),
    (code(KeyCode::BackTab), go(Action::FocusNext)),
];
const FOCUS_HELP: &str = "focus list / log";
const CLEAR_FILTER: Binding = Binding {
    keys: &[(code(KeyCode::Esc), go(Action::ClearFilter))],
    when: When::Filtered,
    help: "clear the filter",
    footer: None,
};
const HELP_KEY: Binding = bind(
    &[(ch('?'), go(Action::ToggleHelp))],
    "this help",
    pinned("?", "help"),
);
const QUIT: Binding = bind(&[(ch('q'), go(Action::Quit))], "quit", pinned("q", "quit"));
const REFRESH: &[(Key, Act)] = &[(ch('r'), go(Action::Refresh))];
const NEW: &[(Key, Act)] = &[(ch('n'), go(Action::NewTrunk))];
const FILTER_KEY: &[(Key, Act)] = &[(ch('/'), go(Action::StartFilter))];

/// Keys that mean the same in every view, checked first.
pub static GLOBAL: &[Binding] = &[bind(
    &[(Key::Ctrl('c'), go(Action::Quit))],
    "quit, always",
    None,
)];

static LIST: &[Binding] = &[
    bind(MOVE_KEYS, "move the selection", footer("j/k", "move")),
    bind(PAGE_KEYS, "page down / up", None),
    bind(ENDS_KEYS, "first / last trunk", None),
    bind(
        &[(code(KeyCode::Enter), go(Action::OpenDetail))],
        "trunk details",
        footer("Enter", "details"),
    ),
    bind(FILTER_KEY, "filter as you type", footer("/", "filter")),
    bind(
        &[(Key::Unshifted('s'), go(Action::SortNext))],
        "sort by next column",
        footer("s/S", "sort"),
    ),
    bind(
        &[(ch('S'), go(Action::SortReverse))],
        "reverse the sort",
        None,
    ),
    bind(REFRESH, "refresh now", footer("r", "refresh")),
    bind(NEW, "new trunk", writable("n", "new")),
    bind(
        &[
            (ch('d'), go(Action::AskDeactivate)),
            (code(KeyCode::Delete), go(Action::AskDeactivate)),
        ],
        "deactivate (asks y/N)",
        writable("d", "deactivate"),
    ),
    bind(
        &[(ch('y'), go(Action::CopyId))],
        "copy trunk id (OSC 52)",
        footer("y", "copy id"),
    ),
    CLEAR_FILTER,
    bind(FOCUS_KEYS, FOCUS_HELP, footer("Tab", "log")),
    HELP_KEY,
    QUIT,
];

static LOG: &[Binding] = &[
    bind(MOVE_KEYS, "scroll a line", footer("j/k", "scroll")),
    bind(PAGE_KEYS, "scroll a page", footer("PgDn/PgUp", "page")),
    bind(ENDS_KEYS, "oldest / newest line", None),
    bind(REFRESH, "refresh now", None),
    bind(NEW, "new trunk", None),
    bind(FILTER_KEY, "filter as you type", None),
    CLEAR_FILTER,
    bind(FOCUS_KEYS, FOCUS_HELP, footer("Tab", "list")),
    HELP_KEY,
    QUIT,
];

static FILTER: &[Binding] = &[
    bind(
        &[(Key::Text, Act::EditFilter)],
        "filter (Backspace deletes)",
        footer("type", "to filter"),
    ),
    // As in fzf: the arrows move through the matches while typing goes on.
    bind(
        &[(code(KeyCode::Down), DOWN), (code(KeyCode::Up), UP)],
        "move through matches",
        None,
    ),
    bind(
        &[(Key::Ctrl('u'), Act::EditFilter)],
        "clear the typed text",
        None,
    ),
    bind(
        &[
            (code(KeyCode::Enter), go(Action::KeepFilter)),
            (code(KeyCode::Tab), go(Action::KeepFilter)),
        ],
        "keep the filter",
        pinned("Enter", "keep filter"),
    ),
    bind(
        &[(code(KeyCode::Esc), go(Action::ClearFilter))],
        "clear the filter",
        pinned("Esc", "clear filter"),
    ),
];

static FORM: &[Binding] = &[
    Binding {
        keys: &[(Key::Text, Act::EditForm)],
        when: When::OnText,
        help: "edit the focused field",
        footer: None,
    },
    bind(
        &[
            (code(KeyCode::Tab), go(Action::FormNextField)),
            (code(KeyCode::Down), go(Action::FormNextField)),
        ],
        "next field",
        footer("Tab/S-Tab", "field"),
    ),
    bind(
        &[
            (code(KeyCode::BackTab), go(Action::FormPrevField)),
            (code(KeyCode::Up), go(Action::FormPrevField)),
        ],
        "previous field",
        None,
    ),
    Binding {
        keys: &[
            (code(KeyCode::Left), go(Action::FormToggle)),
            (code(KeyCode::Right), go(Action::FormToggle)),
            (ch(' '), go(Action::FormToggle)),
        ],
        when: When::OnToggle,
        help: "provider/passthrough",
        footer: footer("←/→", "switch"),
    },
    // Typing a provider's first letter picks it, like a select box.
    Binding {
        keys: &[
            (Key::Letter('t'), Act::Pick(Provider::Twilio)),
            (Key::Letter('e'), Act::Pick(Provider::Exotel)),
        ],
        when: When::OnProvider,
        help: "twilio / exotel",
        footer: None,
    },
    bind(
        &[
            (Key::Ctrl('r'), go(Action::FormTogglePassword)),
            (code(KeyCode::F(2)), go(Action::FormTogglePassword)),
        ],
        "show/hide password",
        Some(Footer {
            key: "Ctrl+R",
            text: "show password",
            pinned: false,
            show: Show::PasswordField,
        }),
    ),
    bind(
        &[(code(KeyCode::Enter), go(Action::FormSubmit))],
        "create the trunk",
        pinned("Enter", "create"),
    ),
    bind(
        &[(code(KeyCode::Esc), go(Action::CloseOverlay))],
        "close (keeps draft)",
        pinned("Esc", "close"),
    ),
];

static DETAILS: &[Binding] = &[
    bind(
        MOVE_KEYS,
        "next / previous trunk",
        footer("j/k", "next/previous trunk"),
    ),
    bind(
        &[(ch('y'), go(Action::CopyId))],
        "copy trunk id (OSC 52)",
        footer("y", "copy id"),
    ),
    bind(
        &[(ch('d'), go(Action::AskDeactivate))],
        "deactivate (asks y/N)",
        writable("d", "deactivate"),
    ),
    bind(
        &[
            (code(KeyCode::Esc), go(Action::CloseOverlay)),
            (code(KeyCode::Enter), go(Action::CloseOverlay)),
            (code(KeyCode::Backspace), go(Action::CloseOverlay)),
        ],
        "close",
        pinned("Esc", "close"),
    ),
    bind(&[(ch('?'), go(Action::ToggleHelp))], "this help", None),
    bind(&[(ch('q'), go(Action::Quit))], "quit", None),
];

static CONFIRM: &[Binding] = &[
    // Only a plain y: Esc then y typed quickly arrives as Alt+y, and means "no, then copy the
    // id", never "yes".
    bind(
        &[(Key::Bare('y'), go(Action::ConfirmDeactivate))],
        "deactivate",
        pinned("y", "deactivate"),
    ),
    // Anything else, Enter included, is the default: No.
    bind(
        &[
            (ch('n'), go(Action::CloseOverlay)),
            (code(KeyCode::Esc), go(Action::CloseOverlay)),
            (code(KeyCode::Enter), go(Action::CloseOverlay)),
            (Key::Any, go(Action::CloseOverlay)),
        ],
        "cancel (the default)",
        pinned("n/Esc", "cancel"),
    ),
];

static HELP: &[Binding] = &[
    // Any key closes the help, q included, as in k9s and lazygit; Ctrl+C still quits.
    bind(
        &[
            (code(KeyCode::Esc), go(Action::CloseOverlay)),
            (ch('?'), go(Action::CloseOverlay)),
            (ch('q'), go(Action::CloseOverlay)),
            (Key::Any, go(Action::CloseOverlay)),
        ],
        "close the help",
        pinned("Esc/?/q", "close help"),
    ),
];

/// The action of a pressed (or repeated) key in this state.
pub fn lookup(state: &State, key: KeyEvent) -> Action {
    let view = View::of(state);
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let own = if ctrl && view.ignores_ctrl_chords() {
        &[][..]
    } else {
        view.bindings()
    };
    // Named keys first, then the catch-alls, whatever their place in the table.
    for fallback in [false, true] {
        for table in [GLOBAL, own] {
            for b in table.iter().filter(|b| b.when.holds(state)) {
                let hit = b
                    .keys
                    .iter()
                    .find(|(k, _)| k.is_fallback() == fallback && k.matches(key));
                if let Some((_, act)) = hit {
                    return act.resolve(state, key);
                }
            }
        }
    }
    Action::None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_footer_entries_come_last_in_every_view() {
        for view in View::ALL {
            let pins: Vec<bool> = view
                .bindings()
                .iter()
                .filter_map(|b| b.footer.map(|f| f.pinned))
                .collect();
            let first_pin = pins.iter().position(|p| *p).unwrap_or(pins.len());
            assert!(pins[first_pin..].iter().all(|p| *p), "{view:?}: {pins:?}");
        }
    }

    #[test]
    fn no_two_named_keys_of_a_view_overlap() {
        // Named keys are tried in table order; an overlap would make the order matter.
        for view in View::ALL {
            let keys: Vec<Key> = GLOBAL
                .iter()
                .chain(view.bindings())
                .flat_map(|b| b.keys.iter().map(|(k, _)| *k))
                .filter(|k| !k.is_fallback())
                .collect();
            for (i, a) in keys.iter().enumerate() {
                for b in &keys[i + 1..] {
                    assert!(
                        !b.matches(a.example()) && !a.matches(b.example()),
                        "{view:?}: {a:?} and {b:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_key_has_a_name_and_an_example_it_answers_to() {
        for view in View::ALL {
            for b in GLOBAL.iter().chain(view.bindings()) {
                for (k, _) in b.keys {
                    assert!(k.matches(k.example()), "{k:?}");
                    assert!(!k.name().is_empty());
                }
            }
        }
        assert_eq!(Key::Code(KeyCode::BackTab).name(), "Shift+Tab");
        assert_eq!(Key::Code(KeyCode::F(2)).name(), "F2");
        assert_eq!(Key::Code(KeyCode::PageDown).name(), "PgDn");
        assert_eq!(Key::Code(KeyCode::Char(' ')).name(), "Space");
        assert_eq!(Key::Ctrl('r').name(), "Ctrl+R");
        assert_eq!(Key::Code(KeyCode::Delete).name(), "Delete");
        assert_eq!(Key::Code(KeyCode::Enter).name(), "Enter");
        assert_eq!(Key::Code(KeyCode::Left).name(), "←");
        assert_eq!(LIST[0].label(), "j/k/Down/Up");
    }
}
