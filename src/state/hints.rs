//! What each provider expects in each field, from the user's document ("Trunk Type Details"
//! and "Provider Setup Guides"), so no one has to look it up while filling the form.

use super::form::FormField;
use crate::api::Provider;

pub struct Hint {
    pub example: &'static str,
    pub meaning: &'static str,
}

pub fn hint(provider: Provider, field: FormField) -> Hint {
    use FormField::{Address, Name, Numbers, Password, Username};
    use Provider::{Exotel, Twilio};
    let (example, meaning) = match (provider, field) {
        (_, FormField::Provider) => ("twilio | exotel", "Left/Right or Space switches"),
        (Twilio, Name) => (
            "Twilio Production",
            "a name you will recognise, 1-100 chars",
        ),
        (Exotel, Name) => ("Exotel India", "a name you will recognise, 1-100 chars"),
        (Twilio, Address) => (
            "example.pstn.twilio.com",
            "your Twilio SIP domain (Termination SIP URI)",
        ),
        (Exotel, Address) => ("sip.exotel.com", "Exotel SIP endpoint"),
        (Twilio, Numbers) => (
            "+15550100000, +15550100001",
            "verified caller IDs, E.164, comma or space separated",
        ),
        (Exotel, Numbers) => (
            "+911234567890",
            "Exotel numbers activated for outbound, E.164",
        ),
        (Twilio, Username) => ("ACxxxxxxxx...", "Twilio Account SID"),
        (Exotel, Username) => ("your_exotel_sid", "Exotel SID"),
        (Twilio, Password) => ("your_auth_token", "Twilio Auth Token (or API Key Secret)"),
        (Exotel, Password) => ("your_token", "Exotel Token"),
    };
    Hint { example, meaning }
}

/// One line from the provider's setup guide.
pub fn guide(provider: Provider) -> &'static str {
    match provider {
        Provider::Twilio => {
            "Twilio: Elastic SIP Trunking > SIP Trunks; use the Termination SIP URI as address, a Credential List with your Account SID and Auth Token"
        }
        Provider::Exotel => {
            "Exotel: SID and Token from the Exotel Dashboard; address sip.exotel.com; numbers must be activated for outbound"
        }
    }
}
