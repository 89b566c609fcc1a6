//! The operation table of `spec/protocol.md` §6: each operation's name, the members its input
//! needs, and the function that runs it. The table is the single source of the features the
//! driver declares.

mod canon_ops;
mod mtp_ops;
mod qvm_ops;
mod sigil_ops;

use serde_json::Value;

use crate::CaseError;
use crate::input::Input;

/// The JSON type a member of a case input must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A string of lowercase hex, decoded by the operation (CANON-060).
    Hex,
    /// Any string.
    Str,
    /// A non-negative JSON integer.
    Count,
    /// Any JSON value (its shape is checked by the operation).
    Any,
}

/// One member of an operation's input.
#[derive(Debug, Clone, Copy)]
struct Member {
    name: &'static str,
    kind: Kind,
    required: bool,
}

const fn req(name: &'static str, kind: Kind) -> Member {
    Member {
        name,
        kind,
        required: true,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Member {
    Member {
        name,
        kind,
        required: false,
    }
}

/// One operation.
struct Op {
    name: &'static str,
    members: &'static [Member],
    /// Members of which exactly one must be present.
    one_of: &'static [&'static str],
    run: fn(Input<'_>) -> Result<Value, CaseError>,
}

use Kind::{Any, Count, Hex, Str};

const KEY_MESSAGE: &[Member] = &[req("key", Hex), req("message", Hex)];
const AB: &[Member] = &[req("a", Any), req("b", Any)];
const VERIFY: &[Member] = &[
    req("public_key", Hex),
    req("message", Hex),
    req("signature", Hex),
];

static OPS: &[Op] = &[
    Op {
        name: "canon.json.canonicalize",
        members: &[
            opt("text", Str),
            opt("bytes", Hex),
            opt("pad_spaces", Count),
        ],
        one_of: &["text", "bytes"],
        run: canon_ops::json_canonicalize,
    },
    Op {
        name: "canon.json.number",
        members: &[req("bits", Str)],
        one_of: &[],
        run: canon_ops::json_number,
    },
    Op {
        name: "canon.cbor.encode",
        members: &[req("value", Any)],
        one_of: &[],
        run: canon_ops::cbor_encode,
    },
    Op {
        name: "canon.cbor.decode",
        members: &[req("hex", Hex)],
        one_of: &[],
        run: canon_ops::cbor_decode,
    },
    Op {
        name: "canon.fnv1a64",
        members: &[req("bytes", Hex)],
        one_of: &[],
        run: canon_ops::fnv1a64,
    },
    Op {
        name: "canon.sha256",
        members: &[req("bytes", Hex)],
        one_of: &[],
        run: canon_ops::sha256,
    },
    Op {
        name: "canon.content_id",
        members: &[req("text", Str)],
        one_of: &[],
        run: canon_ops::content_id,
    },
    Op {
        name: "canon.content_id.parse",
        members: &[req("id", Str)],
        one_of: &[],
        run: canon_ops::content_id_parse,
    },
    Op {
        name: "canon.hmac_sha256",
        members: KEY_MESSAGE,
        one_of: &[],
        run: canon_ops::hmac_sha256,
    },
    Op {
        name: "canon.hmac_sha256.verify",
        members: &[req("key", Hex), req("message", Hex), req("tag", Hex)],
        one_of: &[],
        run: canon_ops::hmac_sha256_verify,
    },
    Op {
        name: "canon.ed25519.public_key",
        members: &[req("seed", Hex)],
        one_of: &[],
        run: canon_ops::ed25519_public_key,
    },
    Op {
        name: "canon.ed25519.sign",
        members: &[req("seed", Hex), req("message", Hex)],
        one_of: &[],
        run: canon_ops::ed25519_sign,
    },
    Op {
        name: "canon.ed25519.verify",
        members: VERIFY,
        one_of: &[],
        run: canon_ops::ed25519_verify,
    },
    Op {
        name: "canon.ecdsa_p256.public_key",
        members: &[req("private_key", Hex)],
        one_of: &[],
        run: canon_ops::ecdsa_public_key,
    },
    Op {
        name: "canon.ecdsa_p256.sign",
        members: &[req("private_key", Hex), req("message", Hex)],
        one_of: &[],
        run: canon_ops::ecdsa_sign,
    },
    Op {
        name: "canon.ecdsa_p256.verify",
        members: VERIFY,
        one_of: &[],
        run: canon_ops::ecdsa_verify,
    },
    Op {
        name: "canon.ecdsa_p256.verify_der",
        members: VERIFY,
        one_of: &[],
        run: canon_ops::ecdsa_verify_der,
    },
    Op {
        name: "canon.drbg",
        members: &[req("label", Str), req("length", Count)],
        one_of: &[],
        run: canon_ops::drbg,
    },
    Op {
        name: "field.reduce",
        members: &[req("value", Any)],
        one_of: &[],
        run: qvm_ops::field_reduce,
    },
    Op {
        name: "field.add",
        members: AB,
        one_of: &[],
        run: qvm_ops::field_add,
    },
    Op {
        name: "field.sub",
        members: AB,
        one_of: &[],
        run: qvm_ops::field_sub,
    },
    Op {
        name: "field.mul",
        members: AB,
        one_of: &[],
        run: qvm_ops::field_mul,
    },
    Op {
        name: "field.neg",
        members: &[req("a", Any)],
        one_of: &[],
        run: qvm_ops::field_neg,
    },
    Op {
        name: "field.inv",
        members: &[req("a", Any)],
        one_of: &[],
        run: qvm_ops::field_inv,
    },
    Op {
        name: "field.random",
        members: &[req("label", Str), req("count", Count)],
        one_of: &[],
        run: qvm_ops::field_random,
    },
    Op {
        name: "shamir.share",
        members: &[
            req("secret", Any),
            req("k", Any),
            req("n", Any),
            req("label", Str),
        ],
        one_of: &[],
        run: qvm_ops::shamir_share,
    },
    Op {
        name: "shamir.reconstruct",
        members: &[req("k", Any), req("shares", Any)],
        one_of: &[],
        run: qvm_ops::shamir_reconstruct,
    },
    Op {
        name: "dsl.compile",
        members: &[req("source", Str)],
        one_of: &[],
        run: qvm_ops::dsl_compile,
    },
    Op {
        name: "qvm.program_id",
        members: &[
            req("ir", Any),
            req("policy_manifest", Any),
            req("secret_manifest", Any),
        ],
        one_of: &[],
        run: qvm_ops::qvm_program_id,
    },
    Op {
        name: "qvm.eval_clear",
        members: &[req("ir", Any), req("inputs", Any), opt("secret", Any)],
        one_of: &[],
        run: qvm_ops::qvm_eval_clear,
    },
    Op {
        name: "qvm.eval_threshold",
        members: &[
            req("ir", Any),
            req("inputs", Any),
            opt("secret", Any),
            req("k", Any),
            req("n", Any),
            req("label", Str),
            req("rounds", Any),
            opt("corrupt", Any),
        ],
        one_of: &[],
        run: qvm_ops::qvm_eval_threshold,
    },
    Op {
        name: "qvm.policy_trace",
        members: &[req("policy", Any), req("requests", Any)],
        one_of: &[],
        run: qvm_ops::qvm_policy_trace,
    },
    Op {
        name: "qvm.audit_chain",
        members: &[req("entries", Any)],
        one_of: &[],
        run: qvm_ops::qvm_audit_chain,
    },
    Op {
        name: "qvm.audit_verify",
        members: &[req("entries", Any)],
        one_of: &[],
        run: qvm_ops::qvm_audit_verify,
    },
    Op {
        name: "sigil.features",
        members: &[req("request", Any), req("window_count", Count)],
        one_of: &[],
        run: sigil_ops::features_op,
    },
    Op {
        name: "sigil.slog2",
        members: &[req("p", Any)],
        one_of: &[],
        run: sigil_ops::slog2,
    },
    Op {
        name: "sigil.sexp",
        members: &[req("t", Any)],
        one_of: &[],
        run: sigil_ops::sexp,
    },
    Op {
        name: "sigil.score",
        members: &[
            opt("model", Any),
            opt("features", Any),
            opt("request", Any),
            opt("window_count", Count),
        ],
        one_of: &["features", "request"],
        run: sigil_ops::score,
    },
    Op {
        name: "sigil.chain_freeze",
        members: &[req("chain", Any), req("seed_label", Str)],
        one_of: &[],
        run: sigil_ops::chain_freeze,
    },
    Op {
        name: "sigil.chain_verify",
        members: &[req("bytes", Hex), req("keys", Any), opt("flips", Any)],
        one_of: &[],
        run: sigil_ops::chain_verify,
    },
    Op {
        name: "sigil.record_hash",
        members: &[req("body", Any)],
        one_of: &[],
        run: sigil_ops::record_hash,
    },
    Op {
        name: "sigil.record_sign",
        members: &[
            req("body", Any),
            req("seed_label", Str),
            req("witness_labels", Any),
        ],
        one_of: &[],
        run: sigil_ops::record_sign,
    },
    Op {
        name: "sigil.record_verify",
        members: &[
            req("bytes", Hex),
            req("keys", Any),
            opt("registry", Any),
            opt("flips", Any),
        ],
        one_of: &[],
        run: sigil_ops::record_verify,
    },
    Op {
        name: "sigil.quorum",
        members: &[
            req("hash", Str),
            req("k", Count),
            req("registry", Any),
            req("attestations", Any),
        ],
        one_of: &[],
        run: sigil_ops::quorum,
    },
    Op {
        name: "sigil.key_history",
        members: &[
            req("seed_labels", Any),
            req("records", Any),
            req("known", Count),
        ],
        one_of: &[],
        run: sigil_ops::key_history_op,
    },
    Op {
        name: "sigil.loa_gate",
        members: &[req("loa", Any), req("min_loa", Str)],
        one_of: &[],
        run: sigil_ops::loa_gate,
    },
    Op {
        name: "sigil.cdc_replay",
        members: &[req("envelopes", Any)],
        one_of: &[],
        run: sigil_ops::cdc_replay,
    },
    Op {
        name: "mtp.gas_limit",
        members: &[opt("text", Str)],
        one_of: &[],
        run: mtp_ops::gas_limit_op,
    },
    Op {
        name: "mtp.seed",
        members: &[
            req("request_id", Str),
            req("account_id", Str),
            req("function_version", Str),
            req("content_hash", Hex),
            req("gas_limit", Count),
        ],
        one_of: &[],
        run: mtp_ops::seed,
    },
    Op {
        name: "mtp.content_hash",
        members: &[req("source", Str)],
        one_of: &[],
        run: mtp_ops::content_hash,
    },
    Op {
        name: "mtp.run",
        members: &[
            req("source", Str),
            req("input", Str),
            opt("gas_limit", Count),
            opt("request_id", Str),
            opt("account_id", Str),
            opt("function_version", Str),
        ],
        one_of: &[],
        run: mtp_ops::run,
    },
    Op {
        name: "mtp.snapshot_verify",
        members: &[
            req("snapshot", Hex),
            req("public_key", Hex),
            req("engine", Str),
            req("bytecode_version", Count),
        ],
        one_of: &[],
        run: mtp_ops::snapshot_verify,
    },
];

/// Every operation the reference implements, in table order; declared as `features`.
pub fn features() -> Vec<&'static str> {
    OPS.iter().map(|op| op.name).collect()
}

/// Enforces PROTO-070: every member present with its JSON type before anything is decoded.
fn check_shape(op: &Op, input: Input<'_>) -> Result<(), CaseError> {
    for member in op.members {
        let Some(value) = input.get(member.name) else {
            if member.required {
                return Err(CaseError::invalid(format!(
                    "input member `{}` is missing",
                    member.name
                )));
            }
            continue;
        };
        let fits = match member.kind {
            Hex | Str => value.is_string(),
            Count => value.is_u64(),
            Any => true,
        };
        if !fits {
            return Err(CaseError::invalid(format!(
                "input member `{}` has the wrong type",
                member.name
            )));
        }
    }
    let present = op
        .one_of
        .iter()
        .filter(|name| input.get(name).is_some())
        .count();
    if !op.one_of.is_empty() && present != 1 {
        return Err(CaseError::invalid(format!(
            "input needs exactly one of {:?}",
            op.one_of
        )));
    }
    Ok(())
}

/// Runs one operation on its input and returns the `ok` value or the error code.
///
/// Enforces PROTO-070: an unknown operation, a missing member or a member of the wrong type is
/// `PROTO_CASE_INVALID`, checked before any hex is decoded.
pub fn run_case(op: &str, input: &Value) -> Result<Value, CaseError> {
    let input = Input::new(input)?;
    let op = OPS
        .iter()
        .find(|candidate| candidate.name == op)
        .ok_or_else(|| CaseError::invalid(format!("unknown operation `{op}`")))?;
    check_shape(op, input)?;
    (op.run)(input)
}
