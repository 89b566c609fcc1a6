//! Pass 1 of decoding: RFC 8949 well-formedness of the first data item (Appendix F), and the
//! nesting limit. Iterative, so no input can exhaust the stack; builds nothing.

use super::head::{self, Arg, malformed};
use crate::{Error, MAX_DEPTH};

/// An open container.
enum Frame {
    /// A definite-length array or map, or a tag: data items still expected.
    Counted(u128),
    /// An indefinite-length array or map: data items read so far.
    Indefinite { map: bool, items: u64 },
}

/// Checks that `bytes` starts with one well-formed data item nested at most 128 deep; returns
/// the offset just after it.
///
/// Enforces CANON-024 (truncation, additional information 28..30, `break` outside an
/// indefinite-length item, two-byte simple values below 32, indefinite-length string chunks of
/// another major type or of indefinite length, indefinite length on major types 0, 1, 6) and
/// CANON-025 (nesting: arrays, maps and tags each add a level). The first fault in reading order
/// is reported.
pub(super) fn check(bytes: &[u8]) -> Result<usize, Error> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut pos = 0;
    loop {
        let h = head::read(bytes, pos)?;
        pos = h.end;
        match (h.major, h.arg) {
            (0 | 1 | 6, Arg::Indefinite) => {
                return Err(malformed(h.start, "indefinite length on an integer or tag"));
            }
            (0 | 1, Arg::Value(_)) => {}
            (2 | 3, Arg::Value(len)) => pos = skip(bytes, pos, len, h.start)?,
            (2 | 3, Arg::Indefinite) => pos = chunks(bytes, pos, h.major)?,
            (4..=6, arg) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(Error::CborTooDeep {
                        offset: Some(h.start),
                        limit: MAX_DEPTH,
                    });
                }
                let count = match (h.major, arg) {
                    (_, Arg::Indefinite) => {
                        stack.push(Frame::Indefinite {
                            map: h.major == 5,
                            items: 0,
                        });
                        continue;
                    }
                    (4, Arg::Value(n)) => u128::from(n),
                    (5, Arg::Value(n)) => 2 * u128::from(n),
                    _ => 1, // a tag's content
                };
                if count > 0 {
                    stack.push(Frame::Counted(count));
                    continue;
                }
            }
            // Major type 7: `break`.
            (_, Arg::Indefinite) => match stack.pop() {
                Some(Frame::Indefinite { map, items }) => {
                    if map && items % 2 == 1 {
                        return Err(malformed(
                            h.start,
                            "break after a map key without its value",
                        ));
                    }
                }
                _ => {
                    return Err(malformed(
                        h.start,
                        "break outside an indefinite-length item",
                    ));
                }
            },
            (_, Arg::Value(simple)) => {
                if h.info == 24 && simple < 32 {
                    return Err(malformed(h.start, "two-byte simple value below 32"));
                }
            }
        }
        // A data item ended at `pos`: count it in its container, closing the containers it
        // completes.
        loop {
            match stack.last_mut() {
                None => return Ok(pos),
                Some(Frame::Counted(remaining)) => {
                    *remaining -= 1;
                    if *remaining > 0 {
                        break;
                    }
                    stack.pop();
                }
                Some(Frame::Indefinite { items, .. }) => {
                    *items += 1;
                    break;
                }
            }
        }
    }
}

/// Skips `len` bytes of string content at `pos`.
fn skip(bytes: &[u8], pos: usize, len: u64, start: usize) -> Result<usize, Error> {
    let available = bytes.len() - pos.min(bytes.len());
    match usize::try_from(len) {
        Ok(len) if len <= available => Ok(pos + len),
        _ => Err(malformed(start, "truncated: string content is cut short")),
    }
}

/// Skips the chunks of an indefinite-length string of major type `major`, and its `break`.
fn chunks(bytes: &[u8], mut pos: usize, major: u8) -> Result<usize, Error> {
    loop {
        let h = head::read(bytes, pos)?;
        if h.is_break() {
            return Ok(h.end);
        }
        if h.major != major {
            return Err(malformed(
                h.start,
                "indefinite-length string chunk of another major type",
            ));
        }
        let Arg::Value(len) = h.arg else {
            return Err(malformed(
                h.start,
                "indefinite-length chunk inside an indefinite-length string",
            ));
        };
        pos = skip(bytes, h.end, len, h.start)?;
    }
}
