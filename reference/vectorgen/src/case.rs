//! Fillers: what a case is before the generator has run it.

use serde_json::Value;

/// What a filler says its answer is.
#[derive(Debug, Clone)]
pub enum Intent {
    /// Whatever the reference computes; properties still apply.
    Computed,
    /// A known answer (from an RFC, or fixed by the spec); the reference must agree.
    Known(Value),
    /// The spec error code the case must produce.
    Error(&'static str),
}

/// One filler.
#[derive(Debug, Clone)]
pub struct Case {
    pub(crate) id: String,
    pub(crate) reqs: Vec<&'static str>,
    pub(crate) description: String,
    pub(crate) op: &'static str,
    pub(crate) input: Value,
    pub(crate) flags: Vec<&'static str>,
    pub(crate) intent: Intent,
}

impl Case {
    /// A case whose answer the reference computes.
    pub fn computed(
        id: impl Into<String>,
        reqs: &[&'static str],
        description: impl Into<String>,
        op: &'static str,
        input: Value,
    ) -> Self {
        Self {
            id: id.into(),
            reqs: reqs.to_vec(),
            description: description.into(),
            op,
            input,
            flags: Vec::new(),
            intent: Intent::Computed,
        }
    }

    /// A case with a known answer.
    pub fn known(
        id: impl Into<String>,
        reqs: &[&'static str],
        description: impl Into<String>,
        op: &'static str,
        input: Value,
        answer: Value,
    ) -> Self {
        Self {
            intent: Intent::Known(answer),
            ..Self::computed(id, reqs, description, op, input)
        }
    }

    /// A case that must fail with `code`.
    pub fn error(
        id: impl Into<String>,
        reqs: &[&'static str],
        description: impl Into<String>,
        op: &'static str,
        input: Value,
        code: &'static str,
    ) -> Self {
        Self {
            intent: Intent::Error(code),
            ..Self::computed(id, reqs, description, op, input)
        }
    }

    /// Adds a flag (defined in the suite's notes).
    pub fn flag(mut self, flag: &'static str) -> Self {
        self.flags.push(flag);
        self
    }
}

/// One suite: one vector file.
#[derive(Debug, Clone)]
pub struct Suite {
    /// `area/name`, also the file path without `.json`.
    pub name: &'static str,
    /// The spec file the suite checks.
    pub source: &'static str,
    /// Flag definitions.
    pub notes: Vec<(&'static str, &'static str)>,
    /// The fillers.
    pub cases: Vec<Case>,
}
