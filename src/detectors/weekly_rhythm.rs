//! Weekly rhythm: which weekdays a person rests on, in local time, against the
//! claimed country's weekend. A Monday–Saturday week with Sunday rest is the
//! DPRK's working week; Friday–Saturday weekends exist too (Israel, Bangladesh).
//! It fires only when the person both rests clearly on some days and works a
//! claimed weekend day like a weekday: people who work every day (volunteers,
//! shared accounts) give no rest days and no finding.

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::RuleEvidence;
use super::local_days::{claimed_calendar, country_name, local_activity};
use super::{Finding, Severity, Subject};
use crate::inference::calendars::{WEEKDAYS, calendars, date_of};
use chrono::Datelike;

pub const ID: &str = "weekly-rhythm";
/// Considered weeks (≥ 2 active days each) before the rule speaks.
pub const MIN_WEEKS: usize = 26;
/// Long-running: medium severity needs a year and a half of weeks (some
/// people do work Saturdays and rest Sundays for years).
pub const STRONG_WEEKS: usize = 78;

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    /// ISO 3166 code of the claimed country's calendar.
    pub claimed_country: String,
    /// Weekday names (Monday … Sunday).
    pub claimed_weekend: Vec<&'static str>,
    pub rest_days: Vec<&'static str>,
    pub worked_claimed_weekend_days: Vec<&'static str>,
    pub rested_claimed_workdays: Vec<&'static str>,
    /// Share of considered weeks active on each weekday, Monday first.
    pub active_share_by_weekday: Vec<f64>,
    /// Weeks with at least two active days.
    pub weeks_considered: usize,
    /// Countries whose weekend is exactly the rest days.
    pub calendars_with_this_weekend: Vec<String>,
    /// Which offset local days were read at, and its source.
    pub local_days_at: String,
}

impl RuleEvidence for Evidence {}

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let cal = claimed_calendar(s)?;
    let act = local_activity(s)?;
    if act.weeks.len() < MIN_WEEKS {
        return None;
    }
    let rates = act.weekday_rates();
    let level = act.busy_level();
    if level < 0.2 {
        return None;
    }
    let rest: Vec<usize> = (0..7).filter(|&w| rates[w] < 0.3 * level).collect();
    let work: Vec<usize> = (0..7).filter(|&w| rates[w] > 0.6 * level).collect();
    if rest.is_empty() {
        return None;
    }
    let mid = act.weeks.iter().nth(act.weeks.len() / 2).copied()?;
    let year = date_of(mid).year();
    let weekend = cal.weekend(year);
    let worked_weekend: Vec<usize> = work.iter().copied().filter(|&w| weekend[w]).collect();
    if worked_weekend.is_empty() {
        return None;
    }
    let rested_weekdays: Vec<usize> = rest.iter().copied().filter(|&w| !weekend[w]).collect();
    let mut rest_set = [false; 7];
    for &w in &rest {
        rest_set[w] = true;
    }
    let matching: Vec<&str> = calendars()
        .countries
        .values()
        .filter(|c| c.weekend(year) == rest_set)
        .map(|c| c.code.as_str())
        .collect();
    let strong = act.weeks.len() >= STRONG_WEEKS
        && worked_weekend.iter().all(|&w| rates[w] >= 0.85 * level)
        && rest.iter().all(|&w| rates[w] < 0.15 * level);
    let severity = if strong {
        Severity::Medium
    } else {
        Severity::Low
    };
    let names = |ws: &[usize]| ws.iter().map(|&w| WEEKDAYS[w]).collect::<Vec<_>>();
    let weeks = act.weeks.len();
    let worked: Vec<String> = worked_weekend
        .iter()
        .map(|&w| {
            format!(
                "{} (active {} of {weeks} weeks)",
                WEEKDAYS[w],
                (rates[w] * weeks as f64).round()
            )
        })
        .collect();
    let summary = format!(
        "works {} like a weekday and rests on {}{}, while {}'s weekend is {}{}",
        worked.join(" and "),
        names(&rest).join(" and "),
        if rest.len() == 1 && rest[0] == 6 && worked_weekend.contains(&5) {
            ": a Monday–Saturday week"
        } else {
            ""
        },
        country_name(&cal.code),
        names(&(0..7).filter(|&w| weekend[w]).collect::<Vec<_>>()).join(" and "),
        if matching.is_empty() {
            String::new()
        } else {
            format!(
                "; calendars with this weekend: {}",
                matching
                    .iter()
                    .map(|c| country_name(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    Some(Finding::new(
        ID,
        severity,
        summary,
        &Evidence {
            claimed_country: cal.code.clone(),
            claimed_weekend: names(&(0..7).filter(|&w| weekend[w]).collect::<Vec<_>>()),
            rest_days: names(&rest),
            worked_claimed_weekend_days: names(&worked_weekend),
            rested_claimed_workdays: names(&rested_weekdays),
            active_share_by_weekday: rates
                .iter()
                .map(|r| crate::inference::rhythm::round3(*r))
                .collect(),
            weeks_considered: weeks,
            calendars_with_this_weekend: matching.iter().map(|c| c.to_string()).collect(),
            local_days_at: act.read_at(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, severity_for, zone_offset};
    use crate::detectors::Severity;
    use chrono_tz::Europe::Berlin;

    /// Weeks from 2 January 2023 in Berlin, working on `days` (1 = Monday).
    fn berliner(weeks: u32, days: &[u32]) -> Person {
        Person::new("Berlin Person").claims("Europe/Berlin").days(
            "2023-01-02",
            weeks,
            days,
            &[10, 14, 16],
            Berlin,
            zone_offset(Berlin),
        )
    }

    const MONDAY_TO_SATURDAY: &[u32] = &[1, 2, 3, 4, 5, 6];

    #[test]
    fn fires_on_a_six_day_week_resting_on_sunday() {
        assert_eq!(
            severity_for(berliner(30, MONDAY_TO_SATURDAY), ID),
            Some(Severity::Low)
        );
        // Held for a year and a half: medium.
        assert_eq!(
            severity_for(berliner(80, MONDAY_TO_SATURDAY), ID),
            Some(Severity::Medium)
        );
    }

    #[test]
    fn honest_control_rests_on_the_weekend() {
        assert_eq!(severity_for(berliner(30, &[1, 2, 3, 4, 5]), ID), None);
        // Working every day gives no rest day and no finding.
        assert_eq!(severity_for(berliner(30, &[1, 2, 3, 4, 5, 6, 7]), ID), None);
    }

    #[test]
    fn minimum_evidence_is_twenty_six_weeks() {
        assert_eq!(severity_for(berliner(25, MONDAY_TO_SATURDAY), ID), None);
        assert_eq!(
            severity_for(berliner(26, MONDAY_TO_SATURDAY), ID),
            Some(Severity::Low)
        );
    }
}
