//! The help overlay: the keys of the dashboard's panes, the filter line and the form, in two
//! columns, read from the tables in `keys`. The overlays' own keys (details, confirmation,
//! this help) are in their footers, and typing needs no listing.

use super::{Theme, centered, overlay_box};
use crate::keys::{self, Binding, View};
use crate::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// A heading and its rows: (keys, what they do).
pub struct Section {
    pub title: &'static str,
    pub rows: Vec<(String, &'static str)>,
}

fn section(title: &'static str, bindings: &[Binding], skip: &[Binding]) -> Section {
    let rows = bindings
        .iter()
        // The log repeats what the list says about the keys both share.
        .filter(|b| b.in_help() && !skip.iter().any(|s| s.keys == b.keys && s.help == b.help))
        .map(|b| (b.label(), b.help))
        .collect();
    Section { title, rows }
}

/// The left column and the right column.
pub fn columns() -> [Vec<Section>; 2] {
    let list = View::List.bindings();
    [
        vec![
            section(View::List.title(), list, &[]),
            section(keys::EVERYWHERE, keys::GLOBAL, &[]),
        ],
        vec![
            section(View::Log.title(), View::Log.bindings(), list),
            section(View::Filter.title(), View::Filter.bindings(), &[]),
            section(View::Form.title(), View::Form.bindings(), &[]),
        ],
    ]
}

const KEY_GAP: usize = 1;
const COLUMN_GAP: u16 = 3;

pub(super) fn draw(frame: &mut Frame, area: Rect, theme: Theme) {
    let [left, right] = columns();
    let left_width = column_width(&left);
    let right_width = column_width(&right);
    let height = column_height(&left).max(column_height(&right));
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
        Paragraph::new(column(&left, usize::from(left_area.width), theme)),
        left_area,
    );
    frame.render_widget(
        Paragraph::new(column(&right, usize::from(right_area.width), theme)),
        right_area,
    );
}

fn key_width(sections: &[Section]) -> usize {
    sections
        .iter()
        .flat_map(|s| &s.rows)
        .map(|(k, _)| text::width(k))
        .max()
        .unwrap_or(0)
}

fn column_width(sections: &[Section]) -> usize {
    let desc = sections
        .iter()
        .flat_map(|s| &s.rows)
        .map(|(_, d)| text::width(d))
        .max()
        .unwrap_or(0);
    key_width(sections) + KEY_GAP + desc
}

fn column_height(sections: &[Section]) -> usize {
    let lines: usize = sections.iter().map(|s| 1 + s.rows.len()).sum();
    lines + sections.len().saturating_sub(1)
}

fn column(sections: &[Section], width: usize, theme: Theme) -> Vec<Line<'static>> {
    let key_col = key_width(sections);
    let mut lines = Vec::new();
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(
            text::truncate(section.title, width).into_owned(),
            theme.bold(),
        ));
        for (key, desc) in &section.rows {
            let pad = key_col.saturating_sub(text::width(key)) + KEY_GAP;
            let room = width.saturating_sub(key_col + KEY_GAP);
            lines.push(Line::from(vec![
                Span::styled(key.clone(), theme.key()),
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
    fn every_key_to_learn_of_the_panes_filter_and_form_is_listed() {
        let [left, right] = columns();
        let listed: Vec<(String, &str)> = left
            .iter()
            .chain(&right)
            .flat_map(|s| s.rows.clone())
            .collect();
        for view in [View::List, View::Log, View::Filter, View::Form] {
            for b in view.bindings().iter().filter(|b| b.in_help()) {
                // A log key the list shares is listed once, under the list.
                assert!(
                    listed.iter().any(|(k, d)| *k == b.label() && *d == b.help),
                    "{view:?}: {} missing",
                    b.label()
                );
            }
        }
        assert!(listed.iter().any(|(k, _)| k == "Ctrl+C"));
        assert!(!listed.iter().any(|(k, _)| k.contains("typed text")));
    }

    #[test]
    fn the_help_fits_80x24() {
        let [left, right] = columns();
        let width = column_width(&left) + column_width(&right) + 3 + 3;
        let height = column_height(&left).max(column_height(&right)) + 2;
        // Inside the frame, above the footer: 78 columns, 21 rows.
        assert!(width <= 78, "{width}");
        assert!(height <= 21, "{height}");
    }
}
