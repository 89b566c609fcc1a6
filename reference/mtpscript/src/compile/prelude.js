// MTPScript prelude: the Annex A meter and the §3 runtime checks, run once when a pooled VM is
// built (each VM serves one request, so its state is that request's). Every name starts with
// `__`, which programs cannot bind or read (MTP-005); programs reach the engine only through
// the helpers `__request` passes them. The script evaluates to `__effects`, which the host calls
// once with the VM's effect functions; the VM keeps what it returns (`[prepare, request,
// status]`) frozen under a global no program can name.
(function () {
"use strict";
const __JP = JSON.parse, __JS = JSON.stringify;
const __hasOwn = Object.hasOwn, __isArr = Array.isArray, __setProto = Object.setPrototypeOf, __O = Object, __M = Math, __N = Number, __S = String;
let __L = 0, __rand, __log, __prog;
let __charge, __used, __fail = 0, __phase = 0, __logs = 0, __tcf, __tca, __tn = 0, __ta0, __ta1, __ta2;
const __X = { __proto__: null }, __TC = { __proto__: null };
// The VM's effect functions, bound once when it is built; they read the request's seed and log
// from host state that is set before the request starts (MTP-066, MTP-075).
function __effects(random, log) {
  if (__rand !== undefined) __eff();
  __rand = random; __log = log;
  return [__prepare, __request, __status];
}
// Clone (MTP-083): the loaded program function, not yet called; nothing of it has run.
function __prepare(p) { if (__prog !== undefined) __eff(); __prog = p; }
// The gas counter and the depth are the program's own variables (the instrumented code charges
// and counts inline); it hands the prelude its charge and read functions first (`__bind`).
function __bind(charge, used) { __charge = charge; __used = used; }
function __status() { return [__fail, __used === undefined ? 0 : __used()]; }
// Annex A: apply a charge, or stop with GasExhausted (MTP-051; the failing charge is not applied).
function __c(k) { __charge(k); }
// Stops the run: 1 GasExhausted, 2 DepthExceeded, 3 RuntimeError, 4 effect error.
function __stop(f) { __fail = f; throw __X; }
function __rt() { __fail = 3; throw __X; }
function __eff() { __fail = 4; throw __X; }
// A call of a value that is not a function, after its call charge (MTP-023).
function __notfn() { __rt(); }
// MTP-053: a tail call returns this marker to the caller's trampoline.
function __tail0(f) { __tcf = f; __tn = 0; __ta0 = __ta1 = __ta2 = undefined; return __TC; }
function __tail1(f, a) { __tcf = f; __tn = 1; __ta0 = a; __ta1 = __ta2 = undefined; return __TC; }
function __tail2(f, a, b) { __tcf = f; __tn = 2; __ta0 = a; __ta1 = b; __ta2 = undefined; return __TC; }
function __tail3(f, a, b, c) { __tcf = f; __tn = 3; __ta0 = a; __ta1 = b; __ta2 = c; return __TC; }
function __tailn(f, a) { __tcf = f; __tn = 4; __tca = a; return __TC; }
function __tcall() { const f = __tcf; return __tn < 4 ? f(__ta0, __ta1, __ta2) : f(...__tca); }
function __run(r) { while (r === __TC) r = __tcall(); return r; }
function __prim(v) { return v === null || (typeof v !== "object" && typeof v !== "function"); }
function __key(k) { const t = typeof k; if (t !== "string" && t !== "number") __rt(); }
function __int(n) { if (typeof n !== "number" || !__N.isInteger(n)) __rt(); return n; }
function __num(x) { if (typeof x !== "number") __rt(); return x; }
function __str(x) { if (typeof x !== "string") __rt(); return x; }
// MTP-021: own properties only.
// The program has applied the read's charge (Annex A: before).
function __get(o, k) {
  if (typeof o === "object" && o !== null && typeof k === "string") return __hasOwn(o, k) ? o[k] : undefined;
  __key(k);
  if (o === null || o === undefined || typeof o === "function") __rt();
  if (typeof o !== "object" && typeof o !== "string") return undefined;
  return __hasOwn(o, k) ? o[k] : undefined;
}
// MTP-022.
// The program has applied the write's charge.
function __set(o, k, v) {
  __key(k);
  if (__isArr(o)) {
    if (typeof k !== "number" || !__N.isInteger(k) || k < 0 || k > o.length) __rt();
    o[k] = v; return v;
  }
  if (o === null || typeof o !== "object" || k === "__proto__") __rt();
  o[k] = v; return v;
}
// MTP-033, MTP-034.
function __add(a, b) {
  if (typeof a === "number" && typeof b === "number") { __c(1); return a + b; }
  if (!__prim(a) || !__prim(b)) { __c(1); __rt(); }
  if (typeof a === "string" || typeof b === "string") {
    const s = __S(a), t = __S(b); __c(1 + s.length + t.length); return s + t;
  }
  __c(1); return a + b;
}
function __sub(a, b) { __c(1); if ((typeof a !== "number" || typeof b !== "number") && (!__prim(a) || !__prim(b))) __rt(); return a - b; }
function __mul(a, b) { __c(1); if ((typeof a !== "number" || typeof b !== "number") && (!__prim(a) || !__prim(b))) __rt(); return a * b; }
function __div(a, b) { __c(1); if ((typeof a !== "number" || typeof b !== "number") && (!__prim(a) || !__prim(b))) __rt(); return a / b; }
function __mod(a, b) { __c(1); if ((typeof a !== "number" || typeof b !== "number") && (!__prim(a) || !__prim(b))) __rt(); return a % b; }
function __pow(a, b) { __c(1); if ((typeof a !== "number" || typeof b !== "number") && (!__prim(a) || !__prim(b))) __rt(); return a ** b; }
function __lt(a, b) { __c(1); if ((typeof a !== "number" || typeof b !== "number") && (!__prim(a) || !__prim(b))) __rt(); return a < b; }
function __le(a, b) { __c(1); if ((typeof a !== "number" || typeof b !== "number") && (!__prim(a) || !__prim(b))) __rt(); return a <= b; }
function __gt(a, b) { __c(1); if ((typeof a !== "number" || typeof b !== "number") && (!__prim(a) || !__prim(b))) __rt(); return a > b; }
function __ge(a, b) { __c(1); if ((typeof a !== "number" || typeof b !== "number") && (!__prim(a) || !__prim(b))) __rt(); return a >= b; }
function __band(a, b) { __c(1); if ((typeof a !== "number" || typeof b !== "number") && (!__prim(a) || !__prim(b))) __rt(); return a & b; }
function __bor(a, b) { __c(1); if ((typeof a !== "number" || typeof b !== "number") && (!__prim(a) || !__prim(b))) __rt(); return a | b; }
function __bxor(a, b) { __c(1); if ((typeof a !== "number" || typeof b !== "number") && (!__prim(a) || !__prim(b))) __rt(); return a ^ b; }
function __shl(a, b) { __c(1); if ((typeof a !== "number" || typeof b !== "number") && (!__prim(a) || !__prim(b))) __rt(); return a << b; }
function __shr(a, b) { __c(1); if ((typeof a !== "number" || typeof b !== "number") && (!__prim(a) || !__prim(b))) __rt(); return a >> b; }
function __ushr(a, b) { __c(1); if ((typeof a !== "number" || typeof b !== "number") && (!__prim(a) || !__prim(b))) __rt(); return a >>> b; }
function __seq(a, b) {
  __c(1);
  const t = typeof a;
  if (((t === "object" && a !== null) || t === "function") && !__prim(b)) __rt();
  return a === b;
}
function __sne(a, b) { return !__seq(a, b); }
function __n1(a) { __c(1); if (typeof a !== "number" && !__prim(a)) __rt(); }
function __neg(a) { __n1(a); return -a; }
function __pos(a) { __n1(a); return +a; }
function __bnot(a) { __n1(a); return ~a; }
function __not(a) { __c(1); return !a; }
function __typeof(a) { __c(1); return typeof a; }
function __upd(v, d) { __c(2); if (typeof v !== "number" && !__prim(v)) __rt(); return +v + d; }
// MTP-023.
function __call0(f) { __c(5); if (typeof f !== "function") __rt(); return f(); }
// Calls with arguments are charged and checked inline; a method call's charge is applied by the
// program before `__mcall` resolves the method.
function __mcall(o, k, ...a) {
  __key(k);
  if (typeof o === "string") { if (!__hasOwn(__SM, k)) __rt(); return __SM[k](o, a); }
  if (__isArr(o)) { if (!__hasOwn(__AM, k)) __rt(); return __AM[k](o, a); }
  if (o === null || typeof o !== "object" || !__hasOwn(o, k)) __rt();
  const f = o[k]; if (typeof f !== "function") __rt();
  return f(...a);
}
// MTP-040: builtins, with their Annex A size charges.
const __SM = {
  __proto__: null,
  slice: (s, a) => { __int(a[0]); if (a[1] !== undefined) __int(a[1]); const r = s.slice(a[0], a[1]); __c(r.length); return r; },
  indexOf: (s, a) => { __str(a[0]); __c(s.length); return s.indexOf(a[0]); },
  includes: (s, a) => { __str(a[0]); __c(s.length); return s.includes(a[0]); },
  startsWith: (s, a) => { __str(a[0]); __c(s.length); return s.startsWith(a[0]); },
  endsWith: (s, a) => { __str(a[0]); __c(s.length); return s.endsWith(a[0]); },
  charCodeAt: (s, a) => { __int(a[0]); return s.charCodeAt(a[0]); },
  repeat: (s, a) => { __int(a[0]); if (a[0] < 0) __rt(); __c(s.length * a[0]); return s.repeat(a[0]); },
  split: (s, a) => { __str(a[0]); __c(s.length); return s.split(a[0]); },
};
const __AM = {
  __proto__: null,
  slice: (x, a) => { __int(a[0]); if (a[1] !== undefined) __int(a[1]); const r = x.slice(a[0], a[1]); __c(r.length); return r; },
  concat: (x, a) => { const r = x.concat(...a); __c(r.length); return r; },
  join: (x, a) => {
    let sep = ",";
    if (a[0] !== undefined) sep = __str(a[0]);
    let n = 0;
    for (let i = 0; i < x.length; i++) {
      const e = x[i];
      if (!__prim(e)) __rt();
      if (e !== null && e !== undefined) n += __S(e).length;
    }
    if (x.length > 1) n += sep.length * (x.length - 1);
    __c(n);
    return x.join(sep);
  },
  map: (x, a) => {
    const f = a[0]; if (typeof f !== "function") __rt();
    const n = x.length; __c(5 * n);
    const r = [];
    for (let i = 0; i < n; i++) r[i] = f(x[i], i, x);
    return r;
  },
  filter: (x, a) => {
    const f = a[0]; if (typeof f !== "function") __rt();
    const n = x.length; __c(5 * n);
    const r = [];
    for (let i = 0; i < n; i++) { const e = x[i]; if (f(e, i, x)) r[r.length] = e; }
    return r;
  },
  reduce: (x, a) => {
    const f = a[0]; if (typeof f !== "function" || a.length < 2) __rt();
    const n = x.length; __c(5 * n);
    let acc = a[1];
    for (let i = 0; i < n; i++) acc = f(acc, x[i], i, x);
    return acc;
  },
};
const __b_Math_abs = (x) => __M.abs(__num(x));
const __b_Math_floor = (x) => __M.floor(__num(x));
const __b_Math_ceil = (x) => __M.ceil(__num(x));
const __b_Math_trunc = (x) => __M.trunc(__num(x));
const __b_Math_sign = (x) => __M.sign(__num(x));
const __b_Math_sqrt = (x) => __M.sqrt(__num(x));
const __b_Math_round = (x) => __M.round(__num(x));
const __b_Math_min = (...a) => { for (let i = 0; i < a.length; i++) __num(a[i]); return __M.min(...a); };
const __b_Math_max = (...a) => { for (let i = 0; i < a.length; i++) __num(a[i]); return __M.max(...a); };
const __b_Number_isInteger = (x) => __N.isInteger(x);
const __b_Number_isSafeInteger = (x) => __N.isSafeInteger(x);
const __b_Array_isArray = (x) => __isArr(x);
function __ownable(o) { if (o === null || typeof o !== "object") __rt(); return o; }
const __b_Object_keys = (o) => { const r = __O.keys(__ownable(o)); __c(r.length); return r; };
const __b_Object_values = (o) => { const r = __O.values(__ownable(o)); __c(r.length); return r; };
const __b_Object_entries = (o) => { const r = __O.entries(__ownable(o)); __c(r.length); return r; };
const __b_String = (...a) => {
  if (a.length === 0) return "";
  if (!__prim(a[0])) __rt();
  const r = __S(a[0]); __c(r.length); return r;
};
// MTP-075: effects, callable only once `main` runs.
const __b_Async_await = (name, arg) => {
  if (__phase !== 1) __eff();
  if (name === "random") {
    if (typeof arg !== "number" || !__N.isInteger(arg) || arg < 1 || arg > 1024) __eff();
    __c(arg); return __rand(arg);
  }
  if (name === "log") {
    if (typeof arg !== "string" || arg.length > 4096 || __logs >= 64) __eff();
    __c(arg.length); __logs++; __log(arg); return null;
  }
  __eff();
};
// MTP-070: input objects have no prototype, like object literals (JSON.parse's fresh objects
// are re-parented in place; their own keys and order are unchanged). The input was checked
// by the host, so its depth is at most 128.
function __noproto(v) {
  if (v === null || typeof v !== "object") return v;
  if (__isArr(v)) { for (let i = 0; i < v.length; i++) __noproto(v[i]); return v; }
  __setProto(v, null);
  const ks = __O.keys(v);
  for (let i = 0; i < ks.length; i++) __noproto(v[ks[i]]);
  return v;
}
// MTP-071: is the result JSON (finite numbers, no undefined or functions, depth <= 128)?
function __valid(v, depth) {
  if (v === null) return true;
  const t = typeof v;
  if (t === "boolean" || t === "string") return true;
  if (t === "number") return __N.isFinite(v);
  if (t !== "object" || depth >= 128) return false;
  if (__isArr(v)) { for (let i = 0; i < v.length; i++) if (!__valid(v[i], depth + 1)) return false; return true; }
  const ks = __O.keys(v);
  for (let i = 0; i < ks.length; i++) if (!__valid(v[ks[i]], depth + 1)) return false;
  return true;
}
// The request (MTP-090): binds its gas limit before any static initializer runs (MTP-061),
// runs them with the helpers, then calls `main` on the input JSON text (effects become callable
// only now, MTP-075) and returns the result as JSON text, or null when it is not JSON.
function __request(limit, input) {
  if (__prog === undefined || __phase !== 0) __eff();
  __L = limit;
  const main = __prog(__L, /*HELPERS*/);
  __phase = 1;
  const r = main(__noproto(__JP(input)));
  return __valid(r, 0) ? __JS(r) : null;
}
return __effects;
})()
