//! Wire types of the trunk API and the secret-holding key type.

use serde::{Deserialize, Serialize};
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

/// How the API key is sent. No `Default`: the configuration's default is `Auto`, a bare
/// `ClientConfig::new` pins `XApiKey`, and each says so where it is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthScheme {
    /// Read the server's `/openapi.json` to find out; the document's header if it cannot tell.
    #[serde(rename = "auto")]
    Auto,
    /// `x-api-key: KEY`, as in the user's document.
    #[serde(rename = "x-api-key")]
    XApiKey,
    /// `Authorization: Bearer KEY`, as some deployments expect.
    #[serde(rename = "bearer")]
    Bearer,
}

impl AuthScheme {
    pub fn parse(s: &str) -> Option<AuthScheme> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(AuthScheme::Auto),
            "x-api-key" => Some(AuthScheme::XApiKey),
            "bearer" => Some(AuthScheme::Bearer),
            _ => None,
        }
    }

    /// The header as a person would name it in a message.
    pub fn header_name(self) -> &'static str {
        match self {
            AuthScheme::Auto | AuthScheme::XApiKey => "x-api-key",
            AuthScheme::Bearer => "Authorization: Bearer",
        }
    }
}

impl fmt::Display for AuthScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthScheme::Auto => "auto",
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

/// Which create call a server speaks: the document's flat body (v1) or the later revision's
/// nested `trunk_config` (v2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiRevision {
    #[default]
    V1,
    V2,
}

impl ApiRevision {
    pub fn parse(s: &str) -> Option<ApiRevision> {
        match s.trim().to_ascii_lowercase().as_str() {
            "v1" => Some(ApiRevision::V1),
            "v2" => Some(ApiRevision::V2),
            _ => None,
        }
    }
}

impl fmt::Display for ApiRevision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ApiRevision::V1 => "v1",
            ApiRevision::V2 => "v2",
        })
    }
}

/// The v2 Twilio `trunk_config`. Debug masks the password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwilioConfig {
    pub address: String,
    pub numbers: Vec<String>,
    pub username: String,
    pub password: String,
}

impl fmt::Debug for TwilioConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwilioConfig")
            .field("address", &self.address)
            .field("numbers", &self.numbers)
            .field("username", &self.username)
            .field("password", &"***")
            .finish()
    }
}

/// The v2 Exotel `trunk_config`: a virtual number and, optionally, where its SIP lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExotelConfig {
    pub exotel_number: String,
    #[serde(default)]
    pub sip_host: Option<String>,
    #[serde(default)]
    pub sip_port: Option<u32>,
    #[serde(default)]
    pub sip_domain: Option<String>,
}

/// A v2 `trunk_config`, of one provider's shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TrunkConfig {
    Twilio(TwilioConfig),
    Exotel(ExotelConfig),
}

impl TrunkConfig {
    pub fn provider(&self) -> Provider {
        match self {
            TrunkConfig::Twilio(_) => Provider::Twilio,
            TrunkConfig::Exotel(_) => Provider::Exotel,
        }
    }
}

/// The v2 create body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateTrunkRequestV2 {
    pub trunk_name: String,
    pub trunk_type: Provider,
    pub trunk_config: TrunkConfig,
    #[serde(default)]
    pub passthrough_mode: bool,
    #[serde(default)]
    pub passthrough_webhook_url: Option<String>,
}

/// A create body of either revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewTrunk {
    V1(CreateTrunkRequest),
    V2(CreateTrunkRequestV2),
}

impl NewTrunk {
    pub fn revision(&self) -> ApiRevision {
        match self {
            NewTrunk::V1(_) => ApiRevision::V1,
            NewTrunk::V2(_) => ApiRevision::V2,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            NewTrunk::V1(r) => &r.trunk_name,
            NewTrunk::V2(r) => &r.trunk_name,
        }
    }

    pub fn provider(&self) -> Provider {
        match self {
            NewTrunk::V1(r) => r.trunk_type,
            NewTrunk::V2(r) => r.trunk_type,
        }
    }

    /// The trunk password, if the body carries one.
    pub fn secret(&self) -> Option<&str> {
        match self {
            NewTrunk::V1(r) => Some(&r.trunk_auth_password),
            NewTrunk::V2(CreateTrunkRequestV2 {
                trunk_config: TrunkConfig::Twilio(c),
                ..
            }) => Some(&c.password),
            NewTrunk::V2(_) => None,
        }
    }

    /// Reads a body of either revision: a `trunk_config` property means v2.
    pub fn from_json(bytes: &[u8]) -> Result<NewTrunk, serde_json::Error> {
        let value: serde_json::Value = serde_json::from_slice(bytes)?;
        if value.get("trunk_config").is_some() {
            serde_json::from_value(value).map(NewTrunk::V2)
        } else {
            serde_json::from_value(value).map(NewTrunk::V1)
        }
    }

    /// The same trunk in the body `revision` expects, or the fields that body needs and
    /// this one does not have.
    pub fn to_revision(&self, revision: ApiRevision) -> Result<NewTrunk, Vec<String>> {
        match (self, revision) {
            (NewTrunk::V1(_), ApiRevision::V1) | (NewTrunk::V2(_), ApiRevision::V2) => {
                Ok(self.clone())
            }
            (NewTrunk::V1(r), ApiRevision::V2) => match r.trunk_type {
                Provider::Twilio => Ok(NewTrunk::V2(CreateTrunkRequestV2 {
                    trunk_name: r.trunk_name.clone(),
                    trunk_type: Provider::Twilio,
                    trunk_config: TrunkConfig::Twilio(TwilioConfig {
                        address: r.trunk_address.clone(),
                        numbers: r.trunk_numbers.clone(),
                        username: r.trunk_auth_username.clone(),
                        password: r.trunk_auth_password.clone(),
                    }),
                    passthrough_mode: false,
                    passthrough_webhook_url: None,
                })),
                // v2 Exotel trunks are a virtual number, which a v1 body does not name.
                Provider::Exotel => Err(vec!["trunk_config.exotel_number".into()]),
            },
            (NewTrunk::V2(r), ApiRevision::V1) => {
                let mut missing = Vec::new();
                if r.passthrough_mode {
                    missing.push("passthrough_mode (a v1 server has no passthrough)".into());
                }
                match &r.trunk_config {
                    TrunkConfig::Twilio(c) if missing.is_empty() => {
                        Ok(NewTrunk::V1(CreateTrunkRequest {
                            trunk_name: r.trunk_name.clone(),
                            trunk_address: c.address.clone(),
                            trunk_numbers: c.numbers.clone(),
                            trunk_auth_username: c.username.clone(),
                            trunk_auth_password: c.password.clone(),
                            trunk_type: Provider::Twilio,
                        }))
                    }
                    TrunkConfig::Twilio(_) => Err(missing),
                    TrunkConfig::Exotel(_) => {
                        missing.extend(
                            [
                                "trunk_address",
                                "trunk_numbers",
                                "trunk_auth_username",
                                "trunk_auth_password",
                            ]
                            .map(String::from),
                        );
                        Err(missing)
                    }
                }
            }
        }
    }
}

impl From<&CreateTrunkRequest> for NewTrunk {
    fn from(r: &CreateTrunkRequest) -> NewTrunk {
        NewTrunk::V1(r.clone())
    }
}

impl From<&CreateTrunkRequestV2> for NewTrunk {
    fn from(r: &CreateTrunkRequestV2) -> NewTrunk {
        NewTrunk::V2(r.clone())
    }
}

impl From<&NewTrunk> for NewTrunk {
    fn from(r: &NewTrunk) -> NewTrunk {
        r.clone()
    }
}

/// One list entry. Every field but the id may be missing on real servers, and is then
/// `None` (shown as unknown), never an empty value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
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
    /// When the trunk was created, if the server said so in a form that reads as a time.
    pub fn created_at(&self) -> Option<time::OffsetDateTime> {
        self.trunk_created_at.as_deref().and_then(parse_timestamp)
    }
}

/// The API's timestamps: naive ISO 8601 (`2024-01-15T10:00:00.000000`) means UTC; some carry
/// `Z` or an offset, which is converted to UTC.
pub fn parse_timestamp(raw: &str) -> Option<time::OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    let raw = raw.trim();
    if let Ok(t) = time::OffsetDateTime::parse(raw, &Rfc3339) {
        return Some(t.to_offset(time::UtcOffset::UTC));
    }
    let naive = time::macros::format_description!(
        "[year]-[month]-[day][first [T] [ ]][hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    time::PrimitiveDateTime::parse(raw, naive)
        .ok()
        .map(time::PrimitiveDateTime::assume_utc)
}

/// A decoded list answer: the trunks that could be read and how many entries were skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrunkList {
    pub trunks: Vec<Trunk>,
    /// Entries without a usable `trunk_id`; reported to the user, never silently dropped.
    pub skipped: usize,
}

pub use super::listing::{ListError, decode_list};

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
            {"trunk_id":12},
            ["ST_array", "looks like fields"]
        ]}"#;
        let list = decode_list(body).unwrap();
        assert_eq!(list.skipped, 3);
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
