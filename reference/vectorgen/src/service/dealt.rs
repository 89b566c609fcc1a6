//! A program packaged and dealt for one scenario.

use std::collections::BTreeMap;

use field::Fp;
use quorumvm::deal::{Installation, deal};
use quorumvm::eval::{Inputs, eval_clear};
use quorumvm::package::{Package, PolicyManifest, Program};
use serde_json::{Value, json};
use shamir::Threshold;

use super::{EXAMPLE, K, LABEL, N, failure};
use crate::Error;

/// A program packaged and dealt for one scenario.
pub(super) struct Dealt {
    pub(super) label: String,
    pub(super) package: Package,
    pub(super) secret: Fp,
    pub(super) installations: Vec<Installation>,
    pub(super) slots: u64,
    pub(super) threshold: Threshold,
}

impl Dealt {
    pub(super) fn new(label: &str, policy: (u64, u64, u64), slots: u64) -> Result<Self, Error> {
        let fail = |e: &dyn std::fmt::Display| failure(label, e);
        let ir = dsl::compile(EXAMPLE).map_err(|e| fail(&format!("{e:?}")))?;
        let program = Program::new(ir);
        let policy = PolicyManifest::new(policy.0, policy.1, policy.2).map_err(|e| fail(&e))?;
        let package = Package::build(program, policy, "1.0.0").map_err(|e| fail(&e))?;
        let threshold = Threshold::new(K, N).map_err(|e| fail(&e))?;
        let mut drbg = canon::drbg::Drbg::new(label);
        let secret = Fp::random(&mut drbg);
        let installations = deal(
            package.program(),
            threshold,
            Some(secret),
            0..slots,
            &mut drbg,
        )
        .map_err(|e| fail(&e))?;
        Ok(Self {
            label: label.to_owned(),
            package,
            secret,
            installations,
            slots,
            threshold,
        })
    }

    pub(super) fn id(&self) -> &str {
        self.package.program_id()
    }

    /// The cleartext output at `x` (QVM-010), as the reference computes it.
    pub(super) fn output(&self, x: Fp) -> Result<String, Error> {
        let program = self.package.program();
        let inputs = Inputs::new(program, &BTreeMap::from([("x".to_owned(), x)]))
            .map_err(|e| failure(self.id(), e))?;
        eval_clear(program, &inputs, Some(self.secret))
            .map(|v| v.to_string())
            .map_err(|e| failure(self.id(), e))
    }

    /// The `/install` body for custodian `x`; the roster keys are placeholders.
    pub(super) fn install_body(&self, x: usize) -> Result<Value, Error> {
        let installation = self
            .installations
            .get(x - 1)
            .ok_or_else(|| failure(self.id(), format!("no installation for x = {x}")))?;
        let triples: Vec<Value> = installation
            .triples
            .iter()
            .map(|(slot, shares)| {
                let shares: Vec<Value> = shares
                    .iter()
                    .map(|t| {
                        json!({"gate": t.gate, "a": t.a.to_string(), "b": t.b.to_string(),
                               "c": t.c.to_string()})
                    })
                    .collect();
                json!({"slot": slot, "shares": shares})
            })
            .collect();
        let roster: Vec<Value> = (1..=N)
            .map(|m| json!({"x": m, "public_key": format!("${{key_{m}}}")}))
            .collect();
        Ok(json!({
            "package": self.package.to_json(),
            "installation": {
                "x": installation.x,
                "k": self.threshold.k(),
                "n": self.threshold.n(),
                "secret": installation.secret.map(|s| s.to_string()),
                "triples": triples,
            },
            "roster": roster,
        }))
    }

    /// An approval signed by a key that is no custodian's (deterministic, from the label).
    pub(super) fn forged_signature(&self) -> Result<String, Error> {
        let mut drbg = canon::drbg::Drbg::new(&format!("{LABEL}/outsider"));
        let mut seed = [0u8; 32];
        drbg.fill(&mut seed);
        let mut message = b"quorumvm/approve/v1\n".to_vec();
        message.extend_from_slice(self.id().as_bytes());
        canon::ed25519::sign(&seed, &message)
            .map(|s| canon::hex::encode(&s))
            .map_err(|e| failure(self.id(), e))
    }
}
