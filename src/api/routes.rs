//! The API's route paths, in one place: the client builds its URLs from these, and the local
//! server and the log lines can name the same calls without retyping them.

/// `GET`: the caller's trunks.
pub const LIST: &str = "/sip/list";
/// `POST`: create an outbound trunk.
pub const CREATE: &str = "/sip/create-outbound-trunk";
/// `DELETE`: followed by the trunk id as one percent-encoded segment (see `deactivate_path`).
pub const DEACTIVATE: &str = "/sip/deactivate/";
/// The deactivate route as a router pattern (axum's `{name}` capture).
pub const DEACTIVATE_PATTERN: &str = "/sip/deactivate/{trunk_id}";
/// `GET`: the server's OpenAPI document, read to choose the auth header and create revision.
pub const OPENAPI: &str = "/openapi.json";

/// The deactivate path of `trunk_id`, every byte that is not unreserved percent-encoded.
pub fn deactivate_path(trunk_id: &str) -> String {
    format!("{DEACTIVATE}{}", super::client::encode_segment(trunk_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deactivate_pattern_is_the_route_and_a_capture() {
        assert_eq!(
            DEACTIVATE_PATTERN.strip_suffix("{trunk_id}"),
            Some(DEACTIVATE)
        );
        assert_eq!(deactivate_path("ST_a\tb/c"), "/sip/deactivate/ST_a%09b%2Fc");
    }
}
