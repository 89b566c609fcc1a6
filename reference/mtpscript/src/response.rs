//! Responses: canonical bodies, their hashes and the one error format (MTP-071..MTP-073), and
//! the audit line (MTP-061).

use canon::json::Value;

use crate::engine::{HeapReport, Outcome};
use crate::{Error, GasLimit, RequestContext, gas::DEPTH_LIMIT};

/// The result of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The RFC 8785 body: the result, or an MTP-073 error object.
    pub body: Vec<u8>,
    /// SHA-256 of `body` (MTP-072).
    pub sha256: [u8; 32],
    /// Gas used (MTP-050, MTP-051); 0 when the program did not run or the engine stopped it.
    pub gas_used: u64,
    /// The log effect's entries, in order (MTP-075).
    pub logs: Vec<String>,
    /// `None` on success, else the MTP-073 code.
    pub error_code: Option<&'static str>,
    /// The discarded VM's allocator counters, when the VM was discarded before returning.
    pub heap: Option<HeapReport>,
    /// Which kind of never-used VM served the request (never part of the body); `None` when
    /// the request was refused before reaching a VM.
    pub vm: Option<VmOrigin>,
}

/// Where a request's VM came from (MTP-090, A-037). Every kind is fresh and single-use; the
/// response is the same whichever served it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmOrigin {
    /// From the pool, with the snapshot cloned in ahead of the request.
    Cloned,
    /// From the pool, hardened; the request loaded the bytecode.
    Pooled,
    /// Built on the request path (the pool was empty or disabled).
    Built,
}

impl VmOrigin {
    /// `cloned`, `pooled` or `built`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cloned => "cloned",
            Self::Pooled => "pooled",
            Self::Built => "built",
        }
    }
}

fn number(n: u64) -> Value {
    Value::Number(n as f64)
}

fn text(s: &str) -> Value {
    Value::String(s.to_owned())
}

impl Response {
    fn from_body(body: Vec<u8>, gas_used: u64, error_code: Option<&'static str>) -> Self {
        Self {
            sha256: canon::id::sha256(&body),
            body,
            gas_used,
            logs: Vec::new(),
            error_code,
            heap: None,
            vm: None,
        }
    }

    /// An MTP-073 error body.
    fn error(members: Vec<(String, Value)>, gas_used: u64, code: &'static str) -> Self {
        let body = canon::json::to_canonical(&Value::Object(members))
            .map(|c| c.as_bytes().to_vec())
            .unwrap_or_default();
        Self::from_body(body, gas_used, Some(code))
    }

    /// `{"code":C,"column":K,"error":"CompileError","line":L}` for a compile error; other
    /// errors map to their own bodies.
    pub fn from_error(e: &Error) -> Self {
        match e {
            Error::Compile {
                code, line, column, ..
            } => Self::error(
                vec![
                    ("error".into(), text("CompileError")),
                    ("code".into(), text(code)),
                    ("line".into(), number(u64::from(*line))),
                    ("column".into(), number(u64::from(*column))),
                ],
                0,
                code,
            ),
            Error::ContextInvalid { .. } => Self::error(
                vec![("error".into(), text("ContextInvalid"))],
                0,
                "MTP_CONTEXT_INVALID",
            ),
            other => Self::error(
                vec![("error".into(), text("EngineFailure"))],
                0,
                other.code(),
            ),
        }
    }

    /// Enforces MTP-070: `{"code":C,"error":"InputInvalid"}`.
    pub(crate) fn input_invalid(e: &canon::Error) -> Self {
        Self::error(
            vec![
                ("error".into(), text("InputInvalid")),
                ("code".into(), text(e.code())),
            ],
            0,
            "MTP_INPUT_INVALID",
        )
    }

    /// Enforces MTP-071..MTP-073 for a finished run.
    pub(crate) fn from_outcome(outcome: Outcome, limit: GasLimit, logs: Vec<String>) -> Self {
        let with = |name: &str, used: u64, code| {
            Self::error(
                vec![
                    ("error".into(), text(name)),
                    ("gasUsed".into(), number(used)),
                ],
                used,
                code,
            )
        };
        let mut r = match outcome {
            Outcome::Ok { json, gas_used } => match canon::json::canonicalize(json.as_bytes()) {
                Ok(c) => Self::from_body(c.as_bytes().to_vec(), gas_used, None),
                // A lone surrogate (or anything else RFC 8785 cannot write) is not JSON.
                Err(_) => with("ResultInvalid", gas_used, "MTP_RESULT_INVALID"),
            },
            Outcome::Gas { gas_used } => Self::error(
                vec![
                    ("error".into(), text("GasExhausted")),
                    ("gasLimit".into(), number(limit.get())),
                    ("gasUsed".into(), number(gas_used)),
                ],
                gas_used,
                "MTP_GAS_EXHAUSTED",
            ),
            Outcome::Depth { gas_used } => Self::error(
                vec![
                    ("error".into(), text("DepthExceeded")),
                    ("depthLimit".into(), number(u64::from(DEPTH_LIMIT))),
                    ("gasUsed".into(), number(gas_used)),
                ],
                gas_used,
                "MTP_DEPTH_EXCEEDED",
            ),
            Outcome::Runtime { gas_used } => with("RuntimeError", gas_used, "MTP_RUNTIME_ERROR"),
            Outcome::Effect { gas_used } => with("EffectInvalid", gas_used, "MTP_EFFECT_INVALID"),
            Outcome::ResultInvalid { gas_used } => {
                with("ResultInvalid", gas_used, "MTP_RESULT_INVALID")
            }
            Outcome::Memory => Self::error(
                vec![("error".into(), text("MemoryExhausted"))],
                0,
                "MTP_MEMORY_EXHAUSTED",
            ),
            Outcome::Deadline => Self::error(
                vec![("error".into(), text("DeadlineExceeded"))],
                0,
                "MTP_DEADLINE_EXCEEDED",
            ),
            Outcome::EngineFailure(_) => Self::error(
                vec![("error".into(), text("EngineFailure"))],
                0,
                "MTP_ENGINE_FAILURE",
            ),
        };
        r.logs = logs;
        r
    }

    /// The body as text (it is always UTF-8).
    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or("")
    }

    /// The SHA-256 as 64 lowercase hex digits.
    pub fn sha256_hex(&self) -> String {
        canon::hex::encode(&self.sha256)
    }
}

/// The reference audit line (MTP-061):
/// `mtpscript request=<id> gasLimit=<L> gasUsed=<U> status=<ok|CODE> sha256=<hex>`.
pub fn audit_line(ctx: &RequestContext, gas: GasLimit, response: &Response) -> String {
    format!(
        "mtpscript request={} gasLimit={} gasUsed={} status={} sha256={}",
        ctx.request_id.escape_default(),
        gas.ascii(),
        response.gas_used,
        response.error_code.unwrap_or("ok"),
        response.sha256_hex()
    )
}
