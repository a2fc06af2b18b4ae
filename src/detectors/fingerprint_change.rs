//! Fingerprint change-point: an identity whose habits change abruptly at one
//! point — its tooling (signing stopped, an encoding header, the script of
//! its messages) and its timing (recorded offset, or hours of the day)
//! together. Someone else may have taken the account over. A change of
//! timing alone is a move or a trip (other rules read those); a change of
//! tooling alone is a new machine or a new habit.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::RuleEvidence;
use super::{Finding, Severity, Subject, iso_date};
use crate::inference::profiles::format_offset;
use crate::model::history::{CommitRecord, flags};

pub const ID: &str = "fingerprint-change";
/// Timed commits needed on each side of the change.
pub const MIN_SIDE: usize = 30;

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    /// Author date (UTC) of the first commit after the change.
    pub date: String,
    pub first_commit_after: String,
    pub commits_before: usize,
    pub commits_after: usize,
    /// The tooling habit that changed.
    pub tooling: &'static str,
    pub tooling_share_before: f64,
    pub tooling_share_after: f64,
    /// Distance between the hour-of-day distributions before and after (0–1).
    pub hours_distance: f64,
    /// Dominant recorded offsets before and after.
    pub offset_before: String,
    pub offset_after: String,
}

impl RuleEvidence for Evidence {}

fn tooling(r: &CommitRecord) -> [bool; 3] {
    [
        // Only signatures the author made: a forge signs web, squash and
        // merge-button commits with its own key.
        r.has(flags::SIGNED) && !r.has(flags::VIA_FORGE) && !r.has(flags::COMMITTED_BY_OTHER),
        r.has(flags::ENCODING_HEADER),
        r.has(flags::HANGUL) || r.has(flags::HAN) || r.has(flags::CYRILLIC),
    ]
}

const TOOLING: [&str; 3] = [
    "signed commits",
    "encoding header",
    "CJK or Cyrillic messages",
];

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let recs: Vec<&CommitRecord> = s.timed().collect();
    let n = recs.len();
    if n < 2 * MIN_SIDE {
        return None;
    }
    let total_tool: [usize; 3] = recs.iter().fold([0; 3], |mut acc, r| {
        for (a, t) in acc.iter_mut().zip(tooling(r)) {
            *a += t as usize;
        }
        acc
    });
    let mut total_hours = [0usize; 24];
    let mut total_offsets: BTreeMap<Option<i16>, usize> = BTreeMap::new();
    for r in &recs {
        total_hours[(r.author_time.rem_euclid(86_400) / 3600) as usize] += 1;
        *total_offsets.entry(r.author_offset()).or_default() += 1;
    }
    let step = (n / 200).max(1);
    let mut tool = [0usize; 3];
    let mut hours = [0usize; 24];
    let mut offsets: BTreeMap<Option<i16>, usize> = BTreeMap::new();
    let mut best: Option<(f64, usize, Evidence, String)> = None;
    let mut k = 0;
    while k + MIN_SIDE <= n {
        let next = if k < MIN_SIDE { MIN_SIDE } else { k + step };
        for r in &recs[k..next.min(n)] {
            for (a, t) in tool.iter_mut().zip(tooling(r)) {
                *a += t as usize;
            }
            hours[(r.author_time.rem_euclid(86_400) / 3600) as usize] += 1;
            *offsets.entry(r.author_offset()).or_default() += 1;
        }
        k = next.min(n);
        if k < MIN_SIDE || n - k < MIN_SIDE {
            continue;
        }
        let (before, after) = (k as f64, (n - k) as f64);
        // Tooling: the largest share change among the tooling features.
        let (ti, tool_change) = (0..3)
            .map(|i| {
                let b = tool[i] as f64 / before;
                let a = (total_tool[i] - tool[i]) as f64 / after;
                // Starting to sign is a habit honest people take up all the
                // time (a new git, a forge's "verified" badge, a company
                // rule); an account whose signing stops is what someone
                // without the owner's key looks like.
                let change = if i == 0 { b - a } else { (b - a).abs() };
                (i, change)
            })
            .fold((0, 0.0), |acc, x| if x.1 > acc.1 { x } else { acc });
        if tool_change < 0.8 {
            continue;
        }
        // Timing: total variation distance of the UTC hour shares, and
        // whether the dominant offset before is (nearly) gone after.
        let tv: f64 = (0..24)
            .map(|h| (hours[h] as f64 / before - (total_hours[h] - hours[h]) as f64 / after).abs())
            .sum::<f64>()
            / 2.0;
        let (dominant, dom_before) = offsets
            .iter()
            .max_by_key(|(o, c)| (**c, std::cmp::Reverse(**o)))
            .map(|(o, c)| (*o, *c))?;
        // Offsets within an hour of the dominant one are its zone's summer or
        // winter time: a change of season is not a change of place.
        let near = |o: &Option<i16>| match (o, dominant) {
            (Some(o), Some(d)) => (i32::from(*o) - i32::from(d)).abs() <= 60,
            (o, d) => *o == d,
        };
        let near_after: usize = total_offsets
            .iter()
            .filter(|(o, _)| near(o))
            .map(|(o, c)| c - offsets.get(o).copied().unwrap_or(0))
            .sum();
        let offset_gone = dom_before as f64 / before >= 0.8 && (near_after as f64) / after <= 0.2;
        if tv < 0.4 && !offset_gone {
            continue;
        }
        let score = tool_change + tv + if offset_gone { 0.5 } else { 0.0 };
        if best.as_ref().is_none_or(|b| score > b.0) {
            let dominant_after = total_offsets
                .iter()
                .map(|(o, c)| (*o, c - offsets.get(o).copied().unwrap_or(0)))
                .max_by_key(|(o, c)| (*c, std::cmp::Reverse(*o)))
                .and_then(|(o, _)| o);
            let before_share = tool[ti] as f64 / before;
            let after_share = (total_tool[ti] - tool[ti]) as f64 / after;
            let mut what = vec![format!(
                "{}: {:.0}% → {:.0}%",
                TOOLING[ti],
                before_share * 100.0,
                after_share * 100.0
            )];
            if offset_gone {
                what.push(format!(
                    "offset {} → {}",
                    format_offset(dominant),
                    format_offset(dominant_after)
                ));
            }
            if tv >= 0.4 {
                what.push(format!("hours of the day (distance {tv:.2})"));
            }
            let evidence = Evidence {
                date: iso_date(recs[k].author_time),
                first_commit_after: recs[k].short_id(),
                commits_before: k,
                commits_after: n - k,
                tooling: TOOLING[ti],
                tooling_share_before: crate::inference::rhythm::round3(before_share),
                tooling_share_after: crate::inference::rhythm::round3(after_share),
                hours_distance: crate::inference::rhythm::round3(tv),
                offset_before: format_offset(dominant),
                offset_after: format_offset(dominant_after),
            };
            best = Some((score, k, evidence, what.join(", ")));
        }
    }
    let (_, k, evidence, what) = best?;
    Some(Finding::new(
        ID,
        Severity::Medium,
        format!(
            "habits change abruptly on {} after {k} commits ({what}): possibly someone else using the account since",
            iso_date(recs[k].author_time)
        ),
        &evidence,
    ))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, finding, zone_offset};
    use crate::model::history::flags;
    use chrono_tz::{Asia::Shanghai, Europe::Berlin};

    const HOURS: &[u32] = &[9, 11, 14, 16];

    fn berlin(weeks: u32) -> Person {
        Person::new("Some Person").weekdays("2023-01-09", weeks, HOURS, Berlin, zone_offset(Berlin))
    }

    /// Then `weeks` in Shanghai's hours and offset, signed or not.
    fn then_shanghai(person: Person, weeks: u32, signed: bool) -> Person {
        let mut later =
            Person::new("x").weekdays("2023-06-05", weeks, HOURS, Shanghai, zone_offset(Shanghai));
        if signed {
            later = later.flagged(flags::SIGNED);
        }
        let mut person = person;
        person.commits.extend(later.commits);
        person
    }

    #[test]
    fn fires_when_tooling_and_timing_change_together() {
        let person = then_shanghai(berlin(10).flagged(flags::SIGNED), 10, false);
        assert!(finding(&[person], 0, ID).is_some());
    }

    #[test]
    fn honest_control_a_move_alone_or_a_new_habit_alone() {
        let moved = then_shanghai(berlin(10).flagged(flags::SIGNED), 10, true);
        assert!(finding(&[moved], 0, ID).is_none());
        // Signing stopped over the summer: winter time on both sides.
        let mut stopped_signing = berlin(10).flagged(flags::SIGNED);
        stopped_signing.commits.extend(
            Person::new("x")
                .weekdays("2023-10-30", 10, HOURS, Berlin, zone_offset(Berlin))
                .commits,
        );
        assert!(finding(&[stopped_signing], 0, ID).is_none());
    }

    #[test]
    fn a_change_of_season_is_not_a_change_of_place() {
        // Signing stopped in spring, and the clock moved to summer time: the
        // hours of the day (in UTC) move by one, the zone does not.
        let mut person = Person::new("Some Person").weekdays(
            "2023-01-09",
            10,
            &[8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
            Berlin,
            zone_offset(Berlin),
        );
        person = person.flagged(flags::SIGNED);
        person.commits.extend(
            Person::new("x")
                .weekdays(
                    "2023-06-05",
                    10,
                    &[8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
                    Berlin,
                    zone_offset(Berlin),
                )
                .commits,
        );
        assert!(finding(&[person], 0, ID).is_none());
    }

    #[test]
    fn minimum_evidence_is_thirty_commits_each_side() {
        // One week in Shanghai: 20 commits after the change.
        let person = then_shanghai(berlin(10).flagged(flags::SIGNED), 1, false);
        assert!(finding(&[person], 0, ID).is_none());
    }
}
