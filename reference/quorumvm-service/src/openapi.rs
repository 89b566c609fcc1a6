//! The coordinator's OpenAPI 3.1 description, served at `GET /openapi.json`: every route of
//! [`crate::coordinator::router`], its request and response bodies, and the error body.
//! Hand-written; a test checks that it names exactly the router's routes.

use serde_json::{Map, Value, json};

/// The OpenAPI 3.1 document of the coordinator.
pub fn coordinator() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "QuorumVM coordinator",
            "version": quorumvm::SPEC_VERSION,
            "description": "Registers custodians and programs, counts approvals until K distinct \
                custodians approved a program, and evaluates active programs with the custodians \
                under each program's policy (spec/quorumvm.md §3, QVM-025..QVM-029). Every failure \
                is an Error body with a spec code.",
        },
        "paths": paths(),
        "components": {
            "schemas": schemas(),
            "responses": error_responses(),
            "headers": {
                "Retry-After": {
                    "description": "Seconds until the rate limit admits a request (QVM-064).",
                    "schema": {"type": "integer", "minimum": 0},
                },
            },
        },
    })
}

fn paths() -> Value {
    json!({
        "/health": {
            "get": {
                "operationId": "health",
                "summary": "Liveness, threshold and audit head.",
                "responses": {"200": ok("Health")},
            },
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document.",
                "responses": {"200": {
                    "description": "The OpenAPI 3.1 document.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }},
            },
        },
        "/custodians": {
            "post": {
                "operationId": "registerCustodian",
                "summary": "Register a custodian's x, URL and Ed25519 key (QVM-025).",
                "requestBody": body("CustodianRegistration"),
                "responses": with_errors(
                    json!({
                        "201": ok_described("Custodian", "Registered."),
                        "200": ok_described("Custodian", "Already registered with this key; the URL is updated."),
                    }),
                    &["400", "409", "413", "422"],
                ),
            },
            "get": {
                "operationId": "listCustodians",
                "summary": "The registered custodians, by x.",
                "responses": {"200": ok("CustodianList")},
            },
        },
        "/programs": {
            "post": {
                "operationId": "registerProgram",
                "summary": "Register a Program Package and the number of evaluation slots dealt at install.",
                "requestBody": body("ProgramRegistration"),
                "responses": with_errors(
                    json!({
                        "201": ok_described("ProgramRegistered", "Registered."),
                        "200": ok_described("ProgramRegistered", "Already registered with the same slots."),
                    }),
                    &["400", "409", "413", "422"],
                ),
            },
        },
        "/programs/{id}": {
            "get": {
                "operationId": "getProgram",
                "summary": "A program's status, approvals and package.",
                "parameters": [program_id_parameter()],
                "responses": with_errors(json!({"200": ok("Program")}), &["404"]),
            },
        },
        "/programs/{id}/approvals": {
            "post": {
                "operationId": "approveProgram",
                "summary": "Add a custodian's approval; at K distinct approvals the program becomes active (QVM-025, QVM-026).",
                "parameters": [program_id_parameter()],
                "requestBody": body("ApprovalSubmission"),
                "responses": with_errors(json!({"200": ok("ApprovalStatus")}), &["400", "403", "404", "413"]),
            },
        },
        "/eval": {
            "post": {
                "operationId": "evaluate",
                "summary": "Evaluate an active program (QVM-027): checks in order 404, 403, 422, 503 (fewer than K registered), 409, 429/402, 503 (no slot left); then the rounds.",
                "requestBody": body("EvalRequest"),
                "responses": with_errors(
                    json!({"200": ok("EvalResponse")}),
                    &["400", "402", "403", "404", "409", "413", "422", "429", "502", "503"],
                ),
            },
        },
        "/audit": {
            "get": {
                "operationId": "auditPage",
                "summary": "A page of the hash-chained audit log (QVM-070, QVM-029).",
                "parameters": [
                    {"name": "offset", "in": "query", "required": false,
                     "schema": {"type": "integer", "minimum": 0, "default": 0}},
                    {"name": "limit", "in": "query", "required": false,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
                ],
                "responses": with_errors(json!({"200": ok("AuditPage")}), &["400"]),
            },
        },
        "/audit/verify": {
            "get": {
                "operationId": "auditVerify",
                "summary": "Verify the whole stored audit log (QVM-071, QVM-072).",
                "responses": {"200": ok("AuditVerification")},
            },
        },
    })
}

fn schemas() -> Value {
    let hex64 = json!({"type": "string", "pattern": "^[0-9a-f]{64}$"});
    let element = json!({"type": "string", "pattern": "^-?[0-9]{1,200}$",
        "description": "A field element of F_p, p = 2^127 - 1, as a decimal string (FIELD-002)."});
    json!({
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "description": "The spec error code, e.g. QVM_QUORUM_UNAVAILABLE, SVC_BODY_INVALID."},
                    "message": {"type": "string", "description": "What went wrong (not for comparison)."},
                },
            }},
        },
        "Health": {
            "type": "object",
            "required": ["status", "role", "k", "n", "custodians", "audit_head", "audit_entries"],
            "properties": {
                "status": {"const": "ok"},
                "role": {"const": "coordinator"},
                "k": {"type": "integer"},
                "n": {"type": "integer"},
                "custodians": {"type": "integer", "description": "Registered custodians."},
                "audit_head": hex64,
                "audit_entries": {"type": "integer"},
            },
        },
        "CustodianRegistration": {
            "type": "object",
            "required": ["x", "url", "public_key"],
            "properties": {
                "x": {"type": "integer", "minimum": 1, "maximum": 255, "description": "1..=n"},
                "url": {"type": "string", "pattern": "^http://", "description": "Base URL of the custodian."},
                "public_key": {"type": "string", "pattern": "^[0-9a-f]{64}$", "description": "Ed25519 public key."},
            },
        },
        "Custodian": {
            "type": "object",
            "required": ["x", "custodian_id", "url", "public_key"],
            "properties": {
                "x": {"type": "integer"},
                "custodian_id": {"type": "string", "description": "custodian-<x>"},
                "url": {"type": "string"},
                "public_key": hex64,
            },
        },
        "CustodianList": {
            "type": "object",
            "required": ["custodians"],
            "properties": {"custodians": {"type": "array", "items": {"$ref": "#/components/schemas/Custodian"}}},
        },
        "ProgramRegistration": {
            "type": "object",
            "required": ["package", "slots"],
            "properties": {
                "package": {"type": "object", "description": "A Program Package (QVM-004)."},
                "slots": {"type": "integer", "minimum": 0, "description": "Evaluation slots 0..slots dealt to the custodians at install."},
            },
        },
        "ProgramRegistered": {
            "type": "object",
            "required": ["program_id", "status", "warnings"],
            "properties": {
                "program_id": hex64,
                "status": {"enum": ["registered", "active"]},
                "warnings": {"type": "array", "items": {"type": "string"}, "description": "QVM-005."},
            },
        },
        "Program": {
            "type": "object",
            "required": ["program_id", "status", "approvals", "needed", "slots", "slots_used", "package"],
            "properties": {
                "program_id": hex64,
                "status": {"enum": ["registered", "active"]},
                "approvals": {"type": "integer", "description": "Distinct custodians whose approvals verified."},
                "needed": {"type": "integer", "description": "K."},
                "slots": {"type": "integer"},
                "slots_used": {"type": "integer"},
                "package": {"type": "object"},
            },
        },
        "ApprovalSubmission": {
            "type": "object",
            "required": ["x", "signature"],
            "properties": {
                "x": {"type": "integer"},
                "signature": {"type": "string", "pattern": "^[0-9a-f]{128}$",
                    "description": "Ed25519 over `quorumvm/approve/v1\\n` + program id (QVM-020)."},
            },
        },
        "ApprovalStatus": {
            "type": "object",
            "required": ["program_id", "status", "approvals", "needed"],
            "properties": {
                "program_id": hex64,
                "status": {"enum": ["registered", "active"]},
                "approvals": {"type": "integer"},
                "needed": {"type": "integer"},
            },
        },
        "EvalRequest": {
            "type": "object",
            "required": ["identity_id", "program_id", "inputs"],
            "properties": {
                "identity_id": {"type": "string", "minLength": 1, "maxLength": 256},
                "program_id": hex64,
                "inputs": {"type": "object", "additionalProperties": {
                    "oneOf": [{"type": "integer"}, {"type": "string"}]},
                    "description": "Input wire to element: a JSON integer below 2^53 in magnitude or a decimal string (FIELD-003)."},
                "request_id": {"type": "string", "minLength": 1, "maxLength": 256,
                    "description": "Never reused; a random one when absent."},
            },
        },
        "EvalResponse": {
            "type": "object",
            "required": ["output", "program_id", "request_id", "custodians", "rounds", "budget_remaining"],
            "properties": {
                "output": element,
                "program_id": hex64,
                "request_id": {"type": "string"},
                "custodians": {"type": "array", "items": {"type": "integer"},
                    "description": "The custodians whose output shares were combined."},
                "rounds": {"type": "integer"},
                "budget_remaining": {"type": "integer"},
            },
        },
        "AuditPage": {
            "type": "object",
            "required": ["entries", "total", "next_offset"],
            "properties": {
                "entries": {"type": "array", "items": {"type": "object",
                    "required": ["seq", "prev_hash", "entry_hash"],
                    "description": "An audit entry (QVM-070): a body with seq, prev_hash and entry_hash."}},
                "total": {"type": "integer"},
                "next_offset": {"type": ["integer", "null"]},
            },
        },
        "AuditVerification": {
            "type": "object",
            "required": ["valid", "count", "head", "first_bad", "reason"],
            "properties": {
                "valid": {"type": "boolean"},
                "count": {"type": "integer"},
                "head": {"type": ["string", "null"]},
                "first_bad": {"type": ["integer", "null"]},
                "reason": {"type": ["string", "null"]},
            },
        },
    })
}

/// The error statuses and what they mean at the coordinator.
const ERRORS: [(&str, &str); 11] = [
    (
        "400",
        "SVC_BODY_INVALID (malformed or mistyped body), SVC_QUERY_INVALID.",
    ),
    ("402", "QVM_BUDGET_EXHAUSTED."),
    ("403", "SVC_NOT_ACTIVE, SVC_APPROVAL_INVALID."),
    ("404", "SVC_PROGRAM_UNKNOWN, SVC_NOT_FOUND."),
    (
        "409",
        "QVM_REQUEST_REPLAYED, SVC_CUSTODIAN_CONFLICT, SVC_PROGRAM_CONFLICT.",
    ),
    ("413", "SVC_BODY_TOO_LARGE (more than 1 MiB)."),
    (
        "422",
        "QVM_PACKAGE_INVALID, QVM_POLICY_INVALID, QVM_INPUTS_INVALID, FIELD_ELEMENT_INVALID, SVC_SLOTS_INVALID, SVC_CUSTODIAN_INVALID.",
    ),
    ("429", "QVM_RATE_LIMITED, with Retry-After."),
    ("500", "SVC_STORAGE, SVC_ENTROPY."),
    ("502", "QVM_INCONSISTENT_SHARES, naming the custodians."),
    ("503", "QVM_QUORUM_UNAVAILABLE, QVM_TRIPLES_EXHAUSTED."),
];

fn error_responses() -> Value {
    let mut responses = Map::new();
    for (status, codes) in ERRORS {
        let mut response = json!({
            "description": codes,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        });
        if status == "429" {
            response["headers"] =
                json!({"Retry-After": {"$ref": "#/components/headers/Retry-After"}});
        }
        responses.insert(format!("E{status}"), response);
    }
    Value::Object(responses)
}

/// `responses` plus a reference to the shared error response of each status (and 500).
fn with_errors(mut responses: Value, statuses: &[&str]) -> Value {
    if let Some(map) = responses.as_object_mut() {
        for status in statuses.iter().chain(&["500"]) {
            map.insert(
                (*status).to_owned(),
                json!({"$ref": format!("#/components/responses/E{status}")}),
            );
        }
    }
    responses
}

fn ok(schema: &str) -> Value {
    ok_described(schema, "Success.")
}

fn ok_described(schema: &str, description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}},
    })
}

fn body(schema: &str) -> Value {
    json!({
        "required": true,
        "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}},
    })
}

fn program_id_parameter() -> Value {
    json!({"name": "id", "in": "path", "required": true, "description": "The program id (QVM-002).",
        "schema": {"type": "string"}})
}
