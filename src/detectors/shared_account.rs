//! Shared account: one identity operated from two places. Either activity
//! covers nearly the whole day with no sleep trough, or a two-zone mixture of
//! the reference curve explains the activity far better than any single zone,
//! with both zones carrying a real share. Alternating recorded offsets that
//! match the two zones strengthen it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::RuleEvidence;
use super::{Finding, Severity, Subject};
use crate::inference::profiles::{format_offset, weekday_hour};
use crate::inference::rhythm::{
    TEMPER, active_hours, observations, quietest_window, round3, two_zone_gain,
};
use crate::model::history::CommitRecord;

pub const ID: &str = "shared-account";

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    /// Tempered log-likelihood gain of the best two-zone fit over one zone.
    pub two_zone_log_likelihood_gain: f64,
    pub zone_a_utc_offset: String,
    pub zone_b_utc_offset: String,
    /// Share of the activity the two-zone fit gives zone A.
    pub zone_a_share: f64,
    /// Start hour (UTC) of the quietest 5 hours of working sessions.
    pub quietest_5h_utc_start: usize,
    /// Their share of activity (no sleep trough at 8 % or more).
    pub quietest_5h_share: f64,
    /// Distinct (day, hour) cells of working sessions.
    pub observations: u32,
    /// Activity in half-years that show a sleep trough of their own.
    pub half_years_with_own_trough_share: f64,
    /// Activity in half-years with enough observations to say.
    pub half_years_judged_share: f64,
    /// Recorded offsets of commits in zone A's working hours only, with counts.
    pub recorded_offsets_in_zone_a_hours: BTreeMap<String, u64>,
    pub recorded_offsets_in_zone_b_hours: BTreeMap<String, u64>,
}

impl RuleEvidence for Evidence {}

/// Tempered log-likelihood gain of two zones over one, per observation, and in total.
const MIN_GAIN_TOTAL: f64 = 25.0;
const MIN_GAIN_PER_OBS: f64 = 0.08;
/// Quietest five hours holding more than this share: no sleep trough. On the
/// development corpus honest people's quietest five hours hold at most 6 % of
/// their commits (one heavy maintainer 14 %), shared accounts 0.6–15 %.
const NO_TROUGH_SHARE: f64 = 0.08;
/// Length of the periods that are checked one by one for a sleep trough.
const PERIOD_DAYS: i64 = 182;
/// Observations a period needs to say whether it has a trough of its own.
const MIN_PERIOD_OBS: u64 = 40;

/// The commits this rule reads: timed ones that were working sessions. A
/// merge-button click is a moment (often from a phone, late at night), not a
/// second working day.
fn working_sessions<'a>(s: &'a Subject<'_>) -> impl Iterator<Item = &'a CommitRecord> + 'a {
    s.timed()
        .filter(|r| r.provenance != crate::model::history::Provenance::ForgeMerge)
}

/// Did the recorded offsets move with the person: two offsets at least 2 h
/// apart (more than a daylight-saving step), each on at least 5 % of the
/// commits whose offset is the author's own? A move shows in the machine's
/// clock; offsets rewritten to one claimed zone (or `+0000` everywhere) show
/// nothing, and then the periods alone clear no one.
///
/// Here `+0000` counts as a clock of its own when the author committed it
/// with git on their own machine (ordinary provenance): a stint on a laptop
/// set to UTC is a change of clock like any other. The offset rules set
/// `+0000` aside because containers, CI and importers write it; those are
/// not ordinary commits of a person, or write it on every commit (no move).
fn clock_moved(s: &Subject<'_>) -> bool {
    let mut counts: std::collections::BTreeMap<i16, u64> = Default::default();
    let human = s.profile.kind == crate::model::identities::ContributorKind::Human;
    let own_utc = s.records.iter().filter(|r| {
        human
            && r.provenance == crate::model::history::Provenance::Ordinary
            && !r.has(crate::model::history::flags::AUTHOR_MALFORMED)
            && r.author_offset() == Some(0)
    });
    for r in s.own_offsets().chain(own_utc) {
        if let Some(o) = r.author_offset() {
            *counts.entry(o).or_default() += 1;
        }
    }
    let total: u64 = counts.values().sum();
    let common: Vec<i16> = counts
        .iter()
        .filter(|(_, c)| **c * 20 >= total)
        .map(|(o, _)| *o)
        .collect();
    match (common.iter().min(), common.iter().max()) {
        (Some(lo), Some(hi)) => hi - lo >= 120,
        _ => false,
    }
}

/// Of the observations in periods (half-years) with enough of them, the share
/// in periods that show a sleep trough of their own, and the share of all
/// observations those periods hold. A person who moved (or spent a long stint
/// elsewhere) sleeps in every period, at different UTC hours; two people on
/// one account leave no trough in the periods they share. The half-years are
/// laid twice, the second time shifted by a quarter-year, and the laying with
/// more sleeping periods counts: a move falls near a boundary of one of them,
/// so it does not blur the half-year it falls in (two people at once leave no
/// trough however the half-years are laid).
fn sleeping_periods(s: &Subject<'_>) -> (f64, f64) {
    // Every timed commit, merge clicks included: they still show where the
    // person was awake, and half-years need enough hours to be judged.
    let cells = active_hours(s.timed());
    let total = cells.len() as u64;
    let laid = |shift_hours: i64| {
        let mut by_period: std::collections::BTreeMap<i64, [u64; 24]> = Default::default();
        for c in &cells {
            let period = ((c + shift_hours) * 3600).div_euclid(PERIOD_DAYS * 86_400);
            by_period.entry(period).or_insert([0; 24])[c.rem_euclid(24) as usize] += 1;
        }
        let (mut eligible, mut sleeping) = (0u64, 0u64);
        for hours in by_period.values() {
            let n: u64 = hours.iter().sum();
            if n < MIN_PERIOD_OBS {
                continue;
            }
            eligible += n;
            if quietest_window(hours, 5).1 < NO_TROUGH_SHARE {
                sleeping += n;
            }
        }
        if eligible == 0 {
            return (0.0, 0.0);
        }
        (
            sleeping as f64 / eligible as f64,
            eligible as f64 / total.max(1) as f64,
        )
    };
    let (a, b) = (laid(0), laid(PERIOD_DAYS * 24 / 2));
    if b.0 > a.0 { b } else { a }
}

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    if !s.enough_for_rhythm() {
        return None;
    }
    let worked = observations(working_sessions(s));
    let n: u32 = worked.iter().sum();
    if n < 60 {
        return None;
    }
    let mut by_hour = [0u64; 24];
    for (u, c) in worked.iter().enumerate() {
        by_hour[u % 24] += *c as u64;
    }
    let (trough_start, trough_share) = quietest_window(&by_hour, 5);
    let (gain, a, b, w) = two_zone_gain(&worked)?;
    let gain = gain * TEMPER;
    let two_days =
        gain >= MIN_GAIN_TOTAL && gain / n as f64 >= MIN_GAIN_PER_OBS && (0.25..=0.75).contains(&w);
    let no_trough = trough_share >= NO_TROUGH_SHARE;
    if !two_days && !no_trough {
        return None;
    }
    // Do the recorded offsets split the same way? Count offsets used in each zone's working hours.
    let mut offsets_a: std::collections::BTreeMap<i16, u64> = Default::default();
    let mut offsets_b: std::collections::BTreeMap<i16, u64> = Default::default();
    for r in s.timed() {
        let Some(off) = r.author_offset() else {
            continue;
        };
        let (_, ha) = weekday_hour(r.author_time, a);
        let (_, hb) = weekday_hour(r.author_time, b);
        if (9..19).contains(&ha) && !(9..19).contains(&hb) {
            *offsets_a.entry(off).or_default() += 1;
        } else if (9..19).contains(&hb) && !(9..19).contains(&ha) {
            *offsets_b.entry(off).or_default() += 1;
        }
    }
    let top = |m: &std::collections::BTreeMap<i16, u64>| {
        m.iter()
            .max_by_key(|(o, c)| (**c, -(**o as i32)))
            .map(|(o, _)| *o)
    };
    let offsets_split = match (top(&offsets_a), top(&offsets_b)) {
        (Some(x), Some(y)) => x != y && x != 0 && y != 0,
        _ => false,
    };
    // Each half-year on its own shows one sleeping person, and the recorded
    // offsets moved too: the whole history looks like two zones because the
    // person moved, not because two people work at once. Still said, at low.
    let (sleeping_share, judged_share) = sleeping_periods(s);
    let moved = judged_share >= 0.5 && sleeping_share >= 0.8 && clock_moved(s);
    let severity = if moved {
        Severity::Low
    } else if two_days && (no_trough || offsets_split) {
        Severity::High
    } else {
        Severity::Medium
    };
    let summary = if two_days {
        format!(
            "activity looks like two working days, at UTC{} ({:.0}%) and UTC{} ({:.0}%){}",
            format_offset(Some(a as i16)),
            w * 100.0,
            format_offset(Some(b as i16)),
            (1.0 - w) * 100.0,
            if offsets_split {
                ", with different recorded offsets in each"
            } else {
                ""
            }
        )
    } else {
        format!(
            "no sleep trough: the quietest 5 hours (from {trough_start:02}:00 UTC) still hold {:.0}% of activity",
            trough_share * 100.0
        )
    };
    let summary = if moved {
        format!(
            "{summary}; but each half-year on its own shows a sleep trough ({:.0}% of activity in such half-years) and the recorded offsets moved with it: one person at different places over time",
            sleeping_share * 100.0
        )
    } else {
        summary
    };
    Some(Finding::new(
        ID,
        severity,
        summary,
        &Evidence {
            two_zone_log_likelihood_gain: round3(gain),
            zone_a_utc_offset: format_offset(Some(a as i16)),
            zone_b_utc_offset: format_offset(Some(b as i16)),
            zone_a_share: w,
            quietest_5h_utc_start: trough_start,
            quietest_5h_share: round3(trough_share),
            observations: n,
            half_years_with_own_trough_share: round3(sleeping_share),
            half_years_judged_share: round3(judged_share),
            recorded_offsets_in_zone_a_hours: named_offsets(&offsets_a),
            recorded_offsets_in_zone_b_hours: named_offsets(&offsets_b),
        },
    ))
}

fn named_offsets(counts: &BTreeMap<i16, u64>) -> BTreeMap<String, u64> {
    counts
        .iter()
        .map(|(o, c)| (format_offset(Some(*o)), *c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, fixed, severity_for, zone_offset};
    use crate::detectors::Severity;
    use chrono_tz::{America::New_York, Asia::Shanghai};

    const OFFICE: &[u32] = &[9, 11, 13, 15, 17, 19];

    /// One identity, office hours in New York and in Shanghai, each machine
    /// writing its own offset.
    fn two_desks(weeks: u32) -> Person {
        Person::new("Team Account")
            .weekdays("2023-01-09", weeks, OFFICE, New_York, zone_offset(New_York))
            .weekdays("2023-01-09", weeks, OFFICE, Shanghai, zone_offset(Shanghai))
    }

    #[test]
    fn fires_on_two_working_days_twelve_hours_apart() {
        let severity = severity_for(two_desks(12), ID);
        assert!(severity >= Some(Severity::Medium), "{severity:?}");
    }

    #[test]
    fn honest_control_has_one_working_day() {
        let person = Person::new("Nyc Person").weekdays(
            "2023-01-09",
            12,
            OFFICE,
            New_York,
            zone_offset(New_York),
        );
        assert_eq!(severity_for(person, ID), None);
    }

    #[test]
    fn a_move_is_said_at_low() {
        // Two years in New York, then two in Shanghai: each half-year but the
        // one the move falls in shows one sleeping person, and the clock moved
        // with them.
        let person = Person::new("Mover")
            .weekdays("2021-01-04", 104, OFFICE, New_York, zone_offset(New_York))
            .weekdays("2023-01-02", 104, OFFICE, Shanghai, zone_offset(Shanghai));
        assert_eq!(severity_for(person, ID), Some(Severity::Low));
        // Half a year on each side: the half-years laid a quarter-year apart
        // keep the move near a boundary of one laying.
        let person = Person::new("Mover")
            .weekdays("2023-01-02", 26, OFFICE, New_York, zone_offset(New_York))
            .weekdays("2023-07-03", 26, OFFICE, Shanghai, zone_offset(Shanghai));
        assert_eq!(severity_for(person, ID), Some(Severity::Low));
    }

    #[test]
    fn a_stint_on_a_utc_clock_is_a_change_of_clock() {
        // Two years in New York, then two in Shanghai on a laptop set to UTC:
        // the clock changed with the sleep, as in a move.
        let utc_laptop = Person::new("Mover")
            .weekdays("2021-01-04", 104, OFFICE, New_York, zone_offset(New_York))
            .weekdays("2023-01-02", 104, OFFICE, Shanghai, fixed(0));
        assert_eq!(severity_for(utc_laptop, ID), Some(Severity::Low));
        // The same two stints with one clock throughout (offsets normalised,
        // as on an account handed over): the periods alone clear no one.
        let one_clock = Person::new("Handover")
            .weekdays("2021-01-04", 104, OFFICE, New_York, zone_offset(New_York))
            .weekdays("2023-01-02", 104, OFFICE, Shanghai, zone_offset(New_York));
        assert!(severity_for(one_clock, ID) >= Some(Severity::Medium));
    }

    #[test]
    fn minimum_evidence_is_four_active_weeks() {
        assert_eq!(severity_for(two_desks(3), ID), None);
        assert!(severity_for(two_desks(4), ID).is_some());
    }
}
