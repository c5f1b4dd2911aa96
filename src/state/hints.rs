//! What each provider expects in each field, from the user's document ("Trunk Type Details"
//! and "Provider Setup Guides"), so no one has to look it up while filling the form.

use super::form::FormField;
use crate::api::{ApiRevision, Provider};

pub struct Hint {
    pub example: &'static str,
    pub meaning: &'static str,
}

pub fn hint(provider: Provider, field: FormField) -> Hint {
    use FormField::{
        Address, ExotelNumber, Name, Numbers, Passthrough, Password, SipDomain, SipHost, SipPort,
        Username, WebhookUrl,
    };
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
        (_, ExotelNumber) => (
            "08044319240",
            "your Exotel virtual number (ExoPhone), 1-20 chars",
        ),
        (_, SipHost) => ("sip.exotel.com", "optional: the SIP host Exotel gave you"),
        (_, SipPort) => ("5070", "optional: the SIP port, 1-65535"),
        (_, SipDomain) => ("yourcompany.exotel.com", "optional: the SIP domain, if any"),
        (_, Passthrough) => (
            "off",
            "on: calls go human to phone with no AI agent; Space switches",
        ),
        (_, WebhookUrl) => (
            "https://example.com/call-ended",
            "optional: called when a passthrough call ends",
        ),
    };
    Hint { example, meaning }
}

/// One line from the provider's setup guide, for the fields the revision asks for.
pub fn guide(provider: Provider, revision: ApiRevision) -> &'static str {
    match (provider, revision) {
        (Provider::Twilio, _) => {
            "Twilio: Elastic SIP Trunking > SIP Trunks; use the Termination SIP URI as address, a Credential List with your Account SID and Auth Token"
        }
        (Provider::Exotel, ApiRevision::V1) => {
            "Exotel: SID and Token from the Exotel Dashboard; address sip.exotel.com; numbers must be activated for outbound"
        }
        (Provider::Exotel, ApiRevision::V2) => {
            "Exotel: your virtual number (ExoPhone) from the Exotel Dashboard, activated for outbound; SIP host, port and domain only if Exotel gave you them"
        }
    }
}
