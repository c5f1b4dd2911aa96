//! The sample trunks of `--demo` and `serve --demo-data`, embedded from
//! `assets/demo_trunks.json` so the binary works from any directory.

use super::ServerError;
use super::store::StoredTrunk;
use crate::api::CreateTrunkRequest;
use crate::api::validate::validate_create;
use serde::Deserialize;

const DEMO_TRUNKS: &str = include_str!("../../assets/demo_trunks.json");

#[derive(Deserialize)]
struct DemoFile {
    trunks: Vec<DemoTrunk>,
}

#[derive(Deserialize)]
struct DemoTrunk {
    trunk_id: String,
    trunk_created_at: String,
    #[serde(flatten)]
    request: CreateTrunkRequest,
}

/// The sample trunks, owned by `owner`, as they would have been created through the API: the
/// same rules apply, so the demo never shows a trunk the server itself would refuse.
pub(crate) fn demo_trunks(owner: &str) -> Result<Vec<StoredTrunk>, ServerError> {
    let file: DemoFile = serde_json::from_str(DEMO_TRUNKS)
        .map_err(|e| ServerError::DemoData(format!("assets/demo_trunks.json: {e}")))?;
    file.trunks
        .into_iter()
        .map(|t| {
            let errors = validate_create(&t.request);
            if let Some(e) = errors.first() {
                return Err(ServerError::DemoData(format!(
                    "{}: {}: {}",
                    t.trunk_id, e.field, e.message
                )));
            }
            let r = t.request;
            Ok(StoredTrunk {
                trunk_id: t.trunk_id,
                owner: owner.to_string(),
                trunk_name: r.trunk_name,
                trunk_address: r.trunk_address,
                trunk_numbers: r.trunk_numbers,
                trunk_auth_username: r.trunk_auth_username,
                trunk_auth_password: r.trunk_auth_password,
                trunk_type: r.trunk_type,
                trunk_created_at: t.trunk_created_at,
                deactivated_at: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Provider;
    use std::collections::HashSet;

    #[test]
    fn the_demo_trunks_are_valid_varied_and_plausible() {
        let trunks = demo_trunks("o").unwrap();
        assert!(trunks.len() >= 10, "{}", trunks.len());
        let ids: HashSet<_> = trunks.iter().map(|t| t.trunk_id.as_str()).collect();
        assert_eq!(ids.len(), trunks.len(), "ids are unique");
        for t in &trunks {
            assert!(super::super::is_trunk_id(&t.trunk_id), "{}", t.trunk_id);
            assert!(
                super::super::is_timestamp(&t.trunk_created_at),
                "{}",
                t.trunk_created_at
            );
            assert!(
                t.trunk_auth_password.contains("fake"),
                "credentials are obviously fake"
            );
        }
        for provider in Provider::ALL {
            assert!(
                trunks.iter().any(|t| t.trunk_type == provider),
                "{provider}"
            );
        }
        assert!(trunks.iter().any(|t| t.trunk_numbers.len() > 1));
        let mut dates: Vec<_> = trunks.iter().map(|t| &t.trunk_created_at).collect();
        dates.sort();
        assert_ne!(
            dates[0][..7],
            dates[dates.len() - 1][..7],
            "spread over months"
        );
    }
}
