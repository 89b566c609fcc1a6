//! `canon/fnv`, `canon/sha256` and `canon/hmac` (spec/canon.md §3).

use canon::drbg::Drbg;
use canon::hex;
use serde_json::json;

use crate::{Case, Suite};

fn ascii(s: &str) -> String {
    hex::encode(s.as_bytes())
}

/// FNV-1a 64 (CANON-030).
pub(crate) fn fnv() -> Suite {
    let op = "canon.fnv1a64";
    let known: &[(&str, &str, &str, &str)] = &[
        (
            "empty",
            "",
            "cbf29ce484222325",
            "the empty input gives the offset basis",
        ),
        ("a", "a", "af63dc4c8601ec8c", "the byte \"a\""),
        (
            "foobar",
            "foobar",
            "85944171f73967e8",
            "the bytes \"foobar\"",
        ),
    ];
    let mut cases: Vec<Case> = known
        .iter()
        .map(|(id, input, answer, description)| {
            Case::known(
                *id,
                &["CANON-030"],
                *description,
                op,
                json!({ "bytes": ascii(input) }),
                json!(answer),
            )
        })
        .collect();
    cases.push(Case::computed(
        "zero-byte",
        &["CANON-030"],
        "a single zero byte",
        op,
        json!({ "bytes": "00" }),
    ));
    cases.push(Case::computed(
        "all-bytes",
        &["CANON-030"],
        "every byte value 0..=255 once",
        op,
        json!({ "bytes": hex::encode(&(0..=255u8).collect::<Vec<_>>()) }),
    ));
    let mut drbg = Drbg::new("canon/fnv/random");
    for (i, len) in [1usize, 7, 8, 63, 64, 1000].into_iter().enumerate() {
        let mut bytes = vec![0; len];
        drbg.fill(&mut bytes);
        cases.push(
            Case::computed(
                format!("random-{i}"),
                &["CANON-030"],
                format!("{len} bytes from the DRBG labelled canon/fnv/random"),
                op,
                json!({ "bytes": hex::encode(&bytes) }),
            )
            .flag("Drbg"),
        );
    }
    cases.push(Case::error(
        "odd-hex",
        &["CANON-060"],
        "input with an odd number of hex digits",
        op,
        json!({ "bytes": "abc" }),
        "CANON_HEX_INVALID",
    ));
    cases.push(Case::error(
        "uppercase-hex",
        &["CANON-060"],
        "input in uppercase hex",
        op,
        json!({ "bytes": "AB" }),
        "CANON_HEX_INVALID",
    ));
    Suite {
        name: "canon/fnv",
        source: "spec/canon.md",
        notes: vec![(
            "Drbg",
            "inputs drawn in order from the CANON-050 DRBG labelled `canon/fnv/random`",
        )],
        cases,
    }
}

/// SHA-256 and content identifiers (CANON-031, CANON-032).
pub(crate) fn sha256() -> Suite {
    let mut cases = vec![
        Case::known(
            "sha256-empty",
            &["CANON-031"],
            "SHA-256 of the empty input",
            "canon.sha256",
            json!({ "bytes": "" }),
            json!("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ),
        Case::known(
            "sha256-abc",
            &["CANON-031"],
            "SHA-256 of \"abc\" (FIPS 180-4 example)",
            "canon.sha256",
            json!({ "bytes": ascii("abc") }),
            json!("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ),
        Case::known(
            "sha256-two-blocks",
            &["CANON-031"],
            "SHA-256 of the 56-byte FIPS 180-4 two-block example",
            "canon.sha256",
            json!({ "bytes": ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") }),
            json!("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ),
        Case::computed(
            "sha256-64-bytes",
            &["CANON-031"],
            "SHA-256 of exactly one block of input",
            "canon.sha256",
            json!({ "bytes": "61".repeat(64) }),
        ),
        Case::known(
            "content-id-empty-object",
            &["CANON-031"],
            "the id of {}",
            "canon.content_id",
            json!({ "text": "{}" }),
            json!("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"),
        ),
        Case::computed(
            "content-id-order-independent",
            &["CANON-031", "CANON-002"],
            "the id ignores member order and whitespace",
            "canon.content_id",
            json!({ "text": "{ \"b\": 2, \"a\": 1 }" }),
        ),
        Case::computed(
            "content-id-same-as-sorted",
            &["CANON-031", "CANON-002"],
            "the id of the sorted form of the previous case",
            "canon.content_id",
            json!({ "text": "{\"a\":1,\"b\":2}" }),
        ),
        Case::computed(
            "content-id-number-forms",
            &["CANON-031", "CANON-004"],
            "1.0 and 1 name the same content",
            "canon.content_id",
            json!({ "text": "[1.0, 1e0, 1]" }),
        ),
        Case::error(
            "content-id-duplicate",
            &["CANON-031", "CANON-014"],
            "text with a duplicate name has no id",
            "canon.content_id",
            json!({ "text": "{\"a\":1,\"a\":1}" }),
            "CANON_JSON_DUPLICATE_KEY",
        ),
    ];
    let good = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    cases.push(Case::known(
        "id-parse-valid",
        &["CANON-032"],
        "64 lowercase hex digits",
        "canon.content_id.parse",
        json!({ "id": good }),
        json!(good),
    ));
    for (id, text, description) in [
        ("id-parse-uppercase", good.to_uppercase(), "uppercase hex"),
        ("id-parse-short", good[..63].to_owned(), "63 digits"),
        ("id-parse-long", format!("{good}0"), "65 digits"),
        (
            "id-parse-prefix",
            format!("0x{}", &good[2..]),
            "a 0x prefix",
        ),
        ("id-parse-empty", String::new(), "the empty string"),
        (
            "id-parse-non-hex",
            format!("{}g", &good[..63]),
            "a non-hex digit",
        ),
        (
            "id-parse-space",
            format!(" {}", &good[1..]),
            "a leading space",
        ),
    ] {
        cases.push(Case::error(
            id,
            &["CANON-032"],
            description,
            "canon.content_id.parse",
            json!({ "id": text }),
            "CANON_ID_INVALID",
        ));
    }
    Suite {
        name: "canon/sha256",
        source: "spec/canon.md",
        notes: vec![],
        cases,
    }
}

/// HMAC-SHA256 with RFC 4231 known answers and the truncation rule (CANON-033, CANON-034).
pub(crate) fn hmac() -> Suite {
    let op = "canon.hmac_sha256";
    let verify = "canon.hmac_sha256.verify";
    let rfc4231: &[(&str, String, String, &str)] = &[
        (
            "rfc4231-1",
            "0b".repeat(20),
            ascii("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        (
            "rfc4231-2",
            ascii("Jefe"),
            ascii("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            "rfc4231-3",
            "aa".repeat(20),
            "dd".repeat(50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        ),
        (
            "rfc4231-6",
            "aa".repeat(131),
            ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
    ];
    let mut cases = Vec::new();
    for (id, key, message, tag) in rfc4231 {
        cases.push(Case::known(
            *id,
            &["CANON-033"],
            format!("RFC 4231 test case {}", &id[9..]),
            op,
            json!({ "key": key, "message": message }),
            json!(tag),
        ));
    }
    let (key, message, tag) = (&rfc4231[1].1, &rfc4231[1].2, rfc4231[1].3);
    cases.extend([
        Case::known(
            "verify-full",
            &["CANON-034"],
            "the full 32-byte tag verifies",
            verify,
            json!({ "key": key, "message": message, "tag": tag }),
            json!(true),
        ),
        Case::known(
            "verify-truncated-16",
            &["CANON-034"],
            "the leftmost 16 bytes verify",
            verify,
            json!({ "key": key, "message": message, "tag": &tag[..32] }),
            json!(true),
        ),
        Case::known(
            "verify-truncated-20",
            &["CANON-034"],
            "the leftmost 20 bytes verify",
            verify,
            json!({ "key": key, "message": message, "tag": &tag[..40] }),
            json!(true),
        ),
        Case::error(
            "verify-truncated-15",
            &["CANON-034"],
            "15 bytes are too short",
            verify,
            json!({ "key": key, "message": message, "tag": &tag[..30] }),
            "CANON_MAC_INVALID",
        ),
        Case::error(
            "verify-empty-tag",
            &["CANON-034"],
            "an empty tag",
            verify,
            json!({ "key": key, "message": message, "tag": "" }),
            "CANON_MAC_INVALID",
        ),
        Case::error(
            "verify-too-long",
            &["CANON-034"],
            "33 bytes",
            verify,
            json!({ "key": key, "message": message, "tag": format!("{tag}00") }),
            "CANON_MAC_INVALID",
        ),
        Case::error(
            "verify-last-bit",
            &["CANON-034"],
            "the last bit flipped",
            verify,
            json!({ "key": key, "message": message, "tag": format!("{}42", &tag[..62]) }),
            "CANON_MAC_INVALID",
        ),
        Case::error(
            "verify-rightmost-16",
            &["CANON-034"],
            "the rightmost 16 bytes are not a truncation",
            verify,
            json!({ "key": key, "message": message, "tag": &tag[32..] }),
            "CANON_MAC_INVALID",
        ),
        Case::error(
            "verify-wrong-key",
            &["CANON-034"],
            "a tag under another key",
            verify,
            json!({ "key": "00", "message": message, "tag": tag }),
            "CANON_MAC_INVALID",
        ),
        Case::computed(
            "empty-key-and-message",
            &["CANON-033"],
            "an empty key and an empty message",
            op,
            json!({ "key": "", "message": "" }),
        ),
        Case::computed(
            "key-exactly-block",
            &["CANON-033"],
            "a 64-byte key (not hashed)",
            op,
            json!({ "key": "5a".repeat(64), "message": "00" }),
        ),
        Case::computed(
            "key-block-plus-one",
            &["CANON-033"],
            "a 65-byte key (hashed first)",
            op,
            json!({ "key": "5a".repeat(65), "message": "00" }),
        ),
    ]);
    Suite {
        name: "canon/hmac",
        source: "spec/canon.md",
        notes: vec![],
        cases,
    }
}
