//! How values read, on screen and in the CLI: dates, ages and number summaries, in one place
//! so the panes and `trunktui list` say the same thing the same way. Plain text only: server
//! strings in what these return are sanitized by the caller, which also sizes them.

use std::time::Duration;
use time::OffsetDateTime;

/// A value the server did not send.
pub const UNKNOWN: &str = "?";

/// The first number and how many more: "+15550100000 +2"; "-" for none, "?" when not sent.
pub fn numbers_summary(numbers: Option<&[String]>) -> String {
    match numbers {
        None => UNKNOWN.to_string(),
        Some([]) => "-".to_string(),
        Some([one]) => one.clone(),
        Some([first, rest @ ..]) => format!("{first} +{}", rest.len()),
    }
}

/// "2024-01-15"
pub fn date(t: OffsetDateTime) -> String {
    format!("{}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// "2024-01-15 10:00"
pub fn date_minute(t: OffsetDateTime) -> String {
    format!("{} {:02}:{:02}", date(t), t.hour(), t.minute())
}

/// "2024-01-15 10:00:00 UTC"
pub fn timestamp(t: OffsetDateTime) -> String {
    format!(
        "{} {:02}:{:02}:{:02} UTC",
        date(t),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// "45s", "12m", "3h", "20d", "10mo", "2y": an age as short as it can be read.
pub fn short_age(d: Duration) -> String {
    const DAY: u64 = 86_400;
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s}s"),
        60..=3_599 => format!("{}m", s / 60),
        3_600..=86_399 => format!("{}h", s / 3_600),
        _ if s < 60 * DAY => format!("{}d", s / DAY),
        _ if s < 365 * DAY => format!("{}mo", s / (30 * DAY)),
        _ => format!("{}y", s / (365 * DAY)),
    }
}

/// How long before `now` the time was: a short age, or "future" for a clock ahead of ours.
pub fn age(t: OffsetDateTime, now: OffsetDateTime) -> String {
    match Duration::try_from(now - t) {
        Ok(d) => short_age(d),
        Err(_) => "future".to_string(),
    }
}

/// "2y ago", or "in the future".
pub fn ago(t: OffsetDateTime, now: OffsetDateTime) -> String {
    match Duration::try_from(now - t) {
        Ok(d) => format!("{} ago", short_age(d)),
        Err(_) => "in the future".to_string(),
    }
}

/// A creation time as the list shows it: "2024-01-15 (10mo)" or "2024-01-15"; a timestamp
/// that does not parse as sent.
pub fn created(raw: &str, now: OffsetDateTime, with_age: bool) -> String {
    match crate::api::types::parse_timestamp(raw) {
        Some(t) if with_age => format!("{} ({})", date(t), age(t, now)),
        Some(t) => date(t),
        None => raw.to_string(),
    }
}

/// A creation time as the CLI lists it: "2024-01-15 10:00" in UTC; "?" when not sent, and a
/// timestamp that does not parse as sent.
pub fn created_summary(created: Option<&str>) -> String {
    match created {
        None => UNKNOWN.to_string(),
        Some(c) => match crate::api::types::parse_timestamp(c) {
            Some(t) => date_minute(t),
            None => c.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn numbers_read_as_the_first_and_a_count() {
        let n = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(numbers_summary(None), "?");
        assert_eq!(numbers_summary(Some(&[])), "-");
        assert_eq!(numbers_summary(Some(&n(&["+1555"]))), "+1555");
        assert_eq!(
            numbers_summary(Some(&n(&["+1555", "+1556", "+1"]))),
            "+1555 +2"
        );
    }

    #[test]
    fn dates_and_times_in_utc() {
        let t = datetime!(2024-01-05 09:08:07 UTC);
        assert_eq!(date(t), "2024-01-05");
        assert_eq!(date_minute(t), "2024-01-05 09:08");
        assert_eq!(timestamp(t), "2024-01-05 09:08:07 UTC");
        assert_eq!(
            created_summary(Some("2024-01-15T15:30:00+05:30")),
            "2024-01-15 10:00"
        );
        assert_eq!(created_summary(Some("yesterday")), "yesterday");
        assert_eq!(created_summary(None), "?");
    }

    #[test]
    fn ages_read_naturally() {
        let now = datetime!(2026-11-26 12:00 UTC);
        assert_eq!(age(datetime!(2024-01-15 10:00 UTC), now), "2y");
        assert_eq!(age(datetime!(2026-01-15 10:00 UTC), now), "10mo");
        assert_eq!(age(datetime!(2026-11-20 12:00 UTC), now), "6d");
        assert_eq!(age(datetime!(2026-11-26 11:59:30 UTC), now), "30s");
        assert_eq!(age(datetime!(2026-11-26 12:00 UTC), now), "0s");
        assert_eq!(age(datetime!(2026-11-27 12:00 UTC), now), "future");
        assert_eq!(ago(datetime!(2026-11-26 09:00 UTC), now), "3h ago");
        assert_eq!(ago(datetime!(2026-11-27 12:00 UTC), now), "in the future");
    }

    #[test]
    fn short_ages_at_every_boundary() {
        let at = |s| short_age(Duration::from_secs(s));
        let day = 86_400;
        assert_eq!(
            [
                0,
                59,
                60,
                3_599,
                3_600,
                day - 1,
                day,
                60 * day - 1,
                60 * day
            ]
            .map(at),
            ["0s", "59s", "1m", "59m", "1h", "23h", "1d", "59d", "2mo"]
        );
        assert_eq!(at(365 * day - 1), "12mo");
        assert_eq!(at(365 * day), "1y");
    }

    #[test]
    fn the_list_shows_the_date_and_maybe_the_age() {
        let now = datetime!(2026-11-26 12:00 UTC);
        assert_eq!(
            created("2026-01-15T10:00:00.000000", now, true),
            "2026-01-15 (10mo)"
        );
        assert_eq!(created("2026-01-15T10:00:00Z", now, false), "2026-01-15");
        assert_eq!(created("soon", now, true), "soon");
    }
}
