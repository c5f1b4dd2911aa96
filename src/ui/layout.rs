//! The screen's geometry, for callers that reach it through `ui`: it is computed in
//! `state::geometry`, which `update` uses too, so the two never disagree.

pub use crate::state::geometry::{MIN_HEIGHT, MIN_WIDTH, list_rows, log_rows};
