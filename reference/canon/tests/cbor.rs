//! Deterministic CBOR (canon.md §2): round trips, every error code, the order of faults.

// A test crate: helpers outside #[test] functions fail by panicking, as assertions do.
#![allow(clippy::unwrap_used, clippy::panic)]

use canon::cbor::{self, INT_MAX, INT_MIN, Value};
use canon::{hex, json};

/// Decodes `input` (hex): `Ok(())` means it decodes and re-encodes to the same bytes,
/// `Err(code)` is the expected error code.
fn check(input: &str, expect: Result<(), &str>) {
    let bytes = hex::decode(input).unwrap();
    match (cbor::decode(&bytes), expect) {
        (Ok(value), Ok(())) => {
            let again = cbor::encode(&value).unwrap();
            assert_eq!(hex::encode(&again), input, "re-encoding {value:?}");
        }
        (Err(e), Err(code)) => assert_eq!(e.code(), code, "input {input}: {e}"),
        (got, want) => panic!("input {input}: got {got:?}, want {want:?}"),
    }
}

/// Encodes `value`: `Ok(hex)` is the expected encoding, `Err(code)` the expected error code.
fn check_encode(value: Value, expect: Result<&str, &str>) {
    let got = cbor::encode(&value);
    match (got, expect) {
        (Ok(bytes), Ok(want)) => {
            assert_eq!(hex::encode(&bytes), want, "{value:?}");
            let back = cbor::decode(&bytes).unwrap();
            let same = match (&back, &value) {
                (Value::Float(a), Value::Float(b)) if b.is_nan() => a.is_nan(),
                _ => matches!(&value, Value::Map(_)) || back == value,
            };
            assert!(same, "{value:?} decoded as {back:?}");
        }
        (Err(e), Err(code)) => assert_eq!(e.code(), code, "{value:?}: {e}"),
        (got, want) => panic!("{value:?}: got {got:?}, want {want:?}"),
    }
}

/// Reads typed-CBOR JSON (canon.md §2.1): `Ok(hex)` is the expected encoding, `Err(code)` the
/// expected error code. A success must also survive the trip back to typed JSON.
fn check_typed(typed: &str, expect: Result<&str, &str>) {
    let parsed = json::parse(typed.as_bytes()).unwrap();
    let got = cbor::from_typed(&parsed).and_then(|v| cbor::encode(&v));
    match (got, expect) {
        (Ok(bytes), Ok(want)) => {
            assert_eq!(hex::encode(&bytes), want, "{typed}");
            let back = cbor::to_typed(&cbor::decode(&bytes).unwrap()).unwrap();
            let again = cbor::encode(&cbor::from_typed(&back).unwrap()).unwrap();
            assert_eq!(again, bytes, "{typed} back through typed JSON");
        }
        (Err(e), Err(code)) => assert_eq!(e.code(), code, "{typed}: {e}"),
        (got, want) => panic!("{typed}: got {got:?}, want {want:?}"),
    }
}

#[test]
fn canonical_round_trips() {
    for input in [
        "00",
        "17",
        "1818",
        "18ff",
        "190100",
        "19ffff",
        "1a00010000",
        "1affffffff",
        "1b0000000100000000",
        "1bffffffffffffffff",
        "20",
        "37",
        "3818",
        "38ff",
        "390100",
        "3bffffffffffffffff",
        "40",
        "4101",
        "5818", /* 24 bytes follow */
        "60",
        "6161",
        "80",
        "8101",
        "a0",
        "a10102",
        "c000",
        "d81800",
        "dbffffffffffffffff00",
        "f4",
        "f5",
        "f6",
        "f7",
        "e0",
        "f3",
        "f820",
        "f8ff",
        "f90000",
        "f98000",
        "f93c00",
        "f97bff",
        "f97c00",
        "f9fc00",
        "f97e00",
        "f90001",
        "f90400",
        "fa47c35000",
        "fa7f7fffff",
        "fa00000001",
        "fb3ff199999999999a",
        "fb0000000000000001",
        "fb7fefffffffffffff",
        "c249010000000000000000",
        "a2200018640a",
        "a2186400616100",
        "83010203",
    ] {
        let full = match input {
            "5818" => format!("5818{}", "ab".repeat(24)),
            other => other.to_owned(),
        };
        check(&full, Ok(()));
    }
}

/// CANON-020: maps are in length-first order (RFC 7049), not RFC 8949's bytewise order.
#[test]
fn map_order_is_length_first() {
    check("a2200018640a", Ok(())); // -1 (20) before 100 (1864): shorter first
    check("a21864002000", Err("CANON_CBOR_NONCANONICAL")); // bytewise order, not ours
    check("a2186400616100", Ok(())); // equal length: 18 < 61
    check("a2616100186400", Err("CANON_CBOR_NONCANONICAL"));
    check("a202000100", Err("CANON_CBOR_NONCANONICAL"));
    check_encode(
        Value::Map(vec![
            (Value::Text("b".into()), Value::Int(1)),
            (Value::Int(100), Value::Int(2)),
            (Value::Int(-1), Value::Int(3)),
            (Value::Text("a".into()), Value::Int(4)),
        ]),
        Ok("a42003186402616104616201"),
    );
}

#[test]
fn noncanonical() {
    for input in [
        "1800",
        "1817",
        "190000",
        "1900ff",
        "1a0000ffff",
        "1b00000000ffffffff",
        "3817",
        "390000",
        "5800",
        "7800",
        "9800",
        "b800",
        "d80000",
        "d9000100",
        "5f4101ff",
        "5fff",
        "7fff",
        "9fff",
        "bfff",
        "9f01ff",
        "f9fe00",
        "f97c01",
        "f97fff",
        "f9fc01",
        "fa3f800000",
        "fa7f800000",
        "fa7fc00000",
        "faff800000",
        "fa00000000",
        "fa80000000",
        "fb3ff0000000000000",
        "fb7ff0000000000000",
        "fb7ff8000000000000",
        "fb0000000000000000",
        "fb3e70000000000000",
        "fb7ff8000000000001",
        "8301820203 9f0405ff",
    ] {
        check(&input.replace(' ', ""), Err("CANON_CBOR_NONCANONICAL"));
    }
}

#[test]
fn malformed() {
    for input in [
        "",
        "18",
        "1900",
        "1a000000",
        "1b00",
        "41",
        "6261",
        "81",
        "a100",
        "a1",
        "8201",
        "c1",
        "1c",
        "1d",
        "1e",
        "3c",
        "5c",
        "7c",
        "9c",
        "bc",
        "dc",
        "fc",
        "fd",
        "fe",
        "ff",
        "81ff",
        "a1ff00",
        "f800",
        "f81f",
        "f818",
        "1f",
        "3f",
        "df",
        "5f6100ff",
        "5f5fffff",
        "7f4100ff",
        "5f00ff",
        "bf00ff",
        "9f",
        "5f",
        "5f41",
        "5f4101",
        "bf",
        "9f01",
        "5bffffffffffffffff",
        "7bffffffffffffffff",
        "9bffffffffffffffff",
        "bbffffffffffffffff",
        "a1 5f ff", // indefinite bytes as key, then no value
    ] {
        check(&input.replace(' ', ""), Err("CANON_CBOR_MALFORMED"));
    }
}

#[test]
fn invalid_utf8() {
    for input in [
        "61ff",
        "62c328",
        "63eda080",
        "a161ff00",
        "8261ff1800",
        "64f4908080",
    ] {
        check(input, Err("CANON_CBOR_INVALID_UTF8"));
    }
    check("63e282ac", Ok(()));
}

#[test]
fn duplicate_keys() {
    check("a201000100", Err("CANON_CBOR_DUPLICATE_KEY"));
    check("a16161a2010001f5", Err("CANON_CBOR_DUPLICATE_KEY")); // in a nested map
    check("a1a20100010000", Err("CANON_CBOR_DUPLICATE_KEY")); // inside a key
    check("a2f97e0000f97e0000", Err("CANON_CBOR_DUPLICATE_KEY"));
    check("a2f90000f4f98000f5", Ok(())); // 0.0 and -0.0 differ
    check_encode(
        Value::Map(vec![
            (Value::Int(1), Value::Null),
            (Value::Int(1), Value::Bool(true)),
        ]),
        Err("CANON_CBOR_DUPLICATE_KEY"),
    );
    check_encode(
        Value::Map(vec![
            (Value::Float(f64::NAN), Value::Null),
            (Value::Float(-f64::NAN), Value::Null),
        ]),
        Err("CANON_CBOR_DUPLICATE_KEY"),
    );
    check_encode(
        Value::Map(vec![
            (Value::Float(1.0), Value::Null),
            (Value::Int(1), Value::Null),
        ]),
        Ok("a201f6f93c00f6"),
    );
}

#[test]
fn depth() {
    let nest = |prefix: &str, n: usize| format!("{}00", prefix.repeat(n));
    check(&nest("81", 128), Ok(()));
    check(&nest("81", 129), Err("CANON_CBOR_TOO_DEEP"));
    check(&nest("c1", 128), Ok(()));
    check(&nest("c1", 129), Err("CANON_CBOR_TOO_DEEP"));
    check(&nest("a100", 128), Ok(()));
    check(&nest("a100", 129), Err("CANON_CBOR_TOO_DEEP"));
    check(
        &format!("{}80", "81".repeat(128)),
        Err("CANON_CBOR_TOO_DEEP"),
    ); // empty array at 129
    check(&"9f".repeat(200), Err("CANON_CBOR_TOO_DEEP")); // reached before the truncation
    check(&"81".repeat(1_000_000), Err("CANON_CBOR_TOO_DEEP"));
    let mut deep = Value::Null;
    for _ in 0..128 {
        deep = Value::Array(vec![deep]);
    }
    check_encode(deep.clone(), Ok(&nest("81", 128).replace("00", "f6")));
    check_encode(Value::Tag(0, Box::new(deep)), Err("CANON_CBOR_TOO_DEEP"));
}

#[test]
fn trailing() {
    check("0000", Err("CANON_CBOR_TRAILING"));
    check("00ff", Err("CANON_CBOR_TRAILING"));
    check("8100f6", Err("CANON_CBOR_TRAILING"));
    let e = cbor::decode(&[0x00, 0x01, 0x02]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "2 bytes after the CBOR data item, from byte 1"
    );
}

/// CANON-026: malformed (or too deep) anywhere in the first item, then non-canonical or invalid
/// UTF-8 in reading order, then duplicate keys, then trailing bytes.
#[test]
fn order_of_faults() {
    check("821800ff", Err("CANON_CBOR_MALFORMED")); // non-canonical first, malformed later
    check("a3020001001c", Err("CANON_CBOR_MALFORMED")); // keys out of order, then 0x1c
    check("5f420102", Err("CANON_CBOR_MALFORMED")); // indefinite and truncated
    check("a3020002000100", Err("CANON_CBOR_NONCANONICAL")); // duplicate, then out of order
    check("a20100011800", Err("CANON_CBOR_NONCANONICAL")); // duplicate, then 1800 in its value
    check("82a2010001001800", Err("CANON_CBOR_NONCANONICAL")); // duplicate in an earlier element
    check("8261ff1800", Err("CANON_CBOR_INVALID_UTF8"));
    check("82180061ff", Err("CANON_CBOR_NONCANONICAL"));
    check("a2010001000000", Err("CANON_CBOR_DUPLICATE_KEY")); // then trailing
    check("180000", Err("CANON_CBOR_NONCANONICAL")); // then trailing
    check(
        &format!("{}00ff", "81".repeat(129)),
        Err("CANON_CBOR_TOO_DEEP"),
    );
    check(
        &format!("ff{}", "81".repeat(129)),
        Err("CANON_CBOR_MALFORMED"),
    );
    check(
        &format!("82ff{}00", "81".repeat(129)),
        Err("CANON_CBOR_MALFORMED"),
    );
    check(
        &format!("821800{}00", "81".repeat(129)),
        Err("CANON_CBOR_TOO_DEEP"),
    );
}

#[test]
fn encode_values() {
    check_encode(Value::Int(0), Ok("00"));
    check_encode(Value::Int(24), Ok("1818"));
    check_encode(Value::Int(65536), Ok("1a00010000"));
    check_encode(Value::Int(1 << 32), Ok("1b0000000100000000"));
    check_encode(Value::Int(INT_MAX), Ok("1bffffffffffffffff"));
    check_encode(Value::Int(INT_MAX + 1), Err("CANON_CBOR_VALUE_INVALID"));
    check_encode(Value::Int(-25), Ok("3818"));
    check_encode(Value::Int(INT_MIN), Ok("3bffffffffffffffff"));
    check_encode(Value::Int(INT_MIN - 1), Err("CANON_CBOR_VALUE_INVALID"));
    check_encode(Value::Int(i128::MIN), Err("CANON_CBOR_VALUE_INVALID"));
    check_encode(Value::Int(i128::MAX), Err("CANON_CBOR_VALUE_INVALID"));
    check_encode(Value::Bytes(vec![1, 2]), Ok("420102"));
    check_encode(Value::Text("ü".into()), Ok("62c3bc"));
    check_encode(
        Value::Tag(u64::MAX, Box::new(Value::Null)),
        Ok("dbfffffffffffffffff6"),
    );
    check_encode(Value::Tag(2, Box::new(Value::Bytes(vec![1]))), Ok("c24101"));
    for (n, want) in [
        (0, Ok("e0")),
        (19, Ok("f3")),
        (23, Ok("f7")),
        (32, Ok("f820")),
        (255, Ok("f8ff")),
    ] {
        check_encode(Value::Simple(n), want);
    }
    for n in (20..=22).chain(24..=31) {
        check_encode(Value::Simple(n), Err("CANON_CBOR_VALUE_INVALID"));
    }
    check_encode(Value::Float(0.0), Ok("f90000"));
    check_encode(Value::Float(-0.0), Ok("f98000"));
    check_encode(Value::Float(f64::NAN), Ok("f97e00"));
    check_encode(
        Value::Float(f64::from_bits(0xfff0_0000_dead_beef)),
        Ok("f97e00"),
    );
    check_encode(Value::Float(f64::INFINITY), Ok("f97c00"));
    check_encode(Value::Float(100000.0), Ok("fa47c35000"));
    check_encode(Value::Float(1.1), Ok("fb3ff199999999999a"));
    check_encode(Value::Float(5.960464477539063e-8), Ok("f90001"));
    check_encode(Value::Float(1.0 / 3.0), Ok("fb3fd5555555555555"));
}

#[test]
fn decoded_values() {
    let decode = |h: &str| cbor::decode(&hex::decode(h).unwrap()).unwrap();
    assert_eq!(decode("3bffffffffffffffff"), Value::Int(INT_MIN));
    assert_eq!(decode("f6"), Value::Null);
    assert_eq!(decode("f7"), Value::Simple(23));
    match decode("f97e00") {
        Value::Float(x) => assert_eq!(x.to_bits(), 0x7ff8_0000_0000_0000),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        decode("a2200018640a"),
        Value::Map(vec![
            (Value::Int(-1), Value::Int(0)),
            (Value::Int(100), Value::Int(10))
        ])
    );
}

#[test]
fn typed_json() {
    check_typed(r#"{"int":"0"}"#, Ok("00"));
    check_typed(r#"{"int":"-1"}"#, Ok("20"));
    check_typed(
        r#"{"int":"18446744073709551615"}"#,
        Ok("1bffffffffffffffff"),
    );
    check_typed(
        r#"{"int":"-18446744073709551616"}"#,
        Ok("3bffffffffffffffff"),
    );
    check_typed(r#"{"bytes":"00ff"}"#, Ok("4200ff"));
    check_typed(r#"{"bytes":""}"#, Ok("40"));
    check_typed(r#"{"text":"a"}"#, Ok("6161"));
    check_typed(r#"{"array":[true,false,null]}"#, Ok("83f5f4f6"));
    check_typed(
        r#"{"map":[[{"text":"a"},{"int":"1"}],[{"int":"100"},null]]}"#,
        Ok("a21864f6616101"),
    );
    check_typed(r#"{"tag":"2","value":{"bytes":"01"}}"#, Ok("c24101"));
    check_typed(
        r#"{"value":{"bytes":"01"},"tag":"18446744073709551615"}"#,
        Ok("dbffffffffffffffff4101"),
    );
    check_typed(r#"{"simple":16}"#, Ok("f0"));
    check_typed(r#"{"simple":23}"#, Ok("f7"));
    check_typed(r#"{"simple":255}"#, Ok("f8ff"));
    check_typed(r#"{"float":"3ff0000000000000"}"#, Ok("f93c00"));
    check_typed(r#"{"float":"7ff8000000000001"}"#, Ok("f97e00"));
    check_typed(r#"{"float":"8000000000000000"}"#, Ok("f98000"));
    for bad in [
        r#"{"int":"-0"}"#,
        r#"{"int":"01"}"#,
        r#"{"int":"+1"}"#,
        r#"{"int":""}"#,
        r#"{"int":"-"}"#,
        r#"{"int":"1.0"}"#,
        r#"{"int":" 1"}"#,
        r#"{"int":1}"#,
        r#"{"int":"18446744073709551616"}"#,
        r#"{"int":"-18446744073709551617"}"#,
        r#"{"int":"99999999999999999999999999999999999999999"}"#,
        r#"{"bytes":"00FF"}"#,
        r#"{"bytes":"0"}"#,
        r#"{"bytes":"zz"}"#,
        r#"{"text":1}"#,
        r#"{"array":{}}"#,
        r#"{"map":[[1]]}"#,
        r#"{"map":[[null]]}"#,
        r#"{"map":[null]}"#,
        r#"{"map":{}}"#,
        r#"{"tag":"-1","value":null}"#,
        r#"{"tag":"18446744073709551616","value":null}"#,
        r#"{"tag":2,"value":null}"#,
        r#"{"tag":"2"}"#,
        r#"{"tag":"02","value":null}"#,
        r#"{"simple":20}"#,
        r#"{"simple":21}"#,
        r#"{"simple":22}"#,
        r#"{"simple":24}"#,
        r#"{"simple":31}"#,
        r#"{"simple":256}"#,
        r#"{"simple":-1}"#,
        r#"{"simple":1.5}"#,
        r#"{"simple":"1"}"#,
        r#"{"float":"3FF0000000000000"}"#,
        r#"{"float":"3ff000"}"#,
        r#"{"float":"3ff00000000000000000"}"#,
        r#"{"float":1}"#,
        r#"{"unknown":1}"#,
        r#"{"int":"1","text":"a"}"#,
        r#"{"tag":"1","value":null,"x":1}"#,
        "{}",
        "1",
        r#""a""#,
        "[]",
    ] {
        check_typed(bad, Err("CANON_CBOR_VALUE_INVALID"));
    }
    check_typed(
        r#"{"map":[[{"int":"1"},null],[{"int":"1"},true]]}"#,
        Err("CANON_CBOR_DUPLICATE_KEY"),
    );
    let typed = cbor::to_typed(&cbor::decode(&hex::decode("c2f97e00").unwrap()).unwrap()).unwrap();
    assert_eq!(
        json::to_canonical(&typed).unwrap().as_str(),
        r#"{"tag":"2","value":{"float":"7ff8000000000000"}}"#
    );
}

/// CANON-023: the decoder accepts exactly what the encoder produces. Every input of up to two
/// bytes, and DRBG-drawn inputs of 3 to 9 bytes, either fail or re-encode to themselves.
#[test]
fn decode_accepts_exactly_the_encoder_output() {
    let mut inputs: Vec<Vec<u8>> = (0..=255u8).map(|a| vec![a]).collect();
    inputs.extend((0..=u16::MAX).map(|ab| ab.to_be_bytes().to_vec()));
    let mut drbg = canon::drbg::Drbg::new("canon/cbor/decode-exactly");
    for _ in 0..100_000 {
        let len = 3 + (drbg.u64() % 7) as usize;
        inputs.push(drbg.bytes(len).unwrap());
    }
    let mut accepted = 0;
    for input in &inputs {
        if let Ok(value) = cbor::decode(input) {
            accepted += 1;
            assert_eq!(
                cbor::encode(&value).as_ref(),
                Ok(input),
                "{}",
                hex::encode(input)
            );
        }
    }
    assert!(accepted > 1000, "{accepted}");
}
