//! The README's key tables against the key tables the dashboard runs on (`trunktui::keys`):
//! one README table per view, one row per binding in the same order, the row naming exactly
//! the binding's keys and its description starting with the binding's own. Every key the
//! README names is also pressed, through `action_for`, in a state of that view: a documented
//! key that does nothing fails here.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use trunktui::action::{Action, action_for};
use trunktui::api::{ApiRevision, Provider, Trunk};
use trunktui::keys::{self, Binding, View};
use trunktui::state::{Clock, Focus, FormField, Overlay, Profile, State};

struct Row {
    keys: Vec<String>,
    text: String,
}

/// The README's "## Keys" section: each "### " heading with its table's rows.
fn readme_tables() -> Vec<(String, Vec<Row>)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme.find("\n## Keys\n").expect("a Keys section");
    let section = &readme[start + 1..];
    let end = section[3..].find("\n## ").map_or(section.len(), |i| i + 3);
    let mut tables: Vec<(String, Vec<Row>)> = Vec::new();
    for line in section[..end].lines() {
        if let Some(title) = line.strip_prefix("### ") {
            tables.push((title.trim().to_string(), Vec::new()));
            continue;
        }
        let Some(cells) = line.strip_prefix('|') else {
            continue;
        };
        let cells: Vec<&str> = cells.split(" | ").collect();
        let (key, text) = (cells[0].trim(), cells[1..].join(" | "));
        if key == "key" || key.starts_with("---") {
            continue;
        }
        let (_, rows) = tables
            .last_mut()
            .unwrap_or_else(|| panic!("a table row before any ### heading: {line}"));
        rows.push(Row {
            keys: key_names(key),
            text: text.trim_end_matches('|').trim().to_string(),
        });
    }
    tables
}

/// The keys a README key cell names: each in backticks, and the words "any other key" and
/// "typed text" for the catch-alls.
fn key_names(cell: &str) -> Vec<String> {
    let mut names: Vec<String> = cell
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    for phrase in ["any other key", "typed text"] {
        if cell
            .split('`')
            .step_by(2)
            .any(|outside| outside.contains(phrase))
        {
            names.push(phrase.to_string());
        }
    }
    names
}

/// A README key name as the key a user presses, read independently of the tables.
fn press(name: &str) -> KeyEvent {
    let plain = |code| KeyEvent::new(code, KeyModifiers::NONE);
    if let Some(c) = name.strip_prefix("Ctrl+") {
        let c = c.chars().next().expect("a letter after Ctrl+");
        return KeyEvent::new(KeyCode::Char(c.to_ascii_lowercase()), KeyModifiers::CONTROL);
    }
    let code = match name {
        "Esc" => KeyCode::Esc,
        "Enter" => KeyCode::Enter,
        "Tab" => KeyCode::Tab,
        "Shift+Tab" => return KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
        "Backspace" => KeyCode::Backspace,
        "Delete" => KeyCode::Delete,
        "Up" => KeyCode::Up,
        "Down" => KeyCode::Down,
        "←" => KeyCode::Left,
        "→" => KeyCode::Right,
        "Home" => KeyCode::Home,
        "End" => KeyCode::End,
        "PgUp" => KeyCode::PageUp,
        "PgDn" => KeyCode::PageDown,
        "Space" => KeyCode::Char(' '),
        "any other key" | "typed text" => KeyCode::Char('x'),
        f if f.starts_with('F') && f.len() > 1 => {
            KeyCode::F(f[1..].parse().unwrap_or_else(|_| panic!("a key name: {f}")))
        }
        c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap()),
        other => panic!("the README names a key this test cannot press: {other:?}"),
    };
    plain(code)
}

fn base() -> State {
    let mut s = State::new(
        Profile {
            name: "p".into(),
            base_url: "http://127.0.0.1:1".into(),
            read_only: false,
            accent: None,
            refresh_secs: 0,
        },
        Clock::now(),
    );
    let trunks = ["Alpha", "Beta"]
        .iter()
        .map(|n| Trunk {
            trunk_id: format!("ST_{n}"),
            trunk_name: Some((*n).into()),
            ..Default::default()
        })
        .collect();
    s.trunks.replace(trunks, 10);
    s
}

/// States in which every binding of the view can apply (a filter for Esc, each kind of form
/// field for the form's keys).
fn states(view: View) -> Vec<State> {
    let mut s = base();
    match view {
        View::List | View::Log => {
            s.focus = if view == View::Log {
                Focus::Log
            } else {
                Focus::List
            };
            let mut filtered = s.clone();
            filtered.trunks.set_filter("alp".into(), 10);
            vec![s, filtered]
        }
        View::Filter => {
            s.trunks.filtering = true;
            vec![s]
        }
        View::Form => {
            s.overlay = Overlay::Form;
            s.form.revision = ApiRevision::V2;
            let mut out = Vec::new();
            for provider in Provider::ALL {
                for focus in [FormField::Provider, FormField::Name, FormField::Passthrough] {
                    let mut f = s.clone();
                    f.form.provider = provider;
                    f.form.focus = focus;
                    out.push(f);
                }
            }
            out
        }
        View::Details => {
            s.overlay = Overlay::Detail;
            vec![s]
        }
        View::Confirm => {
            s.overlay = Overlay::ConfirmDeactivate {
                trunk_id: "ST_Alpha".into(),
                name: "Alpha".into(),
            };
            vec![s]
        }
        View::Help => {
            s.overlay = Overlay::Help;
            vec![s]
        }
    }
}

/// The README table a view should have, for the failure message.
fn expected_markdown(title: &str, bindings: &[Binding]) -> String {
    let mut out = format!("### {title}\n\n| key | what it does |\n| --- | --- |\n");
    for b in bindings {
        let keys: Vec<String> = b
            .names()
            .into_iter()
            .map(|n| match n.as_str() {
                "any other key" | "typed text" => n,
                _ => format!("`{n}`"),
            })
            .collect();
        out.push_str(&format!("| {} | {} |\n", keys.join(" / "), b.help));
    }
    out
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn the_readme_documents_every_binding_and_nothing_else() {
    let tables = readme_tables();
    let mut wanted: Vec<(&str, &[Binding], Vec<State>)> =
        vec![(keys::EVERYWHERE, keys::GLOBAL, states(View::List))];
    for view in View::ALL {
        wanted.push((view.title(), view.bindings(), states(view)));
    }
    let titles: Vec<&str> = tables.iter().map(|(t, _)| t.as_str()).collect();
    let want_titles: Vec<&str> = wanted.iter().map(|(t, _, _)| *t).collect();
    let all: String = wanted
        .iter()
        .map(|(t, b, _)| expected_markdown(t, b))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        titles, want_titles,
        "the README's key tables, in order; they are:\n{all}"
    );
    for ((title, rows), (_, bindings, states)) in tables.iter().zip(&wanted) {
        let expected = expected_markdown(title, bindings);
        assert_eq!(
            rows.len(),
            bindings.len(),
            "{title}: one row per binding; the table is:\n{expected}"
        );
        for (row, b) in rows.iter().zip(bindings.iter()) {
            assert_eq!(
                sorted(row.keys.clone()),
                sorted(b.names()),
                "{title}: a row names the keys of its binding; the table is:\n{expected}"
            );
            assert!(
                row.text.starts_with(b.help),
                "{title}: {:?} starts with {:?}; the table is:\n{expected}",
                row.text,
                b.help
            );
            // Pressed: the documented key does something in this view.
            for name in &row.keys {
                let key = press(name);
                assert!(
                    states.iter().any(|s| action_for(s, key) != Action::None),
                    "{title}: {name} is documented but does nothing"
                );
            }
        }
    }
}

#[test]
fn the_readme_reader_finds_what_it_must() {
    // The reader of the tables must be able to fail: names come out of backticks and the
    // catch-all words, and an undocumented key is a difference.
    assert_eq!(key_names("`j` / `k`, `Down`"), ["j", "k", "Down"]);
    assert_eq!(key_names("`n` / any other key"), ["n", "any other key"]);
    assert_eq!(press("Ctrl+R").modifiers, KeyModifiers::CONTROL);
    assert_eq!(press("PgDn").code, KeyCode::PageDown);
    assert_eq!(press("F2").code, KeyCode::F(2));
    let list = View::List.bindings();
    assert_ne!(sorted(key_names("`j` / `k`")), sorted(list[0].names()));
    // A key documented in the list that the list does not bind.
    let s = states(View::List);
    assert!(s.iter().all(|s| action_for(s, press("x")) == Action::None));
}
