//! `sexp` and `slog2`: the exponential and the base-2 logarithm as spec/sigil.md defines them,
//! step by step in binary64 with only `+ - * /`, `floor` and exact scaling by powers of two, so
//! that every conforming implementation computes the same bits. Rust never contracts
//! `a * b + c` into a fused multiply-add unless asked, so each line is one correctly rounded
//! operation.

/// `1 / ln 2` as a binary64 (`0x3FF71547652B82FE`).
pub const INV_LN2: f64 = std::f64::consts::LOG2_E;
/// The high part of `ln 2` (`0x3FE62E42FEE00000`): `k * LN2_HI` is exact for `|k| < 2^11`.
pub const LN2_HI: f64 = 0.693_147_180_369_123_8;
/// The low part of `ln 2` (`0x3DEA39EF35793C76`).
pub const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;

/// `2^k` for `-1022 <= k <= 1023`, exactly.
fn pow2(k: i64) -> f64 {
    let biased = (k + 1023).clamp(1, 2046) as u64;
    f64::from_bits(biased << 52)
}

/// `exp(t)` for `t <= 0`.
///
/// Enforces SIGIL-006.
pub fn sexp(t: f64) -> f64 {
    if t < -700.0 {
        return 0.0;
    }
    let k = (t * INV_LN2 + 0.5).floor();
    let r = (t - k * LN2_HI) - k * LN2_LO;
    let mut q = 1.0;
    for i in (1..=20u32).rev() {
        q = 1.0 + (r / f64::from(i)) * q;
    }
    q * pow2(k as i64)
}

/// `log2(p)` for `p` in `(0, 1]` (any positive normal `p`).
///
/// Enforces SIGIL-004.
pub fn slog2(p: f64) -> f64 {
    // p = m * 2^e with m in [1, 2): read e from the exponent bits (p is normal).
    let bits = p.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | (1023u64 << 52));
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut t = 0.0;
    for j in (0..=24u32).rev() {
        t = s2 * t + 1.0 / f64::from(2 * j + 1);
    }
    let l = (2.0 * s) * t;
    e as f64 + l * INV_LN2
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Not a bit-exactness check (the vectors and the Python cross-check are): the functions
    /// are the mathematical ones to within a few ulps over their domains.
    #[test]
    fn slog2_and_sexp_are_close_to_the_true_functions() {
        assert_eq!(INV_LN2.to_bits(), 0x3FF7_1547_652B_82FE);
        assert_eq!(LN2_HI.to_bits(), 0x3FE6_2E42_FEE0_0000);
        assert_eq!(LN2_LO.to_bits(), 0x3DEA_39EF_3579_3C76);
        for i in 0..=7000 {
            let t = -(i as f64) / 10.0;
            let (ours, libm) = (sexp(t), t.exp());
            assert!(
                (ours - libm).abs() <= libm * 8e-16,
                "sexp({t}) = {ours}, exp = {libm}"
            );
        }
        assert_eq!(sexp(-700.5), 0.0);
        assert_eq!(sexp(0.0), 1.0);
        for n in 1..=2000u32 {
            for c in [1, n / 3 + 1, n / 2 + 1, n] {
                let p = f64::from(c.min(n)) / f64::from(n);
                let (ours, libm) = (slog2(p), p.log2());
                assert!(
                    (ours - libm).abs() <= 4e-15 * libm.abs().max(1.0),
                    "slog2({p}) = {ours}, log2 = {libm}"
                );
            }
        }
        assert_eq!(slog2(1.0), 0.0);
        assert_eq!(slog2(0.5), -1.0);
        assert_eq!(slog2(2f64.powi(-16)), -16.0);
    }
}
