//! `decode_list` on arbitrary bytes: it must return a list or an error, never panic, and a
//! list it returns keeps its own promises.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trunktui::api::types::decode_list;

fuzz_target!(|body: &[u8]| {
    let Ok(list) = decode_list(body) else {
        return;
    };
    for trunk in &list.trunks {
        // Entries without a usable id are counted in `skipped`, never shown.
        assert!(
            !trunk.trunk_id.trim().is_empty(),
            "blank id kept: {trunk:?}"
        );
    }
    // Every entry is either shown or counted as skipped.
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body)
        && let Some(serde_json::Value::Array(items)) = map.get("data")
    {
        assert_eq!(
            list.trunks.len() + list.skipped,
            items.len(),
            "entries lost between the answer and the list"
        );
    }
});
