//! "Under stress": what the dashboard costs at 100, 10,000 and 100,000 trunks.
//!
//! Run: `cargo bench --bench stress` (a filter such as `cargo bench --bench stress -- frame`
//! runs one group). `bash scripts/bench.sh` runs this and the whole-process measurements and
//! prints one table with the targets.
//!
//! Groups, each at every size in `SIZES`:
//! - `decode_list`: the server's list body (its JSON envelope) into `TrunkList`.
//! - `list_loaded`: that list applied to the dashboard (`update` with the answer): the search
//!   text and the sorted view are rebuilt here, so this is what a refresh costs after decoding.
//! - `frame`: one `ui::draw` of the 120x40 dashboard into a `TestBackend`.
//! - `filter_keystroke`: the filter line open on "twil", the user types `i` (via `update`).
//! - `filter_first_key`: the filter line just opened, the user types `t`: nearly every trunk
//!   still matches, so the most rows are sorted again.
//! - `selection_move`: `j` / `k` in the list (via `update`), alternating so it never sticks at
//!   an end.
//!
//! The trunks are made up but shaped like the API's: "ST_" and 12 base62 characters, names,
//! Twilio and Exotel addresses, 1 to 3 E.164 numbers, naive ISO timestamps with microseconds.
//! A fixed seed makes every run measure the same data. Nothing here asserts a time.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};
use std::time::Duration;
use trunktui::api::types::TrunkList;
use trunktui::event::{ApiEvent, Event};
use trunktui::state::{Clock, Profile, State};
use trunktui::ui;
use trunktui::update::{start, update};

const SIZES: [usize; 3] = [100, 10_000, 100_000];
const SCREEN: (u16, u16) = (120, 40);

fn main() {
    divan::main();
}

// ---------------------------------------------------------------------------------------
// Data shaped like the API's.

/// splitmix64: tiny, deterministic, good enough to spread made-up values.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const COMPANIES: [&str; 16] = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Wonka",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Vandelay",
    "Aperture",
    "Oscorp",
    "Nakatomi",
    "Gringotts",
];
const PURPOSES: [&str; 8] = [
    "Sales",
    "Support",
    "Outbound",
    "Collections",
    "Reminders",
    "Survey",
    "Booking",
    "Dispatch",
];
const ENVS: [&str; 6] = ["prod", "staging", "dev", "eu", "us-east", "in-south"];

/// `n` list entries as the API sends them, 60% Twilio and 40% Exotel, the same for the same
/// `n` on every run. JSON rather than `Trunk`s, so the bench keeps building when the model
/// gains fields.
fn entries(n: usize) -> Vec<Value> {
    let mut rng = Rng(0x5EED_0000 + n as u64);
    (0..n)
        .map(|i| {
            let id: String = (0..12)
                .map(|_| char::from(BASE62[rng.below(62) as usize]))
                .collect();
            let company = rng.pick(&COMPANIES);
            let env = rng.pick(&ENVS);
            let twilio = rng.below(10) < 6;
            let name = format!("{company} {} {env} {i}", rng.pick(&PURPOSES));
            let address = if twilio {
                format!(
                    "{}-{env}-{}.pstn.twilio.com",
                    company.to_lowercase(),
                    rng.below(1000)
                )
            } else {
                "sip.exotel.com".to_string()
            };
            let numbers: Vec<String> = (0..1 + rng.below(3))
                .map(|_| {
                    if twilio {
                        format!("+1415555{:04}", rng.below(10_000))
                    } else {
                        format!("+9180{:08}", rng.below(100_000_000))
                    }
                })
                .collect();
            let created = format!(
                "{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
                2025 + rng.below(2),
                1 + rng.below(12),
                1 + rng.below(28),
                rng.below(24),
                rng.below(60),
                rng.below(60),
                rng.below(1_000_000)
            );
            json!({
                "trunk_id": format!("ST_{id}"),
                "trunk_name": name,
                "trunk_address": address,
                "trunk_numbers": numbers,
                "trunk_type": if twilio { "twilio" } else { "exotel" },
                "trunk_created_at": created,
            })
        })
        .collect()
}

/// The body `GET /sip/list` answers with: the envelope of `trunktui serve`, compact JSON.
fn list_body(n: usize) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "success": true,
        "message": "SIP trunks retrieved successfully",
        "data": entries(n),
    }))
    .expect("the entries encode")
}

fn decode_list_ok(body: &[u8]) -> TrunkList {
    let list = trunktui::api::types::decode_list(body).expect("the body decodes");
    assert_eq!(list.skipped, 0);
    list
}

// ---------------------------------------------------------------------------------------
// The dashboard, as the app builds it.

fn profile() -> Profile {
    Profile {
        name: "staging".into(),
        base_url: "https://sip-api.staging.example.com/v1".into(),
        read_only: false,
        accent: None,
        refresh_secs: 30,
    }
}

/// A started dashboard at 120x40 whose first list request is in flight.
fn started() -> State {
    let mut state = State::new(profile(), Clock::now());
    state.size = SCREEN;
    let _ = start(&mut state);
    state
}

fn listed(state: &State, list: TrunkList) -> Event {
    Event::Api(ApiEvent::Listed {
        id: state.in_flight.list.expect("a list request is in flight"),
        elapsed: Duration::from_millis(42),
        result: Ok(list),
    })
}

/// The dashboard after the list of `n` trunks arrived, as the app gets there.
fn dashboard(n: usize) -> State {
    let mut state = started();
    let answer = listed(&state, decode_list_ok(&list_body(n)));
    let _ = update(&mut state, answer);
    assert_eq!(state.trunks.all.len(), n);
    state
}

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// The dashboard with the filter line open and `typed` in it.
fn filtering(n: usize, typed: &str) -> State {
    let mut state = dashboard(n);
    let _ = update(&mut state, key('/'));
    for c in typed.chars() {
        let _ = update(&mut state, key(c));
    }
    assert!(state.trunks.filtering);
    state
}

// ---------------------------------------------------------------------------------------
// The benchmarks.

#[divan::bench(args = SIZES)]
fn decode_list(bencher: divan::Bencher, n: usize) {
    let body = list_body(n);
    bencher
        .counter(divan::counter::BytesCount::of_slice(&body))
        .bench(|| decode_list_ok(divan::black_box(&body)));
}

#[divan::bench(args = SIZES)]
fn list_loaded(bencher: divan::Bencher, n: usize) {
    let list = decode_list_ok(&list_body(n));
    bencher
        .with_inputs(|| {
            let state = started();
            let answer = listed(&state, list.clone());
            (state, answer)
        })
        .bench_local_values(|(mut state, answer)| {
            let _ = update(&mut state, answer);
            state
        });
}

#[divan::bench(args = SIZES)]
fn frame(bencher: divan::Bencher, n: usize) {
    let state = dashboard(n);
    let mut terminal =
        Terminal::new(TestBackend::new(SCREEN.0, SCREEN.1)).expect("a test terminal");
    bencher.bench_local(|| {
        terminal
            .draw(|f| ui::draw(f, divan::black_box(&state)))
            .map(|_| ())
            .expect("drawn");
    });
}

#[divan::bench(args = SIZES)]
fn filter_keystroke(bencher: divan::Bencher, n: usize) {
    let before = filtering(n, "twil");
    bencher
        .with_inputs(|| before.clone())
        .bench_local_values(|mut state| {
            let _ = update(&mut state, key('i'));
            state
        });
}

#[divan::bench(args = SIZES)]
fn filter_first_key(bencher: divan::Bencher, n: usize) {
    let before = filtering(n, "");
    bencher
        .with_inputs(|| before.clone())
        .bench_local_values(|mut state| {
            let _ = update(&mut state, key('t'));
            state
        });
}

#[divan::bench(args = SIZES)]
fn selection_move(bencher: divan::Bencher, n: usize) {
    let mut state = dashboard(n);
    // From the middle, so paging and scrolling work as they do deep in a long list.
    state.trunks.move_by((n / 2) as isize, 30);
    let mut down = true;
    bencher.bench_local(|| {
        let c = if down { 'j' } else { 'k' };
        down = !down;
        update(&mut state, key(c))
    });
}
