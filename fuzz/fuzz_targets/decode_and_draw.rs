//! A list answer from arbitrary bytes, decoded and drawn the way the dashboard draws it:
//! the list, the details of the selected trunk and the deactivate question, at 80x24. Nothing
//! may panic, and no cell may hold a character a terminal acts on.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use trunktui::api::types::decode_list;
use trunktui::state::{Clock, Overlay, Profile, Severity, State};
use trunktui::ui::{self, layout};

fn forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}')
}

fuzz_target!(|body: &[u8]| {
    let Ok(list) = decode_list(body) else {
        return;
    };
    let Some(first) = list.trunks.first().cloned() else {
        return;
    };
    let size = (80, 24);
    let profile = Profile {
        name: "fuzz".into(),
        base_url: "http://127.0.0.1:8000".into(),
        read_only: false,
        accent: None,
        refresh_secs: 30,
    };
    let mut state = State::new(profile, Clock::now());
    state.size = size;
    state.trunks.replace(list.trunks, layout::list_rows(size));
    state.log.push(
        "12:00:00".into(),
        Severity::Error,
        first.trunk_name.clone().unwrap_or_default(),
    );
    let overlays = [
        Overlay::None,
        Overlay::Detail,
        Overlay::ConfirmDeactivate {
            trunk_id: first.trunk_id.clone(),
            name: first.trunk_name.clone().unwrap_or_default(),
        },
    ];
    for overlay in overlays {
        state.overlay = overlay;
        let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
        let frame = terminal.draw(|f| ui::draw(f, &state)).expect("draw");
        for cell in frame.buffer.content() {
            let symbol = cell.symbol();
            assert!(
                !symbol.chars().any(forbidden),
                "{symbol:?} reached a cell with {:?}",
                state.overlay
            );
        }
    }
});
