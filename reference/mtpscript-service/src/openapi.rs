//! The OpenAPI 3.1 description served at `GET /openapi.json`: every route of
//! [`crate::router`], its bodies and headers, and the error body. Hand-written; a test checks
//! that it names exactly the router's routes.

use serde_json::{Value, json};

/// The routes the router serves, `(method, path)`.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/health"),
    ("get", "/openapi.json"),
    ("post", "/run"),
    ("post", "/snapshots"),
];

fn error(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    })
}

fn header(description: &str, schema: Value) -> Value {
    json!({"description": description, "schema": schema})
}

/// The OpenAPI 3.1 document of the MTPScript service.
pub fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "MTPScript runtime",
            "version": "0.1.0",
            "description": "Runs MTPScript programs (spec/mtpscript.md) from signed .msqs snapshots, \
                one request per fresh single-use VM, metered in exact gas. A run's outcome, result or \
                coded error, is its RFC 8785 body (MTP-073); every other failure is an Error body \
                with a spec code.",
        },
        "paths": {
            "/health": {"get": {
                "operationId": "health",
                "summary": "Liveness, engine identity, gas limit, registered snapshots, ready VMs.",
                "responses": {"200": {"description": "up", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}},
            }},
            "/openapi.json": {"get": {
                "operationId": "openapi",
                "summary": "This document.",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
            }},
            "/snapshots": {"post": {
                "operationId": "registerSnapshot",
                "summary": "Verify (MTP-081) and register a signed .msqs snapshot; idempotent.",
                "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                "responses": {
                    "201": {"description": "registered", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Registered"}}}},
                    "200": {"description": "already registered", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Registered"}}}},
                    "400": error("MTP_SNAPSHOT_MALFORMED"),
                    "403": error("MTP_SNAPSHOT_SIGNATURE_INVALID"),
                    "413": error("SVC_BODY_TOO_LARGE"),
                    "422": error("MTP_SNAPSHOT_ENGINE_MISMATCH, MTP_SNAPSHOT_COST_TABLE_MISMATCH"),
                },
            }},
            "/run": {"post": {
                "operationId": "run",
                "summary": "Run one request of a registered or uploaded snapshot.",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunRequest"}}}},
                "responses": {
                    "200": {
                        "description": "the canonical response body: the result, or an MTP-073 error object",
                        "headers": {
                            "X-Mtp-Sha256": header("SHA-256 of the body (MTP-072)", json!({"type": "string", "pattern": "^[0-9a-f]{64}$"})),
                            "X-Mtp-Gas-Used": header("gasUsed (MTP-050)", json!({"type": "integer", "minimum": 0})),
                            "X-Mtp-Gas-Limit": header("the gas limit (MTP-061)", json!({"type": "integer", "minimum": 1})),
                            "X-Mtp-Status": header("ok, or the MTP-073 code", json!({"type": "string"})),
                            "X-Mtp-Request-Id": header("the request id of the seed (generated when absent)", json!({"type": "string"})),
                            "X-Mtp-Vm": header("the kind of never-used VM that ran the request (MTP-090, A-037); absent when none was reached", json!({"enum": ["cloned", "pooled", "built"]})),
                        },
                        "content": {"application/json": {}},
                    },
                    "400": error("SVC_BODY_INVALID, MTP_CONTEXT_INVALID, MTP_SNAPSHOT_MALFORMED"),
                    "403": error("MTP_SNAPSHOT_SIGNATURE_INVALID"),
                    "404": error("MTP_SNAPSHOT_UNKNOWN"),
                    "413": error("SVC_BODY_TOO_LARGE"),
                    "422": error("MTP_SNAPSHOT_ENGINE_MISMATCH, MTP_SNAPSHOT_COST_TABLE_MISMATCH"),
                    "500": error("MTP_ENGINE_FAILURE (the body is {\"error\":\"EngineFailure\"})"),
                },
            }},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                "type": "object", "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            }}},
            "Health": {"type": "object", "properties": {
                "status": {"const": "ok"}, "role": {"const": "mtp"}, "engine": {"type": "string"},
                "gas_limit": {"type": "integer"}, "snapshots": {"type": "integer"}, "pool_ready": {"type": "integer"},
            }},
            "Registered": {"type": "object", "required": ["id", "content_hash", "source"], "properties": {
                "id": {"type": "string", "description": "SHA-256 of the .msqs bytes"},
                "content_hash": {"type": "string", "description": "MTP-082"},
                "source": {"type": "string", "description": "SHA-256 of the source"},
            }},
            "RunRequest": {
                "type": "object",
                "description": "Exactly one of snapshot_id and snapshot; exactly one of input and input_text. The body is parsed strictly (duplicate member names are refused).",
                "additionalProperties": false,
                "properties": {
                    "snapshot_id": {"type": "string"},
                    "snapshot": {"type": "string", "description": "hex of a .msqs file, verified per request"},
                    "input": {"description": "the request input as a JSON value"},
                    "input_text": {"type": "string", "description": "the request input as a JSON text, passed as it is (an invalid text is an InputInvalid body)"},
                    "request_id": {"type": "string", "maxLength": 1024},
                    "account_id": {"type": "string", "maxLength": 1024},
                    "function_version": {"type": "string", "maxLength": 1024},
                },
            },
        }},
    })
}
