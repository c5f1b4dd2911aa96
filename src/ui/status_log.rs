//! The status log pane: the lines `LogState::window` says are in sight (the newest, or an
//! older window when scrolled up), coloured by severity, with markers for the lines above
//! and below. The wrapping and the scroll are the state's; this file only draws them.

use super::Theme;
use crate::state::{Focus, LogLine, Severity, State};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub(super) fn draw(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let window = state.log.window();
    let mut block = Block::bordered()
        .border_style(theme.border(state.focus == Focus::Log))
        .title(Span::styled(" Status log (UTC) ", theme.bold()));
    if window.above > 0 {
        block = block.title(Line::from(format!(" ↑{} more ", window.above)).right_aligned());
    }
    if window.below > 0 {
        block = block.title_bottom(
            Line::styled(format!(" ↓{} newer ", window.below), theme.warning()).right_aligned(),
        );
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let marks = state.log.view().marks;
    let lines: Vec<Line> = if state.log.entries.is_empty() {
        vec![Line::styled("nothing yet", theme.dim())]
    } else {
        window.lines.iter().map(|l| line(l, marks, theme)).collect()
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

fn line(l: &LogLine, marks: bool, theme: Theme) -> Line<'static> {
    let lead = if l.first {
        Span::styled(l.lead.clone(), theme.dim())
    } else {
        Span::raw(l.lead.clone())
    };
    Line::from(vec![
        lead,
        Span::raw(l.severity.gap(marks)),
        Span::styled(l.text.clone(), severity_style(l.severity, theme)),
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
