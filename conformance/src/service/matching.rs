//! Placeholders (`${name}`) and the body expectations of a step (JSON pointers, subset match).

use std::collections::BTreeMap;

use serde_json::Value;

/// Names of captured values: letters, digits and `_`.
pub(crate) fn is_capture_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The placeholder names in `text`, in order.
pub(crate) fn placeholders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                out.push(after[..end].to_owned());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

/// Adds the placeholder names in every string of `value` (member names included).
pub(crate) fn value_placeholders(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.extend(placeholders(s)),
        Value::Array(items) => items.iter().for_each(|v| value_placeholders(v, out)),
        Value::Object(map) => {
            for (name, v) in map {
                out.extend(placeholders(name));
                value_placeholders(v, out);
            }
        }
        _ => {}
    }
}

/// A captured value inside a larger string: strings as they are, anything else as JSON.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Replaces every `${name}` in `text`. Enforces PROTO-082.
pub(crate) fn substitute_text(
    text: &str,
    vars: &BTreeMap<String, Value>,
) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let name = &after[..end];
        let value = vars
            .get(name)
            .ok_or_else(|| format!("placeholder ${{{name}}} has no value"))?;
        out.push_str(&text_of(value));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Substitutes in a JSON value: a string that is exactly one placeholder becomes the captured
/// value itself (any JSON type); other strings and member names are substituted as text.
/// Enforces PROTO-082.
pub(crate) fn substitute(value: &Value, vars: &BTreeMap<String, Value>) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => {
            let whole = placeholders(s);
            if whole.len() == 1 && s.len() == whole[0].len() + 3 && s.starts_with("${") {
                vars.get(&whole[0])
                    .cloned()
                    .ok_or_else(|| format!("placeholder {s} has no value"))?
            } else {
                Value::String(substitute_text(s, vars)?)
            }
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| substitute(v, vars))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (name, v) in map {
                out.insert(substitute_text(name, vars)?, substitute(v, vars)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

/// Whether `actual` holds `expected`: objects hold at least the expected members (each
/// matching), arrays have the same length and match element by element, numbers compare as
/// integers or exactly, anything else is equal. Enforces PROTO-083.
pub(crate) fn holds(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e
            .iter()
            .all(|(name, ev)| a.get(name).is_some_and(|av| holds(ev, av))),
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(ev, av)| holds(ev, av))
        }
        (Value::Number(e), Value::Number(a)) => match (e.as_i64(), a.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (e.as_u64(), a.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => e == a,
            },
        },
        _ => expected == actual,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn placeholders_substitute_as_values_or_text() {
        let vars = BTreeMap::from([("n".to_owned(), json!(7)), ("key".to_owned(), json!("ab"))]);
        let body = json!({"a": "${n}", "b": "x-${n}-${key}", "c": ["${key}"]});
        assert_eq!(
            substitute(&body, &vars).ok(),
            Some(json!({"a": 7, "b": "x-7-ab", "c": ["ab"]}))
        );
        assert!(substitute(&json!("${missing}"), &vars).is_err());
        assert_eq!(
            substitute_text("/audit?offset=${n}", &vars).ok().as_deref(),
            Some("/audit?offset=7")
        );
    }

    #[test]
    fn subset_match() {
        let actual = json!({"a": 1, "b": {"c": [1, {"d": 2, "e": 3}]}});
        assert!(holds(&json!({"b": {"c": [1, {"d": 2}]}}), &actual));
        assert!(!holds(&json!({"b": {"c": [1]}}), &actual));
        assert!(!holds(&json!({"a": 2}), &actual));
        assert!(holds(&json!(null), &json!(null)));
    }
}
