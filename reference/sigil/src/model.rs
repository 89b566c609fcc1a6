//! The logistic trust model: its JSON form, its id and its score (spec/sigil.md §1).

use canon::id::ContentId;
use canon::json::Value;

use crate::Error;
use crate::features::{FEATURE_COUNT, FEATURE_NAMES};
use crate::float::sexp;
use crate::json::{canonical, exact, int, obj, string};

/// A validated trust model (SIGIL-007).
#[derive(Debug, Clone, PartialEq)]
pub struct TrustModel {
    /// One weight per feature, in SIGIL-002 order.
    pub weights: [f64; FEATURE_COUNT],
    /// The bias.
    pub bias: f64,
    /// The decision threshold in `[0, 1]`.
    pub threshold: f64,
    id: ContentId,
}

/// A model's score of one feature vector (SIGIL-008).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// `w·x + b`.
    pub z: f64,
    /// `sigmoid(z)`.
    pub score: f64,
    /// `score >= threshold`.
    pub allowed: bool,
}

/// The weights of the default model (SIGIL-009), in feature order.
const DEFAULT_WEIGHTS: [f64; FEATURE_COUNT] = [
    2.0, 1.5, 0.5, 0.0, -2.0, -0.5, -1.5, -2.5, -3.0, // action
    1.5, 0.5, 0.0, -1.5, -3.0, -1.0, // target
    -2.0, 0.0, 1.5, 2.0,  // loa
    -4.0, // rate
    -3.0, // entropy
];

fn invalid(reason: impl Into<String>) -> Error {
    Error::ModelInvalid {
        reason: reason.into(),
    }
}

impl TrustModel {
    /// The default model.
    ///
    /// Enforces SIGIL-009.
    pub fn default_model() -> Self {
        Self::new(DEFAULT_WEIGHTS, 0.5, 0.5)
    }

    fn new(weights: [f64; FEATURE_COUNT], bias: f64, threshold: f64) -> Self {
        let mut model = Self {
            weights,
            bias,
            threshold,
            id: ContentId::from_digest([0; 32]),
        };
        // The members are finite numbers and unique names, so the canonical form exists.
        model.id = canonical(&model.to_json())
            .map(|c| ContentId::of_json(&c))
            .unwrap_or(model.id);
        model
    }

    /// Reads a model's JSON form.
    ///
    /// Enforces SIGIL-007.
    pub fn from_json(value: &Value) -> Result<Self, Error> {
        let m = exact(
            value,
            &["model_version", "features", "weights", "bias", "threshold"],
        )
        .map_err(invalid)?;
        if m[0].as_u64() != Some(1) {
            return Err(invalid("model_version is not 1"));
        }
        let names = m[1]
            .as_array()
            .ok_or_else(|| invalid("features is not an array"))?;
        if names.len() != FEATURE_COUNT
            || names
                .iter()
                .zip(FEATURE_NAMES)
                .any(|(n, expected)| n.as_str() != Some(expected))
        {
            return Err(invalid(
                "features are not the 21 names of SIGIL-002 in order",
            ));
        }
        let weights = m[2]
            .as_array()
            .ok_or_else(|| invalid("weights is not an array"))?;
        if weights.len() != FEATURE_COUNT {
            return Err(invalid("weights does not have 21 numbers"));
        }
        let mut w = [0.0; FEATURE_COUNT];
        for (slot, value) in w.iter_mut().zip(weights) {
            *slot = value
                .as_f64()
                .filter(|x| x.is_finite())
                .ok_or_else(|| invalid("a weight is not a finite number"))?;
        }
        let bias = m[3]
            .as_f64()
            .filter(|x| x.is_finite())
            .ok_or_else(|| invalid("bias is not a finite number"))?;
        let threshold = m[4]
            .as_f64()
            .filter(|t| (0.0..=1.0).contains(t))
            .ok_or_else(|| invalid("threshold is not a number in [0, 1]"))?;
        Ok(Self::new(w, bias, threshold))
    }

    /// The model's JSON form (SIGIL-007).
    pub fn to_json(&self) -> Value {
        obj(vec![
            ("model_version", int(1)),
            (
                "features",
                Value::Array(FEATURE_NAMES.iter().map(|n| string(*n)).collect()),
            ),
            (
                "weights",
                Value::Array(self.weights.iter().map(|w| Value::Number(*w)).collect()),
            ),
            ("bias", Value::Number(self.bias)),
            ("threshold", Value::Number(self.threshold)),
        ])
    }

    /// The model id: SHA-256 of the canonical form (SIGIL-007).
    pub fn id(&self) -> ContentId {
        self.id
    }

    /// The score of `x`.
    ///
    /// Enforces SIGIL-008: `SIGIL_EVAL_NONFINITE` when `z` is not finite.
    pub fn score(&self, x: &[f64; FEATURE_COUNT]) -> Result<Score, Error> {
        let mut a = 0.0;
        for (w, x) in self.weights.iter().zip(x) {
            a += w * x;
        }
        let z = a + self.bias;
        if !z.is_finite() {
            return Err(Error::EvalNonFinite);
        }
        let score = if z >= 0.0 {
            1.0 / (1.0 + sexp(-z))
        } else {
            let e = sexp(z);
            e / (1.0 + e)
        };
        Ok(Score {
            z,
            score,
            allowed: score >= self.threshold,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{CheckRequest, features};

    fn check(action: &str, target: &str, loa: &str, input: &str, window: u64) -> Score {
        let text = format!(
            r#"{{"tenant":"t","actor":"a","action":"{action}","target":"{target}","loa":"{loa}","input":"{input}"}}"#
        );
        let request = CheckRequest::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        TrustModel::default_model()
            .score(&features(&request, window))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn default_model_allows_low_risk_and_denies_high_risk() {
        let allow = [
            ("read", "public:doc", "Operator", "hello"),
            ("list", "user:ann", "User", "page=1"),
            ("read", "tenant:x", "Admin", ""),
        ];
        for (action, target, loa, input) in allow {
            let s = check(action, target, loa, input, 0);
            assert!(s.allowed && s.score > 0.8, "{action} {target} {loa}: {s:?}");
        }
        let deny = [
            ("delete", "secret:keys", "Guest", "x"),
            ("admin", "system:config", "User", "rm -rf /"),
            ("export", "secret:all", "Operator", "*"),
            ("frobnicate", "nowhere", "Guest", ""),
        ];
        for (action, target, loa, input) in deny {
            let s = check(action, target, loa, input, 0);
            assert!(
                !s.allowed && s.score < 0.2,
                "{action} {target} {loa}: {s:?}"
            );
        }
        // The rate window alone turns an allow into a deny.
        assert!(check("write", "user:ann", "User", "ab", 0).allowed);
        assert!(!check("write", "user:ann", "User", "ab", 100).allowed);
    }

    #[test]
    fn scores_are_deterministic_and_monotone() {
        let model = TrustModel::default_model();
        let mut previous = 0.0;
        for i in 0..=400 {
            let mut m = model.clone();
            m.bias = -20.0 + f64::from(i) * 0.1;
            let s = m
                .score(&[0.0; FEATURE_COUNT])
                .unwrap_or_else(|e| panic!("{e}"));
            let expected = 1.0 / (1.0 + (-s.z).exp());
            assert!((s.score - expected).abs() < 1e-15, "{s:?}");
            assert!(s.score >= previous);
            previous = s.score;
        }
        assert_eq!(model.score(&[0.0; FEATURE_COUNT]).map(|s| s.z), Ok(0.5));
        let mut huge = model.clone();
        huge.weights = [f64::MAX; FEATURE_COUNT];
        assert_eq!(
            huge.score(&[1.0; FEATURE_COUNT]).map_err(|e| e.code()),
            Err("SIGIL_EVAL_NONFINITE")
        );
    }

    #[test]
    fn models_are_validated() {
        let model = TrustModel::default_model();
        let json = model.to_json();
        assert_eq!(TrustModel::from_json(&json).as_ref(), Ok(&model));
        let id = canonical(&json).map(|c| ContentId::of_json(&c));
        assert_eq!(id, Ok(model.id()));
        let mutate = |name: &str, value: Value| {
            let mut members = json.as_object().map(<[_]>::to_vec).unwrap_or_default();
            members.retain(|(n, _)| n != name);
            if !value.is_null() {
                members.push((name.to_owned(), value));
            }
            TrustModel::from_json(&Value::Object(members)).map_err(|e| e.code())
        };
        let bad = [
            ("model_version", Value::Number(2.0)),
            ("threshold", Value::Number(1.5)),
            ("threshold", Value::Null),
            ("bias", string("0")),
            ("weights", Value::Array(vec![Value::Number(1.0)])),
            ("features", Value::Array(vec![])),
            ("extra", Value::Bool(true)),
        ];
        for (name, value) in bad {
            assert_eq!(
                mutate(name, value.clone()),
                Err("SIGIL_MODEL_INVALID"),
                "{name}"
            );
        }
    }
}
