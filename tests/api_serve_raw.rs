//! The local trunk API (`trunktui serve`) spoken to over raw HTTP/1.1 on a TCP socket, so the
//! test sees exactly the bytes a client would: statuses, envelopes and the document's shapes.

use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use trunktui::server::{RunningServer, ServeOptions, start};

const KEY: &str = "tk_test_key_alpha";
const OTHER_KEY: &str = "tk_test_key_beta";

const TWILIO_EXAMPLE: &str = r#"{
           "trunk_name": "Twilio Production",
           "trunk_address": "example.pstn.twilio.com",
           "trunk_numbers": ["+15550100000", "+15550100001"],
           "trunk_auth_username": "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
           "trunk_auth_password": "your_auth_token_here",
           "trunk_type": "twilio"
         }"#;

const EXOTEL_EXAMPLE: &str = r#"{
           "trunk_name": "Exotel India",
           "trunk_address": "sip.exotel.com",
           "trunk_numbers": ["+911234567890"],
           "trunk_auth_username": "your_exotel_sid",
           "trunk_auth_password": "your_exotel_token",
           "trunk_type": "exotel"
         }"#;

const CREATED: &str = "Outbound trunk created successfully, Store the trunk id securely.";

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    text: String,
    json: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

async fn serve(keys: &[&str], data: Option<PathBuf>, demo_data: bool) -> RunningServer {
    start(ServeOptions {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        api_keys: keys.iter().map(|k| k.to_string()).collect(),
        data,
        demo_data,
        revision: trunktui::api::ApiRevision::V1,
        auth: trunktui::server::ServeAuth::Both,
    })
    .await
    .unwrap()
}

/// One request on its own connection (`Connection: close`), read to the end.
async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Reply {
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(body) = body {
            head.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body.unwrap_or_default());
        // A server may answer (413) and stop reading before the body is all sent; the
        // answer is what matters, so a failed write is not the test's failure.
        let _ = stream.write_all(&bytes).await;
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw).await;
        raw
    };
    let raw = tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .expect("the server answered within 10 s");
    parse_reply(&raw)
}

fn parse_reply(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete HTTP answer: {text:?}"));
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let json = serde_json::from_str(body).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        text: body.to_string(),
        json,
    }
}

async fn create(addr: SocketAddr, key: &str, body: &str) -> Reply {
    send(
        addr,
        "POST",
        "/sip/create-outbound-trunk",
        &[("x-api-key", key)],
        Some(body.as_bytes()),
    )
    .await
}

async fn list(addr: SocketAddr, key: &str) -> Reply {
    send(addr, "GET", "/sip/list", &[("x-api-key", key)], None).await
}

async fn deactivate(addr: SocketAddr, key: &str, id: &str) -> Reply {
    let path = format!("/sip/deactivate/{id}");
    send(addr, "DELETE", &path, &[("x-api-key", key)], None).await
}

fn created_id(reply: &Reply) -> String {
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json["data"]["trunk_id"].as_str().unwrap().to_string()
}

fn listed_ids(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["trunk_id"].as_str().unwrap().to_string())
        .collect()
}

fn is_document_id(id: &str) -> bool {
    id.strip_prefix("ST_")
        .is_some_and(|r| r.len() == 12 && r.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn is_naive_utc_micros(ts: &str) -> bool {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]"
    );
    time::PrimitiveDateTime::parse(ts, &format).is_ok()
}

fn assert_failure(reply: &Reply, status: u16, message: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(
        reply.json,
        json!({"success": false, "message": message, "data": {}}),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn the_documents_examples_create_trunks_and_list_them() {
    let server = serve(&[KEY], None, false).await;
    let addr = server.addr;

    let twilio = create(addr, KEY, TWILIO_EXAMPLE).await;
    assert_eq!(twilio.status, 200, "{}", twilio.text);
    assert_eq!(twilio.header("content-type"), Some("application/json"));
    let twilio_id = created_id(&twilio);
    assert!(is_document_id(&twilio_id), "{twilio_id}");
    assert_eq!(
        twilio.json,
        json!({"success": true, "message": CREATED, "data": {"trunk_id": twilio_id}})
    );
    // The envelope's fields come in the document's order.
    assert!(
        twilio.text.starts_with(r#"{"success":true,"message":"#),
        "{}",
        twilio.text
    );

    let exotel = create(addr, KEY, EXOTEL_EXAMPLE).await;
    let exotel_id = created_id(&exotel);
    assert!(is_document_id(&exotel_id));
    assert_ne!(twilio_id, exotel_id);

    let listed = list(addr, KEY).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.json["success"], json!(true));
    assert_eq!(
        listed.json["message"],
        json!("SIP trunks retrieved successfully")
    );
    let entries = listed.json["data"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let expected_keys: BTreeSet<&str> = [
        "trunk_id",
        "trunk_name",
        "trunk_address",
        "trunk_numbers",
        "trunk_type",
        "trunk_created_at",
    ]
    .into();
    for entry in entries {
        let keys: BTreeSet<&str> = entry
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(keys, expected_keys);
        let ts = entry["trunk_created_at"].as_str().unwrap();
        assert!(is_naive_utc_micros(ts), "{ts}");
    }
    assert_eq!(entries[0]["trunk_id"], json!(twilio_id));
    assert_eq!(entries[0]["trunk_name"], json!("Twilio Production"));
    assert_eq!(
        entries[0]["trunk_address"],
        json!("example.pstn.twilio.com")
    );
    assert_eq!(
        entries[0]["trunk_numbers"],
        json!(["+15550100000", "+15550100001"])
    );
    assert_eq!(entries[0]["trunk_type"], json!("twilio"));
    assert_eq!(entries[1]["trunk_id"], json!(exotel_id));
    assert_eq!(entries[1]["trunk_name"], json!("Exotel India"));
    assert_eq!(entries[1]["trunk_address"], json!("sip.exotel.com"));
    assert_eq!(entries[1]["trunk_numbers"], json!(["+911234567890"]));
    assert_eq!(entries[1]["trunk_type"], json!("exotel"));
    for secret in [
        "ACxxxxxxxx",
        "your_auth_token_here",
        "your_exotel_sid",
        "your_exotel_token",
    ] {
        assert!(!listed.text.contains(secret), "the list leaks {secret}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn a_missing_or_unknown_key_is_401_and_bearer_is_accepted() {
    let server = serve(&[KEY], None, false).await;
    let addr = server.addr;
    let denied = "Invalid or missing API key";

    assert_failure(
        &send(addr, "GET", "/sip/list", &[], None).await,
        401,
        denied,
    );
    assert_failure(&list(addr, "tk_wrong").await, 401, denied);
    assert_failure(&list(addr, "").await, 401, denied);
    let basic = send(
        addr,
        "GET",
        "/sip/list",
        &[("Authorization", "Basic dGs6eA==")],
        None,
    )
    .await;
    assert_failure(&basic, 401, denied);
    let wrong_bearer = [("Authorization", "Bearer tk_wrong")];
    assert_failure(
        &send(addr, "GET", "/sip/list", &wrong_bearer, None).await,
        401,
        denied,
    );
    // The key is checked before the body: no validation details for strangers.
    let anonymous_create = send(
        addr,
        "POST",
        "/sip/create-outbound-trunk",
        &[],
        Some(b"{not json"),
    )
    .await;
    assert_failure(&anonymous_create, 401, denied);
    assert_failure(
        &deactivate(addr, "tk_wrong", "ST_000000000000").await,
        401,
        denied,
    );

    let bearer = format!("Bearer {KEY}");
    let headers = [("Authorization", bearer.as_str())];
    let made = send(
        addr,
        "POST",
        "/sip/create-outbound-trunk",
        &headers,
        Some(TWILIO_EXAMPLE.as_bytes()),
    )
    .await;
    let id = created_id(&made);
    let listed = send(addr, "GET", "/sip/list", &headers, None).await;
    assert_eq!(listed_ids(&listed), [id.as_str()]);
    // Both schemes name the same user.
    assert_eq!(listed_ids(&list(addr, KEY).await), [id.as_str()]);
    let gone = send(
        addr,
        "DELETE",
        &format!("/sip/deactivate/{id}"),
        &headers,
        None,
    )
    .await;
    assert_eq!(gone.status, 200, "{}", gone.text);
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_input_is_400_with_an_error_per_field() {
    let server = serve(&[KEY], None, false).await;
    let addr = server.addr;

    let reply = create(
        addr,
        KEY,
        r#"{"trunk_name":"   ","trunk_address":"example.pstn.twilio.com",
            "trunk_numbers":["15550100000"],"trunk_auth_username":"AC1",
            "trunk_auth_password":"","trunk_type":"twilio"}"#,
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert_eq!(reply.json["success"], json!(false));
    let message = reply.json["message"].as_str().unwrap();
    assert!(
        message.starts_with("Invalid input: trunk_name: required; "),
        "{message}"
    );
    let errors = reply.json["data"]["errors"].as_array().unwrap();
    let fields: Vec<&str> = errors
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["trunk_name", "trunk_numbers", "trunk_auth_password"]
    );
    for e in errors {
        let keys: BTreeSet<&str> = e.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, BTreeSet::from(["field", "message"]));
        assert!(!e["message"].as_str().unwrap().is_empty());
    }

    // Missing fields, wrong types and an unknown provider: each field named once.
    let reply = create(
        addr,
        KEY,
        r#"{"trunk_name":42,"trunk_numbers":"+15550100000","trunk_type":"vonage"}"#,
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    let errors = reply.json["data"]["errors"].as_array().unwrap();
    let fields: Vec<&str> = errors
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "trunk_type",
            "trunk_name",
            "trunk_address",
            "trunk_numbers",
            "trunk_auth_username",
            "trunk_auth_password"
        ]
    );
    assert_eq!(errors[2]["message"], json!("required"));

    // Not JSON at all.
    for body in ["{\"trunk_name\": \"x\",", "", "[]", "\"text\""] {
        let reply = create(addr, KEY, body).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.text);
        assert_eq!(reply.json["success"], json!(false));
        assert!(
            reply.json["message"]
                .as_str()
                .unwrap()
                .starts_with("Invalid input: body: ")
        );
        assert_eq!(reply.json["data"]["errors"][0]["field"], json!("body"));
    }

    // Nothing invalid was stored.
    assert_eq!(listed_ids(&list(addr, KEY).await), Vec::<String>::new());
    server.shutdown().await;
}

#[tokio::test]
async fn a_body_over_64_kib_is_413_and_one_under_is_read() {
    let server = serve(&[KEY], None, false).await;
    let addr = server.addr;

    let huge = format!(r#"{{"trunk_name":"{}"}}"#, "x".repeat(70 * 1024));
    let reply = create(addr, KEY, &huge).await;
    assert_failure(&reply, 413, "Request body too large: at most 64 KiB");

    // 60 KiB gets through to validation, which names the field that is too long.
    let big = TWILIO_EXAMPLE.replace("Twilio Production", &"x".repeat(60 * 1024));
    let reply = create(addr, KEY, &big).await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert_eq!(
        reply.json["data"]["errors"][0]["field"],
        json!("trunk_name")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn deactivate_is_a_soft_delete_that_happens_once() {
    let server = serve(&[KEY], None, false).await;
    let addr = server.addr;
    let keep = created_id(&create(addr, KEY, EXOTEL_EXAMPLE).await);
    let id = created_id(&create(addr, KEY, TWILIO_EXAMPLE).await);

    let reply = deactivate(addr, KEY, &id).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.json,
        json!({"success": true, "message": "Trunk deactivated successfully", "data": {"trunk_id": id}})
    );
    assert_eq!(listed_ids(&list(addr, KEY).await), [keep]);

    assert_failure(
        &deactivate(addr, KEY, &id).await,
        400,
        "Trunk is already deactivated",
    );
    assert_failure(
        &deactivate(addr, KEY, "ST_doesnotexist").await,
        404,
        "Trunk not found",
    );
    assert_failure(
        &deactivate(addr, KEY, "exotel_1a2b3c4d").await,
        404,
        "Trunk not found",
    );
    server.shutdown().await;
}

#[tokio::test]
async fn each_key_sees_and_deactivates_only_its_own_trunks() {
    let server = serve(&[KEY, OTHER_KEY], None, false).await;
    let addr = server.addr;
    let mine = created_id(&create(addr, KEY, TWILIO_EXAMPLE).await);
    let theirs = created_id(&create(addr, OTHER_KEY, EXOTEL_EXAMPLE).await);

    assert_eq!(listed_ids(&list(addr, KEY).await), [mine.as_str()]);
    assert_eq!(listed_ids(&list(addr, OTHER_KEY).await), [theirs.as_str()]);

    // Another user's trunk is "not found", exactly like an id that does not exist.
    assert_failure(
        &deactivate(addr, OTHER_KEY, &mine).await,
        404,
        "Trunk not found",
    );
    assert_eq!(listed_ids(&list(addr, KEY).await), [mine.as_str()]);
    assert_eq!(deactivate(addr, KEY, &mine).await.status, 200);
    assert_eq!(listed_ids(&list(addr, OTHER_KEY).await), [theirs]);
    server.shutdown().await;
}

#[tokio::test]
async fn acknowledged_changes_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state").join("trunks.json");

    let server = serve(&[KEY, OTHER_KEY], Some(path.clone()), false).await;
    let addr = server.addr;
    let kept = created_id(&create(addr, KEY, TWILIO_EXAMPLE).await);
    let dropped = created_id(&create(addr, KEY, EXOTEL_EXAMPLE).await);
    let theirs = created_id(&create(addr, OTHER_KEY, EXOTEL_EXAMPLE).await);
    assert_eq!(deactivate(addr, KEY, &dropped).await.status, 200);
    let before = list(addr, KEY).await;
    server.shutdown().await;

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains(KEY) && !text.contains(OTHER_KEY),
        "the file holds a raw key"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, [std::ffi::OsString::from("trunks.json")]);

    let server = serve(&[KEY, OTHER_KEY], Some(path.clone()), false).await;
    let addr = server.addr;
    let after = list(addr, KEY).await;
    assert_eq!(after.json, before.json);
    assert_eq!(listed_ids(&after), [kept]);
    assert_eq!(listed_ids(&list(addr, OTHER_KEY).await), [theirs]);
    assert_failure(
        &deactivate(addr, KEY, &dropped).await,
        400,
        "Trunk is already deactivated",
    );
    server.shutdown().await;

    // A corrupt store stops the start, naming the file.
    std::fs::write(&path, "{\"version\":1,\"trunks\":[").unwrap();
    let err = start(ServeOptions {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        api_keys: vec![KEY.into()],
        data: Some(path.clone()),
        demo_data: false,
        revision: trunktui::api::ApiRevision::V1,
        auth: trunktui::server::ServeAuth::Both,
    })
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}

#[tokio::test]
async fn demo_data_belongs_to_the_first_key() {
    let server = serve(&[KEY, OTHER_KEY], None, true).await;
    let addr = server.addr;
    let listed = list(addr, KEY).await;
    let entries = listed.json["data"].as_array().unwrap();
    assert!(entries.len() >= 10, "{}", listed.text);
    for provider in ["twilio", "exotel"] {
        assert!(
            entries.iter().any(|e| e["trunk_type"] == json!(provider)),
            "{provider}"
        );
    }
    assert!(
        !listed.text.contains("fake"),
        "demo credentials stay out of the list"
    );
    assert_eq!(
        listed_ids(&list(addr, OTHER_KEY).await),
        Vec::<String>::new()
    );
    server.shutdown().await;
}

/// The demo trunks are added once, beside what the file already holds: another user's
/// trunks stay, and a restart does not add them again.
#[tokio::test]
async fn demo_data_is_seeded_once_and_keeps_the_trunks_already_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trunks.json");
    let server = serve(&[OTHER_KEY], Some(path.clone()), false).await;
    let theirs = created_id(&create(server.addr, OTHER_KEY, TWILIO_EXAMPLE).await);
    server.shutdown().await;

    let server = serve(&[KEY, OTHER_KEY], Some(path.clone()), true).await;
    assert_eq!(
        listed_ids(&list(server.addr, OTHER_KEY).await),
        std::slice::from_ref(&theirs)
    );
    let seeded = listed_ids(&list(server.addr, KEY).await);
    assert!(seeded.len() >= 10, "{seeded:?}");
    server.shutdown().await;

    let server = serve(&[KEY, OTHER_KEY], Some(path.clone()), true).await;
    assert_eq!(listed_ids(&list(server.addr, KEY).await), seeded);
    assert_eq!(listed_ids(&list(server.addr, OTHER_KEY).await), [theirs]);
    server.shutdown().await;
}

/// A data path that is not a file is refused at start as unreadable, naming it.
#[tokio::test]
async fn a_data_path_that_is_a_directory_is_refused_as_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trunks.json");
    std::fs::create_dir(&path).unwrap();
    let err = start(ServeOptions {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        api_keys: vec![KEY.into()],
        data: Some(path.clone()),
        demo_data: false,
        revision: trunktui::api::ApiRevision::V1,
        auth: trunktui::server::ServeAuth::Both,
    })
    .await
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("cannot read the trunk store {}", path.display())),
        "{text}"
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_in_the_envelope() {
    let server = serve(&[KEY], None, false).await;
    let addr = server.addr;
    let key = [("x-api-key", KEY)];

    for path in ["/", "/sip/lists", "/sip/deactivate/", "/sip/deactivate/a/b"] {
        let reply = send(addr, "GET", path, &key, None).await;
        assert_eq!(reply.status, 404, "{path}: {}", reply.text);
        assert_eq!(reply.json["success"], json!(false), "{path}");
        assert!(
            reply.json["message"]
                .as_str()
                .unwrap()
                .starts_with("Not found")
        );
        assert_eq!(reply.json["data"], json!({}));
    }
    let reply = send(addr, "POST", "/sip/list", &key, Some(b"{}")).await;
    assert_eq!(reply.status, 405, "{}", reply.text);
    assert_eq!(reply.json["success"], json!(false));
    server.shutdown().await;
}

#[tokio::test]
async fn shutdown_waits_until_the_port_is_closed() {
    let server = serve(&[KEY], None, false).await;
    let addr = server.addr;
    assert_eq!(list(addr, KEY).await.status, 200);
    tokio::time::timeout(Duration::from_secs(10), server.shutdown())
        .await
        .unwrap();
    assert!(TcpStream::connect(addr).await.is_err());
}
