//! Circadian inference against the claim: the offset at which the person's
//! day (sleep trough, working hours, weekend) sits, inferred from UTC instants
//! alone, far from every offset the claimed location had.
//!
//! Survives rewritten offsets; see `crate::inference::rhythm` for the model. The
//! inferred offset is *apparent* (a typical schedule assumed), so the rule
//! allows a chronotype band around every offset the claim had during the
//! contributor's span: apparent offsets up to `LATE_ALLOWANCE` hours west
//! (night owls, evening volunteers) and `EARLY_ALLOWANCE` hours east (early
//! birds). It fires when at least 95 % of the posterior lies outside the band.

use schemars::JsonSchema;
use serde::Serialize;

use std::collections::BTreeMap;

use super::evidence::{OffsetCount, RuleEvidence, SetAside};
use super::{Finding, Severity, Subject};
use crate::inference::profiles::format_offset;
use crate::inference::rhythm::{by_local_hour, quietest_window, round3};
use crate::model::history::{FORGE_BROWSER_ZONES_SINCE, OFFSET_INVALID, Provenance};

pub const ID: &str = "circadian-mismatch";

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    pub claimed_location: String,
    pub set_aside: SetAside,
    /// Most probable offset from timing alone, hours east of UTC.
    pub inferred_utc_offset_hours: f64,
    /// Shortest interval of offsets (hours) holding 90 % of the posterior.
    pub interval_90: [f64; 2],
    /// From the nearest offset the claim had.
    pub distance_hours: f64,
    pub hours_beyond_chronotype_band: f64,
    /// Apparent offsets a night owl or early bird at the claim would show.
    pub chronotype_band_utc_offset_hours: [f64; 2],
    pub posterior_mass_outside_band: f64,
    /// Share of commits at 00:00–05:59 claimed local time.
    pub night_share_claimed_local: f64,
    /// Start hour of the quietest 5 hours, claimed local time.
    pub sleep_trough_claimed_local_start_hour: usize,
    pub sleep_trough_share: f64,
    /// Commits by hour 0–23, claimed local time.
    pub commits_by_claimed_local_hour: [u64; 24],
    /// Distinct (day, hour) cells the inference used.
    pub observations: u32,
    /// Timed squash merges clicked from a browser at another offset than
    /// the author's, by the browser's offset: the person's own browser, or
    /// someone merging their pull requests (then those hours are theirs).
    pub squash_clicks_at_other_offsets: Vec<OffsetCount>,
}

impl RuleEvidence for Evidence {}

/// Claimed-local hours counted as night: 00:00–05:59.
pub const NIGHT: std::ops::Range<usize> = 0..6;

/// Hours a night owl's apparent offset may sit west of the claim.
pub const LATE_ALLOWANCE: f64 = 7.0;
/// Hours an early bird's apparent offset may sit east of the claim.
pub const EARLY_ALLOWANCE: f64 = 2.0;

/// Facts about the contributor's hours read in the claimed zone.
#[derive(Debug, Clone)]
pub struct ClaimedHours {
    pub trough_start: usize,
    pub trough_share: f64,
    pub night_share: f64,
    pub by_hour: [u64; 24],
    /// Weekday (Monday first) × hour, claimed local time.
    pub by_weekday_hour: [[u32; 24]; 7],
    /// Offsets (minutes) the claimed location had during the contributor's activity.
    pub claimed_offsets: Vec<i32>,
}

pub fn claimed_hours(s: &Subject<'_>) -> Option<ClaimedHours> {
    let claim = s.claim?;
    let by_hour = by_local_hour(s.timed(), |t| claim.location.reading_offset(t, None));
    let total: u64 = by_hour.iter().sum();
    if total == 0 {
        return None;
    }
    let (trough_start, trough_share) = quietest_window(&by_hour, 5);
    let night: u64 = by_hour[NIGHT].iter().sum();
    let mut by_weekday_hour = [[0u32; 24]; 7];
    for r in s.timed() {
        let offset = claim.location.reading_offset(r.author_time, None);
        let (d, h) = crate::inference::profiles::weekday_hour(r.author_time, offset);
        by_weekday_hour[d][h] += 1;
    }
    Some(ClaimedHours {
        trough_start,
        trough_share,
        night_share: night as f64 / total as f64,
        by_hour,
        by_weekday_hour,
        claimed_offsets: claim
            .location
            .offsets_between(s.profile.first_author_time, s.profile.last_author_time)
            .into_iter()
            .collect(),
    })
}

/// Timed squash merges whose clicking browser (the committer offset, since
/// 2014) was at another offset than the author's, most common first.
fn squash_clicks_at_other_offsets(s: &Subject<'_>) -> Vec<OffsetCount> {
    let mut by_offset: BTreeMap<i16, u64> = BTreeMap::new();
    for r in s.timed() {
        if r.provenance == Provenance::ForgeSquash
            && r.author_time >= FORGE_BROWSER_ZONES_SINCE
            && r.author_offset != OFFSET_INVALID
            && r.committer_offset != OFFSET_INVALID
            && r.committer_offset != r.author_offset
        {
            *by_offset.entry(r.committer_offset).or_default() += 1;
        }
    }
    let mut counts: Vec<(i16, u64)> = by_offset.into_iter().collect();
    counts.sort_by_key(|&(offset, n)| (std::cmp::Reverse(n), offset));
    counts
        .into_iter()
        .map(|(offset, commits)| OffsetCount {
            offset: format_offset(Some(offset)),
            commits,
        })
        .collect()
}

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let claim = s.claim?;
    let inf = s.inference?;
    if !s.enough_for_rhythm() {
        return None;
    }
    let claimed: Vec<i32> = claim
        .location
        .offsets_between(s.profile.first_author_time, s.profile.last_author_time)
        .into_iter()
        .collect();
    let lo = claimed.iter().min().copied()? as f64 / 60.0 - LATE_ALLOWANCE;
    let hi = claimed.iter().max().copied()? as f64 / 60.0 + EARLY_ALLOWANCE;
    let outside = |h: f64| h < lo - 1e-9 || h > hi + 1e-9;
    let far_mass = inf.mass_where(outside);
    if far_mass < 0.95 || !outside(inf.utc_offset_hours) {
        return None;
    }
    // Hours beyond the band, and from the nearest claimed offset.
    let beyond = if inf.utc_offset_hours > hi {
        inf.utc_offset_hours - hi
    } else {
        lo - inf.utc_offset_hours
    };
    let distance = claimed
        .iter()
        .map(|&c| (inf.utc_offset_hours - c as f64 / 60.0).abs())
        .fold(f64::INFINITY, f64::min);
    let hours = claimed_hours(s)?;
    let severity = if far_mass >= 0.99 && beyond >= 2.0 {
        Severity::High
    } else {
        Severity::Medium
    };
    let clicks = squash_clicks_at_other_offsets(s);
    let clicked: u64 = clicks.iter().map(|c| c.commits).sum();
    // Say it where a reviewer must weigh it: a quarter or more of the hours.
    let lent = match clicks.first() {
        Some(top) if clicked * 4 >= s.profile.timed_commits => format!(
            "; {clicked} of the {} timed commits are squash merges clicked from a browser at another offset ({} ×{}): if someone there merges this person's pull requests, those hours are theirs",
            s.profile.timed_commits, top.offset, top.commits
        ),
        _ => String::new(),
    };
    Some(Finding::new(
        ID,
        severity,
        format!(
            "working rhythm fits UTC{:+} (90% interval {:+} to {:+}), {:.1} h from {} and {:.1} h beyond what a night owl or early bird there would show; {:.0}% of commits fall at 00–06 claimed local time, quietest 5 h start at {:02}:00{lent}",
            inf.utc_offset_hours,
            inf.interval_90[0],
            inf.interval_90[1],
            distance,
            claim.location.text,
            beyond,
            hours.night_share * 100.0,
            hours.trough_start
        ),
        &Evidence {
            claimed_location: claim.location.text.clone(),
            set_aside: s.set_aside(),
            inferred_utc_offset_hours: inf.utc_offset_hours,
            interval_90: inf.interval_90,
            distance_hours: distance,
            hours_beyond_chronotype_band: beyond,
            chronotype_band_utc_offset_hours: [lo, hi],
            posterior_mass_outside_band: round3(far_mass),
            night_share_claimed_local: round3(hours.night_share),
            sleep_trough_claimed_local_start_hour: hours.trough_start,
            sleep_trough_share: round3(hours.trough_share),
            commits_by_claimed_local_hour: hours.by_hour,
            observations: inf.observations,
            squash_clicks_at_other_offsets: clicks,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, finding, severity_for, zone_offset};
    use crate::detectors::Severity;
    use crate::model::history::Provenance;
    use chrono_tz::{America::New_York, Asia::Shanghai, Europe::Helsinki};

    const WORKDAY: &[u32] = &[9, 10, 11, 13, 14, 16, 17];

    #[test]
    fn fires_on_a_day_lived_twelve_hours_away_whatever_the_offsets_say() {
        // Office hours in Shanghai, with New York's offsets written on them.
        let person = Person::new("Far Person")
            .claims("America/New_York")
            .weekdays("2023-01-09", 10, WORKDAY, Shanghai, zone_offset(New_York));
        assert_eq!(severity_for(person, ID), Some(Severity::High));
    }

    #[test]
    fn honest_control_and_a_night_owl() {
        let office = Person::new("Nyc Person")
            .claims("America/New_York")
            .weekdays("2023-01-09", 10, WORKDAY, New_York, zone_offset(New_York));
        assert_eq!(severity_for(office, ID), None);
        // 14:00 to 01:00 in New York: late, not elsewhere.
        let owl = Person::new("Owl Person")
            .claims("America/New_York")
            .weekdays(
                "2023-01-09",
                10,
                &[14, 16, 18, 20, 22, 23, 0],
                New_York,
                zone_offset(New_York),
            );
        assert_eq!(severity_for(owl, ID), None);
    }

    #[test]
    fn minimum_evidence_is_thirty_commits_over_four_weeks() {
        // Three weeks of Shanghai office hours: 105 commits, too few weeks.
        let three_weeks = Person::new("Far Person")
            .claims("America/New_York")
            .weekdays("2023-01-09", 3, WORKDAY, Shanghai, zone_offset(New_York));
        assert_eq!(severity_for(three_weeks, ID), None);
        // Four weeks, one commit a day at two hours: 40 commits, enough.
        let four_weeks = Person::new("Far Person")
            .claims("America/New_York")
            .weekdays("2023-01-09", 4, &[10, 15], Shanghai, zone_offset(New_York));
        assert!(severity_for(four_weeks, ID).is_some());
    }

    #[test]
    fn squash_clicks_from_a_browser_elsewhere_are_named_in_the_evidence() {
        // A Helsinki contributor whose pull requests a Shanghai team
        // squash-merges: the clicks are the instants, at Shanghai hours.
        let clicked = Person::new("Hel Person")
            .claims("Europe/Helsinki")
            .weekdays("2023-01-09", 10, WORKDAY, Shanghai, zone_offset(Helsinki))
            .made_as(Provenance::ForgeSquash)
            .committed_at_offset(480);
        let f = finding(&[clicked], 0, ID).expect("the instants are Shanghai's");
        assert_eq!(
            f.evidence["squash_clicks_at_other_offsets"],
            serde_json::json!([{"offset": "+08:00", "commits": 350}])
        );
        assert!(
            f.summary.contains("350 of the 350 timed commits are squash merges clicked from a browser at another offset (+08:00 ×350)"),
            "{}",
            f.summary
        );
        // The same hours committed with git: nothing to set beside them.
        let own = Person::new("Hel Person")
            .claims("Europe/Helsinki")
            .weekdays("2023-01-09", 10, WORKDAY, Shanghai, zone_offset(Helsinki));
        let f = finding(&[own], 0, ID).expect("the instants are Shanghai's");
        assert_eq!(
            f.evidence["squash_clicks_at_other_offsets"],
            serde_json::json!([])
        );
        assert!(!f.summary.contains("squash"), "{}", f.summary);
    }
}
