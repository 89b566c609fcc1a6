//! MTPScript end to end: the real `quorate` binary makes a key (`mtp keygen`), builds and signs
//! snapshots (`mtp build`), runs them (`mtp run`) and serves them (`serve mtp`) on loopback,
//! driven over HTTP. Every test is named `e2e_mtp_*`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failure is a test failure

#[path = "support/process.rs"]
mod process;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

use reqwest::blocking::{Client, Response};
use serde_json::{Value, json};

use process::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_quorate");

/// Annex A's worked example: gasUsed 4, body 8 for `{"a":3}`.
const WORKED: &str = "function main(input) { const x = input.a + 1; return x * 2; }\n";
/// A program whose body depends on the seed (the random effect) and logs.
const SEEDED: &str = "function main(input) { Async.await(\"log\", \"hello\"); return { n: input.n, r: Async.await(\"random\", 8) }; }\n";

/// Hostile programs that compile: each must end with its coded error, never a crash or hang.
const HOSTILE: &[(&str, &str, &str)] = &[
    (
        "spin",
        "function spin(n) { return spin(n + 1); }\nfunction main(i) { return spin(0); }",
        "MTP_GAS_EXHAUSTED",
    ),
    (
        "deep",
        "function d(n) { const r = d(n + 1); return r; }\nfunction main(i) { const r = d(0); return r; }",
        "MTP_DEPTH_EXCEEDED",
    ),
    (
        "huge-string",
        "function grow(s) { return grow(s + s); }\nfunction main(i) { return grow(\"x\"); }",
        "MTP_GAS_EXHAUSTED",
    ),
    (
        "huge-repeat",
        "function main(i) { return \"x\".repeat(1000000000); }",
        "MTP_GAS_EXHAUSTED",
    ),
    (
        "inherited-constructor",
        "function main(i) { const f = () => 1; return f[\"constr\" + \"uctor\"]; }",
        "MTP_RUNTIME_ERROR",
    ),
    (
        "proto-write",
        "function main(i) { const o = {}; const k = \"__pro\" + \"to__\"; o[k] = { polluted: true }; return o; }",
        "MTP_RUNTIME_ERROR",
    ),
    (
        "object-method-on-array",
        "function main(i) { const a = [1]; return a.constructor; }",
        "MTP_COMPILE",
    ),
];

struct Service {
    child: Child,
    url: String,
}

impl Drop for Service {
    fn drop(&mut self) {
        process::stop(&mut self.child);
    }
}

fn quorate(args: &[&str], dir: &Path) -> Output {
    quorate_with_limit(args, dir, None)
}

/// Runs the binary in `dir` with `MTP_GAS_LIMIT` set to `limit`, or unset.
fn quorate_with_limit(args: &[&str], dir: &Path, limit: Option<&str>) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .current_dir(dir)
        .env_remove("MTP_GAS_LIMIT");
    if let Some(limit) = limit {
        command.env("MTP_GAS_LIMIT", limit);
    }
    command.output().unwrap()
}

/// A key pair and the worked example and the seeded program signed with it.
struct Fixture {
    dir: TempDir,
}

impl Fixture {
    fn new(name: &str) -> Self {
        let dir = TempDir::new(name);
        let out = quorate(&["mtp", "keygen", "-o", "key.hex"], &dir.0);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let fixture = Self { dir };
        fixture.build("worked", WORKED);
        fixture.build("seeded", SEEDED);
        fixture
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.0.join(name)
    }

    /// Builds `source` into `<name>.msqs`; returns the command's output.
    fn try_build(&self, name: &str, source: &str) -> Output {
        std::fs::write(self.path(&format!("{name}.js")), source).unwrap();
        quorate(
            &[
                "mtp",
                "build",
                &format!("{name}.js"),
                "--key",
                "key.hex",
                "-o",
                &format!("{name}.msqs"),
            ],
            &self.dir.0,
        )
    }

    fn build(&self, name: &str, source: &str) -> Vec<u8> {
        let out = self.try_build(name, source);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read(self.path(&format!("{name}.msqs"))).unwrap()
    }

    fn serve(&self) -> Service {
        let config = self.path("mtp.toml");
        std::fs::write(
            &config,
            "public_key_file = \"key.hex.pub\"\ndatabase = \"mtp.sqlite\"\npool_size = 2\nrun_body_limit = 65536\n",
        )
        .unwrap();
        let (child, url) = process::serve("mtp", &config, "127.0.0.1:0", "unused");
        Service { child, url }
    }
}

fn client() -> Client {
    Client::builder().build().unwrap()
}

fn register(service: &Service, bytes: &[u8]) -> Response {
    client()
        .post(format!("{}/snapshots", service.url))
        .body(bytes.to_vec())
        .send()
        .unwrap()
}

fn run(service: &Service, body: &Value) -> Response {
    client()
        .post(format!("{}/run", service.url))
        .json(body)
        .send()
        .unwrap()
}

fn header(response: &Response, name: &str) -> String {
    response.headers()[name].to_str().unwrap().to_owned()
}

fn error_code(response: Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().unwrap();
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

fn sha256_hex(bytes: &[u8]) -> String {
    canon::hex::encode(&canon::id::sha256(bytes))
}

#[test]
fn e2e_mtp_runs_a_signed_snapshot() {
    let fixture = Fixture::new("mtp-run");
    let service = fixture.serve();
    let snapshot = std::fs::read(fixture.path("worked.msqs")).unwrap();
    let registered = register(&service, &snapshot);
    assert_eq!(registered.status().as_u16(), 201);
    let registered: Value = registered.json().unwrap();
    assert_eq!(registered["id"], json!(sha256_hex(&snapshot)));
    // Registering again is idempotent.
    assert_eq!(register(&service, &snapshot).status().as_u16(), 200);

    let answer = run(
        &service,
        &json!({ "snapshot_id": registered["id"], "input": { "a": 3 }, "request_id": "r-1" }),
    );
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(header(&answer, "x-mtp-status"), "ok");
    let sha = header(&answer, "x-mtp-sha256");
    let body = answer.bytes().unwrap();
    assert_eq!(&body[..], b"8");
    assert_eq!(sha, sha256_hex(&body));

    // The CLI gives the same body and hash for the same snapshot, input and context.
    let cli = quorate(
        &[
            "mtp",
            "run",
            "worked.msqs",
            "--input",
            "{\"a\":3}",
            "--request-id",
            "r-1",
            "--public-key",
            "key.hex.pub",
        ],
        &fixture.dir.0,
    );
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    let stdout = String::from_utf8(cli.stdout).unwrap();
    assert_eq!(stdout, format!("8\nsha256 {sha}\ngasUsed 4\n"));
    let stderr = String::from_utf8(cli.stderr).unwrap();
    assert!(
        stderr.contains(" gasLimit=10000000 gasUsed=4 status=ok"),
        "{stderr}"
    );

    // An uploaded snapshot runs without registration, verified per request.
    let uploaded = run(
        &service,
        &json!({ "snapshot": canon::hex::encode(&snapshot), "input": { "a": 20 } }),
    );
    assert_eq!(uploaded.status().as_u16(), 200);
    assert_eq!(&uploaded.bytes().unwrap()[..], b"42");
}

#[test]
fn e2e_mtp_refuses_tampered_snapshots() {
    let fixture = Fixture::new("mtp-tamper");
    let service = fixture.serve();
    let snapshot = std::fs::read(fixture.path("worked.msqs")).unwrap();
    // The signature is the file's last 64 bytes; the bytecode sits before it.
    let mut bad_signature = snapshot.clone();
    *bad_signature.last_mut().unwrap() ^= 1;
    let mut bad_bytecode = snapshot.clone();
    let middle = snapshot.len() - 100;
    bad_bytecode[middle] ^= 1;
    for tampered in [&bad_signature, &bad_bytecode] {
        assert_eq!(
            error_code(register(&service, tampered)),
            (403, "MTP_SNAPSHOT_SIGNATURE_INVALID".to_owned())
        );
        let uploaded = run(
            &service,
            &json!({ "snapshot": canon::hex::encode(tampered), "input": null }),
        );
        assert_eq!(
            error_code(uploaded),
            (403, "MTP_SNAPSHOT_SIGNATURE_INVALID".to_owned())
        );
    }
    assert_eq!(
        error_code(register(&service, b"not a snapshot")),
        (400, "MTP_SNAPSHOT_MALFORMED".to_owned())
    );
    // Signed with another key.
    let other = TempDir::new("mtp-other-key");
    assert!(
        quorate(&["mtp", "keygen", "-o", "key.hex"], &other.0)
            .status
            .success()
    );
    std::fs::write(other.0.join("p.js"), WORKED).unwrap();
    assert!(
        quorate(
            &["mtp", "build", "p.js", "--key", "key.hex", "-o", "p.msqs"],
            &other.0
        )
        .status
        .success()
    );
    let foreign = std::fs::read(other.0.join("p.msqs")).unwrap();
    assert_eq!(
        error_code(register(&service, &foreign)),
        (403, "MTP_SNAPSHOT_SIGNATURE_INVALID".to_owned())
    );
    // Nothing was registered; an unknown id is 404.
    let unknown = run(
        &service,
        &json!({ "snapshot_id": sha256_hex(&foreign), "input": null }),
    );
    assert_eq!(
        error_code(unknown),
        (404, "MTP_SNAPSHOT_UNKNOWN".to_owned())
    );
    // The CLI refuses the tampered file too, with the code.
    std::fs::write(fixture.path("bad.msqs"), &bad_bytecode).unwrap();
    let cli = quorate(
        &[
            "mtp",
            "run",
            "bad.msqs",
            "--input",
            "null",
            "--public-key",
            "key.hex.pub",
        ],
        &fixture.dir.0,
    );
    assert_eq!(cli.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&cli.stderr).contains("MTP_SNAPSHOT_SIGNATURE_INVALID"));
}

#[test]
fn e2e_mtp_hostile_programs_end_coded() {
    let fixture = Fixture::new("mtp-hostile");
    let service = fixture.serve();
    for &(name, source, code) in HOSTILE {
        if code == "MTP_COMPILE" {
            let out = fixture.try_build(name, source);
            assert_eq!(out.status.code(), Some(1), "{name}");
            assert!(
                String::from_utf8_lossy(&out.stderr).contains("MTP_FORBIDDEN_REFLECTION"),
                "{name}"
            );
            continue;
        }
        let snapshot = fixture.build(name, source);
        let id: Value = register(&service, &snapshot).json().unwrap();
        let mut bodies = Vec::new();
        for _ in 0..2 {
            let answer = run(
                &service,
                &json!({ "snapshot_id": id["id"], "input": null, "request_id": "hostile" }),
            );
            assert_eq!(answer.status().as_u16(), 200, "{name}");
            assert_eq!(header(&answer, "x-mtp-status"), code, "{name}");
            bodies.push(answer.bytes().unwrap());
        }
        assert_eq!(bodies[0], bodies[1], "{name}: two runs differ");
        // Through the CLI: the same coded body, exit status 1.
        let cli = quorate(
            &[
                "mtp",
                "run",
                &format!("{name}.msqs"),
                "--input",
                "null",
                "--request-id",
                "hostile",
                "--public-key",
                "key.hex.pub",
            ],
            &fixture.dir.0,
        );
        assert_eq!(cli.status.code(), Some(1), "{name}");
        let first_line = String::from_utf8(cli.stdout)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_owned();
        assert_eq!(first_line.as_bytes(), &bodies[0][..], "{name}");
    }
    // A JSON bomb as input: deeper than 128 is an InputInvalid body, the program does not run.
    let worked: Value = register(
        &service,
        &std::fs::read(fixture.path("worked.msqs")).unwrap(),
    )
    .json()
    .unwrap();
    let bomb = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let answer = run(
        &service,
        &json!({ "snapshot_id": worked["id"], "input_text": bomb }),
    );
    assert_eq!(header(&answer, "x-mtp-status"), "MTP_INPUT_INVALID");
    assert_eq!(header(&answer, "x-mtp-gas-used"), "0");
    // Still serving.
    let health: Value = client()
        .get(format!("{}/health", service.url))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(health["status"], json!("ok"));
}

#[test]
fn e2e_mtp_gas_headers() {
    let fixture = Fixture::new("mtp-gas");
    let service = fixture.serve();
    let id: Value = register(
        &service,
        &std::fs::read(fixture.path("worked.msqs")).unwrap(),
    )
    .json()
    .unwrap();
    let answer = run(
        &service,
        &json!({ "snapshot_id": id["id"], "input": { "a": 3 } }),
    );
    assert_eq!(header(&answer, "x-mtp-gas-used"), "4");
    assert_eq!(header(&answer, "x-mtp-gas-limit"), "10000000");
    assert!(header(&answer, "x-mtp-request-id").starts_with("req-"));
    assert!(
        ["cloned", "pooled", "built"].contains(&header(&answer, "x-mtp-vm").as_str()),
        "{:?}",
        answer.headers()
    );
    // A string that is not an input runs nothing and uses no gas.
    let invalid = run(
        &service,
        &json!({ "snapshot_id": id["id"], "input_text": "{\"a\":1,\"a\":2}" }),
    );
    assert_eq!(header(&invalid, "x-mtp-gas-used"), "0");
    assert_eq!(
        invalid.text().unwrap(),
        "{\"code\":\"CANON_JSON_DUPLICATE_KEY\",\"error\":\"InputInvalid\"}"
    );
    // An invalid MTP_GAS_LIMIT stops the service at start-up with the code.
    let config = fixture.path("mtp.toml");
    let config = config.to_str().unwrap();
    let serve = [
        "serve",
        "mtp",
        "--config",
        config,
        "--listen",
        "127.0.0.1:0",
    ];
    let out = quorate_with_limit(&serve, &fixture.dir.0, Some("05"));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("MTP_GAS_LIMIT_INVALID"), "{stderr}");
    // The CLI reads it at start-up too, and --gas-limit overrides it with the same form.
    let run_worked = ["mtp", "run", "worked.js", "--input", "{\"a\":3}"];
    let limited = [&run_worked[..], &["--gas-limit", "3"]].concat();
    let cli = quorate_with_limit(&limited, &fixture.dir.0, Some("+5"));
    assert_eq!(cli.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&cli.stdout)
            .starts_with("{\"error\":\"GasExhausted\",\"gasLimit\":3,\"gasUsed\":3}\n")
    );
    let cli = quorate_with_limit(&run_worked, &fixture.dir.0, Some("+5"));
    assert_eq!(cli.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&cli.stderr).contains("MTP_GAS_LIMIT_INVALID"));
}

#[test]
fn e2e_mtp_identical_requests_give_identical_bodies() {
    let fixture = Fixture::new("mtp-same");
    let service = fixture.serve();
    let id: Value = register(
        &service,
        &std::fs::read(fixture.path("seeded.msqs")).unwrap(),
    )
    .json()
    .unwrap();
    let request = json!({ "snapshot_id": id["id"], "input": { "n": 1 }, "request_id": "same", "account_id": "acct", "function_version": "v1" });
    let first = run(&service, &request);
    let first_sha = header(&first, "x-mtp-sha256");
    let first = first.bytes().unwrap();
    let second = run(&service, &request);
    assert_eq!(header(&second, "x-mtp-sha256"), first_sha);
    assert_eq!(second.bytes().unwrap(), first);
    // A snapshot run again is cloned into pooled VMs ahead of its requests (A-037); the body
    // of a cloned VM is the same, seeded effects included.
    let mut kinds = Vec::new();
    for _ in 0..50 {
        let again = run(&service, &request);
        let vm = header(&again, "x-mtp-vm");
        assert_eq!(header(&again, "x-mtp-sha256"), first_sha, "{vm}");
        assert_eq!(again.bytes().unwrap(), first, "{vm}");
        kinds.push(vm);
        if kinds.iter().any(|k| k == "cloned") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(kinds.iter().any(|k| k == "cloned"), "{kinds:?}");
    // Another request id is another seed: other random bytes.
    let mut other = request.clone();
    other["request_id"] = json!("other");
    assert_ne!(run(&service, &other).bytes().unwrap(), first);
}

#[test]
fn e2e_mtp_registrations_survive_a_restart_and_errors_are_structured() {
    let fixture = Fixture::new("mtp-restart");
    let snapshot = std::fs::read(fixture.path("worked.msqs")).unwrap();
    let id = {
        let service = fixture.serve();
        let registered: Value = register(&service, &snapshot).json().unwrap();
        registered["id"].clone()
    };
    let service = fixture.serve();
    let answer = run(&service, &json!({ "snapshot_id": id, "input": { "a": 1 } }));
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(&answer.bytes().unwrap()[..], b"4");

    let raw = |body: &str| {
        client()
            .post(format!("{}/run", service.url))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .unwrap()
    };
    assert_eq!(
        error_code(raw("{\"input\":1,\"input\":2}")),
        (400, "SVC_BODY_INVALID".to_owned())
    );
    assert_eq!(
        error_code(raw("{\"input\":1}")),
        (400, "SVC_BODY_INVALID".to_owned())
    );
    assert_eq!(
        error_code(raw(&format!(
            "{{\"snapshot_id\":{id},\"input\":null,\"request_id\":\"{}\"}}",
            "r".repeat(1025)
        ))),
        (400, "MTP_CONTEXT_INVALID".to_owned())
    );
    let large = format!(
        "{{\"snapshot_id\":{id},\"input_text\":\"{}\"}}",
        " ".repeat(70_000)
    );
    assert_eq!(
        error_code(raw(&large)),
        (413, "SVC_BODY_TOO_LARGE".to_owned())
    );
    let missing = client()
        .get(format!("{}/nowhere", service.url))
        .send()
        .unwrap();
    assert_eq!(error_code(missing), (404, "SVC_NOT_FOUND".to_owned()));
    let wrong_method = client().get(format!("{}/run", service.url)).send().unwrap();
    assert_eq!(
        error_code(wrong_method),
        (405, "SVC_METHOD_NOT_ALLOWED".to_owned())
    );
    let openapi: Value = client()
        .get(format!("{}/openapi.json", service.url))
        .send()
        .unwrap()
        .json()
        .unwrap();
    for path in ["/run", "/snapshots", "/health", "/openapi.json"] {
        assert!(openapi["paths"].get(path).is_some(), "{path}");
    }
}
