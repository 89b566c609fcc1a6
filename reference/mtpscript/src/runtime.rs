//! The per-request sandbox (MTP-090..MTP-092): pools of single-use, pre-hardened VMs filled by
//! a background thread, which also discards (wipes) used VMs off the request path.
//!
//! Two kinds of pool: *fresh* VMs (hardened, no program) for any snapshot, and, per recently
//! repeated snapshot, VMs into which its verified bytecode was already cloned (MTP-083:
//! loaded, not run). A request takes a cloned VM for its snapshot if one is ready, else a fresh VM and
//! loads the bytecode itself, else builds a VM inline. Either way the VM has never run a
//! program and is discarded after this one request.

use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::engine::{Engine, Job, QuickJs, VmConfig};
use crate::{Error, GasLimit, RequestContext, Response, VerifiedSnapshot, VmOrigin, derive_seed};

type Vm = <QuickJs as Engine>::Vm;

/// How the sandbox is sized.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// Pre-built VMs kept ready per pool; 0 builds a fresh VM per request (and discards it
    /// inline), with no pool thread.
    pub pool_size: usize,
    /// How many recently used snapshots get a pool of VMs with their program cloned in ahead
    /// of time (a snapshot qualifies on its second recent request; the least recently used
    /// pool is dropped first); 0 keeps only fresh VMs.
    pub warm_snapshots: usize,
    /// The heap budget of each VM, in bytes (MTP-092).
    pub memory_limit_bytes: usize,
    /// The wall-clock backstop per request (MTP-092).
    pub deadline: Duration,
    /// The engine's stack limit in bytes; 128 activations fit well inside the default.
    pub stack_size: usize,
    /// Discard each used VM before `run` returns (and report its heap in the response) instead
    /// of on the background thread.
    pub discard_inline: bool,
    /// Test probe: a byte pattern the allocator looks for in freed blocks (wipe test).
    #[doc(hidden)]
    pub probe: Option<Vec<u8>>,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            pool_size: 4,
            warm_snapshots: 4,
            memory_limit_bytes: 64 << 20,
            deadline: Duration::from_secs(10),
            stack_size: 1 << 20,
            discard_inline: false,
            probe: None,
        }
    }
}

/// How many once-run snapshots are remembered per warm pool (see `Pools::sighted`).
const SIGHTED_PER_WARM_SNAPSHOT: usize = 4;

enum Msg {
    Discard(Vm),
    Refill,
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Discard(_) => "Discard",
            Self::Refill => "Refill",
        })
    }
}

/// The VMs cloned ahead of time for one snapshot.
#[derive(Debug)]
struct Warm {
    bytecode_hash: [u8; 32],
    bytecode: Arc<[u8]>,
    vms: VecDeque<Vm>,
    /// A clone failed (e.g. the program does not fit the heap budget): requests load inline,
    /// where the failure becomes their coded outcome.
    failed: bool,
}

#[derive(Debug, Default)]
struct Pools {
    fresh: VecDeque<Vm>,
    /// Most recently used first.
    warm: Vec<Warm>,
    /// Bytecode hashes run once recently without a warm pool, most recent first: a snapshot
    /// gets a warm pool on its second request, so a stream of one-off snapshots neither
    /// displaces the warm pools of repeated ones nor keeps the pool thread cloning for nothing.
    sighted: VecDeque<[u8; 32]>,
    /// VMs of dropped warm pools, never used, waiting for their wipe.
    retired: Vec<Vm>,
}

impl Pools {
    /// Whether `hash` was run recently (and forgets it); else remembers it, bounded by `limit`.
    fn seen_before(&mut self, hash: [u8; 32], limit: usize) -> bool {
        if let Some(i) = self.sighted.iter().position(|h| *h == hash) {
            self.sighted.remove(i);
            return true;
        }
        self.sighted.push_front(hash);
        self.sighted.truncate(limit);
        false
    }
}

#[derive(Debug)]
struct Shared {
    pools: Mutex<Pools>,
    size: usize,
}

impl Shared {
    fn lock(&self) -> Option<MutexGuard<'_, Pools>> {
        self.pools.lock().ok()
    }
}

/// What the pool thread builds next.
enum Fill {
    Fresh,
    Warm([u8; 32], Arc<[u8]>),
}

fn next_fill(shared: &Shared) -> Option<Fill> {
    let pools = shared.lock()?;
    if let Some(w) = pools
        .warm
        .iter()
        .find(|w| !w.failed && w.vms.len() < shared.size)
    {
        return Some(Fill::Warm(w.bytecode_hash, Arc::clone(&w.bytecode)));
    }
    (pools.fresh.len() < shared.size).then_some(Fill::Fresh)
}

fn fill(shared: &Shared, what: Fill, vm_config: &VmConfig) {
    let Ok(mut vm) = QuickJs::new_vm(vm_config) else {
        return;
    };
    match what {
        Fill::Fresh => match shared.lock() {
            Some(mut p) => p.fresh.push_back(vm),
            None => drop(QuickJs::discard(vm)),
        },
        Fill::Warm(hash, bytecode) => {
            let cloned = QuickJs::clone_program(&mut vm, hash, &bytecode).is_ok();
            let mut pools = shared.lock();
            let warm = pools
                .as_mut()
                .and_then(|p| p.warm.iter_mut().find(|w| w.bytecode_hash == hash));
            match warm {
                Some(w) if cloned => w.vms.push_back(vm),
                Some(w) => {
                    w.failed = true;
                    drop(pools);
                    QuickJs::discard(vm);
                }
                // The snapshot's pool was dropped meanwhile.
                None => {
                    drop(pools);
                    QuickJs::discard(vm);
                }
            }
        }
    }
}

fn worker(rx: Receiver<Msg>, shared: Arc<Shared>, vm_config: VmConfig) {
    loop {
        // Discards first: a used VM's heap is wiped as soon as possible.
        while let Ok(msg) = rx.try_recv() {
            if let Msg::Discard(vm) = msg {
                QuickJs::discard(vm);
            }
        }
        let retired = shared
            .lock()
            .map(|mut p| std::mem::take(&mut p.retired))
            .unwrap_or_default();
        for vm in retired {
            QuickJs::discard(vm);
        }
        if let Some(what) = next_fill(&shared) {
            fill(&shared, what, &vm_config);
            continue;
        }
        match rx.recv() {
            Ok(Msg::Discard(vm)) => {
                QuickJs::discard(vm);
            }
            Ok(Msg::Refill) => {}
            Err(_) => return,
        }
    }
}

/// The sandbox. `Send + Sync`: share it behind an `Arc`.
#[derive(Debug)]
pub struct Runtime {
    config: RuntimeConfig,
    vm_config: VmConfig,
    shared: Arc<Shared>,
    tx: Option<Mutex<Sender<Msg>>>,
    worker: Option<JoinHandle<()>>,
}

impl Runtime {
    /// Starts the sandbox and, when `pool_size > 0`, its background thread.
    pub fn new(config: RuntimeConfig) -> Result<Self, Error> {
        let vm_config = VmConfig {
            memory_limit_bytes: config.memory_limit_bytes,
            stack_size: config.stack_size,
            probe: config.probe.clone(),
        };
        let shared = Arc::new(Shared {
            pools: Mutex::new(Pools::default()),
            size: config.pool_size,
        });
        let (tx, worker) = if config.pool_size > 0 {
            // Fail early if no VM can be built at all (the pool thread would fail silently).
            QuickJs::discard(
                QuickJs::new_vm(&vm_config).map_err(|reason| Error::Engine { reason })?,
            );
            let (tx, rx) = mpsc::channel();
            let (s, c) = (Arc::clone(&shared), vm_config.clone());
            let handle = std::thread::Builder::new()
                .name("mtpscript-pool".into())
                .spawn(move || worker(rx, s, c))
                .map_err(|e| Error::Engine {
                    reason: e.to_string(),
                })?;
            (Some(Mutex::new(tx)), Some(handle))
        } else {
            (None, None)
        };
        Ok(Self {
            config,
            vm_config,
            shared,
            tx,
            worker,
        })
    }

    /// Fresh VMs (no program) ready in the pool now.
    pub fn pool_len(&self) -> usize {
        self.shared.lock().map(|p| p.fresh.len()).unwrap_or(0)
    }

    /// VMs ready now with `snap`'s program cloned in (0 until `snap` has been run once).
    pub fn cloned_len(&self, snap: &VerifiedSnapshot) -> usize {
        self.shared
            .lock()
            .and_then(|p| {
                p.warm
                    .iter()
                    .find(|w| w.bytecode_hash == snap.bytecode_hash)
                    .map(|w| w.vms.len())
            })
            .unwrap_or(0)
    }

    fn send(&self, msg: Msg) -> Result<(), Msg> {
        match &self.tx {
            Some(tx) => match tx.lock() {
                Ok(tx) => tx.send(msg).map_err(|e| e.0),
                Err(_) => Err(msg),
            },
            None => Err(msg),
        }
    }

    /// A never-used VM for `snap` (MTP-090): one with its program cloned in, else a fresh one
    /// from the pool, else one built now. The second request of a snapshot within a short
    /// while gives it a warm pool, so that the pool thread clones it ahead of the next ones.
    fn take_vm(&self, snap: &VerifiedSnapshot) -> Result<(Vm, VmOrigin), String> {
        let taken = self.tx.as_ref().and_then(|_| {
            let mut pools = self.shared.lock()?;
            if self.config.warm_snapshots > 0 {
                let found = pools
                    .warm
                    .iter()
                    .position(|w| w.bytecode_hash == snap.bytecode_hash);
                let limit = SIGHTED_PER_WARM_SNAPSHOT * self.config.warm_snapshots;
                let warm = match found {
                    Some(i) => Some(pools.warm.remove(i)),
                    None if pools.seen_before(snap.bytecode_hash, limit) => Some(Warm {
                        bytecode_hash: snap.bytecode_hash,
                        bytecode: Arc::clone(&snap.bytecode),
                        vms: VecDeque::new(),
                        failed: false,
                    }),
                    None => None,
                };
                if let Some(warm) = warm {
                    pools.warm.insert(0, warm);
                    if pools.warm.len() > self.config.warm_snapshots
                        && let Some(dropped) = pools.warm.pop()
                    {
                        pools.retired.extend(dropped.vms);
                    }
                    if let Some(vm) = pools.warm.first_mut().and_then(|w| w.vms.pop_front()) {
                        return Some((vm, VmOrigin::Cloned));
                    }
                }
            }
            pools.fresh.pop_front().map(|vm| (vm, VmOrigin::Pooled))
        });
        match taken {
            Some(taken) => Ok(taken),
            None => QuickJs::new_vm(&self.vm_config).map(|vm| (vm, VmOrigin::Built)),
        }
    }

    /// Runs one request: input check (MTP-070), seed (MTP-065), a never-used VM, the program,
    /// the canonical response (MTP-071..073), and the VM's discard (MTP-091).
    pub fn run(
        &self,
        snap: &VerifiedSnapshot,
        input_json: &[u8],
        ctx: &RequestContext,
        gas: GasLimit,
    ) -> Response {
        if let Err(e) = ctx.validate() {
            return Response::from_error(&e);
        }
        let input = match canon::json::parse(input_json).and_then(|v| canon::json::to_canonical(&v))
        {
            Ok(c) => c,
            Err(e) => return Response::input_invalid(&e),
        };
        let (mut vm, origin) = match self.take_vm(snap) {
            Ok(taken) => taken,
            Err(reason) => return Response::from_error(&Error::Engine { reason }),
        };
        let job = Job {
            bytecode: &snap.bytecode,
            bytecode_hash: snap.bytecode_hash,
            input_json: input.as_str(),
            gas_limit: gas.get(),
            seed: derive_seed(ctx, &snap.content_hash(), gas),
            deadline: self.config.deadline,
        };
        let run = QuickJs::execute(&mut vm, &job);
        let mut response = Response::from_outcome(run.outcome, gas, run.logs);
        response.vm = Some(origin);
        // One message wakes the pool thread: it wipes the VM, then refills what was taken.
        if self.config.discard_inline {
            response.heap = Some(QuickJs::discard(vm));
            let _ = self.send(Msg::Refill);
        } else if let Err(Msg::Discard(vm)) = self.send(Msg::Discard(vm)) {
            QuickJs::discard(vm);
        }
        response
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.tx = None;
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
        if let Some(mut p) = self.shared.lock() {
            let Pools {
                fresh,
                warm,
                retired,
                sighted: _,
            } = &mut *p;
            let vms = fresh
                .drain(..)
                .chain(warm.drain(..).flat_map(|w| w.vms))
                .chain(retired.drain(..));
            for vm in vms {
                QuickJs::discard(vm);
            }
        }
    }
}

/// The runtime is shared across request threads.
const _: () = {
    const fn shared<T: Send + Sync>() {}
    shared::<Runtime>();
    shared::<VerifiedSnapshot>();
};
