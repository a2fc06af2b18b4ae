//! Offset slips and impossible travel, location-agnostic. Reads runs of the
//! same recorded offset (author date order):
//!
//! * impossible jump: the offset changes by ≥ 2 h sooner than a person could
//!   fly that far (one hour of offset per hour of travel, plus two hours at
//!   the airports) — unless both runs are long (≥ 2 days and ≥ 5 commits):
//!   that is a trip, and people often set their clock on arrival;
//! * excursion: A/B/A where B is short (≤ 3 commits, under a day), ≥ 2 h away,
//!   and A resumes within 24 hours — two machines or two people.
//!
//! `+0000` is left out (containers, CI) and 1-hour changes are DST.

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::{CommitExamples, OffsetCount, RuleEvidence, SetAside};
use super::{Finding, Severity, Subject, examples};
use crate::inference::profiles::{OffsetRun, format_offset};
use crate::model::history::CommitRecord;

pub const ID: &str = "offset-slips";

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    /// Offset changes of 2 h or more sooner than travel allows.
    pub impossible_jumps: usize,
    /// A/B/A: a short stay at a far offset, back within a day.
    pub excursions: usize,
    /// Commits with the author's own offset, not `+00:00`.
    pub commits_judged: usize,
    pub set_aside: SetAside,
    /// Runs of one recorded offset, in author-date order.
    pub offset_runs: usize,
    /// The five commonest offsets.
    pub offsets_seen: Vec<OffsetCount>,
    /// Up to five commits at a jump or excursion.
    pub examples: CommitExamples,
}

impl RuleEvidence for Evidence {}

const HOUR: i64 = 3600;
/// Slips per judged commit from which the rule speaks at medium.
const MEDIUM_SHARE: f64 = 0.0125;

fn is_long(run: &OffsetRun) -> bool {
    run.end - run.start >= 48 * HOUR && run.commits >= 5
}

fn gap_hours(a: &OffsetRun, b: &OffsetRun) -> f64 {
    ((a.offset_minutes.unwrap_or(0) as i32 - b.offset_minutes.unwrap_or(0) as i32).abs()) as f64
        / 60.0
}

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let commits: Vec<CommitRecord> = s.own_offsets().copied().collect();
    if commits.len() < 3 {
        return None;
    }
    let runs = crate::inference::profiles::offset_runs(&commits, s.profile.kind);
    let mut impossible: Vec<i64> = Vec::new();
    let mut excursions: Vec<i64> = Vec::new();
    for i in 1..runs.len() {
        let (a, b) = (&runs[i - 1], &runs[i]);
        let delta = gap_hours(a, b);
        if delta < 2.0 {
            continue;
        }
        let elapsed = (b.start - a.end) as f64 / HOUR as f64;
        if elapsed < delta + 2.0 && !(is_long(a) && is_long(b)) {
            impossible.push(b.start);
        }
        if let Some(c) = runs.get(i + 1)
            && a.offset_minutes == c.offset_minutes
            && b.commits <= 3
            && b.end - b.start < 24 * HOUR
            && c.start - a.end <= 24 * HOUR
        {
            excursions.push(b.start);
        }
    }
    let events = impossible.len().max(excursions.len()) as u64;
    if events == 0 {
        return None;
    }
    let share = events as f64 / commits.len() as f64;
    // A few slips over a long history are travel and laptop noise (on real
    // histories honest people show up to one per 100 commits); a shared
    // account slips in proportion to its use.
    let severity = if events >= 10 && share >= 0.05 {
        Severity::High
    } else if events >= 3 && share >= MEDIUM_SHARE {
        Severity::Medium
    } else {
        Severity::Low
    };
    let mut at: Vec<i64> = impossible
        .iter()
        .chain(excursions.iter())
        .copied()
        .collect();
    at.sort_unstable();
    at.dedup();
    let ex = commits
        .iter()
        .filter(|r| at.binary_search(&r.author_time).is_ok());
    Some(Finding::new(
        ID,
        severity,
        format!(
            "{} offset jumps faster than travel allows and {} brief excursions to a far offset (A/B/A within a day)",
            impossible.len(),
            excursions.len()
        ),
        &Evidence {
            impossible_jumps: impossible.len(),
            excursions: excursions.len(),
            commits_judged: commits.len(),
            set_aside: s.set_aside(),
            offset_runs: runs.len(),
            offsets_seen: s
                .profile
                .dominant_offsets()
                .iter()
                .take(5)
                .map(|(o, n)| OffsetCount {
                    offset: format_offset(*o),
                    commits: *n,
                })
                .collect(),
            examples: examples(ex, 5),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, severity_for, zone_offset};
    use crate::detectors::Severity;
    use chrono_tz::America::New_York;

    /// Ten weeks of New York office hours (10:00 and 15:00) from 9 January 2023.
    fn new_yorker() -> Person {
        Person::new("Nyc Person").weekdays(
            "2023-01-09",
            10,
            &[10, 15],
            New_York,
            zone_offset(New_York),
        )
    }

    /// A commit at +08:00 at 17:30 UTC on Wednesdays, between the New York
    /// commits of 10:00 and 15:00: another machine, thirteen hours away.
    fn with_excursions(mut person: Person, wednesdays: &[&str]) -> Person {
        for day in wednesdays {
            person = person.at(&format!("{day} 01:30"), 480);
        }
        person
    }

    const THURSDAYS: &[&str] = &[
        "2023-01-12",
        "2023-01-19",
        "2023-01-26",
        "2023-02-02",
        "2023-02-09",
        "2023-02-16",
        "2023-02-23",
        "2023-03-02",
        "2023-03-09",
        "2023-03-16",
    ];

    #[test]
    fn fires_on_excursions_to_another_offset_and_back() {
        let person = with_excursions(new_yorker(), THURSDAYS);
        assert_eq!(severity_for(person, ID), Some(Severity::High));
    }

    #[test]
    fn honest_control_with_a_daylight_saving_change() {
        assert_eq!(severity_for(new_yorker(), ID), None);
    }

    #[test]
    fn minimum_evidence_for_medium_is_three_slips() {
        // One excursion is two impossible jumps: low.
        let one = with_excursions(new_yorker(), &THURSDAYS[..1]);
        assert_eq!(severity_for(one, ID), Some(Severity::Low));
        let two = with_excursions(new_yorker(), &THURSDAYS[..2]);
        assert_eq!(severity_for(two, ID), Some(Severity::Medium));
    }
}
