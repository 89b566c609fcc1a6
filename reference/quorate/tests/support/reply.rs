//! One HTTP answer as the end-to-end tests judge it, shared by `e2e_qvm.rs` and `e2e_sigil.rs`
//! (each includes this file with `#[path = "support/reply.rs"] mod reply;`). Errors are compared
//! by status and code, never by message.
#![allow(dead_code)]

use serde_json::Value;

/// One HTTP answer: status and JSON body (`null` if not JSON).
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Value,
}

impl Reply {
    /// The `{"error": {"code"}}` of the body, or `""`.
    pub(crate) fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }

    #[track_caller]
    pub(crate) fn ok(self) -> Value {
        assert_eq!(self.status, 200, "{:?}", self.body);
        self.body
    }

    #[track_caller]
    pub(crate) fn refused(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "{:?}",
            self.body
        );
    }
}
