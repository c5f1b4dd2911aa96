//! The dashboard's core driven as a user drives it: real key events and API answers fed
//! through `update`, then the screen drawn into a TestBackend and read back. These tests
//! check that what `update` does and what the screen shows agree: the log's scrolling and
//! markers, paging by the pane's own height, clamping on resize, and the filter line.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;
use trunktui::api::{ApiError, Trunk, TrunkList};
use trunktui::event::{ApiEvent, Command, Event};
use trunktui::state::{Clock, Profile, State};
use trunktui::ui;
use trunktui::update::{start, update};

fn profile() -> Profile {
    Profile {
        name: "local".into(),
        base_url: "http://127.0.0.1:8000".into(),
        read_only: false,
        accent: None,
        refresh_secs: 30,
    }
}

fn trunk(i: usize) -> Trunk {
    Trunk {
        trunk_id: format!("ST_{i:02}"),
        trunk_name: Some(format!("T{i:02}")),
        trunk_address: Some("example.pstn.twilio.com".into()),
        trunk_numbers: Some(vec!["+15550100000".into()]),
        trunk_type: Some("twilio".into()),
        trunk_created_at: Some("2026-01-15T10:00:00.000000".into()),
        trunk_created_by_email: None,
    }
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Event {
    key(KeyCode::Char(c))
}

fn press(state: &mut State, code: KeyCode) {
    update(state, key(code));
}

fn list_id(cmds: &[Command]) -> u64 {
    cmds.iter()
        .find_map(|c| match c {
            Command::List { id } => Some(*id),
            _ => None,
        })
        .expect("a list request")
}

fn listed(id: u64, result: Result<TrunkList, ApiError>) -> Event {
    Event::Api(ApiEvent::Listed {
        id,
        elapsed: Duration::from_millis(5),
        result,
    })
}

/// A dashboard at `size` that started and got `n` trunks for its first list.
fn dashboard(size: (u16, u16), n: usize) -> State {
    let mut state = State::new(profile(), Clock::now());
    update(&mut state, Event::Resize(size.0, size.1));
    let id = list_id(&start(&mut state));
    let trunks = (0..n).map(trunk).collect();
    update(&mut state, listed(id, Ok(TrunkList { trunks, skipped: 0 })));
    state
}

/// A refresh (the `r` key) and its answer: one more line in the status log.
fn refresh(state: &mut State, result: Result<TrunkList, ApiError>) {
    let id = list_id(&update(state, ch('r')));
    update(state, listed(id, result));
}

/// A refused connection: its log line is long enough to wrap over two or three lines.
fn refused(i: usize) -> Result<TrunkList, ApiError> {
    Err(ApiError::Connect {
        url: "http://127.0.0.1:8000/sip/list".into(),
        reason: format!("connection refused (attempt {i}, os error 111)"),
    })
}

fn some_trunks(n: usize) -> Result<TrunkList, ApiError> {
    Ok(TrunkList {
        trunks: (0..n).map(trunk).collect(),
        skipped: 0,
    })
}

fn rows_of(state: &State) -> Vec<String> {
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::draw(f, state)).unwrap();
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

/// The log pane as drawn: its top border, its text lines and its bottom border.
struct LogPane {
    top: String,
    lines: Vec<String>,
    bottom: String,
}

fn log_pane(state: &State) -> LogPane {
    let rows = rows_of(state);
    let top = rows
        .iter()
        .position(|r| r.contains("Status log (UTC)"))
        .expect("the log pane is drawn");
    let bottom = top
        + 1
        + rows[top + 1..]
            .iter()
            .position(|r| r.contains('└'))
            .expect("the log pane's bottom border");
    // Each text line sits between the outer frame and the pane's border: two cells each side.
    let inside = |r: &String| {
        let cells: Vec<char> = r.chars().collect();
        let text: String = cells[2..cells.len() - 2].iter().collect();
        text.trim_end().to_string()
    };
    LogPane {
        top: rows[top].clone(),
        lines: rows[top + 1..bottom].iter().map(inside).collect(),
        bottom: rows[bottom].clone(),
    }
}

/// Every line of the log as the pane draws it at this width: the same state on a terminal
/// tall enough to show it all, at the newest end.
fn all_lines(state: &State) -> Vec<String> {
    let mut tall = state.clone();
    update(&mut tall, Event::Resize(state.size.0, 200));
    press(&mut tall, KeyCode::End);
    let pane = log_pane(&tall);
    assert!(
        !pane.top.contains('↑') && !pane.bottom.contains('↓'),
        "the tall pane shows everything: {}\n{}",
        pane.top,
        pane.bottom
    );
    let mut lines = pane.lines;
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

/// Where the drawn window sits in the whole log, as (lines above, lines below), after checking
/// that the window is a run of the log's lines.
fn position(state: &State) -> (usize, usize) {
    let all = all_lines(state);
    let shown = shown_lines(&log_pane(state));
    let at: Vec<usize> = (0..=all.len().saturating_sub(shown.len()))
        .filter(|&i| all[i..i + shown.len()] == shown[..])
        .collect();
    let [above] = at[..] else {
        panic!("the pane's lines are found at {at:?} in the log: {shown:#?}\n{all:#?}");
    };
    (above, all.len() - above - shown.len())
}

fn shown_lines(pane: &LogPane) -> Vec<String> {
    let mut shown = pane.lines.clone();
    while shown.last().is_some_and(|l| l.is_empty()) {
        shown.pop();
    }
    shown
}

/// `position`, after checking that the markers count exactly the lines above and below.
fn window(state: &State) -> (usize, usize) {
    let (above, below) = position(state);
    let pane = log_pane(state);
    let context = format!(
        "window at line {above}, {below} below:\n{}\n{}\n{}",
        pane.top,
        shown_lines(&pane).join("\n"),
        pane.bottom
    );
    let more = (above > 0).then(|| format!("↑{above} more"));
    let newer = (below > 0).then(|| format!("↓{below} newer"));
    assert_eq!(marker(&pane.top, '↑'), more, "top marker; {context}");
    assert_eq!(marker(&pane.bottom, '↓'), newer, "bottom marker; {context}");
    (above, below)
}

/// "↑3 more" or "↓2 newer" from a border line, if it has one.
fn marker(border: &str, arrow: char) -> Option<String> {
    let start = border.find(arrow)?;
    let rest = &border[start..];
    let end = rest.find(" ┐").or_else(|| rest.find(" ┘"))?;
    Some(rest[..end].to_string())
}

/// A dashboard at 80x24 (a 5-line log pane) whose log holds entries of one, two and three
/// drawn lines, with the focus on the log.
fn wrapped_log() -> State {
    let mut state = dashboard((80, 24), 3);
    for i in 0..6 {
        refresh(&mut state, refused(i));
        refresh(&mut state, some_trunks(i + 1));
    }
    press(&mut state, KeyCode::Tab);
    state
}

#[test]
fn after_g_in_the_log_each_j_moves_one_drawn_line() {
    let mut state = wrapped_log();
    let total = all_lines(&state).len();
    assert!(total > 15, "entries wrap: {total} lines");
    update(&mut state, ch('g'));
    assert_eq!(position(&state).0, 0, "g shows the oldest line first");
    for step in 1..=3 {
        let before = log_pane(&state).lines;
        update(&mut state, ch('j'));
        assert_ne!(
            log_pane(&state).lines,
            before,
            "j number {step} after g changed nothing"
        );
        assert_eq!(position(&state).0, step, "after g and {step} j");
    }
    window(&state);
}

#[test]
fn page_keys_in_the_log_move_by_the_log_panes_height() {
    let mut state = dashboard((80, 24), 3);
    for i in 0..20 {
        refresh(&mut state, some_trunks(i + 1));
    }
    press(&mut state, KeyCode::Tab);
    let rows = log_pane(&state).lines.len();
    assert_eq!(rows, 5, "an 80x24 screen has a 5-line log");
    press(&mut state, KeyCode::PageUp);
    assert_eq!(position(&state).1, rows, "PgUp scrolls one log page");
    press(&mut state, KeyCode::PageUp);
    assert_eq!(position(&state).1, 2 * rows);
    press(&mut state, KeyCode::PageDown);
    assert_eq!(position(&state).1, rows, "PgDn scrolls one log page back");
    window(&state);
    press(&mut state, KeyCode::PageDown);
    assert_eq!(window(&state).1, 0);
}

#[test]
fn the_logs_markers_count_the_lines_drawn() {
    let mut state = wrapped_log();
    assert_eq!(window(&state).1, 0, "the log follows the newest line");
    let mut expect_below = 0;
    for _ in 0..4 {
        update(&mut state, ch('k'));
        expect_below += 1;
        assert_eq!(window(&state).1, expect_below, "k scrolls up one line");
    }
    press(&mut state, KeyCode::PageUp);
    assert_eq!(window(&state).1, expect_below + 5);
    // New lines while scrolled up: the reader keeps their place, the marker grows.
    let (above, below) = window(&state);
    refresh(&mut state, refused(99));
    let (above_after, below_after) = window(&state);
    assert_eq!(above_after, above, "the window stays on the same lines");
    assert!(below_after > below, "{below_after} > {below}");
    update(&mut state, ch('G'));
    assert_eq!(window(&state).1, 0);
}

#[test]
fn the_log_keeps_its_place_and_its_markers_right_across_resizes() {
    let mut state = wrapped_log();
    update(&mut state, ch('g'));
    for size in [(120, 40), (60, 16), (80, 24), (200, 50)] {
        update(&mut state, Event::Resize(size.0, size.1));
        assert_eq!(window(&state).0, 0, "still at the oldest line at {size:?}");
    }
    update(&mut state, ch('G'));
    for size in [(60, 16), (120, 40), (80, 24)] {
        update(&mut state, Event::Resize(size.0, size.1));
        assert_eq!(window(&state).1, 0, "still at the newest line at {size:?}");
    }
    // Scrolled part way: wider lines mean fewer of them, and the window stays in the log.
    for _ in 0..6 {
        update(&mut state, ch('k'));
    }
    for size in [(200, 50), (60, 16), (80, 24)] {
        update(&mut state, Event::Resize(size.0, size.1));
        window(&state);
    }
}

/// The list's data rows as drawn: the rows between its column header and its bottom border.
fn list_rows_drawn(state: &State) -> Vec<String> {
    let rows = rows_of(state);
    let header = rows
        .iter()
        .position(|r| r.contains("NAME") && r.contains("PROVIDER"))
        .expect("the list's column header");
    let end = header
        + 1
        + rows[header + 1..]
            .iter()
            .position(|r| r.contains('└'))
            .expect("the list's bottom border");
    rows[header + 1..end].to_vec()
}

#[test]
fn the_list_clamps_its_scroll_on_resize() {
    let mut state = dashboard((80, 24), 50);
    update(&mut state, ch('G'));
    let drawn = list_rows_drawn(&state);
    assert!(drawn.last().unwrap().contains("T49"), "{drawn:#?}");
    // Taller: the rows above come into view instead of blank rows below the last trunk.
    update(&mut state, Event::Resize(120, 40));
    let drawn = list_rows_drawn(&state);
    assert!(drawn.len() > 15, "{}", drawn.len());
    assert!(drawn.last().unwrap().contains("T49"), "{drawn:#?}");
    assert!(
        drawn.iter().all(|r| r.contains("twilio")),
        "every row holds a trunk: {drawn:#?}"
    );
    let first = 50 - drawn.len();
    assert!(drawn[0].contains(&format!("T{first:02}")), "{drawn:#?}");
    // Shorter again: the selection stays in sight.
    update(&mut state, Event::Resize(60, 16));
    update(&mut state, Event::Resize(80, 24));
    let drawn = list_rows_drawn(&state);
    assert!(drawn.last().unwrap().contains("T49"), "{drawn:#?}");
    assert!(drawn.iter().all(|r| r.contains("twilio")), "{drawn:#?}");
}

#[test]
fn a_filter_of_only_spaces_is_cleared_by_esc() {
    let mut state = dashboard((80, 24), 3);
    update(&mut state, ch('/'));
    for _ in 0..3 {
        update(&mut state, ch(' '));
    }
    press(&mut state, KeyCode::Enter);
    press(&mut state, KeyCode::Esc);
    let screen = rows_of(&state).join("\n");
    assert!(!screen.contains("Esc clears"), "{screen}");
    assert_eq!(state.trunks.filter, "", "the filter is gone");
    assert_eq!(state.trunks.view.len(), 3);
}
