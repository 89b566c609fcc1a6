#!/usr/bin/env python3
"""Self-test of the Python adapter against public known-answer suites and hand-written spec cases.

    python3 selftest.py [path/to/external-vectors]     (default: ../../../../shared/external-vectors)

Cases go through adapter.run_case, so input checking is exercised too. The last part starts
adapter.py as a subprocess and feeds it garbage lines. Prints "N passed, M failed"; exit status 1
on any failure.
"""

import base64
import hashlib
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

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
