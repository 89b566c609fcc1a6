//! Service scenario files (`vectors/service/qvm-*.json`, spec/protocol.md §7): ordered HTTP
//! steps that the conformance runner plays against a coordinator and N custodians.
//!
//! Everything an installer computes (the package, the dealt S_v and triple shares of every
//! custodian) is generated here deterministically, from the DRBG label stored in the file, with
//! the reference crates; the expected outputs of evaluations are the reference's cleartext
//! values for that dealt S_v. What only the services know (their Ed25519 keys, the approvals
//! they sign) is captured at run time into `${name}` placeholders.

use std::collections::BTreeMap;

use field::Fp;
use quorumvm::deal::{Installation, deal};
use quorumvm::eval::{Inputs, eval_clear};
use quorumvm::package::{Package, PolicyManifest, Program};
use serde_json::{Map, Value, json};
use shamir::Threshold;

use crate::file::{GeneratedFile, canonical_bytes};
use crate::{Error, GENERATOR, SPEC_VERSION};

/// The `kind` of a service scenario file.
pub const SERVICE_KIND: &str = "quorate.service-vectors";

/// The threshold every scenario runs with.
const K: usize = 3;
/// The number of custodians every scenario runs with.
const N: usize = 5;

/// The demo's example program: `((x + S_v)^2 + 7) * x`, two secure multiplications, 3 rounds.
const EXAMPLE: &str = "input x\nsecret s\nconst seven = 7\nadd t = x s\nmul u = t t\n\
                       add v = u seven\nmul y = v x\noutput y\n";

/// The DRBG label of the file; each program's dealing extends it.
const LABEL: &str = "quorate/service/qvm-services/v1";

const NOT_FOUND_ID: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn failure(id: &str, detail: impl std::fmt::Display) -> Error {
    Error::Filler {
        suite: "service/qvm-services".to_owned(),
        id: id.to_owned(),
        detail: detail.to_string(),
    }
}

/// A program packaged and dealt for one scenario.
struct Dealt {
    label: String,
    package: Package,
    secret: Fp,
    installations: Vec<Installation>,
    slots: u64,
    threshold: Threshold,
}

impl Dealt {
    fn new(label: &str, policy: (u64, u64, u64), slots: u64) -> Result<Self, Error> {
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

    fn id(&self) -> &str {
        self.package.program_id()
    }

    /// The cleartext output at `x` (QVM-010), as the reference computes it.
    fn output(&self, x: Fp) -> Result<String, Error> {
        let program = self.package.program();
        let inputs = Inputs::new(program, &BTreeMap::from([("x".to_owned(), x)]))
            .map_err(|e| failure(self.id(), e))?;
        eval_clear(program, &inputs, Some(self.secret))
            .map(|v| v.to_string())
            .map_err(|e| failure(self.id(), e))
    }

    /// The `/install` body for custodian `x`; the roster keys are placeholders.
    fn install_body(&self, x: usize) -> Result<Value, Error> {
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
    fn forged_signature(&self) -> Result<String, Error> {
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

/// One step, built up with its expectation.
struct Step {
    value: Map<String, Value>,
    expect: Map<String, Value>,
}

impl Step {
    fn new(id: impl Into<String>, reqs: &[&str], description: impl Into<String>) -> Self {
        let mut value = Map::new();
        value.insert("id".into(), Value::String(id.into()));
        value.insert("reqs".into(), json!(reqs));
        value.insert("description".into(), Value::String(description.into()));
        Self {
            value,
            expect: Map::new(),
        }
    }

    fn call(mut self, target: &str, method: &str, path: impl Into<String>) -> Self {
        self.value.insert("target".into(), json!(target));
        self.value.insert("method".into(), json!(method));
        self.value.insert("path".into(), Value::String(path.into()));
        self
    }

    fn get(self, target: &str, path: impl Into<String>) -> Self {
        self.call(target, "GET", path)
    }

    fn post(self, target: &str, path: impl Into<String>, body: Value) -> Self {
        let mut step = self.call(target, "POST", path);
        step.value.insert("body".into(), body);
        step
    }

    fn post_raw(self, target: &str, path: impl Into<String>, raw: &str) -> Self {
        let mut step = self.call(target, "POST", path);
        step.value.insert("raw_body".into(), json!(raw));
        step
    }

    fn status(mut self, status: Value) -> Self {
        self.expect.insert("status".into(), status);
        self
    }

    fn ok(self, status: u16) -> Self {
        self.status(json!(status))
    }

    fn error(mut self, status: u16, code: &str) -> Self {
        self.expect.insert("status".into(), json!(status));
        self.expect.insert("error".into(), json!(code));
        self
    }

    fn member(&mut self, name: &str, pointer: &str, value: Value) {
        if let Some(map) = self
            .expect
            .entry(name)
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
        {
            map.insert(pointer.to_owned(), value);
        }
    }

    fn body(mut self, pointer: &str, value: Value) -> Self {
        self.member("body", pointer, value);
        self
    }

    fn length(mut self, pointer: &str, n: usize) -> Self {
        self.member("length", pointer, json!(n));
        self
    }

    fn header(mut self, name: &str) -> Self {
        if let Some(list) = self
            .expect
            .entry("headers")
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
        {
            list.push(json!(name));
        }
        self
    }

    fn capture(mut self, name: &str, pointer: &str) -> Self {
        if let Some(map) = self
            .value
            .entry("capture")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
        {
            map.insert(name.to_owned(), json!(pointer));
        }
        self
    }

    fn build(mut self) -> Value {
        self.value
            .insert("expect".into(), Value::Object(self.expect));
        Value::Object(self.value)
    }
}

fn custodian(x: usize) -> String {
    format!("custodian:{x}")
}

/// Health of every target, capturing the custodians' keys.
fn health() -> Vec<Step> {
    let mut steps = vec![
        Step::new(
            "health-coordinator",
            &["QVM-025"],
            "the coordinator is up with the scenario's threshold",
        )
        .get("coordinator", "/health")
        .ok(200)
        .body("/status", json!("ok"))
        .body("/role", json!("coordinator"))
        .body("/k", json!(K))
        .body("/n", json!(N)),
    ];
    for x in 1..=N {
        steps.push(
            Step::new(
                format!("health-custodian-{x}"),
                &["QVM-020"],
                format!("custodian {x} is up and tells its x and public key"),
            )
            .get(&custodian(x), "/health")
            .ok(200)
            .body("/status", json!("ok"))
            .body("/role", json!("custodian"))
            .body("/x", json!(x))
            .capture(&format!("key_{x}"), "/public_key"),
        );
    }
    steps
}

/// Registration of every custodian (201 on fresh services, 200 when an earlier scenario of the
/// file registered it with the same key).
fn register_custodians() -> Vec<Step> {
    (1..=N)
        .map(|x| {
            Step::new(
                format!("register-custodian-{x}"),
                &["QVM-025"],
                format!("the coordinator registers custodian {x} with its key"),
            )
            .post(
                "coordinator",
                "/custodians",
                json!({"x": x, "url": format!("${{url:custodian:{x}}}"),
                       "public_key": format!("${{key_{x}}}")}),
            )
            .status(json!([200, 201]))
        })
        .collect()
}

/// Installation at every custodian and registration at the coordinator of one program.
fn install(dealt: &Dealt, name: &str) -> Result<Vec<Step>, Error> {
    let mut steps = Vec::new();
    for x in 1..=N {
        steps.push(
            Step::new(
                format!("install-{name}-custodian-{x}"),
                &["QVM-021"],
                format!(
                    "custodian {x} installs the {name} program with its dealt share of S_v and \
                     {} slots",
                    dealt.slots
                ),
            )
            .post(&custodian(x), "/install", dealt.install_body(x)?)
            .ok(200)
            .body("/program_id", json!(dealt.id()))
            .body("/slots", json!(dealt.slots)),
        );
    }
    steps.push(
        Step::new(
            format!("register-{name}"),
            &["QVM-025"],
            format!("the coordinator registers the {name} program: status registered"),
        )
        .post(
            "coordinator",
            "/programs",
            json!({"package": dealt.package.to_json(), "slots": dealt.slots}),
        )
        .ok(201)
        .body("/program_id", json!(dealt.id()))
        .body("/status", json!("registered")),
    );
    Ok(steps)
}

/// Custodian `x` signs its approval (captured as `sig_<name>_<x>`) and the coordinator counts
/// it, with the status it must then have.
fn approve(dealt: &Dealt, name: &str, x: usize) -> Vec<Step> {
    let status = if x >= K { "active" } else { "registered" };
    let sig = format!("sig_{name}_{x}");
    vec![
        Step::new(
            format!("sign-{name}-{x}"),
            &["QVM-020"],
            format!("custodian {x} signs its approval of the {name} program"),
        )
        .post(&custodian(x), "/approve", json!({"program_id": dealt.id()}))
        .ok(200)
        .body("/program_id", json!(dealt.id()))
        .body("/x", json!(x))
        .body("/public_key", json!(format!("${{key_{x}}}")))
        .capture(&sig, "/signature"),
        Step::new(
            format!("approve-{name}-{x}"),
            &["QVM-025", "QVM-026"],
            format!("approval {x} of the {name} program: {x} of K = {K}, status {status}"),
        )
        .post(
            "coordinator",
            format!("/programs/{}/approvals", dealt.id()),
            json!({"x": x, "signature": format!("${{{sig}}}")}),
        )
        .ok(200)
        .body("/program_id", json!(dealt.id()))
        .body("/status", json!(status))
        .body("/approvals", json!(x))
        .body("/needed", json!(K)),
    ]
}

fn eval_body(dealt: &Dealt, identity: &str, x: &str) -> Value {
    json!({"identity_id": identity, "program_id": dealt.id(), "inputs": {"x": x}})
}

/// An evaluation that succeeds with the reference's output.
fn evaluate(
    dealt: &Dealt,
    id: &str,
    identity: &str,
    x: &str,
    request_id: Option<&str>,
) -> Result<Step, Error> {
    let value = Fp::parse(x).map_err(|e| failure(id, e))?;
    let mut body = eval_body(dealt, identity, x);
    if let Some(request_id) = request_id {
        body["request_id"] = json!(request_id);
    }
    let mut step = Step::new(
        id,
        &["QVM-027"],
        format!("{identity} evaluates at x = {x}: ((x + S_v)^2 + 7)·x for the dealt S_v"),
    )
    .post("coordinator", "/eval", body)
    .ok(200)
    .body("/output", json!(dealt.output(value)?))
    .body("/program_id", json!(dealt.id()))
    .body("/rounds", json!(3));
    if let Some(request_id) = request_id {
        step = step.body("/request_id", json!(request_id));
    }
    Ok(step)
}

fn scenario(
    id: &str,
    description: &str,
    reqs: &[&str],
    dealt: &[&Dealt],
    steps: Vec<Step>,
) -> Value {
    let steps: Vec<Value> = steps.into_iter().map(Step::build).collect();
    let mut all_reqs: Vec<String> = reqs.iter().map(|r| (*r).to_owned()).collect();
    for step in &steps {
        for req in step["reqs"].as_array().into_iter().flatten() {
            if let Some(req) = req.as_str()
                && !all_reqs.iter().any(|r| r == req)
            {
                all_reqs.push(req.to_owned());
            }
        }
    }
    let mut targets = vec!["coordinator".to_owned()];
    targets.extend((1..=N).map(custodian));
    let programs: Vec<Value> = dealt
        .iter()
        .map(|d| json!({"program_id": d.id(), "drbg_label": d.label}))
        .collect();
    json!({
        "id": id,
        "reqs": all_reqs,
        "description": description,
        "flags": ["fresh"],
        "k": K,
        "n": N,
        "targets": targets,
        "programs": programs,
        "steps": steps,
    })
}

fn activation() -> Result<Value, Error> {
    let name = "activation";
    let dealt = Dealt::new(&format!("{LABEL}/{name}"), (1, 100, 100), 4)?;
    let mut steps = health();
    steps.extend(register_custodians());
    steps.push(
        Step::new(
            "register-custodian-1-again",
            &["QVM-025"],
            "registering custodian 1 again with the same key is idempotent: 200",
        )
        .post(
            "coordinator",
            "/custodians",
            json!({"x": 1, "url": "${url:custodian:1}", "public_key": "${key_1}"}),
        )
        .ok(200),
    );
    steps.extend(install(&dealt, name)?);
    steps.push(
        Step::new(
            "install-again",
            &["QVM-021"],
            "installing the same program again at custodian 1 is 409",
        )
        .post(&custodian(1), "/install", dealt.install_body(1)?)
        .error(409, "SVC_ALREADY_INSTALLED"),
    );
    steps.push(
        Step::new(
            "register-again",
            &["QVM-025"],
            "registering the same program with the same slots again is idempotent: 200",
        )
        .post(
            "coordinator",
            "/programs",
            json!({"package": dealt.package.to_json(), "slots": dealt.slots}),
        )
        .ok(200)
        .body("/status", json!("registered")),
    );
    steps.push(
        Step::new(
            "program-registered",
            &["QVM-025"],
            "a new program has no approval and needs K",
        )
        .get("coordinator", format!("/programs/{}", dealt.id()))
        .ok(200)
        .body("/program_id", json!(dealt.id()))
        .body("/status", json!("registered"))
        .body("/approvals", json!(0))
        .body("/needed", json!(K)),
    );
    steps.push(
        Step::new(
            "eval-before-activation",
            &["QVM-026", "QVM-027"],
            "a registered program that is not active is not evaluated",
        )
        .post(
            "coordinator",
            "/eval",
            eval_body(&dealt, "activation-alice", "3"),
        )
        .error(403, "SVC_NOT_ACTIVE"),
    );
    steps.push(
        Step::new(
            "sign-unknown-program",
            &["QVM-020"],
            "a custodian signs no approval of a program not installed at it",
        )
        .post(
            &custodian(1),
            "/approve",
            json!({"program_id": NOT_FOUND_ID}),
        )
        .error(404, "SVC_PROGRAM_UNKNOWN"),
    );
    steps.push(
        Step::new(
            "approve-unknown-program",
            &["QVM-025"],
            "an approval of a program that is not registered is 404",
        )
        .post(
            "coordinator",
            format!("/programs/{NOT_FOUND_ID}/approvals"),
            json!({"x": 1, "signature": dealt.forged_signature()?}),
        )
        .error(404, "SVC_PROGRAM_UNKNOWN"),
    );
    steps.extend(approve(&dealt, name, 1));
    steps.push(
        Step::new(
            "approve-activation-1-again",
            &["QVM-025"],
            "the same custodian's approval again does not count: still 1",
        )
        .post(
            "coordinator",
            format!("/programs/{}/approvals", dealt.id()),
            json!({"x": 1, "signature": "${sig_activation_1}"}),
        )
        .ok(200)
        .body("/status", json!("registered"))
        .body("/approvals", json!(1)),
    );
    steps.push(
        Step::new(
            "approve-with-another-custodians-signature",
            &["QVM-025"],
            "custodian 1's signature presented as custodian 2's is refused",
        )
        .post(
            "coordinator",
            format!("/programs/{}/approvals", dealt.id()),
            json!({"x": 2, "signature": "${sig_activation_1}"}),
        )
        .error(403, "SVC_APPROVAL_INVALID"),
    );
    steps.push(
        Step::new(
            "approve-forged",
            &["QVM-025"],
            "an approval signed by a key that is no custodian's is refused",
        )
        .post(
            "coordinator",
            format!("/programs/{}/approvals", dealt.id()),
            json!({"x": 2, "signature": dealt.forged_signature()?}),
        )
        .error(403, "SVC_APPROVAL_INVALID"),
    );
    steps.push(
        Step::new(
            "approve-malformed-signature",
            &["QVM-025"],
            "a signature that is not 128 lowercase hex digits is refused",
        )
        .post(
            "coordinator",
            format!("/programs/{}/approvals", dealt.id()),
            json!({"x": 2, "signature": "not-a-signature"}),
        )
        .error(403, "SVC_APPROVAL_INVALID"),
    );
    steps.push(
        Step::new(
            "still-one-approval",
            &["QVM-025"],
            "refused approvals recorded nothing",
        )
        .get("coordinator", format!("/programs/{}", dealt.id()))
        .ok(200)
        .body("/status", json!("registered"))
        .body("/approvals", json!(1)),
    );
    steps.extend(approve(&dealt, name, 2));
    steps.push(
        Step::new(
            "eval-below-k",
            &["QVM-026", "QVM-027"],
            "K - 1 approvals do not activate",
        )
        .post(
            "coordinator",
            "/eval",
            eval_body(&dealt, "activation-alice", "3"),
        )
        .error(403, "SVC_NOT_ACTIVE"),
    );
    steps.extend(approve(&dealt, name, 3));
    steps.extend(approve(&dealt, name, 4));
    steps.push(
        Step::new(
            "program-active",
            &["QVM-026"],
            "the program is active with every approval counted",
        )
        .get("coordinator", format!("/programs/{}", dealt.id()))
        .ok(200)
        .body("/status", json!("active"))
        .body("/approvals", json!(4))
        .body("/needed", json!(K)),
    );
    steps.push(evaluate(
        &dealt,
        "eval-after-activation",
        "activation-alice",
        "3",
        None,
    )?);
    Ok(scenario(
        name,
        "install a program at five custodians, register it, and activate it with approvals \
         handed over one at a time: refused approvals and duplicates do not count, the K-th \
         activates, and only an active program is evaluated",
        &[
            "PROTO-080",
            "PROTO-081",
            "PROTO-082",
            "PROTO-083",
            "PROTO-084",
        ],
        &[&dealt],
        steps,
    ))
}

fn evaluation() -> Result<Value, Error> {
    let name = "evaluation";
    let dealt = Dealt::new(&format!("{LABEL}/{name}"), (1, 1000, 1000), 12)?;
    let mut steps = health();
    steps.extend(register_custodians());
    steps.extend(install(&dealt, name)?);
    for x in 1..=K {
        steps.extend(approve(&dealt, name, x));
    }
    let max = "170141183460469231731687303715884105726";
    for (i, x) in ["0", "1", "5", "-7", max].iter().enumerate() {
        steps.push(evaluate(
            &dealt,
            &format!("eval-{i}"),
            "evaluation-alice",
            x,
            None,
        )?);
    }
    steps.push(evaluate(
        &dealt,
        "eval-same-input-again",
        "evaluation-alice",
        "5",
        None,
    )?);
    steps.push(evaluate(
        &dealt,
        "eval-with-request-id",
        "evaluation-bob",
        "2",
        Some("evaluation-request-1"),
    )?);
    let mut replay = eval_body(&dealt, "evaluation-bob", "2");
    replay["request_id"] = json!("evaluation-request-1");
    steps.push(
        Step::new(
            "eval-replayed-request-id",
            &["QVM-027"],
            "a request id admitted before is refused",
        )
        .post("coordinator", "/eval", replay)
        .error(409, "QVM_REQUEST_REPLAYED"),
    );
    steps.push(
        Step::new(
            "eval-body-not-json",
            &["QVM-027"],
            "a body that is not JSON is 400",
        )
        .post_raw("coordinator", "/eval", "{\"identity_id\": ")
        .error(400, "SVC_BODY_INVALID"),
    );
    steps.push(
        Step::new(
            "eval-member-missing",
            &["QVM-027"],
            "a body without identity_id is 400",
        )
        .post(
            "coordinator",
            "/eval",
            json!({"program_id": dealt.id(), "inputs": {"x": "1"}}),
        )
        .error(400, "SVC_BODY_INVALID"),
    );
    steps.push(
        Step::new(
            "eval-unknown-program",
            &["QVM-027"],
            "a program that is not registered is 404",
        )
        .post(
            "coordinator",
            "/eval",
            json!({"identity_id": "evaluation-alice", "program_id": NOT_FOUND_ID,
                   "inputs": {"x": "1"}}),
        )
        .error(404, "SVC_PROGRAM_UNKNOWN"),
    );
    steps.push(
        Step::new(
            "eval-input-missing",
            &["QVM-027"],
            "inputs without the program's input x are 422",
        )
        .post(
            "coordinator",
            "/eval",
            json!({"identity_id": "evaluation-alice", "program_id": dealt.id(),
                   "inputs": {"y": "1"}}),
        )
        .error(422, "QVM_INPUTS_INVALID"),
    );
    steps.push(
        Step::new(
            "eval-input-not-an-element",
            &["QVM-027"],
            "an input that is not a field element is 422",
        )
        .post(
            "coordinator",
            "/eval",
            eval_body(&dealt, "evaluation-alice", "twelve"),
        )
        .error(422, "FIELD_ELEMENT_INVALID"),
    );
    Ok(scenario(
        name,
        "activate a program and evaluate it: outputs equal the cleartext value for the dealt \
         S_v, a replayed request id, a malformed body, an unknown program and invalid inputs are \
         refused with their codes",
        &[
            "PROTO-080",
            "PROTO-081",
            "PROTO-082",
            "PROTO-083",
            "PROTO-084",
        ],
        &[&dealt],
        steps,
    ))
}

fn policy() -> Result<Value, Error> {
    let name = "policy";
    let rate = Dealt::new(&format!("{LABEL}/{name}/rate"), (1, 100, 2), 4)?;
    let budget = Dealt::new(&format!("{LABEL}/{name}/budget"), (1, 2, 100), 4)?;
    let mut steps = health();
    steps.extend(register_custodians());
    steps.extend(install(&rate, "rate")?);
    steps.extend(install(&budget, "budget")?);
    for x in 1..=K {
        steps.extend(approve(&rate, "rate", x));
    }
    for x in 1..=K {
        steps.extend(approve(&budget, "budget", x));
    }
    steps.push(
        Step::new(
            "audit-before",
            &["QVM-029"],
            "the audit log verifies; its length is captured",
        )
        .get("coordinator", "/audit/verify")
        .ok(200)
        .body("/valid", json!(true))
        .capture("audit_start", "/count"),
    );
    steps.push(evaluate(&rate, "rate-1", "policy-alice", "1", None)?);
    steps.push(evaluate(&rate, "rate-2", "policy-alice", "2", None)?);
    steps.push(
        Step::new(
            "rate-limited",
            &["QVM-027"],
            "a third evaluation within the minute under max_evals_per_minute = 2 is 429 with \
             Retry-After",
        )
        .post(
            "coordinator",
            "/eval",
            eval_body(&rate, "policy-alice", "3"),
        )
        .error(429, "QVM_RATE_LIMITED")
        .header("retry-after"),
    );
    steps.push(evaluate(&budget, "budget-1", "policy-bob", "1", None)?);
    steps.push(evaluate(&budget, "budget-2", "policy-bob", "2", None)?);
    for i in 1..=2 {
        steps.push(
            Step::new(
                format!("budget-exhausted-{i}"),
                &["QVM-027"],
                "with budget_per_identity = 2 and cost_per_eval = 1 a third evaluation is 402, \
                 and stays 402",
            )
            .post(
                "coordinator",
                "/eval",
                eval_body(&budget, "policy-bob", "3"),
            )
            .error(402, "QVM_BUDGET_EXHAUSTED"),
        );
    }
    let decisions = [
        ("allow", "policy-alice"),
        ("allow", "policy-alice"),
        ("rate_limited", "policy-alice"),
        ("allow", "policy-bob"),
        ("allow", "policy-bob"),
        ("budget_exhausted", "policy-bob"),
        ("budget_exhausted", "policy-bob"),
    ];
    let mut audit = Step::new(
        "audit-entries",
        &["QVM-029"],
        "each policy decision appended one eval entry, allowed ones settled as success",
    )
    .get("coordinator", "/audit?offset=${audit_start}&limit=1000")
    .ok(200)
    .length("/entries", decisions.len())
    .body("/next_offset", Value::Null);
    for (i, (decision, identity)) in decisions.iter().enumerate() {
        let program = if i < 3 { rate.id() } else { budget.id() };
        let mut entry = json!({"event": "eval", "decision": decision,
                               "identity_id": identity, "program_id": program});
        if *decision == "allow" {
            entry["outcome"] = json!("success");
        }
        audit = audit.body(&format!("/entries/{i}"), entry);
    }
    steps.push(audit);
    steps.push(
        Step::new("audit-verify", &["QVM-029"], "the audit log still verifies")
            .get("coordinator", "/audit/verify")
            .ok(200)
            .body("/valid", json!(true)),
    );
    Ok(scenario(
        name,
        "two active programs, one limited to 2 evaluations a minute and one with a budget of 2: \
         the third evaluation is 429, resp. 402, and every decision is in the audit log",
        &[
            "PROTO-080",
            "PROTO-081",
            "PROTO-082",
            "PROTO-083",
            "PROTO-084",
        ],
        &[&rate, &budget],
        steps,
    ))
}

/// Every service scenario file.
pub(crate) fn generate() -> Result<Vec<GeneratedFile>, Error> {
    let suite = "service/qvm-services";
    let cases = vec![activation()?, evaluation()?, policy()?];
    let notes = json!({
        "fresh": "the scenario needs services started with empty databases; the scenarios of \
                  this file may run one after the other on the same services (each installs \
                  its own programs and uses its own identities and request ids), but not twice",
    });
    let document = json!({
        "kind": SERVICE_KIND,
        "schema": "vectors/schema/vector-file.schema.json",
        "format_version": 1,
        "spec_version": SPEC_VERSION,
        "suite": suite,
        "generator": GENERATOR,
        "source": "spec/quorumvm.md",
        "drbg_label": LABEL,
        "notes": notes,
        "cases": cases,
    });
    let mut bytes = canonical_bytes(&document, suite)?;
    bytes.push(b'\n');
    Ok(vec![GeneratedFile {
        path: format!("{suite}.json"),
        suite: "service/qvm-services",
        bytes,
        cases: cases_len(&document),
    }])
}

fn cases_len(document: &Value) -> usize {
    document["cases"].as_array().map_or(0, Vec::len)
}
