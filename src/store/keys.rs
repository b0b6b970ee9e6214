//! The byte layout of index and history keys.

use chrono::{DateTime, Utc};

use super::Kind;
use crate::error::{Error, Result};

pub fn be_u64(b: &[u8]) -> Result<u64> {
    let arr: [u8; 8] = b
        .try_into()
        .map_err(|_| Error::Storage(format!("expected 8 bytes, found {}", b.len())))?;
    Ok(u64::from_be_bytes(arr))
}

/// A sort-index key: `prefix ‖ 0x00 ‖ id BE`. The prefix is cut at 64 bytes on a char boundary.
pub fn sort_key(prefix: &str, id: u64) -> Vec<u8> {
    let mut end = prefix.len().min(64);
    while !prefix.is_char_boundary(end) {
        end -= 1;
    }
    let mut k = Vec::with_capacity(end + 9);
    k.extend_from_slice(&prefix.as_bytes()[..end]);
    k.push(0);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// A time-ordered index key: `micros BE ‖ id BE`.
pub fn time_key(at: DateTime<Utc>, id: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(16);
    k.extend_from_slice(&(at.timestamp_micros().max(0) as u64).to_be_bytes());
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// The id at the end of a sort/time index key.
pub fn id_of_index_key(k: &[u8]) -> Result<u64> {
    if k.len() < 8 {
        return Err(Error::Storage("index key shorter than an id".into()));
    }
    be_u64(&k[k.len() - 8..])
}

/// The key of a history entry: `kind u8 ‖ entity id BE ‖ seq BE`.
pub fn history_key(kind: Kind, id: u64, seq: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(17);
    k.push(kind as u8);
    k.extend_from_slice(&id.to_be_bytes());
    k.extend_from_slice(&seq.to_be_bytes());
    k
}
