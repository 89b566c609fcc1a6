//! Judging one answer against one case (spec/protocol.md §3, §4).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::case::{Case, Expect};

/// The one outcome recorded per case (spec/protocol.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The result equals the expectation.
    Pass,
    /// An `ok`/`error` result that differs from the expectation.
    Fail,
    /// A required feature was not declared; the case was not sent (PROTO-011).
    Unsupported,
    /// The adapter answered `{"skipped": reason}`.
    Skipped,
    /// The adapter answered `{"errored": message}`, or the handshake was refused.
    Error,
    /// The adapter exited or closed its output before answering.
    Crash,
    /// No answer within the per-case or start-up timeout.
    Timeout,
    /// An answer that breaks the protocol.
    ProtocolViolation,
}

impl Outcome {
    /// Every outcome, in report column order.
    pub const ALL: [Outcome; 8] = [
        Outcome::Pass,
        Outcome::Fail,
        Outcome::Unsupported,
        Outcome::Skipped,
        Outcome::Error,
        Outcome::Crash,
        Outcome::Timeout,
        Outcome::ProtocolViolation,
    ];

    /// The name used in reports and in digests (`{"outcome":"timeout"}`).
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Unsupported => "unsupported",
            Outcome::Skipped => "skipped",
            Outcome::Error => "error",
            Outcome::Crash => "crash",
            Outcome::Timeout => "timeout",
            Outcome::ProtocolViolation => "protocol_violation",
        }
    }

    /// Whether the adapter must be killed and restarted after this outcome (PROTO-040).
    pub fn needs_restart(self) -> bool {
        matches!(
            self,
            Outcome::Crash | Outcome::Timeout | Outcome::ProtocolViolation
        )
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Outcome {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Outcome::ALL
            .into_iter()
            .find(|o| o.name() == s)
            .ok_or_else(|| format!("unknown outcome {s:?}"))
    }
}

/// A well-formed `result` of a `run` answer (PROTO-020).
#[derive(Debug, Clone, PartialEq)]
pub enum AdapterResult {
    /// `{"ok": value}`.
    Ok(Value),
    /// `{"error": "CODE"}`.
    Error(String),
    /// `{"skipped": "reason"}`.
    Skipped(String),
    /// `{"errored": "message"}`.
    Errored(String),
}

impl AdapterResult {
    /// Parses a `result` member: an object with exactly one of the four members.
    /// Enforces PROTO-020.
    pub fn parse(result: &Value) -> Result<Self, String> {
        let object = result.as_object().ok_or_else(|| {
            format!(
                "result is not an object: {}",
                abbreviate(&result.to_string())
            )
        })?;
        if object.len() != 1 {
            return Err(format!(
                "result must have exactly one member of ok/error/skipped/errored: {}",
                abbreviate(&result.to_string())
            ));
        }
        let text = |v: &Value, what: &str| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("result member {what:?} is not a string"))
        };
        match object.iter().next() {
            Some((k, v)) if k == "ok" => Ok(AdapterResult::Ok(v.clone())),
            Some((k, v)) if k == "error" => text(v, k).map(AdapterResult::Error),
            Some((k, v)) if k == "skipped" => text(v, k).map(AdapterResult::Skipped),
            Some((k, v)) if k == "errored" => text(v, k).map(AdapterResult::Errored),
            _ => Err(format!(
                "result is none of ok/error/skipped/errored: {}",
                abbreviate(&result.to_string())
            )),
        }
    }

    /// The result object as hashed for PROTO-060 (`{"ok":…}` or `{"error":…}`), if it is one.
    pub fn answer(&self) -> Option<Value> {
        match self {
            AdapterResult::Ok(v) => Some(Expect::Ok(v.clone()).to_json()),
            AdapterResult::Error(c) => Some(Expect::Error(c.clone()).to_json()),
            AdapterResult::Skipped(_) | AdapterResult::Errored(_) => None,
        }
    }
}

/// An outcome with a human explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The outcome.
    pub outcome: Outcome,
    /// Expected vs got, or why the case was not judged; empty for a plain pass.
    pub detail: String,
}

impl Verdict {
    /// A verdict with a detail string.
    pub fn new(outcome: Outcome, detail: impl Into<String>) -> Self {
        Verdict {
            outcome,
            detail: detail.into(),
        }
    }
}

/// Judges a parsed result against a case.
/// Enforces PROTO-050 (ok values compared as JSON, errors by code only) and PROTO-051
/// (`acceptable` alternatives).
pub fn judge(case: &Case, result: &AdapterResult) -> Verdict {
    let got = match result {
        AdapterResult::Skipped(reason) => return Verdict::new(Outcome::Skipped, reason.clone()),
        AdapterResult::Errored(message) => {
            return Verdict::new(Outcome::Error, format!("adapter errored: {message}"));
        }
        AdapterResult::Ok(v) => Expect::Ok(v.clone()),
        AdapterResult::Error(code) => Expect::Error(code.clone()),
    };
    if matches(&case.expect, &got) {
        return Verdict::new(Outcome::Pass, "");
    }
    if let Some(alt) = case.acceptable.iter().find(|alt| matches(alt, &got)) {
        return Verdict::new(Outcome::Pass, format!("acceptable alternative {alt}"));
    }
    let mut detail = format!("expected {}", case.expect);
    for alt in &case.acceptable {
        detail.push_str(&format!(" or {alt}"));
    }
    detail.push_str(&format!(", got {got}"));
    Verdict::new(Outcome::Fail, detail)
}

fn matches(expect: &Expect, got: &Expect) -> bool {
    match (expect, got) {
        (Expect::Ok(e), Expect::Ok(g)) => json_eq(e, g),
        (Expect::Error(e), Expect::Error(g)) => e == g,
        _ => false,
    }
}

/// JSON equality per PROTO-050: object member order is ignored, numbers compare as integers
/// (an integral float equals the same integer; a non-integral number equals nothing).
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (as_integer(x), as_integer(y)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fn as_integer(n: &serde_json::Number) -> Option<i128> {
    if let Some(i) = n.as_i64() {
        return Some(i128::from(i));
    }
    if let Some(u) = n.as_u64() {
        return Some(i128::from(u));
    }
    let f = n.as_f64()?;
    // 2^63 bounds keep the cast exact; larger floats are not PROTO-021 integers anyway.
    if f.fract() == 0.0 && f.abs() < 2f64.powi(63) {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "integral and in range, checked above"
        )]
        return Some(f as i128);
    }
    None
}

/// Shortens long text for report details (keeps the head and the tail).
pub fn abbreviate(text: &str) -> String {
    const MAX: usize = 240;
    if text.chars().count() <= MAX {
        return text.to_owned();
    }
    let head: String = text.chars().take(MAX / 2).collect();
    let tail: Vec<char> = text.chars().rev().take(MAX / 2 - 20).collect();
    let tail: String = tail.into_iter().rev().collect();
    format!("{head}…[{} chars]…{tail}", text.chars().count())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{AdapterResult, Outcome, json_eq, judge};
    use crate::case::{Case, Expect};

    fn case(expect: Expect, acceptable: Vec<Expect>) -> Case {
        Case {
            suite: "s".into(),
            id: "i".into(),
            reqs: vec!["CANON-001".into()],
            description: "d".into(),
            features: vec!["op".into()],
            flags: vec!["F".into()],
            op: "op".into(),
            input: json!({}),
            expect,
            acceptable,
        }
    }

    fn check(expect: Expect, acceptable: Vec<Expect>, result: serde_json::Value, outcome: Outcome) {
        let parsed = AdapterResult::parse(&result).unwrap();
        assert_eq!(
            judge(&case(expect, acceptable), &parsed).outcome,
            outcome,
            "{result}"
        );
    }

    #[test]
    fn judging() {
        let ok = Expect::Ok(json!({"a": [1, "x"], "b": true}));
        check(
            ok.clone(),
            vec![],
            json!({"ok": {"b": true, "a": [1, "x"]}}),
            Outcome::Pass,
        );
        check(
            ok.clone(),
            vec![],
            json!({"ok": {"b": true, "a": [1.0, "x"]}}),
            Outcome::Pass,
        );
        check(
            ok.clone(),
            vec![],
            json!({"ok": {"b": true, "a": ["x", 1]}}),
            Outcome::Fail,
        );
        check(
            ok.clone(),
            vec![],
            json!({"error": "CANON_X"}),
            Outcome::Fail,
        );
        let err = Expect::Error("CANON_SIG_INVALID".into());
        check(
            err.clone(),
            vec![],
            json!({"error": "CANON_SIG_INVALID"}),
            Outcome::Pass,
        );
        check(
            err.clone(),
            vec![],
            json!({"error": "CANON_KEY_INVALID"}),
            Outcome::Fail,
        );
        check(
            Expect::Ok(json!(true)),
            vec![err.clone()],
            json!({"error": "CANON_SIG_INVALID"}),
            Outcome::Pass,
        );
        check(
            Expect::Ok(json!(true)),
            vec![err],
            json!({"ok": false}),
            Outcome::Fail,
        );
        check(
            ok.clone(),
            vec![],
            json!({"skipped": "why"}),
            Outcome::Skipped,
        );
        check(ok, vec![], json!({"errored": "boom"}), Outcome::Error);
    }

    #[test]
    fn result_shapes() {
        for bad in [
            json!([]),
            json!({}),
            json!({"ok": 1, "error": "X"}),
            json!({"error": 3}),
            json!({"skipped": null}),
            json!({"maybe": 1}),
        ] {
            assert!(AdapterResult::parse(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers_compare_as_integers() {
        assert!(json_eq(&json!(1), &json!(1.0)));
        assert!(json_eq(&json!(-5), &json!(-5)));
        assert!(json_eq(&json!(u64::MAX), &json!(u64::MAX)));
        assert!(!json_eq(&json!(0.5), &json!(0.5)));
        assert!(!json_eq(&json!(1), &json!("1")));
        assert!(!json_eq(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
    }
}
