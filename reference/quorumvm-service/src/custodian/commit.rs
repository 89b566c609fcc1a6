//! Group commit of consumed request ids and slots (QVM-023): concurrent Begins queue what they
//! consumed; whoever gets the database commits every queued one in one transaction (one disk
//! sync for all, `synchronous=FULL`), then tells each its outcome. No Begin is answered before
//! its own consumption is committed.

use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Mutex, PoisonError};

use rusqlite::Connection;

use super::store;
use crate::ServiceError;

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
    /// Commits `consumed` (with whatever else is queued) and returns once it is durable.
    /// `connection` locks the database: called without it held. Blocking.
    ///
    /// Enforces QVM-023: the request id and slot are committed before the caller answers.
    pub(crate) fn commit<'a>(
        &self,
        consumed: Consumed,
        connection: impl FnOnce() -> std::sync::MutexGuard<'a, Connection>,
    ) -> Result<(), ServiceError> {
        let (sender, receiver) = sync_channel(1);
        self.lock().push((consumed, sender));
        {
            let mut connection = connection();
            // Queued before we got the database: ours is in this batch, or an earlier holder
            // committed it and told us before letting the database go.
            let batch = std::mem::take(&mut *self.lock());
            if !batch.is_empty() {
                let (jobs, senders): (Vec<Consumed>, Vec<_>) = batch.into_iter().unzip();
                let outcomes = store::consume_all(&mut connection, &jobs);
                for (sender, outcome) in senders.into_iter().zip(outcomes) {
                    let _ = sender.send(outcome);
                }
            }
        }
        receiver
            .recv()
            .map_err(|_| ServiceError::storage("a consumption was not committed"))?
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Waiting>> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
