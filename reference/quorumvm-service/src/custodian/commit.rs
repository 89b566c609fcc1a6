//! Group commit of consumed request ids and slots (QVM-023): concurrent Begins queue what they
//! consumed; whoever gets the database commits every queued one in one transaction (one disk
//! sync for all, `synchronous=FULL`), then tells each its outcome. No Begin is answered before
//! its own consumption is committed.

use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Mutex, PoisonError};

use rusqlite::Connection;
use service_kit::ServiceError;

use super::store;

/// What one Begin consumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Consumed {
    pub(crate) program_id: String,
    pub(crate) request_id: String,
    /// The slot, when the program uses triples.
    pub(crate) slot: Option<u64>,
}

/// A queued consumption and where to send its outcome.
type Waiting = (Consumed, SyncSender<Result<(), ServiceError>>);

/// The queue of consumptions waiting for a commit.
#[derive(Debug, Default)]
pub(crate) struct Queue {
    waiting: Mutex<Vec<Waiting>>,
}

impl Queue {
    /// Commits `consumed` (with whatever else is queued) and returns once they are durable,
    /// with each one's outcome (a consumption refused by the database is refused alone).
    /// `connection` locks the database: called without it held. Blocking.
    ///
    /// Enforces QVM-023: the request ids and slots are committed before the caller answers.
    pub(crate) fn commit_all<'a>(
        &self,
        consumed: Vec<Consumed>,
        connection: impl FnOnce() -> std::sync::MutexGuard<'a, Connection>,
    ) -> Vec<Result<(), ServiceError>> {
        let receivers: Vec<_> = {
            let mut waiting = self.lock();
            consumed
                .into_iter()
                .map(|one| {
                    let (sender, receiver) = sync_channel(1);
                    waiting.push((one, sender));
                    receiver
                })
                .collect()
        };
        {
            let mut connection = connection();
            // Queued before we got the database: ours are in this batch, or an earlier holder
            // committed them and told us before letting the database go.
            let batch = std::mem::take(&mut *self.lock());
            if !batch.is_empty() {
                let (jobs, senders): (Vec<Consumed>, Vec<_>) = batch.into_iter().unzip();
                let outcomes = store::consume_all(&mut connection, &jobs);
                for (sender, outcome) in senders.into_iter().zip(outcomes) {
                    let _ = sender.send(outcome);
                }
            }
        }
        receivers
            .into_iter()
            .map(|receiver| {
                receiver
                    .recv()
                    .map_err(|_| ServiceError::storage("a consumption was not committed"))?
            })
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Waiting>> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
