//! QuorumVM services end to end: the real `quorate serve` binary started as processes on
//! loopback (a coordinator and N = 5 custodians, K = 3), each with its own SQLite file in a
//! temporary directory, driven over HTTP by a small blocking installer written here (not the
//! demo's), and killed with SIGKILL for the fault tests. Every test is named `e2e_*`, so
//! `cargo test e2e_` runs them.
//!
//! A custodian that returns wrong shares is one started with the test-only `fault` option of
//! its configuration (`quorumvm_service::custodian::Fault`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failure is a test failure

#[path = "support/process.rs"]
mod process;
#[path = "support/reply.rs"]
mod reply;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use field::Fp;
use quorumvm::deal::deal;
use quorumvm::eval::{Inputs, eval_clear};
use quorumvm::package::{Package, PolicyManifest, Program};
use quorumvm_service::wire::{self, InstallRequest, InstallationWire, RosterMember};
use serde_json::{Value, json};

use reply::Reply;
use shamir::Threshold;

use process::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_quorate");
const K: usize = 3;
const N: usize = 5;
/// The at-rest key of every custodian in these tests.
const KEY: &str = "6b6579206f6620746865207175726174652065326520746573747320666f7221";

/// The demo's example program: `((x + S_v)^2 + 7) * x`, two rounds.
const EXAMPLE: &str = include_str!("../src/commands/demo/example.qvm");

/// `(x + S_v)^7`: six rounds, to keep an evaluation in flight longer.
const DEEP: &str = "input x\nsecret s\nadd t0 = x s\nmul t1 = t0 t0\nmul t2 = t1 t0\n\
                    mul t3 = t2 t0\nmul t4 = t3 t0\nmul t5 = t4 t0\nmul t6 = t5 t0\noutput t6\n";

// ---------------------------------------------------------------------------------------------
// Processes and directories.

/// A `quorate serve` process, killed (SIGKILL) on drop.
struct Service {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    url: String,
    /// `127.0.0.1:PORT`.
    addr: String,
}

impl Service {
    /// Starts `quorate serve <role> --config <config> --listen <listen>` and waits for the
    /// line that tells the bound address.
    fn start(role: &str, config: &Path, listen: &str) -> Self {
        let (child, url) = process::serve(role, config, listen, KEY);
        let addr = url.trim_start_matches("http://").to_owned();
        let service = Self { child, url, addr };
        service.wait_healthy();
        service
    }

    fn wait_healthy(&self) {
        let client = client();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(r) = client.get(format!("{}/health", self.url)).send()
                && r.status().as_u16() == 200
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} never became healthy",
                self.url
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL, and wait for the process to be gone.
    fn kill(&mut self) {
        process::stop(&mut self.child);
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.kill();
    }
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn reply(response: reqwest::blocking::Response) -> Reply {
    let status = response.status().as_u16();
    let body = response.json().unwrap_or(Value::Null);
    Reply { status, body }
}

fn get(url: &str) -> Reply {
    reply(client().get(url).send().unwrap())
}

fn post(url: &str, body: &Value) -> Reply {
    reply(client().post(url).json(body).send().unwrap())
}

fn post_raw(url: &str, body: Vec<u8>, content_type: Option<&str>) -> Reply {
    let mut request = client().post(url).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    reply(request.send().unwrap())
}

/// `POST` over a raw connection: the body is written from another thread while the answer is
/// read, so a server that answers 413 before reading the whole body is still heard.
fn post_tcp(url: &str, body: Vec<u8>) -> Reply {
    let rest = url.trim_start_matches("http://");
    let (addr, path) = rest.split_once('/').unwrap();
    let stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let head = format!(
        "POST /{path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let writing = thread::spawn(move || {
        let _ = writer.write_all(head.as_bytes());
        let _ = writer.write_all(&body);
    });
    let mut reader = stream;
    let mut response = Vec::new();
    let mut buffer = [0u8; 8192];
    while let Ok(n) = reader.read(&mut buffer) {
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buffer[..n]);
    }
    let _ = reader.shutdown(Shutdown::Both);
    let _ = writing.join();
    let text = String::from_utf8_lossy(&response);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    Reply {
        status,
        body: serde_json::from_str(body).unwrap_or(Value::Null),
    }
}

/// A coordinator and five custodians, each a process with its database in `dir`.
struct Cluster {
    dir: TempDir,
    coordinator: Service,
    custodians: Vec<Service>,
}

impl Cluster {
    fn start(name: &str) -> Self {
        Self::start_with_fault(name, None)
    }

    /// A cluster whose custodian `x` runs with the test-only fault `fault` (its TOML name).
    fn start_with_fault(name: &str, faulty: Option<(u8, &str)>) -> Self {
        let dir = TempDir::new(name);
        let mut custodians = Vec::new();
        for x in 1..=N as u8 {
            let fault = faulty.filter(|(f, _)| *f == x).map(|(_, fault)| fault);
            let config = Self::custodian_config(&dir, x, fault);
            custodians.push(Service::start("custodian", &config, "127.0.0.1:0"));
        }
        let coordinator = Service::start(
            "coordinator",
            &Self::coordinator_config(&dir),
            "127.0.0.1:0",
        );
        Self {
            dir,
            coordinator,
            custodians,
        }
    }

    /// Writes custodian `x`'s configuration, with `fault` (a TOML name) when given.
    fn custodian_config(dir: &TempDir, x: u8, fault: Option<&str>) -> PathBuf {
        let config = dir.0.join(format!("custodian-{x}.toml"));
        let mut text = format!("x = {x}\ndatabase = \"custodian-{x}.sqlite\"\n");
        if let Some(fault) = fault {
            text.push_str(&format!("fault = \"{fault}\"\n"));
        }
        std::fs::write(&config, text).unwrap();
        config
    }

    fn coordinator_config(dir: &TempDir) -> PathBuf {
        let config = dir.0.join("coordinator.toml");
        std::fs::write(
            &config,
            format!(
                "k = {K}\nn = {N}\ndatabase = \"coordinator.sqlite\"\ncall_timeout_ms = 5000\n"
            ),
        )
        .unwrap();
        config
    }

    fn custodian(&mut self, x: u8) -> &mut Service {
        &mut self.custodians[usize::from(x) - 1]
    }

    fn kill_custodian(&mut self, x: u8) {
        self.custodian(x).kill();
    }

    /// Starts custodian `x` again from its database, on its old port.
    fn restart_custodian(&mut self, x: u8) {
        let config = self.dir.0.join(format!("custodian-{x}.toml"));
        self.kill_custodian(x);
        let addr = self.custodian(x).addr.clone();
        *self.custodian(x) = Service::start("custodian", &config, &addr);
    }

    /// Starts custodian `x` again from its database, on its old port, with `fault` (a TOML
    /// name) or none.
    fn restart_custodian_with_fault(&mut self, x: u8, fault: Option<&str>) {
        Self::custodian_config(&self.dir, x, fault);
        self.restart_custodian(x);
    }

    /// Starts the coordinator again from its database (on a new port).
    fn restart_coordinator(&mut self) {
        self.coordinator.kill();
        self.coordinator = Service::start(
            "coordinator",
            &self.dir.0.join("coordinator.toml"),
            "127.0.0.1:0",
        );
    }

    fn coordinator(&self, path: &str) -> String {
        format!("{}{path}", self.coordinator.url)
    }
}

// ---------------------------------------------------------------------------------------------
// The installer.

struct Installed {
    package: Package,
    secret: Fp,
}

impl Installed {
    fn id(&self) -> &str {
        self.package.program_id()
    }

    fn clear(&self, x: Fp) -> Fp {
        let program = self.package.program();
        let inputs = Inputs::new(program, &BTreeMap::from([("x".to_owned(), x)])).unwrap();
        eval_clear(program, &inputs, Some(self.secret)).unwrap()
    }
}

fn package(source: &str, cost: u64, budget: u64, per_minute: u64) -> Package {
    let program = Program::new(dsl::compile(source).unwrap());
    Package::build(
        program,
        PolicyManifest::new(cost, budget, per_minute).unwrap(),
        "1.0.0",
    )
    .unwrap()
}

/// Registers the custodians, deals, installs everywhere and registers the package.
fn install(cluster: &Cluster, package: Package, slots: u64) -> Installed {
    let mut keys = Vec::new();
    for service in &cluster.custodians {
        let health = get(&format!("{}/health", service.url)).ok();
        assert_eq!(health["role"], "custodian");
        let x = u8::try_from(health["x"].as_u64().unwrap()).unwrap();
        let key = health["public_key"].as_str().unwrap().to_owned();
        let registered = post(
            &cluster.coordinator("/custodians"),
            &json!({"x": x, "url": service.url, "public_key": key}),
        );
        assert!(matches!(registered.status, 200 | 201), "{registered:?}");
        keys.push((x, key));
    }
    let threshold = Threshold::new(K, N).unwrap();
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).unwrap();
    let mut drbg = canon::drbg::Drbg::new(&canon::hex::encode(&seed));
    let secret = Fp::random(&mut drbg);
    let installations = deal(
        package.program(),
        threshold,
        Some(secret),
        0..slots,
        &mut drbg,
    )
    .unwrap();
    let roster: Vec<RosterMember> = keys
        .iter()
        .map(|(x, key)| RosterMember {
            x: *x,
            public_key: key.clone(),
        })
        .collect();
    for (service, (x, _)) in cluster.custodians.iter().zip(&keys) {
        let request = InstallRequest {
            package: package.to_json(),
            installation: InstallationWire::new(&installations[usize::from(*x) - 1], threshold),
            roster: roster.clone(),
        };
        let answer = post(
            &format!("{}/install", service.url),
            &wire::to_json(&request),
        )
        .ok();
        assert_eq!(answer["program_id"], package.program_id());
    }
    let registered = post(
        &cluster.coordinator("/programs"),
        &json!({"package": package.to_json(), "slots": slots}),
    );
    assert_eq!(registered.status, 201, "{registered:?}");
    assert_eq!(registered.body["status"], "registered");
    Installed { package, secret }
}

/// Custodian `x`'s signed approval.
fn approval(cluster: &Cluster, installed: &Installed, x: u8) -> String {
    let url = &cluster.custodians[usize::from(x) - 1].url;
    let answer = post(
        &format!("{url}/approve"),
        &json!({"program_id": installed.id()}),
    )
    .ok();
    assert_eq!(answer["x"], x);
    answer["signature"].as_str().unwrap().to_owned()
}

/// Hands custodian `x`'s approval to the coordinator; returns the status body.
fn approve(cluster: &Cluster, installed: &Installed, x: u8) -> Value {
    let signature = approval(cluster, installed, x);
    post(
        &cluster.coordinator(&format!("/programs/{}/approvals", installed.id())),
        &json!({"x": x, "signature": signature}),
    )
    .ok()
}

fn approve_all(cluster: &Cluster, installed: &Installed) {
    for x in 1..=N as u8 {
        approve(cluster, installed, x);
    }
    let program = get(&cluster.coordinator(&format!("/programs/{}", installed.id()))).ok();
    assert_eq!(program["status"], "active");
}

fn eval(
    cluster: &Cluster,
    installed: &Installed,
    identity: &str,
    x: Fp,
    request_id: Option<&str>,
) -> Reply {
    let mut body = json!({
        "identity_id": identity,
        "program_id": installed.id(),
        "inputs": {"x": x.to_string()},
    });
    if let Some(id) = request_id {
        body["request_id"] = id.into();
    }
    post(&cluster.coordinator("/eval"), &body)
}

fn all_audit_entries(cluster: &Cluster) -> Vec<Value> {
    let mut entries = Vec::new();
    let mut offset = 0;
    loop {
        let page = get(&cluster.coordinator(&format!("/audit?offset={offset}&limit=100"))).ok();
        entries.extend(page["entries"].as_array().unwrap().iter().cloned());
        match page["next_offset"].as_u64() {
            Some(next) => offset = next,
            None => return entries,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The tests.

#[test]
fn e2e_install_activate_evaluate_deterministic_outputs() {
    let cluster = Cluster::start("e2e-eval");
    let installed = install(&cluster, package(EXAMPLE, 1, 100, 100), 16);
    for x in 1..=N as u8 {
        let status = approve(&cluster, &installed, x);
        let expected = if usize::from(x) >= K {
            "active"
        } else {
            "registered"
        };
        assert_eq!(status["status"], expected, "after approval {x}: {status}");
        assert_eq!(status["approvals"], x);
        assert_eq!(status["needed"], K);
    }
    let inputs = [
        "0",
        "1",
        "5",
        "-7",
        "170141183460469231731687303715884105726",
    ];
    for text in inputs {
        let x = Fp::parse(text).unwrap();
        let answer = eval(&cluster, &installed, "alice", x, None).ok();
        assert_eq!(
            answer["output"],
            installed.clear(x).to_string(),
            "x = {text}"
        );
        assert_eq!(answer["program_id"], installed.id());
        assert_eq!(answer["rounds"], 3);
        assert!(answer["custodians"].as_array().unwrap().len() >= K);
    }
    // The same input again: the same output (fresh input sharing, fresh triples).
    let again = eval(&cluster, &installed, "alice", Fp::from(5u64), None).ok();
    assert_eq!(again["output"], installed.clear(Fp::from(5u64)).to_string());
    let verify = get(&cluster.coordinator("/audit/verify")).ok();
    assert_eq!(verify["valid"], true, "{verify}");
}

#[test]
fn e2e_fewer_than_k_approvals_never_activate() {
    let cluster = Cluster::start("e2e-approvals");
    let installed = install(&cluster, package(EXAMPLE, 1, 100, 100), 4);
    let first = approve(&cluster, &installed, 1);
    assert_eq!(
        (first["status"].as_str(), first["approvals"].as_u64()),
        (Some("registered"), Some(1))
    );
    let second = approve(&cluster, &installed, 2);
    assert_eq!(
        (second["status"].as_str(), second["approvals"].as_u64()),
        (Some("registered"), Some(2))
    );
    // The same custodian again does not count.
    let repeat = approve(&cluster, &installed, 2);
    assert_eq!(
        (repeat["status"].as_str(), repeat["approvals"].as_u64()),
        (Some("registered"), Some(2))
    );
    // Custodian 1's signature presented as custodian 3's is refused.
    let forged = approval(&cluster, &installed, 1);
    post(
        &cluster.coordinator(&format!("/programs/{}/approvals", installed.id())),
        &json!({"x": 3, "signature": forged}),
    )
    .refused(403, "SVC_APPROVAL_INVALID");
    let status = get(&cluster.coordinator(&format!("/programs/{}", installed.id()))).ok();
    assert_eq!(status["status"], "registered");
    assert_eq!(status["approvals"], 2);

    eval(&cluster, &installed, "alice", Fp::from(1u64), None).refused(403, "SVC_NOT_ACTIVE");
    // The custodians refuse too: K - 1 approvals do not activate them, and they do not evaluate.
    let approvals: Vec<Value> = (1..=2u8)
        .map(|x| json!({"x": x, "signature": approval(&cluster, &installed, x)}))
        .collect();
    let custodian = &cluster.custodians[0].url;
    post(
        &format!("{custodian}/activate"),
        &json!({"program_id": installed.id(), "approvals": approvals}),
    )
    .refused(403, "SVC_APPROVALS_INSUFFICIENT");
    post(
        &format!("{custodian}/eval/begin"),
        &json!({"program_id": installed.id(), "request_id": "r", "slot": 0,
                "inputs": [{"wire": "x", "share": "1"}]}),
    )
    .refused(403, "SVC_NOT_ACTIVE");
}

#[test]
fn e2e_k_minus_one_custodians_is_503_and_not_charged() {
    let mut cluster = Cluster::start("e2e-quorum");
    // A budget of exactly one evaluation.
    let installed = install(&cluster, package(EXAMPLE, 1, 1, 100), 8);
    approve_all(&cluster, &installed);
    for x in [3, 4, 5] {
        cluster.kill_custodian(x);
    }
    for _ in 0..2 {
        let reply = eval(&cluster, &installed, "alice", Fp::from(9u64), None);
        reply.refused(503, "QVM_QUORUM_UNAVAILABLE");
    }
    for x in [3, 4, 5] {
        cluster.restart_custodian(x);
    }
    // The failures were not charged: the one evaluation the budget pays for still runs.
    let answer = eval(&cluster, &installed, "alice", Fp::from(9u64), None).ok();
    assert_eq!(
        answer["output"],
        installed.clear(Fp::from(9u64)).to_string()
    );
    assert_eq!(answer["budget_remaining"], 0);
    eval(&cluster, &installed, "alice", Fp::from(9u64), None).refused(402, "QVM_BUDGET_EXHAUSTED");
    let entries = all_audit_entries(&cluster);
    let failures = entries
        .iter()
        .filter(|e| e["outcome"] == "failure" && e["error"] == "QVM_QUORUM_UNAVAILABLE")
        .count();
    assert_eq!(failures, 2, "{entries:?}");
}

/// The custodians named in a `QVM_INCONSISTENT_SHARES` message (`… custodians [1, 2, 3] …`).
fn named_custodians(message: &str) -> Vec<u8> {
    let list = message
        .split_once("custodians [")
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(list, _)| list)
        .unwrap_or_else(|| panic!("no custodians named in {message:?}"));
    list.split(',').map(|x| x.trim().parse().unwrap()).collect()
}

/// QVM-043 end to end: custodian 4 of five answers wrong shares (the test-only `fault` option),
/// first its masked shares (round 1), then, restarted, its output share (round 3); every
/// custodian answers, so more than K shares reach the coordinator, which answers
/// `502 QVM_INCONSISTENT_SHARES` naming the custodians it combined and charges nothing. Restarted
/// honest, the same custodian lets the next evaluation succeed and be charged once.
#[test]
fn e2e_wrong_share_is_detected_when_more_than_k_answer() {
    let mut cluster =
        Cluster::start_with_fault("e2e-wrong-share", Some((4, "add_one_to_masked_shares")));
    let budget = 3;
    let installed = install(&cluster, package(EXAMPLE, 1, budget, 100), 16);
    approve_all(&cluster, &installed);
    let mut refused = 0;
    for (fault, round) in [
        ("add_one_to_masked_shares", 1),
        ("add_one_to_output_share", 3),
    ] {
        cluster.restart_custodian_with_fault(4, Some(fault));
        for x in [2u64, 11] {
            let reply = eval(&cluster, &installed, "mallory", Fp::from(x), None);
            reply.refused(502, "QVM_INCONSISTENT_SHARES");
            refused += 1;
            let message = reply.body["error"]["message"].as_str().unwrap();
            assert!(
                message.contains(&format!("round {round}:")),
                "{fault}: {message}"
            );
            let named = named_custodians(message);
            assert!(named.len() > K, "{fault}: more than K answered: {message}");
            assert!(
                named.contains(&4),
                "{fault}: the faulty custodian is named: {message}"
            );
            let mut distinct = named.clone();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(distinct.len(), named.len(), "{message}");
            assert!(named.iter().all(|x| (1..=N as u8).contains(x)), "{message}");
        }
    }
    // Nothing was charged: every failure is audited with the whole budget left.
    let entries = all_audit_entries(&cluster);
    let failures: Vec<&Value> = entries
        .iter()
        .filter(|e| e["outcome"] == "failure" && e["error"] == "QVM_INCONSISTENT_SHARES")
        .collect();
    assert_eq!(failures.len(), refused, "{entries:?}");
    assert!(
        failures.iter().all(|e| e["budget_remaining"] == budget),
        "{failures:?}"
    );
    assert!(
        !entries.iter().any(|e| e["outcome"] == "success"),
        "{entries:?}"
    );
    // Honest again: the evaluation succeeds and is the first one charged.
    cluster.restart_custodian_with_fault(4, None);
    let answer = eval(&cluster, &installed, "mallory", Fp::from(2u64), None).ok();
    assert_eq!(
        answer["output"],
        installed.clear(Fp::from(2u64)).to_string()
    );
    assert_eq!(answer["budget_remaining"], budget - 1);
    let verify = get(&cluster.coordinator("/audit/verify")).ok();
    assert_eq!(verify["valid"], true, "{verify}");
}

/// Evaluations from several client threads, timed; returns (start, end, reply) per evaluation.
type Timed = (Instant, Instant, Result<Reply, String>);
/// The client threads of [`load`]: per evaluation, `x`, the request id and its [`Timed`] reply.
type LoadThreads = Vec<thread::JoinHandle<Vec<(u64, String, Timed)>>>;

fn load(
    cluster_url: String,
    program_id: String,
    identity: &'static str,
    threads: usize,
    stop: Arc<AtomicBool>,
    counter: Arc<AtomicU64>,
) -> LoadThreads {
    (0..threads)
        .map(|t| {
            let (url, program_id, stop, counter) = (
                cluster_url.clone(),
                program_id.clone(),
                Arc::clone(&stop),
                Arc::clone(&counter),
            );
            thread::spawn(move || {
                let client = client();
                let mut done = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    let i = counter.fetch_add(1, Ordering::SeqCst);
                    let request_id = format!("load-{t}-{i}");
                    let body = json!({"identity_id": identity, "program_id": program_id,
                                      "inputs": {"x": i.to_string()}, "request_id": request_id});
                    let start = Instant::now();
                    let result = client
                        .post(format!("{url}/eval"))
                        .json(&body)
                        .send()
                        .map(reply)
                        .map_err(|e| e.to_string());
                    let failed = result.is_err();
                    done.push((i, request_id, (start, Instant::now(), result)));
                    if failed {
                        break;
                    }
                }
                done
            })
        })
        .collect()
}

/// Three client threads of [`load`] evaluating `installed` through the coordinator as `load`;
/// returns the flag that stops them, the count of evaluations they started, and the threads.
fn start_load(
    cluster: &Cluster,
    installed: &Installed,
) -> (Arc<AtomicBool>, Arc<AtomicU64>, LoadThreads) {
    let stop = Arc::new(AtomicBool::new(false));
    let counter = Arc::new(AtomicU64::new(0));
    let threads = load(
        cluster.coordinator.url.clone(),
        installed.id().to_owned(),
        "load",
        3,
        Arc::clone(&stop),
        Arc::clone(&counter),
    );
    (stop, counter, threads)
}

#[test]
fn e2e_custodian_killed_mid_evaluation_finishes_from_the_others() {
    let mut cluster = Cluster::start("e2e-kill-custodian");
    let installed = install(&cluster, package(DEEP, 1, 1 << 40, 1 << 40), 100);
    approve_all(&cluster, &installed);
    let (stop, counter, threads) = start_load(&cluster, &installed);
    while counter.load(Ordering::SeqCst) < 10 {
        thread::sleep(Duration::from_millis(5));
    }
    let killed_at = Instant::now();
    cluster.kill_custodian(5);
    let killed_done = Instant::now();
    let target = counter.load(Ordering::SeqCst) + 20;
    while counter.load(Ordering::SeqCst) < target {
        thread::sleep(Duration::from_millis(5));
    }
    stop.store(true, Ordering::SeqCst);
    let mut in_flight = 0;
    let mut total = 0;
    for handle in threads {
        for (i, _, (start, end, result)) in handle.join().unwrap() {
            let reply = result.unwrap_or_else(|e| panic!("evaluation {i}: {e}"));
            let answer = reply.ok();
            assert_eq!(
                answer["output"],
                installed.clear(Fp::from(i)).to_string(),
                "x = {i}"
            );
            total += 1;
            if start < killed_at && end > killed_done {
                in_flight += 1;
            }
        }
    }
    assert!(total >= 30, "{total} evaluations");
    assert!(
        in_flight >= 1,
        "no evaluation was in flight when custodian 5 was killed"
    );
}

#[test]
fn e2e_coordinator_killed_under_load_keeps_audit_and_budgets() {
    let mut cluster = Cluster::start("e2e-kill-coordinator");
    let budget = 60;
    let installed = install(&cluster, package(EXAMPLE, 1, budget, 1 << 40), 200);
    approve_all(&cluster, &installed);
    let (stop, counter, threads) = start_load(&cluster, &installed);
    while counter.load(Ordering::SeqCst) < 15 {
        thread::sleep(Duration::from_millis(2));
    }
    cluster.coordinator.kill();
    stop.store(true, Ordering::SeqCst);
    let mut acknowledged = Vec::new();
    for handle in threads {
        for (_, request_id, (_, _, result)) in handle.join().unwrap() {
            if let Ok(reply) = result {
                acknowledged.push((request_id, reply));
            }
        }
    }
    let charged_before = acknowledged.iter().filter(|(_, r)| r.status == 200).count() as u64;
    assert!(
        charged_before >= 5,
        "{charged_before} acknowledged evaluations"
    );

    cluster.restart_coordinator();
    let verify = get(&cluster.coordinator("/audit/verify")).ok();
    assert_eq!(verify["valid"], true, "{verify}");
    let entries = all_audit_entries(&cluster);
    assert_eq!(verify["count"], entries.len());
    for (request_id, reply) in &acknowledged {
        let recorded = entries
            .iter()
            .filter(|e| e["request_id"] == request_id.as_str())
            .collect::<Vec<_>>();
        assert!(
            !recorded.is_empty(),
            "acknowledged {request_id} ({}) is not in the audit log",
            reply.status
        );
        if reply.status == 200 {
            assert!(
                recorded.iter().any(|e| e["outcome"] == "success"),
                "{request_id}: {recorded:?}"
            );
        }
    }
    // Budgets are not reset: what is left after the restart pays for at most the rest.
    let mut charged_after = 0u64;
    loop {
        let reply = eval(&cluster, &installed, "load", Fp::from(7u64), None);
        match reply.status {
            200 => charged_after += 1,
            _ => {
                reply.refused(402, "QVM_BUDGET_EXHAUSTED");
                break;
            }
        }
        assert!(charged_after <= budget, "the budget never ran out");
    }
    assert!(
        charged_before + charged_after <= budget,
        "{charged_before} before the kill + {charged_after} after > the budget of {budget}"
    );
    assert!(
        charged_after < budget - 4,
        "the budget looks reset: {charged_after} after"
    );
}

#[test]
fn e2e_replayed_request_ids_are_refused() {
    let mut cluster = Cluster::start("e2e-replay");
    let slots = 8;
    let installed = install(&cluster, package(EXAMPLE, 1, 100, 100), slots);
    approve_all(&cluster, &installed);
    let x = Fp::from(3u64);
    let answer = eval(&cluster, &installed, "alice", x, Some("request-1")).ok();
    assert_eq!(answer["request_id"], "request-1");
    let replay = eval(&cluster, &installed, "alice", x, Some("request-1"));
    replay.refused(409, "QVM_REQUEST_REPLAYED");
    // Another identity cannot reuse it either.
    eval(&cluster, &installed, "bob", x, Some("request-1")).refused(409, "QVM_REQUEST_REPLAYED");

    // At a custodian: a request id is used once, a slot's triples once, across a restart.
    let begin = |url: &str, request_id: &str, slot: u64| {
        post(
            &format!("{url}/eval/begin"),
            &json!({"program_id": installed.id(), "request_id": request_id, "slot": slot,
                    "inputs": [{"wire": "x", "share": "12"}]}),
        )
    };
    let url = cluster.custodians[0].url.clone();
    let last = slots - 1;
    let first = begin(&url, "direct-1", last);
    assert_eq!(first.status, 200, "{first:?}");
    begin(&url, "direct-1", last - 1).refused(409, "QVM_REQUEST_REPLAYED");
    begin(&url, "direct-2", last).refused(409, "QVM_TRIPLE_REUSED");
    cluster.restart_custodian(1);
    let url = cluster.custodians[0].url.clone();
    begin(&url, "direct-1", last - 1).refused(409, "QVM_REQUEST_REPLAYED");
    begin(&url, "direct-3", last).refused(409, "QVM_TRIPLE_REUSED");
    // The coordinator's own request ids reached the custodians and are remembered there too.
    begin(&url, "request-1", last - 1).refused(409, "QVM_REQUEST_REPLAYED");
}

#[test]
fn e2e_oversized_and_malformed_bodies_get_4xx() {
    let cluster = Cluster::start("e2e-bodies");
    let installed = install(&cluster, package(EXAMPLE, 1, 100, 100), 2);
    let program = installed.id();
    let coordinator_routes = [
        "/custodians".to_owned(),
        "/programs".to_owned(),
        format!("/programs/{program}/approvals"),
        "/eval".to_owned(),
    ];
    let custodian_routes = [
        "/install",
        "/approve",
        "/activate",
        "/eval/begin",
        "/eval/open",
        "/eval/batch",
    ];
    let mut urls: Vec<String> = coordinator_routes
        .iter()
        .map(|r| cluster.coordinator(r))
        .collect();
    for route in custodian_routes {
        urls.push(format!("{}{route}", cluster.custodians[0].url));
    }
    let big = {
        let mut body = br#"{"pad":""#.to_vec();
        body.extend(std::iter::repeat_n(b'a', 2 << 20));
        body.extend(br#""}"#);
        body
    };
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes();
    let malformed: Vec<(&str, Vec<u8>)> = vec![
        ("not JSON", b"{not json".to_vec()),
        ("empty", Vec::new()),
        ("an array", b"[]".to_vec()),
        ("wrong types", br#"{"x":"one","url":7,"program_id":5,"package":1,"slots":"s","identity_id":[],"inputs":3,"signature":false,"installation":1,"roster":2,"approvals":3,"request_id":4,"slot":"s","round":"r","openings":1,"messages":{}}"#.to_vec()),
        ("invalid UTF-8", b"{\"x\":\"\xff\xfe\"}".to_vec()),
        ("a huge number", format!("{{\"x\": 1{}}}", "0".repeat(5000)).into_bytes()),
        ("deep nesting", deep),
        ("truncated", br#"{"program_id": "abc"#.to_vec()),
    ];
    for url in &urls {
        let too_large = post_tcp(url, big.clone());
        too_large.refused(413, "SVC_BODY_TOO_LARGE");
        for (what, body) in &malformed {
            let reply = post_raw(url, body.clone(), Some("application/json"));
            assert!(
                (400..500).contains(&reply.status),
                "{url}: {what}: {} {:?}",
                reply.status,
                reply.body
            );
            assert!(
                reply.body["error"]["code"].is_string()
                    && reply.body["error"]["message"].is_string(),
                "{url}: {what}: the error body is {:?}",
                reply.body
            );
        }
        // Without a content type, a malformed body is still a 4xx.
        let reply = post_raw(url, b"{".to_vec(), None);
        assert!((400..500).contains(&reply.status), "{url}: {reply:?}");
    }
    // Bad queries, unknown routes and programs, wrong methods.
    let bad = [
        get(&cluster.coordinator("/audit?offset=abc")),
        get(&cluster.coordinator("/audit?limit=-1")),
        get(&cluster.coordinator("/nowhere")),
        get(&cluster.coordinator("/programs/0000")),
        get(&cluster.coordinator("/eval")),
        get(&format!("{}/install", cluster.custodians[0].url)),
    ];
    for reply in bad {
        assert!((400..500).contains(&reply.status), "{reply:?}");
    }
    // Inputs that do not fit the program: 422, and nothing is charged or consumed.
    approve_all(&cluster, &installed);
    for inputs in [
        json!({}),
        json!({"x": "1", "y": "2"}),
        json!({"x": "not a number"}),
        json!({"x": 1.5}),
        json!({"x": 9_007_199_254_740_993u64}),
    ] {
        let reply = post(
            &cluster.coordinator("/eval"),
            &json!({"identity_id": "alice", "program_id": program, "inputs": inputs}),
        );
        assert!(
            matches!(reply.status, 400 | 422),
            "inputs {inputs}: {reply:?}"
        );
    }
    // Every service is still up and evaluates.
    let answer = eval(&cluster, &installed, "alice", Fp::from(2u64), None).ok();
    assert_eq!(
        answer["output"],
        installed.clear(Fp::from(2u64)).to_string()
    );
}

#[test]
fn e2e_serve_refuses_a_missing_or_wrong_key_and_stops_on_sigterm() {
    let dir = TempDir::new("e2e-serve");
    let config = dir.0.join("custodian.toml");
    std::fs::write(&config, "x = 1\ndatabase = \"custodian.sqlite\"\n").unwrap();
    let run = |key: Option<&str>| {
        let mut command = Command::new(BIN);
        command
            .args(["serve", "custodian", "--config"])
            .arg(&config)
            .args(["--listen", "127.0.0.1:0"])
            .env_remove("QUORATE_AT_REST_KEY");
        if let Some(key) = key {
            command.env("QUORATE_AT_REST_KEY", key);
        }
        command.output().unwrap()
    };
    let missing = run(None);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("SVC_KEY_MISSING"));

    // First start with the right key creates the database; SIGTERM stops it cleanly.
    let service = Service::start("custodian", &config, "127.0.0.1:0");
    let pid = service.child.id().to_string();
    let mut service = service;
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let exit = service.child.wait().unwrap();
    assert_eq!(
        exit.code(),
        Some(0),
        "SIGTERM must stop the service gracefully"
    );

    let wrong = run(Some(&"ab".repeat(32)));
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&wrong.stderr).contains("SVC_KEY_WRONG"),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );
}

#[test]
fn e2e_demo_runs_in_process_and_exits_zero() {
    let output = Command::new(BIN).arg("demo").output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for expected in [
        "program_id = ",
        "status ACTIVE",
        "503 QVM_QUORUM_UNAVAILABLE",
        "429 QVM_RATE_LIMITED",
        "402 QVM_BUDGET_EXHAUSTED",
        "head hash ",
        "demo: every step happened as narrated",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}
