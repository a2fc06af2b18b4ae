//! Offset vs claim: commits whose recorded offset the claimed location never
//! had at that instant (DST-aware, from the tz database).
//!
//! `+0000` is left out: containers, CI runners and privacy settings write it,
//! so it says nothing about where a person is (and is not read as "London").

use std::collections::BTreeMap;

use serde_json::json;

use super::{Family, Finding, Severity, Subject, examples};
use crate::profiles::format_offset;

pub const ID: &str = "offset-vs-claim";

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let claim = s.claim?;
    let mut judged = 0u64;
    let mut mismatched: BTreeMap<i16, (u64, Vec<&crate::history::CommitRecord>)> = BTreeMap::new();
    for r in s.timed() {
        let Some(off) = r.author_offset() else { continue };
        if off == 0 {
            continue;
        }
        judged += 1;
        if !claim.location.offsets_at(r.author_time).contains(&(off as i32)) {
            let e = mismatched.entry(off).or_default();
            e.0 += 1;
            if e.1.len() < 3 {
                e.1.push(r);
            }
        }
    }
    let bad: u64 = mismatched.values().map(|v| v.0).sum();
    if bad == 0 || judged == 0 {
        return None;
    }
    let share = bad as f64 / judged as f64;
    let severity = if share >= 0.5 && bad >= 10 {
        Severity::High
    } else if share >= 0.2 && bad >= 5 {
        Severity::Medium
    } else if bad >= 3 {
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
    Some(Finding {
        rule: ID,
        family: Family::Offsets,
        severity,
        summary: format!(
            "{bad} of {judged} commits ({:.0}%) carry an offset {} never had at that moment: {top}",
            share * 100.0,
            claim.location.text
        ),
        evidence: json!({
            "claimed_location": claim.location.text,
            "commits_judged": judged,
            "commits_mismatched": bad,
            "share": crate::rhythm::round3(share),
            "by_offset": by_offset.iter().map(|(o, (n, ex))| json!({
                "offset": format_offset(Some(**o)),
                "commits": n,
                "examples": examples(ex.iter().copied(), 3),
            })).collect::<Vec<_>>(),
            "utc_offsets_excluded": "commits at +00:00 are not judged",
        }),
    })
}
