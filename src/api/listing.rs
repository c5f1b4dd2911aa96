//! Decoding a list answer with memory bounded by what is decoded, not only by body bytes.
//!
//! A body under the byte cap can hold millions of entries; decoded through a buffered enum
//! each cost hundreds of bytes, so 30 MB of `[]` took gigabytes. Here entries are visited as
//! they are parsed: one that is skipped (not an object, no usable id) allocates nothing, a
//! first pass counts the trunks so their vector is reserved once and exactly, and every byte
//! kept is charged to a budget of a few times the body's size. A list that would pass it,
//! or a trunk with more numbers than any real one, is refused with a message that says so.

use super::types::{Trunk, TrunkList};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::cell::{Cell, RefCell};
use std::fmt;

/// Decoding may take this many times the body's size in memory...
pub const LIST_MEMORY_FACTOR: usize = 4;
/// ...and at least this much, so small lists of any real shape are never refused.
pub const LIST_MEMORY_FLOOR: usize = 16 * 1024 * 1024;
/// More numbers than any real trunk has; a list with such a trunk is refused.
pub const MAX_NUMBERS_PER_TRUNK: usize = 10_000;

/// Why a list answer was not decoded.
#[derive(Debug)]
pub enum ListError {
    /// Not JSON, or not the list's shape.
    Json(serde_json::Error),
    /// Decoding it would take more memory than a list answer may; a person-readable reason.
    TooLarge(String),
}

impl fmt::Display for ListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListError::Json(e) => write!(f, "{e}"),
            ListError::TooLarge(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for ListError {}

/// Decode a list answer's body.
pub fn decode_list(body: &[u8]) -> Result<TrunkList, ListError> {
    let limit = LIST_MEMORY_FLOOR.max(body.len().saturating_mul(LIST_MEMORY_FACTOR));
    let budget = Budget::new(body.len(), limit);
    let refused = |e| budget.refusal().unwrap_or(ListError::Json(e));
    let count = read(body, CountData).map_err(refused)?;
    read(
        body,
        DecodeData {
            budget: &budget,
            count,
        },
    )
    .map_err(refused)
}

/// The whole body as the list envelope, its `data` read by `seed`.
fn read<'de, S: DeserializeSeed<'de>>(
    body: &'de [u8],
    seed: S,
) -> Result<S::Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = EnvelopeSeed(seed).deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Bytes that may still be taken; the first refusal is kept for the message.
struct Budget {
    body: usize,
    limit: usize,
    left: Cell<usize>,
    refused: RefCell<Option<String>>,
}

impl Budget {
    fn new(body: usize, limit: usize) -> Budget {
        Budget {
            body,
            limit,
            left: Cell::new(limit),
            refused: RefCell::new(None),
        }
    }

    /// Takes `bytes`, or refuses: `what` says what needed them.
    fn charge<E: de::Error>(&self, bytes: usize, what: impl FnOnce() -> String) -> Result<(), E> {
        match self.left.get().checked_sub(bytes) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => Err(self.refuse(format!(
                "the list answer ({}) would take more than {} of memory to read ({}), over {} times its size; refused",
                human(self.body),
                human(self.limit),
                what(),
                LIST_MEMORY_FACTOR
            ))),
        }
    }

    fn refund(&self, bytes: usize) {
        self.left
            .set(self.left.get().saturating_add(bytes).min(self.limit));
    }

    fn refuse<E: de::Error>(&self, why: String) -> E {
        let err = E::custom(&why);
        self.refused.borrow_mut().get_or_insert(why);
        err
    }

    fn refusal(&self) -> Option<ListError> {
        self.refused.borrow_mut().take().map(ListError::TooLarge)
    }
}

fn human(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

// ---- The envelope ---------------------------------------------------------------------

/// `{"data": ..., anything else ignored}`, with `data` read by `S`.
struct EnvelopeSeed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for EnvelopeSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for EnvelopeSeed<S> {
    type Value = S::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the list envelope, an object with `data`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S::Value, A::Error> {
        let mut seed = Some(self.0);
        let mut data = None;
        while let Some(key) = map.next_key::<Key>()? {
            match (key, seed.take()) {
                (Key::Data, Some(s)) => data = Some(map.next_value_seed(s)?),
                (Key::Data, None) => return Err(de::Error::duplicate_field("data")),
                (_, s) => {
                    seed = s;
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        data.ok_or_else(|| de::Error::missing_field("data"))
    }
}

// ---- Keys: read without allocating -----------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Data,
    Id,
    Name,
    Address,
    Numbers,
    Type,
    CreatedAt,
    CreatedBy,
    Other,
}

impl Key {
    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        d.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(match key {
            "data" => Key::Data,
            "trunk_id" => Key::Id,
            "trunk_name" => Key::Name,
            "trunk_address" => Key::Address,
            "trunk_numbers" => Key::Numbers,
            "trunk_type" => Key::Type,
            "trunk_created_at" => Key::CreatedAt,
            "trunk_created_by_email" => Key::CreatedBy,
            _ => Key::Other,
        })
    }
}

// ---- First pass: how many entries are trunks -------------------------------------------

struct CountData;

impl<'de> DeserializeSeed<'de> for CountData {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for CountData {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of trunks")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut count = 0usize;
        while let Some(is_trunk) = seq.next_element_seed(CountEntry)? {
            count += usize::from(is_trunk);
        }
        Ok(count)
    }
}

/// Whether an entry is an object whose first `trunk_id` is usable; allocates nothing.
struct CountEntry;

impl<'de> DeserializeSeed<'de> for CountEntry {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CountEntry {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list entry")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut usable = None;
        while let Some(key) = map.next_key::<Key>()? {
            if key == Key::Id && usable.is_none() {
                usable = Some(map.next_value_seed(UsableId)?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(usable == Some(true))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        drain_seq(seq).map(|()| false)
    }

    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }
}

/// Whether a `trunk_id` value would be kept: a string that is not blank, or a number.
struct UsableId;

impl<'de> DeserializeSeed<'de> for UsableId {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UsableId {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a trunk id")
    }

    fn visit_str<E>(self, v: &str) -> Result<bool, E> {
        Ok(!v.trim().is_empty())
    }
    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        drain_seq(seq).map(|()| false)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        drain_map(map).map(|()| false)
    }
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

// ---- Second pass: the trunks -----------------------------------------------------------

struct DecodeData<'b> {
    budget: &'b Budget,
    /// Trunks the first pass counted: the vector is reserved once, for exactly these.
    count: usize,
}

impl<'de> DeserializeSeed<'de> for DecodeData<'_> {
    type Value = TrunkList;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<TrunkList, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for DecodeData<'_> {
    type Value = TrunkList;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of trunks")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TrunkList, A::Error> {
        let count = self.count;
        self.budget
            .charge(count.saturating_mul(size_of::<Trunk>()), || {
                format!("{count} trunks")
            })?;
        let mut list = TrunkList {
            trunks: Vec::with_capacity(count),
            skipped: 0,
        };
        let seed = EntrySeed {
            budget: self.budget,
        };
        while let Some(entry) = seq.next_element_seed(&seed)? {
            match entry {
                Some(trunk) => {
                    // Never more than counted; kept honest should the passes disagree.
                    if list.trunks.len() == list.trunks.capacity() {
                        self.budget.charge(size_of::<Trunk>(), || "trunks".into())?;
                    }
                    list.trunks.push(trunk);
                }
                None => list.skipped += 1,
            }
        }
        Ok(list)
    }
}

/// One entry: a trunk, or `None` for one that is skipped (not an object, no usable id, a
/// key given twice), which leaves nothing charged.
struct EntrySeed<'b> {
    budget: &'b Budget,
}

impl<'de> DeserializeSeed<'de> for &EntrySeed<'_> {
    type Value = Option<Trunk>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Trunk>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for &EntrySeed<'_> {
    type Value = Option<Trunk>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list entry")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Trunk>, A::Error> {
        let charged = Cell::new(0usize);
        let text = Text {
            budget: self.budget,
            charged: &charged,
        };
        let mut id = None;
        let mut t = Trunk::default();
        let (mut seen, mut twice) = (0u16, false);
        while let Some(key) = map.next_key::<Key>()? {
            if key != Key::Other && key != Key::Data {
                twice |= seen & key.bit() != 0;
                seen |= key.bit();
            }
            match key {
                Key::Id => id = map.next_value_seed(text)?,
                Key::Name => t.trunk_name = map.next_value_seed(text)?,
                Key::Address => t.trunk_address = map.next_value_seed(text)?,
                Key::Numbers => t.trunk_numbers = map.next_value_seed(Numbers(text))?,
                Key::Type => t.trunk_type = map.next_value_seed(text)?,
                Key::CreatedAt => t.trunk_created_at = map.next_value_seed(text)?,
                Key::CreatedBy => t.trunk_created_by_email = map.next_value_seed(text)?,
                Key::Data | Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match id {
            // A key given twice made the entry unreadable before: it is still skipped.
            Some(id) if !twice && !id.trim().is_empty() => {
                t.trunk_id = id;
                Ok(Some(t))
            }
            _ => {
                self.budget.refund(charged.get());
                Ok(None)
            }
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<Trunk>, A::Error> {
        drain_seq(seq).map(|()| None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Option<Trunk>, E> {
        Ok(None)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Option<Trunk>, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Option<Trunk>, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Option<Trunk>, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Option<Trunk>, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Option<Trunk>, E> {
        Ok(None)
    }
}

/// A value of any JSON type that is kept only when it is a string (numbers are spelled out,
/// so an id sent as a number still shows); its bytes are charged to the entry.
#[derive(Clone, Copy)]
struct Text<'b> {
    budget: &'b Budget,
    charged: &'b Cell<usize>,
}

impl Text<'_> {
    fn keep<E: de::Error>(&self, s: String) -> Result<Option<String>, E> {
        self.take(s.len(), "the trunks' text")?;
        Ok(Some(s))
    }

    fn take<E: de::Error>(&self, bytes: usize, what: &'static str) -> Result<(), E> {
        self.budget.charge(bytes, || what.into())?;
        self.charged.set(self.charged.get() + bytes);
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Text<'_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<String>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Text<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<String>, E> {
        // Charged before the copy is made.
        self.take(v.len(), "the trunks' text")?;
        Ok(Some(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Option<String>, E> {
        self.keep(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<String>, E> {
        self.keep(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<String>, E> {
        self.keep(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<String>, E> {
        // Spelled as serde_json spells a number, as the list always has.
        match serde_json::Number::from_f64(v) {
            Some(n) => self.keep(n.to_string()),
            None => Ok(None),
        }
    }
    fn visit_bool<E>(self, _: bool) -> Result<Option<String>, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Option<String>, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<String>, A::Error> {
        drain_seq(seq).map(|()| None)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<String>, A::Error> {
        drain_map(map).map(|()| None)
    }
}

/// A list of numbers; a single string is taken as a list of one, other values are dropped.
struct Numbers<'b>(Text<'b>);

impl<'de> DeserializeSeed<'de> for Numbers<'_> {
    type Value = Option<Vec<String>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Vec<String>>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Numbers<'_> {
    type Value = Option<Vec<String>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of numbers")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Vec<String>>, A::Error> {
        let text = self.0;
        let mut numbers: Vec<String> = Vec::new();
        while let Some(item) = seq.next_element_seed(text)? {
            let Some(number) = item else { continue };
            if numbers.len() == MAX_NUMBERS_PER_TRUNK {
                return Err(text.budget.refuse(format!(
                    "a trunk in the list has more than {MAX_NUMBERS_PER_TRUNK} numbers; refused"
                )));
            }
            let before = numbers.capacity();
            if numbers.len() == before {
                // The vector's growth is charged before it is made.
                let grown = before.max(2) * 2;
                text.take(
                    (grown - before) * size_of::<String>(),
                    "the trunks' numbers",
                )?;
                numbers.reserve_exact(grown - before);
            }
            numbers.push(number);
        }
        Ok(Some(numbers))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<Vec<String>>, E> {
        self.0.take(size_of::<String>(), "the trunks' numbers")?;
        Ok(self.0.visit_str(v)?.map(|s| vec![s]))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Option<Vec<String>>, E> {
        self.visit_str(&v)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Option<Vec<String>>, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Option<Vec<String>>, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Option<Vec<String>>, E> {
        Ok(None)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Option<Vec<String>>, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Option<Vec<String>>, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Vec<String>>, A::Error> {
        drain_map(map).map(|()| None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(body: &str) -> (Vec<String>, usize) {
        let list = decode_list(body.as_bytes()).unwrap();
        (
            list.trunks.into_iter().map(|t| t.trunk_id).collect(),
            list.skipped,
        )
    }

    #[test]
    fn entries_read_as_before() {
        let body = r#"{"data":[
            {"trunk_id":"a","trunk_id":"b"},
            {"trunk_id":"c","x":1,"x":2,"data":[1]},
            {"trunk_id":1.5,"trunk_numbers":["+1",2,null,[3],{"a":"b"}]},
            {"trunk_id":"  "},
            {"trunk_id":null,"trunk_name":"n"}
        ],"message":"m","success":true}"#;
        assert_eq!(ids(body), (vec!["c".into(), "1.5".into()], 3));
        let list = decode_list(body.as_bytes()).unwrap();
        assert_eq!(
            list.trunks[1].trunk_numbers.as_deref(),
            Some(&["+1".to_string(), "2".to_string()][..])
        );
    }

    #[test]
    fn the_envelope_must_hold_a_list() {
        for body in [
            "{}",
            r#"{"data":{}}"#,
            r#"{"data":null}"#,
            r#"{"data":[],"data":[]}"#,
            r#"[[{"trunk_id":"a"}]]"#,
            r#"{"data":[]} x"#,
            r#"{"data":[{"trunk_id":"a"}"#,
        ] {
            assert!(
                matches!(decode_list(body.as_bytes()), Err(ListError::Json(_))),
                "{body}"
            );
        }
    }

    #[test]
    fn numbers_past_the_limit_are_refused() {
        let many = vec!["\"+15550100000\""; MAX_NUMBERS_PER_TRUNK + 1].join(",");
        let body = format!(r#"{{"data":[{{"trunk_id":"a","trunk_numbers":[{many}]}}]}}"#);
        match decode_list(body.as_bytes()) {
            Err(ListError::TooLarge(why)) => assert!(why.contains("10000 numbers"), "{why}"),
            other => panic!("{other:?}"),
        }
        let enough = vec!["\"+15550100000\""; MAX_NUMBERS_PER_TRUNK].join(",");
        let body = format!(r#"{{"data":[{{"trunk_id":"a","trunk_numbers":[{enough}]}}]}}"#);
        let list = decode_list(body.as_bytes()).unwrap();
        assert_eq!(
            list.trunks[0].trunk_numbers.as_ref().map(Vec::len),
            Some(MAX_NUMBERS_PER_TRUNK)
        );
    }

    #[test]
    fn a_skipped_entry_gives_its_charge_back() {
        let budget = Budget::new(10, 100);
        budget
            .charge::<serde_json::Error>(60, || "x".into())
            .unwrap();
        assert!(
            budget
                .charge::<serde_json::Error>(60, || "x".into())
                .is_err()
        );
        budget.refund(60);
        budget.refund(500);
        assert!(
            budget
                .charge::<serde_json::Error>(100, || "x".into())
                .is_ok()
        );
        assert!(matches!(budget.refusal(), Some(ListError::TooLarge(_))));
    }
}
