//! Verdict and risk of a contributor, from its findings. The only place where
//! evidence is combined.
//!
//! * Each family of evidence (offsets, rhythm, sharing, tooling, …) counts
//!   once, by its strongest finding: two rules reading the same offsets do not
//!   corroborate each other.
//! * A family's strongest finding carries a likelihood ratio: how much more
//!   often people whose claim is false show it than honest people, measured
//!   per family and severity on real histories (the development corpus,
//!   docs/accuracy.md), or a conservative default where the corpus holds no
//!   positives for that family. Families are combined as independent.
//! * `risk` is the resulting probability that the claim is false (or the
//!   account shared), under a prior of [`PRIOR`]: a number with a meaning, not
//!   only an order.
//! * `suspicious`: risk ≥ 0.5. `contradiction`: risk ≥ 0.9 *and* two families
//!   at medium or above: one signal alone never makes a contradiction.
//! * `insufficient-data`: not suspicious and too little activity for the
//!   rhythm rules to speak; the report says how much more is needed.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::detectors::{Family, Finding, Severity};
use crate::inference::claims::Thresholds;
use crate::inference::profiles::Profile;

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

/// Share of audited contributors whose claim is assumed false before any
/// evidence. With it, `suspicious` needs a likelihood ratio of 19 or more.
pub const PRIOR: f64 = 0.05;
const SUSPICIOUS_AT: f64 = 0.5;
const CONTRADICTION_AT: f64 = 0.9;

/// Likelihood ratio of a family whose strongest finding has this severity.
/// Measured values (development corpus: 1,052 honest and 149 positive
/// roster entries; docs/accuracy.md "Per-family likelihood ratios") where
/// the corpus has positives for the family, rounded down; otherwise the
/// defaults 3 (medium) and 10 (high). A finding never lowers the risk (a
/// ratio under 1 is read as 1), and low findings do not count.
pub fn likelihood_ratio(family: Family, severity: Severity) -> f64 {
    use Family::*;
    use Severity::*;
    match (family, severity) {
        (_, Info | Low) => 1.0,
        // offset-vs-claim, no-daylight-saving, offset-slips, pyongyang-time:
        // medium 0 % of honest vs 4.0 % of positives; high 0 % vs 44 %.
        (Offsets, Medium) => 3.0,
        (Offsets, High) => 100.0,
        // circadian-mismatch: medium 0 % of honest vs 1.3 % of positives
        // (measured ratio 35); high 1.0 % vs 70 %.
        (Rhythm, Medium) => 20.0,
        (Rhythm, High) => 50.0,
        // shared-account, fingerprint-change: medium 0.2 % vs 9.4 %.
        (Sharing, Medium) => 20.0,
        (Sharing, High) => 50.0,
        // Calendars: medium fired on 1.7 % of honest people and on no
        // positive: it ranks a person above others, but never tips a
        // verdict with another medium finding.
        (Calendar, Medium) => 1.5,
        (Calendar, High) => 10.0,
        // Identity, tooling, integrity: no positives in the corpus.
        (Identity | Tooling | Integrity, Medium) => 3.0,
        (Identity | Tooling | Integrity, High) => 10.0,
    }
}

pub fn judge(profile: &Profile, findings: &[Finding], thresholds: &Thresholds) -> Judgement {
    let mut strongest: BTreeMap<Family, Severity> = BTreeMap::new();
    for f in findings {
        let e = strongest.entry(f.family).or_insert(f.severity);
        *e = (*e).max(f.severity);
    }
    let log_ratio: f64 = strongest
        .iter()
        .map(|(family, severity)| likelihood_ratio(*family, *severity).ln())
        .sum();
    let odds = (PRIOR / (1.0 - PRIOR)).ln() + log_ratio;
    let risk = crate::inference::rhythm::round3(1.0 / (1.0 + (-odds).exp()));
    let at_least_medium = strongest
        .values()
        .filter(|s| **s >= Severity::Medium)
        .count();
    let verdict = if risk >= CONTRADICTION_AT && at_least_medium >= 2 {
        Verdict::Contradiction
    } else if risk >= SUSPICIOUS_AT {
        Verdict::Suspicious
    } else if profile.kind == crate::model::identities::ContributorKind::Human
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
