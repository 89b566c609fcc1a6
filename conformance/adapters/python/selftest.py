#!/usr/bin/env python3
"""Self-test of the Python adapter against public known-answer suites and hand-written spec cases.

    python3 selftest.py [path/to/external-vectors]     (default: ../../../../shared/external-vectors)

Cases go through adapter.run_case, so input checking is exercised too. The last part starts
adapter.py as a subprocess and feeds it garbage lines. Prints "N passed, M failed"; exit status 1
on any failure.
"""

import base64
import hashlib
import itertools
import json
import struct
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import adapter  # noqa: E402
import canon_crypto  # noqa: E402
import canon_json  # noqa: E402
import qvm_core  # noqa: E402
import qvm_field  # noqa: E402
import qvm_shamir  # noqa: E402
import rfc8785  # noqa: E402
from canon_common import CanonError  # noqa: E402

EXT = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[3] / "shared" / "external-vectors"
passed = failed = 0


def check(name, got, want):
    global passed, failed
    if got == want:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: got {str(got)[:200]}, want {str(want)[:200]}")


def run(op, **inp):
    return adapter.run_case({"op": op, "input": inp})


def ok(v):
    return {"ok": v}


def err(code):
    return {"error": code}


def verdict(result, valid, code):
    """Wycheproof 'valid' -> ok true, 'invalid' -> the error; 'acceptable' -> either."""
    return result if valid == "acceptable" and result in (ok(True), err(code)) else (
        ok(True) if valid == "valid" else err(code))


# --- Wycheproof -------------------------------------------------------------------------------
def wycheproof(name):
    data = json.loads((EXT / "wycheproof" / "testvectors_v1" / name).read_text())
    for group in data["testGroups"]:
        for t in group["tests"]:
            yield group, t


for g, t in wycheproof("ed25519_test.json"):
    r = run("canon.ed25519.verify", public_key=g["publicKey"]["pk"], message=t["msg"], signature=t["sig"])
    check(f"wycheproof ed25519 {t['tcId']}", r, verdict(r, t["result"], "CANON_SIG_INVALID"))

for file, op in (("ecdsa_secp256r1_sha256_p1363_test.json", "canon.ecdsa_p256.verify"),
                 ("ecdsa_secp256r1_sha256_test.json", "canon.ecdsa_p256.verify_der")):
    for g, t in wycheproof(file):
        r = run(op, public_key=g["publicKey"]["uncompressed"], message=t["msg"], signature=t["sig"])
        check(f"wycheproof {op} {t['tcId']}", r, verdict(r, t["result"], "CANON_SIG_INVALID"))

for g, t in wycheproof("hmac_sha256_test.json"):
    r = run("canon.hmac_sha256.verify", key=t["key"], message=t["msg"], tag=t["tag"])
    check(f"wycheproof hmac verify {t['tcId']}", r, verdict(r, t["result"], "CANON_MAC_INVALID"))
    if t["result"] == "valid":
        mac = run("canon.hmac_sha256", key=t["key"], message=t["msg"])["ok"]
        check(f"wycheproof hmac {t['tcId']}", mac[: len(t["tag"])], t["tag"])

# --- RFC 8785 test data and ES6 numbers ---------------------------------------------------------
jcs = EXT / "json-canonicalization"
for f in sorted((jcs / "testdata" / "input").iterdir()):
    want = (jcs / "testdata" / "output" / f.name).read_bytes().decode("utf-8")
    check(f"rfc8785 {f.name}", run("canon.json.canonicalize", bytes=f.read_bytes().hex()), ok(want))
for line in (jcs / "es6testfile10k.txt").read_text().splitlines():
    bits, want = line.split(",")
    check(f"es6 {bits}", run("canon.json.number", bits=bits), ok(want))

# --- CBOR RFC 7049 Appendix A ---------------------------------------------------------------------
def plain(v):
    """Typed CBOR -> the plain JSON value of appendix_a.json 'decoded', or None if not comparable."""
    if v is None or isinstance(v, bool):
        return v
    if "int" in v:
        return int(v["int"])
    if "float" in v:
        return struct.unpack(">d", bytes.fromhex(v["float"]))[0]
    if "text" in v:
        return v["text"]
    if "array" in v:
        items = [plain(x) for x in v["array"]]
        return None if any(x is None and y is not None for x, y in zip(items, v["array"])) else items
    if "map" in v and all("text" in k for k, _ in v["map"]):
        return {k["text"]: plain(x) for k, x in v["map"]}
    return None  # bytes, tags, simple values, non-text keys: compared by round trip only


for case in json.loads((EXT / "cbor-test-vectors" / "appendix_a.json").read_text()):
    h = case["hex"]
    check(f"appendix A hex/base64 {h}", base64.b64decode(case["cbor"]).hex(), h)
    r = run("canon.cbor.decode", hex=h)
    if h == "f818":  # simple(24) in two bytes: not well-formed (RFC 8949 Appendix F)
        check(f"appendix A {h}", r, err("CANON_CBOR_MALFORMED"))
    elif not case["roundtrip"]:  # indefinite lengths and over-wide floats
        check(f"appendix A {h}", r, err("CANON_CBOR_NONCANONICAL"))
    else:
        check(f"appendix A {h} encode(decode)", run("canon.cbor.encode", value=r.get("ok", {}).get("value")),
              ok({"hex": h}))
        if "decoded" in case and plain(r["ok"]["value"]) is not None:
            check(f"appendix A {h} value", plain(r["ok"]["value"]), case["decoded"])
# The three special floats of the appendix, by bits.
for h, bits in (("f97c00", "7ff0000000000000"), ("f9fc00", "fff0000000000000"), ("f97e00", "7ff8000000000000")):
    check(f"float {h}", run("canon.cbor.decode", hex=h), ok({"value": {"float": bits}}))

# --- FNV-1a 64 ----------------------------------------------------------------------------------
for line in (EXT / "fnv" / "fnv1a64_test_vectors.txt").read_text().splitlines():
    cols = line.split("\t")
    if line.startswith("#") or cols[0] == "index":
        continue
    check(f"fnv {cols[0]}", run("canon.fnv1a64", bytes=cols[3]), ok(cols[4]))

# --- Ed25519 sign.input (1024 lines, RFC 8032 TEST 1/2/3/1024 among them) -----------------------
for n, line in enumerate((EXT / "noble-curves" / "ed25519" / "vectors.txt").read_text().splitlines(), 1):
    sk, pk, msg, sm = line.split(":")[:4]
    seed, sig = sk[:64], sm[:128]
    check(f"ed25519 line {n} public", run("canon.ed25519.public_key", seed=seed), ok(pk))
    check(f"ed25519 line {n} sign", run("canon.ed25519.sign", seed=seed, message=msg), ok(sig))
    check(f"ed25519 line {n} verify", run("canon.ed25519.verify", public_key=pk, message=msg,
                                          signature=sig), ok(True))

# --- RFC 6979 P-256 (A.2.5, SHA-256) and the C2SP/CCTV rejection-sampling vector ------------------
rfc6979 = [c for c in json.loads((EXT / "noble-curves" / "rfc6979.json").read_text()) if c["curve"] == "P256"]
cctv = {"message": "wv[vnX", "r": "EFD9073B652E76DA1B5A019C0E4A2E3FA529B035A6ABB91EF67F0ED7A1F21234",
        "s": "3DB4706C9D9F4A4FE13BB5E08EF0FAB53A57DBAB2061C83A35FA411C68D2BA33"}
check("cctv file has the vector", all(cctv[k] in (EXT / "cctv" / "RFC6979" / "README.md").read_text()
                                      for k in ("r", "s")), True)
for curve in rfc6979:
    d = curve["private"].lower()
    pub = "04" + curve["Ux"].lower() + curve["Uy"].lower()
    check("rfc6979 public key", run("canon.ecdsa_p256.public_key", private_key=d), ok(pub))
    for c in curve["cases"] + [cctv]:
        msg = c["message"].encode().hex()
        want = (c["r"] + c["s"]).lower()
        check(f"rfc6979 sign {c['message']}", run("canon.ecdsa_p256.sign", private_key=d, message=msg), ok(want))
        check(f"rfc6979 verify {c['message']}", run("canon.ecdsa_p256.verify", public_key=pub,
                                                    message=msg, signature=want), ok(True))
        compressed = ("03" if int(curve["Uy"], 16) & 1 else "02") + curve["Ux"].lower()
        check("verify with compressed key", run("canon.ecdsa_p256.verify", public_key=compressed,
                                                message=msg, signature=want), ok(True))
        check("hybrid key refused", run("canon.ecdsa_p256.verify", public_key="06" + pub[2:],
                                        message=msg, signature=want), err("CANON_SIG_INVALID"))

check("P-256 G is on the curve", (canon_crypto.P256_G[1] ** 2 - canon_crypto.P256_G[0] ** 3 + 3 * canon_crypto.P256_G[0]
                                  - 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B) % canon_crypto.P256_P, 0)
check("P-256 n*G is infinity", canon_crypto._scalar_mult(canon_crypto.P256_N, canon_crypto.P256_G), None)

# Cross-check the hand-written RFC 6979 + P-256 arithmetic against OpenSSL's deterministic ECDSA
# (cryptography >= 44), over keys and messages drawn from the DRBG.
try:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
    deterministic = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)
except TypeError:
    deterministic = None
if deterministic is not None:
    for i in range(40):
        d = int.from_bytes(canon_crypto.drbg(f"selftest/ecdsa/{i}", 32), "big") % canon_crypto.P256_N
        msg = canon_crypto.drbg(f"selftest/msg/{i}", i)
        r, s = decode_dss_signature(ec.derive_private_key(d, ec.SECP256R1()).sign(msg, deterministic))
        ours = canon_crypto.ecdsa_p256_sign(d.to_bytes(32, "big"), msg)
        check(f"ecdsa vs openssl {i}", ours, r.to_bytes(32, "big") + s.to_bytes(32, "big"))

# --- DRBG: ChaCha20 layout (RFC 8439 A.1 test vectors 1 and 2: zero key, counter 0 and 1) ---------
block = canon_crypto.chacha20_keystream(bytes(32), 128).hex()
check("chacha20 A.1 #1", block[:128], "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
      "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586")
check("chacha20 A.1 #2", block[128:], "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
      "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f")


def chacha20_block(key, counter):  # RFC 8439 §2.3, written out as an independent check
    def rotl(v, n):
        return ((v << n) & 0xFFFFFFFF) | (v >> (32 - n))
    state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574] + list(struct.unpack("<8I", key)) + [counter, 0, 0, 0]
    x = list(state)
    for _ in range(10):
        for a, b, c, d in ((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
                           (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14)):
            x[a] = (x[a] + x[b]) & 0xFFFFFFFF; x[d] = rotl(x[d] ^ x[a], 16)  # noqa: E702
            x[c] = (x[c] + x[d]) & 0xFFFFFFFF; x[b] = rotl(x[b] ^ x[c], 12)  # noqa: E702
            x[a] = (x[a] + x[b]) & 0xFFFFFFFF; x[d] = rotl(x[d] ^ x[a], 8)  # noqa: E702
            x[c] = (x[c] + x[d]) & 0xFFFFFFFF; x[b] = rotl(x[b] ^ x[c], 7)  # noqa: E702
    return struct.pack("<16I", *((a + b) & 0xFFFFFFFF for a, b in zip(x, state)))


label = "quorate/selftest"
want = b"".join(chacha20_block(hashlib.sha256(label.encode()).digest(), i) for i in range(4))[:200]
check("drbg vs pure-python chacha20", run("canon.drbg", label=label, length=200), ok(want.hex()))
check("drbg 0", run("canon.drbg", label="x", length=0), ok(""))
check("drbg 2^20", len(run("canon.drbg", label="x", length=1 << 20)["ok"]), 2 << 20)
check("drbg 2^20+1", run("canon.drbg", label="x", length=(1 << 20) + 1), err("CANON_DRBG_LIMIT"))
for bad in (-1, 1.5, True, "8"):
    check(f"drbg length {bad!r}", run("canon.drbg", label="x", length=bad), err("PROTO_CASE_INVALID"))

# --- Canonical JSON: strict parsing (CANON-010..017), hand-written from the spec -----------------
SYN, DEEP, DUP = "CANON_JSON_SYNTAX", "CANON_JSON_TOO_DEEP", "CANON_JSON_DUPLICATE_KEY"
LONE, RANGE, UTF8 = "CANON_JSON_LONE_SURROGATE", "CANON_JSON_NUMBER_RANGE", "CANON_UTF8_INVALID"
syntax_cases = [b"", b" ", b"\xef\xbb\xbf{}", b'{"a":1,}', b"[1,]", b"// c\n1", b"/*c*/1", b"'a'",
                b"{a:1}", b"01", b"-01", b"+1", b".5", b"5.", b"0x10", b"NaN", b"Infinity", b"-Infinity",
                b"[NaN]", b'"\x01"', b'"\x1f"', b'"\\x"', b'"\\u12"', b'"\\U0041"', b"1 2", b"[1] x",
                b"tru", b"nul", b"-", b"1e", b"1e+", b"[", b"]", b'{"a"}', b'{"a":}', b"{,}", b"[,1]",
                b"\x0c1", b"\xc2\xa01", b'"abc', b'{"a":1 "b":2}', b"[1 2]", b"1.e3", b"1.5e", b"--1",
                b'{"a":1}}', b"[[]]]", b"\x00"]
for text in syntax_cases:
    check(f"json syntax {text[:20]!r}", run("canon.json.canonicalize", bytes=text.hex()), err(SYN))
    try:  # the fallback checker must agree with the json.loads path
        canon_json.check_syntax(text.decode("utf-8"))
        check(f"check_syntax {text[:20]!r}", "accepted", "rejected")
    except CanonError as e:
        check(f"check_syntax {text[:20]!r}", e.code, SYN)
for text in (b"0", b"-0", b"1.5e-3", b"[1,[2,{}],{\"a\":[]}]", b' \t\r\n{"a" : [ true , false , null ] } ',
             b'"\\u0000\\ud83d\\ude00\\/"', b"1E+2"):
    check(f"check_syntax accepts {text!r}", canon_json.check_syntax(text.decode()) >= 0, True)

json_cases = [
    (b"\t1\r\n", ok("1")), (b'{"b":[],"a":{}}', ok('{"a":{},"b":[]}')),
    (b'"\\u007f\\u001f\\/\\b\\f\\n\\r\\t\\"\\\\"', ok('"\x7f\\u001f/\\b\\f\\n\\r\\t\\"\\\\"')),
    (b"1E2", ok("100")), (b"-0.0", ok("0")), (b"1.0e-7", ok("1e-7")), (b"123e18", ok("123000000000000000000")),
    (b"1e21", ok("1e+21")), (b"0.000001", ok("0.000001")), (b"9007199254740993", ok("9007199254740992")),
    (b"1e-400", ok("0")), (b"-1e-400", ok("0")), (b"1e400", err(RANGE)), (b"-1e400", err(RANGE)),
    (b"1" + b"0" * 400, err(RANGE)), (b"[1e308, 1.7976931348623158e308]", ok("[1e+308,1.7976931348623157e+308]")),
    (b"1.7976931348623159e308", err(RANGE)),  # rounds to infinity
    ('{"\\ue000":1,"\\ud83d\\ude00":2}'.encode(), ok('{"\U0001F600":2,"\ue000":1}')),
    (b'{"a":1,"\\u0061":2}', err(DUP)), (b'{"a":{"b":1,"b":2}}', err(DUP)), (b'[{"a":1},{"a":1}]', ok('[{"a":1},{"a":1}]')),
    (b'"\\ud800"', err(LONE)), (b'"\\udc00"', err(LONE)), (b'"\\ud800\\u0041"', err(LONE)), (b'"\\ude00\\ud83d"', err(LONE)),
    (b'"\\ud800\\\\udc00"', err(LONE)), (b'{"\\udbff":1}', err(LONE)), (b'"\\ud83d\\ude00"', ok('"\U0001F600"')),
    (b'"\xc0\xaf"', err(UTF8)), (b'"\xed\xa0\x80"', err(UTF8)), (b'"\xf4\x90\x80\x80"', err(UTF8)),
    (b'"\xe2\x82"', err(UTF8)), (b"{\xff", err(UTF8)), (b"\xff\xfe1", err(UTF8)),
    # several faults: the first check in CANON-010..016 order wins
    (b'{"a":1e400,"a":1}', err(DUP)), (b'["\\ud800",1e400]', err(LONE)), (b'{"a":"\\ud800","a":1}', err(DUP)),
    (b"[1e400", err(SYN)), (b'{"a":1,"a":2', err(SYN)), (b"[" * 129 + b"]" * 128, err(SYN)),
    (b"[" * 129 + b"1e400" + b"]" * 129, err(DEEP)), (b'{"a":' * 129 + b'"\\ud800"' + b"}" * 129, err(DEEP)),
    (b"[" * 128 + b"]" * 128, ok("[" * 128 + "]" * 128)), (b"[" * 129 + b"]" * 129, err(DEEP)),
    (b'{"a":' * 128 + b"1" + b"}" * 128, ok('{"a":' * 128 + "1" + "}" * 128)),
    (b'{"a":' * 129 + b"1" + b"}" * 129, err(DEEP)), (b"[" * 5000 + b"]" * 5000, err(DEEP)),
    (b"[" * 5000 + b"]" * 4999, err(SYN)), (b"[" * 5000 + b"x" + b"]" * 5000, err(SYN)),
    (b'"' + b"a" * (16 * 1024 * 1024 - 2) + b'"', ok('"' + "a" * (16 * 1024 * 1024 - 2) + '"')),
    (b" " * (16 * 1024 * 1024 + 1), err("CANON_JSON_TOO_LARGE")),
    (b"\xff" * (16 * 1024 * 1024 + 1), err("CANON_JSON_TOO_LARGE")),
]
for text, want in json_cases:
    check(f"json {text[:30]!r}", run("canon.json.canonicalize", bytes=text.hex()), want)
check("json text input", run("canon.json.canonicalize", text='{"b":2,"a":"\u00e9"}'), ok('{"a":"\u00e9","b":2}'))
check("json text lone surrogate", run("canon.json.canonicalize", text="\ud800"), err(UTF8))
check("pad_spaces 16 MiB", run("canon.json.canonicalize", text="0", pad_spaces=16 * 1024 * 1024 - 1), ok("0"))
check("pad_spaces over", run("canon.json.canonicalize", text="0", pad_spaces=16 * 1024 * 1024), err("CANON_JSON_TOO_LARGE"))
check("pad_spaces huge", run("canon.json.canonicalize", bytes="ff", pad_spaces=10**15), err("CANON_JSON_TOO_LARGE"))
check("pad_spaces after", run("canon.json.canonicalize", bytes="2d", pad_spaces=1), err(SYN))
check("pad_spaces type", run("canon.json.canonicalize", text="0", pad_spaces="1"), err("PROTO_CASE_INVALID"))
check("json text and bytes", run("canon.json.canonicalize", text="1", bytes="31"), err("PROTO_CASE_INVALID"))
check("json neither", run("canon.json.canonicalize"), err("PROTO_CASE_INVALID"))
check("content id", run("canon.content_id", text='{"b":1,"a":2}'), ok(hashlib.sha256(b'{"a":2,"b":1}').hexdigest()))
check("content id error", run("canon.content_id", text="[1,]"), err(SYN))
check("content id no bytes", run("canon.content_id", bytes="31"), err("PROTO_CASE_INVALID"))
check("content id ignores bytes", run("canon.content_id", text="1", bytes="zz"), ok(hashlib.sha256(b"1").hexdigest()))
for s, want in (("a" * 64, ok("a" * 64)), ("A" * 64, err("CANON_ID_INVALID")), ("a" * 63, err("CANON_ID_INVALID")),
                ("a" * 65, err("CANON_ID_INVALID")), ("g" * 64, err("CANON_ID_INVALID")), ("", err("CANON_ID_INVALID"))):
    check(f"content id parse {s[:5]}", run("canon.content_id.parse", id=s), want)
for bits, want in (("1", ok("5e-324")), ("8000000000000000", ok("0")), ("0000000000000001", ok("5e-324")),
                   ("7ff0000000000000", err(RANGE)), ("fff0000000000000", err(RANGE)), ("7ff8000000000000", err(RANGE)),
                   ("7ff0000000000001", err(RANGE)), ("", err("CANON_HEX_INVALID")), ("3FF0000000000000", err("CANON_HEX_INVALID")),
                   ("00000000000000001", err("CANON_HEX_INVALID")), ("x", err("CANON_HEX_INVALID")),
                   ("3ff0000000000000", ok("1")), ("444b1ae4d6e2ef50", ok("1e+21"))):
    check(f"json number {bits}", run("canon.json.number", bits=bits), want)

# --- CBOR hand cases (CANON-020..028) --------------------------------------------------------------
MAL, NONC, CDUP = "CANON_CBOR_MALFORMED", "CANON_CBOR_NONCANONICAL", "CANON_CBOR_DUPLICATE_KEY"
DECODES = "decodes"
cbor_decode_cases = [
    ("", err(MAL)), ("18", err(MAL)), ("1c", err(MAL)), ("1d", err(MAL)), ("1e", err(MAL)), ("1f", err(MAL)),
    ("3f", err(MAL)), ("df", err(MAL)), ("ff", err(MAL)), ("fc", err(MAL)), ("8101ff", err("CANON_CBOR_TRAILING")),
    ("f820", ok({"simple": 32})), ("f7", ok({"simple": 23})), ("f3", ok({"simple": 19})), ("f4", ok(False)),
    ("5f4101ff", err(NONC)), ("5f6161ff", err(MAL)), ("5f5f4100ffff", err(MAL)), ("5f41", err(MAL)), ("5f4101", err(MAL)),
    ("9f01", err(MAL)), ("9f01ff", err(NONC)), ("9f1cff", err(MAL)), ("bf01ff", err(MAL)), ("bf0102ff", err(NONC)),
    ("7f6161ff", err(NONC)), ("7f4161ff", err(MAL)),
    ("1817", err(NONC)), ("190017", err(NONC)), ("1900ff", err(NONC)), ("1a0000ffff", err(NONC)),
    ("1b00000000ffffffff", err(NONC)), ("1b0000000100000000", ok({"int": "4294967296"})), ("1818", ok({"int": "24"})),
    ("5801ff", err(NONC)), ("5901", err(MAL)), ("590001", err(MAL)), ("4201", err(MAL)), ("3800", err(NONC)),
    ("f93c00", ok({"float": "3ff0000000000000"})), ("fa3f800000", err(NONC)), ("fb3ff0000000000000", err(NONC)),
    ("f97e01", err(NONC)), ("f9fe00", err(NONC)), ("fa7fc00000", err(NONC)), ("f98000", ok({"float": "8000000000000000"})),
    ("fa33800000", err(NONC)), ("fa33000000", ok({"float": "3e60000000000000"})), ("fa7f7fffff", ok({"float": "47efffffe0000000"})),
    ("fb3ff199999999999a", ok({"float": "3ff199999999999a"})), ("fb3e70000000000000", err(NONC)), ("f9", err(MAL)),
    ("62c328", err("CANON_CBOR_INVALID_UTF8")), ("63eda080", err("CANON_CBOR_INVALID_UTF8")), ("6161", ok({"text": "a"})),
    ("a201000200", ok({"map": [[{"int": "1"}, {"int": "0"}], [{"int": "2"}, {"int": "0"}]]})),
    ("a202000100", err(NONC)), ("a201000100", err(CDUP)), ("a2616101" "0102", err(NONC)),
    ("a22001186402", ok({"map": [[{"int": "-1"}, {"int": "1"}], [{"int": "100"}, {"int": "2"}]]})),
    ("a21864022001", err(NONC)),  # bytewise order (RFC 8949) is not the canonical order here
    ("a2010001", err(MAL)), ("a2020001", err(MAL)),  # a key fault, but the map is truncated
    ("a20100180100", err(NONC)),  # a non-canonical key (equal to 01) is not a duplicate
    ("98021800", err(MAL)), ("9801", err(MAL)),
    # several faults (CANON-026): well-formedness and depth, then canonical form and UTF-8 (each
    # the first in reading order), then duplicate keys, then trailing bytes
    ("8218001c", err(MAL)), ("821c" + "81" * 200, err(MAL)), ("81" * 129 + "1c", err("CANON_CBOR_TOO_DEEP")),
    ("821800" + "81" * 129 + "00", err("CANON_CBOR_TOO_DEEP")), ("82" "62c328" "1800", err("CANON_CBOR_INVALID_UTF8")),
    ("82" "1800" "62c328", err(NONC)), ("a2010001190001", err(NONC)), ("a301000100" "0261ff", err("CANON_CBOR_INVALID_UTF8")),
    ("a201000100ff", err(CDUP)), ("a16161001c", err("CANON_CBOR_TRAILING")), ("a301000100" "00f6", err(NONC)),
    ("5f4101ff1c", err(NONC)), ("9f" * 129 + "ff" * 129, err("CANON_CBOR_TOO_DEEP")),
    ("0000", err("CANON_CBOR_TRAILING")), ("01ff", err("CANON_CBOR_TRAILING")), ("8000", err("CANON_CBOR_TRAILING")),
    ("81" * 128 + "00", DECODES), ("81" * 129 + "00", err("CANON_CBOR_TOO_DEEP")),
    ("c1" * 129 + "00", err("CANON_CBOR_TOO_DEEP")), ("81" * 128 + "80", err("CANON_CBOR_TOO_DEEP")),
    ("81" * 200, err("CANON_CBOR_TOO_DEEP")), ("9f" * 200, err("CANON_CBOR_TOO_DEEP")),
    ("9f" * 128 + "ff" * 128, err(NONC)), ("9f" * 128 + "ff" * 127, err(MAL)),
    ("d80100", err(NONC)), ("c249010000000000000000", ok({"tag": "2", "value": {"bytes": "010000000000000000"}})),
    ("3bffffffffffffffff", ok({"int": "-18446744073709551616"})), ("9bffffffffffffffff", err(MAL)),
]
for h, want in cbor_decode_cases:
    got = run("canon.cbor.decode", hex=h)
    if want is DECODES:  # the value is checked by the round trip below
        want = got if "ok" in got else ok("a value")
    elif "ok" in want:
        want = ok({"value": want["ok"]})
    check(f"cbor decode {h[:24]}", got, want)
    if "ok" in got:
        check(f"cbor roundtrip {h[:24]}", run("canon.cbor.encode", value=got["ok"]["value"]), ok({"hex": h}))
for i in range(32):
    check(f"cbor f8{i:02x}", run("canon.cbor.decode", hex=f"f8{i:02x}"), err(MAL))
check("cbor decode bad hex", run("canon.cbor.decode", hex="0"), err("CANON_HEX_INVALID"))

INV = "CANON_CBOR_VALUE_INVALID"
cbor_encode_cases = [
    ({"int": "0"}, "00"), ({"int": "-1"}, "20"), ({"int": "18446744073709551615"}, "1bffffffffffffffff"),
    ({"int": "-18446744073709551616"}, "3bffffffffffffffff"), ({"int": "18446744073709551616"}, INV),
    ({"int": "-18446744073709551617"}, INV), ({"int": "-0"}, INV), ({"int": "01"}, INV), ({"int": "+1"}, INV),
    ({"int": 1}, INV), ({"int": ""}, INV), ({"int": "1" * 5000}, INV), ({"simple": 20}, INV), ({"simple": 24}, INV),
    ({"simple": 31}, INV), ({"simple": 256}, INV), ({"simple": True}, INV), ({"simple": 19}, "f3"),
    ({"simple": 23}, "f7"), ({"simple": 32}, "f820"), ({"simple": 255}, "f8ff"), (True, "f5"), (None, "f6"),
    ({"float": "7ff8000000000001"}, "f97e00"), ({"float": "fff8000000000000"}, "f97e00"),
    ({"float": "3ff0000000000000"}, "f93c00"), ({"float": "3FF0000000000000"}, INV), ({"float": "3ff0"}, INV),
    ({"float": "3e60000000000000"}, "fa33000000"), ({"float": "3e70000000000000"}, "f90001"),
    ({"float": "3ff199999999999a"}, "fb3ff199999999999a"), ({"float": "8000000000000000"}, "f98000"),
    ({"bytes": "0A"}, INV), ({"bytes": "abc"}, INV), ({"bytes": ""}, "40"), ({"text": "\ud800"}, INV),
    ({"text": "a", "x": 1}, INV), ({"tag": "1"}, INV), ({"tag": "18446744073709551616", "value": None}, INV),
    ({"tag": "18446744073709551615", "value": None}, "dbfffffffffffffffff6"), ({}, INV), (1, INV), ("a", INV),
    ({"array": {}}, INV), ({"map": [[None]]}, INV), ({"map": [[None, None], [None, None]]}, CDUP),
    ({"map": [[{"float": "7ff8000000000000"}, None], [{"float": "7ff8000000000001"}, None]]}, CDUP),
    ({"map": [[{"float": "0000000000000000"}, None], [{"float": "8000000000000000"}, None]]}, "a2f90000f6f98000f6"),
    ({"map": [[{"text": "a"}, None], [{"int": "100"}, None], [{"int": "-1"}, None]]}, "a320f61864f66161f6"),
    ({"array": [{"map": [[None, None], [None, None]]}, {"int": "x"}]}, INV),
]
for value, want in cbor_encode_cases:
    got = run("canon.cbor.encode", value=value)
    check(f"cbor encode {str(value)[:40]}", got, ok({"hex": want}) if want not in (INV, CDUP) else err(want))

# --- input checking (PROTO-070, CANON-060) and key/length rules -----------------------------------
HEXE, CASE = "CANON_HEX_INVALID", "PROTO_CASE_INVALID"
for inp, want in (({"bytes": "abc"}, HEXE), ({"bytes": "AB"}, HEXE), ({"bytes": "zz"}, HEXE), ({"bytes": " 0"}, HEXE),
                  ({}, CASE), ({"bytes": 5}, CASE), ({"bytes": None}, CASE), ({"bytes": ["00"]}, CASE)):
    check(f"sha256 input {inp}", run("canon.sha256", **inp), err(want))
check("sha256", run("canon.sha256", bytes="616263", extra=1),
      ok("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
check("unknown op", run("canon.nope"), err(CASE))
check("input not object", adapter.run_case({"op": "canon.sha256", "input": []}), err(CASE))
check("missing op", adapter.run_case({"input": {}}), err(CASE))
check("missing before hex", run("canon.hmac_sha256", key="zz"), err(CASE))
check("ed25519 seed 31", run("canon.ed25519.public_key", seed="00" * 31), err("CANON_KEY_INVALID"))
check("ed25519 sign seed 33", run("canon.ed25519.sign", seed="00" * 33, message=""), err("CANON_KEY_INVALID"))
check("ed25519 pk 31", run("canon.ed25519.verify", public_key="00" * 31, message="", signature="00" * 64),
      err("CANON_SIG_INVALID"))
n_hex = f"{canon_crypto.P256_N:064x}"
for d in ("00" * 32, n_hex, "ff" * 32, "01" * 31, "01" * 33):
    check(f"p256 key {d[:8]}", run("canon.ecdsa_p256.sign", private_key=d, message=""), err("CANON_KEY_INVALID"))
    check(f"p256 pub {d[:8]}", run("canon.ecdsa_p256.public_key", private_key=d), err("CANON_KEY_INVALID"))
check("p256 key n-1", "ok" in run("canon.ecdsa_p256.sign", private_key=f"{canon_crypto.P256_N - 1:064x}", message=""), True)
key, msg, tag = "0b" * 20, b"Hi There".hex(), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
check("rfc4231 case 1", run("canon.hmac_sha256", key=key, message=msg), ok(tag))
for t, want in ((tag[:32], ok(True)), (tag[:30], err("CANON_MAC_INVALID")), (tag + "00", err("CANON_MAC_INVALID")),
                ("", err("CANON_MAC_INVALID")), (tag[:-2] + "f6", err("CANON_MAC_INVALID"))):
    check(f"hmac verify len {len(t) // 2}", run("canon.hmac_sha256.verify", key=key, message=msg, tag=t), want)

# --- QuorumVM: field (FIELD-) -------------------------------------------------------------------
P = qvm_field.P
FEI, DIV = "FIELD_ELEMENT_INVALID", "FIELD_DIVISION_BY_ZERO"
for value, want in ((0, ok("0")), (-1, ok(str(P - 1))), (2**53 - 1, ok(str(2**53 - 1))), (-(2**53 - 1), ok(str(P - 2**53 + 1))),
                    (2**53, err(FEI)), (-(2**53), err(FEI)), (str(P), ok("0")), (str(P + 5), ok("5")), ("-" + str(P), ok("0")),
                    ("-0", ok("0")), ("007", ok("7")), ("-007", ok(str(P - 7))), ("9" * 200, ok(str(int("9" * 200) % P))),
                    ("-" + "9" * 200, ok(str(-int("9" * 200) % P))), ("9" * 201, err(FEI)), ("", err(FEI)), ("-", err(FEI)),
                    ("+1", err(FEI)), (" 1", err(FEI)), ("1 ", err(FEI)), ("1.0", err(FEI)), ("1e3", err(FEI)), ("0x1", err(FEI)),
                    ("\u0663", err(FEI)), ("1\n", err(FEI)), (1.0, err(FEI)), (True, err(FEI)), (None, err(FEI)), ([1], err(FEI)),
                    ({"a": 1}, err(FEI)), (str(2**127), ok("1"))):
    check(f"field.reduce {str(value)[:30]!r}", run("field.reduce", value=value), want)
check("field.reduce missing", run("field.reduce", a=1), err("PROTO_CASE_INVALID"))
check("field.add missing b", run("field.add", a="x"), err("PROTO_CASE_INVALID"))
check("field.add bad b", run("field.add", a=1, b="x"), err(FEI))
check("field.add wraps", run("field.add", a=str(P - 1), b=2), ok("1"))
check("field.sub wraps", run("field.sub", a=1, b=2), ok(str(P - 1)))
check("field.mul (p-1)^2", run("field.mul", a=-1, b=-1), ok("1"))
check("field.mul 2^64 * 2^64", run("field.mul", a=str(2**64), b=str(2**64)), ok("2"))  # 2^128 = 2 mod 2^127-1
check("field.neg 0", run("field.neg", a=0), ok("0"))
check("field.neg 1", run("field.neg", a=1), ok(str(P - 1)))
check("field.inv 2", run("field.inv", a=2), ok(str((P + 1) // 2)))
for z in (0, "0", "-0", str(P), "-" + str(2 * P)):
    check(f"field.inv {z!r}", run("field.inv", a=z), err(DIV))
check("field.inv invalid", run("field.inv", a="z"), err(FEI))
check("field.inv -1", run("field.inv", a=-1), ok(str(P - 1)))

stream = qvm_field.Drbg("selftest/stream")
chunks = b"".join(stream.take(n) for n in (1, 15, 16, 17, 63, 64, 65, 500))
check("Drbg stream = canon.drbg prefix", chunks, canon_crypto.drbg("selftest/stream", len(chunks)))
for label, count in (("quorate/field/random", 40), ("", 3), ("\u00e9", 2)):
    got = run("field.random", label=label, count=count)
    raw = canon_crypto.drbg(label, 16 * count)
    want = [str(int.from_bytes(raw[16 * i:16 * i + 16], "little") & (2**127 - 1)) for i in range(count)]
    check(f"field.random {label!r}", got, ok(want))
check("field.random 0", run("field.random", label="x", count=0), ok([]))
check("FIELD-020 example", run("field.random", label="field/random", count=4), ok([
    "25479507939423843502737499425898735422", "113795297987267175843310225002066751178",
    "25692326981050852099229270050089667452", "20332172321733690612935647749003427416"]))
check("field.random 1024", len(run("field.random", label="x", count=1024)["ok"]), 1024)
for bad in (1025, -1, "3", True, 2.0):
    check(f"field.random count {bad!r}", run("field.random", label="x", count=bad), err("PROTO_CASE_INVALID"))
check("field.random label type", run("field.random", label=5, count=1), err("PROTO_CASE_INVALID"))
check("field.random lone surrogate", run("field.random", label="\ud800", count=1), err("PROTO_CASE_INVALID"))


class _FakeDrbg:  # FIELD-020: a candidate equal to p is discarded
    def __init__(self, blocks):
        self.blocks = list(blocks)

    def take(self, n):
        return self.blocks.pop(0)


check("FIELD-020 rejects p", qvm_field.random(_FakeDrbg([P.to_bytes(16, "little"), (5).to_bytes(16, "little")])), 5)
check("FIELD-020 clears bit 127", qvm_field.random(_FakeDrbg([(2**128 - 1).to_bytes(16, "little"), (6).to_bytes(16, "little")])), 6)
check("FIELD-020 bit 127 only", qvm_field.random(_FakeDrbg([(2**127 + 9).to_bytes(16, "little")])), 9)

field_drbg = qvm_field.Drbg("selftest/field/identities")
for i in range(200):
    a, b, c = (qvm_field.random(field_drbg) for _ in range(3))
    sa, sb, sc = str(a), str(b), str(c)
    check(f"a + -a = 0 #{i}", run("field.add", a=sa, b=run("field.neg", a=sa)["ok"]), ok("0"))
    check(f"a - b = a + -b #{i}", run("field.sub", a=sa, b=sb), run("field.add", a=sa, b=run("field.neg", a=sb)["ok"]))
    check(f"(a + b) c = ac + bc #{i}", run("field.mul", a=run("field.add", a=sa, b=sb)["ok"], b=sc),
          run("field.add", a=run("field.mul", a=sa, b=sc)["ok"], b=run("field.mul", a=sb, b=sc)["ok"]))
    check(f"ab = ba #{i}", run("field.mul", a=sa, b=sb), run("field.mul", a=sb, b=sa))
    if a:
        check(f"a * a^-1 = 1 #{i}", run("field.mul", a=sa, b=run("field.inv", a=sa)["ok"]), ok("1"))
    check(f"negative string #{i}", run("field.reduce", value="-" + sa), run("field.neg", a=sa))

# --- QuorumVM: Shamir (SHAMIR-) -------------------------------------------------------------------
TH, XI, DUPX, FEW, INC = ("SHAMIR_THRESHOLD_INVALID", "SHAMIR_X_INVALID", "SHAMIR_DUPLICATE_X",
                          "SHAMIR_TOO_FEW_SHARES", "SHAMIR_INCONSISTENT")
for k, n in ((1, 1), (1, 4), (2, 2), (2, 3), (3, 5), (4, 6), (5, 5)):
    secret = str(int.from_bytes(canon_crypto.drbg(f"selftest/shamir/{k}/{n}", 16), "little") % P)
    shares = run("shamir.share", secret=secret, k=k, n=n, label=f"selftest/shamir/{k}-{n}")["ok"]["shares"]
    check(f"share {k}-of-{n} xs", [s["x"] for s in shares], list(range(1, n + 1)))
    for sub in itertools.combinations(shares, k):
        check(f"reconstruct {k}-of-{n} {[s['x'] for s in sub]}", run("shamir.reconstruct", k=k, shares=list(sub)), ok(secret))
        check(f"reconstruct {k}-of-{n} reversed", run("shamir.reconstruct", k=k, shares=list(sub)[::-1]), ok(secret))
    if k > 1:
        for sub in itertools.combinations(shares, k - 1):
            check(f"{k - 1} shares are too few", run("shamir.reconstruct", k=k, shares=list(sub)), err(FEW))
    check(f"all {n} shares", run("shamir.reconstruct", k=k, shares=shares), ok(secret))
    if n > k:  # an extra share off the polynomial is detected; a bad share among the first k is not
        bad = [dict(s) for s in shares]
        bad[-1]["y"] = str((int(bad[-1]["y"]) + 1) % P)
        check(f"{k}-of-{n} tampered extra share", run("shamir.reconstruct", k=k, shares=bad), err(INC))
        check(f"{k}-of-{n} tampered share within k", run("shamir.reconstruct", k=k, shares=bad[::-1][:k]) != ok(secret), True)
# k = 1: every share is the secret; k = 2: y = s + a1 x with a1 the first FIELD-020 draw
check("share k=1", run("shamir.share", secret=-5, k=1, n=3, label="x"),
      ok({"shares": [{"x": x, "y": str(P - 5)} for x in (1, 2, 3)]}))
a1 = int(run("field.random", label="selftest/k2", count=1)["ok"][0])
check("share k=2 polynomial", run("shamir.share", secret=10, k=2, n=3, label="selftest/k2"),
      ok({"shares": [{"x": x, "y": str((10 + a1 * x) % P)} for x in (1, 2, 3)]}))
for k, n, want in ((0, 1, err(TH)), (2, 1, err(TH)), (1, 256, err(TH)), (-1, 3, err(TH)), (255, 255, "ok"), (1, 255, "ok")):
    got = run("shamir.share", secret=1, k=k, n=n, label="x")
    check(f"share k={k} n={n}", "ok" if "ok" in got else got, want)
for inp, want in (({"secret": 1, "k": "2", "n": 3, "label": "x"}, TH), ({"secret": 1, "k": 2, "n": 3}, "PROTO_CASE_INVALID"),
                  ({"secret": "x", "k": 0, "n": 3, "label": "x"}, FEI), ({"secret": 1, "k": 2, "n": 3.0, "label": "x"}, TH),
                  ({"secret": 1, "k": None, "n": 3, "label": "x"}, TH), ({"secret": 1, "k": True, "n": 3, "label": "x"}, TH),
                  ({"secret": 1, "k": 2, "label": "x"}, "PROTO_CASE_INVALID"), ({"secret": 1, "k": 2, "n": 3, "label": 1}, "PROTO_CASE_INVALID")):
    check(f"share input {inp}", run("shamir.share", **inp), err(want))
S1, S2, S3 = {"x": 1, "y": 1}, {"x": 2, "y": 1}, {"x": 3, "y": 1}
for k, shares, want in ((1, [S1], ok("1")), (0, [S1], err(TH)), (256, [S1], err(TH)), (-3, [S1], err(TH)),
                        (1, [{"x": 0, "y": 1}], err(XI)), (1, [{"x": 256, "y": 1}], err(XI)), (1, [{"x": -1, "y": 1}], err(XI)),
                        (1, [S1, S1], err(DUPX)), (3, [S1, S2], err(FEW)), (1, [], err(FEW)), (2, [S1, S2, S3], ok("1")),
                        (0, [{"x": 0, "y": 1}], err(TH)), (1, [S1, S1, {"x": 0, "y": 1}], err(XI)), (3, [S1, S1], err(DUPX)),
                        (2, [S1, S2, {"x": 3, "y": 2}], err(INC)), (2, [{"x": 1, "y": 3}, {"x": 2, "y": 5}], ok("1")),
                        (1, [{"x": 255, "y": "-1"}], ok(str(P - 1)))):
    check(f"reconstruct k={k} {shares}", run("shamir.reconstruct", k=k, shares=shares), want)
for inp, want in (({"k": 1, "shares": {}}, "PROTO_CASE_INVALID"), ({"k": 1, "shares": [1]}, "PROTO_CASE_INVALID"),
                  ({"k": 1, "shares": [{"x": "1", "y": 1}]}, XI), ({"k": 1, "shares": [{"x": 1}]}, "PROTO_CASE_INVALID"),
                  ({"k": 1, "shares": [{"x": 1, "y": "q"}, {"y": 1}]}, "PROTO_CASE_INVALID"),
                  ({"k": 1, "shares": [{"x": 1, "y": "q"}]}, FEI), ({"k": "1", "shares": []}, TH),
                  ({"k": 1, "shares": [{"x": True, "y": 1}]}, XI), ({"k": 1, "shares": [{"x": 1.5, "y": 1}]}, XI),
                  ({"k": 1, "shares": [{"x": None, "y": 1}]}, XI), ({"k": 1.0, "shares": [{"x": 1, "y": 1}]}, TH),
                  ({"k": 0, "shares": [{"x": 0, "y": "q"}]}, FEI), ({"shares": []}, "PROTO_CASE_INVALID")):
    check(f"reconstruct input {inp}", run("shamir.reconstruct", **inp), err(want))
check("lagrange at zero, xs 1 2", qvm_shamir.lagrange_at_zero([1, 2]), [2, P - 1])
check("consistent", (qvm_shamir.consistent(2, [(1, 3), (2, 5), (3, 7)]), qvm_shamir.consistent(2, [(1, 3), (2, 5), (3, 8)])),
      (True, False))

# --- QuorumVM: the DSL (DSL-) ---------------------------------------------------------------------
EXAMPLE = "input x\nconst c = 7\nadd t = x c\nmul y = t t\noutput y\n"
EXAMPLE_IR = json.loads('''{"format":"quorumvm.ir/1",
 "metadata":{"inputs":["x"],"mul_count":1,"mul_depth":1,"node_count":4,"secret":null},
 "nodes":[{"id":"x","inputs":[],"op":null,"type":"input","value":null},
          {"id":"c","inputs":[],"op":null,"type":"const","value":"7"},
          {"id":"t","inputs":["x","c"],"op":"add","type":"op","value":null},
          {"id":"y","inputs":["t","t"],"op":"mul","type":"op","value":null}],
 "output_node_id":"y"}''')
check("DSL-040 example IR", run("dsl.compile", source=EXAMPLE), ok(EXAMPLE_IR))
check("DSL-040 example IR, CRLF and comments", run("dsl.compile", source="# the example\r\n" + EXAMPLE.replace(
    "\n", "  # c\r\n").replace("const c = 7", "\tconst\tc =   007 ")), ok(EXAMPLE_IR))
dsl_cases = [
    ("", "DSL_NO_OUTPUT"), ("# only a comment\n\n   \t\n", "DSL_NO_OUTPUT"), ("input x\n", "DSL_NO_OUTPUT"),
    ("const c=7\noutput c", "DSL_IDENTIFIER_INVALID"), ("input 2x", "DSL_IDENTIFIER_INVALID"),
    ("input x-y", "DSL_IDENTIFIER_INVALID"), ("input mul", "DSL_RESERVED_WORD"), ("input x\nadd t = x output", "DSL_RESERVED_WORD"),
    ("const c 7", "DSL_EXPECTED_EQUALS"), ("input t\nadd t", "DSL_EXPECTED_EQUALS"), ("const = 7", "DSL_MISSING_NAME"),
    ("input", "DSL_MISSING_NAME"), ("input =", "DSL_MISSING_NAME"), ("const c =", "DSL_MISSING_VALUE"),
    ("const c = =", "DSL_MISSING_VALUE"), ("const c = +7", "DSL_INTEGER_INVALID"), ("const c = -", "DSL_INTEGER_INVALID"),
    ("const c = 1.5", "DSL_INTEGER_INVALID"), ("const c = 0x10", "DSL_INTEGER_INVALID"), ("const c = 7a", "DSL_INTEGER_INVALID"),
    ("const c = x", "DSL_INTEGER_INVALID"), ("const c = " + "1" * 201, "DSL_INTEGER_TOO_LONG"),
    ("const c = -" + "1" * 201, "DSL_INTEGER_TOO_LONG"), ("input x\nadd t = x 1", "DSL_LITERAL_OPERAND"),
    ("input x\nadd t = x -0" + "0" * 300, "DSL_LITERAL_OPERAND"), ("input x\nadd t = x", "DSL_MISSING_OPERAND"),
    ("input x\nadd t = x =", "DSL_MISSING_OPERAND"), ("output", "DSL_MISSING_OPERAND"), ("output 5", "DSL_LITERAL_OPERAND"),
    ("input x y", "DSL_UNEXPECTED_TOKEN"), ("input x = 1", "DSL_UNEXPECTED_TOKEN"), ("input x\noutput x x", "DSL_UNEXPECTED_TOKEN"),
    ("const c = 1 2", "DSL_UNEXPECTED_TOKEN"), ("Input x", "DSL_UNKNOWN_STATEMENT"), ("x = 1", "DSL_UNKNOWN_STATEMENT"),
    ("input x\nadd t = t x\noutput t", "DSL_USE_BEFORE_DEFINITION"), ("output y\ninput y", "DSL_USE_BEFORE_DEFINITION"),
    ("input x\noutput z", "DSL_UNDEFINED_WIRE"), ("input x\nadd t = x q\noutput t", "DSL_UNDEFINED_WIRE"),
    ("input x\nconst x = 1\noutput x", "DSL_REDEFINED_WIRE"), ("secret a\nsecret b\noutput a", "DSL_MULTIPLE_SECRETS"),
    ("secret a\nsecret a\noutput a", "DSL_MULTIPLE_SECRETS"),  # the keyword comes before the name
    ("input a\noutput a\noutput a", "DSL_MULTIPLE_OUTPUTS"), ("input a\noutput a\noutput q", "DSL_MULTIPLE_OUTPUTS"),
    ("input x\routput x", "DSL_INVALID_CHARACTER"), ("\ufeffinput x\noutput x", "DSL_INVALID_CHARACTER"),
    ("input x\x7f\noutput x", "DSL_INVALID_CHARACTER"), ("input \u00e9\noutput x", "DSL_INVALID_CHARACTER"),
    ("input x\x0b\noutput x", "DSL_INVALID_CHARACTER"), ("input " + "a" * 65, "DSL_IDENTIFIER_TOO_LONG"),
    ("input " + "a" * 64 + "-", "DSL_IDENTIFIER_INVALID"), ("input x\n" * 2 + "output x", "DSL_REDEFINED_WIRE"),
    ("\ud800", "DSL_SOURCE_INVALID"), (" " * (1 << 20) + " ", "DSL_SOURCE_INVALID"),
    # the first diagnostic by position wins, whatever its kind
    ("input x\nadd t = x q\nfoo\n", "DSL_UNDEFINED_WIRE"), ("foo\ninput x\nadd t = x q\n", "DSL_UNKNOWN_STATEMENT"),
    ("output t\nadd t = 5 5\n", "DSL_UNDEFINED_WIRE"),  # the faulty line defines nothing (DSL-021)
    ("input a\nadd a = q a\n", "DSL_REDEFINED_WIRE"), ("input a\nadd b = q a\noutput b", "DSL_UNDEFINED_WIRE"),
    # a well-formed statement with a §4 diagnostic still defines its wire (DSL-021 exempts only §1/§3)
    ("output s2\nsecret s1\nsecret s2\n", "DSL_USE_BEFORE_DEFINITION"), ("output q\ninput q\ninput q\n", "DSL_USE_BEFORE_DEFINITION"),
    ("output q\ninput q x\n", "DSL_UNDEFINED_WIRE"), ("output q\nadd q = 1 x\n", "DSL_UNDEFINED_WIRE"),
]
for src, want in dsl_cases:
    check(f"dsl {src[:40]!r}", run("dsl.compile", source=src), err(want))
for src in ("input x # \u00e9 \x01 \U0001F600\noutput x", " \t input x\t \noutput x  \n\n", "input x\r\noutput x\r\n",
            "input " + "a" * 64 + "\noutput " + "a" * 64, " " * (1 << 20 - 20) + "\ninput x\noutput x", "input x\noutput x\ninput z",
            "const c = -" + "9" * 200 + "\noutput c", "input Input\noutput Input"):
    check(f"dsl compiles {src[:30]!r}", "ok" in run("dsl.compile", source=src), True)
many = "".join(f"input x{i}\n" for i in range(9999)) + "output x0\n"
check("10,000 statements", run("dsl.compile", source=many)["ok"]["metadata"]["node_count"], 9999)
check("10,001 statements", run("dsl.compile", source=many + "input q\n"), err("DSL_TOO_MANY_STATEMENTS"))
check("10,001 statements, no output", run("dsl.compile", source="input q\n" * 10001), err("DSL_REDEFINED_WIRE"))
check("a wire defined only after the 10,000th statement is undefined", run("dsl.compile", source="output late\n" + "".join(
    f"input x{i}\n" for i in range(9999)) + "input late\n"), err("DSL_UNDEFINED_WIRE"))
check("10,001st line not checked", run("dsl.compile", source="".join(f"input x{i}\n" for i in range(10000))
                                       + "output x0\n"), err("DSL_TOO_MANY_STATEMENTS"))
check("source not a string", run("dsl.compile", source=5), err("PROTO_CASE_INVALID"))
ir = run("dsl.compile", source="input a\ninput b\nsecret s\nconst k = -1\nmul m1 = a b\nmul m2 = m1 k\n"
         "add m3 = k k\nmul m4 = m3 m3\nmul m5 = m2 s\nsub d = m5 m4\noutput d\nmul unused = m5 m5")["ok"]
check("metadata public/local/secure", ir["metadata"], {"node_count": 11, "mul_count": 3, "mul_depth": 3,
                                                      "inputs": ["a", "b"], "secret": "s"})
check("const -1", ir["nodes"][3]["value"], str(P - 1))

# --- QuorumVM: core (QVM-) ------------------------------------------------------------------------
POLICY = {"cost_per_eval": 3, "budget_per_identity": 10, "max_evals_per_minute": 2}
NO_SECRET = {"parameters": []}


def ir_of(src):
    return run("dsl.compile", source=src)["ok"]


check("jcs = rfc8785", qvm_core.jcs({"b": [1, 2.5, None, True, "\u00e9\u2028"], "a": {"\ue000": 1, "\U0001F600": 2}, "": -0.0}),
      rfc8785.dumps({"b": [1, 2.5, None, True, "\u00e9\u2028"], "a": {"\ue000": 1, "\U0001F600": 2}, "": -0.0}))
check("jcs big int as binary64", qvm_core.jcs([2**60 + 1, 2**53 + 1]), b"[1152921504606847000,9007199254740992]")


def nested(depth):
    v = []
    for _ in range(depth - 1):
        v = [v]
    return v


check("jcs deep", len(qvm_core.jcs(nested(5000))), 10000)
pid = run("qvm.program_id", ir=EXAMPLE_IR, policy_manifest=POLICY, secret_manifest=NO_SECRET)
check("program_id", pid, ok(hashlib.sha256(rfc8785.dumps({"ir": EXAMPLE_IR, "policy_manifest": POLICY,
                                                           "secret_manifest": NO_SECRET})).hexdigest()))
ir_float = json.loads(json.dumps(EXAMPLE_IR))
ir_float["metadata"]["node_count"] = 4.0
check("program_id, counts as numbers", run("qvm.program_id", ir=ir_float, policy_manifest=POLICY, secret_manifest=NO_SECRET), pid)
SECRET_IR = ir_of("secret s\ninput x\nmul y = x s\noutput y")
check("program_id with a secret", "ok" in run("qvm.program_id", ir=SECRET_IR, policy_manifest=POLICY,
                                              secret_manifest={"parameters": [{"name": "S_v", "wire": "s"}]}), True)
check("program_id secret manifest mismatch", run("qvm.program_id", ir=SECRET_IR, policy_manifest=POLICY,
                                                 secret_manifest=NO_SECRET), err("QVM_PACKAGE_INVALID"))


def mutate(path, value):
    v = json.loads(json.dumps(EXAMPLE_IR))
    target = v
    for p_ in path[:-1]:
        target = target[p_]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return v


ir_mutations = [(["format"], "quorumvm.ir/2"), (["extra"], 1), (["nodes"], []), (["nodes", 0, "id"], "2x"),
                (["nodes", 0, "id"], "mul"), (["nodes", 0, "id"], "c"), (["nodes", 0, "type"], "wire"),
                (["nodes", 0, "op"], "add"), (["nodes", 0, "inputs"], ["c"]), (["nodes", 0, "value"], "1"),
                (["nodes", 1, "value"], "07"), (["nodes", 1, "value"], 7), (["nodes", 1, "value"], str(P)),
                (["nodes", 1, "value"], "-7"), (["nodes", 2, "op"], "div"), (["nodes", 2, "inputs"], ["x"]),
                (["nodes", 2, "inputs"], ["x", "y"]), (["nodes", 2, "inputs"], ["x", "q"]), (["nodes", 2, "value"], "1"),
                (["nodes", 2, "extra"], None), (["nodes", 3, "id"], KeyError), (["output_node_id"], "q"),
                (["output_node_id"], None), (["metadata", "mul_count"], 0), (["metadata", "mul_depth"], 2),
                (["metadata", "node_count"], True), (["metadata", "node_count"], "4"), (["metadata", "inputs"], []),
                (["metadata", "secret"], "x"), (["metadata", "extra"], 0), (["metadata"], KeyError), (["nodes", 0], 5)]
for path, value in ir_mutations:
    check(f"IR mutation {path} -> {value!r}", run("qvm.program_id", ir=mutate(path, value), policy_manifest=POLICY,
                                                  secret_manifest=NO_SECRET), err("QVM_PACKAGE_INVALID"))
for policy in ({}, dict(POLICY, cost_per_eval=0), dict(POLICY, max_evals_per_minute=0), dict(POLICY, budget_per_identity=-1),
               dict(POLICY, budget_per_identity=2**53), dict(POLICY, cost_per_eval=1.5), dict(POLICY, cost_per_eval=True),
               dict(POLICY, extra=1), [], None):
    check(f"policy {policy}", run("qvm.program_id", ir=EXAMPLE_IR, policy_manifest=policy, secret_manifest=NO_SECRET),
          err("QVM_POLICY_INVALID"))
check("program_id missing member", run("qvm.program_id", ir=EXAMPLE_IR, policy_manifest=POLICY), err("PROTO_CASE_INVALID"))

INI, PKG = "QVM_INPUTS_INVALID", "QVM_PACKAGE_INVALID"
for x in (0, 1, -7, "5", str(P - 7), "-" + str(P)):
    want = str((int(x) + 7) ** 2 % P)
    check(f"eval_clear (x+7)^2 x={x}", run("qvm.eval_clear", ir=EXAMPLE_IR, inputs={"x": x}), ok(want))
for inp, want in (({"ir": EXAMPLE_IR, "inputs": {}}, INI), ({"ir": EXAMPLE_IR, "inputs": {"x": 1, "z": 1}}, INI),
                  ({"ir": EXAMPLE_IR, "inputs": {"x": 1}, "secret": 1}, INI), ({"ir": SECRET_IR, "inputs": {"x": 1}}, INI),
                  ({"ir": EXAMPLE_IR, "inputs": {"x": "q"}}, FEI), ({"ir": EXAMPLE_IR, "inputs": {"z": "q"}}, INI),
                  ({"ir": SECRET_IR, "inputs": {"x": 1}, "secret": 1.5}, FEI), ({"ir": {}, "inputs": {"z": 1}}, PKG),
                  ({"ir": EXAMPLE_IR, "inputs": []}, INI), ({"ir": EXAMPLE_IR}, "PROTO_CASE_INVALID"),
                  ({"ir": {}, "inputs": []}, PKG), ({"ir": EXAMPLE_IR, "inputs": {"x": "q"}, "secret": 1}, INI),
                  ({"ir": SECRET_IR, "inputs": {"x": "q"}, "secret": "q"}, FEI), ({"ir": SECRET_IR, "inputs": {"x": 1}, "secret": None}, INI)):
    check(f"eval_clear {str(inp)[-60:]}", run("qvm.eval_clear", **inp), err(want))
check("eval_clear secret", run("qvm.eval_clear", ir=SECRET_IR, inputs={"x": 3}, secret=-2), ok(str(P - 6)))
check("eval_clear secret null = absent", run("qvm.eval_clear", ir=EXAMPLE_IR, inputs={"x": 3}, secret=None), ok("100"))

# The 3-of-5 example: every 3-subset answering round 1 and every 3-subset returning the output
# reconstruct the cleartext value; so do all 5; the transcript names the one gate.
subsets = [list(s) for s in itertools.combinations(range(1, 6), 3)]
for r1 in subsets:
    for r2 in subsets:
        t = run("qvm.eval_threshold", ir=EXAMPLE_IR, inputs={"x": 5}, k=3, n=5, label="selftest/example", rounds=[r1, r2])
        check(f"3-of-5 (x+7)^2 {r1} {r2}", t["ok"]["output"], "144")
full = run("qvm.eval_threshold", ir=EXAMPLE_IR, inputs={"x": 5}, k=3, n=5, label="selftest/example",
           rounds=[[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]])["ok"]
check("3-of-5 all answer", full["output"], "144")
check("transcript shape", (full["triples"], full["rounds"], [[o["gate"] for o in r] for r in full["openings"]]), (["y"], 2, [["y"]]))
check("transcript openings do not depend on who answers", t["ok"]["openings"], full["openings"])
# d = x_t - a and e = y_t - b for the one gate: with a, b the first two draws after no secret
draws = [int(v) for v in run("field.random", label="selftest/example", count=2)["ok"]]
check("d = t - a", full["openings"][0][0]["d"], str((12 - draws[0]) % P))
check("e = t - b", full["openings"][0][0]["e"], str((12 - draws[1]) % P))
QUO, INCS = "QVM_QUORUM_UNAVAILABLE", "QVM_INCONSISTENT_SHARES"
for rounds, corrupt, want in (([[1, 2], [1, 2, 3]], None, err(QUO)), ([[1, 2, 3], [4, 5]], None, err(QUO)),
                              ([[], [1, 2, 3]], None, err(QUO)), ([[1, 2, 3, 4], [1, 2, 3]], {"custodian": 4, "round": 1}, err(INCS)),
                              ([[1, 2, 3, 4], [1, 2, 3]], {"custodian": 1, "round": 1}, err(INCS)),
                              ([[1, 2, 3], [1, 2, 3, 5]], {"custodian": 5, "round": 2}, err(INCS)),
                              ([[1, 2, 3], [1, 2, 3]], {"custodian": 5, "round": 2}, ok("144")),
                              ([[1, 2, 3], [1, 2, 3]], {"custodian": 5, "round": 1}, ok("144")),
                              ([[1, 1, 2, 3], [1, 2, 3]], None, err(INI)), ([[1, 2, 6], [1, 2, 3]], None, err(INI)),
                              ([[1, 2], [1, 2, 0]], None, err(INI)), ([[1, 2, 3]], None, err(INI)),
                              ([[1, 2, 3], [1, 2, 3], [1, 2, 3]], None, err(INI))):
    got = run("qvm.eval_threshold", ir=EXAMPLE_IR, inputs={"x": 5}, k=3, n=5, label="selftest/example", rounds=rounds,
              corrupt=corrupt)
    check(f"eval_threshold {rounds} {corrupt}", got if "error" in want else {"ok": got.get("ok", {}).get("output")}, want)
wrong = run("qvm.eval_threshold", ir=EXAMPLE_IR, inputs={"x": 5}, k=3, n=5, label="selftest/example",
            rounds=[[1, 2, 3], [1, 2, 3]], corrupt={"custodian": 2, "round": 1})["ok"]
check("k answers cannot detect a corrupt d", wrong["output"] != "144", True)
check("a corrupt output share among k answers goes unnoticed",
      run("qvm.eval_threshold", ir=EXAMPLE_IR, inputs={"x": 5}, k=3, n=5, label="selftest/example",
          rounds=[[1, 2, 3], [1, 2, 3]], corrupt={"custodian": 2, "round": 2})["ok"]["output"] != "144", True)
# QVM-040 order: the IR, the threshold, the inputs and S_v, the schedule.
for inp, want in (({"k": 0}, TH), ({"k": 6}, TH), ({"n": 256}, TH), ({"k": "3"}, TH), ({"n": None}, TH),
                  ({"rounds": [[1, 2, "3"], [1, 2, 3]]}, INI), ({"rounds": [1, [1, 2, 3]]}, INI), ({"rounds": {}}, INI),
                  ({"rounds": [[1, 2, 3.0], [1, 2, 3]]}, INI), ({"rounds": [[], [1, 2, 3]]}, QUO),
                  ({"corrupt": {"custodian": 1}}, INI), ({"corrupt": 5}, INI), ({"corrupt": []}, INI),
                  ({"corrupt": {"custodian": 1, "round": "1"}}, INI), ({"corrupt": None}, "ok"),
                  ({"corrupt": {"custodian": 1, "round": 1, "other": 0}}, "ok"), ({"ir": {}, "k": 0}, PKG),
                  ({"k": 0, "inputs": {}}, TH), ({"inputs": {}, "rounds": []}, INI), ({"inputs": {"x": "q"}, "rounds": []}, FEI),
                  ({"inputs": []}, INI), ({"rounds": None}, INI), ({"secret": 5}, INI),
                  ({"corrupt": {"custodian": 6, "round": 1}}, INI), ({"corrupt": {"custodian": 1, "round": 3}}, INI), ({"inputs": {}}, INI),
                  ({"label": 1}, "PROTO_CASE_INVALID")):
    args = dict({"ir": EXAMPLE_IR, "inputs": {"x": 5}, "k": 3, "n": 5, "label": "l", "rounds": [[1, 2, 3], [1, 2, 3]]}, **inp)
    got = run("qvm.eval_threshold", **args)
    check(f"eval_threshold input {inp}", "ok" if "ok" in got else got, want if want == "ok" else err(want))
for member in ("ir", "inputs", "k", "n", "label", "rounds"):
    args = {"ir": EXAMPLE_IR, "inputs": {"x": 5}, "k": 3, "n": 5, "label": "l", "rounds": [[1, 2, 3], [1, 2, 3]]}
    del args[member]
    check(f"eval_threshold without {member}", run("qvm.eval_threshold", **args), err("PROTO_CASE_INVALID"))
# Depth 0 and public outputs: one round, no openings.
for src, inputs, want in (("const c = 5\noutput c", {}, "5"), ("input x\nconst c = 5\nsub y = c x\noutput y", {"x": 7}, str(P - 2)),
                          ("input x\nconst c = 5\nmul y = c x\nmul z = y c\noutput z", {"x": 2}, "50")):
    t = run("qvm.eval_threshold", ir=ir_of(src), inputs=inputs, k=2, n=3, label="d0", rounds=[[3, 1]])["ok"]
    check(f"depth 0 {src[:30]!r}", (t["output"], t["openings"], t["triples"], t["rounds"]), (want, [], [], 1))


def random_program(label):
    """A random DAG over inputs, consts and a secret, from the DRBG: the differential test."""
    d = qvm_field.Drbg(label)

    def pick(n):
        return int.from_bytes(d.take(4), "little") % n

    lines, wires, inputs = [], [], {}
    for i in range(1 + pick(3)):
        lines.append(f"input in{i}")
        wires.append(f"in{i}")
        inputs[f"in{i}"] = str(qvm_field.random(d))
    if pick(2):
        lines.append("secret s")
        wires.append("s")
    lines.append(f"const c0 = -{pick(1000)}")
    wires.append("c0")
    for i in range(2 + pick(12)):
        op = ("add", "sub", "mul", "mul")[pick(4)]
        lines.append(f"{op} w{i} = {wires[pick(len(wires))]} {wires[pick(len(wires))]}")
        wires.append(f"w{i}")
    lines.append(f"output {wires[-1 - pick(3)]}")
    return "\n".join(lines), inputs, str(qvm_field.random(d))


for case in range(60):
    src, inputs, secret = random_program(f"selftest/dag/{case}")
    ir = ir_of(src)
    sec = secret if ir["metadata"]["secret"] else None
    clear = run("qvm.eval_clear", ir=ir, inputs=inputs, secret=sec)
    d = qvm_field.Drbg(f"selftest/dag/rounds/{case}")
    n = 1 + int.from_bytes(d.take(1), "little") % 7
    k = 1 + int.from_bytes(d.take(1), "little") % n
    rounds = []
    for r in range(ir["metadata"]["mul_depth"] + 1):  # a random k-subset per round, in random order
        xs = list(range(1, n + 1))
        for i in range(len(xs) - 1, 0, -1):
            j = int.from_bytes(d.take(1), "little") % (i + 1)
            xs[i], xs[j] = xs[j], xs[i]
        rounds.append(xs[:k + int.from_bytes(d.take(1), "little") % (n - k + 1)])
    t = run("qvm.eval_threshold", ir=ir, inputs=inputs, secret=sec, k=k, n=n, label=f"dag{case}", rounds=rounds)
    check(f"random DAG {case}: threshold = clear", t.get("ok", t).get("output"), clear["ok"])
    check(f"random DAG {case}: rounds", (t["ok"]["rounds"], len(t["ok"]["openings"]), len(t["ok"]["triples"])),
          (ir["metadata"]["mul_depth"] + 1, ir["metadata"]["mul_depth"], ir["metadata"]["mul_count"]))

# (k-1) shares reveal nothing: for fixed k-1 x's, every candidate secret is consistent with the
# shares seen (exactly one degree k-1 polynomial passes through them and (0, candidate)).
seen = run("shamir.share", secret=42, k=3, n=5, label="selftest/hiding")["ok"]["shares"][:2]
for cand in (0, 42, P - 1):
    pts = [(0, cand)] + [(s["x"], int(s["y"])) for s in seen]
    check(f"k-1 shares fit secret {cand}", qvm_shamir.interpolate(pts, 0), cand)

# Policy (QVM-060)
def req(t, who="a", succeeds=True):
    return {"t_ms": t, "identity": who, "succeeds": succeeds}


def dec(d, budget, retry=None):
    return {"decision": d, "budget_remaining": budget, "retry_after_ms": retry}


trace = run("qvm.policy_trace", policy=POLICY, requests=[req(0), req(0), req(0), req(1, "b"), req(29_999), req(30_000, succeeds=False),
                                                          req(60_000), req(90_000), req(120_000), req(10), req(150_000)])
check("policy trace", trace, ok([dec("allow", 7), dec("allow", 4), dec("rate_limited", 4, 30_000), dec("allow", 7),
                                 dec("rate_limited", 4, 1), dec("allow", 4), dec("allow", 1), dec("budget_exhausted", 1),
                                 dec("budget_exhausted", 1), dec("budget_exhausted", 1), dec("budget_exhausted", 1)]))
check("policy: an earlier t refills nothing", run("qvm.policy_trace", policy=dict(POLICY, max_evals_per_minute=1, budget_per_identity=100),
                                                   requests=[req(100_000), req(0), req(160_000), req(160_000)]),
      ok([dec("allow", 97), dec("rate_limited", 97, 60_000), dec("allow", 94), dec("rate_limited", 94, 60_000)]))
check("policy: cost 1 budget 0", run("qvm.policy_trace", policy={"cost_per_eval": 1, "budget_per_identity": 0, "max_evals_per_minute": 1},
                                     requests=[req(0)]), ok([dec("budget_exhausted", 0)]))
check("policy: empty", run("qvm.policy_trace", policy=POLICY, requests=[]), ok([]))
for reqs in ([req(-1)], [req(1.5)], [req(2**53)], [{"t_ms": 0, "identity": 1, "succeeds": True}], [{"t_ms": 0, "identity": "a", "succeeds": 1}],
             [{"t_ms": 0, "identity": "a"}], [5], {}):
    check(f"policy requests {reqs}", run("qvm.policy_trace", policy=POLICY, requests=reqs), err("PROTO_CASE_INVALID"))
check("policy invalid", run("qvm.policy_trace", policy=dict(POLICY, cost_per_eval=0), requests=[]), err("QVM_POLICY_INVALID"))

# Audit log (QVM-070)
bodies = [{"event": "install", "program_id": "ab" * 32}, {"event": "eval", "n": 1.5, "who": "\u00e9"}, {}, {"x": [1, {"y": None}]}]
chain = run("qvm.audit_chain", entries=bodies)["ok"]
check("audit chain seq", [e["seq"] for e in chain], [0, 1, 2, 3])
check("audit chain links", [e["prev_hash"] for e in chain], ["0" * 64] + [e["entry_hash"] for e in chain[:-1]])
check("audit entry hash", chain[1]["entry_hash"], hashlib.sha256(rfc8785.dumps(dict(bodies[1], seq=1, prev_hash=chain[0]["entry_hash"]))).hexdigest())
check("audit verify", run("qvm.audit_verify", entries=chain), ok({"valid": True, "count": 4, "head": chain[-1]["entry_hash"],
                                                                    "first_bad": None, "reason": None}))
check("audit verify empty", run("qvm.audit_verify", entries=[]), ok({"valid": True, "count": 0, "head": None, "first_bad": None, "reason": None}))
check("audit chain empty", run("qvm.audit_chain", entries=[]), ok([]))


def tampered(i, fn):
    c = json.loads(json.dumps(chain))
    fn(c, i)
    return run("qvm.audit_verify", entries=c)


def bad(i, reason, count=4):
    return ok({"valid": False, "count": count, "head": None, "first_bad": i, "reason": reason})


for i in range(4):
    check(f"tamper body {i}", tampered(i, lambda c, i: c[i].__setitem__("extra", 1)), bad(i, "QVM_AUDIT_HASH"))
    check(f"tamper seq {i}", tampered(i, lambda c, i: c[i].__setitem__("seq", i + 1)), bad(i, "QVM_AUDIT_SEQ"))
    check(f"tamper prev {i}", tampered(i, lambda c, i: c[i].__setitem__("prev_hash", "1" * 64)), bad(i, "QVM_AUDIT_CHAIN"))
    check(f"tamper hash {i}", tampered(i, lambda c, i: c[i].__setitem__("entry_hash", "0" * 64)),
          bad(i, "QVM_AUDIT_HASH"))
    for member, value in (("seq", "0"), ("seq", 0.5), ("seq", True), ("seq", -1), ("seq", 2**53), ("seq", float("inf")),
                          ("seq", None), ("prev_hash", None), ("entry_hash", 5)):
        check(f"mistyped {member} {i}", tampered(i, lambda c, i: c[i].__setitem__(member, value)), bad(i, "QVM_AUDIT_MALFORMED"))
    check(f"missing entry_hash {i}", tampered(i, lambda c, i: c[i].pop("entry_hash")), bad(i, "QVM_AUDIT_MALFORMED"))
    check(f"entry not an object {i}", tampered(i, lambda c, i: c.__setitem__(i, [])), bad(i, "QVM_AUDIT_MALFORMED"))
check("seq 1.0 is the number 1", run("qvm.audit_verify", entries=[dict(chain[0], seq=0.0), dict(chain[1], seq=1.0)]),
      ok({"valid": True, "count": 2, "head": chain[1]["entry_hash"], "first_bad": None, "reason": None}))
check("seq 2^53 - 1 is a number, not the index", tampered(0, lambda c, i: c[i].__setitem__("seq", 2**53 - 1)), bad(0, "QVM_AUDIT_SEQ"))
check("deleted entry", tampered(1, lambda c, i: c.pop(i)), bad(1, "QVM_AUDIT_SEQ", 3))
check("swapped entries", tampered(1, lambda c, i: c.insert(1, c.pop(2))), bad(1, "QVM_AUDIT_SEQ"))
check("rehashed tampered entry breaks the next link", tampered(1, lambda c, i: (c[i].__setitem__("n", 2), c[i].__setitem__(
    "entry_hash", qvm_core.entry_hash(c[i])))), bad(2, "QVM_AUDIT_CHAIN"))
check("truncated chain verifies (the head tells)", run("qvm.audit_verify", entries=chain[:2])["ok"]["head"], chain[1]["entry_hash"])
for bodies_, want in (([{"seq": 1}], "QVM_AUDIT_INVALID"), ([{"a": 1}, {"entry_hash": "x"}], "QVM_AUDIT_INVALID"),
                      ([[]], "QVM_AUDIT_INVALID"), ([5], "QVM_AUDIT_INVALID"), ({}, "QVM_AUDIT_INVALID"), (None, "QVM_AUDIT_INVALID")):
    check(f"audit chain {bodies_}", run("qvm.audit_chain", entries=bodies_), err(want))
check("audit verify not a list", run("qvm.audit_verify", entries={}), err("QVM_AUDIT_INVALID"))
check("audit chain without entries", run("qvm.audit_chain"), err("PROTO_CASE_INVALID"))
check("audit verify without entries", run("qvm.audit_verify"), err("PROTO_CASE_INVALID"))
check("audit chain deep body", len(run("qvm.audit_chain", entries=[{"d": nested(900)}])["ok"]), 1)
check("audit chain inf", run("qvm.audit_chain", entries=[{"d": float("inf")}]), err("QVM_AUDIT_INVALID"))

# --- QuorumVM: no input makes an op fail internally ----------------------------------------------
# Every member of every QuorumVM op replaced by odd JSON values, one or two at a time: the answer is
# always ok or a spec error code, never "errored".
fuzz_drbg = qvm_field.Drbg("selftest/fuzz")
ODD = [None, True, False, 0, -1, 1, 2, 3, 255, 256, 2**53, -(2**53), 2**70, 1.5, -0.0, 1e300, "", "0", "-", "x", "\u00e9",
       "\ud800", "9" * 300, [], [1], [[1, 2]], [[]], {}, {"x": 1}, {"x": 1, "y": 1}, [{"x": 1, "y": 1}], [{"x": "1", "y": []}],
       {"custodian": 1, "round": 1}, {"custodian": 9, "round": -1}, [{"t_ms": 0, "identity": "a", "succeeds": True}],
       [{"t_ms": 2**60, "identity": "\ud800", "succeeds": False}], [{"seq": 0, "prev_hash": "0" * 64, "entry_hash": "x"}],
       EXAMPLE_IR, mutate(["nodes", 2, "inputs"], ["x", 5]), mutate(["metadata", "inputs"], None), POLICY,
       dict(POLICY, max_evals_per_minute=2**52), nested(300), {"a": nested(300)}]
BASE = {
    "field.reduce": {"value": 1}, "field.add": {"a": 1, "b": 2}, "field.sub": {"a": 1, "b": 2}, "field.mul": {"a": 1, "b": 2},
    "field.neg": {"a": 1}, "field.inv": {"a": 1}, "field.random": {"label": "l", "count": 2},
    "shamir.share": {"secret": 1, "k": 2, "n": 3, "label": "l"}, "shamir.reconstruct": {"k": 1, "shares": [{"x": 1, "y": 1}]},
    "dsl.compile": {"source": EXAMPLE}, "qvm.program_id": {"ir": EXAMPLE_IR, "policy_manifest": POLICY, "secret_manifest": NO_SECRET},
    "qvm.eval_clear": {"ir": EXAMPLE_IR, "inputs": {"x": 1}},
    "qvm.eval_threshold": {"ir": EXAMPLE_IR, "inputs": {"x": 1}, "k": 2, "n": 3, "label": "l", "rounds": [[1, 2], [2, 3]],
                           "corrupt": {"custodian": 1, "round": 1}, "secret": None},
    "qvm.policy_trace": {"policy": POLICY, "requests": [{"t_ms": 0, "identity": "a", "succeeds": True}]},
    "qvm.audit_chain": {"entries": [{"a": 1}]}, "qvm.audit_verify": {"entries": chain},
}
# The MTPScript and Sigil operations have their own self-tests and differential fuzzers
# (mtp_selftest.py, mtp_fuzz.py, sigil_difffuzz.py).
QVM_OPS = (op for op in adapter.OPERATIONS if not op.startswith(("canon.", "mtp.", "sigil.")))
check("fuzz covers every QuorumVM op", sorted(BASE), sorted(QVM_OPS))
errored = []
for op, base in BASE.items():
    check(f"fuzz base {op}", "ok" in run(op, **base), True)
    members = list(base)
    for trial in range(300):
        inp = dict(base)
        for _ in range(1 + trial % 2):
            m = members[int.from_bytes(fuzz_drbg.take(1), "little") % len(members)]
            choice = int.from_bytes(fuzz_drbg.take(1), "little") % (len(ODD) + 1)
            if choice == len(ODD):
                inp.pop(m, None)
            else:
                inp[m] = ODD[choice]
        got = run(op, **inp)
        if not (set(got) <= {"ok", "error"} and len(got) == 1):
            errored.append((op, inp, got))
check("fuzz: no errored answers", errored[:3], [])

# --- the protocol, through a pipe ------------------------------------------------------------------
garbage = [b"", b"not json", b"\xff\xfe", b"[1,2]", b"{}", b"1", b'"x"', b'{"cmd":5}', b'{"cmd":"nope"}',
           b'{"cmd":"run"}', b'{"cmd":"run","seq":1}', b'{"cmd":"run","seq":"1","case":{}}', b'{"cmd":"run","seq":true,"case":{}}',
           b'{"cmd":"run","seq":1,"case":5}', b"[" * 100000, b'{"a":' * 50000, b"1" * 10000, b'{"cmd":"run","seq":1e999}',
           b'{"cmd":"run","seq":' + b"9" * 5000 + b"}", b"NaN", b'{"cmd":"run","seq":1,"case":{},"x":NaN}',
           b'{"cmd":"hello","protocol":"x"}', b"\x00", b'"\\ud800"', b'{"cmd":"\\ud800"}', b"\xef\xbb\xbf{}",
           b"x" * 5_000_000]
requests = [b'{"cmd":"hello","protocol":[1,1],"suite_version":"0.1.0"}'] + garbage + [
    b'{"cmd":"run","seq":1,"case":{"op":"canon.cbor.encode","input":{"value":' + b'{"array":[' * 400 + b"]}" * 400 + b"}}}",
    b'{"cmd":"run","seq":7,"case":{"op":"canon.json.canonicalize","input":{"text":"\\ud800"}}}',
    b'{"cmd":"run","seq":-3,"case":{"op":"canon.sha256","input":{"bytes":""}},"extra":[1]}',
    b'{"cmd":"run","seq":12345678901234567890123,"case":{"id":"x","op":"canon.fnv1a64","input":{"bytes":"61"}}}',
    b'{"cmd":"shutdown"}', b'{"cmd":"run","seq":99,"case":{}}']
proc = subprocess.run([sys.executable, str(HERE / "adapter.py")], input=b"\n".join(requests) + b"\n",
                      capture_output=True, timeout=120)
lines = proc.stdout.split(b"\n")
check("adapter exit status", proc.returncode, 0)
check("one answer per request before shutdown", len(lines), len(requests) - 2 + 1)  # "" after the last \n
answers = []
for line in lines[:-1]:
    try:
        answers.append(json.loads(line))
    except ValueError:
        answers.append(None)
check("answers are JSON objects", all(isinstance(a, dict) for a in answers), True)
check("hello", answers[0]["protocol"], 1)
check("hello features", sorted(answers[0]["features"]), sorted(adapter.OPERATIONS))
check("garbage -> PROTO_MALFORMED", [a["error"]["code"] for a in answers[1:1 + len(garbage)] if "error" in a],
      ["PROTO_MALFORMED"] * len(garbage))
check("deep typed value", answers[-4], {"seq": 1, "result": ok({"hex": "81" * 399 + "80"})})
check("lone surrogate text", answers[-3], {"seq": 7, "result": err(UTF8)})
check("negative seq echoed", answers[-2]["seq"], -3)
check("big seq echoed", answers[-1], {"seq": 12345678901234567890123, "result": ok("af63dc4c8601ec8c")})
proc = subprocess.run([sys.executable, str(HERE / "adapter.py")], input=b'{"cmd":"hello","protocol":[2,3]}\n{"cmd":"shutdown"}\n',
                      capture_output=True, timeout=30)
check("version unsupported", json.loads(proc.stdout)["error"]["code"], "PROTO_VERSION_UNSUPPORTED")
# QuorumVM requests as the runner writes them: JSON -0 is the integer zero (FIELD-003); a lone
# surrogate escape in a DSL source is a source that is not UTF-8 (DSL-002).
qvm_requests = [b'{"cmd":"hello","protocol":[1,1]}',
                b'{"cmd":"run","seq":1,"case":{"op":"field.reduce","input":{"value":-0}}}',
                b'{"cmd":"run","seq":2,"case":{"op":"dsl.compile","input":{"source":"\\ud800"}}}',
                b'{"cmd":"run","seq":3,"case":{"op":"field.reduce","input":{"value":1.0}}}',
                b'{"cmd":"run","seq":4,"case":{"op":"field.reduce","input":{"value":-9007199254740991}}}',
                b'{"cmd":"run","seq":5,"case":{"op":"shamir.reconstruct","input":{"k":1,"shares":[{"x":1e0,"y":1}]}}}',
                b'{"cmd":"shutdown"}']
proc = subprocess.run([sys.executable, str(HERE / "adapter.py")], input=b"\n".join(qvm_requests) + b"\n",
                      capture_output=True, timeout=30)
qvm_answers = [json.loads(line) for line in proc.stdout.splitlines()[1:]]
check("pipe: QuorumVM answers", [a["result"] for a in qvm_answers],
      [ok("0"), err("DSL_SOURCE_INVALID"), err(FEI), ok(str(P - 2**53 + 1)), err(XI)])

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
