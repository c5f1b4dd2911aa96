//! The API client against the project's own server (`trunktui serve`), started in-process on
//! 127.0.0.1 port 0: the document's calls end to end, and the errors a person sees.

mod common;

use common::{
    KEY, KEY_SOURCE, OTHER_KEY, assert_readable, config, exotel_example, refused_addr,
    twilio_example, within,
};
use std::net::SocketAddr;
use std::path::PathBuf;
use trunktui::api::{
    ApiClient, ApiError, AuthScheme, ClientConfig, CreateTrunkRequest, Provider, Trunk,
};
use trunktui::server::{RunningServer, ServeOptions, start};

async fn serve(keys: &[&str], data: Option<PathBuf>) -> RunningServer {
    start(ServeOptions {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        api_keys: keys.iter().map(|k| k.to_string()).collect(),
        data,
        demo_data: false,
        revision: trunktui::api::ApiRevision::V1,
        auth: trunktui::server::ServeAuth::Both,
    })
    .await
    .expect("the server starts")
}

fn client(server: &RunningServer, key: Option<&str>) -> ApiClient {
    ApiClient::new(config(&server.base_url(), key)).expect("client")
}

fn client_with(cfg: ClientConfig) -> ApiClient {
    ApiClient::new(cfg).expect("client")
}

async fn list_ids(client: &ApiClient) -> Vec<String> {
    let list = within(client.list()).await.expect("list");
    assert_eq!(list.skipped, 0);
    list.trunks.into_iter().map(|t| t.trunk_id).collect()
}

fn find<'a>(trunks: &'a [Trunk], id: &str) -> &'a Trunk {
    trunks
        .iter()
        .find(|t| t.trunk_id == id)
        .unwrap_or_else(|| panic!("{id} is not in the list: {trunks:?}"))
}

/// A list entry holds exactly what was created, and a creation time that is naive UTC with
/// microseconds, as the document's servers write it, and close to now.
fn assert_listed_as_created(trunk: &Trunk, req: &CreateTrunkRequest) {
    assert_eq!(trunk.trunk_name.as_deref(), Some(req.trunk_name.as_str()));
    assert_eq!(
        trunk.trunk_address.as_deref(),
        Some(req.trunk_address.as_str())
    );
    assert_eq!(
        trunk.trunk_numbers.as_deref(),
        Some(req.trunk_numbers.as_slice())
    );
    assert_eq!(trunk.trunk_type.as_deref(), Some(req.trunk_type.as_str()));
    assert_eq!(trunk.trunk_type.as_deref(), Some(req.trunk_type.as_str()));
    assert_eq!(trunk.trunk_created_by_email, None);
    let created = trunk.trunk_created_at.as_deref().expect("trunk_created_at");
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]"
    );
    let at = time::PrimitiveDateTime::parse(created, &format)
        .unwrap_or_else(|e| panic!("{created:?} is not naive ISO 8601 with microseconds: {e}"))
        .assume_utc();
    let off = (time::OffsetDateTime::now_utc() - at).abs();
    assert!(
        off < time::Duration::minutes(5),
        "{created} is {off} away from now (UTC)"
    );
}

#[tokio::test]
async fn create_list_deactivate_round_trip() {
    let server = serve(&[KEY], None).await;
    let api = client(&server, Some(KEY));
    assert!(within(api.list()).await.expect("list").trunks.is_empty());

    let twilio = twilio_example();
    let exotel = exotel_example();
    let twilio_id = within(api.create(&twilio)).await.expect("create twilio");
    let exotel_id = within(api.create(&exotel)).await.expect("create exotel");
    assert_ne!(twilio_id, exotel_id);
    for id in [&twilio_id, &exotel_id] {
        assert!(
            id.starts_with("ST_") && id.len() == 15,
            "not the document's id shape: {id}"
        );
    }

    let list = within(api.list()).await.expect("list");
    assert_eq!(list.skipped, 0);
    assert_eq!(list.trunks.len(), 2, "{:?}", list.trunks);
    assert_listed_as_created(find(&list.trunks, &twilio_id), &twilio);
    assert_listed_as_created(find(&list.trunks, &exotel_id), &exotel);

    within(api.deactivate(&twilio_id))
        .await
        .expect("deactivate");
    assert_eq!(list_ids(&api).await, vec![exotel_id.clone()]);

    // Deactivating it again: 400 with the server's words.
    let err = within(api.deactivate(&twilio_id)).await.unwrap_err();
    match &err {
        ApiError::Invalid {
            status: 400,
            message: Some(message),
            fields,
        } => {
            assert!(
                message.contains("already deactivated"),
                "message: {message}"
            );
            assert!(fields.is_empty(), "{fields:?}");
        }
        other => panic!("expected Invalid 400, got {other:?}"),
    }
    let text = assert_readable(&err, &[KEY]);
    assert!(text.contains("already deactivated"), "{text}");

    // The other trunk is untouched by all this.
    assert_eq!(list_ids(&api).await, [exotel_id]);
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_trunk_is_not_found() {
    let server = serve(&[KEY], None).await;
    let api = client(&server, Some(KEY));
    let err = within(api.deactivate("ST_doesnotexist")).await.unwrap_err();
    match &err {
        ApiError::NotFound {
            status: 404,
            message,
        } => {
            assert_eq!(message, "Trunk not found")
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    let text = assert_readable(&err, &[KEY]);
    assert!(text.contains("Trunk not found"), "{text}");
    server.shutdown().await;
}

#[tokio::test]
async fn odd_trunk_id_is_one_percent_encoded_path_segment() {
    let server = serve(&[KEY], None).await;
    let api = client(&server, Some(KEY));
    let kept = within(api.create(&twilio_example())).await.expect("create");
    // Unencoded, `../x?y#z` would reach another path (the server's unknown-path answer, also
    // a 404 but with another message) or carry a query; encoded, it names no trunk.
    for odd in [
        "../x?y#z",
        &format!("../{kept}"),
        &format!("{kept}/"),
        &format!("{kept}?a=b"),
        &format!("{kept}#frag"),
    ] {
        let err = within(api.deactivate(odd)).await.unwrap_err();
        assert!(
            matches!(&err, ApiError::NotFound { status: 404, message } if message == "Trunk not found"),
            "{odd}: {err:?}"
        );
    }
    // None of those touched the real trunk.
    assert_eq!(list_ids(&api).await, [kept]);
    server.shutdown().await;
}

#[tokio::test]
async fn wrong_key_is_unauthorized_and_never_shown() {
    let server = serve(&[KEY], None).await;
    let wrong = "tk_wrong_key_that_must_stay_secret";
    let api = client(&server, Some(wrong));
    for err in [
        within(api.list()).await.unwrap_err(),
        within(api.create(&twilio_example())).await.unwrap_err(),
        within(api.deactivate("ST_aaaaaaaaaaaa")).await.unwrap_err(),
    ] {
        match &err {
            ApiError::Unauthorized {
                status: 401,
                header,
                key_source,
                ..
            } => {
                assert_eq!(*header, "x-api-key");
                assert_eq!(key_source, KEY_SOURCE);
            }
            other => panic!("expected Unauthorized, got {other:?}"),
        }
        assert!(err.is_auth());
        let text = assert_readable(&err, &[wrong, KEY]);
        assert!(text.contains("x-api-key"), "names the header: {text}");
        assert!(text.contains(KEY_SOURCE), "names the key source: {text}");
    }
    // Nothing was created by the refused call.
    assert!(list_ids(&client(&server, Some(KEY))).await.is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn missing_key_is_unauthorized_and_says_none_is_configured() {
    let server = serve(&[KEY], None).await;
    let api = client(&server, None);
    let err = within(api.list()).await.unwrap_err();
    assert_eq!(err, ApiError::NoKey { status: 401 });
    let text = assert_readable(&err, &[KEY]);
    assert!(
        text.contains("no API key is configured") && text.contains("TRUNKTUI_API_KEY"),
        "says no key is configured and how to set one: {text}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn bearer_scheme_works_too() {
    let server = serve(&[KEY], None).await;
    let mut cfg = config(&server.base_url(), Some(KEY));
    cfg.auth_scheme = AuthScheme::Bearer;
    let api = client_with(cfg);
    let id = within(api.create(&exotel_example())).await.expect("create");
    assert_eq!(list_ids(&api).await, vec![id.clone()]);
    within(api.deactivate(&id)).await.expect("deactivate");
    assert!(list_ids(&api).await.is_empty());

    // A wrong key under Bearer names that header.
    let mut cfg = config(&server.base_url(), Some("tk_wrong_bearer_key"));
    cfg.auth_scheme = AuthScheme::Bearer;
    let err = within(client_with(cfg).list()).await.unwrap_err();
    assert!(
        matches!(&err, ApiError::Unauthorized { status: 401, header, .. } if header.contains("Bearer")),
        "{err:?}"
    );
    let text = assert_readable(&err, &["tk_wrong_bearer_key"]);
    assert!(text.contains("Authorization: Bearer"), "{text}");
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_fields_come_back_per_field() {
    let server = serve(&[KEY], None).await;
    let api = client(&server, Some(KEY));
    // The client does not validate before sending; the server must say what is wrong.
    let password = "p".repeat(101) + "SECRET_PASSWORD_TAIL";
    let req = CreateTrunkRequest {
        trunk_name: "   ".into(),
        trunk_address: "example.pstn.twilio.com".into(),
        trunk_numbers: vec!["+15550100000".into(), "5550100".into()],
        trunk_auth_username: "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx".into(),
        trunk_auth_password: password.clone(),
        trunk_type: Provider::Twilio,
    };
    let err = within(api.create(&req)).await.unwrap_err();
    let ApiError::Invalid {
        status: 400,
        fields,
        ..
    } = &err
    else {
        panic!("expected Invalid 400, got {err:?}");
    };
    let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        named,
        ["trunk_name", "trunk_numbers", "trunk_auth_password"],
        "{fields:?}"
    );
    assert!(fields[1].message.contains("5550100"), "{fields:?}");
    assert!(fields[1].message.contains("E.164"), "{fields:?}");
    let text = assert_readable(&err, &[KEY, &password, "SECRET_PASSWORD_TAIL"]);
    for field in named {
        assert!(text.contains(field), "{field} missing from {text}");
    }
    // Nothing was created.
    assert!(list_ids(&api).await.is_empty());

    // An empty list of numbers, and an empty name, each named.
    let req = CreateTrunkRequest {
        trunk_name: String::new(),
        trunk_numbers: Vec::new(),
        ..exotel_example()
    };
    let err = within(api.create(&req)).await.unwrap_err();
    let ApiError::Invalid { fields, .. } = &err else {
        panic!("expected Invalid, got {err:?}");
    };
    let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(named, ["trunk_name", "trunk_numbers"], "{fields:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn each_key_sees_and_deactivates_only_its_own_trunks() {
    let server = serve(&[KEY, OTHER_KEY], None).await;
    let alice = client(&server, Some(KEY));
    let bob = client(&server, Some(OTHER_KEY));
    let alice_id = within(alice.create(&twilio_example())).await.expect("a");
    let bob_id = within(bob.create(&exotel_example())).await.expect("b");

    assert_eq!(list_ids(&alice).await, vec![alice_id.clone()]);
    assert_eq!(list_ids(&bob).await, vec![bob_id.clone()]);

    for (who, id) in [(&bob, &alice_id), (&alice, &bob_id)] {
        let err = within(who.deactivate(id)).await.unwrap_err();
        assert!(
            matches!(&err, ApiError::NotFound { status: 404, message } if message == "Trunk not found"),
            "another user's trunk must look unknown: {err:?}"
        );
    }
    // Both trunks are still active for their owners.
    assert_eq!(list_ids(&alice).await, vec![alice_id.clone()]);
    assert_eq!(list_ids(&bob).await, [bob_id]);

    // After its owner deactivates it, the other user still gets 404, not "already deactivated".
    within(alice.deactivate(&alice_id)).await.expect("own");
    let err = within(bob.deactivate(&alice_id)).await.unwrap_err();
    assert!(matches!(err, ApiError::NotFound { .. }), "{err:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn trunks_survive_a_restart_on_the_same_data_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("trunks.json");

    let server = serve(&[KEY], Some(path.clone())).await;
    let api = client(&server, Some(KEY));
    let kept_id = within(api.create(&twilio_example())).await.expect("create");
    let gone_id = within(api.create(&exotel_example())).await.expect("create");
    within(api.deactivate(&gone_id)).await.expect("deactivate");
    let before = within(api.list()).await.expect("list");
    server.shutdown().await;

    // The old address is closed: the client now sees a connection error, not a hang.
    let err = within(api.list()).await.unwrap_err();
    assert!(err.is_unreachable(), "{err:?}");

    let server = serve(&[KEY], Some(path.clone())).await;
    let api = client(&server, Some(KEY));
    let after = within(api.list()).await.expect("list after restart");
    assert_eq!(after, before, "the same trunks, with the same fields");
    assert_eq!(after.trunks.len(), 1);
    assert_listed_as_created(find(&after.trunks, &kept_id), &twilio_example());

    // The deactivation persisted too.
    let err = within(api.deactivate(&gone_id)).await.unwrap_err();
    assert!(
        matches!(&err, ApiError::Invalid { status: 400, message: Some(m), .. } if m.contains("already deactivated")),
        "{err:?}"
    );
    // The file never holds the key.
    let text = std::fs::read_to_string(&path).expect("data file");
    assert!(!text.contains(KEY));
    server.shutdown().await;
}

#[tokio::test]
async fn connection_refused_is_connect_with_the_url() {
    let addr = refused_addr().await;
    let base = format!("http://{addr}");
    let api = client_with(config(&base, Some(KEY)));
    let err = within(api.list()).await.unwrap_err();
    match &err {
        ApiError::Connect { url, reason } => {
            assert!(url.contains(&addr.to_string()), "{url}");
            // The innermost cause, which is the useful part.
            assert!(reason.to_ascii_lowercase().contains("refused"), "{reason}");
        }
        other => panic!("expected Connect, got {other:?}"),
    }
    assert!(err.is_unreachable());
    let text = assert_readable(&err, &[KEY]);
    assert!(
        text.contains(&format!("{base}/sip/list")),
        "names the URL: {text}"
    );

    // Create and deactivate report their own URLs.
    let err = within(api.create(&twilio_example())).await.unwrap_err();
    assert!(
        matches!(&err, ApiError::Connect { url, .. } if url.ends_with("/sip/create-outbound-trunk")),
        "{err:?}"
    );
    let err = within(api.deactivate("ST_x")).await.unwrap_err();
    assert!(
        matches!(&err, ApiError::Connect { url, .. } if url.ends_with("/sip/deactivate/ST_x")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_key_a_header_cannot_carry_is_refused_without_showing_it() {
    let server = serve(&[KEY], None).await;
    let bad = "tk_line\nbreak_secret";
    let api = client(&server, Some(bad));
    let err = within(api.list()).await.unwrap_err();
    // Refused before sending, so nothing happened on the server.
    assert!(matches!(&err, ApiError::NotSent(_)), "{err:?}");
    let text = assert_readable(&err, &["break_secret", "tk_line"]);
    assert!(text.contains(KEY_SOURCE), "{text}");
    server.shutdown().await;
}
