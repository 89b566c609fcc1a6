//! Playing scenarios against base URLs: one [`CaseRecord`] per step.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Value, json};

use super::http::{Client, Failure, Reply};
use super::matching::{holds, substitute, substitute_text};
use super::{Scenario, ServiceSuite, Step, is_target};
use crate::adapter::Implementation;
use crate::digest;
use crate::judge::{Outcome, abbreviate};
use crate::run::{CaseRecord, Observer, RunReport};
use crate::xfail::Xfails;

/// The base URL of every role given (`coordinator`, `custodian:<x>`), without a final `/`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets {
    urls: BTreeMap<String, String>,
}

impl Targets {
    /// Parses `ROLE=URL` arguments (`coordinator=http://127.0.0.1:8080`). A role given twice,
    /// an unknown role or a URL that is not `http://` is refused.
    pub fn parse<S: AsRef<str>>(specs: &[S]) -> Result<Targets, String> {
        let mut urls = BTreeMap::new();
        for spec in specs {
            let spec = spec.as_ref();
            let invalid = |message: String| format!("--target-url {spec:?}: {message}");
            let (role, url) = spec
                .split_once('=')
                .ok_or_else(|| invalid("expected ROLE=URL".into()))?;
            if !is_target(role) {
                return Err(invalid(format!(
                    "role {role:?} is not coordinator or custodian:<x>"
                )));
            }
            if !url.starts_with("http://") || url.len() <= "http://".len() {
                return Err(invalid(format!("{url:?} is not an http:// URL")));
            }
            let url = url.trim_end_matches('/').to_owned();
            if urls.insert(role.to_owned(), url).is_some() {
                return Err(invalid(format!("role {role} is given twice")));
            }
        }
        Ok(Targets { urls })
    }

    /// The base URL of `role`.
    pub fn url(&self, role: &str) -> Option<&str> {
        self.urls.get(role).map(String::as_str)
    }

    /// `coordinator=http://…, custodian:1=http://…`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .urls
            .iter()
            .map(|(role, url)| format!("{role}={url}"))
            .collect();
        format!("service targets: {}", parts.join(", "))
    }
}

/// How scenarios are played.
#[derive(Debug, Clone)]
pub struct ServiceOptions {
    /// Per-request timeout (default 30 s).
    pub request_timeout: Duration,
    /// Expected failures (`[[xfail]]` of `claims.toml`), matched on `<suite>/<scenario>/<step>`.
    pub xfail: Xfails,
}

impl Default for ServiceOptions {
    fn default() -> Self {
        ServiceOptions {
            request_timeout: Duration::from_secs(30),
            xfail: Xfails::none(),
        }
    }
}

/// What the report names as the implementation: the services behind the URLs.
fn implementation() -> Implementation {
    Implementation {
        name: "quorumvm-services".into(),
        version: "unknown".into(),
        language: "http".into(),
        os: "-".into(),
        arch: "-".into(),
    }
}

/// Plays every scenario of `suites`, in order, against `targets`. A scenario whose targets
/// are not all given has every step `unsupported`; a step that does not pass ends its
/// scenario, the steps after it being `skipped`. Enforces PROTO-080, PROTO-084.
pub fn play(
    suites: &[ServiceSuite],
    targets: &Targets,
    options: &ServiceOptions,
    observer: &mut dyn Observer,
) -> RunReport {
    let started = SystemTime::now();
    let clock = Instant::now();
    let total = suites
        .iter()
        .flat_map(|s| &s.scenarios)
        .map(|s| s.steps.len())
        .sum();
    observer.on_start(total);
    let client = Client::new(options.request_timeout);
    let mut records = Vec::with_capacity(total);
    for suite in suites {
        for scenario in &suite.scenarios {
            let mut player = Player {
                suite: &suite.name,
                scenario,
                targets,
                client: &client,
                options,
                vars: BTreeMap::new(),
            };
            for record in player.play() {
                observer.on_case(&record);
                records.push(record);
            }
        }
    }
    let full_ids: Vec<String> = records.iter().map(CaseRecord::full_id).collect();
    let report = RunReport {
        adapter: targets.describe(),
        implementation: Some(implementation()),
        protocol: None,
        features: Vec::new(),
        records,
        complete: true,
        started,
        elapsed: clock.elapsed(),
        restarts: 0,
        handshakes: 0,
        stale_xfails: options
            .xfail
            .stale_ids(&full_ids, Some("quorumvm-services")),
        allow_unsupported: false,
        notes: Vec::new(),
    };
    observer.on_finish(&report);
    report
}

struct Player<'a> {
    suite: &'a str,
    scenario: &'a Scenario,
    targets: &'a Targets,
    client: &'a Client,
    options: &'a ServiceOptions,
    vars: BTreeMap<String, Value>,
}

impl Player<'_> {
    fn play(&mut self) -> Vec<CaseRecord> {
        let missing: Vec<&str> = self
            .scenario
            .targets
            .iter()
            .filter(|t| self.targets.url(t).is_none())
            .map(String::as_str)
            .collect();
        for target in &self.scenario.targets {
            if let Some(url) = self.targets.url(target) {
                self.vars
                    .insert(format!("url:{target}"), Value::String(url.to_owned()));
            }
        }
        let mut records = Vec::with_capacity(self.scenario.steps.len());
        let mut stopped: Option<String> = None;
        for step in &self.scenario.steps {
            let (outcome, detail, result) = if !missing.is_empty() {
                (
                    Outcome::Unsupported,
                    format!("no --target-url for {}", missing.join(", ")),
                    None,
                )
            } else if let Some(step_id) = &stopped {
                (
                    Outcome::Skipped,
                    format!("not run: step {step_id} of the scenario did not pass"),
                    None,
                )
            } else {
                self.step(step)
            };
            if outcome != Outcome::Pass && stopped.is_none() {
                stopped = Some(step.id.clone());
            }
            records.push(self.record(step, outcome, detail, result));
        }
        records
    }

    /// Plays one step: substitute, send, judge, capture.
    fn step(&mut self, step: &Step) -> (Outcome, String, Option<Value>) {
        let error = |detail: String| (Outcome::Error, detail, None);
        let Some(base) = self.targets.url(&step.target) else {
            return error(format!("no URL for {}", step.target));
        };
        let path = match substitute_text(&step.path, &self.vars) {
            Ok(path) => path,
            Err(why) => return error(why),
        };
        let body = match (&step.body, &step.raw_body) {
            (Some(body), _) => match substitute(body, &self.vars) {
                Ok(body) => Some(body.to_string().into_bytes()),
                Err(why) => return error(why),
            },
            (None, Some(raw)) => match substitute_text(raw, &self.vars) {
                Ok(raw) => Some(raw.into_bytes()),
                Err(why) => return error(why),
            },
            (None, None) => None,
        };
        let url = format!("{base}{path}");
        let reply = match self.client.send(&step.method, &url, body.as_deref()) {
            Ok(reply) => reply,
            Err(Failure::Timeout(why)) => return (Outcome::Timeout, why, None),
            Err(Failure::Transport(why)) => return error(why),
        };
        let result = json!({"status": reply.status, "body": reply.body});
        match self.judge(step, &reply) {
            Ok(()) => {}
            Err(why) => {
                return (
                    Outcome::Fail,
                    format!("{} {path}: {why}", step.method),
                    Some(result),
                );
            }
        }
        for (name, pointer) in &step.capture {
            match reply.body.pointer(pointer) {
                Some(value) => {
                    self.vars.insert(name.clone(), value.clone());
                }
                None => {
                    return (
                        Outcome::Fail,
                        format!("capture {name}: the answer has nothing at {pointer:?}"),
                        Some(result),
                    );
                }
            }
        }
        (Outcome::Pass, String::new(), Some(result))
    }

    /// Checks status, error code, body values, array lengths and headers. Enforces PROTO-083.
    fn judge(&self, step: &Step, reply: &Reply) -> std::result::Result<(), String> {
        let expect = &step.expect;
        let got = || {
            format!(
                "got {}: {}",
                reply.summary(),
                abbreviate(&reply.body.to_string())
            )
        };
        if !expect.status.contains(reply.status) {
            return Err(format!("expected status {}, {}", expect.status, got()));
        }
        if let Some(code) = &expect.error
            && reply.code() != Some(code.as_str())
        {
            return Err(format!("expected error {code}, {}", got()));
        }
        for (pointer, expected) in &expect.body {
            let expected = substitute(expected, &self.vars)?;
            match reply.body.pointer(pointer) {
                Some(actual) if holds(&expected, actual) => {}
                Some(actual) => {
                    return Err(format!(
                        "at {pointer:?} expected {}, got {}",
                        abbreviate(&expected.to_string()),
                        abbreviate(&actual.to_string())
                    ));
                }
                None => {
                    return Err(format!(
                        "expected {} at {pointer:?}, which is absent; {}",
                        abbreviate(&expected.to_string()),
                        got()
                    ));
                }
            }
        }
        for (pointer, length) in &expect.length {
            match reply.body.pointer(pointer).and_then(Value::as_array) {
                Some(items) if items.len() == *length => {}
                Some(items) => {
                    return Err(format!(
                        "at {pointer:?} expected {length} items, got {}",
                        items.len()
                    ));
                }
                None => return Err(format!("expected an array at {pointer:?}; {}", got())),
            }
        }
        for header in &expect.headers {
            let header = header.to_ascii_lowercase();
            if !reply.headers.contains(&header) {
                let mut message = format!("expected a {header} header; headers:");
                for name in &reply.headers {
                    let _ = write!(message, " {name}");
                }
                return Err(message);
            }
        }
        Ok(())
    }

    fn record(
        &self,
        step: &Step,
        outcome: Outcome,
        detail: String,
        result: Option<Value>,
    ) -> CaseRecord {
        let id = format!("{}/{}", self.scenario.id, step.id);
        let full = format!("{}/{id}", self.suite);
        let xfail = self
            .options
            .xfail
            .lookup(&full, Some("quorumvm-services"))
            .map(|e| e.reason.clone());
        CaseRecord {
            suite: self.suite.to_owned(),
            id,
            reqs: step.reqs.clone(),
            op: format!("{} {} {}", step.target, step.method, step.path),
            outcome,
            detail,
            output_hash: digest::outcome_hash(outcome),
            xfail,
            result: match outcome {
                Outcome::Pass | Outcome::Fail => result,
                _ => None,
            },
        }
    }
}
