//! The create-trunk form: what was typed, per-field messages, and whether a create is in flight.
//! The draft survives closing the form and a failed create.

use super::hints;
use crate::api::{
    ApiRevision, CreateTrunkRequest, CreateTrunkRequestV2, ExotelConfig, FieldError, NewTrunk,
    Provider, TrunkConfig, TwilioConfig, validate,
};
use std::collections::HashSet;
use std::ops::{Index, IndexMut};
use tui_input::Input;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormField {
    Provider,
    Name,
    Address,
    Numbers,
    Username,
    Password,
    /// v2 Exotel: the virtual number.
    ExotelNumber,
    SipHost,
    SipPort,
    SipDomain,
    /// v2: a toggle, not text.
    Passthrough,
    WebhookUrl,
}

/// The cap of one-line text fields (and the filter): a little above the API's 100.
pub const MAX_CHARS: usize = 128;

impl FormField {
    pub const ALL: [FormField; 12] = [
        FormField::Provider,
        FormField::Name,
        FormField::Address,
        FormField::Numbers,
        FormField::Username,
        FormField::Password,
        FormField::ExotelNumber,
        FormField::SipHost,
        FormField::SipPort,
        FormField::SipDomain,
        FormField::Passthrough,
        FormField::WebhookUrl,
    ];

    /// The most characters the field takes. The API's rule is 1-100; a little more is
    /// taken so an over-long value is still seen and reported by that rule, but no field
    /// grows without bound: editing costs the same however much is typed or pasted.
    pub fn max_chars(self) -> usize {
        match self {
            // A list of numbers: some 200 at their longest.
            FormField::Numbers => 4096,
            // No rule of its own; URLs longer than this are rare.
            FormField::WebhookUrl => 2048,
            _ => MAX_CHARS,
        }
    }

    pub fn is_toggle(self) -> bool {
        matches!(self, FormField::Provider | FormField::Passthrough)
    }

    pub fn label(self) -> &'static str {
        match self {
            FormField::Provider => "Provider",
            FormField::Name => "Name",
            FormField::Address => "Address",
            FormField::Numbers => "Numbers",
            FormField::Username => "Username",
            FormField::Password => "Password",
            FormField::ExotelNumber => "Number",
            FormField::SipHost => "SIP host",
            FormField::SipPort => "SIP port",
            FormField::SipDomain => "Domain",
            FormField::Passthrough => "Passthru",
            FormField::WebhookUrl => "Webhook",
        }
    }

    /// The request field a server error names, mapped back to the form.
    pub fn from_api_field(field: &str) -> Option<FormField> {
        // v2 servers nest these under trunk_config; the last part names the field.
        let last = field.rsplit('.').next().unwrap_or(field);
        Some(match last {
            "trunk_type" => FormField::Provider,
            "trunk_name" => FormField::Name,
            "trunk_address" | "address" => FormField::Address,
            "trunk_numbers" | "numbers" => FormField::Numbers,
            "trunk_auth_username" | "username" => FormField::Username,
            "trunk_auth_password" | "password" => FormField::Password,
            "exotel_number" => FormField::ExotelNumber,
            "sip_host" => FormField::SipHost,
            "sip_port" => FormField::SipPort,
            "sip_domain" => FormField::SipDomain,
            "passthrough_mode" => FormField::Passthrough,
            "passthrough_webhook_url" => FormField::WebhookUrl,
            _ => return None,
        })
    }
}

/// One value per form field, indexed by the field: `map[FormField::Name]`. Every field has
/// its own slot, named by an exhaustive match, so no index or offset can go astray.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMap<T> {
    provider: T,
    name: T,
    address: T,
    numbers: T,
    username: T,
    password: T,
    exotel_number: T,
    sip_host: T,
    sip_port: T,
    sip_domain: T,
    passthrough: T,
    webhook_url: T,
}

impl<T> FieldMap<T> {
    /// Every slot set to what `value` says for its field.
    pub fn from_fn(mut value: impl FnMut(FormField) -> T) -> FieldMap<T> {
        FieldMap {
            provider: value(FormField::Provider),
            name: value(FormField::Name),
            address: value(FormField::Address),
            numbers: value(FormField::Numbers),
            username: value(FormField::Username),
            password: value(FormField::Password),
            exotel_number: value(FormField::ExotelNumber),
            sip_host: value(FormField::SipHost),
            sip_port: value(FormField::SipPort),
            sip_domain: value(FormField::SipDomain),
            passthrough: value(FormField::Passthrough),
            webhook_url: value(FormField::WebhookUrl),
        }
    }

    /// Each field with its value, in `FormField::ALL` order.
    pub fn iter(&self) -> impl Iterator<Item = (FormField, &T)> {
        FormField::ALL.into_iter().map(move |f| (f, &self[f]))
    }

    /// Changes every value, field by field.
    pub fn for_each_mut(&mut self, mut change: impl FnMut(FormField, &mut T)) {
        for field in FormField::ALL {
            change(field, &mut self[field]);
        }
    }
}

impl<T> Index<FormField> for FieldMap<T> {
    type Output = T;

    fn index(&self, field: FormField) -> &T {
        match field {
            FormField::Provider => &self.provider,
            FormField::Name => &self.name,
            FormField::Address => &self.address,
            FormField::Numbers => &self.numbers,
            FormField::Username => &self.username,
            FormField::Password => &self.password,
            FormField::ExotelNumber => &self.exotel_number,
            FormField::SipHost => &self.sip_host,
            FormField::SipPort => &self.sip_port,
            FormField::SipDomain => &self.sip_domain,
            FormField::Passthrough => &self.passthrough,
            FormField::WebhookUrl => &self.webhook_url,
        }
    }
}

impl<T> IndexMut<FormField> for FieldMap<T> {
    fn index_mut(&mut self, field: FormField) -> &mut T {
        match field {
            FormField::Provider => &mut self.provider,
            FormField::Name => &mut self.name,
            FormField::Address => &mut self.address,
            FormField::Numbers => &mut self.numbers,
            FormField::Username => &mut self.username,
            FormField::Password => &mut self.password,
            FormField::ExotelNumber => &mut self.exotel_number,
            FormField::SipHost => &mut self.sip_host,
            FormField::SipPort => &mut self.sip_port,
            FormField::SipDomain => &mut self.sip_domain,
            FormField::Passthrough => &mut self.passthrough,
            FormField::WebhookUrl => &mut self.webhook_url,
        }
    }
}

/// The fields a provider needs in a revision, in the order the form shows them.
pub fn fields_for(provider: Provider, revision: ApiRevision) -> &'static [FormField] {
    use FormField::*;
    match (revision, provider) {
        (ApiRevision::V1, _) => &[Provider, Name, Address, Numbers, Username, Password],
        (ApiRevision::V2, crate::api::Provider::Twilio) => &[
            Provider,
            Name,
            Address,
            Numbers,
            Username,
            Password,
            Passthrough,
            WebhookUrl,
        ],
        (ApiRevision::V2, crate::api::Provider::Exotel) => &[
            Provider,
            Name,
            ExotelNumber,
            SipHost,
            SipPort,
            SipDomain,
            Passthrough,
            WebhookUrl,
        ],
    }
}

/// The messages under one field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMessages {
    /// Blocks submitting: a rule of the API is broken.
    pub error: Option<String>,
    /// Worth a look but not blocking (a Twilio address that is not *.pstn.twilio.com).
    pub warning: Option<String>,
    /// What the server said about this field on the last failed create.
    pub server: Option<String>,
}

#[derive(Clone)]
pub struct FormState {
    pub provider: Provider,
    /// The create revision the server speaks; decides which fields the form asks for.
    pub revision: ApiRevision,
    /// Text of every text field, shown or not, so switching provider or revision loses
    /// nothing typed. The toggles' slots stay empty.
    inputs: FieldMap<Option<Input>>,
    pub passthrough: bool,
    pub focus: FormField,
    pub show_password: bool,
    pub messages: FieldMap<FieldMessages>,
    /// Fields the user has left or typed in: "required" shows only there, or after a submit.
    pub touched: FieldMap<bool>,
    /// A server error that concerns no field.
    pub general_error: Option<String>,
    /// Set when a submit was refused by the form's own rules ("fix Name, Numbers before
    /// creating"); kept current as fields change, and gone once they are right.
    pub blocked: Option<String>,
    /// Id of the create request in flight.
    pub submitting: Option<u64>,
    /// Why the last paste or keystroke was not taken (a line break in a one-line field, a
    /// full field); gone with the next edit that is.
    pub notice: Option<String>,
    /// What the create in flight carries, to find it in the list if its answer is lost.
    pub sent: Option<SentCreate>,
    /// A create whose answer was lost: it may have made the trunk, so sending the draft
    /// again waits for the list and then for a confirmation.
    pub unknown: Option<UnknownOutcome>,
}

/// What a create carried that a list shows: enough to tell whether it made a trunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentCreate {
    /// The name as sent (trimmed, as the API trims).
    pub name: String,
    /// The numbers as sent, normalised (see `normalised_numbers`).
    pub numbers: Vec<String>,
    /// The trunk ids listed when it was sent; None when no list had loaded yet.
    pub known_ids: Option<HashSet<String>>,
}

impl SentCreate {
    pub fn new<'a>(req: &NewTrunk, listed: Option<impl Iterator<Item = &'a str>>) -> SentCreate {
        let numbers = match req {
            NewTrunk::V1(r) => r.trunk_numbers.clone(),
            NewTrunk::V2(r) => match &r.trunk_config {
                TrunkConfig::Twilio(c) => c.numbers.clone(),
                TrunkConfig::Exotel(c) => vec![c.exotel_number.clone()],
            },
        };
        SentCreate {
            name: req.name().trim().to_string(),
            numbers: normalised_numbers(&numbers),
            known_ids: listed.map(|ids| ids.map(str::to_string).collect()),
        }
    }

    /// Whether `trunk` is one this create may have made: not listed when it was sent, with
    /// its name and numbers. A list without numbers (the later revision's) is matched by
    /// name alone.
    pub fn made(&self, trunk: &crate::api::Trunk) -> bool {
        let known = self
            .known_ids
            .as_ref()
            .is_some_and(|ids| ids.contains(&trunk.trunk_id));
        !known
            && trunk.trunk_name.as_deref().map(str::trim) == Some(self.name.as_str())
            && trunk
                .trunk_numbers
                .as_ref()
                .is_none_or(|n| normalised_numbers(n) == self.numbers)
    }
}

/// Numbers as compared: only `+` and digits kept, sorted, each once; a server may space,
/// order or repeat them otherwise than they were typed.
pub fn normalised_numbers(numbers: &[String]) -> Vec<String> {
    let mut out: Vec<String> = numbers
        .iter()
        .map(|n| {
            n.chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect::<String>()
        })
        .filter(|n| !n.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A create that got no answer (a timeout, a cut connection, a 5xx).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOutcome {
    pub sent: SentCreate,
    /// Why there was no answer, as the client put it.
    pub reason: String,
    pub check: OutcomeCheck,
    /// Why the list asked for to check could not be read, if it could not.
    pub unchecked: Option<String>,
}

/// How far the app got in finding out what happened to a create without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeCheck {
    /// The list asked for after the failure has not come back yet.
    Checking,
    /// The list came back without the trunk, or could not be read: sending again needs a
    /// confirmation.
    NotListed,
    /// Enter was pressed once and the confirmation shown: the next Enter sends it again.
    Confirming,
}

/// By hand, so the password (and tui-input's yank buffer, which may hold it) never prints.
impl std::fmt::Debug for FormState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let values: Vec<(&str, &str)> = FormField::ALL
            .iter()
            .filter(|field| !field.is_toggle())
            .map(|&field| {
                let shown = if field == FormField::Password {
                    "***"
                } else {
                    self.value(field)
                };
                (field.label(), shown)
            })
            .collect();
        f.debug_struct("FormState")
            .field("provider", &self.provider)
            .field("revision", &self.revision)
            .field("values", &values)
            .field("passthrough", &self.passthrough)
            .field("focus", &self.focus)
            .field("messages", &self.messages)
            .field("general_error", &self.general_error)
            .field("blocked", &self.blocked)
            .field("submitting", &self.submitting)
            .field("notice", &self.notice)
            .field("unknown", &self.unknown)
            .finish_non_exhaustive()
    }
}

impl Default for FormState {
    fn default() -> Self {
        let mut form = FormState {
            provider: Provider::Twilio,
            revision: ApiRevision::V1,
            inputs: FieldMap::from_fn(|f| (!f.is_toggle()).then(Input::default)),
            passthrough: false,
            focus: FormField::Provider,
            show_password: false,
            messages: FieldMap::default(),
            touched: FieldMap::default(),
            general_error: None,
            blocked: None,
            submitting: None,
            notice: None,
            sent: None,
            unknown: None,
        };
        form.revalidate();
        form
    }
}

impl FormState {
    pub fn input(&self, field: FormField) -> Option<&Input> {
        self.inputs[field].as_ref()
    }

    pub fn input_mut(&mut self, field: FormField) -> Option<&mut Input> {
        self.inputs[field].as_mut()
    }

    /// Sets a field's text, as if typed.
    pub fn set_value(&mut self, field: FormField, text: &str) {
        if let Some(input) = self.input_mut(field) {
            *input = Input::new(text.to_string());
        }
        self.revalidate();
    }

    /// Inserts text at the field's cursor, as if typed there, and leaves the cursor after it.
    /// Only what fits the field's cap goes in; returns whether some of the text was left out.
    pub fn insert_text(&mut self, field: FormField, text: &str) -> bool {
        let Some(input) = self.input_mut(field) else {
            return false;
        };
        let value = input.value();
        let room = field.max_chars().saturating_sub(value.chars().count());
        let (text, cut) = match text.char_indices().nth(room) {
            Some((end, _)) => (&text[..end], true),
            None => (text, false),
        };
        if text.is_empty() {
            return cut;
        }
        let cursor = input.cursor();
        let at = value
            .char_indices()
            .nth(cursor)
            .map_or(value.len(), |(i, _)| i);
        let mut joined = String::with_capacity(value.len() + text.len());
        joined.push_str(&value[..at]);
        joined.push_str(text);
        joined.push_str(&value[at..]);
        *input = Input::new(joined).with_cursor(cursor + text.chars().count());
        self.notice = None;
        self.edited(field);
        cut
    }

    /// Cuts the field's text to its cap (Ctrl+Y can put back more than fits); true if cut.
    pub fn enforce_cap(&mut self, field: FormField) -> bool {
        let Some(input) = self.input_mut(field) else {
            return false;
        };
        let Some((end, _)) = input.value().char_indices().nth(field.max_chars()) else {
            return false;
        };
        let cursor = input.cursor();
        *input = Input::new(input.value()[..end].to_string()).with_cursor(cursor);
        true
    }

    /// After the user changed a field: it counts as touched, the server's old word on it
    /// goes, and the rules are checked again.
    pub fn edited(&mut self, field: FormField) {
        self.touched[field] = true;
        self.messages[field].server = None;
        self.revalidate();
    }

    pub fn value(&self, field: FormField) -> &str {
        self.input(field).map(Input::value).unwrap_or("")
    }

    pub fn messages(&self, field: FormField) -> &FieldMessages {
        &self.messages[field]
    }

    pub fn hint(&self, field: FormField) -> hints::Hint {
        hints::hint(self.provider, field)
    }

    /// The fields shown now, in order.
    pub fn fields(&self) -> &'static [FormField] {
        fields_for(self.provider, self.revision)
    }

    pub fn next_field(&self) -> FormField {
        self.step(1)
    }

    pub fn prev_field(&self) -> FormField {
        self.step(-1)
    }

    fn step(&self, by: isize) -> FormField {
        let fields = self.fields();
        let at = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
        let len = fields.len() as isize;
        fields[((at as isize + by).rem_euclid(len)) as usize]
    }

    /// After the provider or revision changed: keep the focus on a field that is shown.
    pub fn refit(&mut self) {
        if !self.fields().contains(&self.focus) {
            self.focus = FormField::Provider;
        }
        self.revalidate();
    }

    /// The request as typed, in the revision the server speaks, trimmed the way the API
    /// trims.
    pub fn request(&self) -> NewTrunk {
        let text = |f| self.value(f).trim().to_string();
        let optional = |f| Some(text(f)).filter(|s: &String| !s.is_empty());
        let numbers = validate::split_numbers(self.value(FormField::Numbers));
        let password = self.value(FormField::Password).to_string();
        match self.revision {
            ApiRevision::V1 => NewTrunk::V1(CreateTrunkRequest {
                trunk_name: text(FormField::Name),
                trunk_address: text(FormField::Address),
                trunk_numbers: numbers,
                trunk_auth_username: text(FormField::Username),
                trunk_auth_password: password,
                trunk_type: self.provider,
            }),
            ApiRevision::V2 => NewTrunk::V2(CreateTrunkRequestV2 {
                trunk_name: text(FormField::Name),
                trunk_type: self.provider,
                trunk_config: match self.provider {
                    Provider::Twilio => TrunkConfig::Twilio(TwilioConfig {
                        address: text(FormField::Address),
                        numbers,
                        username: text(FormField::Username),
                        password,
                    }),
                    Provider::Exotel => TrunkConfig::Exotel(ExotelConfig {
                        exotel_number: text(FormField::ExotelNumber),
                        sip_host: optional(FormField::SipHost),
                        // A port that does not parse is reported by `revalidate`.
                        sip_port: text(FormField::SipPort).parse().ok(),
                        sip_domain: optional(FormField::SipDomain),
                    }),
                },
                passthrough_mode: self.passthrough,
                passthrough_webhook_url: optional(FormField::WebhookUrl),
            }),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.fields()
            .iter()
            .any(|&f| self.messages[f].error.is_some())
    }

    pub fn touch_all(&mut self) {
        self.touched = FieldMap::from_fn(|_| true);
    }

    /// Recomputes the client-side rules and provider warnings; called after every change,
    /// so drawing never validates.
    pub fn revalidate(&mut self) {
        let req = self.request();
        let mut errors: FieldMap<Option<String>> = FieldMap::default();
        for FieldError { field, message } in validate::validate_new(&req) {
            if let Some(f) = FormField::from_api_field(&field) {
                errors[f] = Some(message);
            }
        }
        // The port's text, which `request` cannot carry when it does not parse.
        if self.revision == ApiRevision::V2 && self.provider == Provider::Exotel {
            errors[FormField::SipPort] = validate::check_port_text(self.value(FormField::SipPort));
        }
        let mut warnings = provider_warnings(self);
        self.messages.for_each_mut(|f, m| {
            m.error = errors[f].take();
            m.warning = warnings[f].take();
        });
        if self.blocked.is_some() {
            self.blocked = self.blocked_message();
        }
    }

    /// Refuses a submit while a shown field breaks a rule, saying which; true if refused.
    pub fn block_submit(&mut self) -> bool {
        self.blocked = self.blocked_message();
        self.blocked.is_some()
    }

    fn blocked_message(&self) -> Option<String> {
        let bad: Vec<&str> = self
            .fields()
            .iter()
            .filter(|f| self.messages(**f).error.is_some())
            .map(|f| f.label())
            .collect();
        (!bad.is_empty()).then(|| format!("fix {} before creating", bad.join(", ")))
    }

    /// Puts a failed create's per-field errors under their fields; the rest goes to the top.
    pub fn apply_server_errors(&mut self, fields: &[FieldError], general: Option<String>) {
        let mut unplaced = Vec::new();
        self.messages.for_each_mut(|_, m| m.server = None);
        for FieldError { field, message } in fields {
            match FormField::from_api_field(field).filter(|f| self.fields().contains(f)) {
                Some(f) => {
                    let slot = &mut self.messages[f].server;
                    *slot = Some(match slot.take() {
                        Some(prev) => format!("{prev}; {message}"),
                        None => message.clone(),
                    });
                }
                None => unplaced.push(format!("{field}: {message}")),
            }
        }
        unplaced.extend(general);
        self.general_error = (!unplaced.is_empty()).then(|| unplaced.join("; "));
        self.touch_all();
    }

    /// Takes back a confirmation to send again: the next Enter asks again. Returns whether
    /// there was one.
    pub fn disarm(&mut self) -> bool {
        match &mut self.unknown {
            Some(u) if u.check == OutcomeCheck::Confirming => {
                u.check = OutcomeCheck::NotListed;
                true
            }
            _ => false,
        }
    }

    pub fn clear_server_errors(&mut self) {
        self.messages.for_each_mut(|_, m| m.server = None);
        self.general_error = None;
    }
}

fn provider_warnings(form: &FormState) -> FieldMap<Option<String>> {
    let mut w: FieldMap<Option<String>> = FieldMap::default();
    let address = form.value(FormField::Address).trim().to_ascii_lowercase();
    let username = form.value(FormField::Username).trim();
    match form.provider {
        Provider::Twilio => {
            if !address.is_empty() && !address.ends_with("pstn.twilio.com") {
                w[FormField::Address] =
                    Some("Twilio termination URIs usually end in pstn.twilio.com".into());
            }
            if !username.is_empty() && !username.starts_with("AC") {
                w[FormField::Username] = Some("a Twilio Account SID starts with AC".into());
            }
        }
        Provider::Exotel => {
            if !address.is_empty() && address != "sip.exotel.com" {
                w[FormField::Address] = Some("Exotel's SIP endpoint is sip.exotel.com".into());
            }
            w[FormField::ExotelNumber] =
                validate::exotel_number_hint(form.value(FormField::ExotelNumber));
        }
    }
    if form.passthrough && form.value(FormField::WebhookUrl).trim().is_empty() {
        w[FormField::WebhookUrl] =
            Some("passthrough calls end without telling anyone unless a webhook is set".into());
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(form: &mut FormState, field: FormField, text: &str) {
        form.set_value(field, text);
    }

    #[test]
    fn every_field_has_a_slot_of_its_own() {
        let map = FieldMap::from_fn(|f| f);
        for field in FormField::ALL {
            assert_eq!(map[field], field);
        }
        let mut touched = FieldMap::<bool>::default();
        touched[FormField::SipPort] = true;
        let set: Vec<FormField> = touched
            .iter()
            .filter(|(_, t)| **t)
            .map(|(f, _)| f)
            .collect();
        assert_eq!(set, [FormField::SipPort]);
        assert_eq!(
            map.iter().map(|(f, _)| f).collect::<Vec<_>>(),
            FormField::ALL
        );
        // Only text fields hold text.
        let form = FormState::default();
        for field in FormField::ALL {
            assert_eq!(form.input(field).is_some(), !field.is_toggle(), "{field:?}");
        }
    }

    #[test]
    fn provider_warnings_do_not_block() {
        let mut f = FormState::default();
        typed(&mut f, FormField::Name, "n");
        typed(&mut f, FormField::Address, "sip.example.com");
        typed(&mut f, FormField::Numbers, "+15550100000");
        typed(&mut f, FormField::Username, "user");
        typed(&mut f, FormField::Password, "pw");
        assert!(!f.has_errors());
        assert!(f.messages(FormField::Address).warning.is_some());
        assert!(f.messages(FormField::Username).warning.is_some());
        f.provider = Provider::Exotel;
        f.revalidate();
        assert!(f.messages(FormField::Username).warning.is_none());
        assert!(
            f.messages(FormField::Address)
                .warning
                .as_deref()
                .unwrap()
                .contains("sip.exotel.com")
        );
    }

    #[test]
    fn switching_revision_and_provider_keeps_every_value() {
        let mut f = FormState::default();
        typed(&mut f, FormField::Name, "Exotel India");
        typed(&mut f, FormField::Address, "sip.exotel.com");
        f.revision = ApiRevision::V2;
        f.provider = Provider::Exotel;
        f.focus = FormField::Address;
        f.refit();
        assert_eq!(
            f.focus,
            FormField::Provider,
            "Address is not an Exotel v2 field"
        );
        typed(&mut f, FormField::ExotelNumber, "08044319240");
        typed(&mut f, FormField::SipPort, "70000");
        assert!(f.messages(FormField::SipPort).error.is_some());
        assert!(f.messages(FormField::ExotelNumber).warning.is_some());
        let NewTrunk::V2(req) = f.request() else {
            panic!("v2 form builds a v2 body")
        };
        assert!(
            matches!(req.trunk_config, TrunkConfig::Exotel(ref c) if c.exotel_number == "08044319240")
        );
        f.provider = Provider::Twilio;
        f.revision = ApiRevision::V1;
        f.refit();
        assert_eq!(f.value(FormField::Address), "sip.exotel.com");
        assert_eq!(f.value(FormField::ExotelNumber), "08044319240");
        // Errors of hidden fields do not block.
        typed(&mut f, FormField::Numbers, "+15550100000");
        typed(&mut f, FormField::Username, "AC1");
        typed(&mut f, FormField::Password, "pw");
        assert!(!f.has_errors());
    }

    #[test]
    fn a_lost_create_is_found_by_name_and_numbers_among_new_ids_only() {
        use crate::api::Trunk;
        let mut f = FormState::default();
        typed(&mut f, FormField::Name, "  Lost  ");
        typed(&mut f, FormField::Numbers, "+15550100001, +15550100000");
        let listed = ["ST_old"];
        let sent = SentCreate::new(&f.request(), Some(listed.into_iter()));
        assert_eq!(sent.name, "Lost");
        let trunk = |id: &str, name: &str, numbers: Option<&[&str]>| Trunk {
            trunk_id: id.into(),
            trunk_name: Some(name.into()),
            trunk_numbers: numbers.map(|n| n.iter().map(|s| s.to_string()).collect()),
            ..Trunk::default()
        };
        let both = ["+1 555 010 0000", "+15550100001", "+15550100000"];
        // Spaced, reordered and repeated on the server's side: the same numbers.
        assert!(sent.made(&trunk("ST_new", "Lost", Some(&both))));
        assert!(sent.made(&trunk("ST_new", " Lost ", Some(&both))));
        // Listed before the submit: not this create's doing.
        assert!(!sent.made(&trunk("ST_old", "Lost", Some(&both))));
        assert!(!sent.made(&trunk("ST_new", "Lost", Some(&["+15550100000"]))));
        assert!(!sent.made(&trunk("ST_new", "lost", Some(&both))));
        // A list without numbers (the later revision's) is matched by name.
        assert!(sent.made(&trunk("ST_new", "Lost", None)));
        // Before any list loaded, every trunk is new.
        let unlisted = SentCreate::new(&f.request(), None::<std::iter::Empty<&str>>);
        assert!(unlisted.made(&trunk("ST_old", "Lost", Some(&both))));
        // An Exotel v2 draft is found by its virtual number.
        f.revision = ApiRevision::V2;
        f.provider = Provider::Exotel;
        typed(&mut f, FormField::ExotelNumber, "08044319240");
        let exotel = SentCreate::new(&f.request(), Some(listed.into_iter()));
        assert_eq!(exotel.numbers, ["08044319240"]);
    }

    #[test]
    fn server_errors_land_under_their_fields() {
        let mut f = FormState::default();
        f.apply_server_errors(
            &[
                FieldError::new("trunk_name", "too short"),
                FieldError::new("trunk_config.address", "bad"),
                FieldError::new("mystery", "odd"),
            ],
            Some("Validation Error".into()),
        );
        assert_eq!(
            f.messages(FormField::Name).server.as_deref(),
            Some("too short")
        );
        assert_eq!(
            f.messages(FormField::Address).server.as_deref(),
            Some("bad")
        );
        assert_eq!(
            f.general_error.as_deref(),
            Some("mystery: odd; Validation Error")
        );
    }
}
