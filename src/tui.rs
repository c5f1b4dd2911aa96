//! Terminal set-up and restore. ratatui's init installs a panic hook that restores the
//! terminal; quitting and every stop signal restore it through `restore` here.

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::{cursor, execute};
use std::io::{self, Write};

pub fn init() -> io::Result<DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    // ratatui's hook leaves the alternate screen; the cursor it hid must come back too, and
    // the shell after us must not get its pastes wrapped in markers.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(io::stdout(), DisableBracketedPaste, cursor::Show);
        hook(info);
    }));
    // A paste arrives as one text event instead of keystrokes: pasted "dy" must not
    // deactivate a trunk, nor a pasted line break submit the form.
    if let Err(e) = execute!(io::stdout(), EnableBracketedPaste) {
        restore();
        return Err(e);
    }
    Ok(terminal)
}

pub fn restore() {
    let _ = execute!(io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    // The cursor is hidden while drawing; a panic skips Terminal's own Drop that shows it.
    let _ = execute!(io::stdout(), cursor::Show);
}

/// Sets the clipboard of the terminal the user sits at, through OSC 52: it travels over SSH.
/// Inside tmux the sequence is also sent wrapped for passthrough, as tmux may not forward it.
pub fn copy_osc52(out: &mut impl Write, text: &str, in_tmux: bool) -> io::Result<()> {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    write!(out, "\x1b]52;c;{encoded}\x07")?;
    if in_tmux {
        write!(out, "\x1bPtmux;\x1b\x1b]52;c;{encoded}\x07\x1b\\")?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_writes_the_text_base64_encoded_and_wrapped_again_for_tmux() {
        let mut out = Vec::new();
        copy_osc52(&mut out, "ST_9xKp2LmQ7vRt", false).unwrap();
        assert_eq!(out, b"\x1b]52;c;U1RfOXhLcDJMbVE3dlJ0\x07");
        let mut out = Vec::new();
        copy_osc52(&mut out, "ST_9xKp2LmQ7vRt", true).unwrap();
        assert_eq!(
            out,
            b"\x1b]52;c;U1RfOXhLcDJMbVE3dlJ0\x07\x1bPtmux;\x1b\x1b]52;c;U1RfOXhLcDJMbVE3dlJ0\x07\x1b\\"
        );
    }

    /// A writer that keeps what it was given only once flushed.
    #[derive(Default)]
    struct Buffered {
        pending: Vec<u8>,
        flushed: Vec<u8>,
    }

    impl Write for Buffered {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.pending.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            self.flushed.append(&mut self.pending);
            Ok(())
        }
    }

    #[test]
    fn osc52_is_flushed_at_once() {
        let mut out = Buffered::default();
        copy_osc52(&mut out, "x", false).unwrap();
        assert_eq!(out.flushed, b"\x1b]52;c;eA==\x07");
        assert!(out.pending.is_empty());
    }
}
