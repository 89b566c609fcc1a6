//! The helpers the prelude passes to every program, and the prelude script itself
//! (`compile/prelude.js`, spec §3 and Annex A) with that list spliced in.
//!
//! Enforces MTP-050 (an event not charged inline is charged by one of these helpers; the
//! instrumented code names nothing else).

const PRELUDE_SOURCE: &str = include_str!("../prelude.js");

/// The helpers the prelude passes to every program, in parameter order (after the gas limit).
/// The instrumented code names nothing else.
pub(crate) const HELPERS: [&str; 54] = [
    "__bind",
    "__stop",
    "__notfn",
    "__tail0",
    "__tail1",
    "__tail2",
    "__tail3",
    "__tailn",
    "__run",
    "__get",
    "__set",
    "__add",
    "__sub",
    "__mul",
    "__div",
    "__mod",
    "__pow",
    "__lt",
    "__le",
    "__gt",
    "__ge",
    "__band",
    "__bor",
    "__bxor",
    "__shl",
    "__shr",
    "__ushr",
    "__seq",
    "__sne",
    "__neg",
    "__pos",
    "__not",
    "__bnot",
    "__typeof",
    "__upd",
    "__call0",
    "__mcall",
    "__b_Math_abs",
    "__b_Math_floor",
    "__b_Math_ceil",
    "__b_Math_trunc",
    "__b_Math_sign",
    "__b_Math_sqrt",
    "__b_Math_round",
    "__b_Math_min",
    "__b_Math_max",
    "__b_Number_isInteger",
    "__b_Number_isSafeInteger",
    "__b_Array_isArray",
    "__b_Object_keys",
    "__b_Object_values",
    "__b_Object_entries",
    "__b_String",
    "__b_Async_await",
];

/// The prelude script (spec §3, Annex A): evaluates to the function that binds a VM's effects
/// and returns its entry points `[prepare, request, status]`.
pub(crate) fn prelude() -> String {
    PRELUDE_SOURCE.replace("/*HELPERS*/", &HELPERS.join(", "))
}
