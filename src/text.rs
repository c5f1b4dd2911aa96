//! Server strings made safe and sized for a terminal: control characters become visible
//! placeholders, and cutting respects display width so wide characters keep columns aligned.

use std::borrow::Cow;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Replaces every character a terminal could act on with a visible placeholder:
/// C0 controls with their Control Pictures (ESC becomes ␛), DEL with ␡, C1 controls,
/// bidi overrides and other invisible format characters with �.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_replacing) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(placeholder).collect())
}

fn needs_replacing(c: char) -> bool {
    c.is_control() || is_format(c)
}

/// Characters that change how text around them is drawn without being drawn themselves.
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM, RLM
        | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
        | '\u{2060}'..='\u{206F}' // word joiner, bidi isolates, deprecated formats
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
}

fn placeholder(c: char) -> char {
    match c {
        '\0'..='\u{1F}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
        '\u{7F}' => '\u{2421}',
        c if needs_replacing(c) => '\u{FFFD}',
        c => c,
    }
}

/// The display width of already sanitized text.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
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
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// Sanitizes and cuts in one step: what every cell drawn from server data goes through.
pub fn fit(s: &str, max: usize) -> String {
    truncate(&sanitize(s), max).into_owned()
}

/// Splits sanitized text into lines of at most `max` columns, breaking after spaces where it
/// can and inside a word only when the word alone is too long.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in s.split_inclusive(' ') {
        let w = width(word);
        if used + w > max && used > 0 {
            lines.push(std::mem::take(&mut line).trim_end().to_string());
            used = 0;
        }
        if w <= max {
            line.push_str(word);
            used += w;
            continue;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > max {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
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
    }

    #[test]
    fn truncation_counts_columns() {
        assert_eq!(truncate("漢字漢字", 5), "漢字…");
        assert_eq!(width(&truncate("漢字漢字", 5)), 5);
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "ab…");
    }
}
