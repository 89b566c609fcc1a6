#!/usr/bin/env node
// Independent cross-check of the MTPScript vectors on Node (issue 5 item 5; spec/mtpscript.md).
//
//   node harness/scripts/mtp_node_check.mjs [vectors/mtp] [--verbose]
//
// Every `mtp.run` vector whose program is plain JavaScript with the same meaning when it runs
// un-instrumented is run in Node's `vm` (a fresh context per case, strict mode, `main(input)`
// on the parsed input, its object members created in RFC 8785 order as the runtime creates
// them, in a worker with a 1 GiB stack), its result is written as RFC 8785 JSON by the serializer
// below (ECMAScript's own Number::toString formats the numbers) and compared with the vector's
// body and SHA-256. `Async.await` is provided by a host shim computing MTP-075's random
// stream from the MTP-065 seed and collecting the log, which is compared too.
//
// Checked:
//   - successful runs (code null): the body, its SHA-256 and the logs must be equal;
//   - ResultInvalid runs: Node's result must also have no RFC 8785 form (undefined, a function,
//     NaN, Infinity, a lone surrogate, nesting deeper than 128);
//   - RuntimeError runs where JavaScript throws as well (e.g. a read on undefined).
// Excluded, by reason (counted and printed):
//   - compile rejections (the validator is MTPScript's, JavaScript would run most of them);
//   - InputInvalid (the host's strict JSON parser rejects the input before the program runs);
//   - GasExhausted and DepthExceeded (metering and the depth limit are not JavaScript);
//   - EffectInvalid (MTPScript's effect domain; the program is not meaningful JavaScript);
//   - RuntimeError where JavaScript returns a value (MTPScript's own-property reads, no implicit
//     coercion of objects, === on two objects, bounded array writes, required reduce seed...);
//   - successful runs whose recursion is still deeper than V8's stack (tail calls are not
//     eliminated in V8; the run raises RangeError in Node only; none with the 1 GiB stack);
//   - programs that read, other than as a method call, a property name that JavaScript inherits
//     from a built-in prototype (`o.toString`, `[].map`, `s["concat"]`): MTPScript reads own
//     properties only (MTP-021), JavaScript sees the prototype. Detected in the source text;
//   - a body that differs in a program using `**`: ECMAScript leaves Number::exponentiate
//     implementation-approximated and V8's pow is not correctly rounded (2147483648 ** 2.5 is
//     one ulp below the correctly rounded value that libm, Python and QuickJS give). Listed.
// Exits 1 on any mismatch, or when nothing was checked.

import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";
import { Worker, isMainThread } from "node:worker_threads";

// The check runs in a worker thread with a large stack, so that the deep tail-call vectors
// (100,000 calls; V8 does not eliminate tail calls) run in Node too.
if (isMainThread) {
  const w = new Worker(new URL(import.meta.url), {
    argv: process.argv.slice(2),
    resourceLimits: { stackSizeMb: 1024 },
  });
  w.on("exit", (code) => process.exit(code));
  w.on("error", (e) => { console.error(e); process.exit(2); });
} else {

const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const dir = args.find((a) => !a.startsWith("--")) ?? "vectors/mtp";

// --- RFC 8785 ----------------------------------------------------------------------------------
class NoJson extends Error {}

function hasLoneSurrogate(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) { i++; continue; }
      return true;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

function quote(s) {
  if (hasLoneSurrogate(s)) throw new NoJson("lone surrogate");
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (c < 0x20) {
      const named = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r" }[c];
      out += named ?? "\\u" + c.toString(16).padStart(4, "0");
    } else out += ch;
  }
  return out + '"';
}

function jcs(v, depth = 0) {
  if (v === null) return "null";
  switch (typeof v) {
    case "boolean": return v ? "true" : "false";
    case "number":
      if (!Number.isFinite(v)) throw new NoJson("non-finite number");
      return Object.is(v, -0) ? "0" : String(v);
    case "string": return quote(v);
    case "object": {
      if (depth + 1 > 128) throw new NoJson("deeper than 128");
      if (Array.isArray(v)) return "[" + v.map((x) => jcs(x, depth + 1)).join(",") + "]";
      const keys = Object.keys(v).sort(); // default sort: UTF-16 code units, as RFC 8785
      return "{" + keys.map((k) => quote(k) + ":" + jcs(v[k], depth + 1)).join(",") + "}";
    }
    default: throw new NoJson(typeof v);
  }
}

// --- MTP-065 / MTP-075 / MTP-082 ----------------------------------------------------------------
const COSTS = '{"arrayElement":1,"arrayLiteral":1,"arrow":1,"assign":1,"binary":1,"call":5,' +
  '"callbackPerElement":5,"conditional":1,"declare":1,"depthLimit":128,"if":1,"logical":1,' +
  '"memberWrite":1,"objectLiteral":1,"objectProperty":1,"propertyRead":1,"sizeUnit":1,' +
  '"tailCall":0,"unary":1,"update":2,"version":"mtpscript-gas/1"}';
const sha256 = (...parts) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};
const F = (b) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};
const utf8 = (s) => Buffer.from(s, "utf8");

function seedOf(c) {
  const content = sha256(F(utf8("mtpscript-content/1")), F(sha256(utf8(COSTS))), F(utf8(c.source)));
  const gas = String(c.gas_limit ?? 10000000);
  return sha256(F(utf8(c.request_id ?? "")), F(utf8(c.account_id ?? "")),
    F(utf8(c.function_version ?? "")), F(utf8("mtpscript-v5.1")), F(content), F(utf8(gas)));
}

function effects(seed, logs) {
  let buf = Buffer.alloc(0);
  let block = 0n;
  return {
    await(name, arg) {
      if (name === "random") {
        if (!Number.isInteger(arg) || arg < 1 || arg > 1024) throw new Error("effect domain");
        while (buf.length < arg) {
          const i = Buffer.alloc(8);
          i.writeBigUInt64BE(block++);
          buf = Buffer.concat([buf, sha256(seed, utf8("mtpscript-random"), i)]);
        }
        const out = buf.subarray(0, arg);
        buf = buf.subarray(arg);
        return out.toString("hex");
      }
      if (name === "log") {
        if (typeof arg !== "string" || arg.length > 4096 || logs.length >= 64) throw new Error("effect domain");
        logs.push(arg);
        return null;
      }
      throw new Error("unknown effect");
    },
  };
}

// --- one case ------------------------------------------------------------------------------------
function runInNode(c) {
  const logs = [];
  const context = vm.createContext({});
  const fx = effects(seedOf(c), logs);
  let effectsOn = false;
  // Effects become callable only once main runs (MTP-075).
  context.Async = Object.freeze({ await: (n, a) => { if (!effectsOn) throw new Error("effect during init"); return fx.await(n, a); } });
  vm.runInContext('"use strict";\n' + c.source, context, { timeout: 10000 });
  // The input's members in RFC 8785 order, as the runtime creates them (see mtp_interp.py).
  context.__input = JSON.stringify(JSON.parse(c.input, (k, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((key) => [key, v[key]])) : v));
  effectsOn = true;
  const result = vm.runInContext("main(JSON.parse(__input))", context, { timeout: 10000 });
  return { result, logs };
}

// Names JavaScript values inherit from built-in prototypes (`length` is an own property).
const INHERITED = new Set(
  [Object, Array, String, Number, Boolean, Function]
    .flatMap((C) => Object.getOwnPropertyNames(C.prototype))
    .filter((n) => n !== "length"),
);
INHERITED.add("__proto__");

function readsInherited(source) {
  const reads = /(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*\])(?!\s*\()/g;
  for (const m of source.matchAll(reads)) {
    if (INHERITED.has(m[1] ?? m[2] ?? m[3])) return true;
  }
  return false;
}

function judge(c, expect) {
  const code = expect.code;
  if (code && code !== "MTP_RESULT_INVALID" && code !== "MTP_RUNTIME_ERROR") {
    const reason = {
      MTP_GAS_EXHAUSTED: "gas exhaustion (metering is not JavaScript)",
      MTP_DEPTH_EXCEEDED: "depth limit (not JavaScript)",
      MTP_INPUT_INVALID: "input rejected by the host's strict JSON parser",
      MTP_EFFECT_INVALID: "effect outside its domain",
    }[code] ?? "compile rejection (MTPScript validator)";
    return { excluded: reason };
  }
  if (readsInherited(c.source))
    return { excluded: "reads a property JavaScript inherits (MTP-021: own properties only)" };
  let ran;
  try {
    ran = runInNode(c);
  } catch (e) {
    if (code === "MTP_RUNTIME_ERROR") return { checked: "runtime error: JavaScript throws too" };
    if ((e && e.name === "RangeError") || /call stack/.test(String(e && e.message)))
      return { excluded: "recursion deeper than V8's stack (no tail-call elimination)" };
    return { mismatch: `Node threw ${e && e.name}: ${e && e.message}` };
  }
  if (code === "MTP_RUNTIME_ERROR")
    return { excluded: "MTPScript-only runtime error (JavaScript returns a value)" };
  let body;
  try {
    body = jcs(ran.result);
  } catch (e) {
    if (!(e instanceof NoJson)) throw e;
    if (code === "MTP_RESULT_INVALID") return { checked: "result has no JSON form in Node too" };
    return { mismatch: `Node result has no RFC 8785 form (${e.message}), vector body ${expect.body}` };
  }
  if (code === "MTP_RESULT_INVALID") return { mismatch: `vector: ResultInvalid; Node: ${body}` };
  if (body !== expect.body) return { mismatch: `body: vector ${expect.body}; Node ${body}` };
  const hash = createHash("sha256").update(utf8(body)).digest("hex");
  if (hash !== expect.sha256) return { mismatch: `sha256: vector ${expect.sha256}; Node ${hash}` };
  const logs = JSON.stringify(ran.logs);
  if (logs !== JSON.stringify(expect.logs ?? [])) return { mismatch: `logs: vector ${JSON.stringify(expect.logs)}; Node ${logs}` };
  return { checked: "body, sha256 and logs equal" };
}

// --- main --------------------------------------------------------------------------------------
const files = [];
(function walk(d) {
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".json")) files.push(p);
  }
})(dir);

const counts = { checked: new Map(), excluded: new Map() };
const mismatches = [];
const approximated = [];
let runs = 0;
for (const f of files) {
  const doc = JSON.parse(readFileSync(f, "utf8"));
  for (const c of doc.cases ?? []) {
    if (c.op !== "mtp.run") continue;
    runs++;
    const id = `${doc.suite}/${c.id}`;
    let verdict;
    if (!c.expect || !("ok" in c.expect)) verdict = { excluded: `expected error ${c.expect && c.expect.error} (not a run)` };
    else {
      try {
        verdict = judge(c.input, c.expect.ok);
      } catch (e) {
        verdict = { mismatch: `checker failure: ${e && e.stack}` };
      }
    }
    // ECMAScript leaves Number::exponentiate implementation-approximated, and V8's pow is not
    // correctly rounded (e.g. 2147483648 ** 2.5 is one ulp off libm's). A body mismatch in a
    // program that uses ** is listed, but as an engine approximation, not a failure.
    if (verdict.mismatch && verdict.mismatch.startsWith("body:") && c.input.source.includes("**")) {
      approximated.push(`${id}: ${verdict.mismatch}`);
      verdict = { excluded: "uses ** and differs: V8's pow is approximated (listed below)" };
    }
    if (verdict.mismatch) mismatches.push(`${id}: ${verdict.mismatch}`);
    for (const kind of ["checked", "excluded"]) {
      if (verdict[kind]) counts[kind].set(verdict[kind], (counts[kind].get(verdict[kind]) ?? 0) + 1);
    }
    if (verbose) console.log(`${id}: ${JSON.stringify(verdict)}`);
  }
}

const total = (m) => [...m.values()].reduce((a, b) => a + b, 0);
console.log(`mtp node check: ${runs} mtp.run vectors in ${files.length} files under ${dir}`);
console.log(`checked ${total(counts.checked)}:`);
for (const [k, n] of counts.checked) console.log(`  ${n}  ${k}`);
console.log(`excluded ${total(counts.excluded)}:`);
for (const [k, n] of counts.excluded) console.log(`  ${n}  ${k}`);
for (const m of approximated) console.log(`  approximated ** ${m}`);
console.log(`mismatches ${mismatches.length}`);
for (const m of mismatches) console.log(`  ${m}`);
if (mismatches.length || total(counts.checked) === 0) process.exit(1);
}
