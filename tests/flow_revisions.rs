//! The dashboard's create flow (keys into the form, the worker, the real client) against
//! `serve` in every combination of create revision and auth scheme, with no auth or revision
//! settings: what the server speaks is detected and the form follows it.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;
use trunktui::api::{ApiClient, ApiKey, ApiRevision, AuthScheme, ClientConfig, Provider, Source};
use trunktui::app::{AppOptions, Driver};
use trunktui::event::{ApiEvent, Event};
use trunktui::server::{ServeAuth, ServeOptions, start};
use trunktui::state::{Connection, FormField, Overlay, Profile};

const KEY: &str = "flow-revisions-key";

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn typed(d: &mut Driver, text: &str) {
    for c in text.chars() {
        d.handle(key(KeyCode::Char(c)));
    }
}

/// Applies worker answers until one to a request (not the negotiation) has been applied.
async fn settle(d: &mut Driver) {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), d.next_answer())
            .await
            .expect("an answer in time")
            .expect("worker alive");
        let negotiation = matches!(event, Event::Api(ApiEvent::Negotiated { .. }));
        d.handle(event);
        if !negotiation {
            return;
        }
    }
}

/// Moves the form's focus to `field`, the way a user would: Tab until it is there.
fn focus(d: &mut Driver, field: FormField) {
    for _ in 0..FormField::ALL.len() {
        if d.state().form.focus == field {
            return;
        }
        d.handle(key(KeyCode::Tab));
    }
    panic!(
        "{field:?} is not in the form: {:?}",
        d.state().form.fields()
    );
}

fn fill(d: &mut Driver, values: &[(FormField, &str)]) {
    for (field, text) in values {
        focus(d, *field);
        typed(d, text);
    }
}

async fn create_through_the_form(d: &mut Driver, provider: Provider) -> String {
    d.handle(key(KeyCode::Char('n')));
    assert_eq!(d.state().overlay, Overlay::Form);
    if d.state().form.provider != provider {
        focus(d, FormField::Provider);
        d.handle(key(KeyCode::Right));
    }
    let name = format!("{provider} via form");
    match (provider, d.state().form.revision) {
        (Provider::Exotel, ApiRevision::V2) => fill(
            d,
            &[
                (FormField::Name, &name),
                (FormField::ExotelNumber, "08044319240"),
                (FormField::SipPort, "5070"),
            ],
        ),
        (Provider::Exotel, ApiRevision::V1) => fill(
            d,
            &[
                (FormField::Name, &name),
                (FormField::Address, "sip.exotel.com"),
                (FormField::Numbers, "+911234567890"),
                (FormField::Username, "exotel_sid"),
                (FormField::Password, "flow-pass-e"),
            ],
        ),
        (Provider::Twilio, _) => fill(
            d,
            &[
                (FormField::Name, &name),
                (FormField::Address, "acme.pstn.twilio.com"),
                (FormField::Numbers, "+15550100000 +15550100001"),
                (FormField::Username, "AC0123"),
                (FormField::Password, "flow-pass-t"),
            ],
        ),
    }
    d.handle(key(KeyCode::Enter));
    assert!(
        d.state().form.submitting.is_some(),
        "not sent: {:?}",
        d.state().form.general_error
    );
    settle(d).await; // the create
    assert_eq!(
        d.state().overlay,
        Overlay::None,
        "{:?}",
        d.state().log.last()
    );
    settle(d).await; // the list that follows it
    let selected = d
        .state()
        .trunks
        .selected_trunk()
        .expect("the new trunk is selected");
    assert_eq!(selected.trunk_name.as_deref(), Some(name.as_str()));
    selected.trunk_id.clone()
}

#[tokio::test]
async fn the_form_creates_both_providers_in_every_combination() {
    for revision in [ApiRevision::V1, ApiRevision::V2] {
        for auth in [ServeAuth::XApiKey, ServeAuth::Bearer, ServeAuth::Both] {
            let server = start(ServeOptions {
                addr: ([127, 0, 0, 1], 0).into(),
                api_keys: vec![KEY.into()],
                data: None,
                demo_data: false,
                revision,
                auth,
            })
            .await
            .unwrap();
            let mut cfg = ClientConfig::new(server.base_url(), Some(ApiKey::new(KEY)));
            cfg.auth_scheme = AuthScheme::Auto;
            cfg.api_revision = None;
            let opts = AppOptions {
                profile: Profile {
                    name: "auto".into(),
                    base_url: server.base_url(),
                    read_only: false,
                    accent: None,
                    refresh_secs: 0,
                },
                client: ApiClient::new(cfg).unwrap(),
                log_file: None,
                no_color: false,
                warnings: Vec::new(),
            };
            let (mut d, _) = Driver::start(opts, (120, 40));
            settle(&mut d).await;
            assert_eq!(d.state().connection, Connection::Ok, "{revision} {auth:?}");
            let api = d.state().api.clone().expect("negotiated before the list");
            assert_eq!(api.source, Source::OpenApi);
            assert_eq!(api.revision, revision);
            assert_eq!(
                d.state().form.revision,
                revision,
                "the form follows the server"
            );
            assert!(
                d.state()
                    .log
                    .entries
                    .iter()
                    .any(|e| e.text.contains("from /openapi.json")),
                "the log says what was detected"
            );

            let twilio = create_through_the_form(&mut d, Provider::Twilio).await;
            let exotel = create_through_the_form(&mut d, Provider::Exotel).await;
            assert!(twilio.starts_with("ST_"));
            if revision == ApiRevision::V2 {
                assert!(exotel.starts_with("exotel_"), "{exotel}");
            }
            assert_eq!(d.state().trunks.all.len(), 2);
            server.shutdown().await;
        }
    }
}
