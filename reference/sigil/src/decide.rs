//! One decision: a check request in, a ReasoningChain out, denied by default whenever
//! evaluation fails (spec/sigil.md §2). The shell signs and stores the chain and answers.

use crate::Error;
use crate::chain::{Reason, ReasoningChain, RequestSummary};
use crate::features::{CheckRequest, FEATURE_COUNT, features};
use crate::model::{Score, TrustModel};

/// What the shell supplies besides the request: identity, time and the window count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionContext {
    /// `dec_` and 32 hex digits (SIGIL-010).
    pub decision_id: String,
    /// The decision's timestamp (milliseconds).
    pub ts: u64,
    /// The window count (SIGIL-005).
    pub window_count: u64,
}

/// The prefix of decision ids.
pub const DECISION_ID_PREFIX: &str = "dec_";

/// Decides `request` under `model`, evaluating the model with `evaluate` (the shell passes
/// `TrustModel::score`, or a failing evaluator under fault injection).
///
/// Enforces SIGIL-011 (an evaluation error is a deny whose chain records the error's code) and
/// SIGIL-012.
pub fn decide(
    model: &TrustModel,
    request: &CheckRequest,
    context: DecisionContext,
    evaluate: impl FnOnce(&TrustModel, &[f64; FEATURE_COUNT]) -> Result<Score, Error>,
) -> ReasoningChain {
    let x = features(request, context.window_count);
    let outcome = evaluate(model, &x);
    let (z, score, allowed, reason, error) = match outcome {
        Ok(s) => (
            Some(s.z),
            Some(s.score),
            s.allowed,
            if s.allowed {
                Reason::AtOrAboveThreshold
            } else {
                Reason::BelowThreshold
            },
            None,
        ),
        Err(e) => (None, None, false, Reason::Error, Some(e.code().to_owned())),
    };
    ReasoningChain {
        decision_id: context.decision_id,
        ts: context.ts,
        tenant: request.tenant.clone(),
        actor: request.actor.clone(),
        request: RequestSummary {
            action: request.action.clone(),
            target: request.target.clone(),
            loa: request.loa,
            input_len: request.input.len() as u64,
            input_sha256: canon::hex::encode(&canon::id::sha256(request.input.as_bytes())),
            window_count: context.window_count,
        },
        model_id: model.id().to_string(),
        features: x.to_vec(),
        z,
        score,
        threshold: model.threshold,
        allowed,
        reason,
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::{freeze, verify};
    use crate::keys::{KeyHistory, KeyInfo, Signer};

    fn request(action: &str, loa: &str) -> CheckRequest {
        let text = format!(
            r#"{{"tenant":"acme","actor":"ann","action":"{action}","target":"public:x","loa":"{loa}","input":"q"}}"#
        );
        CheckRequest::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn context() -> DecisionContext {
        DecisionContext {
            decision_id: format!("dec_{}", "0".repeat(32)),
            ts: 1_700_000_000_000,
            window_count: 0,
        }
    }

    fn keypair(byte: u8) -> (Signer, KeyHistory) {
        let signer = Signer::from_seed(&[byte; 32]).unwrap_or_else(|e| panic!("{e}"));
        let keys = KeyHistory::from_keys(vec![KeyInfo {
            pub_key: signer.pub_key().to_owned(),
            created_ts: 0,
        }]);
        (signer, keys)
    }

    #[test]
    fn every_fault_denies() {
        let model = TrustModel::default_model();
        let allowed = decide(
            &model,
            &request("read", "Admin"),
            context(),
            TrustModel::score,
        );
        assert!(allowed.allowed);
        let faults = [
            Error::EvalFailed {
                reason: "injected".into(),
            },
            Error::EvalNonFinite,
        ];
        for fault in faults {
            let code = fault.code();
            let chain = decide(&model, &request("read", "Admin"), context(), |_, _| {
                Err(fault)
            });
            assert!(!chain.allowed);
            assert_eq!(chain.reason, Reason::Error);
            assert_eq!(chain.error.as_deref(), Some(code));
            assert_eq!((chain.z, chain.score), (None, None));
        }
    }

    #[test]
    fn chains_freeze_and_verify() {
        let (signer, keys) = keypair(1);
        let model = TrustModel::default_model();
        for (action, loa) in [("read", "Admin"), ("delete", "Guest")] {
            let chain = decide(&model, &request(action, loa), context(), TrustModel::score);
            let frozen = freeze(chain.clone(), &signer).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(frozen.chain_sha256, chain.sha256().unwrap_or_default());
            let verified = verify(frozen.bytes().as_bytes(), &keys);
            assert_eq!(verified.as_ref(), Ok(&frozen));
            assert_eq!(
                ReasoningChain::from_json(&chain.to_json()).as_ref(),
                Ok(&chain)
            );
        }
        // Another service's key is not in the history.
        let (other, _) = keypair(2);
        let chain = decide(
            &model,
            &request("read", "Admin"),
            context(),
            TrustModel::score,
        );
        let foreign = freeze(chain, &other).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            verify(foreign.bytes().as_bytes(), &keys).map_err(|e| e.code()),
            Err("SIGIL_KEY_UNKNOWN")
        );
    }

    #[test]
    fn every_byte_flip_of_a_frozen_chain_fails() {
        let (signer, keys) = keypair(3);
        let model = TrustModel::default_model();
        let chain = decide(
            &model,
            &request("list", "User"),
            context(),
            TrustModel::score,
        );
        let frozen = freeze(chain, &signer).unwrap_or_else(|e| panic!("{e}"));
        let bytes = frozen.bytes().as_bytes().to_vec();
        for i in 0..bytes.len() {
            for flip in [0x01u8, 0x20, 0x80] {
                let mut tampered = bytes.clone();
                tampered[i] ^= flip;
                assert!(
                    verify(&tampered, &keys).is_err(),
                    "flip {flip:#x} at byte {i} verified"
                );
            }
        }
    }
}
