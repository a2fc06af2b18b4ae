//! Verdict and risk of a contributor, from its findings. The only place where
//! evidence is combined.
//!
//! * Each family of evidence (offsets, rhythm, sharing, tooling, …) counts
//!   once, by its strongest finding: two rules reading the same offsets do not
//!   corroborate each other.
//! * `contradiction` needs two independent families at medium or above, one
//!   of them high. One signal alone never makes a contradiction.
//! * `suspicious`: any finding at medium or above.
//! * `insufficient-data`: nothing at medium or above and too little activity
//!   for the rhythm rules to speak; the report says how much more is needed.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::claims::Thresholds;
use crate::detectors::{Family, Finding, Severity};
use crate::profiles::Profile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Consistent,
    InsufficientData,
    Suspicious,
    Contradiction,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Consistent => "consistent",
            Verdict::InsufficientData => "insufficient-data",
            Verdict::Suspicious => "suspicious",
            Verdict::Contradiction => "contradiction",
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Judgement {
    pub verdict: Verdict,
    pub risk: f64,
    /// What is missing for `insufficient-data`.
    pub needed: Option<String>,
}

fn weight(s: Severity) -> f64 {
    match s {
        Severity::Info => 0.0,
        Severity::Low => 0.1,
        Severity::Medium => 0.35,
        Severity::High => 0.7,
    }
}

pub fn judge(profile: &Profile, findings: &[Finding], thresholds: &Thresholds) -> Judgement {
    let mut strongest: BTreeMap<Family, Severity> = BTreeMap::new();
    for f in findings {
        let e = strongest.entry(f.family).or_insert(f.severity);
        *e = (*e).max(f.severity);
    }
    let risk = 1.0
        - strongest
            .values()
            .map(|s| 1.0 - weight(*s))
            .product::<f64>();
    let risk = crate::rhythm::round3(risk);
    let at_least_medium = strongest
        .values()
        .filter(|s| **s >= Severity::Medium)
        .count();
    let any_high = strongest.values().any(|s| *s == Severity::High);
    let verdict = if at_least_medium >= 2 && any_high {
        Verdict::Contradiction
    } else if at_least_medium >= 1 {
        Verdict::Suspicious
    } else if profile.kind == crate::identities::ContributorKind::Human
        && (profile.timed_commits < thresholds.min_commits
            || profile.active_weeks < thresholds.min_weeks)
    {
        Verdict::InsufficientData
    } else {
        Verdict::Consistent
    };
    let needed = (verdict == Verdict::InsufficientData).then(|| {
        format!(
            "needs at least {} commits over {} distinct weeks (has {} over {})",
            thresholds.min_commits,
            thresholds.min_weeks,
            profile.timed_commits,
            profile.active_weeks
        )
    });
    Judgement {
        verdict,
        risk,
        needed,
    }
}
