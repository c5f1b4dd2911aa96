//! Taking the API key and the trunk password out of what a server says. A server may echo
//! either anywhere; the text is scrubbed as it arrives, before it is collapsed to one line or
//! cut to an excerpt, since a secret collapsed or cut no longer matches.

use super::client::clean;
use std::borrow::Cow;
use std::fmt;

/// Shorter secrets are not scrubbed: replacing every "ab" would destroy the message, and
/// they are refused by validation anyway.
const MIN_SECRET_BYTES: usize = 3;

/// The secrets of one request, in every form a server's text may carry them.
#[derive(Clone, Default)]
pub struct Scrubber {
    /// Longest first, so a form that holds another is replaced whole.
    needles: Vec<String>,
}

impl fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scrubber({} forms)", self.needles.len())
    }
}

impl Scrubber {
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Scrubber {
        let mut needles = Vec::new();
        for secret in secrets {
            if secret.len() < MIN_SECRET_BYTES {
                continue;
            }
            needles.extend([
                secret.to_string(),
                // As a server (or our own `clean`) puts it on one line.
                clean(secret),
                // As a JSON body spells it, read as text.
                quoted_inner(&serde_json::to_string(secret).unwrap_or_default()),
                // As a decoder's message quotes it (`invalid type: string "..."`).
                quoted_inner(&format!("{secret:?}")),
                // As an HTML page spells it.
                html_escaped(secret),
            ]);
        }
        needles.retain(|n| n.len() >= MIN_SECRET_BYTES);
        needles.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        needles.dedup();
        Scrubber { needles }
    }

    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// The longest form in bytes: text read up to a limit must be read this much further,
    /// so that a secret across the limit is still whole when it is scrubbed.
    pub fn longest(&self) -> usize {
        self.needles.first().map_or(0, String::len)
    }

    /// `text` with every form of every secret replaced by `***`.
    pub fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = Cow::Owned(out.replace(needle.as_str(), "***"));
            }
        }
        out
    }

    /// Scrubs `text` in place.
    pub fn scrub_in_place(&self, text: &mut String) {
        if let Cow::Owned(scrubbed) = self.scrub(text) {
            *text = scrubbed;
        }
    }
}

/// `"abc"` without its quotes.
fn quoted_inner(quoted: &str) -> String {
    quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(quoted)
        .to_string()
}

fn html_escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_secret_is_replaced() {
        let s = Scrubber::new(["pa  ss\tw\"o&rd", "ab"]);
        for form in [
            "pa  ss\tw\"o&rd",
            "pa ss w\"o&rd",
            "pa  ss\\tw\\\"o&rd",
            "pa  ss\tw&quot;o&amp;rd",
        ] {
            assert_eq!(s.scrub(&format!("x {form} y")), "x *** y", "{form:?}");
        }
        // Too short to scrub: the message would be destroyed.
        assert_eq!(s.scrub("ab cab"), "ab cab");
        assert!(!format!("{s:?}").contains("pa"));
    }

    #[test]
    fn a_form_holding_another_is_replaced_whole() {
        let s = Scrubber::new(["abc", "xabcx"]);
        assert_eq!(s.scrub("1 xabcx 2 abc"), "1 *** 2 ***");
        assert_eq!(s.longest(), 5);
        assert!(Scrubber::new(["ab"]).is_empty());
    }
}
