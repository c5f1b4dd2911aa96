//! The sample trunks of `--demo` and `serve --demo-data`, embedded from
//! `assets/demo_trunks.json` so the binary works from any directory; for a v2 server,
//! the same trunks as that revision would have created them.

use super::store::StoredTrunk;
use super::{ServerError, new_exotel_id};
use crate::api::validate::{validate_create, validate_create_v2};
use crate::api::{
    ApiRevision, CreateTrunkRequest, CreateTrunkRequestV2, ExotelConfig, FieldError, NewTrunk,
    Provider, TrunkConfig,
};
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

fn read() -> Result<Vec<DemoTrunk>, ServerError> {
    let file: DemoFile = serde_json::from_str(DEMO_TRUNKS)
        .map_err(|e| ServerError::DemoData(format!("assets/demo_trunks.json: {e}")))?;
    Ok(file.trunks)
}

fn refused(trunk_id: &str, errors: &[FieldError]) -> Result<(), ServerError> {
    match errors.first() {
        Some(e) => Err(ServerError::DemoData(format!(
            "{trunk_id}: {}: {}",
            e.field, e.message
        ))),
        None => Ok(()),
    }
}

/// The sample trunks, owned by `owner`, as they would have been created through the API: the
/// same rules apply, so the demo never shows a trunk the server itself would refuse.
pub(crate) fn demo_trunks(owner: &str) -> Result<Vec<StoredTrunk>, ServerError> {
    read()?
        .into_iter()
        .map(|t| {
            refused(&t.trunk_id, &validate_create(&t.request))?;
            Ok(StoredTrunk::from_v1(
                t.trunk_id,
                owner.to_string(),
                t.request,
                t.trunk_created_at,
            ))
        })
        .collect()
}

/// The sample trunks as a v2 server would hold them: Twilio ones as they are; Exotel ones
/// as an Exotel config whose virtual number is the trunk's first number and whose SIP host is
/// its address, with an `exotel_` id (a fresh one each time, since the file's are `ST_…`).
pub(crate) fn demo_trunks_v2(owner: &str) -> Result<Vec<StoredTrunk>, ServerError> {
    read()?
        .into_iter()
        .map(|t| {
            let (trunk_id, request) = match t.request.trunk_type {
                Provider::Twilio => {
                    let converted = NewTrunk::V1(t.request).to_revision(ApiRevision::V2);
                    match converted {
                        Ok(NewTrunk::V2(request)) => (t.trunk_id, request),
                        _ => {
                            return Err(ServerError::DemoData(format!(
                                "{}: cannot be made a v2 trunk",
                                t.trunk_id
                            )));
                        }
                    }
                }
                Provider::Exotel => (new_exotel_id(), exotel_v2(t.request)),
            };
            refused(&trunk_id, &validate_create_v2(&request))?;
            Ok(StoredTrunk::from_v2(
                trunk_id,
                owner.to_string(),
                request,
                t.trunk_created_at,
            ))
        })
        .collect()
}

fn exotel_v2(r: CreateTrunkRequest) -> CreateTrunkRequestV2 {
    CreateTrunkRequestV2 {
        trunk_name: r.trunk_name,
        trunk_type: Provider::Exotel,
        trunk_config: TrunkConfig::Exotel(ExotelConfig {
            exotel_number: r.trunk_numbers.into_iter().next().unwrap_or_default(),
            sip_host: Some(r.trunk_address),
            sip_port: None,
            sip_domain: None,
        }),
        passthrough_mode: false,
        passthrough_webhook_url: None,
    }
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

    #[test]
    fn the_v2_demo_trunks_are_the_same_trunks_in_v2_shapes() {
        let v1 = demo_trunks("o").unwrap();
        let v2 = demo_trunks_v2("o").unwrap();
        assert_eq!(v1.len(), v2.len());
        for (a, b) in v1.iter().zip(&v2) {
            assert_eq!(a.trunk_name, b.trunk_name);
            assert_eq!(a.trunk_type, b.trunk_type);
            match b.trunk_type {
                Provider::Twilio => {
                    assert_eq!(a.trunk_id, b.trunk_id);
                    assert_eq!(a.trunk_auth_password, b.trunk_auth_password);
                    assert!(b.exotel.is_none());
                }
                Provider::Exotel => {
                    assert!(super::super::is_exotel_id(&b.trunk_id), "{}", b.trunk_id);
                    let exotel = b.exotel.as_ref().unwrap();
                    assert_eq!(exotel.exotel_number, a.trunk_numbers[0]);
                    assert_eq!(exotel.sip_host.as_deref(), Some(a.trunk_address.as_str()));
                    assert!(b.trunk_auth_password.is_empty(), "no v2 Exotel credentials");
                }
            }
        }
    }
}
