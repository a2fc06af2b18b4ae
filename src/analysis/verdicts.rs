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
        // circadian-mismatch: high on 0.6 % of honest people (4 of the
        // corpus's 166 and 452 of 37 public repositories, night owls) vs
        // about 64 % of positives. Medium on 2 of those 618 honest people
        // (an early bird 1.5 h beyond the band, a New Yorker with 44 timed
        // hours) and on one positive of the corpus and its halves (48
        // observed hours); the others sit 2.5 h or more beyond the band, at
        // high. So medium alone never makes a verdict; with another family
        // at medium it does.
        (Rhythm, Medium) => 8.0,
        (Rhythm, High) => 50.0,
        // shared-account, fingerprint-change: medium on 5.4 % of positives,
        // high on 3.4 %. Honest people: none of the corpus's 166 at medium,
        // but 6 of 314 people of 29 public repositories (1.9 %), heavy
        // maintainers whose years of commits leave no 5-hour trough; high on
        // 2 of those 480 people. Pooled, medium 1.25 % and high 0.42 % of
        // honest people: ratios 4 and 8. A sharing finding alone never
        // makes a verdict; with a rhythm finding it does.
        (Sharing, Medium) => 4.0,
        (Sharing, High) => 8.0,
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

/// The risk, and how many families are at medium or above, from findings'
/// families and severities: each family by its strongest finding.
fn combine(findings: impl IntoIterator<Item = (Family, Severity)>) -> (f64, usize) {
    let mut strongest: BTreeMap<Family, Severity> = BTreeMap::new();
    for (family, severity) in findings {
        let e = strongest.entry(family).or_insert(severity);
        *e = (*e).max(severity);
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
    (risk, at_least_medium)
}

pub fn judge(profile: &Profile, findings: &[Finding], thresholds: &Thresholds) -> Judgement {
    let (risk, at_least_medium) = combine(findings.iter().map(|f| (f.family, f.severity)));
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

#[cfg(test)]
mod tests {
    use super::{CONTRADICTION_AT, SUSPICIOUS_AT, combine};
    use crate::detectors::{Family, Severity};

    fn risk(findings: &[(Family, Severity)]) -> f64 {
        combine(findings.iter().copied()).0
    }

    #[test]
    fn a_sharing_finding_alone_makes_no_verdict() {
        // Heavy maintainers of public repositories leave no sleep trough over
        // years of commits: that alone is no reason to flag anyone.
        assert!(risk(&[(Family::Sharing, Severity::Medium)]) < SUSPICIOUS_AT);
        assert!(risk(&[(Family::Sharing, Severity::High)]) < SUSPICIOUS_AT);
        // Rhythm corroborates it.
        let both = risk(&[
            (Family::Sharing, Severity::Medium),
            (Family::Rhythm, Severity::Medium),
        ]);
        assert!(both >= SUSPICIOUS_AT, "{both}");
    }

    #[test]
    fn a_rhythm_finding_needs_high_or_company() {
        // An early bird an hour beyond the band is not a verdict...
        assert!(risk(&[(Family::Rhythm, Severity::Medium)]) < SUSPICIOUS_AT);
        // ...a day lived hours away is,
        assert!(risk(&[(Family::Rhythm, Severity::High)]) >= SUSPICIOUS_AT);
        // and so is a medium one that offsets corroborate.
        let both = risk(&[
            (Family::Rhythm, Severity::Medium),
            (Family::Offsets, Severity::Medium),
        ]);
        assert!(both >= SUSPICIOUS_AT, "{both}");
    }

    #[test]
    fn one_family_counts_once_by_its_strongest_finding() {
        let one = risk(&[(Family::Offsets, Severity::Medium)]);
        let twice = risk(&[
            (Family::Offsets, Severity::Medium),
            (Family::Offsets, Severity::Medium),
        ]);
        assert_eq!(one, twice);
        let (high, families) = combine([
            (Family::Offsets, Severity::Medium),
            (Family::Offsets, Severity::High),
        ]);
        assert_eq!(high, risk(&[(Family::Offsets, Severity::High)]));
        assert_eq!(families, 1);
    }

    #[test]
    fn low_findings_do_not_count_and_no_finding_is_the_prior() {
        assert_eq!(risk(&[]), 0.05);
        assert_eq!(risk(&[(Family::Rhythm, Severity::Low)]), 0.05);
    }

    #[test]
    fn strong_independent_families_reach_contradiction() {
        let (r, families) = combine([
            (Family::Offsets, Severity::High),
            (Family::Rhythm, Severity::High),
        ]);
        assert!(r >= CONTRADICTION_AT && families == 2, "{r}");
        // Weak families together stay below a verdict.
        assert!(
            risk(&[
                (Family::Calendar, Severity::Medium),
                (Family::Offsets, Severity::Medium),
            ]) < SUSPICIOUS_AT
        );
    }
}
