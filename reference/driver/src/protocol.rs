//! The adapter-protocol server (spec/protocol.md §1–§2).

use std::io::{self, BufRead, Read, Write};

use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::ops::{features, run_case};

/// The longest request line the driver reads; the rest of a longer line is discarded and the
/// request answered with `PROTO_MALFORMED` (PROTO-022).
pub const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// The protocol version this driver speaks.
const PROTOCOL: u64 = 1;

/// The reference implementation as an adapter: one request object in, at most one response out.
#[derive(Debug, Default)]
pub struct Driver {
    _private: (),
}

impl Driver {
    /// A driver ready for its `hello`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Answers one request; `None` for `shutdown` (PROTO-030), which has no answer.
    ///
    /// Enforces PROTO-003 (unknown members ignored), PROTO-020 (`seq` echoed as sent) and
    /// PROTO-022 (malformed requests answered, never fatal).
    pub fn handle(&mut self, request: &Value) -> Option<Value> {
        let seq = request.get("seq").cloned().unwrap_or(Value::Null);
        match request.get("cmd").and_then(Value::as_str) {
            Some("hello") => Some(hello(request)),
            Some("run") => Some(run(seq, request)),
            Some("shutdown") => None,
            Some(other) => Some(malformed(seq, &format!("unknown cmd `{other}`"))),
            None => Some(malformed(seq, "request has no string `cmd`")),
        }
    }

    /// Answers one raw request line (without its `\n`); `None` for `shutdown`.
    ///
    /// Enforces PROTO-022: invalid UTF-8, invalid JSON, too-deep nesting and non-objects are
    /// answered with `PROTO_MALFORMED`. Enforces PROTO-020 byte for byte: the `seq` member's
    /// exact source text is echoed, so `1.50` or a 30-digit integer comes back unchanged.
    pub fn handle_line(&mut self, line: &[u8]) -> Option<String> {
        let request = match serde_json::from_slice::<Value>(line) {
            Ok(request @ Value::Object(_)) => request,
            Ok(_) => {
                return Some(render(
                    None,
                    &malformed(Value::Null, "request is not a JSON object"),
                ));
            }
            Err(error) => {
                let message = format!("request is not JSON: {error}");
                return Some(render(None, &malformed(Value::Null, &message)));
            }
        };
        let raw_seq = serde_json::from_slice::<RawSeq<'_>>(line)
            .ok()
            .and_then(|r| r.seq);
        let response = self.handle(&request)?;
        Some(render(raw_seq, &response))
    }
}

/// The `seq` member of a request as written.
#[derive(serde::Deserialize)]
struct RawSeq<'a> {
    #[serde(borrow)]
    seq: Option<&'a RawValue>,
}

/// Serializes a response, replacing its `seq` by the request's exact text when there is one.
fn render(raw_seq: Option<&RawValue>, response: &Value) -> String {
    #[derive(serde::Serialize)]
    struct WithRawSeq<'a> {
        seq: &'a RawValue,
        #[serde(flatten)]
        rest: &'a serde_json::Map<String, Value>,
    }
    match (raw_seq, response.as_object()) {
        (Some(seq), Some(object)) if object.contains_key("seq") => {
            let mut rest = object.clone();
            rest.remove("seq");
            serde_json::to_string(&WithRawSeq { seq, rest: &rest })
                .unwrap_or_else(|_| response.to_string())
        }
        _ => response.to_string(),
    }
}

fn hello(request: &Value) -> Value {
    let speaks = request
        .get("protocol")
        .and_then(Value::as_array)
        .and_then(|range| match range.as_slice() {
            [min, max] => Some((min.as_u64()?, max.as_u64()?)),
            _ => None,
        })
        .is_some_and(|(min, max)| (min..=max).contains(&PROTOCOL));
    if !speaks {
        return json!({"error": {
            "code": "PROTO_VERSION_UNSUPPORTED",
            "message": format!("this driver speaks protocol {PROTOCOL} only"),
        }});
    }
    json!({
        "protocol": PROTOCOL,
        "implementation": {
            "name": "quorate-reference",
            "version": env!("CARGO_PKG_VERSION"),
            "language": "rust",
            "os": std::env::consts::OS,
            "arch": std::env::consts::ARCH,
        },
        "features": features(),
    })
}

fn run(seq: Value, request: &Value) -> Value {
    if seq.is_null() {
        return malformed(seq, "run has no `seq`");
    }
    let Some(case) = request.get("case") else {
        return malformed(seq, "run has no `case`");
    };
    let (Some(op), Some(input)) = (case.get("op").and_then(Value::as_str), case.get("input"))
    else {
        return malformed(seq, "case has no string `op` or no `input`");
    };
    let result = match run_case(op, input) {
        Ok(value) => json!({ "ok": value }),
        Err(error) => json!({ "error": error.code() }),
    };
    json!({ "seq": seq, "result": result })
}

fn malformed(seq: Value, message: &str) -> Value {
    json!({ "seq": seq, "error": { "code": "PROTO_MALFORMED", "message": message } })
}

/// Serves the protocol until `shutdown` or end of input (PROTO-001, PROTO-004).
pub fn serve(input: impl BufRead, output: impl Write) -> io::Result<()> {
    serve_with_line_limit(input, output, MAX_LINE_BYTES)
}

/// [`serve`] with another limit on the length of a request line.
pub fn serve_with_line_limit(
    mut input: impl BufRead,
    mut output: impl Write,
    max_line_bytes: usize,
) -> io::Result<()> {
    let mut driver = Driver::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        let limit = u64::try_from(max_line_bytes).unwrap_or(u64::MAX);
        let read = Read::take(&mut input, limit).read_until(b'\n', &mut line)?;
        if read == 0 {
            return Ok(());
        }
        let response = if line.last() == Some(&b'\n') {
            line.pop();
            driver.handle_line(&line)
        } else if line.len() >= max_line_bytes {
            discard_rest_of_line(&mut input)?;
            Some(render(
                None,
                &malformed(Value::Null, "request line too long"),
            ))
        } else {
            // The final line, without a newline.
            driver.handle_line(&line)
        };
        let Some(response) = response else {
            return Ok(());
        };
        output.write_all(response.as_bytes())?;
        output.write_all(b"\n")?;
        output.flush()?;
        if response.contains("\"PROTO_VERSION_UNSUPPORTED\"") && !response.contains("\"seq\"") {
            // PROTO-010: no common version, so the adapter exits after saying so.
            return Ok(());
        }
    }
}

fn discard_rest_of_line(input: &mut impl BufRead) -> io::Result<()> {
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok(());
        }
        if let Some(end) = buffer.iter().position(|&b| b == b'\n') {
            input.consume(end + 1);
            return Ok(());
        }
        let len = buffer.len();
        input.consume(len);
    }
}
