//! What the app loop reacts to: keys and resizes from the terminal, answers from the worker,
//! and timers that exist only while something visible is due to change.

use crate::api::{ApiError, Negotiated, NewTrunk, TrunkList};
use ratatui::crossterm::event::KeyEvent;
use std::time::Duration;

#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    /// Text the terminal says was pasted (bracketed paste): text, never keystrokes.
    Paste(Pasted),
    Resize(u16, u16),
    /// A deadline from `update::next_wakeup` passed: a refresh is due or an age label changed.
    Tick,
    Api(ApiEvent),
}

/// Pasted text. Its Debug form gives only the length: a paste may be a password.
#[derive(Clone, PartialEq, Eq)]
pub struct Pasted(pub String);

impl Pasted {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Pasted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pasted({} chars)", self.0.chars().count())
    }
}

impl From<String> for Pasted {
    fn from(s: String) -> Pasted {
        Pasted(s)
    }
}

impl From<&str> for Pasted {
    fn from(s: &str) -> Pasted {
        Pasted(s.to_string())
    }
}

/// Answers from the worker, tagged with the id of the request they answer.
#[derive(Debug)]
pub enum ApiEvent {
    /// What the server speaks (auth header, create revision), or why it could not be asked.
    Negotiated {
        id: u64,
        result: Result<Negotiated, ApiError>,
    },
    Listed {
        id: u64,
        elapsed: Duration,
        result: Result<TrunkList, ApiError>,
    },
    Created {
        id: u64,
        elapsed: Duration,
        result: Result<String, ApiError>,
    },
    Deactivated {
        id: u64,
        elapsed: Duration,
        trunk_id: String,
        result: Result<(), ApiError>,
    },
}

/// What `update` asks the outside world to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Find out what the server speaks (auth header, create revision).
    Negotiate {
        id: u64,
    },
    List {
        id: u64,
    },
    Create {
        id: u64,
        req: NewTrunk,
    },
    Deactivate {
        id: u64,
        trunk_id: String,
    },
    /// Put this text on the clipboard (OSC 52, written by the terminal layer).
    Copy(String),
}
