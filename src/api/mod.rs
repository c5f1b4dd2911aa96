//! The trunk API client: request and response types, validation rules, errors.
//! Knows nothing of the terminal; the dashboard, the headless commands and `serve` share it.

pub mod client;
pub mod discovery;
pub mod error;
pub mod listing;
pub mod routes;
pub mod scrub;
pub mod types;
pub mod validate;

pub use client::{ApiClient, ClientConfig};
pub use discovery::{Negotiated, Source};
pub use error::{ApiError, FieldError};
pub use types::{
    ApiKey, ApiRevision, AuthScheme, CreateTrunkRequest, CreateTrunkRequestV2, ExotelConfig,
    NewTrunk, Provider, Trunk, TrunkConfig, TrunkList, TwilioConfig,
};
