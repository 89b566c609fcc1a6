//! The custodian's OpenAPI 3.1 description, served at `GET /openapi.json`.

use serde_json::{Value, json};

/// The OpenAPI document of the custodian.
pub fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "QuorumVM custodian",
            "version": quorumvm::SPEC_VERSION,
            "description": "One holder of shares of a QuorumVM program (spec/quorumvm.md §3, §4.1). Field elements are decimal strings; keys and signatures are lowercase hex."
        },
        "paths": paths(),
        "components": { "schemas": schemas(), "responses": responses() }
    })
}

fn op(summary: &str, request: Option<&str>, answer: &str, errors: &[&str]) -> Value {
    let mut responses = serde_json::Map::new();
    responses.insert(
        "200".into(),
        json!({
            "description": "success",
            "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{answer}") } } }
        }),
    );
    for status in errors {
        responses.insert(
            (*status).into(),
            json!({ "$ref": format!("#/components/responses/E{status}") }),
        );
    }
    let mut operation = json!({ "summary": summary, "responses": responses });
    if let (Some(request), Some(object)) = (request, operation.as_object_mut()) {
        object.insert(
            "requestBody".into(),
            json!({
                "required": true,
                "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{request}") } } }
            }),
        );
    }
    operation
}

fn paths() -> Value {
    json!({
        "/health": { "get": op("Liveness and identity", None, "Health", &[]) },
        "/openapi.json": { "get": op("This document", None, "Any", &[]) },
        "/install": { "post": op(
            "Install a package with this custodian's installation and the roster (QVM-031). Errors: QVM_PACKAGE_INVALID, QVM_POLICY_INVALID, QVM_INSTALL_INVALID, SHAMIR_THRESHOLD_INVALID (400), SVC_ALREADY_INSTALLED (409).",
            Some("InstallRequest"), "InstallResponse", &["400", "409", "413"]) },
        "/approve": { "post": op(
            "Sign the approval of an installed program (QVM-020). Errors: SVC_PROGRAM_UNKNOWN (404).",
            Some("ApproveRequest"), "ApproveResponse", &["400", "404", "413"]) },
        "/activate": { "post": op(
            "Activate with K distinct roster approvals (QVM-021). Errors: SVC_APPROVAL_INVALID, SVC_APPROVALS_INSUFFICIENT (403), SVC_PROGRAM_UNKNOWN (404).",
            Some("ActivateRequest"), "ActivateResponse", &["400", "403", "404", "413"]) },
        "/eval/begin": { "post": op(
            "Begin an evaluation (QVM-033). Errors: QVM_INPUTS_INVALID, QVM_MESSAGE_INVALID, FIELD_ELEMENT_INVALID (400), SVC_NOT_ACTIVE (403), SVC_PROGRAM_UNKNOWN (404), QVM_REQUEST_REPLAYED, QVM_TRIPLE_REUSED (409), QVM_TRIPLES_EXHAUSTED (503).",
            Some("BeginRequest"), "CustodianAnswer", &["400", "403", "404", "409", "413", "503"]) },
        "/eval/open": { "post": op(
            "Apply the openings of a round (QVM-036). Errors: QVM_MESSAGE_INVALID (400), SVC_NOT_ACTIVE (403), SVC_PROGRAM_UNKNOWN (404).",
            Some("OpenRequest"), "CustodianAnswer", &["400", "403", "404", "413"]) },
        "/eval/batch": { "post": op(
            "Several evaluation messages (1 to 64), of one or several evaluations, handled as if each were posted alone in order; one answer or error body per message, in order; sent only once every accepted Begin's consumption is durable (QVM-048). Errors of the whole request: SVC_BODY_INVALID (400).",
            Some("BatchRequest"), "BatchAnswer", &["400", "413"]) }
    })
}

fn responses() -> Value {
    let error = |description: &str| {
        json!({
            "description": description,
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
        })
    };
    json!({
        "E400": error("malformed body (SVC_BODY_INVALID) or a protocol error"),
        "E403": error("not active, or approvals refused"),
        "E404": error("program not installed (SVC_PROGRAM_UNKNOWN)"),
        "E409": error("replayed request, reused triple, or already installed"),
        "E413": error("body larger than 1 MiB (SVC_BODY_TOO_LARGE)"),
        "E503": error("triple pool exhausted (QVM_TRIPLES_EXHAUSTED)")
    })
}

fn schemas() -> Value {
    let elem = json!({ "type": "string", "pattern": "^-?[0-9]{1,200}$", "description": "field element, decimal" });
    let hex = json!({ "type": "string", "pattern": "^([0-9a-f]{2})*$" });
    let x = json!({ "type": "integer", "minimum": 1, "maximum": 255 });
    let gate_de = json!({
        "type": "object", "required": ["gate", "d", "e"],
        "properties": { "gate": { "type": "string" }, "d": elem, "e": elem }
    });
    json!({
        "Any": {},
        "Error": {
            "type": "object", "required": ["error"],
            "properties": { "error": {
                "type": "object", "required": ["code", "message"],
                "properties": { "code": { "type": "string" }, "message": { "type": "string" } }
            } }
        },
        "Health": {
            "type": "object", "required": ["status", "role", "x", "custodian_id", "public_key"],
            "properties": {
                "status": { "const": "ok" }, "role": { "const": "custodian" }, "x": x,
                "custodian_id": { "type": "string" }, "public_key": hex
            }
        },
        "InstallRequest": {
            "type": "object", "required": ["package", "installation", "roster"],
            "properties": {
                "package": { "type": "object", "description": "Program Package JSON (QVM-004)" },
                "installation": {
                    "type": "object", "required": ["x", "k", "n", "triples"],
                    "properties": {
                        "x": x, "k": { "type": "integer" }, "n": { "type": "integer" },
                        "secret": { "oneOf": [elem, { "type": "null" }] },
                        "triples": { "type": "array", "items": {
                            "type": "object", "required": ["slot", "shares"],
                            "properties": {
                                "slot": { "type": "integer", "minimum": 0 },
                                "shares": { "type": "array", "items": {
                                    "type": "object", "required": ["gate", "a", "b", "c"],
                                    "properties": { "gate": { "type": "string" }, "a": elem, "b": elem, "c": elem }
                                } }
                            }
                        } }
                    }
                },
                "roster": { "type": "array", "items": {
                    "type": "object", "required": ["x", "public_key"],
                    "properties": { "x": x, "public_key": hex }
                } }
            }
        },
        "InstallResponse": {
            "type": "object", "required": ["program_id", "slots"],
            "properties": { "program_id": hex, "slots": { "type": "integer" } }
        },
        "ApproveRequest": {
            "type": "object", "required": ["program_id"], "properties": { "program_id": hex }
        },
        "ApproveResponse": {
            "type": "object", "required": ["program_id", "x", "custodian_id", "public_key", "signature"],
            "properties": {
                "program_id": hex, "x": x, "custodian_id": { "type": "string" },
                "public_key": hex,
                "signature": { "type": "string", "description": "Ed25519 over 'quorumvm/approve/v1\\n' + program_id" }
            }
        },
        "ActivateRequest": {
            "type": "object", "required": ["program_id", "approvals"],
            "properties": {
                "program_id": hex,
                "approvals": { "type": "array", "items": {
                    "type": "object", "required": ["x", "signature"],
                    "properties": { "x": x, "signature": hex }
                } }
            }
        },
        "ActivateResponse": {
            "type": "object", "required": ["program_id", "active"],
            "properties": { "program_id": hex, "active": { "const": true } }
        },
        "BeginRequest": {
            "type": "object", "required": ["program_id", "request_id", "slot", "inputs"],
            "properties": {
                "program_id": hex, "request_id": { "type": "string" },
                "slot": { "type": "integer", "minimum": 0 },
                "inputs": { "type": "array", "items": {
                    "type": "object", "required": ["wire", "share"],
                    "properties": { "wire": { "type": "string" }, "share": elem }
                } }
            }
        },
        "OpenRequest": {
            "type": "object", "required": ["program_id", "request_id", "round", "openings"],
            "properties": {
                "program_id": hex, "request_id": { "type": "string" },
                "round": { "type": "integer", "minimum": 1 },
                "openings": { "type": "array", "items": gate_de }
            }
        },
        "BatchRequest": {
            "type": "object", "required": ["messages"],
            "properties": { "messages": { "type": "array", "minItems": 1, "maxItems": 64, "items": {
                "oneOf": [
                    { "type": "object", "required": ["begin"], "properties": { "begin": { "$ref": "#/components/schemas/BeginRequest" } } },
                    { "type": "object", "required": ["open"], "properties": { "open": { "$ref": "#/components/schemas/OpenRequest" } } }
                ]
            } } }
        },
        "BatchAnswer": {
            "type": "object", "required": ["answers"],
            "properties": { "answers": { "type": "array", "items": {
                "oneOf": [
                    { "$ref": "#/components/schemas/CustodianAnswer" },
                    { "$ref": "#/components/schemas/Error" }
                ]
            } } }
        },
        "CustodianAnswer": {
            "oneOf": [
                {
                    "type": "object", "required": ["kind", "request_id", "round", "shares"],
                    "properties": {
                        "kind": { "const": "masked" }, "request_id": { "type": "string" },
                        "round": { "type": "integer" },
                        "shares": { "type": "array", "items": gate_de }
                    }
                },
                {
                    "type": "object", "required": ["kind", "request_id", "round", "share"],
                    "properties": {
                        "kind": { "const": "output" }, "request_id": { "type": "string" },
                        "round": { "type": "integer" }, "share": elem
                    }
                }
            ]
        }
    })
}
