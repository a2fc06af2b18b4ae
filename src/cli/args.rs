//! The command line as clap parses it: commands and their options.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::detectors::Severity;
use crate::reports::Format;

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
    ///
    /// Trust: .git-alibi.toml, .git-alibi-accepted.toml, .mailmap and a
    /// --roster inside the checkout are read from BASE (edits in the range
    /// are the finding settings-edited); a --roster or --accepted outside the
    /// checkout and the options are the runner's; the work tree is never
    /// read. In CI (the CI variable set) an incomplete history is exit 2.
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
    #[command(flatten)]
    pub pseudonyms: PseudonymArgs,
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
    #[command(flatten)]
    pub claims: RosterArg,
    #[command(flatten)]
    pub targets: Targets,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub claims: RosterArg,
    #[command(flatten)]
    pub accepted: AcceptedArg,
    /// Exit 1 only for findings the range raised, not those already in the baseline.
    #[arg(long)]
    pub only_new: bool,
    /// The forge's OpenPGP public keys (the runner's copy of
    /// https://github.com/web-flow.gpg, armored or binary): a range commit
    /// that names the forge as committer counts as the forge's only when its
    /// signature verifies against one; otherwise forge-impersonation.
    #[arg(long, value_name = "FILE")]
    pub forge_keys: Option<PathBuf>,
    #[command(flatten)]
    pub targets: Targets,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct AcceptArgs {
    #[command(flatten)]
    pub claims: RosterArg,
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
    #[command(flatten)]
    pub accepted: AcceptedArg,
    #[command(flatten)]
    pub targets: Targets,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    #[command(flatten)]
    pub claims: RosterArg,
    #[command(flatten)]
    pub accepted: AcceptedArg,
    #[command(flatten)]
    pub targets: Targets,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Claims from a roster file (`--roster`), for the commands that judge claims.
#[derive(Args, Debug)]
pub struct RosterArg {
    /// Roster CSV with a header row: `email` and `location` required, `name`
    /// optional (claims can also come from .git-alibi.toml). check reads a
    /// roster inside the checkout from the range's base.
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
}

/// `--accepted`, for the commands that report findings.
#[derive(Args, Debug)]
pub struct AcceptedArg {
    /// Accepted-findings file (default: .git-alibi-accepted.toml in the work tree, if present).
    #[arg(long, value_name = "FILE")]
    pub accepted: Option<PathBuf>,
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

/// Pseudonyms for people (reports and extracts).
#[derive(Args, Debug, Clone, Default)]
pub struct PseudonymArgs {
    /// Replace names by stable salted pseudonyms too (reports show emails as
    /// pseudonyms already; `extract` replaces people's names and emails, and
    /// bots and forges keep theirs).
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
    /// Write the report to FILE instead of standard output (`-`: standard output).
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
    #[command(flatten)]
    pub pseudonyms: PseudonymArgs,
    /// Exit 2 when the history is incomplete (shallow clone, missing objects).
    #[arg(long)]
    pub require_full_history: bool,
    /// Analyse facts written by `git alibi extract` (Parquet files, or
    /// directories whose *.parquet files are read in name order) instead of
    /// repositories. `check` resolves its range in the extracts' recorded
    /// refs and commit ids.
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

// The engine's enums stay free of the CLI crate: their command-line names
// and help are given here.
impl clap::ValueEnum for Severity {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            Severity::Info,
            Severity::Low,
            Severity::Medium,
            Severity::High,
        ]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &Format::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let value = clap::builder::PossibleValue::new(self.name());
        Some(match self {
            Format::Text | Format::Json => value,
            Format::Sarif => value.help("SARIF 2.1.0 (GitHub code scanning)"),
            Format::Markdown => value.help("A summary for a CI job page or a ticket"),
            Format::Gitlab => value.help("GitLab Code Quality report"),
            Format::Html => value.help("One self-contained HTML page with heatmaps"),
            Format::Csv => value.help("One row per contributor, for spreadsheets"),
        })
    }
}
