//! The validator's name tables: the identifiers and member names MTP-010 forbids (with their
//! codes), the names strict mode reserves, the allowed value globals and namespaces, and the
//! prelude wrapper of each builtin that MTP-040 lists.
//!
//! Enforces MTP-005 (the names no declaration may bind) and MTP-010 (the forbidden identifiers
//! and member names, with the code of each row).

/// The names MTP-010 forbids outright, with their codes.
pub(super) fn forbidden_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "eval" => "MTP_FORBIDDEN_EVAL",
        "Function" => "MTP_FORBIDDEN_FUNCTION_CONSTRUCTOR",
        "Reflect"
        | "Proxy"
        | "Symbol"
        | "globalThis"
        | "WeakMap"
        | "WeakSet"
        | "WeakRef"
        | "FinalizationRegistry"
        | "arguments" => "MTP_FORBIDDEN_REFLECTION",
        "Date" | "setTimeout" | "setInterval" | "setImmediate" | "clearTimeout"
        | "clearInterval" | "Promise" | "queueMicrotask" | "performance" | "Intl" | "crypto"
        | "SharedArrayBuffer" | "Atomics" => "MTP_FORBIDDEN_NONDETERMINISM",
        "JsonNull" => "MTP_FORBIDDEN_JSONNULL",
        "await" => "MTP_FORBIDDEN_ASYNC",
        "yield" => "MTP_FORBIDDEN_GENERATOR",
        _ => return None,
    })
}

/// Member names that reach prototypes or define properties (MTP-010, reflection row).
pub(super) fn forbidden_member(name: &str) -> bool {
    matches!(
        name,
        "__proto__"
            | "constructor"
            | "prototype"
            | "__defineGetter__"
            | "__defineSetter__"
            | "__lookupGetter__"
            | "__lookupSetter__"
    )
}

/// Names that sloppy scripts may bind but strict code (which every program runs as) may not.
pub(super) const STRICT_RESERVED: [&str; 8] = [
    "implements",
    "interface",
    "let",
    "package",
    "private",
    "protected",
    "public",
    "static",
];

pub(super) const NAMESPACES: [&str; 5] = ["Math", "Number", "Array", "Object", "Async"];
pub(super) const VALUE_GLOBALS: [&str; 3] = ["undefined", "NaN", "Infinity"];

/// The prelude wrapper of an allowed namespace member (spec §3.4).
pub(super) fn builtin(ns: &str, member: &str) -> Option<&'static str> {
    Some(match (ns, member) {
        ("Math", "abs") => "__b_Math_abs",
        ("Math", "floor") => "__b_Math_floor",
        ("Math", "ceil") => "__b_Math_ceil",
        ("Math", "trunc") => "__b_Math_trunc",
        ("Math", "sign") => "__b_Math_sign",
        ("Math", "sqrt") => "__b_Math_sqrt",
        ("Math", "round") => "__b_Math_round",
        ("Math", "min") => "__b_Math_min",
        ("Math", "max") => "__b_Math_max",
        ("Number", "isInteger") => "__b_Number_isInteger",
        ("Number", "isSafeInteger") => "__b_Number_isSafeInteger",
        ("Array", "isArray") => "__b_Array_isArray",
        ("Object", "keys") => "__b_Object_keys",
        ("Object", "values") => "__b_Object_values",
        ("Object", "entries") => "__b_Object_entries",
        ("Async", "await") => "__b_Async_await",
        _ => return None,
    })
}
