//! Running cases against a [`Transport`]: handshake, one request per case, judging, restarts.

use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::adapter::protocol::{self, HelloRefusal};
use crate::adapter::{Hello, Response, Transport};
use crate::case::Case;
use crate::digest;
use crate::error::Result;
use crate::judge::{self, Outcome, Verdict};
use crate::xfail::Xfails;

mod record;

pub use record::{CaseRecord, RunReport, Status};

/// How a run is carried out.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Per-case timeout (default 10 s).
    pub case_timeout: Duration,
    /// Time allowed for the `hello` answer (default 10 s).
    pub startup_timeout: Duration,
    /// Restarts allowed in one run before every remaining case is `crash` (default 5, PROTO-040).
    pub max_restarts: usize,
    /// Expected failures (`[[xfail]]` of `claims.toml`).
    pub xfail: Xfails,
    /// Whether `unsupported` cases pass (a declared profile excludes them, PROTO-042).
    pub allow_unsupported: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            case_timeout: Duration::from_secs(10),
            startup_timeout: Duration::from_secs(10),
            max_restarts: 5,
            xfail: Xfails::none(),
            allow_unsupported: false,
        }
    }
}

/// Watches a run as it happens (progress bars, logs). Every method has a no-op default.
pub trait Observer {
    /// The run is about to start `total` cases.
    fn on_start(&mut self, _total: usize) {}
    /// A handshake succeeded (the first one, or one replayed after a restart).
    fn on_handshake(&mut self, _hello: &Hello) {}
    /// The adapter is being restarted for the `restarts`-th time.
    fn on_restart(&mut self, _restarts: usize, _reason: &str) {}
    /// One case has its outcome.
    fn on_case(&mut self, _record: &CaseRecord) {}
    /// The run is complete.
    fn on_finish(&mut self, _report: &RunReport) {}
}

/// An observer that does nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {}

/// Where the adapter stands between cases.
enum State {
    NotStarted,
    Ready,
    Dead(String),
    Refused(String),
    Exhausted,
}

struct Runner<'a> {
    transport: &'a mut dyn Transport,
    options: &'a RunOptions,
    observer: &'a mut dyn Observer,
    state: State,
    hello: Option<Hello>,
    seq: u64,
    restarts: usize,
    handshakes: usize,
}

/// Runs every case against `transport` and returns the complete report.
///
/// The only error is failing to start the adapter the first time; everything that goes wrong
/// later is a case outcome. Enforces PROTO-010, PROTO-011, PROTO-020, PROTO-040 and PROTO-041.
pub fn run(
    cases: &[Case],
    transport: &mut dyn Transport,
    options: &RunOptions,
    observer: &mut dyn Observer,
) -> Result<RunReport> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let adapter = transport.describe();
    observer.on_start(cases.len());
    let mut runner = Runner {
        transport,
        options,
        observer,
        state: State::NotStarted,
        hello: None,
        seq: 0,
        restarts: 0,
        handshakes: 0,
    };
    let mut records = Vec::with_capacity(cases.len());
    for case in cases {
        let (verdict, result) = runner.case(case)?;
        let record = runner.record(case, verdict, result);
        runner.observer.on_case(&record);
        records.push(record);
    }
    if matches!(runner.state, State::Ready) {
        runner.transport.shutdown();
    } else {
        runner.transport.kill();
    }
    let name = runner.hello.as_ref().map(|h| h.implementation.name.clone());
    let report = RunReport {
        adapter,
        implementation: runner.hello.as_ref().map(|h| h.implementation.clone()),
        protocol: runner.hello.as_ref().map(|h| h.protocol),
        features: runner
            .hello
            .as_ref()
            .map(|h| h.features.clone())
            .unwrap_or_default(),
        records,
        complete: true,
        started,
        elapsed: clock.elapsed(),
        restarts: runner.restarts,
        handshakes: runner.handshakes,
        stale_xfails: options.xfail.stale(cases, name.as_deref()),
        allow_unsupported: options.allow_unsupported,
        notes: Vec::new(),
    };
    runner.observer.on_finish(&report);
    Ok(report)
}

impl Runner<'_> {
    /// The verdict for one case and, for `ok`/`error` answers, the result object.
    fn case(&mut self, case: &Case) -> Result<(Verdict, Option<Value>)> {
        if let Some(v) = self.unsupported(case) {
            return Ok((v, None));
        }
        if let Some(verdict) = self.ensure_ready()? {
            return Ok((verdict, None));
        }
        if let Some(v) = self.unsupported(case) {
            return Ok((v, None));
        }
        self.seq += 1;
        let request = protocol::run_request(self.seq, case);
        let timeout = self.options.case_timeout;
        let (verdict, result) = match self.transport.exchange(&request, timeout) {
            Response::Reply(answer) => match protocol::parse_run_answer(&answer, self.seq) {
                Ok(result) => (judge::judge(case, &result), result.answer()),
                Err(why) => (Verdict::new(Outcome::ProtocolViolation, why), None),
            },
            Response::Malformed(why) => (Verdict::new(Outcome::ProtocolViolation, why), None),
            Response::Closed(why) => (Verdict::new(Outcome::Crash, why), None),
            Response::TimedOut => (
                Verdict::new(
                    Outcome::Timeout,
                    format!("no answer within {} ms", timeout.as_millis()),
                ),
                None,
            ),
        };
        if verdict.outcome.needs_restart() {
            self.transport.kill();
            self.state = State::Dead(format!("{}: {}", verdict.outcome, verdict.detail));
        }
        Ok((verdict, result))
    }

    /// `Some(unsupported)` when the last handshake did not declare every feature of the case.
    /// Enforces PROTO-011: such a case is never sent.
    fn unsupported(&self, case: &Case) -> Option<Verdict> {
        let hello = self.hello.as_ref()?;
        if hello.supports(case) {
            return None;
        }
        Some(Verdict::new(
            Outcome::Unsupported,
            format!("features not declared: {}", hello.missing(case).join(", ")),
        ))
    }

    /// Starts or restarts the adapter and shakes hands. `Some(verdict)` charges a failure to
    /// the current case. Enforces PROTO-040 (bounded restarts, handshake replayed).
    fn ensure_ready(&mut self) -> Result<Option<Verdict>> {
        match &self.state {
            State::Ready => return Ok(None),
            State::Refused(why) => return Ok(Some(Verdict::new(Outcome::Error, why.clone()))),
            State::Exhausted => {
                return Ok(Some(Verdict::new(
                    Outcome::Crash,
                    format!(
                        "not run: the adapter was restarted {} times, the limit",
                        self.options.max_restarts
                    ),
                )));
            }
            State::NotStarted => self.transport.start()?,
            State::Dead(why) => {
                if self.restarts >= self.options.max_restarts {
                    self.state = State::Exhausted;
                    return self.ensure_ready();
                }
                self.restarts += 1;
                let why = why.clone();
                self.observer.on_restart(self.restarts, &why);
                if let Err(e) = self.transport.start() {
                    self.state = State::Dead(format!("restart failed: {e}"));
                    return Ok(Some(Verdict::new(
                        Outcome::Crash,
                        format!("restart failed: {e}"),
                    )));
                }
            }
        }
        Ok(self.handshake())
    }

    /// Enforces PROTO-010.
    fn handshake(&mut self) -> Option<Verdict> {
        let timeout = self.options.startup_timeout;
        let failure = match self.transport.exchange(&protocol::hello_request(), timeout) {
            Response::Reply(answer) => match protocol::parse_hello(&answer) {
                Ok(hello) => {
                    self.handshakes += 1;
                    self.observer.on_handshake(&hello);
                    self.hello = Some(hello);
                    self.state = State::Ready;
                    return None;
                }
                Err(HelloRefusal::Refused(why)) => {
                    self.transport.kill();
                    self.state = State::Refused(why.clone());
                    return Some(Verdict::new(Outcome::Error, why));
                }
                Err(HelloRefusal::Invalid(why)) => Verdict::new(Outcome::ProtocolViolation, why),
            },
            Response::Malformed(why) => {
                Verdict::new(Outcome::ProtocolViolation, format!("hello: {why}"))
            }
            Response::Closed(why) => Verdict::new(Outcome::Crash, format!("hello: {why}")),
            Response::TimedOut => Verdict::new(
                Outcome::Timeout,
                format!("no hello answer within {} ms", timeout.as_millis()),
            ),
        };
        self.transport.kill();
        self.state = State::Dead(format!("handshake {}: {}", failure.outcome, failure.detail));
        Some(failure)
    }

    fn record(&self, case: &Case, verdict: Verdict, result: Option<Value>) -> CaseRecord {
        let name = self.hello.as_ref().map(|h| h.implementation.name.as_str());
        let xfail = self
            .options
            .xfail
            .lookup(&case.full_id(), name)
            .map(|e| e.reason.clone());
        let hashed = match verdict.outcome {
            Outcome::Pass | Outcome::Fail => result.as_ref(),
            _ => None,
        };
        let (verdict, output_hash) = match digest::output_hash(verdict.outcome, hashed) {
            Ok(hash) => (verdict, hash),
            Err(why) => {
                let v = Verdict::new(Outcome::ProtocolViolation, why);
                let hash = digest::outcome_hash(v.outcome);
                (v, hash)
            }
        };
        CaseRecord {
            suite: case.suite.clone(),
            id: case.id.clone(),
            reqs: case.reqs.clone(),
            op: case.op.clone(),
            outcome: verdict.outcome,
            detail: verdict.detail,
            output_hash,
            xfail,
            result: if hashed.is_some() { result } else { None },
        }
    }
}
