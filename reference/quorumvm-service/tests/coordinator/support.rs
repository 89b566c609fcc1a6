//! A deployment on loopback for the coordinator's tests: real custodians (`custodian::serve`)
//! and the coordinator (`coordinator::serve`), each in this process on its own port, with
//! their databases in a temporary directory.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use canon::drbg::Drbg;
use quorumvm::deal::deal;
use quorumvm::package::{Package, PolicyManifest, Program};
use quorumvm_service::wire::{InstallationWire, RosterMember};
use quorumvm_service::{coordinator, custodian};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use service_kit::ServiceError;
use shamir::Threshold;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// `(x + 7)^2`: one secure multiplication, two rounds.
pub(crate) const EXAMPLE: &str = "input x\nconst c = 7\nadd t = x c\nmul y = t t\noutput y\n";

/// A temporary directory, removed on drop.
#[derive(Debug)]
pub(crate) struct Dir(pub PathBuf);

impl Dir {
    pub(crate) fn new(name: &str) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let unique = format!(
            "quorate-coordinator-{name}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(unique);
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A service running on a loopback port until stopped.
#[derive(Debug)]
pub(crate) struct Server {
    pub(crate) url: String,
    shutdown: Option<oneshot::Sender<()>>,
    handle: JoinHandle<Result<(), ServiceError>>,
}

impl Server {
    /// Stops the service gracefully and waits until it has released its database.
    pub(crate) async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        (&mut self.handle).await.unwrap().unwrap();
    }
}

async fn listen() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    (listener, url)
}

/// Starts a coordinator with `config`.
pub(crate) async fn start_coordinator(config: coordinator::Config) -> Server {
    let (listener, url) = listen().await;
    let (tx, rx) = oneshot::channel();
    let handle = tokio::spawn(coordinator::serve(listener, config, async {
        let _ = rx.await;
    }));
    let server = Server {
        url,
        shutdown: Some(tx),
        handle,
    };
    wait_healthy(&server.url).await;
    server
}

/// Starts custodian `x` with its database in `dir`.
pub(crate) async fn start_custodian(dir: &Path, x: u8) -> Server {
    let key = dir.join("at-rest.key");
    if !key.exists() {
        std::fs::write(&key, format!("{}\n", "5a".repeat(32))).unwrap();
    }
    let config = custodian::Config {
        x,
        database: dir.join(format!("custodian-{x}.sqlite")),
        at_rest_key_file: Some(key),
        fault: None,
    };
    let (listener, url) = listen().await;
    let (tx, rx) = oneshot::channel();
    let handle = tokio::spawn(custodian::serve(listener, config, async {
        let _ = rx.await;
    }));
    let server = Server {
        url,
        shutdown: Some(tx),
        handle,
    };
    wait_healthy(&server.url).await;
    server
}

async fn wait_healthy(url: &str) {
    for _ in 0..200 {
        if let Ok(r) = reqwest::get(format!("{url}/health")).await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("{url} did not become healthy");
}

/// An HTTP answer: status, JSON body (`Null` when not JSON), headers.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Value,
    pub(crate) headers: HeaderMap,
}

impl Answer {
    /// The error code of an error answer.
    pub(crate) fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// Asserts the status and, for an error, that the body has the error shape with `code`.
    #[track_caller]
    pub(crate) fn expect_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{:?}", self.body);
        assert_eq!(self.code(), code, "{:?}", self.body);
        assert!(self.body["error"]["message"].is_string(), "{:?}", self.body);
    }
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        body,
        headers,
    }
}

pub(crate) async fn post(url: &str, body: &Value) -> Answer {
    let response = reqwest::Client::new()
        .post(url)
        .json(body)
        .send()
        .await
        .unwrap();
    answer(response).await
}

pub(crate) async fn post_raw(url: &str, body: Vec<u8>) -> Answer {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    answer(response).await
}

pub(crate) async fn get(url: &str) -> Answer {
    answer(reqwest::get(url).await.unwrap()).await
}

/// A policy manifest.
pub(crate) fn policy(cost: u64, budget: u64, per_minute: u64) -> PolicyManifest {
    PolicyManifest::new(cost, budget, per_minute).unwrap()
}

/// The package of a DSL program under a policy.
pub(crate) fn package(source: &str, policy: PolicyManifest) -> Package {
    Package::build(Program::new(dsl::compile(source).unwrap()), policy, "1.0.0").unwrap()
}

/// Custodians 1..=n, a coordinator for (k, n), every custodian registered, and a program
/// installed everywhere with `slots` evaluation slots and registered at the coordinator.
#[derive(Debug)]
pub(crate) struct Deployment {
    pub(crate) dir: Dir,
    pub(crate) k: usize,
    pub(crate) n: usize,
    pub(crate) coordinator: Option<Server>,
    pub(crate) custodians: Vec<Option<Server>>,
    pub(crate) public_keys: Vec<String>,
    pub(crate) package: Package,
    pub(crate) program_id: String,
    /// The coordinator's call timeout, used when it is (re)started.
    pub(crate) call_timeout_ms: u64,
}

impl Deployment {
    pub(crate) async fn new(name: &str, k: usize, n: usize, package: Package, slots: u64) -> Self {
        let dir = Dir::new(name);
        let mut custodians = Vec::new();
        let mut public_keys = Vec::new();
        for x in 1..=n {
            let server = start_custodian(dir.path(), u8::try_from(x).unwrap()).await;
            let health = get(&format!("{}/health", server.url)).await;
            public_keys.push(health.body["public_key"].as_str().unwrap().to_owned());
            custodians.push(Some(server));
        }
        let coordinator = start_coordinator(Self::config_for(&dir, k, n)).await;
        let program_id = package.program_id().to_owned();
        let deployment = Self {
            dir,
            k,
            n,
            coordinator: Some(coordinator),
            custodians,
            public_keys,
            package,
            program_id,
            call_timeout_ms: 2_000,
        };
        for x in 1..=n {
            let a = deployment.register_custodian(x).await;
            assert_eq!(a.status, 201, "{:?}", a.body);
        }
        deployment.install(slots).await;
        let a = post(
            &deployment.at("/programs"),
            &json!({"package": deployment.package.to_json(), "slots": slots}),
        )
        .await;
        assert_eq!(a.status, 201, "{:?}", a.body);
        assert_eq!(a.body["program_id"], deployment.program_id.as_str());
        assert_eq!(a.body["status"], "registered");
        deployment
    }

    pub(crate) fn config_for(dir: &Dir, k: usize, n: usize) -> coordinator::Config {
        coordinator::Config {
            k,
            n,
            database: dir.path().join("coordinator.sqlite"),
            call_timeout_ms: 2_000,
        }
    }

    pub(crate) fn config(&self) -> coordinator::Config {
        coordinator::Config {
            call_timeout_ms: self.call_timeout_ms,
            ..Self::config_for(&self.dir, self.k, self.n)
        }
    }

    /// The coordinator URL of `path`.
    pub(crate) fn at(&self, path: &str) -> String {
        format!("{}{path}", self.coordinator.as_ref().unwrap().url)
    }

    pub(crate) fn custodian_url(&self, x: usize) -> String {
        self.custodians[x - 1].as_ref().unwrap().url.clone()
    }

    pub(crate) async fn register_custodian(&self, x: usize) -> Answer {
        post(
            &self.at("/custodians"),
            &json!({"x": x, "url": self.custodian_url(x), "public_key": self.public_keys[x - 1]}),
        )
        .await
    }

    /// Deals slots `0..slots` and installs the program at every custodian.
    async fn install(&self, slots: u64) {
        let threshold = Threshold::new(self.k, self.n).unwrap();
        let mut drbg = Drbg::new("coordinator tests: dealing");
        let installations =
            deal(self.package.program(), threshold, None, 0..slots, &mut drbg).unwrap();
        let roster: Vec<RosterMember> = (1..=self.n)
            .map(|x| RosterMember {
                x: u8::try_from(x).unwrap(),
                public_key: self.public_keys[x - 1].clone(),
            })
            .collect();
        for installation in &installations {
            let x = usize::from(installation.x);
            let body = json!({
                "package": self.package.to_json(),
                "installation": InstallationWire::new(installation, threshold),
                "roster": roster,
            });
            let a = post(&format!("{}/install", self.custodian_url(x)), &body).await;
            assert_eq!(a.status, 200, "install at {x}: {:?}", a.body);
        }
    }

    /// Custodian x's signature of its approval of the program.
    pub(crate) async fn signature(&self, x: usize) -> String {
        let a = post(
            &format!("{}/approve", self.custodian_url(x)),
            &json!({"program_id": self.program_id}),
        )
        .await;
        assert_eq!(a.status, 200, "{:?}", a.body);
        a.body["signature"].as_str().unwrap().to_owned()
    }

    /// Submits custodian x's approval to the coordinator.
    pub(crate) async fn approve(&self, x: usize) -> Answer {
        let signature = self.signature(x).await;
        self.submit_approval(x, &signature).await
    }

    pub(crate) async fn submit_approval(&self, x: usize, signature: &str) -> Answer {
        post(
            &self.at(&format!("/programs/{}/approvals", self.program_id)),
            &json!({"x": x, "signature": signature}),
        )
        .await
    }

    /// Approvals from custodians 1..=k: the program is active.
    pub(crate) async fn activate(&self) {
        for x in 1..=self.k {
            let a = self.approve(x).await;
            assert_eq!(a.status, 200, "{:?}", a.body);
        }
    }

    pub(crate) async fn eval(
        &self,
        identity: &str,
        inputs: Value,
        request_id: Option<&str>,
    ) -> Answer {
        let mut body =
            json!({"identity_id": identity, "program_id": self.program_id, "inputs": inputs});
        if let Some(id) = request_id {
            body["request_id"] = id.into();
        }
        post(&self.at("/eval"), &body).await
    }

    pub(crate) async fn stop_custodian(&mut self, x: usize) {
        if let Some(server) = self.custodians[x - 1].take() {
            server.stop().await;
        }
    }

    /// Restarts custodian x (same database) and registers its new URL.
    pub(crate) async fn restart_custodian(&mut self, x: usize) {
        self.stop_custodian(x).await;
        let server = start_custodian(self.dir.path(), u8::try_from(x).unwrap()).await;
        self.custodians[x - 1] = Some(server);
        let a = self.register_custodian(x).await;
        assert_eq!(a.status, 200, "{:?}", a.body);
    }

    /// Stops the coordinator and starts it again on the same database.
    pub(crate) async fn restart_coordinator(&mut self) {
        if let Some(server) = self.coordinator.take() {
            server.stop().await;
        }
        self.coordinator = Some(start_coordinator(self.config()).await);
    }

    pub(crate) async fn stop(mut self) {
        if let Some(server) = self.coordinator.take() {
            server.stop().await;
        }
        for server in self.custodians.iter_mut().filter_map(Option::take) {
            server.stop().await;
        }
    }

    /// Every audit entry.
    pub(crate) async fn audit(&self) -> Vec<Value> {
        let mut entries = Vec::new();
        let mut offset = 0;
        loop {
            let a = get(&self.at(&format!("/audit?offset={offset}&limit=1000"))).await;
            assert_eq!(a.status, 200, "{:?}", a.body);
            entries.extend(a.body["entries"].as_array().unwrap().iter().cloned());
            match a.body["next_offset"].as_u64() {
                Some(next) => offset = next,
                None => return entries,
            }
        }
    }
}
