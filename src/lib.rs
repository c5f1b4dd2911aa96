//! trunktui: a keyboard-driven terminal dashboard for outbound SIP trunks.
//! The binary in `main.rs` is a thin layer over these modules, so tests can drive each one.

#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod action;
pub mod api;
pub mod app;
pub mod commands;
pub mod config;
pub mod display;
pub mod event;
pub mod keys;
pub mod server;
pub mod state;
pub mod text;
pub mod tui;
pub mod ui;
pub mod update;
pub mod worker;
