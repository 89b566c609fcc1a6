//! A transport that calls a closure: the request object in, the response object out.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use serde_json::Value;

use super::{Response, Transport};
use crate::error::Result;

/// Handles one request object; `None` means the implementation exited (as after `shutdown`).
pub type Handler = Box<dyn FnMut(&Value) -> Option<Value> + Send>;

/// An implementation linked into the caller, driven through the same protocol checks as a
/// subprocess.
///
/// There is no process to restart: [`start`](Transport::start) keeps the handler and the runner
/// replays the handshake. A panic in the handler is recorded as a `crash`. Timeouts are not
/// enforced (a call cannot be interrupted); use [`Subprocess`](super::Subprocess) for that.
pub struct InProcess {
    handler: Handler,
    name: String,
}

impl std::fmt::Debug for InProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InProcess")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl InProcess {
    /// Wraps a handler.
    pub fn new(handler: Handler) -> Self {
        InProcess {
            handler,
            name: "in-process".into(),
        }
    }

    /// Wraps a handler under a description used in reports.
    pub fn named(name: impl Into<String>, handler: Handler) -> Self {
        InProcess {
            handler,
            name: name.into(),
        }
    }
}

impl Transport for InProcess {
    fn describe(&self) -> String {
        self.name.clone()
    }

    fn start(&mut self) -> Result<()> {
        Ok(())
    }

    fn exchange(&mut self, request: &Value, _timeout: Duration) -> Response {
        let handler = &mut self.handler;
        match catch_unwind(AssertUnwindSafe(|| handler(request))) {
            Ok(Some(Value::Object(o))) => Response::Reply(Value::Object(o)),
            Ok(Some(other)) => Response::Malformed(format!(
                "answer is not a JSON object: {}",
                crate::judge::abbreviate(&other.to_string())
            )),
            Ok(None) => Response::Closed("the handler returned no answer (exited)".into()),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "non-string panic payload".into());
                Response::Closed(format!("the handler panicked: {message}"))
            }
        }
    }

    fn kill(&mut self) {}

    fn shutdown(&mut self) {
        let handler = &mut self.handler;
        let _ = catch_unwind(AssertUnwindSafe(|| {
            handler(&super::protocol::shutdown_request())
        }));
    }
}
