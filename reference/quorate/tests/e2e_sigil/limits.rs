//! The service's HTTP surface: the 1 MiB body limit, unknown routes and methods, `/openapi.json`
//! and unknown decisions, each with its code in the error shape (SIGIL-080).

use serde_json::json;

use crate::service::Sigil;
use crate::{get, post_raw};

/// Requests over 1 MiB are refused with the service's error shape, and unknown routes and
/// methods have their codes; `/openapi.json` describes the service.
#[test]
fn e2e_sigil_limits_and_errors() {
    let sigil = Sigil::start("sigil-limits", 1, 1, None);
    let big = vec![b' '; 1024 * 1024 + 10];
    post_raw(&sigil.at("/trust/check"), big, &[]).refused(413, "SVC_BODY_TOO_LARGE");
    get(&sigil.at("/nope")).refused(404, "SVC_NOT_FOUND");
    get(&sigil.at("/trust/check")).refused(405, "SVC_METHOD_NOT_ALLOWED");
    let doc = get(&sigil.at("/openapi.json")).ok();
    assert_eq!(doc["openapi"], json!("3.1.0"));
    assert!(doc["paths"]["/trust/check"]["post"].is_object());
    sigil.audit("dec_nope").refused(404, "SIGIL_NOT_FOUND");
}
