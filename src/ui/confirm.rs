//! The deactivate confirmation: names the trunk and its id; only y confirms, and the default
//! answer is no.

use super::{Theme, centered, overlay_box};
use crate::state::State;
use crate::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const MAX_WIDTH: u16 = 72;

pub(super) fn draw(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    trunk_id: &str,
    name: &str,
    theme: Theme,
) {
    let width = area.width.min(MAX_WIDTH);
    let room = usize::from(width.saturating_sub(4));
    let id = text::fit(trunk_id, room / 2);
    // "Deactivate trunk " + name + " (" + id + ")?"
    let fixed = text::width("Deactivate trunk  ()?") + text::width(&id);
    let name = text::fit(name, room.saturating_sub(fixed).max(1));
    let question = Line::from(vec![
        Span::raw("Deactivate trunk "),
        Span::styled(name, theme.bold()),
        Span::raw(" ("),
        Span::raw(id),
        Span::raw(")?"),
    ]);
    let mut lines = vec![
        question,
        Line::raw(""),
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(" = yes   "),
            Span::styled("n/Esc", theme.key()),
            Span::raw(" = no (default)"),
        ]),
    ];
    if state.in_flight.deactivate.is_some() {
        lines.push(Line::styled("deactivating…", theme.warning()));
    }
    let content = lines.iter().map(Line::width).max().unwrap_or(0);
    let width = u16::try_from(content + 4).unwrap_or(width).min(width);
    let height = u16::try_from(lines.len()).unwrap_or(u16::MAX) + 2;
    let boxed = centered(area, width, height);
    let inner = overlay_box(
        frame,
        boxed,
        Line::styled(" Deactivate ", theme.error()),
        theme,
    );
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    frame.render_widget(Paragraph::new(lines), inner);
}
