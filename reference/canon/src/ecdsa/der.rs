//! Strict ASN.1 DER for ECDSA signatures (CANON-046), written out so that the policy is
//! visible: `SEQUENCE { INTEGER r, INTEGER s }` and nothing else.

use crate::Error;

/// The 32-byte big-endian `r` and `s` of a strict DER signature.
///
/// Enforces CANON-046: tags `30`, `02`, `02`; definite lengths, short form below 128 and
/// minimal long form otherwise; each INTEGER non-empty, non-negative, minimal (a leading `00`
/// only before a byte with the high bit set) and at most 32 bytes of magnitude; no bytes after
/// `s` inside the SEQUENCE and none after the SEQUENCE. Anything else is `CANON_SIG_INVALID`.
pub(super) fn parse(der: &[u8]) -> Result<([u8; 32], [u8; 32]), Error> {
    let fail = || Error::sig("ECDSA signature is not strict DER");
    let (body, rest) = tlv(der, 0x30).ok_or_else(fail)?;
    let (r, body) = tlv(body, 0x02).ok_or_else(fail)?;
    let (s, body) = tlv(body, 0x02).ok_or_else(fail)?;
    if !rest.is_empty() || !body.is_empty() {
        return Err(fail());
    }
    Ok((integer(r).ok_or_else(fail)?, integer(s).ok_or_else(fail)?))
}

/// One tag-length-value with tag `tag`: its content and what follows it.
fn tlv(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, rest) = input.split_first()?;
    if t != tag {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        // Long form: 0x80 (indefinite) is BER only; the length octets must be minimal.
        let count = usize::from(first & 0x7f);
        if count == 0 || count > std::mem::size_of::<usize>() {
            return None;
        }
        let (octets, rest) = rest.split_at_checked(count)?;
        if octets.first() == Some(&0) {
            return None;
        }
        let len = octets
            .iter()
            .fold(0usize, |acc, &b| acc << 8 | usize::from(b));
        if len < 0x80 {
            return None;
        }
        (len, rest)
    };
    rest.split_at_checked(len)
}

/// A non-negative minimal INTEGER of at most 32 magnitude bytes, left-padded to 32.
fn integer(content: &[u8]) -> Option<[u8; 32]> {
    let magnitude = match content {
        [] => return None,
        [first, ..] if first & 0x80 != 0 => return None, // negative
        [0, second, ..] if second & 0x80 == 0 => return None, // non-minimal
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => content,
    };
    let mut out = [0u8; 32];
    let start = out.len().checked_sub(magnitude.len())?;
    out.get_mut(start..)?.copy_from_slice(magnitude);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(der: &[u8], expect: Option<(u8, u8)>) {
        let got = parse(der).ok().map(|(r, s)| (r[31], s[31]));
        assert_eq!(got, expect, "{der:02x?}");
    }

    #[test]
    fn strictness() {
        check(&[0x30, 6, 2, 1, 1, 2, 1, 2], Some((1, 2)));
        check(&[0x30, 6, 2, 1, 0, 2, 1, 2], Some((0, 2))); // zero is DER; range checked later
        check(&[0x30, 7, 2, 2, 0, 0x80, 2, 1, 2], Some((0x80, 2)));
        check(&[0x30, 7, 2, 2, 0, 1, 2, 1, 2], None); // non-minimal integer
        check(&[0x30, 6, 2, 1, 0x80, 2, 1, 2], None); // negative
        check(&[0x30, 5, 2, 0, 2, 1, 2], None); // empty integer
        check(&[0x30, 0x81, 6, 2, 1, 1, 2, 1, 2], None); // long form below 128
        check(&[0x30, 0x80, 2, 1, 1, 2, 1, 2, 0, 0], None); // indefinite
        check(&[0x30, 6, 2, 1, 1, 2, 1, 2, 0], None); // trailing byte
        check(&[0x30, 7, 2, 1, 1, 2, 1, 2, 0], None); // garbage inside the sequence
        check(&[0x30, 6, 2, 1, 1, 2, 2, 2], None); // truncated
        check(&[0x31, 6, 2, 1, 1, 2, 1, 2], None); // SET
        check(&[0x30, 6, 3, 1, 1, 2, 1, 2], None); // BIT STRING
        let mut big = vec![0x30, 38, 2, 33];
        big.extend([1u8; 33]);
        big.extend([2, 1, 2]);
        check(&big, None); // 33 magnitude bytes
        let mut max = vec![0x30, 38, 2, 33, 0];
        max.extend([0xffu8; 32]);
        max.extend([2, 1, 2]);
        check(&max, Some((0xff, 2)));
    }
}
