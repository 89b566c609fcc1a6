//! `sigil/features`: the 21 features of a check request, exact to the bit, with the input's
//! entropy and the requests that are refused (SIGIL-001, SIGIL-002, SIGIL-003, SIGIL-004).

use serde_json::{Value, json};

use super::drbg_requests;
use crate::suites::sigil::request;
use crate::{Case, Suite};

pub(crate) fn features() -> Suite {
    let op = "sigil.features";
    let mut cases = Vec::new();
    let mut push = |id: String, description: String, input: Value| {
        let reqs: &[&'static str] = if id.starts_with("entropy-") || id.starts_with("drbg-") {
            &["SIGIL-003", "SIGIL-002", "SIGIL-004"]
        } else {
            &["SIGIL-002"]
        };
        cases.push(Case::computed(id, reqs, description, op, input));
    };
    for action in [
        "read",
        "list",
        "write",
        "update",
        "delete",
        "execute",
        "export",
        "admin",
        "other",
        "READ",
        "reads",
        "frobnicate",
    ] {
        push(
            format!(
                "action-{}",
                action.to_lowercase() + if action == "READ" { "-upper" } else { "" }
            ),
            format!("action `{action}`"),
            json!({ "request": request(action, "public:doc", "User", ""), "window_count": 0 }),
        );
    }
    for (id, target) in [
        ("public", "public:doc"),
        ("user", "user:ann"),
        ("tenant", "tenant"),
        ("system", "system:config:a"),
        ("secret", "secret:"),
        ("other", "files:x"),
        ("empty", ""),
        ("colon-first", ":public"),
        ("case", "Public:doc"),
        ("class-prefix", "publicity:x"),
    ] {
        push(
            format!("target-{id}"),
            format!("target `{target}`: class before the first colon"),
            json!({ "request": request("read", target, "Guest", ""), "window_count": 0 }),
        );
    }
    for loa in ["Guest", "User", "Operator", "Admin"] {
        push(
            format!("loa-{}", loa.to_lowercase()),
            format!("level {loa}"),
            json!({ "request": request("write", "user:a", loa, ""), "window_count": 0 }),
        );
    }
    for window in [
        0u64,
        1,
        3,
        7,
        33,
        50,
        99,
        100,
        101,
        1000,
        9_007_199_254_740_991,
    ] {
        push(
            format!("window-{window}"),
            format!("window count {window}: rate min(c, 100) / 100"),
            json!({ "request": request("read", "public", "User", ""), "window_count": window }),
        );
    }
    let printable: String = (0x20u8..0x7f).map(char::from).collect();
    let drbg_text: String = canon::drbg::Drbg::new("quorate/sigil/features/entropy/v1")
        .bytes(300)
        .unwrap_or_default()
        .iter()
        .map(|b| char::from(b'a' + b % 26))
        .collect();
    for (id, input) in [
        ("empty", String::new()),
        ("one-byte", "a".to_owned()),
        ("repeated", "aaaaaaaa".to_owned()),
        ("two-symbols", "ab".to_owned()),
        ("four-symbols", "abcd".to_owned()),
        ("skewed", "aab".to_owned()),
        (
            "sentence",
            "The quick brown fox jumps over the lazy dog".to_owned(),
        ),
        ("printable-ascii", printable),
        ("utf8-bytes", "é€😀".to_owned()),
        ("control", "\u{0}\u{1}\n\t\u{7f}".to_owned()),
        ("drbg-letters-300", drbg_text),
    ] {
        push(
            format!("entropy-{id}"),
            format!("input entropy (SIGIL-003) of {} bytes", input.len()),
            json!({ "request": request("read", "public", "User", &input), "window_count": 0 }),
        );
    }
    for (i, (request, window)) in drbg_requests("quorate/sigil/features/sweep/v1", 24)
        .into_iter()
        .enumerate()
    {
        push(
            format!("drbg-{i:02}"),
            format!("DRBG-drawn request {i} (SIGIL-002, SIGIL-003)"),
            json!({ "request": request, "window_count": window }),
        );
    }
    let valid = request("read", "public", "User", "");
    let mut invalid = |id: &str, description: &str, request: Value| {
        cases.push(Case::error(
            format!("invalid-{id}"),
            &["SIGIL-001"],
            description,
            op,
            json!({ "request": request, "window_count": 0 }),
            "SIGIL_REQUEST_INVALID",
        ));
    };
    let with = |name: &str, value: Value| {
        let mut r = valid.clone();
        r[name] = value;
        r
    };
    let without = |name: &str| {
        let mut r = valid.clone();
        if let Some(members) = r.as_object_mut() {
            members.remove(name);
        }
        r
    };
    invalid("missing-input", "no input member", without("input"));
    invalid("missing-tenant", "no tenant member", without("tenant"));
    invalid("extra-member", "an unknown member", with("extra", json!(1)));
    invalid("tenant-empty", "an empty tenant", with("tenant", json!("")));
    invalid(
        "tenant-space",
        "a tenant with a space",
        with("tenant", json!("a b")),
    );
    invalid(
        "tenant-129",
        "a 129-byte tenant",
        with("tenant", json!("t".repeat(129))),
    );
    invalid(
        "actor-number",
        "an actor that is a number",
        with("actor", json!(7)),
    );
    invalid(
        "actor-slash",
        "an actor with a slash",
        with("actor", json!("a/b")),
    );
    invalid("action-empty", "an empty action", with("action", json!("")));
    invalid(
        "action-65",
        "a 65-byte action",
        with("action", json!("a".repeat(65))),
    );
    invalid(
        "target-1025",
        "a 1025-byte target",
        with("target", json!("t".repeat(1025))),
    );
    invalid("target-null", "a null target", with("target", Value::Null));
    invalid("loa-lowercase", "loa `guest`", with("loa", json!("guest")));
    invalid("loa-unknown", "loa `Root`", with("loa", json!("Root")));
    invalid("input-null", "a null input", with("input", Value::Null));
    invalid("not-object", "a request that is an array", json!([]));
    cases.push(Case::computed(
        "tenant-128",
        &["SIGIL-001", "SIGIL-002"],
        "a 128-byte tenant and a 64-byte action are accepted",
        op,
        json!({ "request": with("tenant", json!("t".repeat(128))), "window_count": 0 }),
    ));
    Suite {
        name: "sigil/features",
        source: "spec/sigil.md",
        notes: vec![],
        cases,
    }
}
