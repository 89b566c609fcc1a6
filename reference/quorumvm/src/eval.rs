//! Evaluation inputs and cleartext evaluation (QVM-010, QVM-011).
//!
//! S_v is kept apart from [`Inputs`]: the coordinator takes `Inputs` only, so it cannot be
//! handed the secret by mistake.

use std::collections::BTreeMap;

use field::Fp;
use serde_json::Value;

use crate::Error;
use crate::circuit::Circuit;
use crate::encoding::element;
use crate::package::Program;

/// The input wire values of one evaluation. Holding one proves the wires are exactly the
/// input wires of the program it was made for.
#[derive(Clone, PartialEq, Eq)]
pub struct Inputs {
    /// `(wire, value)` in node order of the program's input wires.
    values: Vec<(String, Fp)>,
}

impl std::fmt::Debug for Inputs {
    // Input values never reach a log through `Debug`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inputs")
            .field(
                "wires",
                &self.values.iter().map(|(w, _)| w).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Inputs {
    /// The inputs of one evaluation of `program`.
    ///
    /// Enforces QVM-011: the names are exactly the program's input wires, otherwise
    /// `QVM_INPUTS_INVALID`.
    pub fn new(program: &Program, values: &BTreeMap<String, Fp>) -> Result<Self, Error> {
        let circuit = program.circuit();
        check_names(circuit, values.keys().map(String::as_str))?;
        let values = circuit
            .inputs
            .iter()
            .map(|&i| {
                let id = circuit.id(i);
                (id.to_owned(), values.get(id).copied().unwrap_or(Fp::ZERO))
            })
            .collect();
        Ok(Self { values })
    }

    /// The value of each input wire, in node order.
    pub fn values(&self) -> &[(String, Fp)] {
        &self.values
    }

    /// Checks that these inputs were made for `circuit`.
    pub(crate) fn check(&self, circuit: &Circuit) -> Result<(), Error> {
        check_names(circuit, self.values.iter().map(|(n, _)| n.as_str()))
    }
}

/// Checks that S_v is given exactly when the program has a secret wire.
///
/// Enforces QVM-011: otherwise `QVM_INPUTS_INVALID`.
pub fn check_secret(program: &Program, given: bool) -> Result<(), Error> {
    match (program.circuit().secret.is_some(), given) {
        (true, false) => Err(Error::inputs(
            "the program has a secret wire: S_v is required",
        )),
        (false, true) => Err(Error::inputs(
            "the program has no secret wire: S_v is not allowed",
        )),
        _ => Ok(()),
    }
}

/// Reads the inputs and S_v of an operation: `inputs` an object from wire names to elements
/// in an accepted form (FIELD-003), `secret` an element, or absent or `null` for none.
///
/// Enforces QVM-011, with the checks in this order: `inputs` is an object, its names are
/// exactly the input wires, S_v is given exactly when the program has a secret wire (all
/// `QVM_INPUTS_INVALID`); then every value, inputs in node order then S_v, is an element
/// (`FIELD_ELEMENT_INVALID`).
pub fn inputs_from_json(
    program: &Program,
    inputs: &Value,
    secret: Option<&Value>,
) -> Result<(Inputs, Option<Fp>), Error> {
    let circuit = program.circuit();
    let object = inputs
        .as_object()
        .ok_or_else(|| Error::inputs("inputs is not a JSON object"))?;
    check_names(circuit, object.keys().map(String::as_str))?;
    let secret = secret.filter(|s| !s.is_null());
    check_secret(program, secret.is_some())?;
    let mut values = BTreeMap::new();
    for &i in &circuit.inputs {
        let id = circuit.id(i);
        if let Some(v) = object.get(id) {
            values.insert(id.to_owned(), element(v)?);
        }
    }
    let secret = secret.map(element).transpose()?;
    Ok((Inputs::new(program, &values)?, secret))
}

fn check_names<'a>(circuit: &Circuit, names: impl Iterator<Item = &'a str>) -> Result<(), Error> {
    let mut given: Vec<&str> = names.collect();
    given.sort_unstable();
    let mut wanted: Vec<&str> = circuit.inputs.iter().map(|&i| circuit.id(i)).collect();
    wanted.sort_unstable();
    if given == wanted {
        return Ok(());
    }
    if let Some(missing) = wanted.iter().find(|w| !given.contains(w)) {
        return Err(Error::inputs(format!(
            "no value for input wire `{missing}`"
        )));
    }
    let extra = given.iter().find(|g| !wanted.contains(g)).unwrap_or(&"");
    Err(Error::inputs(format!("`{extra}` is not an input wire")))
}

/// Evaluates a program in the clear over F_p, with the DSL's evaluator (DSL-060, DSL-061).
///
/// Enforces QVM-010.
pub fn eval_clear(program: &Program, inputs: &Inputs, secret: Option<Fp>) -> Result<Fp, Error> {
    inputs.check(program.circuit())?;
    check_secret(program, secret.is_some())?;
    let values: BTreeMap<String, Fp> = inputs.values.iter().cloned().collect();
    program
        .ir()
        .eval(&values, secret)
        .map_err(|e| Error::inputs(e.to_string()))
}
