//! Strict lowercase hex (CANON-060).

use crate::Error;

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Decodes lowercase hex with an even number of digits.
///
/// Enforces CANON-060: an uppercase or non-hex character (the first one is reported), or an
/// odd number of digits, is `CANON_HEX_INVALID`.
pub fn decode(s: &str) -> Result<Vec<u8>, Error> {
    let nibbles = s
        .bytes()
        .enumerate()
        .map(|(offset, c)| match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            _ => Err(Error::HexInvalid {
                offset,
                reason: "not a lowercase hex digit",
            }),
        })
        .collect::<Result<Vec<u8>, Error>>()?;
    if nibbles.len() % 2 != 0 {
        return Err(Error::HexInvalid {
            offset: nibbles.len(),
            reason: "odd number of hex digits",
        });
    }
    Ok(nibbles.chunks_exact(2).map(|p| p[0] << 4 | p[1]).collect())
}

/// Encodes bytes as lowercase hex.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}
