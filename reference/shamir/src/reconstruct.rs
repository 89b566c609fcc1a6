//! Reconstruction and the consistency check (SHAMIR-004..006).

use field::Fp;

use crate::interpolate::{Basis, check_xs};
use crate::threshold::check_k;
use crate::{Error, Share};

/// The secret `f(0)` of the polynomial through the first `k` shares, after checking every
/// further share against it.
///
/// The checks run in this order, each over the whole list (SHAMIR-006): `k` in `1..=255`
/// (`SHAMIR_THRESHOLD_INVALID`); every x in `1..=255` (`SHAMIR_X_INVALID`); no x twice
/// (`SHAMIR_DUPLICATE_X`); at least `k` shares (`SHAMIR_TOO_FEW_SHARES`). Then the first `k`
/// shares, in the order given, are interpolated at 0 (SHAMIR-004), and every further share
/// must lie on that polynomial; the first one that does not is `SHAMIR_INCONSISTENT`
/// (SHAMIR-005). Never panics, whatever the input: more than 255 shares always repeat an x.
///
/// A caller decoding untrusted input maps a `k` or an `x` that is not an integer in range to
/// 0 (both invalid), which keeps the error code and the order of the checks.
///
/// Enforces SHAMIR-004, SHAMIR-005 and SHAMIR-006.
pub fn reconstruct(k: usize, shares: &[Share]) -> Result<Fp, Error> {
    check_k(k)?;
    check_xs(shares.iter().map(|s| s.x))?;
    let Some((base, further)) = shares.split_at_checked(k) else {
        return Err(Error::TooFewShares {
            k,
            given: shares.len(),
        });
    };
    let xs: Vec<u8> = base.iter().map(|s| s.x).collect();
    let basis = Basis::new(&xs);
    let weighted = basis.weigh(base.iter().map(|s| s.y));
    for (offset, s) in further.iter().enumerate() {
        if basis.evaluate(&weighted, Fp::from(s.x)) != s.y {
            return Err(Error::Inconsistent {
                index: k + offset,
                x: s.x,
                k,
            });
        }
    }
    Ok(basis.evaluate(&weighted, Fp::ZERO))
}

/// Whether [`reconstruct`] accepts `shares` for threshold `k`: valid and distinct x, at least
/// `k` shares, all on one polynomial of degree below `k`.
pub fn consistent(k: usize, shares: &[Share]) -> bool {
    reconstruct(k, shares).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: u8, y: i64) -> Share {
        Share {
            x,
            y: Fp::from_i64(y),
        }
    }

    /// One case: `reconstruct(k, shares)` is `expect` (a value) or fails with the code.
    fn check(k: usize, shares: &[Share], expect: Result<i64, &str>) {
        let got = reconstruct(k, shares).map_err(|e| e.code());
        assert_eq!(got, expect.map(Fp::from_i64), "k = {k}, shares {shares:?}");
        assert_eq!(consistent(k, shares), expect.is_ok());
    }

    #[test]
    fn known_answers_and_errors() {
        // The line y = 5 + 3x.
        check(2, &[s(1, 8), s(2, 11)], Ok(5));
        check(2, &[s(2, 11), s(1, 8), s(7, 26)], Ok(5));
        check(1, &[s(9, 4)], Ok(4));
        check(1, &[s(9, 4), s(3, 4)], Ok(4));
        check(1, &[s(9, 4), s(3, 5)], Err("SHAMIR_INCONSISTENT"));
        check(2, &[s(1, -1), s(2, -2)], Ok(0));
        check(
            2,
            &[s(1, 8), s(2, 11), s(3, 15)],
            Err("SHAMIR_INCONSISTENT"),
        );
        check(3, &[s(1, 8), s(2, 11)], Err("SHAMIR_TOO_FEW_SHARES"));
        check(1, &[], Err("SHAMIR_TOO_FEW_SHARES"));
        check(2, &[s(1, 5), s(1, 5)], Err("SHAMIR_DUPLICATE_X"));
        check(2, &[s(0, 5), s(1, 6)], Err("SHAMIR_X_INVALID"));
        check(0, &[s(1, 5)], Err("SHAMIR_THRESHOLD_INVALID"));
        check(256, &[s(1, 5)], Err("SHAMIR_THRESHOLD_INVALID"));
        check(usize::MAX, &[], Err("SHAMIR_THRESHOLD_INVALID"));
    }

    #[test]
    fn check_order_is_k_then_x_then_duplicates_then_count_then_consistency() {
        // Each list has every later fault too; the earliest check wins.
        check(
            0,
            &[s(1, 1), s(0, 1), s(1, 1)],
            Err("SHAMIR_THRESHOLD_INVALID"),
        );
        check(5, &[s(1, 1), s(1, 1), s(0, 1)], Err("SHAMIR_X_INVALID"));
        check(5, &[s(1, 1), s(2, 1), s(1, 1)], Err("SHAMIR_DUPLICATE_X"));
        check(
            5,
            &[s(1, 1), s(2, 2), s(3, 9)],
            Err("SHAMIR_TOO_FEW_SHARES"),
        );
        assert_eq!(
            reconstruct(1, &[s(1, 1), s(2, 1), s(3, 2), s(4, 3)]),
            Err(Error::Inconsistent {
                index: 2,
                x: 3,
                k: 1
            }),
            "the first share off the polynomial is named"
        );
    }

    #[test]
    fn huge_inputs_fail_fast() {
        let many: Vec<Share> = (0..1_000_000u32).map(|i| s((i % 256) as u8, 1)).collect();
        assert_eq!(
            reconstruct(3, &many),
            Err(Error::XInvalid { index: 0, x: 0 })
        );
        let many: Vec<Share> = (0..1_000_000u32)
            .map(|i| s((i % 255) as u8 + 1, 1))
            .collect();
        assert_eq!(
            reconstruct(255, &many),
            Err(Error::DuplicateX {
                x: 1,
                first: 0,
                second: 255
            })
        );
    }
}
