//! The element type.

mod ops;

use std::fmt;

use crate::{Error, arith};

/// An element of F_p, p = 2^127 - 1: an integer in `0..p`, always reduced.
///
/// The representation is private, so every `Fp` that exists is reduced (FIELD-001); the
/// derived equality and hashing are therefore equality and hashing in the field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Fp(u128);

impl Fp {
    /// Zero.
    pub const ZERO: Fp = Fp(0);
    /// One.
    pub const ONE: Fp = Fp(1);

    /// `v mod p`: every `u128` is accepted.
    ///
    /// Enforces FIELD-001.
    pub const fn new(v: u128) -> Fp {
        Fp(arith::reduce(v))
    }

    /// `n mod p`; a negative `-m` becomes `p - (m mod p)` (mod p), as FIELD-003 reduces
    /// negative inputs.
    pub const fn from_i64(n: i64) -> Fp {
        let magnitude = Fp::new(n.unsigned_abs() as u128);
        if n < 0 {
            magnitude.neg_const()
        } else {
            magnitude
        }
    }

    /// The representative in `0..p`.
    pub const fn value(self) -> u128 {
        self.0
    }

    /// Whether this is zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `self^e` by square-and-multiply over the bits of `e` (`x^0 = 1`, including `0^0`).
    pub const fn pow(self, e: u128) -> Fp {
        let mut acc = 1;
        let mut bit = 128 - e.leading_zeros();
        while bit > 0 {
            bit -= 1;
            acc = arith::square(acc);
            if (e >> bit) & 1 == 1 {
                acc = arith::mul(acc, self.0);
            }
        }
        Fp(acc)
    }

    /// The multiplicative inverse, by Fermat's little theorem: `a^(p-2)` (computed by an
    /// addition chain).
    ///
    /// Enforces FIELD-011: zero has no inverse and is `FIELD_DIVISION_BY_ZERO`.
    pub const fn inv(self) -> Result<Fp, Error> {
        if self.is_zero() {
            return Err(Error::DivisionByZero);
        }
        Ok(Fp(arith::inv_fermat(self.0)))
    }

    const fn neg_const(self) -> Fp {
        Fp(arith::neg(self.0))
    }
}

/// The decimal representative, no sign, no leading zeros (`0` for zero).
///
/// Enforces FIELD-002.
impl fmt::Display for Fp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<u8> for Fp {
    fn from(v: u8) -> Fp {
        Fp(u128::from(v))
    }
}

impl From<u64> for Fp {
    fn from(v: u64) -> Fp {
        Fp(u128::from(v))
    }
}

impl From<Fp> for u128 {
    fn from(v: Fp) -> u128 {
        v.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const P: u128 = crate::MODULUS;

    fn element() -> impl Strategy<Value = Fp> {
        prop_oneof![
            3 => (0..P).prop_map(Fp::new),
            1 => (0u128..16).prop_map(|d| Fp::new(P - 1 - d)),
            1 => (0u128..16).prop_map(Fp::new),
        ]
    }

    proptest! {
        #[test]
        fn field_axioms(a in element(), b in element(), c in element()) {
            prop_assert_eq!(a + b, b + a);
            prop_assert_eq!(a * b, b * a);
            prop_assert_eq!((a + b) + c, a + (b + c));
            prop_assert_eq!((a * b) * c, a * (b * c));
            prop_assert_eq!(a * (b + c), a * b + a * c);
            prop_assert_eq!(a - b, a + (-b));
            prop_assert_eq!(a + (-a), Fp::ZERO);
            prop_assert_eq!(a * Fp::ONE, a);
        }

        #[test]
        fn inverse_times_self_is_one(a in element()) {
            match a.inv() {
                Ok(i) => prop_assert_eq!(a * i, Fp::ONE),
                Err(e) => {
                    prop_assert!(a.is_zero());
                    prop_assert_eq!(e.code(), "FIELD_DIVISION_BY_ZERO");
                }
            }
        }

        #[test]
        fn pow_adds_exponents(a in element(), e in 0u128..1000, f in 0u128..1000) {
            prop_assert_eq!(a.pow(e) * a.pow(f), a.pow(e + f));
        }

        #[test]
        fn from_i64_is_mod_p(n in any::<i64>()) {
            let expect = if n >= 0 { n as u128 } else { P - n.unsigned_abs() as u128 };
            prop_assert_eq!(Fp::from_i64(n).value(), expect);
        }
    }

    #[test]
    fn inverse_known_answers() {
        // (p + 1) / 2 = 2^126 is the inverse of 2; -1 is its own inverse.
        assert_eq!(Fp::new(2).inv().map(Fp::value), Ok(1u128 << 126));
        assert_eq!(Fp::new(P - 1).inv().map(Fp::value), Ok(P - 1));
        assert_eq!(Fp::ONE.inv(), Ok(Fp::ONE));
        assert_eq!(Fp::ZERO.inv(), Err(Error::DivisionByZero));
        assert_eq!(Fp::new(P).inv(), Err(Error::DivisionByZero));
        // Independently computed with Python: pow(2**100, p - 2, p).
        assert_eq!(Fp::new(1 << 100).inv().map(Fp::value), Ok(134_217_728));
        // Fermat: a^(p-1) = 1 for a != 0; 0^0 = 1.
        assert_eq!(Fp::new(12345).pow(P - 1), Fp::ONE);
        assert_eq!(Fp::ZERO.pow(0), Fp::ONE);
    }

    #[test]
    fn display_is_plain_decimal() {
        assert_eq!(Fp::ZERO.to_string(), "0");
        assert_eq!(Fp::new(P).to_string(), "0");
        assert_eq!(
            Fp::new(P - 1).to_string(),
            "170141183460469231731687303715884105726"
        );
        assert_eq!(Fp::from_i64(-1), Fp::new(P - 1));
        assert_eq!(Fp::from_i64(i64::MIN).value(), P - (1u128 << 63));
        assert_eq!(u128::from(Fp::from(7u8)), 7);
        assert_eq!(Fp::from(u64::MAX).value(), u128::from(u64::MAX));
    }
}
