//! The record codec: MessagePack with named fields behind a one-byte format version.
//! Decoding returns an error for a bad record, never a panic.

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::error::{Error, Result};

/// First byte of every stored value.
pub const CODEC_V1: u8 = 1;

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(128);
    out.push(CODEC_V1);
    rmp_serde::encode::write_named(&mut out, value)
        .map_err(|e| Error::Internal(format!("encode record: {e}")))?;
    Ok(out)
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    decode_borrowed(bytes, what)
}

/// [`decode`] into a type that may borrow strings from `bytes` (to read a few fields of a
/// record without copying them).
pub fn decode_borrowed<'a, T: Deserialize<'a>>(bytes: &'a [u8], what: &str) -> Result<T> {
    match bytes.split_first() {
        Some((&CODEC_V1, body)) => {
            rmp_serde::from_slice(body).map_err(|e| Error::Storage(format!("decode {what}: {e}")))
        }
        Some((v, _)) => Err(Error::Storage(format!(
            "decode {what}: unknown codec version {v}"
        ))),
        None => Err(Error::Storage(format!("decode {what}: empty value"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct V1 {
        name: String,
        n: u64,
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct V2 {
        name: String,
        n: u64,
        #[serde(default)]
        added: Vec<String>,
    }

    #[test]
    fn round_trip_and_version_byte() {
        let v = V1 {
            name: "Олена".into(),
            n: 7,
        };
        let bytes = encode(&v).unwrap();
        assert_eq!(bytes[0], CODEC_V1);
        assert_eq!(decode::<V1>(&bytes, "t").unwrap(), v);
    }

    #[test]
    fn a_field_added_later_decodes_old_records() {
        let bytes = encode(&V1 {
            name: "a".into(),
            n: 1,
        })
        .unwrap();
        let v2: V2 = decode(&bytes, "t").unwrap();
        assert_eq!(v2.added, Vec::<String>::new());
        assert_eq!(v2.n, 1);
    }

    #[test]
    fn bad_bytes_are_errors_not_panics() {
        assert!(decode::<V1>(&[], "t").is_err());
        assert!(decode::<V1>(&[9, 1, 2], "t").is_err());
        assert!(decode::<V1>(&[CODEC_V1, 0xc1, 0xff], "t").is_err());
        let mut bytes = encode(&V1 {
            name: "abc".into(),
            n: 1,
        })
        .unwrap();
        bytes.truncate(bytes.len() - 2);
        assert!(decode::<V1>(&bytes, "t").is_err());
    }
}
