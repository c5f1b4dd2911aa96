//! Where each pane goes for a terminal size and how much of it shows: the one computation
//! that `update` scrolls and pages by and that `ui` draws with. Pure and free of ratatui, so
//! the state machine needs no drawing code to know a pane's size.

/// Below this the dashboard says "terminal too small" instead of drawing a broken screen.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// The log's share of the body: a third, but at least this tall with its border...
const MIN_LOG_HEIGHT: u16 = 7;
/// ...as long as the list keeps this much.
const MIN_LIST_HEIGHT: u16 = 5;

/// A rectangle of cells, as plain data; `ui` turns it into ratatui's `Rect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Area {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

/// Every part of the screen for a terminal size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    /// Inside the accent frame.
    pub inner: Area,
    pub header: Area,
    /// The list pane including its border and column header.
    pub list: Area,
    /// The status log pane including its border.
    pub log: Area,
    pub footer: Area,
}

/// What a pane shows of its content: text rows and columns inside its border.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Viewport {
    pub rows: usize,
    pub width: usize,
}

/// The visible size of each scrolling pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Panes {
    /// Data rows of the table (the column header and the filter line take theirs).
    pub list: Viewport,
    /// Text lines of the status log.
    pub log: Viewport,
}

pub fn too_small(size: (u16, u16)) -> bool {
    size.0 < MIN_WIDTH || size.1 < MIN_HEIGHT
}

pub fn screen(size: (u16, u16)) -> Screen {
    // The outer frame is one cell wide on every side.
    let inner = Area {
        x: 1,
        y: 1,
        width: size.0.saturating_sub(2),
        height: size.1.saturating_sub(2),
    };
    // A header line on top and the footer line at the bottom; the list and the log share
    // the rest.
    let header_height = inner.height.min(1);
    let footer_height = inner.height.saturating_sub(header_height).min(1);
    let body = inner.height - header_height - footer_height;
    let log_height = (body / 3)
        .max(MIN_LOG_HEIGHT)
        .min(body.saturating_sub(MIN_LIST_HEIGHT));
    let list_height = body - log_height;
    let row = |y: u16, height: u16| Area {
        x: inner.x,
        y,
        width: inner.width,
        height,
    };
    let header = row(inner.y, header_height);
    let list = row(header.y + header_height, list_height);
    let log = row(list.y + list_height, log_height);
    let footer = row(log.y + log_height, footer_height);
    Screen {
        inner,
        header,
        list,
        log,
        footer,
    }
}

/// The panes' visible sizes; `filter_line` is whether the list shows its filter line.
pub fn panes(size: (u16, u16), filter_line: bool) -> Panes {
    let s = screen(size);
    let inside = |a: Area| Viewport {
        rows: usize::from(a.height.saturating_sub(2)),
        width: usize::from(a.width.saturating_sub(2)),
    };
    let list = inside(s.list);
    let log = inside(s.log);
    Panes {
        list: Viewport {
            // At least one row, so paging and scrolling always move.
            rows: list
                .rows
                .saturating_sub(1 + usize::from(filter_line))
                .max(1),
            ..list
        },
        log,
    }
}

/// Data rows the list shows without a filter line.
pub fn list_rows(size: (u16, u16)) -> usize {
    panes(size, false).list.rows
}

/// Text lines the log shows inside its border.
pub fn log_rows(size: (u16, u16)) -> usize {
    panes(size, false).log.rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_sizes_fit() {
        assert_eq!((list_rows((80, 24)), log_rows((80, 24))), (10, 5));
        assert_eq!((list_rows((120, 40)), log_rows((120, 40))), (21, 10));
        assert_eq!(panes((80, 24), true).list.rows, 9);
        assert_eq!(panes((80, 24), false).log.width, 76);
        assert_eq!(panes((80, 24), false).list.width, 76);
    }

    #[test]
    fn the_parts_stack_without_gaps_at_every_size() {
        for w in 0..=130 {
            for h in 0..=60 {
                let s = screen((w, h));
                let parts = [s.header, s.list, s.log, s.footer];
                let mut y = s.inner.y;
                for p in parts {
                    assert_eq!(p.y, y, "{w}x{h}: {s:?}");
                    assert_eq!(p.width, s.inner.width);
                    y += p.height;
                }
                assert_eq!(y, s.inner.y + s.inner.height, "{w}x{h}: {s:?}");
                if !too_small((w, h)) {
                    assert_eq!(s.header.height, 1);
                    assert_eq!(s.footer.height, 1);
                    assert!(s.log.height >= MIN_LOG_HEIGHT, "{w}x{h}: {s:?}");
                    assert!(s.list.height >= MIN_LIST_HEIGHT, "{w}x{h}: {s:?}");
                }
            }
        }
    }

    #[test]
    fn the_log_takes_a_third_when_there_is_room() {
        let s = screen((120, 64));
        assert_eq!(s.log.height, 20);
        assert_eq!(s.list.height, 40);
    }

    #[test]
    fn too_small_is_below_either_minimum() {
        assert!(!too_small((MIN_WIDTH, MIN_HEIGHT)));
        assert!(too_small((MIN_WIDTH - 1, MIN_HEIGHT)));
        assert!(too_small((MIN_WIDTH, MIN_HEIGHT - 1)));
    }
}
