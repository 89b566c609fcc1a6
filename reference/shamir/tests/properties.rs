//! Property tests of sharing and reconstruction (SHAMIR-003..006) and of the security
//! statement (SHAMIR-010).

// A test crate: helpers outside #[test] functions fail by panicking, as assertions do.
#![allow(clippy::unwrap_used, clippy::panic)]

use canon::drbg::Drbg;
use field::{Fp, MODULUS};
use proptest::prelude::*;
use proptest::sample::subsequence;
use shamir::{Error, Share, Threshold, consistent, lagrange_at_zero, reconstruct, share};

fn element() -> impl Strategy<Value = Fp> {
    prop_oneof![
        4 => (0..MODULUS).prop_map(Fp::new),
        1 => (0u128..4).prop_map(Fp::new),
        1 => (1u128..4).prop_map(|d| Fp::new(MODULUS - d)),
    ]
}

/// A threshold `(k, n)` with `n <= max_n`.
fn threshold(max_n: usize) -> impl Strategy<Value = Threshold> {
    (1..=max_n)
        .prop_flat_map(|n| (1..=n, Just(n)))
        .prop_map(|(k, n)| Threshold::new(k, n).unwrap())
}

/// Polynomials in coefficient form (lowest degree first), for the security argument.
mod poly {
    use field::Fp;

    pub(crate) fn eval(c: &[Fp], x: Fp) -> Fp {
        c.iter().rev().fold(Fp::ZERO, |acc, &a| acc * x + a)
    }

    /// The unique polynomial of degree below `points.len()` through `points` (distinct x),
    /// expanded from the Lagrange basis: `Σ_i y_i Π_{m≠i} (X - x_m) / (x_i - x_m)`.
    pub(crate) fn interpolate(points: &[(Fp, Fp)]) -> Vec<Fp> {
        let mut out = vec![Fp::ZERO; points.len()];
        for (i, &(xi, yi)) in points.iter().enumerate() {
            let mut basis = vec![Fp::ONE];
            let mut denominator = Fp::ONE;
            for (m, &(xm, _)) in points.iter().enumerate() {
                if m != i {
                    basis = times_x_minus(&basis, xm);
                    denominator *= xi - xm;
                }
            }
            let scale = yi * denominator.inv().unwrap();
            for (o, b) in out.iter_mut().zip(basis) {
                *o += scale * b;
            }
        }
        out
    }

    /// `c(X) · (X - r)`.
    fn times_x_minus(c: &[Fp], r: Fp) -> Vec<Fp> {
        let mut out = vec![Fp::ZERO; c.len() + 1];
        for (j, &a) in c.iter().enumerate() {
            out[j + 1] += a;
            out[j] -= a * r;
        }
        out
    }
}

/// `k - 1` distinct x in `1..=255` (any order) and one more distinct x, for `k` in `1..=max_k`.
fn points_below_threshold(max_k: usize) -> impl Strategy<Value = (Vec<u8>, u8)> {
    (1..=max_k)
        .prop_flat_map(|k| subsequence((1..=255u8).collect::<Vec<_>>(), k).prop_shuffle())
        .prop_map(|mut xs| {
            let extra = xs.pop().unwrap();
            (xs, extra)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// SHAMIR-004/005: for n <= 7, every subset of at least k shares, in the order dealt and
    /// reversed, reconstructs the secret; every smaller subset is SHAMIR_TOO_FEW_SHARES.
    #[test]
    fn every_k_subset_reconstructs(secret in element(), t in threshold(7), label in "[a-z]{1,8}") {
        let shares = share(secret, t, &mut Drbg::new(&label));
        prop_assert_eq!(shares.len(), t.n());
        for mask in 0u32..(1 << t.n()) {
            let mut subset: Vec<Share> = shares
                .iter()
                .enumerate()
                .filter(|&(i, _)| mask & (1 << i) != 0)
                .map(|(_, s)| *s)
                .collect();
            let expect = if subset.len() >= t.k() { Ok(secret) } else {
                Err(Error::TooFewShares { k: t.k(), given: subset.len() })
            };
            prop_assert_eq!(reconstruct(t.k(), &subset), expect.clone());
            subset.reverse();
            prop_assert_eq!(reconstruct(t.k(), &subset), expect);
        }
    }

    /// SHAMIR-004: with larger n, a random ordering of a random subset of at least k shares
    /// reconstructs the secret, and the Lagrange coefficients at 0 agree.
    #[test]
    fn shuffled_subsets_reconstruct(
        secret in element(),
        t in threshold(40),
        picks in any::<proptest::sample::Index>(),
        order in any::<u64>(),
    ) {
        let mut shares = share(secret, t, &mut Drbg::new("shuffled"));
        let extra = picks.index(t.n() - t.k() + 1);
        // A deterministic Fisher-Yates shuffle driven by `order`.
        let mut state = order | 1;
        for i in (1..shares.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shares.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let subset = &shares[..t.k() + extra];
        prop_assert_eq!(reconstruct(t.k(), subset), Ok(secret));
        let base = &subset[..t.k()];
        let xs: Vec<u8> = base.iter().map(|s| s.x).collect();
        let lambdas = lagrange_at_zero(&xs).unwrap();
        let combined: Fp = lambdas.iter().zip(base).map(|(&l, s)| l * s.y).sum();
        prop_assert_eq!(combined, secret);
    }

    /// SHAMIR-005: when more than k shares are given, altering any one of them is detected.
    /// An altered share among the extra ones is named; an altered one among the first k moves
    /// the polynomial, which then misses every unaltered extra share (two distinct polynomials
    /// of degree below k that agree on the other k - 1 base points differ at every other x).
    #[test]
    fn inconsistent_extra_shares_are_detected(
        secret in element(),
        t in threshold(20).prop_filter("needs an extra share", |t| t.k() < t.n()),
        which in any::<proptest::sample::Index>(),
        delta in element().prop_filter("nonzero", |d| !d.is_zero()),
    ) {
        let mut shares = share(secret, t, &mut Drbg::new("tamper"));
        let i = which.index(t.n());
        shares[i].y += delta;
        let got = reconstruct(t.k(), &shares);
        if i >= t.k() {
            prop_assert_eq!(got, Err(Error::Inconsistent { index: i, x: shares[i].x, k: t.k() }));
        } else {
            prop_assert_eq!(got.map_err(|e| e.code()), Err("SHAMIR_INCONSISTENT"));
        }
        prop_assert!(!consistent(t.k(), &shares));
        // With exactly k shares nothing can be checked: a wrong value comes back.
        if i < t.k() {
            prop_assert_ne!(reconstruct(t.k(), &shares[..t.k()]), Ok(secret));
        }
    }

    /// SHAMIR-010: k - 1 shares are consistent with every candidate secret. For any k - 1
    /// points (distinct x, arbitrary y) and any candidate c, the polynomial through (0, c) and
    /// the points has degree below k, passes through every point, and is the only one: it
    /// differs from the polynomial for another candidate c' by exactly (c - c')·L_0, where L_0
    /// is the basis polynomial that is 1 at 0 and 0 at every x. Adding its value at one more x
    /// as a k-th share makes `reconstruct` return c.
    #[test]
    fn k_minus_one_shares_fit_every_candidate_secret(
        (xs, extra) in points_below_threshold(12),
        ys in proptest::collection::vec(element(), 12),
        c in element(),
        c2 in element(),
    ) {
        let k = xs.len() + 1;
        let points: Vec<(Fp, Fp)> = xs.iter().zip(&ys).map(|(&x, &y)| (Fp::from(x), y)).collect();
        let through = |candidate: Fp| {
            let mut all = vec![(Fp::ZERO, candidate)];
            all.extend(&points);
            poly::interpolate(&all)
        };
        let (f, g) = (through(c), through(c2));
        prop_assert_eq!(f.len(), k);
        prop_assert_eq!(poly::eval(&f, Fp::ZERO), c);
        for &(x, y) in &points {
            prop_assert_eq!(poly::eval(&f, x), y);
        }
        let mut zero_at_xs = vec![(Fp::ZERO, Fp::ONE)];
        zero_at_xs.extend(points.iter().map(|&(x, _)| (x, Fp::ZERO)));
        let l0 = poly::interpolate(&zero_at_xs);
        for ((&fj, &gj), &lj) in f.iter().zip(&g).zip(&l0) {
            prop_assert_eq!(fj - gj, (c - c2) * lj);
        }
        let mut shares: Vec<Share> = xs.iter().zip(&ys).map(|(&x, &y)| Share { x, y }).collect();
        shares.push(Share { x: extra, y: poly::eval(&f, Fp::from(extra)) });
        prop_assert_eq!(reconstruct(k, &shares), Ok(c));
        shares.last_mut().unwrap().y = poly::eval(&g, Fp::from(extra));
        prop_assert_eq!(reconstruct(k, &shares), Ok(c2));
    }

    /// SHAMIR-010: the k - 1 shares at any fixed x have the same distribution for every
    /// secret. For every coefficient vector a that deals secret s there is exactly one a' that
    /// deals s' with the same shares at those x, namely a' = a + (s' - s)·(L_0 without its
    /// constant term); a ↦ a' is a translation, so uniform a gives uniform a', and the shares'
    /// distribution does not depend on the secret. Checked against the coefficients `share`
    /// actually drew.
    #[test]
    fn equal_share_distributions_for_every_secret(
        (xs, _) in points_below_threshold(12),
        s in element(),
        s2 in element(),
        label in "[a-z]{1,8}",
    ) {
        let k = xs.len() + 1;
        let t = Threshold::new(k, 255).unwrap();
        let dealt = share(s, t, &mut Drbg::new(&label));
        let mut drbg = Drbg::new(&label);
        let mut a = vec![s];
        a.extend((1..k).map(|_| Fp::random(&mut drbg)));
        let mut zero_at_xs = vec![(Fp::ZERO, Fp::ONE)];
        zero_at_xs.extend(xs.iter().map(|&x| (Fp::from(x), Fp::ZERO)));
        let l0 = poly::interpolate(&zero_at_xs);
        let a2: Vec<Fp> = a.iter().zip(&l0).map(|(&aj, &lj)| aj + (s2 - s) * lj).collect();
        prop_assert_eq!(a2[0], s2);
        for &x in &xs {
            let at = dealt[usize::from(x) - 1];
            prop_assert_eq!(at.x, x);
            prop_assert_eq!(poly::eval(&a, Fp::from(x)), at.y);
            prop_assert_eq!(poly::eval(&a2, Fp::from(x)), at.y);
        }
    }

    /// SHAMIR-006: any k and any list of shares gives a value or one of the five codes, and
    /// never panics.
    #[test]
    fn reconstruct_never_panics(
        k in prop_oneof![0usize..12, 250usize..260, Just(usize::MAX)],
        shares in proptest::collection::vec(
            (prop_oneof![1 => Just(0u8), 8 => 1u8..12, 1 => any::<u8>()], element())
                .prop_map(|(x, y)| Share { x, y }),
            0..300,
        ),
    ) {
        match reconstruct(k, &shares) {
            Ok(_) => prop_assert!(consistent(k, &shares)),
            Err(e) => prop_assert!([
                "SHAMIR_THRESHOLD_INVALID",
                "SHAMIR_X_INVALID",
                "SHAMIR_DUPLICATE_X",
                "SHAMIR_TOO_FEW_SHARES",
                "SHAMIR_INCONSISTENT",
            ].contains(&e.code())),
        }
    }
}

/// SHAMIR-003/004: the largest sharing: 255 shares of threshold 200 reconstruct from any 200
/// (here the last 200), and all 255 are consistent.
#[test]
fn largest_sharing_reconstructs() {
    let secret = Fp::new(MODULUS - 1);
    let t = Threshold::new(200, 255).unwrap();
    let shares = share(secret, t, &mut Drbg::new("largest"));
    assert_eq!(reconstruct(200, &shares), Ok(secret));
    assert_eq!(reconstruct(200, &shares[55..]), Ok(secret));
    assert_eq!(reconstruct(255, &shares), Ok(secret));
}
