//! ReasoningChain -> FrozenChain: the chain's canonical hash, the Ed25519 signature, and the
//! verification every read performs (spec/sigil.md §3).

use canon::json::Value;

use crate::Error;
use crate::features::Loa;
use crate::json::{as_hex, as_int, as_str, canonical, exact, int, obj, opt_string, string};
use crate::keys::{KeyHistory, Signer, verify_labelled};

/// The label of a FrozenChain signature (SIGIL-013).
pub const CHAIN_LABEL: &str = "sigil/frozen-chain/v1";

/// Why a decision came out as it did (SIGIL-012).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The model allowed it.
    AtOrAboveThreshold,
    /// The model denied it.
    BelowThreshold,
    /// Evaluation failed: denied by default.
    Error,
}

impl Reason {
    /// The spec's string.
    pub fn name(self) -> &'static str {
        match self {
            Self::AtOrAboveThreshold => "score_at_or_above_threshold",
            Self::BelowThreshold => "score_below_threshold",
            Self::Error => "error",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::AtOrAboveThreshold, Self::BelowThreshold, Self::Error]
            .into_iter()
            .find(|r| r.name() == s)
    }
}

/// The request as the chain records it (SIGIL-012).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSummary {
    /// The action.
    pub action: String,
    /// The target.
    pub target: String,
    /// The level of assurance.
    pub loa: Loa,
    /// The input's length in bytes.
    pub input_len: u64,
    /// SHA-256 of the input's bytes, hex.
    pub input_sha256: String,
    /// The window count (SIGIL-005).
    pub window_count: u64,
}

/// A decision's reasoning (SIGIL-012).
#[derive(Debug, Clone, PartialEq)]
pub struct ReasoningChain {
    /// `dec_` and 32 hex digits.
    pub decision_id: String,
    /// The decision's timestamp.
    pub ts: u64,
    /// The tenant.
    pub tenant: String,
    /// The actor.
    pub actor: String,
    /// The request.
    pub request: RequestSummary,
    /// The model's id, hex.
    pub model_id: String,
    /// The features, or empty when computing them failed.
    pub features: Vec<f64>,
    /// `w·x + b`, if evaluated.
    pub z: Option<f64>,
    /// The score, if evaluated.
    pub score: Option<f64>,
    /// The model's threshold.
    pub threshold: f64,
    /// The decision.
    pub allowed: bool,
    /// Why.
    pub reason: Reason,
    /// The error code when `reason` is `error`.
    pub error: Option<String>,
}

const CHAIN_MEMBERS: [&str; 14] = [
    "chain_version",
    "decision_id",
    "ts",
    "tenant",
    "actor",
    "request",
    "model_id",
    "features",
    "z",
    "score",
    "threshold",
    "allowed",
    "reason",
    "error",
];
const REQUEST_MEMBERS: [&str; 6] = [
    "action",
    "target",
    "loa",
    "input_len",
    "input_sha256",
    "window_count",
];
const FROZEN_MEMBERS: [&str; 4] = ["chain", "chain_sha256", "public_key", "signature"];

fn shape(reason: impl Into<String>) -> Error {
    Error::ChainShape {
        reason: reason.into(),
    }
}

fn opt_number(x: Option<f64>) -> Value {
    x.map_or(Value::Null, Value::Number)
}

fn read_opt_number(value: &Value, name: &str) -> Result<Option<f64>, Error> {
    match value {
        Value::Null => Ok(None),
        Value::Number(x) => Ok(Some(*x)),
        _ => Err(shape(format!("{name} is neither a number nor null"))),
    }
}

impl ReasoningChain {
    /// The chain's JSON form (SIGIL-012).
    pub fn to_json(&self) -> Value {
        let r = &self.request;
        obj(vec![
            ("chain_version", int(1)),
            ("decision_id", string(&self.decision_id)),
            ("ts", int(self.ts)),
            ("tenant", string(&self.tenant)),
            ("actor", string(&self.actor)),
            (
                "request",
                obj(vec![
                    ("action", string(&r.action)),
                    ("target", string(&r.target)),
                    ("loa", string(r.loa.name())),
                    ("input_len", int(r.input_len)),
                    ("input_sha256", string(&r.input_sha256)),
                    ("window_count", int(r.window_count)),
                ]),
            ),
            ("model_id", string(&self.model_id)),
            (
                "features",
                Value::Array(self.features.iter().map(|x| Value::Number(*x)).collect()),
            ),
            ("z", opt_number(self.z)),
            ("score", opt_number(self.score)),
            ("threshold", Value::Number(self.threshold)),
            ("allowed", Value::Bool(self.allowed)),
            ("reason", string(self.reason.name())),
            ("error", opt_string(self.error.as_deref())),
        ])
    }

    /// Reads a chain's JSON form, checking its members and their types.
    ///
    /// Enforces SIGIL-012 (`SIGIL_CHAIN_SHAPE`).
    pub fn from_json(value: &Value) -> Result<Self, Error> {
        let m = exact(value, &CHAIN_MEMBERS).map_err(shape)?;
        if m[0].as_u64() != Some(1) {
            return Err(shape("chain_version is not 1"));
        }
        let r = exact(m[5], &REQUEST_MEMBERS).map_err(|e| shape(format!("request: {e}")))?;
        let request = RequestSummary {
            action: as_str(r[0], "action").map_err(shape)?.to_owned(),
            target: as_str(r[1], "target").map_err(shape)?.to_owned(),
            loa: as_str(r[2], "loa")
                .ok()
                .and_then(Loa::parse)
                .ok_or_else(|| shape("loa is not a level"))?,
            input_len: as_int(r[3], "input_len").map_err(shape)?,
            input_sha256: as_hex(r[4], "input_sha256", 64).map_err(shape)?.to_owned(),
            window_count: as_int(r[5], "window_count").map_err(shape)?,
        };
        let features = m[7]
            .as_array()
            .ok_or_else(|| shape("features is not an array"))?
            .iter()
            .map(|x| x.as_f64().ok_or_else(|| shape("a feature is not a number")))
            .collect::<Result<Vec<_>, _>>()?;
        let error = match m[13] {
            Value::Null => None,
            Value::String(code) => Some(code.clone()),
            _ => return Err(shape("error is neither a string nor null")),
        };
        Ok(Self {
            decision_id: as_str(m[1], "decision_id").map_err(shape)?.to_owned(),
            ts: as_int(m[2], "ts").map_err(shape)?,
            tenant: as_str(m[3], "tenant").map_err(shape)?.to_owned(),
            actor: as_str(m[4], "actor").map_err(shape)?.to_owned(),
            request,
            model_id: as_hex(m[6], "model_id", 64).map_err(shape)?.to_owned(),
            features,
            z: read_opt_number(m[8], "z")?,
            score: read_opt_number(m[9], "score")?,
            threshold: m[10]
                .as_f64()
                .ok_or_else(|| shape("threshold is not a number"))?,
            allowed: m[11]
                .as_bool()
                .ok_or_else(|| shape("allowed is not a boolean"))?,
            reason: as_str(m[12], "reason")
                .ok()
                .and_then(Reason::parse)
                .ok_or_else(|| shape("reason is not one of the three"))?,
            error,
        })
    }

    /// `H(JCS(chain))`, hex (SIGIL-013).
    pub fn sha256(&self) -> Result<String, Error> {
        Ok(canon::id::ContentId::of_bytes(self.canonical()?.as_bytes()).to_string())
    }

    /// `JCS(chain)`: the RFC 8785 form of [`Self::to_json`], written directly (members in
    /// their canonical order, strings and numbers through the canonicalizer's rules) instead of
    /// building and sorting a value tree on every decision. The tests check it against the
    /// canonicalizer over every shape a chain takes.
    ///
    /// Enforces SIGIL-013 (the bytes hashed and signed).
    pub fn canonical(&self) -> Result<String, Error> {
        let r = &self.request;
        let mut out = String::with_capacity(768 + r.action.len() + r.target.len());
        out.push_str("{\"actor\":");
        push_string(&mut out, &self.actor)?;
        out.push_str(",\"allowed\":");
        out.push_str(if self.allowed { "true" } else { "false" });
        out.push_str(",\"chain_version\":1,\"decision_id\":");
        push_string(&mut out, &self.decision_id)?;
        out.push_str(",\"error\":");
        match &self.error {
            Some(code) => push_string(&mut out, code)?,
            None => out.push_str("null"),
        }
        out.push_str(",\"features\":[");
        for (i, x) in self.features.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_number(&mut out, *x)?;
        }
        out.push_str("],\"model_id\":");
        push_string(&mut out, &self.model_id)?;
        out.push_str(",\"reason\":");
        push_string(&mut out, self.reason.name())?;
        out.push_str(",\"request\":{\"action\":");
        push_string(&mut out, &r.action)?;
        out.push_str(",\"input_len\":");
        push_int(&mut out, r.input_len)?;
        out.push_str(",\"input_sha256\":");
        push_string(&mut out, &r.input_sha256)?;
        out.push_str(",\"loa\":");
        push_string(&mut out, r.loa.name())?;
        out.push_str(",\"target\":");
        push_string(&mut out, &r.target)?;
        out.push_str(",\"window_count\":");
        push_int(&mut out, r.window_count)?;
        out.push_str("},\"score\":");
        push_opt_number(&mut out, self.score)?;
        out.push_str(",\"tenant\":");
        push_string(&mut out, &self.tenant)?;
        out.push_str(",\"threshold\":");
        push_number(&mut out, self.threshold)?;
        out.push_str(",\"ts\":");
        push_int(&mut out, self.ts)?;
        out.push_str(",\"z\":");
        push_opt_number(&mut out, self.z)?;
        out.push('}');
        Ok(out)
    }
}

/// A string in canonical form (CANON-003): literal when it holds nothing the canonical form
/// escapes (`"`, `\\`, controls), else through the canonicalizer.
fn push_string(out: &mut String, s: &str) -> Result<(), Error> {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(canonical(&Value::String(s.to_owned()))?.as_str());
    }
    Ok(())
}

/// A number in canonical form (CANON-004, CANON-017).
fn push_number(out: &mut String, x: f64) -> Result<(), Error> {
    out.push_str(&canon::json::format_number(x)?);
    Ok(())
}

/// An integer as [`int`] writes it (a binary64 number).
fn push_int(out: &mut String, n: u64) -> Result<(), Error> {
    push_number(out, n as f64)
}

fn push_opt_number(out: &mut String, x: Option<f64>) -> Result<(), Error> {
    match x {
        Some(x) => push_number(out, x),
        None => {
            out.push_str("null");
            Ok(())
        }
    }
}

/// A signed, frozen chain (SIGIL-013) and its stored bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct FrozenChain {
    /// The chain.
    pub chain: ReasoningChain,
    /// `H(JCS(chain))`.
    pub chain_sha256: String,
    /// The signer's public key, hex.
    pub public_key: String,
    /// The signature, hex.
    pub signature: String,
    bytes: String,
}

impl FrozenChain {
    /// The stored form: `JCS(frozen)` (UTF-8 text).
    pub fn bytes(&self) -> &str {
        &self.bytes
    }

    /// The FrozenChain's JSON form.
    pub fn to_json(&self) -> Value {
        obj(vec![
            ("chain", self.chain.to_json()),
            ("chain_sha256", string(&self.chain_sha256)),
            ("public_key", string(&self.public_key)),
            ("signature", string(&self.signature)),
        ])
    }
}

/// Freezes `chain`: hashes its canonical form and signs the labelled hash with `signer`.
///
/// Enforces SIGIL-013.
pub fn freeze(chain: ReasoningChain, signer: &Signer) -> Result<FrozenChain, Error> {
    let chain_bytes = chain.canonical()?;
    let chain_sha256 = canon::id::ContentId::of_bytes(chain_bytes.as_bytes()).to_string();
    let signature = signer.sign_labelled(CHAIN_LABEL, &chain_sha256)?;
    // The members sort as chain < chain_sha256 < public_key < signature and the three hex
    // strings need no escaping, so the canonical form of the FrozenChain is the chain's
    // canonical form spliced into this frame (debug builds check the whole, the chain's directly
    // written form included, against the canonicalizer).
    let bytes = format!(
        r#"{{"chain":{},"chain_sha256":"{chain_sha256}","public_key":"{}","signature":"{signature}"}}"#,
        chain_bytes,
        signer.pub_key()
    );
    let frozen = FrozenChain {
        chain,
        chain_sha256,
        public_key: signer.pub_key().to_owned(),
        signature,
        bytes,
    };
    if cfg!(debug_assertions) && canonical(&frozen.to_json())?.as_str() != frozen.bytes {
        return Err(Error::SigningFailed {
            reason: "the spliced FrozenChain is not canonical".into(),
        });
    }
    Ok(frozen)
}

/// Verifies stored FrozenChain bytes against the key history.
///
/// Enforces SIGIL-014, in its order: strict parsing, canonical form, shape, hash, key, signature.
pub fn verify(bytes: &[u8], keys: &KeyHistory) -> Result<FrozenChain, Error> {
    let value = canon::json::parse(bytes)?;
    let canonical_form = canonical(&value)?;
    if canonical_form.as_bytes() != bytes {
        return Err(Error::ChainNoncanonical);
    }
    let m = exact(&value, &FROZEN_MEMBERS).map_err(shape)?;
    let chain = ReasoningChain::from_json(m[0])?;
    let chain_sha256 = as_hex(m[1], "chain_sha256", 64).map_err(shape)?;
    let public_key = as_hex(m[2], "public_key", 64).map_err(shape)?;
    let signature = as_hex(m[3], "signature", 128).map_err(shape)?;
    // The chain re-serializes to the same canonical bytes it was parsed from, so its hash is
    // the hash of what was stored.
    if chain.sha256()? != chain_sha256 {
        return Err(Error::ChainHash);
    }
    if !keys.contains(public_key) {
        return Err(Error::KeyUnknown {
            pub_key: public_key.to_owned(),
        });
    }
    if !verify_labelled(public_key, CHAIN_LABEL, chain_sha256, signature) {
        return Err(Error::ChainSig);
    }
    Ok(FrozenChain {
        chain_sha256: chain_sha256.to_owned(),
        public_key: public_key.to_owned(),
        signature: signature.to_owned(),
        chain,
        bytes: canonical_form.into_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(action: &str, target: &str, error: Option<&str>, numbers: &[f64]) -> ReasoningChain {
        let evaluated = error.is_none();
        ReasoningChain {
            decision_id: format!("dec_{}", "ab".repeat(16)),
            ts: 1_700_000_000_123,
            tenant: "acme".into(),
            actor: "a.b:c@d-e_f".into(),
            request: RequestSummary {
                action: action.into(),
                target: target.into(),
                loa: Loa::Operator,
                input_len: 9_007_199_254_740_991,
                input_sha256: "0f".repeat(32),
                window_count: 17,
            },
            model_id: "c3".repeat(32),
            features: numbers.to_vec(),
            z: evaluated.then_some(numbers.first().copied().unwrap_or(-0.0)),
            score: evaluated.then_some(0.731_058_578_630_004_9),
            threshold: 0.5,
            allowed: evaluated,
            reason: if evaluated {
                Reason::AtOrAboveThreshold
            } else {
                Reason::Error
            },
            error: error.map(str::to_owned),
        }
    }

    /// The directly written form is exactly the canonicalizer's form of `to_json`, for plain,
    /// escaped, control, non-ASCII and astral strings, nulls, empty and odd numbers.
    #[test]
    fn direct_canonical_form_is_the_canonicalizers() {
        let strings = [
            "read",
            "",
            "say \"hi\"",
            "back\\slash",
            "tab\tnew\nline\u{1}\u{1f}\u{7f}",
            "caf\u{e9} \u{1f600} \u{e000}",
        ];
        let numbers: [&[f64]; 4] = [
            &[],
            &[
                1.0,
                0.0,
                -0.0,
                0.5,
                1e21,
                1e-7,
                123_456.789,
                -3.25e-9,
                5.0,
                1.0 / 3.0,
            ],
            &[f64::MAX, f64::MIN_POSITIVE, 4_503_599_627_370_496.5],
            &[0.1, 0.2, 0.30000000000000004],
        ];
        for action in strings {
            for target in strings {
                for error in [None, Some("SIGIL_EVAL_FAILED")] {
                    for numbers in numbers {
                        let c = chain(action, target, error, numbers);
                        let expected = canonical(&c.to_json()).unwrap_or_else(|e| panic!("{e}"));
                        assert_eq!(c.canonical().as_deref(), Ok(expected.as_str()));
                        assert_eq!(
                            c.sha256(),
                            Ok(canon::id::ContentId::of_json(&expected).to_string())
                        );
                    }
                }
            }
        }
        // A number the canonical form cannot hold fails the same way.
        let c = chain("read", "x", None, &[f64::NAN]);
        assert_eq!(
            c.canonical().map_err(|e| e.code()),
            canonical(&c.to_json())
                .map(|_| String::new())
                .map_err(|e| e.code())
        );
    }
}
