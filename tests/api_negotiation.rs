//! The client works with every server of this API unchanged: against `serve` in each
//! combination of create revision and auth scheme, with detection and with pinned settings,
//! and falls back cleanly when `/openapi.json` is missing, broken or huge.

mod common;

use common::{Answer, Responder, within};
use std::time::Duration;
use trunktui::api::{
    ApiClient, ApiError, ApiKey, ApiRevision, AuthScheme, ClientConfig, CreateTrunkRequest,
    CreateTrunkRequestV2, ExotelConfig, NewTrunk, Provider, Source, TrunkConfig,
};
use trunktui::server::{RunningServer, ServeAuth, ServeOptions, start};

const KEY: &str = "negotiation-key-Q7";

async fn serve(revision: ApiRevision, auth: ServeAuth) -> RunningServer {
    start(ServeOptions {
        addr: ([127, 0, 0, 1], 0).into(),
        api_keys: vec![KEY.into()],
        data: None,
        demo_data: false,
        revision,
        auth,
    })
    .await
    .expect("serve")
}

fn client(base: &str, auth: AuthScheme, revision: Option<ApiRevision>) -> ApiClient {
    let mut cfg = ClientConfig::new(base, Some(ApiKey::new(KEY)));
    cfg.auth_scheme = auth;
    cfg.api_revision = revision;
    cfg.timeout = Duration::from_secs(5);
    ApiClient::new(cfg).expect("client")
}

fn twilio_v1() -> NewTrunk {
    NewTrunk::V1(CreateTrunkRequest {
        trunk_name: "Twilio Production".into(),
        trunk_address: "example.pstn.twilio.com".into(),
        trunk_numbers: vec!["+15550100000".into()],
        trunk_auth_username: "ACxxxxxxxxxxxxxxxx".into(),
        trunk_auth_password: "neg-pass-1".into(),
        trunk_type: Provider::Twilio,
    })
}

fn exotel_v1() -> NewTrunk {
    NewTrunk::V1(CreateTrunkRequest {
        trunk_name: "Exotel India".into(),
        trunk_address: "sip.exotel.com".into(),
        trunk_numbers: vec!["+911234567890".into()],
        trunk_auth_username: "your_exotel_sid".into(),
        trunk_auth_password: "neg-pass-2".into(),
        trunk_type: Provider::Exotel,
    })
}

fn exotel_v2() -> NewTrunk {
    NewTrunk::V2(CreateTrunkRequestV2 {
        trunk_name: "Exotel Bangalore".into(),
        trunk_type: Provider::Exotel,
        trunk_config: TrunkConfig::Exotel(ExotelConfig {
            exotel_number: "08044319240".into(),
            sip_host: None,
            sip_port: Some(5070),
            sip_domain: None,
        }),
        passthrough_mode: true,
        passthrough_webhook_url: Some("https://hooks.example.com/end".into()),
    })
}

#[tokio::test]
async fn detection_lists_creates_and_deactivates_in_every_combination() {
    for revision in [ApiRevision::V1, ApiRevision::V2] {
        for auth in [ServeAuth::XApiKey, ServeAuth::Bearer, ServeAuth::Both] {
            let server = serve(revision, auth).await;
            let api = client(&server.base_url(), AuthScheme::Auto, None);
            let n = within(api.negotiate()).await.expect("negotiate");
            assert_eq!(n.source, Source::OpenApi, "{revision} {auth:?}");
            assert_eq!(n.revision, revision);
            let expected = if auth == ServeAuth::Bearer {
                AuthScheme::Bearer
            } else {
                AuthScheme::XApiKey
            };
            assert_eq!(n.scheme, expected, "{revision} {auth:?}");

            // Both providers, from the form's own revision: a v1 Twilio body is converted for
            // a v2 server; each revision's Exotel body goes to its own revision.
            let twilio = within(api.create(&twilio_v1())).await.expect("twilio");
            assert!(twilio.starts_with("ST_"), "{twilio}");
            let exotel_body = match revision {
                ApiRevision::V1 => exotel_v1(),
                ApiRevision::V2 => exotel_v2(),
            };
            let exotel = within(api.create(&exotel_body)).await.expect("exotel");
            if revision == ApiRevision::V2 {
                assert!(exotel.starts_with("exotel_"), "{exotel}");
            }
            let list = within(api.list()).await.expect("list");
            let ids: Vec<&str> = list.trunks.iter().map(|t| t.trunk_id.as_str()).collect();
            assert_eq!(
                ids,
                [twilio.as_str(), exotel.as_str()],
                "{revision} {auth:?}"
            );
            if revision == ApiRevision::V2 {
                // v2 lists only id, name and creator: the rest is unknown, not empty.
                assert_eq!(list.trunks[0].trunk_address, None);
                assert!(list.trunks[0].trunk_created_by_email.is_some());
            }
            within(api.deactivate(&twilio)).await.expect("deactivate");
            let left = within(api.list()).await.expect("list");
            assert_eq!(left.trunks.len(), 1);
            server.shutdown().await;
        }
    }
}

#[tokio::test]
async fn pinned_settings_are_used_without_asking() {
    let server = serve(ApiRevision::V2, ServeAuth::Bearer).await;
    let api = client(
        &server.base_url(),
        AuthScheme::Bearer,
        Some(ApiRevision::V2),
    );
    let n = within(api.negotiate()).await.unwrap();
    assert_eq!(n.source, Source::Pinned);
    assert!(within(api.create(&exotel_v2())).await.is_ok());

    // Pinned wrong: the server's refusal says which setting to change.
    let wrong = client(
        &server.base_url(),
        AuthScheme::XApiKey,
        Some(ApiRevision::V2),
    );
    let err = within(wrong.list()).await.unwrap_err();
    assert!(matches!(err, ApiError::Unauthorized { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("auth_scheme = \"bearer\""), "{text}");
    assert!(!text.contains(KEY));
    server.shutdown().await;
}

#[tokio::test]
async fn a_body_that_cannot_be_converted_says_what_is_missing() {
    let v2 = serve(ApiRevision::V2, ServeAuth::Both).await;
    let api = client(&v2.base_url(), AuthScheme::Auto, None);
    let err = within(api.create(&exotel_v1())).await.unwrap_err();
    assert_eq!(
        err,
        ApiError::Incompatible {
            revision: ApiRevision::V2,
            missing: vec!["trunk_config.exotel_number".into()]
        }
    );
    let v1 = serve(ApiRevision::V1, ServeAuth::Both).await;
    let api = client(&v1.base_url(), AuthScheme::Auto, None);
    let err = within(api.create(&exotel_v2())).await.unwrap_err();
    let text = err.to_string();
    for field in ["passthrough_mode", "trunk_address", "trunk_auth_password"] {
        assert!(text.contains(field), "{field} not in {text}");
    }
}

/// A responder that answers every path the same way: `/openapi.json` included.
async fn fallback_with(answer: Answer, why: &str) {
    let mut responder = Responder::start(answer).await;
    let api = client(&responder.base_url(), AuthScheme::Auto, None);
    let n = within(api.negotiate())
        .await
        .expect("a fallback, not an error");
    assert_eq!(
        (n.scheme, n.revision),
        (AuthScheme::XApiKey, ApiRevision::V1)
    );
    let Source::Fallback(reason) = &n.source else {
        panic!("expected a fallback: {n:?}")
    };
    assert!(reason.contains(why), "{why:?} not in {reason:?}");
    let asked = responder.request().await;
    assert_eq!(asked.target, "/openapi.json");
    // Asked once per session: a second call does not fetch it again.
    within(api.negotiate()).await.unwrap();
    assert!(responder.try_request().is_none());
}

#[tokio::test]
async fn no_document_falls_back_to_the_document_defaults() {
    fallback_with(Answer::new(404, r#"{"detail":"Not Found"}"#), "404").await;
}

#[tokio::test]
async fn a_malformed_document_falls_back() {
    fallback_with(
        Answer::new(200, "{\"openapi\": \"3.1.0\", \"paths\": {"),
        "not JSON",
    )
    .await;
    fallback_with(Answer::new(200, r#"{"openapi":"3.1.0"}"#), "incomplete").await;
}

#[tokio::test]
async fn a_huge_document_is_capped_and_falls_back() {
    let huge = format!(
        r#"{{"openapi":"3.1.0","x":"{}"}}"#,
        "a".repeat(5 * 1024 * 1024)
    );
    fallback_with(Answer::new(200, huge), "larger than 4 MiB").await;
}

#[tokio::test]
async fn an_unreachable_server_is_asked_again_later() {
    let addr = common::refused_addr().await;
    let api = client(&format!("http://{addr}"), AuthScheme::Auto, None);
    let err = within(api.negotiate()).await.unwrap_err();
    assert!(matches!(err, ApiError::Connect { .. }), "{err:?}");
    // Not cached: once a server is there, it is read.
    let server = start(ServeOptions {
        addr,
        api_keys: vec![KEY.into()],
        data: None,
        demo_data: false,
        revision: ApiRevision::V2,
        auth: ServeAuth::Bearer,
    })
    .await
    .unwrap();
    let n = within(api.negotiate()).await.unwrap();
    assert_eq!(
        (n.scheme, n.revision),
        (AuthScheme::Bearer, ApiRevision::V2)
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_bearer_challenge_after_the_fallback_says_which_setting_to_change() {
    let answer =
        Answer::new(401, r#"{"detail":"Not authenticated"}"#).header("www-authenticate", "Bearer");
    let responder = Responder::start(answer).await;
    let api = client(&responder.base_url(), AuthScheme::Auto, None);
    let err = within(api.list()).await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ApiError::Unauthorized { .. }), "{err:?}");
    assert!(
        text.contains("auth_scheme = \"bearer\"") && text.contains("--auth-scheme bearer"),
        "{text}"
    );
    assert!(!text.contains(KEY));
}

#[tokio::test]
async fn a_passing_failure_is_not_remembered() {
    let mut responder = Responder::start(Answer::new(502, "<html>bad gateway</html>")).await;
    let api = client(&responder.base_url(), AuthScheme::Auto, None);
    let n = within(api.negotiate()).await.unwrap();
    assert!(
        matches!(n.source, Source::Fallback(ref w) if w.contains("502")),
        "{n:?}"
    );
    assert_eq!(responder.request().await.target, "/openapi.json");
    // A proxy's 502 may pass: the next call asks the server again.
    within(api.negotiate()).await.unwrap();
    assert_eq!(responder.request().await.target, "/openapi.json");
}

#[tokio::test]
async fn a_document_cut_off_falls_back_and_is_asked_for_again() {
    let doc = r#"{"openapi":"3.1.0","paths":{}}"#;
    let answer = Answer::new(200, doc).content_length(doc.len() + 50);
    let mut responder = Responder::start(answer).await;
    let api = client(&responder.base_url(), AuthScheme::Auto, None);
    let n = within(api.negotiate()).await.expect("a fallback");
    assert!(
        matches!(&n.source, Source::Fallback(why) if why.contains("cut off")),
        "{n:?}"
    );
    assert_eq!(responder.request().await.target, "/openapi.json");
    // A cut connection may pass: the next call asks again.
    within(api.negotiate()).await.unwrap();
    assert_eq!(responder.request().await.target, "/openapi.json");
}

#[tokio::test]
async fn a_document_request_hung_up_on_falls_back_and_is_asked_for_again() {
    let mut responder = Responder::start(Answer::hang_up()).await;
    let api = client(&responder.base_url(), AuthScheme::Auto, None);
    let n = within(api.negotiate()).await.expect("a fallback");
    assert!(
        matches!(&n.source, Source::Fallback(why) if why.contains("/openapi.json failed")),
        "{n:?}"
    );
    assert_eq!(responder.request().await.target, "/openapi.json");
    within(api.negotiate()).await.unwrap();
    assert_eq!(responder.request().await.target, "/openapi.json");
}
