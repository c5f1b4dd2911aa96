//! The status log pane: the newest entries of the log (or an older window when scrolled up),
//! coloured by severity and wrapped to the width, so a long error can be read in full.

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
        .title(Span::styled(" Status log (UTC) ", theme.bold()));
    let rows = usize::from(area.height.saturating_sub(2));
    let scroll = log.scroll.min(len.saturating_sub(1));
    let end = len - scroll;
    // The inner width is the area less the two borders; entries wrap to it.
    let width = usize::from(area.width.saturating_sub(2));
    // Walk back from the newest shown entry until the pane is full; only these are wrapped.
    let mut lines: Vec<Line> = Vec::with_capacity(rows);
    let mut start = end;
    while start > 0 && lines.len() < rows {
        let mut wrapped = entry_lines(&log.entries[start - 1], width, theme);
        let room = rows - lines.len();
        if wrapped.len() > room {
            // The oldest visible entry shows its last lines, like a terminal scrolled to the end.
            wrapped.drain(..wrapped.len() - room);
        }
        wrapped.append(&mut lines);
        lines = wrapped;
        start -= 1;
    }
    let mut end = end;
    if start == 0 && lines.len() < rows {
        // Scrolled to the top: the oldest entry is the first line and the pane fills down.
        while end < len && lines.len() < rows {
            let wrapped = entry_lines(&log.entries[end], width, theme);
            let room = rows - lines.len();
            lines.extend(wrapped.into_iter().take(room));
            end += 1;
        }
    }
    let scroll = len - end;
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
    if len == 0 {
        lines = vec![Line::styled("nothing yet", theme.dim())];
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn entry_lines(entry: &LogEntry, width: usize, theme: Theme) -> Vec<Line<'static>> {
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
    let indent = text::width(&time) + gap.chars().count();
    let style = severity_style(entry.severity, theme);
    let body = text::sanitize(&entry.text);
    text::wrap(&body, width.saturating_sub(indent))
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let lead = if i == 0 {
                Span::styled(time.clone(), theme.dim())
            } else {
                Span::raw(" ".repeat(text::width(&time)))
            };
            Line::from(vec![lead, Span::raw(gap), Span::styled(part, style)])
        })
        .collect()
}

fn severity_style(s: Severity, theme: Theme) -> Style {
    match s {
        Severity::Error => theme.error(),
        Severity::Warning => theme.warning(),
        Severity::Success => theme.success(),
        Severity::Info => Style::new(),
    }
}
