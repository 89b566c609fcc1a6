//! Number serialization (CANON-004, CANON-017).

use crate::Error;

/// Serializes a binary64 value as ECMAScript `Number.prototype.toString` does (CANON-004):
/// shortest round-tripping digits, exponent form outside `1e-7 <= |x| < 1e21` with an explicit
/// `+` on positive exponents, and `-0` as `0`.
///
/// Enforces CANON-004 and CANON-017 (NaN and infinities are `CANON_JSON_NUMBER_RANGE`).
pub fn format_number(x: f64) -> Result<String, Error> {
    if !x.is_finite() {
        return Err(Error::JsonNumberRange { at: None });
    }
    if x == 0.0 {
        // Both zeros, so that -0 is "0" whatever the formatter does with the sign.
        return Ok("0".to_owned());
    }
    Ok(ryu_js::Buffer::new().format_finite(x).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(x: f64, expect: Result<&str, &str>) {
        let got = format_number(x);
        match expect {
            Ok(text) => assert_eq!(got.as_deref().ok(), Some(text), "{x:e}"),
            Err(code) => assert_eq!(got.map_err(|e| e.code()), Err(code), "{x:e}"),
        }
    }

    #[test]
    fn ecmascript_number_forms() {
        check(0.0, Ok("0"));
        check(-0.0, Ok("0"));
        check(1.0, Ok("1"));
        check(-1.5, Ok("-1.5"));
        check(1e21, Ok("1e+21"));
        check(1e20, Ok("100000000000000000000"));
        check(123e18, Ok("123000000000000000000"));
        check(1e-7, Ok("1e-7"));
        check(1.5e-7, Ok("1.5e-7"));
        check(1e-6, Ok("0.000001"));
        check(5e-324, Ok("5e-324"));
        check(-5e-324, Ok("-5e-324"));
        check(f64::MAX, Ok("1.7976931348623157e+308"));
        check(f64::MIN_POSITIVE, Ok("2.2250738585072014e-308"));
        check(9007199254740993.0, Ok("9007199254740992"));
        check(0.1 + 0.2, Ok("0.30000000000000004"));
        check(
            f64::from_bits(0x41b3_de43_5555_5555),
            Ok("333333333.3333333"),
        );
        check(f64::NAN, Err("CANON_JSON_NUMBER_RANGE"));
        check(f64::INFINITY, Err("CANON_JSON_NUMBER_RANGE"));
        check(f64::NEG_INFINITY, Err("CANON_JSON_NUMBER_RANGE"));
    }
}
