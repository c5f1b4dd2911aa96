//! The state machine's answers to what a user and a server do, checked down to what it says:
//! every log line a session writes, word for word, the requests it asks for and the ones it
//! holds back. First through `update` with real events (no server), then through the app's
//! loop (`Driver`, real HTTP client) against the project's own server and a canned one.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use trunktui::api::{
    ApiClient, ApiError, ApiKey, ApiRevision, AuthScheme, ClientConfig, CreateTrunkRequest,
    FieldError, Negotiated, NewTrunk, Provider, Trunk, TrunkList,
};
use trunktui::app::{AppOptions, Driver};
use trunktui::event::{ApiEvent, Command, Event};
use trunktui::server::{RunningServer, ServeAuth, ServeOptions, start};
use trunktui::state::{Clock, Focus, FormField, Overlay, Profile, Severity, State};
use trunktui::update::{next_wakeup, update};

const MS: Duration = Duration::from_millis(7);

fn profile(read_only: bool) -> Profile {
    Profile {
        name: "local".into(),
        base_url: "http://127.0.0.1:8000".into(),
        read_only,
        accent: None,
        refresh_secs: 30,
    }
}

fn trunk(id: &str, name: &str) -> Trunk {
    Trunk {
        trunk_id: id.into(),
        trunk_name: Some(name.into()),
        trunk_address: Some("example.pstn.twilio.com".into()),
        trunk_numbers: Some(vec!["+15550100000".into()]),
        trunk_type: Some("twilio".into()),
        trunk_created_at: Some("2026-01-15T10:00:00.000000".into()),
        trunk_created_by_email: None,
    }
}

fn many(n: usize) -> Vec<Trunk> {
    (0..n)
        .map(|i| trunk(&format!("ST_{i:02}"), &format!("T{i:02}")))
        .collect()
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Event {
    key(KeyCode::Char(c))
}

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn typed(state: &mut State, text: &str) -> Vec<Command> {
    text.chars().flat_map(|c| update(state, ch(c))).collect()
}

fn press(state: &mut State, code: KeyCode, times: usize) {
    for _ in 0..times {
        update(state, key(code));
    }
}

fn list_id(cmds: &[Command]) -> u64 {
    cmds.iter()
        .find_map(|c| match c {
            Command::List { id } => Some(*id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a list request in {cmds:?}"))
}

fn listed(id: u64, result: Result<TrunkList, ApiError>) -> Event {
    Event::Api(ApiEvent::Listed {
        id,
        elapsed: MS,
        result,
    })
}

fn list(trunks: Vec<Trunk>, skipped: usize) -> Result<TrunkList, ApiError> {
    Ok(TrunkList { trunks, skipped })
}

fn negotiated(id: u64, result: Result<Negotiated, ApiError>) -> Event {
    Event::Api(ApiEvent::Negotiated { id, result })
}

fn created(id: u64, result: Result<String, ApiError>) -> Event {
    Event::Api(ApiEvent::Created {
        id,
        elapsed: MS,
        result,
    })
}

fn deactivated(id: u64, trunk_id: &str, result: Result<(), ApiError>) -> Event {
    Event::Api(ApiEvent::Deactivated {
        id,
        elapsed: MS,
        trunk_id: trunk_id.into(),
        result,
    })
}

fn not_found() -> ApiError {
    ApiError::NotFound {
        status: 404,
        message: "Trunk not found".into(),
    }
}

fn refused() -> ApiError {
    ApiError::Connect {
        url: "http://127.0.0.1:8000/sip/list".into(),
        reason: "Connection refused".into(),
    }
}

/// The last log line, as the log holds it.
fn said(state: &State) -> String {
    state.log.last().map(|e| e.text.clone()).unwrap_or_default()
}

fn severity(state: &State) -> Severity {
    state.log.last().expect("a log line").severity
}

/// Started at `size`: the negotiation (ids of both first requests returned) not answered yet.
fn started(size: (u16, u16), read_only: bool) -> (State, u64, u64) {
    let mut state = State::new(profile(read_only), Clock::now());
    update(&mut state, Event::Resize(size.0, size.1));
    let cmds = trunktui::update::start(&mut state);
    let [Command::Negotiate { id: asked }, Command::List { id }] = cmds[..] else {
        panic!("start asks what the server speaks, then lists: {cmds:?}");
    };
    (state, asked, id)
}

/// Started at 120x40 with `trunks` listed.
fn loaded(trunks: Vec<Trunk>) -> State {
    let (mut state, _, id) = started((120, 40), false);
    update(&mut state, listed(id, list(trunks, 0)));
    state
}

/// Opens the form and types a whole, valid Twilio draft.
fn fill_form(state: &mut State, name: &str) {
    update(state, ch('n'));
    assert_eq!(state.overlay, Overlay::Form);
    update(state, key(KeyCode::Tab));
    for (i, text) in [
        name,
        "example.pstn.twilio.com",
        "+15550100000",
        "ACxxxxxxxx",
        "s3cret-token",
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            update(state, key(KeyCode::Tab));
        }
        typed(state, text);
    }
}

fn create_id(cmds: &[Command]) -> u64 {
    match cmds {
        [Command::Create { id, .. }] => *id,
        other => panic!("one create: {other:?}"),
    }
}

// ---- What the log says ------------------------------------------------------------------

#[test]
fn the_start_the_negotiation_and_the_lists_say_what_happened() {
    let (mut state, asked, id) = started((120, 40), true);
    assert_eq!(
        said(&state),
        "profile local: http://127.0.0.1:8000 (read-only)"
    );
    trunktui::update::warn(&mut state, "accent \"mauve\" is not a colour".into());
    assert_eq!(said(&state), "accent \"mauve\" is not a colour");
    assert_eq!(severity(&state), Severity::Warning);

    // A stale negotiation answer changes nothing; the current one is said and kept.
    let n = Negotiated::defaults(trunktui::api::Source::OpenApi);
    update(&mut state, negotiated(asked + 100, Ok(n.clone())));
    assert!(state.api.is_none());
    update(&mut state, negotiated(asked, Ok(n.clone())));
    assert_eq!(
        said(&state),
        "server speaks auth header x-api-key, create API v1 (from /openapi.json)"
    );
    assert_eq!(state.api.as_ref(), Some(&n));

    let cmds = update(&mut state, listed(id, list(vec![trunk("ST_a", "A")], 1)));
    assert!(cmds.is_empty(), "what the server speaks is known: {cmds:?}");
    let lines: Vec<&str> = state.log.entries.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        lines[lines.len() - 2..],
        [
            "GET /sip/list 200 7ms: 1 trunk",
            "1 list entry had no trunk_id and is not shown"
        ]
    );
    assert_eq!(severity(&state), Severity::Warning);

    let id = list_id(&update(&mut state, ch('r')));
    update(&mut state, listed(id, list(many(2), 2)));
    let lines: Vec<&str> = state.log.entries.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        lines[lines.len() - 2..],
        [
            "GET /sip/list 200 7ms: 2 trunks",
            "2 list entries had no trunk_id and are not shown"
        ]
    );

    // No skipped entries: no line about them.
    let id = list_id(&update(&mut state, ch('r')));
    update(&mut state, listed(id, list(many(2), 0)));
    assert_eq!(said(&state), "GET /sip/list 200 7ms: 2 trunks");
    assert_eq!(severity(&state), Severity::Success);

    let id = list_id(&update(&mut state, ch('r')));
    let boom = ApiError::Server {
        status: 500,
        excerpt: "boom".into(),
    };
    update(&mut state, listed(id, Err(boom)));
    assert_eq!(
        said(&state),
        "GET /sip/list 500 7ms: server error 500: boom; showing the last good list"
    );
    assert_eq!(severity(&state), Severity::Error);
    let id = list_id(&update(&mut state, ch('r')));
    update(&mut state, listed(id, Err(refused())));
    assert!(
        said(&state).starts_with("GET /sip/list - 7ms: cannot connect"),
        "{}",
        said(&state)
    );
    let id = list_id(&update(&mut state, ch('r')));
    update(&mut state, listed(id, list(many(2), 0)));
    assert_eq!(
        said(&state),
        "GET /sip/list 200 7ms: 2 trunks (server is back)"
    );
}

#[test]
fn a_first_list_that_fails_does_not_speak_of_a_last_good_list() {
    let (mut state, _, id) = started((120, 40), false);
    update(&mut state, listed(id, Err(refused())));
    assert!(!said(&state).contains("last good list"), "{}", said(&state));
    assert!(state.failures == 1 && !state.is_stale());
}

#[test]
fn what_the_server_speaks_is_asked_again_after_a_good_list_until_it_is_known() {
    let (mut state, asked, id) = started((120, 40), false);
    // Unreachable: nothing learnt, nothing said.
    let lines = state.log.entries.len();
    update(&mut state, negotiated(asked, Err(refused())));
    assert!(state.api.is_none());
    assert_eq!(state.log.entries.len(), lines);
    let cmds = update(&mut state, listed(id, list(vec![], 0)));
    let [Command::Negotiate { id: again }] = cmds[..] else {
        panic!("a good list asks again: {cmds:?}");
    };
    // While that is in flight, another list does not ask a third time.
    let id = list_id(&update(&mut state, ch('r')));
    assert!(update(&mut state, listed(id, list(vec![], 0))).is_empty());
    // A v2 server: the form follows.
    let v2 = Negotiated {
        revision: ApiRevision::V2,
        ..Negotiated::defaults(trunktui::api::Source::OpenApi)
    };
    update(&mut state, negotiated(again, Ok(v2)));
    assert_eq!(state.form.revision, ApiRevision::V2);
    let id = list_id(&update(&mut state, ch('r')));
    assert!(update(&mut state, listed(id, list(vec![], 0))).is_empty());
}

#[test]
fn creates_say_what_was_sent_and_what_came_back() {
    let mut state = loaded(vec![trunk("ST_a", "Alpha")]);
    fill_form(&mut state, "Sales");
    let cmds = update(&mut state, key(KeyCode::Enter));
    let id = create_id(&cmds);
    assert_eq!(
        said(&state),
        "POST /sip/create-outbound-trunk: creating twilio trunk \"Sales\" (v1 body)"
    );
    // A stale answer changes nothing.
    assert!(update(&mut state, created(id + 50, Ok("ST_x".into()))).is_empty());
    assert!(state.form.submitting.is_some());
    let invalid = ApiError::Invalid {
        status: 422,
        message: None,
        fields: vec![FieldError::new("trunk_name", "name taken")],
    };
    assert!(update(&mut state, created(id, Err(invalid))).is_empty());
    assert_eq!(
        said(&state),
        "POST /sip/create-outbound-trunk 422 7ms: invalid input (422): trunk_name: name taken"
    );
    assert_eq!(severity(&state), Severity::Error);

    // A refusal that is not about fields goes to the top of the form.
    let id = create_id(&update(&mut state, key(KeyCode::Enter)));
    let key_refused = ApiError::NoKey { status: 401 };
    update(&mut state, created(id, Err(key_refused.clone())));
    assert_eq!(
        state.form.general_error.as_deref(),
        Some(key_refused.to_string().as_str())
    );
    assert!(
        said(&state).starts_with("POST /sip/create-outbound-trunk 401 7ms: unauthorized (401)"),
        "{}",
        said(&state)
    );

    let id = create_id(&update(&mut state, key(KeyCode::Enter)));
    let cmds = update(&mut state, created(id, Ok("ST_new".into())));
    list_id(&cmds);
    assert_eq!(
        said(&state),
        "POST /sip/create-outbound-trunk 200 7ms: created ST_new"
    );
    assert_eq!(severity(&state), Severity::Success);
}

#[test]
fn a_create_without_an_answer_says_each_step_and_the_form_follows() {
    let mut state = loaded(vec![trunk("ST_a", "Alpha")]);
    fill_form(&mut state, "Sales");
    let id = create_id(&update(&mut state, key(KeyCode::Enter)));
    let cut = ApiError::Unexpected {
        status: None,
        detail: "request to http://x/sip/create-outbound-trunk failed: connection closed".into(),
    };
    let reason = cut.to_string();
    let check = list_id(&update(&mut state, created(id, Err(cut))));
    assert_eq!(
        said(&state),
        format!(
            "POST /sip/create-outbound-trunk - 7ms: outcome unknown ({reason}); listing the trunks to see whether it went through"
        )
    );
    let checking = format!(
        "outcome unknown: {reason}. The trunk may have been created; checking the list for it…"
    );
    assert_eq!(state.form.general_error.as_deref(), Some(checking.as_str()));
    // Keys other than Enter while checking leave the message alone; Enter sends nothing.
    press(&mut state, KeyCode::Tab, 1);
    assert_eq!(state.form.general_error.as_deref(), Some(checking.as_str()));
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert_eq!(
        state.form.notice.as_deref(),
        Some("still checking the list for the first create; Enter asks again once it is known")
    );

    // The list could not be read: nothing is known, so sending again asks.
    update(&mut state, listed(check, Err(refused())));
    assert_eq!(
        said(&state),
        "could not check whether the create of \"Sales\" went through; sending it again asks first"
    );
    let unchecked = state.form.general_error.clone().unwrap();
    assert_eq!(
        unchecked,
        format!(
            "outcome unknown: {reason}. The list could not be read to check ({}), but the first create may have gone through. Enter asks before sending it again.",
            refused()
        )
    );
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert_eq!(
        state.form.general_error.as_deref(),
        Some(
            "outcome unknown: the first create may have gone through; press Enter again to send it again, Esc to go back."
        )
    );
    // A paste in between takes the yes back.
    update(&mut state, Event::Paste("x".into()));
    assert_eq!(
        state.form.general_error.as_deref(),
        Some(unchecked.as_str())
    );
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    let cmds = update(&mut state, key(KeyCode::Enter));
    create_id(&cmds);
    assert_eq!(
        said(&state),
        "POST /sip/create-outbound-trunk: creating twilio trunk \"Sales\" (v1 body), again: confirmed after an unknown outcome"
    );
}

#[test]
fn a_list_without_the_lost_create_says_so_and_a_later_one_with_it_ends_the_wait() {
    let mut state = loaded(vec![trunk("ST_a", "Sales")]);
    fill_form(&mut state, "Sales");
    let id = create_id(&update(&mut state, key(KeyCode::Enter)));
    let timeout = ApiError::Timeout {
        url: "http://x/sip/create-outbound-trunk".into(),
        limit: Duration::from_secs(10),
    };
    let check = list_id(&update(&mut state, created(id, Err(timeout))));
    // ST_a has the name and number, but it was listed before the submit.
    update(
        &mut state,
        listed(check, list(vec![trunk("ST_a", "Sales")], 0)),
    );
    assert_eq!(
        said(&state),
        "\"Sales\" is not in the list, but its create may still have gone through; sending it again asks first"
    );
    assert_eq!(severity(&state), Severity::Warning);
    assert_eq!(state.overlay, Overlay::Form);
    // The next refresh shows it: the wait is over, even with the form closed.
    update(&mut state, key(KeyCode::Esc));
    let id = list_id(&update(&mut state, ch('r')));
    update(
        &mut state,
        listed(
            id,
            list(vec![trunk("ST_a", "Sales"), trunk("ST_b", "Sales")], 0),
        ),
    );
    assert_eq!(
        said(&state),
        "POST /sip/create-outbound-trunk: the create of \"Sales\" went through after all: ST_b is in the list"
    );
    assert_eq!(state.trunks.selected_trunk().unwrap().trunk_id, "ST_b");
    assert!(state.form.unknown.is_none());
    assert_eq!(state.form.value(FormField::Name), "");
}

// ---- A create and the lists around it ---------------------------------------------------

#[test]
fn a_create_supersedes_a_list_in_flight_whose_answer_is_then_ignored() {
    let mut state = loaded(vec![trunk("ST_a", "Alpha")]);
    let old = list_id(&update(&mut state, ch('r')));
    fill_form(&mut state, "Sales");
    let id = create_id(&update(&mut state, key(KeyCode::Enter)));
    let new = list_id(&update(&mut state, created(id, Ok("ST_new".into()))));
    assert_ne!(old, new);
    assert_eq!(state.in_flight.list, Some(new));
    // The older list, sent before the create, does not show the new trunk: ignored.
    update(
        &mut state,
        listed(old, list(vec![trunk("ST_a", "Alpha")], 0)),
    );
    assert_eq!(state.in_flight.list, Some(new));
    assert_eq!(state.select_on_load.as_deref(), Some("ST_new"));
    update(
        &mut state,
        listed(
            new,
            list(vec![trunk("ST_a", "Alpha"), trunk("ST_new", "Sales")], 0),
        ),
    );
    assert_eq!(state.trunks.selected_trunk().unwrap().trunk_id, "ST_new");
    assert_eq!(state.in_flight.list, None);
}

#[test]
fn the_new_trunk_is_selected_and_a_filter_that_hides_it_is_cleared() {
    // A filter that still shows the new trunk stays.
    let mut state = loaded(vec![trunk("ST_a", "Alpha"), trunk("ST_b", "Beta")]);
    update(&mut state, ch('/'));
    typed(&mut state, "sal");
    update(&mut state, key(KeyCode::Enter));
    fill_form(&mut state, "Sales");
    let id = create_id(&update(&mut state, key(KeyCode::Enter)));
    let new = list_id(&update(&mut state, created(id, Ok("ST_new".into()))));
    let after = vec![
        trunk("ST_a", "Alpha"),
        trunk("ST_b", "Beta"),
        trunk("ST_new", "Sales"),
    ];
    update(&mut state, listed(new, list(after.clone(), 0)));
    assert_eq!(state.trunks.filter, "sal");
    assert_eq!(state.trunks.selected_trunk().unwrap().trunk_id, "ST_new");

    // One that hides it is cleared.
    update(&mut state, key(KeyCode::Esc));
    update(&mut state, ch('/'));
    typed(&mut state, "alpha");
    update(&mut state, key(KeyCode::Enter));
    update(&mut state, key(KeyCode::Tab));
    assert_eq!(state.focus, Focus::Log);
    fill_form(&mut state, "Support");
    let id = create_id(&update(&mut state, key(KeyCode::Enter)));
    let new = list_id(&update(&mut state, created(id, Ok("ST_sup".into()))));
    let mut after = after;
    after.push(trunk("ST_sup", "Support"));
    update(&mut state, listed(new, list(after, 0)));
    assert_eq!(state.trunks.filter, "");
    assert_eq!(state.trunks.selected_trunk().unwrap().trunk_id, "ST_sup");
    assert_eq!(state.focus, Focus::List);
}

// ---- Deactivate -------------------------------------------------------------------------

#[test]
fn deactivate_answers_are_said_and_followed_by_a_fresh_list() {
    let mut state = loaded(vec![trunk("ST_a", "Alpha"), trunk("ST_b", "Beta")]);
    // From the detail view, which closes once the trunk is gone.
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(state.overlay, Overlay::Detail);
    update(&mut state, ch('d'));
    let cmds = update(&mut state, ch('y'));
    let [Command::Deactivate { id, ref trunk_id }] = cmds[..] else {
        panic!("y deactivates: {cmds:?}");
    };
    assert_eq!(trunk_id, "ST_a");
    assert_eq!(
        said(&state),
        "DELETE /sip/deactivate/ST_a: deactivating \"Alpha\""
    );
    // A second one while the first is in flight is refused, and says why.
    update(&mut state, ch('j'));
    update(&mut state, ch('d'));
    assert!(update(&mut state, ch('y')).is_empty());
    assert_eq!(
        said(&state),
        "a deactivate is still waiting for its answer; try again when it is done"
    );
    assert_eq!(severity(&state), Severity::Warning);
    // A stale answer changes nothing.
    assert!(update(&mut state, deactivated(id + 9, "ST_a", Ok(()))).is_empty());
    assert_eq!(state.in_flight.deactivate, Some(id));
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(state.overlay, Overlay::Detail);
    let cmds = update(&mut state, deactivated(id, "ST_a", Ok(())));
    let fresh = list_id(&cmds);
    assert_eq!(
        said(&state),
        "DELETE /sip/deactivate/ST_a 200 7ms: deactivated ST_a"
    );
    assert_eq!(severity(&state), Severity::Success);
    assert_eq!(state.overlay, Overlay::None);
    assert_eq!(state.in_flight.deactivate, None);
    update(
        &mut state,
        listed(fresh, list(vec![trunk("ST_b", "Beta")], 0)),
    );

    // Someone else got there first (404, 400): said, and the list is asked for again.
    for (error, words) in [
        (
            not_found(),
            "DELETE /sip/deactivate/ST_b 404 7ms: not found (404): Trunk not found",
        ),
        (
            ApiError::Invalid {
                status: 400,
                message: Some("Trunk is already inactive".into()),
                fields: vec![],
            },
            "DELETE /sip/deactivate/ST_b 400 7ms: invalid input (400): Trunk is already inactive",
        ),
    ] {
        update(&mut state, ch('d'));
        let cmds = update(&mut state, ch('y'));
        let [Command::Deactivate { id, .. }] = cmds[..] else {
            panic!("{cmds:?}");
        };
        let cmds = update(&mut state, deactivated(id, "ST_b", Err(error)));
        let fresh = list_id(&cmds);
        assert_eq!(said(&state), words);
        assert_eq!(severity(&state), Severity::Error);
        update(
            &mut state,
            listed(fresh, list(vec![trunk("ST_b", "Beta")], 0)),
        );
    }
    // Any other failure leaves the list alone.
    update(&mut state, ch('d'));
    let cmds = update(&mut state, ch('y'));
    let [Command::Deactivate { id, .. }] = cmds[..] else {
        panic!("{cmds:?}");
    };
    assert!(update(&mut state, deactivated(id, "ST_b", Err(refused()))).is_empty());
}

#[test]
fn deactivate_log_lines_name_the_path_as_it_is_sent() {
    let mut state = loaded(vec![trunk("ST a/b", "Odd")]);
    update(&mut state, ch('d'));
    update(&mut state, ch('y'));
    assert_eq!(
        said(&state),
        "DELETE /sip/deactivate/ST%20a%2Fb: deactivating \"Odd\""
    );
}

#[test]
fn nothing_to_deactivate_or_copy_in_an_empty_list_and_read_only_refuses() {
    let mut state = loaded(vec![]);
    assert!(update(&mut state, ch('d')).is_empty());
    assert_eq!(said(&state), "no trunk selected to deactivate");
    assert_eq!(state.overlay, Overlay::None);
    let lines = state.log.entries.len();
    assert!(update(&mut state, ch('y')).is_empty());
    assert_eq!(state.log.entries.len(), lines);
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert_eq!(state.overlay, Overlay::None, "no detail of nothing");

    let (mut state, _, id) = started((120, 40), true);
    update(&mut state, listed(id, list(vec![trunk("ST_a", "A")], 0)));
    update(&mut state, ch('n'));
    assert_eq!(
        said(&state),
        "profile local is read-only: creating trunks is refused (start trunktui with another --profile to change trunks)"
    );
    update(&mut state, ch('d'));
    assert_eq!(state.overlay, Overlay::None);
    assert!(said(&state).contains("deactivating trunks is refused"));
}

#[test]
fn copying_says_where_the_id_went() {
    let mut state = loaded(vec![trunk("ST_a", "A")]);
    assert_eq!(update(&mut state, ch('y')), [Command::Copy("ST_a".into())]);
    assert_eq!(
        said(&state),
        "copied ST_a to the clipboard (OSC 52: works over SSH; in tmux needs set-clipboard on)"
    );
    let mut state = loaded(vec![trunk("ST_\u{7}", "A")]);
    assert!(update(&mut state, ch('y')).is_empty());
    assert_eq!(
        said(&state),
        "not copied: the trunk id ST_␇ holds control or invisible characters (shown as placeholders) that could act on a terminal it is pasted into"
    );
}

// ---- Timers -----------------------------------------------------------------------------

#[test]
fn a_tick_lists_only_once_the_refresh_is_due() {
    let t0 = Instant::now();
    let (mut state, _, id) = started((120, 40), false);
    state.clock.instant = t0;
    update(&mut state, listed(id, list(vec![], 0)));
    assert_eq!(state.next_refresh, Some(t0 + Duration::from_secs(30)));
    state.clock.instant = t0 + Duration::from_secs(29);
    assert!(update(&mut state, Event::Tick).is_empty());
    state.clock.instant = t0 + Duration::from_secs(31);
    list_id(&update(&mut state, Event::Tick));
    assert_eq!(state.next_refresh, None, "none while the list is in flight");
}

#[test]
fn no_automatic_refresh_when_it_is_off() {
    let mut state = State::new(
        Profile {
            refresh_secs: 0,
            ..profile(false)
        },
        Clock::now(),
    );
    let id = list_id(&trunktui::update::start(&mut state));
    update(&mut state, listed(id, list(vec![], 0)));
    assert_eq!(state.next_refresh, None);
}

#[test]
fn the_loop_wakes_when_the_age_label_would_change() {
    let t0 = Instant::now();
    let mut state = State::new(
        Profile {
            refresh_secs: 0,
            ..profile(false)
        },
        Clock::now(),
    );
    assert_eq!(next_wakeup(&state), None, "nothing to wait for");
    state.clock.instant = t0 + Duration::from_secs(100_000);
    // (age, next change): seconds, minutes, hours, days.
    for (age, next) in [
        (5, 6),
        (61, 120),
        (3599, 3600),
        (3601, 7200),
        (86_401, 172_800),
    ] {
        let ok = state.clock.instant - Duration::from_secs(age);
        state.last_ok = Some(ok);
        assert_eq!(
            next_wakeup(&state),
            Some(ok + Duration::from_secs(next)),
            "age {age}s"
        );
    }
    // A refresh due sooner wins; one due later does not.
    let ok = state.clock.instant - Duration::from_secs(5);
    state.last_ok = Some(ok);
    state.next_refresh = Some(ok + Duration::from_secs(5) + Duration::from_millis(300));
    assert_eq!(next_wakeup(&state), state.next_refresh);
    state.next_refresh = Some(ok + Duration::from_secs(9));
    assert_eq!(next_wakeup(&state), Some(ok + Duration::from_secs(6)));
    state.last_ok = None;
    assert_eq!(next_wakeup(&state), state.next_refresh);
}

// ---- Keys of the panes ------------------------------------------------------------------

#[test]
fn paging_and_the_ends_move_by_the_pane_that_has_the_keys() {
    let mut state = loaded(many(100));
    let rows = state.panes.list.rows;
    assert!(rows > 2 && 2 * rows < 100);
    press(&mut state, KeyCode::PageDown, 2);
    assert_eq!(state.trunks.selected, 2 * rows);
    assert_eq!(state.trunks.offset, rows + 1);
    press(&mut state, KeyCode::PageUp, 1);
    assert_eq!(state.trunks.selected, rows);
    // The selection stays in view: the list scrolled to it.
    assert_eq!(state.trunks.offset, rows);
    update(&mut state, ch('G'));
    assert_eq!(state.trunks.selected, 99);
    assert_eq!(state.trunks.offset, 100 - rows);
    update(&mut state, ch('g'));
    assert_eq!((state.trunks.selected, state.trunks.offset), (0, 0));

    // The log: many lines, paged by its own height.
    for _ in 0..20 {
        let id = list_id(&update(&mut state, ch('r')));
        update(&mut state, listed(id, Err(refused())));
    }
    update(&mut state, key(KeyCode::Tab));
    assert_eq!(state.focus, Focus::Log);
    let log_rows = state.panes.log.rows;
    assert_ne!(log_rows, rows);
    assert_eq!(state.log.scroll(), 0);
    press(&mut state, KeyCode::Char('k'), 2);
    assert_eq!(state.log.scroll(), 2, "k scrolls up, towards older lines");
    press(&mut state, KeyCode::Char('j'), 1);
    assert_eq!(state.log.scroll(), 1, "j scrolls down, towards the newest");
    press(&mut state, KeyCode::PageUp, 1);
    assert_eq!(state.log.scroll(), 1 + log_rows);
    press(&mut state, KeyCode::PageDown, 1);
    assert_eq!(state.log.scroll(), 1);
    update(&mut state, ch('g'));
    assert_eq!(state.log.scroll(), state.log.max_scroll());
    assert!(state.log.max_scroll() > 0);
    update(&mut state, ch('G'));
    assert_eq!(state.log.scroll(), 0);
    // The list did not move meanwhile.
    assert_eq!(state.trunks.selected, 0);
}

#[test]
fn resizing_keeps_the_selection_and_the_log_in_view() {
    let mut state = loaded(many(60));
    update(&mut state, ch('G'));
    let big = state.panes.list.rows;
    assert_eq!(state.trunks.offset, 60 - big);
    // Smaller: the selection is still on screen.
    update(&mut state, Event::Resize(80, 24));
    let small = state.panes.list.rows;
    assert!(small < big);
    assert_eq!(state.trunks.selected, 59);
    assert_eq!(state.trunks.offset, 60 - small);
    // Bigger again: no rows left empty below the end.
    update(&mut state, ch('k'));
    update(&mut state, Event::Resize(120, 60));
    let bigger = state.panes.list.rows;
    assert!(bigger > big);
    assert_eq!(state.trunks.offset, 60 - bigger);
    assert_eq!(state.trunks.selected, 58);
    // The log's scroll stays inside what it holds.
    update(&mut state, key(KeyCode::Tab));
    for _ in 0..30 {
        let id = list_id(&update(&mut state, ch('r')));
        update(&mut state, listed(id, Err(refused())));
    }
    update(&mut state, ch('g'));
    update(&mut state, Event::Resize(200, 60));
    assert!(state.log.scroll() <= state.log.max_scroll());
    assert_eq!(state.log.scroll(), state.log.max_scroll());
}

#[test]
fn help_toggles_and_the_password_shows_only_on_request() {
    let mut state = loaded(vec![trunk("ST_a", "A")]);
    update(&mut state, ch('?'));
    assert_eq!(state.overlay, Overlay::Help);
    update(&mut state, ch('?'));
    assert_eq!(state.overlay, Overlay::None);
    fill_form(&mut state, "Sales");
    assert!(!state.form.show_password);
    update(&mut state, ctrl('r'));
    assert!(state.form.show_password);
    update(&mut state, ctrl('r'));
    assert!(!state.form.show_password);
    // Shift+Tab goes back a field, Tab forward, and the field left counts as touched.
    let at = state.form.focus;
    update(
        &mut state,
        Event::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
    );
    assert_eq!(state.form.focus, FormField::Username);
    assert!(state.form.touched[at]);
    update(&mut state, key(KeyCode::Tab));
    assert_eq!(state.form.focus, at);
}

#[test]
fn passthrough_is_a_toggle_of_its_own() {
    let (mut state, asked, id) = started((120, 40), false);
    let v2 = Negotiated {
        revision: ApiRevision::V2,
        ..Negotiated::defaults(trunktui::api::Source::OpenApi)
    };
    update(&mut state, negotiated(asked, Ok(v2)));
    update(&mut state, listed(id, list(vec![], 0)));
    update(&mut state, ch('n'));
    while state.form.focus != FormField::Passthrough {
        update(&mut state, key(KeyCode::Tab));
    }
    update(&mut state, ch(' '));
    assert!(state.form.passthrough);
    assert_eq!(state.form.provider, Provider::Twilio, "the provider stays");
    update(&mut state, ch(' '));
    assert!(!state.form.passthrough);
}

#[test]
fn the_filter_takes_text_clears_with_ctrl_u_and_stops_at_its_cap() {
    let mut state = loaded(vec![trunk("ST_a", "Alpha"), trunk("ST_u", "Uniform")]);
    update(&mut state, ch('/'));
    typed(&mut state, "u");
    assert_eq!(state.trunks.filter, "u", "a plain u is text");
    update(&mut state, ctrl('a'));
    assert_eq!(state.trunks.filter, "u", "a Ctrl chord types nothing");
    update(&mut state, ctrl('u'));
    assert_eq!(state.trunks.filter, "");
    assert_eq!(state.trunks.view.len(), 2);
    let lines = state.log.entries.len();
    typed(&mut state, &"x".repeat(131));
    assert_eq!(state.trunks.filter.chars().count(), 128);
    assert_eq!(
        state.log.entries.len(),
        lines + 1,
        "said once for the run of keys"
    );
    assert_eq!(
        said(&state),
        "the filter holds at most 128 characters; the rest was not typed"
    );
    update(&mut state, key(KeyCode::Backspace));
    assert_eq!(state.trunks.filter.chars().count(), 127);
}

#[test]
fn pastes_say_why_they_were_cut_refused_or_ignored() {
    let mut state = loaded(vec![trunk("ST_a", "Alpha")]);
    update(&mut state, Event::Paste("dy".into()));
    assert_eq!(
        said(&state),
        "paste ignored: no text field has the focus (n opens the new-trunk form, / the filter)"
    );
    update(&mut state, ch('/'));
    update(&mut state, Event::Paste("a\nb".into()));
    assert_eq!(
        said(&state),
        "paste refused: it holds line breaks; the filter is one line"
    );
    update(&mut state, Event::Paste("y".repeat(200).into()));
    assert_eq!(
        said(&state),
        "pasted text cut: the filter holds at most 128 characters"
    );
    update(&mut state, key(KeyCode::Esc));
    update(&mut state, ch('n'));
    update(&mut state, Event::Paste("twilio".into()));
    assert_eq!(
        said(&state),
        "paste ignored: Provider is a choice, not a text field"
    );
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, Event::Paste("a\tb\u{1b}".into()));
    assert_eq!(
        said(&state),
        "paste refused: it holds control characters; Name is one line"
    );
    assert_eq!(state.form.notice.as_deref(), Some(said(&state).as_str()));
    update(&mut state, Event::Paste("z".repeat(300).into()));
    assert_eq!(
        said(&state),
        "pasted text cut: Name holds at most 128 characters"
    );
    typed(&mut state, "z");
    assert_eq!(
        said(&state),
        "Name holds at most 128 characters; the rest was not typed"
    );
}

#[test]
fn the_log_file_line_is_sanitized_and_aligned() {
    assert_eq!(
        trunktui::update::log_file_line("12:00:00", Severity::Info, "a\u{1b}[2Jb"),
        "12:00:00 info  a␛[2Jb"
    );
}

// ---- Through the app's loop, against real servers ----------------------------------------

const PATIENCE: Duration = Duration::from_secs(10);
const KEY: &str = "flow-update-key";

async fn serve() -> RunningServer {
    start(ServeOptions {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        api_keys: vec![KEY.into()],
        data: None,
        demo_data: false,
        revision: ApiRevision::V1,
        auth: ServeAuth::Both,
    })
    .await
    .expect("the server starts")
}

fn config(base_url: &str) -> ClientConfig {
    let mut cfg = ClientConfig::new(base_url, Some(ApiKey::new(KEY)));
    cfg.timeout = PATIENCE;
    cfg.connect_timeout = Duration::from_secs(2);
    cfg
}

fn driver(
    cfg: ClientConfig,
    log_file: Option<std::path::PathBuf>,
    warnings: Vec<String>,
) -> Driver {
    let opts = AppOptions {
        profile: Profile {
            base_url: cfg.base_url.clone(),
            ..profile(false)
        },
        client: ApiClient::new(cfg).expect("client"),
        log_file,
        no_color: false,
        warnings,
    };
    Driver::start(opts, (120, 40)).0
}

/// Applies the worker's answers until `done` holds (at once if it already does).
async fn until(d: &mut Driver, what: &str, done: impl Fn(&State) -> bool) {
    while !done(d.state()) {
        let event = tokio::time::timeout(PATIENCE, d.next_answer())
            .await
            .unwrap_or_else(|_| panic!("{what}: not in time"))
            .expect("worker gone");
        d.handle(event);
    }
}

fn idle(s: &State) -> bool {
    s.in_flight.list.is_none()
        && s.in_flight.negotiate.is_none()
        && s.in_flight.deactivate.is_none()
        && s.form.submitting.is_none()
}

fn sample(name: &str) -> NewTrunk {
    NewTrunk::V1(CreateTrunkRequest {
        trunk_name: name.into(),
        trunk_address: "example.pstn.twilio.com".into(),
        trunk_numbers: vec!["+15550100000".into()],
        trunk_auth_username: "AC1".into(),
        trunk_auth_password: "pw-sample".into(),
        trunk_type: Provider::Twilio,
    })
}

#[tokio::test]
async fn deactivating_against_serve_refreshes_and_holds_back_a_second_one() {
    let server = serve().await;
    let direct = ApiClient::new(config(&server.base_url())).expect("client");
    let alpha = direct.create(sample("Alpha")).await.expect("create");
    let beta = direct.create(sample("Beta")).await.expect("create");
    let mut d = driver(config(&server.base_url()), None, Vec::new());
    until(&mut d, "the first list", |s| s.trunks.loaded && idle(s)).await;
    assert_eq!(d.state().trunks.all.len(), 2);

    // Alpha (first by name) is deactivated; while that is in flight, Beta is not.
    d.handle(ch('d'));
    d.handle(ch('y'));
    assert!(d.state().in_flight.deactivate.is_some());
    d.handle(ch('j'));
    d.handle(ch('d'));
    d.handle(ch('y'));
    assert!(said(d.state()).contains("still waiting for its answer"));
    until(&mut d, "the deactivate and the list after it", idle).await;
    let ids: Vec<String> = d
        .state()
        .trunks
        .all
        .iter()
        .map(|t| t.trunk_id.clone())
        .collect();
    assert_eq!(ids, [beta.as_str()], "Alpha is gone from the list");
    let on_server: Vec<String> = direct
        .list()
        .await
        .expect("list")
        .trunks
        .into_iter()
        .map(|t| t.trunk_id)
        .collect();
    assert_eq!(on_server, [beta.as_str()], "Beta was never deactivated");
    let log: Vec<String> = d
        .state()
        .log
        .entries
        .iter()
        .map(|e| e.text.clone())
        .collect();
    assert!(
        log.iter().any(
            |l| l.starts_with(&format!("DELETE /sip/deactivate/{alpha} 200 "))
                && l.ends_with(&format!(": deactivated {alpha}"))
        ),
        "{log:?}"
    );

    // Beta is deactivated elsewhere; the dashboard still shows it, and asks: 400, then the
    // list is fetched again and Beta is gone.
    direct.deactivate(&beta).await.expect("deactivate");
    d.handle(ch('d'));
    d.handle(ch('y'));
    until(&mut d, "the refused deactivate", |s| {
        s.in_flight.deactivate.is_none()
    })
    .await;
    let line = said(d.state());
    assert!(
        line.starts_with(&format!("DELETE /sip/deactivate/{beta} 400 "))
            && line.contains("already deactivated"),
        "{line}"
    );
    assert!(
        d.state().in_flight.list.is_some(),
        "the list is asked for again"
    );
    until(&mut d, "the list after it", idle).await;
    assert!(d.state().trunks.all.is_empty());
}

/// A server that answers the list with one trunk and every deactivate with a recorded real
/// server's 404, counting what it is asked.
async fn canned_404() -> (
    SocketAddr,
    Arc<Mutex<Vec<String>>>,
    tokio::task::JoinHandle<()>,
) {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = seen.clone();
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).to_string();
                let line = head.lines().next().unwrap_or("").to_string();
                log.lock().unwrap().push(line.clone());
                let (status, body) = if line.starts_with("DELETE ") {
                    (
                        "404 Not Found",
                        r#"{"detail":"Trunk not found"}"#.to_string(),
                    )
                } else {
                    (
                        "200 OK",
                        r#"{"success":true,"message":"SIP trunks retrieved successfully","data":[{"trunk_id":"ST_gone","trunk_name":"Gone"}]}"#.to_string(),
                    )
                };
                let reply = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (addr, seen, task)
}

#[tokio::test]
async fn a_404_on_deactivate_is_said_and_the_list_is_fetched_again() {
    let (addr, seen, task) = canned_404().await;
    let mut d = driver(config(&format!("http://{addr}")), None, Vec::new());
    until(&mut d, "the first list", |s| s.trunks.loaded && idle(s)).await;
    d.handle(ch('d'));
    d.handle(ch('y'));
    until(&mut d, "the deactivate", |s| {
        s.in_flight.deactivate.is_none()
    })
    .await;
    assert!(
        said(d.state()).starts_with("DELETE /sip/deactivate/ST_gone 404 ")
            && said(d.state()).ends_with(": not found (404): Trunk not found"),
        "{}",
        said(d.state())
    );
    until(&mut d, "the list after it", idle).await;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            "GET /sip/list HTTP/1.1",
            "DELETE /sip/deactivate/ST_gone HTTP/1.1",
            "GET /sip/list HTTP/1.1"
        ]
    );
    task.abort();
}

#[tokio::test]
async fn warnings_and_every_log_line_reach_the_log_file_and_v2_is_learnt() {
    let server = start(ServeOptions {
        revision: ApiRevision::V2,
        ..ServeOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_keys: vec![KEY.into()],
            data: None,
            demo_data: false,
            revision: ApiRevision::V1,
            auth: ServeAuth::Both,
        }
    })
    .await
    .expect("the server starts");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("logs").join("trunktui.log");
    let mut cfg = config(&server.base_url());
    cfg.auth_scheme = AuthScheme::Auto;
    cfg.api_revision = None;
    let mut d = driver(
        cfg,
        Some(file.clone()),
        vec!["a warning from the config".into()],
    );
    assert_eq!(said(d.state()), "a warning from the config");
    until(&mut d, "the first list and what the server speaks", |s| {
        s.trunks.loaded && s.api.is_some() && idle(s)
    })
    .await;
    assert_eq!(d.state().form.revision, ApiRevision::V2);
    d.handle(ch('r'));
    until(&mut d, "a refresh", idle).await;
    let expected: Vec<String> = d
        .state()
        .log
        .entries
        .iter()
        .map(|e| trunktui::update::log_file_line(&e.stamp, e.severity, &e.text))
        .collect();
    assert!(
        expected
            .iter()
            .any(|l| l.contains(" warn  a warning from the config"))
    );
    // The writer is a task of its own: wait for it to catch up.
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let text = tokio::fs::read_to_string(&file).await.unwrap_or_default();
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        if lines == expected {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the log file has {lines:?}, not {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
