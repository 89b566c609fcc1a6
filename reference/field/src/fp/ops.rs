//! The operator traits: `+`, `-`, `*`, unary `-`, their assigning forms, `Sum` and `Product`.
//!
//! Enforces FIELD-010: every operation is the integer operation reduced mod p.

use std::iter::{Product, Sum};
use std::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use super::Fp;
use crate::arith;

impl Add for Fp {
    type Output = Fp;
    fn add(self, rhs: Fp) -> Fp {
        Fp(arith::add(self.0, rhs.0))
    }
}

impl Sub for Fp {
    type Output = Fp;
    fn sub(self, rhs: Fp) -> Fp {
        Fp(arith::sub(self.0, rhs.0))
    }
}

impl Mul for Fp {
    type Output = Fp;
    fn mul(self, rhs: Fp) -> Fp {
        Fp(arith::mul(self.0, rhs.0))
    }
}

impl Neg for Fp {
    type Output = Fp;
    fn neg(self) -> Fp {
        Fp(arith::neg(self.0))
    }
}

impl AddAssign for Fp {
    fn add_assign(&mut self, rhs: Fp) {
        *self = *self + rhs;
    }
}

impl SubAssign for Fp {
    fn sub_assign(&mut self, rhs: Fp) {
        *self = *self - rhs;
    }
}

impl MulAssign for Fp {
    fn mul_assign(&mut self, rhs: Fp) {
        *self = *self * rhs;
    }
}

impl Sum for Fp {
    fn sum<I: Iterator<Item = Fp>>(iter: I) -> Fp {
        iter.fold(Fp::ZERO, Add::add)
    }
}

impl Product for Fp {
    fn product<I: Iterator<Item = Fp>>(iter: I) -> Fp {
        iter.fold(Fp::ONE, Mul::mul)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_and_assigning_forms_agree() {
        let (a, b) = (Fp::new(7), Fp::from_i64(-3));
        let mut x = a;
        x += b;
        assert_eq!(x, a + b);
        assert_eq!(x, Fp::new(4));
        x -= b;
        assert_eq!(x, a);
        x *= b;
        assert_eq!(x, a * b);
        assert_eq!(x, Fp::from_i64(-21));
        assert_eq!(-Fp::ZERO, Fp::ZERO);
        assert_eq!([a, b, b].into_iter().sum::<Fp>(), Fp::ONE);
        assert_eq!([a, b].into_iter().product::<Fp>(), Fp::from_i64(-21));
        assert_eq!(std::iter::empty::<Fp>().product::<Fp>(), Fp::ONE);
    }
}
