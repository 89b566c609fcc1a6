//! `POST /install`: a package, this custodian's installation and the roster (QVM-031).

use quorumvm::custodian::Custodian;
use quorumvm::package::Package;
use service_kit::ServiceError;

use super::program::{self, Installed};
use super::state::{Inner, Shared};
use super::store::{self, NewProgram, ProgramRow};
use crate::core_error;
use crate::wire::{InstallRequest, InstallResponse};

/// Installs a program: the package is reloaded (its program id recomputed), an installed
/// program is `409 SVC_ALREADY_INSTALLED`, the installation must be for this custodian's x and
/// fit the program, and a program that consumes triples needs at least one slot
/// (`QVM_INSTALL_INVALID`). The shares are sealed and committed before the answer.
///
/// Enforces QVM-021, QVM-023, QVM-024, QVM-031.
pub(crate) fn install(
    shared: &Shared,
    inner: &mut Inner<'_>,
    request: InstallRequest,
) -> Result<InstallResponse, ServiceError> {
    let package = Package::from_json(&request.package).map_err(core_error)?;
    let program_id = package.program_id().to_owned();
    if inner.programs.contains_key(&program_id) {
        return Err(ServiceError::new(
            "SVC_ALREADY_INSTALLED",
            409,
            format!("program {program_id} is already installed"),
        ));
    }
    let (threshold, installation) = request.installation.to_installation()?;
    let x = shared.identity.x();
    if installation.x != x {
        return Err(install_invalid(format!(
            "the installation is for x = {}, this custodian is x = {x}",
            installation.x
        )));
    }
    let roster = program::roster(
        &request.roster,
        threshold,
        (x, shared.identity.public_key()),
    )?;
    let triples_per_evaluation = package.program().triples_per_evaluation();
    let slots = installation.triples.len();
    if triples_per_evaluation > 0 && slots == 0 {
        return Err(install_invalid(
            "the program consumes triples and no slot was dealt".into(),
        ));
    }
    let custodian = Custodian::install(&package, threshold, installation).map_err(core_error)?;

    let secret = match request.installation.secret {
        Some(share) => Some(shared.key.seal(
            store::SECRET_TABLE,
            &program_id,
            share.0.to_string().as_bytes(),
        )?),
        None => None,
    };
    let mut triples = Vec::with_capacity(request.installation.triples.len());
    for slot in &request.installation.triples {
        store::sql_slot(slot.slot)?;
        let plaintext = serde_json::to_vec(&slot.shares).map_err(ServiceError::storage)?;
        let record = store::triple_record(&program_id, slot.slot);
        triples.push((
            slot.slot,
            shared.key.seal(store::TRIPLE_TABLE, &record, &plaintext)?,
        ));
    }
    let roster_json = serde_json::to_string(&request.roster).map_err(ServiceError::storage)?;
    let package_json = package.to_json().to_string();
    store::insert_program(
        &mut inner.connection,
        &NewProgram {
            row: ProgramRow {
                program_id: program_id.clone(),
                package: package_json,
                k: threshold.k(),
                n: threshold.n(),
                roster: roster_json,
                active: false,
            },
            slots,
            secret,
            triples: &triples,
        },
    )?;
    inner.programs.insert(
        program_id.clone(),
        Installed {
            custodian,
            threshold,
            roster,
            triples_per_evaluation,
            active: false,
            uncommitted: std::collections::BTreeSet::new(),
            consumed_before: std::collections::HashSet::new(),
        },
    );
    Ok(InstallResponse { program_id, slots })
}

fn install_invalid(reason: String) -> ServiceError {
    core_error(quorumvm::Error::InstallInvalid { reason })
}

/// `404 SVC_PROGRAM_UNKNOWN`.
pub(crate) fn unknown(program_id: &str) -> ServiceError {
    ServiceError::new(
        "SVC_PROGRAM_UNKNOWN",
        404,
        format!("program {program_id} is not installed here"),
    )
}
