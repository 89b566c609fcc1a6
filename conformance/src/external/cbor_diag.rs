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
            let end = self.rest().find('\'').ok_or_else(|| self.fault("unterminated h''"))?;
            let hex: String = self.rest()[..end].chars().filter(|c| !c.is_whitespace()).collect();
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
        let s: String = serde_json::from_str(&rest[..=end]).map_err(|e| self.fault(&e.to_string()))?;
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
        let all = |member: &str| chunks.iter().map(|c| c.get(member).and_then(Value::as_str)).collect::<Option<Vec<_>>>();
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
