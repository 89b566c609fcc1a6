//! `canon/ed25519` and `canon/ecdsa-p256` (spec/canon.md §4).

use canon::drbg::Drbg;
use canon::hex;
use serde_json::json;

use crate::{Case, Suite};

const ED_L: &str = "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";
const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

/// Adds or subtracts two 32-byte big-endian integers modulo 2^256.
fn add_be(a: &[u8], b: &[u8], subtract: bool) -> Vec<u8> {
    let mut out = vec![0u8; 32];
    let mut carry = 0i16;
    for i in (0..32).rev() {
        let (x, y) = (i16::from(a[i]), i16::from(b[i]));
        let mut v = if subtract {
            x - y + carry
        } else {
            x + y + carry
        };
        carry = 0;
        if v < 0 {
            v += 256;
            carry = -1;
        } else if v > 255 {
            v -= 256;
            carry = 1;
        }
        out[i] = u8::try_from(v).unwrap_or(0);
    }
    out
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_default()
}

fn flip(hex_text: &str, byte: usize) -> String {
    let mut bytes = unhex(hex_text);
    if let Some(b) = bytes.get_mut(byte) {
        *b ^= 0x01;
    }
    hex::encode(&bytes)
}

/// Ed25519 (CANON-040..042), with RFC 8032 known answers.
pub(crate) fn ed25519() -> Suite {
    let rfc: &[(&str, &str, &str, &str, &str)] = &[
        (
            "rfc8032-test-1",
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        ),
        (
            "rfc8032-test-2",
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        ),
    ];
    let mut cases = Vec::new();
    for (id, seed, public_key, message, signature) in rfc {
        cases.push(Case::known(
            format!("{id}-public-key"),
            &["CANON-040"],
            format!("{id}: public key from seed"),
            "canon.ed25519.public_key",
            json!({ "seed": seed }),
            json!(public_key),
        ));
        cases.push(Case::known(
            format!("{id}-sign"),
            &["CANON-040"],
            format!("{id}: deterministic signature"),
            "canon.ed25519.sign",
            json!({ "seed": seed, "message": message }),
            json!(signature),
        ));
        cases.push(Case::known(
            format!("{id}-verify"),
            &["CANON-041"],
            format!("{id}: the signature verifies"),
            "canon.ed25519.verify",
            json!({ "public_key": public_key, "message": message, "signature": signature }),
            json!(true),
        ));
    }
    let mut drbg = Drbg::new("canon/ed25519/keys");
    for (i, len) in [0usize, 1, 32, 64, 1023].into_iter().enumerate() {
        let mut seed = [0u8; 32];
        drbg.fill(&mut seed);
        let mut message = vec![0u8; len];
        drbg.fill(&mut message);
        let input = json!({ "seed": hex::encode(&seed), "message": hex::encode(&message), "seed_label": "canon/ed25519/keys" });
        cases.push(
            Case::computed(
                format!("drbg-{i}-sign"),
                &["CANON-040", "PROTO-003"],
                format!("a DRBG seed signing {len} DRBG bytes; the input also names its DRBG label, which adapters ignore"),
                "canon.ed25519.sign",
                input,
            )
            .flag("Drbg"),
        );
    }
    let (_, _, public_key, message, signature) = rfc[1];
    let verify = |id: &str,
                  reqs: &[&'static str],
                  description: &str,
                  public_key: &str,
                  message: &str,
                  signature: &str| {
        Case::error(
            id,
            reqs,
            description,
            "canon.ed25519.verify",
            json!({ "public_key": public_key, "message": message, "signature": signature }),
            "CANON_SIG_INVALID",
        )
    };
    let s_plus_l = {
        let sig = unhex(signature);
        let mut s_be: Vec<u8> = sig[32..].iter().rev().copied().collect();
        let l_be: Vec<u8> = unhex(ED_L).into_iter().rev().collect();
        s_be = add_be(&s_be, &l_be, false);
        let s_le: Vec<u8> = s_be.into_iter().rev().collect();
        format!("{}{}", &signature[..64], hex::encode(&s_le))
    };
    let identity = format!("01{}", "00".repeat(31));
    let non_canonical_y = format!("ed{}7f", "ff".repeat(30));
    cases.extend([
        verify("flipped-message", &["CANON-041"], "the message changed in one bit", public_key, "73", signature),
        verify("flipped-r", &["CANON-041"], "R changed in one bit", public_key, message, &flip(signature, 0)),
        verify("flipped-s", &["CANON-041"], "S changed in one bit", public_key, message, &flip(signature, 40)),
        verify("wrong-key", &["CANON-041"], "another key", rfc[0].2, message, signature),
        verify("s-plus-l", &["CANON-041"], "S replaced by S + L (non-canonical scalar)", public_key, message, &s_plus_l).flag("Malleability"),
        verify("small-order-key", &["CANON-041"], "the identity point as public key", &identity, message, signature),
        verify("small-order-key-and-r", &["CANON-041"], "identity public key and identity R with S = 0, which the cofactorless equation accepts", &identity, message, &format!("{identity}{}", "00".repeat(32))).flag("SmallOrder"),
        verify("non-canonical-key", &["CANON-041"], "a public key with y >= p", &non_canonical_y, message, signature),
        verify("short-signature", &["CANON-042"], "a 63-byte signature", public_key, message, &signature[..126]),
        verify("long-signature", &["CANON-042"], "a 65-byte signature", public_key, message, &format!("{signature}00")),
        verify("short-key", &["CANON-042"], "a 31-byte public key", &public_key[..62], message, signature),
        Case::error("seed-too-short", &["CANON-042"], "a 31-byte seed", "canon.ed25519.sign", json!({ "seed": "00".repeat(31), "message": "" }), "CANON_KEY_INVALID"),
        Case::error("seed-too-long", &["CANON-042"], "a 33-byte seed", "canon.ed25519.public_key", json!({ "seed": "00".repeat(33) }), "CANON_KEY_INVALID"),
    ]);
    Suite {
        name: "canon/ed25519",
        source: "spec/canon.md",
        notes: vec![
            (
                "Drbg",
                "seeds and messages drawn in order from the CANON-050 DRBG labelled `canon/ed25519/keys` (seed, then message, per case)",
            ),
            (
                "Malleability",
                "a signature made malleable by adding the group order to S",
            ),
            (
                "SmallOrder",
                "small-order points that cofactorless verification alone would accept; strict verification rejects them",
            ),
        ],
        cases,
    }
}

fn der_integer(be: &[u8]) -> Vec<u8> {
    let start = be
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(be.len().saturating_sub(1));
    let mut body = be[start..].to_vec();
    if body.first().is_some_and(|b| b & 0x80 != 0) {
        body.insert(0, 0);
    }
    let mut out = vec![0x02, u8::try_from(body.len()).unwrap_or(0)];
    out.extend(body);
    out
}

fn der_signature(raw: &str) -> Vec<u8> {
    let raw = unhex(raw);
    let mut body = der_integer(&raw[..32]);
    body.extend(der_integer(&raw[32..]));
    let mut out = vec![0x30, u8::try_from(body.len()).unwrap_or(0)];
    out.extend(body);
    out
}

/// ECDSA P-256 / SHA-256 with RFC 6979 nonces (CANON-043..047).
pub(crate) fn ecdsa() -> Suite {
    let private_key = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
    let public_key = "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
    let sample = "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";
    let test = "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083";
    let msg_sample = hex::encode(b"sample");
    let mut cases = vec![
        Case::known(
            "rfc6979-public-key",
            &["CANON-043"],
            "RFC 6979 A.2.5 key: public key",
            "canon.ecdsa_p256.public_key",
            json!({ "private_key": private_key }),
            json!(public_key),
        ),
        Case::known(
            "rfc6979-sample",
            &["CANON-043", "CANON-044"],
            "RFC 6979 A.2.5, SHA-256, message \"sample\" (s is high and kept)",
            "canon.ecdsa_p256.sign",
            json!({ "private_key": private_key, "message": msg_sample }),
            json!(sample),
        )
        .flag("HighS"),
        Case::known(
            "rfc6979-test",
            &["CANON-043", "CANON-044"],
            "RFC 6979 A.2.5, SHA-256, message \"test\"",
            "canon.ecdsa_p256.sign",
            json!({ "private_key": private_key, "message": hex::encode(b"test") }),
            json!(test),
        ),
    ];
    let mut drbg = Drbg::new("canon/ecdsa-p256/keys");
    for (i, len) in [0usize, 1, 32, 100].into_iter().enumerate() {
        let mut key = [0u8; 32];
        drbg.fill(&mut key);
        let mut message = vec![0u8; len];
        drbg.fill(&mut message);
        let input = json!({ "private_key": hex::encode(&key), "message": hex::encode(&message), "seed_label": "canon/ecdsa-p256/keys" });
        cases.push(
            Case::computed(
                format!("drbg-{i}-sign"),
                &["CANON-043", "PROTO-003"],
                format!("a DRBG key signing {len} DRBG bytes; the input also names its DRBG label, which adapters ignore"),
                "canon.ecdsa_p256.sign",
                input,
            )
            .flag("Drbg"),
        );
    }
    let n = unhex(P256_N);
    let raw = unhex(sample);
    let low_s = add_be(&n, &raw[32..], true);
    let low_s_sig = format!("{}{}", &sample[..64], hex::encode(&low_s));
    let zero = "00".repeat(32);
    let ok = |id: &str,
              reqs: &[&'static str],
              description: &str,
              op: &'static str,
              public_key: &str,
              signature: &str| {
        Case::known(
            id,
            reqs,
            description,
            op,
            json!({ "public_key": public_key, "message": msg_sample, "signature": signature }),
            json!(true),
        )
    };
    let bad = |id: &str,
               reqs: &[&'static str],
               description: &str,
               op: &'static str,
               public_key: &str,
               signature: &str| {
        Case::error(
            id,
            reqs,
            description,
            op,
            json!({ "public_key": public_key, "message": msg_sample, "signature": signature }),
            "CANON_SIG_INVALID",
        )
    };
    let p1363 = "canon.ecdsa_p256.verify";
    let der = "canon.ecdsa_p256.verify_der";
    let der_sample = hex::encode(&der_signature(sample));
    let y_is_odd = unhex(public_key).last().is_some_and(|b| b & 1 == 1);
    let compressed = format!(
        "{}{}",
        if y_is_odd { "03" } else { "02" },
        &public_key[2..66]
    );
    let hybrid = format!("{}{}", if y_is_odd { "07" } else { "06" }, &public_key[2..]);
    let mut der_padded = der_signature(sample);
    // Pad r with a superfluous zero byte: 02 21 00 ef.. -> 02 22 00 00 ef..
    der_padded.splice(2..4, [0x02, 0x22, 0x00]);
    der_padded[1] += 1;
    cases.extend([
        ok("verify-sample", &["CANON-044"], "the RFC 6979 signature verifies", p1363, public_key, sample),
        ok("verify-low-s", &["CANON-044"], "the same signature with s replaced by n - s verifies", p1363, public_key, &low_s_sig).flag("HighS"),
        ok("verify-compressed-key", &["CANON-045"], "a compressed SEC1 public key", p1363, &compressed, sample),
        bad("verify-wrong-message", &["CANON-045"], "a signature over another message", p1363, public_key, test),
        bad("verify-flipped-r", &["CANON-045"], "r changed in one bit", p1363, public_key, &flip(sample, 31)),
        bad("verify-flipped-s", &["CANON-045"], "s changed in one bit", p1363, public_key, &flip(sample, 63)),
        bad("verify-r-zero", &["CANON-045"], "r = 0", p1363, public_key, &format!("{zero}{}", &sample[64..])),
        bad("verify-s-zero", &["CANON-045"], "s = 0", p1363, public_key, &format!("{}{zero}", &sample[..64])),
        bad("verify-r-equals-n", &["CANON-045"], "r = n", p1363, public_key, &format!("{P256_N}{}", &sample[64..])),
        bad("verify-s-equals-n", &["CANON-045"], "s = n", p1363, public_key, &format!("{}{P256_N}", &sample[..64])),
        bad("verify-key-off-curve", &["CANON-045"], "a public key whose y is changed", p1363, &flip(public_key, 64), sample),
        bad("verify-key-hybrid", &["CANON-045"], "the same key in the SEC1 hybrid form (07)", p1363, &hybrid, sample),
        bad("verify-key-infinity", &["CANON-045"], "the SEC1 encoding of the point at infinity", p1363, "00", sample),
        bad("verify-short-signature", &["CANON-044"], "a 63-byte signature", p1363, public_key, &sample[..126]),
        bad("verify-der-as-p1363", &["CANON-044"], "a DER signature given to P1363 verification", p1363, public_key, &der_sample),
        ok("verify-der", &["CANON-046"], "the RFC 6979 signature in DER", der, public_key, &der_sample),
        bad("verify-der-padded-integer", &["CANON-046"], "r with a superfluous leading zero byte", der, public_key, &hex::encode(&der_padded)),
        bad("verify-der-trailing", &["CANON-046"], "a byte after the DER sequence", der, public_key, &format!("{der_sample}00")),
        bad("verify-der-long-form-length", &["CANON-046"], "the sequence length in non-minimal long form", der, public_key, &format!("3081{}", &der_sample[2..])),
        bad("verify-der-raw", &["CANON-046"], "a P1363 signature given to DER verification", der, public_key, sample),
        Case::error("private-key-zero", &["CANON-047"], "the scalar 0", "canon.ecdsa_p256.sign", json!({ "private_key": zero, "message": "" }), "CANON_KEY_INVALID"),
        Case::error("private-key-n", &["CANON-047"], "the scalar n", "canon.ecdsa_p256.sign", json!({ "private_key": P256_N, "message": "" }), "CANON_KEY_INVALID"),
        Case::error("private-key-short", &["CANON-047"], "a 31-byte key", "canon.ecdsa_p256.public_key", json!({ "private_key": "01".repeat(31) }), "CANON_KEY_INVALID"),
        Case::known("private-key-one", &["CANON-047"], "the scalar 1 gives the generator", "canon.ecdsa_p256.public_key", json!({ "private_key": format!("{}01", "00".repeat(31)) }), json!("046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5")),
    ]);
    Suite {
        name: "canon/ecdsa-p256",
        source: "spec/canon.md",
        notes: vec![
            (
                "Drbg",
                "keys and messages drawn in order from the CANON-050 DRBG labelled `canon/ecdsa-p256/keys` (key, then message, per case); a key is used as drawn (the chance it is not in [1, n-1] is below 2^-32)",
            ),
            (
                "HighS",
                "signatures whose s is above n/2; CANON-044 keeps them valid and does not normalize",
            ),
        ],
        cases,
    }
}
