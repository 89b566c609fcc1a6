//! Talking to an implementation: the [`Transport`] trait (one request, one response line) and
//! its two implementations, [`Subprocess`] (any adapter, spec/protocol.md) and [`InProcess`] (a
//! closure, for driving an implementation linked into the caller's test target).
//!
//! The protocol logic (handshake, `seq` echo, result shapes) lives in [`protocol`] and in
//! [`crate::run()`], so that both transports are judged by the same code.

mod in_process;
pub mod protocol;
mod shell_words;
mod subprocess;

use std::time::Duration;

use serde_json::Value;

pub use in_process::{Handler, InProcess};
pub use protocol::{Hello, Implementation};
pub use shell_words::split as split_command_line;
pub use subprocess::{Stderr, Subprocess};

use crate::error::Result;

/// What came back for one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// One JSON object on one line.
    Reply(Value),
    /// A line that is not one JSON object (PROTO-001); the detail says why.
    Malformed(String),
    /// The implementation exited or closed its output before answering; the detail says how.
    Closed(String),
    /// No line within the timeout.
    TimedOut,
}

/// A channel to one running instance of an implementation.
///
/// The runner calls [`start`](Transport::start) before the first request and again after it
/// [`kill`](Transport::kill)s a misbehaving instance (PROTO-040); every request is answered by
/// exactly one [`Response`] before the next is sent (PROTO-004).
pub trait Transport: Send {
    /// A human description (the command line, or `in-process`).
    fn describe(&self) -> String;

    /// Starts a fresh instance, killing any previous one.
    fn start(&mut self) -> Result<()>;

    /// Sends one request and waits up to `timeout` for its response line.
    fn exchange(&mut self, request: &Value, timeout: Duration) -> Response;

    /// Kills the instance, if any. Idempotent.
    fn kill(&mut self);

    /// Asks the instance to exit (PROTO-030), then kills it if it does not.
    fn shutdown(&mut self);
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn describe(&self) -> String {
        (**self).describe()
    }
    fn start(&mut self) -> Result<()> {
        (**self).start()
    }
    fn exchange(&mut self, request: &Value, timeout: Duration) -> Response {
        (**self).exchange(request, timeout)
    }
    fn kill(&mut self) {
        (**self).kill();
    }
    fn shutdown(&mut self) {
        (**self).shutdown();
    }
}
