//! Check requests, levels of assurance and the 21 trust features (spec/sigil.md §1).

use std::fmt;

use canon::json::Value;

use crate::Error;
use crate::float::slog2;
use crate::json::{as_str, exact};

/// The number of features (SIGIL-002).
pub const FEATURE_COUNT: usize = 21;

/// The features' names in order (SIGIL-002); a model's `features` member must equal them.
pub const FEATURE_NAMES: [&str; FEATURE_COUNT] = [
    "action=read",
    "action=list",
    "action=write",
    "action=update",
    "action=delete",
    "action=execute",
    "action=export",
    "action=admin",
    "action=other",
    "target=public",
    "target=user",
    "target=tenant",
    "target=system",
    "target=secret",
    "target=other",
    "loa=Guest",
    "loa=User",
    "loa=Operator",
    "loa=Admin",
    "rate",
    "entropy",
];

/// The action table of SIGIL-002 (index 8 is `other`).
const ACTIONS: [&str; 8] = [
    "read", "list", "write", "update", "delete", "execute", "export", "admin",
];
/// The target-class table of SIGIL-002 (index 5 is `other`).
const TARGETS: [&str; 5] = ["public", "user", "tenant", "system", "secret"];

/// The window count at which `rate` saturates (SIGIL-002).
pub const RATE_CAP: u64 = 100;
/// The length of the rate window in milliseconds (SIGIL-005).
pub const RATE_WINDOW_MS: u64 = 60_000;
/// The largest `input`, in bytes (SIGIL-001).
pub const MAX_INPUT_LEN: usize = 65_536;

/// A level of assurance, ordered `Guest < User < Operator < Admin` (SIGIL-060).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Loa {
    /// Anonymous or unverified.
    Guest,
    /// An authenticated user.
    User,
    /// An operator of the service.
    Operator,
    /// An administrator.
    Admin,
}

impl Loa {
    /// Every level, in order.
    pub const ALL: [Loa; 4] = [Loa::Guest, Loa::User, Loa::Operator, Loa::Admin];

    /// The level named exactly `name` (case-sensitive), if any.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name() == name)
    }

    /// The spec's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Guest => "Guest",
            Self::User => "User",
            Self::Operator => "Operator",
            Self::Admin => "Admin",
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Guest => 0,
            Self::User => 1,
            Self::Operator => 2,
            Self::Admin => 3,
        }
    }
}

impl fmt::Display for Loa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A check request (SIGIL-001).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRequest {
    /// The tenant.
    pub tenant: String,
    /// Who acts.
    pub actor: String,
    /// What they do.
    pub action: String,
    /// On what.
    pub target: String,
    /// Their level of assurance.
    pub loa: Loa,
    /// The input they send.
    pub input: String,
}

/// The member names of a check request, in the order they are checked.
const MEMBERS: [&str; 6] = ["tenant", "actor", "action", "target", "loa", "input"];

/// Whether `s` is 1 to 128 bytes of `[A-Za-z0-9._:@-]` (tenant and actor names).
pub fn is_name(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".:_@-".contains(&b))
}

impl CheckRequest {
    /// Parses a check request's JSON text strictly (CANON-010..016, then SIGIL-001); every
    /// failure is `SIGIL_REQUEST_INVALID`.
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let value = canon::json::parse(bytes).map_err(|e| Error::request(e.to_string()))?;
        Self::from_json(&value)
    }

    /// Reads a parsed check request.
    ///
    /// Enforces SIGIL-001.
    pub fn from_json(value: &Value) -> Result<Self, Error> {
        let m = exact(value, &MEMBERS).map_err(Error::request)?;
        let tenant = as_str(m[0], "tenant").map_err(Error::request)?;
        if !is_name(tenant) {
            return Err(Error::request("tenant is not 1..=128 of [A-Za-z0-9._:@-]"));
        }
        let actor = as_str(m[1], "actor").map_err(Error::request)?;
        if !is_name(actor) {
            return Err(Error::request("actor is not 1..=128 of [A-Za-z0-9._:@-]"));
        }
        let action = as_str(m[2], "action").map_err(Error::request)?;
        if !(1..=64).contains(&action.len()) {
            return Err(Error::request("action is not 1..=64 bytes"));
        }
        let target = as_str(m[3], "target").map_err(Error::request)?;
        if target.len() > 1024 {
            return Err(Error::request("target is over 1024 bytes"));
        }
        let loa = as_str(m[4], "loa")
            .ok()
            .and_then(Loa::parse)
            .ok_or_else(|| Error::request("loa is not Guest, User, Operator or Admin"))?;
        let input = as_str(m[5], "input").map_err(Error::request)?;
        if input.len() > MAX_INPUT_LEN {
            return Err(Error::request("input is over 65536 bytes"));
        }
        Ok(Self {
            tenant: tenant.to_owned(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            target: target.to_owned(),
            loa,
            input: input.to_owned(),
        })
    }

    /// The target class: the bytes before the first `:` (SIGIL-002).
    pub fn target_class(&self) -> &str {
        self.target
            .split_once(':')
            .map_or(self.target.as_str(), |(class, _)| class)
    }
}

/// The input entropy `E` in bits per byte.
///
/// Enforces SIGIL-003.
pub fn entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[usize::from(b)] += 1;
    }
    let n = bytes.len() as f64;
    let mut e = 0.0;
    for &c in counts.iter().filter(|&&c| c != 0) {
        let p = f64::from(c) / n;
        e -= p * slog2(p);
    }
    e
}

/// The feature vector of a request with window count `window_count`.
///
/// Enforces SIGIL-002.
pub fn features(request: &CheckRequest, window_count: u64) -> [f64; FEATURE_COUNT] {
    let mut x = [0.0; FEATURE_COUNT];
    let action = ACTIONS
        .iter()
        .position(|a| *a == request.action)
        .unwrap_or(ACTIONS.len());
    x[action] = 1.0;
    let target = TARGETS
        .iter()
        .position(|t| *t == request.target_class())
        .unwrap_or(TARGETS.len());
    x[9 + target] = 1.0;
    x[15 + request.loa.index()] = 1.0;
    x[19] = window_count.min(RATE_CAP) as f64 / RATE_CAP as f64;
    x[20] = entropy(request.input.as_bytes()) / 8.0;
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(action: &str, target: &str, loa: &str, input: &str) -> CheckRequest {
        let text = format!(
            r#"{{"tenant":"t","actor":"a","action":{},"target":{},"loa":"{loa}","input":{}}}"#,
            serde_json::to_string(action).unwrap_or_default(),
            serde_json::to_string(target).unwrap_or_default(),
            serde_json::to_string(input).unwrap_or_default(),
        );
        match CheckRequest::parse(text.as_bytes()) {
            Ok(r) => r,
            Err(e) => panic!("{text}: {e}"),
        }
    }

    #[test]
    fn features_follow_the_table() {
        // (action, target, loa, window, hot indices, rate)
        type Case<'a> = (&'a str, &'a str, &'a str, u64, [usize; 3], f64);
        let cases: &[Case<'_>] = &[
            ("read", "public:x", "Guest", 0, [0, 9, 15], 0.0),
            ("list", "user", "User", 1, [1, 10, 16], 0.01),
            ("write", "tenant:a:b", "Operator", 50, [2, 11, 17], 0.5),
            ("update", "system:", "Admin", 100, [3, 12, 18], 1.0),
            ("delete", "secret:k", "Guest", 1000, [4, 13, 15], 1.0),
            ("execute", "", "Guest", 0, [5, 14, 15], 0.0),
            ("export", "Public:x", "Guest", 0, [6, 14, 15], 0.0),
            ("admin", ":public", "Guest", 0, [7, 14, 15], 0.0),
            ("READ", "public", "Guest", 0, [8, 9, 15], 0.0),
        ];
        for (action, target, loa, window, hot, rate) in cases {
            let x = features(&request(action, target, loa, ""), *window);
            for (i, v) in x.iter().enumerate().take(19) {
                let expected = if hot.contains(&i) { 1.0 } else { 0.0 };
                assert_eq!(*v, expected, "{action} {target} {loa}: x[{i}]");
            }
            assert_eq!(x[19], *rate);
            assert_eq!(x[20], 0.0);
        }
    }

    #[test]
    fn entropy_is_the_byte_histogram_entropy() {
        let cases: &[(&[u8], f64)] = &[
            (b"", 0.0),
            (b"aaaa", 0.0),
            (b"ab", 1.0),
            (b"abcd", 2.0),
            (b"aabb", 1.0),
        ];
        for (input, expected) in cases {
            assert_eq!(entropy(input), *expected, "{input:?}");
        }
        let all: Vec<u8> = (0..=255u8).collect();
        assert_eq!(entropy(&all), 8.0);
        // "aab": -(2/3 log2 2/3 + 1/3 log2 1/3) = 0.9182958340544896
        assert!((entropy(b"aab") - 0.918_295_834_054_489_6).abs() < 1e-15);
        // Multi-byte UTF-8 counts bytes, not characters.
        assert_eq!(entropy("é".as_bytes()), 1.0);
    }

    #[test]
    fn check_requests_are_validated() {
        let ok =
            r#"{"tenant":"t","actor":"a","action":"read","target":"x","loa":"Guest","input":""}"#;
        assert!(CheckRequest::parse(ok.as_bytes()).is_ok());
        let bad = [
            r#"{"tenant":"t","actor":"a","action":"read","target":"x","loa":"Guest"}"#,
            r#"{"tenant":"t","actor":"a","action":"read","target":"x","loa":"Guest","input":"","x":1}"#,
            r#"{"tenant":"","actor":"a","action":"read","target":"x","loa":"Guest","input":""}"#,
            r#"{"tenant":"t t","actor":"a","action":"read","target":"x","loa":"Guest","input":""}"#,
            r#"{"tenant":"t","actor":1,"action":"read","target":"x","loa":"Guest","input":""}"#,
            r#"{"tenant":"t","actor":"a","action":"","target":"x","loa":"Guest","input":""}"#,
            r#"{"tenant":"t","actor":"a","action":"read","target":"x","loa":"guest","input":""}"#,
            r#"{"tenant":"t","actor":"a","action":"read","target":"x","loa":"Root","input":""}"#,
            r#"{"tenant":"t","actor":"a","action":"read","target":"x","loa":"Guest","input":null}"#,
            r#"{"tenant":"t","tenant":"t","action":"read","target":"x","loa":"Guest","input":""}"#,
            r#"[]"#,
            r#"{"#,
        ];
        for text in bad {
            let code = CheckRequest::parse(text.as_bytes()).map_err(|e| e.code());
            assert_eq!(code, Err("SIGIL_REQUEST_INVALID"), "{text}");
        }
        let long = format!(
            r#"{{"tenant":"t","actor":"a","action":"read","target":"x","loa":"Guest","input":"{}"}}"#,
            "a".repeat(MAX_INPUT_LEN + 1)
        );
        assert!(CheckRequest::parse(long.as_bytes()).is_err());
    }
}
