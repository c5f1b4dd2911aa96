//! What a hostile server, a paste or a flood of input must not get through the dashboard,
//! driven through `update` with the events the terminal would send: no terminal, no server.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use trunktui::api::{NewTrunk, Trunk, TrunkList};
use trunktui::event::{ApiEvent, Command, Event};
use trunktui::state::{Clock, FormField, Overlay, Profile, Severity, State};
use trunktui::update::{start, update};

fn profile() -> Profile {
    Profile {
        name: "local".into(),
        base_url: "http://127.0.0.1:8000".into(),
        read_only: false,
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
    let mut state = State::new(profile(), Clock::now());
    let cmds = start(&mut state);
    let [Command::Negotiate { .. }, Command::List { id }] = cmds[..] else {
        panic!("start should ask what the server speaks, then list once: {cmds:?}");
    };
    update(
        &mut state,
        Event::Api(ApiEvent::Listed {
            id,
            elapsed: std::time::Duration::from_millis(5),
            result: Ok(TrunkList { trunks, skipped: 0 }),
        }),
    );
    state
}

fn last_log(state: &State) -> (Severity, String) {
    let e = state.log.last().expect("a log line");
    (e.severity, e.text.clone())
}

// ---------------------------------------------------------------------------------------
// 5. `y` must not put a server's control characters on the clipboard

#[test]
fn y_refuses_to_copy_an_id_with_control_characters_and_says_why() {
    // A clipboard write (OSC 52) and a cursor-position query hidden in the id: pasted into a
    // terminal later, they would act on it.
    let hostile = [
        "ST_a\x1b]52;c;ZWNobyBwd25lZA==\x07",
        "ST_b\x1b[6n",
        "ST_c\u{202E}lmth.exe",
        "ST_d\u{9B}31m",
        "ST_e\rST_other",
    ];
    for id in hostile {
        let mut state = loaded(vec![trunk(id, "Hostile")]);
        let cmds = update(&mut state, ch('y'));
        assert!(
            cmds.iter().all(|c| !matches!(c, Command::Copy(_))),
            "{id:?} was put on the clipboard: {cmds:?}"
        );
        let (severity, line) = last_log(&state);
        assert_eq!(severity, Severity::Warning, "{line}");
        assert!(
            line.contains("not copied") && line.contains("control"),
            "the refusal does not say why: {line:?}"
        );
        // The log line shows the id with placeholders, never the raw bytes.
        assert!(!line.contains(id), "{line:?}");

        // The same refusal from the detail view.
        update(&mut state, key(KeyCode::Enter));
        let cmds = update(&mut state, ch('y'));
        assert!(cmds.iter().all(|c| !matches!(c, Command::Copy(_))));
    }

    // A plain id is still copied, exactly.
    let mut state = loaded(vec![trunk("ST_plain_0123", "Plain")]);
    let cmds = update(&mut state, ch('y'));
    assert_eq!(cmds, [Command::Copy("ST_plain_0123".into())]);
    assert!(last_log(&state).1.contains("copied ST_plain_0123"));
}

// ---------------------------------------------------------------------------------------
// 6. A paste is text for the focused field, never keystrokes

fn paste(state: &mut State, text: &str) -> Vec<Command> {
    update(state, Event::Paste(text.into()))
}

/// Opens the form and moves the focus to `field`.
fn form_at(state: &mut State, field: FormField) {
    update(state, ch('n'));
    assert_eq!(state.overlay, Overlay::Form);
    form_focus(state, field);
}

fn form_focus(state: &mut State, field: FormField) {
    while state.form.focus != field {
        update(state, key(KeyCode::Tab));
    }
}

#[test]
fn a_paste_on_the_list_does_nothing_and_never_deactivates() {
    let mut state = loaded(vec![trunk("ST_a", "Alpha"), trunk("ST_b", "Beta")]);
    for text in ["dy", "d\ry", "jjdy\n", "q", "n"] {
        let cmds = paste(&mut state, text);
        assert!(cmds.is_empty(), "{text:?} sent {cmds:?}");
        assert_eq!(state.overlay, Overlay::None, "{text:?} opened an overlay");
        assert!(!state.should_quit, "{text:?} quit");
        assert_eq!(state.trunks.selected_trunk().unwrap().trunk_id, "ST_a");
        assert!(
            last_log(&state).1.contains("paste ignored"),
            "{:?}",
            last_log(&state)
        );
    }
    // With the confirmation open, a pasted y is not the user's answer.
    update(&mut state, ch('d'));
    assert!(matches!(state.overlay, Overlay::ConfirmDeactivate { .. }));
    assert!(paste(&mut state, "y").is_empty());
    assert!(paste(&mut state, "y\r").is_empty());
    assert!(matches!(state.overlay, Overlay::ConfirmDeactivate { .. }));
    // The keys still work as keys.
    assert!(update(&mut state, key(KeyCode::Esc)).is_empty());
    assert_eq!(state.overlay, Overlay::None);
}

#[test]
fn a_paste_goes_into_the_focused_field_at_the_cursor() {
    let mut state = loaded(vec![]);
    form_at(&mut state, FormField::Name);
    typed(&mut state, "Acme ");
    paste(&mut state, "Prod\tEU");
    assert_eq!(state.form.value(FormField::Name), "Acme Prod EU");
    // In the middle, where the cursor is.
    for _ in 0..2 {
        update(&mut state, key(KeyCode::Left));
    }
    paste(&mut state, "West ");
    assert_eq!(state.form.value(FormField::Name), "Acme Prod West EU");
    // A line copied with its line break: the break is dropped, nothing is submitted.
    update(&mut state, key(KeyCode::Tab));
    let cmds = paste(&mut state, "example.pstn.twilio.com\r\n");
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(state.overlay, Overlay::Form);
    assert_eq!(
        state.form.value(FormField::Address),
        "example.pstn.twilio.com"
    );
    // The password is pasted like any text and never written to the log.
    form_focus(&mut state, FormField::Password);
    paste(&mut state, "pasted-s3cret-token");
    assert_eq!(state.form.value(FormField::Password), "pasted-s3cret-token");
    assert!(
        state
            .log
            .entries
            .iter()
            .all(|e| !e.text.contains("pasted-s3cret"))
    );
    // On a toggle a paste changes nothing.
    form_focus(&mut state, FormField::Provider);
    paste(&mut state, "exotel");
    assert_eq!(state.form.provider, trunktui::api::Provider::Twilio);
}

#[test]
fn new_lines_in_a_paste_separate_numbers_and_are_refused_elsewhere() {
    let mut state = loaded(vec![]);
    form_at(&mut state, FormField::Numbers);
    let cmds = paste(
        &mut state,
        "+15550100000\n+15550100001\r\n\r\n+15550100002\r",
    );
    assert!(
        cmds.is_empty(),
        "a pasted new line submitted the form: {cmds:?}"
    );
    assert_eq!(state.overlay, Overlay::Form);
    assert_eq!(
        state.form.value(FormField::Numbers),
        "+15550100000, +15550100001, +15550100002"
    );
    let NewTrunk::V1(req) = state.form.request() else {
        panic!("v1")
    };
    assert_eq!(req.trunk_numbers.len(), 3);

    // In a one-line field the whole paste is refused, and the form says why.
    form_focus(&mut state, FormField::Name);
    typed(&mut state, "Kept");
    let cmds = paste(&mut state, "Sales\nn\rdy");
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(state.overlay, Overlay::Form);
    assert_eq!(state.form.value(FormField::Name), "Kept");
    let notice = state.form.notice.clone().expect("a message in the form");
    assert!(
        notice.contains("Name") && notice.contains("line"),
        "{notice}"
    );
    let (severity, line) = last_log(&state);
    assert_eq!(severity, Severity::Warning);
    assert!(line.contains("paste refused"), "{line}");
    // Control characters are refused too: no escape sequence gets into a trunk's name.
    paste(&mut state, "Evil\x1b[31m");
    assert_eq!(state.form.value(FormField::Name), "Kept");
    assert!(
        state.form.notice.as_deref().unwrap().contains("control"),
        "{:?}",
        state.form.notice
    );
    // The next edit that works clears the message.
    typed(&mut state, "!");
    assert_eq!(state.form.notice, None);
    assert_eq!(state.form.value(FormField::Name), "Kept!");
}

#[test]
fn a_paste_into_the_filter_filters_and_a_paste_elsewhere_in_help_does_nothing() {
    let mut state = loaded(vec![trunk("ST_a", "Alpha"), trunk("ST_b", "Beta")]);
    update(&mut state, ch('/'));
    paste(&mut state, "bet");
    assert_eq!(state.trunks.filter, "bet");
    assert_eq!(state.trunks.view.len(), 1);
    paste(&mut state, "a\nq");
    assert_eq!(
        state.trunks.filter, "bet",
        "a paste with a line break is refused"
    );
    assert!(state.trunks.filtering);
    assert!(!state.should_quit);
    update(&mut state, key(KeyCode::Esc));
    update(&mut state, ch('?'));
    assert_eq!(state.overlay, Overlay::Help);
    assert!(paste(&mut state, "q").is_empty());
    assert_eq!(state.overlay, Overlay::Help);
    assert!(!state.should_quit);
}

// ---------------------------------------------------------------------------------------
// 8. Fields are capped a little above their rule, so no edit costs more than a short one

/// The rule is 1-100 characters; a field takes a little more, so an over-long value is
/// still seen and reported by the rule, but never grows without bound.
const TEXT_CAP: usize = 128;
/// The numbers field holds a list.
const NUMBERS_CAP: usize = 4096;

fn chars(state: &State, field: FormField) -> usize {
    state.form.value(field).chars().count()
}

#[test]
fn typing_stops_at_a_fields_cap_and_says_so_once() {
    let mut state = loaded(vec![]);
    form_at(&mut state, FormField::Name);
    let logged = state.log.entries.len();
    typed(&mut state, &"n".repeat(TEXT_CAP + 72));
    assert_eq!(chars(&state, FormField::Name), TEXT_CAP);
    // Still over the rule: the rule's own message says so.
    let error = state.form.messages(FormField::Name).error.clone().unwrap();
    assert!(error.contains("at most 100"), "{error}");
    let notice = state.form.notice.clone().expect("a message at the cap");
    assert!(
        notice.contains("Name") && notice.contains(&TEXT_CAP.to_string()),
        "{notice}"
    );
    // One log line for the whole run of refused keys, not one per key.
    assert_eq!(
        state.log.entries.len(),
        logged + 1,
        "{:?}",
        state.log.entries
    );
    // Deleting works and clears the message; the next key fits again.
    update(&mut state, key(KeyCode::Backspace));
    assert_eq!(state.form.notice, None);
    typed(&mut state, "x");
    assert_eq!(chars(&state, FormField::Name), TEXT_CAP);
    assert!(state.form.value(FormField::Name).ends_with('x'));

    // Ctrl+Y puts back what Ctrl+U cut: twice over the cap is cut to it.
    let ctrl = |c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    update(&mut state, ctrl('u'));
    assert_eq!(chars(&state, FormField::Name), 0);
    update(&mut state, ctrl('y'));
    update(&mut state, ctrl('y'));
    assert_eq!(chars(&state, FormField::Name), TEXT_CAP);
    assert!(state.form.notice.is_some());

    // The other one-line fields have the same cap; the password too.
    for field in [FormField::Address, FormField::Username, FormField::Password] {
        form_focus(&mut state, field);
        typed(&mut state, &"a".repeat(TEXT_CAP + 5));
        assert_eq!(chars(&state, field), TEXT_CAP, "{field:?}");
    }
    // The filter line too.
    update(&mut state, key(KeyCode::Esc));
    update(&mut state, ch('/'));
    typed(&mut state, &"f".repeat(TEXT_CAP + 5));
    assert_eq!(state.trunks.filter.chars().count(), TEXT_CAP);
}

#[test]
fn a_100_kb_paste_is_cut_to_the_cap_with_a_message() {
    let mut state = loaded(vec![]);
    form_at(&mut state, FormField::Name);
    typed(&mut state, "Acme");
    paste(&mut state, &"N".repeat(100 * 1024));
    assert_eq!(chars(&state, FormField::Name), TEXT_CAP);
    assert!(state.form.value(FormField::Name).starts_with("AcmeNNN"));
    let notice = state
        .form
        .notice
        .clone()
        .expect("a message for the cut paste");
    assert!(
        notice.contains("cut") && notice.contains(&TEXT_CAP.to_string()),
        "{notice}"
    );
    assert!(last_log(&state).1.contains("cut"), "{:?}", last_log(&state));
    // A full field takes nothing more.
    paste(&mut state, "more");
    assert_eq!(chars(&state, FormField::Name), TEXT_CAP);

    // 100 KB of numbers, one a line: the list field holds more, but not all of it.
    form_focus(&mut state, FormField::Numbers);
    let numbers: String = (0..6000).map(|i| format!("+1555{i:07}\n")).collect();
    assert!(numbers.len() >= 78_000);
    paste(&mut state, &numbers);
    let n = chars(&state, FormField::Numbers);
    assert_eq!(n, NUMBERS_CAP);
    assert!(
        state
            .form
            .value(FormField::Numbers)
            .starts_with("+15550000000, +15550000001, ")
    );
    assert!(state.form.notice.as_deref().unwrap().contains("Numbers"));

    // The filter line.
    update(&mut state, key(KeyCode::Esc));
    update(&mut state, ch('/'));
    paste(&mut state, &"f".repeat(100 * 1024));
    assert_eq!(state.trunks.filter.chars().count(), TEXT_CAP);
    assert!(last_log(&state).1.contains("cut"), "{:?}", last_log(&state));
}
