//! Calls to custodians: JSON over HTTP, each bounded by the configured timeout.

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use service_kit::ServiceError;

use crate::wire::ErrorBody;

/// The largest answer read from a custodian.
const ANSWER_LIMIT: usize = 1 << 20;

/// An HTTP client for custodians; every call times out after the configured duration.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    http: reqwest::Client,
}

/// Why a call to a custodian produced no answer (kept for error messages, never compared).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CallError(pub(crate) String);

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Client {
    /// A client whose calls each time out after `timeout` (connecting included).
    pub(crate) fn new(timeout: Duration) -> Result<Self, ServiceError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .tcp_nodelay(true)
            .build()
            .map_err(|e| ServiceError::new("SVC_CONFIG_INVALID", 500, e.to_string()))?;
        Ok(Self { http })
    }

    /// Posts `body` as JSON to `base` + `path` and decodes a 2xx answer; any other status is an
    /// error naming the custodian's error code.
    pub(crate) async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        base: &str,
        path: &str,
        body: &B,
    ) -> Result<T, CallError> {
        let response = self
            .http
            .post(format!("{base}{path}"))
            .json(body)
            .send()
            .await
            .map_err(|e| CallError(describe(&e)))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| CallError(describe(&e)))?;
        if bytes.len() > ANSWER_LIMIT {
            return Err(CallError(format!("an answer of {} bytes", bytes.len())));
        }
        if !status.is_success() {
            let detail = serde_json::from_slice::<ErrorBody>(&bytes)
                .map(|b| format!("{} {}", b.error.code, b.error.message))
                .unwrap_or_default();
            return Err(CallError(format!("HTTP {} {detail}", status.as_u16())));
        }
        serde_json::from_slice(&bytes).map_err(|e| CallError(format!("an invalid answer: {e}")))
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "connection failed".to_owned()
    } else {
        error.to_string()
    }
}
