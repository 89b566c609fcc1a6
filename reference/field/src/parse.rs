//! The accepted input forms of an element (FIELD-003).

use std::str::FromStr;

use crate::{Error, Fp};

/// The most decimal digits a string form may have (FIELD-003).
pub const MAX_DIGITS: usize = 200;

/// The largest magnitude of a JSON integer form, 2^53 - 1 (FIELD-003): every integer up to it
/// is exact in IEEE-754 binary64, so every JSON parser reads it the same way.
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

impl Fp {
    /// Parses the string form: `-?[0-9]+` with 1 to 200 digits (leading zeros allowed), reduced
    /// mod p; `-m` is `p - (m mod p)` (mod p), so `-0` is zero.
    ///
    /// Enforces FIELD-003: anything else (empty, a lone `-`, `+`, whitespace, a fraction, an
    /// exponent, non-ASCII digits, more than 200 digits) is `FIELD_ELEMENT_INVALID`. The length
    /// is checked before any digit is read, so a huge string costs nothing.
    pub fn parse(s: &str) -> Result<Fp, Error> {
        let (negative, digits) = match s.as_bytes().split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, s.as_bytes()),
        };
        if digits.is_empty() {
            return Err(Error::invalid("no digits"));
        }
        if digits.len() > MAX_DIGITS {
            return Err(Error::invalid("more than 200 digits"));
        }
        let ten = Fp::new(10);
        let mut acc = Fp::ZERO;
        for &c in digits {
            if !c.is_ascii_digit() {
                return Err(Error::invalid("not a decimal digit (the form is -?[0-9]+)"));
            }
            acc = acc * ten + Fp::from(c - b'0');
        }
        Ok(if negative { -acc } else { acc })
    }

    /// The JSON integer form: an integer of magnitude at most 2^53 - 1, reduced mod p.
    ///
    /// Enforces FIELD-003: a larger magnitude is `FIELD_ELEMENT_INVALID`. (A JSON number with
    /// a fraction or an exponent is not an integer form at all; the caller that reads the JSON
    /// rejects it with the same code.)
    pub fn from_json_integer(n: i64) -> Result<Fp, Error> {
        if n.unsigned_abs() > MAX_SAFE_INTEGER.unsigned_abs() {
            return Err(Error::invalid("JSON integer of magnitude 2^53 or more"));
        }
        Ok(Fp::from_i64(n))
    }
}

/// [`Fp::parse`].
impl FromStr for Fp {
    type Err = Error;
    fn from_str(s: &str) -> Result<Fp, Error> {
        Fp::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::MODULUS as P;

    /// One case of FIELD-003: `input` parses to `expect` (a decimal) or fails with the code.
    fn check(input: &str, expect: Result<&str, &str>) {
        let got = Fp::parse(input).map(|v| v.to_string());
        let got = got.as_ref().map(String::as_str).map_err(Error::code);
        assert_eq!(got, expect, "input {input:?}");
    }

    #[test]
    fn string_forms() {
        fn ok(input: &str, expect: &str) {
            check(input, Ok(expect));
        }
        fn bad(input: &str) {
            check(input, Err("FIELD_ELEMENT_INVALID"));
        }
        ok("0", "0");
        ok("-0", "0");
        ok("007", "7");
        ok("-1", "170141183460469231731687303715884105726");
        ok("170141183460469231731687303715884105727", "0");
        ok("170141183460469231731687303715884105728", "1");
        ok("340282366920938463463374607431768211456", "2");
        ok(
            "-170141183460469231731687303715884105728",
            "170141183460469231731687303715884105726",
        );
        // 10^199 mod p, independently computed with Python integers.
        ok(
            &format!("1{}", "0".repeat(199)),
            "44036119072926295110636584813371718740",
        );
        ok(&"9".repeat(200), "100078823808324487642991240701948975945");
        ok(&format!("-{}", "0".repeat(200)), "0");
        for input in [
            "", "-", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "--1", "1-", "١", "½", "abc", "-+1",
            "\u{0}",
        ] {
            bad(input);
        }
        bad(&format!("1{}", "0".repeat(200)));
        bad(&format!("-{}", "0".repeat(201)));
        bad(&"9".repeat(1 << 20));
        assert_eq!("42".parse::<Fp>(), Ok(Fp::new(42)));
    }

    #[test]
    fn json_integer_forms() {
        assert_eq!(Fp::from_json_integer(0), Ok(Fp::ZERO));
        assert_eq!(Fp::from_json_integer(-5), Ok(Fp::new(P - 5)));
        assert_eq!(
            Fp::from_json_integer(MAX_SAFE_INTEGER),
            Ok(Fp::new((1 << 53) - 1))
        );
        assert_eq!(
            Fp::from_json_integer(-MAX_SAFE_INTEGER),
            Ok(Fp::new(P - ((1 << 53) - 1)))
        );
        for n in [1 << 53, -(1 << 53), i64::MAX, i64::MIN] {
            assert_eq!(
                Fp::from_json_integer(n).map_err(|e| e.code()),
                Err("FIELD_ELEMENT_INVALID"),
                "{n}"
            );
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,260}") {
            let _ = Fp::parse(&s);
        }

        #[test]
        fn parse_is_mod_p(v in any::<u128>(), negative in any::<bool>(), zeros in 0usize..5) {
            let text = format!("{}{}{v}", if negative { "-" } else { "" }, "0".repeat(zeros));
            let reduced = v % P;
            let expect = if negative { (P - reduced) % P } else { reduced };
            prop_assert_eq!(Fp::parse(&text).map(Fp::value), Ok(expect));
        }

        #[test]
        fn display_round_trips(v in 0..P) {
            let x = Fp::new(v);
            prop_assert_eq!(Fp::parse(&x.to_string()), Ok(x));
        }
    }
}
