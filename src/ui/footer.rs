//! The footer line: the keys of whatever has the keys now (pane, filter, form or overlay),
//! trimmed to the width by leaving out whole entries.

use super::Theme;
use crate::state::{Focus, FormField, FormState, Overlay, State};
use crate::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

const GAP: &str = "  ";

pub(super) fn draw(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let (items, pinned) = items(state);
    frame.render_widget(
        key_line(&items, pinned, usize::from(area.width), theme),
        area,
    );
}

/// The keys for the current state, and how many at the end must stay when trimming.
fn items(state: &State) -> (Vec<(&'static str, &'static str)>, usize) {
    match &state.overlay {
        Overlay::Help => (vec![("Esc/?/q", "close help")], 1),
        Overlay::Detail => {
            let mut keys = vec![("j/k", "next/previous trunk"), ("y", "copy id")];
            if !state.profile.read_only {
                keys.push(("d", "deactivate"));
            }
            keys.push(("Esc", "close"));
            (keys, 1)
        }
        Overlay::ConfirmDeactivate { .. } => (vec![("y", "deactivate"), ("n/Esc", "cancel")], 2),
        Overlay::Form => (form_keys(&state.form), 2),
        Overlay::None if state.trunks.filtering => (
            vec![
                ("type", "to filter"),
                ("Enter", "keep filter"),
                ("Esc", "clear filter"),
            ],
            2,
        ),
        Overlay::None => match state.focus {
            Focus::List => {
                let mut keys = vec![
                    ("j/k", "move"),
                    ("Enter", "details"),
                    ("/", "filter"),
                    ("s/S", "sort"),
                    ("r", "refresh"),
                ];
                if !state.profile.read_only {
                    keys.extend([("n", "new"), ("d", "deactivate")]);
                }
                keys.extend([
                    ("y", "copy id"),
                    ("Tab", "log"),
                    ("?", "help"),
                    ("q", "quit"),
                ]);
                (keys, 2)
            }
            Focus::Log => (
                vec![
                    ("j/k", "scroll"),
                    ("PgDn/PgUp", "page"),
                    ("Tab", "list"),
                    ("?", "help"),
                    ("q", "quit"),
                ],
                2,
            ),
        },
    }
}

/// The form's keys; the password toggle only where the form has a password.
fn form_keys(form: &FormState) -> Vec<(&'static str, &'static str)> {
    let mut keys = vec![("Tab/S-Tab", "field"), ("←/→", "switch")];
    if form.fields().contains(&FormField::Password) {
        keys.push((
            "Ctrl+R",
            if form.show_password {
                "hide password"
            } else {
                "show password"
            },
        ));
    }
    keys.extend([("Enter", "create"), ("Esc", "close")]);
    keys
}

/// "key action  key action", keeping the last `pinned` entries and as many of the others, in
/// order, as fit the width.
fn key_line(
    items: &[(&'static str, &'static str)],
    pinned: usize,
    width: usize,
    theme: Theme,
) -> Line<'static> {
    let entry_width = |(k, a): &(&str, &str)| text::width(k) + 1 + text::width(a);
    let split = items.len().saturating_sub(pinned);
    let (optional, fixed) = items.split_at(split);
    let mut used: usize =
        fixed.iter().map(entry_width).sum::<usize>() + GAP.len() * fixed.len().saturating_sub(1);
    let mut chosen = Vec::new();
    for item in optional {
        let w = entry_width(item) + GAP.len();
        if used + w > width {
            break;
        }
        used += w;
        chosen.push(*item);
    }
    chosen.extend_from_slice(fixed);
    let mut spans = Vec::new();
    for (i, (key, action)) in chosen.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(GAP));
        }
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(" "));
        spans.push(Span::raw(action));
    }
    Line::from(super::fit_spans(spans, width))
}
