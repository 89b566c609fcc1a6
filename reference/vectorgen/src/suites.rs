//! The fillers of every suite, one module per area.

mod cbor;
mod drbg;
mod hashes;
mod json;
mod proto;
mod signatures;

use crate::Suite;

/// Every suite, in file order.
pub(crate) fn all() -> Vec<Suite> {
    vec![
        json::canonical(),
        json::strict(),
        json::numbers(),
        cbor::canonical(),
        cbor::strict(),
        hashes::fnv(),
        hashes::sha256(),
        hashes::hmac(),
        signatures::ed25519(),
        signatures::ecdsa(),
        drbg::drbg(),
        proto::case_shapes(),
    ]
}
