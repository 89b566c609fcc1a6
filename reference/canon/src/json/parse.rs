//! The strict JSON parser (CANON-010..016).
//!
//! Hand-written rather than built on `serde_json`: `serde_json` keeps the last of two members
//! with the same name instead of reporting `CANON_JSON_DUPLICATE_KEY`, has no notion of the
//! spec's per-check codes, and stops at the first fault in reading order, whereas the spec orders
//! the checks themselves (a syntax error anywhere outranks a duplicate name anywhere).
//!
//! One left-to-right pass, with no recursion: an explicit stack holds the open containers.
//! Syntax faults stop the parse at once (they outrank every later check). The other faults
//! (depth, duplicate name, lone surrogate, number range) are only recorded, at their first
//! occurrence, and reported in the spec's order once the whole text is known to be well-formed.
//! Past nesting level 128 the parser stops building values and only checks syntax, so memory
//! stays proportional to the input.

use std::collections::BTreeSet;

use super::{MAX_INPUT_LEN, Value};
use crate::{Error, MAX_DEPTH, Position};

/// Enforces CANON-010 (size), CANON-011 (UTF-8), then CANON-012..016 in that order.
pub(super) fn parse(bytes: &[u8]) -> Result<Value, Error> {
    if bytes.len() > MAX_INPUT_LEN {
        return Err(Error::JsonTooLarge {
            len: bytes.len(),
            limit: MAX_INPUT_LEN,
        });
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(Error::Utf8Invalid {
            offset: e.valid_up_to(),
        });
    }
    Parser::new(bytes).run()
}

#[derive(Clone, Copy)]
enum Kind {
    Array,
    Object,
}

/// A container being built.
enum Frame {
    Array(Vec<Value>),
    Object {
        members: Vec<(String, Value)>,
        /// Names seen so far, as WTF-8 bytes so that lone surrogates compare exactly.
        names: BTreeSet<Vec<u8>>,
        /// The name of the member whose value is being parsed.
        pending: String,
    },
}

/// The first occurrence of each fault that does not stop the parse.
#[derive(Default)]
struct Faults {
    too_deep: Option<usize>,
    duplicate: Option<(usize, String)>,
    surrogate: Option<(usize, u16)>,
    range: Option<usize>,
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
    /// Every open container, innermost last (always maintained, for syntax).
    kinds: Vec<Kind>,
    /// The containers being built; empty once nesting passed the limit.
    frames: Vec<Frame>,
    building: bool,
    faults: Faults,
}

impl<'a> Parser<'a> {
    fn new(src: &'a [u8]) -> Self {
        Self {
            src,
            pos: 0,
            kinds: Vec::new(),
            frames: Vec::new(),
            building: true,
            faults: Faults::default(),
        }
    }

    fn run(mut self) -> Result<Value, Error> {
        'value: loop {
            self.skip_ws();
            let start = self.pos;
            let mut done = match self.peek() {
                Some(b'[') => {
                    self.open(Kind::Array);
                    self.skip_ws();
                    if !self.eat(b']') {
                        continue 'value;
                    }
                    self.close()
                }
                Some(b'{') => {
                    self.open(Kind::Object);
                    self.skip_ws();
                    if !self.eat(b'}') {
                        self.member_name()?;
                        continue 'value;
                    }
                    self.close()
                }
                Some(b'"') => Value::String(wtf8_to_string(self.string()?)),
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.literal("true", Value::Bool(true))?,
                Some(b'f') => self.literal("false", Value::Bool(false))?,
                Some(b'n') => self.literal("null", Value::Null)?,
                Some(_) => return Err(self.syntax(start, "expected a value")),
                None => return Err(self.syntax(start, "unexpected end of input, expected a value")),
            };
            // `done` is complete: add it to its container, closing containers that end here.
            loop {
                self.skip_ws();
                let at = self.pos;
                match self.kinds.last() {
                    None if at == self.src.len() => return self.finish(done),
                    None => return Err(self.syntax(at, "trailing content after the JSON value")),
                    Some(Kind::Array) => {
                        if let Some(Frame::Array(items)) = self.frames.last_mut() {
                            items.push(done);
                        }
                        match self.next_byte() {
                            Some(b',') => continue 'value,
                            Some(b']') => done = self.close(),
                            _ => {
                                return Err(
                                    self.syntax(at, "expected ',' or ']' after an array element")
                                );
                            }
                        }
                    }
                    Some(Kind::Object) => {
                        if let Some(Frame::Object {
                            members, pending, ..
                        }) = self.frames.last_mut()
                        {
                            members.push((std::mem::take(pending), done));
                        }
                        match self.next_byte() {
                            Some(b',') => {
                                self.skip_ws();
                                self.member_name()?;
                                continue 'value;
                            }
                            Some(b'}') => done = self.close(),
                            _ => {
                                return Err(
                                    self.syntax(at, "expected ',' or '}' after an object member")
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    /// Reports the recorded faults in the spec's order, or returns the value.
    fn finish(self, value: Value) -> Result<Value, Error> {
        let at = |offset| Position::locate(self.src, offset);
        if let Some(offset) = self.faults.too_deep {
            return Err(Error::JsonTooDeep {
                at: Some(at(offset)),
                limit: MAX_DEPTH,
            });
        }
        if let Some((offset, name)) = self.faults.duplicate {
            return Err(Error::JsonDuplicateKey {
                name,
                at: Some(at(offset)),
            });
        }
        if let Some((offset, unit)) = self.faults.surrogate {
            return Err(Error::JsonLoneSurrogate {
                at: at(offset),
                unit,
            });
        }
        if let Some(offset) = self.faults.range {
            return Err(Error::JsonNumberRange {
                at: Some(at(offset)),
            });
        }
        Ok(value)
    }

    /// Opens a container at `self.pos`.
    ///
    /// Enforces CANON-013: the bracket that opens level 129 is recorded as the depth fault.
    fn open(&mut self, kind: Kind) {
        let at = self.pos;
        self.pos += 1;
        self.kinds.push(kind);
        if self.kinds.len() > MAX_DEPTH && self.faults.too_deep.is_none() {
            self.faults.too_deep = Some(at);
            self.building = false;
            self.frames.clear();
        }
        if self.building {
            self.frames.push(match kind {
                Kind::Array => Frame::Array(Vec::new()),
                Kind::Object => Frame::Object {
                    members: Vec::new(),
                    names: BTreeSet::new(),
                    pending: String::new(),
                },
            });
        }
    }

    /// Closes the innermost container (its closing bracket already consumed).
    fn close(&mut self) -> Value {
        self.kinds.pop();
        if !self.building {
            return Value::Null;
        }
        match self.frames.pop() {
            Some(Frame::Array(items)) => Value::Array(items),
            Some(Frame::Object { members, .. }) => Value::Object(members),
            None => Value::Null,
        }
    }

    /// Parses `"name" ws :` and records the name for the innermost object.
    ///
    /// Enforces CANON-014: a name equal, after unescaping, to an earlier one of the same object.
    fn member_name(&mut self) -> Result<(), Error> {
        let at = self.pos;
        if self.peek() != Some(b'"') {
            return Err(self.syntax(at, "expected a member name in double quotes"));
        }
        let units = self.string()?;
        self.skip_ws();
        if !self.eat(b':') {
            return Err(self.syntax(self.pos, "expected ':' after a member name"));
        }
        if let Some(Frame::Object { names, pending, .. }) = self.frames.last_mut() {
            let name = wtf8_to_string(units.clone());
            if !names.insert(units) && self.faults.duplicate.is_none() {
                self.faults.duplicate = Some((at, name.clone()));
            }
            *pending = name;
        }
        Ok(())
    }

    /// Parses a string at `self.pos` (which is `"`) into its exact WTF-8 bytes: UTF-8, except
    /// that a lone surrogate (recorded as a fault) is encoded as if it were a code point.
    fn string(&mut self) -> Result<Vec<u8>, Error> {
        let open = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let run = self.pos;
            while let Some(&b) = self.src.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.extend_from_slice(self.src.get(run..self.pos).unwrap_or_default());
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => {
                    return Err(self.syntax(self.pos, "raw control character in a string"));
                }
                None => return Err(self.syntax(open, "unterminated string")),
            }
        }
    }

    /// Decodes the escape at `self.pos` (a backslash) into `out`.
    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        let at = self.pos;
        let byte = match self.src.get(at + 1) {
            Some(b'"') => b'"',
            Some(b'\\') => b'\\',
            Some(b'/') => b'/',
            Some(b'b') => 0x08,
            Some(b'f') => 0x0c,
            Some(b'n') => b'\n',
            Some(b'r') => b'\r',
            Some(b't') => b'\t',
            Some(b'u') => return self.unicode_escape(out),
            _ => return Err(self.syntax(at, "invalid escape sequence")),
        };
        out.push(byte);
        self.pos = at + 2;
        Ok(())
    }

    /// Decodes `\uXXXX` (and a following `\uXXXX` low surrogate that completes a pair).
    ///
    /// Enforces CANON-015: a high surrogate not immediately followed by an escaped low
    /// surrogate, or a low surrogate on its own, is recorded as a lone surrogate.
    fn unicode_escape(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        let at = self.pos;
        let Some(unit) = self.hex4(at + 2) else {
            return Err(self.syntax(at, "\\u must be followed by four hex digits"));
        };
        self.pos = at + 6;
        let code_point = match unit {
            0xd800..=0xdbff => self.low_surrogate().map(|low| {
                0x10000 + ((u32::from(unit) - 0xd800) << 10) + (u32::from(low) - 0xdc00)
            }),
            0xdc00..=0xdfff => None,
            _ => Some(u32::from(unit)),
        };
        match code_point.and_then(char::from_u32) {
            Some(c) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
            None => self.lone_surrogate(at, unit, out),
        }
        Ok(())
    }

    /// Consumes an escaped low surrogate `\uDC00`..`\uDFFF` at `self.pos`, if there is one.
    fn low_surrogate(&mut self) -> Option<u16> {
        let next = self.pos;
        if self.src.get(next..next + 2) != Some(&b"\\u"[..]) {
            return None;
        }
        let low = self
            .hex4(next + 2)
            .filter(|u| (0xdc00..=0xdfff).contains(u))?;
        self.pos = next + 6;
        Some(low)
    }

    /// Records a lone surrogate and appends its WTF-8 form (three bytes, as if a code point).
    fn lone_surrogate(&mut self, at: usize, unit: u16, out: &mut Vec<u8>) {
        if self.faults.surrogate.is_none() {
            self.faults.surrogate = Some((at, unit));
        }
        out.extend_from_slice(&[
            0xe0 | (unit >> 12) as u8,
            0x80 | ((unit >> 6) & 0x3f) as u8,
            0x80 | (unit & 0x3f) as u8,
        ]);
    }

    /// Four hex digits (either case) at `at`, if there are.
    fn hex4(&self, at: usize) -> Option<u16> {
        let digits = self.src.get(at..at + 4)?;
        digits.iter().try_fold(0u16, |acc, &d| {
            let v = (d as char).to_digit(16)?;
            Some(acc << 4 | v as u16)
        })
    }

    /// Parses a number: RFC 8259 grammar first, then the correctly rounded binary64 value.
    ///
    /// Enforces CANON-012 (grammar: no leading zeros, `+`, `.5`, `5.`, hex) and CANON-016 (a
    /// magnitude that rounds to infinity is recorded; underflow to a signed zero is accepted).
    fn number(&mut self) -> Result<Value, Error> {
        let start = self.pos;
        self.eat(b'-');
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.syntax(self.pos, "expected a digit in a number")),
        }
        if self.eat(b'.') {
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.syntax(self.pos, "expected a digit after the decimal point"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.syntax(self.pos, "expected a digit in the exponent"));
            }
            self.digits();
        }
        let text = self
            .src
            .get(start..self.pos)
            .and_then(|t| std::str::from_utf8(t).ok());
        // The grammar above is a subset of what `f64::from_str` accepts, and `from_str` rounds
        // correctly (round half to even).
        let Some(x) = text.and_then(|t| t.parse::<f64>().ok()) else {
            return Err(self.syntax(start, "invalid number"));
        };
        if x.is_infinite() && self.faults.range.is_none() {
            self.faults.range = Some(start);
        }
        Ok(Value::Number(x))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &'static str, value: Value) -> Result<Value, Error> {
        let at = self.pos;
        if self
            .src
            .get(at..)
            .is_some_and(|s| s.starts_with(word.as_bytes()))
        {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.syntax(at, "invalid literal (expected true, false or null)"))
        }
    }

    /// Skips RFC 8259 whitespace: U+0020, U+0009, U+000A, U+000D only.
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn next_byte(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.peek() == Some(byte);
        if hit {
            self.pos += 1;
        }
        hit
    }

    /// Enforces CANON-012.
    fn syntax(&self, offset: usize, reason: &'static str) -> Error {
        Error::JsonSyntax {
            at: Position::locate(self.src, offset),
            reason,
        }
    }
}

/// The text of a decoded string. Only a string with a lone surrogate (a fault that is reported
/// anyway) is not UTF-8; its surrogates become U+FFFD.
fn wtf8_to_string(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}
