//! Dealing: shares of a secret (SHAMIR-002, SHAMIR-003).

use canon::drbg::Drbg;
use field::Fp;

use crate::Threshold;

/// One share: the point `(x, f(x))` of the sharing polynomial `f`.
///
/// A dealt share has `x` in `1..=255` (SHAMIR-002); [`crate::reconstruct`] rejects `x = 0`
/// (the point at 0 is the secret itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Share {
    /// The custodian's number, `1..=255`.
    pub x: u8,
    /// `f(x)`.
    pub y: Fp,
}

/// Deals `t.n()` shares of `secret` with threshold `t.k()`.
///
/// Draws the coefficients `a_1, …, a_{k-1}` in that order from `drbg` by FIELD-020 (nothing
/// else is drawn: `k = 1` draws nothing and every share is the secret), sets
/// `f(x) = secret + a_1 x + … + a_{k-1} x^{k-1}`, and returns the shares for
/// `x = 1, 2, …, n` in that order.
///
/// Enforces SHAMIR-003.
pub fn share(secret: Fp, t: Threshold, drbg: &mut Drbg) -> Vec<Share> {
    let mut coefficients = Vec::with_capacity(t.k());
    coefficients.push(secret);
    coefficients.extend((1..t.k()).map(|_| Fp::random(drbg)));
    (1..=t.n_u8())
        .map(|x| Share {
            x,
            y: evaluate(&coefficients, Fp::from(x)),
        })
        .collect()
}

/// `c_0 + c_1 x + c_2 x^2 + …` by Horner's rule.
pub(crate) fn evaluate(coefficients: &[Fp], x: Fp) -> Fp {
    coefficients
        .iter()
        .rev()
        .fold(Fp::ZERO, |acc, &c| acc * x + c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_lie_on_the_drawn_polynomial() {
        let t = Threshold::new(3, 5).unwrap();
        let shares = share(Fp::new(42), t, &mut Drbg::new("deal"));
        let mut drbg = Drbg::new("deal");
        let (a1, a2) = (Fp::random(&mut drbg), Fp::random(&mut drbg));
        let xs: Vec<u8> = shares.iter().map(|s| s.x).collect();
        assert_eq!(xs, [1, 2, 3, 4, 5]);
        for s in &shares {
            let x = Fp::from(s.x);
            assert_eq!(s.y, Fp::new(42) + a1 * x + a2 * x * x, "x = {}", s.x);
        }
    }

    #[test]
    fn threshold_one_draws_nothing_and_every_share_is_the_secret() {
        let mut drbg = Drbg::new("k1");
        let shares = share(Fp::new(7), Threshold::new(1, 3).unwrap(), &mut drbg);
        assert!(shares.iter().all(|s| s.y == Fp::new(7)));
        assert_eq!(drbg.u64(), Drbg::new("k1").u64(), "nothing was drawn");
    }

    /// The generator is the only source of randomness: the same label deals the same shares,
    /// and a sharing consumes exactly `k - 1` FIELD-020 draws of the generator.
    #[test]
    fn share_uses_only_the_given_generator() {
        let t = Threshold::new(4, 6).unwrap();
        let once = share(Fp::new(9), t, &mut Drbg::new("same"));
        assert_eq!(once, share(Fp::new(9), t, &mut Drbg::new("same")));
        assert_ne!(once, share(Fp::new(9), t, &mut Drbg::new("other")));
        let mut used = Drbg::new("same");
        let _ = share(Fp::new(9), t, &mut used);
        let mut fresh = Drbg::new("same");
        for _ in 0..3 {
            let _ = Fp::random(&mut fresh);
        }
        assert_eq!(used.u64(), fresh.u64());
    }

    /// Why SHAMIR-011 forbids dealing real secrets from a DRBG with a known label: whoever
    /// knows the label redraws every coefficient, and one share then gives the secret.
    #[test]
    fn a_known_label_reveals_the_secret_from_one_share() {
        let t = Threshold::new(5, 9).unwrap();
        let secret = Fp::new(0x005e_c2e7);
        let shares = share(secret, t, &mut Drbg::new("public label"));
        let one = shares[6];
        let mut attacker = Drbg::new("public label");
        let mut coefficients = vec![Fp::ZERO];
        coefficients.extend((1..t.k()).map(|_| Fp::random(&mut attacker)));
        assert_eq!(one.y - evaluate(&coefficients, Fp::from(one.x)), secret);
    }

    #[test]
    fn horner_evaluation() {
        let c = [Fp::new(5), Fp::new(3), Fp::new(2)];
        assert_eq!(evaluate(&c, Fp::new(10)), Fp::new(235));
        assert_eq!(evaluate(&[], Fp::new(10)), Fp::ZERO);
        assert_eq!(evaluate(&c, Fp::ZERO), Fp::new(5));
    }
}
