//! The trunk list pane: the visible slice of the sorted, filtered view as a table, its empty
//! states, and the filter line. Rows are built for the visible slice only.

use super::{Theme, fit_tail};
use crate::api::Trunk;
use crate::display::{self, UNKNOWN, numbers_summary};
use crate::state::{Connection, Focus, Overlay, State};
use crate::text;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, HighlightSpacing, Paragraph, Row, Table, TableState};

const HIGHLIGHT: &str = "›";
const HIGHLIGHT_WIDTH: u16 = 1;
const PROVIDER_WIDTH: u16 = 8;
const NUMBERS_WIDTH: u16 = 16;
/// "2024-01-15 (10mo)"
const CREATED_WITH_AGE: u16 = 17;
const CREATED_DATE: u16 = 10;
/// Below this the address column gives its room to the name.
const MIN_NAME_AND_ADDRESS: u16 = 24;

pub(super) fn draw(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let t = &state.trunks;
    let focused = state.focus == Focus::List;
    let arrow = if t.reverse { "↓" } else { "↑" };
    let mut block = Block::bordered()
        .border_style(theme.border(focused))
        .title(Line::from(vec![
            Span::styled(" Trunks ", theme.bold()),
            Span::raw(format!("· sorted by {} {arrow} ", t.sort.label())),
        ]));
    if !t.view.is_empty() {
        block = block.title_bottom(
            Line::from(format!(
                " {}/{} ",
                t.selected.min(t.view.len() - 1) + 1,
                t.view.len()
            ))
            .right_aligned(),
        );
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }

    let mut table_area = inner;
    if t.shows_filter_line() && inner.height >= 2 {
        table_area.height -= 1;
        let filter_area = Rect {
            y: inner.y + inner.height - 1,
            height: 1,
            ..inner
        };
        draw_filter(frame, filter_area, state, theme);
    }

    if t.view.is_empty() {
        draw_empty(frame, table_area, state, theme);
        return;
    }
    draw_table(frame, table_area, state, theme, focused);
}

fn draw_filter(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let t = &state.trunks;
    let width = usize::from(area.width);
    let hint = if t.filtering { "" } else { "  Esc clears" };
    let room = width.saturating_sub(1 + text::width(hint));
    let shown = fit_tail(&t.filter, room.saturating_sub(usize::from(t.filtering)));
    let style = if t.filtering {
        theme.key()
    } else {
        theme.bold()
    };
    let line = Line::from(vec![
        Span::styled("/", style),
        Span::raw(shown.clone()),
        Span::styled(hint, theme.dim()),
    ]);
    frame.render_widget(line, area);
    if t.filtering && state.overlay == Overlay::None {
        let x = area.x + u16::try_from(1 + text::width(&shown)).unwrap_or(area.width);
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
    }
}

fn draw_empty(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let t = &state.trunks;
    let width = usize::from(area.width);
    let (message, style) = if !t.loaded {
        match state.connection {
            Connection::Connecting | Connection::Ok => ("loading trunks…".to_string(), theme.dim()),
            _ => (
                "could not load trunks — see the status log; r retries".to_string(),
                theme.error(),
            ),
        }
    } else if t.is_filtered() {
        // The quoted filter is cut so the way out stays visible.
        let tail = "\" — Esc clears";
        let room = width.saturating_sub(text::width("no trunk matches \"") + text::width(tail));
        (
            format!(
                "no trunk matches \"{}{tail}",
                text::fit(t.filter.trim(), room.max(1))
            ),
            theme.warning(),
        )
    } else {
        (
            "no trunks yet — press n to create one".to_string(),
            theme.dim(),
        )
    };
    let line = Line::styled(text::truncate(&message, width).into_owned(), style);
    let target = Rect {
        y: area.y + area.height.saturating_sub(1) / 2,
        height: 1.min(area.height),
        ..area
    };
    frame.render_widget(Paragraph::new(line).alignment(Alignment::Center), target);
}

/// Column widths for the table's width: the name gets the most room, the created age and the
/// address give way first.
struct Columns {
    name: u16,
    address: Option<u16>,
    created: u16,
}

impl Columns {
    fn for_width(width: u16) -> Columns {
        // One column stays free before the right border.
        let avail = width.saturating_sub(HIGHLIGHT_WIDTH + 1);
        let created = if avail >= 96 {
            CREATED_WITH_AGE
        } else {
            CREATED_DATE
        };
        // Four gaps of one column between five columns.
        let rest = avail.saturating_sub(PROVIDER_WIDTH + NUMBERS_WIDTH + created + 4);
        if rest >= MIN_NAME_AND_ADDRESS {
            let address = rest * 45 / 100;
            Columns {
                name: rest - address,
                address: Some(address),
                created,
            }
        } else {
            Columns {
                name: rest + 1,
                address: None,
                created,
            }
        }
    }

    fn widths(&self) -> Vec<Constraint> {
        let mut w = vec![
            Constraint::Length(self.name),
            Constraint::Length(PROVIDER_WIDTH),
        ];
        if let Some(a) = self.address {
            w.push(Constraint::Length(a));
        }
        w.extend([
            Constraint::Length(NUMBERS_WIDTH),
            Constraint::Length(self.created),
        ]);
        w
    }
}

fn draw_table(frame: &mut Frame, area: Rect, state: &State, theme: Theme, focused: bool) {
    let t = &state.trunks;
    let cols = Columns::for_width(area.width);
    // The rows and the scroll are the state's (`State::fit`); drawing does not move them.
    let rows = state.panes.list.rows;
    let len = t.view.len();
    let selected = t.selected.min(len - 1);
    let offset = t.offset.min(selected);
    let end = (offset + rows).min(len);
    let with_age = cols.created == CREATED_WITH_AGE;

    let visible: Vec<&Trunk> = t.view[offset..end]
        .iter()
        .filter_map(|&i| t.all.get(i))
        .collect();
    let by_creator = t.by_creator;
    let body: Vec<Row> = visible
        .iter()
        .map(|trunk| row(trunk, &cols, with_age, by_creator, state, theme))
        .collect();

    let mut header = vec![Cell::from("NAME"), Cell::from("PROVIDER")];
    if cols.address.is_some() {
        header.push(Cell::from(if by_creator {
            "CREATED BY"
        } else {
            "ADDRESS"
        }));
    }
    header.extend([Cell::from("NUMBERS"), Cell::from("CREATED")]);

    let table = Table::new(body, cols.widths())
        .header(Row::new(header).style(theme.bold()))
        .column_spacing(1)
        .row_highlight_style(theme.selected(focused))
        .highlight_symbol(HIGHLIGHT)
        .highlight_spacing(HighlightSpacing::Always);
    let mut table_state = TableState::default().with_selected(Some(selected - offset));
    frame.render_stateful_widget(table, area, &mut table_state);
}

fn row(
    trunk: &Trunk,
    cols: &Columns,
    with_age: bool,
    by_creator: bool,
    state: &State,
    theme: Theme,
) -> Row<'static> {
    let cell = |value: Option<&str>, width: u16| -> Cell<'static> {
        match value {
            Some(v) => Cell::from(text::fit(v, usize::from(width))),
            None => unknown(theme),
        }
    };
    let mut cells = vec![
        cell(trunk.trunk_name.as_deref(), cols.name),
        cell(trunk.trunk_type.as_deref(), PROVIDER_WIDTH),
    ];
    if let Some(w) = cols.address {
        let value = if by_creator {
            &trunk.trunk_created_by_email
        } else {
            &trunk.trunk_address
        };
        cells.push(cell(value.as_deref(), w));
    }
    cells.push(match trunk.trunk_numbers.as_deref() {
        Some(n) => Cell::from(numbers_cell(n, usize::from(NUMBERS_WIDTH))),
        None => unknown(theme),
    });
    cells.push(match trunk.trunk_created_at.as_deref() {
        Some(c) => Cell::from(text::fit(
            &display::created(c, state.clock.wall, with_age),
            usize::from(cols.created),
        )),
        None => unknown(theme),
    });
    Row::new(cells)
}

fn unknown(theme: Theme) -> Cell<'static> {
    Cell::from(Span::styled(UNKNOWN, theme.dim()))
}

/// "+15550100000 +2", cutting the first number rather than the count when narrow.
fn numbers_cell(numbers: &[String], width: usize) -> String {
    let summary = text::sanitize(&numbers_summary(Some(numbers))).into_owned();
    if text::width(&summary) <= width {
        return summary;
    }
    match numbers {
        [first, rest @ ..] if !rest.is_empty() => {
            let more = format!(" +{}", rest.len());
            let room = width.saturating_sub(more.len());
            format!("{}{more}", text::fit(first, room))
        }
        _ => text::truncate(&summary, width).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_count_when_cut() {
        let n = vec![
            "+15550100000".to_string(),
            "+15550100001".into(),
            "+1".into(),
        ];
        assert_eq!(numbers_cell(&n, 16), "+15550100000 +2");
        assert_eq!(numbers_cell(&n, 10), "+15550… +2");
    }

    #[test]
    fn the_name_gets_the_most_room() {
        let c = Columns::for_width(76);
        assert!(c.address.is_some());
        assert!(c.name > c.address.unwrap_or(0));
        assert_eq!(c.created, CREATED_DATE);
        let wide = Columns::for_width(116);
        assert_eq!(wide.created, CREATED_WITH_AGE);
        assert!(Columns::for_width(56).address.is_none());
    }
}
