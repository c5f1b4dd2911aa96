//! The new-trunk form overlay: the provider selector, one input per field with its message
//! line (server error, client error, warning or the provider's hint) and the provider's setup
//! guide; the footer below shows its keys. Messages come from the state; nothing is validated
//! here.

use super::{Theme, centered, overlay_box, wrap};
use crate::api::Provider;
use crate::state::hints;
use crate::state::{FormField, FormState, State};
use crate::text;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::borrow::Cow;
use tui_input::Input;

const MAX_WIDTH: u16 = 96;
/// "› Username  ": the focus mark, the label and a gap; inputs and messages start after it.
const LABEL_WIDTH: usize = 12;
const MASK: char = '•';
/// The most lines of a notice (a refused paste, a full field).
const NOTICE_LINES: usize = 3;

/// One line of the form. When the height is short, the lowest priorities go first, later
/// lines before earlier ones of the same priority.
struct Item {
    priority: u8,
    kind: Kind,
}

enum Kind {
    Text(Line<'static>),
    Field(FormField),
}

pub(super) fn draw(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let form = &state.form;
    let width = area.width.min(MAX_WIDTH);
    // One column of padding on each side inside the border.
    let text_width = usize::from(width.saturating_sub(4));
    let mut items = items(form, text_width, theme);
    let wanted = u16::try_from(items.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let boxed = centered(area, width, wanted);

    let mut title = vec![Span::styled(
        match form.revision {
            crate::api::ApiRevision::V1 => " New trunk ".to_string(),
            r => format!(" New trunk (create API {r}) "),
        },
        theme.bold(),
    )];
    if form.submitting.is_some() {
        title.push(Span::styled("— creating… ", theme.warning()));
    }
    let inner = overlay_box(frame, boxed, Line::from(title), theme);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    keep_highest(&mut items, usize::from(inner.height));

    for (row, item) in items.into_iter().enumerate() {
        let Ok(dy) = u16::try_from(row) else { break };
        let line_area = Rect {
            y: inner.y + dy,
            height: 1,
            ..inner
        };
        match item.kind {
            Kind::Text(line) => frame.render_widget(line, line_area),
            Kind::Field(FormField::Provider) => draw_provider(frame, line_area, form, theme),
            Kind::Field(FormField::Passthrough) => draw_passthrough(frame, line_area, form, theme),
            Kind::Field(field) => draw_input(frame, line_area, form, field, theme),
        }
    }
}

fn items(form: &FormState, width: usize, theme: Theme) -> Vec<Item> {
    let mut items = Vec::new();
    // The general message says what happened and what to do (after a create without an
    // answer, how to send it again): all of it shows, as high as the fields and above
    // them, so the fields at the bottom give way first on a short screen.
    let general = [(&form.general_error, usize::MAX, 10), (&form.blocked, 3, 9)];
    for (text, most, priority) in general {
        let Some(text) = text else { continue };
        for (i, part) in wrap(text, width.saturating_sub(2).max(1))
            .into_iter()
            .take(most)
            .enumerate()
        {
            let mark = if i == 0 { "✗ " } else { "  " };
            items.push(Item {
                priority,
                kind: Kind::Text(Line::styled(format!("{mark}{part}"), theme.error())),
            });
        }
    }
    if let Some(notice) = &form.notice {
        for (i, part) in wrap(notice, width.saturating_sub(2).max(1))
            .into_iter()
            .take(NOTICE_LINES)
            .enumerate()
        {
            let mark = if i == 0 { "! " } else { "  " };
            items.push(Item {
                priority: 9,
                kind: Kind::Text(Line::styled(format!("{mark}{part}"), theme.warning())),
            });
        }
    }
    let room = width.saturating_sub(LABEL_WIDTH);
    for &field in form.fields() {
        items.push(Item {
            priority: 10,
            kind: Kind::Field(field),
        });
        let (message, priority) = message(form, field, room, theme);
        let priority = if field == form.focus {
            priority.max(7)
        } else {
            priority
        };
        items.push(Item {
            priority,
            kind: Kind::Text(Line::from(vec![
                Span::raw(" ".repeat(LABEL_WIDTH)),
                message,
            ])),
        });
    }
    items.push(Item {
        priority: 1,
        kind: Kind::Text(Line::raw("")),
    });
    for part in wrap(hints::guide(form.provider, form.revision), width) {
        items.push(Item {
            priority: 2,
            kind: Kind::Text(Line::styled(part, theme.dim())),
        });
    }
    items
}

/// Drops the least important lines until `rows` remain.
fn keep_highest(items: &mut Vec<Item>, rows: usize) {
    while items.len() > rows {
        let Some(min) = items.iter().map(|i| i.priority).min() else {
            return;
        };
        if let Some(pos) = items.iter().rposition(|i| i.priority == min) {
            items.remove(pos);
        }
    }
}

/// The line under a field: what the server said, else a client error once the field was
/// touched, else a warning, else the provider's hint.
fn message(form: &FormState, field: FormField, room: usize, theme: Theme) -> (Span<'static>, u8) {
    let m = form.messages(field);
    let fit = |mark: &str, s: &str| text::fit(&format!("{mark}{s}"), room);
    if let Some(server) = &m.server {
        return (Span::styled(fit("✗ ", server), theme.error()), 8);
    }
    if let Some(error) = m.error.as_ref().filter(|_| form.touched[field]) {
        return (Span::styled(fit("✗ ", error), theme.error()), 8);
    }
    if let Some(warning) = &m.warning {
        return (Span::styled(fit("! ", warning), theme.warning()), 5);
    }
    let hint = form.hint(field);
    (
        Span::styled(
            fit("e.g. ", &format!("{} — {}", hint.example, hint.meaning)),
            theme.dim(),
        ),
        3,
    )
}

fn label(field: FormField, focused: bool, theme: Theme) -> Span<'static> {
    let mark = if focused { "› " } else { "  " };
    let style = if focused { theme.key() } else { theme.bold() };
    Span::styled(
        format!("{mark}{:<width$}", field.label(), width = LABEL_WIDTH - 2),
        style,
    )
}

fn draw_provider(frame: &mut Frame, area: Rect, form: &FormState, theme: Theme) {
    let focused = form.focus == FormField::Provider;
    let mut spans = vec![label(FormField::Provider, focused, theme)];
    for (i, p) in Provider::ALL.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" "));
        }
        // The brackets mark the choice without colour; reverse video shows it has focus.
        if p == form.provider {
            let mut style = theme.key();
            if focused {
                style = style.add_modifier(Modifier::REVERSED);
            }
            spans.push(Span::styled(format!("‹ {} ›", p.as_str()), style));
        } else {
            spans.push(Span::styled(format!("  {}  ", p.as_str()), theme.dim()));
        }
    }
    frame.render_widget(Line::from(spans), area);
}

fn draw_passthrough(frame: &mut Frame, area: Rect, form: &FormState, theme: Theme) {
    let focused = form.focus == FormField::Passthrough;
    let mut style = theme.key();
    if focused {
        style = style.add_modifier(Modifier::REVERSED);
    }
    let value = if form.passthrough {
        "[x] on"
    } else {
        "[ ] off"
    };
    frame.render_widget(
        Line::from(vec![
            label(FormField::Passthrough, focused, theme),
            Span::styled(value, style),
        ]),
        area,
    );
}

fn draw_input(frame: &mut Frame, area: Rect, form: &FormState, field: FormField, theme: Theme) {
    let focused = form.focus == field;
    frame.render_widget(label(field, focused, theme), area);
    let label_cols = u16::try_from(LABEL_WIDTH).unwrap_or(area.width);
    let input_area = Rect {
        x: area.x + label_cols.min(area.width),
        width: area.width.saturating_sub(label_cols),
        ..area
    };
    let width = usize::from(input_area.width);
    let Some(input) = form.input(field) else {
        return;
    };
    let masked = field == FormField::Password && !form.show_password;
    let (visible, cursor) = visible_value(input, masked, focused, width);
    let mut style: Style = theme.input(focused);
    if form.submitting.is_some() {
        style = style.add_modifier(Modifier::DIM);
    }
    frame.render_widget(Paragraph::new(visible).style(style), input_area);
    if focused && form.submitting.is_none() && width > 0 {
        let x = input_area.x + u16::try_from(cursor).unwrap_or(0).min(input_area.width - 1);
        frame.set_cursor_position(Position::new(x, input_area.y));
    }
}

/// The part of the value that fits `width` columns, scrolled so the cursor stays inside, and
/// the cursor's column in it. Masked values show one mark per character; others are sanitized.
fn visible_value(input: &Input, masked: bool, focused: bool, width: usize) -> (String, usize) {
    let value = input.value();
    let (shown, cursor, scroll): (Cow<str>, usize, usize) = if masked {
        let cursor = input.cursor();
        let shown: String = std::iter::repeat_n(MASK, value.chars().count()).collect();
        (
            shown.into(),
            cursor,
            cursor.saturating_sub(width.saturating_sub(1)),
        )
    } else {
        match text::sanitize(value) {
            // Nothing replaced: tui-input's own columns apply.
            Cow::Borrowed(s) => (
                Cow::Borrowed(s),
                input.visual_cursor(),
                input.visual_scroll(width.saturating_sub(1)),
            ),
            // Placeholders may be wider than what they replace: count on the shown text.
            Cow::Owned(s) => {
                let before: String = value.chars().take(input.cursor()).collect();
                let cursor = text::width(&text::sanitize(&before));
                let scroll = cursor.saturating_sub(width.saturating_sub(1));
                (Cow::Owned(s), cursor, scroll)
            }
        }
    };
    // Fields without focus show their start.
    let scroll = if focused { scroll } else { 0 };
    let mut skipped = 0;
    let mut start = shown.len();
    for (at, c) in shown.char_indices() {
        if skipped >= scroll {
            start = at;
            break;
        }
        skipped += text::width(c.encode_utf8(&mut [0; 4]));
    }
    // Only what can show is measured: a frame costs the same however long the value.
    let rest = &shown[start..];
    let visible = text::truncate(within_columns(rest, width + 1), width).into_owned();
    (visible, cursor.saturating_sub(skipped))
}

/// The start of `s` that reaches `columns` columns, whole graphemes only (or all of `s`).
fn within_columns(s: &str, columns: usize) -> &str {
    use unicode_segmentation::UnicodeSegmentation;
    let mut used = 0;
    for (at, g) in s.grapheme_indices(true) {
        if used >= columns {
            return &s[..at];
        }
        used += text::width(g);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_scroll_to_the_cursor() {
        let input = Input::new("abcdefghij".into());
        let (visible, cursor) = visible_value(&input, false, true, 5);
        assert_eq!(cursor, 4);
        assert!(visible.starts_with("ghij"), "{visible}");
        let (visible, cursor) = visible_value(&input, false, false, 5);
        assert_eq!(visible, "abcd…");
        assert_eq!(cursor, 10);
    }

    #[test]
    fn only_the_columns_that_show_are_measured_and_cuts_are_marked() {
        assert_eq!(within_columns("abcdef", 3), "abc");
        assert_eq!(within_columns("ab", 3), "ab");
        assert_eq!(within_columns("漢字漢字", 3), "漢字");
        let long = Input::new("x".repeat(4096));
        let (visible, _) = visible_value(&long, false, false, 10);
        assert_eq!(visible, format!("{}…", "x".repeat(9)));
        let (visible, cursor) = visible_value(&long, false, true, 10);
        assert_eq!(visible, "x".repeat(9));
        assert_eq!(cursor, 9);
        let wide = Input::new("漢字漢字漢字".into());
        let (visible, _) = visible_value(&wide, false, false, 5);
        assert_eq!(visible, "漢字…");
    }

    #[test]
    fn masked_values_never_show_the_secret() {
        let input = Input::new("hunter2".into());
        let (visible, cursor) = visible_value(&input, true, true, 20);
        assert_eq!(visible, "•••••••");
        assert_eq!(cursor, 7);
    }

    #[test]
    fn control_characters_are_shown_as_placeholders() {
        let input = Input::new("a\x1bb".into());
        let (visible, cursor) = visible_value(&input, false, true, 20);
        assert_eq!(visible, "a␛b");
        assert_eq!(cursor, 3);
    }
}
