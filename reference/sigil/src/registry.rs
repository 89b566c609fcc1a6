//! The system state — witness keys, `k`, the trust model, registered modules — as the fold of
//! the committed system records in chain order (spec/sigil.md §6, SIGIL-041).

use std::collections::{BTreeMap, BTreeSet};

use canon::json::Value;

use crate::Error;
use crate::json::{as_hex, as_int, exact, int, obj, string};
use crate::model::TrustModel;
use crate::module::ModuleSpec;
use crate::record::{Body, Quorum};

/// The genesis kind.
pub const GENESIS: &str = "sigil.genesis";
/// The key-rotation kind (a service record).
pub const KEY_ROTATED: &str = "sigil.key.rotated";
/// Adds a witness.
pub const WITNESS_ADD: &str = "sigil.witness.add";
/// Removes a witness.
pub const WITNESS_REMOVE: &str = "sigil.witness.remove";
/// Sets `k`.
pub const QUORUM_SET: &str = "sigil.quorum.set";
/// Replaces the trust model.
pub const MODEL_SET: &str = "sigil.model.set";
/// Registers a module.
pub const MODULE_REGISTER: &str = "sigil.module.register";

/// The system state.
#[derive(Debug, Clone, PartialEq)]
pub struct Registry {
    /// The quorum threshold.
    pub k: usize,
    /// Registered witness keys, hex.
    pub witnesses: BTreeSet<String>,
    /// The trust model in force.
    pub model: TrustModel,
    /// Registered modules by name (the built-in `hello` is the shell's).
    pub modules: BTreeMap<String, ModuleSpec>,
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::ProposalInvalid {
        reason: reason.into(),
    }
}

/// The `{"pub_key"}` payload's key.
fn key_payload(payload: &Value) -> Result<String, Error> {
    let m = exact(payload, &["pub_key"]).map_err(invalid)?;
    let key = as_hex(m[0], "pub_key", 64).map_err(invalid)?;
    Ok(key.to_owned())
}

impl Registry {
    /// The genesis payload `{"k", "witnesses", "model"}` (SIGIL-041).
    pub fn genesis_payload(k: usize, witnesses: &BTreeSet<String>, model: &TrustModel) -> Value {
        obj(vec![
            ("k", int(k as u64)),
            (
                "witnesses",
                Value::Array(witnesses.iter().map(string).collect()),
            ),
            ("model", model.to_json()),
        ])
    }

    /// The state a genesis payload sets up: `1 <= k <= witnesses`, distinct 64-hex keys, a
    /// valid model.
    pub fn from_genesis(payload: &Value) -> Result<Self, Error> {
        let m = exact(payload, &["k", "witnesses", "model"]).map_err(invalid)?;
        let k = as_int(m[0], "k").map_err(invalid)? as usize;
        let keys = m[1]
            .as_array()
            .ok_or_else(|| invalid("witnesses is not an array"))?;
        let mut witnesses = BTreeSet::new();
        for key in keys {
            let key = as_hex(key, "witness", 64).map_err(invalid)?;
            if !witnesses.insert(key.to_owned()) {
                return Err(invalid("a witness is listed twice"));
            }
        }
        if k == 0 || k > witnesses.len() {
            return Err(invalid("k is not in 1..=witnesses"));
        }
        let model = TrustModel::from_json(m[2])?;
        Ok(Self {
            k,
            witnesses,
            model,
            modules: BTreeMap::new(),
        })
    }

    /// The witness rule records are verified against.
    pub fn quorum(&self) -> Quorum<'_> {
        Quorum {
            witnesses: &self.witnesses,
            k: self.k,
        }
    }

    /// Checks a proposal's kind and payload against the current state.
    ///
    /// Enforces SIGIL-040 and SIGIL-041 (`SIGIL_PROPOSAL_INVALID`).
    pub fn check_proposal(&self, kind: &str, payload: &Value) -> Result<(), Error> {
        self.clone().apply_kind(kind, payload, false)
    }

    /// Applies a committed system record's effect (SIGIL-041). Genesis is [`Registry::from_genesis`].
    pub fn apply(&mut self, body: &Body) -> Result<(), Error> {
        self.apply_kind(&body.kind, &body.payload, true)
    }

    fn apply_kind(&mut self, kind: &str, payload: &Value, committed: bool) -> Result<(), Error> {
        match kind {
            WITNESS_ADD => {
                let key = key_payload(payload)?;
                if !self.witnesses.insert(key) && !committed {
                    return Err(invalid("the witness is already registered"));
                }
            }
            WITNESS_REMOVE => {
                let key = key_payload(payload)?;
                if !self.witnesses.contains(&key) {
                    return Err(invalid("the witness is not registered"));
                }
                if self.witnesses.len() <= self.k {
                    return Err(invalid("removing it would leave fewer than k witnesses"));
                }
                self.witnesses.remove(&key);
            }
            QUORUM_SET => {
                let m = exact(payload, &["k"]).map_err(invalid)?;
                let k = as_int(m[0], "k").map_err(invalid)? as usize;
                if k == 0 || k > self.witnesses.len() {
                    return Err(invalid("k is not in 1..=witnesses"));
                }
                self.k = k;
            }
            MODEL_SET => {
                let m = exact(payload, &["model"]).map_err(invalid)?;
                self.model = TrustModel::from_json(m[0]).map_err(|e| invalid(e.to_string()))?;
            }
            MODULE_REGISTER => {
                let spec = ModuleSpec::from_json(payload).map_err(invalid)?;
                if spec.name == "hello" {
                    return Err(invalid("hello is built in"));
                }
                self.modules.insert(spec.name.clone(), spec);
            }
            KEY_ROTATED if committed => {}
            GENESIS | KEY_ROTATED => {
                return Err(invalid("service kinds are written by the service only"));
            }
            other if other.starts_with("sigil.") => {
                return Err(invalid(format!("unknown system kind {other}")));
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::Loa;
    use crate::record::Space;

    fn key(i: u8) -> String {
        format!("{i:02x}").repeat(32)
    }

    fn body(kind: &str, payload: Value) -> Body {
        Body {
            kind: kind.into(),
            id: "sys_1".into(),
            tenant: "system".into(),
            ts: 0,
            space: Space::System,
            payload,
            links: vec![],
            prev: None,
        }
    }

    #[test]
    fn registry_is_the_fold_of_system_records() {
        let witnesses: BTreeSet<String> = (1..=3).map(key).collect();
        let model = TrustModel::default_model();
        let genesis = Registry::genesis_payload(2, &witnesses, &model);
        let mut r = Registry::from_genesis(&genesis).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.k, r.witnesses.len()), (2, 3));
        let add = obj(vec![("pub_key", string(key(4)))]);
        assert!(r.check_proposal(WITNESS_ADD, &add).is_ok());
        r.apply(&body(WITNESS_ADD, add.clone()))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.witnesses.len(), 4);
        assert!(r.check_proposal(WITNESS_ADD, &add).is_err());
        r.apply(&body(QUORUM_SET, obj(vec![("k", int(4))])))
            .unwrap_or_else(|e| panic!("{e}"));
        let remove = obj(vec![("pub_key", string(key(1)))]);
        assert_eq!(
            r.check_proposal(WITNESS_REMOVE, &remove)
                .map_err(|e| e.code()),
            Err("SIGIL_PROPOSAL_INVALID")
        );
        r.apply(&body(QUORUM_SET, obj(vec![("k", int(3))])))
            .unwrap_or_else(|e| panic!("{e}"));
        r.apply(&body(WITNESS_REMOVE, remove))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!r.witnesses.contains(&key(1)));
        let module = crate::module::ModuleSpec {
            name: "echo".into(),
            source: "x".into(),
            min_loa: Loa::User,
            gas_limit: 10,
        };
        r.apply(&body(MODULE_REGISTER, module.to_json()))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.modules.get("echo"), Some(&module));
        let bad = [
            (QUORUM_SET, obj(vec![("k", int(0))])),
            (QUORUM_SET, obj(vec![("k", int(9))])),
            (WITNESS_ADD, obj(vec![("pub_key", string("zz"))])),
            (MODEL_SET, obj(vec![("model", Value::Null)])),
            (GENESIS, genesis.clone()),
            (KEY_ROTATED, Value::Null),
            ("sigil.other", Value::Null),
        ];
        for (kind, payload) in bad {
            assert_eq!(
                r.check_proposal(kind, &payload).map_err(|e| e.code()),
                Err("SIGIL_PROPOSAL_INVALID"),
                "{kind}"
            );
        }
        assert!(r.check_proposal("policy.note", &Value::Null).is_ok());
        // Bad genesis payloads.
        for g in [
            Registry::genesis_payload(0, &witnesses, &model),
            Registry::genesis_payload(4, &witnesses, &model),
        ] {
            assert!(Registry::from_genesis(&g).is_err());
        }
    }
}
