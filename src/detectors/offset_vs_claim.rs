//! Offset vs claim: commits whose recorded offset the claimed location never
//! had at that instant (DST-aware, from the tz database).
//!
//! Trips are allowed for: a run of one mismatched offset lasting 2–21 days
//! with at least 5 commits is counted as a trip, reported, and left out of
//! the share (unless trips make up most of the history).
//!
//! `+0000` is left out: containers, CI runners and privacy settings write it,
//! so it says nothing about where a person is (and is not read as "London").

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::{CommitExamples, RuleEvidence, SetAside};
use super::{Finding, Severity, Subject, examples};
use crate::inference::profiles::format_offset;

pub const ID: &str = "offset-vs-claim";

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    pub claimed_location: String,
    /// Commits whose offset is the author's own and not `+00:00`.
    pub commits_judged: u64,
    pub set_aside: SetAside,
    /// Judged commits at an offset the claimed zone never had then.
    pub commits_mismatched: u64,
    /// Runs of one mismatched offset lasting 2–21 days with 5+ commits.
    pub trip_like_stays: u64,
    pub commits_in_trip_like_stays: u64,
    /// Whether trip-like stays were left out of the share.
    pub trips_discounted: bool,
    /// Mismatched share of the judged commits.
    pub share: f64,
    /// Mismatched commits by offset, most first.
    pub by_offset: Vec<MismatchedOffset>,
    /// Always "commits at +00:00 are not judged".
    pub utc_offsets_excluded: &'static str,
}

impl RuleEvidence for Evidence {}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct MismatchedOffset {
    pub offset: String,
    pub commits: u64,
    /// Up to 3 of them.
    pub examples: CommitExamples,
}

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let claim = s.claim?;
    let commits: Vec<&crate::model::history::CommitRecord> = s.own_offsets().collect();
    let judged = commits.len() as u64;
    let mismatch: Vec<bool> = commits
        .iter()
        .map(|r| {
            !claim
                .location
                .offsets_at(r.author_time)
                .contains(&(r.author_offset as i32))
        })
        .collect();
    // Trip-like runs: consecutive mismatched commits at one offset over 2–21 days.
    let mut in_trip = vec![false; commits.len()];
    let mut trips = 0u64;
    let mut i = 0;
    while i < commits.len() {
        let mut j = i;
        while j + 1 < commits.len() && commits[j + 1].author_offset == commits[i].author_offset {
            j += 1;
        }
        let span = commits[j].author_time - commits[i].author_time;
        if mismatch[i] && j - i + 1 >= 5 && (2 * 86_400..=21 * 86_400).contains(&span) {
            trips += 1;
            in_trip[i..=j].iter_mut().for_each(|t| *t = true);
        }
        i = j + 1;
    }
    let trip_commits = in_trip.iter().filter(|t| **t).count() as u64;
    let total_mismatched = mismatch.iter().filter(|m| **m).count() as u64;
    // Trips covering most of the history are not trips.
    let discount_trips = trip_commits * 2 < judged;
    let mut mismatched: BTreeMap<i16, (u64, Vec<&crate::model::history::CommitRecord>)> =
        BTreeMap::new();
    for (k, r) in commits.iter().enumerate() {
        if mismatch[k] && !(discount_trips && in_trip[k]) {
            let e = mismatched.entry(r.author_offset).or_default();
            e.0 += 1;
            if e.1.len() < 3 {
                e.1.push(r);
            }
        }
    }
    let bad: u64 = mismatched.values().map(|v| v.0).sum();
    if total_mismatched == 0 || judged == 0 {
        return None;
    }
    let share = bad as f64 / judged as f64;
    let severity = if share >= 0.5 && bad >= 10 {
        Severity::High
    } else if share >= 0.2 && bad >= 5 {
        Severity::Medium
    } else if bad >= 3 || trips > 0 {
        Severity::Low
    } else {
        Severity::Info
    };
    let mut by_offset: Vec<_> = mismatched.iter().collect();
    by_offset.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    let top = by_offset
        .iter()
        .take(3)
        .map(|(o, (n, _))| format!("{} ×{n}", format_offset(Some(**o))))
        .collect::<Vec<_>>()
        .join(", ");
    Some(Finding::new(
        ID,
        severity,
        format!(
            "{bad} of {judged} commits ({:.0}%) carry an offset {} never had at that moment{}{}",
            share * 100.0,
            claim.location.text,
            if top.is_empty() {
                String::new()
            } else {
                format!(": {top}")
            },
            if discount_trips && trips > 0 {
                format!(" (plus {trip_commits} commits in {trips} trip-like stays, not counted)")
            } else {
                String::new()
            }
        ),
        &Evidence {
            claimed_location: claim.location.text.clone(),
            commits_judged: judged,
            set_aside: s.set_aside(),
            commits_mismatched: bad,
            trip_like_stays: trips,
            commits_in_trip_like_stays: trip_commits,
            trips_discounted: discount_trips,
            share: crate::inference::rhythm::round3(share),
            by_offset: by_offset
                .iter()
                .map(|(o, (n, ex))| MismatchedOffset {
                    offset: format_offset(Some(**o)),
                    commits: *n,
                    examples: examples(ex.iter().copied(), 3),
                })
                .collect(),
            utc_offsets_excluded: "commits at +00:00 are not judged",
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, fixed, severity_for, zone_offset};
    use crate::detectors::Severity;
    use chrono_tz::{America::New_York, Asia::Shanghai, Europe::Paris};

    /// Twelve weeks of weekdays across New York's change to summer time.
    fn new_yorker() -> Person {
        Person::new("Nyc Person")
            .claims("America/New_York")
            .weekdays("2023-02-06", 12, &[10, 15], New_York, zone_offset(New_York))
    }

    #[test]
    fn fires_on_offsets_the_claimed_zone_never_had() {
        let person = Person::new("Far Person")
            .claims("America/New_York")
            .weekdays("2023-02-06", 12, &[10, 15], Shanghai, fixed(480));
        assert_eq!(severity_for(person, ID), Some(Severity::High));
    }

    #[test]
    fn honest_control_across_daylight_saving() {
        assert_eq!(severity_for(new_yorker(), ID), None);
    }

    #[test]
    fn minimum_evidence_is_three_commits() {
        let two = new_yorker()
            .at("2023-03-01 03:10", 480)
            .at("2023-03-08 03:20", 480);
        assert_eq!(severity_for(two.clone(), ID), Some(Severity::Info));
        let three = two.at("2023-03-29 03:30", 480);
        assert_eq!(severity_for(three, ID), Some(Severity::Low));
    }

    #[test]
    fn a_short_trip_is_reported_but_not_counted() {
        // A working week in Paris between weeks in New York.
        let person = Person::new("Nyc Person")
            .claims("America/New_York")
            .weekdays("2023-03-06", 5, &[10, 15], New_York, zone_offset(New_York))
            .weekdays("2023-04-10", 1, &[10, 15], Paris, zone_offset(Paris))
            .weekdays("2023-04-17", 5, &[10, 15], New_York, zone_offset(New_York));
        let finding = crate::analysis::testing::finding(&[person], 0, ID).expect("a finding");
        assert_eq!(finding.severity, Severity::Low);
        assert_eq!(
            finding.evidence["trip_like_stays"], 1,
            "{}",
            finding.evidence
        );
        assert_eq!(finding.evidence["commits_in_trip_like_stays"], 10);
    }
}
