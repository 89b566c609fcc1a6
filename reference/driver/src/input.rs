//! Reading the members of a case's `input` object (PROTO-070, CANON-060).

use serde_json::Value;

use crate::CaseError;

/// The `input` object of a case.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Input<'a>(&'a serde_json::Map<String, Value>);

impl<'a> Input<'a> {
    /// Enforces PROTO-070: the input is an object.
    pub(crate) fn new(value: &'a Value) -> Result<Self, CaseError> {
        value
            .as_object()
            .map(Input)
            .ok_or_else(|| CaseError::invalid("input is not an object"))
    }

    /// The whole input object, for operations implemented over JSON by a reference crate.
    pub(crate) fn as_value(&self) -> Value {
        Value::Object(self.0.clone())
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    pub(crate) fn get(&self, name: &str) -> Option<&'a Value> {
        self.0.get(name)
    }

    pub(crate) fn value(&self, name: &str) -> Result<&'a Value, CaseError> {
        self.0
            .get(name)
            .ok_or_else(|| CaseError::invalid(format!("input member `{name}` is missing")))
    }

    pub(crate) fn str(&self, name: &str) -> Result<&'a str, CaseError> {
        self.value(name)?
            .as_str()
            .ok_or_else(|| CaseError::invalid(format!("input member `{name}` is not a string")))
    }

    pub(crate) fn u64(&self, name: &str) -> Result<u64, CaseError> {
        self.value(name)?.as_u64().ok_or_else(|| {
            CaseError::invalid(format!(
                "input member `{name}` is not a non-negative integer"
            ))
        })
    }

    /// Enforces CANON-060: byte strings are strict lowercase hex.
    pub(crate) fn hex(&self, name: &str) -> Result<Vec<u8>, CaseError> {
        Ok(canon::hex::decode(self.str(name)?)?)
    }
}
