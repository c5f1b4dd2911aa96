//! The dashboard's behaviour driven through `update` with keys and API answers: no terminal,
//! no server. Each test is a short story a user would live through.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::{Duration, Instant};
use trunktui::api::{ApiError, FieldError, NewTrunk, Provider, Trunk, TrunkList};
use trunktui::event::{ApiEvent, Command, Event};
use trunktui::state::{Clock, Connection, Focus, FormField, Overlay, Profile, State};
use trunktui::update::{next_wakeup, start, update};

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

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Event {
    key(KeyCode::Char(c))
}

fn typed(state: &mut State, text: &str) -> Vec<Command> {
    text.chars().flat_map(|c| update(state, ch(c))).collect()
}

/// A dashboard that has started and received `trunks` for its first list request.
fn loaded(trunks: Vec<Trunk>) -> State {
    let mut state = State::new(profile(false), Clock::now());
    let cmds = start(&mut state);
    let [Command::Negotiate { .. }, Command::List { id }] = cmds[..] else {
        panic!("start should ask what the server speaks, then list once: {cmds:?}");
    };
    update(&mut state, listed(id, Ok(TrunkList { trunks, skipped: 0 })));
    state
}

fn listed(id: u64, result: Result<TrunkList, ApiError>) -> Event {
    Event::Api(ApiEvent::Listed {
        id,
        elapsed: Duration::from_millis(5),
        result,
    })
}

fn list_id(cmds: &[Command]) -> u64 {
    cmds.iter()
        .find_map(|c| match c {
            Command::List { id } => Some(*id),
            _ => None,
        })
        .expect("a list request")
}

fn last_log(state: &State) -> String {
    state.log.last().map(|e| e.text.clone()).unwrap_or_default()
}

fn fill_form(state: &mut State) {
    update(state, ch('n'));
    assert_eq!(state.overlay, Overlay::Form);
    update(state, key(KeyCode::Tab)); // provider -> name
    typed(state, "Twilio Production");
    update(state, key(KeyCode::Tab));
    typed(state, "example.pstn.twilio.com");
    update(state, key(KeyCode::Tab));
    typed(state, "+15550100000, +15550100001");
    update(state, key(KeyCode::Tab));
    typed(state, "ACxxxxxxxxxxxxxxxx");
    update(state, key(KeyCode::Tab));
    typed(state, "s3cret-token");
}

#[test]
fn create_through_the_form_then_select_the_new_trunk() {
    let mut state = loaded(vec![trunk("ST_a", "Alpha")]);
    fill_form(&mut state);
    let cmds = update(&mut state, key(KeyCode::Enter));
    let [Command::Create { id, req }] = &cmds[..] else {
        panic!("enter should create: {cmds:?}");
    };
    // No server told the form otherwise: the document's flat body.
    let NewTrunk::V1(req) = req else {
        panic!("a v1 body: {req:?}")
    };
    assert_eq!(req.trunk_numbers, ["+15550100000", "+15550100001"]);
    assert_eq!(req.trunk_auth_password, "s3cret-token");
    assert!(state.form.submitting.is_some());
    // A second Enter while in flight sends nothing.
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());

    let cmds = update(
        &mut state,
        Event::Api(ApiEvent::Created {
            id: *id,
            elapsed: Duration::from_millis(9),
            result: Ok("ST_new".into()),
        }),
    );
    assert_eq!(state.overlay, Overlay::None);
    assert!(last_log(&state).contains("created ST_new"));
    let list = list_id(&cmds);
    update(
        &mut state,
        listed(
            list,
            Ok(TrunkList {
                trunks: vec![trunk("ST_a", "Alpha"), trunk("ST_new", "Twilio Production")],
                skipped: 0,
            }),
        ),
    );
    assert_eq!(state.trunks.selected_trunk().unwrap().trunk_id, "ST_new");
    // The next `n` starts from an empty draft.
    assert_eq!(state.form.value(FormField::Name), "");
}

#[test]
fn a_failed_create_keeps_every_value_and_places_server_errors() {
    let mut state = loaded(vec![]);
    fill_form(&mut state);
    let cmds = update(&mut state, key(KeyCode::Enter));
    let [Command::Create { id, .. }] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    update(
        &mut state,
        Event::Api(ApiEvent::Created {
            id: *id,
            elapsed: Duration::from_millis(9),
            result: Err(ApiError::Invalid {
                status: 422,
                message: Some("Trunk type not supported".into()),
                fields: vec![FieldError::new("trunk_name", "name taken")],
            }),
        }),
    );
    assert_eq!(state.overlay, Overlay::Form);
    assert_eq!(state.form.value(FormField::Name), "Twilio Production");
    assert_eq!(state.form.value(FormField::Password), "s3cret-token");
    assert_eq!(
        state.form.messages(FormField::Name).server.as_deref(),
        Some("name taken")
    );
    assert_eq!(
        state.form.general_error.as_deref(),
        Some("Trunk type not supported")
    );
    assert!(last_log(&state).contains("name taken"));
    // Nothing secret in the log.
    assert!(state.log.entries.iter().all(|e| !e.text.contains("s3cret")));
}

#[test]
fn a_create_timeout_says_the_outcome_is_unknown() {
    let mut state = loaded(vec![]);
    fill_form(&mut state);
    let cmds = update(&mut state, key(KeyCode::Enter));
    let [Command::Create { id, .. }] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    let cmds = update(
        &mut state,
        Event::Api(ApiEvent::Created {
            id: *id,
            elapsed: Duration::from_secs(10),
            result: Err(ApiError::Timeout {
                url: "http://x/sip/create-outbound-trunk".into(),
                limit: Duration::from_secs(10),
            }),
        }),
    );
    let msg = state.form.general_error.clone().unwrap();
    assert!(
        msg.contains("outcome unknown") && msg.contains("checking the list"),
        "{msg}"
    );
    assert_eq!(state.form.value(FormField::Username), "ACxxxxxxxxxxxxxxxx");
    // The app looks at the list itself; until it answers, Enter sends nothing.
    list_id(&cmds);
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(
        state
            .form
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("still checking")),
        "{:?}",
        state.form.notice
    );
}

#[test]
fn client_side_rules_block_submit_and_say_which_fields() {
    let mut state = loaded(vec![]);
    update(&mut state, ch('n'));
    update(&mut state, key(KeyCode::Tab));
    typed(&mut state, "x");
    let cmds = update(&mut state, key(KeyCode::Enter));
    assert!(cmds.is_empty());
    assert!(state.form.messages(FormField::Address).error.is_some());
    let blocked = state.form.blocked.clone().unwrap();
    assert!(
        blocked.contains("Address") && blocked.contains("Numbers"),
        "{blocked}"
    );
    // Fixing fields updates the message; fixing all of them removes it.
    update(&mut state, key(KeyCode::Tab));
    typed(&mut state, "x.pstn.twilio.com");
    let blocked = state.form.blocked.clone().unwrap();
    assert!(!blocked.contains("Address"), "{blocked}");
    update(&mut state, key(KeyCode::Tab));
    typed(&mut state, "+15550100000");
    update(&mut state, key(KeyCode::Tab));
    typed(&mut state, "AC1");
    update(&mut state, key(KeyCode::Tab));
    typed(&mut state, "pw");
    assert_eq!(state.form.blocked, None);
}

#[test]
fn switching_provider_keeps_what_was_typed() {
    let mut state = loaded(vec![]);
    fill_form(&mut state);
    update(&mut state, key(KeyCode::Up));
    update(&mut state, key(KeyCode::Up));
    update(&mut state, key(KeyCode::Up));
    update(&mut state, key(KeyCode::Up));
    update(&mut state, key(KeyCode::Up));
    assert_eq!(state.form.focus, FormField::Provider);
    update(&mut state, key(KeyCode::Right));
    assert_eq!(state.form.provider, Provider::Exotel);
    assert_eq!(
        state.form.value(FormField::Address),
        "example.pstn.twilio.com"
    );
    assert!(state.form.messages(FormField::Address).warning.is_some());
    // Esc keeps the draft for the next `n`.
    update(&mut state, key(KeyCode::Esc));
    update(&mut state, ch('n'));
    assert_eq!(state.form.value(FormField::Name), "Twilio Production");
}

#[test]
fn deactivate_asks_first_and_defaults_to_no() {
    let mut state = loaded(vec![trunk("ST_a", "Alpha"), trunk("ST_b", "Beta")]);
    update(&mut state, ch('d'));
    assert!(
        matches!(state.overlay, Overlay::ConfirmDeactivate { ref name, .. } if name == "Alpha")
    );
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert_eq!(state.overlay, Overlay::None);
    // Esc then y typed quickly arrives as Alt+y: that is no, not yes.
    update(&mut state, ch('d'));
    let alt_y = Event::Key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::ALT));
    assert!(update(&mut state, alt_y).is_empty());
    assert_eq!(state.overlay, Overlay::None);
    update(&mut state, ch('j'));
    update(&mut state, ch('d'));
    let cmds = update(&mut state, ch('y'));
    assert!(matches!(&cmds[..], [Command::Deactivate { trunk_id, .. }] if trunk_id == "ST_b"));
}

#[test]
fn read_only_refuses_changes_and_says_why() {
    let mut state = State::new(profile(true), Clock::now());
    start(&mut state);
    assert!(update(&mut state, ch('n')).is_empty());
    assert_eq!(state.overlay, Overlay::None);
    assert!(last_log(&state).contains("read-only"));
    update(&mut state, ch('d'));
    assert!(last_log(&state).contains("deactivating trunks is refused"));
}

#[test]
fn refresh_is_not_doubled_and_failures_mark_the_list_stale() {
    let mut state = loaded(vec![trunk("ST_a", "Alpha")]);
    let first = update(&mut state, ch('r'));
    let id = list_id(&first);
    assert!(
        update(&mut state, ch('r')).is_empty(),
        "no second request while one is in flight"
    );
    update(
        &mut state,
        listed(
            id,
            Err(ApiError::Connect {
                url: "http://127.0.0.1:8000/sip/list".into(),
                reason: "Connection refused".into(),
            }),
        ),
    );
    assert_eq!(state.connection, Connection::Unreachable);
    assert!(state.is_stale());
    assert_eq!(state.trunks.all.len(), 1, "the last good list stays");
    assert!(last_log(&state).contains("cannot connect"));
}

#[test]
fn auto_refresh_backs_off_while_failing_and_resets_after_success() {
    let t0 = Instant::now();
    let mut state = State::new(profile(false), Clock::now());
    state.clock.instant = t0;
    let id = list_id(&start(&mut state));
    let refused = || {
        Err(ApiError::Connect {
            url: "u".into(),
            reason: "refused".into(),
        })
    };
    update(&mut state, listed(id, refused()));
    assert_eq!(state.next_refresh, Some(t0 + Duration::from_secs(60)));
    state.clock.instant = t0 + Duration::from_secs(60);
    let id = list_id(&update(&mut state, Event::Tick));
    update(&mut state, listed(id, refused()));
    assert_eq!(state.next_refresh, Some(t0 + Duration::from_secs(60 + 120)));
    state.clock.instant = t0 + Duration::from_secs(180);
    let id = list_id(&update(&mut state, Event::Tick));
    update(&mut state, listed(id, Ok(TrunkList::default())));
    assert_eq!(state.connection, Connection::Ok);
    assert_eq!(state.next_refresh, Some(t0 + Duration::from_secs(180 + 30)));
    // Idle: the loop wakes for the age label or the refresh, never more often than needed.
    let wake = next_wakeup(&state).unwrap();
    assert_eq!(wake, t0 + Duration::from_secs(181));
}

#[test]
fn stale_answers_are_ignored() {
    let mut state = loaded(vec![trunk("ST_a", "Alpha")]);
    update(
        &mut state,
        listed(
            999,
            Ok(TrunkList {
                trunks: vec![],
                skipped: 0,
            }),
        ),
    );
    assert_eq!(state.trunks.all.len(), 1);
}

#[test]
fn filter_as_you_type_and_escape_clears() {
    let mut state = loaded(vec![
        trunk("ST_a", "Alpha"),
        trunk("ST_b", "Beta"),
        trunk("ST_c", "Gamma"),
    ]);
    update(&mut state, ch('/'));
    typed(&mut state, "mm");
    assert_eq!(state.trunks.view.len(), 1);
    assert_eq!(state.trunks.selected_trunk().unwrap().trunk_id, "ST_c");
    // While filtering, letters are text, not commands.
    typed(&mut state, "q");
    assert!(!state.should_quit);
    update(&mut state, key(KeyCode::Backspace));
    update(&mut state, key(KeyCode::Enter));
    assert!(!state.trunks.filtering);
    assert_eq!(state.trunks.filter, "mm");
    update(&mut state, key(KeyCode::Esc));
    assert_eq!(state.trunks.view.len(), 3);
}

#[test]
fn keys_move_sort_focus_and_copy() {
    let mut state = loaded(
        (0..50)
            .map(|i| trunk(&format!("ST_{i:02}"), &format!("T{i:02}")))
            .collect(),
    );
    update(&mut state, ch('G'));
    assert_eq!(state.trunks.selected_trunk().unwrap().trunk_id, "ST_49");
    update(&mut state, ch('g'));
    update(&mut state, key(KeyCode::PageDown));
    assert_eq!(state.trunks.selected, 10);
    update(&mut state, ch('S'));
    assert!(state.trunks.reverse);
    update(&mut state, ch('s'));
    assert_eq!(state.trunks.sort.label(), "provider");
    let selected = state.trunks.selected_trunk().unwrap().trunk_id.clone();
    let cmds = update(&mut state, ch('y'));
    assert_eq!(cmds, [Command::Copy(selected)]);
    update(&mut state, key(KeyCode::Tab));
    assert_eq!(state.focus, Focus::Log);
    update(&mut state, ch('?'));
    assert_eq!(state.overlay, Overlay::Help);
    // q closes the help, as its footer says; it does not quit.
    update(&mut state, ch('q'));
    assert_eq!(state.overlay, Overlay::None);
    assert!(!state.should_quit);
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(state.overlay, Overlay::Detail);
    update(&mut state, key(KeyCode::Esc));
    update(&mut state, ch('q'));
    assert!(state.should_quit);
}

#[test]
fn ctrl_c_quits_even_inside_the_form() {
    let mut state = loaded(vec![]);
    update(&mut state, ch('n'));
    typed(&mut state, "q");
    assert!(!state.should_quit);
    update(
        &mut state,
        Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(state.should_quit);
}

#[test]
fn ctrl_chords_do_nothing_in_panes_but_esc_then_a_key_still_works() {
    let mut state = loaded(vec![trunk("ST_a", "Alpha")]);
    let chord = |c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    assert!(update(&mut state, chord('d')).is_empty());
    assert_eq!(state.overlay, Overlay::None, "Ctrl+D is not d");
    update(&mut state, chord('n'));
    assert_eq!(state.overlay, Overlay::None, "Ctrl+N is not n");
    // Esc then q typed quickly arrives as Alt+q: it still quits.
    update(
        &mut state,
        Event::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::ALT)),
    );
    assert!(state.should_quit);
}
