//! `trunktui serve` imitating each kind of real server: the document's create call (v1) or
//! the later revision's (v2), with `x-api-key`, `Authorization: Bearer` or either. Spoken to
//! over loopback sockets with reqwest, and held against the recorded answers of real servers
//! in `tests/fixtures/`.

use reqwest::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use trunktui::api::ApiRevision;
use trunktui::server::{RunningServer, ServeAuth, ServeOptions, start};

const KEY: &str = "tk_revision_key_alpha";
const OTHER_KEY: &str = "tk_revision_key_beta";
const CREATED: &str = "Outbound trunk created successfully, Store the trunk id securely.";
const TWILIO_PASSWORD: &str = "twilio-auth-token-do-not-echo";

const COMBINATIONS: [(ApiRevision, ServeAuth); 6] = [
    (ApiRevision::V1, ServeAuth::XApiKey),
    (ApiRevision::V1, ServeAuth::Bearer),
    (ApiRevision::V1, ServeAuth::Both),
    (ApiRevision::V2, ServeAuth::XApiKey),
    (ApiRevision::V2, ServeAuth::Bearer),
    (ApiRevision::V2, ServeAuth::Both),
];

fn v2_twilio() -> Value {
    json!({
        "trunk_name": "Twilio Production",
        "trunk_type": "twilio",
        "trunk_config": {
            "address": "example.pstn.twilio.com",
            "numbers": ["+15550100000", "+15550100001"],
            "username": "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "password": TWILIO_PASSWORD
        },
        "passthrough_mode": false,
        "passthrough_webhook_url": null
    })
}

fn v2_exotel() -> Value {
    json!({
        "trunk_name": "Exotel India",
        "trunk_type": "exotel",
        "trunk_config": {
            "exotel_number": "08044319240",
            "sip_host": "sip.exotel.com",
            "sip_port": 5070,
            "sip_domain": "acme.exotel.in"
        },
        "passthrough_mode": true,
        "passthrough_webhook_url": "https://hooks.example.com/call-ended"
    })
}

fn v1_twilio() -> Value {
    json!({
        "trunk_name": "Twilio Production",
        "trunk_address": "example.pstn.twilio.com",
        "trunk_numbers": ["+15550100000"],
        "trunk_auth_username": "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "trunk_auth_password": TWILIO_PASSWORD,
        "trunk_type": "twilio"
    })
}

/// The header a request carries its key in, if any.
#[derive(Debug, Clone, Copy)]
enum Header<'a> {
    None,
    ApiKey(&'a str),
    Bearer(&'a str),
}

/// The header the kind of server reads (for Both, the document's).
fn accepted(auth: ServeAuth, key: &str) -> Header<'_> {
    match auth {
        ServeAuth::Bearer => Header::Bearer(key),
        ServeAuth::XApiKey | ServeAuth::Both => Header::ApiKey(key),
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    content_type: Option<String>,
    www_authenticate: Option<String>,
    text: String,
    json: Value,
}

struct Server {
    running: RunningServer,
    http: reqwest::Client,
}

async fn serve(
    revision: ApiRevision,
    auth: ServeAuth,
    data: Option<PathBuf>,
    demo_data: bool,
) -> Server {
    trunktui::api::client::install_tls_provider();
    let running = start(ServeOptions {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        api_keys: vec![KEY.into(), OTHER_KEY.into()],
        data,
        demo_data,
        revision,
        auth,
    })
    .await
    .unwrap();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    Server { running, http }
}

impl Server {
    async fn send(&self, method: &str, path: &str, key: Header<'_>, body: Option<&str>) -> Reply {
        let url = format!("{}{path}", self.running.base_url());
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, url);
        request = match key {
            Header::None => request,
            Header::ApiKey(k) => request.header("x-api-key", k),
            Header::Bearer(k) => request.header("Authorization", format!("Bearer {k}")),
        };
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.unwrap();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header(CONTENT_TYPE);
        let www_authenticate = header(WWW_AUTHENTICATE);
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            content_type,
            www_authenticate,
            text,
            json,
        }
    }

    async fn create(&self, key: Header<'_>, body: &Value) -> Reply {
        let body = body.to_string();
        self.send("POST", "/sip/create-outbound-trunk", key, Some(&body))
            .await
    }

    async fn create_raw(&self, key: Header<'_>, body: &str) -> Reply {
        self.send("POST", "/sip/create-outbound-trunk", key, Some(body))
            .await
    }

    async fn list(&self, key: Header<'_>) -> Reply {
        self.send("GET", "/sip/list", key, None).await
    }

    async fn deactivate(&self, key: Header<'_>, id: &str) -> Reply {
        self.send("DELETE", &format!("/sip/deactivate/{id}"), key, None)
            .await
    }

    async fn shutdown(self) {
        self.running.shutdown().await;
    }
}

/// One recorded answer of a real server: its status, `www-authenticate` and exact body.
fn fixture(name: &str) -> (u16, Option<String>, String) {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let exchange: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    (
        exchange["status"].as_u64().unwrap() as u16,
        exchange["headers"]["www-authenticate"]
            .as_str()
            .map(str::to_string),
        exchange["body"].as_str().unwrap().to_string(),
    )
}

fn created_id(reply: &Reply) -> String {
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["success"], json!(true));
    assert_eq!(reply.json["message"], json!(CREATED));
    reply.json["data"]["trunk_id"].as_str().unwrap().to_string()
}

fn listed(reply: &Reply) -> Vec<Value> {
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.json["message"],
        json!("SIP trunks retrieved successfully")
    );
    reply.json["data"].as_array().unwrap().clone()
}

fn ids(reply: &Reply) -> Vec<String> {
    listed(reply)
        .iter()
        .map(|t| t["trunk_id"].as_str().unwrap().to_string())
        .collect()
}

fn keys_of(entry: &Value) -> BTreeSet<String> {
    entry.as_object().unwrap().keys().cloned().collect()
}

fn is_twilio_id(id: &str) -> bool {
    id.strip_prefix("ST_")
        .is_some_and(|r| r.len() == 12 && r.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn is_exotel_id(id: &str) -> bool {
    id.strip_prefix("exotel_")
        .is_some_and(|r| r.len() == 8 && r.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// The `loc` of every entry of a 422 `{"detail": [...]}`.
fn locs(reply: &Reply) -> Vec<Value> {
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    reply.json["detail"]
        .as_array()
        .unwrap_or_else(|| panic!("no detail list: {}", reply.text))
        .iter()
        .map(|e| {
            for field in ["type", "loc", "msg"] {
                assert!(e.get(field).is_some(), "{field} missing in {e}");
            }
            e["loc"].clone()
        })
        .collect()
}

/// A recorded 422 entry, but for its `input` (which real servers fill with the password).
fn recorded_entry(name: &str) -> Value {
    let (status, _, body) = fixture(name);
    assert_eq!(status, 422);
    let mut entry: Value = serde_json::from_str::<Value>(&body).unwrap()["detail"][0].clone();
    entry.as_object_mut().unwrap().remove("input");
    entry
}

fn without_input(entry: &Value) -> Value {
    let mut entry = entry.clone();
    entry.as_object_mut().unwrap().remove("input");
    entry
}

#[tokio::test]
async fn openapi_describes_each_combination_without_a_key() {
    for (revision, auth) in COMBINATIONS {
        let server = serve(revision, auth, None, false).await;
        let reply = server
            .send("GET", "/openapi.json", Header::None, None)
            .await;
        assert_eq!(reply.status, 200, "{revision} {auth:?}: {}", reply.text);
        assert_eq!(reply.content_type.as_deref(), Some("application/json"));
        let doc = &reply.json;
        assert_eq!(doc["openapi"], json!("3.1.0"));

        let api_key = json!({"type": "apiKey", "in": "header", "name": "x-api-key"});
        let bearer = json!({"type": "http", "scheme": "bearer"});
        let (schemes, security) = match auth {
            ServeAuth::XApiKey => (
                json!({"APIKeyHeader": api_key}),
                json!([{"APIKeyHeader": []}]),
            ),
            ServeAuth::Bearer => (json!({"HTTPBearer": bearer}), json!([{"HTTPBearer": []}])),
            ServeAuth::Both => (
                json!({"APIKeyHeader": api_key, "HTTPBearer": bearer}),
                json!([{"APIKeyHeader": []}, {"HTTPBearer": []}]),
            ),
        };
        assert_eq!(doc["components"]["securitySchemes"], schemes, "{auth:?}");

        let paths = doc["paths"].as_object().unwrap();
        let names: BTreeSet<&str> = paths.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            BTreeSet::from([
                "/sip/create-outbound-trunk",
                "/sip/list",
                "/sip/deactivate/{trunk_id}"
            ])
        );
        for (path, method) in [
            ("/sip/create-outbound-trunk", "post"),
            ("/sip/list", "get"),
            ("/sip/deactivate/{trunk_id}", "delete"),
        ] {
            assert_eq!(paths[path][method]["security"], security, "{path}");
        }

        let reference = paths["/sip/create-outbound-trunk"]["post"]["requestBody"]["content"]
            ["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap();
        let schemas = &doc["components"]["schemas"];
        match revision {
            ApiRevision::V1 => {
                assert_eq!(reference, "#/components/schemas/CreateOutboundTrunk");
                let props = &schemas["CreateOutboundTrunk"]["properties"];
                assert!(props.get("trunk_address").is_some());
                assert!(props.get("trunk_config").is_none());
            }
            ApiRevision::V2 => {
                assert_eq!(reference, "#/components/schemas/CreateOutboundTrunkRequest");
                let props = &schemas["CreateOutboundTrunkRequest"]["properties"];
                assert_eq!(
                    props["trunk_config"]["anyOf"],
                    json!([
                        {"$ref": "#/components/schemas/TwilioTrunkConfig"},
                        {"$ref": "#/components/schemas/ExotelTrunkConfig"}
                    ])
                );
                assert!(props.get("trunk_address").is_none());
                assert!(schemas.get("TwilioTrunkConfig").is_some());
                assert!(schemas.get("ExotelTrunkConfig").is_some());
            }
        }
        server.shutdown().await;
    }
}

#[tokio::test]
async fn each_combination_takes_its_header_and_refuses_the_others_like_real_servers() {
    let envelope = json!({"success": false, "message": "Invalid or missing API key", "data": {}});
    let (_, missing_www, missing_body) = fixture("v1-bearer-missing-header");
    let (_, wrong_scheme_www, wrong_scheme_body) = fixture("v1-bearer-wrong-scheme");
    let (_, _, v1_invalid_body) = fixture("v1-bearer-invalid-key");

    for (revision, auth) in COMBINATIONS {
        let server = serve(revision, auth, None, false).await;
        let what = format!("{revision} {auth:?}");

        let takes_api_key = auth != ServeAuth::Bearer;
        let takes_bearer = auth != ServeAuth::XApiKey;
        for (key, taken) in [
            (Header::ApiKey(KEY), takes_api_key),
            (Header::Bearer(KEY), takes_bearer),
        ] {
            let reply = server.list(key).await;
            if taken {
                assert_eq!(reply.status, 200, "{what} {key:?}: {}", reply.text);
                continue;
            }
            assert_eq!(reply.status, 401, "{what} {key:?}: {}", reply.text);
            match auth {
                // A Bearer server sent only x-api-key: FastAPI's HTTPBearer, byte for byte.
                ServeAuth::Bearer => {
                    assert_eq!(reply.text, wrong_scheme_body, "{what}");
                    assert_eq!(reply.www_authenticate, wrong_scheme_www, "{what}");
                }
                _ => {
                    assert_eq!(reply.json, envelope, "{what}");
                    assert_eq!(reply.www_authenticate, None);
                }
            }
        }

        let anonymous = server.list(Header::None).await;
        assert_eq!(anonymous.status, 401, "{what}");
        let unknown = server.list(accepted(auth, "tk_unknown")).await;
        assert_eq!(unknown.status, 401, "{what}");
        match auth {
            ServeAuth::Bearer => {
                assert_eq!(anonymous.text, missing_body, "{what}");
                assert_eq!(anonymous.www_authenticate, missing_www, "{what}");
                assert_eq!(anonymous.www_authenticate.as_deref(), Some("Bearer"));
                let expected = match revision {
                    ApiRevision::V1 => v1_invalid_body.clone(),
                    ApiRevision::V2 => r#"{"detail":"Invalid or inactive API key"}"#.into(),
                };
                assert_eq!(unknown.text, expected, "{what}");
                assert_eq!(unknown.www_authenticate, None, "{what}");
            }
            _ => {
                assert_eq!(anonymous.json, envelope, "{what}");
                assert_eq!(unknown.json, envelope, "{what}");
            }
        }
        // Strangers learn nothing about bodies: auth comes first, on every path.
        let create = server.create_raw(Header::None, "{not json").await;
        assert_eq!(create.status, 401, "{what}");
        let deactivate = server.deactivate(Header::None, "ST_000000000000").await;
        assert_eq!(deactivate.status, 401, "{what}");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn v1_servers_keep_the_documents_calls_whatever_the_scheme() {
    for auth in [ServeAuth::XApiKey, ServeAuth::Bearer, ServeAuth::Both] {
        let server = serve(ApiRevision::V1, auth, None, false).await;
        let key = accepted(auth, KEY);
        let id = created_id(&server.create(key, &v1_twilio()).await);
        assert!(is_twilio_id(&id), "{id}");
        let entries = listed(&server.list(key).await);
        assert_eq!(entries.len(), 1);
        assert_eq!(
            keys_of(&entries[0]),
            [
                "trunk_address",
                "trunk_created_at",
                "trunk_id",
                "trunk_name",
                "trunk_numbers",
                "trunk_type"
            ]
            .map(String::from)
            .into()
        );
        // A v2 body on a v1 server: the document's 400 with per-field errors.
        let reply = server.create(key, &v2_twilio()).await;
        assert_eq!(reply.status, 400, "{}", reply.text);
        assert_eq!(
            reply.json["data"]["errors"][0]["field"],
            json!("trunk_address")
        );
        assert!(!reply.text.contains(TWILIO_PASSWORD));
        let reply = server.deactivate(key, &id).await;
        assert_eq!(reply.status, 200);
        let again = server.deactivate(key, &id).await;
        assert_eq!(
            again.json,
            json!({"success": false, "message": "Trunk is already deactivated", "data": {}})
        );
        server.shutdown().await;
    }
}

#[tokio::test]
async fn v2_servers_create_both_providers_and_list_them_lean() {
    for auth in [ServeAuth::XApiKey, ServeAuth::Bearer, ServeAuth::Both] {
        let server = serve(ApiRevision::V2, auth, None, false).await;
        let key = accepted(auth, KEY);

        let twilio = server.create(key, &v2_twilio()).await;
        assert_eq!(twilio.content_type.as_deref(), Some("application/json"));
        let twilio_id = created_id(&twilio);
        assert!(is_twilio_id(&twilio_id), "{twilio_id}");
        let exotel_id = created_id(&server.create(key, &v2_exotel()).await);
        assert!(is_exotel_id(&exotel_id), "{exotel_id}");
        // Only what the body needs: optional fields may be left out.
        let minimal = json!({"trunk_name": "Exotel Minimal", "trunk_type": "exotel",
                             "trunk_config": {"exotel_number": "+918044319240"}});
        let minimal_id = created_id(&server.create(key, &minimal).await);
        assert!(is_exotel_id(&minimal_id), "{minimal_id}");

        let reply = server.list(key).await;
        let entries = listed(&reply);
        let lean: BTreeSet<String> = ["trunk_id", "trunk_name", "trunk_created_by_email"]
            .map(String::from)
            .into();
        for entry in &entries {
            assert_eq!(keys_of(entry), lean, "{entry}");
        }
        assert_eq!(
            ids(&reply),
            [twilio_id.as_str(), exotel_id.as_str(), minimal_id.as_str()]
        );
        assert_eq!(entries[0]["trunk_name"], json!("Twilio Production"));
        assert_eq!(entries[1]["trunk_name"], json!("Exotel India"));
        let email = entries[0]["trunk_created_by_email"].as_str().unwrap();
        assert!(email.ends_with("@example.invalid"), "{email}");
        assert!(
            entries
                .iter()
                .all(|e| e["trunk_created_by_email"] == json!(email))
        );
        for secret in [TWILIO_PASSWORD, KEY, "ACxxxxxxxx"] {
            assert!(!reply.text.contains(secret), "the list leaks {secret}");
        }

        // Another user: their own trunks, their own address.
        let other = accepted(auth, OTHER_KEY);
        let theirs = created_id(&server.create(other, &v2_twilio()).await);
        let their_list = listed(&server.list(other).await);
        assert_eq!(their_list.len(), 1);
        assert_eq!(their_list[0]["trunk_id"], json!(theirs));
        assert_ne!(their_list[0]["trunk_created_by_email"], json!(email));

        // Deactivate answers as the recorded servers do.
        let done = server.deactivate(key, &exotel_id).await;
        assert_eq!(
            done.json,
            json!({"success": true, "message": "Trunk deactivated successfully",
                   "data": {"trunk_id": exotel_id}})
        );
        for (reply, name) in [
            (
                server.deactivate(key, &exotel_id).await,
                "deactivate-400-again",
            ),
            (
                server.deactivate(key, "exotel_00000000").await,
                "deactivate-404",
            ),
            (server.deactivate(key, &theirs).await, "deactivate-404"),
        ] {
            let (status, _, body) = fixture(name);
            assert_eq!((reply.status, reply.text.as_str()), (status, body.as_str()));
        }
        assert_eq!(
            ids(&server.list(key).await),
            [twilio_id.as_str(), minimal_id.as_str()]
        );
        server.shutdown().await;
    }
}

#[tokio::test]
async fn v2_refuses_bad_bodies_with_422_paths_and_never_the_password() {
    for auth in [ServeAuth::XApiKey, ServeAuth::Bearer, ServeAuth::Both] {
        let server = serve(ApiRevision::V2, auth, None, false).await;
        let key = accepted(auth, KEY);

        // Rules broken inside trunk_config, and a password too long: each at its path.
        let long_password = format!("{TWILIO_PASSWORD}-{}", "x".repeat(100));
        let mut body = v2_twilio();
        body["trunk_name"] = json!("   ");
        body["trunk_config"]["address"] = json!("");
        body["trunk_config"]["numbers"] = json!(["5550100"]);
        body["trunk_config"]["password"] = json!(long_password);
        let reply = server.create(key, &body).await;
        assert_eq!(
            locs(&reply),
            [
                json!(["body", "trunk_name"]),
                json!(["body", "trunk_config", "address"]),
                json!(["body", "trunk_config", "numbers"]),
                json!(["body", "trunk_config", "password"]),
            ]
        );
        assert!(!reply.text.contains(TWILIO_PASSWORD), "{}", reply.text);

        // Missing and wrong-typed fields.
        let reply = server
            .create(
                key,
                &json!({"trunk_type": "vonage", "trunk_config": {"password": TWILIO_PASSWORD,
                        "numbers": "+15550100000"}}),
            )
            .await;
        assert_eq!(
            locs(&reply),
            [
                json!(["body", "trunk_name"]),
                json!(["body", "trunk_type"]),
                json!(["body", "trunk_config", "address"]),
                json!(["body", "trunk_config", "numbers"]),
                json!(["body", "trunk_config", "username"]),
            ]
        );
        assert_eq!(reply.json["detail"][0]["type"], json!("missing"));
        assert_eq!(reply.json["detail"][1]["type"], json!("enum"));
        assert_eq!(reply.json["detail"][3]["type"], json!("list_type"));
        assert!(!reply.text.contains(TWILIO_PASSWORD), "{}", reply.text);

        // The document's flat body: what the recorded server said, without its password.
        let reply = server.create(key, &v1_twilio()).await;
        assert_eq!(locs(&reply), [json!(["body", "trunk_config"])]);
        let entry = &reply.json["detail"][0];
        assert_eq!(
            without_input(entry),
            recorded_entry("v2-create-flat-body-422")
        );
        assert!(!reply.text.contains(TWILIO_PASSWORD), "{}", reply.text);
        assert!(!reply.text.contains("your_auth_token_here"));

        // An Exotel config for a Twilio trunk: the recorded value_error on the whole body.
        let mismatch = json!({"trunk_name": "Exotel India", "trunk_type": "twilio",
                              "trunk_config": {"exotel_number": "08044319240"}});
        let reply = server.create(key, &mismatch).await;
        assert_eq!(locs(&reply), [json!(["body"])]);
        assert_eq!(
            without_input(&reply.json["detail"][0]),
            recorded_entry("v2-create-mismatch-422")
        );
        // And a Twilio config (password and all) for an Exotel trunk.
        let mut mismatch = v2_twilio();
        mismatch["trunk_type"] = json!("exotel");
        let reply = server.create(key, &mismatch).await;
        assert_eq!(locs(&reply), [json!(["body"])]);
        assert_eq!(
            reply.json["detail"][0]["msg"],
            json!("Value error, trunk_config must match trunk_type 'exotel'")
        );
        assert!(!reply.text.contains(TWILIO_PASSWORD), "{}", reply.text);

        // Not JSON, and no body at all.
        let reply = server
            .create_raw(key, r#"{"trunk_name": "x", "trunk_config": {"password": "#)
            .await;
        assert_eq!(locs(&reply), [json!(["body", 49])]);
        assert_eq!(reply.json["detail"][0]["type"], json!("json_invalid"));
        let reply = server.create_raw(key, "{not json").await;
        assert_eq!(locs(&reply), [json!(["body", 1])]);
        let reply = server.create_raw(key, "").await;
        assert_eq!(locs(&reply), [json!(["body"])]);
        assert_eq!(reply.json["detail"][0]["type"], json!("missing"));

        // Nothing invalid was stored.
        assert_eq!(ids(&server.list(key).await), Vec::<String>::new());
        server.shutdown().await;
    }
}

#[tokio::test]
async fn a_v2_exotel_trunk_survives_a_restart_with_its_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trunks.json");
    let key = Header::Bearer(KEY);

    let server = serve(
        ApiRevision::V2,
        ServeAuth::Bearer,
        Some(path.clone()),
        false,
    )
    .await;
    let exotel = created_id(&server.create(key, &v2_exotel()).await);
    let twilio = created_id(&server.create(key, &v2_twilio()).await);
    let before = server.list(key).await;
    server.shutdown().await;

    // The file holds what the trunk needs, and never a key.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(KEY) && !text.contains(OTHER_KEY));
    let file: Value = serde_json::from_str(&text).unwrap();
    let stored = file["trunks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["trunk_id"] == json!(exotel))
        .unwrap();
    assert_eq!(
        stored["exotel"],
        json!({"exotel_number": "08044319240", "sip_host": "sip.exotel.com",
               "sip_port": 5070, "sip_domain": "acme.exotel.in"})
    );
    assert_eq!(stored["trunk_type"], json!("exotel"));
    assert_eq!(stored["passthrough_mode"], json!(true));
    assert_eq!(
        stored["passthrough_webhook_url"],
        json!("https://hooks.example.com/call-ended")
    );

    let server = serve(
        ApiRevision::V2,
        ServeAuth::Bearer,
        Some(path.clone()),
        false,
    )
    .await;
    let after = server.list(key).await;
    assert_eq!(after.json, before.json);
    assert_eq!(ids(&after), [exotel.as_str(), twilio.as_str()]);
    server.shutdown().await;

    // The same file under a v1 server: the document's entry, its one number and SIP host.
    let server = serve(ApiRevision::V1, ServeAuth::Both, Some(path.clone()), false).await;
    let entries = listed(&server.list(Header::ApiKey(KEY)).await);
    assert_eq!(entries[0]["trunk_id"], json!(exotel));
    assert_eq!(entries[0]["trunk_type"], json!("exotel"));
    assert_eq!(entries[0]["trunk_numbers"], json!(["08044319240"]));
    assert_eq!(entries[0]["trunk_address"], json!("sip.exotel.com"));
    let reply = server.deactivate(Header::ApiKey(KEY), &exotel).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    server.shutdown().await;

    let server = serve(
        ApiRevision::V2,
        ServeAuth::Bearer,
        Some(path.clone()),
        false,
    )
    .await;
    assert_eq!(ids(&server.list(key).await), [twilio.as_str()]);
    server.shutdown().await;
}

#[tokio::test]
async fn v2_demo_data_is_the_sample_trunks_in_v2_shapes() {
    let server = serve(ApiRevision::V2, ServeAuth::Bearer, None, true).await;
    let reply = server.list(Header::Bearer(KEY)).await;
    let entries = listed(&reply);
    assert!(entries.len() >= 10, "{}", reply.text);
    let ids = ids(&reply);
    assert!(ids.iter().any(|id| is_exotel_id(id)), "{ids:?}");
    assert!(ids.iter().any(|id| is_twilio_id(id)), "{ids:?}");
    assert!(!reply.text.contains("fake"), "demo credentials stay out");
    assert_eq!(
        listed(&server.list(Header::Bearer(OTHER_KEY)).await).len(),
        0
    );
    server.shutdown().await;
}

#[tokio::test]
async fn v2_failures_other_than_validation_are_fastapi_details() {
    let server = serve(ApiRevision::V2, ServeAuth::XApiKey, None, false).await;
    let key = Header::ApiKey(KEY);
    let huge = format!(r#"{{"trunk_name":"{}"}}"#, "x".repeat(70 * 1024));
    let reply = server.create_raw(key, &huge).await;
    assert_eq!(reply.status, 413);
    assert_eq!(
        reply.json,
        json!({"detail": "Request body too large: at most 64 KiB"})
    );
    let reply = server.send("GET", "/nope", key, None).await;
    assert_eq!(reply.status, 404);
    assert!(
        reply.json["detail"]
            .as_str()
            .unwrap()
            .starts_with("Not found")
    );
    server.shutdown().await;
}

/// Each rule of `validate_create_v2` gets the FastAPI `type` (and `ctx`) of its kind, with the
/// rule's own words: a required text is `string_too_short`, a long one `string_too_long` with
/// its own limit, and every other rule `value_error`.
#[tokio::test]
async fn v2_rule_errors_carry_the_type_of_their_kind() {
    let server = serve(ApiRevision::V2, ServeAuth::Both, None, false).await;
    let key = Header::ApiKey(KEY);
    let entry = |reply: &Reply| {
        assert_eq!(reply.status, 422, "{}", reply.text);
        let detail = reply.json["detail"].as_array().unwrap();
        assert_eq!(detail.len(), 1, "{}", reply.text);
        let e = &detail[0];
        (e["type"].clone(), e["msg"].clone(), e["ctx"].clone())
    };

    let twilio_cases = [
        (
            "trunk_name",
            json!("   "),
            ("string_too_short", "required", json!({"min_length": 1})),
        ),
        (
            "trunk_name",
            json!("n".repeat(101)),
            (
                "string_too_long",
                "at most 100 characters (has 101)",
                json!({"max_length": 100}),
            ),
        ),
    ];
    for (field, value, (kind, msg, ctx)) in twilio_cases {
        let mut body = v2_twilio();
        body[field] = value;
        let reply = server.create(key, &body).await;
        assert_eq!(entry(&reply), (json!(kind), json!(msg), ctx), "{field}");
    }
    let config_cases = [
        (
            v2_twilio(),
            "numbers",
            json!([]),
            (
                "value_error",
                "Value error, at least one number is required",
                json!({"error": {}}),
            ),
        ),
        (
            v2_twilio(),
            "numbers",
            json!(["5550100"]),
            (
                "value_error",
                "Value error, \"5550100\" is not E.164: use + then country code and number, e.g. +15550100000",
                json!({"error": {}}),
            ),
        ),
        (
            v2_exotel(),
            "exotel_number",
            json!("0".repeat(21)),
            (
                "string_too_long",
                "at most 20 characters (has 21)",
                json!({"max_length": 20}),
            ),
        ),
        (
            v2_exotel(),
            "exotel_number",
            json!(" "),
            ("string_too_short", "required", json!({"min_length": 1})),
        ),
        (
            v2_exotel(),
            "sip_domain",
            json!("d".repeat(101)),
            (
                "string_too_long",
                "at most 100 characters",
                json!({"max_length": 100}),
            ),
        ),
        (
            v2_exotel(),
            "sip_port",
            json!(70000),
            (
                "value_error",
                "Value error, 70000 is not a port: use 1-65535",
                json!({"error": {}}),
            ),
        ),
    ];
    for (mut body, field, value, (kind, msg, ctx)) in config_cases {
        body["trunk_config"][field] = value;
        let reply = server.create(key, &body).await;
        assert_eq!(entry(&reply), (json!(kind), json!(msg), ctx), "{field}");
    }
    let mut body = v2_exotel();
    body["passthrough_webhook_url"] = json!("ftp://hooks.example.com");
    let reply = server.create(key, &body).await;
    assert_eq!(
        entry(&reply),
        (
            json!("value_error"),
            json!("Value error, not a URL: use https://host/path"),
            json!({"error": {}})
        )
    );
    server.shutdown().await;
}
