//! Script bytecode in and out of QuickJS (rquickjs exposes module bytecode only, and modules
//! need the Promise intrinsic): `JS_Eval(.., COMPILE_ONLY)` + `JS_WriteObject` to build,
//! `JS_ReadObject` + `JS_EvalFunction` to load. QuickJS bytecode is not safe against crafted
//! input; [`load`] is only ever called on bytes whose snapshot signature verified (MTP-081) or
//! that this process compiled itself.
#![allow(unsafe_code)]

use std::ffi::CString;

use rquickjs::{Ctx, Value, qjs};

/// Compiles a strict global script to bytecode. `Err` carries the engine's message.
pub(crate) fn compile(ctx: &Ctx<'_>, js: &str) -> Result<Vec<u8>, String> {
    let source = CString::new(js).map_err(|_| "source contains NUL".to_owned())?;
    let raw = ctx.as_raw().as_ptr();
    let flags = (qjs::JS_EVAL_TYPE_GLOBAL
        | qjs::JS_EVAL_FLAG_STRICT
        | qjs::JS_EVAL_FLAG_COMPILE_ONLY) as i32;
    // SAFETY: `raw` is the live context of `ctx`; `source` is NUL-terminated and `js.len()`
    // bytes long before the NUL; the filename is a static C string.
    let func = unsafe {
        qjs::JS_Eval(
            raw,
            source.as_ptr(),
            js.len() as _,
            c"mtpscript".as_ptr(),
            flags,
        )
    };
    // SAFETY: `func` is a value returned by the engine for this context.
    if unsafe { qjs::JS_IsException(func) } {
        let message = ctx.catch();
        return Err(format!("{message:?}"));
    }
    let mut len: qjs::size_t = 0;
    // SAFETY: `func` is a live compiled function; `len` receives the buffer length.
    let buf =
        unsafe { qjs::JS_WriteObject(raw, &mut len, func, qjs::JS_WRITE_OBJ_BYTECODE as i32) };
    // SAFETY: we own one reference to `func` and release it exactly once.
    unsafe { qjs::JS_FreeValue(raw, func) };
    if buf.is_null() {
        return Err("JS_WriteObject failed".into());
    }
    // SAFETY: the engine returned a buffer of `len` bytes, freed with `js_free` below.
    let bytes = unsafe { std::slice::from_raw_parts(buf, len as usize) }.to_vec();
    // SAFETY: `buf` was allocated by the engine for this context.
    unsafe { qjs::js_free(raw, buf.cast()) };
    Ok(bytes)
}

/// Loads trusted script bytecode and runs it, returning the script's completion value.
pub(crate) fn load<'js>(ctx: &Ctx<'js>, bytes: &[u8]) -> rquickjs::Result<Value<'js>> {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: `bytes` is valid for its length; the caller guarantees it is trusted bytecode
    // (module doc).
    let func = unsafe {
        qjs::JS_ReadObject(
            raw,
            bytes.as_ptr(),
            bytes.len() as _,
            qjs::JS_READ_OBJ_BYTECODE as i32,
        )
    };
    // SAFETY: a value returned by the engine for this context.
    if unsafe { qjs::JS_IsException(func) } {
        return Err(rquickjs::Error::Exception);
    }
    // SAFETY: `JS_EvalFunction` takes ownership of `func`.
    let value = unsafe { qjs::JS_EvalFunction(raw, func) };
    // SAFETY: as above.
    if unsafe { qjs::JS_IsException(value) } {
        return Err(rquickjs::Error::Exception);
    }
    // SAFETY: `value` is an owned value of this context, handed to rquickjs to manage.
    Ok(unsafe { Value::from_raw(ctx.clone(), value) })
}
