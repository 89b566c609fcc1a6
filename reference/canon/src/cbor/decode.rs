//! Pass 2 of decoding: build the value, checking canonical form (CANON-023), UTF-8 and
//! duplicate keys (CANON-025), in the order of CANON-026.

use std::cmp::Ordering;

use super::float::{self, CANONICAL_NAN};
use super::head::{self, Arg, Head, malformed, noncanonical};
use super::{Value, cmp_encoded_keys, wellformed};
use crate::{Error, MAX_DEPTH};

/// Enforces CANON-026: well-formedness and depth of the whole first item (pass 1), then
/// canonical form and UTF-8 in reading order, then duplicate keys, then trailing bytes.
pub(super) fn decode(bytes: &[u8]) -> Result<Value, Error> {
    let end = wellformed::check(bytes)?;
    let mut decoder = Decoder {
        bytes,
        pos: 0,
        duplicate: None,
    };
    let value = decoder.item(0)?;
    if let Some(offset) = decoder.duplicate {
        return Err(Error::CborDuplicateKey {
            offset: Some(offset),
        });
    }
    if decoder.pos != end {
        return Err(malformed(decoder.pos, "inconsistent item length"));
    }
    if end < bytes.len() {
        // Enforces CANON-025 (trailing bytes).
        return Err(Error::CborTrailing {
            offset: end,
            remaining: bytes.len() - end,
        });
    }
    Ok(value)
}

struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// The first duplicate map key met, reported only if nothing else is wrong.
    duplicate: Option<usize>,
}

impl<'a> Decoder<'a> {
    /// Decodes the item at `self.pos`, which sits inside `depth` arrays, maps and tags.
    ///
    /// Enforces CANON-023: shortest-form arguments, no indefinite lengths.
    fn item(&mut self, depth: usize) -> Result<Value, Error> {
        let h = head::read(self.bytes, self.pos)?;
        self.pos = h.end;
        if h.major == 7 {
            return self.simple_or_float(&h);
        }
        let Arg::Value(arg) = h.arg else {
            return Err(noncanonical(h.start, "indefinite length"));
        };
        if !h.is_shortest() {
            return Err(noncanonical(h.start, "argument not in its shortest form"));
        }
        if matches!(h.major, 4..=6) && depth >= MAX_DEPTH {
            return Err(Error::CborTooDeep {
                offset: Some(h.start),
                limit: MAX_DEPTH,
            });
        }
        Ok(match h.major {
            0 => Value::Int(i128::from(arg)),
            1 => Value::Int(-1 - i128::from(arg)),
            2 => Value::Bytes(self.take(arg, &h)?.to_vec()),
            3 => {
                let content = self.take(arg, &h)?;
                // Enforces CANON-025 (text strings are UTF-8).
                match std::str::from_utf8(content) {
                    Ok(text) => Value::Text(text.to_owned()),
                    Err(_) => return Err(Error::CborInvalidUtf8 { offset: h.start }),
                }
            }
            4 => {
                let mut items = Vec::with_capacity(self.capacity(arg, 1));
                for _ in 0..arg {
                    items.push(self.item(depth + 1)?);
                }
                Value::Array(items)
            }
            5 => self.map(arg, depth)?,
            _ => Value::Tag(arg, Box::new(self.item(depth + 1)?)),
        })
    }

    /// Decodes `count` map entries.
    ///
    /// Enforces CANON-023 (keys in length-first order) and records CANON-025 duplicates.
    fn map(&mut self, count: u64, depth: usize) -> Result<Value, Error> {
        let mut entries = Vec::with_capacity(self.capacity(count, 2));
        let mut previous: Option<(usize, usize)> = None;
        for _ in 0..count {
            let start = self.pos;
            let key = self.item(depth + 1)?;
            let encoded = self.bytes.get(start..self.pos).unwrap_or_default();
            if let Some((a, b)) = previous {
                let before = self.bytes.get(a..b).unwrap_or_default();
                match cmp_encoded_keys(before, encoded) {
                    Ordering::Less => {}
                    Ordering::Equal => {
                        self.duplicate.get_or_insert(start);
                    }
                    Ordering::Greater => {
                        return Err(noncanonical(start, "map keys out of length-first order"));
                    }
                }
            }
            previous = Some((start, self.pos));
            let value = self.item(depth + 1)?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }

    /// Decodes major type 7.
    ///
    /// Enforces CANON-021/023 on floats: a NaN other than `f97e00`, or a float that a shorter
    /// width represents exactly, is non-canonical.
    fn simple_or_float(&mut self, h: &Head) -> Result<Value, Error> {
        let Arg::Value(arg) = h.arg else {
            return Err(malformed(
                h.start,
                "break outside an indefinite-length item",
            ));
        };
        Ok(match h.info {
            20 => Value::Bool(false),
            21 => Value::Bool(true),
            22 => Value::Null,
            0..=19 | 23 => Value::Simple(h.info),
            24 => match u8::try_from(arg) {
                Ok(n) if n >= 32 => Value::Simple(n),
                _ => return Err(malformed(h.start, "two-byte simple value below 32")),
            },
            25 => {
                let bits = arg as u16;
                if float::f16_is_nan(bits) && bits != CANONICAL_NAN {
                    return Err(noncanonical(h.start, "NaN other than f97e00"));
                }
                Value::Float(float::f16_to_f64(bits))
            }
            26 => {
                let x = f32::from_bits(arg as u32);
                if x.is_nan() {
                    return Err(noncanonical(h.start, "NaN other than f97e00"));
                }
                if float::f32_to_f16_exact(x).is_some() {
                    return Err(noncanonical(
                        h.start,
                        "single-precision float that half represents",
                    ));
                }
                Value::Float(f64::from(x))
            }
            _ => {
                let x = f64::from_bits(arg);
                if x.is_nan() {
                    return Err(noncanonical(h.start, "NaN other than f97e00"));
                }
                if float::f64_to_f32_exact(x).is_some() {
                    return Err(noncanonical(
                        h.start,
                        "double-precision float that single represents",
                    ));
                }
                Value::Float(x)
            }
        })
    }

    /// Takes `len` bytes of string content.
    fn take(&mut self, len: u64, h: &Head) -> Result<&'a [u8], Error> {
        let bytes = self.bytes;
        let content = usize::try_from(len)
            .ok()
            .and_then(|len| bytes.get(self.pos..self.pos.checked_add(len)?));
        let Some(content) = content else {
            return Err(malformed(h.start, "truncated: string content is cut short"));
        };
        self.pos += content.len();
        Ok(content)
    }

    /// A safe capacity for `count` items of at least `min_size` bytes each.
    fn capacity(&self, count: u64, min_size: usize) -> usize {
        let left = (self.bytes.len() - self.pos.min(self.bytes.len())) / min_size;
        usize::try_from(count).map_or(left, |c| c.min(left))
    }
}
