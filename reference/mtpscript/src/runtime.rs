//! The per-request sandbox (MTP-090..MTP-092): a pool of single-use, pre-hardened VMs filled by
//! a background thread, which also discards (wipes) used VMs off the request path.

use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::engine::{Engine, Job, QuickJs, VmConfig};
use crate::{Error, GasLimit, RequestContext, Response, VerifiedSnapshot, derive_seed};

type Vm = <QuickJs as Engine>::Vm;

/// How the sandbox is sized.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// Pre-built VMs kept ready; 0 builds a fresh VM per request (and discards it inline).
    pub pool_size: usize,
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
            memory_limit_bytes: 64 << 20,
            deadline: Duration::from_secs(10),
            stack_size: 1 << 20,
            discard_inline: false,
            probe: None,
        }
    }
}

enum Msg {
    Discard(Vm),
    Refill,
}

#[derive(Debug)]
struct Shared {
    pool: Mutex<VecDeque<Vm>>,
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

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Discard(_) => "Discard",
            Self::Refill => "Refill",
        })
    }
}

fn worker(rx: Receiver<Msg>, shared: Arc<Shared>, vm_config: VmConfig, size: usize) {
    loop {
        // Discards first: a used VM's heap is wiped as soon as possible.
        while let Ok(msg) = rx.try_recv() {
            if let Msg::Discard(vm) = msg {
                QuickJs::discard(vm);
            }
        }
        let missing = shared.pool.lock().map(|p| p.len() < size).unwrap_or(false);
        if missing {
            if let Ok(vm) = QuickJs::new_vm(&vm_config)
                && let Ok(mut p) = shared.pool.lock()
            {
                p.push_back(vm);
            }
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

impl Runtime {
    /// Starts the sandbox and, when `pool_size > 0`, its background thread.
    pub fn new(config: RuntimeConfig) -> Result<Self, Error> {
        let vm_config = VmConfig {
            memory_limit_bytes: config.memory_limit_bytes,
            stack_size: config.stack_size,
            probe: config.probe.clone(),
        };
        let shared = Arc::new(Shared {
            pool: Mutex::new(VecDeque::new()),
        });
        let (tx, worker) = if config.pool_size > 0 {
            // Fail early if no VM can be built at all (the pool thread would fail silently).
            QuickJs::discard(
                QuickJs::new_vm(&vm_config).map_err(|reason| Error::Engine { reason })?,
            );
            let (tx, rx) = mpsc::channel();
            let (s, c, n) = (Arc::clone(&shared), vm_config.clone(), config.pool_size);
            let handle = std::thread::Builder::new()
                .name("mtpscript-pool".into())
                .spawn(move || worker(rx, s, c, n))
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

    /// VMs ready in the pool now.
    pub fn pool_len(&self) -> usize {
        self.shared.pool.lock().map(|p| p.len()).unwrap_or(0)
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

    /// A never-used VM: from the pool, or fresh when the pool is empty (MTP-090).
    fn take_vm(&self) -> Result<Vm, String> {
        let pooled = self.shared.pool.lock().ok().and_then(|mut p| p.pop_front());
        match pooled {
            Some(vm) => {
                let _ = self.send(Msg::Refill);
                Ok(vm)
            }
            None => QuickJs::new_vm(&self.vm_config),
        }
    }

    /// Runs one request: input check (MTP-070), seed (MTP-065), a fresh VM, the program, the
    /// canonical response (MTP-071..073), and the VM's discard (MTP-091).
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
        let mut vm = match self.take_vm() {
            Ok(vm) => vm,
            Err(reason) => return Response::from_error(&Error::Engine { reason }),
        };
        let job = Job {
            bytecode: &snap.bytecode,
            input_json: input.as_str(),
            gas_limit: gas.get(),
            seed: derive_seed(ctx, &snap.content_hash(), gas),
            deadline: self.config.deadline,
        };
        let run = QuickJs::execute(&mut vm, &job);
        let mut response = Response::from_outcome(run.outcome, gas, run.logs);
        if self.config.discard_inline {
            response.heap = Some(QuickJs::discard(vm));
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
        if let Ok(mut p) = self.shared.pool.lock() {
            for vm in p.drain(..) {
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
