//! Reading and analysing what a command names: history, settings, claims, accepted findings.

use std::io::Write;

use crate::analysis;
use crate::analysis::accepted::Accepted;
use crate::error::Error;
use crate::git::walk::WalkOptions;
use crate::inference::claims::{self, Claim, Thresholds};
use crate::model::history::{self, ReadOptions};
use crate::reports::{Format, Privacy};

use super::*;

pub(super) fn prepare(
    job: &Job,
    accepted: &Accepted,
    stderr: &mut dyn Write,
) -> Result<Prepared, Error> {
    let common = &job.common;
    let from_facts = !common.facts.is_empty();
    let Repositories {
        paths,
        range,
        keep_going,
    } = if from_facts {
        facts_range(job)?
    } else {
        repositories(&job.targets, &common.source)?
    };
    if job.check {
        match &range {
            Some(r) if r.contains("..") || r.ends_with("^!") => {}
            other => {
                return Err(Error::Usage {
                    message: match other {
                        Some(r) => format!("check needs a range, not the single revision '{r}'"),
                        None => "check needs a range".into(),
                    },
                    hint: "give BASE..HEAD (or BASE...HEAD, or COMMIT^! for one commit), e.g. git alibi check origin/main..HEAD".into(),
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
    // `check` reads a roster inside the checkout from the range's base
    // (the pull request could rewrite its author's claim): it is parsed
    // once the repository is open.
    let roster_in_repository = job.check
        && !from_facts
        && job.roster.as_deref().is_some_and(|roster| {
            paths.iter().any(|repo| {
                crate::git::walk::open(repo)
                    .ok()
                    .and_then(|o| o.repo.workdir().map(std::path::Path::to_owned))
                    .is_some_and(|root| {
                        crate::git::settings::path_in_workdir(roster, &root).is_some()
                    })
            })
        });
    if let Some(file) = &job.roster
        && !roster_in_repository
    {
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
        roster: job.roster.clone().filter(|_| roster_in_repository),
        forge_keys: job
            .forge_keys
            .as_deref()
            .map(read_forge_keys)
            .transpose()?
            .map(std::sync::Arc::new),
    };
    let history = if common.facts.is_empty() {
        let progress = Progress::new(&mut *stderr);
        let history = history::read(&paths, &options, &|at| progress.update(at));
        progress.finish();
        history?
    } else {
        let mut builder = history::HistoryBuilder::new(&options);
        let mut check_range = job.check.then(|| CheckInFacts::new(range.as_deref()));
        for file in crate::model::extract::facts_files(&common.facts)? {
            crate::model::extract::read_file(&file, &mut |read| {
                match read {
                    Ok(mut read) => {
                        if let Some(check) = &mut check_range {
                            check.mark(&mut read);
                        }
                        builder.add(Ok(&mut read))?
                    }
                    Err(reason) => builder.add_not_read(reason),
                }
                Ok(())
            })?;
        }
        if let Some(check) = check_range {
            builder.notes(check.finish()?);
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
        // A gate fails closed: in CI, `check` of an incomplete history is an
        // input error, never a pass on the part that could be read.
        if common.require_full_history || (job.check && in_ci()) {
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
                "run git fsck (and git replace -l) to find what is missing or looping, and fetch or restore the objects"
            }
        );
    }
    // Settings of every repository, one loading path for every command
    // (check: from the range's base, see `settings`). A broken file is an
    // error everywhere; scan takes its thresholds and no claims.
    for settings in &history.settings {
        if let Some(file) = &settings.roster {
            claims.extend(claims::parse_roster(&file.label, &file.bytes)?);
        }
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
    accepted.fingerprint_salt = common.pseudonyms.pseudonym_salt.clone().unwrap_or_default();
    match &job.accepted {
        Some(file) => {
            if let Some(a) = crate::analysis::accepted::read(file, true)? {
                accepted.merge(a);
            }
        }
        None if job.command != "accept" => {
            for file in history.settings.iter().filter_map(|s| s.accepted.as_ref()) {
                accepted.merge(crate::analysis::accepted::parse(&file.label, &file.bytes)?);
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
            crate::text::display_safe(
                analysis.claims[i].source.as_bytes(),
                crate::text::limit::PATH
            )
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

/// `--forge-keys FILE`: the runner's copy of the forge's public keys.
fn read_forge_keys(path: &std::path::Path) -> Result<crate::git::forge::ForgeKeys, Error> {
    let bad = |message: String| Error::Config {
        path: path.to_owned(),
        message,
    };
    let bytes = crate::files::read_regular(path, crate::files::INPUT_LIMIT, None)
        .map_err(|e| bad(e.to_string()))?
        .ok_or_else(|| bad("no such file".into()))?;
    crate::git::forge::ForgeKeys::parse(&bytes).map_err(bad)
}

/// Running in CI: the `CI` variable every CI service sets (GitHub Actions,
/// GitLab CI, and most others), unless it says `false` or `0`.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false" | "FALSE" | "False"))
}

/// Refuse options a command would accept and ignore: a format it cannot
/// write, `--fail-on` where nothing is judged, `--output` where nothing is
/// written (only when `formats` is just text, i.e. the command prints no report).
pub(super) fn reject_unused(
    command: &str,
    common: &CommonArgs,
    formats: &[Format],
    what: &str,
) -> Result<(), Error> {
    let problem = if !formats.contains(&common.format) {
        Some(format!("--format {}", common.format.name()))
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

/// A new file (never one that exists, nor through a link); an error names it.
pub(super) fn create_output(path: &std::path::Path) -> Result<std::fs::File, Error> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|source| Error::Output {
            path: path.to_owned(),
            source,
        })
}

pub(super) fn privacy_of(common: &CommonArgs) -> Privacy {
    Privacy {
        show_emails: common.show_emails,
        pseudonymize: common.pseudonyms.pseudonymize,
        salt: common.pseudonyms.pseudonym_salt.clone().unwrap_or_default(),
    }
}

/// `check --facts`: the range is resolved in each repository's facts (its
/// recorded refs and commit ids), since there is no repository to ask.
struct CheckInFacts {
    spec: String,
    repositories: usize,
    resolved: usize,
    first_problem: Option<(String, crate::git::range::FactsRangeError)>,
}

impl CheckInFacts {
    fn new(spec: Option<&str>) -> CheckInFacts {
        CheckInFacts {
            spec: spec.unwrap_or_default().to_owned(),
            repositories: 0,
            resolved: 0,
            first_problem: None,
        }
    }

    /// Mark the commits of the range in one repository, where it resolves.
    fn mark(&mut self, read: &mut history::RepoRead) {
        self.repositories += 1;
        match crate::git::range::resolve_in_facts(&read.store, &read.walked.refs, &self.spec) {
            Ok(range) => {
                read.walked.range = Some(range.select(&read.store));
                read.summary.range = Some(self.spec.clone());
                self.resolved += 1;
            }
            Err(problem) => {
                self.first_problem
                    .get_or_insert_with(|| (read.summary.path.clone(), problem));
            }
        }
    }

    /// Warnings for the report, or an error when no repository knows the range.
    fn finish(self) -> Result<Vec<String>, Error> {
        if self.resolved == 0 {
            return Err(Error::BadRevision {
                revision: self.spec,
                reason: match self.first_problem {
                    Some((path, problem)) => format!("{problem} (in the facts of {path})"),
                    None => "the facts hold no repository".into(),
                },
            });
        }
        let mut notes = vec![
            "check --facts: settings and accepted findings are those recorded at extraction, not the range base's, and edits to them in the range cannot be seen; forge-committed commits are not checked against their signatures".to_owned(),
        ];
        if self.resolved < self.repositories {
            notes.push(format!(
                "check --facts: the range {} names commits in {} of {} repositories; the others are baseline only",
                self.spec, self.resolved, self.repositories
            ));
        }
        Ok(notes)
    }
}
