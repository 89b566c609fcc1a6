//! Quorate layer 1: Shamir K-of-N secret sharing over F_p, p = 2^127 - 1 (`spec/shamir.md`).
//!
//! Implements spec version 0.1.0 (`spec/shamir.md`, requirement IDs `SHAMIR-001` to
//! `SHAMIR-011`).
//!
//! | item | what | requirements |
//! |---|---|---|
//! | [`Threshold`] | a valid `(k, n)`, `1 <= k <= n <= 255` (parse, don't validate) | SHAMIR-001 |
//! | [`Share`] | a point `(x, y)`, `x` in `1..=255` | SHAMIR-002 |
//! | [`share`] | deal: a random polynomial of degree `k - 1` through `(0, secret)` | SHAMIR-003 |
//! | [`reconstruct`], [`consistent`] | interpolate the first `k` shares at 0, check the rest | SHAMIR-004..006 |
//! | [`lagrange_at_zero`] | the Lagrange coefficients at 0 for a set of x | SHAMIR-004 |
//!
//! Security (SHAMIR-010): for any fixed set of `k - 1` distinct x, the `k - 1` share values
//! are uniform on F_p^(k-1) and independent of the secret, provided the coefficients are
//! uniform and unknown (SHAMIR-011). Fewer than `k` shares reveal nothing; `k` reveal the
//! secret; more than `k` are checked for consistency.
//!
//! Architecture invariants: no I/O, no clock, no ambient randomness (the generator is a
//! parameter), no global state, no `unsafe`, no panic on any input.
//!
//! ```
//! use canon::drbg::Drbg;
//! use field::Fp;
//! use shamir::{Threshold, reconstruct, share};
//!
//! let t = Threshold::new(3, 5)?;
//! let shares = share(Fp::new(42), t, &mut Drbg::new("example"));
//! assert_eq!(shares.len(), 5);
//! assert_eq!(reconstruct(3, &shares[2..])?, Fp::new(42));
//! assert_eq!(reconstruct(3, &shares)?, Fp::new(42)); // the extra two are checked
//! # Ok::<(), shamir::Error>(())
//! ```
#![forbid(unsafe_code)]

mod deal;
mod error;
mod interpolate;
mod reconstruct;
mod threshold;

pub use deal::{Share, share};
pub use error::Error;
pub use interpolate::lagrange_at_zero;
pub use reconstruct::{consistent, reconstruct};
pub use threshold::{MAX_SHARES, Threshold};

/// The version of `spec/shamir.md` this crate implements.
pub const SPEC_VERSION: &str = "0.1.0";
