//! Drawing: every pane from `&State` only. No I/O, no validation, no HTTP here.
//! This module owns the screen's frame, the overlay order and the shared styles; each pane
//! draws itself in its own file.

mod confirm;
mod detail;
mod footer;
mod header;
pub mod help;
pub mod layout;
mod status_log;
mod trunk_form;
mod trunk_list;

use crate::state::geometry::{self, Area};
use crate::state::{Overlay, State};
use crate::text;
use ratatui::Frame;
use ratatui::layout::{Alignment, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use std::str::FromStr;

/// Draws the whole screen for the state; the only entry point of the drawing layer.
pub fn draw(frame: &mut Frame, state: &State) {
    let area = frame.area();
    let theme = Theme::new(state);
    let size = (area.width, area.height);
    if geometry::too_small(size) {
        draw_too_small(frame, area, theme);
        return;
    }
    let areas = geometry::screen(size);
    let outer = Block::bordered()
        .border_style(theme.frame(state.profile.accent.as_deref()))
        .title(Span::styled(" trunktui ", theme.bold()));
    frame.render_widget(outer, area);

    header::draw(frame, rect(areas.header), state, theme);
    trunk_list::draw(frame, rect(areas.list), state, theme);
    status_log::draw(frame, rect(areas.log), state, theme);
    footer::draw(frame, rect(areas.footer), state, theme);

    // Overlays leave the footer visible: it shows their keys.
    let over = Rect {
        height: areas.footer.y.saturating_sub(areas.inner.y),
        ..rect(areas.inner)
    };
    match &state.overlay {
        Overlay::None => {}
        Overlay::Help => help::draw(frame, over, theme),
        Overlay::Detail => detail::draw(frame, over, state, theme),
        Overlay::Form => trunk_form::draw(frame, over, state, theme),
        Overlay::ConfirmDeactivate { trunk_id, name } => {
            confirm::draw(frame, over, state, trunk_id, name, theme)
        }
    }
}

fn rect(a: Area) -> Rect {
    Rect::new(a.x, a.y, a.width, a.height)
}

fn draw_too_small(frame: &mut Frame, area: Rect, theme: Theme) {
    let message = format!(
        "terminal too small: {}x{}, need at least {}x{}",
        area.width,
        area.height,
        geometry::MIN_WIDTH,
        geometry::MIN_HEIGHT
    );
    let lines = wrap(&message, usize::from(area.width));
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .min(area.height);
    let target = Rect {
        x: area.x,
        y: area.y + area.height.saturating_sub(height) / 2,
        width: area.width,
        height,
    };
    let text: Vec<Line> = lines.into_iter().map(Line::from).collect();
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .style(theme.warning()),
        target,
    );
}

/// The styles of the dashboard. With NO_COLOR every style is made of modifiers only, so the
/// screen stays readable and the selection stays visible by reverse video.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Theme {
    color: bool,
}

impl Theme {
    pub(crate) fn new(state: &State) -> Theme {
        Theme {
            color: !state.no_color,
        }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub(crate) fn bold(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub(crate) fn error(self) -> Style {
        // Without colour, errors still stand out by weight.
        if self.color {
            Style::new().fg(Color::Red)
        } else {
            self.bold()
        }
    }

    pub(crate) fn warning(self) -> Style {
        self.fg(Color::Yellow)
    }

    pub(crate) fn success(self) -> Style {
        self.fg(Color::Green)
    }

    /// Hints and unknown values: present but quiet.
    pub(crate) fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub(crate) fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub(crate) fn border(self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.fg(Color::DarkGray)
        }
    }

    /// The selected row: reverse video always, a colour on top when colour is on.
    pub(crate) fn selected(self, focused: bool) -> Style {
        let style = Style::new().add_modifier(Modifier::REVERSED);
        if focused {
            style.patch(self.key())
        } else {
            style
        }
    }

    /// The input region of a form field.
    pub(crate) fn input(self, focused: bool) -> Style {
        match (self.color, focused) {
            (true, true) => Style::new().bg(Color::Rgb(48, 48, 64)),
            (true, false) => Style::new().bg(Color::Rgb(32, 32, 32)),
            (false, _) => Style::new().add_modifier(Modifier::UNDERLINED),
        }
    }

    /// A badge such as "RO": reverse video, so it reads without colour.
    pub(crate) fn badge(self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    /// The frame around the screen: the profile's accent, or a quiet gray.
    pub(crate) fn frame(self, accent: Option<&str>) -> Style {
        if !self.color {
            return Style::new();
        }
        match accent.map(|a| Color::from_str(a.trim())) {
            Some(Ok(c)) => Style::new().fg(c),
            _ => Style::new().fg(Color::DarkGray),
        }
    }
}

/// A rectangle of at most `width` x `height`, centered in `area`.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Clears `area` and draws an overlay's bordered box there; returns the inside.
pub(crate) fn overlay_box(frame: &mut Frame, area: Rect, title: Line, theme: Theme) -> Rect {
    let block = Block::bordered()
        .border_style(theme.border(true))
        .title(title);
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    cut_wide_characters_left_of(frame, area);
    frame.render_widget(block, area);
    inner
}

/// A wide character just left of an overlay would be drawn over the overlay's border by the
/// terminal: such characters become a blank.
fn cut_wide_characters_left_of(frame: &mut Frame, area: Rect) {
    let Some(left) = area.x.checked_sub(1) else {
        return;
    };
    let buf = frame.buffer_mut();
    for y in area.top()..area.bottom() {
        if let Some(cell) = buf.cell_mut(Position::new(left, y))
            && text::width(cell.symbol()) > 1
        {
            cell.set_symbol(" ");
        }
    }
}

/// Sanitizes and wraps text to `width` columns.
pub(crate) fn wrap(s: &str, width: usize) -> Vec<String> {
    if width == 0 {
        return Vec::new();
    }
    text::wrap(&text::sanitize(s), width)
}

/// Cuts styled spans to `width` columns, ending in `…` when something was cut. The spans'
/// text must already be sanitized.
pub(crate) fn fit_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(|s| text::width(&s.content)).sum();
    if total <= width {
        return spans;
    }
    let mut out = Vec::new();
    let mut left = width;
    for span in spans {
        let w = text::width(&span.content);
        if w < left {
            left -= w;
            out.push(span);
            continue;
        }
        let cut = text::truncate(&span.content, left).into_owned();
        out.push(Span::styled(cut, span.style));
        break;
    }
    out
}

/// Sanitizes and keeps the end of text that fits `max` columns.
pub(crate) fn fit_tail(s: &str, max: usize) -> String {
    text::truncate_start(&text::sanitize(s), max).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_respects_width_and_cuts_long_words() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("漢字漢字", 5), vec!["漢字", "漢字"]);
        assert_eq!(wrap("a\x1bb", 10), vec!["a␛b"]);
    }

    #[test]
    fn fit_tail_keeps_the_end() {
        assert_eq!(fit_tail("abcdef", 4), "…def");
        assert_eq!(fit_tail("abc", 4), "abc");
    }

    #[test]
    fn fit_spans_cuts_at_width() {
        let spans = vec![Span::raw("abc"), Span::raw("defg")];
        let out = fit_spans(spans, 5);
        let s: String = out.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(s, "abcd…");
    }

    #[test]
    fn accents_parse_names_and_hex() {
        let t = Theme { color: true };
        assert_eq!(t.frame(Some("red")).fg, Some(Color::Red));
        assert_eq!(t.frame(Some("#102030")).fg, Some(Color::Rgb(16, 32, 48)));
        assert_eq!(t.frame(Some("nope")).fg, Some(Color::DarkGray));
        assert_eq!(Theme { color: false }.frame(Some("red")).fg, None);
    }
}
