//! `quorate serve` refuses to start without the at-rest key or with another one than its
//! database's (QVM-024), and stops gracefully on SIGTERM.

use std::process::Command;

use crate::BIN;
use crate::cluster::Service;
use crate::process::TempDir;

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
