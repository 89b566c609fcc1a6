//! `POST /eval/begin` and `POST /eval/open`: the protocol messages handed to the program's
//! [`quorumvm::custodian::Custodian`] (QVM-022, QVM-023).

use quorumvm::message::ToCustodian;

use super::install::unknown;
use super::program::Installed;
use super::state::Inner;
use super::store;
use crate::ServiceError;
use crate::wire::{BeginRequest, CustodianAnswer, OpenRequest};

/// The installed, active program (QVM-022): not installed is `404 SVC_PROGRAM_UNKNOWN`, not
/// active is `403 SVC_NOT_ACTIVE`.
fn active<'a>(inner: &'a mut Inner, program_id: &str) -> Result<&'a mut Installed, ServiceError> {
    let installed = inner
        .programs
        .get_mut(program_id)
        .ok_or_else(|| unknown(program_id))?;
    if !installed.active {
        return Err(ServiceError::new(
            "SVC_NOT_ACTIVE",
            403,
            format!("program {program_id} is installed but not activated"),
        ));
    }
    Ok(installed)
}

/// Begins an evaluation. The request id is checked against every id consumed, across
/// restarts (`409 QVM_REQUEST_REPLAYED`); a slot consumed before a restart is
/// `409 QVM_TRIPLE_REUSED`. The request id and the slot are committed (and the slot's triple
/// shares deleted) before the answer is sent.
///
/// Enforces QVM-022, QVM-023.
pub(crate) fn begin(
    inner: &mut Inner,
    request: &BeginRequest,
) -> Result<CustodianAnswer, ServiceError> {
    let program_id = request.program_id.as_str();
    active(inner, program_id)?;
    if store::request_seen(&inner.connection, program_id, &request.request_id)? {
        return Err(quorumvm::Error::RequestReplayed {
            request_id: request.request_id.clone(),
        }
        .into());
    }
    let Inner {
        connection,
        programs,
    } = inner;
    let installed = programs
        .get_mut(program_id)
        .ok_or_else(|| unknown(program_id))?;
    let answer = match installed.custodian.handle(&request.to_message()) {
        Ok(answer) => answer,
        Err(quorumvm::Error::TriplesExhausted { slot })
            if store::slot_consumed(connection, program_id, slot)? =>
        {
            return Err(quorumvm::Error::TripleReused {
                id: format!("slot {slot}"),
            }
            .into());
        }
        Err(e) => return Err(e.into()),
    };
    let slot = (installed.triples_per_evaluation > 0).then_some(request.slot);
    store::consume(connection, program_id, &request.request_id, slot)?;
    CustodianAnswer::from_message(&answer)
}

/// Applies the openings of a round. Nothing is persisted: an evaluation in progress is lost
/// at a restart (the coordinator retries with a new request id and slot).
///
/// Enforces QVM-022.
pub(crate) fn open(
    inner: &mut Inner,
    request: &OpenRequest,
) -> Result<CustodianAnswer, ServiceError> {
    let installed = active(inner, &request.program_id)?;
    let message: ToCustodian = request.to_message();
    let answer = installed.custodian.handle(&message)?;
    CustodianAnswer::from_message(&answer)
}
