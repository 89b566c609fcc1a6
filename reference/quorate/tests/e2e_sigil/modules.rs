//! Modules: the LOA gate before anything runs (SIGIL-060), modules run in the MTPScript sandbox
//! with their gas limit (SIGIL-061), and new modules registered in system space under the
//! quorum (SIGIL-041).

use serde_json::json;

use crate::service::Sigil;
use crate::{get, post, post_raw, witness};

/// The LOA gate runs before the module: Operator and Admin get 200 with the module's content,
/// Guest, User and no level get 403; an unknown module is 404.
#[test]
fn e2e_module_gate() {
    let sigil = Sigil::start("sigil-module", 1, 1, None);
    let url = sigil.at("/module/hello/run");
    for loa in ["Operator", "Admin"] {
        let reply = post(&url, &json!({"name": "ann"}), &[("x-sigil-loa", loa)]).ok();
        assert_eq!(reply["body"], json!({"hello": "ann"}), "{loa}");
        assert_eq!(reply["logs"], json!(["hello ann"]));
        assert!(reply["gas_used"].as_u64().unwrap() > 0);
        let body = canon::json::canonicalize(br#"{"hello":"ann"}"#).unwrap();
        assert_eq!(
            reply["sha256"],
            json!(canon::hex::encode(&canon::id::sha256(body.as_bytes())))
        );
    }
    let world = post(&url, &json!({}), &[("x-sigil-loa", "Operator")]).ok();
    assert_eq!(world["body"], json!({"hello": "world"}));
    for loa in ["Guest", "User", "operator", ""] {
        post(&url, &json!({"name": "ann"}), &[("x-sigil-loa", loa)])
            .refused(403, "SIGIL_LOA_INSUFFICIENT");
    }
    post(&url, &json!({}), &[]).refused(403, "SIGIL_LOA_INSUFFICIENT");
    // The gate comes before the input is even read.
    post_raw(&url, b"not json".to_vec(), &[("x-sigil-loa", "Guest")])
        .refused(403, "SIGIL_LOA_INSUFFICIENT");
    post(
        &sigil.at("/module/nope/run"),
        &json!({}),
        &[("x-sigil-loa", "Admin")],
    )
    .refused(404, "SIGIL_MODULE_UNKNOWN");
}

/// Modules are registered in system space under the quorum, then run behind their own level;
/// a module that exhausts its gas is 422 with the sandbox's code.
#[test]
fn e2e_sigil_module_registry_and_limits() {
    let sigil = Sigil::start("sigil-modules", 1, 1, None);
    let echo = "function main(input) { return { echoed: input }; }";
    let spin = "function f(n) { return f(n + 1); }\nfunction main(input) { return f(0); }";
    for (name, source, min_loa, gas) in [
        ("echo", echo, "User", 10_000),
        ("spin", spin, "Guest", 5_000),
    ] {
        let proposal = sigil.propose(
            "sigil.module.register",
            json!({"name": name, "source": source, "min_loa": min_loa, "gas_limit": gas}),
        );
        post(
            &sigil.at(&format!("/module/{name}/run")),
            &json!({}),
            &[("x-sigil-loa", "Admin")],
        )
        .refused(404, "SIGIL_MODULE_UNKNOWN");
        assert_eq!(
            sigil.attest(&proposal, &witness(0)).ok()["status"],
            json!("committed")
        );
    }
    let listed = get(&sigil.at("/modules")).ok();
    assert_eq!(listed["modules"].as_array().unwrap().len(), 3);
    let url = sigil.at("/module/echo/run");
    post(&url, &json!([1]), &[("x-sigil-loa", "Guest")]).refused(403, "SIGIL_LOA_INSUFFICIENT");
    let reply = post(&url, &json!([1, "two"]), &[("x-sigil-loa", "User")]).ok();
    assert_eq!(reply["body"], json!({"echoed": [1, "two"]}));
    let spun = post(
        &sigil.at("/module/spin/run"),
        &json!({}),
        &[("x-sigil-loa", "Guest")],
    );
    spun.refused(422, "SIGIL_MODULE_FAILED");
    assert!(
        spun.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("MTP_")
    );
    // A module cannot take the built-in name.
    post(
        &sigil.at("/canon/system/propose"),
        &json!({"kind": "sigil.module.register",
                "payload": {"name": "hello", "source": echo, "min_loa": "Guest", "gas_limit": 10}}),
        &[],
    )
    .refused(422, "SIGIL_PROPOSAL_INVALID");
}
