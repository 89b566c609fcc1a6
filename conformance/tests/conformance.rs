//! Every vector case as one libtest trial, judged in-process against the reference driver
//! through the same protocol checks as any adapter (spec/protocol.md).
//!
//! Trials are named `<suite>/<first req>/<id>`, so `cargo test -p conformance --test conformance
//! -- canon/json/CANON-002` runs one requirement. Also: `vectors/MANIFEST` (the manifest matches
//! the files), `vectors/GOLDEN` (the reference's digest equals the committed one, PROTO-061) and
//! `claims/xfail-stale` (every `[[xfail]]` entry matches a case). With `QUORATE_EXTERNAL=<dir>`
//! the public suites under `<dir>` run too.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use conformance::adapter::{InProcess, Transport};
use conformance::digest::Golden;
use conformance::run::{RunOptions, Silent};
use conformance::trials::{TransportFactory, stale_xfail_trial, trials};
use conformance::{Case, Xfails, external, vectors};
use libtest_mimic::{Arguments, Failed, Trial};

fn reference() -> Box<dyn Transport> {
    let mut driver = driver::Driver::new();
    Box::new(InProcess::named(
        "reference driver (in-process)",
        Box::new(move |request| driver.handle(request)),
    ))
}

/// The implementation name the reference declares in its `hello` answer.
fn reference_name() -> Option<String> {
    let hello = driver::Driver::new().handle(&conformance::adapter::protocol::hello_request())?;
    hello["implementation"]["name"].as_str().map(str::to_owned)
}

fn failing(name: &str, error: impl ToString) -> Trial {
    let message = error.to_string();
    Trial::test(name, move || Err(Failed::from(message)))
}

fn manifest_trial(dir: PathBuf) -> Trial {
    Trial::test("vectors/MANIFEST", move || {
        let suites = vectors::load_dir(&dir).map_err(|e| e.to_string())?;
        vectors::check_manifest(&dir, &suites).map_err(|e| e.to_string())?;
        Ok(())
    })
}

/// Enforces PROTO-061 for the reference built as this test target (debug or release).
fn golden_trial(dir: PathBuf, cases: Arc<Vec<Case>>) -> Trial {
    Trial::test("vectors/GOLDEN", move || {
        let golden = Golden::read(&dir.join("GOLDEN")).map_err(|e| e.to_string())?;
        let mut transport = reference();
        let report = conformance::run(&cases, &mut *transport, &RunOptions::default(), &mut Silent)
            .map_err(|e| e.to_string())?;
        Golden::from_records(&report.records)
            .compare(&golden)
            .map_err(|m| Failed::from(m.to_string()))
    })
}

fn load_xfails(root: &Path) -> Result<Xfails, conformance::Error> {
    let claims = root.join("claims.toml");
    if claims.exists() {
        conformance::load_xfails(&claims)
    } else {
        Ok(Xfails::none())
    }
}

fn main() {
    let args = Arguments::from_args();
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = crate_dir.join("..");
    let vectors_dir = root.join("vectors");
    let mut all = Vec::new();
    let mut list = Vec::new();

    list.push(manifest_trial(vectors_dir.clone()));
    match vectors::load_dir(&vectors_dir) {
        Ok(suites) => {
            let cases = conformance::case::flatten(&suites);
            list.push(golden_trial(vectors_dir.clone(), Arc::new(cases.clone())));
            all.extend(cases);
        }
        Err(e) => list.push(failing("vectors/load", e)),
    }
    let external_dir = std::env::var_os("QUORATE_EXTERNAL");
    if let Some(dir) = &external_dir {
        match external::load(Path::new(dir)) {
            Ok(ext) => all.extend(ext.cases()),
            Err(e) => list.push(failing("external/load", e)),
        }
    }
    let xfails = match load_xfails(&root) {
        Ok(x) => x,
        Err(e) => {
            list.push(failing("claims/xfail", e));
            Xfails::none()
        }
    };
    // Entries for external suites can only be checked when those suites were loaded.
    let mut checkable = xfails.clone();
    if external_dir.is_none() {
        checkable
            .entries
            .retain(|e| !e.case.starts_with("external/"));
    }
    list.push(stale_xfail_trial(
        "claims/xfail-stale",
        &all,
        &checkable,
        reference_name().as_deref(),
    ));
    let options = Arc::new(RunOptions {
        xfail: xfails,
        ..RunOptions::default()
    });
    let factory: TransportFactory = Arc::new(reference);
    list.extend(trials(all, factory, options));
    libtest_mimic::run(&args, list).exit();
}
