//! Holiday calendar: which country's public holidays explain the days a
//! person does not work. Countries that share an offset (Japan, both Koreas at
//! UTC+9; China, Singapore, Taiwan, Malaysia, the Philippines at UTC+8) cannot
//! be told apart by hours; their holidays differ.
//!
//! Model: on the person's working weekdays in weeks they worked, a day is
//! active with rate `a0`. Someone who observes a calendar is active on its
//! holidays with rate `EPSILON * a0` (some people work holidays); someone who
//! does not, with rate `a0`. For the claimed country X and each candidate C
//! sharing the inferred offset, only the holidays where the two calendars
//! differ count. The score is the log-likelihood ratio of "follows C" over
//! "follows X", plus the same for official make-up workdays (worked under one
//! calendar, rest days under the other).

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::RuleEvidence;
use super::local_days::{
    LocalActivity, candidates, claimed_calendar, country_name, local_activity,
};
use super::{Finding, Severity, Subject};
use crate::inference::calendars::{CountryCalendar, Day, date_of, weekday_of};

pub const ID: &str = "holiday-calendar";

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    pub claimed_country: String,
    /// The candidate sharing the offset whose calendar fits best.
    pub best_country: String,
    /// Of "follows the best country" over "follows the claimed one", nats.
    pub log_likelihood_ratio: f64,
    pub best_country_holidays: BestCountryHolidays,
    pub claimed_country_holidays: ClaimedCountryHolidays,
    pub best_country_makeup_workdays: MakeupWorkdays,
    /// Up to three runner-up candidates.
    pub other_candidates: Vec<Candidate>,
    /// Share of ordinary working weekdays with activity.
    pub ordinary_workday_activity: f64,
    pub weeks_considered: usize,
    pub years: f64,
    pub local_days_at: String,
}

impl RuleEvidence for Evidence {}

/// The best country's holidays that the claimed calendar lacks, on the
/// person's working weekdays. Examples are "YYYY-MM-DD name".
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct BestCountryHolidays {
    pub periods: usize,
    pub quiet_periods: usize,
    pub days_on_working_weekdays: usize,
    pub quiet_days: usize,
    pub quiet_examples: Vec<String>,
    pub active_examples: Vec<String>,
}

/// The claimed country's holidays that the best calendar lacks.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ClaimedCountryHolidays {
    pub periods: usize,
    pub active_periods: usize,
    pub days_on_working_weekdays: usize,
    pub active_days: usize,
    pub active_examples: Vec<String>,
    pub quiet_examples: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct MakeupWorkdays {
    pub days: usize,
    pub active: usize,
    pub examples: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Candidate {
    pub country: String,
    pub log_likelihood_ratio: f64,
}
/// Share of an ordinary workday's activity expected on an observed holiday.
pub const EPSILON: f64 = 0.2;
/// Distinguishing holiday periods needed on each side.
pub const MIN_HOLIDAYS: usize = 6;
/// Log-likelihood ratio (nats) from which the rule speaks: about 55 to 1.
pub const MIN_SCORE: f64 = 4.0;
/// Share of ordinary workdays with activity needed for more than low severity.
pub const MIN_WORKDAY_ACTIVITY: f64 = 0.4;
/// Evidence (nats) that the person observes the candidate's calendar at all.
pub const MIN_OBSERVED: f64 = 3.0;

#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub n: usize,
    pub active: usize,
    pub active_examples: Vec<Day>,
    pub quiet_examples: Vec<Day>,
    /// Every counted day and whether it was active, in order.
    pub days: Vec<(Day, bool)>,
}

/// Holidays within this many days of each other form one period: a week-long
/// festival, or a holiday and its bridge day, is one observation, so that one
/// vacation cannot count as many quiet holidays.
pub const PERIOD_GAP: Day = 3;
/// Chance that a person is away for reasons of their own during a period.
pub const AWAY: f64 = 0.1;

/// Periods of consecutive counted days: (first day, working days, any active).
pub fn periods(days: &[(Day, bool)]) -> Vec<(Day, usize, bool)> {
    let mut out: Vec<(Day, usize, bool)> = Vec::new();
    let mut last: Option<Day> = None;
    for &(d, active) in days {
        match (out.last_mut(), last) {
            (Some(p), Some(l)) if d - l <= PERIOD_GAP => {
                p.1 += 1;
                p.2 |= active;
            }
            _ => out.push((d, 1, active)),
        }
        last = Some(d);
    }
    out
}

impl Tally {
    pub fn add(&mut self, day: Day, active: bool) {
        self.days.push((day, active));
        self.n += 1;
        if active {
            self.active += 1;
            if self.active_examples.len() < 5 {
                self.active_examples.push(day);
            }
        } else if self.quiet_examples.len() < 5 {
            self.quiet_examples.push(day);
        }
    }
}

fn clamp(p: f64) -> f64 {
    p.clamp(0.02, 0.98)
}

/// log P(periods | observes the calendar) − log P(periods | ignores it).
/// Observing: each working day of a period is active with rate `EPSILON·a0`.
/// Ignoring: the person is away with chance `AWAY`, else each day is active
/// with rate `a0`.
fn holiday_llr(t: &Tally, a0: f64) -> f64 {
    let a0 = clamp(a0);
    periods(&t.days)
        .iter()
        .map(|&(_, m, active)| {
            let quiet_observing = (1.0 - EPSILON * a0).powi(m as i32);
            let quiet_ignoring = AWAY + (1.0 - AWAY) * (1.0 - a0).powi(m as i32);
            if active {
                ((1.0 - quiet_observing).max(1e-6) / (1.0 - quiet_ignoring).max(1e-6)).ln()
            } else {
                (quiet_observing / quiet_ignoring).ln()
            }
        })
        .sum()
}

/// log P(make-up days | they are workdays) − log P(| they are rest days).
fn makeup_llr(t: &Tally, a0: f64, rest_rate: f64) -> f64 {
    let (a0, aw) = (clamp(a0), clamp(rest_rate));
    t.active as f64 * (a0 / aw).ln() + (t.n - t.active) as f64 * ((1.0 - a0) / (1.0 - aw)).ln()
}

/// Everything the comparison of two calendars found.
pub struct Comparison {
    pub candidate: &'static CountryCalendar,
    /// Candidate-only holidays on the person's working weekdays.
    pub candidate_holidays: Tally,
    /// Claimed-only holidays on the person's working weekdays.
    pub claimed_holidays: Tally,
    /// Candidate's make-up workdays that are rest days under the claim.
    pub candidate_makeup: Tally,
    pub claimed_makeup: Tally,
    pub score: f64,
    /// Share of ordinary working days with activity.
    pub workday_activity: f64,
}

/// Working weekdays: active in at least half as many weeks as the busiest days.
pub fn working_weekdays(act: &LocalActivity) -> [bool; 7] {
    let level = act.busy_level();
    act.weekday_rates().map(|r| r > 0.5 * level)
}

pub fn compare(
    act: &LocalActivity,
    claimed: &CountryCalendar,
    candidate: &'static CountryCalendar,
) -> Option<Comparison> {
    let work = working_weekdays(act);
    let mut base = Tally::default();
    // The claimed country's ordinary weekend days (no holiday, no make-up day).
    let mut rest_days = Tally::default();
    let mut cand = Tally::default();
    let mut clm = Tally::default();
    let mut cand_makeup = Tally::default();
    let mut clm_makeup = Tally::default();
    for d in act.days() {
        if !claimed.covers(d) || !candidate.covers(d) {
            continue;
        }
        let active = act.is_active(d);
        let wd = weekday_of(d);
        let (hc, hx) = (candidate.holiday(d).is_some(), claimed.holiday(d).is_some());
        let (mc, mx) = (candidate.is_makeup_workday(d), claimed.is_makeup_workday(d));
        if work[wd] {
            match (hc, hx) {
                (false, false) if !mc && !mx => base.add(d, active),
                (true, false) => cand.add(d, active),
                (false, true) => clm.add(d, active),
                _ => {}
            }
        }
        if claimed.is_weekend(d) && !hc && !hx && !mc && !mx {
            rest_days.add(d, active);
        }
        if mc && claimed.is_rest(d) && !hx {
            cand_makeup.add(d, active);
        }
        if mx && candidate.is_rest(d) && !hc {
            clm_makeup.add(d, active);
        }
    }
    if base.n < 20 {
        return None;
    }
    let a0 = base.active as f64 / base.n as f64;
    let aw = rest_days.active as f64 / rest_days.n.max(1) as f64;
    // Make-up days say something only about someone who rests on ordinary
    // weekends: a person who works every weekend works those too.
    let makeup_counts = rest_days.n >= 20 && aw <= 0.5 * a0;
    let makeup = |t: &Tally| {
        if makeup_counts {
            makeup_llr(t, a0, aw)
        } else {
            0.0
        }
    };
    let observes_candidate = holiday_llr(&cand, a0) + makeup(&cand_makeup);
    let observes_claimed = holiday_llr(&clm, a0) + makeup(&clm_makeup);
    // Positive evidence for the candidate is required: someone who works
    // through every holiday observes neither calendar, and the calendar with
    // fewer distinguishing holidays must not win by default.
    if observes_candidate < MIN_OBSERVED {
        return None;
    }
    let score = observes_candidate - observes_claimed;
    Some(Comparison {
        candidate,
        candidate_holidays: cand,
        claimed_holidays: clm,
        candidate_makeup: cand_makeup,
        claimed_makeup: clm_makeup,
        score,
        workday_activity: a0,
    })
}

fn dated(cal: &CountryCalendar, days: &[Day]) -> Vec<String> {
    days.iter()
        .map(|d| {
            format!(
                "{} {}",
                date_of(*d),
                cal.holiday(*d).unwrap_or("make-up workday")
            )
        })
        .collect()
}

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let claimed = claimed_calendar(s)?;
    let act = local_activity(s)?;
    if act.weeks.len() < super::weekly_rhythm::MIN_WEEKS {
        return None;
    }
    let mut comparisons: Vec<Comparison> = candidates(s)
        .iter()
        .filter_map(|c| compare(act, claimed, c))
        .filter(|c| {
            periods(&c.candidate_holidays.days).len() >= MIN_HOLIDAYS
                && periods(&c.claimed_holidays.days).len() >= MIN_HOLIDAYS
        })
        .collect();
    comparisons.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.candidate.code.cmp(&b.candidate.code))
    });
    let best = comparisons.first()?;
    if best.score < MIN_SCORE {
        return None;
    }
    let span_years = act.span_days() as f64 / 365.25;
    let (c, x) = (&best.candidate_holidays, &best.claimed_holidays);
    let (cp, xp) = (periods(&c.days), periods(&x.days));
    let c_quiet = cp.iter().filter(|p| !p.2).count();
    let x_active = xp.iter().filter(|p| p.2).count();
    // Someone idle on most ordinary workdays is idle on holidays too by
    // chance: their quiet days say little, and stay low.
    let steady = best.workday_activity >= MIN_WORKDAY_ACTIVITY;
    let severity = if !steady {
        Severity::Low
    } else if best.score >= 20.0 && span_years >= 1.95 && cp.len() >= 15 && xp.len() >= 15 {
        Severity::High
    } else if best.score >= 12.0 && span_years >= 1.0 && cp.len() >= 8 && xp.len() >= 8 {
        Severity::Medium
    } else {
        Severity::Low
    };
    let cname = country_name(&best.candidate.code);
    let xname = country_name(&claimed.code);
    let makeup = if best.candidate_makeup.n > 0 {
        format!(
            "; active on {} of {} {cname} make-up workdays",
            best.candidate_makeup.active, best.candidate_makeup.n
        )
    } else {
        String::new()
    };
    let summary = format!(
        "quiet on {c_quiet} of {} {cname} holiday periods and active on {x_active} of {} {xname} holiday periods{makeup} (only holidays where the calendars differ, on the person's working weekdays): {cname}'s calendar explains the days off better than the claimed {xname} (log-likelihood ratio {:.1} over {:.1} years)",
        cp.len(),
        xp.len(),
        best.score,
        span_years
    );
    let others: Vec<Candidate> = comparisons
        .iter()
        .skip(1)
        .take(3)
        .map(|o| Candidate {
            country: o.candidate.code.clone(),
            log_likelihood_ratio: (o.score * 10.0).round() / 10.0,
        })
        .collect();
    Some(Finding::new(
        ID,
        severity,
        summary,
        &Evidence {
            claimed_country: claimed.code.clone(),
            best_country: best.candidate.code.clone(),
            log_likelihood_ratio: (best.score * 10.0).round() / 10.0,
            best_country_holidays: BestCountryHolidays {
                periods: cp.len(),
                quiet_periods: c_quiet,
                days_on_working_weekdays: c.n,
                quiet_days: c.n - c.active,
                quiet_examples: dated(best.candidate, &c.quiet_examples),
                active_examples: dated(best.candidate, &c.active_examples),
            },
            claimed_country_holidays: ClaimedCountryHolidays {
                periods: xp.len(),
                active_periods: x_active,
                days_on_working_weekdays: x.n,
                active_days: x.active,
                active_examples: dated(claimed, &x.active_examples),
                quiet_examples: dated(claimed, &x.quiet_examples),
            },
            best_country_makeup_workdays: MakeupWorkdays {
                days: best.candidate_makeup.n,
                active: best.candidate_makeup.active,
                examples: dated(best.candidate, &best.candidate_makeup.active_examples),
            },
            other_candidates: others,
            ordinary_workday_activity: crate::inference::rhythm::round3(best.workday_activity),
            weeks_considered: act.weeks.len(),
            years: (span_years * 10.0).round() / 10.0,
            local_days_at: act.read_at(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::calendar_rule_severity;
    use crate::detectors::Severity;

    #[test]
    fn fires_on_the_holidays_of_another_country_at_the_same_offset() {
        // Every working day for three years: as strong as this rule gets.
        assert_eq!(calendar_rule_severity(ID, "CN", true), Some(Severity::High));
    }

    #[test]
    fn honest_control_keeps_the_claimed_calendar() {
        assert_eq!(calendar_rule_severity(ID, "SG", true), None);
    }

    #[test]
    fn minimum_evidence_is_several_distinguishing_holidays() {
        // Two months hold too few holidays that the calendars disagree on.
        assert_eq!(calendar_rule_severity(ID, "CN", false), None);
    }
}
