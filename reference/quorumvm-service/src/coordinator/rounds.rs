//! Driving one evaluation's rounds over HTTP: every registered custodian is called in
//! parallel, the round closes when every call has finished or timed out, and
//! [`quorumvm::coordinator::Coordinator`] combines whatever answered (QVM-041..QVM-045).

use std::sync::Arc;

use field::Fp;
use quorumvm::coordinator::{Coordinator, Step};
use service_kit::ServiceError;
use tokio::task::JoinSet;

use super::client::CallError;
use super::lanes::Lanes;
use super::registry::Custodian;
use crate::core_error;
use crate::wire::{CustodianAnswer, EvalRequest};

/// The output of a successful evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Output {
    /// The reconstructed output.
    pub(crate) value: Fp,
    /// The custodians whose output shares were combined, in the order used.
    pub(crate) custodians: Vec<u8>,
    /// The rounds run (`mul_depth + 1`).
    pub(crate) rounds: usize,
}

/// One custodian's progress in this evaluation.
#[derive(Debug)]
struct Peer {
    custodian: Custodian,
    /// How many messages of its backlog (Begin, then each round's openings) it has accepted.
    delivered: usize,
    /// Why it did not answer the latest round it missed.
    missed: Option<String>,
}

/// Runs the rounds of an evaluation with `custodians` (those registered; x in 1..=n).
///
/// Enforces QVM-027 and, through the core, QVM-041..QVM-045: each round, every custodian is
/// sent what it has not accepted yet of its backlog (its Begin and the openings of the closed
/// rounds, QVM-042) in parallel; answers are given to the coordinator in arrival order; a
/// custodian that fails or times out is skipped for the round and caught up in the next.
/// Fewer than K answers is `503 QVM_QUORUM_UNAVAILABLE`; inconsistent answers are
/// `502 QVM_INCONSISTENT_SHARES` naming the custodians.
pub(crate) async fn run(
    lanes: &Arc<Lanes>,
    custodians: Vec<Custodian>,
    mut coordinator: Coordinator,
) -> Result<Output, ServiceError> {
    let mut peers: Vec<Peer> = custodians
        .into_iter()
        .map(|custodian| Peer {
            custodian,
            delivered: 0,
            missed: None,
        })
        .collect();
    loop {
        let mut calls = JoinSet::new();
        for (index, peer) in peers.iter().enumerate() {
            let backlog = coordinator.backlog(peer.custodian.x);
            let messages = backlog
                .get(peer.delivered..)
                .unwrap_or_default()
                .iter()
                .map(EvalRequest::from_message)
                .collect::<Result<Vec<_>, _>>()?;
            let lanes = Arc::clone(lanes);
            let url = peer.custodian.url.clone();
            calls.spawn(async move {
                let (delivered, answer) = deliver(&lanes, &url, messages).await;
                (index, delivered, answer)
            });
        }
        while let Some(joined) = calls.join_next().await {
            let Ok((index, delivered, answer)) = joined else {
                continue;
            };
            let Some(peer) = peers.get_mut(index) else {
                continue;
            };
            peer.delivered += delivered;
            peer.missed = match answer {
                Ok(answer) => coordinator
                    .receive(peer.custodian.x, answer.to_message())
                    .err()
                    .map(|e| format!("{}: {e}", e.code())),
                Err(e) => Some(e.0),
            };
        }
        match coordinator.close_round() {
            Ok(Step::Open(_)) => {}
            Ok(Step::Done(value)) => {
                return Ok(Output {
                    value,
                    custodians: coordinator.answered(),
                    rounds: coordinator.round(),
                });
            }
            Err(error) => {
                let mut error = core_error(error);
                let missed: Vec<String> = peers
                    .iter()
                    .filter_map(|p| {
                        let why = p.missed.as_ref()?;
                        Some(format!("custodian {}: {why}", p.custodian.x))
                    })
                    .collect();
                if !missed.is_empty() {
                    error.message = format!("{} ({})", error.message, missed.join("; "));
                }
                return Err(error);
            }
        }
    }
}

/// Posts `messages` to one custodian in order, each through its lane (QVM-049); returns how many it accepted and its answer to
/// the last one (the current round).
async fn deliver(
    lanes: &Lanes,
    url: &str,
    messages: Vec<EvalRequest>,
) -> (usize, Result<CustodianAnswer, CallError>) {
    let mut delivered = 0;
    let mut last = Err(CallError("nothing to send".to_owned()));
    for message in messages {
        last = lanes.call(url, message).await;
        if last.is_err() {
            break;
        }
        delivered += 1;
    }
    (delivered, last)
}
