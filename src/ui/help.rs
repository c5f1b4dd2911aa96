//! The help overlay: every key of the dashboard, the filter and the form, in two columns.
//! `KEYS` is the one list of keys, so the README can be checked against it.

use super::{Theme, centered, overlay_box};
use crate::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::ops::Range;

/// Every key: (keys, what they do). Sections are cut from it by `SECTIONS`.
pub const KEYS: &[(&str, &str)] = &[
    // The dashboard.
    ("q", "quit"),
    ("Ctrl+C", "quit, always"),
    ("?", "this help"),
    ("Tab/Shift+Tab", "focus list / log"),
    ("j/k Down/Up", "move / scroll log"),
    ("PgDn/PgUp", "page down / up"),
    ("g/G Home/End", "first / last"),
    ("Enter", "trunk details"),
    ("/", "filter as you type"),
    ("s", "sort by next column"),
    ("S", "reverse the sort"),
    ("r", "refresh now"),
    ("n", "new trunk"),
    ("d/Delete", "deactivate (asks y/N)"),
    ("y", "copy trunk id (OSC 52)"),
    // The filter line.
    ("Enter/Tab", "keep the filter"),
    ("Esc", "clear the filter"),
    ("Down/Up", "move through matches"),
    ("Ctrl+U", "clear the typed text"),
    // The new-trunk form.
    ("Tab/Down", "next field"),
    ("Shift+Tab/Up", "previous field"),
    ("←/→/Space", "provider/passthrough"),
    ("t/e", "twilio / exotel"),
    ("Ctrl+R/F2", "show/hide password"),
    ("Enter", "create the trunk"),
    ("Esc", "close (keeps draft)"),
];

/// Headings and the part of `KEYS` under each; the first fills the left column.
const SECTIONS: [(&str, Range<usize>); 3] = [
    ("Dashboard", 0..15),
    ("While filtering", 15..19),
    ("New trunk form", 19..26),
];

const KEY_GAP: usize = 1;
const COLUMN_GAP: u16 = 3;

pub(super) fn draw(frame: &mut Frame, area: Rect, theme: Theme) {
    let left = &SECTIONS[..1];
    let right = &SECTIONS[1..];
    let left_width = column_width(left);
    let right_width = column_width(right);
    let height = column_height(left).max(column_height(right));
    // Borders and one column of padding on the left.
    let width = u16::try_from(left_width + right_width).unwrap_or(u16::MAX) + COLUMN_GAP + 3;
    let height = u16::try_from(height).unwrap_or(u16::MAX) + 2;
    let boxed = centered(area, width, height);
    let inner = overlay_box(frame, boxed, Line::styled(" Keys ", theme.bold()), theme);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(1),
        ..inner
    };
    // When narrow, both columns shrink alike and descriptions are cut.
    let avail = inner.width.saturating_sub(COLUMN_GAP);
    let left_cols = if usize::from(avail) >= left_width + right_width {
        u16::try_from(left_width).unwrap_or(avail)
    } else {
        avail / 2
    };
    let left_area = Rect {
        width: left_cols,
        ..inner
    };
    let right_area = Rect {
        x: inner.x + left_cols + COLUMN_GAP,
        width: inner.width.saturating_sub(left_cols + COLUMN_GAP),
        ..inner
    };
    frame.render_widget(
        Paragraph::new(column(left, usize::from(left_area.width), theme)),
        left_area,
    );
    frame.render_widget(
        Paragraph::new(column(right, usize::from(right_area.width), theme)),
        right_area,
    );
}

fn entries(range: &Range<usize>) -> &'static [(&'static str, &'static str)] {
    KEYS.get(range.clone()).unwrap_or(&[])
}

fn key_width(sections: &[(&str, Range<usize>)]) -> usize {
    sections
        .iter()
        .flat_map(|(_, r)| entries(r))
        .map(|(k, _)| text::width(k))
        .max()
        .unwrap_or(0)
}

fn column_width(sections: &[(&str, Range<usize>)]) -> usize {
    let desc = sections
        .iter()
        .flat_map(|(_, r)| entries(r))
        .map(|(_, d)| text::width(d))
        .max()
        .unwrap_or(0);
    key_width(sections) + KEY_GAP + desc
}

fn column_height(sections: &[(&str, Range<usize>)]) -> usize {
    let lines: usize = sections.iter().map(|(_, r)| 1 + r.len()).sum();
    lines + sections.len().saturating_sub(1)
}

fn column(sections: &[(&str, Range<usize>)], width: usize, theme: Theme) -> Vec<Line<'static>> {
    let key_col = key_width(sections);
    let mut lines = Vec::new();
    for (i, (heading, range)) in sections.iter().enumerate() {
        if i > 0 {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(
            text::truncate(heading, width).into_owned(),
            theme.bold(),
        ));
        for (key, desc) in entries(range) {
            let pad = key_col.saturating_sub(text::width(key)) + KEY_GAP;
            let room = width.saturating_sub(key_col + KEY_GAP);
            lines.push(Line::from(vec![
                Span::styled(*key, theme.key()),
                Span::raw(" ".repeat(pad)),
                Span::raw(text::truncate(desc, room).into_owned()),
            ]));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_cover_every_key_once() {
        let mut next = 0;
        for (_, r) in &SECTIONS {
            assert_eq!(r.start, next);
            next = r.end;
        }
        assert_eq!(next, KEYS.len());
    }

    #[test]
    fn the_help_fits_80x24() {
        let width = column_width(&SECTIONS[..1]) + column_width(&SECTIONS[1..]) + 3 + 3;
        let height = column_height(&SECTIONS[..1]).max(column_height(&SECTIONS[1..])) + 2;
        assert!(width <= 78, "{width}");
        assert!(height <= 22, "{height}");
    }
}
