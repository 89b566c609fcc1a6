"""MTPScript tokenizer (spec/mtpscript.md MTP-001, MTP-006): an ECMAScript 2024 Script lexer.

It recognizes all of ECMAScript's tokens, including the ones MTPScript forbids (template
literals, regular expressions, BigInt and legacy octal literals, private names), so that the
parser can tell a forbidden construct (MTP-010) from text that is not a Script (MTP_SYNTAX).
Positions are indexes into the source as a Python str, i.e. counts of Unicode scalar values,
which is what MTP-001's `column` counts.

String literal values are *UTF-16 strings*: Python strs whose every character is one UTF-16
code unit (code points above U+FFFF are stored as two surrogate characters), so that `len` is
the ECMAScript `length` and `<` compares code units (mtp_value.py).
"""

import unicodedata


class SyntaxErr(Exception):
    """The text is not an ECMAScript Script (MTP_SYNTAX). `pos` is informative (MTP-001)."""

    def __init__(self, pos, detail):
        super().__init__(f"{detail} at {pos}")
        self.pos = pos
        self.detail = detail


LINE_TERMINATORS = "\n\r\u2028\u2029"
_WS = "\t\v\f \u00a0\ufeff"

PUNCTUATORS = sorted("""
>>>= ... === !== **= <<= >>= >>> &&= ||= ??= => == != <= >= && || ?? ?. ++ -- += -= *= /= %= &=
|= ^= << >> ** { } ( ) [ ] ; , < > + - * / % & | ^ ! ~ ? : = . @
""".split(), key=len, reverse=True)


def to_utf16(s):
    """A Python str (code points) -> UTF-16 string (one char per code unit)."""
    if all(ord(c) < 0x10000 for c in s):
        return s
    out = []
    for c in s:
        o = ord(c)
        if o < 0x10000:
            out.append(c)
        else:
            o -= 0x10000
            out.append(chr(0xD800 + (o >> 10)))
            out.append(chr(0xDC00 + (o & 0x3FF)))
    return "".join(out)


def is_id_start(c):
    if c.isascii():
        return c.isalpha() or c in "$_"
    return unicodedata.category(c) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nl") or c.isidentifier()


def is_id_part(c):
    if c.isascii():
        return c.isalnum() or c in "$_"
    return c in "\u200c\u200d" or ("a" + c).isidentifier() or unicodedata.category(c) in (
        "Lu", "Ll", "Lt", "Lm", "Lo", "Nl", "Mn", "Mc", "Nd", "Pc")


def is_space(c):
    return c in _WS or (not c.isascii() and unicodedata.category(c) == "Zs")


class Tok:
    __slots__ = ("type", "value", "start", "end", "nl", "legacy", "escaped")

    def __init__(self, type_, value, start, end, nl):
        self.type, self.value, self.start, self.end, self.nl = type_, value, start, end, nl
        self.legacy = False  # num: legacy octal / 08; str: octal escape
        self.escaped = False  # name written with \u escapes

    def is_p(self, *vals):
        return self.type == "punct" and self.value in vals

    def is_n(self, *vals):
        return self.type == "name" and not self.escaped and self.value in vals

    def __repr__(self):
        return f"Tok({self.type},{self.value!r},{self.start})"


class Lexer:
    def __init__(self, src):
        self.src = src
        self.n = len(src)

    # --- whitespace and comments ---------------------------------------------------------------
    def skip(self, pos):
        """Skip whitespace and comments from pos; return (pos, saw_line_terminator)."""
        s, n, nl = self.src, self.n, False
        if pos == 0 and s.startswith("#!"):  # hashbang comment (ES2023)
            while pos < n and s[pos] not in LINE_TERMINATORS:
                pos += 1
        while pos < n:
            c = s[pos]
            if c in LINE_TERMINATORS:
                nl = True
                pos += 1
            elif is_space(c):
                pos += 1
            elif (c == "/" and pos + 1 < n and s[pos + 1] == "/") or s.startswith("<!--", pos) or (
                    s.startswith("-->", pos) and (nl or self._line_start(pos))):
                # single-line comments, including Annex B's HTML-like comments of Scripts
                while pos < n and s[pos] not in LINE_TERMINATORS:
                    pos += 1
            elif c == "/" and pos + 1 < n and s[pos + 1] == "*":
                end = s.find("*/", pos + 2)
                if end < 0:
                    raise SyntaxErr(pos, "unterminated comment")
                if any(t in s[pos:end] for t in LINE_TERMINATORS):
                    nl = True
                pos = end + 2
            else:
                break
        return pos, nl

    def _line_start(self, pos):
        """Only whitespace and comments precede pos on its line (for an HTML close comment)."""
        i = pos - 1
        while i >= 0 and self.src[i] not in LINE_TERMINATORS:
            if not is_space(self.src[i]):
                return False
            i -= 1
        return True

    # --- tokens --------------------------------------------------------------------------------
    def token(self, pos):
        """The token starting at or after pos (division mode: '/' is a punctuator)."""
        pos, nl = self.skip(pos)
        s = self.src
        if pos >= self.n:
            return Tok("eof", None, pos, pos, True)
        c = s[pos]
        if is_id_start(c) or c == "\\":
            return self._name(pos, nl, "name")
        if c == "#":
            if pos + 1 < self.n and (is_id_start(s[pos + 1]) or s[pos + 1] == "\\"):
                t = self._name(pos + 1, nl, "private")
                t.start = pos
                return t
            raise SyntaxErr(pos, "unexpected #")
        if c.isdigit() or (c == "." and pos + 1 < self.n and s[pos + 1].isdigit()):
            return self._number(pos, nl)
        if c in "\"'":
            return self._string(pos, nl)
        if c == "`":
            return self.template(pos + 1, pos, nl)
        for p in PUNCTUATORS:
            if s.startswith(p, pos):
                if p == "?." and pos + 2 < self.n and s[pos + 2].isdigit():
                    continue  # `a?.5:b` is a conditional
                return Tok("punct", p, pos, pos + len(p), nl)
        raise SyntaxErr(pos, f"unexpected character {c!r}")

    def _name(self, pos, nl, kind):
        s, start, out, escaped = self.src, pos, [], False
        while pos < self.n:
            c = s[pos]
            if c == "\\":
                if not s.startswith("\\u", pos):
                    raise SyntaxErr(pos, "bad escape in identifier")
                cp, pos = self._unicode_escape(pos + 2)
                c = chr(cp)
                escaped = True
                if not (is_id_start(c) if not out else is_id_part(c)):
                    raise SyntaxErr(pos, "bad identifier escape")
                out.append(c)
                continue
            if (is_id_start(c) if not out else is_id_part(c)):
                out.append(c)
                pos += 1
            else:
                break
        t = Tok(kind, "".join(out), start, pos, nl)
        t.escaped = escaped
        return t

    def _unicode_escape(self, pos):
        """After `\\u`: XXXX or {X...}; returns (code point, end)."""
        s = self.src
        if pos < self.n and s[pos] == "{":
            end = s.find("}", pos)
            digits = s[pos + 1:end] if end > 0 else ""
            if not digits or any(d not in "0123456789abcdefABCDEF" for d in digits):
                raise SyntaxErr(pos, "bad \\u{} escape")
            cp = int(digits, 16)
            if cp > 0x10FFFF:
                raise SyntaxErr(pos, "code point out of range")
            return cp, end + 1
        digits = s[pos:pos + 4]
        if len(digits) != 4 or any(d not in "0123456789abcdefABCDEF" for d in digits):
            raise SyntaxErr(pos, "bad \\u escape")
        return int(digits, 16), pos + 4

    def _digits(self, pos, ok, allow_sep=True):
        """Read digits (with `_` separators between digits); return (text without _, end)."""
        s, out, start = self.src, [], pos
        while pos < self.n:
            c = s[pos]
            if c in ok:
                out.append(c)
                pos += 1
            elif c == "_" and allow_sep:
                if pos == start or s[pos - 1] == "_" or pos + 1 >= self.n or s[pos + 1] not in ok:
                    raise SyntaxErr(pos, "bad numeric separator")
                pos += 1
            else:
                break
        return "".join(out), pos

    def _number(self, pos, nl):
        s, start = self.src, pos
        legacy = False
        bigint = False
        if s[pos] == "0" and pos + 1 < self.n and s[pos + 1] in "xXoObB":
            base = {"x": 16, "o": 8, "b": 2}[s[pos + 1].lower()]
            ok = {16: "0123456789abcdefABCDEF", 8: "01234567", 2: "01"}[base]
            digits, pos = self._digits(pos + 2, ok)
            if not digits:
                raise SyntaxErr(pos, "missing digits")
            value = int(digits, base)
            if pos < self.n and s[pos] == "n":
                bigint, pos = True, pos + 1
        elif s[pos] == "0" and pos + 1 < self.n and s[pos + 1].isdigit():
            # legacy octal (017) or NonOctalDecimalIntegerLiteral (08, 019): sloppy-mode only
            legacy = True
            while pos < self.n and s[pos].isdigit():
                pos += 1
            text = s[start:pos]
            if all(ch in "01234567" for ch in text):
                value = int(text, 8)
            else:
                if pos < self.n and s[pos] == ".":
                    pos += 1
                    while pos < self.n and s[pos].isdigit():
                        pos += 1
                if pos < self.n and s[pos] in "eE":
                    pos = self._exponent(pos)
                value = float(s[start:pos])
        else:
            if s.startswith("0_", pos):
                raise SyntaxErr(pos, "numeric separator after a leading 0")
            intpart, pos = self._digits(pos, "0123456789")
            frac, exp = "", ""
            if pos < self.n and s[pos] == "n" and intpart:
                bigint, pos = True, pos + 1
                if len(intpart) > 1 and intpart[0] == "0":
                    raise SyntaxErr(start, "bad BigInt")
                value = int(intpart)
            else:
                if pos < self.n and s[pos] == ".":
                    if pos + 1 < self.n and s[pos + 1] == "_":
                        raise SyntaxErr(pos, "bad numeric separator")
                    frac, pos = self._digits(pos + 1, "0123456789")
                if pos < self.n and s[pos] in "eE":
                    e0 = pos
                    pos = self._exponent(pos)
                    exp = s[e0:pos].replace("_", "")
                value = float((intpart or "0") + "." + (frac or "0") + exp)
        if pos < self.n and (is_id_start(s[pos]) or s[pos].isdigit() or s[pos] == "\\"):
            raise SyntaxErr(pos, "identifier starts immediately after numeric literal")
        if bigint:
            t = Tok("bigint", value, start, pos, nl)
        else:
            t = Tok("num", float(value), start, pos, nl)
        t.legacy = legacy
        return t

    def _exponent(self, pos):
        s = self.src
        pos += 1
        if pos < self.n and s[pos] in "+-":
            pos += 1
        digits, pos = self._digits(pos, "0123456789")
        if not digits:
            raise SyntaxErr(pos, "missing exponent")
        return pos

    def _escape(self, pos, out, in_template):
        """After a backslash at pos-1. Appends code units to out; returns (pos, legacy_octal)."""
        s = self.src
        if pos >= self.n:
            raise SyntaxErr(pos, "unterminated string")
        c = s[pos]
        simple = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}
        if c in simple:
            out.append(simple[c])
            return pos + 1, False
        if c == "\r":
            return (pos + 2 if s.startswith("\r\n", pos) else pos + 1), False
        if c in "\n\u2028\u2029":
            return pos + 1, False
        if c == "x":
            h = s[pos + 1:pos + 3]
            if len(h) != 2 or any(d not in "0123456789abcdefABCDEF" for d in h):
                raise SyntaxErr(pos, "bad \\x escape")
            out.append(chr(int(h, 16)))
            return pos + 3, False
        if c == "u":
            cp, pos = self._unicode_escape(pos + 1)
            out.append(to_utf16(chr(cp)) if cp < 0xD800 or cp > 0xDFFF else chr(cp))
            return pos, False
        if c == "0" and not (pos + 1 < self.n and s[pos + 1].isdigit()):
            out.append("\0")
            return pos + 1, False
        if c in "01234567":
            if in_template:
                raise SyntaxErr(pos, "octal escape in template")
            end = pos + 1
            limit = pos + (3 if c in "0123" else 2)
            while end < min(limit, self.n) and s[end] in "01234567":
                end += 1
            out.append(chr(int(s[pos:end], 8)))
            return end, True
        if c in "89":
            if in_template:
                raise SyntaxErr(pos, "\\8 or \\9 in template")
            out.append(c)
            return pos + 1, True
        out.extend(to_utf16(c))
        return pos + 1, False

    def _string(self, pos, nl):
        s, q, start = self.src, self.src[pos], pos
        pos += 1
        out, legacy = [], False
        while True:
            if pos >= self.n:
                raise SyntaxErr(start, "unterminated string")
            c = s[pos]
            if c == q:
                pos += 1
                break
            if c in "\n\r":
                raise SyntaxErr(pos, "line terminator in string")
            if c == "\\":
                pos, oct_ = self._escape(pos + 1, out, False)
                legacy = legacy or oct_
                continue
            out.append(c if ord(c) < 0x10000 else to_utf16(c))
            pos += 1
        t = Tok("str", "".join(out), start, pos, nl)
        t.legacy = legacy
        return t

    def template(self, pos, start, nl):
        """A template chunk from pos (after ` or }) up to ` (tail) or ${ (value = (cooked, tail))."""
        s = self.src
        while True:
            if pos >= self.n:
                raise SyntaxErr(start, "unterminated template")
            c = s[pos]
            if c == "`":
                return Tok("template", True, start, pos + 1, nl)
            if c == "$" and s.startswith("${", pos):
                return Tok("template", False, start, pos + 2, nl)
            if c == "\\":
                pos += 2  # escapes in templates are checked loosely (tagged ones may be invalid)
                continue
            pos += 1

    def regex(self, start, nl):
        """A regular expression literal starting at the '/' at start."""
        s, pos, in_class = self.src, start + 1, False
        while True:
            if pos >= self.n or s[pos] in LINE_TERMINATORS:
                raise SyntaxErr(start, "unterminated regular expression")
            c = s[pos]
            if c == "\\":
                pos += 2
                continue
            if c == "[":
                in_class = True
            elif c == "]":
                in_class = False
            elif c == "/" and not in_class:
                pos += 1
                break
            pos += 1
        while pos < self.n and is_id_part(s[pos]):
            pos += 1
        return Tok("regex", s[start:pos], start, pos, nl)
