//! Hashes, identifiers, MACs, signatures, the DRBG and hex (canon.md §3-6): known answers and
//! every rejection code.

// A test crate: helpers outside #[test] functions fail by panicking, as assertions do.
#![allow(clippy::unwrap_used, clippy::panic)]

use canon::id::{ContentId, sha256};
use canon::{drbg::Drbg, ecdsa, ed25519, fnv, hex, mac};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// `got` against `expect`: `Ok(hex)` for an expected output, `Err(code)` for an expected error.
fn check<T: AsRef<[u8]> + std::fmt::Debug>(
    what: &str,
    got: Result<T, canon::Error>,
    expect: Result<&str, &str>,
) {
    match (got, expect) {
        (Ok(out), Ok(want)) => assert_eq!(hex::encode(out.as_ref()), want, "{what}"),
        (Err(e), Err(code)) => assert_eq!(e.code(), code, "{what}: {e}"),
        (got, want) => panic!("{what}: got {got:?}, want {want:?}"),
    }
}

#[test]
fn fnv1a64() {
    for (input, want) in [
        ("", "cbf29ce484222325"),
        ("a", "af63dc4c8601ec8c"),
        ("foobar", "85944171f73967e8"),
    ] {
        check(
            input,
            Ok::<_, canon::Error>(fnv::fnv1a64(input.as_bytes()).to_be_bytes()),
            Ok(want),
        );
        assert_eq!(fnv::fnv1a64_hex(input.as_bytes()), want);
    }
}

#[test]
fn sha256_and_content_ids() {
    check(
        "sha256 abc",
        Ok::<_, canon::Error>(sha256(b"abc")),
        Ok("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    );
    check(
        "sha256 empty",
        Ok::<_, canon::Error>(sha256(b"")),
        Ok("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    );
    let canonical = canon::json::canonicalize(br#"{ "b": 2, "a": 1 }"#).unwrap();
    let id = ContentId::of_json(&canonical);
    assert_eq!(id, ContentId::of_bytes(br#"{"a":1,"b":2}"#));
    assert_eq!(ContentId::parse(&id.to_string()).unwrap(), id);
    let cbor_id = ContentId::of_cbor(&canon::cbor::Value::Int(0)).unwrap();
    assert_eq!(cbor_id.as_bytes(), &sha256(&[0]));
    let ok = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    check("id", ContentId::parse(ok).map(|id| *id.as_bytes()), Ok(ok));
    for bad in [
        "",
        &ok[..63],
        &format!("{ok}0"),
        &ok.to_uppercase(),
        &ok.replacen('b', "B", 1),
        &ok.replacen('b', "g", 1),
        &format!(" {}", &ok[1..]),
        &format!("{}é", &ok[..62]),
    ] {
        check(
            bad,
            ContentId::parse(bad).map(|id| *id.as_bytes()),
            Err("CANON_ID_INVALID"),
        );
    }
}

#[test]
fn hex_strictness() {
    check("hex", hex::decode("00ff7a"), Ok("00ff7a"));
    check("hex empty", hex::decode(""), Ok(""));
    for bad in ["0", "abc", "0G", "FF", "aB", " 00", "00 ", "0x00", "é0"] {
        check(bad, hex::decode(bad), Err("CANON_HEX_INVALID"));
    }
    assert_eq!(hex::encode(&[0x00, 0xab, 0xff]), "00abff");
}

/// RFC 4231 test cases 1, 2, 6 (key longer than a block) and 5 (tag truncated to 128 bits).
#[test]
fn hmac_sha256() {
    let cases = [
        (
            "0b".repeat(20),
            hex::encode(b"Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        (
            hex::encode(b"Jefe"),
            hex::encode(b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            "aa".repeat(131),
            hex::encode(b"Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
    ];
    for (key, message, tag) in &cases {
        check(
            "hmac",
            Ok::<_, canon::Error>(mac::hmac_sha256(&h(key), &h(message))),
            Ok(tag),
        );
        check(
            "verify",
            mac::verify_hmac_sha256(&h(key), &h(message), &h(tag)).map(|()| []),
            Ok(""),
        );
    }
    let (key, message, tag) = (&cases[0].0, &cases[0].1, h(cases[0].2));
    let verify = |tag: &[u8]| mac::verify_hmac_sha256(&h(key), &h(message), tag).map(|()| []);
    check("truncated 16", verify(&tag[..16]), Ok(""));
    check("truncated 31", verify(&tag[..31]), Ok(""));
    check("truncated 15", verify(&tag[..15]), Err("CANON_MAC_INVALID"));
    check("empty", verify(&[]), Err("CANON_MAC_INVALID"));
    let mut long = tag.clone();
    long.push(0);
    check("33 bytes", verify(&long), Err("CANON_MAC_INVALID"));
    let mut flipped = tag.clone();
    flipped[31] ^= 1;
    check("flipped", verify(&flipped), Err("CANON_MAC_INVALID"));
    // RFC 4231 test case 5: truncation to 128 bits.
    let key5 = h(&"0c".repeat(20));
    let tag5 = h("a3b6167473100ee06e0c796c2955552b");
    check(
        "case 5",
        mac::verify_hmac_sha256(&key5, b"Test With Truncation", &tag5).map(|()| []),
        Ok(""),
    );
}

const ED_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const ED_PK: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const ED_SIG: &str = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

/// RFC 8032 §7.1 TEST 1 and TEST 2, and the strictness of CANON-041/042.
#[test]
fn ed25519() {
    check("pk", ed25519::public_key(&h(ED_SEED)), Ok(ED_PK));
    check("sign", ed25519::sign(&h(ED_SEED), b""), Ok(ED_SIG));
    check(
        "verify",
        ed25519::verify(&h(ED_PK), b"", &h(ED_SIG)).map(|()| []),
        Ok(""),
    );
    let seed2 = h("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
    check(
        "pk 2",
        ed25519::public_key(&seed2),
        Ok("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"),
    );
    check(
        "sign 2",
        ed25519::sign(&seed2, &[0x72]),
        Ok(
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        ),
    );
    for bad in ["", &ED_SEED[..62], &format!("{ED_SEED}00")] {
        check(
            "seed",
            ed25519::sign(&h(bad), b""),
            Err("CANON_KEY_INVALID"),
        );
        check(
            "seed",
            ed25519::public_key(&h(bad)),
            Err("CANON_KEY_INVALID"),
        );
    }
    let verify = |pk: &[u8], msg: &[u8], sig: &[u8]| ed25519::verify(pk, msg, sig).map(|()| []);
    let (pk, sig) = (h(ED_PK), h(ED_SIG));
    check(
        "wrong message",
        verify(&pk, b"x", &sig),
        Err("CANON_SIG_INVALID"),
    );
    check(
        "short sig",
        verify(&pk, b"", &sig[..63]),
        Err("CANON_SIG_INVALID"),
    );
    check(
        "short pk",
        verify(&pk[..31], b"", &sig),
        Err("CANON_SIG_INVALID"),
    );
    // S + L: the same signature with a non-reduced scalar.
    let l = h("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
    let mut s_plus_l = sig.clone();
    add_le(&mut s_plus_l[32..], &l);
    check(
        "S >= L",
        verify(&pk, b"", &s_plus_l),
        Err("CANON_SIG_INVALID"),
    );
    // Small-order public keys: the identity, and the point of order 2.
    let identity = h("0100000000000000000000000000000000000000000000000000000000000000");
    let order2 = h("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    let mut identity_sig = identity.clone();
    identity_sig.extend([0; 32]); // R = identity, S = 0: satisfies the equation for A = identity
    check(
        "identity key",
        verify(&identity, b"", &identity_sig),
        Err("CANON_SIG_INVALID"),
    );
    check(
        "order-2 key",
        verify(&order2, b"", &identity_sig),
        Err("CANON_SIG_INVALID"),
    );
    // Non-canonical encoding of the public key: y + p for y = 1 is the identity again; x = 0 with
    // the sign bit set.
    let y_plus_p = h("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    check(
        "y >= p",
        verify(&y_plus_p, b"", &identity_sig),
        Err("CANON_SIG_INVALID"),
    );
    let negative_zero_x = h("0100000000000000000000000000000000000000000000000000000000000080");
    check(
        "x = -0",
        verify(&negative_zero_x, b"", &identity_sig),
        Err("CANON_SIG_INVALID"),
    );
}

/// Adds `b` to `a`, little-endian, in place.
fn add_le(a: &mut [u8], b: &[u8]) {
    let mut carry = 0u16;
    for (x, y) in a.iter_mut().zip(b) {
        let sum = u16::from(*x) + u16::from(*y) + carry;
        *x = sum as u8;
        carry = sum >> 8;
    }
}

const P256_KEY: &str = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
const P256_PUB: &str = "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

/// RFC 6979 A.2.5 (P-256, SHA-256, "sample" and "test"), the C2SP/CCTV rejection-sampling
/// vector, and CANON-044..047.
#[test]
fn ecdsa_p256() {
    let key = h(P256_KEY);
    check("pk", ecdsa::public_key(&key), Ok(P256_PUB));
    let sample = "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";
    // s above n/2: emitted as RFC 6979 produces it, not normalized (CANON-044).
    check("sample", ecdsa::sign(&key, b"sample"), Ok(sample));
    check(
        "test",
        ecdsa::sign(&key, b"test"),
        Ok(
            "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083",
        ),
    );
    check(
        "cctv",
        ecdsa::sign(&key, b"wv[vnX"),
        Ok(
            "efd9073b652e76da1b5a019c0e4a2e3fa529b035a6abb91ef67f0ed7a1f212343db4706c9d9f4a4fe13bb5e08ef0fab53a57dbab2061c83a35fa411c68d2ba33",
        ),
    );

    let verify = |pk: &[u8], sig: &[u8]| ecdsa::verify(pk, b"sample", sig).map(|()| []);
    let pk = h(P256_PUB);
    let sig = h(sample);
    check("verify", verify(&pk, &sig), Ok(""));
    // n - s verifies too.
    let mut low_s = sig.clone();
    let n = h(P256_N);
    let mut neg = n.clone();
    sub_be(&mut neg, &sig[32..]);
    low_s[32..].copy_from_slice(&neg);
    check("n - s", verify(&pk, &low_s), Ok(""));
    // Compressed key (Uy is odd: 03).
    let mut compressed = vec![0x03];
    compressed.extend_from_slice(&pk[1..33]);
    check("compressed", verify(&compressed, &sig), Ok(""));
    compressed[0] = 0x02;
    check(
        "wrong parity",
        verify(&compressed, &sig),
        Err("CANON_SIG_INVALID"),
    );
    let mut hybrid = pk.clone();
    hybrid[0] = 0x07;
    check("hybrid", verify(&hybrid, &sig), Err("CANON_SIG_INVALID"));
    check("infinity", verify(&[0x00], &sig), Err("CANON_SIG_INVALID"));
    let mut off_curve = pk.clone();
    off_curve[64] ^= 1;
    check(
        "off curve",
        verify(&off_curve, &sig),
        Err("CANON_SIG_INVALID"),
    );
    check(
        "wrong message",
        ecdsa::verify(&pk, b"x", &sig).map(|()| []),
        Err("CANON_SIG_INVALID"),
    );
    check(
        "63 bytes",
        verify(&pk, &sig[..63]),
        Err("CANON_SIG_INVALID"),
    );
    let mut r_zero = sig.clone();
    r_zero[..32].fill(0);
    check("r = 0", verify(&pk, &r_zero), Err("CANON_SIG_INVALID"));
    let mut s_n = sig.clone();
    s_n[32..].copy_from_slice(&n);
    check("s = n", verify(&pk, &s_n), Err("CANON_SIG_INVALID"));

    // DER: r = efd4... (high bit set: needs a 00), s = f7cb... (same).
    let der = format!("3046022100{}022100{}", &sample[..64], &sample[64..]);
    let verify_der = |der: &str| ecdsa::verify_der(&pk, b"sample", &h(der)).map(|()| []);
    check("der", verify_der(&der), Ok(""));
    check(
        "der trailing",
        verify_der(&format!("{der}00")),
        Err("CANON_SIG_INVALID"),
    );
    check(
        "der long form",
        verify_der(&der.replacen("3046", "308146", 1)),
        Err("CANON_SIG_INVALID"),
    );
    check(
        "der no 00",
        verify_der(&format!("30440220{}0220{}", &sample[..64], &sample[64..])),
        Err("CANON_SIG_INVALID"),
    );
    check("p1363 as der", verify_der(sample), Err("CANON_SIG_INVALID"));

    // CANON-047: private keys outside [1, n-1] or not 32 bytes.
    let one = format!("{}01", "00".repeat(31));
    check(
        "key 1",
        ecdsa::public_key(&h(&one)),
        Ok(
            "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
        ),
    );
    let mut n_minus_1 = n.clone();
    n_minus_1[31] -= 1;
    check(
        "key n-1",
        ecdsa::sign(&n_minus_1, b"").map(|s| s.len().to_be_bytes()),
        Ok("0000000000000040"),
    );
    for bad in [
        "00".repeat(32),
        P256_N.to_owned(),
        "ff".repeat(32),
        "01".to_owned(),
        format!("00{P256_KEY}"),
        P256_KEY[..62].to_owned(),
    ] {
        check(
            "bad key",
            ecdsa::sign(&h(&bad), b""),
            Err("CANON_KEY_INVALID"),
        );
        check(
            "bad key",
            ecdsa::public_key(&h(&bad)),
            Err("CANON_KEY_INVALID"),
        );
    }
}

/// Subtracts `b` from `a`, big-endian, in place (`a >= b`).
fn sub_be(a: &mut [u8], b: &[u8]) {
    let mut borrow = 0i16;
    for (x, y) in a.iter_mut().zip(b).rev() {
        let diff = i16::from(*x) - i16::from(*y) - borrow;
        borrow = i16::from(diff < 0);
        *x = diff.rem_euclid(256) as u8;
    }
}

/// CANON-050 fixed vectors (computed independently with an RFC 8439 ChaCha20 implementation,
/// key = SHA-256(label), nonce 0, counter 0) and CANON-051.
#[test]
fn drbg() {
    let first = |label: &str, n| Drbg::new(label).bytes(n);
    check(
        "quorate",
        first("quorate", 100),
        Ok(
            "5ce8ac589d7b7d6da4ed8721e09482a56610aa8aea906eb2cf86185c73aa729a12ea78e97705242b4f373daf0d70e59d5210deaeb8e7084144b59edb34fe101290b4e9caa2e0bd92ac60aa4f4d559eced34a0c3cac318de370c7147c45f12998001f4cc1",
        ),
    );
    check(
        "empty label",
        first("", 100),
        Ok(
            "98c37c1a7542eb45daa0d48d9c1adee0f41178a94d590b96ae0f9595e1c3008fbd116fd1892c0998d85a974f5b261248ea8e891e6ce61d5790a1a49be7c5440e02dd2ff0abcd04e2e191fdc2235a14eed7ce2350b73a16b3b7ebcc8a9ca9b59594d4f331",
        ),
    );
    check("zero", first("quorate", 0), Ok(""));
    check(
        "limit",
        first("x", 1 << 20).map(|b| b.len().to_be_bytes()),
        Ok("0000000000100000"),
    );
    check("over", first("x", (1 << 20) + 1), Err("CANON_DRBG_LIMIT"));
    let mut drbg = Drbg::new("quorate");
    assert_eq!(drbg.u64(), 0x6d7d_7b9d_58ac_e85c);
    assert!(drbg.bytes(usize::MAX).is_err());
    check("after refusal", drbg.bytes(2), Ok("a4ed"));
}
