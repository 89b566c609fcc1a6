//! Sigil's OpenAPI 3.1 description, served at `GET /openapi.json`. Hand-written; a test checks
//! that it names exactly the router's routes.

use serde_json::{Map, Value, json};

/// `(method, path, operationId, summary, success status, error statuses)`.
type Operation = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const OPERATIONS: &[Operation] = &[
    (
        "get",
        "/health",
        "health",
        "Liveness, current key, model id, registry size, unrecorded denials.",
        "200",
        &[],
    ),
    (
        "get",
        "/openapi.json",
        "openapi",
        "This document.",
        "200",
        &[],
    ),
    (
        "post",
        "/trust/check",
        "check",
        "A trust decision {score, allowed, decision_id}: 200 allowed, 403 denied (by the model or by any error: default-deny, SIGIL-010, SIGIL-011).",
        "200",
        &["400", "403", "413"],
    ),
    (
        "get",
        "/audit/{decision_id}",
        "audit",
        "The decision's FrozenChain, verified on this read (SIGIL-014, SIGIL-015).",
        "200",
        &["404", "500"],
    ),
    (
        "post",
        "/canon/user/write",
        "userWrite",
        "Write a user-space CanonicalRecord (header X-Sigil-Tenant); payload encrypted at rest (SIGIL-030, SIGIL-031).",
        "201",
        &["400", "413"],
    ),
    (
        "get",
        "/canon/user/entries",
        "userEntries",
        "The caller tenant's records, decrypted and verified (SIGIL-032).",
        "200",
        &["400", "500"],
    ),
    (
        "post",
        "/canon/system/propose",
        "propose",
        "Store an unsigned system-space proposal (SIGIL-040, SIGIL-041).",
        "201",
        &["400", "422"],
    ),
    (
        "post",
        "/canon/system/attest",
        "attest",
        "Add a registered witness's attestation; commits at k (SIGIL-042, SIGIL-043).",
        "200",
        &["400", "403", "404", "409"],
    ),
    (
        "post",
        "/canon/system/commit",
        "commit",
        "The committed record, or 403 SIGIL_QUORUM_NOT_MET below k (SIGIL-043).",
        "200",
        &["400", "403", "404", "409"],
    ),
    (
        "get",
        "/canon/system/proposals/{proposal_id}",
        "proposal",
        "A proposal's body, status and attestation count.",
        "200",
        &["404"],
    ),
    (
        "get",
        "/canon/system/records",
        "systemRecords",
        "Every committed system record, verified (SIGIL-044).",
        "200",
        &["500"],
    ),
    (
        "get",
        "/witnesses",
        "witnesses",
        "The witness registry {k, witnesses} (SIGIL-044).",
        "200",
        &[],
    ),
    (
        "get",
        "/keys",
        "keys",
        "The signing-key history (SIGIL-052).",
        "200",
        &[],
    ),
    (
        "post",
        "/keys/rotate",
        "rotate",
        "Rotate the signing key (header X-Sigil-LOA: Admin) (SIGIL-052).",
        "200",
        &["403"],
    ),
    (
        "get",
        "/modules",
        "modules",
        "The module registry (SIGIL-060).",
        "200",
        &[],
    ),
    (
        "post",
        "/module/{name}/run",
        "runModule",
        "Run a module in the MTPScript sandbox after the LOA gate (header X-Sigil-LOA) (SIGIL-060, SIGIL-061).",
        "200",
        &["400", "403", "404", "422"],
    ),
    (
        "get",
        "/cdc/projection",
        "projection",
        "The projection's offset and digest (SIGIL-071).",
        "200",
        &["500"],
    ),
    (
        "post",
        "/cdc/replay",
        "replay",
        "Drop the projection and rebuild it from offset 0 (SIGIL-071).",
        "200",
        &["500"],
    ),
];

/// The OpenAPI 3.1 document of the service.
pub(crate) fn document() -> Value {
    let mut paths = Map::new();
    for (method, path, id, summary, ok, errors) in OPERATIONS {
        let mut responses = Map::new();
        responses.insert(
            (*ok).to_owned(),
            json!({"description": "Success.", "content": {"application/json": {"schema": {"type": "object"}}}}),
        );
        for status in *errors {
            responses.insert(
                (*status).to_owned(),
                json!({"$ref": "#/components/responses/Error"}),
            );
        }
        let entry = paths
            .entry((*path).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(methods) = entry {
            methods.insert(
                (*method).to_owned(),
                json!({"operationId": id, "summary": summary, "responses": responses}),
            );
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Sigil",
            "version": crate::SPEC_VERSION,
            "description": "Default-deny trust decisions with signed frozen chains, CanonicalRecord v1, \
                witness quorum, key rotation, LOA-gated sandboxed modules and CDC (spec/sigil.md). \
                Every failure is an Error body with a spec code; a denied check is 403 with \
                {score, allowed: false, decision_id, error?}.",
        },
        "paths": paths,
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                    }},
                },
            },
            "responses": {
                "Error": {
                    "description": "A failure with a spec error code (spec/errors.md).",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openapi_names_exactly_the_routes() {
        let doc = document();
        let mut described: Vec<(String, String)> = Vec::new();
        if let Some(paths) = doc["paths"].as_object() {
            for (path, methods) in paths {
                for method in methods.as_object().into_iter().flat_map(|m| m.keys()) {
                    described.push((method.clone(), path.clone()));
                }
            }
        }
        let mut routes: Vec<(String, String)> = crate::http::routes()
            .into_iter()
            .map(|(m, p)| (m.to_owned(), p.to_owned()))
            .collect();
        described.sort();
        routes.sort();
        assert_eq!(described, routes);
    }
}
