//! Offset slips and impossible travel, location-agnostic.
//!
//! * impossible travel: consecutive commits whose offsets differ by ≥ 2 h
//!   sooner than a person could fly that far (we allow one hour of offset per
//!   hour of travel, plus two hours at the airports);
//! * A/B/A alternation: the offset goes away and back within 24 hours — two
//!   machines or two people;
//! * short slips: one to three commits at a far-away offset (≥ 3 h) between
//!   normal ones, lasting under a day.
//!
//! Genuine trips are runs of several days at the new offset: they are not
//! counted. `+0000` is left out on both sides (containers, CI) and 1-hour
//! changes are DST.

use serde_json::json;

use super::{Family, Finding, Severity, Subject, examples};
use crate::history::CommitRecord;
use crate::profiles::format_offset;

pub const ID: &str = "offset-slips";

const HOUR: i64 = 3600;

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let commits: Vec<&CommitRecord> = s.timed().filter(|r| r.author_offset().is_some_and(|o| o != 0)).collect();
    if commits.len() < 3 {
        return None;
    }
    let mut impossible: Vec<&CommitRecord> = Vec::new();
    let mut alternations: Vec<&CommitRecord> = Vec::new();
    for w in commits.windows(2) {
        let (a, b) = (w[0], w[1]);
        let delta_h = (a.author_offset as i64 - b.author_offset as i64).abs() as f64 / 60.0;
        if delta_h < 2.0 {
            continue;
        }
        let elapsed_h = (b.author_time - a.author_time) as f64 / HOUR as f64;
        if elapsed_h < delta_h + 2.0 {
            impossible.push(b);
        }
    }
    for w in commits.windows(3) {
        let (a, b, c) = (w[0], w[1], w[2]);
        if a.author_offset == c.author_offset
            && (a.author_offset as i64 - b.author_offset as i64).abs() >= 120
            && c.author_time - a.author_time <= 24 * HOUR
        {
            alternations.push(b);
        }
    }
    // Short slips: runs of <= 3 commits under a day at >= 3 h from both neighbours' (equal) offset.
    let runs = crate::profiles::offset_runs(
        &commits.iter().map(|r| **r).collect::<Vec<_>>(),
        s.profile.kind,
    );
    let mut slips = 0u64;
    for w in runs.windows(3) {
        let (a, b, c) = (&w[0], &w[1], &w[2]);
        if a.offset_minutes == c.offset_minutes
            && b.commits <= 3
            && b.end - b.start < 24 * HOUR
            && (a.offset_minutes.unwrap_or(0) as i32 - b.offset_minutes.unwrap_or(0) as i32).abs() >= 180
        {
            slips += 1;
        }
    }
    let events = impossible.len() as u64 + alternations.len() as u64 + slips;
    if events == 0 {
        return None;
    }
    let share = events as f64 / commits.len() as f64;
    let severity = if events >= 10 && share >= 0.05 {
        Severity::High
    } else if events >= 3 {
        Severity::Medium
    } else {
        Severity::Low
    };
    let mut ex: Vec<&CommitRecord> = impossible.iter().chain(alternations.iter()).copied().collect();
    ex.sort_by_key(|r| r.author_time);
    ex.dedup_by_key(|r| r.id);
    Some(Finding {
        rule: ID,
        family: Family::Offsets,
        severity,
        summary: format!(
            "{} impossible offset jumps, {} A/B/A alternations within a day, {slips} short slips to a far offset",
            impossible.len(),
            alternations.len()
        ),
        evidence: json!({
            "impossible_jumps": impossible.len(),
            "alternations": alternations.len(),
            "short_slips": slips,
            "commits_judged": commits.len(),
            "offsets_seen": s.profile.dominant_offsets().iter().take(5).map(|(o, n)| json!({"offset": format_offset(*o), "commits": n})).collect::<Vec<_>>(),
            "examples": examples(ex.iter().copied(), 5),
        }),
    })
}
