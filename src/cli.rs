//! The command-line edge: argument parsing, hints, exit codes. `main.rs` only
//! calls [`run`]. Exit codes are an API: 0 ran clean, 1 findings at or above
//! `--fail-on`, 2 usage or input error.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Repositories (default: the current directory) and optionally one
    /// revision range (`A..B`, `A...B` or a revision).
    #[arg(value_name = "PATH|RANGE")]
    pub targets: Vec<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Roster CSV with a header row: `email` and `location` required, `name` optional.
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    #[arg(value_name = "PATH|RANGE")]
    pub targets: Vec<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct CommonArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when any finding reaches this severity.
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
    /// Do not apply .mailmap.
    #[arg(long)]
    pub no_mailmap: bool,
    /// Exit 2 when the history is incomplete (shallow clone, missing objects).
    #[arg(long)]
    pub require_full_history: bool,
    /// Neither read nor write the commit cache (.git/git-alibi/).
    #[arg(long)]
    pub no_cache: bool,
    /// Walk every ref (including refs/pull/*), not only branches, tags and remotes.
    #[arg(long)]
    pub all_refs: bool,
    /// Revision range to read (same as giving `A..B` as an argument).
    #[arg(long, value_name = "RANGE")]
    pub range: Option<String>,
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

/// Split positional arguments into repository paths and at most one range.
fn split_targets(
    targets: &[String],
    range: Option<String>,
) -> Result<(Vec<PathBuf>, Option<String>), Error> {
    let mut paths = Vec::new();
    let mut range = range;
    for t in targets {
        let p = PathBuf::from(t);
        if p.exists() && !t.contains("..") || t == "." || t == ".." {
            paths.push(p);
        } else if t.contains("..") || !t.contains('/') {
            if range.is_some() {
                return Err(Error::BadRevision {
                    revision: t.clone(),
                    reason: "only one revision range may be given".into(),
                });
            }
            range = Some(t.clone());
        } else {
            paths.push(p);
        }
    }
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
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
            let _ = writeln!(stderr, "git-alibi: error: {e}");
            if let Some(hint) = hint(&e) {
                let _ = writeln!(stderr, "hint: {hint}");
            }
            EXIT_ERROR
        }
    }
}

fn hint(e: &Error) -> Option<String> {
    match e {
        Error::NotARepository { .. } => Some("run inside a git repository or pass its path: git alibi scan PATH".into()),
        Error::Roster { hint, .. } => hint.clone(),
        Error::BadRevision { .. } => Some("give a range such as main..feature, or check the revision exists in every repository".into()),
        Error::IncompleteHistory { .. } => Some(
            "fetch the full history (git fetch --unshallow; in GitHub Actions set fetch-depth: 0 on actions/checkout)".into(),
        ),
        _ => None,
    }
}

fn execute(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<i32, Error> {
    let (command, targets, common, roster) = match cli.command {
        Command::Scan(a) => ("scan", a.targets, a.common, None),
        Command::Audit(a) => ("audit", a.targets, a.common, Some(a.roster)),
    };
    let (paths, range) = split_targets(&targets, common.range.clone())?;
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
    if let Some(Some(file)) = &roster {
        claims.extend(claims::read_roster(file)?);
    }

    let options = ReadOptions {
        walk: WalkOptions {
            range: range.clone(),
            all_refs: common.all_refs,
            with_baseline: false,
        },
        since,
        until,
        use_mailmap: !common.no_mailmap,
        cache: !common.no_cache,
        only_range_authors: false,
    };
    let bar = progress_bar();
    let history = history::read(&paths, &options, &|n| bar.set_position(n))?;
    bar.finish_and_clear();
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
            });
        }
        let shallow = history.repos.iter().any(|r| r.shallow);
        let _ = writeln!(
            stderr,
            "hint: {}; --require-full-history makes this an error",
            if shallow {
                "fetch the full history (git fetch --unshallow; in GitHub Actions: fetch-depth: 0 on actions/checkout)"
            } else {
                "run git fsck to find what is missing, and fetch or restore the objects"
            }
        );
    }
    // `audit` only: claims in each repository's .git-alibi.toml (work trees).
    if let Some(roster) = &roster {
        for root in history.workdirs.iter().flatten() {
            if let Some((config, repo_claims)) = claims::read_repo_config(root)? {
                thresholds = config.thresholds;
                claims.extend(repo_claims);
            }
        }
        if roster.is_none() && claims.is_empty() {
            return Err(Error::Roster {
                file: PathBuf::from("--roster"),
                line: 0,
                message: "audit needs claims: pass --roster FILE or add [[contributor]] entries to .git-alibi.toml".into(),
                hint: Some("a roster is CSV: email,name,location".into()),
            });
        }
    }
    let analysis = analysis::analyse(history, claims, thresholds);
    for &i in &analysis.unmatched_claims {
        let _ = writeln!(
            stderr,
            "git-alibi: warning: {}: claim matches no contributor",
            crate::text::display_safe(analysis.claims[i].source.as_bytes(), 200)
        );
    }
    let privacy = Privacy {
        show_emails: common.show_emails,
        pseudonymize: common.pseudonymize,
        salt: common.pseudonym_salt.clone().unwrap_or_default(),
    };
    let report = reports::build(
        &analysis,
        command,
        ReportOptions {
            range,
            since: common.since.clone(),
            until: common.until.clone(),
            mailmap: !common.no_mailmap,
            ..Default::default()
        },
        &privacy,
    );
    let write_result = match &common.output {
        Some(path) => {
            let file = std::fs::File::create(path)?;
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
    let fail_on = common.fail_on;
    Ok(match (fail_on, report.max_severity()) {
        (Some(threshold), Some(max)) if max >= threshold => EXIT_FINDINGS,
        _ => EXIT_OK,
    })
}

fn progress_bar() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} reading history: {pos} commits ({per_sec})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
