//! No daylight saving: the claimed zone changed its offset during the
//! contributor's active span, but the contributor's offsets never did — a
//! hand-set fixed offset. Zones that dropped DST (Mexico 2022, Russia 2011/2014,
//! Turkey 2016, …) are handled by the tz database: only transitions that really
//! happened in the span count.

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::RuleEvidence;
use super::{Finding, Severity, Subject, iso_date};
use crate::inference::profiles::format_offset;

pub const ID: &str = "no-daylight-saving";

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    pub claimed_location: String,
    /// The one offset every judged commit carries.
    pub recorded_offset: String,
    /// The judged commits by the offset the claim had at each commit's instant.
    pub commits_by_claimed_offset: Vec<ClaimedOffsetCount>,
}

impl RuleEvidence for Evidence {}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ClaimedOffsetCount {
    pub claimed_offset: String,
    pub commits: u64,
}

/// Commits needed on each side of the claimed zone's offset change.
const MIN_EACH_SIDE: u64 = 5;

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let claim = s.claim?;
    if claim.location.fixed_minutes.is_some() {
        return None;
    }
    let timed: Vec<_> = s.own_offsets().collect();
    let first = timed.first()?;
    let mut offsets: Vec<i16> = timed.iter().filter_map(|r| r.author_offset()).collect();
    offsets.sort_unstable();
    offsets.dedup();
    if offsets.len() != 1 {
        return None;
    }
    let fixed = offsets[0] as i32;
    // Every zone of the claim must have switched: a country claim that includes
    // a zone without DST (Arizona in the US) can explain a fixed offset.
    let mut commits_by_claimed: std::collections::BTreeMap<i32, u64> = Default::default();
    for zone in &claim.location.zones {
        let zone_claim = crate::inference::claims::Location {
            text: zone.name().into(),
            kind: crate::inference::claims::LocationKind::Zone,
            zones: vec![*zone],
            fixed_minutes: None,
            country: None,
        };
        let used = zone_claim.offsets_between(first.author_time, timed.last()?.author_time);
        if used.len() < 2 {
            return None;
        }
    }
    for r in &timed {
        let offs = claim.location.offsets_at(r.author_time);
        let o = offs
            .iter()
            .copied()
            .min_by_key(|o| (o - fixed).abs())
            .unwrap_or(fixed);
        *commits_by_claimed.entry(o).or_default() += 1;
    }
    if commits_by_claimed.len() < 2 || commits_by_claimed.values().any(|&n| n < MIN_EACH_SIDE) {
        return None;
    }
    let severity = if commits_by_claimed.values().all(|&n| n >= 20) {
        Severity::Medium
    } else {
        Severity::Low
    };
    Some(Finding::new(
        ID,
        severity,
        format!(
            "all {} commits from {} to {} carry {}, while {} switched between {}",
            timed.len(),
            iso_date(first.author_time),
            iso_date(timed.last()?.author_time),
            format_offset(Some(fixed as i16)),
            claim.location.text,
            commits_by_claimed
                .keys()
                .map(|o| format_offset(Some(*o as i16)))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        &Evidence {
            claimed_location: claim.location.text.clone(),
            recorded_offset: format_offset(Some(fixed as i16)),
            commits_by_claimed_offset: commits_by_claimed
                .iter()
                .map(|(o, n)| ClaimedOffsetCount {
                    claimed_offset: format_offset(Some(*o as i16)),
                    commits: *n,
                })
                .collect(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, fixed, severity_for, zone_offset};
    use crate::detectors::Severity;
    use chrono_tz::Europe::Berlin;

    /// Weekdays in Berlin from `first_monday`, with the offsets `recorded` gives.
    fn berliner(first_monday: &str, weeks: u32, recorded: impl Fn(i64) -> i16) -> Person {
        Person::new("Berlin Person")
            .claims("Europe/Berlin")
            .weekdays(first_monday, weeks, &[10, 15], Berlin, recorded)
    }

    #[test]
    fn fires_on_one_offset_across_the_summer_time_change() {
        // +01:00 all through March and April 2023 (Berlin: +02:00 from 26 March).
        let person = berliner("2023-02-27", 8, fixed(60));
        assert_eq!(severity_for(person, ID), Some(Severity::Medium));
    }

    #[test]
    fn honest_control_follows_the_change() {
        let person = berliner("2023-02-27", 8, zone_offset(Berlin));
        assert_eq!(severity_for(person, ID), None);
    }

    #[test]
    fn minimum_evidence_is_five_commits_each_side() {
        // 4 commits before the change: not enough.
        let thin = Person::new("Berlin Person")
            .claims("Europe/Berlin")
            .at("2023-03-20 10:00", 60)
            .at("2023-03-21 10:00", 60)
            .at("2023-03-22 10:00", 60)
            .at("2023-03-23 10:00", 60)
            .weekdays("2023-03-27", 1, &[10], Berlin, fixed(60));
        assert_eq!(severity_for(thin.clone(), ID), None);
        let five = thin.at("2023-03-24 10:00", 60);
        assert_eq!(severity_for(five, ID), Some(Severity::Low));
    }
}
