//! Which repositories, range and dates a command reads.

use std::path::PathBuf;

use crate::error::Error;

use super::*;

/// Parse a date option to epoch seconds; `end_of_day` for `--until YYYY-MM-DD`.
pub(super) fn parse_date(
    option: &'static str,
    value: &str,
    end_of_day: bool,
) -> Result<i64, Error> {
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
pub(super) fn split_targets(
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
        if !plainly_a_path(t) && crate::git::walk::is_revision(&repo_for_revisions, t) {
            return Err(Error::AmbiguousTarget {
                target: t.clone(),
                repo: repo_for_revisions.clone(),
            });
        }
        paths.push(PathBuf::from(t));
    }
    let range = at_most_one_revision(&revisions)?;
    // A bare argument that is neither an existing path nor a revision is
    // most likely a mistyped path: say that both readings failed. (After
    // `--` or in --range it is a revision, and the walk reports it as such.)
    let guessed = targets.paths.is_empty() && range_option_absent;
    if let (true, Some(r)) = (guessed, &range)
        && !crate::git::walk::is_revision(&repo_for_revisions, r)
    {
        return Err(Error::UnknownTarget {
            target: r.clone(),
            reason: crate::git::walk::revision_problem(&repo_for_revisions),
            repo: repo_for_revisions.clone(),
        });
    }
    Ok((paths, range))
}

/// The one revision range given, if any: a second is an error.
fn at_most_one_revision(revisions: &[&String]) -> Result<Option<String>, Error> {
    if revisions.len() > 1 {
        return Err(Error::BadRevision {
            revision: revisions[1].clone(),
            reason: format!(
                "only one revision range may be given (already have '{}')",
                revisions[0]
            ),
        });
    }
    Ok(revisions.first().map(|r| r.to_string()))
}

pub(super) fn repositories(targets: &Targets, source: &SourceArgs) -> Result<Repositories, Error> {
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

/// `--facts` replaces the repositories: options that choose repositories or
/// commits to walk have nothing to act on. `check` still takes its range,
/// resolved in the facts; every positional argument is then a revision.
pub(super) fn facts_range(job: &Job) -> Result<Repositories, Error> {
    let source = &job.common.source;
    let refuse = |what: &str| {
        Error::Usage {
        message: format!("--facts does not go with {what}"),
        hint: "the facts were selected when they were extracted: give the range, refs and repositories to `git alibi extract`".into(),
    }
    };
    let names_a_path = job
        .targets
        .targets
        .iter()
        .any(|t| std::path::Path::new(t).exists());
    if !job.targets.paths.is_empty()
        || names_a_path
        || (!job.check && !job.targets.targets.is_empty())
    {
        return Err(refuse("repository paths or a range"));
    }
    if source.repos_from.is_some() || !source.discover.is_empty() {
        return Err(refuse("--repos-from or --discover"));
    }
    if source.all_refs || (!job.check && source.range.is_some()) {
        return Err(refuse("--range or --all-refs"));
    }
    let revisions: Vec<&String> = source.range.iter().chain(&job.targets.targets).collect();
    Ok(Repositories {
        paths: Vec::new(),
        range: at_most_one_revision(&revisions)?,
        keep_going: false,
    })
}

/// Repositories read at once: the option, else one per CPU.
pub(super) fn jobs(option: Option<usize>) -> usize {
    option
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

pub(super) fn listed_repositories(source: &SourceArgs) -> Result<Vec<PathBuf>, Error> {
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
        let found = crate::git::walk::discover_repositories(dir);
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
