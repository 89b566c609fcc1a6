//! Reading one data item head: initial byte plus argument (RFC 8949 §3).

use crate::Error;

/// The argument of a head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Arg {
    /// Additional information 0..=27: the value (for major type 7 with 24..=27, the simple
    /// value byte or the float bits).
    Value(u64),
    /// Additional information 31: an indefinite length, or `break` for major type 7.
    Indefinite,
}

/// One head.
#[derive(Debug, Clone, Copy)]
pub(super) struct Head {
    pub(super) major: u8,
    pub(super) info: u8,
    pub(super) arg: Arg,
    /// Offset of the initial byte.
    pub(super) start: usize,
    /// Offset just after the argument.
    pub(super) end: usize,
}

impl Head {
    /// Whether the argument is in its shortest form (majors 0..=6; CANON-020).
    pub(super) fn is_shortest(&self) -> bool {
        match (self.info, self.arg) {
            (24, Arg::Value(v)) => v >= 24,
            (25, Arg::Value(v)) => v > 0xff,
            (26, Arg::Value(v)) => v > 0xffff,
            (27, Arg::Value(v)) => v > 0xffff_ffff,
            _ => true,
        }
    }

    /// Whether this is the `break` stop code (0xff).
    pub(super) fn is_break(&self) -> bool {
        self.major == 7 && self.arg == Arg::Indefinite
    }
}

/// Reads the head at `pos`.
///
/// Enforces CANON-024: truncation, and additional information 28, 29 or 30.
pub(super) fn read(bytes: &[u8], pos: usize) -> Result<Head, Error> {
    let Some(&initial) = bytes.get(pos) else {
        return Err(malformed(pos, "truncated: a data item is missing"));
    };
    let major = initial >> 5;
    let info = initial & 0x1f;
    let size = match info {
        0..=23 => 0,
        24 => 1,
        25 => 2,
        26 => 4,
        27 => 8,
        28..=30 => {
            return Err(malformed(
                pos,
                "reserved additional information (28, 29, 30)",
            ));
        }
        _ => {
            return Ok(Head {
                major,
                info,
                arg: Arg::Indefinite,
                start: pos,
                end: pos + 1,
            });
        }
    };
    let Some(argument) = bytes.get(pos + 1..pos + 1 + size) else {
        return Err(malformed(pos, "truncated: the argument is cut short"));
    };
    let value = if size == 0 {
        u64::from(info)
    } else {
        argument
            .iter()
            .fold(0u64, |acc, &b| acc << 8 | u64::from(b))
    };
    Ok(Head {
        major,
        info,
        arg: Arg::Value(value),
        start: pos,
        end: pos + 1 + size,
    })
}

/// Enforces CANON-024.
pub(super) fn malformed(offset: usize, reason: &'static str) -> Error {
    Error::CborMalformed { offset, reason }
}

/// Enforces CANON-023.
pub(super) fn noncanonical(offset: usize, reason: &'static str) -> Error {
    Error::CborNoncanonical { offset, reason }
}
