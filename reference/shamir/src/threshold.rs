//! The threshold `(k, n)` (SHAMIR-001).

use crate::Error;

/// The largest number of shares, and so the largest x: shares are numbered `1..=255`.
pub const MAX_SHARES: usize = 255;

/// A valid threshold: `k` of `n` shares reconstruct, `1 <= k <= n <= 255`.
///
/// Only [`Threshold::new`] makes one, so every `Threshold` is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Threshold {
    k: u8,
    n: u8,
}

impl Threshold {
    /// `k` of `n`.
    ///
    /// Enforces SHAMIR-001: anything but `1 <= k <= n <= 255` is `SHAMIR_THRESHOLD_INVALID`.
    pub fn new(k: usize, n: usize) -> Result<Threshold, Error> {
        match (u8::try_from(k), u8::try_from(n)) {
            (Ok(k8), Ok(n8)) if 1 <= k8 && k8 <= n8 => Ok(Threshold { k: k8, n: n8 }),
            _ => Err(Error::ThresholdInvalid { k, n: Some(n) }),
        }
    }

    /// How many shares reconstruct the secret; the polynomial has degree `k - 1`.
    pub fn k(self) -> usize {
        usize::from(self.k)
    }

    /// How many shares are dealt.
    pub fn n(self) -> usize {
        usize::from(self.n)
    }

    pub(crate) fn n_u8(self) -> u8 {
        self.n
    }
}

/// Enforces SHAMIR-001 for a threshold given without `n` (reconstruction): `1 <= k <= 255`.
pub(crate) fn check_k(k: usize) -> Result<(), Error> {
    if (1..=MAX_SHARES).contains(&k) {
        Ok(())
    } else {
        Err(Error::ThresholdInvalid { k, n: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid_thresholds() {
        for (k, n) in [(1, 1), (1, 255), (3, 5), (255, 255), (11, 16)] {
            let t = Threshold::new(k, n);
            assert_eq!(t.map(|t| (t.k(), t.n())), Ok((k, n)));
        }
        for (k, n) in [
            (0, 0),
            (0, 3),
            (4, 3),
            (2, 256),
            (256, 256),
            (usize::MAX, 3),
            (1, usize::MAX),
        ] {
            assert_eq!(
                Threshold::new(k, n),
                Err(Error::ThresholdInvalid { k, n: Some(n) }),
                "({k}, {n})"
            );
        }
        assert_eq!(check_k(1), Ok(()));
        assert_eq!(check_k(255), Ok(()));
        assert!(check_k(0).is_err());
        assert!(check_k(256).is_err());
    }
}
