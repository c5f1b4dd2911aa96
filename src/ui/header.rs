//! The header line: profile, server, connection, trunk count, list age, read-only and loading.
//! Parts give way by importance when the line is narrow.

use super::{Theme, fit_spans};
use crate::display::short_age;
use crate::state::{Connection, State};
use crate::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

const SEPARATOR: &str = "  ";
/// The base URL is shortened before anything is dropped, but not below this.
const MIN_URL: usize = 16;
const MAX_PROFILE: usize = 24;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Profile,
    ReadOnly,
    Url,
    Connection,
    /// The auth header and create revision settled on for the server.
    Api,
    Count,
    Age,
    Loading,
}

struct Part {
    kind: Kind,
    spans: Vec<Span<'static>>,
}

impl Part {
    fn width(&self) -> usize {
        self.spans.iter().map(|s| text::width(&s.content)).sum()
    }
}

pub(super) fn draw(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let width = usize::from(area.width);
    let spans = fit_spans(line(state, theme, width), width);
    frame.render_widget(Line::from(spans), area);
}

fn line(state: &State, theme: Theme, width: usize) -> Vec<Span<'static>> {
    let url = text::sanitize(&state.profile.base_url).into_owned();
    let mut parts = parts(state, theme);
    // What goes first when the line is too narrow: the count, then the word "refreshed",
    // then what the server speaks, the server address, the age, and last the loading marker.
    let steps: [Option<Kind>; 7] = [
        None,
        Some(Kind::Count),
        None,
        Some(Kind::Api),
        Some(Kind::Url),
        Some(Kind::Age),
        Some(Kind::Loading),
    ];
    for (i, step) in steps.iter().enumerate() {
        if i == 2 {
            // Shorten the age instead of dropping it.
            let short = age_spans(state, theme, "");
            if let Some(p) = parts.iter_mut().find(|p| p.kind == Kind::Age) {
                p.spans = short;
            }
        }
        if let Some(kind) = step {
            parts.retain(|p| p.kind != *kind);
        }
        let fixed: usize = parts
            .iter()
            .filter(|p| p.kind != Kind::Url)
            .map(Part::width)
            .sum::<usize>()
            + SEPARATOR.len() * parts.len().saturating_sub(1);
        let has_url = parts.iter().any(|p| p.kind == Kind::Url);
        if !has_url && fixed <= width {
            return join(parts);
        }
        if has_url {
            let room = width.saturating_sub(fixed);
            let url_width = text::width(&url);
            if room >= url_width.min(MIN_URL) {
                if let Some(p) = parts.iter_mut().find(|p| p.kind == Kind::Url) {
                    p.spans = vec![Span::styled(
                        text::truncate(&url, room).into_owned(),
                        theme.dim(),
                    )];
                }
                return join(parts);
            }
        }
    }
    join(parts)
}

fn join(parts: Vec<Part>) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push(Span::raw(SEPARATOR));
        }
        out.extend(part.spans);
    }
    out
}

fn parts(state: &State, theme: Theme) -> Vec<Part> {
    let mut parts = vec![Part {
        kind: Kind::Profile,
        spans: vec![Span::styled(
            text::fit(&state.profile.name, MAX_PROFILE),
            theme.bold(),
        )],
    }];
    if state.profile.read_only {
        parts.push(Part {
            kind: Kind::ReadOnly,
            spans: vec![Span::styled(" RO ", theme.badge())],
        });
    }
    parts.push(Part {
        kind: Kind::Url,
        spans: vec![Span::styled(
            text::sanitize(&state.profile.base_url).into_owned(),
            theme.dim(),
        )],
    });
    parts.push(Part {
        kind: Kind::Connection,
        spans: vec![Span::styled(
            state.connection.label(),
            connection_style(&state.connection, theme),
        )],
    });
    if let Some(api) = &state.api {
        let mut label = api.short();
        if matches!(api.source, crate::api::Source::Fallback(_)) {
            // Guessed, not read from the server: the log says why.
            label.push('?');
        }
        parts.push(Part {
            kind: Kind::Api,
            spans: vec![Span::styled(label, theme.dim())],
        });
    }
    let t = &state.trunks;
    if t.loaded {
        let total = t.all.len();
        let count = if t.is_filtered() {
            format!("{} of {total}", t.view.len())
        } else if total == 1 {
            "1 trunk".to_string()
        } else {
            format!("{total} trunks")
        };
        parts.push(Part {
            kind: Kind::Count,
            spans: vec![Span::raw(count)],
        });
    }
    parts.push(Part {
        kind: Kind::Age,
        spans: age_spans(state, theme, "refreshed "),
    });
    if state.in_flight.list.is_some() {
        parts.push(Part {
            kind: Kind::Loading,
            spans: vec![Span::styled("⟳ loading", theme.warning())],
        });
    }
    parts
}

fn age_spans(state: &State, theme: Theme, prefix: &str) -> Vec<Span<'static>> {
    let mut spans = match state.list_age() {
        Some(age) => vec![Span::raw(format!("{prefix}{} ago", short_age(age)))],
        None => vec![Span::styled("never refreshed", theme.dim())],
    };
    if state.is_stale() {
        spans.push(Span::styled(" (stale)", theme.warning()));
    }
    spans
}

fn connection_style(c: &Connection, theme: Theme) -> Style {
    match c {
        Connection::Ok => theme.success(),
        Connection::Connecting => theme.warning(),
        Connection::Unreachable
        | Connection::AuthFailed
        | Connection::NotFound
        | Connection::Failing => theme.error(),
    }
}
