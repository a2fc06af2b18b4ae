//! The rule engine. A rule is one file here: it reads a contributor's profile,
//! records and claim, and returns findings. Verdicts are computed from
//! findings in one place (`crate::verdicts`).

use serde::Serialize;

use crate::claims::{Claim, Thresholds};
use crate::history::{CommitRecord, Fingerprint, is_timed};
use crate::profiles::Profile;
use crate::rhythm::Inference;

pub mod circadian;
pub mod malformed_ident;
pub mod no_dst;
pub mod offset_slips;
pub mod offset_vs_claim;
pub mod pyongyang_time;
pub mod shared_account;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// Independent families of evidence: the verdict needs agreement between
/// families, never two rules reading the same thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Recorded UTC offsets.
    Offsets,
    /// Timing of activity (UTC instants only).
    Rhythm,
    /// One identity operated from two places.
    Sharing,
    /// Headers and tooling habits.
    Tooling,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    pub family: Family,
    pub severity: Severity,
    pub summary: String,
    pub evidence: serde_json::Value,
}

/// Everything a rule may read about one contributor.
pub struct Subject<'a> {
    pub profile: &'a Profile,
    /// All of the contributor's commits, by author date.
    pub records: &'a [CommitRecord],
    pub fingerprint: &'a Fingerprint,
    pub claim: Option<&'a Claim>,
    pub inference: Option<&'a Inference>,
    pub observations: &'a [u32; 168],
    pub thresholds: &'a Thresholds,
}

impl Subject<'_> {
    /// Commits in the personal timing profile.
    pub fn timed(&self) -> impl Iterator<Item = &CommitRecord> + '_ {
        let kind = self.profile.kind;
        self.records.iter().filter(move |r| is_timed(r, kind))
    }

    /// Enough activity for rhythm-based rules.
    pub fn enough_for_rhythm(&self) -> bool {
        self.profile.timed_commits >= self.thresholds.min_commits
            && self.profile.active_weeks >= self.thresholds.min_weeks
    }
}

type Rule = fn(&Subject<'_>) -> Option<Finding>;

/// Every rule, in report order.
pub const RULES: &[(&str, Rule)] = &[
    (offset_vs_claim::ID, offset_vs_claim::check),
    (no_dst::ID, no_dst::check),
    (circadian::ID, circadian::check),
    (shared_account::ID, shared_account::check),
    (offset_slips::ID, offset_slips::check),
    (pyongyang_time::ID, pyongyang_time::check),
    (malformed_ident::ID, malformed_ident::check),
];

pub fn run_all(subject: &Subject<'_>) -> Vec<Finding> {
    let mut findings: Vec<Finding> = RULES.iter().filter_map(|(_, rule)| rule(subject)).collect();
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(b.rule)));
    findings
}

/// Up to `n` example commit ids.
pub fn examples<'a>(records: impl IntoIterator<Item = &'a CommitRecord>, n: usize) -> Vec<String> {
    records
        .into_iter()
        .take(n)
        .map(CommitRecord::short_id)
        .collect()
}

pub fn iso_date(seconds: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp(seconds, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "invalid".into())
}

pub fn iso_time(seconds: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp(seconds, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| "invalid".into())
}
