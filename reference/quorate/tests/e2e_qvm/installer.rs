//! The installer, written here (not the demo's): registers the custodians, deals the secret and
//! the Beaver triples, installs everywhere, registers the package, collects approvals, and
//! evaluates through the coordinator; [`Installed::clear`] is the cleartext value every
//! threshold evaluation is compared with.

use std::collections::BTreeMap;

use field::Fp;
use quorumvm::deal::deal;
use quorumvm::eval::{Inputs, eval_clear};
use quorumvm::package::{Package, PolicyManifest, Program};
use quorumvm_service::wire::{self, InstallRequest, InstallationWire, RosterMember};
use serde_json::{Value, json};
use shamir::Threshold;

use crate::cluster::Cluster;
use crate::reply::Reply;
use crate::{K, N, get, post};

pub(crate) struct Installed {
    package: Package,
    secret: Fp,
}

impl Installed {
    pub(crate) fn id(&self) -> &str {
        self.package.program_id()
    }

    pub(crate) fn clear(&self, x: Fp) -> Fp {
        let program = self.package.program();
        let inputs = Inputs::new(program, &BTreeMap::from([("x".to_owned(), x)])).unwrap();
        eval_clear(program, &inputs, Some(self.secret)).unwrap()
    }
}

pub(crate) fn package(source: &str, cost: u64, budget: u64, per_minute: u64) -> Package {
    let program = Program::new(dsl::compile(source).unwrap());
    Package::build(
        program,
        PolicyManifest::new(cost, budget, per_minute).unwrap(),
        "1.0.0",
    )
    .unwrap()
}

/// Registers the custodians, deals, installs everywhere and registers the package.
pub(crate) fn install(cluster: &Cluster, package: Package, slots: u64) -> Installed {
    let mut keys = Vec::new();
    for service in &cluster.custodians {
        let health = get(&format!("{}/health", service.url)).ok();
        assert_eq!(health["role"], "custodian");
        let x = u8::try_from(health["x"].as_u64().unwrap()).unwrap();
        let key = health["public_key"].as_str().unwrap().to_owned();
        let registered = post(
            &cluster.coordinator("/custodians"),
            &json!({"x": x, "url": service.url, "public_key": key}),
        );
        assert!(matches!(registered.status, 200 | 201), "{registered:?}");
        keys.push((x, key));
    }
    let threshold = Threshold::new(K, N).unwrap();
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).unwrap();
    let mut drbg = canon::drbg::Drbg::new(&canon::hex::encode(&seed));
    let secret = Fp::random(&mut drbg);
    let installations = deal(
        package.program(),
        threshold,
        Some(secret),
        0..slots,
        &mut drbg,
    )
    .unwrap();
    let roster: Vec<RosterMember> = keys
        .iter()
        .map(|(x, key)| RosterMember {
            x: *x,
            public_key: key.clone(),
        })
        .collect();
    for (service, (x, _)) in cluster.custodians.iter().zip(&keys) {
        let request = InstallRequest {
            package: package.to_json(),
            installation: InstallationWire::new(&installations[usize::from(*x) - 1], threshold),
            roster: roster.clone(),
        };
        let answer = post(
            &format!("{}/install", service.url),
            &wire::to_json(&request),
        )
        .ok();
        assert_eq!(answer["program_id"], package.program_id());
    }
    let registered = post(
        &cluster.coordinator("/programs"),
        &json!({"package": package.to_json(), "slots": slots}),
    );
    assert_eq!(registered.status, 201, "{registered:?}");
    assert_eq!(registered.body["status"], "registered");
    Installed { package, secret }
}

/// Custodian `x`'s signed approval.
pub(crate) fn approval(cluster: &Cluster, installed: &Installed, x: u8) -> String {
    let url = &cluster.custodians[usize::from(x) - 1].url;
    let answer = post(
        &format!("{url}/approve"),
        &json!({"program_id": installed.id()}),
    )
    .ok();
    assert_eq!(answer["x"], x);
    answer["signature"].as_str().unwrap().to_owned()
}

/// Hands custodian `x`'s approval to the coordinator; returns the status body.
pub(crate) fn approve(cluster: &Cluster, installed: &Installed, x: u8) -> Value {
    let signature = approval(cluster, installed, x);
    post(
        &cluster.coordinator(&format!("/programs/{}/approvals", installed.id())),
        &json!({"x": x, "signature": signature}),
    )
    .ok()
}

pub(crate) fn approve_all(cluster: &Cluster, installed: &Installed) {
    for x in 1..=N as u8 {
        approve(cluster, installed, x);
    }
    let program = get(&cluster.coordinator(&format!("/programs/{}", installed.id()))).ok();
    assert_eq!(program["status"], "active");
}

pub(crate) fn eval(
    cluster: &Cluster,
    installed: &Installed,
    identity: &str,
    x: Fp,
    request_id: Option<&str>,
) -> Reply {
    let mut body = json!({
        "identity_id": identity,
        "program_id": installed.id(),
        "inputs": {"x": x.to_string()},
    });
    if let Some(id) = request_id {
        body["request_id"] = id.into();
    }
    post(&cluster.coordinator("/eval"), &body)
}

pub(crate) fn all_audit_entries(cluster: &Cluster) -> Vec<Value> {
    let mut entries = Vec::new();
    let mut offset = 0;
    loop {
        let page = get(&cluster.coordinator(&format!("/audit?offset={offset}&limit=100"))).ok();
        entries.extend(page["entries"].as_array().unwrap().iter().cloned());
        match page["next_offset"].as_u64() {
            Some(next) => offset = next,
            None => return entries,
        }
    }
}
