//! A small JSON-over-HTTP client for the demo and the benchmark: every call returns the status,
//! the `Retry-After` header and the JSON body, and a transport failure is a [`Failure`].

use std::time::Duration;

use serde_json::Value;

use crate::commands::Failure;

/// The code of every demo and benchmark failure: an expected outcome did not happen.
pub(crate) const DEMO_FAILED: &str = "CLI_DEMO_FAILED";

/// A failure of the demo with a message.
pub(crate) fn failed(message: impl Into<String>) -> Failure {
    Failure::new(DEMO_FAILED, message)
}

/// One HTTP answer.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The `Retry-After` header, in seconds, if any.
    pub(crate) retry_after: Option<u64>,
    /// The JSON body (`null` when the body is not JSON).
    pub(crate) body: Value,
    /// What was asked, for messages: `POST http://…/eval`.
    pub(crate) what: String,
}

impl Reply {
    /// The error code of a failure body, or `""`.
    pub(crate) fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }

    /// `503 QVM_QUORUM_UNAVAILABLE`, or `200`.
    pub(crate) fn summary(&self) -> String {
        if self.code().is_empty() {
            self.status.to_string()
        } else {
            format!("{} {}", self.status, self.code())
        }
    }

    /// The body, if the status is `status`; otherwise a failure that says what came back.
    pub(crate) fn expect(self, status: u16) -> Result<Value, Failure> {
        if self.status == status {
            Ok(self.body)
        } else {
            Err(failed(format!(
                "{}: expected HTTP {status}, got {}: {}",
                self.what,
                self.summary(),
                self.body["error"]["message"].as_str().unwrap_or_default()
            )))
        }
    }

    /// Checks the status and the error code of a refusal.
    pub(crate) fn expect_error(&self, status: u16, code: &str) -> Result<(), Failure> {
        if self.status == status && self.code() == code {
            Ok(())
        } else {
            Err(failed(format!(
                "{}: expected HTTP {status} {code}, got {}: {}",
                self.what,
                self.summary(),
                self.body
            )))
        }
    }
}

/// A JSON client with a per-request timeout.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
}

impl Http {
    /// A client whose requests time out after `timeout`.
    pub(crate) fn new(timeout: Duration) -> Result<Self, Failure> {
        reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map(|client| Self { client })
            .map_err(|e| failed(format!("HTTP client: {e}")))
    }

    /// `GET url`.
    pub(crate) async fn get(&self, url: &str) -> Result<Reply, Failure> {
        let what = format!("GET {url}");
        let response = self.client.get(url).send().await;
        Self::reply(what, response).await
    }

    /// `POST url` with a JSON body.
    pub(crate) async fn post(&self, url: &str, body: &Value) -> Result<Reply, Failure> {
        let what = format!("POST {url}");
        let response = self.client.post(url).json(body).send().await;
        Self::reply(what, response).await
    }

    async fn reply(
        what: String,
        response: Result<reqwest::Response, reqwest::Error>,
    ) -> Result<Reply, Failure> {
        let response = response.map_err(|e| failed(format!("{what}: {e}")))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let bytes = response
            .bytes()
            .await
            .map_err(|e| failed(format!("{what}: reading the body: {e}")))?;
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(Reply {
            status,
            retry_after,
            body,
            what,
        })
    }

    /// Polls `GET url` until it answers 200 or `patience` runs out (services starting up).
    pub(crate) async fn wait_healthy(
        &self,
        url: &str,
        patience: Duration,
    ) -> Result<Value, Failure> {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            let last = match self.get(url).await {
                Ok(reply) if reply.status == 200 => return Ok(reply.body),
                Ok(reply) => format!("{}: {}", reply.what, reply.summary()),
                Err(failure) => failure.message,
            };
            if tokio::time::Instant::now() >= deadline {
                return Err(failed(format!(
                    "not healthy after {} s: {last}",
                    patience.as_secs()
                )));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}
