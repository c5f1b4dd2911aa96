//! The status log: one line per request and answer, newest last, bounded in memory.

use std::collections::VecDeque;

/// Lines kept in memory; the log file keeps everything.
pub const MAX_ENTRIES: usize = 2000;

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

#[derive(Debug, Clone, Default)]
pub struct LogState {
    pub entries: VecDeque<LogEntry>,
    next_seq: u64,
    /// Lines scrolled up from the newest; 0 follows new lines as they come.
    pub scroll: usize,
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
        }
        self.entries.push_back(LogEntry {
            seq: self.next_seq,
            time,
            stamp,
            severity,
            text,
        });
        self.next_seq += 1;
        // A reader who scrolled up keeps their place as lines arrive.
        if self.scroll > 0 {
            self.scroll += 1;
        }
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

    /// Scrolls, stopping at the oldest entry. Entries wrap to several lines, so the pane
    /// decides how many fit; it shows the oldest at the top once scrolled that far.
    pub fn scroll_by(&mut self, delta: isize) {
        let max = self.entries.len().saturating_sub(1);
        self.scroll = self.scroll.saturating_add_signed(delta).min(max);
    }

    pub fn last(&self) -> Option<&LogEntry> {
        self.entries.back()
    }
}
