//! Temporary directories, custodians on them, requests through the router, the example
//! programs and their dealing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use canon::drbg::Drbg;
use field::Fp;
use quorumvm::deal::Installation;
use quorumvm::package::{Package, PolicyManifest, Program};
use quorumvm_service::custodian::{self, AppState, Config};
use quorumvm_service::wire::{self, InstallationWire, RosterMember};
use serde_json::{Value, json};
use service_kit::ServiceError;
use shamir::Threshold;
use tower::ServiceExt;

/// `(x + 7)^2`: one secure multiplication, no secret.
pub(crate) const EXAMPLE: &str = "input x\nconst c = 7\nadd t = x c\nmul y = t t\noutput y\n";
/// `2 * ((x * s) + 3) * x`: a secret and two rounds.
pub(crate) const WITH_SECRET: &str = "input x\nsecret s\nconst three = 3\nconst two = 2\nmul xs = x s\nadd u = xs three\nmul v = u x\nmul y = v two\noutput y\n";
/// A fixed at-rest key.
pub(crate) const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// A directory removed when dropped.
pub(crate) struct Dir(PathBuf);

impl Dir {
    pub(crate) fn new(name: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "quorate-custodian-{name}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    /// Every byte of every file in the directory (the database, its WAL).
    pub(crate) fn all_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&self.0).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                out.extend(std::fs::read(path).unwrap());
            }
        }
        out
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The config of custodian `x` in `dir`, with `key` written to its key file.
pub(crate) fn config(dir: &Dir, x: u8, key: &str) -> Config {
    let key_file = dir.path().join("at-rest.key");
    std::fs::write(&key_file, format!("{key}\n")).unwrap();
    Config {
        x,
        database: dir.path().join("custodian.sqlite"),
        at_rest_key_file: Some(key_file),
        fault: None,
    }
}

/// A custodian on its own directory.
pub(crate) struct Node {
    pub(crate) x: u8,
    pub(crate) state: AppState,
    pub(crate) router: Router,
    pub(crate) dir: Dir,
}

impl Node {
    pub(crate) fn start(x: u8) -> Self {
        Self::open(Dir::new(&format!("x{x}")), x).unwrap()
    }

    pub(crate) fn open(dir: Dir, x: u8) -> Result<Self, ServiceError> {
        let state = AppState::open(&config(&dir, x, KEY))?;
        Ok(Self {
            x,
            router: custodian::router(state.clone()),
            state,
            dir,
        })
    }

    /// Drops the state (closing the database) and opens it again from the same directory.
    pub(crate) fn restart(self) -> Self {
        let Self { x, dir, .. } = self;
        Self::open(dir, x).unwrap()
    }

    pub(crate) fn public_key_hex(&self) -> String {
        canon::hex::encode(&self.state.public_key())
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        send(&self.router, "POST", path, body.to_string().into_bytes()).await
    }

    pub(crate) async fn get(&self, path: &str) -> (u16, Value) {
        send(&self.router, "GET", path, Vec::new()).await
    }
}

/// One request through the router: the status and the JSON body.
pub(crate) async fn send(router: &Router, method: &str, path: &str, body: Vec<u8>) -> (u16, Value) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, value)
}

/// Asserts an error answer: the status and `{"error": {"code", "message"}}` with the code.
pub(crate) fn assert_error(answer: &(u16, Value), status: u16, code: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert_eq!(answer.1["error"]["code"], code, "{}", answer.1);
    assert!(answer.1["error"]["message"].is_string(), "{}", answer.1);
}

pub(crate) fn package(source: &str) -> Package {
    let ir = dsl::compile(source).unwrap();
    Package::build(
        Program::new(ir),
        PolicyManifest::new(1, 100, 10).unwrap(),
        "1.0.0",
    )
    .unwrap()
}

/// A program installed at n custodians with a (k, n) threshold.
pub(crate) struct Cluster {
    pub(crate) package: Package,
    pub(crate) threshold: Threshold,
    pub(crate) installations: Vec<Installation>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) secret: Option<Fp>,
}

impl Cluster {
    /// Starts n custodians and deals `slots` slots (not installed yet).
    pub(crate) fn new(source: &str, k: usize, n: usize, slots: u64) -> Self {
        let package = package(source);
        let threshold = Threshold::new(k, n).unwrap();
        let secret = package
            .program()
            .secret_manifest()
            .wire()
            .map(|_| Fp::new(123_456_789_012_345_678_901));
        let mut drbg = Drbg::new("custodian tests");
        let installations =
            quorumvm::deal::deal(package.program(), threshold, secret, 0..slots, &mut drbg)
                .unwrap();
        let nodes = (1..=n).map(|x| Node::start(x as u8)).collect();
        Self {
            package,
            threshold,
            installations,
            nodes,
            secret,
        }
    }

    pub(crate) fn program_id(&self) -> &str {
        self.package.program_id()
    }

    pub(crate) fn roster(&self) -> Vec<RosterMember> {
        self.nodes
            .iter()
            .map(|node| RosterMember {
                x: node.x,
                public_key: node.public_key_hex(),
            })
            .collect()
    }

    /// The install body of custodian x (index x - 1 of the dealing).
    pub(crate) fn install_body(&self, x: u8) -> Value {
        json!({
            "package": self.package.to_json(),
            "installation": wire::to_json(&InstallationWire::new(
                &self.installations[usize::from(x) - 1],
                self.threshold,
            )),
            "roster": wire::to_json(&self.roster()),
        })
    }

    pub(crate) fn node(&self, x: u8) -> &Node {
        &self.nodes[usize::from(x) - 1]
    }

    pub(crate) async fn install_all(&self) {
        for node in &self.nodes {
            let answer = node.post("/install", self.install_body(node.x)).await;
            assert_eq!(answer.0, 200, "{}", answer.1);
        }
    }

    /// The approvals of the custodians `xs`.
    pub(crate) async fn approvals(&self, xs: &[u8]) -> Vec<Value> {
        let mut out = Vec::new();
        for &x in xs {
            let (status, body) = self
                .node(x)
                .post("/approve", json!({ "program_id": self.program_id() }))
                .await;
            assert_eq!(status, 200, "{body}");
            out.push(json!({ "x": x, "signature": body["signature"] }));
        }
        out
    }

    /// Installs and activates everywhere with the approvals of 1..=k.
    pub(crate) async fn activate_all(&self) {
        self.install_all().await;
        let xs: Vec<u8> = (1..=self.threshold.k() as u8).collect();
        let approvals = self.approvals(&xs).await;
        for node in &self.nodes {
            let answer = node
                .post(
                    "/activate",
                    json!({ "program_id": self.program_id(), "approvals": approvals }),
                )
                .await;
            assert_eq!(answer.0, 200, "{}", answer.1);
        }
    }

    pub(crate) fn inputs(&self, x: i64) -> quorumvm::eval::Inputs {
        let mut values = BTreeMap::new();
        values.insert("x".to_owned(), Fp::from_i64(x));
        quorumvm::eval::Inputs::new(self.package.program(), &values).unwrap()
    }
}
