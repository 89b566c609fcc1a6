//! The module sandbox (SIGIL-061): TEMPORARY, replaced by the MTPScript runtime.

use crate::Error;
use crate::module::{Limits, ModuleOutput, ModuleRunner};

/// The MTPScript runner.
#[derive(Debug, Clone, Copy, Default)]
pub struct MtpRunner;

impl ModuleRunner for MtpRunner {
    fn run(&self, _: &str, _: &[u8], _: &str, _: Limits) -> Result<ModuleOutput, Error> {
        Err(Error::ModuleFailed {
            code: "MTP_ENGINE_FAILURE".into(),
            message: "the MTPScript runtime is not linked yet".into(),
        })
    }
}
