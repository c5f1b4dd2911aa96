//! The status log pane: the newest lines of the log (or an older window when scrolled up),
//! one per entry, coloured by severity and cut to the width.

use super::Theme;
use crate::state::{Focus, LogEntry, Severity, State};
use crate::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub(super) fn draw(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let log = &state.log;
    let len = log.entries.len();
    let mut block = Block::bordered()
        .border_style(theme.border(state.focus == Focus::Log))
        .title(Span::styled(" Status log ", theme.bold()));
    let rows = usize::from(area.height.saturating_sub(2));
    let scroll = log.scroll.min(len.saturating_sub(1));
    let end = len - scroll;
    let start = end.saturating_sub(rows);
    if start > 0 {
        block = block.title(Line::from(format!(" ↑{start} more ")).right_aligned());
    }
    if scroll > 0 {
        block = block.title_bottom(
            Line::styled(format!(" ↓{scroll} newer "), theme.warning()).right_aligned(),
        );
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let width = usize::from(inner.width);
    let lines: Vec<Line> = if len == 0 {
        vec![Line::styled("nothing yet", theme.dim())]
    } else {
        log.entries
            .range(start..end)
            .map(|e| line(e, width, theme))
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

fn line(entry: &LogEntry, width: usize, theme: Theme) -> Line<'static> {
    let time = text::fit(&entry.time, 8);
    // Without colour a mark in the gap tells the severity apart.
    let gap = if theme.color {
        "  "
    } else {
        match entry.severity {
            Severity::Error => " ✗ ",
            Severity::Warning => " ! ",
            Severity::Success => " ✓ ",
            Severity::Info => "   ",
        }
    };
    let room = width.saturating_sub(text::width(&time) + gap.chars().count());
    Line::from(vec![
        Span::styled(time, theme.dim()),
        Span::raw(gap),
        Span::styled(
            text::fit(&entry.text, room),
            severity_style(entry.severity, theme),
        ),
    ])
}

fn severity_style(s: Severity, theme: Theme) -> Style {
    match s {
        Severity::Error => theme.error(),
        Severity::Warning => theme.warning(),
        Severity::Success => theme.success(),
        Severity::Info => Style::new(),
    }
}
