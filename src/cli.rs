//! The command-line edge: argument parsing, hints, exit codes. `main.rs` only
//! calls [`run`]. Exit codes are an API: 0 ran clean, 1 findings at or above
//! `--fail-on`, 2 usage or input error.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::accepted::Accepted;
use crate::analysis;
use crate::claims::{self, Claim, Thresholds};
use crate::detectors::Severity;
use crate::error::Error;
use crate::history::{self, ReadOptions};
use crate::reports::{self, Format, Privacy, ReportOptions};
use crate::walk::WalkOptions;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "git-alibi",
    version,
    about = "Do the traces in each contributor's commits fit where they say they work?"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Profile every contributor: inferred zones and location-agnostic findings.
    Scan(ScanArgs),
    /// Scan, then check each contributor against their claimed location.
    Audit(AuditArgs),
    /// CI gate: judge the authors of the commits in a range (BASE..HEAD),
    /// with the rest of history as their baseline. Exit 1 on findings at or
    /// above --fail-on (default: high).
    Check(CheckArgs),
    /// Accept the current findings after review: write them to the
    /// accepted-findings file that check and audit then skip.
    Accept(AcceptArgs),
    /// One contributor's story: heatmaps of their week (claimed local time and
    /// UTC), offset timeline, findings. --format markdown for a ticket.
    Show(ShowArgs),
    /// The holidays, working week and make-up workdays assumed for a country.
    Calendar(CalendarArgs),
    /// Identity clusters: contributors linked by name, machine or signing
    /// key, with the evidence; --mailmap suggests .mailmap entries.
    Identities(IdentitiesArgs),
    /// Write the per-commit facts the analysis reads to an Apache Parquet
    /// file, for `--facts` (audit many extracts at once, without the
    /// repositories) and for data engines (DuckDB, Spark SQL); columns in
    /// docs/schema/facts.md.
    Extract(ExtractArgs),
    /// Write the manual pages (git-alibi.1 and one per command) into DIR, so
    /// that `git alibi --help` and `man git-alibi` find them.
    Man(ManArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Directory to write into, e.g. ~/.local/share/man/man1.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub targets: Targets,
    #[command(flatten)]
    pub source: SourceArgs,
    /// The Parquet file to write (written under a temporary name, then renamed).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
    /// Replace the names and emails of people by stable salted pseudonyms
    /// (bots and forges keep theirs).
    #[arg(long)]
    pub pseudonymize: bool,
    /// Secret salt for pseudonyms (or GIT_ALIBI_SALT).
    #[arg(
        long,
        env = "GIT_ALIBI_SALT",
        value_name = "SALT",
        hide_env_values = true
    )]
    pub pseudonym_salt: Option<String>,
    /// Exit 2, writing nothing, when a history is incomplete (shallow clone,
    /// missing objects, a repository that cannot be read).
    #[arg(long)]
    pub require_full_history: bool,
}

#[derive(Args, Debug)]
pub struct IdentitiesArgs {
    /// Print a .mailmap suggestion (with emails) instead of the clusters.
    #[arg(long)]
    pub mailmap: bool,
    /// With --mailmap: only these clusters (numbers from the listing), the links you confirmed.
    #[arg(long, value_name = "N")]
    pub cluster: Vec<usize>,
    #[command(flatten)]
    pub targets: Targets,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct CalendarArgs {
    /// ISO 3166-1 alpha-2 country code (for example JP, KP, CN).
    #[arg(value_name = "COUNTRY")]
    pub country: String,
    /// Year (default: the current year).
    #[arg(value_name = "YEAR")]
    pub year: Option<i32>,
    /// text or json.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// Who: part of a name or email (case-insensitive), or a report id (c-…).
    #[arg(value_name = "CONTRIBUTOR")]
    pub contributor: String,
    /// Roster CSV (claims can also come from .git-alibi.toml).
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    #[command(flatten)]
    pub targets: Targets,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Roster CSV (claims can also come from .git-alibi.toml).
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    /// Accepted-findings file (default: .git-alibi-accepted.toml in the work tree, if present).
    #[arg(long, value_name = "FILE")]
    pub accepted: Option<PathBuf>,
    /// Exit 1 only for findings the range raised, not those already in the baseline.
    #[arg(long)]
    pub only_new: bool,
    #[command(flatten)]
    pub targets: Targets,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct AcceptArgs {
    /// Roster CSV (claims can also come from .git-alibi.toml).
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    /// File to write (default: .git-alibi-accepted.toml in the first work tree).
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Why these findings are accepted (kept in the file for the next reviewer).
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub reason: String,
    /// Accept findings from this severity up (default: all).
    #[arg(long, value_enum, value_name = "SEVERITY", default_value = "info")]
    pub min_severity: Severity,
    #[command(flatten)]
    pub targets: Targets,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Accepted-findings file (default: .git-alibi-accepted.toml in the work tree, if present).
    #[arg(long, value_name = "FILE")]
    pub accepted: Option<PathBuf>,
    #[command(flatten)]
    pub targets: Targets,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Roster CSV with a header row: `email` and `location` required, `name` optional.
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    /// Accepted-findings file (default: .git-alibi-accepted.toml in the work tree, if present).
    #[arg(long, value_name = "FILE")]
    pub accepted: Option<PathBuf>,
    #[command(flatten)]
    pub targets: Targets,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Where to read: repository paths and at most one revision range.
#[derive(Args, Debug)]
pub struct Targets {
    /// Repositories (default: the current directory) and at most one revision
    /// range (`A..B`, `A...B` or a revision). An existing path is a path; a
    /// name that is both a path and a revision is refused as ambiguous.
    #[arg(value_name = "PATH|RANGE")]
    pub targets: Vec<String>,
    /// Repository paths after `--`; everything before `--` is then a revision.
    #[arg(last = true, value_name = "PATH")]
    pub paths: Vec<String>,
}

/// Which repositories and commits to read (every command that reads history).
#[derive(Args, Debug, Clone, Default)]
pub struct SourceArgs {
    /// Do not apply .mailmap.
    #[arg(long)]
    pub no_mailmap: bool,
    /// Neither read nor write the commit cache (.git/git-alibi/).
    #[arg(long)]
    pub no_cache: bool,
    /// Walk every ref (including refs/pull/*), not only branches, tags and remotes.
    #[arg(long)]
    pub all_refs: bool,
    /// Revision range to read (same as giving `A..B` as an argument).
    #[arg(long, value_name = "RANGE")]
    pub range: Option<String>,
    /// Read the repositories listed in FILE, one path per line (`-`: standard
    /// input; blank lines and lines starting with `#` are skipped). A
    /// repository that cannot be read is reported as incomplete and the rest
    /// are read.
    #[arg(long, value_name = "FILE")]
    pub repos_from: Option<PathBuf>,
    /// Read every repository below DIR (work trees and bare repositories; a
    /// repository's own subdirectories are not searched). As with
    /// --repos-from, one that cannot be read is reported and the rest are read.
    #[arg(long, value_name = "DIR")]
    pub discover: Vec<PathBuf>,
    /// Repositories read at once (default: one per CPU).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

#[derive(Args, Debug)]
pub struct CommonArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when any finding reaches this severity (check: default high).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// Only commits whose *author* date is on or after this (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only commits whose *author* date is on or before this (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Show email addresses (hidden behind pseudonyms by default).
    #[arg(long)]
    pub show_emails: bool,
    /// Replace names by stable salted pseudonyms too.
    #[arg(long)]
    pub pseudonymize: bool,
    /// Secret salt for pseudonyms (or GIT_ALIBI_SALT); without one, pseudonyms
    /// are stable but can be reversed by guessing emails.
    #[arg(
        long,
        env = "GIT_ALIBI_SALT",
        value_name = "SALT",
        hide_env_values = true
    )]
    pub pseudonym_salt: Option<String>,
    /// Exit 2 when the history is incomplete (shallow clone, missing objects).
    #[arg(long)]
    pub require_full_history: bool,
    /// Analyse facts written by `git alibi extract` (Parquet files, or
    /// directories whose *.parquet files are read in name order) instead of
    /// repositories.
    #[arg(long, value_name = "FILE_OR_DIR")]
    pub facts: Vec<PathBuf>,
    /// Colour in text output: auto (on a terminal), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Parse a date option to epoch seconds; `end_of_day` for `--until YYYY-MM-DD`.
fn parse_date(option: &'static str, value: &str, end_of_day: bool) -> Result<i64, Error> {
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(value) {
        return Ok(dt.timestamp());
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        let t = if end_of_day {
            d.and_hms_opt(23, 59, 59)
        } else {
            d.and_hms_opt(0, 0, 0)
        };
        if let Some(t) = t {
            return Ok(t.and_utc().timestamp());
        }
    }
    Err(Error::BadDate {
        option,
        value: value.to_owned(),
    })
}

/// Split positional arguments into repository paths and at most one range,
/// by git's rule: after `--` everything is a path and everything before it a
/// revision; without `--`, an argument that names an existing path is a path
/// (refused as ambiguous when it is also a revision of the repository read),
/// and anything else must be a revision. No path given: an empty list (the
/// caller adds `--repos-from`/`--discover` and then the current directory).
fn split_targets(
    targets: &Targets,
    range: Option<String>,
) -> Result<(Vec<PathBuf>, Option<String>), Error> {
    let mut paths: Vec<PathBuf> = targets.paths.iter().map(PathBuf::from).collect();
    let range_option_absent = range.is_none();
    let mut revisions: Vec<&String> = range.iter().collect();
    let mut existing: Vec<&String> = Vec::new();
    for t in &targets.targets {
        if targets.paths.is_empty() && std::path::Path::new(t).exists() {
            existing.push(t);
        } else {
            revisions.push(t);
        }
    }
    // Revisions are resolved in the first repository given (or `.`).
    let plainly_a_path = |t: &str| t == "." || t == ".." || t.contains('/') || t.contains('\\');
    let repo_for_revisions = paths
        .first()
        .cloned()
        .or_else(|| {
            existing
                .iter()
                .find(|t| plainly_a_path(t))
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| PathBuf::from("."));
    for t in existing {
        if !plainly_a_path(t) && crate::walk::is_revision(&repo_for_revisions, t) {
            return Err(Error::AmbiguousTarget {
                target: t.clone(),
                repo: repo_for_revisions.clone(),
            });
        }
        paths.push(PathBuf::from(t));
    }
    if revisions.len() > 1 {
        return Err(Error::BadRevision {
            revision: revisions[1].clone(),
            reason: format!(
                "only one revision range may be given (already have '{}')",
                revisions[0]
            ),
        });
    }
    let range = revisions.first().map(|r| r.to_string());
    // A bare argument that is neither an existing path nor a revision is
    // most likely a mistyped path: say that both readings failed. (After
    // `--` or in --range it is a revision, and the walk reports it as such.)
    let guessed = targets.paths.is_empty() && range_option_absent;
    if let (true, Some(r)) = (guessed, &range)
        && !crate::walk::is_revision(&repo_for_revisions, r)
    {
        return Err(Error::UnknownTarget {
            target: r.clone(),
            reason: crate::walk::revision_problem(&repo_for_revisions),
            repo: repo_for_revisions.clone(),
        });
    }
    Ok((paths, range))
}

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
        .map(|line| crate::text::display_safe(line.as_bytes(), 4096))
        .collect::<Vec<_>>()
        .join("\n")
}

fn hint(e: &Error) -> Option<String> {
    match e {
        Error::NotARepository { .. } => Some("run inside a git repository or pass its path: git alibi scan PATH".into()),
        Error::Roster { hint, .. } => hint.clone(),
        Error::AmbiguousTarget { target, .. } => Some(format!(
            "put paths after `--` (git alibi scan -- {t}) or give the revision with --range {t}",
            t = crate::text::display_safe(target.as_bytes(), 200)
        )),
        Error::UnknownTarget { .. } => Some(
            "give the path of a repository, or a revision range such as main..feature".into(),
        ),
        Error::BadRevision { .. } => Some("give a range such as main..feature, or check the revision exists in every repository".into()),
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
            "fetch the full history (git fetch --unshallow; in GitHub Actions set fetch-depth: 0 on actions/checkout)".into(),
        ),
        Error::IncompleteHistory { shallow: false, .. } => Some(
            "objects are missing or damaged: run git fsck, then fetch or restore them (a fresh clone repairs most)".into(),
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
        }
    }
}

fn execute(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<i32, Error> {
    match cli.command {
        Command::Scan(a) => run_job(
            Job {
                claims: false,
                accepted: a.accepted,
                ..Job::new("scan", a.targets, a.common, None)
            },
            stdout,
            stderr,
        ),
        Command::Audit(a) => run_job(
            Job {
                claims_required: true,
                accepted: a.accepted,
                ..Job::new("audit", a.targets, a.common, a.roster)
            },
            stdout,
            stderr,
        ),
        Command::Check(a) => run_job(
            Job {
                accepted: a.accepted,
                check: true,
                only_new: a.only_new,
                ..Job::new("check", a.targets, a.common, a.roster)
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

fn repositories(targets: &Targets, source: &SourceArgs) -> Result<Repositories, Error> {
    let (mut paths, range) = split_targets(targets, source.range.clone())?;
    let listed = listed_repositories(source)?;
    let keep_going = !listed.is_empty();
    for p in listed {
        if !paths.contains(&p) {
            paths.push(p);
        }
    }
    // The current directory when nothing names a repository.
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    Ok(Repositories {
        paths,
        range,
        keep_going,
    })
}

/// `extract`: the facts of every repository, to one Parquet file.
fn extract(a: ExtractArgs, stderr: &mut dyn Write) -> Result<i32, Error> {
    let Repositories {
        paths,
        range,
        keep_going,
    } = repositories(&a.targets, &a.source)?;
    let options = ReadOptions {
        walk: WalkOptions {
            range,
            all_refs: a.source.all_refs,
            with_baseline: false,
        },
        use_mailmap: !a.source.no_mailmap,
        cache: !a.source.no_cache,
        keep_going,
        jobs: jobs(a.source.jobs),
        ..ReadOptions::default()
    };
    let dir = match a.output.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        a.output
            .file_name()
            .map_or_else(|| "facts".into(), |n| n.to_string_lossy()),
        std::process::id()
    ));
    let written = (|| {
        let file = create_output(&tmp)?;
        let facts_error = |e: parquet::errors::ParquetError| Error::Facts {
            path: a.output.clone(),
            message: e.to_string(),
        };
        let writer = crate::extract::FactsWriter::new(
            std::io::BufWriter::new(file),
            crate::extract::ExtractOptions {
                pseudonymize: a.pseudonymize.then(|| Privacy {
                    show_emails: false,
                    pseudonymize: true,
                    salt: a.pseudonym_salt.clone().unwrap_or_default(),
                }),
            },
        )
        .map_err(facts_error)?;
        let mut incomplete: Vec<String> = Vec::new();
        let progress = Progress::new(&mut *stderr);
        let read = history::for_each_read(
            &paths,
            &options,
            !a.source.no_mailmap,
            &|at| progress.update(at),
            writer,
            |writer, read| match read {
                Ok(read) => {
                    incomplete.extend(read.incomplete.iter().cloned());
                    writer.write_repository(read).map_err(facts_error)
                }
                Err((path, error)) if keep_going => {
                    let reason = history::not_read_reason(path, &error);
                    incomplete.push(reason.clone());
                    writer.write_not_read(reason);
                    Ok(())
                }
                Err((_, error)) => Err(error),
            },
        );
        progress.finish();
        let (writer, notes) = read?;
        for note in notes {
            let _ = writeln!(stderr, "git-alibi: warning: {note}");
        }
        for reason in &incomplete {
            let _ = writeln!(
                stderr,
                "git-alibi: warning: history is incomplete: {reason}"
            );
        }
        if a.require_full_history && !incomplete.is_empty() {
            return Err(Error::IncompleteHistory {
                reason: incomplete.join("; "),
                shallow: incomplete.iter().any(|r| r.contains("shallow clone")),
            });
        }
        writer.finish().map_err(facts_error)
    })();
    let rows = match written {
        Ok(rows) => rows,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, &a.output).map_err(|source| Error::Output {
        path: a.output.clone(),
        source,
    })?;
    let _ = writeln!(
        stderr,
        "git-alibi: wrote {} of {} to {}",
        reports::count(rows as usize, "commit"),
        reports::count(paths.len(), "repository"),
        a.output.display()
    );
    Ok(EXIT_OK)
}

/// `--facts` replaces the repositories: options that choose repositories or
/// commits to walk have nothing to act on.
fn refuse_with_facts(job: &Job) -> Result<(), Error> {
    let source = &job.common.source;
    let conflict = if !job.targets.targets.is_empty() || !job.targets.paths.is_empty() {
        Some("repository paths or a range")
    } else if source.repos_from.is_some() || !source.discover.is_empty() {
        Some("--repos-from or --discover")
    } else if source.range.is_some() || source.all_refs {
        Some("--range or --all-refs")
    } else if job.check {
        Some("check")
    } else {
        None
    };
    match conflict {
        Some(what) => Err(Error::Usage {
            message: format!("--facts does not go with {what}"),
            hint: if job.check {
                "check resolves its range in the repository; run it on the repository".into()
            } else {
                "the facts were selected when they were extracted: give the range, refs and repositories to `git alibi extract`".into()
            },
        }),
        None => Ok(()),
    }
}

/// Repositories read at once: the option, else one per CPU.
fn jobs(option: Option<usize>) -> usize {
    option
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn listed_repositories(source: &SourceArgs) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    if let Some(file) = &source.repos_from {
        let text = if file.as_os_str() == "-" {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| {
                Error::Usage {
                    message: format!("cannot read --repos-from from standard input: {e}"),
                    hint: "pipe one repository path per line into it".into(),
                }
            })?;
            text
        } else {
            std::fs::read_to_string(file).map_err(|e| Error::Usage {
                message: format!("cannot read --repos-from {}: {e}", file.display()),
                hint: "give a file with one repository path per line, or - for standard input"
                    .into(),
            })?
        };
        for line in text.lines() {
            let line = line.trim();
            if !line.is_empty() && !line.starts_with('#') {
                out.push(PathBuf::from(line));
            }
        }
        if out.is_empty() {
            return Err(Error::Usage {
                message: format!("--repos-from {} names no repository", file.display()),
                hint: "one path per line; lines starting with # are skipped".into(),
            });
        }
    }
    for dir in &source.discover {
        if !dir.is_dir() {
            return Err(Error::Usage {
                message: format!("--discover {}: not a directory", dir.display()),
                hint: "give the directory that holds the repositories".into(),
            });
        }
        let found = crate::walk::discover_repositories(dir);
        if found.is_empty() {
            return Err(Error::Usage {
                message: format!("--discover {}: no repository below it", dir.display()),
                hint:
                    "repositories are directories with a .git, or bare ones (HEAD, objects/, refs/)"
                        .into(),
            });
        }
        out.extend(found);
    }
    Ok(out)
}

/// History, claims and accepted findings of a job, analysed.
struct Prepared {
    analysis: analysis::Analysis,
    range: Option<String>,
}

fn prepare(job: &Job, accepted: &Accepted, stderr: &mut dyn Write) -> Result<Prepared, Error> {
    let common = &job.common;
    if !common.facts.is_empty() {
        refuse_with_facts(job)?;
    }
    let Repositories {
        paths,
        range,
        keep_going,
    } = repositories(&job.targets, &common.source)?;
    if job.check {
        match &range {
            Some(r) if r.contains("..") || r.ends_with("^!") => {}
            other => {
                return Err(Error::BadRevision {
                    revision: other.clone().unwrap_or_default(),
                    reason: "check needs a range BASE..HEAD (or BASE...HEAD, or COMMIT^! for one commit)".into(),
                });
            }
        }
    }
    let since = common
        .since
        .as_deref()
        .map(|v| parse_date("--since", v, false))
        .transpose()?;
    let until = common
        .until
        .as_deref()
        .map(|v| parse_date("--until", v, true))
        .transpose()?;

    // Claims: the roster first (a bad line fails before the walk), then each
    // repository's .git-alibi.toml once the repositories are open.
    let mut claims: Vec<Claim> = Vec::new();
    let mut thresholds = Thresholds::default();
    if let Some(file) = &job.roster {
        claims.extend(claims::read_roster(file)?);
    }

    let options = ReadOptions {
        walk: WalkOptions {
            range: range.clone(),
            all_refs: common.source.all_refs,
            with_baseline: job.check,
        },
        since,
        until,
        use_mailmap: !common.source.no_mailmap,
        cache: !common.source.no_cache,
        only_range_authors: job.check,
        keep_going,
        jobs: jobs(common.source.jobs),
    };
    let history = if common.facts.is_empty() {
        let progress = Progress::new(&mut *stderr);
        let history = history::read(&paths, &options, &|at| progress.update(at));
        progress.finish();
        history?
    } else {
        let mut builder = history::HistoryBuilder::new(&options);
        for file in crate::extract::facts_files(&common.facts)? {
            crate::extract::read_file(&file, &mut |read| {
                match read {
                    Ok(mut read) => builder.add(Ok(&mut read))?,
                    Err(reason) => builder.add_not_read(reason),
                }
                Ok(())
            })?;
        }
        builder.finish()
    };
    for note in &history.cache_notes {
        let _ = writeln!(stderr, "git-alibi: warning: {note}");
    }
    for reason in &history.incomplete {
        let _ = writeln!(
            stderr,
            "git-alibi: warning: history is incomplete: {reason}"
        );
    }
    if !history.incomplete.is_empty() {
        if common.require_full_history {
            return Err(Error::IncompleteHistory {
                reason: history.incomplete.join("; "),
                shallow: history.repos.iter().any(|r| r.shallow),
            });
        }
        let shallow = history.repos.iter().any(|r| r.shallow);
        let _ = writeln!(
            stderr,
            "hint: {}; --require-full-history makes this an error",
            if shallow {
                "fetch the full history (git fetch --unshallow; in GitHub Actions: fetch-depth: 0 on actions/checkout; in GitLab CI: GIT_DEPTH: 0)"
            } else {
                "run git fsck to find what is missing, and fetch or restore the objects"
            }
        );
    }
    // Settings of every repository, one loading path for every command
    // (check: from the range's base, see `settings`). A broken file is an
    // error everywhere; scan takes its thresholds and no claims.
    for settings in &history.settings {
        if let Some(file) = &settings.config {
            let (config, repo_claims) = claims::parse_repo_config(&file.label, &file.bytes)?;
            thresholds = config.thresholds;
            if job.claims {
                claims.extend(repo_claims);
            }
        }
    }
    if job.claims_required && claims.is_empty() {
        return Err(Error::NoClaims);
    }
    // Accepted findings: the explicit file, else each repository's own file
    // (accept rewrites its file, so it starts from none).
    let mut accepted = accepted.clone();
    match &job.accepted {
        Some(file) => {
            if let Some(a) = crate::accepted::read(file, true)? {
                accepted.merge(a);
            }
        }
        None if job.command != "accept" => {
            for file in history.settings.iter().filter_map(|s| s.accepted.as_ref()) {
                accepted.merge(crate::accepted::parse(&file.label, &file.bytes)?);
            }
        }
        None => {}
    }
    let baseline = job.check.then(|| history.baseline());
    let mut analysis =
        analysis::analyse_with(history, claims.clone(), thresholds.clone(), &accepted);
    if let Some(baseline) = baseline {
        let before = analysis::analyse_with(baseline, claims, thresholds, &accepted);
        analysis::mark_origins(&mut analysis, &before);
    }
    // Claims that match nobody: the first few by line, then a count (a large
    // roster against one repository would otherwise flood the terminal).
    const SHOWN_UNMATCHED: usize = 10;
    for &i in analysis.unmatched_claims.iter().take(SHOWN_UNMATCHED) {
        let _ = writeln!(
            stderr,
            "git-alibi: warning: {}: claim matches no contributor",
            crate::text::display_safe(analysis.claims[i].source.as_bytes(), 200)
        );
    }
    if analysis.unmatched_claims.len() > SHOWN_UNMATCHED {
        let _ = writeln!(
            stderr,
            "git-alibi: warning: {} more claims match no contributor ({} in all)",
            analysis.unmatched_claims.len() - SHOWN_UNMATCHED,
            analysis.unmatched_claims.len()
        );
    }
    Ok(Prepared { analysis, range })
}

/// Refuse options a command would accept and ignore: a format it cannot
/// write, `--fail-on` where nothing is judged, `--output` where nothing is
/// written (only when `formats` is just text, i.e. the command prints no report).
fn reject_unused(
    command: &str,
    common: &CommonArgs,
    formats: &[Format],
    what: &str,
) -> Result<(), Error> {
    let problem = if !formats.contains(&common.format) {
        Some(format!("--format {:?}", common.format).to_lowercase())
    } else if common.fail_on.is_some() {
        Some("--fail-on".to_owned())
    } else if formats == [Format::Text] && common.output.is_some() {
        Some("--output".to_owned())
    } else {
        None
    };
    match problem {
        Some(option) => Err(Error::Usage {
            message: format!("{command} does not take {option}"),
            hint: what.to_owned(),
        }),
        None => Ok(()),
    }
}

/// The `--output` file, created; an error names it.
fn create_output(path: &std::path::Path) -> Result<std::fs::File, Error> {
    std::fs::File::create(path).map_err(|source| Error::Output {
        path: path.to_owned(),
        source,
    })
}

fn privacy_of(common: &CommonArgs) -> Privacy {
    Privacy {
        show_emails: common.show_emails,
        pseudonymize: common.pseudonymize,
        salt: common.pseudonym_salt.clone().unwrap_or_default(),
    }
}

fn run_job(job: Job, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<i32, Error> {
    let Prepared {
        mut analysis,
        range,
    } = prepare(&job, &Accepted::default(), stderr)?;
    if !job.check {
        // The report reads per-contributor results; only check's range counts read commits.
        analysis.history.release_records();
    }
    let common = &job.common;
    let privacy = privacy_of(common);
    let mut report = reports::build(
        &analysis,
        job.command,
        ReportOptions {
            range: range.clone(),
            since: common.since.clone(),
            until: common.until.clone(),
            mailmap: !common.source.no_mailmap,
            range_judged: job.check,
            ..Default::default()
        },
        &privacy,
    );
    let fail_on = if job.check {
        Some(common.fail_on.unwrap_or(Severity::High))
    } else {
        common.fail_on
    };
    if job.check {
        // Contributors with no commit left in the range (only a forge merge) are not judged.
        report
            .contributors
            .retain(|c| c.range_commits.unwrap_or(0) > 0);
        let findings = report.all_findings();
        let from_range = findings
            .iter()
            .filter(|(_, f)| f.origin == Some(crate::detectors::Origin::Range))
            .count();
        report.check = Some(reports::CheckSummary {
            range: range.clone().unwrap_or_default(),
            range_commits: analysis.history.range_commits,
            authors: report.contributors.len(),
            findings_from_range: from_range,
            findings_from_baseline: findings.len() - from_range,
            fail_on: fail_on.unwrap_or(Severity::High),
            settings_edited: analysis
                .history
                .settings
                .iter()
                .zip(&analysis.history.repos)
                .flat_map(|(s, repo)| {
                    s.edited_in_range
                        .iter()
                        .map(|file| reports::SettingsEdit::new(&repo.path, file))
                })
                .collect(),
        });
    }
    let write_result = match &common.output {
        Some(path) => {
            let file = create_output(path)?;
            let mut w = std::io::BufWriter::new(file);
            reports::write(&report, common.format, &mut w, false).and_then(|_| w.flush())
        }
        None => {
            let color = match common.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            reports::write(&report, common.format, stdout, color).and_then(|_| stdout.flush())
        }
    };
    match write_result {
        Ok(()) => {}
        // A closed pipe (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(EXIT_OK),
        Err(e) => return Err(Error::Io(e)),
    }
    let worst = report
        .all_findings()
        .into_iter()
        .filter(|(_, f)| !job.only_new || f.origin != Some(crate::detectors::Origin::Baseline))
        .map(|(_, f)| f.severity)
        .chain(report.settings_edits().iter().map(|e| e.severity))
        .max();
    Ok(match (fail_on, worst) {
        (Some(threshold), Some(max)) if max >= threshold => EXIT_FINDINGS,
        _ => EXIT_OK,
    })
}

/// `show`: one contributor, found by part of a name or email, or by id.
fn show(a: ShowArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<i32, Error> {
    let job = Job::new("show", a.targets, a.common, a.roster);
    let Prepared { analysis, range } = prepare(&job, &Accepted::default(), stderr)?;
    let common = &job.common;
    let privacy = privacy_of(common);
    let query = a.contributor.to_lowercase();
    let matches: Vec<u32> = analysis
        .results
        .iter()
        .map(|r| r.profile.contributor)
        .filter(|&i| {
            let c = &analysis.history.contributors[i as usize];
            privacy.pseudonym("c", &c.key) == a.contributor
                || String::from_utf8_lossy(&c.key)
                    .to_lowercase()
                    .contains(&query)
                || c.identities
                    .keys()
                    .chain(c.raw_identities.keys())
                    .any(|(n, e)| {
                        String::from_utf8_lossy(n).to_lowercase().contains(&query)
                            || String::from_utf8_lossy(e).to_lowercase().contains(&query)
                    })
        })
        .collect();
    let mut report = reports::build(
        &analysis,
        "show",
        ReportOptions {
            range,
            since: common.since.clone(),
            until: common.until.clone(),
            mailmap: !common.source.no_mailmap,
            ..Default::default()
        },
        &privacy,
    );
    // An exact name, email or id wins over partial matches ("Ann" among "Anna").
    let exact: Vec<u32> = matches
        .iter()
        .copied()
        .filter(|&i| {
            let c = &analysis.history.contributors[i as usize];
            privacy.pseudonym("c", &c.key) == a.contributor
                || c.identities
                    .keys()
                    .chain(c.raw_identities.keys())
                    .any(|(n, e)| {
                        String::from_utf8_lossy(n).to_lowercase() == query
                            || String::from_utf8_lossy(e).to_lowercase() == query
                    })
        })
        .collect();
    let chosen = if exact.len() == 1 { &exact } else { &matches };
    let ids: Vec<String> = chosen
        .iter()
        .map(|&i| privacy.pseudonym("c", &analysis.history.contributors[i as usize].key))
        .collect();
    report.contributors.retain(|c| ids.contains(&c.id));
    match report.contributors.len() {
        0 => {
            return Err(Error::NoSuchContributor {
                query: a.contributor.clone(),
                candidates: Vec::new(),
            });
        }
        1 => {}
        _ => {
            // Enough to tell people with the same name apart, and say so
            // when the list is cut.
            const SHOWN: usize = 20;
            let mut candidates: Vec<String> = report
                .contributors
                .iter()
                .take(SHOWN)
                .map(|c| {
                    format!(
                        "{} ({}, {}, {} – {})",
                        crate::text::display_safe(c.name.as_bytes(), 60),
                        c.id,
                        reports::count(c.commits as usize, "commit"),
                        &c.first_commit[..10.min(c.first_commit.len())],
                        &c.last_commit[..10.min(c.last_commit.len())]
                    )
                })
                .collect();
            if report.contributors.len() > SHOWN {
                candidates.push(format!(
                    "… and {} more: be more specific",
                    report.contributors.len() - SHOWN
                ));
            }
            return Err(Error::NoSuchContributor {
                query: a.contributor.clone(),
                candidates,
            });
        }
    }
    let c = &report.contributors[0];
    let color = match common.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            common.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let mut file;
    let out: &mut dyn Write = match &common.output {
        Some(path) => {
            file = std::io::BufWriter::new(create_output(path)?);
            &mut file
        }
        None => stdout,
    };
    let result = match common.format {
        Format::Text => reports::show::text(c, out, color),
        Format::Markdown => reports::show::markdown(c, out),
        other => reports::write(&report, other, out, color),
    }
    .and_then(|_| out.flush());
    match result {
        Ok(()) => Ok(EXIT_OK),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(EXIT_OK),
        Err(e) => Err(Error::Io(e)),
    }
}

/// `identities`: clusters of linked contributors, or a .mailmap suggestion.
fn identities(
    a: IdentitiesArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<i32, Error> {
    reject_unused(
        "identities",
        &a.common,
        &[Format::Text, Format::Json],
        "identities lists clusters as text or json (or a .mailmap) and never fails on findings",
    )?;
    let job = Job {
        claims: false,
        ..Job::new("identities", a.targets, a.common, None)
    };
    let Prepared { analysis, .. } = prepare(&job, &Accepted::default(), stderr)?;
    let history = &analysis.history;
    let links = crate::links::build(history);
    let clusters = crate::links::clusters(history, &links);
    let privacy = privacy_of(&job.common);
    if a.mailmap && job.common.pseudonymize {
        return Err(Error::Usage {
            message: "--mailmap writes real names and emails (a .mailmap needs them); it cannot be pseudonymised".into(),
            hint: "drop --pseudonymize, and keep the suggestion out of shared logs".into(),
        });
    }
    if !a.cluster.is_empty() && !a.mailmap {
        return Err(Error::Usage {
            message: "--cluster chooses clusters for --mailmap".into(),
            hint: "add --mailmap, or drop --cluster".into(),
        });
    }
    for &n in &a.cluster {
        if n == 0 || n > clusters.len() {
            return Err(Error::Usage {
                message: format!("--cluster {n}: there are {} clusters", clusters.len()),
                hint: "the numbers are those of `git alibi identities` without --mailmap".into(),
            });
        }
    }
    let mut file;
    let out: &mut dyn Write = match &job.common.output {
        Some(path) => {
            file = std::io::BufWriter::new(create_output(path)?);
            &mut file
        }
        None => stdout,
    };
    let result = if a.mailmap {
        let chosen: Vec<&crate::links::Cluster> = clusters
            .iter()
            .enumerate()
            .filter(|(k, _)| a.cluster.is_empty() || a.cluster.contains(&(k + 1)))
            .map(|(_, c)| c)
            .collect();
        reports::identities::mailmap(history, &chosen, out)
    } else if job.common.format == Format::Json {
        reports::identities::json(history, &clusters, &privacy, out)
    } else {
        reports::identities::text(history, &clusters, &privacy, out)
    }
    .and_then(|_| out.flush());
    match result {
        Ok(()) => Ok(EXIT_OK),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(EXIT_OK),
        Err(e) => Err(Error::Io(e)),
    }
}

/// `man`: the manual pages, one for the tool and one per command
/// (`git-alibi-scan.1`, …), as clap_mangen renders them from the arguments.
fn man(a: ManArgs, stdout: &mut dyn Write) -> Result<i32, Error> {
    let cmd = <Cli as clap::CommandFactory>::command();
    std::fs::create_dir_all(&a.dir).map_err(|source| Error::Output {
        path: a.dir.clone(),
        source,
    })?;
    let mut written = Vec::new();
    let mut pages = vec![("git-alibi".to_owned(), cmd.clone())];
    for sub in cmd.get_subcommands() {
        let name = format!("git-alibi-{}", sub.get_name());
        pages.push((name.clone(), sub.clone().name(name)));
    }
    for (name, page) in pages {
        let path = a.dir.join(format!("{name}.1"));
        let mut buffer = Vec::new();
        clap_mangen::Man::new(page).render(&mut buffer)?;
        std::fs::write(&path, buffer).map_err(|source| Error::Output {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    writeln!(
        stdout,
        "wrote {} manual pages to {}",
        written.len(),
        a.dir.display()
    )?;
    Ok(EXIT_OK)
}

/// `calendar`: print the calendar data the rules assume for a country.
fn calendar(a: CalendarArgs, stdout: &mut dyn Write) -> Result<i32, Error> {
    if !matches!(a.format, Format::Text | Format::Json) {
        return Err(Error::Usage {
            message: format!("calendar prints text or json, not {:?}", a.format).to_lowercase(),
            hint: "use --format text or --format json".into(),
        });
    }
    let all = crate::calendars::calendars();
    let Some(cal) = all.get(&a.country) else {
        return Err(Error::UnknownCountry {
            country: a.country.clone(),
            known: all.countries.keys().cloned().collect(),
        });
    };
    let year = a.year.unwrap_or_else(crate::clock::current_year);
    let weekend: Vec<&str> = cal
        .weekend(year)
        .iter()
        .enumerate()
        .filter(|(_, w)| **w)
        .map(|(i, _)| crate::calendars::WEEKDAYS[i])
        .collect();
    let holidays = cal.holidays_in(year);
    let makeup = cal.makeup_in(year);
    let result = match a.format {
        Format::Json => {
            let v = serde_json::json!({
                "country": cal.code,
                "year": year,
                "weekend": weekend,
                "holidays": holidays.iter().map(|(d, n)| serde_json::json!({"date": d.to_string(), "name": n})).collect::<Vec<_>>(),
                "makeup_workdays": makeup.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
                "data_years": [cal.years.0, cal.years.1],
                "source": "data/calendars.tsv, generated from the holidays package 0.108 (PyPI)",
            });
            reports::json::write_value(&v, &mut *stdout).and_then(|_| writeln!(stdout))
        }
        _ => (|| {
            writeln!(
                stdout,
                "{} {year}: weekend {}",
                cal.code,
                weekend.join(" and ")
            )?;
            if year < cal.years.0 || year > cal.years.1 {
                writeln!(
                    stdout,
                    "no holiday data for {year} (data covers {}-{})",
                    cal.years.0, cal.years.1
                )?;
            }
            writeln!(stdout, "public holidays ({}):", holidays.len())?;
            for (d, n) in &holidays {
                writeln!(stdout, "  {d} {:<9} {n}", d.format("%A"))?;
            }
            if !makeup.is_empty() {
                writeln!(
                    stdout,
                    "make-up workdays (weekend days worked to bridge holidays):"
                )?;
                for d in &makeup {
                    writeln!(stdout, "  {d} {}", d.format("%A"))?;
                }
            }
            writeln!(
                stdout,
                "source: data/calendars.tsv, generated from the holidays package 0.108 (PyPI); see docs/calendars.md"
            )
        })(),
    };
    match result {
        Ok(()) => Ok(EXIT_OK),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(EXIT_OK),
        Err(e) => Err(Error::Io(e)),
    }
}

/// `accept`: write the current findings to the accepted-findings file.
fn accept(a: AcceptArgs, stderr: &mut dyn Write) -> Result<i32, Error> {
    reject_unused(
        "accept",
        &a.common,
        &[Format::Text],
        "accept writes the accepted-findings file (--file), no report",
    )?;
    let job = Job::new("accept", a.targets, a.common, a.roster);
    let Prepared { analysis, .. } = prepare(&job, &Accepted::default(), stderr)?;
    let file = match a.file {
        Some(f) => f,
        None => match analysis.history.workdirs.iter().flatten().next() {
            Some(root) => crate::accepted::default_path(root),
            None => PathBuf::from(crate::accepted::DEFAULT_FILE),
        },
    };
    let mut accepted = crate::accepted::read(&file, false)?.unwrap_or_default();
    let privacy = privacy_of(&job.common);
    let mut added = 0usize;
    for r in &analysis.results {
        let c = &analysis.history.contributors[r.profile.contributor as usize];
        for f in r.findings.iter().filter(|f| f.severity >= a.min_severity) {
            added += 1;
            accepted.upsert(crate::accepted::AcceptedEntry {
                fingerprint: f.fingerprint.clone(),
                rule: f.rule.to_owned(),
                contributor: if privacy.pseudonymize {
                    privacy.pseudonym("person", &c.key)
                } else {
                    crate::text::display_safe(c.display_name(), 80)
                },
                severity: f.severity,
                reason: a.reason.clone(),
            });
        }
    }
    std::fs::write(&file, accepted.to_toml()).map_err(|e| Error::Config {
        path: file.clone(),
        message: format!("cannot write accepted findings: {e}"),
    })?;
    let _ = writeln!(
        stderr,
        "git-alibi: accepted {}; {} in {}",
        reports::count(added, "finding"),
        reports::count(accepted.accepted.len(), "entry"),
        file.display()
    );
    Ok(EXIT_OK)
}

/// How far reading has come. On a terminal, a bar on stderr. Elsewhere (a CI
/// log) a plain line every `GIT_ALIBI_PROGRESS_SECONDS` (default 10; `off`
/// for none), so a long run is not silent and a short one prints nothing.
enum Progress<'w> {
    Bar(indicatif::ProgressBar),
    Lines {
        stderr: std::cell::RefCell<&'w mut dyn Write>,
        every: std::time::Duration,
        clock: crate::clock::Stopwatch,
        next: std::cell::Cell<std::time::Duration>,
    },
    Silent,
}

impl<'w> Progress<'w> {
    fn new(stderr: &'w mut dyn Write) -> Progress<'w> {
        if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} reading history: {human_pos} commits{msg} ({elapsed})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            return Progress::Bar(bar);
        }
        let seconds = match std::env::var("GIT_ALIBI_PROGRESS_SECONDS") {
            Ok(v) if v.trim() == "off" => return Progress::Silent,
            Ok(v) => v.trim().parse::<u64>().unwrap_or(10),
            Err(_) => 10,
        };
        let every = std::time::Duration::from_secs(seconds);
        Progress::Lines {
            stderr: std::cell::RefCell::new(stderr),
            every,
            clock: crate::clock::Stopwatch::start(),
            next: std::cell::Cell::new(every),
        }
    }

    fn update(&self, at: history::ReadProgress) {
        let repos = if at.repos_total > 1 {
            format!(
                ", {} of {} repositories done",
                at.repos_done, at.repos_total
            )
        } else {
            String::new()
        };
        match self {
            Progress::Bar(bar) => {
                bar.set_position(at.commits);
                bar.set_message(repos);
            }
            Progress::Lines {
                stderr,
                every,
                clock,
                next,
            } => {
                let elapsed = clock.elapsed();
                if elapsed < next.get() {
                    return;
                }
                next.set(elapsed + *every);
                if let Ok(mut w) = stderr.try_borrow_mut() {
                    let _ = writeln!(
                        w,
                        "git-alibi: reading history: {}{repos} ({} s)",
                        reports::count(at.commits as usize, "commit"),
                        elapsed.as_secs()
                    );
                }
            }
            Progress::Silent => {}
        }
    }

    fn finish(self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
