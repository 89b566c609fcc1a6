//! libtest-mimic trials: one per case, named `<suite>/<first req>/<id>`, so that
//! `cargo test -- canon/json/CANON-002` runs one requirement.

use std::sync::Arc;

use libtest_mimic::{Failed, Trial};

use crate::adapter::Transport;
use crate::case::Case;
use crate::run::{RunOptions, Silent, Status, run};
use crate::xfail::Xfails;

/// Makes a fresh transport for one trial.
pub type TransportFactory = Arc<dyn Fn() -> Box<dyn Transport> + Send + Sync>;

/// One trial per case; each runs its case alone on a fresh transport and fails unless the
/// case passes (or is an expected failure that fails). Stale `[[xfail]]` entries are checked by
/// [`stale_xfail_trial`], not here.
pub fn trials(cases: Vec<Case>, factory: TransportFactory, options: Arc<RunOptions>) -> Vec<Trial> {
    cases
        .into_iter()
        .map(|case| {
            let factory = Arc::clone(&factory);
            let options = Arc::clone(&options);
            Trial::test(case.trial_name(), move || {
                run_trial(&case, &factory, &options)
            })
        })
        .collect()
}

fn run_trial(case: &Case, factory: &TransportFactory, options: &RunOptions) -> Result<(), Failed> {
    let mut transport = factory();
    let report = run(
        std::slice::from_ref(case),
        &mut *transport,
        options,
        &mut Silent,
    )
    .map_err(|e| Failed::from(e.to_string()))?;
    let Some(record) = report.records.first() else {
        return Err("no record".into());
    };
    match record.status(options.allow_unsupported) {
        Status::Passed | Status::ExpectedFailure | Status::AllowedUnsupported => Ok(()),
        Status::UnexpectedPass => Err(format!(
            "unexpected pass: declared as expected failure ({})",
            record.xfail.as_deref().unwrap_or("")
        )
        .into()),
        Status::Failed => Err(format!("{}: {}", record.outcome, record.detail).into()),
    }
}

/// A trial that fails when an `[[xfail]]` entry applying to `implementation` matches none of
/// `cases`. Enforces PROTO-042.
pub fn stale_xfail_trial(
    name: &str,
    cases: &[Case],
    xfails: &Xfails,
    implementation: Option<&str>,
) -> Trial {
    let stale = xfails.stale(cases, implementation);
    Trial::test(name, move || {
        if stale.is_empty() {
            Ok(())
        } else {
            let list: Vec<String> = stale
                .iter()
                .map(|e| format!("{} ({})", e.case, e.reason))
                .collect();
            Err(format!("xfail entries match no case: {}", list.join("; ")).into())
        }
    })
}
