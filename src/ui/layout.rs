//! Where each pane goes for a terminal size. Pure, so `update` can page by the same rows the
//! list shows.

use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the dashboard says "terminal too small" instead of drawing a broken screen.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// Inside the accent frame.
    pub inner: Rect,
    pub header: Rect,
    /// The list pane including its border and column header.
    pub list: Rect,
    /// The status log pane including its border.
    pub log: Rect,
    pub footer: Rect,
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

pub fn areas(area: Rect) -> Areas {
    // The outer frame is one cell wide on every side.
    let inner = Rect {
        x: area.x.saturating_add(1),
        y: area.y.saturating_add(1),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    let body = inner.height.saturating_sub(2);
    // The log takes a third, at least 5 lines of text (7 with its border).
    let log_height = (body / 3).max(7).min(body.saturating_sub(5));
    let [header, list, log, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(log_height),
        Constraint::Length(1),
    ])
    .areas(inner);
    Areas {
        inner,
        header,
        list,
        log,
        footer,
    }
}

/// Data rows the list shows: its height minus the border and the column header.
pub fn list_rows(size: (u16, u16)) -> usize {
    let a = areas(Rect::new(0, 0, size.0, size.1));
    usize::from(a.list.height.saturating_sub(3))
}

/// Text lines the log shows inside its border.
pub fn log_rows(size: (u16, u16)) -> usize {
    let a = areas(Rect::new(0, 0, size.0, size.1));
    usize::from(a.log.height.saturating_sub(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_sizes_fit() {
        assert_eq!((list_rows((80, 24)), log_rows((80, 24))), (10, 5));
        assert!(list_rows((120, 40)) >= 20);
    }
}
