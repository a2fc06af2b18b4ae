//! Orchestration: history → profiles → claims → inference → findings → verdicts.

pub mod accepted;
#[cfg(test)]
pub(crate) mod testing;
pub mod verdicts;

use rayon::prelude::*;

use crate::analysis::accepted::Accepted;
use crate::analysis::verdicts::Judgement;
use crate::detectors::Origin;
use crate::detectors::{self, Finding, Subject};
use crate::inference::claims::{Claim, Thresholds};
use crate::inference::profiles::{self, Profile};
use crate::inference::rhythm::{self, Inference};
use crate::model::history::History;
use crate::model::identities::ContributorKind;

/// Below this many distinct active hours we do not even report an inferred offset.
pub const MIN_OBSERVATIONS_FOR_INFERENCE: u32 = 10;

pub struct ContributorResult {
    pub profile: Profile,
    pub claim: Option<usize>,
    pub inference: Option<Inference>,
    pub findings: Vec<Finding>,
    /// Findings skipped because they were reviewed and accepted.
    pub accepted: Vec<Finding>,
    pub judgement: Judgement,
    /// The contributor's hours read in the claimed zone (claimed contributors only).
    pub claimed_hours: Option<detectors::circadian::ClaimedHours>,
}

pub struct Analysis {
    pub history: History,
    pub claims: Vec<Claim>,
    pub results: Vec<ContributorResult>,
    /// Claims whose emails matched no contributor.
    pub unmatched_claims: Vec<usize>,
    pub thresholds: Thresholds,
}

/// Index of the claim covering a contributor (any of its emails, raw or mailmapped).
fn match_claim(history: &History, contributor: u32, claims: &[Claim]) -> Option<usize> {
    let c = &history.contributors[contributor as usize];
    let mut emails: Vec<String> = c
        .identities
        .keys()
        .chain(c.raw_identities.keys())
        .map(|(_, e)| String::from_utf8_lossy(e).trim().to_ascii_lowercase())
        .collect();
    emails.push(String::from_utf8_lossy(&c.key).into_owned());
    claims
        .iter()
        .position(|claim| claim.emails.iter().any(|e| emails.contains(e)))
}

pub fn analyse(history: History, claims: Vec<Claim>, thresholds: Thresholds) -> Analysis {
    analyse_with(history, claims, thresholds, &Accepted::default())
}

/// Analyse, skipping accepted findings (they do not count towards verdicts).
pub fn analyse_with(
    history: History,
    claims: Vec<Claim>,
    thresholds: Thresholds,
    accepted: &Accepted,
) -> Analysis {
    // Identities seen only as committers have no commits of their own to judge.
    let profiles: Vec<Profile> = profiles::build(&history)
        .into_iter()
        .filter(|p| p.commits > 0)
        .collect();
    let links = crate::inference::links::build(&history);
    let results: Vec<ContributorResult> = profiles
        .into_par_iter()
        .map(|profile| {
            let records = history.records_of(profile.contributor);
            let claim = match_claim(&history, profile.contributor, &claims);
            let cells = if profile.kind == ContributorKind::Human {
                rhythm::active_hours(
                    records
                        .iter()
                        .filter(|r| crate::model::history::is_timed(r, profile.kind)),
                )
            } else {
                Vec::new()
            };
            let observations = rhythm::observations_of(&cells);
            let n: u32 = observations.iter().sum();
            // The daylight-saving readings cost a zone lookup per active
            // hour: only for those the inference reads.
            let inference = (n >= MIN_OBSERVATIONS_FOR_INFERENCE)
                .then(|| rhythm::infer_seasonal(&rhythm::seasonal_observations(&cells)))
                .flatten();
            let subject = Subject {
                profile: &profile,
                records,
                fingerprint: &history.fingerprints[profile.contributor as usize],
                claim: claim.map(|i| &claims[i]),
                inference: inference.as_ref(),
                observations: &observations,
                thresholds: &thresholds,
                contributor: &history.contributors[profile.contributor as usize],
                links: &links.of[profile.contributor as usize],
                hosts: &links.hosts[profile.contributor as usize],
                newest_committer_time: history.newest_committer_time,
                calendar_cache: Default::default(),
            };
            let key = &history.contributors[profile.contributor as usize].key;
            let (accepted_findings, findings): (Vec<Finding>, Vec<Finding>) =
                detectors::run_all(&subject)
                    .into_iter()
                    .map(|mut f| {
                        f.fingerprint = accepted.fingerprint(f.rule, key);
                        f
                    })
                    .partition(|f| accepted.covers(f, key));
            let claimed_hours = detectors::circadian::claimed_hours(&subject);
            let judgement = verdicts::judge(&profile, &findings, &thresholds);
            ContributorResult {
                profile,
                claim,
                inference,
                findings,
                accepted: accepted_findings,
                judgement,
                claimed_hours,
            }
        })
        .collect();
    let unmatched_claims = (0..claims.len())
        .filter(|i| !results.iter().any(|r| r.claim == Some(*i)))
        .collect();
    Analysis {
        history,
        claims,
        results,
        unmatched_claims,
        thresholds,
    }
}

/// `check`: mark each finding as raised by the range, or already present in
/// the baseline (the history before the range) at the same or a higher severity.
pub fn mark_origins(full: &mut Analysis, baseline: &Analysis) {
    for result in &mut full.results {
        let before = baseline
            .results
            .iter()
            .find(|b| b.profile.contributor == result.profile.contributor);
        for f in &mut result.findings {
            let known = before.is_some_and(|b| {
                b.findings
                    .iter()
                    .chain(&b.accepted)
                    .any(|g| g.rule == f.rule && g.severity >= f.severity)
            });
            f.origin = Some(if known {
                Origin::Baseline
            } else {
                Origin::Range
            });
        }
    }
}
