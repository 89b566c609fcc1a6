//! A small blocking JSON-over-HTTP client (ureq, no TLS): every answer is a [`Reply`], whatever
//! its status; only a transport failure is an error.

use std::time::Duration;

use serde_json::Value;

/// One HTTP answer.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    /// The status.
    pub(crate) status: u16,
    /// The header names, lowercase.
    pub(crate) headers: Vec<String>,
    /// The body as JSON, `null` when it is not JSON.
    pub(crate) body: Value,
}

impl Reply {
    /// The code at `/error/code`, if any.
    pub(crate) fn code(&self) -> Option<&str> {
        self.body.pointer("/error/code").and_then(Value::as_str)
    }

    /// `409 QVM_REQUEST_REPLAYED` or `200`.
    pub(crate) fn summary(&self) -> String {
        match self.code() {
            Some(code) => format!("{} {code}", self.status),
            None => self.status.to_string(),
        }
    }
}

/// Why no answer came.
#[derive(Debug, Clone)]
pub(crate) enum Failure {
    /// The request took longer than the timeout.
    Timeout(String),
    /// Connection refused, reset, a malformed answer…
    Transport(String),
}

/// A client whose every request times out after `timeout`.
pub(crate) struct Client {
    agent: ureq::Agent,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Client")
    }
}

impl Client {
    pub(crate) fn new(timeout: Duration) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .build()
            .into();
        Self { agent }
    }

    /// `GET url`, or `POST url` with `body` as `application/json`.
    pub(crate) fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<&[u8]>,
    ) -> Result<Reply, Failure> {
        let result = match body {
            None => self.agent.get(url).call(),
            Some(bytes) => self
                .agent
                .post(url)
                .header("content-type", "application/json")
                .send(bytes),
        };
        let mut response = result.map_err(|e| match e {
            ureq::Error::Timeout(_) => Failure::Timeout(format!("{method} {url}: {e}")),
            other => Failure::Transport(format!("{method} {url}: {other}")),
        })?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .keys()
            .map(|name| name.as_str().to_ascii_lowercase())
            .collect();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| Failure::Transport(format!("{method} {url}: reading the body: {e}")))?;
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok(Reply {
            status,
            headers,
            body,
        })
    }
}
