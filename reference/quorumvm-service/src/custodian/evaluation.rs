//! `POST /eval/begin` and `POST /eval/open`: the protocol messages handed to the program's
//! [`quorumvm::custodian::Custodian`] (QVM-022, QVM-023).
//!
//! A Begin takes the locks one after the other, never holding the programs while it waits for
//! the disk: it checks the request id against those consumed before this start (loaded from
//! the database), consumes the slot in memory (the state machine refuses a request id or slot
//! consumed since start), commits the request id
//! and the slot (with the other Begins' waiting, [`super::commit`]), and only then answers. Until that commit the evaluation's openings are
//! refused, so nothing derived from the slot's triples leaves the custodian before the slot is
//! durably consumed. An Open only touches memory.

use std::collections::BTreeMap;

use quorumvm::message::{FromCustodian, ToCustodian};
use service_kit::ServiceError;

use super::commit::Consumed;
use super::fault::{self, Fault};
use super::install::unknown;
use super::program::Installed;
use super::state::Shared;
use super::store;
use crate::core_error;
use crate::wire::{BeginRequest, CustodianAnswer, EvalRequest, OpenRequest};

/// The installed, active program (QVM-022): not installed is `404 SVC_PROGRAM_UNKNOWN`, not
/// active is `403 SVC_NOT_ACTIVE`.
fn active<'a>(
    programs: &'a mut BTreeMap<String, Installed>,
    program_id: &str,
) -> Result<&'a mut Installed, ServiceError> {
    let installed = programs
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
/// shares deleted) before the answer is sent. Blocking.
///
/// Enforces QVM-022, QVM-023.
pub(crate) fn begin(
    shared: &Shared,
    request: &BeginRequest,
) -> Result<CustodianAnswer, ServiceError> {
    let begun = begin_in_memory(shared, &mut shared.programs(), request, &[])?;
    let mut outcomes = commit(shared, vec![begun]);
    outcomes
        .pop()
        .unwrap_or_else(|| Err(ServiceError::storage("a consumption was not committed")))
}

/// A Begin handled in memory whose consumption is not committed yet: its answer must not be
/// sent before [`commit`] says so.
pub(crate) struct Begun {
    answer: FromCustodian,
    consumed: Consumed,
}

/// The in-memory part of a Begin: checks, the state machine's answer, the request id marked
/// uncommitted (its openings refused until [`commit`]). A slot consumed by a Begin of
/// `pending` (earlier in the same batch, not committed yet) is reused, as it would be alone.
fn begin_in_memory(
    shared: &Shared,
    programs: &mut BTreeMap<String, Installed>,
    request: &BeginRequest,
    pending: &[Begun],
) -> Result<Begun, ServiceError> {
    let program_id = request.program_id.as_str();
    let installed = active(programs, program_id)?;
    // Consumed before this start: refused here; since: refused by the state machine.
    if installed.consumed_before.contains(&request.request_id) {
        return Err(core_error(quorumvm::Error::RequestReplayed {
            request_id: request.request_id.clone(),
        }));
    }
    let answer = match installed.custodian.handle(&request.to_message()) {
        Ok(answer) => answer,
        Err(quorumvm::Error::TriplesExhausted { slot })
            if pending
                .iter()
                .any(|b| b.consumed.program_id == program_id && b.consumed.slot == Some(slot))
                || store::slot_consumed(&shared.connection(), program_id, slot)? =>
        {
            return Err(core_error(quorumvm::Error::TripleReused {
                id: format!("slot {slot}"),
            }));
        }
        Err(e) => return Err(core_error(e)),
    };
    installed.uncommitted.insert(request.request_id.clone());
    let slot = (installed.triples_per_evaluation > 0).then_some(request.slot);
    Ok(Begun {
        answer,
        consumed: Consumed {
            program_id: program_id.to_owned(),
            request_id: request.request_id.clone(),
            slot,
        },
    })
}

/// Commits the consumptions of `begun` together (with the other Begins waiting,
/// [`super::commit`]), then releases their openings; returns each one's answer, only once its
/// consumption is durable. Called without the programs locked. Blocking.
///
/// On failure the request id and slot stay consumed in memory, and the openings refused:
/// memory ahead of the database only refuses more.
///
/// Enforces QVM-023.
fn commit(shared: &Shared, begun: Vec<Begun>) -> Vec<Result<CustodianAnswer, ServiceError>> {
    if begun.is_empty() {
        return Vec::new();
    }
    let (answers, consumed): (Vec<FromCustodian>, Vec<Consumed>) =
        begun.into_iter().map(|b| (b.answer, b.consumed)).unzip();
    let outcomes = shared
        .consumed
        .commit_all(consumed.clone(), || shared.connection());
    let mut programs = shared.programs();
    answers
        .into_iter()
        .zip(consumed)
        .zip(outcomes)
        .map(|((answer, consumed), outcome)| {
            outcome?;
            if let Some(installed) = programs.get_mut(&consumed.program_id) {
                installed.uncommitted.remove(&consumed.request_id);
            }
            CustodianAnswer::from_message(&fault::apply(shared.fault, answer))
        })
        .collect()
}

/// Handles the messages of `POST /eval/batch` (QVM-048) as if each had been posted alone in
/// order: every Begin and Open in memory, then the Begins' consumptions in one group commit;
/// no answer (an Open's included) is sent before that commit. Blocking.
///
/// Enforces QVM-022, QVM-023, QVM-048.
pub(crate) fn batch(
    shared: &Shared,
    messages: &[EvalRequest],
) -> Vec<Result<CustodianAnswer, ServiceError>> {
    enum Handled {
        Begun,
        Done(Result<CustodianAnswer, ServiceError>),
    }
    let mut begun = Vec::new();
    let handled: Vec<Handled> = {
        let mut programs = shared.programs();
        messages
            .iter()
            .map(|message| match message {
                EvalRequest::Begin(request) => {
                    match begin_in_memory(shared, &mut programs, request, &begun) {
                        Ok(b) => {
                            begun.push(b);
                            Handled::Begun
                        }
                        Err(e) => Handled::Done(Err(e)),
                    }
                }
                EvalRequest::Open(request) => {
                    Handled::Done(open(&mut programs, shared.fault, request))
                }
            })
            .collect()
    };
    let mut committed = commit(shared, begun).into_iter();
    handled
        .into_iter()
        .map(|h| match h {
            Handled::Done(result) => result,
            Handled::Begun => committed
                .next()
                .unwrap_or_else(|| Err(ServiceError::storage("a consumption was not committed"))),
        })
        .collect()
}

/// Applies the openings of a round. Nothing is persisted: an evaluation in progress is lost
/// at a restart (the coordinator retries with a new request id and slot). An evaluation whose
/// Begin is not committed yet is refused (`QVM_MESSAGE_INVALID`).
///
/// Enforces QVM-022, QVM-023.
pub(crate) fn open(
    programs: &mut BTreeMap<String, Installed>,
    fault: Option<Fault>,
    request: &OpenRequest,
) -> Result<CustodianAnswer, ServiceError> {
    let installed = active(programs, &request.program_id)?;
    if installed.uncommitted.contains(&request.request_id) {
        return Err(core_error(quorumvm::Error::MessageInvalid {
            reason: format!("evaluation {:?} is not begun yet", request.request_id),
        }));
    }
    let message: ToCustodian = request.to_message();
    let answer = installed.custodian.handle(&message).map_err(core_error)?;
    CustodianAnswer::from_message(&fault::apply(fault, answer))
}
