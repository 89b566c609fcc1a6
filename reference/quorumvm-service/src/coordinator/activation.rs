//! Forwarding a program's activation to the custodians: `POST /activate` with the stored
//! approvals, to every registered custodian that has not acknowledged it yet (QVM-026).

use rusqlite::params;
use tokio::task::JoinSet;

use super::approvals;
use super::client::Client;
use super::registry::{self, Custodian};
use super::store::Store;
use crate::ServiceError;
use crate::wire::{ActivateRequest, ActivateResponse};

/// Sends the activation of `program_id` to every registered custodian that has not
/// acknowledged it, in parallel, and records those that do (a 2xx answer with
/// `"active": true`). Best effort: a custodian that fails is tried again next time.
///
/// Enforces QVM-026.
pub(crate) async fn forward(
    store: &Store,
    client: &Client,
    program_id: &str,
) -> Result<(), ServiceError> {
    let id = program_id.to_owned();
    let (request, pending) = store
        .run(move |db| {
            let approvals = approvals::all(&db.conn, &id)?;
            let acknowledged: Vec<u8> = {
                let mut statement = db
                    .conn
                    .prepare("SELECT x FROM activations WHERE program_id = ?1")?;
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
                tx.execute(
                    "INSERT OR IGNORE INTO activations (program_id, x) VALUES (?1, ?2)",
                    params![id, x],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
}
