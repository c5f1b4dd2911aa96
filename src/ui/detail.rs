//! The detail overlay: every field of the selected trunk in full, unknown ones as "?".
//! Credentials are never part of a trunk; the overlay says so.

use super::{Theme, centered, overlay_box, wrap};
use crate::api::Trunk;
use crate::api::types::parse_timestamp;
use crate::display;
use crate::state::State;
use crate::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const LABEL_WIDTH: usize = 12;
const MAX_WIDTH: u16 = 84;

pub(super) fn draw(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let width = area.width.min(MAX_WIDTH);
    // One column of padding on each side inside the border.
    let text_width = usize::from(width.saturating_sub(4));
    let lines = match state.trunks.selected_trunk() {
        Some(trunk) => lines(trunk, state, text_width, theme),
        None => vec![Line::styled("no trunk selected", theme.dim())],
    };
    let wanted = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let boxed = centered(area, width, wanted);
    let inner = overlay_box(
        frame,
        boxed,
        Line::styled(" Trunk details ", theme.bold()),
        theme,
    );
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    let rows = usize::from(inner.height);
    let mut lines = lines;
    if lines.len() > rows && rows > 0 {
        let hidden = lines.len() - rows + 1;
        lines.truncate(rows - 1);
        lines.push(Line::styled(format!("… {hidden} more lines"), theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn lines(trunk: &Trunk, state: &State, width: usize, theme: Theme) -> Vec<Line<'static>> {
    let room = width.saturating_sub(LABEL_WIDTH);
    let mut out = Vec::new();
    field(&mut out, "id", Some(&trunk.trunk_id), room, theme);
    field(&mut out, "name", trunk.trunk_name.as_deref(), room, theme);
    field(
        &mut out,
        "provider",
        trunk.trunk_type.as_deref(),
        room,
        theme,
    );
    field(
        &mut out,
        "address",
        trunk.trunk_address.as_deref(),
        room,
        theme,
    );
    match trunk.trunk_numbers.as_deref() {
        None => out.push(labelled("numbers", unknown(theme), theme)),
        Some([]) => out.push(labelled(
            "numbers",
            Span::styled("none", theme.dim()),
            theme,
        )),
        Some(numbers) => {
            for (i, n) in numbers.iter().enumerate() {
                let label = if i == 0 { "numbers" } else { "" };
                out.push(labelled(label, Span::raw(text::fit(n, room)), theme));
            }
        }
    }
    match trunk.trunk_created_at.as_deref() {
        None => out.push(labelled("created", unknown(theme), theme)),
        Some(raw) => match parse_timestamp(raw) {
            Some(t) => {
                let shown = format!(
                    "{} ({})",
                    display::timestamp(t),
                    display::ago(t, state.clock.wall)
                );
                out.push(labelled(
                    "created",
                    Span::raw(text::fit(&shown, room)),
                    theme,
                ));
            }
            None => field(&mut out, "created", Some(raw), room, theme),
        },
    }
    if let Some(email) = trunk.trunk_created_by_email.as_deref() {
        field(&mut out, "created by", Some(email), room, theme);
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        text::truncate("credentials are not returned by the API", width).into_owned(),
        theme.dim(),
    ));
    out
}

/// A field whose value wraps over as many lines as it needs.
fn field(
    out: &mut Vec<Line<'static>>,
    label: &str,
    value: Option<&str>,
    room: usize,
    theme: Theme,
) {
    let Some(value) = value else {
        out.push(labelled(label, unknown(theme), theme));
        return;
    };
    if value.trim().is_empty() {
        out.push(labelled(label, Span::styled("(empty)", theme.dim()), theme));
        return;
    }
    for (i, part) in wrap(value, room.max(1)).into_iter().enumerate() {
        let label = if i == 0 { label } else { "" };
        out.push(labelled(label, Span::raw(part), theme));
    }
}

fn labelled(label: &str, value: Span<'static>, theme: Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<LABEL_WIDTH$}"), label_style(theme)),
        value,
    ])
}

fn label_style(theme: Theme) -> Style {
    theme.bold()
}

fn unknown(theme: Theme) -> Span<'static> {
    Span::styled("? (unknown)", theme.dim())
}
