//! Forwarding a program's activation to the custodians: `POST /activate` with the stored
//! approvals, to every registered custodian that has not acknowledged it yet (QVM-026).

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use rusqlite::params;
use service_kit::ServiceError;
use tokio::task::JoinSet;

use super::approvals;
use super::client::Client;
use super::registry::{self, Custodian};
use super::store::Store;
use crate::wire::{ActivateRequest, ActivateResponse};

/// The programs whose activation every registered custodian has acknowledged, kept in memory
/// so that an evaluation does not read the `activations` table again. A registration
/// invalidates it; a generation counter keeps a forward that read the table before the
/// registration from marking a program done after it.
#[derive(Debug, Default)]
pub(crate) struct Forwarded {
    inner: Mutex<ForwardedInner>,
}

#[derive(Debug, Default)]
struct ForwardedInner {
    generation: u64,
    done: HashSet<String>,
}

impl Forwarded {
    fn lock(&self) -> std::sync::MutexGuard<'_, ForwardedInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn is_done(&self, program_id: &str) -> bool {
        self.lock().done.contains(program_id)
    }

    fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Marks a program done, unless a registration happened since `generation` was read.
    fn mark(&self, program_id: &str, generation: u64) {
        let mut inner = self.lock();
        if inner.generation == generation {
            inner.done.insert(program_id.to_owned());
        }
    }

    /// Forgets every program: the registered custodians changed.
    pub(crate) fn invalidate(&self) {
        let mut inner = self.lock();
        inner.generation = inner.generation.wrapping_add(1);
        inner.done.clear();
    }
}

/// Sends the activation of `program_id` to every registered custodian that has not
/// acknowledged it, in parallel, and records those that do (a 2xx answer with
/// `"active": true`). Best effort: a custodian that fails is tried again next time. Once
/// every registered custodian acknowledged, nothing is read or sent until the next
/// registration.
///
/// Enforces QVM-026.
pub(crate) async fn forward(
    store: &Store,
    client: &Client,
    forwarded: &Forwarded,
    program_id: &str,
) -> Result<(), ServiceError> {
    if forwarded.is_done(program_id) {
        return Ok(());
    }
    let generation = forwarded.generation();
    let id = program_id.to_owned();
    let (request, pending) = store
        .run(move |db| {
            let approvals = approvals::all(&db.conn, &id)?;
            let acknowledged: Vec<u8> = {
                let mut statement = db
                    .conn
                    .prepare_cached("SELECT x FROM activations WHERE program_id = ?1")?;
                let rows = statement.query_map(params![id], |row| row.get(0))?;
                rows.collect::<Result<_, _>>()?
            };
            let pending: Vec<Custodian> = registry::all(&db.conn)?
                .into_iter()
                .filter(|c| !acknowledged.contains(&c.x))
                .collect();
            Ok((
                ActivateRequest {
                    program_id: id,
                    approvals,
                },
                pending,
            ))
        })
        .await?;
    if pending.is_empty() {
        forwarded.mark(program_id, generation);
        return Ok(());
    }
    let mut calls = JoinSet::new();
    for custodian in pending {
        let client = client.clone();
        let request = request.clone();
        calls.spawn(async move {
            let answer: Result<ActivateResponse, _> =
                client.post(&custodian.url, "/activate", &request).await;
            answer
                .ok()
                .filter(|a| a.active && a.program_id == request.program_id)
                .map(|_| custodian.x)
        });
    }
    let mut acknowledged = Vec::new();
    while let Some(joined) = calls.join_next().await {
        if let Ok(Some(x)) = joined {
            acknowledged.push(x);
        }
    }
    if acknowledged.is_empty() {
        return Ok(());
    }
    let id = program_id.to_owned();
    store
        .run(move |db| {
            let tx = db.conn.transaction()?;
            for x in acknowledged {
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO activations (program_id, x) VALUES (?1, ?2)",
                )?
                .execute(params![id, x])?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
}
