//! Screens as the user sees them: the whole dashboard drawn into a fixed-size TestBackend, one
//! insta snapshot per pane and state, at 80x24 and 120x40. Time is fixed, so snapshots are
//! stable; the monotonic clock is only used for differences.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;
use std::time::{Duration, Instant};
use time::macros::datetime;
use trunktui::api::{FieldError, Provider, Trunk};
use trunktui::state::{Clock, Connection, Focus, FormField, Overlay, Profile, Severity, State};
use trunktui::ui::{self, layout};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
const HOSTILE_NAME: &str = "evil\x1b[31mred\x1b]52;c;AAAA\x07 漢字トランク";
const PASSWORD: &str = "s3cr3t-t0ken";

fn profile() -> Profile {
    Profile {
        name: "staging".into(),
        base_url: "https://sip-api.staging.example.com/v1".into(),
        read_only: false,
        accent: None,
        refresh_secs: 30,
    }
}

fn state(size: (u16, u16)) -> State {
    let now = Instant::now();
    let clock = Clock {
        instant: now,
        wall: datetime!(2026-11-26 12:00 UTC),
    };
    let mut s = State::new(profile(), clock);
    s.size = size;
    s.fit();
    s.connection = Connection::Ok;
    s.last_ok = Some(now.checked_sub(Duration::from_secs(12)).unwrap());
    s
}

#[allow(clippy::too_many_arguments)]
fn trunk(
    id: &str,
    name: Option<&str>,
    provider: Option<&str>,
    address: Option<&str>,
    numbers: Option<&[&str]>,
    created: Option<&str>,
    email: Option<&str>,
) -> Trunk {
    Trunk {
        trunk_id: id.into(),
        trunk_name: name.map(Into::into),
        trunk_address: address.map(Into::into),
        trunk_numbers: numbers.map(|n| n.iter().map(|s| s.to_string()).collect()),
        trunk_type: provider.map(Into::into),
        trunk_created_at: created.map(Into::into),
        trunk_created_by_email: email.map(Into::into),
    }
}

/// A dozen trunks as real servers send them: full, partial, hostile, wide, long, odd dates.
fn trunks() -> Vec<Trunk> {
    vec![
        trunk(
            "ST_9xKp2LmQ7vRt",
            Some("Twilio Production"),
            Some("twilio"),
            Some("acme-prod.pstn.twilio.com"),
            Some(&["+15550100000", "+15550100001", "+15550100002"]),
            Some("2026-01-15T10:00:00.000000"),
            Some("ops@acme.example"),
        ),
        trunk(
            "ST_a1B2c3D4e5F6",
            Some("Twilio Staging"),
            Some("twilio"),
            Some("acme-staging.pstn.twilio.com"),
            Some(&["+15550100010"]),
            Some("2026-11-20T08:30:00.123456"),
            None,
        ),
        trunk(
            "exotel_1a2b3c4d",
            Some("Exotel India"),
            Some("exotel"),
            Some("sip.exotel.com"),
            Some(&["+911234567890", "+911234567891"]),
            Some("2025-06-01T12:00:00Z"),
            None,
        ),
        trunk(
            "ST_Q8w7E6r5T4y3",
            Some("Support line EU"),
            Some("twilio"),
            Some("support-eu.pstn.twilio.com"),
            Some(&["+442071838750"]),
            Some("2026-11-26T11:59:30+00:00"),
            None,
        ),
        trunk(
            "exotel_9f8e7d6c",
            Some("Sales Mumbai"),
            Some("exotel"),
            Some("sip.exotel.com"),
            Some(&["+912233445566"]),
            Some("2026-09-10T04:15:00+05:30"),
            None,
        ),
        // A v2 server's entry: id, name and creator only.
        trunk(
            "ST_partial00001",
            Some("Partial entry"),
            None,
            None,
            None,
            None,
            Some("dev@acme.example"),
        ),
        trunk(
            "ST_h0st1leN4me1",
            Some(HOSTILE_NAME),
            Some("twilio"),
            Some("evil\u{202E}moc.oiliwt.ntsp"),
            Some(&["+15550199999"]),
            Some("2026-10-01T00:00:00"),
            None,
        ),
        trunk(
            "ST_t0ky0Off1ce1",
            Some("東京オフィス Tokyo office"),
            Some("exotel"),
            Some("sip.exotel.com"),
            Some(&["+81312345678"]),
            Some("2026-11-26T09:00:00.000000"),
            None,
        ),
        trunk(
            "ST_l3gacyTrunk1",
            Some("Legacy trunk"),
            Some("twilio"),
            Some("legacy.pstn.twilio.com"),
            Some(&[]),
            Some("yesterday"),
            None,
        ),
        trunk(
            "ST_m4rketingLng",
            Some("Marketing campaign outbound with a very long name that goes on and on"),
            Some("twilio"),
            Some("marketing-campaigns-very-long-subdomain.pstn.twilio.com"),
            Some(&[
                "+15550100100",
                "+15550100101",
                "+15550100102",
                "+15550100103",
                "+15550100104",
                "+15550100105",
            ]),
            Some("2024-03-02T09:00:00"),
            None,
        ),
        trunk(
            "ST_d3vSandb0x01",
            Some("Dev sandbox"),
            Some("twilio"),
            Some("dev.pstn.twilio.com"),
            Some(&["+15005550006"]),
            Some("2026-11-25T12:00:00.000000"),
            None,
        ),
        trunk(
            "exotel_0b1c2d3e",
            Some("Exotel Bangalore"),
            Some("exotel"),
            Some("sip.exotel.com"),
            Some(&["+918044319240"]),
            Some("2026-08-01T06:00:00.000000"),
            None,
        ),
    ]
}

fn loaded(size: (u16, u16)) -> State {
    let mut s = state(size);
    s.trunks.replace(trunks(), layout::list_rows(size));
    s.log
        .push("11:59:48".into(), Severity::Info, "GET /sip/list".into());
    s.log.push(
        "11:59:48".into(),
        Severity::Success,
        "12 trunks loaded in 84 ms".into(),
    );
    s
}

/// Draws the state as the app would after its last event: `update` ends every event with
/// `State::fit`, which hand-built states here have not been through.
fn render(state: &State) -> Terminal<TestBackend> {
    let mut state = state.clone();
    state.fit();
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::draw(f, &state)).unwrap();
    terminal
}

/// Snapshots the screen at both sizes, building the state for each.
fn snap(name: &str, build: impl Fn((u16, u16)) -> State) {
    for size in SIZES {
        let state = build(size);
        let terminal = render(&state);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), terminal.backend());
    }
}

fn screen_text(terminal: &Terminal<TestBackend>) -> String {
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn type_into(s: &mut State, field: FormField, value: &str) {
    s.form.set_value(field, value);
}

fn twilio_form(size: (u16, u16)) -> State {
    let mut s = loaded(size);
    s.overlay = Overlay::Form;
    type_into(&mut s, FormField::Name, "Twilio Production");
    type_into(&mut s, FormField::Address, "acme.example.com");
    type_into(&mut s, FormField::Numbers, "+15550100000, 0123");
    type_into(&mut s, FormField::Username, "AC0123456789abcdef");
    type_into(&mut s, FormField::Password, PASSWORD);
    s.form.touched[FormField::Name] = true;
    s.form.touched[FormField::Address] = true;
    s.form.touched[FormField::Numbers] = true;
    s.form.focus = FormField::Numbers;
    s.form.revalidate();
    s
}

#[test]
fn list() {
    snap("list", |size| {
        let mut s = loaded(size);
        s.trunks.move_by(2, layout::list_rows(size));
        s
    });
}

#[test]
fn list_empty() {
    snap("list_empty", |size| {
        let mut s = state(size);
        s.trunks.replace(Vec::new(), layout::list_rows(size));
        s
    });
}

#[test]
fn list_loading() {
    snap("list_loading", |size| {
        let mut s = state(size);
        s.connection = Connection::Connecting;
        s.last_ok = None;
        s.in_flight.list = Some(1);
        s
    });
}

#[test]
fn list_filtered() {
    snap("list_filtered", |size| {
        let mut s = loaded(size);
        s.trunks
            .set_filter("exotel".into(), layout::list_rows(size));
        s.trunks.filtering = true;
        s
    });
}

#[test]
fn list_filtered_to_nothing() {
    snap("list_filtered_to_nothing", |size| {
        let mut s = loaded(size);
        s.trunks.set_filter("plivo".into(), layout::list_rows(size));
        s
    });
}

#[test]
fn detail() {
    snap("detail", |size| {
        let mut s = loaded(size);
        s.trunks
            .select_id("ST_9xKp2LmQ7vRt", layout::list_rows(size));
        s.overlay = Overlay::Detail;
        s
    });
}

#[test]
fn detail_partial() {
    snap("detail_partial", |size| {
        let mut s = loaded(size);
        s.trunks
            .select_id("ST_partial00001", layout::list_rows(size));
        s.overlay = Overlay::Detail;
        s
    });
}

#[test]
fn form_twilio() {
    snap("form_twilio", twilio_form);
}

#[test]
fn form_exotel() {
    snap("form_exotel", |size| {
        let mut s = loaded(size);
        s.overlay = Overlay::Form;
        s.form.provider = Provider::Exotel;
        type_into(&mut s, FormField::Name, "Exotel India");
        type_into(&mut s, FormField::Address, "sip.exotel.in");
        type_into(&mut s, FormField::Numbers, "+911234567890");
        type_into(&mut s, FormField::Password, "tok");
        s.form.touched[FormField::Address] = true;
        s.form.touched[FormField::Username] = true;
        s.form.focus = FormField::Username;
        s.form.revalidate();
        s
    });
}

#[test]
fn form_server_errors() {
    snap("form_server_errors", |size| {
        let mut s = twilio_form(size);
        s.form.apply_server_errors(
            &[
                FieldError::new("trunk_name", "String should have at least 1 character"),
                FieldError::new("trunk_numbers", "value is not a valid E.164 phone number"),
            ],
            Some("Validation Error: 2 errors in the request body".into()),
        );
        s.form.focus = FormField::Name;
        s
    });
}

#[test]
fn form_paste_refused() {
    // Through `update`, as the terminal would send it: a paste with a line break into Name.
    snap("form_paste_refused", |size| {
        let mut s = twilio_form(size);
        s.form.focus = FormField::Name;
        trunktui::update::update(&mut s, trunktui::event::Event::Paste("Sales\nq".into()));
        assert!(s.form.notice.is_some());
        s
    });
}

#[test]
fn form_submitting() {
    let mut s = twilio_form((80, 24));
    type_into(&mut s, FormField::Numbers, "+15550100000");
    s.form.revalidate();
    s.form.submitting = Some(7);
    insta::assert_snapshot!("form_submitting_80x24", render(&s).backend());
}

#[test]
fn help() {
    snap("help", |size| {
        let mut s = loaded(size);
        s.overlay = Overlay::Help;
        s
    });
}

#[test]
fn confirm_deactivate() {
    snap("confirm_deactivate", |size| {
        let mut s = loaded(size);
        s.trunks
            .select_id("ST_9xKp2LmQ7vRt", layout::list_rows(size));
        s.overlay = Overlay::ConfirmDeactivate {
            trunk_id: "ST_9xKp2LmQ7vRt".into(),
            name: "Twilio Production".into(),
        };
        s
    });
}

fn with_log(size: (u16, u16)) -> State {
    let mut s = loaded(size);
    let lines = [
        (Severity::Info, "GET /sip/list"),
        (
            Severity::Error,
            "cannot connect to https://sip-api.staging.example.com/v1: connection refused. Is the trunk API running there?",
        ),
        (
            Severity::Warning,
            "1 list entry had no trunk_id and is not shown",
        ),
        (
            Severity::Info,
            "POST /sip/create-outbound-trunk \"Twilio Production\"",
        ),
        (
            Severity::Error,
            "invalid input (422): trunk_numbers: value is not a valid E.164 phone number",
        ),
        (
            Severity::Success,
            "created ST_9xKp2LmQ7vRt; store the trunk id securely",
        ),
        (
            Severity::Error,
            "server said: \x1b[31mInternal\x1b[0m error\x07",
        ),
        (Severity::Success, "deactivated exotel_1a2b3c4d"),
    ];
    for (i, (severity, text)) in lines.into_iter().enumerate() {
        s.log
            .push(format!("12:00:{:02}", i * 3), severity, text.into());
    }
    s.focus = Focus::Log;
    s
}

#[test]
fn log_with_errors() {
    snap("log_with_errors", with_log);
}

#[test]
fn log_scrolled() {
    snap("log_scrolled", |size| {
        let mut s = with_log(size);
        s.log.scroll_by(3);
        s
    });
}

#[test]
fn too_small() {
    let mut s = loaded((50, 12));
    s.size = (50, 12);
    insta::assert_snapshot!("too_small_50x12", render(&s).backend());
}

#[test]
fn read_only_with_accent() {
    snap("read_only_with_accent", |size| {
        let mut s = loaded(size);
        s.profile = Profile {
            name: "production".into(),
            base_url: "https://sip-api.example.com/v1".into(),
            read_only: true,
            accent: Some("red".into()),
            refresh_secs: 30,
        };
        // A refresh failed after an earlier success, and another one is under way.
        s.connection = Connection::Unreachable;
        s.in_flight.list = Some(4);
        s
    });
    let mut s = loaded((80, 24));
    s.profile.accent = Some("red".into());
    let terminal = render(&s);
    assert_eq!(terminal.backend().buffer()[(0, 0)].fg, Color::Red);
    s.profile.accent = Some("#ff8800".into());
    let terminal = render(&s);
    assert_eq!(
        terminal.backend().buffer()[(0, 0)].fg,
        Color::Rgb(255, 136, 0)
    );
}

#[test]
fn no_color() {
    snap("no_color", |size| {
        let mut s = with_log(size);
        s.no_color = true;
        s.focus = Focus::List;
        s.trunks.move_by(3, layout::list_rows(size));
        s
    });
    // Every screen, not just the list, is drawn without a single colour.
    let mut screens = Vec::new();
    for overlay in [Overlay::None, Overlay::Help, Overlay::Detail, Overlay::Form] {
        let mut s = with_log((80, 24));
        s.no_color = true;
        s.overlay = overlay;
        s.profile.accent = Some("red".into());
        s.profile.read_only = true;
        screens.push(s);
    }
    let mut form = twilio_form((80, 24));
    form.no_color = true;
    screens.push(form);
    for s in &screens {
        let terminal = render(s);
        for cell in terminal.backend().buffer().content() {
            assert_eq!(cell.fg, Color::Reset, "{:?} in {:?}", cell, s.overlay);
            assert_eq!(cell.bg, Color::Reset, "{:?} in {:?}", cell, s.overlay);
        }
    }
}

#[test]
fn no_cell_holds_a_control_character() {
    for size in SIZES {
        for overlay in [Overlay::None, Overlay::Detail] {
            let mut s = with_log(size);
            s.trunks
                .select_id("ST_h0st1leN4me1", layout::list_rows(size));
            s.overlay = overlay;
            let terminal = render(&s);
            for cell in terminal.backend().buffer().content() {
                assert!(
                    !cell.symbol().chars().any(|c| c.is_control()),
                    "control character in {:?}",
                    cell.symbol()
                );
            }
            let text = screen_text(&terminal);
            assert!(text.contains("evil␛[31mred␛]52;c;"), "{text}");
        }
    }
}

#[test]
fn the_password_never_shows_while_masked() {
    for size in SIZES {
        let mut s = twilio_form(size);
        for focus in FormField::ALL {
            s.form.focus = focus;
            let text = screen_text(&render(&s));
            assert!(!text.contains(PASSWORD), "{text}");
            assert!(!text.contains("s3cr3t"), "{text}");
            assert!(text.contains(&"•".repeat(PASSWORD.len())), "{text}");
        }
        s.form.show_password = true;
        assert!(screen_text(&render(&s)).contains(PASSWORD));
    }
}

#[test]
fn the_cursor_sits_in_the_focused_field() {
    let mut s = twilio_form((80, 24));
    s.form.focus = FormField::Username;
    let mut terminal = render(&s);
    let pos = terminal.get_cursor_position().unwrap();
    let text = screen_text(&terminal);
    let row = text.lines().nth(usize::from(pos.y)).unwrap();
    assert!(row.contains("› Username"), "{row}");
    assert!(row.contains("AC0123456789abcdef"), "{row}");
}

#[test]
fn every_key_is_in_the_help() {
    let mut s = loaded((120, 40));
    s.overlay = Overlay::Help;
    let text = screen_text(&render(&s));
    let [left, right] = ui::help::columns();
    let rows: Vec<_> = left
        .iter()
        .chain(&right)
        .flat_map(|s| s.rows.clone())
        .collect();
    assert!(rows.len() > 25, "{rows:?}");
    for (key, action) in rows {
        assert!(
            text.lines().any(|l| l.contains(&key) && l.contains(action)),
            "{key} {action} missing"
        );
    }
}

#[test]
fn the_end_of_a_huge_list_draws_right() {
    let size = (120, 40);
    let mut s = state(size);
    let many: Vec<Trunk> = (0..200_000)
        .map(|i| {
            trunk(
                &format!("ST_{i:012}"),
                Some(&format!("trunk {i:06}")),
                Some("twilio"),
                Some("bulk.pstn.twilio.com"),
                Some(&["+15550100000"]),
                Some("2026-11-01T00:00:00"),
                None,
            )
        })
        .collect();
    s.trunks.replace(many, layout::list_rows(size));
    s.trunks.select_last(layout::list_rows(size));
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    // Speed is measured by the benchmarks, not asserted here; this checks the end of a
    // huge list draws right.
    terminal.draw(|f| ui::draw(f, &s)).unwrap();
    assert!(screen_text(&terminal).contains("trunk 199999"));
}

#[test]
fn the_smallest_supported_size() {
    let size = (layout::MIN_WIDTH, layout::MIN_HEIGHT);
    let mut s = with_log(size);
    s.focus = Focus::List;
    s.trunks.set_filter("e".into(), layout::list_rows(size));
    s.trunks.filtering = true;
    insta::assert_snapshot!("list_60x16", render(&s).backend());
    let mut s = twilio_form(size);
    s.form
        .apply_server_errors(&[], Some("Validation Error".into()));
    insta::assert_snapshot!("form_60x16", render(&s).backend());
    s.overlay = Overlay::Help;
    insta::assert_snapshot!("help_60x16", render(&s).backend());
}

#[test]
fn every_size_draws_without_panicking() {
    let overlays = [
        Overlay::None,
        Overlay::Help,
        Overlay::Detail,
        Overlay::Form,
        Overlay::ConfirmDeactivate {
            trunk_id: "ST_h0st1leN4me1".into(),
            name: HOSTILE_NAME.into(),
        },
    ];
    let mut sizes: Vec<(u16, u16)> = Vec::new();
    for w in 0..=100 {
        for h in [0, 1, 8, 15, 16, 17, 24] {
            sizes.push((w, h));
        }
    }
    for h in 0..=45 {
        for w in [1, 59, 60, 61, 80] {
            sizes.push((w, h));
        }
    }
    for size in sizes {
        for overlay in &overlays {
            let mut s = twilio_form(size);
            s.trunks
                .select_id("ST_h0st1leN4me1", layout::list_rows(size));
            s.trunks.filter = HOSTILE_NAME.into();
            s.trunks.filtering = true;
            s.overlay = overlay.clone();
            render(&s);
        }
    }
}

/// A v2 server found by `/openapi.json`: the header says so and the form follows it.
fn v2_state(size: (u16, u16)) -> State {
    let mut s = loaded(size);
    s.api = Some(trunktui::api::Negotiated {
        scheme: trunktui::api::AuthScheme::Bearer,
        header: "Authorization".into(),
        revision: trunktui::api::ApiRevision::V2,
        source: trunktui::api::Source::OpenApi,
    });
    s.form.revision = trunktui::api::ApiRevision::V2;
    s.overlay = Overlay::Form;
    s
}

#[test]
fn form_v2_twilio() {
    snap("form_v2_twilio", |size| {
        let mut s = v2_state(size);
        type_into(&mut s, FormField::Name, "Twilio Production");
        type_into(&mut s, FormField::Address, "acme-prod.pstn.twilio.com");
        type_into(&mut s, FormField::Numbers, "+15550100000");
        type_into(&mut s, FormField::Username, "AC0123456789abcdef");
        type_into(&mut s, FormField::Password, PASSWORD);
        s.form.passthrough = true;
        s.form.focus = FormField::Passthrough;
        s.form.revalidate();
        s
    });
}

#[test]
fn form_v2_exotel() {
    snap("form_v2_exotel", |size| {
        let mut s = v2_state(size);
        s.form.provider = trunktui::api::Provider::Exotel;
        type_into(&mut s, FormField::Name, "Exotel Bangalore");
        type_into(&mut s, FormField::ExotelNumber, "08044319240");
        type_into(&mut s, FormField::SipPort, "99999");
        type_into(&mut s, FormField::WebhookUrl, "ftp://nope");
        s.form.touch_all();
        s.form.focus = FormField::SipPort;
        s.form.revalidate();
        s
    });
}

#[test]
fn list_lean_from_a_v2_server() {
    snap("list_lean", |size| {
        let mut s = state(size);
        let lean = (1..=3)
            .map(|i| trunktui::api::Trunk {
                trunk_id: format!("exotel_0000000{i}"),
                trunk_name: Some(format!("Lean trunk {i}")),
                trunk_created_by_email: Some("user1@example.com".into()),
                ..Default::default()
            })
            .collect();
        s.trunks.replace(lean, layout::list_rows(size));
        s
    });
}

#[test]
fn the_oldest_log_entry_is_reachable_when_lines_wrap() {
    let size = (80, 24);
    let mut s = loaded(size);
    s.log.push(
        "11:00:00".into(),
        Severity::Info,
        "the very first line".into(),
    );
    for i in 0..8 {
        s.log.push(
            "11:00:01".into(),
            Severity::Error,
            format!(
                "entry {i}: {}",
                "a long error that wraps over more than one line ".repeat(2)
            ),
        );
    }
    // Scroll as far up as the keys go (g in the log pane).
    s.log.scroll_to_oldest();
    let screen = screen_text(&render(&s));
    assert!(screen.contains("11:59:48  GET /sip/list"), "{screen}");
    s.log.scroll_to_newest();
    let screen = screen_text(&render(&s));
    assert!(!screen.contains("the very first line"), "{screen}");
    assert!(screen.contains("entry 7"), "{screen}");
}

/// What the real client answers (what it speaks, then the list), against the project's own
/// server when `serve_keys` is given, else against `base_url`. The defaults a new user has:
/// the auth header and revision read from `/openapi.json`.
fn real_answers(
    base_url: &str,
    key: Option<&str>,
    serve_keys: Option<&[&str]>,
) -> (
    Result<trunktui::api::Negotiated, trunktui::api::ApiError>,
    Result<trunktui::api::TrunkList, trunktui::api::ApiError>,
) {
    use trunktui::api::{ApiClient, ApiKey, AuthScheme, ClientConfig};
    use trunktui::server::{ServeAuth, ServeOptions, start};
    let patience = Duration::from_secs(20);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = match serve_keys {
            Some(keys) => Some(
                start(ServeOptions {
                    addr: ([127, 0, 0, 1], 0).into(),
                    api_keys: keys.iter().map(|k| k.to_string()).collect(),
                    data: None,
                    demo_data: false,
                    revision: trunktui::api::ApiRevision::V1,
                    auth: ServeAuth::XApiKey,
                })
                .await
                .expect("the server starts"),
            ),
            None => None,
        };
        let base = server
            .as_ref()
            .map_or_else(|| base_url.to_string(), |s| s.base_url());
        let mut cfg = ClientConfig::new(base, key.map(ApiKey::new));
        cfg.auth_scheme = AuthScheme::Auto;
        cfg.api_revision = None;
        cfg.key_source = "TRUNKTUI_API_KEY".into();
        let client = ApiClient::new(cfg).unwrap();
        let negotiated = tokio::time::timeout(patience, client.negotiate())
            .await
            .expect("negotiation ends");
        let listed = tokio::time::timeout(patience, client.list())
            .await
            .expect("the list request ends");
        if let Some(server) = server {
            server.shutdown().await;
        }
        (negotiated, listed)
    })
}

/// A new user's first screen: the dashboard started at `size`, and the real answers arrived
/// through `update`, as the worker would deliver them.
fn first_screen(
    size: (u16, u16),
    base_url: &str,
    answers: &(
        Result<trunktui::api::Negotiated, trunktui::api::ApiError>,
        Result<trunktui::api::TrunkList, trunktui::api::ApiError>,
    ),
) -> State {
    use trunktui::event::{ApiEvent, Command, Event};
    use trunktui::update::{start, update};
    let clock = Clock {
        instant: Instant::now(),
        wall: datetime!(2026-11-26 12:00 UTC),
    };
    let mut s = State::new(
        Profile {
            name: "default".into(),
            base_url: base_url.into(),
            read_only: false,
            accent: None,
            refresh_secs: 30,
        },
        clock,
    );
    update(&mut s, Event::Resize(size.0, size.1));
    let cmds = start(&mut s);
    let [
        Command::Negotiate { id: asked },
        Command::List { id: listed },
    ] = cmds[..]
    else {
        panic!("start asks what the server speaks, then lists: {cmds:?}");
    };
    update(
        &mut s,
        Event::Api(ApiEvent::Negotiated {
            id: asked,
            result: answers.0.clone(),
        }),
    );
    update(
        &mut s,
        Event::Api(ApiEvent::Listed {
            id: listed,
            elapsed: Duration::from_millis(3),
            result: answers.1.clone(),
        }),
    );
    s
}

fn assert_could_not_load(s: &State) {
    let text = screen_text(&render(s));
    assert!(text.contains("could not load trunks"), "{text}");
}

#[test]
fn could_not_load_trunks_server_unreachable() {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once, and
    // the address in the message is the same on every run.
    let base = "http://127.0.0.1:1";
    let answers = real_answers(base, Some("a-key"), None);
    assert!(
        matches!(answers.1, Err(trunktui::api::ApiError::Connect { .. })),
        "{:?}",
        answers.1
    );
    snap("could_not_load_unreachable", |size| {
        let s = first_screen(size, base, &answers);
        assert_eq!(s.connection, Connection::Unreachable);
        assert_could_not_load(&s);
        s
    });
}

#[test]
fn could_not_load_trunks_wrong_key() {
    let answers = real_answers("", Some("a-wrong-key"), Some(&["the-right-key"]));
    assert!(
        matches!(answers.1, Err(trunktui::api::ApiError::Unauthorized { .. })),
        "{:?}",
        answers.1
    );
    // The server's port changes from run to run; the header shows the profile's URL.
    snap("could_not_load_wrong_key", |size| {
        let s = first_screen(size, "http://127.0.0.1:8000", &answers);
        assert_eq!(s.connection, Connection::AuthFailed);
        assert_could_not_load(&s);
        s
    });
}

#[test]
fn could_not_load_trunks_no_key() {
    let answers = real_answers("", None, Some(&["the-right-key"]));
    assert!(
        matches!(answers.1, Err(trunktui::api::ApiError::NoKey { .. })),
        "{:?}",
        answers.1
    );
    snap("could_not_load_no_key", |size| {
        let s = first_screen(size, "http://127.0.0.1:8000", &answers);
        assert_could_not_load(&s);
        s
    });
}

/// A session's log, from real events: a list, refreshes that failed (the real client's error
/// for a refused connection) and came back, then a look back through the log.
fn log_after_refreshes(size: (u16, u16)) -> State {
    use trunktui::event::{ApiEvent, Command, Event};
    use trunktui::update::update;
    let (negotiated, refused) = real_answers("http://127.0.0.1:1", Some("a-key"), None);
    let mut s = first_screen(
        size,
        "https://sip-api.staging.example.com/v1",
        &(
            negotiated,
            Ok(trunktui::api::TrunkList {
                trunks: trunks(),
                skipped: 0,
            }),
        ),
    );
    let refresh = |s: &mut State, result| {
        let cmds = update(
            s,
            Event::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE)),
        );
        let [Command::List { id }] = cmds[..] else {
            panic!("r lists: {cmds:?}");
        };
        update(
            s,
            Event::Api(ApiEvent::Listed {
                id,
                elapsed: Duration::from_millis(4),
                result,
            }),
        );
    };
    for _ in 0..6 {
        refresh(&mut s, refused.clone());
    }
    refresh(
        &mut s,
        Ok(trunktui::api::TrunkList {
            trunks: trunks(),
            skipped: 0,
        }),
    );
    update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)),
    );
    s
}

fn press(s: &mut State, code: KeyCode, times: usize) {
    for _ in 0..times {
        trunktui::update::update(
            s,
            trunktui::event::Event::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        );
    }
}

#[test]
fn log_scrolled_by_keys_shows_both_markers() {
    snap("log_scrolled_by_keys", |size| {
        let mut s = log_after_refreshes(size);
        press(&mut s, KeyCode::Char('k'), 3);
        let text = screen_text(&render(&s));
        assert!(text.contains("↓3 newer") && text.contains("more"), "{text}");
        s
    });
}

#[test]
fn log_at_its_oldest_line() {
    snap("log_at_oldest", |size| {
        let mut s = log_after_refreshes(size);
        press(&mut s, KeyCode::Char('g'), 1);
        let text = screen_text(&render(&s));
        assert!(text.contains("newer") && !text.contains(" more "), "{text}");
        assert!(text.contains("profile default"), "{text}");
        s
    });
}

/// The whole of `message` is in the form, wrapped over as many lines as it takes: the text
/// inside the form's box, without whitespace, holds the message without whitespace.
fn assert_shows_whole(terminal: &Terminal<TestBackend>, message: &str) {
    let buf = terminal.backend().buffer();
    let at = |x: u16, y: u16| buf[(x, y)].symbol().to_string();
    let (w, h) = (buf.area.width, buf.area.height);
    let top = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .find(|&(x, y)| at(x, y) == "┌" && x + 2 < w && at(x + 2, y) == "N")
        .expect("the form's box");
    let right = (top.0 + 1..w)
        .find(|&x| at(x, top.1) == "┐")
        .expect("the box's right edge");
    let mut inside = String::new();
    for y in top.1 + 1..h {
        if at(top.0, y) == "└" {
            break;
        }
        for x in top.0 + 1..right {
            inside.push_str(&at(x, y));
        }
    }
    let squeeze = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '✗')
            .collect()
    };
    assert!(
        squeeze(&inside).contains(&squeeze(message)),
        "not all of {message:?} shows:\n{}",
        screen_text(terminal)
    );
}

/// A create that timed out, through `update` as the worker delivers it, then the list the
/// app asked for on its own, which does not show the trunk. `confirm` presses Enter once more.
fn create_outcome_unknown(size: (u16, u16), confirm: bool) -> State {
    use trunktui::api::{ApiError, TrunkList};
    use trunktui::event::{ApiEvent, Command, Event};
    use trunktui::update::update;
    let mut s = twilio_form(size);
    type_into(&mut s, FormField::Numbers, "+15550100000");
    let enter = || Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let cmds = update(&mut s, enter());
    let [Command::Create { id, .. }] = cmds[..] else {
        panic!("Enter creates: {cmds:?}");
    };
    // As the client words a timeout: the profile's base URL and the create's path.
    let timeout = ApiError::Timeout {
        url: "https://sip-api.staging.example.com/v1/sip/create-outbound-trunk".into(),
        limit: Duration::from_secs(10),
    };
    let cmds = update(
        &mut s,
        Event::Api(ApiEvent::Created {
            id,
            elapsed: Duration::from_secs(10),
            result: Err(timeout),
        }),
    );
    // The app lists the trunks again on its own (tests/flow_create.rs checks that it does).
    if let [Command::List { id }] = cmds[..] {
        update(
            &mut s,
            Event::Api(ApiEvent::Listed {
                id,
                elapsed: Duration::from_millis(6),
                result: Ok(TrunkList {
                    trunks: trunks(),
                    skipped: 0,
                }),
            }),
        );
    }
    if confirm {
        assert!(update(&mut s, enter()).is_empty(), "Enter asks first");
    }
    assert_eq!(s.overlay, Overlay::Form);
    s
}

#[test]
fn form_create_outcome_unknown() {
    for (name, confirm) in [
        ("form_create_outcome_unknown", false),
        ("form_create_confirm_resend", true),
    ] {
        for size in SIZES {
            let s = create_outcome_unknown(size, confirm);
            let message = s.form.general_error.clone().expect("a message");
            let terminal = render(&s);
            assert_shows_whole(&terminal, &message);
            insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), terminal.backend());
        }
    }
}

/// The message shows whole at every supported size, the smallest too.
#[test]
fn an_outcome_message_shows_whole_at_every_size() {
    for size in [(60, 16), (80, 24), (100, 30), (120, 40)] {
        let s = create_outcome_unknown(size, true);
        let message = s.form.general_error.clone().expect("a message");
        assert_shows_whole(&render(&s), &message);
    }
}
