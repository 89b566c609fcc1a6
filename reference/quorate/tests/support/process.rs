//! Processes and directories shared by the integration tests that start `quorate serve`
//! (`e2e_qvm.rs`, `e2e_sigil.rs`, `e2e_mtp.rs`, `service_vectors.rs`), each including this file with
//! `#[path = "support/process.rs"] mod process;`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_quorate");

/// A directory removed on drop.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> Self {
        let mut nonce = [0u8; 8];
        getrandom::fill(&mut nonce).unwrap();
        let path = std::env::temp_dir().join(format!(
            "quorate-{name}-{}-{}",
            std::process::id(),
            canon::hex::encode(&nonce)
        ));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts `quorate serve <role> --config <config> --listen <listen>` with `key` as the at-rest
/// key and waits for the line that tells the bound address; returns the process and its
/// `http://127.0.0.1:PORT`.
pub(crate) fn serve(role: &str, config: &Path, listen: &str, key: &str) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", role, "--config"])
        .arg(config)
        .args(["--listen", listen])
        .env("QUORATE_AT_REST_KEY", key)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.split("listening on ").nth(1) {
                let _ = tx.send(url.trim().to_owned());
            }
        }
    });
    let errors = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&errors);
    thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().unwrap().push_str(&line);
        }
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(url) => (child, url),
        Err(_) => {
            stop(&mut child);
            panic!("{role} did not start: {}", errors.lock().unwrap().as_str());
        }
    }
}

/// SIGKILL, and wait for the process to be gone.
pub(crate) fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}
