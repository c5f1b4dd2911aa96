//! The footer line: the keys of whatever has the keys now (pane, filter, form or overlay),
//! read from the view's table in `keys`, trimmed to the width by leaving out whole entries.

use super::Theme;
use crate::keys::{Footer, Show, View};
use crate::state::State;
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
    let entries: Vec<Footer> = View::of(state)
        .bindings()
        .iter()
        .filter_map(|b| b.shows_in_footer(state))
        .collect();
    let pinned = entries.iter().filter(|f| f.pinned).count();
    let items = entries
        .into_iter()
        .map(|f| {
            let text = match f.show {
                Show::PasswordField if state.form.show_password => "hide password",
                _ => f.text,
            };
            (f.key, text)
        })
        .collect();
    (items, pinned)
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
