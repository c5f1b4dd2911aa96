//! Server strings made safe and sized for a terminal: control characters become visible
//! placeholders, and cutting and wrapping count the columns of whole graphemes, the way
//! ratatui and terminals draw them, so wide characters and emoji keep columns aligned.

use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Replaces every character a terminal could act on with a visible placeholder:
/// C0 controls with their Control Pictures (ESC becomes ␛), DEL with ␡, C1 controls,
/// bidi controls and other invisible format characters with �.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s
        .chars()
        .any(|c| needs_replacing(c) || is_halfwidth_mark(c))
    {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(placeholder).collect())
}

/// Whether a terminal could act on `c`, or it would hide or reorder the text around it:
/// what `sanitize` replaces. Text free of these may be written to a terminal as it is.
pub fn acts_on_terminal(c: char) -> bool {
    needs_replacing(c)
}

fn needs_replacing(c: char) -> bool {
    c.is_control() || is_format(c) || zero_width_alone(c)
}

/// A character of no width that does not join the character before it (an unassigned
/// default-ignorable one, say): ratatui would give it a cell of its own, which a terminal
/// never draws, so the row would shift.
fn zero_width_alone(c: char) -> bool {
    if c.is_ascii() || unicode_width::UnicodeWidthChar::width(c) != Some(0) {
        return false;
    }
    let mut pair = String::from("a");
    pair.push(c);
    pair.graphemes(true).nth(1).is_some()
}

/// Characters of Unicode's "format" category (all of it, as of Unicode 16) and the like:
/// they change how text around them is drawn (direction, joining, hiding, breaking) without
/// being drawn themselves.
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' // soft hyphen
        | '\u{0600}'..='\u{0605}'
        | '\u{061C}' // Arabic letter mark, a direction control
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'..='\u{0891}'
        | '\u{08E2}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM, RLM
        | '\u{2028}'..='\u{2029}' // line and paragraph separators: a log viewer breaks there
        | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
        | '\u{2060}'..='\u{206F}' // word joiner, bidi isolates, deprecated formats
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}'
        | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}' // Egyptian hieroglyph format controls
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}'
        | '\u{E0020}'..='\u{E007F}') // tags
}

/// Halfwidth katakana sound marks: ratatui gives them a column of their own where
/// terminals join them to the kana before, which shifts the rest of the row.
fn is_halfwidth_mark(c: char) -> bool {
    matches!(c, '\u{FF9E}' | '\u{FF9F}')
}

fn placeholder(c: char) -> char {
    match c {
        '\0'..='\u{1F}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
        '\u{7F}' => '\u{2421}',
        // The combining forms draw the same and are measured the same everywhere.
        '\u{FF9E}' => '\u{3099}',
        '\u{FF9F}' => '\u{309A}',
        c if needs_replacing(c) => '\u{FFFD}',
        c => c,
    }
}

/// Each grapheme of sanitized text with the columns it takes.
fn graphemes(s: &str) -> impl DoubleEndedIterator<Item = (&str, usize)> {
    s.graphemes(true).map(|g| (g, UnicodeWidthStr::width(g)))
}

/// The display width of already sanitized text.
pub fn width(s: &str) -> usize {
    graphemes(s).map(|(_, w)| w).sum()
}

/// Cuts sanitized text to at most `max` columns, ending in `…` when something was cut.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for (g, w) in graphemes(s) {
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// The end of sanitized text that fits `max` columns, starting with `…` when cut: for lines
/// typed at their end, such as the filter.
pub fn truncate_start(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut kept = Vec::new();
    let mut used = 0;
    for (g, w) in graphemes(s).rev() {
        if used + w > max - 1 {
            break;
        }
        kept.push(g);
        used += w;
    }
    let mut out = String::from("…");
    out.extend(kept.into_iter().rev());
    Cow::Owned(out)
}

/// Sanitizes and cuts in one step: what every cell drawn from server data goes through.
pub fn fit(s: &str, max: usize) -> String {
    truncate(&sanitize(s), max).into_owned()
}

/// Splits sanitized text into lines of at most `max` columns, breaking at spaces where it
/// can and inside a word only when the word alone is too long.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        let w = width(word);
        let gap = usize::from(used > 0);
        if used + gap + w <= max {
            if gap == 1 {
                line.push(' ');
            }
            line.push_str(word);
            used += gap + w;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        for (g, gw) in graphemes(word) {
            if used + gw > max && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push_str(g);
            used += gw;
        }
    }
    if used > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_visible() {
        assert_eq!(sanitize("a\x1b[31mb\x07"), "a␛[31mb␇");
        assert_eq!(sanitize("x\u{202E}y\u{9B}z"), "x\u{FFFD}y\u{FFFD}z");
        assert!(matches!(sanitize("plain ü 漢"), Cow::Borrowed(_)));
    }

    #[test]
    fn wrapping_keeps_every_character_within_the_width() {
        let text = "unauthorized (401): the server refused the x-api-key header; 漢字漢字漢字";
        let lines = wrap(text, 20);
        assert!(lines.iter().all(|l| width(l) <= 20), "{lines:?}");
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
    }

    #[test]
    fn emoji_sequences_are_measured_whole() {
        let hearts = "❤\u{FE0F}".repeat(10);
        assert!(width(&truncate(&hearts, 6)) <= 6);
        assert!(wrap(&hearts, 2).iter().all(|l| width(l) <= 2));
        assert_eq!(truncate_start("abcdef", 4), "…def");
    }

    #[test]
    fn truncation_counts_columns() {
        assert_eq!(truncate("漢字漢字", 5), "漢字…");
        assert_eq!(width(&truncate("漢字漢字", 5)), 5);
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "ab…");
    }
}
