//! Library errors. Each carries the input that was bad; the binary adds hints.
//! [`GitError`] is the reading layer's (it keeps the git library's error as
//! its source, so the binary can print the whole chain as `because: …` lines
//! and a library user can inspect it); [`Error`] is what the library returns.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Opening or reading a repository, or resolving a revision in it.
    #[error(transparent)]
    Git(#[from] GitError),
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
    /// A revision range that cannot be used (given where no repository
    /// resolves it, or that selects nothing).
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
    #[error(
        "history is incomplete ({reason}); --require-full-history, and check in CI, judge only a complete history"
    )]
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
    /// A facts file (`git alibi extract`) that cannot be read, written or used.
    #[error("{path}: {message}")]
    Facts {
        path: PathBuf,
        message: String,
        /// The reader's or writer's own error, when there is one.
        #[source]
        source: Option<Cause>,
    },
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
}

/// An error from the git library, kept whole.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// Nothing at or above the path is a repository the library can open.
    #[error("{path}: not a git repository")]
    NotARepository {
        path: PathBuf,
        #[source]
        source: Option<Cause>,
    },
    #[error("{path}: SHA-256 repositories are not supported yet")]
    Sha256 { path: PathBuf },
    /// A repository that opened but whose refs or shallow file cannot be read.
    #[error("{path}: cannot {doing}")]
    Unreadable {
        path: PathBuf,
        doing: &'static str,
        #[source]
        source: Cause,
    },
    /// A revision or range that names nothing usable here.
    #[error("bad revision '{revision}': {reason}")]
    BadRevision {
        revision: String,
        reason: String,
        #[source]
        source: Option<Cause>,
    },
}

/// An error and its causes on one line (`a: b: c`), for the places that list
/// errors as text (the reasons a history is incomplete).
pub fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        let more = c.to_string();
        // Some errors repeat their source in their own message.
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_are_kept_and_listed_once() {
        let io = std::io::Error::other("disk on fire");
        let e = GitError::Unreadable {
            path: "/r".into(),
            doing: "list refs",
            source: Box::new(io),
        };
        assert_eq!(e.to_string(), "/r: cannot list refs");
        assert_eq!(with_causes(&e), "/r: cannot list refs: disk on fire");
        let wrapped = crate::Error::from(e);
        assert_eq!(
            std::error::Error::source(&wrapped).map(|c| c.to_string()),
            Some("disk on fire".to_owned()),
            "the crate error is transparent: the cause is one step down"
        );
    }
}
