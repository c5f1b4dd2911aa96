//! Who is calling: API keys from the request headers, and the owner fingerprint each accepted
//! key stands for. Raw keys live only in the caller's `ServeOptions`, never in the store.

use super::ServerError;
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

    /// The owner of the first accepted key the request carries, in `x-api-key` (the
    /// document's scheme) or `Authorization: Bearer` (what some deployments use).
    pub fn authenticate(&self, headers: &HeaderMap) -> Option<String> {
        presented_keys(headers)
            .map(|key| self.fingerprint(key))
            .find(|owner| self.accepted.contains(owner))
    }
}

fn presented_keys(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    let api_keys = headers
        .get_all("x-api-key")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::trim);
    let bearer = headers
        .get_all(AUTHORIZATION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
    api_keys.chain(bearer).filter(|k| !k.is_empty())
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
        let expected = Some(owners.fingerprint("tk_alpha"));
        let with = |name: &'static str, value: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(name, HeaderValue::from_static(value));
            owners.authenticate(&h)
        };
        assert_eq!(with("x-api-key", "tk_alpha"), expected);
        assert_eq!(with("x-api-key", " tk_alpha "), expected);
        assert_eq!(with("authorization", "Bearer tk_alpha"), expected);
        assert_eq!(with("authorization", "bearer  tk_alpha"), expected);
        assert_eq!(with("authorization", "Basic tk_alpha"), None);
        assert_eq!(with("authorization", "tk_alpha"), None);
        assert_eq!(with("x-api-key", "tk_wrong"), None);
        assert_eq!(with("x-api-key", ""), None);
        assert_eq!(owners.authenticate(&HeaderMap::new()), None);
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
