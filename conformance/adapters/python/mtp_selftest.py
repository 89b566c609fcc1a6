#!/usr/bin/env python3
"""Self-test of the independent MTPScript implementation (mtp_*.py) on hand-computed cases.

    python3 conformance/adapters/python/mtp_selftest.py

Every expected body and gasUsed below was derived by hand from spec/mtpscript.md (Annex A), not
by running an implementation; the comment of each case shows the charges. Cases go through
adapter.run_case, so the operation table and its input checks are exercised too.
Prints "N passed, M failed"; exit status 1 on any failure.
"""

import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import adapter  # noqa: E402
import mtp_ops  # noqa: E402

MAIN = "function main(input) { %s }"

# (source, input, gas_limit or None, body, gas_used)
RUNS = [
    # MTP worked example: read 1, + 1, declarator 1, * 1
    ("function main(input) { const x = input.a + 1; return x * 2; }", '{"a":3}', None, "8", 4),
    ("function main(input) { const x = input.a + 1; return x * 2; }", '{"a":3}', 4, "8", 4),
    ("function main(input) { const x = input.a + 1; return x * 2; }", '{"a":3}', 3,
     '{"error":"GasExhausted","gasLimit":3,"gasUsed":3}', 3),
    # string + charges 1 + length of the result ("ab12": 4)
    (MAIN % 'return "ab" + input;', "12", None, '"ab12"', 5),
    # tail calls: per step === 1, ?: 1, - 1, + 1; last step 2; main's call of f is a tail call
    ("function f(n, acc) { return n === 0 ? acc : f(n - 1, acc + n); }\n"
     "function main(i) { return f(i, 0); }", "3", None, "6", 14),
    ("function f(n, acc) { return n === 0 ? acc : f(n - 1, acc + n); }\n"
     "function main(i) { return f(i, 0); }", "1000", None, "500500", 4002),
    # const arrows are named functions too
    ("const f = (n, acc) => n === 0 ? acc : f(n - 1, acc + n);\n"
     "function main(i) { return f(i, 0); }", "1000", None, "500500", 4004),
    # depth: 128 calls of 8 (=== 1, ?: 1, - 1, call 5), the last one exceeds depth 128
    ("function f(n) { return n === 0 ? 0 : 1 + f(n - 1); }\nfunction main(i) { return f(i); }",
     "200", None, '{"depthLimit":128,"error":"DepthExceeded","gasUsed":1024}', 1024),
    # depth 127 below main: fine. f(126): 126 x (8 + 1 for +) + 2
    ("function f(n) { return n === 0 ? 0 : 1 + f(n - 1); }\nfunction main(i) { return f(i); }",
     "126", None, "126", 126 * 9 + 2),
    # a read on undefined: two reads
    (MAIN % "return input.x.y;", "{}", None, '{"error":"RuntimeError","gasUsed":2}', 2),
    # arrays: [1] 2, declarator 1, a[1]= 1, a[5]= 1 (error: beyond length)
    (MAIN % "const a = [1]; a[1] = 2; a[5] = 3; return a;", "null", None,
     '{"error":"RuntimeError","gasUsed":5}', 5),
    (MAIN % "const a = [1]; a[1] = 2; return a;", "null", None, "[1,2]", 4),
    # objects: literal 1 + 4; members in RFC 8785 order (UTF-16)
    (MAIN % 'return {b: 1, a: "\u00e9\U0001F600", 1: 2, "\\u2028": null};', "null", None,
     '{"1":2,"a":"\u00e9\U0001F600","b":1,"\u2028":null}', 5),
    # results
    (MAIN % "return 1 / 0;", "null", None, '{"error":"ResultInvalid","gasUsed":1}', 1),
    (MAIN % "return -0;", "null", None, "0", 1),
    (MAIN % "return;", "null", None, '{"error":"ResultInvalid","gasUsed":0}', 0),
    (MAIN % 'return "\\ud800";', "null", None, '{"error":"ResultInvalid","gasUsed":0}', 0),
    # Math.round(-2.5) = -2, Math.round(2.5) = 3; calls 5 each, + 1 each
    (MAIN % "return Math.round(-2.5) + Math.round(2.5);", "null", None, "1", 12),
    # % and ** and >>> : 7 % -3 = 1, 2 ** 10 = 1024, -7 >>> 28 = 15; 2 unary - and 5 binary
    (MAIN % "return 7 % -3 + 2 ** 10 + (-7 >>> 28);", "null", None, "1040", 7),
    # string length in UTF-16 units, comparison by code units
    (MAIN % 'return ["\U0001F600".length, "\uff61" < "\U0001F600", "b" < "a"];', "null", None,
     "[2,false,false]", 1 + 1 + 1 + 4),
    # split (size 3 before) and join (size 3 before): 5+3 + 5+3, read 0
    (MAIN % 'return "a,b".split(",").join("-");', "null", None, '"a-b"', 16),
    # map: literal 4, call 5, size 5*3, arrow 1, 3 callbacks of * 1
    (MAIN % "return [1, 2, 3].map(x => x * 2);", "null", None, "[2,4,6]", 4 + 1 + 5 + 15 + 3),
    # reduce requires the initial value
    (MAIN % "return [1].reduce((a, x) => a + x);", "null", None,
     '{"error":"RuntimeError","gasUsed":8}', 8),
    # Object.keys: call 5, size 2 after; ECMAScript key order (indexes first)
    (MAIN % 'return Object.keys({b: 1, 2: 0});', "null", None, '["2","b"]', 3 + 5 + 2),
    # === between two objects is a runtime error (MTP-034)
    (MAIN % "return [] === [];", "null", None, '{"error":"RuntimeError","gasUsed":3}', 3),
    # operators never coerce objects (MTP-033)
    (MAIN % 'return "a" + [];', "null", None, '{"error":"RuntimeError","gasUsed":2}', 2),
    # temporal dead zone
    (MAIN % "const g = () => y; const z = g(); const y = 1; return z;", "null", None,
     '{"error":"RuntimeError","gasUsed":7}', 7),
    # effects only once main runs
    ('const x = Async.await("log", "a");\nfunction main(i) { return 1; }', "null", None,
     '{"error":"EffectInvalid","gasUsed":5}', 5),
    (MAIN % 'Async.await("log", "hi"); return Async.await("nope", 1);', "null", None,
     '{"error":"EffectInvalid","gasUsed":12}', 12),
    # static initializers are metered: declarator 1, * 1
    ("const k = 6 * 7;\nfunction main(i) { return k; }", "null", None, "42", 2),
    # ?? and || and &&: 1 each after the left operand
    (MAIN % "return [null ?? 1, 0 || 2, 1 && 3];", "null", None, "[1,2,3]", 3 + 4),
    # if: 1 after the test; update 2
    (MAIN % "let n = 1; if (n) { n++; } else { n--; } return n;", "null", None, "2", 1 + 1 + 2),
    # compound assignment: binary then 1
    (MAIN % 'let s = "a"; s += "bc"; return s;', "null", None, '"abc"', 1 + 4 + 1),
    # input rules
    (MAIN % "return input;", '{"a":1,"a":2}', None,
     '{"code":"CANON_JSON_DUPLICATE_KEY","error":"InputInvalid"}', 0),
    (MAIN % "return input;", '{"a":[1,2.5,"x",true,null]}', None, '{"a":[1,2.5,"x",true,null]}', 0),
    # number formatting as ECMAScript's Number::toString
    (MAIN % 'return "" + 2 ** 70 + " " + 0.1 * 3 + " " + 1 / 3e7;', "null", None,
     '"1.1805916207174113e+21 0.30000000000000004 3.3333333333333334e-8"', None),
]

# (source, code, line, column)
COMPILE = [
    (MAIN % "return eval(1);", "MTP_FORBIDDEN_EVAL", 1, 31),
    (MAIN % "return new Function('x');", "MTP_FORBIDDEN_FUNCTION_CONSTRUCTOR", 1, 31),
    (MAIN % "return Function;", "MTP_FORBIDDEN_FUNCTION_CONSTRUCTOR", 1, 31),
    (MAIN % "return import('x');", "MTP_FORBIDDEN_IMPORT", 1, 31),
    ("class A {}\nfunction main(i) { return 1; }", "MTP_FORBIDDEN_CLASS", 1, 1),
    (MAIN % "return this;", "MTP_FORBIDDEN_THIS", 1, 31),
    (MAIN % "try { } finally { } return 1;", "MTP_FORBIDDEN_TRY", 1, 24),
    ("function main(input) {\n  for (;;) { }\n}", "MTP_FORBIDDEN_LOOP", 2, 3),
    ("function main(input) {\r\n  while (1) { }\r\n}", "MTP_FORBIDDEN_LOOP", 2, 3),
    (MAIN % "a: if (1) { } return 1;", "MTP_FORBIDDEN_LABEL", 1, 24),
    (MAIN % "with (input) { } return 1;", "MTP_FORBIDDEN_WITH", 1, 24),
    ("function* main(i) { }", "MTP_FORBIDDEN_GENERATOR", 1, 1),
    ("async function main(i) { }", "MTP_FORBIDDEN_ASYNC", 1, 1),
    ("let c = 0;\nfunction main(i) { c = 1; return c; }", "MTP_FORBIDDEN_MUTATION", 2, 20),
    (MAIN % "const c = 0; c = 1; return c;", "MTP_FORBIDDEN_MUTATION", 1, 37),
    (MAIN % "input.x = 1; return 1;", "MTP_FORBIDDEN_MUTATION", 1, 24),
    (MAIN % "let o = {}; o.x += 1; return 1;", "MTP_FORBIDDEN_MUTATION", 1, 36),
    (MAIN % "return Reflect;", "MTP_FORBIDDEN_REFLECTION", 1, 31),
    (MAIN % "return input.__proto__;", "MTP_FORBIDDEN_REFLECTION", 1, 31),
    (MAIN % "return Object.assign;", "MTP_FORBIDDEN_REFLECTION", 1, 31),
    (MAIN % "return { get x() { return 1; } };", "MTP_FORBIDDEN_REFLECTION", 1, 33),
    (MAIN % "return 'a' in input;", "MTP_FORBIDDEN_REFLECTION", 1, 31),
    (MAIN % "return Math.random();", "MTP_FORBIDDEN_NONDETERMINISM", 1, 31),
    (MAIN % "return Date;", "MTP_FORBIDDEN_NONDETERMINISM", 1, 31),
    (MAIN % "return 9007199254740992;", "MTP_FORBIDDEN_NUMBER_LITERAL", 1, 31),
    (MAIN % "return 9007199254740991;", None, None, None),
    (MAIN % "return 1n;", "MTP_FORBIDDEN_NUMBER_LITERAL", 1, 31),
    (MAIN % "return JsonNull;", "MTP_FORBIDDEN_JSONNULL", 1, 31),
    (MAIN % "return new Map();", "MTP_FORBIDDEN_NEW", 1, 31),
    (MAIN % "var x = 1; return x;", "MTP_FORBIDDEN_SYNTAX", 1, 24),
    (MAIN % "return input == 1;", "MTP_FORBIDDEN_SYNTAX", 1, 31),
    (MAIN % "return `x`;", "MTP_FORBIDDEN_SYNTAX", 1, 31),
    (MAIN % "return 010;", "MTP_FORBIDDEN_SYNTAX", 1, 31),
    (MAIN % "return input?.x;", "MTP_FORBIDDEN_SYNTAX", 1, 31),
    (MAIN % "return [1, , 2];", "MTP_FORBIDDEN_SYNTAX", 1, 31),
    (MAIN % "return function () { return 1; };", "MTP_FORBIDDEN_SYNTAX", 1, 31),
    (MAIN % "const __x = 1; return __x;", "MTP_FORBIDDEN_SYNTAX", 1, 30),
    (MAIN % "return foo;", "MTP_UNKNOWN_NAME", 1, 31),
    (MAIN % "return Math.PI;", "MTP_UNKNOWN_NAME", 1, 31),
    (MAIN % "return Math;", "MTP_UNKNOWN_NAME", 1, 31),
    ("function notmain(i) { return 1; }", "MTP_NO_MAIN", 1, 1),
    # the first violation by position wins; the outermost at one position
    (MAIN % "return [this, eval];", "MTP_FORBIDDEN_THIS", 1, 32),
    (MAIN % "eval = 1; return 1;", "MTP_FORBIDDEN_MUTATION", 1, 24),
    # columns count Unicode scalar values, lines end at U+2028 too
    ('function main(input) { const s = "\U0001F600"; return eval; }', "MTP_FORBIDDEN_EVAL", 1, 46),
    ("function main(input) {\u2028return eval; }", "MTP_FORBIDDEN_EVAL", 2, 8),
]

SYNTAX = ["function main(i) { return (; }", "function main(i) { const x; return 1; }",
          "function main(i) { let a = 1; let a = 2; return a; }", "return 1;",
          "function main(i) { return 1 ?? 2 || 3; }"]


def main():
    passed = failed = 0

    def check(name, got, want):
        nonlocal passed, failed
        if got == want:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name}:\n  got  {got!r}\n  want {want!r}")

    for i, (src, inp, gas, body, used) in enumerate(RUNS):
        case = {"source": src, "input": inp}
        if gas is not None:
            case["gas_limit"] = gas
        r = adapter.run_case({"op": "mtp.run", "input": case})
        out = r.get("ok", r)
        got = (out.get("body"), out.get("gas_used") if used is not None else None)
        check(f"run {i} {src[:60]!r}", got, (body, used))
        if "ok" in r:
            check(f"run {i} sha256", out["sha256"], hashlib.sha256(out["body"].encode()).hexdigest())
    for src, code, line, col in COMPILE:
        r = adapter.run_case({"op": "mtp.run", "input": {"source": src, "input": "null"}})
        out = r.get("ok", r)
        got = (out.get("code"), *((lambda b: (b.get("line"), b.get("column")))(
            __import__("json").loads(out["body"])) if code else (None, None)))
        check(f"compile {src[:60]!r}", got, (code, line, col))
    for src in SYNTAX:
        r = adapter.run_case({"op": "mtp.run", "input": {"source": src, "input": "null"}})
        check(f"syntax {src!r}", r, {"error": "MTP_SYNTAX"})

    # effects: the random stream of MTP-075 under the seed of MTP-065, computed here directly
    src = MAIN % 'Async.await("log", "hi"); return [Async.await("random", 40), Async.await("random", 2)];'
    ctx = {"request_id": "r1", "account_id": "a1", "function_version": "7"}
    r = adapter.run_case({"op": "mtp.run", "input": dict(ctx, source=src, input="null", gas_limit=1000)})

    def f(b):
        return len(b).to_bytes(4, "big") + b
    chash = hashlib.sha256(f(b"mtpscript-content/1") + f(mtp_ops.COST_TABLE_HASH)
                           + f(src.encode())).digest()
    seed = hashlib.sha256(f(b"r1") + f(b"a1") + f(b"7") + f(b"mtpscript-v5.1") + f(chash)
                          + f(b"1000")).digest()
    stream = b"".join(hashlib.sha256(seed + b"mtpscript-random" + i.to_bytes(8, "big")).digest()
                      for i in range(2))
    want = '["%s","%s"]' % (stream[:40].hex(), stream[40:42].hex())
    check("effects", (r["ok"]["body"], r["ok"]["gas_used"], r["ok"]["logs"]),
          (want, 5 + 2 + 5 + 40 + 5 + 2 + 3, ["hi"]))
    check("seed op", adapter.run_case({"op": "mtp.seed", "input": dict(
        ctx, content_hash=chash.hex(), gas_limit=1000)}), {"ok": seed.hex()})
    check("content hash op", adapter.run_case({"op": "mtp.content_hash", "input": {"source": src}}),
          {"ok": chash.hex()})
    check("cost table hash", mtp_ops.COST_TABLE_HASH.hex(), hashlib.sha256(
        b'{"arrayElement":1,"arrayLiteral":1,"arrow":1,"assign":1,"binary":1,"call":5,'
        b'"callbackPerElement":5,"conditional":1,"declare":1,"depthLimit":128,"if":1,"logical":1,'
        b'"memberWrite":1,"objectLiteral":1,"objectProperty":1,"propertyRead":1,"sizeUnit":1,'
        b'"tailCall":0,"unary":1,"update":2,"version":"mtpscript-gas/1"}').hexdigest())
    for text, want in [(None, 10_000_000), ("1", 1), ("2000000000", 2_000_000_000),
                       ("0", "MTP_GAS_LIMIT_INVALID"), ("2000000001", "MTP_GAS_LIMIT_INVALID"),
                       ("05", "MTP_GAS_LIMIT_INVALID"), ("+5", "MTP_GAS_LIMIT_INVALID"),
                       (" 5", "MTP_GAS_LIMIT_INVALID"), ("", "MTP_GAS_LIMIT_INVALID"),
                       ("1e6", "MTP_GAS_LIMIT_INVALID"), ("\u0661", "MTP_GAS_LIMIT_INVALID")]:
        r = adapter.run_case({"op": "mtp.gas_limit", "input": {} if text is None else {"text": text}})
        check(f"gas limit {text!r}", r.get("ok", r.get("error")), want)

    # snapshots (MTP-080/081): envelopes built here, then verified, then tampered with
    import canon_cbor
    import canon_crypto
    key = bytes(range(1, 33))
    pub = canon_crypto.ecdsa_p256_public_key(key)

    def envelope(fmt="mtpscript.msqs/1", cost=mtp_ops.COST_TABLE_HASH, engine="e", version=1,
                 bytecode=b"\x01\x02", extra=None, tamper=None):
        def text(t):
            return {"text": t}

        manifest = {"map": [[text("engine"), text(engine)],
                            [text("bytecodeVersion"), {"int": str(version)}],
                            [text("costTable"), {"bytes": cost.hex()}],
                            [text("source"), {"bytes": hashlib.sha256(b"s").hexdigest()}],
                            [text("contentHash"), {"bytes": "22" * 32}]] + (extra or [])}
        unsigned = [[text("format"), text(fmt)], [text("manifest"), manifest],
                    [text("bytecode"), {"bytes": bytecode.hex()}]]
        sig = canon_crypto.ecdsa_p256_sign(key, canon_cbor.encode({"map": unsigned}))
        if tamper:
            unsigned[2][1] = {"bytes": tamper.hex()}
        return canon_cbor.encode({"map": unsigned + [[text("signature"), {"bytes": sig.hex()}]]}).hex()

    def verify(snapshot, public_key=pub.hex(), engine="e", version=1):
        r = adapter.run_case({"op": "mtp.snapshot_verify", "input": {
            "snapshot": snapshot, "public_key": public_key, "engine": engine,
            "bytecode_version": version}})
        return r.get("error", r.get("ok"))

    check("snapshot valid", verify(envelope()), {
        "engine": "e", "bytecode_version": 1, "cost_table": mtp_ops.COST_TABLE_HASH.hex(),
        "source": hashlib.sha256(b"s").hexdigest(), "content_hash": "22" * 32,
        "bytecode_sha256": hashlib.sha256(b"\x01\x02").hexdigest()})
    check("snapshot tampered bytecode", verify(envelope(tamper=b"\x01\x03")),
          "MTP_SNAPSHOT_SIGNATURE_INVALID")
    check("snapshot wrong key", verify(envelope(), canon_crypto.ecdsa_p256_public_key(
        bytes(range(2, 34))).hex()), "MTP_SNAPSHOT_SIGNATURE_INVALID")
    check("snapshot key not a point", verify(envelope(), "04" + "00" * 64),
          "MTP_SNAPSHOT_SIGNATURE_INVALID")
    check("snapshot format", verify(envelope(fmt="mtpscript.msqs/2")), "MTP_SNAPSHOT_MALFORMED")
    check("snapshot extra member", verify(envelope(extra=[[{"text": "x"}, {"int": "1"}]])),
          "MTP_SNAPSHOT_MALFORMED")
    check("snapshot not CBOR", verify("ff"), "MTP_SNAPSHOT_MALFORMED")
    check("snapshot trailing byte", verify(envelope() + "00"), "MTP_SNAPSHOT_MALFORMED")
    check("snapshot engine", verify(envelope(), engine="other"), "MTP_SNAPSHOT_ENGINE_MISMATCH")
    check("snapshot version", verify(envelope(), version=2), "MTP_SNAPSHOT_ENGINE_MISMATCH")
    check("snapshot cost table", verify(envelope(cost=b"\0" * 32)),
          "MTP_SNAPSHOT_COST_TABLE_MISMATCH")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
