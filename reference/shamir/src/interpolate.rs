//! Lagrange interpolation over F_p at distinct nonzero x (SHAMIR-004).
//!
//! With the barycentric weights `w_i = 1 / Π_{m≠i} (x_i - x_m)`, the polynomial of degree
//! below `k` through `(x_i, y_i)` takes at `t` the value `Σ_i y_i w_i Π_{m≠i} (t - x_m)`. The
//! weights cost one field inversion for the whole set (Montgomery's batch inversion); each
//! evaluation then costs `O(k)` multiplications with prefix and suffix products.

use field::Fp;

use crate::{Error, MAX_SHARES};

/// The Lagrange coefficients at 0 for the points `xs`: `λ_i = Π_{m≠i} x_m / (x_m - x_i)`, so
/// that `f(0) = Σ λ_i f(x_i)` for every polynomial `f` of degree below `xs.len()`.
///
/// Enforces SHAMIR-004 (with the checks of SHAMIR-006 on `xs`): an x of 0 is
/// `SHAMIR_X_INVALID`, a repeated x `SHAMIR_DUPLICATE_X`. The empty set gives no coefficients.
pub fn lagrange_at_zero(xs: &[u8]) -> Result<Vec<Fp>, Error> {
    check_xs(xs.iter().copied())?;
    let basis = Basis::new(xs);
    Ok(basis.coefficients_at(Fp::ZERO))
}

/// Enforces SHAMIR-006 (the x checks, in order): first every x must be in `1..=255`
/// (`SHAMIR_X_INVALID`, the first offender reported), then no x may repeat
/// (`SHAMIR_DUPLICATE_X`, the first repetition in order reported).
pub(crate) fn check_xs(xs: impl Iterator<Item = u8> + Clone) -> Result<(), Error> {
    if let Some((index, x)) = xs.clone().enumerate().find(|&(_, x)| x == 0) {
        return Err(Error::XInvalid { index, x });
    }
    let mut seen: [Option<usize>; MAX_SHARES + 1] = [None; MAX_SHARES + 1];
    for (second, x) in xs.enumerate() {
        let slot = &mut seen[usize::from(x)];
        if let Some(first) = *slot {
            return Err(Error::DuplicateX { x, first, second });
        }
        *slot = Some(second);
    }
    Ok(())
}

/// The interpolation basis of a set of distinct nonzero x.
#[derive(Debug, Clone)]
pub(crate) struct Basis {
    xs: Vec<Fp>,
    /// `w_i = 1 / Π_{m≠i} (x_i - x_m)`.
    weights: Vec<Fp>,
}

impl Basis {
    /// The basis for `xs`, which the caller has checked with [`check_xs`].
    pub(crate) fn new(xs: &[u8]) -> Basis {
        let xs: Vec<Fp> = xs.iter().map(|&x| Fp::from(x)).collect();
        let denominators: Vec<Fp> = xs
            .iter()
            .enumerate()
            .map(|(i, &xi)| {
                xs.iter()
                    .enumerate()
                    .filter(|&(m, _)| m != i)
                    .map(|(_, &xm)| xi - xm)
                    .product()
            })
            .collect();
        Basis {
            weights: batch_invert(&denominators),
            xs,
        }
    }

    /// `λ_i(t) = w_i Π_{m≠i} (t - x_m)` for every i.
    pub(crate) fn coefficients_at(&self, t: Fp) -> Vec<Fp> {
        let mut out = self.products_without_each(t);
        for (l, &w) in out.iter_mut().zip(&self.weights) {
            *l *= w;
        }
        out
    }

    /// `y_i w_i` for every i: precomputed once, so each [`Basis::evaluate`] is `O(k)`.
    pub(crate) fn weigh(&self, ys: impl Iterator<Item = Fp>) -> Vec<Fp> {
        ys.zip(&self.weights).map(|(y, &w)| y * w).collect()
    }

    /// `f(t) = Σ_i (y_i w_i) Π_{m≠i} (t - x_m)`, given `weighted = self.weigh(ys)`.
    pub(crate) fn evaluate(&self, weighted: &[Fp], t: Fp) -> Fp {
        self.products_without_each(t)
            .into_iter()
            .zip(weighted)
            .map(|(p, &wy)| p * wy)
            .sum()
    }

    /// `Π_{m≠i} (t - x_m)` for every i, by prefix and suffix products.
    fn products_without_each(&self, t: Fp) -> Vec<Fp> {
        let mut out = Vec::with_capacity(self.xs.len());
        let mut prefix = Fp::ONE;
        for &x in &self.xs {
            out.push(prefix);
            prefix *= t - x;
        }
        let mut suffix = Fp::ONE;
        for (p, &x) in out.iter_mut().zip(&self.xs).rev() {
            *p *= suffix;
            suffix *= t - x;
        }
        out
    }
}

/// The inverses of `values` with one field inversion (Montgomery's trick). The values are
/// products of differences of distinct x in `1..=255`, never zero in F_p (p > 255); were one
/// zero anyway, every result would be zero, never a panic.
fn batch_invert(values: &[Fp]) -> Vec<Fp> {
    let mut prefix = Vec::with_capacity(values.len());
    let mut acc = Fp::ONE;
    for &v in values {
        prefix.push(acc);
        acc *= v;
    }
    let mut inverse = acc.inv().unwrap_or(Fp::ZERO);
    let mut out = vec![Fp::ZERO; values.len()];
    for ((o, &p), &v) in out.iter_mut().zip(&prefix).zip(values).rev() {
        // inverse = 1 / (v_0 … v_i) here.
        *o = inverse * p;
        inverse *= v;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_inversion_matches_single_inversions() {
        let values: Vec<Fp> = (1..=20u64).map(|v| Fp::from(v * v + 3)).collect();
        let inverses = batch_invert(&values);
        for (v, i) in values.iter().zip(&inverses) {
            assert_eq!(v.inv(), Ok(*i));
        }
        assert!(batch_invert(&[]).is_empty());
        assert_eq!(batch_invert(&[Fp::new(5), Fp::ZERO]), [Fp::ZERO, Fp::ZERO]);
    }

    #[test]
    fn coefficients_at_zero_known_answers() {
        // Points 1, 2: λ = (2, -1). Points 1, 2, 3: λ = (3, -3, 1).
        assert_eq!(
            lagrange_at_zero(&[1, 2]),
            Ok(vec![Fp::new(2), Fp::from_i64(-1)])
        );
        assert_eq!(
            lagrange_at_zero(&[1, 2, 3]),
            Ok(vec![Fp::new(3), Fp::from_i64(-3), Fp::ONE])
        );
        assert_eq!(lagrange_at_zero(&[7]), Ok(vec![Fp::ONE]));
        assert_eq!(lagrange_at_zero(&[]), Ok(vec![]));
        // The coefficients at 0 always sum to 1 (interpolating the constant 1).
        let all: Vec<u8> = (1..=255).collect();
        let sum: Fp = lagrange_at_zero(&all).unwrap().into_iter().sum();
        assert_eq!(sum, Fp::ONE);
    }

    #[test]
    fn invalid_point_sets() {
        assert_eq!(
            lagrange_at_zero(&[1, 0]),
            Err(Error::XInvalid { index: 1, x: 0 })
        );
        assert_eq!(
            lagrange_at_zero(&[3, 1, 3, 1]),
            Err(Error::DuplicateX {
                x: 3,
                first: 0,
                second: 2
            })
        );
        // X_INVALID is checked over the whole set before duplicates.
        assert_eq!(
            lagrange_at_zero(&[3, 3, 0]),
            Err(Error::XInvalid { index: 2, x: 0 })
        );
    }

    #[test]
    fn evaluation_reproduces_the_points_and_the_polynomial() {
        // f(x) = 5 + 3x + 2x^2 through x = 2, 4, 9.
        let f = |x: u64| Fp::from(5 + 3 * x + 2 * x * x);
        let basis = Basis::new(&[2, 4, 9]);
        let weighted = basis.weigh([f(2), f(4), f(9)].into_iter());
        for x in [0u8, 1, 2, 4, 9, 200, 255] {
            assert_eq!(
                basis.evaluate(&weighted, Fp::from(x)),
                f(u64::from(x)),
                "x = {x}"
            );
        }
    }
}
