//! The status log: one line per request and answer, newest last, bounded in memory. It
//! scrolls in the lines the pane draws (entries wrapped to the pane's width), so a key moves
//! one drawn line and the markers count drawn lines; `window` is what the pane draws.

use super::geometry::Viewport;
use crate::text;
use std::collections::VecDeque;

/// Lines kept in memory; the log file keeps everything.
pub const MAX_ENTRIES: usize = 2000;

/// Columns the time of day takes at the start of an entry's first line.
pub const TIME_WIDTH: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Success,
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Success => "ok",
            Severity::Warning => "warn",
            Severity::Error => "error",
        }
    }

    /// What separates the time from the text: without colour a mark tells the severities
    /// apart.
    pub fn gap(self, marks: bool) -> &'static str {
        if !marks {
            return "  ";
        }
        match self {
            Severity::Error => " ✗ ",
            Severity::Warning => " ! ",
            Severity::Success => " ✓ ",
            Severity::Info => "   ",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub seq: u64,
    /// Wall-clock time of day, UTC, "HH:MM:SS", as the pane shows it.
    pub time: String,
    /// The full date and time, for the log file, which outlives the session.
    pub stamp: String,
    pub severity: Severity,
    /// Already free of secrets; may hold server text, which is sanitized when drawn.
    pub text: String,
}

/// How entries are laid out in the pane: its size, and whether severity marks take room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LogView {
    pub viewport: Viewport,
    pub marks: bool,
}

/// One drawn line of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub severity: Severity,
    /// The time of day on an entry's first line, blanks as wide on the lines it wraps onto.
    pub lead: String,
    pub first: bool,
    /// Sanitized text, at most the pane's width less the time and the gap.
    pub text: String,
}

/// What the pane shows now: its lines, top first, and how many lines are above and below.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogWindow {
    pub lines: Vec<LogLine>,
    pub above: usize,
    pub below: usize,
}

#[derive(Debug, Clone, Default)]
pub struct LogState {
    pub entries: VecDeque<LogEntry>,
    next_seq: u64,
    view: LogView,
    /// Drawn lines of each entry at `view`, beside `entries`.
    heights: VecDeque<usize>,
    /// The sum of `heights`.
    total: usize,
    /// Drawn lines hidden below the pane; 0 follows new lines as they come.
    scroll: usize,
}

impl LogState {
    /// A line at this wall-clock time (UTC).
    pub fn push_at(&mut self, wall: time::OffsetDateTime, severity: Severity, text: String) {
        let time = format!(
            "{:02}:{:02}:{:02}",
            wall.hour(),
            wall.minute(),
            wall.second()
        );
        let stamp = format!("{} {time}Z", wall.date());
        self.push_stamped(time, stamp, severity, text);
    }

    /// A line with a time of day only (tests, and where the date does not matter).
    pub fn push(&mut self, time: String, severity: Severity, text: String) {
        let stamp = time.clone();
        self.push_stamped(time, stamp, severity, text);
    }

    fn push_stamped(&mut self, time: String, stamp: String, severity: Severity, text: String) {
        if self.entries.len() == MAX_ENTRIES {
            self.entries.pop_front();
            let gone = self.heights.pop_front().unwrap_or(0);
            self.total -= gone;
        }
        let entry = LogEntry {
            seq: self.next_seq,
            time,
            stamp,
            severity,
            text,
        };
        let height = entry_height(&entry, self.view);
        self.entries.push_back(entry);
        self.heights.push_back(height);
        self.total += height;
        self.next_seq += 1;
        // A reader who scrolled up keeps their place as lines arrive.
        if self.scroll > 0 {
            self.scroll += height;
        }
        self.scroll = self.scroll.min(self.max_scroll());
    }

    /// Entries with `seq >= from`, for appending to the log file; read from the newest end,
    /// so an event costs the new lines, not the whole log.
    pub fn since(&self, from: u64) -> impl Iterator<Item = &LogEntry> {
        let new = self
            .entries
            .iter()
            .rev()
            .take_while(|e| e.seq >= from)
            .count();
        self.entries.range(self.entries.len() - new..)
    }

    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    pub fn last(&self) -> Option<&LogEntry> {
        self.entries.back()
    }

    pub fn view(&self) -> LogView {
        self.view
    }

    /// Drawn lines hidden below the pane.
    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// Every entry's drawn lines at the current view.
    pub fn total_lines(&self) -> usize {
        self.total
    }

    /// Lays the entries out for a new pane size. A reader scrolled up keeps the line at the
    /// top of the pane there (the oldest stays the oldest); one at the bottom keeps following
    /// the newest. The scroll stays inside the log.
    pub fn fit(&mut self, view: LogView) {
        if view == self.view {
            return;
        }
        let anchor = self.top_line();
        self.view = view;
        self.heights = self.entries.iter().map(|e| entry_height(e, view)).collect();
        self.total = self.heights.iter().sum();
        self.scroll = match anchor {
            Some((index, line)) => {
                let before: usize = self.heights.iter().take(index).sum();
                let line = line.min(self.heights[index].saturating_sub(1));
                self.total
                    .saturating_sub(before + line + view.viewport.rows)
            }
            None => 0,
        };
        self.scroll = self.scroll.min(self.max_scroll());
    }

    /// The entry holding the pane's top line and the line's place in it; None when
    /// following the newest line.
    fn top_line(&self) -> Option<(usize, usize)> {
        if self.scroll == 0 {
            return None;
        }
        let target = self.window_start();
        let mut top = 0;
        for (index, &h) in self.heights.iter().enumerate() {
            if target < top + h {
                return Some((index, target - top));
            }
            top += h;
        }
        None
    }

    /// The first drawn line in sight.
    fn window_start(&self) -> usize {
        (self.total - self.scroll).saturating_sub(self.view.viewport.rows)
    }

    /// How far up the pane can scroll: until the oldest line is at its top.
    pub fn max_scroll(&self) -> usize {
        self.total.saturating_sub(self.view.viewport.rows)
    }

    /// Scrolls `delta` drawn lines up (towards the oldest) or down, stopping at the ends.
    pub fn scroll_by(&mut self, delta: isize) {
        self.scroll = self
            .scroll
            .saturating_add_signed(delta)
            .min(self.max_scroll());
    }

    pub fn scroll_to_oldest(&mut self) {
        self.scroll = self.max_scroll();
    }

    pub fn scroll_to_newest(&mut self) {
        self.scroll = 0;
    }

    /// The lines the pane shows, wrapping only the entries in sight.
    pub fn window(&self) -> LogWindow {
        let end = self.total - self.scroll;
        let start = self.window_start();
        let mut shown: Vec<Vec<LogLine>> = Vec::new();
        let mut bottom = self.total;
        for (entry, &h) in self.entries.iter().zip(&self.heights).rev() {
            if bottom <= start {
                break;
            }
            let top = bottom - h;
            if top < end {
                let skip = start.saturating_sub(top);
                let take = end.min(bottom) - top.max(start);
                shown.push(
                    entry_lines(entry, self.view)
                        .into_iter()
                        .skip(skip)
                        .take(take)
                        .collect(),
                );
            }
            bottom = top;
        }
        LogWindow {
            lines: shown.into_iter().rev().flatten().collect(),
            above: start,
            below: self.scroll,
        }
    }
}

/// An entry's drawn lines: the time and the gap, then the text wrapped to what is left of the
/// width, continuation lines indented under the text.
pub fn entry_lines(entry: &LogEntry, view: LogView) -> Vec<LogLine> {
    let time = text::fit(&entry.time, TIME_WIDTH);
    let indent = text::width(&time) + text::width(entry.severity.gap(view.marks));
    let body = text::sanitize(&entry.text);
    text::wrap(&body, view.viewport.width.saturating_sub(indent))
        .into_iter()
        .enumerate()
        .map(|(i, part)| LogLine {
            severity: entry.severity,
            lead: if i == 0 {
                time.clone()
            } else {
                " ".repeat(text::width(&time))
            },
            first: i == 0,
            text: part,
        })
        .collect()
}

fn entry_height(entry: &LogEntry, view: LogView) -> usize {
    entry_lines(entry, view).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(rows: usize, width: usize) -> LogView {
        LogView {
            viewport: Viewport { rows, width },
            marks: false,
        }
    }

    /// A log of `n` entries, each `words` words of four letters plus a space.
    fn log(n: usize, words: usize, v: LogView) -> LogState {
        let mut log = LogState::default();
        log.fit(v);
        for i in 0..n {
            log.push(
                format!("00:00:{i:02}"),
                Severity::Info,
                "word ".repeat(words),
            );
        }
        log
    }

    fn texts(w: &LogWindow) -> Vec<String> {
        w.lines.iter().map(|l| l.text.clone()).collect()
    }

    #[test]
    fn entries_wrap_to_the_width_less_the_time_and_gap() {
        // 20 columns: 8 for the time, 2 for the gap, 10 for text: two words a line.
        let log = log(1, 5, view(5, 20));
        assert_eq!(log.total_lines(), 3);
        let w = log.window();
        assert_eq!(texts(&w), ["word word", "word word", "word"]);
        assert_eq!(
            (w.lines[0].lead.as_str(), w.lines[0].first),
            ("00:00:00", true)
        );
        assert_eq!(
            (w.lines[1].lead.as_str(), w.lines[1].first),
            ("        ", false)
        );
        // With marks the gap takes one more column: one word a line here.
        let mut marked = log.clone();
        marked.fit(LogView {
            marks: true,
            ..view(5, 19)
        });
        assert_eq!(marked.total_lines(), 5);
    }

    #[test]
    fn scrolling_moves_drawn_lines_and_stops_at_the_ends() {
        let mut log = log(4, 5, view(5, 20));
        assert_eq!(log.total_lines(), 12);
        assert_eq!((log.window().above, log.window().below), (7, 0));
        log.scroll_by(1);
        assert_eq!((log.window().above, log.window().below), (6, 1));
        assert_eq!(log.window().lines.len(), 5);
        log.scroll_to_oldest();
        assert_eq!(log.scroll(), 7);
        log.scroll_by(1);
        assert_eq!(log.scroll(), 7, "no further than the oldest line");
        assert_eq!(log.window().lines[0].lead, "00:00:00");
        log.scroll_by(-100);
        assert_eq!(log.scroll(), 0);
    }

    #[test]
    fn new_lines_keep_a_scrolled_reader_in_place() {
        let mut log = log(4, 5, view(5, 20));
        log.scroll_by(2);
        let before = log.window();
        log.push("00:01:00".into(), Severity::Error, "word ".repeat(3));
        let after = log.window();
        assert_eq!(after.lines, before.lines);
        assert_eq!(after.below, before.below + 2);
        // At the bottom the newest line shows.
        log.scroll_to_newest();
        log.push("00:01:01".into(), Severity::Error, "last".into());
        assert_eq!(
            texts(&log.window()).last().map(String::as_str),
            Some("last")
        );
    }

    #[test]
    fn a_short_log_fills_from_the_top_and_does_not_scroll() {
        let mut log = log(2, 1, view(5, 20));
        log.scroll_by(3);
        assert_eq!(log.scroll(), 0);
        let w = log.window();
        assert_eq!((w.lines.len(), w.above, w.below), (2, 0, 0));
    }

    #[test]
    fn resizing_keeps_the_bottom_line_and_clamps() {
        let mut log = log(10, 5, view(5, 20));
        log.scroll_by(4);
        // The top line is the first of entry 7.
        assert_eq!(log.window().lines[0].lead, "00:00:07");
        log.fit(view(5, 24));
        assert_eq!(log.window().lines[0].lead, "00:00:07");
        log.fit(view(4, 14));
        assert_eq!(log.window().lines[0].lead, "00:00:07");
        // Wide enough for every entry on one line: fewer lines, the scroll stays inside.
        log.fit(view(5, 200));
        assert_eq!(log.total_lines(), 10);
        assert!(log.scroll() <= log.max_scroll());
        assert_eq!(log.window().lines.len(), 5);
        log.scroll_to_oldest();
        log.fit(view(3, 20));
        assert_eq!(log.window().above, 0, "the oldest stays at the top");
        log.scroll_to_newest();
        log.fit(view(5, 30));
        assert_eq!(log.scroll(), 0, "the newest stays in sight");
    }

    #[test]
    fn the_oldest_entries_go_beyond_the_limit() {
        let mut log = log(MAX_ENTRIES, 1, view(5, 20));
        log.scroll_to_oldest();
        log.push("01:00:00".into(), Severity::Info, "new".into());
        assert_eq!(log.entries.len(), MAX_ENTRIES);
        assert_eq!(log.total_lines(), MAX_ENTRIES);
        assert_eq!(log.entries[0].seq, 1);
        assert!(log.scroll() <= log.max_scroll());
    }

    #[test]
    fn a_pane_of_no_rows_shows_nothing() {
        let log = log(3, 1, view(0, 20));
        let w = log.window();
        assert!(w.lines.is_empty());
        assert_eq!(w.above, 3);
    }
}
