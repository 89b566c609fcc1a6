//! The fillers of every suite, one module per area.

mod cbor;
mod drbg;
mod dsl;
mod field;
mod hashes;
mod json;
mod mtp;
mod proto;
mod quorumvm;
mod shamir;
mod sigil;
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
        field::arith(),
        dsl::compile(),
        shamir::sharing(),
        quorumvm::program_id(),
        quorumvm::eval_clear(),
        quorumvm::threshold(),
        quorumvm::policy_traces(),
        quorumvm::audit(),
        sigil::features(),
        sigil::helpers(),
        sigil::scores(),
        sigil::chains(),
        sigil::records(),
        sigil::quorum(),
        sigil::keys(),
        sigil::loa_gate(),
        sigil::cdc(),
        mtp::gas_limit(),
        mtp::seed(),
        mtp::compile(),
        mtp::programs(),
        mtp::gas(),
        mtp::snapshot(),
    ]
}
