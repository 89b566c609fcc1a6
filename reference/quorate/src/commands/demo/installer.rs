//! The installer, over HTTP: what an operator does to bring a program to running services.
//! It reads each custodian's public key from `/health`, registers the custodians at the
//! coordinator, deals S_v and the Beaver triples (`quorumvm::deal`, from a DRBG seeded with 32
//! fresh OS bytes, QVM-052), installs at every custodian, registers the package at the
//! coordinator and carries the custodians' approvals to the coordinator one at a time.

use std::collections::BTreeMap;

use field::Fp;
use quorumvm::deal::deal;
use quorumvm::package::Package;
use quorumvm_service::wire::{self, InstallRequest, InstallationWire, RosterMember};
use serde_json::{Value, json};
use shamir::Threshold;

use super::client::{Http, Reply, failed};
use super::narrate::Narrator;
use crate::commands::Failure;

/// The base URLs of the services (no trailing slash).
#[derive(Debug, Clone)]
pub(crate) struct Endpoints {
    pub(crate) coordinator: String,
    pub(crate) custodians: Vec<String>,
}

impl Endpoints {
    /// Base URLs with any trailing `/` removed.
    pub(crate) fn new(coordinator: &str, custodians: &[String]) -> Self {
        let trim = |url: &str| url.trim_end_matches('/').to_owned();
        Self {
            coordinator: trim(coordinator),
            custodians: custodians.iter().map(|u| trim(u)).collect(),
        }
    }
}

/// A custodian as its `/health` describes it.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub(crate) x: u8,
    pub(crate) url: String,
    pub(crate) public_key: String,
}

/// What the installer keeps: the package, and S_v for the demo's cleartext check only.
#[derive(Debug)]
pub(crate) struct Installed {
    pub(crate) package: Package,
    pub(crate) secret: Option<Fp>,
    pub(crate) members: Vec<Member>,
}

impl Installed {
    pub(crate) fn program_id(&self) -> &str {
        self.package.program_id()
    }
}

/// A DRBG seeded with 32 fresh bytes of OS entropy (QVM-052): its label is their hex.
pub(crate) fn fresh_drbg() -> Result<canon::drbg::Drbg, Failure> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| failed(format!("no OS randomness: {e}")))?;
    Ok(canon::drbg::Drbg::new(&canon::hex::encode(&seed)))
}

/// Reads every custodian's `/health`: x and public key.
pub(crate) async fn members(
    http: &Http,
    endpoints: &Endpoints,
    narrator: &Narrator,
) -> Result<Vec<Member>, Failure> {
    let mut members: Vec<Member> = Vec::new();
    for url in &endpoints.custodians {
        let health = http.get(&format!("{url}/health")).await?.expect(200)?;
        let x = health["x"]
            .as_u64()
            .and_then(|x| u8::try_from(x).ok())
            .ok_or_else(|| failed(format!("{url}/health has no x: {health}")))?;
        let public_key = health["public_key"]
            .as_str()
            .ok_or_else(|| failed(format!("{url}/health has no public_key: {health}")))?
            .to_owned();
        if members.iter().any(|m| m.x == x) {
            return Err(failed(format!("two custodians answer with x = {x}")));
        }
        narrator.line(&format!(
            "custodian-{x} at {url}: public key {}…",
            &public_key[..public_key.len().min(16)]
        ));
        members.push(Member {
            x,
            url: url.clone(),
            public_key,
        });
    }
    Ok(members)
}

/// Registers every custodian at the coordinator (`POST /custodians`).
pub(crate) async fn register_custodians(
    http: &Http,
    endpoints: &Endpoints,
    members: &[Member],
) -> Result<(), Failure> {
    for member in members {
        let body = json!({"x": member.x, "url": member.url, "public_key": member.public_key});
        let reply = http
            .post(&format!("{}/custodians", endpoints.coordinator), &body)
            .await?;
        if !matches!(reply.status, 200 | 201) {
            reply.expect(201)?;
        }
    }
    Ok(())
}

/// Deals S_v (a fresh uniform element, when the program has a secret) and `slots` evaluation
/// slots of triples, installs at every custodian and registers the package at the
/// coordinator. Returns what the installer keeps.
pub(crate) async fn install(
    http: &Http,
    endpoints: &Endpoints,
    package: Package,
    k: usize,
    slots: u64,
    narrator: &Narrator,
) -> Result<Installed, Failure> {
    let members = members(http, endpoints, narrator).await?;
    register_custodians(http, endpoints, &members).await?;
    narrator.line(&format!(
        "coordinator: {} custodians registered",
        members.len()
    ));

    let threshold = Threshold::new(k, members.len())
        .map_err(|e| failed(format!("threshold k = {k}, n = {}: {e}", members.len())))?;
    let mut drbg = fresh_drbg()?;
    let has_secret = package.program().secret_manifest().wire().is_some();
    let secret = has_secret.then(|| Fp::random(&mut drbg));
    let installations = deal(package.program(), threshold, secret, 0..slots, &mut drbg)
        .map_err(|e| failed(format!("dealing: {e}")))?;
    narrator.line(&format!(
        "dealt{} {} evaluation slots × {} Beaver triple(s) as {k}-of-{} Shamir shares \
         (DRBG seeded from 32 OS bytes)",
        if has_secret { " S_v and" } else { "" },
        slots,
        package.program().triples_per_evaluation(),
        members.len(),
    ));

    let roster: Vec<RosterMember> = members
        .iter()
        .map(|m| RosterMember {
            x: m.x,
            public_key: m.public_key.clone(),
        })
        .collect();
    for member in &members {
        let installation = installations
            .get(usize::from(member.x).wrapping_sub(1))
            .ok_or_else(|| {
                failed(format!(
                    "custodian-{} has x outside 1..={}",
                    member.x,
                    members.len()
                ))
            })?;
        let request = InstallRequest {
            package: package.to_json(),
            installation: InstallationWire::new(installation, threshold),
            roster: roster.clone(),
        };
        let reply = http
            .post(&format!("{}/install", member.url), &wire::to_json(&request))
            .await?;
        if reply.code() == "SVC_ALREADY_INSTALLED" {
            return Err(failed(format!(
                "custodian-{} already has program {} (an earlier run?): start from empty \
                 databases (with compose: `docker compose down -v`)",
                member.x,
                package.program_id()
            )));
        }
        let answer = reply.expect(200)?;
        if answer["program_id"].as_str() != Some(package.program_id()) {
            return Err(failed(format!(
                "custodian-{} installed {} instead of {}",
                member.x,
                answer["program_id"],
                package.program_id()
            )));
        }
        narrator.line(&format!(
            "POST {}/install → 200: custodian-{} holds its share of S_v and {} slots",
            member.url, member.x, answer["slots"]
        ));
    }

    let body = json!({"package": package.to_json(), "slots": slots});
    let reply = http
        .post(&format!("{}/programs", endpoints.coordinator), &body)
        .await?;
    let status = reply.status;
    let answer = if status == 200 {
        reply.body
    } else {
        reply.expect(201)?
    };
    narrator.line(&format!(
        "POST {}/programs → {status}: status {}",
        endpoints.coordinator, answer["status"]
    ));
    if answer["status"] != "registered" {
        return Err(failed(format!(
            "a new program must be `registered`, not {}",
            answer["status"]
        )));
    }
    Ok(Installed {
        package,
        secret,
        members,
    })
}

/// Asks each custodian to approve (`POST /approve`) and hands the approvals to the coordinator
/// one at a time, checking that the program stays `registered` below K and is `active` from
/// the K-th approval on. `until` limits how many custodians are asked.
pub(crate) async fn approve(
    http: &Http,
    endpoints: &Endpoints,
    installed: &Installed,
    k: usize,
    until: usize,
    narrator: &Narrator,
) -> Result<(), Failure> {
    let program_id = installed.program_id();
    for (count, member) in installed.members.iter().take(until).enumerate() {
        let count = count + 1;
        let approval = http
            .post(
                &format!("{}/approve", member.url),
                &json!({"program_id": program_id}),
            )
            .await?
            .expect(200)?;
        let signature = approval["signature"]
            .as_str()
            .ok_or_else(|| failed(format!("custodian-{}: no signature", member.x)))?;
        let status = http
            .post(
                &format!("{}/programs/{program_id}/approvals", endpoints.coordinator),
                &json!({"x": member.x, "signature": signature}),
            )
            .await?
            .expect(200)?;
        let expected = if count >= k { "active" } else { "registered" };
        narrator.line(&format!(
            "custodian-{} signs its approval → coordinator: {}/{} approvals, status {}",
            member.x,
            status["approvals"],
            status["needed"],
            status["status"].as_str().unwrap_or("?").to_uppercase()
        ));
        if status["status"] != expected || status["approvals"] != count {
            return Err(failed(format!(
                "after {count} approval(s) with K = {k} the program must be {expected} with \
                 {count} approvals, the coordinator says {status}"
            )));
        }
    }
    Ok(())
}

/// `POST /eval` for `identity` with the given input values; returns the reply as it is.
pub(crate) async fn evaluate(
    http: &Http,
    endpoints: &Endpoints,
    program_id: &str,
    identity: &str,
    inputs: &BTreeMap<String, Fp>,
) -> Result<Reply, Failure> {
    let inputs: serde_json::Map<String, Value> = inputs
        .iter()
        .map(|(name, value)| (name.clone(), Value::String(value.to_string())))
        .collect();
    let body = json!({"identity_id": identity, "program_id": program_id, "inputs": inputs});
    http.post(&format!("{}/eval", endpoints.coordinator), &body)
        .await
}

/// The output of a successful evaluation reply.
pub(crate) fn output_of(body: &Value) -> Result<Fp, Failure> {
    body["output"]
        .as_str()
        .and_then(|s| Fp::parse(s).ok())
        .ok_or_else(|| failed(format!("an evaluation answer without an output: {body}")))
}

/// Reads the whole audit log (`GET /audit`, page by page).
pub(crate) async fn audit_entries(
    http: &Http,
    endpoints: &Endpoints,
) -> Result<Vec<Value>, Failure> {
    let mut entries = Vec::new();
    let mut offset = 0u64;
    loop {
        let page = http
            .get(&format!(
                "{}/audit?offset={offset}&limit=100",
                endpoints.coordinator
            ))
            .await?
            .expect(200)?;
        let batch = page["entries"]
            .as_array()
            .ok_or_else(|| failed(format!("GET /audit: no entries: {page}")))?;
        entries.extend(batch.iter().cloned());
        match page["next_offset"].as_u64() {
            Some(next) if next > offset => offset = next,
            _ => return Ok(entries),
        }
    }
}
