//! Wire types of the trunk API and the secret-holding key type.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// The provider a trunk connects to (`trunk_type` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Twilio,
    Exotel,
}

impl Provider {
    pub const ALL: [Provider; 2] = [Provider::Twilio, Provider::Exotel];

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Twilio => "twilio",
            Provider::Exotel => "exotel",
        }
    }

    pub fn parse(s: &str) -> Option<Provider> {
        match s.trim().to_ascii_lowercase().as_str() {
            "twilio" => Some(Provider::Twilio),
            "exotel" => Some(Provider::Exotel),
            _ => None,
        }
    }

    pub fn other(self) -> Provider {
        match self {
            Provider::Twilio => Provider::Exotel,
            Provider::Exotel => Provider::Twilio,
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the API key is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AuthScheme {
    /// `x-api-key: KEY`, as in the user's document.
    #[default]
    #[serde(rename = "x-api-key")]
    XApiKey,
    /// `Authorization: Bearer KEY`, as some deployments expect.
    #[serde(rename = "bearer")]
    Bearer,
}

impl AuthScheme {
    pub fn parse(s: &str) -> Option<AuthScheme> {
        match s.trim().to_ascii_lowercase().as_str() {
            "x-api-key" => Some(AuthScheme::XApiKey),
            "bearer" => Some(AuthScheme::Bearer),
            _ => None,
        }
    }

    /// The header as a person would name it in a message.
    pub fn header_name(self) -> &'static str {
        match self {
            AuthScheme::XApiKey => "x-api-key",
            AuthScheme::Bearer => "Authorization: Bearer",
        }
    }
}

impl fmt::Display for AuthScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthScheme::XApiKey => "x-api-key",
            AuthScheme::Bearer => "bearer",
        })
    }
}

/// An API key. Its Debug and Display never show it; only `expose` does, for the header.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The create body, exactly the document's fields. Debug masks the password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateTrunkRequest {
    pub trunk_name: String,
    pub trunk_address: String,
    pub trunk_numbers: Vec<String>,
    pub trunk_auth_username: String,
    pub trunk_auth_password: String,
    pub trunk_type: Provider,
}

impl fmt::Debug for CreateTrunkRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateTrunkRequest")
            .field("trunk_name", &self.trunk_name)
            .field("trunk_address", &self.trunk_address)
            .field("trunk_numbers", &self.trunk_numbers)
            .field("trunk_auth_username", &self.trunk_auth_username)
            .field("trunk_auth_password", &"***")
            .field("trunk_type", &self.trunk_type)
            .finish()
    }
}

/// One list entry. Every field but the id may be missing on real servers, and is then
/// `None` (shown as unknown), never an empty value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trunk {
    pub trunk_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trunk_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trunk_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trunk_numbers: Option<Vec<String>>,
    /// Kept as the server wrote it: a provider this build does not know still shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trunk_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trunk_created_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trunk_created_by_email: Option<String>,
}

impl Trunk {
    pub fn provider(&self) -> Option<Provider> {
        self.trunk_type.as_deref().and_then(Provider::parse)
    }
}

/// A decoded list answer: the trunks that could be read and how many entries were skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrunkList {
    pub trunks: Vec<Trunk>,
    /// Entries without a usable `trunk_id`; reported to the user, never silently dropped.
    pub skipped: usize,
}

/// A list entry as it may arrive: any field of any type, or absent.
#[derive(Deserialize)]
struct RawTrunk {
    #[serde(default, deserialize_with = "lenient_string")]
    trunk_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    trunk_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    trunk_address: Option<String>,
    #[serde(default, deserialize_with = "lenient_strings")]
    trunk_numbers: Option<Vec<String>>,
    #[serde(default, deserialize_with = "lenient_string")]
    trunk_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    trunk_created_at: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    trunk_created_by_email: Option<String>,
}

/// A value of any JSON type that is kept only when it is a string (numbers are spelled out,
/// so an id sent as a number still shows).
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// A list of numbers; a single string is taken as a list of one, other values are dropped.
fn lenient_strings<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Array(items) => Some(
            items
                .into_iter()
                .filter_map(|v| match v {
                    serde_json::Value::String(s) => Some(s),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect(),
        ),
        serde_json::Value::String(s) => Some(vec![s]),
        _ => None,
    })
}

/// An entry that is not even an object decodes to this and is skipped.
#[derive(Deserialize)]
#[serde(untagged)]
enum MaybeTrunk {
    Trunk(RawTrunk),
    Other(serde::de::IgnoredAny),
}

/// The list envelope's `data`; anything but an array is an unexpected answer.
#[derive(Deserialize)]
pub(crate) struct ListEnvelope {
    data: Vec<MaybeTrunk>,
}

impl ListEnvelope {
    pub(crate) fn into_list(self) -> TrunkList {
        let mut list = TrunkList {
            trunks: Vec::with_capacity(self.data.len()),
            skipped: 0,
        };
        for entry in self.data {
            match entry {
                MaybeTrunk::Trunk(raw) => match raw.trunk_id {
                    Some(id) if !id.trim().is_empty() => list.trunks.push(Trunk {
                        trunk_id: id,
                        trunk_name: raw.trunk_name,
                        trunk_address: raw.trunk_address,
                        trunk_numbers: raw.trunk_numbers,
                        trunk_type: raw.trunk_type,
                        trunk_created_at: raw.trunk_created_at,
                        trunk_created_by_email: raw.trunk_created_by_email,
                    }),
                    _ => list.skipped += 1,
                },
                MaybeTrunk::Other(_) => list.skipped += 1,
            }
        }
        list
    }
}

/// Decode a list answer's body.
pub fn decode_list(body: &[u8]) -> Result<TrunkList, serde_json::Error> {
    serde_json::from_slice::<ListEnvelope>(body).map(ListEnvelope::into_list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_and_odd_entries_still_show() {
        let body = br#"{"success":true,"message":"x","data":[
            {"trunk_id":"ST_a","trunk_name":"A","extra":{"x":1}},
            {"trunk_name":"no id"},
            "not an object",
            {"trunk_id":"exotel_1a2b3c4d","trunk_numbers":"+15550100000","trunk_type":7},
            {"trunk_id":12}
        ]}"#;
        let list = decode_list(body).unwrap();
        assert_eq!(list.skipped, 2);
        let ids: Vec<_> = list.trunks.iter().map(|t| t.trunk_id.as_str()).collect();
        assert_eq!(ids, ["ST_a", "exotel_1a2b3c4d", "12"]);
        assert_eq!(list.trunks[0].trunk_address, None);
        assert_eq!(
            list.trunks[1].trunk_numbers.as_deref(),
            Some(&["+15550100000".to_string()][..])
        );
        assert_eq!(list.trunks[1].trunk_type.as_deref(), Some("7"));
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let key = ApiKey::new("sekrit-key");
        assert!(!format!("{key:?} {key}").contains("sekrit"));
        let req = CreateTrunkRequest {
            trunk_name: "n".into(),
            trunk_address: "a".into(),
            trunk_numbers: vec![],
            trunk_auth_username: "u".into(),
            trunk_auth_password: "hunter2".into(),
            trunk_type: Provider::Twilio,
        };
        assert!(!format!("{req:?}").contains("hunter2"));
    }
}
