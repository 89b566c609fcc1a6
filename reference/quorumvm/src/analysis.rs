//! Activation-time analysis of a program: its size, and whether one query reveals S_v
//! (QVM-005).

use dsl::Ir;
use field::Fp;

use crate::circuit::{Circuit, Gate};

/// The warning a package carries when its output is an affine function of S_v (QVM-005).
pub const WARN_AFFINE_IN_SECRET: &str = "QVM_WARN_AFFINE_IN_SECRET";

/// How the output of a program depends on its *atoms*: S_v, the input wires and the outputs
/// of the secure multiplication gates (QVM-005).
///
/// Expanding every `add`, `sub` and local `mul` (one public operand, whose value is a
/// coefficient) writes the output as `alpha * S_v + sum(beta_w * input_w) + sum(lambda_g *
/// z_g) + gamma` with public coefficients. This is exact, not an estimate: the coefficients
/// are computed in F_p.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputDependence {
    /// `alpha`: the coefficient of S_v (zero when the program has no secret).
    pub secret: Fp,
    /// `beta`: the coefficient of each input wire, in node order of the inputs.
    pub inputs: Vec<(String, Fp)>,
    /// `lambda`: the coefficient of each secure multiplication gate's output, in node order.
    pub gates: Vec<(String, Fp)>,
}

impl OutputDependence {
    /// Whether some secure multiplication contributes to the output (some `lambda != 0`).
    pub fn through_multiplication(&self) -> bool {
        self.gates.iter().any(|(_, c)| *c != Fp::ZERO)
    }

    /// Whether the output is `alpha * S_v + (an affine function of the inputs)` with
    /// `alpha != 0`: one evaluation reveals S_v to anyone who knows the program.
    pub fn affine_in_secret(&self) -> bool {
        self.secret != Fp::ZERO && !self.through_multiplication()
    }
}

/// The output dependence of a validated IR.
pub fn output_dependence(ir: &Ir) -> OutputDependence {
    dependence(&Circuit::of(ir))
}

/// Whether the program's output is an affine function of S_v alone (plus terms in the inputs
/// only), so that a single evaluation reveals S_v.
///
/// Enforces QVM-005.
pub fn affine_in_secret(ir: &Ir) -> bool {
    output_dependence(ir).affine_in_secret()
}

/// The warnings of a program, in a fixed order (QVM-005).
pub(crate) fn warnings(circuit: &Circuit) -> Vec<String> {
    let mut out = Vec::new();
    if dependence(circuit).affine_in_secret() {
        out.push(WARN_AFFINE_IN_SECRET.to_owned());
    }
    out
}

/// Reverse accumulation of the output's coefficients over the atoms.
pub(crate) fn dependence(circuit: &Circuit) -> OutputDependence {
    let values = public_values(circuit);
    let n = circuit.gates.len();
    let mut adjoint = vec![Fp::ZERO; n];
    if let Some(slot) = adjoint.get_mut(circuit.output) {
        *slot = Fp::ONE;
    }
    let secure = &circuit.is_secure;
    for i in (0..n).rev() {
        let w = adjoint[i];
        if w == Fp::ZERO || circuit.public[i] || secure[i] {
            continue;
        }
        match circuit.gates[i] {
            Gate::Add(a, b) => {
                adjoint[a] += w;
                adjoint[b] += w;
            }
            Gate::Sub(a, b) => {
                adjoint[a] += w;
                adjoint[b] -= w;
            }
            // A local multiplication: exactly one operand is public (both public would make
            // the node public, neither would make it secure).
            Gate::Mul(a, b) => {
                let (public, other) = if circuit.public[a] { (a, b) } else { (b, a) };
                adjoint[other] += w * values[public];
            }
            Gate::Input | Gate::Secret | Gate::Const(_) => {}
        }
    }
    OutputDependence {
        secret: circuit.secret.map_or(Fp::ZERO, |s| adjoint[s]),
        inputs: circuit
            .inputs
            .iter()
            .map(|&i| (circuit.id(i).to_owned(), adjoint[i]))
            .collect(),
        gates: circuit
            .secure
            .iter()
            .map(|&g| (circuit.id(g).to_owned(), adjoint[g]))
            .collect(),
    }
}

/// The value of every public node (zero for the others).
fn public_values(circuit: &Circuit) -> Vec<Fp> {
    let mut values = vec![Fp::ZERO; circuit.gates.len()];
    for (i, gate) in circuit.gates.iter().enumerate() {
        if !circuit.public[i] {
            continue;
        }
        values[i] = match *gate {
            Gate::Const(c) => c,
            Gate::Add(a, b) => values[a] + values[b],
            Gate::Sub(a, b) => values[a] - values[b],
            Gate::Mul(a, b) => values[a] * values[b],
            Gate::Input | Gate::Secret => Fp::ZERO,
        };
    }
    values
}
