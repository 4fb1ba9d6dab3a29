//! The library's error type: every failure a user can cause or meet has its
//! own variant, so the binary can print one clear line and exit with 2.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    #[error("corpus folder {0} does not exist (set --corpus or NEWSGREP_CORPUS)")]
    CorpusMissing(PathBuf),
    #[error("{0}: no such file")]
    FileMissing(PathBuf),
    #[error("no index at {0}: run `newsgrep index` first")]
    IndexMissing(PathBuf),
    #[error("{0} is not a newsgrep index ({1})")]
    NotAnIndex(PathBuf, String),
    #[error("index at {path} was written by another newsgrep version ({found}); run `newsgrep index` to update it")]
    IndexOutdated { path: PathBuf, found: String },
    #[error("index at {path} is damaged ({what}); run `newsgrep index` to repair it")]
    IndexDamaged { path: PathBuf, what: String },
    #[error("another `newsgrep index` is writing to {0}; wait for it to finish")]
    IndexLocked(PathBuf),
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error("invalid query: {0}")]
    Query(String),
    #[error("invalid {flag} filter {value:?}: {reason}")]
    Filter {
        flag: &'static str,
        value: String,
        reason: String,
    },
    #[error(transparent)]
    Io(#[from] std::io::Error),
    // No `#[source]`: the message already carries tantivy's text, and a
    // source would print it twice in the one-line error.
    #[error("index error: {0}")]
    Tantivy(tantivy::TantivyError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Self {
        Error::Tantivy(e)
    }
}

pub type Result<T> = std::result::Result<T, Error>;
