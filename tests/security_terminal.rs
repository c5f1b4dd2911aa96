//! What a hostile server, a paste or a flood of input must not get through the dashboard,
//! driven through `update` with the events the terminal would send: no terminal, no server.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use trunktui::api::{Trunk, TrunkList};
use trunktui::event::{ApiEvent, Command, Event};
use trunktui::state::{Clock, Profile, Severity, State};
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
