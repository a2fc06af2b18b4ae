//! Accuracy harness: synthetic populations of honest people and impostors,
//! judged by the real pipeline (profiles → inference → rules → verdicts),
//! tallied per scenario. `cargo run --release --example accuracy` prints the
//! table in docs/accuracy.md; a regression test runs a smaller draw.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::analysis::verdicts::Verdict;
use crate::analysis::{self, Analysis};
use crate::harness::synth::{self, OffsetMode, Person, Rng, SimCommit, Trip, zone};
use crate::inference::claims::{Claim, Location, Thresholds};
use crate::model::history::{CommitRecord, Fingerprint, History, OFFSET_INVALID};
use crate::model::identities::{Contributor, ContributorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scenario {
    Honest,
    NightOwl,
    WeekendVolunteer,
    Traveller,
    /// Lives at UTC+8/+9, claims a US or European zone, real offsets.
    ImpostorRealOffsets,
    /// Offsets rewritten to the claimed zone's standard offset all year.
    ImpostorFixedOffset,
    /// Offsets rewritten to the claimed zone's real, DST-aware offset.
    ImpostorDstAware,
    /// Two people far apart on one identity.
    SharedAccount,
    /// Lives in East or South-East Asia, claims where they live, and keeps
    /// that country's working week and holidays.
    HonestOwnCalendar,
    /// Lives in North Korea or China and claims a country with the same
    /// offset (Japan, South Korea; Singapore, Taiwan, Malaysia, the
    /// Philippines), offsets rewritten to the claim: only the calendar differs.
    ImpostorSameOffset,
}

impl Scenario {
    pub const ALL: [Scenario; 10] = [
        Scenario::Honest,
        Scenario::NightOwl,
        Scenario::WeekendVolunteer,
        Scenario::Traveller,
        Scenario::ImpostorRealOffsets,
        Scenario::ImpostorFixedOffset,
        Scenario::ImpostorDstAware,
        Scenario::SharedAccount,
        Scenario::HonestOwnCalendar,
        Scenario::ImpostorSameOffset,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Honest => "honest",
            Scenario::NightOwl => "honest night owl",
            Scenario::WeekendVolunteer => "honest weekend volunteer",
            Scenario::Traveller => "honest traveller",
            Scenario::ImpostorRealOffsets => "impostor, real offsets",
            Scenario::ImpostorFixedOffset => "impostor, fixed claimed offset",
            Scenario::ImpostorDstAware => "impostor, DST-aware rewritten offsets",
            Scenario::SharedAccount => "shared account",
            Scenario::HonestOwnCalendar => "honest, keeps own calendar (UTC+8/+9)",
            Scenario::ImpostorSameOffset => "impostor, same offset, other calendar",
        }
    }

    pub fn is_honest(self) -> bool {
        matches!(
            self,
            Scenario::Honest
                | Scenario::NightOwl
                | Scenario::WeekendVolunteer
                | Scenario::Traveller
                | Scenario::HonestOwnCalendar
        )
    }
}

/// One generated contributor with its claim and truth.
pub struct Case {
    pub scenario: Scenario,
    pub claim: String,
    /// Where the (first) person really lives: the standard offset, hours east of UTC.
    pub true_offset_hours: f64,
    pub commits: Vec<SimCommit>,
}

/// Same-offset pairs: (where the impostor lives, its calendar, claimed zones).
const SAME_OFFSET: &[(&str, &str, &[&str])] = &[
    ("Asia/Pyongyang", "KP", &["Asia/Tokyo", "Asia/Seoul"]),
    (
        "Asia/Shanghai",
        "CN",
        &[
            "Asia/Singapore",
            "Asia/Taipei",
            "Asia/Kuala_Lumpur",
            "Asia/Manila",
        ],
    ),
];

/// Honest people at UTC+8/+9 with their country's calendar.
const OWN_CALENDAR: &[(&str, &str)] = &[
    ("Asia/Tokyo", "JP"),
    ("Asia/Seoul", "KR"),
    ("Asia/Singapore", "SG"),
    ("Asia/Taipei", "TW"),
    ("Asia/Kuala_Lumpur", "MY"),
    ("Asia/Manila", "PH"),
    ("Asia/Shanghai", "CN"),
];

const CLAIMED_WEST: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/Warsaw",
    "Europe/Berlin",
    "Europe/Rome",
    "Europe/Kyiv",
];

/// The zone's standard offset (its smaller offset of January and July 2024:
/// summer time adds an hour in either hemisphere), what the inference
/// estimates.
fn standard_offset_hours(z: chrono_tz::Tz) -> f64 {
    synth::offset_at(z, 1_704_067_200).min(synth::offset_at(z, 1_719_792_000)) as f64 / 60.0
}

/// Generate `per_scenario` cases of each scenario.
pub fn generate(seed: u64, per_scenario: usize) -> Vec<Case> {
    let mut rng = Rng::new(seed);
    let mut cases = Vec::new();
    for scenario in Scenario::ALL {
        for i in 0..per_scenario {
            let start = NaiveDate::from_ymd_opt(2021, 1, 4).unwrap_or_default()
                + chrono::Days::new(rng.below(700));
            let days = 120 + rng.below(400) as u32;
            let name = format!("{}-{i}", scenario.name());
            let case = match scenario {
                Scenario::Honest
                | Scenario::NightOwl
                | Scenario::WeekendVolunteer
                | Scenario::Traveller => {
                    let z = zone(rng.pick(synth::HONEST_ZONES));
                    let mut p = Person::new(&mut rng, &name, z);
                    match scenario {
                        Scenario::NightOwl => p.chronotype_hours = 4.0 + 2.0 * rng.f64(),
                        Scenario::WeekendVolunteer => {
                            p.saturday = 4.0 + 4.0 * rng.f64();
                            p.sunday = 4.0 + 4.0 * rng.f64();
                            p.sessions_per_day *= 0.5;
                        }
                        Scenario::Traveller => {
                            for _ in 0..(1 + rng.below(3)) {
                                let far = zone(rng.pick(synth::HONEST_ZONES));
                                p.trips.push(Trip {
                                    start_day: rng.below(days as u64) as u32,
                                    days: 4 + rng.below(12) as u32,
                                    zone: far,
                                });
                            }
                        }
                        _ => {}
                    }
                    Case {
                        scenario,
                        claim: z.name().to_owned(),
                        true_offset_hours: standard_offset_hours(z),
                        commits: synth::simulate(&mut rng, &p, start, days),
                    }
                }
                Scenario::ImpostorRealOffsets
                | Scenario::ImpostorFixedOffset
                | Scenario::ImpostorDstAware => {
                    let home = zone(rng.pick(&["Asia/Shanghai", "Asia/Pyongyang"]));
                    let claimed = zone(rng.pick(CLAIMED_WEST));
                    let mut p = Person::new(&mut rng, &name, home);
                    if rng.f64() < 0.3 {
                        // A six-day week.
                        p.saturday = 2.0 + rng.f64();
                    }
                    p.offsets = match scenario {
                        Scenario::ImpostorRealOffsets => OffsetMode::Real,
                        Scenario::ImpostorFixedOffset => {
                            OffsetMode::Fixed(synth::offset_at(claimed, 1_704_067_200))
                        }
                        _ => OffsetMode::Zone(claimed),
                    };
                    Case {
                        scenario,
                        claim: claimed.name().to_owned(),
                        true_offset_hours: standard_offset_hours(home),
                        commits: synth::simulate(&mut rng, &p, start, days),
                    }
                }
                Scenario::HonestOwnCalendar => {
                    let (z, cal) = *rng.pick(OWN_CALENDAR);
                    let mut p = Person::new(&mut rng, &name, zone(z));
                    p.calendar = Some(cal);
                    // Calendar evidence needs long histories: one to two years.
                    let days = 365 + rng.below(365) as u32;
                    Case {
                        scenario,
                        claim: z.to_owned(),
                        true_offset_hours: standard_offset_hours(zone(z)),
                        commits: synth::simulate(&mut rng, &p, start, days),
                    }
                }
                Scenario::ImpostorSameOffset => {
                    let (home, cal, claims) = *rng.pick(SAME_OFFSET);
                    let claimed = zone(rng.pick(claims));
                    let mut p = Person::new(&mut rng, &name, zone(home));
                    p.calendar = Some(cal);
                    p.offsets = OffsetMode::Zone(claimed);
                    let days = 365 + rng.below(365) as u32;
                    Case {
                        scenario,
                        claim: claimed.name().to_owned(),
                        true_offset_hours: standard_offset_hours(zone(home)),
                        commits: synth::simulate(&mut rng, &p, start, days),
                    }
                }
                Scenario::SharedAccount => {
                    let claimed = zone(rng.pick(CLAIMED_WEST));
                    let home = zone(rng.pick(&["Asia/Shanghai", "Asia/Pyongyang"]));
                    let a = Person::new(&mut rng, &name, claimed);
                    let b = Person::new(&mut rng, &name, home);
                    let mut commits = synth::simulate(&mut rng, &a, start, days);
                    commits.extend(synth::simulate(&mut rng, &b, start, days));
                    commits.sort_by_key(|c| c.seconds);
                    Case {
                        scenario,
                        claim: claimed.name().to_owned(),
                        true_offset_hours: standard_offset_hours(claimed),
                        commits,
                    }
                }
            };
            cases.push(case);
        }
    }
    cases
}

/// Judge every case through the real pipeline, as one history.
pub fn judge(cases: &[Case]) -> Analysis {
    let mut records = Vec::new();
    let mut contributors = Vec::new();
    let mut claims = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let email = format!("case{i}@example.org");
        let mut identities = BTreeMap::new();
        identities.insert(
            (format!("case {i}").into_bytes(), email.clone().into_bytes()),
            case.commits.len() as u64,
        );
        contributors.push(Contributor {
            key: email.clone().into_bytes(),
            identities: identities.clone(),
            raw_identities: identities,
            kind: ContributorKind::Human,
            bot_only_in_range: false,
            unverified_forge_commits: Vec::new(),
        });
        for (k, c) in case.commits.iter().enumerate() {
            let mut id = [0u8; 20];
            id[..4].copy_from_slice(&(i as u32).to_be_bytes());
            id[4..12].copy_from_slice(&(k as u64).to_be_bytes());
            records.push(CommitRecord {
                id,
                author_time: c.seconds,
                committer_time: c.seconds,
                contributor: i as u32,
                committer: i as u32,
                author_offset: c.offset_minutes as i16,
                committer_offset: if c.offset_minutes == OFFSET_INVALID as i32 {
                    0
                } else {
                    c.offset_minutes as i16
                },
                flags: 0,
                repo: 0,
                provenance: Default::default(),
            });
        }
        if let Ok(location) = Location::parse(&case.claim) {
            claims.push(Claim {
                emails: vec![email],
                name: None,
                location,
                source: format!("generated:{i}"),
                source_file: "generated".into(),
                source_line: i,
            });
        }
    }
    let fingerprints = vec![Fingerprint::default(); contributors.len()];
    let history = History::in_memory("generated", contributors, records, fingerprints);
    analysis::analyse(history, claims, Thresholds::default())
}

/// One row of the accuracy table.
#[derive(Debug, Clone)]
pub struct Row {
    pub scenario: Scenario,
    pub cases: usize,
    /// Judged (not insufficient-data).
    pub judged: usize,
    /// Verdict suspicious or contradiction.
    pub flagged: usize,
    pub contradiction: usize,
    /// Median |inferred − true| offset in hours, over cases with an inference.
    pub median_error_hours: f64,
    /// Share of cases whose 90 % interval contains the true January offset.
    pub interval_coverage: f64,
}

pub fn tally(cases: &[Case], analysis: &Analysis) -> Vec<Row> {
    let mut rows = Vec::new();
    for scenario in Scenario::ALL {
        let mut row = Row {
            scenario,
            cases: 0,
            judged: 0,
            flagged: 0,
            contradiction: 0,
            median_error_hours: 0.0,
            interval_coverage: 0.0,
        };
        let mut errors = Vec::new();
        let mut covered = 0usize;
        for (case, result) in cases.iter().zip(&analysis.results) {
            if case.scenario != scenario {
                continue;
            }
            row.cases += 1;
            let v = result.judgement.verdict;
            if v != Verdict::InsufficientData {
                row.judged += 1;
            }
            if matches!(v, Verdict::Suspicious | Verdict::Contradiction) {
                row.flagged += 1;
            }
            if v == Verdict::Contradiction {
                row.contradiction += 1;
            }
            if let Some(inf) = &result.inference {
                // The inference estimates the standard offset of the clock.
                let truth = case.true_offset_hours;
                errors.push((inf.utc_offset_hours - truth).abs());
                if inf.interval_90[0] <= truth && truth <= inf.interval_90[1] {
                    covered += 1;
                }
            }
        }
        errors.sort_by(f64::total_cmp);
        row.median_error_hours = errors.get(errors.len() / 2).copied().unwrap_or(f64::NAN);
        row.interval_coverage = if errors.is_empty() {
            f64::NAN
        } else {
            covered as f64 / errors.len() as f64
        };
        rows.push(row);
    }
    rows
}

/// The table as markdown.
pub fn markdown(rows: &[Row]) -> String {
    let mut s = String::from(
        "| scenario | cases | flagged (suspicious or contradiction) | rate | contradiction | median offset error (h) | 90% interval covers truth |\n|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        s.push_str(&format!(
            "| {} | {} | {} | {:.3} | {} | {:.2} | {:.2} |\n",
            r.scenario.name(),
            r.cases,
            r.flagged,
            r.flagged as f64 / r.cases.max(1) as f64,
            r.contradiction,
            r.median_error_hours,
            r.interval_coverage
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression guard on detection quality (a smaller draw than docs/accuracy.md).
    #[test]
    fn detection_rates_hold() {
        let cases = generate(11, 60);
        let analysis = judge(&cases);
        for row in tally(&cases, &analysis) {
            let rate = row.flagged as f64 / row.cases as f64;
            if row.scenario.is_honest() {
                assert!(rate <= 0.05, "{}: {rate} flagged", row.scenario.name());
            } else if row.scenario == Scenario::ImpostorSameOffset {
                // Calendar evidence alone no longer makes a verdict (on real
                // histories a calendar finding at medium fired on 0.7 % of
                // honest people and no positive: docs/accuracy.md), but the
                // rules must still raise it on generated calendar-keepers.
                let raised = cases
                    .iter()
                    .zip(&analysis.results)
                    .filter(|(c, r)| {
                        c.scenario == row.scenario
                            && r.findings.iter().any(|f| {
                                f.family == crate::detectors::Family::Calendar
                                    && f.severity >= crate::detectors::Severity::Medium
                            })
                    })
                    .count();
                let raised = raised as f64 / row.cases as f64;
                assert!(
                    raised >= 0.4,
                    "{}: only {raised} raised",
                    row.scenario.name()
                );
            } else {
                assert!(rate >= 0.9, "{}: only {rate} caught", row.scenario.name());
            }
        }
    }
}
