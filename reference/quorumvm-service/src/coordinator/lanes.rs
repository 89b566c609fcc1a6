//! Evaluation messages to custodians, batched across concurrent evaluations (QVM-049): one
//! *lane* per custodian URL sends one request at a time; the messages queued while it is in
//! flight leave together in the next one, `POST /eval/batch` (QVM-048), or alone on their own
//! route when only one is waiting. Under load a custodian thus gets one request and makes one
//! commit for many evaluations; alone, an evaluation's messages leave at once as before.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::client::{CallError, Client};
use crate::wire::{BatchAnswer, BatchItem, BatchRequest, CustodianAnswer, EvalRequest, MAX_BATCH};

/// How many turns of the scheduler a lane waits for more messages before sending.
const YIELDS: usize = 4;

/// One message waiting in a lane, and where its outcome goes.
struct Job {
    message: EvalRequest,
    reply: oneshot::Sender<Result<CustodianAnswer, CallError>>,
}

/// The lanes, by custodian URL; each one's task ends when the lanes are dropped.
#[derive(Debug)]
pub(crate) struct Lanes {
    client: Client,
    timeout: Duration,
    lanes: Mutex<HashMap<String, mpsc::UnboundedSender<Job>>>,
}

impl Lanes {
    /// Lanes posting with `client`; a caller waits at most `timeout` for its answer (the
    /// client bounds each request by the same timeout).
    pub(crate) fn new(client: Client, timeout: Duration) -> Self {
        Self {
            client,
            timeout,
            lanes: Mutex::new(HashMap::new()),
        }
    }

    /// Sends `message` to the custodian at `url` with whatever else is queued for it, and
    /// returns its answer; a refusal is an error naming the custodian's error code. Gives up
    /// after the timeout (the message is then not sent if it has not left yet).
    ///
    /// Enforces QVM-049.
    pub(crate) async fn call(
        &self,
        url: &str,
        message: EvalRequest,
    ) -> Result<CustodianAnswer, CallError> {
        let (reply, answer) = oneshot::channel();
        self.sender(url)
            .send(Job { message, reply })
            .map_err(|_| CallError("the custodian's lane is closed".to_owned()))?;
        match tokio::time::timeout(self.timeout, answer).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => Err(CallError("the call was dropped".to_owned())),
            Err(_) => Err(CallError("timed out".to_owned())),
        }
    }

    /// The lane of `url`, started on first use.
    fn sender(&self, url: &str) -> mpsc::UnboundedSender<Job> {
        let mut lanes = self.lanes.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = lanes.get(url).filter(|s| !s.is_closed()) {
            return sender.clone();
        }
        let (sender, jobs) = mpsc::unbounded_channel();
        tokio::spawn(run(self.client.clone(), url.to_owned(), jobs));
        lanes.insert(url.to_owned(), sender.clone());
        sender
    }
}

/// A lane: takes what is queued (up to [`MAX_BATCH`] messages whose caller still waits), sends
/// it in one request, hands out the answers, and again.
async fn run(client: Client, url: String, mut jobs: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        // Let the tasks that are ready now (other evaluations' calls) queue theirs first, as
        // long as that brings more; alone, this costs one turn of the scheduler.
        for _ in 0..YIELDS {
            tokio::task::yield_now().await;
            let before = batch.len();
            while batch.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            if batch.len() == before || batch.len() == MAX_BATCH {
                break;
            }
        }
        batch.retain(|job| !job.reply.is_closed());
        let (messages, replies): (Vec<EvalRequest>, Vec<_>) =
            batch.into_iter().map(|j| (j.message, j.reply)).unzip();
        let outcomes = send(&client, &url, messages).await;
        for (reply, outcome) in replies.into_iter().zip(outcomes) {
            let _ = reply.send(outcome);
        }
    }
}

/// Posts `messages`: one alone on its route, several as `POST /eval/batch`. Returns one
/// outcome per message, in order.
async fn send(
    client: &Client,
    url: &str,
    mut messages: Vec<EvalRequest>,
) -> Vec<Result<CustodianAnswer, CallError>> {
    let count = messages.len();
    match messages.pop() {
        None => Vec::new(),
        Some(message) if count == 1 => {
            vec![client.post(url, message.path(), &message.to_json()).await]
        }
        Some(last) => {
            messages.push(last);
            let answer: Result<BatchAnswer, CallError> = client
                .post(url, "/eval/batch", &BatchRequest { messages })
                .await;
            match answer {
                Ok(answer) if answer.answers.len() == count => {
                    answer.answers.into_iter().map(item).collect()
                }
                Ok(answer) => {
                    let error = CallError(format!(
                        "a batch answer with {} items for {count} messages",
                        answer.answers.len()
                    ));
                    vec![Err(error); count]
                }
                Err(error) => vec![Err(error); count],
            }
        }
    }
}

fn item(item: BatchItem) -> Result<CustodianAnswer, CallError> {
    match item {
        BatchItem::Answer(answer) => Ok(answer),
        BatchItem::Error(body) => Err(CallError(format!(
            "{} {}",
            body.error.code, body.error.message
        ))),
    }
}
