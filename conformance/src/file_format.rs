//! What vector files and service scenario files have in common: the header checks and the
//! per-case loop of their loaders ([`crate::vectors::load_file`], [`crate::service::load_file`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::SPEC_VERSION;
use crate::error::{Error, Result};
use crate::vectors::FORMAT_VERSION;

/// A [`Error::VectorInvalid`] about the file at `path`, or about one of its cases.
fn invalid(path: &Path, case: Option<&str>, message: String) -> Error {
    Error::VectorInvalid {
        path: path.to_path_buf(),
        case: case.map(str::to_owned),
        message,
    }
}

/// What tells one file format from the other in its loader's checks and errors.
pub(crate) struct Format {
    /// The `kind` its header must carry.
    pub kind: &'static str,
    /// Its name in `not a <what>: …`.
    pub what: &'static str,
    /// The error for a repeated case id.
    pub duplicate: &'static str,
}

/// The header fields every file format checks.
pub(crate) struct Header<'a> {
    pub kind: &'a str,
    pub format_version: u64,
    pub spec_version: &'a str,
    pub suite: &'a str,
}

/// The header of a file format; implemented by [`impl_file_header!`].
pub(crate) trait FileHeader: DeserializeOwned {
    fn fields(&self) -> Header<'_>;
}

/// Implements [`FileHeader`] for a header struct with `kind`, `format_version`, `spec_version`
/// and `suite` fields.
macro_rules! impl_file_header {
    ($header:ty) => {
        impl $crate::file_format::FileHeader for $header {
            fn fields(&self) -> $crate::file_format::Header<'_> {
                $crate::file_format::Header {
                    kind: &self.kind,
                    format_version: self.format_version,
                    spec_version: &self.spec_version,
                    suite: &self.suite,
                }
            }
        }
    };
}
pub(crate) use impl_file_header;

/// A case (or scenario) of a file format, known by its id.
pub(crate) trait Identified: DeserializeOwned {
    fn id(&self) -> &str;
}

/// Reads the file at `path` (`rel` relative to the vectors directory), parses its header and
/// checks it: its kind is `format.kind`, its format and spec versions are this runner's, and its
/// suite is its path without `.json`.
pub(crate) fn header<H: FileHeader>(path: &Path, rel: &str, format: &Format) -> Result<H> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let parsed: H = serde_json::from_slice(&bytes)
        .map_err(|e| invalid(path, None, format!("not a {}: {e}", format.what)))?;
    let header = parsed.fields();
    let expected_kind = format.kind;
    if header.kind != expected_kind {
        return Err(invalid(
            path,
            None,
            format!("kind is {:?}, not {expected_kind:?}", header.kind),
        ));
    }
    if header.format_version != FORMAT_VERSION {
        return Err(invalid(
            path,
            None,
            format!(
                "format_version {} is not {FORMAT_VERSION}",
                header.format_version
            ),
        ));
    }
    if header.spec_version != SPEC_VERSION {
        return Err(invalid(
            path,
            None,
            format!(
                "spec_version {:?} is not {SPEC_VERSION:?}",
                header.spec_version
            ),
        ));
    }
    let expected_suite = rel.strip_suffix(".json").unwrap_or(rel);
    if header.suite != expected_suite {
        return Err(invalid(
            path,
            None,
            format!(
                "suite {:?} does not match its path {expected_suite:?}",
                header.suite
            ),
        ));
    }
    Ok(parsed)
}

/// Deserializes the `raw` cases of the file at `path` and validates each against the file's
/// `notes`, in order, each labelled in errors by its `id` (or `#<index>` without one); a repeated
/// id is refused with `format.duplicate`.
pub(crate) fn cases<T: Identified>(
    path: &Path,
    raw: Vec<Value>,
    notes: &BTreeMap<String, String>,
    validate: impl Fn(&T, &BTreeMap<String, String>) -> std::result::Result<(), String>,
    format: &Format,
) -> Result<Vec<T>> {
    let mut seen = BTreeSet::new();
    let mut cases = Vec::with_capacity(raw.len());
    for (index, raw) in raw.into_iter().enumerate() {
        let label = raw
            .get("id")
            .and_then(Value::as_str)
            .map_or_else(|| format!("#{index}"), str::to_owned);
        let case: T =
            serde_json::from_value(raw).map_err(|e| invalid(path, Some(&label), e.to_string()))?;
        validate(&case, notes).map_err(|m| invalid(path, Some(&label), m))?;
        if !seen.insert(case.id().to_owned()) {
            return Err(invalid(path, Some(&label), format.duplicate.into()));
        }
        cases.push(case);
    }
    Ok(cases)
}
