//! Who is calling: API keys from the request headers, and the owner fingerprint each accepted
//! key stands for. Raw keys live only in the caller's `ServeOptions`, never in the store.

use super::{ServeAuth, ServerError};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use rustls::crypto::hash::Hash;
use std::collections::HashSet;
use std::fmt::Write;

/// Keeps fingerprints of one key from matching those a future scheme would make.
const FINGERPRINT_CONTEXT: &[u8] = b"trunktui owner v1\n";

/// The accepted keys, by fingerprint.
pub(crate) struct Owners {
    sha256: &'static dyn Hash,
    accepted: HashSet<String>,
}

impl Owners {
    /// Fingerprints every key; a blank one is refused, since an empty header would match it.
    pub fn new(keys: &[String]) -> Result<Owners, ServerError> {
        if keys.is_empty() {
            return Err(ServerError::NoApiKeys);
        }
        let mut owners = Owners {
            sha256: sha256()?,
            accepted: HashSet::new(),
        };
        for (index, key) in keys.iter().enumerate() {
            if key.trim().is_empty() {
                return Err(ServerError::BlankApiKey {
                    position: index + 1,
                });
            }
            let owner = owners.fingerprint(key.trim());
            owners.accepted.insert(owner);
        }
        Ok(owners)
    }

    /// A stable, one-way name for the user of `key`: what the store records as the owner.
    pub fn fingerprint(&self, key: &str) -> String {
        let mut input = FINGERPRINT_CONTEXT.to_vec();
        input.extend_from_slice(key.as_bytes());
        let digest = self.sha256.hash(&input);
        let mut out = String::from("sha256:");
        for byte in digest.as_ref() {
            let _ = write!(out, "{byte:02x}");
        }
        out
    }

    /// Who sent the request, judged only by the headers `accept` allows: `x-api-key` (the
    /// document's scheme), `Authorization: Bearer` (what some deployments use), or either.
    /// The first accepted key wins.
    pub fn authenticate(&self, headers: &HeaderMap, accept: ServeAuth) -> Caller {
        let mut presented = presented_keys(headers, accept).peekable();
        if presented.peek().is_none() {
            return Caller::Anonymous;
        }
        presented
            .map(|key| self.fingerprint(key))
            .find(|owner| self.accepted.contains(owner))
            .map_or(Caller::Unknown, Caller::Owner)
    }
}

/// What the headers of a request say about its sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Caller {
    /// An accepted key: its owner's fingerprint.
    Owner(String),
    /// A key of an accepted scheme, but not one this server knows.
    Unknown,
    /// No key in any header this server reads (another scheme's header does not count).
    Anonymous,
}

fn presented_keys(headers: &HeaderMap, accept: ServeAuth) -> impl Iterator<Item = &str> {
    let api_keys = headers
        .get_all("x-api-key")
        .iter()
        .filter(move |_| accept != ServeAuth::Bearer)
        .filter_map(|v| v.to_str().ok())
        .map(str::trim);
    let bearer = headers
        .get_all(AUTHORIZATION)
        .iter()
        .filter(move |_| accept != ServeAuth::XApiKey)
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
    api_keys.chain(bearer).filter(|k| !k.is_empty())
}

/// A stable, made-up address for an owner, for the later revision's `trunk_created_by_email`:
/// from the owner's fingerprint, so it stays the same across restarts and key orders, and in
/// the reserved `.invalid` domain, so it can never reach anyone.
pub(crate) fn created_by_email(owner: &str) -> String {
    let hex = owner.strip_prefix("sha256:").unwrap_or(owner);
    let short: String = hex
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    format!("owner-{short}@example.invalid")
}

/// SHA-256 from ring, reached through rustls (already a dependency) because `sha2` is not a
/// direct one. The suite named here always is TLS 1.3, so the error cannot happen in practice.
fn sha256() -> Result<&'static dyn Hash, ServerError> {
    rustls::crypto::ring::cipher_suite::TLS13_AES_128_GCM_SHA256
        .tls13()
        .map(|suite| suite.common.hash_provider)
        .ok_or_else(|| ServerError::Internal("SHA-256 is not available".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn sha256_is_the_real_thing() {
        let digest = sha256().unwrap().hash(b"abc");
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn fingerprints_are_stable_distinct_and_keyless() {
        let owners = Owners::new(&["tk_alpha".into(), "tk_beta".into()]).unwrap();
        let a = owners.fingerprint("tk_alpha");
        assert_eq!(a, owners.fingerprint("tk_alpha"));
        assert_ne!(a, owners.fingerprint("tk_beta"));
        assert!(a.starts_with("sha256:") && a.len() == 7 + 64, "{a}");
        assert!(!a.contains("alpha"));
    }

    #[test]
    fn both_header_schemes_are_accepted() {
        let owners = Owners::new(&["tk_alpha".into()]).unwrap();
        let expected = Caller::Owner(owners.fingerprint("tk_alpha"));
        let with = |name: &'static str, value: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(name, HeaderValue::from_static(value));
            owners.authenticate(&h, ServeAuth::Both)
        };
        assert_eq!(with("x-api-key", "tk_alpha"), expected);
        assert_eq!(with("x-api-key", " tk_alpha "), expected);
        assert_eq!(with("authorization", "Bearer tk_alpha"), expected);
        assert_eq!(with("authorization", "bearer  tk_alpha"), expected);
        assert_eq!(with("authorization", "Basic tk_alpha"), Caller::Anonymous);
        assert_eq!(with("authorization", "tk_alpha"), Caller::Anonymous);
        assert_eq!(with("authorization", "Bearer "), Caller::Anonymous);
        assert_eq!(with("x-api-key", "tk_wrong"), Caller::Unknown);
        assert_eq!(with("x-api-key", ""), Caller::Anonymous);
        assert_eq!(
            owners.authenticate(&HeaderMap::new(), ServeAuth::Both),
            Caller::Anonymous
        );
    }

    #[test]
    fn one_scheme_servers_ignore_the_other_header() {
        let owners = Owners::new(&["tk_alpha".into()]).unwrap();
        let expected = Caller::Owner(owners.fingerprint("tk_alpha"));
        let mut api_key = HeaderMap::new();
        api_key.insert("x-api-key", HeaderValue::from_static("tk_alpha"));
        let mut bearer = HeaderMap::new();
        bearer.insert(AUTHORIZATION, HeaderValue::from_static("Bearer tk_alpha"));
        assert_eq!(owners.authenticate(&api_key, ServeAuth::XApiKey), expected);
        assert_eq!(
            owners.authenticate(&bearer, ServeAuth::XApiKey),
            Caller::Anonymous
        );
        assert_eq!(owners.authenticate(&bearer, ServeAuth::Bearer), expected);
        assert_eq!(
            owners.authenticate(&api_key, ServeAuth::Bearer),
            Caller::Anonymous
        );
        // A wrong key in the ignored header does not hide a right one in the read header.
        let mut mixed = bearer.clone();
        mixed.insert("x-api-key", HeaderValue::from_static("tk_wrong"));
        assert_eq!(owners.authenticate(&mixed, ServeAuth::Bearer), expected);
    }

    #[test]
    fn emails_are_stable_fake_and_keyless() {
        let owners = Owners::new(&["tk_alpha".into(), "tk_beta".into()]).unwrap();
        let a = created_by_email(&owners.fingerprint("tk_alpha"));
        assert_eq!(a, created_by_email(&owners.fingerprint("tk_alpha")));
        assert_ne!(a, created_by_email(&owners.fingerprint("tk_beta")));
        assert!(
            a.starts_with("owner-") && a.ends_with("@example.invalid"),
            "{a}"
        );
        assert_eq!(a.len(), "owner-".len() + 8 + "@example.invalid".len());
        assert!(!a.contains("alpha"));
    }

    #[test]
    fn blank_or_no_keys_are_refused() {
        assert!(matches!(Owners::new(&[]), Err(ServerError::NoApiKeys)));
        assert!(matches!(
            Owners::new(&["ok".into(), "  ".into()]),
            Err(ServerError::BlankApiKey { position: 2 })
        ));
    }
}
