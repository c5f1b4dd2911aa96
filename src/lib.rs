//! trunktui: a keyboard-driven terminal dashboard for outbound SIP trunks.
//! The binary in `main.rs` is a thin layer over these modules, so tests can drive each one.

#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod api;
pub mod config;
pub mod server;
pub mod commands;
pub mod text;
pub mod state;
pub mod ui;
pub mod action;
pub mod event;
pub mod update;
pub mod app;
pub mod tui;
pub mod worker;
