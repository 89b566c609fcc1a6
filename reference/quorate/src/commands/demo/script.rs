//! The demo's story, step by step. Every step asserts what it narrates: an outcome that does
//! not happen is a [`Failure`] (`CLI_DEMO_FAILED`) naming what was expected.

use std::collections::BTreeMap;
use std::time::Duration;

use field::Fp;
use quorumvm::eval::{Inputs, eval_clear};
use quorumvm::package::{Package, PolicyManifest, Program};
use serde_json::Value;

use super::client::{Http, failed};
use super::cluster::LocalCluster;
use super::installer::{self, Endpoints, Installed};
use super::narrate::Narrator;
use crate::commands::Failure;

/// The example program: `((x + S_v)^2 + 7) * x`.
pub(crate) const EXAMPLE: &str = include_str!("example.qvm");

/// The demo's policy: each evaluation costs 1, each identity may pay for 31 and make 30 per
/// minute, so a burst meets the rate limit before the budget runs out, and waiting as
/// `Retry-After` says then meets the budget.
pub(crate) const COST_PER_EVAL: u64 = 1;
pub(crate) const BUDGET_PER_IDENTITY: u64 = 31;
pub(crate) const MAX_EVALS_PER_MINUTE: u64 = 30;

/// Evaluation slots dealt at install: every step's evaluations, with room to spare.
pub(crate) const DEMO_SLOTS: u64 = 64;

/// Compiles [`EXAMPLE`].
pub(crate) fn example_program() -> Result<Program, Failure> {
    dsl::compile(EXAMPLE)
        .map(Program::new)
        .map_err(|diagnostics| {
            let text: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            failed(format!(
                "the example program does not compile: {}",
                text.join("; ")
            ))
        })
}

/// Packages a program under a policy, version 1.0.0.
pub(crate) fn package(
    program: Program,
    cost: u64,
    budget: u64,
    per_minute: u64,
) -> Result<Package, Failure> {
    let policy = PolicyManifest::new(cost, budget, per_minute)
        .map_err(|e| failed(format!("policy: {e}")))?;
    Package::build(program, policy, "1.0.0").map_err(|e| failed(format!("package: {e}")))
}

/// The single input `x` of the example program.
fn x_is(x: Fp) -> BTreeMap<String, Fp> {
    BTreeMap::from([("x".to_owned(), x)])
}

fn element(text: &str) -> Result<Fp, Failure> {
    Fp::parse(text).map_err(|e| failed(format!("{text}: {e}")))
}

/// Everything the steps share.
struct Demo<'a> {
    http: &'a Http,
    endpoints: Endpoints,
    narrator: &'a Narrator,
    k: usize,
}

/// Runs the whole story against `endpoints`; `local` is the in-process cluster (the
/// quorum-loss step stops and restarts its custodians), `None` in remote mode.
pub(crate) async fn run(
    http: &Http,
    endpoints: Endpoints,
    local: Option<&mut LocalCluster>,
    k: usize,
    narrator: &Narrator,
) -> Result<(), Failure> {
    let n = endpoints.custodians.len();
    let demo = Demo {
        http,
        endpoints,
        narrator,
        k,
    };

    narrator.step("compile the example program");
    for line in EXAMPLE.lines() {
        narrator.line(&format!("| {line}"));
    }
    let program = example_program()?;
    let metadata = program.ir().metadata();
    narrator.line(&format!(
        "→ IR: {} nodes, {} secure multiplications (one Beaver triple each per evaluation), \
         multiplicative depth {}, inputs {:?}, secret parameter S_v on wire {:?}",
        metadata.node_count,
        metadata.mul_count,
        metadata.mul_depth,
        metadata.inputs,
        metadata.secret.as_deref().unwrap_or("none"),
    ));

    narrator.step("build the Program Package");
    let package = package(
        program,
        COST_PER_EVAL,
        BUDGET_PER_IDENTITY,
        MAX_EVALS_PER_MINUTE,
    )?;
    narrator.line(&format!(
        "policy: cost_per_eval {COST_PER_EVAL}, budget_per_identity {BUDGET_PER_IDENTITY}, \
         max_evals_per_minute {MAX_EVALS_PER_MINUTE}"
    ));
    narrator.line(&format!("program_id = {}", package.program_id()));
    let warnings = package.warnings();
    narrator.line(&format!(
        "warnings for approvers: {}",
        if warnings.is_empty() {
            "none".to_owned()
        } else {
            warnings.join("; ")
        }
    ));

    narrator.step(&format!(
        "generate S_v, deal shares and triples, install on all {n} custodians"
    ));
    let installed =
        installer::install(http, &demo.endpoints, package, k, DEMO_SLOTS, narrator).await?;

    narrator.step(&format!("collect approvals (K = {k})"));
    let early = demo.evaluate(&installed, "alice", Fp::from(1u64)).await?;
    early.expect_error(403, "SVC_NOT_ACTIVE")?;
    narrator.line(&format!(
        "evaluation before any approval → {} (refused, as it must be)",
        early.summary()
    ));
    installer::approve(http, &demo.endpoints, &installed, k, n, narrator).await?;
    narrator.line(&format!(
        "the program became active exactly at approval {k} of {n} (K = {k}) ✓"
    ));

    demo.evaluate_several(&installed).await?;
    demo.quorum_loss(&installed, local, n).await?;
    let allowed = demo.rate_limit(&installed).await?;
    demo.budget(&installed, allowed).await?;
    demo.audit().await?;
    Ok(())
}

impl Demo<'_> {
    async fn evaluate(
        &self,
        installed: &Installed,
        identity: &str,
        x: Fp,
    ) -> Result<super::client::Reply, Failure> {
        installer::evaluate(
            self.http,
            &self.endpoints,
            installed.program_id(),
            identity,
            &x_is(x),
        )
        .await
    }

    /// Evaluates at `x`, expects 200 and the cleartext answer; returns the answer body.
    async fn evaluate_ok(
        &self,
        installed: &Installed,
        identity: &str,
        x: Fp,
    ) -> Result<Value, Failure> {
        self.evaluate_labelled(installed, identity, x, &x.to_string())
            .await
    }

    /// [`Demo::evaluate_ok`], printing `x` as `label`.
    async fn evaluate_labelled(
        &self,
        installed: &Installed,
        identity: &str,
        x: Fp,
        label: &str,
    ) -> Result<Value, Failure> {
        let body = self.evaluate(installed, identity, x).await?.expect(200)?;
        let output = installer::output_of(&body)?;
        let program = installed.package.program();
        let inputs = Inputs::new(program, &x_is(x)).map_err(|e| failed(e.to_string()))?;
        let clear = eval_clear(program, &inputs, installed.secret)
            .map_err(|e| failed(format!("cleartext evaluation: {e}")))?;
        if output != clear {
            return Err(failed(format!(
                "x = {x}: the custodians computed {output}, the cleartext evaluation gives {clear}"
            )));
        }
        self.narrator.line(&format!(
            "x = {label} → {output}\n        cleartext {clear} ✓  custodians {}, {} rounds, \
             {identity}'s budget left {}",
            body["custodians"], body["rounds"], body["budget_remaining"]
        ));
        Ok(body)
    }

    async fn evaluate_several(&self, installed: &Installed) -> Result<(), Failure> {
        self.narrator
            .step("evaluate (identity alice), checking each output in cleartext");
        for x in ["0", "1", "5", "-7", "p - 1"] {
            let value = match x {
                "p - 1" => element("170141183460469231731687303715884105726")?,
                _ => element(x)?,
            };
            self.evaluate_labelled(installed, "alice", value, x).await?;
        }
        Ok(())
    }

    async fn quorum_loss(
        &self,
        installed: &Installed,
        local: Option<&mut LocalCluster>,
        n: usize,
    ) -> Result<(), Failure> {
        let k = self.k;
        self.narrator.step(&format!(
            "lose custodians: any {k} of {n} suffice, {} do not",
            k - 1
        ));
        let Some(cluster) = local else {
            self.narrator.line(
                "skipped in remote mode: the demo stops no remote service \
                 (run `quorate demo` for the in-process version)",
            );
            return Ok(());
        };
        let spare: Vec<u8> = (k + 1..=n)
            .rev()
            .filter_map(|x| u8::try_from(x).ok())
            .collect();
        for &x in &spare {
            cluster.stop_custodian(x).await?;
        }
        self.narrator
            .line(&format!("stopped custodian(s) {spare:?}: {k} of {n} left"));
        let body = self.evaluate_ok(installed, "bob", Fp::from(42u64)).await?;
        let budget_before = body["budget_remaining"].as_u64();
        let used = body["custodians"].as_array().map_or(0, Vec::len);
        if used != k {
            return Err(failed(format!(
                "with {k} custodians up, the evaluation must use exactly them, it used {}",
                body["custodians"]
            )));
        }
        let last = u8::try_from(k).map_err(|_| failed("K above 255"))?;
        cluster.stop_custodian(last).await?;
        self.narrator
            .line(&format!("stopped custodian {last}: {} of {n} left", k - 1));
        let reply = self.evaluate(installed, "bob", Fp::from(43u64)).await?;
        reply.expect_error(503, "QVM_QUORUM_UNAVAILABLE")?;
        self.narrator.line(&format!(
            "x = 43 → {}: {} (nothing is charged for it)",
            reply.summary(),
            reply.body["error"]["message"].as_str().unwrap_or_default()
        ));
        let mut restarted: Vec<u8> = vec![last];
        restarted.extend(spare.iter().rev());
        for &x in &restarted {
            cluster.restart_custodian(x, self.http).await?;
        }
        self.narrator.line(&format!(
            "restarted custodian(s) {restarted:?} from their SQLite files (same keys, same \
             shares, consumed triples remembered)"
        ));
        let body = self.evaluate_ok(installed, "bob", Fp::from(43u64)).await?;
        let budget_after = body["budget_remaining"].as_u64();
        if budget_after.is_none() || budget_after != budget_before.map(|b| b - COST_PER_EVAL) {
            return Err(failed(format!(
                "bob had {budget_before:?} left before the 503 and one paid evaluation since: \
                 {budget_after:?} left means the failure was charged"
            )));
        }
        self.narrator
            .line("bob paid for his two evaluations, not for the 503 ✓");
        Ok(())
    }

    /// Bursts evaluations for carol until the rate limit answers 429; returns how many were
    /// allowed.
    async fn rate_limit(&self, installed: &Installed) -> Result<u64, Failure> {
        self.narrator.step(&format!(
            "exceed the rate limit (identity carol, {MAX_EVALS_PER_MINUTE} per minute)"
        ));
        let mut allowed = 0u64;
        for i in 0..MAX_EVALS_PER_MINUTE * 3 {
            let reply = self.evaluate(installed, "carol", Fp::from(i)).await?;
            match reply.status {
                200 => allowed += 1,
                429 => {
                    reply.expect_error(429, "QVM_RATE_LIMITED")?;
                    self.narrator
                        .line(&format!("{allowed} evaluations in a burst: 200 each"));
                    self.narrator.line(&format!(
                        "evaluation {} → {}, Retry-After: {} s",
                        allowed + 1,
                        reply.summary(),
                        reply
                            .retry_after
                            .map_or("(missing)".to_owned(), |s| s.to_string())
                    ));
                    if allowed < MAX_EVALS_PER_MINUTE || reply.retry_after.is_none() {
                        return Err(failed(format!(
                            "the bucket holds {MAX_EVALS_PER_MINUTE} evaluations and a 429 \
                             carries Retry-After; got 429 after {allowed}, Retry-After {:?}",
                            reply.retry_after
                        )));
                    }
                    return Ok(allowed);
                }
                _ => {
                    reply.expect(200)?;
                }
            }
        }
        Err(failed(format!(
            "{} evaluations in a burst were never rate limited",
            MAX_EVALS_PER_MINUTE * 3
        )))
    }

    /// Continues as carol, waiting as `Retry-After` says, until the budget refuses (402); the
    /// number of charged evaluations must be exactly the budget over the cost.
    async fn budget(&self, installed: &Installed, mut charged: u64) -> Result<(), Failure> {
        let affordable = BUDGET_PER_IDENTITY / COST_PER_EVAL;
        self.narrator.step(&format!(
            "exhaust the budget (identity carol, {BUDGET_PER_IDENTITY} units at \
             {COST_PER_EVAL} per evaluation)"
        ));
        let mut waited = 0u64;
        for i in 0..affordable + 10 {
            let reply = self
                .evaluate(installed, "carol", Fp::from(1000 + i))
                .await?;
            match reply.status {
                200 => {
                    charged += 1;
                    self.narrator.line(&format!(
                        "evaluation → 200, carol's budget left {}",
                        reply.body["budget_remaining"]
                    ));
                }
                429 => {
                    let seconds = reply.retry_after.unwrap_or(1).clamp(1, 10);
                    waited += seconds;
                    self.narrator.line(&format!(
                        "429 QVM_RATE_LIMITED → waiting {seconds} s as Retry-After says"
                    ));
                    tokio::time::sleep(Duration::from_secs(seconds)).await;
                }
                _ => {
                    reply.expect_error(402, "QVM_BUDGET_EXHAUSTED")?;
                    self.narrator.line(&format!(
                        "{charged} evaluations charged in all; the next → {}: {}",
                        reply.summary(),
                        reply.body["error"]["message"].as_str().unwrap_or_default()
                    ));
                    if charged != affordable {
                        return Err(failed(format!(
                            "a budget of {BUDGET_PER_IDENTITY} at {COST_PER_EVAL} pays for \
                             {affordable} evaluations, {charged} were allowed"
                        )));
                    }
                    self.narrator.line(&format!(
                        "exactly {affordable} paid evaluations, then refused ✓ (waited {waited} s)"
                    ));
                    return Ok(());
                }
            }
        }
        Err(failed("the budget never refused an evaluation"))
    }

    async fn audit(&self) -> Result<(), Failure> {
        self.narrator.step("verify the audit log");
        let verify = self
            .http
            .get(&format!("{}/audit/verify", self.endpoints.coordinator))
            .await?
            .expect(200)?;
        if verify["valid"] != true {
            return Err(failed(format!("GET /audit/verify: {verify}")));
        }
        let entries = installer::audit_entries(self.http, &self.endpoints).await?;
        let local = quorumvm::audit::verify(&entries);
        if !local.valid || local.head.as_deref() != verify["head"].as_str() {
            return Err(failed(format!(
                "the {} entries read from GET /audit verify here as {}, the coordinator says {verify}",
                entries.len(),
                local.to_json()
            )));
        }
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        for entry in &entries {
            let kind = entry_kind(entry);
            *kinds.entry(kind).or_default() += 1;
        }
        let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        self.narrator.line(&format!(
            "GET /audit/verify → valid, {} entries ({})",
            verify["count"],
            kinds.join(", ")
        ));
        self.narrator
            .line("re-verified here from GET /audit: same chain, same head ✓");
        self.narrator.line(&format!(
            "head hash {}",
            verify["head"].as_str().unwrap_or_default()
        ));
        Ok(())
    }
}

/// What an audit entry records, for the summary: its `event`, and for an evaluation its
/// decision and outcome (`eval allow/success`).
fn entry_kind(entry: &Value) -> String {
    let event = entry["event"].as_str().unwrap_or("entry");
    match (entry["decision"].as_str(), entry["outcome"].as_str()) {
        (Some(decision), Some(outcome)) => format!("{event} {decision}/{outcome}"),
        (Some(decision), None) => format!("{event} {decision}"),
        _ => event.to_owned(),
    }
}
