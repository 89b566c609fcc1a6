//! Keywords, wire names and integer literals: the token classes of the grammar (spec/dsl.md §2).

use field::Fp;

use crate::error::shown;
use crate::{Error, MAX_INTEGER_DIGITS, MAX_NAME_LEN};

/// A statement keyword. Keywords are case-sensitive and reserved (DSL-015).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    Input,
    Const,
    Secret,
    Add,
    Sub,
    Mul,
    Output,
}

impl Keyword {
    /// Every keyword, in the order the spec lists them.
    pub(crate) const ALL: [Keyword; 7] = [
        Self::Input,
        Self::Const,
        Self::Secret,
        Self::Add,
        Self::Sub,
        Self::Mul,
        Self::Output,
    ];

    /// The keyword spelled exactly `token`, if any.
    pub(crate) fn parse(token: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == token)
    }

    /// Its spelling.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Input => "input",
            Self::Const => "const",
            Self::Secret => "secret",
            Self::Add => "add",
            Self::Sub => "sub",
            Self::Mul => "mul",
            Self::Output => "output",
        }
    }
}

fn is_first(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_rest(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Checks that `token` is a wire name: `[A-Za-z_][A-Za-z0-9_]*`, at most 64 characters, not a
/// keyword, checked in that order. On failure, returns the error and the character offset in
/// `token` it points at.
///
/// Enforces DSL-013, DSL-014, DSL-015.
pub(crate) fn check_name(token: &str) -> Result<(), (Error, usize)> {
    let mut chars = token.chars().enumerate();
    let bad = match chars.next() {
        None => Some((0, None)),
        Some((_, c)) if !is_first(c) => Some((0, Some(c))),
        Some(_) => chars.find(|&(_, c)| !is_rest(c)).map(|(i, c)| (i, Some(c))),
    };
    if let Some((at, ch)) = bad {
        let error = Error::IdentifierInvalid {
            token: shown(token),
            ch: ch.unwrap_or(' '),
            place: if at == 0 { "first" } else { "in a name" },
        };
        return Err((error, at));
    }
    if token.len() > MAX_NAME_LEN {
        let error = Error::IdentifierTooLong {
            len: token.len(),
            limit: MAX_NAME_LEN,
        };
        return Err((error, 0));
    }
    if let Some(keyword) = Keyword::parse(token) {
        return Err((
            Error::ReservedWord {
                word: keyword.as_str(),
            },
            0,
        ));
    }
    Ok(())
}

/// Whether `token` is a valid wire name (DSL-013..015).
pub(crate) fn is_name(token: &str) -> bool {
    check_name(token).is_ok()
}

/// Whether `token` has the integer form `-?[0-9]+`, whatever its number of digits.
pub(crate) fn is_integer_form(token: &str) -> bool {
    let digits = token.strip_prefix('-').unwrap_or(token);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The element an integer literal denotes.
///
/// Enforces DSL-017 (form, then at most 200 digits) and DSL-018 (reduction as FIELD-003).
pub(crate) fn parse_integer(token: &str) -> Result<Fp, Error> {
    let invalid = || Error::IntegerInvalid {
        token: shown(token),
    };
    if !is_integer_form(token) {
        return Err(invalid());
    }
    let digits = token.len() - usize::from(token.starts_with('-'));
    if digits > MAX_INTEGER_DIGITS {
        return Err(Error::IntegerTooLong {
            digits,
            limit: MAX_INTEGER_DIGITS,
        });
    }
    Fp::parse(token).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let check = |token: &str, expect: Result<(), (&str, usize)>| {
            let got = check_name(token).map_err(|(e, at)| (e.code(), at));
            assert_eq!(got, expect, "{token:?}");
        };
        check("x", Ok(()));
        check("_", Ok(()));
        check("Input", Ok(()));
        check("a_B9", Ok(()));
        check(&"a".repeat(64), Ok(()));
        check(&"a".repeat(65), Err(("DSL_IDENTIFIER_TOO_LONG", 0)));
        check("", Err(("DSL_IDENTIFIER_INVALID", 0)));
        check("9a", Err(("DSL_IDENTIFIER_INVALID", 0)));
        check("ab-c", Err(("DSL_IDENTIFIER_INVALID", 2)));
        check("aé", Err(("DSL_IDENTIFIER_INVALID", 1)));
        check(
            &format!("{}$", "a".repeat(70)),
            Err(("DSL_IDENTIFIER_INVALID", 70)),
        );
        assert_eq!(crate::KEYWORDS, Keyword::ALL.map(Keyword::as_str));
        for k in Keyword::ALL {
            check(k.as_str(), Err(("DSL_RESERVED_WORD", 0)));
            assert_eq!(Keyword::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn integers() {
        assert!(is_integer_form("0") && is_integer_form("-007"));
        assert!(!is_integer_form("-") && !is_integer_form("") && !is_integer_form("+1"));
        assert_eq!(parse_integer("-1").map(Fp::value), Ok(field::MODULUS - 1));
        assert_eq!(parse_integer("-0").map(Fp::value), Ok(0));
        assert!(parse_integer(&"9".repeat(200)).is_ok());
        let long = "9".repeat(201);
        assert_eq!(
            parse_integer(&long).map_err(|e| e.code()),
            Err("DSL_INTEGER_TOO_LONG")
        );
        let minus_long = format!("-{}", "9".repeat(200));
        assert!(parse_integer(&minus_long).is_ok());
        assert_eq!(
            parse_integer("1.5").map_err(|e| e.code()),
            Err("DSL_INTEGER_INVALID")
        );
    }
}
