//! Exact arithmetic modulo the Mersenne prime p = 2^127 - 1 on reduced `u128` values.
//!
//! Every function takes operands in `0..p` (except [`reduce`], which takes any `u128`) and
//! returns a value in `0..p`. The reduction rests on 2^127 ≡ 1 (mod p): a value
//! `v = hi·2^127 + lo` with `lo < 2^127` is congruent to `hi + lo`.

use crate::MODULUS as P;

/// `v mod p` for any `u128`.
pub(crate) const fn reduce(v: u128) -> u128 {
    // v = (v >> 127)·2^127 + (v & P) ≡ (v >> 127) + (v & P); the sum is at most 1 + (2^127 - 1).
    fold(v)
}

/// `v mod p` for `v < 2^128` written as `(v >> 127) + (v & P) <= 2^127`, then one conditional
/// subtraction.
const fn fold(v: u128) -> u128 {
    let s = (v >> 127) + (v & P);
    if s >= P { s - P } else { s }
}

/// `(a + b) mod p`.
pub(crate) const fn add(a: u128, b: u128) -> u128 {
    // a + b <= 2p - 2 < 2^128: no overflow.
    let s = a + b;
    if s >= P { s - P } else { s }
}

/// `(a - b) mod p`.
pub(crate) const fn sub(a: u128, b: u128) -> u128 {
    if a >= b { a - b } else { a + (P - b) }
}

/// `(-a) mod p`.
pub(crate) const fn neg(a: u128) -> u128 {
    if a == 0 { 0 } else { P - a }
}

/// `(a · b) mod p`: the exact 254-bit product from 64-bit limbs, then the Mersenne fold.
pub(crate) const fn mul(a: u128, b: u128) -> u128 {
    let (hi, lo) = widening_mul(a, b);
    // The product is hi·2^128 + lo < 2^254, so hi < 2^126. Split it at bit 127:
    // top = product >> 127 < 2^127, bottom = product & P < 2^127, and product ≡ top + bottom.
    let top = (hi << 1) | (lo >> 127);
    let bottom = lo & P;
    fold(top + bottom)
}

/// `a² mod p`: [`mul`] with the two equal cross products formed once.
pub(crate) const fn square(a: u128) -> u128 {
    const LOW: u128 = u64::MAX as u128;
    let (a0, a1) = (a & LOW, a >> 64);
    // a1 < 2^63, so 2·a0·a1 < 2^128.
    let low = a0 * a0;
    let mid = (a0 * a1) << 1;
    let high = a1 * a1;
    let (lo, carry) = low.overflowing_add(mid << 64);
    let hi = high + (mid >> 64) + carry as u128;
    let top = (hi << 1) | (lo >> 127);
    fold(top + (lo & P))
}

/// `a^(2^n)`: `n` squarings.
pub(crate) const fn square_n(mut a: u128, n: u32) -> u128 {
    let mut i = 0;
    while i < n {
        a = square(a);
        i += 1;
    }
    a
}

/// `a^(p-2) = a^(2^127 - 3)`, the inverse of a nonzero `a` (Fermat), by an addition chain:
/// with `e(n) = a^(2^n - 1)` and `e(m + n) = e(m)^(2^n) · e(n)`, build `e(125)` through
/// e(1, 2, 4, 8, 16, 32, 64, 96, 112, 120, 124, 125), then `a^(2^127 - 3) = e(125)^4 · a`.
/// 126 squarings and 12 multiplications instead of the 253 steps of square-and-multiply.
pub(crate) const fn inv_fermat(a: u128) -> u128 {
    let e1 = a;
    let e2 = mul(square_n(e1, 1), e1);
    let e4 = mul(square_n(e2, 2), e2);
    let e8 = mul(square_n(e4, 4), e4);
    let e16 = mul(square_n(e8, 8), e8);
    let e32 = mul(square_n(e16, 16), e16);
    let e64 = mul(square_n(e32, 32), e32);
    let e96 = mul(square_n(e64, 32), e32);
    let e112 = mul(square_n(e96, 16), e16);
    let e120 = mul(square_n(e112, 8), e8);
    let e124 = mul(square_n(e120, 4), e4);
    let e125 = mul(square_n(e124, 1), e1);
    mul(square_n(e125, 2), a)
}

/// The full product `a · b` of two values below 2^127 as `(high 128 bits, low 128 bits)`.
const fn widening_mul(a: u128, b: u128) -> (u128, u128) {
    const LOW: u128 = u64::MAX as u128;
    let (a0, a1) = (a & LOW, a >> 64);
    let (b0, b1) = (b & LOW, b >> 64);
    // a1, b1 < 2^63 and a0, b0 < 2^64, so each cross product is below 2^127 and their sum
    // below 2^128; a1·b1 < 2^126.
    let low = a0 * b0;
    let mid = a0 * b1 + a1 * b0;
    let high = a1 * b1;
    let (lo, carry) = low.overflowing_add(mid << 64);
    let hi = high + (mid >> 64) + carry as u128;
    (hi, lo)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The slow reference: Russian-peasant multiplication with modular doubling, which never
    /// forms a product wider than 128 bits.
    fn slow_mul(mut a: u128, mut b: u128) -> u128 {
        let mut acc = 0;
        while b != 0 {
            if b & 1 == 1 {
                acc = (acc + a) % P;
            }
            a = (a + a) % P;
            b >>= 1;
        }
        acc
    }

    /// Elements of `0..p`, biased towards the edges where carries happen.
    fn element() -> impl Strategy<Value = u128> {
        prop_oneof![
            4 => 0..P,
            1 => (0u128..64).prop_map(|d| P - 1 - d),
            1 => 0u128..64,
            1 => (0u32..127).prop_map(|s| 1u128 << s),
            1 => (0u32..127).prop_map(|s| (1u128 << s) - 1),
            1 => (64u32..127, 0u128..4).prop_map(|(s, d)| (1u128 << s) + d),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn mul_matches_the_slow_reference(a in element(), b in element()) {
            prop_assert_eq!(mul(a, b), slow_mul(a, b));
        }

        #[test]
        fn widening_mul_is_the_exact_product(a in element(), b in element()) {
            // Check the 256-bit product limb by limb against 32-bit schoolbook multiplication.
            let (hi, lo) = widening_mul(a, b);
            let limbs = |v: u128| [v as u32, (v >> 32) as u32, (v >> 64) as u32, (v >> 96) as u32];
            let (x, y) = (limbs(a), limbs(b));
            let mut out = [0u64; 8];
            for i in 0..4 {
                let mut carry = 0u64;
                for j in 0..4 {
                    let t = u64::from(x[i]) * u64::from(y[j]) + (out[i + j] & 0xffff_ffff) + carry;
                    out[i + j] = t & 0xffff_ffff;
                    carry = t >> 32;
                }
                out[i + 4] += carry;
            }
            let join = |w: &[u64]| w.iter().rev().fold(0u128, |acc, &d| (acc << 32) | u128::from(d as u32));
            prop_assert_eq!(lo, join(&out[..4]));
            prop_assert_eq!(hi, join(&out[4..]));
        }

        #[test]
        fn add_sub_neg_match_integer_arithmetic(a in element(), b in element()) {
            prop_assert_eq!(add(a, b), (a + b) % P);
            prop_assert_eq!(sub(a, b), (a + P - b) % P);
            prop_assert_eq!(neg(a), (P - a) % P);
            prop_assert_eq!(add(sub(a, b), b), a);
        }

        #[test]
        fn square_is_mul_by_self(a in element()) {
            prop_assert_eq!(square(a), mul(a, a));
        }

        #[test]
        fn inverse_chain_is_the_fermat_power(a in element()) {
            // a^(p-2) by plain square-and-multiply over the bits of p - 2.
            let mut plain = 1;
            for bit in (0..127).rev() {
                plain = mul(plain, plain);
                if ((P - 2) >> bit) & 1 == 1 {
                    plain = mul(plain, a);
                }
            }
            prop_assert_eq!(inv_fermat(a), plain);
            if a != 0 {
                prop_assert_eq!(mul(inv_fermat(a), a), 1);
            }
        }

        #[test]
        fn reduce_is_mod_p(v in any::<u128>()) {
            prop_assert_eq!(reduce(v), v % P);
        }
    }

    #[test]
    fn edge_products() {
        let check = |a: u128, b: u128, expect: u128| assert_eq!(mul(a, b), expect, "{a} * {b}");
        check(P - 1, P - 1, 1);
        check(1 << 64, 1 << 64, 2);
        check(1 << 126, 2, 1);
        check(1 << 126, 1 << 126, 1 << 125);
        check(0, P - 1, 0);
        check(1, P - 1, P - 1);
        // Independently computed with Python integers: (2^127 - 2) * (2^126 + 12345) % p.
        check(
            P - 1,
            (1 << 126) + 12345,
            85_070_591_730_234_615_865_843_651_857_942_040_518,
        );
        for v in [0, 1, P - 1, P, P + 1, u128::MAX, 1 << 127] {
            assert_eq!(reduce(v), v % P, "reduce {v}");
        }
    }
}
