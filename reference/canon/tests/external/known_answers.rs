//! FNV-1a (Landon Curt Noll's test suite), Ed25519 `sign.input` (1,024 lines, RFC 8032 TEST 1,
//! 2, 3 and 1024 among them), RFC 6979 A.2.5 (P-256) from noble-curves.

use canon::{ecdsa, ed25519, fnv, hex};

use super::{h, read_json, read_text, report};

#[test]
fn fnv1a64_suite() {
    let text = read_text("fnv/fnv1a64_test_vectors.txt");
    let mut total = 0;
    let mut failures = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("index"))
    {
        let columns: Vec<&str> = line.split('\t').collect();
        let (len, input, want) = (columns[2], h(columns[3]), columns[4]);
        assert_eq!(len.parse::<usize>().unwrap(), input.len(), "{line}");
        total += 1;
        if fnv::fnv1a64_hex(&input) != want {
            failures.push(format!(
                "row {}: got {}, want {want}",
                columns[0],
                fnv::fnv1a64_hex(&input)
            ));
        }
    }
    assert_eq!(total, 203);
    report("FNV-1a 64", total, &failures);
}

/// `secretkey:publickey:message:signedmessage:` per line; the secret key is seed || public key
/// and the signed message is signature || message.
///
/// Every line is signed (the signature depends on the derived public key through
/// `k = SHA-512(R || A || M)`, so this checks key derivation too). Deriving the public key and
/// verifying, which cost as much again in debug builds, run on the RFC 8032 lines (1, 2, 3,
/// 1024) and every 32nd line; Wycheproof covers verification.
#[test]
fn ed25519_sign_input() {
    let text = read_text("noble-curves/ed25519/vectors.txt");
    let mut total = 0;
    let mut failures = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split(':').collect();
        let (secret, pk, msg, signed) = (h(fields[0]), h(fields[1]), h(fields[2]), h(fields[3]));
        let (seed, sig) = (&secret[..32], &signed[..64]);
        assert_eq!(&secret[32..], &pk[..]);
        assert_eq!(&signed[64..], &msg[..]);
        total += 1;
        let signature = ed25519::sign(seed, &msg);
        if signature.as_ref().map(|s| &s[..]) != Ok(sig) {
            failures.push(format!("line {}: signed {signature:?}", n + 1));
        }
        if n < 3 || n == 1023 || n % 32 == 0 {
            let derived = ed25519::public_key(seed);
            let verified = ed25519::verify(&pk, &msg, sig);
            if derived.as_ref().map(|k| &k[..]) != Ok(&pk[..]) || verified.is_err() {
                failures.push(format!("line {}: {derived:?} {verified:?}", n + 1));
            }
        }
    }
    assert_eq!(total, 1024);
    report("Ed25519 sign.input", total, &failures);
}

/// The P-256 entries of noble-curves' `rfc6979.json`: RFC 6979 A.2.5 with SHA-256.
#[test]
fn rfc6979_p256() {
    let doc = read_json("noble-curves/rfc6979.json");
    let mut total = 0;
    let mut failures = Vec::new();
    for curve in doc
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["curve"] == "P256")
    {
        let lower = |name: &str| curve[name].as_str().unwrap().to_lowercase();
        let key = h(&lower("private"));
        let public = format!("04{}{}", lower("Ux"), lower("Uy"));
        if ecdsa::public_key(&key).map(|p| hex::encode(&p)) != Ok(public.clone()) {
            failures.push(format!("public key of {}", lower("private")));
        }
        for case in curve["cases"].as_array().unwrap() {
            total += 1;
            let message = case["message"].as_str().unwrap().as_bytes();
            let want = format!(
                "{}{}",
                case["r"].as_str().unwrap().to_lowercase(),
                case["s"].as_str().unwrap().to_lowercase()
            );
            let got = ecdsa::sign(&key, message).map(|s| hex::encode(&s));
            let verified = ecdsa::verify(&h(&public), message, &h(&want));
            if got.as_ref() != Ok(&want) || verified.is_err() {
                failures.push(format!("{case}: signed {got:?}, verified {verified:?}"));
            }
        }
    }
    assert_eq!(total, 2);
    report("RFC 6979 P-256", total, &failures);
}
