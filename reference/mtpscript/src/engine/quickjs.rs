//! The reference backend: QuickJS-ng through rquickjs, a base context with JSON only, hardened
//! and frozen at build time, loaded with verified script bytecode per request.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use rquickjs::context::intrinsic;
use rquickjs::{Context, Ctx, Function, Object, Runtime, Value};

use super::alloc::{HeapStats, WipeAllocator};
use super::{Engine, HeapReport, Job, Outcome, RunResult, VmConfig, bytecode};
use crate::effects::RandomStream;

/// The globals a hardened VM keeps (MTP-093); the prelude captures them, programs cannot name
/// any of them except through the §3.4 builtins.
pub(crate) const ALLOWED_GLOBALS: [&str; 9] = [
    "Array",
    "Infinity",
    "JSON",
    "Math",
    "NaN",
    "Number",
    "Object",
    "String",
    "undefined",
];

/// QuickJS-ng 0.16.2 via rquickjs 0.14.0.
#[derive(Debug)]
pub(crate) struct QuickJs;

/// A hardened, never-used VM. Field order is drop order: the context goes before its runtime.
pub(crate) struct QjsVm {
    ctx: Context,
    rt: Runtime,
    stats: Arc<HeapStats>,
}

impl std::fmt::Debug for QjsVm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QjsVm").finish_non_exhaustive()
    }
}

fn err(e: impl std::fmt::Debug) -> String {
    format!("{e:?}")
}

/// Enforces MTP-011 and MTP-093: removes what the language must not reach, then freezes the
/// global object, every remaining global and its `prototype`, and `Function.prototype`.
fn harden(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    let g = ctx.globals();
    let math: Object<'_> = g.get("Math")?;
    math.remove("random")?;
    let array: Object<'_> = g.get("Array")?;
    // Deleted without being read: reading it without the Promise intrinsic leaks (design note).
    array.remove("fromAsync")?;
    let object: Object<'_> = g.get("Object")?;
    let freeze: Function<'_> = object.get("freeze")?;
    let names: Function<'_> = object.get("getOwnPropertyNames")?;
    let get_proto: Function<'_> = object.get("getPrototypeOf")?;
    let function_proto: Value<'_> = get_proto.call((object.clone(),))?;
    let _: Value<'_> = freeze.call((function_proto,))?;
    let keys: Vec<String> = names.call((g.clone(),))?;
    for key in keys {
        if ALLOWED_GLOBALS.contains(&key.as_str()) {
            let value: Value<'_> = g.get(key.as_str())?;
            if let Some(obj) = value.as_object() {
                let proto: Value<'_> = obj.get("prototype")?;
                if proto.is_object() {
                    let _: Value<'_> = freeze.call((proto,))?;
                }
                let _: Value<'_> = freeze.call((value.clone(),))?;
            }
        } else {
            // Non-configurable globals cannot be deleted; every such one is allow-listed.
            g.remove(key.as_str())?;
        }
    }
    Ok(())
}

/// The global name under which a VM keeps the prelude's entry points (programs cannot name any
/// identifier starting with `__`, MTP-005).
const PRELUDE_GLOBAL: &str = "__mtp";

/// Keeps the prelude's entry points and freezes the global object (MTP-093).
fn seal<'js>(ctx: &Ctx<'js>, prelude: Value<'js>) -> rquickjs::Result<()> {
    let g = ctx.globals();
    let object: Object<'_> = g.get("Object")?;
    let freeze: Function<'_> = object.get("freeze")?;
    let _: Value<'_> = freeze.call((prelude.clone(),))?;
    g.set(PRELUDE_GLOBAL, prelude)?;
    let _: Value<'_> = freeze.call((g,))?;
    Ok(())
}

/// The own property names of the global object and of every object [`harden`] freezes, for the
/// allow-list test (MTP-093).
pub(crate) fn realm_keys(vm: &QjsVm) -> Result<Vec<(String, Vec<String>, bool)>, String> {
    vm.ctx
        .with(
            |ctx| -> rquickjs::Result<Vec<(String, Vec<String>, bool)>> {
                let g = ctx.globals();
                let object: Object<'_> = g.get("Object")?;
                let names: Function<'_> = object.get("getOwnPropertyNames")?;
                let symbols: Function<'_> = object.get("getOwnPropertySymbols")?;
                let frozen: Function<'_> = object.get("isFrozen")?;
                let get_proto: Function<'_> = object.get("getPrototypeOf")?;
                let mut targets = vec![
                    ("globalThis".to_owned(), g.clone().into_value()),
                    (
                        "Function.prototype".to_owned(),
                        get_proto.call((object.clone(),))?,
                    ),
                ];
                let mut globals: Vec<String> = names.call((g.clone(),))?;
                globals.sort();
                for key in globals {
                    let value: Value<'_> = g.get(key.as_str())?;
                    if let Some(obj) = value.as_object() {
                        let proto: Value<'_> = obj.get("prototype")?;
                        targets.push((key.clone(), value.clone()));
                        if proto.is_object() {
                            targets.push((format!("{key}.prototype"), proto));
                        }
                    }
                }
                let mut out = Vec::new();
                for (name, v) in targets {
                    let (keys, is_frozen) = keys_of(&names, &symbols, &frozen, v)?;
                    out.push((name, keys, is_frozen));
                }
                Ok(out)
            },
        )
        .map_err(err)
}

fn keys_of<'js>(
    names: &Function<'js>,
    symbols: &Function<'js>,
    frozen: &Function<'js>,
    v: Value<'js>,
) -> rquickjs::Result<(Vec<String>, bool)> {
    let mut keys: Vec<String> = names.call((v.clone(),))?;
    let syms: Vec<Value<'js>> = symbols.call((v.clone(),))?;
    for s in syms {
        let desc = s
            .as_symbol()
            .and_then(|s| s.description().ok())
            .and_then(|d| d.as_string().and_then(|d| d.to_string().ok()));
        keys.push(format!("@@{}", desc.unwrap_or_default()));
    }
    keys.sort();
    let is_frozen: bool = frozen.call((v,))?;
    Ok((keys, is_frozen))
}

fn status(status: &Function<'_>) -> Option<(u32, u64)> {
    let v: Vec<f64> = status.call(()).ok()?;
    Some((*v.first()? as u32, *v.get(1)? as u64))
}

/// Whether the pending exception is the engine's out-of-memory error (an `InternalError` with
/// that message, or `null` when memory ran out while throwing it). Programs cannot throw.
fn out_of_memory(exception: &Value<'_>) -> bool {
    if exception.is_null() {
        return true;
    }
    exception
        .as_object()
        .and_then(|o| o.get::<_, String>("message").ok())
        .is_some_and(|m| m == "out of memory")
}

/// Turns an exception out of the program into its outcome: the prelude's own stop (gas,
/// depth, runtime, effect) first, then memory, the deadline, and any other engine error.
fn classify(
    ctx: &Ctx<'_>,
    status_fn: &Function<'_>,
    stats: &HeapStats,
    deadline_hit: &AtomicBool,
) -> Outcome {
    let exception = ctx.catch();
    let st = status(status_fn);
    if let Some((fail, gas_used)) = st {
        match fail {
            1 => return Outcome::Gas { gas_used },
            2 => return Outcome::Depth { gas_used },
            3 => return Outcome::Runtime { gas_used },
            4 => return Outcome::Effect { gas_used },
            _ => {}
        }
    }
    if stats.refused.load(Ordering::Relaxed) || out_of_memory(&exception) {
        return Outcome::Memory;
    }
    if deadline_hit.load(Ordering::Relaxed) {
        return Outcome::Deadline;
    }
    match st {
        // An engine error the prelude did not raise: a temporal-dead-zone read (MTP-030).
        Some((_, gas_used)) => Outcome::Runtime { gas_used },
        None => Outcome::EngineFailure("the program's state is unreadable".into()),
    }
}

/// The effect functions of one request, bound to its seed and log (MTP-075).
fn effects<'js>(
    ctx: &Ctx<'js>,
    seed: [u8; 32],
    logs: &Arc<Mutex<Vec<String>>>,
) -> rquickjs::Result<(Function<'js>, Function<'js>)> {
    let random = Arc::new(Mutex::new(RandomStream::new(seed)));
    let random = Function::new(ctx.clone(), move |n: f64| -> String {
        let bytes = random
            .lock()
            .map(|mut r| r.take(n as usize))
            .unwrap_or_default();
        canon::hex::encode(&bytes)
    })?;
    let sink = Arc::clone(logs);
    let log = Function::new(ctx.clone(), move |s: rquickjs::String<'_>| {
        let text = s.to_string().unwrap_or_default();
        if let Ok(mut l) = sink.lock() {
            l.push(text);
        }
    })?;
    Ok((random, log))
}

fn run_in(
    ctx: &Ctx<'_>,
    job: &Job<'_>,
    logs: &Arc<Mutex<Vec<String>>>,
    stats: &HeapStats,
    deadline_hit: &AtomicBool,
) -> Outcome {
    let restored = (|| -> rquickjs::Result<_> {
        let parts: Vec<Function<'_>> = ctx.globals().get(PRELUDE_GLOBAL)?;
        let [start, install, status_fn] = <[Function<'_>; 3]>::try_from(parts)
            .map_err(|_| rquickjs::Error::new_from_js("array", "prelude entry points"))?;
        let (random, log) = effects(ctx, job.seed, logs)?;
        // The gas limit and the seed are bound before any static initializer (MTP-061, MTP-066).
        let () = start.call((job.gas_limit as f64, random, log))?;
        Ok((install, status_fn))
    })();
    let (install, status_fn) = match restored {
        Ok(p) => p,
        Err(e) => return Outcome::EngineFailure(err(e)),
    };
    let program = match bytecode::load(ctx, job.bytecode) {
        Ok(v) => v,
        Err(_) => {
            let exception = ctx.catch();
            if stats.refused.load(Ordering::Relaxed) || out_of_memory(&exception) {
                return Outcome::Memory;
            }
            return Outcome::EngineFailure("bytecode did not load".into());
        }
    };
    let Some(program) = program.into_function() else {
        return Outcome::EngineFailure("bytecode is not an MTPScript program".into());
    };
    // Static initializers run here.
    let entry: Function<'_> = match install.call((program,)) {
        Ok(e) => e,
        Err(_) => return classify(ctx, &status_fn, stats, deadline_hit),
    };
    let result: Value<'_> = match entry.call((job.input_json,)) {
        Ok(v) => v,
        Err(_) => return classify(ctx, &status_fn, stats, deadline_hit),
    };
    let Some((_, gas_used)) = status(&status_fn) else {
        return classify(ctx, &status_fn, stats, deadline_hit);
    };
    match result.as_string().map(|s| s.to_string()) {
        Some(Ok(json)) => Outcome::Ok { json, gas_used },
        Some(Err(_)) => Outcome::ResultInvalid { gas_used },
        None if result.is_null() => Outcome::ResultInvalid { gas_used },
        None => Outcome::EngineFailure("the entry returned neither text nor null".into()),
    }
}

/// The prelude's bytecode, compiled once per process.
fn prelude_bytecode() -> Result<&'static [u8], String> {
    static BYTECODE: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    BYTECODE
        .get_or_init(|| QuickJs::compile(&crate::compile::prelude()))
        .as_deref()
        .map_err(Clone::clone)
}

/// Runs the prelude in a hardened context (its state is the one request's, MTP-090).
fn load_prelude<'js>(ctx: &Ctx<'js>) -> Result<Value<'js>, String> {
    bytecode::load(ctx, prelude_bytecode()?).map_err(err)
}

impl QuickJs {
    /// Builds a hardened VM and returns it with its heap counters.
    fn build(config: &VmConfig) -> Result<QjsVm, String> {
        let stats = Arc::new(HeapStats {
            probe: config.probe.clone(),
            ..HeapStats::default()
        });
        let rt = Runtime::new_with_alloc(WipeAllocator::new(
            config.memory_limit_bytes,
            Arc::clone(&stats),
        ))
        .map_err(err)?;
        rt.set_memory_limit(config.memory_limit_bytes);
        rt.set_max_stack_size(config.stack_size);
        let ctx = Context::custom::<intrinsic::Json>(&rt).map_err(err)?;
        ctx.with(|ctx| {
            harden(&ctx).map_err(err)?;
            let prelude = load_prelude(&ctx)?;
            seal(&ctx, prelude).map_err(err)
        })?;
        Ok(QjsVm { ctx, rt, stats })
    }

    /// A fresh VM for inspection (tests of MTP-093).
    pub(crate) fn inspect(config: &VmConfig) -> Result<Vec<(String, Vec<String>, bool)>, String> {
        realm_keys(&Self::build(config)?)
    }
}

impl Engine for QuickJs {
    type Vm = QjsVm;
    const IDENTITY: &'static str =
        "mtpscript 0.1.0 (prelude 2); rquickjs 0.14.0; quickjs-ng 0.16.2";
    const BYTECODE_VERSION: u64 = 28;

    fn compile(js: &str) -> Result<Vec<u8>, String> {
        let rt = Runtime::new().map_err(err)?;
        let ctx = Context::custom::<intrinsic::Eval>(&rt).map_err(err)?;
        ctx.with(|ctx| bytecode::compile(&ctx, js))
    }

    fn new_vm(config: &VmConfig) -> Result<QjsVm, String> {
        Self::build(config)
    }

    fn execute(vm: &mut QjsVm, job: &Job<'_>) -> RunResult {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let deadline_hit = Arc::new(AtomicBool::new(false));
        let deadline = Instant::now() + job.deadline;
        let hit = Arc::clone(&deadline_hit);
        vm.rt.set_interrupt_handler(Some(Box::new(move || {
            let late = Instant::now() >= deadline;
            if late {
                hit.store(true, Ordering::Relaxed);
            }
            late
        })));
        let stats = Arc::clone(&vm.stats);
        let outcome = vm
            .ctx
            .with(|ctx| run_in(&ctx, job, &logs, &stats, &deadline_hit));
        let logs = logs.lock().map(|l| l.clone()).unwrap_or_default();
        RunResult { outcome, logs }
    }

    fn discard(vm: QjsVm) -> HeapReport {
        let stats = Arc::clone(&vm.stats);
        // Dropping the context and runtime frees, and so wipes, every block (MTP-091).
        drop(vm);
        HeapReport {
            peak_bytes: stats.peak.load(Ordering::Relaxed),
            live_after_discard: stats.live.load(Ordering::Relaxed),
            wiped_bytes: stats.wiped.load(Ordering::Relaxed),
            probe_seen: stats.probe_seen.load(Ordering::Relaxed),
            probe_left: stats.probe_left.load(Ordering::Relaxed),
        }
    }
}

/// Benchmark peer: runs a program's source as plain JavaScript in a fresh, unhardened
/// `Context::full` (no instrumentation, no gas, no allocator budget, no wipe) and returns
/// `JSON.stringify(main(JSON.parse(input)))`.
pub(crate) fn bare_run(source: &str, input_json: &str) -> Result<String, String> {
    let rt = Runtime::new().map_err(err)?;
    rt.set_max_stack_size(1 << 20);
    let ctx = Context::full(&rt).map_err(err)?;
    ctx.with(|ctx| -> rquickjs::Result<String> {
        let main: Function<'_> = ctx.eval(format!("{source}\n;main"))?;
        let input = ctx.json_parse(input_json)?;
        let out: Value<'_> = main.call((input,))?;
        Ok(ctx
            .json_stringify(out)?
            .map(|s| s.to_string())
            .transpose()?
            .unwrap_or_default())
    })
    .map_err(err)
}

/// Benchmark peer: a fresh runtime and base context with nothing else, created and dropped.
pub(crate) fn bare_vm() -> Result<(), String> {
    let rt = Runtime::new().map_err(err)?;
    let ctx = Context::base(&rt).map_err(err)?;
    drop(ctx);
    Ok(())
}
