//! A parser for the CBOR diagnostic notation (RFC 8949 §8) forms that occur in RFC 8949
//! Appendix A: integers, floats, `Infinity`, `-Infinity`, `NaN`, `true`, `false`, `null`,
//! `undefined`, `simple(n)`, `h'..'`, `"text"`, `N(...)` tags, `[...]`, `{k: v, ...}` and
//! indefinite-length strings `(_ ...)`. The result is a typed CBOR value (spec/canon.md §2.1).

use serde_json::Value;

use super::cbor_typed;

/// Parses one diagnostic-notation value.
pub(super) fn parse(text: &str) -> Result<Value, String> {
    let mut parser = Parser { text, at: 0 };
    let value = parser.value()?;
    parser.ws();
    if parser.at != text.len() {
        return Err(parser.fault("trailing content"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        self.text.get(self.at..).unwrap_or("")
    }

    fn fault(&self, what: &str) -> String {
        format!("{what} at byte {} of {:?}", self.at, self.text)
    }

    fn ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.at = self.text.len() - trimmed.len();
    }

    fn eat(&mut self, token: &str) -> bool {
        self.ws();
        if self.rest().starts_with(token) {
            self.at += token.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &str) -> Result<(), String> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(self.fault(&format!("expected {token:?}")))
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        self.ws();
        for (word, value) in [
            ("-Infinity", cbor_typed::float(f64::NEG_INFINITY)),
            ("Infinity", cbor_typed::float(f64::INFINITY)),
            ("NaN", serde_json::json!({"float": "7ff8000000000000"})),
            ("true", Value::Bool(true)),
            ("false", Value::Bool(false)),
            ("null", Value::Null),
            ("undefined", serde_json::json!({"simple": 23})),
        ] {
            if self.eat(word) {
                return Ok(value);
            }
        }
        if self.eat("simple(") {
            let n = self.number_token();
            let n: u8 = n.parse().map_err(|_| self.fault("bad simple value"))?;
            self.expect(")")?;
            return Ok(serde_json::json!({ "simple": n }));
        }
        if self.eat("h'") {
            let end = self
                .rest()
                .find('\'')
                .ok_or_else(|| self.fault("unterminated h''"))?;
            let hex: String = self.rest()[..end]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            self.at += end + 1;
            if !hex.len().is_multiple_of(2) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(self.fault("bad hex"));
            }
            return Ok(cbor_typed::bytes(&hex.to_ascii_lowercase()));
        }
        if self.rest().starts_with('"') {
            return self.string().map(|s| cbor_typed::text(&s));
        }
        if self.eat("[") {
            let items = self.sequence("]")?;
            return Ok(serde_json::json!({ "array": items }));
        }
        if self.eat("{") {
            return self.map();
        }
        if self.eat("(_") {
            return self.indefinite_string();
        }
        let number = self.number_token();
        if number.is_empty() {
            return Err(self.fault("unexpected token"));
        }
        if self.eat("(") {
            let tag: u64 = number.parse().map_err(|_| self.fault("bad tag number"))?;
            let inner = self.value()?;
            self.expect(")")?;
            return Ok(serde_json::json!({"tag": tag.to_string(), "value": inner}));
        }
        number_value(&number).map_err(|e| self.fault(&e))
    }

    fn number_token(&mut self) -> String {
        self.ws();
        let len = self
            .rest()
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
            .unwrap_or(self.rest().len());
        let token = self.rest()[..len].to_owned();
        self.at += len;
        token
    }

    fn string(&mut self) -> Result<String, String> {
        let rest = self.rest();
        let mut escaped = false;
        let mut end = None;
        for (i, c) in rest.char_indices().skip(1) {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let end = end.ok_or_else(|| self.fault("unterminated string"))?;
        let s: String =
            serde_json::from_str(&rest[..=end]).map_err(|e| self.fault(&e.to_string()))?;
        self.at += end + 1;
        Ok(s)
    }

    fn sequence(&mut self, close: &str) -> Result<Vec<Value>, String> {
        let mut items = Vec::new();
        if self.eat(close) {
            return Ok(items);
        }
        loop {
            items.push(self.value()?);
            if self.eat(close) {
                return Ok(items);
            }
            self.expect(",")?;
        }
    }

    fn map(&mut self) -> Result<Value, String> {
        let mut entries = Vec::new();
        if !self.eat("}") {
            loop {
                let key = self.value()?;
                self.expect(":")?;
                entries.push((key, self.value()?));
                if self.eat("}") {
                    break;
                }
                self.expect(",")?;
            }
        }
        cbor_typed::map(entries)
    }

    /// `(_ chunk, chunk)`: the value is the concatenation (the encoding is what differs).
    fn indefinite_string(&mut self) -> Result<Value, String> {
        let chunks = self.sequence(")")?;
        let all = |member: &str| {
            chunks
                .iter()
                .map(|c| c.get(member).and_then(Value::as_str))
                .collect::<Option<Vec<_>>>()
        };
        if let Some(parts) = all("bytes") {
            Ok(cbor_typed::bytes(&parts.concat()))
        } else if let Some(parts) = all("text") {
            Ok(cbor_typed::text(&parts.concat()))
        } else {
            Err(self.fault("indefinite string with mixed chunks"))
        }
    }
}

/// A number token: an integer (`int` or bignum tag) or a float.
pub(super) fn number_value(token: &str) -> Result<Value, String> {
    if token.contains(['.', 'e', 'E']) {
        token
            .parse::<f64>()
            .map(cbor_typed::float)
            .map_err(|e| format!("bad float {token:?}: {e}"))
    } else {
        token
            .parse::<i128>()
            .map(cbor_typed::integer)
            .map_err(|e| format!("bad integer {token:?}: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::parse;
    use crate::external::cbor_typed::encode;

    fn check(diag: &str, typed: serde_json::Value, hex: &str) {
        let got = parse(diag).unwrap();
        assert_eq!(got, typed, "{diag}");
        assert_eq!(hex::encode(encode(&got).unwrap()), hex, "{diag}");
    }

    #[test]
    fn forms() {
        check("Infinity", json!({"float": "7ff0000000000000"}), "f97c00");
        check("-Infinity", json!({"float": "fff0000000000000"}), "f9fc00");
        check("NaN", json!({"float": "7ff8000000000000"}), "f97e00");
        check("undefined", json!({"simple": 23}), "f7");
        check("simple(16)", json!({"simple": 16}), "f0");
        check("simple(255)", json!({"simple": 255}), "f8ff");
        check("h''", json!({"bytes": ""}), "40");
        check("h'01020304'", json!({"bytes": "01020304"}), "4401020304");
        check(
            "0(\"2013-03-21T20:04:00Z\")",
            json!({"tag": "0", "value": {"text": "2013-03-21T20:04:00Z"}}),
            "c074323031332d30332d32315432303a30343a30305a",
        );
        check(
            "1(1363896240.5)",
            json!({"tag": "1", "value": {"float": "41d452d9ec200000"}}),
            "c1fb41d452d9ec200000",
        );
        check(
            "{3: 4, 1: 2}",
            json!({"map": [[{"int": "1"}, {"int": "2"}], [{"int": "3"}, {"int": "4"}]]}),
            "a201020304",
        );
        check(
            "[1, [2, 3]]",
            json!({"array": [{"int": "1"}, {"array": [{"int": "2"}, {"int": "3"}]}]}),
            "8201820203",
        );
        check(
            "-18446744073709551617",
            json!({"tag": "3", "value": {"bytes": "010000000000000000"}}),
            "c349010000000000000000",
        );
        check(
            "0.00006103515625",
            json!({"float": "3f10000000000000"}),
            "f90400",
        );
        check(
            "100000.0",
            json!({"float": "40f86a0000000000"}),
            "fa47c35000",
        );
        assert_eq!(
            parse("(_ h'0102', h'030405')").unwrap(),
            json!({"bytes": "0102030405"})
        );
        assert_eq!(
            parse("(_ \"strea\", \"ming\")").unwrap(),
            json!({"text": "streaming"})
        );
    }

    #[test]
    fn faults() {
        for bad in [
            "",
            "[1,",
            "{1 2}",
            "h'0'",
            "simple(256)",
            "1(2",
            "(_ h'01', \"a\")",
            "1 2",
            "foo",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
