//! The secret manifest (QVM-001) and the policy manifest (QVM-003) of a package.

use serde_json::{Value, json};

use crate::Error;
use crate::circuit::Circuit;
use crate::encoding::small_uint;

/// The name of the one secret parameter a program may have.
pub const SECRET_PARAMETER: &str = "S_v";

/// The anti-extraction policy of a program (QVM-003): what one evaluation costs, the budget
/// of each identity and the rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PolicyManifest {
    cost_per_eval: u64,
    budget_per_identity: u64,
    max_evals_per_minute: u64,
}

impl PolicyManifest {
    /// A policy manifest.
    ///
    /// Enforces QVM-003: every value below 2^53, `cost_per_eval >= 1`,
    /// `max_evals_per_minute >= 1`; otherwise `QVM_POLICY_INVALID`.
    pub fn new(
        cost_per_eval: u64,
        budget_per_identity: u64,
        max_evals_per_minute: u64,
    ) -> Result<Self, Error> {
        let limit = crate::encoding::JSON_INT_LIMIT;
        if cost_per_eval >= limit || budget_per_identity >= limit || max_evals_per_minute >= limit {
            return Err(Error::policy("values must be below 2^53"));
        }
        if cost_per_eval == 0 {
            return Err(Error::policy("cost_per_eval must be at least 1"));
        }
        if max_evals_per_minute == 0 {
            return Err(Error::policy("max_evals_per_minute must be at least 1"));
        }
        Ok(Self {
            cost_per_eval,
            budget_per_identity,
            max_evals_per_minute,
        })
    }

    /// Reads the JSON form: an object with exactly the members `cost_per_eval`,
    /// `budget_per_identity` and `max_evals_per_minute`, each a JSON integer in `[0, 2^53)`.
    ///
    /// Enforces QVM-003.
    pub fn from_json(value: &Value) -> Result<Self, Error> {
        let object = value
            .as_object()
            .ok_or_else(|| Error::policy("not a JSON object"))?;
        const MEMBERS: [&str; 3] = [
            "cost_per_eval",
            "budget_per_identity",
            "max_evals_per_minute",
        ];
        if let Some(name) = object.keys().find(|k| !MEMBERS.contains(&k.as_str())) {
            return Err(Error::policy(format!("unknown member `{name}`")));
        }
        let get = |name: &str| {
            let v = object
                .get(name)
                .ok_or_else(|| Error::policy(format!("member `{name}` is missing")))?;
            small_uint(v).ok_or_else(|| {
                Error::policy(format!("member `{name}` is not an integer in [0, 2^53)"))
            })
        };
        Self::new(
            get("cost_per_eval")?,
            get("budget_per_identity")?,
            get("max_evals_per_minute")?,
        )
    }

    /// The JSON form.
    pub fn to_json(&self) -> Value {
        json!({
            "cost_per_eval": self.cost_per_eval,
            "budget_per_identity": self.budget_per_identity,
            "max_evals_per_minute": self.max_evals_per_minute,
        })
    }

    /// Budget units one successful evaluation costs (at least 1).
    pub fn cost_per_eval(&self) -> u64 {
        self.cost_per_eval
    }

    /// Budget units each identity starts with.
    pub fn budget_per_identity(&self) -> u64 {
        self.budget_per_identity
    }

    /// Evaluations per minute an identity may sustain, and its burst (at least 1).
    pub fn max_evals_per_minute(&self) -> u64 {
        self.max_evals_per_minute
    }
}

/// The secret parameters of a program (QVM-001): S_v and the wire it is bound to, or none.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretManifest {
    wire: Option<String>,
}

impl SecretManifest {
    /// The manifest a program implies: S_v bound to its `secret` wire, if it has one.
    pub(crate) fn of(circuit: &Circuit) -> Self {
        Self {
            wire: circuit.secret.map(|i| circuit.id(i).to_owned()),
        }
    }

    /// The wire S_v is bound to, if the program has a secret.
    pub fn wire(&self) -> Option<&str> {
        self.wire.as_deref()
    }

    /// The JSON form: `{"parameters":[{"name":"S_v","wire":<wire>}]}` or `{"parameters":[]}`.
    pub fn to_json(&self) -> Value {
        match &self.wire {
            Some(wire) => json!({ "parameters": [{ "name": SECRET_PARAMETER, "wire": wire }] }),
            None => json!({ "parameters": [] }),
        }
    }

    /// Checks a manifest given as JSON against the one the program implies.
    ///
    /// Enforces QVM-001: anything else is `QVM_PACKAGE_INVALID`.
    pub(crate) fn check(&self, given: &Value) -> Result<(), Error> {
        if *given == self.to_json() {
            Ok(())
        } else {
            Err(Error::package(format!(
                "the secret manifest must be {} for this program",
                self.to_json()
            )))
        }
    }
}
