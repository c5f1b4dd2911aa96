//! The API client against a raw HTTP/1.1 responder on 127.0.0.1 that replays recorded answers
//! of real servers (`tests/fixtures/`) and the odd shapes of API.md: the request the client
//! sends, and the result or error a person would see for each answer.

mod common;

use common::{
    Answer, KEY, KEY_SOURCE, Received, Responder, assert_readable, config, fixture, twilio_example,
    within,
};
use serde_json::json;
use std::time::Duration;
use trunktui::api::{ApiClient, ApiError, AuthScheme, ClientConfig, FieldError, Trunk, TrunkList};

fn cfg(responder: &Responder) -> ClientConfig {
    config(&responder.base_url(), Some(KEY))
}

async fn create_with(
    answer: Answer,
    adjust: impl FnOnce(&mut ClientConfig),
) -> (Result<String, ApiError>, Received) {
    let mut responder = Responder::start(answer).await;
    let mut cfg = cfg(&responder);
    adjust(&mut cfg);
    let api = ApiClient::new(cfg).expect("client");
    let result = within(api.create(&twilio_example())).await;
    (result, responder.request().await)
}

async fn list_with(
    answer: Answer,
    adjust: impl FnOnce(&mut ClientConfig),
) -> (Result<TrunkList, ApiError>, Received) {
    let mut responder = Responder::start(answer).await;
    let mut cfg = cfg(&responder);
    adjust(&mut cfg);
    let api = ApiClient::new(cfg).expect("client");
    let result = within(api.list()).await;
    (result, responder.request().await)
}

async fn deactivate_with(answer: Answer, id: &str) -> (Result<(), ApiError>, Received) {
    let mut responder = Responder::start(answer).await;
    let api = ApiClient::new(cfg(&responder)).expect("client");
    let result = within(api.deactivate(id)).await;
    (result, responder.request().await)
}

fn keep(_: &mut ClientConfig) {}

fn bearer(cfg: &mut ClientConfig) {
    cfg.auth_scheme = AuthScheme::Bearer;
}

fn field_names(fields: &[FieldError]) -> Vec<&str> {
    fields.iter().map(|f| f.field.as_str()).collect()
}

/// Replays a create-validation fixture and checks the error names no echoed input.
async fn invalid_create(name: &str) -> (u16, Option<String>, Vec<FieldError>, String) {
    let fx = fixture(name);
    let echoes = fx.input_echoes();
    let (result, _) = create_with(Answer::fixture(name), keep).await;
    let err = result.expect_err(name);
    let mut secrets: Vec<&str> = echoes.iter().map(String::as_str).collect();
    secrets.push(KEY);
    let text = assert_readable(&err, &secrets);
    match err {
        ApiError::Invalid {
            status,
            message,
            fields,
        } => (status, message, fields, text),
        other => panic!("{name}: expected Invalid, got {other:?}"),
    }
}

// ---- What the client sends ------------------------------------------------------------

#[tokio::test]
async fn list_is_get_sip_list_with_the_x_api_key_header() {
    let (result, req) = list_with(Answer::fixture("v1-list-full"), keep).await;
    result.expect("list");
    assert_eq!(req.method, "GET");
    assert_eq!(req.target, "/sip/list");
    assert_eq!(req.header("x-api-key"), Some(KEY));
    assert_eq!(req.header("authorization"), None);
    assert!(req.body.is_empty());
    let agent = req.header("user-agent").unwrap_or_default();
    assert!(agent.starts_with("trunktui/"), "user agent {agent:?}");
}

#[tokio::test]
async fn bearer_scheme_sends_authorization_bearer_only() {
    let (result, req) = list_with(Answer::fixture("v2-list"), bearer).await;
    result.expect("list");
    assert_eq!(req.header("authorization"), Some(&*format!("Bearer {KEY}")));
    assert_eq!(req.header("x-api-key"), None);
}

#[tokio::test]
async fn no_key_sends_no_auth_header() {
    let (result, req) = list_with(Answer::fixture("v1-list-full"), |c| c.api_key = None).await;
    result.expect("list");
    assert_eq!(req.header("x-api-key"), None);
    assert_eq!(req.header("authorization"), None);
}

#[tokio::test]
async fn create_posts_the_documents_json_body() {
    let (result, req) = create_with(Answer::fixture("v1-create-ok"), keep).await;
    assert_eq!(result.expect("create"), "ST_HGRENHm5XfYm");
    assert_eq!(req.method, "POST");
    assert_eq!(req.target, "/sip/create-outbound-trunk");
    assert_eq!(req.header("x-api-key"), Some(KEY));
    let content_type = req.header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type:?}"
    );
    assert_eq!(
        req.json(),
        json!({
            "trunk_name": "Twilio Production",
            "trunk_address": "example.pstn.twilio.com",
            "trunk_numbers": ["+15550100000", "+15550100001"],
            "trunk_auth_username": "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "trunk_auth_password": "your_auth_token_here",
            "trunk_type": "twilio"
        })
    );
}

#[tokio::test]
async fn deactivate_is_delete_with_the_id_as_one_encoded_segment() {
    let (result, req) = deactivate_with(Answer::fixture("deactivate-ok"), "ST_vvz1opgNMjpP").await;
    result.expect("deactivate");
    assert_eq!(req.method, "DELETE");
    assert_eq!(req.target, "/sip/deactivate/ST_vvz1opgNMjpP");
    assert_eq!(req.header("x-api-key"), Some(KEY));

    let (result, req) = deactivate_with(Answer::fixture("deactivate-404"), "../x?y#z").await;
    assert!(
        matches!(result, Err(ApiError::NotFound { .. })),
        "{result:?}"
    );
    assert_eq!(req.target, "/sip/deactivate/..%2Fx%3Fy%23z");

    // Ids of other prefixes are sent as they are.
    let (result, req) = deactivate_with(Answer::fixture("deactivate-ok"), "exotel_1240b3d7").await;
    result.expect("deactivate");
    assert_eq!(req.target, "/sip/deactivate/exotel_1240b3d7");
}

#[tokio::test]
async fn a_base_url_with_a_path_keeps_it() {
    for base_path in ["/api/v1", "/api/v1/"] {
        let mut responder = Responder::start(Answer::fixture("v1-list-lean")).await;
        let cfg = config(&format!("{}{base_path}", responder.base_url()), Some(KEY));
        let api = ApiClient::new(cfg).expect("client");
        within(api.list()).await.expect("list");
        assert_eq!(responder.request().await.target, "/api/v1/sip/list");
    }
}

// ---- Successful answers of real servers -----------------------------------------------

#[tokio::test]
async fn create_ok_fixtures_give_the_trunk_id() {
    for (name, id) in [
        ("v1-create-ok", "ST_HGRENHm5XfYm"),
        ("v1-bearer-create-ok", "ST_vvz1opgNMjpP"),
        ("v2-create-twilio-ok", "ST_OqUkrfkechLP"),
        ("v2-create-exotel-ok", "exotel_1240b3d7"),
    ] {
        let (result, _) = create_with(Answer::fixture(name), keep).await;
        assert_eq!(result.expect(name), id, "{name}");
    }
}

#[tokio::test]
async fn full_list_entries_decode_every_field() {
    let (result, _) = list_with(Answer::fixture("v1-list-full"), keep).await;
    let list = result.expect("list");
    assert_eq!(list.skipped, 0);
    assert_eq!(
        list.trunks,
        [Trunk {
            trunk_id: "ST_HGRENHm5XfYm".into(),
            trunk_name: Some("Twilio Production".into()),
            trunk_address: Some("example.pstn.twilio.com".into()),
            trunk_numbers: Some(vec!["+15550100000".into()]),
            trunk_type: Some("twilio".into()),
            trunk_created_at: Some("2026-11-26T03:25:11.739310".into()),
            trunk_created_by_email: None,
        }]
    );
}

#[tokio::test]
async fn lean_list_entries_leave_the_rest_unknown() {
    let (result, _) = list_with(Answer::fixture("v1-list-lean"), keep).await;
    let list = result.expect("list");
    assert_eq!(list.skipped, 0);
    assert_eq!(
        list.trunks,
        [Trunk {
            trunk_id: "ST_vvz1opgNMjpP".into(),
            trunk_name: Some("Twilio Production".into()),
            trunk_address: None,
            trunk_numbers: None,
            trunk_type: None,
            trunk_created_at: None,
            trunk_created_by_email: Some("user1@example.com".into()),
        }]
    );
}

#[tokio::test]
async fn v2_list_shows_every_prefix() {
    let (result, _) = list_with(Answer::fixture("v2-list"), bearer).await;
    let list = result.expect("list");
    assert_eq!(list.skipped, 0);
    let shown: Vec<(&str, Option<&str>)> = list
        .trunks
        .iter()
        .map(|t| (t.trunk_id.as_str(), t.trunk_name.as_deref()))
        .collect();
    assert_eq!(
        shown,
        [
            ("ST_OqUkrfkechLP", Some("Twilio Production")),
            ("exotel_1240b3d7", Some("Exotel India"))
        ]
    );
    assert!(list.trunks.iter().all(|t| t.trunk_address.is_none()
        && t.trunk_type.is_none()
        && t.trunk_created_by_email.as_deref() == Some("user1@example.com")));
}

#[tokio::test]
async fn an_entry_without_an_id_is_counted_and_the_others_shown() {
    let body = json!({
        "success": true,
        "message": "SIP trunks retrieved successfully",
        "data": [
            {"trunk_id": "ST_aaaaaaaaaaaa", "trunk_name": "First", "future_field": {"x": 1}},
            {"trunk_name": "No id here", "trunk_type": "twilio"},
            {"trunk_id": "exotel_1a2b3c4d", "trunk_name": "Second", "trunk_type": "exotel"}
        ]
    });
    let (result, _) = list_with(Answer::json(200, body.to_string()), keep).await;
    let list = result.expect("list");
    assert_eq!(list.skipped, 1);
    let ids: Vec<&str> = list.trunks.iter().map(|t| t.trunk_id.as_str()).collect();
    assert_eq!(ids, ["ST_aaaaaaaaaaaa", "exotel_1a2b3c4d"]);
}

// ---- Validation errors of real servers ------------------------------------------------

const V1_FIELDS: [&str; 4] = [
    "trunk_name",
    "trunk_numbers",
    "trunk_auth_password",
    "trunk_type",
];

#[tokio::test]
async fn enveloped_422_maps_each_error_to_its_field() {
    let (status, message, fields, text) = invalid_create("v1-create-422-enveloped").await;
    assert_eq!(status, 422);
    assert_eq!(field_names(&fields), V1_FIELDS, "{fields:?}");
    assert_eq!(fields[0].message, "String should have at least 1 character");
    assert_eq!(fields[2].message, "Field required");
    // The envelope's message only repeats the field errors with `body.` paths.
    assert!(message.is_none(), "{message:?}");
    for field in V1_FIELDS {
        assert!(text.contains(field), "{field} missing from {text}");
    }
    assert!(!text.contains("body."), "{text}");
}

#[tokio::test]
async fn fastapi_detail_list_maps_each_error_to_its_field() {
    let (status, _, fields, text) = invalid_create("v1-create-422-detail").await;
    assert_eq!(status, 422);
    assert_eq!(field_names(&fields), V1_FIELDS, "{fields:?}");
    assert_eq!(fields[1].message, "Input should be a valid list");
    assert_eq!(fields[3].message, "Input should be 'exotel' or 'twilio'");
    for field in V1_FIELDS {
        assert!(text.contains(field), "{field} missing from {text}");
    }
}

#[tokio::test]
async fn the_fixtures_echo_what_must_not_be_shown() {
    // Guards the checks above: the fixtures do carry echoes for them to catch.
    let echoes = fixture("v1-create-422-detail").input_echoes();
    assert!(
        echoes.contains(&"ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx".to_string()),
        "{echoes:?}"
    );
    assert!(echoes.contains(&"vonage".to_string()), "{echoes:?}");
    let echoes = fixture("v2-create-flat-body-422").input_echoes();
    assert!(
        echoes.contains(&"your_auth_token_here".to_string()),
        "{echoes:?}"
    );
}

#[tokio::test]
async fn detail_string_400_is_the_servers_message() {
    let (status, message, fields, text) = invalid_create("v1-create-400-twilio-only").await;
    let said = "Trunk type not supported. Currently present only from twilio";
    assert_eq!(status, 400);
    assert_eq!(message.as_deref(), Some(said));
    assert!(fields.is_empty(), "{fields:?}");
    assert!(text.contains(said), "{text}");
}

#[tokio::test]
async fn malformed_json_422_is_a_general_message_with_no_field() {
    let (status, message, fields, text) =
        invalid_create("v1-create-malformed-json-422-enveloped").await;
    assert_eq!(status, 422);
    assert!(
        fields.is_empty(),
        "a JSON position is not a field: {fields:?}"
    );
    let message = message.expect("a general message");
    assert!(message.contains("JSON decode error"), "{message}");
    assert!(text.contains("JSON decode error"), "{text}");
}

#[tokio::test]
async fn v2_flat_body_422_never_leaks_the_echoed_password() {
    let (status, _, fields, text) = invalid_create("v2-create-flat-body-422").await;
    assert_eq!(status, 422);
    assert_eq!(
        fields,
        [FieldError::new("trunk_config", "Field required")],
        "{fields:?}"
    );
    assert!(!text.contains("your_auth_token_here"), "{text}");
    assert!(text.contains("trunk_config"), "{text}");
}

#[tokio::test]
async fn v2_mismatch_422_is_a_general_message() {
    let (status, message, fields, text) = invalid_create("v2-create-mismatch-422").await;
    assert_eq!(status, 422);
    assert!(
        fields.is_empty(),
        "`loc: [\"body\"]` names no field: {fields:?}"
    );
    let message = message.expect("a general message");
    assert!(
        message.contains("trunk_config must match trunk_type 'twilio'"),
        "{message}"
    );
    assert!(!text.contains("08044319240"), "{text}");
}

// ---- Auth errors of real servers ------------------------------------------------------

fn unauthorized(err: &ApiError) -> (u16, &'static str, Option<&str>) {
    match err {
        ApiError::Unauthorized {
            status,
            header,
            key_source,
            detail,
        } => {
            assert_eq!(key_source, KEY_SOURCE);
            (*status, *header, detail.as_deref())
        }
        other => panic!("expected Unauthorized, got {other:?}"),
    }
}

#[tokio::test]
async fn enveloped_401_is_unauthorized_with_the_servers_reason() {
    let (result, _) = list_with(Answer::fixture("v1-list-401-enveloped"), keep).await;
    let err = result.unwrap_err();
    assert_eq!(
        unauthorized(&err),
        (401, "x-api-key", Some("Invalid API key"))
    );
    let text = assert_readable(&err, &[KEY]);
    for part in ["Invalid API key", "x-api-key", KEY_SOURCE] {
        assert!(text.contains(part), "{part} missing from {text}");
    }
}

#[tokio::test]
async fn bearer_server_without_header_is_unauthorized() {
    let (result, _) = list_with(Answer::fixture("v1-bearer-missing-header"), bearer).await;
    let err = result.unwrap_err();
    assert_eq!(
        unauthorized(&err),
        (401, "Authorization: Bearer", Some("Not authenticated"))
    );
    let text = assert_readable(&err, &[KEY]);
    assert!(text.contains("Authorization: Bearer"), "{text}");
    assert!(text.contains("Not authenticated"), "{text}");
}

#[tokio::test]
async fn bearer_server_with_unknown_key_is_unauthorized() {
    let (result, _) = list_with(Answer::fixture("v1-bearer-invalid-key"), bearer).await;
    let err = result.unwrap_err();
    assert_eq!(
        unauthorized(&err),
        (401, "Authorization: Bearer", Some("Invalid API key"))
    );
    assert_readable(&err, &[KEY]);
}

/// The recorded answer of a Bearer server to a client that sent `x-api-key`: FastAPI says
/// only "Not authenticated" in the body; the `WWW-Authenticate: Bearer` header is the one clue
/// that the profile's auth_scheme is wrong, and the person must get it.
#[tokio::test]
async fn bearer_server_sent_x_api_key_points_at_bearer() {
    let (result, _) = list_with(Answer::fixture("v1-bearer-wrong-scheme"), keep).await;
    let err = result.unwrap_err();
    let (status, header, _) = unauthorized(&err);
    assert_eq!((status, header), (401, "x-api-key"));
    let text = assert_readable(&err, &[KEY]);
    assert!(
        text.contains("Bearer"),
        "the server's WWW-Authenticate: Bearer is not mentioned: {text}"
    );
}

#[tokio::test]
async fn forbidden_with_www_authenticate_bearer_and_no_body_mentions_bearer() {
    let answer = Answer::new(403, Vec::new()).header("www-authenticate", "Bearer");
    let (result, _) = list_with(answer, keep).await;
    let err = result.unwrap_err();
    let (status, header, detail) = unauthorized(&err);
    assert_eq!((status, header), (403, "x-api-key"));
    assert!(detail.is_some_and(|d| d.contains("Bearer")), "{detail:?}");
    let text = assert_readable(&err, &[KEY]);
    assert!(text.contains("Authorization: Bearer"), "{text}");
    assert!(text.contains("403"), "{text}");
}

// ---- Deactivate outcomes of real servers ----------------------------------------------

#[tokio::test]
async fn deactivate_404_in_both_shapes_is_not_found() {
    for name in ["deactivate-404", "v1-deactivate-404-enveloped"] {
        let (result, _) = deactivate_with(Answer::fixture(name), "ST_unknown12345").await;
        let err = result.unwrap_err();
        assert_eq!(
            err,
            ApiError::NotFound {
                status: 404,
                message: "Trunk not found".into()
            },
            "{name}"
        );
        let text = assert_readable(&err, &[KEY]);
        assert!(text.contains("Trunk not found"), "{name}: {text}");
    }
}

#[tokio::test]
async fn deactivate_again_400_is_invalid_with_the_servers_words() {
    let (result, _) = deactivate_with(Answer::fixture("deactivate-400-again"), "ST_x").await;
    let err = result.unwrap_err();
    assert_eq!(
        err,
        ApiError::Invalid {
            status: 400,
            message: Some("Trunk is already inactive".into()),
            fields: Vec::new(),
        }
    );
    let text = assert_readable(&err, &[KEY]);
    assert!(text.contains("Trunk is already inactive"), "{text}");
}

// ---- What proxies and broken servers do -----------------------------------------------

const NGINX_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
    <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n\
    </body>\r\n</html>\r\n";

#[tokio::test]
async fn html_502_page_becomes_its_title() {
    let answer = Answer::new(502, NGINX_502).header("content-type", "text/html");
    let (result, _) = create_with(answer, keep).await;
    let err = result.unwrap_err();
    assert_eq!(
        err,
        ApiError::Server {
            status: 502,
            excerpt: "502 Bad Gateway".into()
        }
    );
    let text = assert_readable(&err, &[KEY]);
    assert!(!text.contains('<') && !text.contains('>'), "{text}");
}

#[tokio::test]
async fn html_page_without_title_is_a_short_excerpt_without_tags() {
    let filler = "The upstream server did not answer in time. ".repeat(40);
    let page = format!(
        "<!DOCTYPE html><html><body><h1>Bad gateway</h1>\n<p>{filler}</p>\x1b[2J</body></html>"
    );
    let answer = Answer::new(502, page).header("content-type", "text/html");
    let (result, _) = list_with(answer, keep).await;
    let err = result.unwrap_err();
    let ApiError::Server {
        status: 502,
        excerpt,
    } = &err
    else {
        panic!("expected Server 502, got {err:?}");
    };
    assert!(excerpt.starts_with("Bad gateway"), "{excerpt}");
    assert!(excerpt.chars().count() <= 200, "not short: {excerpt}");
    assert!(
        !excerpt.contains('<') && !excerpt.contains('>'),
        "{excerpt}"
    );
    assert_readable(&err, &[KEY]);
}

#[tokio::test]
async fn gateway_timeout_with_empty_body_is_a_server_error() {
    let (result, _) = list_with(Answer::new(504, Vec::new()), keep).await;
    let err = result.unwrap_err();
    let ApiError::Server {
        status: 504,
        excerpt,
    } = &err
    else {
        panic!("expected Server 504, got {err:?}");
    };
    assert!(!excerpt.trim().is_empty(), "says something: {err}");
    let text = assert_readable(&err, &[KEY]);
    assert!(text.contains("504"), "{text}");
}

#[tokio::test]
async fn server_error_detail_is_its_excerpt() {
    let (result, _) = create_with(Answer::json(500, r#"{"detail":"boom"}"#), keep).await;
    let err = result.unwrap_err();
    assert_eq!(
        err,
        ApiError::Server {
            status: 500,
            excerpt: "boom".into()
        }
    );
    let text = assert_readable(&err, &[KEY]);
    assert!(text.contains("500") && text.contains("boom"), "{text}");

    // The envelope shape says it in `message`.
    let body =
        r#"{"success":false,"message":"Internal server error during trunk creation","data":{}}"#;
    let (result, _) = create_with(Answer::json(500, body), keep).await;
    assert_eq!(
        result.unwrap_err(),
        ApiError::Server {
            status: 500,
            excerpt: "Internal server error during trunk creation".into()
        }
    );
}

#[tokio::test]
async fn control_characters_in_a_servers_message_are_not_shown() {
    let body = json!({"detail": "bad\u{1b}[31m name\r\nsecond line\u{7}"}).to_string();
    let (result, _) = create_with(Answer::json(400, body), keep).await;
    let err = result.unwrap_err();
    let text = assert_readable(&err, &[KEY]);
    assert!(
        matches!(err, ApiError::Invalid { status: 400, .. }),
        "{err:?}"
    );
    assert!(
        text.contains("bad") && text.contains("second line"),
        "{text}"
    );
}

#[tokio::test]
async fn truncated_json_is_unexpected_and_says_truncated() {
    let full = fixture("v1-list-full").body;
    let cut = &full[..full.len() / 2];
    let (result, _) = list_with(Answer::json(200, cut), keep).await;
    let err = result.unwrap_err();
    assert!(
        matches!(&err, ApiError::Unexpected { status: Some(200), detail } if detail.contains("truncated")),
        "{err:?}"
    );
    assert_readable(&err, &[KEY]);

    let full = fixture("v1-create-ok").body;
    let (result, _) = create_with(Answer::json(200, &full[..full.len() - 3]), keep).await;
    let err = result.unwrap_err();
    assert!(
        matches!(&err, ApiError::Unexpected { detail, .. } if detail.contains("truncated")),
        "{err:?}"
    );
}

#[tokio::test]
async fn empty_200_body_is_unexpected_and_says_empty() {
    let (result, _) = list_with(Answer::json(200, Vec::new()), keep).await;
    let err = result.unwrap_err();
    assert!(
        matches!(&err, ApiError::Unexpected { status: Some(200), detail } if detail.contains("empty")),
        "{err:?}"
    );
    assert_readable(&err, &[KEY]);

    let (result, _) = create_with(Answer::json(200, Vec::new()), keep).await;
    let err = result.unwrap_err();
    assert!(
        matches!(&err, ApiError::Unexpected { detail, .. } if detail.contains("empty")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_answer_slower_than_the_timeout_is_a_timeout() {
    let run = async {
        let answer = Answer::fixture("v1-list-full").delay(Duration::from_secs(5));
        list_with(answer, |c| c.timeout = Duration::from_millis(300)).await
    };
    let (result, req) = tokio::time::timeout(Duration::from_secs(3), run)
        .await
        .expect("the client did not give up within 3 s");
    assert_eq!(req.target, "/sip/list");
    let err = result.unwrap_err();
    match &err {
        ApiError::Timeout { url, limit } => {
            assert!(url.ends_with("/sip/list"), "{url}");
            assert_eq!(*limit, Duration::from_millis(300));
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert!(err.is_unreachable());
    let text = assert_readable(&err, &[KEY]);
    assert!(text.contains("timeout"), "{text}");
}

#[tokio::test]
async fn a_body_that_stalls_midway_is_a_timeout() {
    let run = async {
        let answer = Answer::fixture("v1-list-full").stall_after(20, Duration::from_secs(5));
        list_with(answer, |c| c.timeout = Duration::from_millis(300)).await
    };
    let (result, _) = tokio::time::timeout(Duration::from_secs(3), run)
        .await
        .expect("the client did not give up within 3 s");
    let err = result.unwrap_err();
    assert!(matches!(err, ApiError::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn a_body_over_the_cap_is_refused() {
    let big_name = "x".repeat(4000);
    let create_body = json!({"success": true, "message": big_name, "data": {"trunk_id": "ST_a"}});
    let (result, _) = create_with(Answer::json(200, create_body.to_string()), |c| {
        c.body_cap = 1024
    })
    .await;
    let err = result.unwrap_err();
    assert!(
        matches!(&err, ApiError::Unexpected { detail, .. } if detail.contains("larger than 1 KiB")),
        "{err:?}"
    );
    assert_readable(&err, &[KEY]);

    let list_body = json!({"success": true, "message": "ok", "data": [
        {"trunk_id": "ST_aaaaaaaaaaaa", "trunk_name": big_name}
    ]})
    .to_string();
    let (result, _) = list_with(Answer::json(200, list_body.clone()), |c| {
        c.list_body_cap = 1024
    })
    .await;
    let err = result.unwrap_err();
    assert!(
        matches!(&err, ApiError::Unexpected { detail, .. } if detail.contains("larger than 1 KiB")),
        "{err:?}"
    );

    // Each call has its own cap: a small create cap does not limit the list.
    let (result, _) = list_with(Answer::json(200, list_body), |c| c.body_cap = 1024).await;
    assert_eq!(result.expect("list").trunks.len(), 1);
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_an_error() {
    let full = fixture("v1-list-full").body;
    let declared = full.len() + 100;
    let answer = Answer::json(200, full).content_length(declared);
    let (result, _) = list_with(answer, keep).await;
    let err = result.unwrap_err();
    assert!(
        matches!(&err, ApiError::Unexpected { detail, .. } if detail.contains("closed")),
        "{err:?}"
    );
    assert_readable(&err, &[KEY]);

    let full = fixture("v1-create-ok").body;
    let answer = Answer::json(200, &full[..10]).content_length(full.len());
    let (result, _) = create_with(answer, keep).await;
    assert!(result.is_err(), "{result:?}");
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_an_error_naming_the_url() {
    let (result, req) = create_with(Answer::hang_up(), keep).await;
    assert_eq!(req.target, "/sip/create-outbound-trunk");
    let err = result.unwrap_err();
    assert!(
        !matches!(err, ApiError::Connect { .. }),
        "it did connect: {err:?}"
    );
    let text = assert_readable(&err, &[KEY]);
    assert!(text.contains("/sip/create-outbound-trunk"), "{text}");
}

/// Create is never retried: after a lost answer a retry could create the trunk twice.
#[tokio::test]
async fn a_create_whose_answer_is_lost_is_sent_once() {
    for answer in [
        Answer::hang_up(),
        Answer::json(502, Vec::new()),
        Answer::new(504, NGINX_502),
    ] {
        let mut responder = Responder::start(answer).await;
        let api = ApiClient::new(cfg(&responder)).expect("client");
        let result = within(api.create(&twilio_example())).await;
        assert!(result.is_err(), "{result:?}");
        assert_eq!(
            responder.request().await.target,
            "/sip/create-outbound-trunk"
        );
        if let Some(again) = responder.try_request() {
            panic!("create was sent again: {again:?}");
        }
    }
}

#[tokio::test]
async fn a_create_answer_without_a_trunk_id_is_unexpected() {
    let body = json!({"success": true, "message": "ok", "data": {}}).to_string();
    let (result, _) = create_with(Answer::json(200, body), keep).await;
    let err = result.unwrap_err();
    assert!(
        matches!(&err, ApiError::Unexpected { detail, .. } if detail.contains("trunk_id")),
        "{err:?}"
    );
    assert_readable(&err, &[KEY]);
}

#[tokio::test]
async fn a_non_json_200_list_is_unexpected_with_a_short_excerpt() {
    let (result, _) = list_with(Answer::new(200, NGINX_502), keep).await;
    let err = result.unwrap_err();
    assert!(matches!(err, ApiError::Unexpected { .. }), "{err:?}");
    let text = assert_readable(&err, &[KEY]);
    assert!(!text.contains('<'), "{text}");
}

#[tokio::test]
async fn a_detail_object_gives_its_message_never_its_input() {
    let body = r#"{"detail":{"msg":"bad trunk","input":{"trunk_auth_password":"pw-echo-77"}}}"#;
    let (result, _) = create_with(Answer::new(400, body), keep).await;
    let err = result.unwrap_err();
    let text = assert_readable(&err, &[KEY, "pw-echo-77"]);
    assert!(text.contains("bad trunk"), "{text}");
}

#[tokio::test]
async fn a_200_with_success_false_is_not_a_success() {
    let body = r#"{"success":false,"message":"Trunk quota reached","data":{}}"#;
    let (result, _) = create_with(Answer::new(200, body), keep).await;
    let err = result.unwrap_err();
    assert!(
        matches!(&err, ApiError::Unexpected { status: Some(200), detail } if detail.contains("Trunk quota reached")),
        "{err:?}"
    );
    let mut responder = Responder::start(Answer::new(200, body)).await;
    let api = ApiClient::new(cfg(&responder)).expect("client");
    assert!(within(api.deactivate("ST_x")).await.is_err());
    responder.request().await;
}

#[tokio::test]
async fn dot_ids_are_refused_before_anything_is_sent() {
    let responder = Responder::start(Answer::new(200, "{}")).await;
    let api = ApiClient::new(cfg(&responder)).expect("client");
    for id in [".", "..", " "] {
        let err = within(api.deactivate(id)).await.unwrap_err();
        assert!(matches!(err, ApiError::NotSent(_)), "{id:?}: {err:?}");
    }
}

#[tokio::test]
async fn a_422_about_the_auth_header_is_an_auth_error() {
    let body = r#"{"detail":[{"type":"missing","loc":["header","x-api-key"],"msg":"Field required","input":null}]}"#;
    let (result, _) = list_with(Answer::new(422, body), keep).await;
    let err = result.unwrap_err();
    assert!(
        matches!(err, ApiError::Unauthorized { status: 422, .. }),
        "{err:?}"
    );
    let text = assert_readable(&err, &[KEY]);
    assert!(text.contains("header.x-api-key: Field required"), "{text}");
}

#[tokio::test]
async fn a_413_says_the_request_is_too_large_and_a_bare_400_gives_no_reason() {
    let (result, _) = create_with(Answer::new(413, Vec::new()), keep).await;
    let err = result.unwrap_err();
    assert!(
        matches!(&err, ApiError::Invalid { status: 413, message: Some(m), .. } if m.contains("larger than the server accepts")),
        "{err:?}"
    );
    let (result, _) = create_with(Answer::json(400, "{}"), keep).await;
    let err = result.unwrap_err();
    assert_eq!(
        err,
        ApiError::Invalid {
            status: 400,
            message: None,
            fields: Vec::new()
        }
    );
    let text = assert_readable(&err, &[KEY]);
    assert!(text.contains("the server gave no reason"), "{text}");
}

#[tokio::test]
async fn an_empty_trunk_id_is_no_trunk_id() {
    let body = json!({"success": true, "message": "ok", "data": {"trunk_id": ""}}).to_string();
    let (result, _) = create_with(Answer::json(200, body), keep).await;
    let err = result.unwrap_err();
    assert!(
        matches!(&err, ApiError::Unexpected { detail, .. } if detail.contains("trunk_id")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_body_of_exactly_the_cap_is_read() {
    let body = fixture("v1-create-ok").body;
    let len = body.len();
    let (result, _) = create_with(Answer::json(200, body.clone()), |c| c.body_cap = len).await;
    assert_eq!(result.expect("at the cap"), "ST_HGRENHm5XfYm");
    let (result, _) = create_with(Answer::json(200, body), |c| c.body_cap = len - 1).await;
    assert!(
        matches!(&result, Err(ApiError::Unexpected { detail, .. }) if detail.contains("larger than")),
        "{result:?}"
    );
}
