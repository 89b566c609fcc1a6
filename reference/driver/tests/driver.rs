//! The driver never panics and answers every malformed request line (PROTO-022), echoes `seq`
//! byte for byte (PROTO-020) and follows the handshake rules (PROTO-010, PROTO-030).

#![allow(clippy::unwrap_used)] // test helpers: a failure is a test failure

use serde_json::Value;

/// Feeds `input` to the driver (with `limit` as the line limit) and returns its output lines.
fn serve(input: &[u8], limit: usize) -> Vec<String> {
    let mut output = Vec::new();
    driver::serve_with_line_limit(input, &mut output, limit).unwrap();
    String::from_utf8(output)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn parse(line: &str) -> Value {
    serde_json::from_str(line).unwrap()
}

/// One malformed line: the driver answers `PROTO_MALFORMED` and keeps serving the next line.
fn check_malformed(name: &str, line: &[u8]) {
    let mut input = line.to_vec();
    input.extend_from_slice(b"\n{\"cmd\":\"run\",\"seq\":7,\"case\":{\"op\":\"canon.sha256\",\"input\":{\"bytes\":\"\"}}}\n");
    let lines = serve(&input, 1 << 20);
    assert_eq!(lines.len(), 2, "{name}: {lines:?}");
    assert_eq!(
        parse(&lines[0])["error"]["code"],
        "PROTO_MALFORMED",
        "{name}: {}",
        lines[0]
    );
    assert_eq!(
        parse(&lines[1])["result"]["ok"],
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "{name}: the driver keeps serving"
    );
}

#[test]
fn driver_malformed_lines_are_protocol_errors() {
    let deep = "[".repeat(100_000);
    let deep_object = "{\"a\":".repeat(50_000);
    let huge_number = format!("{{\"cmd\":\"run\",\"seq\":1{}}}", "0".repeat(5000));
    let cases: &[(&str, &[u8])] = &[
        ("invalid JSON", b"{not json"),
        ("empty line", b""),
        ("invalid UTF-8", b"{\"cmd\":\"hello\xff\"}"),
        ("lone continuation byte", b"\x80"),
        ("deep arrays", deep.as_bytes()),
        ("deep objects", deep_object.as_bytes()),
        ("huge number as seq", huge_number.as_bytes()),
        ("number overflow", b"{\"cmd\":\"run\",\"seq\":1e400}"),
        ("not an object", b"[1,2,3]"),
        ("a string", b"\"hello\""),
        ("no cmd", b"{\"seq\":1}"),
        ("cmd not a string", b"{\"cmd\":5}"),
        ("unknown cmd", b"{\"cmd\":\"explode\"}"),
        (
            "run without seq",
            b"{\"cmd\":\"run\",\"case\":{\"op\":\"canon.sha256\",\"input\":{}}}",
        ),
        ("run without case", b"{\"cmd\":\"run\",\"seq\":1}"),
        (
            "case without op",
            b"{\"cmd\":\"run\",\"seq\":1,\"case\":{\"input\":{}}}",
        ),
        ("NUL bytes", b"\0\0\0"),
    ];
    for (name, line) in cases {
        check_malformed(name, line);
    }
}

#[test]
fn driver_over_long_line_is_refused_and_skipped() {
    let mut input = vec![b'x'; 5000];
    input.extend_from_slice(b"\n{\"cmd\":\"hello\",\"protocol\":[1,1]}\n");
    let lines = serve(&input, 1024);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(parse(&lines[0])["error"]["code"], "PROTO_MALFORMED");
    assert_eq!(parse(&lines[1])["protocol"], 1);
}

#[test]
fn driver_echoes_seq_byte_for_byte() {
    for seq in [
        "0",
        "18446744073709551616000",
        "1.50",
        "\"abc\"",
        "{\"x\":[1]}",
        "-0",
    ] {
        let line = format!(
            "{{\"cmd\":\"run\",\"seq\":{seq},\"case\":{{\"op\":\"canon.fnv1a64\",\"input\":{{\"bytes\":\"\"}}}}}}\n"
        );
        let lines = serve(line.as_bytes(), 1 << 20);
        assert!(
            lines[0].starts_with(&format!("{{\"seq\":{seq},")),
            "{seq}: {}",
            lines[0]
        );
        assert_eq!(parse(&lines[0])["result"]["ok"], "cbf29ce484222325");
    }
}

#[test]
fn driver_case_errors_are_codes() {
    let cases = [
        (r#"{"op":"canon.nope","input":{}}"#, "PROTO_CASE_INVALID"),
        (r#"{"op":"canon.sha256","input":[]}"#, "PROTO_CASE_INVALID"),
        (r#"{"op":"canon.sha256","input":{}}"#, "PROTO_CASE_INVALID"),
        (
            r#"{"op":"canon.sha256","input":{"bytes":5}}"#,
            "PROTO_CASE_INVALID",
        ),
        (
            r#"{"op":"canon.sha256","input":{"bytes":"ABCD"}}"#,
            "CANON_HEX_INVALID",
        ),
        (
            r#"{"op":"canon.drbg","input":{"label":"x","length":-1}}"#,
            "PROTO_CASE_INVALID",
        ),
        (
            r#"{"op":"canon.drbg","input":{"label":"x","length":1e300}}"#,
            "PROTO_CASE_INVALID",
        ),
        (
            r#"{"op":"canon.json.canonicalize","input":{"text":"0","pad_spaces":99999999999}}"#,
            "PROTO_CASE_INVALID",
        ),
        (
            r#"{"op":"canon.cbor.encode","input":{"value":{"int":"1","text":"x"}}}"#,
            "CANON_CBOR_VALUE_INVALID",
        ),
    ];
    for (case, code) in cases {
        let line = format!("{{\"cmd\":\"run\",\"seq\":1,\"case\":{case}}}\n");
        let lines = serve(line.as_bytes(), 1 << 20);
        assert_eq!(parse(&lines[0])["result"]["error"], code, "{case}");
    }
}

#[test]
fn driver_handshake_and_shutdown() {
    let input = b"{\"cmd\":\"hello\",\"protocol\":[1,3],\"suite_version\":\"0.1.0\",\"extra\":true}\n{\"cmd\":\"shutdown\"}\n{\"cmd\":\"hello\",\"protocol\":[1,1]}\n";
    let lines = serve(input, 1 << 20);
    assert_eq!(
        lines.len(),
        1,
        "nothing is answered after shutdown: {lines:?}"
    );
    let hello = parse(&lines[0]);
    assert_eq!(hello["protocol"], 1);
    assert_eq!(hello["implementation"]["language"], "rust");
    assert!(hello["features"].as_array().unwrap().len() >= 18);

    let lines = serve(
        b"{\"cmd\":\"hello\",\"protocol\":[2,3]}\n{\"cmd\":\"hello\",\"protocol\":[1,1]}\n",
        1 << 20,
    );
    assert_eq!(
        lines.len(),
        1,
        "the driver exits after refusing the version: {lines:?}"
    );
    assert_eq!(
        parse(&lines[0])["error"]["code"],
        "PROTO_VERSION_UNSUPPORTED"
    );
}
