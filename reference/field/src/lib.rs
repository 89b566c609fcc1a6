//! Quorate layer 0: the prime field F_p, p = 2^127 - 1 (`spec/field.md`).
//!
//! Implements spec version 0.1.0 (`spec/field.md`, requirement IDs `FIELD-001` to `FIELD-020`).
//! Every secret, share and wire value of QuorumVM is an element of this field.
//!
//! | item | what | requirements |
//! |---|---|---|
//! | [`Fp`] | an element, always reduced; `+ - * -x`, [`Fp::inv`], [`Fp::pow`] | FIELD-001, FIELD-010, FIELD-011 |
//! | [`Fp`]'s `Display`, [`Fp::parse`], [`Fp::from_json_integer`] | the JSON forms of an element | FIELD-002, FIELD-003 |
//! | [`Fp::random`] | the uniform draw from the CANON-050 DRBG | FIELD-020 |
//!
//! Architecture invariants: no I/O, no clock, no ambient randomness, no global state; no
//! `unsafe`; no panic on any input (every fault is an [`Error`] whose [`Error::code`] is the
//! spec's error code). Arithmetic is exact integer arithmetic in `u128`: multiplication forms
//! the full 254-bit product from 64-bit limbs and folds it with the Mersenne identity
//! 2^127 ≡ 1 (mod p). It is not hardened against timing side channels.
//!
//! ```
//! use field::Fp;
//! let a = Fp::parse("-1")?;
//! assert_eq!(a.to_string(), "170141183460469231731687303715884105726");
//! assert_eq!(a * a, Fp::ONE);
//! assert_eq!((Fp::new(2).inv()? * Fp::new(2)), Fp::ONE);
//! # Ok::<(), field::Error>(())
//! ```
#![forbid(unsafe_code)]

mod arith;
mod error;
mod fp;
mod parse;
mod random;

pub use error::Error;
pub use fp::Fp;
pub use parse::{MAX_DIGITS, MAX_SAFE_INTEGER};

/// The version of `spec/field.md` this crate implements.
pub const SPEC_VERSION: &str = "0.1.0";

/// The modulus p = 2^127 - 1 (FIELD-001), a Mersenne prime.
pub const MODULUS: u128 = (1 << 127) - 1;
