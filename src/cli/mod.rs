//! The command-line edge: argument parsing, hints, exit codes. `main.rs` only
//! calls [`run`]. Exit codes are an API: 0 ran clean, 1 findings at or above
//! `--fail-on`, 2 usage or input error.

use std::io::Write;
use std::path::PathBuf;

use clap::Parser;

use crate::analysis;
use crate::error::{Error, GitError};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

mod accept;
mod args;
mod calendar;
mod extract;
mod identities;
mod man;
mod output;
mod prepare;
mod progress;
mod report;
mod show;
mod targets;

use accept::accept;
pub use args::*;
use calendar::calendar;
use extract::extract;
use identities::identities;
use man::man;
use output::{Written, write_error, write_output};
use prepare::{create_output, prepare, privacy_of, reject_unused};
use progress::Progress;
use report::run_job;
use show::show;
use targets::{facts_range, jobs, parse_date, repositories};

/// Run the CLI; returns the exit code. Output goes to `stdout` (or `--output`),
/// messages to `stderr`.
pub fn run(args: Vec<std::ffi::OsString>, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = if e.use_stderr() {
                write!(stderr, "{}", e.render())
            } else {
                write!(stdout, "{}", e.render())
            };
            return code;
        }
    };
    match execute(cli, stdout, stderr) {
        Ok(code) => code,
        Err(e) => {
            // Messages quote files and repositories (names, TOML snippets,
            // roster lines): neutralise them as the reports do, line by line.
            let _ = writeln!(
                stderr,
                "git-alibi: error: {}",
                terminal_safe(&e.to_string())
            );
            // The causes the library kept (a git library error and its own).
            let mut cause = std::error::Error::source(&e);
            while let Some(c) = cause {
                let _ = writeln!(stderr, "  because: {}", terminal_safe(&c.to_string()));
                cause = c.source();
            }
            if let Some(hint) = hint(&e) {
                let _ = writeln!(stderr, "hint: {}", terminal_safe(&hint));
            }
            EXIT_ERROR
        }
    }
}

/// Text for the terminal: every line neutralised (controls, bidi overrides).
fn terminal_safe(message: &str) -> String {
    message
        .split('\n')
        .map(|line| crate::text::display_safe(line.as_bytes(), crate::text::limit::WARNING_LINE))
        .collect::<Vec<_>>()
        .join("\n")
}

fn hint(e: &Error) -> Option<String> {
    match e {
        Error::Git(GitError::NotARepository { .. }) => Some("run inside a git repository or pass its path: git alibi scan PATH".into()),
        Error::Git(GitError::Sha256 { .. }) => Some("convert it, or read a SHA-1 clone of it".into()),
        Error::Git(GitError::Unreadable { .. }) => Some("check the repository with git fsck and that its files can be read".into()),
        Error::Roster { hint, .. } => hint.clone(),
        Error::AmbiguousTarget { target, .. } => Some(format!(
            "put paths after `--` (git alibi scan -- {t}) or give the revision with --range {t}",
            t = crate::text::display_safe(target.as_bytes(), crate::text::limit::PATH)
        )),
        Error::UnknownTarget { .. } => Some(
            "give the path of a repository, or a revision range such as main..feature".into(),
        ),
        Error::BadRevision { .. } | Error::Git(GitError::BadRevision { .. }) => Some("give a range such as main..feature, or check the revision exists in every repository".into()),
        Error::NoSuchContributor { candidates, .. } if candidates.is_empty() => Some(
            "give part of a name or email as it appears in commits (git log --format='%an <%ae>'), or an id from a report".into(),
        ),
        Error::NoSuchContributor { candidates, .. } => Some(format!(
            "more than one contributor matches; be more specific or use an id:\n  {}",
            candidates.join("\n  ")
        )),
        Error::UnknownCountry { known, .. } => Some(format!("covered: {}", known.join(" "))),
        Error::Usage { hint, .. } => Some(hint.clone()),
        Error::NoClaims => Some(
            "a roster is CSV with a header row: email,location (name optional)".into(),
        ),
        Error::IncompleteHistory { shallow: true, .. } => Some(
            "fetch the full history: fetch-depth: 0 on actions/checkout, GIT_DEPTH: \"0\" in GitLab CI, or git fetch --unshallow".into(),
        ),
        Error::IncompleteHistory { shallow: false, .. } => Some(
            "objects are missing or damaged, or replace refs loop: run git fsck (and git replace -l), then fetch or restore what is missing or delete the looping replace ref (a fresh clone repairs most)".into(),
        ),
        _ => None,
    }
}

/// What one invocation does, whatever its subcommand.
struct Job {
    command: &'static str,
    targets: Targets,
    common: CommonArgs,
    roster: Option<PathBuf>,
    /// Read claims (audit, check, accept); scan reads none.
    claims: bool,
    /// Fail without any claim (audit).
    claims_required: bool,
    accepted: Option<PathBuf>,
    check: bool,
    only_new: bool,
    /// `check --forge-keys`.
    forge_keys: Option<PathBuf>,
}

impl Job {
    /// A job that reads claims (roster and `.git-alibi.toml`) without
    /// requiring any; the subcommands adjust the rest.
    fn new(
        command: &'static str,
        targets: Targets,
        common: CommonArgs,
        roster: Option<PathBuf>,
    ) -> Job {
        Job {
            command,
            targets,
            common,
            roster,
            claims: true,
            claims_required: false,
            accepted: None,
            check: false,
            only_new: false,
            forge_keys: None,
        }
    }
}

fn execute(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<i32, Error> {
    match cli.command {
        Command::Scan(a) => run_job(
            Job {
                claims: false,
                accepted: a.accepted.accepted,
                ..Job::new("scan", a.targets, a.common, None)
            },
            stdout,
            stderr,
        ),
        Command::Audit(a) => run_job(
            Job {
                claims_required: true,
                accepted: a.accepted.accepted,
                ..Job::new("audit", a.targets, a.common, a.claims.roster)
            },
            stdout,
            stderr,
        ),
        Command::Check(a) => run_job(
            Job {
                accepted: a.accepted.accepted,
                check: true,
                only_new: a.only_new,
                forge_keys: a.forge_keys,
                ..Job::new("check", a.targets, a.common, a.claims.roster)
            },
            stdout,
            stderr,
        ),
        Command::Accept(a) => accept(a, stderr),
        Command::Show(a) => show(a, stdout, stderr),
        Command::Calendar(a) => calendar(a, stdout),
        Command::Identities(a) => identities(a, stdout, stderr),
        Command::Extract(a) => extract(a, stderr),
        Command::Man(a) => man(a, stdout),
        Command::Completions(a) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(a.shell, &mut cmd, "git-alibi", stdout);
            Ok(EXIT_OK)
        }
    }
}

/// Repositories named by `--repos-from` and `--discover`, in that order.
/// The repositories and range a command reads.
struct Repositories {
    paths: Vec<PathBuf>,
    range: Option<String>,
    /// Repositories were listed (`--repos-from`, `--discover`): one that
    /// cannot be read is reported and the others are read.
    keep_going: bool,
}

/// History, claims and accepted findings of a job, analysed.
struct Prepared {
    analysis: analysis::Analysis,
    range: Option<String>,
}
