//! The one paging scheme of every list: `cursor` in, `next_cursor` out (null on the last
//! page). A cursor is the sort key of the last item of the page, URL-safe base64 and opaque to
//! clients, so the next page starts right after that item: a page never skips or repeats one
//! when records are added or removed meanwhile (keyset paging, never an offset).
//!
//! Lists read from a sort index page over it (see `crm::listing`); lists sorted in memory
//! build each row's key with [`Key`] and page with [`page_in_memory`].

use base64::Engine;
use chrono::{DateTime, Utc};

use crate::error::{Error, Result};

/// The sort key a client sent back, or `None` for the first page.
pub fn decode(c: Option<&str>) -> Result<Option<Vec<u8>>> {
    match c {
        None | Some("") => Ok(None),
        Some(c) => base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(c)
            .map(Some)
            .map_err(|_| Error::field("cursor", "invalid_value", "is not a cursor from this list")),
    }
}

/// The cursor that continues after the item with sort key `k`.
pub fn encode(k: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(k)
}

/// The cursor of a list in id order that continues after record `id`.
pub fn encode_id(id: u64) -> String {
    encode(&id.to_be_bytes())
}

/// The record id a cursor of [`encode_id`] continues after.
pub fn decode_id(c: Option<&str>) -> Result<Option<u64>> {
    decode(c)?
        .map(|k| {
            <[u8; 8]>::try_from(k.as_slice())
                .map(u64::from_be_bytes)
                .map_err(|_| {
                    Error::field("cursor", "invalid_value", "is not a cursor from this list")
                })
        })
        .transpose()
}

/// One page of rows sorted in memory by their sort keys: the rows after the cursor's key (in
/// the chosen direction), at most `limit`, and the cursor of the next page if there is one.
pub fn page_in_memory<T>(
    mut keyed: Vec<(Vec<u8>, T)>,
    desc: bool,
    after: Option<&[u8]>,
    limit: usize,
) -> (Vec<T>, Option<String>) {
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    if desc {
        keyed.reverse();
    }
    if let Some(a) = after {
        keyed.retain(|(k, _)| {
            if desc {
                k.as_slice() < a
            } else {
                k.as_slice() > a
            }
        });
    }
    let more = keyed.len() > limit;
    keyed.truncate(limit);
    let next_cursor = if more {
        keyed.last().map(|(k, _)| encode(k))
    } else {
        None
    };
    (keyed.into_iter().map(|(_, r)| r).collect(), next_cursor)
}

/// A sort key whose bytes order as its parts do, part after part: build it with the parts of
/// a list's order, ending with the record id so that no two rows share a key.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key(Vec<u8>);

impl Key {
    pub fn new() -> Key {
        Key::default()
    }

    /// A small number (a group: open before done, …).
    pub fn group(mut self, g: u8) -> Key {
        self.0.push(g);
        self
    }

    pub fn id(mut self, id: u64) -> Key {
        self.0.extend_from_slice(&id.to_be_bytes());
        self
    }

    /// The id, larger first.
    pub fn id_desc(self, id: u64) -> Key {
        self.id(!id)
    }

    pub fn time(self, t: DateTime<Utc>) -> Key {
        // Flipping the sign bit makes two's complement order as unsigned bytes do.
        self.id((t.timestamp_micros() as u64) ^ (1 << 63))
    }

    /// The time, later first.
    pub fn time_desc(self, t: DateTime<Utc>) -> Key {
        self.id(!((t.timestamp_micros() as u64) ^ (1 << 63)))
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn keys_order_as_their_parts() {
        let t = |s: i64| Utc.timestamp_opt(s, 0).single().unwrap();
        let before_1970 = Key::new().time(t(-5));
        let at_1970 = Key::new().time(t(0));
        let later = Key::new().time(t(1_800_000_000));
        assert!(before_1970 < at_1970 && at_1970 < later);
        assert!(Key::new().time_desc(t(5)) < Key::new().time_desc(t(-5)));
        assert!(Key::new().id_desc(9) < Key::new().id_desc(2));
        assert!(Key::new().group(0).time(t(9)) < Key::new().group(1).time(t(0)));
        assert!(Key::new().time(t(1)).id(9) < Key::new().time(t(2)).id(1));
    }

    #[test]
    fn pages_follow_the_cursor_without_skipping_or_repeating() {
        let rows: Vec<(Vec<u8>, u64)> = (1..=7u64)
            .map(|i| (Key::new().id(i).into_bytes(), i))
            .collect();
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let after = decode(cursor.as_deref()).unwrap();
            let (items, next) = page_in_memory(rows.clone(), false, after.as_deref(), 3);
            seen.extend(items);
            match next {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        assert_eq!(seen, (1..=7).collect::<Vec<_>>());
        // Newest first, with an item added after the first page was read.
        let (first, next) = page_in_memory(rows.clone(), true, None, 3);
        assert_eq!(first, [7, 6, 5]);
        let mut more = rows.clone();
        more.push((Key::new().id(8).into_bytes(), 8));
        let after = decode(next.as_deref()).unwrap();
        let (second, _) = page_in_memory(more, true, after.as_deref(), 3);
        assert_eq!(second, [4, 3, 2]);
        assert!(decode(Some("not base64!")).is_err());
        assert_eq!(decode_id(Some(&encode_id(42))).unwrap(), Some(42));
        assert!(decode_id(Some(&encode(&[1, 2]))).is_err());
        assert_eq!(decode_id(None).unwrap(), None);
        assert_eq!(decode(Some("")).unwrap(), None);
    }
}
