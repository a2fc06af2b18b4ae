//! Shared account: one identity operated from two places. Either activity
//! covers nearly the whole day with no sleep trough, or a two-zone mixture of
//! the reference curve explains the activity far better than any single zone,
//! with both zones carrying a real share. Alternating recorded offsets that
//! match the two zones strengthen it.

use serde_json::json;

use super::{Family, Finding, Severity, Subject};
use crate::profiles::{format_offset, weekday_hour};
use crate::rhythm::{TEMPER, quietest_window, round3, two_zone_gain};

pub const ID: &str = "shared-account";

/// Tempered log-likelihood gain of two zones over one, per observation, and in total.
const MIN_GAIN_TOTAL: f64 = 25.0;
const MIN_GAIN_PER_OBS: f64 = 0.08;
/// Quietest five hours holding more than this share: no sleep trough. On the
/// development corpus honest people's quietest five hours hold at most 6 % of
/// their commits (one heavy maintainer 14 %), shared accounts 0.6–15 %.
const NO_TROUGH_SHARE: f64 = 0.08;

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    if !s.enough_for_rhythm() {
        return None;
    }
    let n: u32 = s.observations.iter().sum();
    if n < 60 {
        return None;
    }
    let mut by_hour = [0u64; 24];
    for (u, c) in s.observations.iter().enumerate() {
        by_hour[u % 24] += *c as u64;
    }
    let (trough_start, trough_share) = quietest_window(&by_hour, 5);
    let (gain, a, b, w) = two_zone_gain(s.observations)?;
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
    let severity = if two_days && (no_trough || offsets_split) {
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
    Some(Finding::new(
        ID,
        Family::Sharing,
        severity,
        summary,
        json!({
            "two_zone_log_likelihood_gain": round3(gain),
            "zone_a_utc_offset": format_offset(Some(a as i16)),
            "zone_b_utc_offset": format_offset(Some(b as i16)),
            "zone_a_share": w,
            "quietest_5h_utc_start": trough_start,
            "quietest_5h_share": round3(trough_share),
            "observations": n,
            "recorded_offsets_in_zone_a_hours": offsets_a.iter().map(|(o, c)| (format_offset(Some(*o)), *c)).collect::<std::collections::BTreeMap<_, _>>(),
            "recorded_offsets_in_zone_b_hours": offsets_b.iter().map(|(o, c)| (format_offset(Some(*o)), *c)).collect::<std::collections::BTreeMap<_, _>>(),
        }),
    ))
}
