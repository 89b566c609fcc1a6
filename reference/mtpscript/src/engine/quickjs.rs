//! The reference backend: QuickJS-ng through rquickjs, a base context with JSON only, hardened
//! and frozen at build time, loaded with verified script bytecode per request.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

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
    /// Held so that the runtime outlives the context (drop order); only `build` configures it.
    _rt: Runtime,
    stats: Arc<HeapStats>,
    host: Arc<Host>,
    /// The bytecode hash of the program cloned into this VM ahead of its request, if any.
    cloned: Option<[u8; 32]>,
}

/// The host state of one VM that its effect functions and interrupt handler read. They are
/// bound once, when the VM is built (off the request path); the request's seed, log and
/// deadline are written here before the program starts (MTP-066, MTP-075, MTP-092).
#[derive(Debug, Default)]
struct Host {
    effects: Mutex<EffectState>,
    /// Nanoseconds after [`epoch`] at which the run is interrupted; `u64::MAX` while idle.
    deadline: AtomicU64,
    deadline_hit: AtomicBool,
}

#[derive(Debug, Default)]
struct EffectState {
    /// `None` until the request binds its seed: no randomness exists before it.
    random: Option<RandomStream>,
    logs: Vec<String>,
}

/// The process's reference instant for deadlines kept as integers.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn nanos_since_epoch(at: Instant) -> u64 {
    u64::try_from(at.saturating_duration_since(epoch()).as_nanos()).unwrap_or(u64::MAX)
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

/// The VM's effect functions (MTP-075), reading the request's state from `host`.
fn effects<'js>(
    ctx: &Ctx<'js>,
    host: &Arc<Host>,
) -> rquickjs::Result<(Function<'js>, Function<'js>)> {
    let state = Arc::clone(host);
    let random = Function::new(ctx.clone(), move |n: f64| -> String {
        let bytes = state
            .effects
            .lock()
            .ok()
            .and_then(|mut e| e.random.as_mut().map(|r| r.take(n as usize)))
            .unwrap_or_default();
        canon::hex::encode(&bytes)
    })?;
    let state = Arc::clone(host);
    let log = Function::new(ctx.clone(), move |s: rquickjs::String<'_>| {
        let text = s.to_string().unwrap_or_default();
        if let Ok(mut e) = state.effects.lock() {
            e.logs.push(text);
        }
    })?;
    Ok((random, log))
}

/// The prelude's entry points `[prepare, request, status]` (see `seal`).
fn entry_points<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<rquickjs::Array<'js>> {
    ctx.globals().get(PRELUDE_GLOBAL)
}

/// Entry point indices in [`entry_points`].
const PREPARE: usize = 0;
const REQUEST: usize = 1;
const STATUS: usize = 2;

/// Loads verified bytecode and hands the program function to the prelude (MTP-083 clone).
fn clone_in<'js>(
    ctx: &Ctx<'js>,
    prepare: &Function<'js>,
    bytecode: &[u8],
    stats: &HeapStats,
) -> Result<(), Outcome> {
    let loaded = bytecode::load(ctx, bytecode).map_err(|_| {
        let exception = ctx.catch();
        if stats.refused.load(Ordering::Relaxed) || out_of_memory(&exception) {
            Outcome::Memory
        } else {
            Outcome::EngineFailure("bytecode did not load".into())
        }
    })?;
    let Some(program) = loaded.into_function() else {
        return Err(Outcome::EngineFailure(
            "bytecode is not an MTPScript program".into(),
        ));
    };
    prepare
        .call::<_, ()>((program,))
        .map_err(|e| Outcome::EngineFailure(err(e)))
}

fn run_in(ctx: &Ctx<'_>, job: &Job<'_>, cloned: bool, stats: &HeapStats, host: &Host) -> Outcome {
    let parts = entry_points(ctx).and_then(|e| {
        let prepare = if cloned {
            None
        } else {
            Some(e.get::<Function<'_>>(PREPARE)?)
        };
        Ok((
            prepare,
            e.get::<Function<'_>>(REQUEST)?,
            e.get::<Function<'_>>(STATUS)?,
        ))
    });
    let (prepare, request, status_fn) = match parts {
        Ok(p) => p,
        Err(e) => return Outcome::EngineFailure(err(e)),
    };
    if let Some(prepare) = prepare
        && let Err(outcome) = clone_in(ctx, &prepare, job.bytecode, stats)
    {
        return outcome;
    }
    // The gas limit is bound before any static initializer runs (MTP-061); the seed already is.
    let result: Value<'_> = match request.call((job.gas_limit as f64, job.input_json)) {
        Ok(v) => v,
        Err(_) => return classify(ctx, &status_fn, stats, &host.deadline_hit),
    };
    let Some((_, gas_used)) = status(&status_fn) else {
        return classify(ctx, &status_fn, stats, &host.deadline_hit);
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
        let host = Arc::new(Host {
            deadline: AtomicU64::new(u64::MAX),
            ..Host::default()
        });
        let rt = Runtime::new_with_alloc(WipeAllocator::new(
            config.memory_limit_bytes,
            Arc::clone(&stats),
        ))
        .map_err(err)?;
        rt.set_memory_limit(config.memory_limit_bytes);
        rt.set_max_stack_size(config.stack_size);
        let watch = Arc::clone(&host);
        rt.set_interrupt_handler(Some(Box::new(move || {
            let late = nanos_since_epoch(Instant::now()) >= watch.deadline.load(Ordering::Relaxed);
            if late {
                watch.deadline_hit.store(true, Ordering::Relaxed);
            }
            late
        })));
        let ctx = Context::custom::<intrinsic::Json>(&rt).map_err(err)?;
        ctx.with(|ctx| {
            harden(&ctx).map_err(err)?;
            let bind = load_prelude(&ctx)?
                .into_function()
                .ok_or("the prelude is not a function")?;
            let (random, log) = effects(&ctx, &host).map_err(err)?;
            let parts: Value<'_> = bind.call((random, log)).map_err(err)?;
            seal(&ctx, parts).map_err(err)
        })?;
        Ok(QjsVm {
            ctx,
            _rt: rt,
            stats,
            host,
            cloned: None,
        })
    }

    /// A fresh VM for inspection (tests of MTP-093).
    pub(crate) fn inspect(config: &VmConfig) -> Result<Vec<(String, Vec<String>, bool)>, String> {
        realm_keys(&Self::build(config)?)
    }
}

impl Engine for QuickJs {
    type Vm = QjsVm;
    const IDENTITY: &'static str =
        "mtpscript 0.1.0 (prelude 3); rquickjs 0.14.0; quickjs-ng 0.16.2";
    const BYTECODE_VERSION: u64 = 28;

    fn compile(js: &str) -> Result<Vec<u8>, String> {
        let rt = Runtime::new().map_err(err)?;
        let ctx = Context::custom::<intrinsic::Eval>(&rt).map_err(err)?;
        ctx.with(|ctx| bytecode::compile(&ctx, js))
    }

    fn new_vm(config: &VmConfig) -> Result<QjsVm, String> {
        Self::build(config)
    }

    fn clone_program(
        vm: &mut QjsVm,
        bytecode_hash: [u8; 32],
        bytecode: &[u8],
    ) -> Result<(), String> {
        if vm.cloned.is_some() {
            return Err("a program was already cloned into this VM".into());
        }
        let stats = Arc::clone(&vm.stats);
        vm.ctx
            .with(|ctx| {
                let prepare = entry_points(&ctx)
                    .and_then(|e| e.get::<Function<'_>>(PREPARE))
                    .map_err(|e| Outcome::EngineFailure(err(e)))?;
                clone_in(&ctx, &prepare, bytecode, &stats)
            })
            .map_err(|outcome| format!("{outcome:?}"))?;
        vm.cloned = Some(bytecode_hash);
        Ok(())
    }

    fn execute(vm: &mut QjsVm, job: &Job<'_>) -> RunResult {
        let cloned = match vm.cloned {
            Some(hash) if hash == job.bytecode_hash => true,
            Some(_) => {
                return RunResult {
                    outcome: Outcome::EngineFailure("the VM holds another program".into()),
                    logs: Vec::new(),
                };
            }
            None => false,
        };
        if let Ok(mut e) = vm.host.effects.lock() {
            e.random = Some(RandomStream::new(job.seed));
            e.logs.clear();
        }
        vm.host.deadline_hit.store(false, Ordering::Relaxed);
        let deadline = Instant::now()
            .checked_add(job.deadline)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400));
        vm.host
            .deadline
            .store(nanos_since_epoch(deadline), Ordering::Relaxed);
        let (stats, host) = (Arc::clone(&vm.stats), Arc::clone(&vm.host));
        let outcome = vm.ctx.with(|ctx| run_in(&ctx, job, cloned, &stats, &host));
        host.deadline.store(u64::MAX, Ordering::Relaxed);
        let logs = host
            .effects
            .lock()
            .map(|mut e| std::mem::take(&mut e.logs))
            .unwrap_or_default();
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
