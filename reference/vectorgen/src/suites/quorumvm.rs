//! `qvm/*` suites (spec/quorumvm.md): program ids, cleartext and threshold evaluation, policy
//! traces and the audit chain.

use serde_json::{Value, json};

use crate::{Case, Suite};

/// The example program of the issue and README.
pub(crate) const EXAMPLE: &str = "input x\nconst c = 7\nadd t = x c\nmul y = t t\noutput y\n";
/// Depth 2 with the secret: y = (x * s + 3) * x, mul by a public constant stays local.
const WITH_SECRET: &str = "input x\nsecret s\nconst three = 3\nconst two = 2\nmul xs = x s\nadd u = xs three\nmul v = u x\nmul y = v two\noutput y\n";
/// Two inputs, a subtraction with a public left operand, depth 1.
const TWO_INPUTS: &str = "input a\ninput b\nconst k = 10\nsub d = k a\nmul y = d b\noutput y\n";
/// No multiplication at all: one round (the output round).
const AFFINE: &str = "input x\nsecret s\nadd y = x s\noutput y\n";

/// The IR the reference compiles `source` to (the filler fails loudly if it does not compile).
fn ir(source: &str) -> Value {
    driver::run_case("dsl.compile", &json!({ "source": source }))
        .unwrap_or_else(|e| json!({ "compile_error": e.code() }))
}

fn policy(cost: u64, budget: u64, per_minute: u64) -> Value {
    json!({ "cost_per_eval": cost, "budget_per_identity": budget, "max_evals_per_minute": per_minute })
}

fn secret_manifest(wire: Option<&str>) -> Value {
    match wire {
        Some(wire) => json!({ "parameters": [{ "name": "S_v", "wire": wire }] }),
        None => json!({ "parameters": [] }),
    }
}

pub(crate) fn program_id() -> Suite {
    let op = "qvm.program_id";
    let example = ir(EXAMPLE);
    let base = json!({ "ir": example, "policy_manifest": policy(1, 10, 5), "secret_manifest": secret_manifest(None) });
    let mut other_policy = base.clone();
    other_policy["policy_manifest"] = policy(2, 10, 5);
    let mut cases = vec![
        Case::computed(
            "example",
            &["QVM-002"],
            "the example program with a small policy",
            op,
            base.clone(),
        ),
        Case::computed(
            "policy-changes-id",
            &["QVM-002"],
            "the same program with another cost: another id",
            op,
            other_policy,
        ),
        Case::computed(
            "with-secret",
            &["QVM-002"],
            "a program with the secret parameter",
            op,
            json!({ "ir": ir(WITH_SECRET), "policy_manifest": policy(1, 100, 60), "secret_manifest": secret_manifest(Some("s")) }),
        ),
    ];
    for (id, manifest, description) in [
        ("cost-zero", policy(0, 10, 5), "cost_per_eval 0"),
        ("rate-zero", policy(1, 10, 0), "max_evals_per_minute 0"),
        (
            "missing-member",
            json!({ "cost_per_eval": 1, "budget_per_identity": 10 }),
            "a policy without max_evals_per_minute",
        ),
        (
            "negative",
            json!({ "cost_per_eval": -1, "budget_per_identity": 10, "max_evals_per_minute": 5 }),
            "a negative cost",
        ),
    ] {
        let mut input = base.clone();
        input["policy_manifest"] = manifest;
        cases.push(Case::error(
            format!("policy-invalid-{id}"),
            &["QVM-003"],
            description,
            op,
            input,
            "QVM_POLICY_INVALID",
        ));
    }
    let mut wrong_secret = base.clone();
    wrong_secret["secret_manifest"] = secret_manifest(Some("s"));
    cases.push(Case::error(
        "secret-manifest-mismatch",
        &["QVM-001"],
        "a secret manifest naming a wire the program does not have",
        op,
        wrong_secret,
        "QVM_PACKAGE_INVALID",
    ));
    let mut bad_ir = base;
    bad_ir["ir"]["output_node_id"] = json!("nope");
    cases.push(Case::error(
        "ir-invalid",
        &["QVM-001"],
        "an IR whose output names no node",
        op,
        bad_ir,
        "QVM_PACKAGE_INVALID",
    ));
    Suite {
        name: "qvm/program-id",
        source: "spec/quorumvm.md",
        notes: vec![],
        cases,
    }
}

pub(crate) fn eval_clear() -> Suite {
    let op = "qvm.eval_clear";
    let example = ir(EXAMPLE);
    let with_secret = ir(WITH_SECRET);
    let cases = vec![
        Case::known(
            "example-5",
            &["QVM-010"],
            "(5 + 7)^2",
            op,
            json!({ "ir": example, "inputs": { "x": "5" } }),
            json!("144"),
        ),
        Case::known(
            "example-minus-7",
            &["QVM-010"],
            "(-7 + 7)^2 = 0",
            op,
            json!({ "ir": example, "inputs": { "x": -7 } }),
            json!("0"),
        ),
        Case::known(
            "example-p-minus-7",
            &["QVM-010"],
            "x = p - 7 wraps to 0",
            op,
            json!({ "ir": example, "inputs": { "x": "170141183460469231731687303715884105720" } }),
            json!("0"),
        ),
        Case::computed(
            "example-large",
            &["QVM-010"],
            "a 39-digit input",
            op,
            json!({ "ir": example, "inputs": { "x": "123456789012345678901234567890123456789" } }),
        ),
        Case::known(
            "with-secret",
            &["QVM-010"],
            "((2 * 9 + 3) * 2) * 2 with x = 2, s = 9",
            op,
            json!({ "ir": with_secret, "inputs": { "x": "2" }, "secret": "9" }),
            json!("84"),
        ),
        Case::known(
            "two-inputs",
            &["QVM-010"],
            "(10 - 4) * 5",
            op,
            json!({ "ir": ir(TWO_INPUTS), "inputs": { "a": 4, "b": 5 } }),
            json!("30"),
        ),
        Case::error(
            "missing-input",
            &["QVM-011"],
            "no value for x",
            op,
            json!({ "ir": example, "inputs": {} }),
            "QVM_INPUTS_INVALID",
        ),
        Case::error(
            "extra-input",
            &["QVM-011"],
            "a value for a wire that is not an input",
            op,
            json!({ "ir": example, "inputs": { "x": 1, "t": 2 } }),
            "QVM_INPUTS_INVALID",
        ),
        Case::error(
            "missing-secret",
            &["QVM-011"],
            "a program with a secret evaluated without one",
            op,
            json!({ "ir": with_secret, "inputs": { "x": 1 } }),
            "QVM_INPUTS_INVALID",
        ),
        Case::error(
            "input-not-element",
            &["QVM-011", "FIELD-003"],
            "an input that is not a field element",
            op,
            json!({ "ir": example, "inputs": { "x": "five" } }),
            "FIELD_ELEMENT_INVALID",
        ),
    ];
    Suite {
        name: "qvm/eval-clear",
        source: "spec/quorumvm.md",
        notes: vec![],
        cases,
    }
}

pub(crate) fn threshold() -> Suite {
    let op = "qvm.eval_threshold";
    let example = ir(EXAMPLE);
    let mut cases = Vec::new();
    let all: Vec<[u8; 3]> = (1..=5u8)
        .flat_map(|a| ((a + 1)..=5).flat_map(move |b| ((b + 1)..=5).map(move |c| [a, b, c])))
        .collect();
    for (i, subset) in all.iter().enumerate() {
        let description = format!("3-of-5 example, x = 5, custodians {subset:?} in both rounds");
        let input = json!({ "ir": example, "inputs": { "x": "5" }, "k": 3, "n": 5, "label": "qvm/threshold/example", "rounds": [subset, subset] });
        cases.push(
            Case::computed(
                format!("example-subset-{i}"),
                &[
                    "QVM-040", "QVM-041", "QVM-030", "QVM-031", "QVM-034", "QVM-036", "QVM-046",
                ],
                description,
                op,
                input,
            )
            .flag("Drbg"),
        );
    }
    let base = |rounds: Value| json!({ "ir": example, "inputs": { "x": "5" }, "k": 3, "n": 5, "label": "qvm/threshold/example", "rounds": rounds });
    cases.extend([
        Case::computed(
            "example-different-subsets",
            &[
                "QVM-041", "QVM-042", "QVM-030", "QVM-031", "QVM-034", "QVM-036", "QVM-046",
            ],
            "round 1 by custodians 1,2,3 and the output by 3,4,5 (4 and 5 catch up)",
            op,
            base(json!([[1, 2, 3], [3, 4, 5]])),
        )
        .flag("Drbg"),
        Case::computed(
            "example-all-five",
            &[
                "QVM-043", "QVM-030", "QVM-031", "QVM-034", "QVM-036", "QVM-046",
            ],
            "all five answer every round: the extra answers are checked",
            op,
            base(json!([[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]])),
        )
        .flag("Drbg"),
        Case::error(
            "example-two-custodians",
            &[
                "QVM-044", "QVM-030", "QVM-031", "QVM-034", "QVM-036", "QVM-046",
            ],
            "only custodians 1 and 2 answer round 1",
            op,
            base(json!([[1, 2], [1, 2, 3]])),
            "QVM_QUORUM_UNAVAILABLE",
        ),
        Case::error(
            "example-two-outputs",
            &[
                "QVM-044", "QVM-030", "QVM-031", "QVM-034", "QVM-036", "QVM-046",
            ],
            "only two output shares",
            op,
            base(json!([[1, 2, 3], [4, 5]])),
            "QVM_QUORUM_UNAVAILABLE",
        ),
        Case::error(
            "example-wrong-round-count",
            &[
                "QVM-040", "QVM-030", "QVM-031", "QVM-034", "QVM-036", "QVM-046",
            ],
            "one custodian list for a program that needs two rounds",
            op,
            base(json!([[1, 2, 3]])),
            "QVM_INPUTS_INVALID",
        ),
        Case::error(
            "example-unknown-custodian",
            &[
                "QVM-040", "QVM-030", "QVM-031", "QVM-034", "QVM-036", "QVM-046",
            ],
            "custodian 6 of 5",
            op,
            base(json!([[1, 2, 6], [1, 2, 3]])),
            "QVM_INPUTS_INVALID",
        ),
    ]);
    let mut k_text = base(json!([[1, 2, 3], [1, 2, 3]]));
    k_text["k"] = json!("3");
    cases.push(Case::error(
        "k-not-integer",
        &["QVM-040", "SHAMIR-001"],
        "k given as a string",
        op,
        k_text,
        "SHAMIR_THRESHOLD_INVALID",
    ));
    let mut corrupt = base(json!([[1, 2, 3, 4], [1, 2, 3]]));
    corrupt["corrupt"] = json!({ "custodian": 2, "round": 1 });
    cases.push(
        Case::error(
            "corrupt-opening-detected",
            &[
                "QVM-043", "QVM-030", "QVM-031", "QVM-034", "QVM-036", "QVM-046",
            ],
            "custodian 2 sends a wrong d share and four answer: detected",
            op,
            corrupt,
            "QVM_INCONSISTENT_SHARES",
        )
        .flag("Drbg"),
    );
    let mut corrupt_output = base(json!([[1, 2, 3], [1, 2, 3, 5]]));
    corrupt_output["corrupt"] = json!({ "custodian": 5, "round": 2 });
    cases.push(
        Case::error(
            "corrupt-output-detected",
            &[
                "QVM-043", "QVM-030", "QVM-031", "QVM-034", "QVM-036", "QVM-046",
            ],
            "custodian 5 returns a wrong output share and four answer: detected",
            op,
            corrupt_output,
            "QVM_INCONSISTENT_SHARES",
        )
        .flag("Drbg"),
    );
    let mut corrupt_unseen = base(json!([[1, 2, 3], [1, 2, 3]]));
    corrupt_unseen["corrupt"] = json!({ "custodian": 2, "round": 1 });
    cases.push(Case::computed("corrupt-exactly-k-undetected", &["QVM-047", "QVM-043", "QVM-050", "QVM-030", "QVM-031", "QVM-034", "QVM-036", "QVM-046"], "custodian 2 lies and exactly k answer: nothing to check against, the output is wrong (semi-honest model)", op, corrupt_unseen).flag("Drbg"));
    cases.extend([
        Case::computed("with-secret-depth-2", &["QVM-040", "QVM-041", "QVM-030", "QVM-031", "QVM-034", "QVM-036", "QVM-046"], "a depth-2 program with S_v, 2-of-3", op, json!({ "ir": ir(WITH_SECRET), "inputs": { "x": "2" }, "secret": "9", "k": 2, "n": 3, "label": "qvm/threshold/with-secret", "rounds": [[1, 2], [2, 3], [3, 1]] })).flag("Drbg"),
        Case::computed("two-inputs", &["QVM-035", "QVM-040", "QVM-030", "QVM-031", "QVM-034", "QVM-036", "QVM-046"], "public-minus-secret and one multiplication, 2-of-2", op, json!({ "ir": ir(TWO_INPUTS), "inputs": { "a": 4, "b": 5 }, "k": 2, "n": 2, "label": "qvm/threshold/two-inputs", "rounds": [[1, 2], [2, 1]] })).flag("Drbg"),
        Case::computed("affine-one-round", &["QVM-045", "QVM-040", "QVM-030", "QVM-031", "QVM-034", "QVM-036", "QVM-046"], "no multiplication: only the output round", op, json!({ "ir": ir(AFFINE), "inputs": { "x": "1" }, "secret": "41", "k": 3, "n": 4, "label": "qvm/threshold/affine", "rounds": [[4, 2, 1]] })).flag("Drbg"),
        Case::computed("one-of-one", &["QVM-040", "QVM-030", "QVM-031", "QVM-034", "QVM-036", "QVM-046"], "a single custodian", op, json!({ "ir": example, "inputs": { "x": "5" }, "k": 1, "n": 1, "label": "qvm/threshold/one", "rounds": [[1], [1]] })).flag("Drbg"),
    ]);
    Suite {
        name: "qvm/threshold",
        source: "spec/quorumvm.md",
        notes: vec![(
            "Drbg",
            "shares and triples dealt from the DRBG labelled by the case's `label`, in the order of the transcript procedure",
        )],
        cases,
    }
}

pub(crate) fn policy_traces() -> Suite {
    let op = "qvm.policy_trace";
    let req = |t: u64, identity: &str, succeeds: bool| json!({ "t_ms": t, "identity": identity, "succeeds": succeeds });
    let burst: Vec<Value> = (0..4).map(|i| req(i, "alice", true)).collect();
    let refill = vec![
        req(0, "a", true),
        req(1, "a", true),
        req(2, "a", true),
        req(29_999, "a", true),
        req(30_000, "a", true),
        req(30_001, "a", true),
    ];
    let budget: Vec<Value> = (0..5).map(|i| req(i * 60_000, "bob", true)).collect();
    let failures = vec![
        req(0, "c", false),
        req(60_000, "c", false),
        req(120_000, "c", true),
        req(180_000, "c", true),
        req(240_000, "c", true),
    ];
    let backwards = vec![
        req(100_000, "d", true),
        req(100_001, "d", true),
        req(50_000, "d", true),
        req(160_001, "d", true),
    ];
    let identities = vec![
        req(0, "x", true),
        req(0, "y", true),
        req(0, "x", true),
        req(0, "y", true),
        req(1, "x", true),
    ];
    let cases = vec![
        Case::computed(
            "burst-rate-limited",
            &["QVM-065", "QVM-060", "QVM-061"],
            "capacity 3 per minute: the fourth request in a burst is rate limited",
            op,
            json!({ "policy": policy(1, 100, 3), "requests": burst }),
        ),
        Case::computed(
            "refill",
            &["QVM-065", "QVM-061"],
            "2 per minute: one token returns after 30 s",
            op,
            json!({ "policy": policy(1, 100, 2), "requests": refill }),
        ),
        Case::computed(
            "budget-exhausted",
            &["QVM-065", "QVM-062", "QVM-063"],
            "budget 9, cost 3: the fourth success exhausts it",
            op,
            json!({ "policy": policy(3, 9, 1), "requests": budget }),
        ),
        Case::computed(
            "failures-not-charged",
            &["QVM-065", "QVM-063"],
            "failed evaluations consume a token but no budget",
            op,
            json!({ "policy": policy(5, 10, 1), "requests": failures }),
        ),
        Case::computed(
            "clock-backwards",
            &["QVM-065", "QVM-061"],
            "a request earlier than the last one refills nothing",
            op,
            json!({ "policy": policy(1, 100, 1), "requests": backwards }),
        ),
        Case::computed(
            "identities-independent",
            &["QVM-065", "QVM-060"],
            "each identity has its own bucket and budget",
            op,
            json!({ "policy": policy(1, 2, 1), "requests": identities }),
        ),
        Case::known(
            "empty",
            &["QVM-065", "QVM-060"],
            "no requests",
            op,
            json!({ "policy": policy(1, 1, 1), "requests": [] }),
            json!([]),
        ),
        Case::error(
            "invalid-policy",
            &["QVM-003"],
            "a zero rate",
            op,
            json!({ "policy": policy(1, 1, 0), "requests": [] }),
            "QVM_POLICY_INVALID",
        ),
        Case::error(
            "requests-shape-before-policy",
            &["QVM-065", "PROTO-070"],
            "a malformed request and an invalid policy: the shape is reported",
            op,
            json!({ "policy": policy(1, 1, 0), "requests": [{ "t_ms": 0 }] }),
            "PROTO_CASE_INVALID",
        ),
    ];
    Suite {
        name: "qvm/policy",
        source: "spec/quorumvm.md",
        notes: vec![],
        cases,
    }
}

pub(crate) fn audit() -> Suite {
    let bodies = vec![
        json!({ "ts": 1_700_000_000_000_u64, "kind": "eval", "identity_id": "alice", "program_id": "ab".repeat(32), "decision": "allow", "output_hash": "00".repeat(32) }),
        json!({ "ts": 1_700_000_000_500_u64, "kind": "eval", "identity_id": "bob", "program_id": "ab".repeat(32), "decision": "rate_limited" }),
        json!({ "ts": 1_700_000_001_000_u64, "kind": "activate", "program_id": "ab".repeat(32), "approvals": ["c1", "c3", "c4"] }),
        json!({ "ts": 1_700_000_002_000_u64, "kind": "eval", "identity_id": "alice", "program_id": "ab".repeat(32), "decision": "budget_exhausted", "note": "ünïcödé ✓" }),
    ];
    let chained =
        driver::run_case("qvm.audit_chain", &json!({ "entries": bodies })).unwrap_or(Value::Null);
    let entries: Vec<Value> = chained.as_array().cloned().unwrap_or_default();
    let verify = |id: &str, reqs: &[&'static str], description: &str, entries: Vec<Value>| {
        Case::computed(
            id,
            reqs,
            description,
            "qvm.audit_verify",
            json!({ "entries": entries }),
        )
    };
    let mut edited = entries.clone();
    if let Some(e) = edited.get_mut(1) {
        e["decision"] = json!("allow");
    }
    let mut deleted = entries.clone();
    deleted.remove(1);
    let mut inserted = entries.clone();
    inserted.insert(2, entries[1].clone());
    let mut reordered = entries.clone();
    reordered.swap(1, 2);
    let mut rehashed_edit = edited.clone();
    // An attacker who edits entry 1 and recomputes its hash still breaks entry 2's link.
    let rechained = driver::run_case("qvm.audit_chain", &json!({ "entries": bodies_of(&edited) }))
        .unwrap_or(Value::Null);
    if let (Some(e), Some(r)) = (rehashed_edit.get_mut(1), rechained.get(1)) {
        *e = r.clone();
    }
    let mut bad_seq = entries.clone();
    if let Some(e) = bad_seq.get_mut(0) {
        e["seq"] = json!("0");
    }
    let mut first_prev = entries.clone();
    if let Some(e) = first_prev.get_mut(0) {
        e["prev_hash"] = json!("11".repeat(32));
    }
    let cases = vec![
        Case::computed(
            "chain",
            &["QVM-070"],
            "four bodies chained",
            "qvm.audit_chain",
            json!({ "entries": bodies }),
        ),
        Case::known(
            "chain-empty",
            &["QVM-070"],
            "no entries",
            "qvm.audit_chain",
            json!({ "entries": [] }),
            json!([]),
        ),
        Case::error(
            "chain-reserved-member",
            &["QVM-070"],
            "a body that already has entry_hash",
            "qvm.audit_chain",
            json!({ "entries": [{ "kind": "eval", "entry_hash": "00" }] }),
            "QVM_AUDIT_INVALID",
        ),
        Case::error(
            "chain-not-object",
            &["QVM-070"],
            "a body that is not an object",
            "qvm.audit_chain",
            json!({ "entries": [1] }),
            "QVM_AUDIT_INVALID",
        ),
        verify(
            "verify-intact",
            &["QVM-071"],
            "the intact chain verifies and gives its head",
            entries.clone(),
        ),
        verify(
            "verify-empty",
            &["QVM-071"],
            "an empty log verifies with no head",
            vec![],
        ),
        verify("verify-edited", &["QVM-072"], "entry 1 edited", edited),
        verify(
            "verify-edited-rehashed",
            &["QVM-072"],
            "entry 1 edited and re-hashed: entry 2's link breaks",
            rehashed_edit,
        ),
        verify("verify-deleted", &["QVM-072"], "entry 1 deleted", deleted),
        verify(
            "verify-inserted",
            &["QVM-072"],
            "entry 1 duplicated after itself",
            inserted,
        ),
        verify(
            "verify-reordered",
            &["QVM-072"],
            "entries 1 and 2 swapped",
            reordered,
        ),
        verify(
            "verify-seq-mistyped",
            &["QVM-072"],
            "seq written as a string",
            bad_seq,
        ),
        verify(
            "verify-first-prev",
            &["QVM-072"],
            "the first entry's prev_hash is not zeros",
            first_prev,
        ),
        verify(
            "verify-truncated-tail",
            &["QVM-071"],
            "a prefix of a chain verifies (truncation is only detected against a known head)",
            entries[..2].to_vec(),
        ),
    ];
    Suite {
        name: "qvm/audit",
        source: "spec/quorumvm.md",
        notes: vec![],
        cases,
    }
}

/// The bodies of chained entries (the entries without their chain members).
fn bodies_of(entries: &[Value]) -> Vec<Value> {
    entries
        .iter()
        .map(|e| {
            let mut body = e.clone();
            if let Some(object) = body.as_object_mut() {
                for member in ["seq", "prev_hash", "entry_hash"] {
                    object.remove(member);
                }
            }
            body
        })
        .collect()
}
