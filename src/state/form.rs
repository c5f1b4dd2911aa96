//! The create-trunk form: what was typed, per-field messages, and whether a create is in flight.
//! The draft survives closing the form and a failed create.

use super::hints;
use crate::api::{CreateTrunkRequest, FieldError, Provider, validate};
use tui_input::Input;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormField {
    Provider,
    Name,
    Address,
    Numbers,
    Username,
    Password,
}

impl FormField {
    pub const ALL: [FormField; 6] = [
        FormField::Provider,
        FormField::Name,
        FormField::Address,
        FormField::Numbers,
        FormField::Username,
        FormField::Password,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn label(self) -> &'static str {
        match self {
            FormField::Provider => "Provider",
            FormField::Name => "Name",
            FormField::Address => "Address",
            FormField::Numbers => "Numbers",
            FormField::Username => "Username",
            FormField::Password => "Password",
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
            _ => return None,
        })
    }

    pub fn next(self) -> FormField {
        Self::ALL[(self.index() + 1) % Self::ALL.len()]
    }

    pub fn prev(self) -> FormField {
        Self::ALL[(self.index() + Self::ALL.len() - 1) % Self::ALL.len()]
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

#[derive(Debug, Clone)]
pub struct FormState {
    pub provider: Provider,
    /// Text inputs for every field but the provider, by `FormField::index() - 1`.
    pub inputs: [Input; 5],
    pub focus: FormField,
    pub show_password: bool,
    pub messages: [FieldMessages; 6],
    /// Fields the user has left or typed in: "required" shows only there, or after a submit.
    pub touched: [bool; 6],
    /// A server error that concerns no field.
    pub general_error: Option<String>,
    /// Id of the create request in flight.
    pub submitting: Option<u64>,
}

impl Default for FormState {
    fn default() -> Self {
        let mut form = FormState {
            provider: Provider::Twilio,
            inputs: Default::default(),
            focus: FormField::Provider,
            show_password: false,
            messages: Default::default(),
            touched: [false; 6],
            general_error: None,
            submitting: None,
        };
        form.revalidate();
        form
    }
}

impl FormState {
    pub fn input(&self, field: FormField) -> Option<&Input> {
        field
            .index()
            .checked_sub(1)
            .and_then(|i| self.inputs.get(i))
    }

    pub fn input_mut(&mut self, field: FormField) -> Option<&mut Input> {
        field
            .index()
            .checked_sub(1)
            .and_then(|i| self.inputs.get_mut(i))
    }

    pub fn value(&self, field: FormField) -> &str {
        self.input(field).map(Input::value).unwrap_or("")
    }

    pub fn messages(&self, field: FormField) -> &FieldMessages {
        &self.messages[field.index()]
    }

    pub fn hint(&self, field: FormField) -> hints::Hint {
        hints::hint(self.provider, field)
    }

    /// The request as typed, trimmed the way the API trims.
    pub fn request(&self) -> CreateTrunkRequest {
        let text = |f| self.value(f).trim().to_string();
        CreateTrunkRequest {
            trunk_name: text(FormField::Name),
            trunk_address: text(FormField::Address),
            trunk_numbers: validate::split_numbers(self.value(FormField::Numbers)),
            trunk_auth_username: text(FormField::Username),
            trunk_auth_password: self.value(FormField::Password).to_string(),
            trunk_type: self.provider,
        }
    }

    pub fn has_errors(&self) -> bool {
        self.messages.iter().any(|m| m.error.is_some())
    }

    pub fn touch_all(&mut self) {
        self.touched = [true; 6];
    }

    /// Recomputes the client-side rules and provider warnings; called after every change,
    /// so drawing never validates.
    pub fn revalidate(&mut self) {
        let req = self.request();
        let mut errors: [Option<String>; 6] = Default::default();
        for FieldError { field, message } in validate::validate_create(&req) {
            if let Some(f) = FormField::from_api_field(&field) {
                errors[f.index()] = Some(message);
            }
        }
        let warnings = provider_warnings(&req);
        for (i, m) in self.messages.iter_mut().enumerate() {
            m.error = errors[i].take();
            m.warning = warnings[i].clone();
        }
    }

    /// Puts a failed create's per-field errors under their fields; the rest goes to the top.
    pub fn apply_server_errors(&mut self, fields: &[FieldError], general: Option<String>) {
        let mut unplaced = Vec::new();
        for m in &mut self.messages {
            m.server = None;
        }
        for FieldError { field, message } in fields {
            match FormField::from_api_field(field) {
                Some(f) => {
                    let slot = &mut self.messages[f.index()].server;
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

    pub fn clear_server_errors(&mut self) {
        for m in &mut self.messages {
            m.server = None;
        }
        self.general_error = None;
    }
}

fn provider_warnings(req: &CreateTrunkRequest) -> [Option<String>; 6] {
    let mut w: [Option<String>; 6] = Default::default();
    let address = req.trunk_address.to_ascii_lowercase();
    match req.trunk_type {
        Provider::Twilio => {
            if !address.is_empty() && !address.ends_with("pstn.twilio.com") {
                w[FormField::Address.index()] =
                    Some("Twilio termination URIs usually end in pstn.twilio.com".into());
            }
            if !req.trunk_auth_username.is_empty() && !req.trunk_auth_username.starts_with("AC") {
                w[FormField::Username.index()] = Some("a Twilio Account SID starts with AC".into());
            }
        }
        Provider::Exotel => {
            if !address.is_empty() && address != "sip.exotel.com" {
                w[FormField::Address.index()] =
                    Some("Exotel's SIP endpoint is sip.exotel.com".into());
            }
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(form: &mut FormState, field: FormField, text: &str) {
        if let Some(input) = form.input_mut(field) {
            *input = Input::new(text.to_string());
        }
        form.revalidate();
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
