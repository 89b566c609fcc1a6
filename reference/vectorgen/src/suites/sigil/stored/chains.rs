//! `sigil/chains`: ReasoningChains of allow, deny and error decisions frozen, verified against key
//! histories, and refused when malformed, rehashed or tampered with byte by byte (SIGIL-012,
//! SIGIL-013, SIGIL-014, SIGIL-051).

use serde_json::{Value, json};
use sigil::chain::ReasoningChain;
use sigil::decide::{DecisionContext, decide};
use sigil::features::CheckRequest;
use sigil::model::TrustModel;

use super::{SERVICE, SERVICE_NEXT, canonical, hex_of, text_of};
use crate::suites::sigil::{call, checked, flip_cases, pub_key, serde_of};
use crate::{Case, Suite};

/// A decision's ReasoningChain JSON, made by the core's `decide`.
fn chain(action: &str, loa: &str, input: &str, window: u64, fail: bool) -> Value {
    let text = json!({ "tenant": "acme", "actor": "ann", "action": action, "target": "public:doc", "loa": loa, "input": input }).to_string();
    let Ok(request) = CheckRequest::parse(text.as_bytes()) else {
        return Value::Null;
    };
    let context = DecisionContext {
        decision_id: format!("dec_{:032x}", u128::from(window) + 0xabc),
        ts: 1_767_225_600_000 + window,
        window_count: window,
    };
    let model = TrustModel::default_model();
    let chain: ReasoningChain = if fail {
        decide(&model, &request, context, |_, _| {
            Err(sigil::Error::EvalFailed {
                reason: "injected".into(),
            })
        })
    } else {
        decide(&model, &request, context, TrustModel::score)
    };
    serde_of(&chain.to_json())
}

pub(crate) fn chains() -> Suite {
    let mut cases = Vec::new();
    let keys = json!([pub_key(SERVICE)]);
    let chains = [
        ("allow", chain("read", "Operator", "hello", 0, false)),
        ("deny", chain("delete", "Guest", "rm -rf /", 12, false)),
        ("error", chain("read", "User", "x", 3, true)),
    ];
    let mut frozen_allow = Value::Null;
    for (id, c) in &chains {
        let input = json!({ "chain": c, "seed_label": SERVICE });
        let frozen = call("sigil.chain_freeze", &input);
        let property = frozen.clone().and_then(|f| {
            let verify = json!({ "bytes": f["bytes"], "keys": keys });
            match call("sigil.chain_verify", &verify)? {
                Value::Bool(true) => Ok(()),
                other => Err(format!("the frozen chain does not verify: {other}")),
            }
        });
        if *id == "allow" {
            frozen_allow = frozen.clone().unwrap_or(Value::Null);
        }
        cases.push(checked(
            Case::computed(
                format!("freeze-{id}"),
                &["SIGIL-013", "SIGIL-012"],
                format!("freeze the {id} decision's chain; it verifies"),
                "sigil.chain_freeze",
                input,
            ),
            property,
        ));
        if let Ok(f) = frozen {
            cases.push(Case::known(
                format!("verify-{id}"),
                &["SIGIL-014"],
                format!("the frozen {id} chain verifies"),
                "sigil.chain_verify",
                json!({ "bytes": f["bytes"], "keys": keys }),
                json!(true),
            ));
        }
    }
    let mut bad_chain = chains[0].1.clone();
    bad_chain["chain_version"] = json!(2);
    cases.push(Case::error(
        "freeze-shape",
        &["SIGIL-012"],
        "a chain with chain_version 2 is not a ReasoningChain",
        "sigil.chain_freeze",
        json!({ "chain": bad_chain, "seed_label": SERVICE }),
        "SIGIL_CHAIN_SHAPE",
    ));
    let bytes = frozen_allow["bytes"].clone();
    let text = text_of(&bytes);
    let parsed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let verify = |id: &str, description: &str, hex: String, keys: Value, code: &'static str| {
        Case::error(
            format!("verify-{id}"),
            &["SIGIL-014"],
            description,
            "sigil.chain_verify",
            json!({ "bytes": hex, "keys": keys }),
            code,
        )
    };
    cases.push(Case::known(
        "verify-old-key-in-history",
        &["SIGIL-014", "SIGIL-051"],
        "a chain signed by the first key verifies against a history of two keys",
        "sigil.chain_verify",
        json!({ "bytes": bytes, "keys": [pub_key(SERVICE), pub_key(SERVICE_NEXT)] }),
        json!(true),
    ));
    cases.push(verify(
        "key-unknown",
        "the signer is not in the verifier's history",
        bytes.as_str().unwrap_or_default().to_owned(),
        json!([pub_key(SERVICE_NEXT)]),
        "SIGIL_KEY_UNKNOWN",
    ));
    cases.push(verify(
        "not-json",
        "stored bytes that are not JSON",
        hex_of("{\"chain\""),
        keys.clone(),
        "CANON_JSON_SYNTAX",
    ));
    cases.push(verify(
        "noncanonical-space",
        "a leading space",
        hex_of(&format!(" {text}")),
        keys.clone(),
        "SIGIL_CHAIN_NONCANONICAL",
    ));
    cases.push(verify(
        "noncanonical-order",
        "members out of RFC 8785 order",
        hex_of(&format!(
            "{{\"signature\":{},\"chain\":{},\"chain_sha256\":{},\"public_key\":{}}}",
            parsed["signature"],
            canonical(&parsed["chain"]),
            parsed["chain_sha256"],
            parsed["public_key"]
        )),
        keys.clone(),
        "SIGIL_CHAIN_NONCANONICAL",
    ));
    let mutate = |f: &dyn Fn(&mut Value)| {
        let mut v = parsed.clone();
        f(&mut v);
        hex_of(&canonical(&v))
    };
    for (id, description, hex) in [
        (
            "shape-extra",
            "an extra member",
            mutate(&|v| v["extra"] = json!(1)),
        ),
        (
            "shape-chain-member-missing",
            "the chain lacks `reason`",
            mutate(&|v| {
                if let Some(m) = v["chain"].as_object_mut() {
                    m.remove("reason");
                }
            }),
        ),
        (
            "shape-feature-string",
            "a feature that is a string",
            mutate(&|v| v["chain"]["features"][0] = json!("1")),
        ),
        (
            "shape-uppercase-key",
            "public_key in uppercase hex",
            mutate(&|v| {
                v["public_key"] = json!(v["public_key"].as_str().unwrap_or_default().to_uppercase())
            }),
        ),
        (
            "shape-loa",
            "a request loa that is not a level",
            mutate(&|v| v["chain"]["request"]["loa"] = json!("Root")),
        ),
    ] {
        cases.push(verify(
            id,
            description,
            hex,
            keys.clone(),
            "SIGIL_CHAIN_SHAPE",
        ));
    }
    cases.push(verify(
        "hash-mismatch",
        "the chain's ts changed, chain_sha256 kept",
        mutate(&|v| v["chain"]["ts"] = json!(1)),
        keys.clone(),
        "SIGIL_CHAIN_HASH",
    ));
    cases.push(verify(
        "hash-and-signature-of-another-chain",
        "allowed turned to false with its new hash, the old signature kept",
        {
            let mut v = parsed.clone();
            v["chain"]["allowed"] = json!(false);
            let chain_text = canonical(&v["chain"]);
            let digest = canon::hex::encode(&canon::id::sha256(chain_text.as_bytes()));
            v["chain_sha256"] = json!(digest);
            hex_of(&canonical(&v))
        },
        keys.clone(),
        "SIGIL_CHAIN_SIG",
    ));
    if !text.is_empty() {
        let len = text.len();
        cases.extend(flip_cases(
            "allow",
            &["SIGIL-014"],
            "the frozen allow chain",
            "sigil.chain_verify",
            &json!({ "bytes": bytes, "keys": keys }),
            len,
        ));
        let keys_history = keys.clone();
        let property = super::every_flip_fails(text.as_bytes(), |tampered| {
            call(
                "sigil.chain_verify",
                &json!({ "bytes": canon::hex::encode(tampered), "keys": keys_history }),
            )
            .is_ok()
        });
        if let (Err(message), Some(last)) = (property, cases.last_mut()) {
            last.intent = crate::Intent::Known(json!({ "property_failed": message }));
        }
    }
    Suite {
        name: "sigil/chains",
        source: "spec/sigil.md",
        notes: vec![],
        cases,
    }
}
