//! What the dashboard says, in one place: every status-log line and form message `update`
//! writes, each built from the data it reports. The state machine decides *when* to say
//! something; these functions decide *how*. Route paths come from `api::routes`.

use crate::api::routes::{CREATE, LIST, deactivate_path};
use crate::api::{ApiError, Negotiated, NewTrunk};
use crate::state::{FormField, Profile, UnknownOutcome};
use std::time::Duration;

/// How long a request took, for the log: `84ms`.
fn took(elapsed: Duration) -> String {
    format!("{}ms", elapsed.as_millis())
}

/// The HTTP status of a failure, or `-` when no answer carried one.
fn status_of(e: &ApiError) -> String {
    e.status()
        .map_or_else(|| "-".to_string(), |s| s.to_string())
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

// ---- Start and profile ----------------------------------------------------------------

pub fn profile(p: &Profile) -> String {
    format!(
        "profile {}: {}{}",
        p.name,
        p.base_url,
        if p.read_only { " (read-only)" } else { "" }
    )
}

pub fn read_only(profile: &str, what: &str) -> String {
    format!(
        "profile {profile} is read-only: {what} is refused (start trunktui with another --profile to change trunks)"
    )
}

// ---- Answers --------------------------------------------------------------------------

pub fn negotiated(n: &Negotiated) -> String {
    format!("server speaks {n}")
}

pub fn listed(elapsed: Duration, trunks: usize, recovered: bool) -> String {
    format!(
        "GET {LIST} 200 {}: {trunks} trunk{}{}",
        took(elapsed),
        plural(trunks, "", "s"),
        if recovered { " (server is back)" } else { "" }
    )
}

pub fn skipped(entries: usize) -> String {
    format!(
        "{entries} list entr{} had no trunk_id and {} not shown",
        plural(entries, "y", "ies"),
        plural(entries, "is", "are")
    )
}

/// `stale`: an earlier list is still shown.
pub fn list_failed(e: &ApiError, elapsed: Duration, stale: bool) -> String {
    format!(
        "GET {LIST} {} {}: {e}{}",
        status_of(e),
        took(elapsed),
        if stale {
            "; showing the last good list"
        } else {
            ""
        }
    )
}

/// `again`: the user confirmed sending a draft whose last create got no answer.
pub fn creating(req: &NewTrunk, again: bool) -> String {
    format!(
        "POST {CREATE}: creating {} trunk \"{}\" ({} body){}",
        req.provider(),
        req.name(),
        req.revision(),
        if again {
            ", again: confirmed after an unknown outcome"
        } else {
            ""
        }
    )
}

pub fn created(elapsed: Duration, trunk_id: &str) -> String {
    format!("POST {CREATE} 200 {}: created {trunk_id}", took(elapsed))
}

/// `said`: what the failure means for the form, as `create_failure` put it there.
pub fn create_failed(e: &ApiError, elapsed: Duration, said: &str) -> String {
    format!("POST {CREATE} {} {}: {said}", status_of(e), took(elapsed))
}

pub fn create_outcome_unknown(e: &ApiError, elapsed: Duration) -> String {
    format!(
        "POST {CREATE} {} {}: outcome unknown ({e}); listing the trunks to see whether it went through",
        status_of(e),
        took(elapsed)
    )
}

pub fn went_through(name: &str, trunk_id: &str) -> String {
    format!(
        "POST {CREATE}: the create of \"{name}\" went through after all: {trunk_id} is in the list"
    )
}

/// `unchecked`: the list could not be read, so nothing is known either way.
pub fn not_listed(name: &str, unchecked: bool) -> String {
    if unchecked {
        format!(
            "could not check whether the create of \"{name}\" went through; sending it again asks first"
        )
    } else {
        format!(
            "\"{name}\" is not in the list, but its create may still have gone through; sending it again asks first"
        )
    }
}

pub fn deactivating(trunk_id: &str, name: &str) -> String {
    format!(
        "DELETE {}: deactivating \"{name}\"",
        deactivate_path(trunk_id)
    )
}

pub fn deactivated(trunk_id: &str, elapsed: Duration) -> String {
    format!(
        "DELETE {} 200 {}: deactivated {trunk_id}",
        deactivate_path(trunk_id),
        took(elapsed)
    )
}

pub fn deactivate_failed(trunk_id: &str, e: &ApiError, elapsed: Duration) -> String {
    format!(
        "DELETE {} {} {}: {e}",
        deactivate_path(trunk_id),
        status_of(e),
        took(elapsed)
    )
}

// ---- Keys -----------------------------------------------------------------------------

pub fn deactivate_busy() -> String {
    "a deactivate is still waiting for its answer; try again when it is done".into()
}

pub fn nothing_to_deactivate() -> String {
    "no trunk selected to deactivate".into()
}

pub fn copied(trunk_id: &str) -> String {
    format!(
        "copied {trunk_id} to the clipboard (OSC 52: works over SSH; in tmux needs set-clipboard on)"
    )
}

/// `shown`: the id with its control characters as placeholders.
pub fn not_copied(shown: &str) -> String {
    format!(
        "not copied: the trunk id {shown} holds control or invisible characters (shown as placeholders) that could act on a terminal it is pasted into"
    )
}

// ---- Typing and pasting ---------------------------------------------------------------

/// A form field is full; `what` says what happened to the rest.
pub fn field_full(field: FormField, what: &str) -> String {
    format!(
        "{} holds at most {} characters; {what}",
        field.label(),
        field.max_chars()
    )
}

pub fn filter_full(max: usize) -> String {
    format!("the filter holds at most {max} characters; the rest was not typed")
}

pub fn filter_paste_cut(max: usize) -> String {
    format!("pasted text cut: the filter holds at most {max} characters")
}

pub fn filter_paste_refused(why: &str) -> String {
    format!("paste refused: {why}; the filter is one line")
}

pub fn paste_nowhere() -> String {
    "paste ignored: no text field has the focus (n opens the new-trunk form, / the filter)".into()
}

pub fn paste_on_toggle(field: FormField) -> String {
    format!(
        "paste ignored: {} is a choice, not a text field",
        field.label()
    )
}

pub fn field_paste_cut(field: FormField) -> String {
    format!(
        "pasted text cut: {} holds at most {} characters",
        field.label(),
        field.max_chars()
    )
}

/// Says what was wrong, never what was pasted: it may be a password.
pub fn field_paste_refused(why: &str, field: FormField) -> String {
    format!("paste refused: {why}; {} is one line", field.label())
}

// ---- The form's messages after a create without an answer ------------------------------

/// While the list is looked at.
pub fn outcome_checking(reason: &str) -> String {
    format!("outcome unknown: {reason}. The trunk may have been created; checking the list for it…")
}

/// Once the list did not show the trunk, or could not be read.
pub fn resend_needs_confirmation(unknown: &UnknownOutcome) -> String {
    let checked = match &unknown.unchecked {
        Some(why) => format!("The list could not be read to check ({why})"),
        None => "The list does not show the trunk".to_string(),
    };
    format!(
        "outcome unknown: {}. {checked}, but the first create may have gone through. Enter asks before sending it again.",
        unknown.reason
    )
}

/// After the first Enter: the second sends.
pub fn confirm_resend() -> String {
    "outcome unknown: the first create may have gone through; press Enter again to send it again, Esc to go back.".into()
}

/// Enter before the list came back.
pub fn still_checking() -> String {
    "still checking the list for the first create; Enter asks again once it is known".into()
}
