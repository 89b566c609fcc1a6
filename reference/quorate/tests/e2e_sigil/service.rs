//! The service under test: one `quorate serve sigil` process with its configuration (`k` of the
//! test's witnesses, an optional test-only fault) and SQLite file in its own directory, and the
//! requests the tests make of it.

use std::path::PathBuf;
use std::process::Child;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sigil::keys::{KeyHistory, KeyInfo, Signer};
use sigil::record;

use crate::process::{self, TempDir};
use crate::reply::Reply;
use crate::{KEK, get, get_with, post, witness};

/// A `quorate serve sigil` process with its directory; killed (SIGKILL) on drop.
pub(crate) struct Sigil {
    child: Option<Child>,
    url: String,
    pub(crate) dir: TempDir,
}

impl Sigil {
    /// A fresh service: `k` of the first `n` test witnesses, an optional fault.
    pub(crate) fn start(name: &str, k: usize, n: u8, fault: Option<&str>) -> Self {
        let dir = TempDir::new(name);
        Self::write_config(&dir, k, n, fault);
        let mut sigil = Self {
            child: None,
            url: String::new(),
            dir,
        };
        sigil.restart();
        sigil
    }

    fn write_config(dir: &TempDir, k: usize, n: u8, fault: Option<&str>) {
        let witnesses: Vec<String> = (0..n)
            .map(|i| format!("\"{}\"", witness(i).pub_key()))
            .collect();
        let mut text = format!(
            "database = \"sigil.sqlite\"\nk = {k}\nwitnesses = [{}]\n",
            witnesses.join(", ")
        );
        if let Some(fault) = fault {
            text.push_str(&format!("fault = \"{fault}\"\n"));
        }
        std::fs::write(dir.0.join("sigil.toml"), text).unwrap();
    }

    pub(crate) fn config(&self) -> PathBuf {
        self.dir.0.join("sigil.toml")
    }

    pub(crate) fn database(&self) -> PathBuf {
        self.dir.0.join("sigil.sqlite")
    }

    /// (Re)starts the process on a free port and waits until it is healthy.
    pub(crate) fn restart(&mut self) {
        self.kill();
        let (child, url) = process::serve("sigil", &self.config(), "127.0.0.1:0", KEK);
        self.child = Some(child);
        self.url = url;
        let deadline = Instant::now() + Duration::from_secs(20);
        while get(&format!("{}/health", self.url)).status != 200 {
            assert!(Instant::now() < deadline, "sigil never became healthy");
            thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            process::stop(&mut child);
        }
    }

    pub(crate) fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    pub(crate) fn check(&self, request: &Value) -> Reply {
        post(&self.at("/trust/check"), request, &[])
    }

    pub(crate) fn audit(&self, decision_id: &str) -> Reply {
        get(&self.at(&format!("/audit/{decision_id}")))
    }

    pub(crate) fn write(&self, tenant: &str, payload: Value) -> Value {
        let reply = post(
            &self.at("/canon/user/write"),
            &json!({"kind": "note", "payload": payload}),
            &[("x-sigil-tenant", tenant)],
        );
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        reply.body
    }

    pub(crate) fn entries(&self, tenant: &str) -> Reply {
        get_with(
            &self.at("/canon/user/entries"),
            &[("x-sigil-tenant", tenant)],
        )
    }

    pub(crate) fn propose(&self, kind: &str, payload: Value) -> String {
        let reply = post(
            &self.at("/canon/system/propose"),
            &json!({"kind": kind, "payload": payload}),
            &[],
        );
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        reply.body["proposal_id"].as_str().unwrap().to_owned()
    }

    pub(crate) fn attest(&self, proposal_id: &str, signer: &Signer) -> Reply {
        let witness = record::attest(proposal_id, signer).unwrap();
        post(
            &self.at("/canon/system/attest"),
            &json!({"proposal_id": proposal_id, "pub_key": witness.pub_key, "sig": witness.sig}),
            &[],
        )
    }

    pub(crate) fn commit(&self, proposal_id: &str) -> Reply {
        post(
            &self.at("/canon/system/commit"),
            &json!({"proposal_id": proposal_id}),
            &[],
        )
    }

    /// The service's key history, as the core's type.
    pub(crate) fn key_history(&self) -> KeyHistory {
        let keys = get(&self.at("/keys")).ok();
        KeyHistory::from_keys(
            keys["keys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| KeyInfo {
                    pub_key: k["pub_key"].as_str().unwrap().to_owned(),
                    created_ts: k["created_ts"].as_u64().unwrap(),
                })
                .collect(),
        )
    }

    pub(crate) fn health(&self) -> Value {
        get(&self.at("/health")).ok()
    }
}

impl Drop for Sigil {
    fn drop(&mut self) {
        self.kill();
    }
}
