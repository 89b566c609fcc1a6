//! `POST /approve` and `POST /activate` (QVM-020, QVM-021).

use std::collections::BTreeMap;

use super::install::unknown;
use super::state::{Inner, Shared};
use super::store;
use service_kit::ServiceError;

use crate::wire::{self, ActivateRequest, ActivateResponse, ApproveRequest, ApproveResponse};

/// Signs this custodian's approval of an installed program: Ed25519 over
/// [`wire::approval_message`]. A program not installed here is `404 SVC_PROGRAM_UNKNOWN`.
///
/// Enforces QVM-020.
pub(crate) fn approve(
    shared: &Shared,
    inner: &Inner<'_>,
    request: &ApproveRequest,
) -> Result<ApproveResponse, ServiceError> {
    if !inner.programs.contains_key(&request.program_id) {
        return Err(unknown(&request.program_id));
    }
    let signature = shared.identity.approve(&request.program_id)?;
    let x = shared.identity.x();
    Ok(ApproveResponse {
        program_id: request.program_id.clone(),
        x,
        custodian_id: wire::custodian_id(x),
        public_key: shared.identity.public_key_hex(),
        signature: canon::hex::encode(&signature),
    })
}

/// Activates an installed program: every approval must be a roster member's valid signature
/// (else `403 SVC_APPROVAL_INVALID`), and at least K distinct members must have signed (else
/// `403 SVC_APPROVALS_INSUFFICIENT`; a member signing twice counts once). The approvals and
/// the activation are committed before the answer; activating an active program again is
/// answered the same.
///
/// Enforces QVM-021, QVM-023.
pub(crate) fn activate(
    inner: &mut Inner<'_>,
    request: &ActivateRequest,
) -> Result<ActivateResponse, ServiceError> {
    let installed = inner
        .programs
        .get_mut(&request.program_id)
        .ok_or_else(|| unknown(&request.program_id))?;
    let message = wire::approval_message(&request.program_id);
    let mut valid: BTreeMap<u8, String> = BTreeMap::new();
    for approval in &request.approvals {
        let invalid = |why: &str| {
            ServiceError::new(
                "SVC_APPROVAL_INVALID",
                403,
                format!("the approval of x = {}: {why}", approval.x),
            )
        };
        let key = installed
            .roster
            .get(&approval.x)
            .ok_or_else(|| invalid("not a roster member"))?;
        let signature = canon::hex::decode(&approval.signature)
            .map_err(|_| invalid("the signature is not lowercase hex"))?;
        canon::ed25519::verify(key, &message, &signature)
            .map_err(|_| invalid("the signature does not verify"))?;
        valid
            .entry(approval.x)
            .or_insert_with(|| approval.signature.clone());
    }
    let k = installed.threshold.k();
    if valid.len() < k {
        return Err(ServiceError::new(
            "SVC_APPROVALS_INSUFFICIENT",
            403,
            format!(
                "{} distinct roster approvals, {k} needed to activate",
                valid.len()
            ),
        ));
    }
    let approvals: Vec<(u8, String)> = valid.into_iter().collect();
    store::activate(&mut inner.connection, &request.program_id, &approvals)?;
    if let Some(installed) = inner.programs.get_mut(&request.program_id) {
        installed.active = true;
    }
    Ok(ActivateResponse {
        program_id: request.program_id.clone(),
        active: true,
    })
}
