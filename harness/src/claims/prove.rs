//! Judging one proof against the evidence.

use crate::claims::report::{CaseOutcome, STEPS_FILE, TEST_LOG, TestVerdict};
use crate::claims::{Evidence, Proof, ReportState};

/// How many failing cases a reason names before `and N more`.
const SHOWN: usize = 10;

/// `Ok(what was seen)` when `proof` holds, `Err(why not)` otherwise.
pub(crate) fn judge(proof: &Proof, evidence: &Evidence) -> Result<String, String> {
    match proof {
        Proof::Suite { suite, report }
        | Proof::External {
            external: suite,
            report,
        } => {
            let cases = cases(evidence, report)?;
            let prefix = format!("{suite}/");
            let selected: Vec<&CaseOutcome> = cases
                .iter()
                .filter(|c| c.suite == *suite || c.suite.starts_with(&prefix))
                .collect();
            all_passed(&selected, report, &format!("of suite {suite}"))
        }
        Proof::Requirement {
            requirement,
            report,
        } => {
            let id = requirement.to_string();
            if let Some(defined) = &evidence.defined
                && !defined.contains(&id)
            {
                return Err(format!("{id} is not defined in spec/"));
            }
            let cases = cases(evidence, report)?;
            let selected: Vec<&CaseOutcome> =
                cases.iter().filter(|c| c.reqs.contains(&id)).collect();
            all_passed(&selected, report, &format!("citing {id}"))
        }
        Proof::Test { test } => {
            let log = evidence
                .test_log
                .as_ref()
                .ok_or_else(|| format!("there is no {TEST_LOG} in the output directory"))?;
            match log.verdict(test) {
                TestVerdict::Passed(paths) => Ok(format!("{} ok", paths.join(", "))),
                TestVerdict::Failed(paths) => {
                    Err(format!("{} FAILED in {TEST_LOG}", paths.join(", ")))
                }
                TestVerdict::NotRun(statuses) => Err(format!(
                    "`{test}` did not pass in {TEST_LOG} ({})",
                    statuses.join(", ")
                )),
                TestVerdict::Absent => Err(format!("no `test {test} ... ok` line in {TEST_LOG}")),
            }
        }
        Proof::Step { step } => {
            let steps = evidence
                .steps
                .as_ref()
                .ok_or_else(|| format!("there is no {STEPS_FILE} in the output directory"))?;
            if steps.contains(step) {
                Ok(format!("{STEPS_FILE} records it"))
            } else {
                Err(format!("{STEPS_FILE} does not record `{step}`"))
            }
        }
    }
}

fn cases<'e>(evidence: &'e Evidence, report: &str) -> Result<&'e [CaseOutcome], String> {
    match evidence.reports.get(report) {
        Some(ReportState::Complete(r)) => Ok(&r.cases),
        Some(ReportState::Unusable(why)) => Err(format!("{report}.jsonl {why}")),
        Some(ReportState::Missing) | None => Err(format!(
            "{report}.jsonl does not exist in the output directory"
        )),
    }
}

fn all_passed(selected: &[&CaseOutcome], report: &str, which: &str) -> Result<String, String> {
    if selected.is_empty() {
        return Err(format!("no case {which} in {report}.jsonl"));
    }
    let failed: Vec<&&CaseOutcome> = selected.iter().filter(|c| !c.passed()).collect();
    if failed.is_empty() {
        return Ok(format!(
            "{} case(s) {which} passed in {report}.jsonl",
            selected.len()
        ));
    }
    let mut shown: Vec<String> = failed
        .iter()
        .take(SHOWN)
        .map(|c| format!("{} ({})", c.full_id(), c.outcome))
        .collect();
    if failed.len() > SHOWN {
        shown.push(format!("and {} more", failed.len() - SHOWN));
    }
    Err(format!(
        "{} of {} cases {which} did not pass in {report}.jsonl: {}",
        failed.len(),
        selected.len(),
        shown.join(", ")
    ))
}
