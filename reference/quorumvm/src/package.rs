//! The Program Package (QVM-001..QVM-007): a compiled program, its manifests and its
//! content-addressed `program_id`.

mod manifest;
mod semver;

use dsl::Ir;
use serde_json::{Map, Value, json};

use crate::Error;
use crate::analysis;
use crate::circuit::Circuit;
use crate::encoding::sha256_hex;

pub use manifest::{PolicyManifest, SECRET_PARAMETER, SecretManifest};

/// The `format` member of every package.
pub const PACKAGE_FORMAT: &str = "quorumvm.package/1";

/// A program's IR with the facts the protocol derives from it. Holding one proves the IR
/// is valid (DSL-040) and that its circuit was derived from it.
#[derive(Debug, Clone)]
pub struct Program {
    ir: Ir,
    ir_json: Value,
    circuit: Circuit,
}

impl Program {
    /// The program of a compiled IR.
    pub fn new(ir: Ir) -> Self {
        let circuit = Circuit::of(&ir);
        let ir_json = ir.to_json();
        Self {
            ir,
            ir_json,
            circuit,
        }
    }

    /// Reads an IR given as JSON.
    ///
    /// Enforces QVM-001: an IR that is not valid (DSL-040) is `QVM_PACKAGE_INVALID`.
    pub fn from_json(ir: &Value) -> Result<Self, Error> {
        Ir::from_json(ir)
            .map(Self::new)
            .map_err(|e| Error::package(format!("invalid IR: {e}")))
    }

    /// The IR.
    pub fn ir(&self) -> &Ir {
        &self.ir
    }

    /// The IR in its JSON form (DSL-040), as the IR itself writes it.
    pub fn ir_json(&self) -> &Value {
        &self.ir_json
    }

    /// The secret manifest the program implies (QVM-001).
    pub fn secret_manifest(&self) -> SecretManifest {
        SecretManifest::of(&self.circuit)
    }

    /// The number of secure multiplication gates: the Beaver triples one evaluation consumes
    /// (QVM-007).
    pub fn triples_per_evaluation(&self) -> usize {
        self.circuit.secure.len()
    }

    /// The multiplicative depth (rounds of one evaluation, minus the output round).
    pub fn mul_depth(&self) -> usize {
        self.circuit.mul_depth()
    }

    /// The input wires, in node order.
    pub fn input_wires(&self) -> Vec<&str> {
        self.circuit
            .inputs
            .iter()
            .map(|&i| self.circuit.id(i))
            .collect()
    }

    /// The warnings for approvers (QVM-005), in a fixed order.
    pub fn warnings(&self) -> Vec<String> {
        analysis::warnings(&self.circuit)
    }

    pub(crate) fn circuit(&self) -> &Circuit {
        &self.circuit
    }
}

/// The program id (QVM-002): the lowercase hex SHA-256 of the RFC 8785 form of
/// `{"ir": <IR>, "policy_manifest": <policy>, "secret_manifest": <secret manifest>}`.
///
/// Enforces QVM-002.
pub fn program_id(program: &Program, policy: &PolicyManifest) -> String {
    let object = json!({
        "ir": program.ir_json(),
        "policy_manifest": policy.to_json(),
        "secret_manifest": program.secret_manifest().to_json(),
    });
    // The three members are an IR (depth well below 128), and two flat manifests: the
    // canonical form always exists.
    sha256_hex(&object).unwrap_or_default()
}

/// The program id of the three parts given as JSON (the `qvm.program_id` operation): the IR
/// is checked (`QVM_PACKAGE_INVALID`), then the policy manifest (`QVM_POLICY_INVALID`), then
/// the secret manifest against the IR (`QVM_PACKAGE_INVALID`).
///
/// Enforces QVM-001, QVM-002, QVM-003.
pub fn program_id_of_json(
    ir: &Value,
    policy_manifest: &Value,
    secret_manifest: &Value,
) -> Result<String, Error> {
    let program = Program::from_json(ir)?;
    let policy = PolicyManifest::from_json(policy_manifest)?;
    program.secret_manifest().check(secret_manifest)?;
    Ok(program_id(&program, &policy))
}

/// A Program Package (QVM-004): what approvers approve and custodians install.
#[derive(Debug, Clone)]
pub struct Package {
    version: String,
    program_id: String,
    program: Program,
    policy: PolicyManifest,
}

impl Package {
    /// Packages a program with its policy under a SemVer 2.0.0 version string.
    ///
    /// Enforces QVM-004: a version that is not SemVer 2.0.0 is `QVM_PACKAGE_INVALID`.
    pub fn build(program: Program, policy: PolicyManifest, version: &str) -> Result<Self, Error> {
        if !semver::is_valid(version) {
            return Err(Error::package(format!(
                "version {version:?} is not a SemVer 2.0.0 version"
            )));
        }
        Ok(Self {
            version: version.to_owned(),
            program_id: program_id(&program, &policy),
            program,
            policy,
        })
    }

    /// Loads a package from its JSON form, recomputing everything derived.
    ///
    /// Enforces QVM-004, checking in this order: exactly the members `format`, `version`,
    /// `program_id`, `ir`, `secret_manifest`, `policy_manifest` and `warnings`; `format` is
    /// `quorumvm.package/1`; `version` is SemVer; the IR is valid; the secret manifest is the
    /// one the IR implies; the policy manifest is valid (`QVM_POLICY_INVALID`); `program_id`
    /// and then `warnings` equal their recomputation. Any other fault is `QVM_PACKAGE_INVALID`.
    pub fn from_json(value: &Value) -> Result<Self, Error> {
        let object = value
            .as_object()
            .ok_or_else(|| Error::package("a package is a JSON object"))?;
        const MEMBERS: [&str; 7] = [
            "format",
            "version",
            "program_id",
            "ir",
            "secret_manifest",
            "policy_manifest",
            "warnings",
        ];
        if let Some(name) = object.keys().find(|k| !MEMBERS.contains(&k.as_str())) {
            return Err(Error::package(format!("unknown member `{name}`")));
        }
        if let Some(name) = MEMBERS.iter().find(|m| !object.contains_key(**m)) {
            return Err(Error::package(format!("member `{name}` is missing")));
        }
        let member = |name: &str| {
            object
                .get(name)
                .ok_or_else(|| Error::package(format!("member `{name}` is missing")))
        };
        let string = |name: &str| {
            member(name)?
                .as_str()
                .ok_or_else(|| Error::package(format!("member `{name}` is not a string")))
        };
        if string("format")? != PACKAGE_FORMAT {
            return Err(Error::package(format!("format is not {PACKAGE_FORMAT}")));
        }
        let version = string("version")?;
        if !semver::is_valid(version) {
            return Err(Error::package(format!(
                "version {version:?} is not a SemVer 2.0.0 version"
            )));
        }
        let program = Program::from_json(member("ir")?)?;
        program
            .secret_manifest()
            .check(member("secret_manifest")?)?;
        let policy = PolicyManifest::from_json(member("policy_manifest")?)?;
        let package = Self::build(program, policy, version)?;
        if string("program_id")? != package.program_id {
            return Err(Error::package(format!(
                "program_id does not match its recomputation {}",
                package.program_id
            )));
        }
        let warnings: Vec<Value> = package.warnings().into_iter().map(Value::String).collect();
        if *member("warnings")? != Value::Array(warnings) {
            return Err(Error::package("warnings do not match their recomputation"));
        }
        Ok(package)
    }

    /// The JSON form (QVM-004).
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("format".into(), PACKAGE_FORMAT.into());
        object.insert("version".into(), self.version.clone().into());
        object.insert("program_id".into(), self.program_id.clone().into());
        object.insert("ir".into(), self.program.ir_json().clone());
        object.insert(
            "secret_manifest".into(),
            self.program.secret_manifest().to_json(),
        );
        object.insert("policy_manifest".into(), self.policy.to_json());
        object.insert(
            "warnings".into(),
            Value::Array(self.warnings().into_iter().map(Value::String).collect()),
        );
        Value::Object(object)
    }

    /// The program id (QVM-002).
    pub fn program_id(&self) -> &str {
        &self.program_id
    }

    /// The version string (not part of the program id).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The policy manifest.
    pub fn policy(&self) -> &PolicyManifest {
        &self.policy
    }

    /// The warnings for approvers (QVM-005).
    pub fn warnings(&self) -> Vec<String> {
        self.program.warnings()
    }
}
