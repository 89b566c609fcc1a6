//! Reading the inputs of an evaluation request (QVM-011) at the coordinator, which never
//! receives S_v.

use std::collections::BTreeMap;

use field::Fp;
use quorumvm::eval::Inputs;
use quorumvm::package::Program;
use serde_json::Value;
use service_kit::ServiceError;

use super::codes;

/// Reads `inputs`: an object whose names are exactly the program's input wires
/// (`QVM_INPUTS_INVALID`), each value an element in an accepted form, a JSON integer of
/// magnitude below 2^53 or a decimal string (FIELD-003, `FIELD_ELEMENT_INVALID`). All are
/// answered `422`.
///
/// Enforces QVM-011 and QVM-027 (the checks in QVM-011's order, without S_v).
pub(crate) fn parse(program: &Program, inputs: &Value) -> Result<Inputs, ServiceError> {
    let object = inputs.as_object().ok_or_else(|| {
        codes::unprocessable(quorumvm::Error::InputsInvalid {
            reason: "inputs is not a JSON object".to_owned(),
        })
    })?;
    let names: BTreeMap<String, Fp> = object.keys().map(|k| (k.clone(), Fp::ZERO)).collect();
    Inputs::new(program, &names).map_err(codes::unprocessable)?;
    let mut values = BTreeMap::new();
    for wire in program.input_wires() {
        if let Some(value) = object.get(wire) {
            let element =
                element(value).map_err(|e| codes::unprocessable(quorumvm::Error::Field(e)))?;
            values.insert(wire.to_owned(), element);
        }
    }
    Inputs::new(program, &values).map_err(codes::unprocessable)
}

/// An element in an accepted input form (FIELD-003).
fn element(value: &Value) -> Result<Fp, field::Error> {
    match value {
        Value::String(s) => Fp::parse(s),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Fp::from_json_integer(i),
            None => Err(field::Error::ElementInvalid {
                reason: "a JSON number that is not an integer of magnitude below 2^53",
            }),
        },
        _ => Err(field::Error::ElementInvalid {
            reason: "neither a JSON integer nor a decimal string",
        }),
    }
}
