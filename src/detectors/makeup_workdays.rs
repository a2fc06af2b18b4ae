//! Make-up workdays: China (and Russia, Ukraine, Taiwan, Vietnam) move
//! weekend days to bridge holidays, so some Saturdays and Sundays are official
//! workdays. Working on exactly those weekend days, while resting on ordinary
//! ones, follows that country's calendar.

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::RuleEvidence;
use super::holiday_calendar::Tally;
use super::local_days::{candidates, claimed_calendar, country_name, local_activity};
use super::{Finding, Severity, Subject};
use crate::inference::calendars::date_of;

pub const ID: &str = "makeup-workdays";
/// Make-up days needed before the rule speaks.
pub const MIN_DAYS: usize = 4;

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    pub claimed_country: String,
    /// The country whose make-up workdays were worked.
    pub makeup_country: String,
    pub makeup_days: usize,
    pub makeup_days_active: usize,
    /// Dates (`YYYY-MM-DD`) of active make-up days.
    pub examples: Vec<String>,
    pub ordinary_weekend_days: usize,
    pub ordinary_weekend_days_active: usize,
    pub log_likelihood_ratio: f64,
}

impl RuleEvidence for Evidence {}

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let claimed = claimed_calendar(s)?;
    let act = local_activity(s)?;
    if act.weeks.len() < super::weekly_rhythm::MIN_WEEKS {
        return None;
    }
    let mut best: Option<(f64, &str, Tally, Tally)> = None;
    for &cand in candidates(s) {
        let mut makeup = Tally::default();
        let mut ordinary = Tally::default();
        for d in act.days() {
            if !claimed.is_rest(d) || !cand.covers(d) || claimed.is_makeup_workday(d) {
                continue;
            }
            if cand.is_makeup_workday(d) {
                makeup.add(d, act.is_active(d));
            } else if claimed.holiday(d).is_none() && cand.is_rest(d) {
                ordinary.add(d, act.is_active(d));
            }
        }
        if makeup.n < MIN_DAYS || ordinary.n < 20 {
            continue;
        }
        let p_make = makeup.active as f64 / makeup.n as f64;
        let p_ord = (ordinary.active as f64 / ordinary.n as f64).clamp(0.02, 0.98);
        if p_make < 0.6 || p_ord > 0.3 {
            continue;
        }
        // Binomial log-likelihood ratio of the make-up days at their own rate
        // against the ordinary weekend rate.
        let p = p_make.clamp(0.02, 0.98);
        let k = makeup.active as f64;
        let n = makeup.n as f64;
        let llr = k * (p / p_ord).ln() + (n - k) * ((1.0 - p) / (1.0 - p_ord)).ln();
        if llr >= 3.0 && best.as_ref().is_none_or(|b| llr > b.0) {
            best = Some((llr, cand.code.as_str(), makeup, ordinary));
        }
    }
    let (llr, code, makeup, ordinary) = best?;
    let severity = if makeup.n >= 8 && llr >= 6.0 && act.weeks.len() >= 40 {
        Severity::Medium
    } else {
        Severity::Low
    };
    let summary = format!(
        "active on {} of {} {} make-up workdays (weekend days worked there to bridge holidays) but on {} of {} ordinary weekend days, which {} rests on",
        makeup.active,
        makeup.n,
        country_name(code),
        ordinary.active,
        ordinary.n,
        country_name(&claimed.code)
    );
    Some(Finding::new(
        ID,
        severity,
        summary,
        &Evidence {
            claimed_country: claimed.code.clone(),
            makeup_country: code.to_string(),
            makeup_days: makeup.n,
            makeup_days_active: makeup.active,
            examples: makeup
                .active_examples
                .iter()
                .map(|d| date_of(*d).to_string())
                .collect(),
            ordinary_weekend_days: ordinary.n,
            ordinary_weekend_days_active: ordinary.active,
            log_likelihood_ratio: (llr * 10.0).round() / 10.0,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::calendar_rule_severity;
    use crate::detectors::Severity;

    #[test]
    fn fires_on_make_up_workdays_of_another_country() {
        // Every working day for three years: as strong as this rule gets.
        assert_eq!(
            calendar_rule_severity(ID, "CN", true),
            Some(Severity::Medium)
        );
    }

    #[test]
    fn honest_control_keeps_the_claimed_calendar() {
        assert_eq!(calendar_rule_severity(ID, "SG", true), None);
    }

    #[test]
    fn minimum_evidence_is_several_make_up_days() {
        // Two months hold too few make-up workdays.
        assert_eq!(calendar_rule_severity(ID, "CN", false), None);
    }
}
