//! Timestamp forgery: dates that ordinary work does not produce. Commits
//! dated before their parents, committer dates before author dates, seconds
//! that are always zero (dates typed by hand), many commits at the same
//! second of the day or at one exact interval (scripts "painting" a history),
//! the same number of commits every day, dates days after the newest commit.
//!
//! False positives: a wrong clock (one machine, for a while), `git rebase`
//! (keeps author dates, so a rebased commit can predate its new parent's
//! *author* date: that signal alone stays low), `git commit --date` for a
//! legitimate import, tools that commit on a timer (bots are not judged).

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::{CommitExamples, RuleEvidence};
use super::{Finding, Severity, Subject, examples};
use crate::model::history::{Provenance, SERIES_STEP_SECONDS, flags};

pub const ID: &str = "timestamp-forgery";
const DAY: i64 = 86_400;
/// Commits needed for the pattern signals (seconds, same time, intervals).
pub const MIN_PATTERN_COMMITS: usize = 20;
/// 2017-07-18 00:00 UTC: GitHub's noreply addresses gained the user id.
pub const NOREPLY_ID_FORMAT_SINCE: i64 = 1_500_336_000;
/// Slack for clocks and for the approximation of account dates.
pub const NOREPLY_TOLERANCE: i64 = 30 * DAY;

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    /// Each signal found, with its own severity.
    pub signals: Vec<Signal>,
    /// Commits dated over a day before a parent (the first few).
    pub before_parent_examples: Vec<BeforeParent>,
    /// Commits at `-0000`, git's "unknown offset".
    pub negative_zero_offsets: usize,
    /// The analysis' "now": the newest committer date in the history.
    pub newest_committer_date: String,
}

impl RuleEvidence for Evidence {}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Signal {
    #[serde(flatten)]
    pub found: Found,
    pub severity: Severity,
    /// The summary's part for this signal.
    #[serde(skip)]
    pub says: String,
}

/// What a signal found, named by `signal`.
#[derive(Serialize, JsonSchema)]
#[serde(tag = "signal", rename_all = "kebab-case")]
pub enum Found {
    CommitterBeforeParent {
        commits: u64,
    },
    AuthorBeforeParent {
        commits: u64,
    },
    CommitterBeforeAuthor {
        commits: usize,
        examples: CommitExamples,
    },
    AfterNewestCommit {
        commits: usize,
        examples: CommitExamples,
    },
    BeforeGithubAccount {
        commits: usize,
        account_id: u64,
        earliest_account_date: String,
        basis: String,
        examples: CommitExamples,
    },
    SecondsAlwaysZero {
        commits: usize,
        zero_seconds: usize,
    },
    SameTimeOfDay {
        commits: usize,
        /// `HH:MM:SS`.
        utc_time: String,
    },
    EvenlySpaced {
        gaps: usize,
        seconds: i64,
    },
    UniformDailyCounts {
        days: usize,
        commits_per_day: usize,
    },
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct BeforeParent {
    /// 12 hex digits.
    pub commit: String,
    /// "author date" or "committer date": which date precedes the parent's.
    pub before_parent: String,
}

fn signal(found: Found, severity: Severity, says: String) -> Signal {
    Signal {
        found,
        severity,
        says,
    }
}

/// GitHub user ids are issued in increasing order, so an id above an anchor
/// belongs to an account created after the anchor's. Anchors: (id, account
/// creation date) pairs as GitHub's users API reported them, seen in API
/// responses captured in public test fixtures (docs/rules.md). Sparse, so the
/// bound is loose: an account may be much younger than its bound, never older.
pub const GITHUB_ID_ANCHORS: &[(u64, &str)] = &[
    (31_712, "2008-10-29"),
    (38_614, "2008-12-05"),
    (692_632, "2011-03-26"),
    (3_541_131, "2013-02-12"),
    (34_884_395, "2017-12-27"),
    (37_910_437, "2018-03-29"),
    (44_087_367, "2018-10-12"),
];

/// `12345678+login@users.noreply.github.com` → 12345678.
pub fn noreply_id(email: &[u8]) -> Option<u64> {
    let e = String::from_utf8_lossy(email).to_ascii_lowercase();
    let local = e.strip_suffix("@users.noreply.github.com")?;
    let (id, login) = local.split_once('+')?;
    if login.is_empty() || id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse().ok()
}

/// The earliest time an account with this id can have been created, and why.
pub fn earliest_account_time(id: u64) -> (i64, String) {
    let mut best = (
        NOREPLY_ID_FORMAT_SINCE,
        "the ID+login noreply format exists since 2017-07-18".to_owned(),
    );
    for &(anchor, date) in GITHUB_ID_ANCHORS {
        let Ok(d) = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") else {
            continue;
        };
        let t = d
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .timestamp();
        if id >= anchor && t > best.0 {
            best = (
                t,
                format!("account id {anchor} was created on {date} and ids are issued in order"),
            );
        }
    }
    best
}

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    // The author dates that are when the author worked, a mailing-list
    // series once (its one-second steps are git send-email's, not painting).
    let recs: Vec<_> = s
        .records
        .iter()
        .filter(|r| {
            !r.has(flags::AUTHOR_MALFORMED)
                && !r.has(flags::SERIES_CONTINUATION)
                && r.provenance.instant_is_authors()
        })
        .collect();
    let fp = s.fingerprint;
    let mut signals: Vec<Signal> = Vec::new();

    if fp.committer_before_parent > 0 {
        let sev = if fp.committer_before_parent >= 3 {
            Severity::Medium
        } else {
            Severity::Low
        };
        signals.push(signal(
            Found::CommitterBeforeParent {
                commits: fp.committer_before_parent,
            },
            sev,
            format!(
                "{} committed over a day before a parent was",
                fp.committer_before_parent
            ),
        ));
    }
    if fp.author_before_parent > 0 {
        signals.push(signal(
            Found::AuthorBeforeParent {
                commits: fp.author_before_parent,
            },
            Severity::Low,
            format!(
                "{} authored over a day before a parent (rebases do this too)",
                fp.author_before_parent
            ),
        ));
    }
    let committed_first: Vec<_> = recs
        .iter()
        .filter(|r| !r.has(flags::COMMITTER_MALFORMED) && r.committer_time < r.author_time - DAY)
        .collect();
    if !committed_first.is_empty() {
        signals.push(signal(
            Found::CommitterBeforeAuthor {
                commits: committed_first.len(),
                examples: examples(committed_first.iter().map(|r| **r), 5),
            },
            if committed_first.len() >= 3 {
                Severity::Medium
            } else {
                Severity::Low
            },
            format!(
                "{} committed over a day before they were authored",
                committed_first.len()
            ),
        ));
    }
    let future: Vec<_> = recs
        .iter()
        .filter(|r| r.author_time > s.newest_committer_time + DAY)
        .collect();
    if !future.is_empty() {
        signals.push(signal(
            Found::AfterNewestCommit {
                commits: future.len(),
                examples: examples(future.iter().map(|r| **r), 5),
            },
            Severity::Medium,
            format!(
                "{} authored days after the newest commit of the history was committed",
                future.len()
            ),
        ));
    }
    // GitHub noreply addresses `ID+login@users.noreply.github.com`: the
    // account existed before any genuine commit made with it. When every
    // identity of the contributor uses one, dates before the account can
    // have existed were set afterwards (or the emails were rewritten).
    let raw = &s.contributor.raw_identities;
    let ids: Vec<u64> = raw.keys().filter_map(|(_, e)| noreply_id(e)).collect();
    if !raw.is_empty()
        && ids.len() == raw.len()
        && let Some(&id) = ids.iter().min()
    {
        let (bound, why) = earliest_account_time(id);
        let early: Vec<_> = recs
            .iter()
            .filter(|r| r.author_time < bound - NOREPLY_TOLERANCE)
            .collect();
        if !early.is_empty() {
            signals.push(signal(
                Found::BeforeGithubAccount {
                    commits: early.len(),
                    account_id: id,
                    earliest_account_date: super::iso_date(bound),
                    basis: why.clone(),
                    examples: examples(early.iter().map(|r| **r), 5),
                },
                Severity::Medium,
                format!(
                    "{} authored before {} with the GitHub noreply address of account id {id}, which did not exist yet ({why})",
                    early.len(),
                    super::iso_date(bound)
                ),
            ));
        }
    }
    // The patterns of a script painting a history are read on dates a
    // person's git wrote. A forge stamps the merges it makes through its API
    // in quick succession (Rust's rollups: one merge a second), which is the
    // forge's timing, not painting. Each instant counts once: a patch
    // back-ported to six release branches is six commits with one author
    // date, not six days painted at one time of day.
    let mut instants: Vec<i64> = recs
        .iter()
        .filter(|r| r.provenance != Provenance::ForgeMerge)
        .map(|r| r.author_time)
        .collect();
    instants.sort_unstable();
    instants.dedup();
    let n = instants.len();
    if n >= MIN_PATTERN_COMMITS {
        let zero = instants.iter().filter(|t| t.rem_euclid(60) == 0).count();
        if zero as f64 >= 0.9 * n as f64 {
            signals.push(signal(
                Found::SecondsAlwaysZero {
                    commits: n,
                    zero_seconds: zero,
                },
                Severity::Medium,
                format!("{zero} of {n} author dates have zero seconds (about 1 in 60 by chance)"),
            ));
        }
        let mut by_second: HashMap<i64, usize> = HashMap::new();
        for t in &instants {
            *by_second.entry(t.rem_euclid(DAY)).or_default() += 1;
        }
        if let Some((&sec, &count)) = by_second.iter().max_by_key(|(k, v)| (**v, -**k))
            && count >= 10
            && count as f64 >= 0.3 * n as f64
        {
            let utc_time = format!("{:02}:{:02}:{:02}", sec / 3600, sec / 60 % 60, sec % 60);
            signals.push(signal(
                Found::SameTimeOfDay {
                    commits: count,
                    utc_time: utc_time.clone(),
                },
                Severity::Medium,
                format!("{count} of {n} commits at exactly {utc_time} UTC"),
            ));
        }
        // Steps of up to 2 s are git send-email's dating of a series, whoever
        // applied it (the author too, with commit access): painting spreads
        // commits over days, not seconds.
        let mut by_gap: HashMap<i64, usize> = HashMap::new();
        for w in instants.windows(2) {
            if w[1] - w[0] > SERIES_STEP_SECONDS {
                *by_gap.entry(w[1] - w[0]).or_default() += 1;
            }
        }
        if let Some((&gap, &count)) = by_gap.iter().max_by_key(|(k, v)| (**v, -**k))
            && count as f64 >= 0.5 * (n - 1) as f64
        {
            signals.push(signal(
                Found::EvenlySpaced {
                    gaps: count,
                    seconds: gap,
                },
                Severity::Medium,
                format!(
                    "{count} of {} gaps between commits are exactly {gap} s",
                    n - 1
                ),
            ));
        }
        let mut per_day: HashMap<i64, usize> = HashMap::new();
        for t in &instants {
            *per_day.entry(t.div_euclid(DAY)).or_default() += 1;
        }
        let counts: Vec<usize> = per_day.values().copied().collect();
        if counts.len() >= 30 && counts.iter().all(|&c| c == counts[0]) && counts[0] >= 2 {
            signals.push(signal(
                Found::UniformDailyCounts {
                    days: counts.len(),
                    commits_per_day: counts[0],
                },
                Severity::Medium,
                format!(
                    "exactly {} commits on each of {} days",
                    counts[0],
                    counts.len()
                ),
            ));
        }
    }
    if signals.is_empty() {
        return None;
    }
    let mediums = signals
        .iter()
        .filter(|s| s.severity >= Severity::Medium)
        .count();
    let severity = if mediums >= 2 {
        Severity::High
    } else {
        signals
            .iter()
            .map(|s| s.severity)
            .max()
            .unwrap_or(Severity::Low)
    };
    let negative_zero = s
        .records
        .iter()
        .filter(|r| r.has(flags::AUTHOR_NEGATIVE_ZERO))
        .count();
    Some(Finding::new(
        ID,
        severity,
        signals
            .iter()
            .map(|s| s.says.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        &Evidence {
            before_parent_examples: fp
                .before_parent_examples
                .iter()
                .map(|(_, id, kind)| BeforeParent {
                    commit: crate::text::short_hex(id),
                    before_parent: format!("{kind} date"),
                })
                .collect(),
            signals,
            negative_zero_offsets: negative_zero,
            newest_committer_date: super::iso_time(s.newest_committer_time),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::analysis::testing::{Person, severity_for, zone_offset};
    use crate::detectors::Severity;
    use chrono_tz::Europe::Berlin;

    /// Office hours in Berlin, `weeks` weeks, with seconds as clocks give them.
    fn berliner(weeks: u32) -> Person {
        Person::new("Berlin Person").weekdays(
            "2023-01-09",
            weeks,
            &[10, 14],
            Berlin,
            zone_offset(Berlin),
        )
    }

    /// The same dates typed by hand: every second zero.
    fn typed(mut person: Person) -> Person {
        for c in &mut person.commits {
            c.time -= c.time.rem_euclid(60);
        }
        person
    }

    #[test]
    fn fires_on_dates_typed_by_hand_and_on_two_signals_high() {
        let f = crate::analysis::testing::finding(&[typed(berliner(4))], 0, ID).unwrap();
        assert_eq!(f.severity, Severity::Medium, "{}", f.summary);
        // Plus three commits committed two days before they were authored.
        let mut person = typed(berliner(4));
        for c in person.commits.iter_mut().take(3) {
            c.committed_after = -2 * DAY;
        }
        let finding = crate::analysis::testing::finding(&[person], 0, ID).expect("a finding");
        assert_eq!(finding.severity, Severity::High, "{}", finding.summary);
    }

    #[test]
    fn a_forges_merges_seconds_apart_are_not_painting() {
        // Rust's rollups: a tool asks GitHub for one merge after another,
        // which stamps them seconds apart, with the person as author.
        let rollups = |provenance| {
            let mut person = berliner(8);
            let start = person.commits[0].time;
            for (i, c) in person.commits.iter_mut().enumerate() {
                c.time = start + 5 * i as i64;
            }
            person.made_as(provenance)
        };
        assert_eq!(severity_for(rollups(Provenance::ForgeMerge), ID), None);
        // The same dates written by the person's own git are a pattern.
        assert!(severity_for(rollups(Provenance::Ordinary), ID) >= Some(Severity::Medium));
    }

    #[test]
    fn series_steps_and_copies_of_one_commit_are_not_painting() {
        // A maintainer with commit access applies his own 40-patch series
        // from the list: git send-email dated it one second a patch.
        let mut series = berliner(4);
        let start = series.commits[0].time;
        for (i, c) in series.commits.iter_mut().enumerate() {
            c.time = start + i as i64;
        }
        assert_eq!(severity_for(series, ID), None);
        // Two patches back-ported to ten release branches: twenty commits at
        // two instants, not twenty days at one time of day.
        let mut copies = berliner(2);
        let (a, b) = (copies.commits[0].time, copies.commits[1].time);
        for (i, c) in copies.commits.iter_mut().enumerate() {
            c.time = if i % 2 == 0 { a } else { b };
        }
        assert_eq!(severity_for(copies, ID), None);
    }

    #[test]
    fn honest_control_has_ordinary_seconds() {
        assert_eq!(severity_for(berliner(4), ID), None);
    }

    #[test]
    fn minimum_evidence_is_twenty_commits_for_a_pattern() {
        // Two weeks of two commits a weekday: 20 commits.
        let nineteen = {
            let mut p = typed(berliner(2));
            p.commits.pop();
            p
        };
        assert_eq!(nineteen.commits.len(), 19);
        assert_eq!(severity_for(nineteen, ID), None);
        assert_eq!(severity_for(typed(berliner(2)), ID), Some(Severity::Medium));
    }

    #[test]
    fn github_account_bounds() {
        assert_eq!(
            noreply_id(b"49699333+dependabot[bot]@users.noreply.github.com"),
            Some(49_699_333)
        );
        assert_eq!(noreply_id(b"octocat@users.noreply.github.com"), None);
        assert_eq!(noreply_id(b"12+x@example.org"), None);
        // Small ids: only the format's introduction bounds them.
        assert_eq!(earliest_account_time(1_000).0, NOREPLY_ID_FORMAT_SINCE);
        // Above the last anchor: created after 2018-10-12.
        let (t, why) = earliest_account_time(60_000_000);
        assert_eq!(super::super::iso_date(t), "2018-10-12");
        assert!(why.contains("44087367"));
    }
}
