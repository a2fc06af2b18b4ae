//! Library errors. Each carries the input that was bad; the binary adds hints.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: not a git repository ({reason})")]
    NotARepository { path: PathBuf, reason: String },
    #[error("{path}: {reason}")]
    Repository { path: PathBuf, reason: String },
    #[error("'{target}' is both a path and a revision of {repo}")]
    AmbiguousTarget { target: String, repo: PathBuf },
    #[error(
        "'{target}': no such path (so not a repository), and not a revision of {repo} ({reason})"
    )]
    UnknownTarget {
        target: String,
        repo: PathBuf,
        reason: String,
    },
    #[error("bad revision '{revision}': {reason}")]
    BadRevision { revision: String, reason: String },
    #[error("{file}:{line}: {message}")]
    Roster {
        file: PathBuf,
        line: usize,
        message: String,
        /// A suggestion for the user, such as the closest zone name.
        hint: Option<String>,
    },
    /// Options that do not go together.
    #[error("{message}")]
    Usage { message: String, hint: String },
    #[error(
        "audit needs claims: pass --roster FILE or add [[contributor]] entries to .git-alibi.toml"
    )]
    NoClaims,
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error("bad date '{value}' for {option}: expected YYYY-MM-DD or an RFC 3339 time")]
    BadDate { option: &'static str, value: String },
    #[error("history is incomplete ({reason}) and --require-full-history was given")]
    IncompleteHistory {
        reason: String,
        /// A shallow clone (fetch more), rather than damage (repair).
        shallow: bool,
    },
    #[error("no single contributor matches '{query}'")]
    NoSuchContributor {
        query: String,
        /// Contributors that matched, when more than one did.
        candidates: Vec<String>,
    },
    #[error("no calendar data for country '{country}'")]
    UnknownCountry { country: String, known: Vec<String> },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Output {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("more than {limit} repositories in one run")]
    TooManyRepositories { limit: usize },
    /// A facts file (`git alibi extract`) that cannot be read or used.
    #[error("{path}: {message}")]
    Facts { path: PathBuf, message: String },
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
}
