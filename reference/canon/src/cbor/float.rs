//! Float widths (CANON-021): exact conversions between binary64, binary32 and binary16.
//!
//! The half-precision conversions are written out by hand (std has no `f16` on stable) and are
//! exact: a value converts to a narrower width only if that width represents it exactly,
//! subnormals included.

/// The shortest encoding of a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Width {
    /// `f9` + 2 bytes.
    Half(u16),
    /// `fa` + 4 bytes.
    Single(u32),
    /// `fb` + 8 bytes.
    Double(u64),
}

/// The bits of the only NaN encoding allowed, `f97e00`.
pub(super) const CANONICAL_NAN: u16 = 0x7e00;

/// Enforces CANON-021: the shortest width that represents `x` exactly; every NaN is `f97e00`.
pub(super) fn shortest(x: f64) -> Width {
    if x.is_nan() {
        return Width::Half(CANONICAL_NAN);
    }
    let Some(single) = f64_to_f32_exact(x) else {
        return Width::Double(x.to_bits());
    };
    match f32_to_f16_exact(single) {
        Some(half) => Width::Half(half),
        None => Width::Single(single.to_bits()),
    }
}

/// `x` as binary32, if that is exact (not for NaN).
pub(super) fn f64_to_f32_exact(x: f64) -> Option<f32> {
    // `as` rounds to nearest; the round trip tells whether anything was lost.
    let single = x as f32;
    (!x.is_nan() && f64::from(single).to_bits() == x.to_bits()).then_some(single)
}

/// `x` as binary16 bits, if that is exact (not for NaN).
pub(super) fn f32_to_f16_exact(x: f32) -> Option<u16> {
    let bits = x.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exponent = ((bits >> 23) & 0xff) as i32;
    let fraction = bits & 0x7f_ffff;
    match exponent {
        // Zero; binary32 subnormals are far below the smallest binary16 subnormal (2^-24).
        0 => (fraction == 0).then_some(sign),
        // Infinity (NaN is excluded).
        0xff => (fraction == 0).then_some(sign | 0x7c00),
        _ => {
            let e = exponent - 127; // value = 1.fraction * 2^e
            let significand = fraction | 0x80_0000; // 24 bits
            if (-14..=15).contains(&e) {
                // Normal binary16: 10 fraction bits, so the low 13 bits must be zero.
                (fraction & 0x1fff == 0)
                    .then(|| sign | (((e + 15) as u16) << 10) | (fraction >> 13) as u16)
            } else if (-24..-14).contains(&e) {
                // Subnormal binary16: a multiple of 2^-24, i.e. significand * 2^(e+1) integral.
                let shift = -(e + 1); // 14..=23
                let mask = (1u32 << shift) - 1;
                (significand & mask == 0).then(|| sign | (significand >> shift) as u16)
            } else {
                None
            }
        }
    }
}

/// The exact binary64 value of binary16 `bits` (any NaN becomes `f64::NAN`).
pub(super) fn f16_to_f64(bits: u16) -> f64 {
    let negative = bits & 0x8000 != 0;
    let exponent = u64::from((bits >> 10) & 0x1f);
    let fraction = u64::from(bits & 0x3ff);
    let magnitude = match exponent {
        // fraction * 2^-24, exact in binary64.
        0 => fraction as f64 / 16_777_216.0,
        0x1f if fraction == 0 => f64::INFINITY,
        0x1f => return f64::NAN,
        // Rebias the exponent (15 -> 1023) and widen the fraction (10 -> 52 bits).
        _ => f64::from_bits((exponent + 1023 - 15) << 52 | fraction << 42),
    };
    if negative { -magnitude } else { magnitude }
}

/// Whether binary16 `bits` is a NaN.
pub(super) fn f16_is_nan(bits: u16) -> bool {
    bits & 0x7c00 == 0x7c00 && bits & 0x3ff != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(x: f64, expect: Width) {
        assert_eq!(shortest(x), expect, "{x:e} ({:016x})", x.to_bits());
        if let (Width::Half(h), false) = (expect, x.is_nan()) {
            assert_eq!(f16_to_f64(h).to_bits(), x.to_bits(), "half {h:04x} back");
        }
    }

    #[test]
    fn shortest_widths() {
        check(0.0, Width::Half(0x0000));
        check(-0.0, Width::Half(0x8000));
        check(1.0, Width::Half(0x3c00));
        check(1.5, Width::Half(0x3e00));
        check(-4.0, Width::Half(0xc400));
        check(65504.0, Width::Half(0x7bff));
        check(65505.0, Width::Single(65505f32.to_bits()));
        check(6.103515625e-05, Width::Half(0x0400)); // smallest normal half
        check(5.960464477539063e-08, Width::Half(0x0001)); // smallest subnormal half
        check(2.0f64.powi(-25), Width::Single(2f32.powi(-25).to_bits()));
        check(3.0 * 2.0f64.powi(-24), Width::Half(0x0003));
        check(1023.0 * 2.0f64.powi(-24), Width::Half(0x03ff)); // largest subnormal half
        check(1.0 + 2.0f64.powi(-10), Width::Half(0x3c01));
        check(
            1.0 + 2.0f64.powi(-11),
            Width::Single((1.0f32 + 2f32.powi(-11)).to_bits()),
        );
        check(100000.0, Width::Single(0x47c3_5000));
        check(3.4028234663852886e38, Width::Single(0x7f7f_ffff));
        check(1.1, Width::Double(1.1f64.to_bits()));
        check(1e300, Width::Double(0x7e37_e43c_8800_759c));
        check(f64::INFINITY, Width::Half(0x7c00));
        check(f64::NEG_INFINITY, Width::Half(0xfc00));
        check(f64::NAN, Width::Half(0x7e00));
        check(-f64::NAN, Width::Half(0x7e00));
        check(f64::from_bits(0x7ff0_0000_0000_0001), Width::Half(0x7e00));
        check(f64::from_bits(1), Width::Double(1)); // smallest binary64 subnormal
        check(f64::from(f32::from_bits(1)), Width::Single(1)); // smallest binary32 subnormal
    }

    #[test]
    fn every_half_round_trips() {
        for h in 0..=u16::MAX {
            if f16_is_nan(h) {
                assert!(f16_to_f64(h).is_nan());
                continue;
            }
            let x = f16_to_f64(h);
            assert_eq!(shortest(x), Width::Half(h), "{h:04x}");
            // The binary32 neighbours of a half are not halves (except across zero/infinity).
            let single = x as f32;
            for neighbour in [single.to_bits().wrapping_sub(1), single.to_bits() + 1] {
                let n = f32::from_bits(neighbour);
                if n != 0.0 && !n.is_nan() && n.is_finite() && x != 0.0 {
                    assert_eq!(
                        f32_to_f16_exact(n),
                        None,
                        "{h:04x} neighbour {neighbour:08x}"
                    );
                }
            }
        }
    }
}
