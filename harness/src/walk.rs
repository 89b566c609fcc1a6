//! Reading the repository: sorted directory walks and repository-relative paths.
//!
//! Everything here is the thin I/O shell around the sans-IO cores of [`crate::spec`] and
//! [`crate::claims`]; walks are sorted so that every output is deterministic.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// Directory names never descended into: build output, caches, VCS data and test fixtures
/// (fixture repositories cite made-up requirement IDs on purpose).
const SKIPPED_DIRS: [&str; 4] = ["target", "fixtures", "__pycache__", "node_modules"];

/// A file read from the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path relative to the repository root, with `/` separators.
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// `path` relative to `root`, with `/` separators; `path` as given when it is outside `root`.
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads one file as UTF-8 text.
pub(crate) fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// Every file under `root/dir` (recursively, sorted) whose name ends with one of `suffixes`,
/// skipping [`SKIPPED_DIRS`] and hidden entries. A missing `dir` yields nothing.
pub(crate) fn files(
    root: &Path,
    dir: &str,
    suffixes: &[&str],
    errors: &mut Vec<Error>,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let start = root.join(dir);
    if start.is_dir() {
        visit(&start, suffixes, &mut out, errors);
    }
    out.sort();
    out
}

fn visit(dir: &Path, suffixes: &[&str], out: &mut Vec<PathBuf>, errors: &mut Vec<Error>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(Error::io(dir, e));
            return;
        }
    };
    let mut paths = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => paths.push(entry.path()),
            Err(e) => errors.push(Error::io(dir, e)),
        }
    }
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            if !SKIPPED_DIRS.contains(&name.as_str()) {
                visit(&path, suffixes, out, errors);
            }
        } else if suffixes.iter().any(|s| name.ends_with(s)) {
            out.push(path);
        }
    }
}
