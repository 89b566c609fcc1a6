//! The processes of a cluster: one `quorate serve` process per service (a coordinator and N
//! custodians), each with its configuration and SQLite file in the cluster's directory, and
//! the kills and restarts the fault tests need.

use std::path::{Path, PathBuf};
use std::process::Child;
use std::thread;
use std::time::{Duration, Instant};

use crate::process::{self, TempDir};
use crate::{K, KEY, N, client};

/// A `quorate serve` process, killed (SIGKILL) on drop.
pub(crate) struct Service {
    pub(crate) child: Child,
    /// `http://127.0.0.1:PORT`.
    pub(crate) url: String,
    /// `127.0.0.1:PORT`.
    addr: String,
}

impl Service {
    /// Starts `quorate serve <role> --config <config> --listen <listen>` and waits for the
    /// line that tells the bound address.
    pub(crate) fn start(role: &str, config: &Path, listen: &str) -> Self {
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
    pub(crate) fn kill(&mut self) {
        process::stop(&mut self.child);
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A coordinator and five custodians, each a process with its database in `dir`.
pub(crate) struct Cluster {
    dir: TempDir,
    pub(crate) coordinator: Service,
    pub(crate) custodians: Vec<Service>,
}

impl Cluster {
    pub(crate) fn start(name: &str) -> Self {
        Self::start_with_fault(name, None)
    }

    /// A cluster whose custodian `x` runs with the test-only fault `fault` (its TOML name).
    pub(crate) fn start_with_fault(name: &str, faulty: Option<(u8, &str)>) -> Self {
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

    pub(crate) fn kill_custodian(&mut self, x: u8) {
        self.custodian(x).kill();
    }

    /// Starts custodian `x` again from its database, on its old port.
    pub(crate) fn restart_custodian(&mut self, x: u8) {
        let config = self.dir.0.join(format!("custodian-{x}.toml"));
        self.kill_custodian(x);
        let addr = self.custodian(x).addr.clone();
        *self.custodian(x) = Service::start("custodian", &config, &addr);
    }

    /// Starts custodian `x` again from its database, on its old port, with `fault` (a TOML
    /// name) or none.
    pub(crate) fn restart_custodian_with_fault(&mut self, x: u8, fault: Option<&str>) {
        Self::custodian_config(&self.dir, x, fault);
        self.restart_custodian(x);
    }

    /// Starts the coordinator again from its database (on a new port).
    pub(crate) fn restart_coordinator(&mut self) {
        self.coordinator.kill();
        self.coordinator = Service::start(
            "coordinator",
            &self.dir.0.join("coordinator.toml"),
            "127.0.0.1:0",
        );
    }

    pub(crate) fn coordinator(&self, path: &str) -> String {
        format!("{}{path}", self.coordinator.url)
    }
}
