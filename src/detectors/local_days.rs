//! Shared by the calendar rules: a contributor's activity per local calendar
//! day, and the countries whose calendars could explain it.

use std::collections::{BTreeMap, BTreeSet};

use crate::inference::calendars::{CountryCalendar, Day, calendars, weekday_of};
use crate::inference::claims::Location;

use super::Subject;

/// Below this confidence the inferred offset is not used to place days.
const MIN_CONFIDENCE: f64 = 0.5;
/// A week counts when it has at least this many active days (vacations and
/// idle weeks say nothing about which days someone rests).
const MIN_ACTIVE_DAYS_PER_WEEK: usize = 2;

/// Activity per local day, restricted to the weeks the person was working.
pub struct LocalActivity {
    /// Commits per local day (considered weeks only).
    pub commits: BTreeMap<Day, u32>,
    /// Monday of each considered week.
    pub weeks: BTreeSet<Day>,
    /// Offset used to place commits on local days, in minutes (standard
    /// time), and why.
    pub offset_minutes: i32,
    pub offset_source: &'static str,
    /// The summer-time rule the inferred clock keeps, if any.
    pub summer_time: Option<chrono_tz::Tz>,
    /// Offsets (minutes) where the person may live: the inference's 90 %
    /// interval widened by an hour, or an hour around the claimed offset.
    pub plausible_offsets: (i32, i32),
}

impl LocalActivity {
    /// Which offset local days were read at, and why (for the evidence).
    pub fn read_at(&self) -> String {
        format!(
            "{} offset {}{}",
            self.offset_source,
            crate::inference::profiles::format_offset(Some(self.offset_minutes as i16)),
            match self.summer_time {
                Some(zone) => format!(" with {}'s summer time", zone.name()),
                None => String::new(),
            }
        )
    }

    /// Every considered day, in order.
    pub fn days(&self) -> impl Iterator<Item = Day> + '_ {
        self.weeks.iter().flat_map(|&monday| monday..monday + 7)
    }

    pub fn is_active(&self, day: Day) -> bool {
        self.commits.contains_key(&day)
    }

    pub fn span_days(&self) -> i32 {
        match (self.weeks.first(), self.weeks.last()) {
            (Some(a), Some(b)) => b - a + 7,
            _ => 0,
        }
    }

    /// The busiest four weekdays' mean rate: what "a working day" means for
    /// this person.
    pub fn busy_level(&self) -> f64 {
        let mut sorted = self.weekday_rates();
        sorted.sort_by(|a, b| b.total_cmp(a));
        sorted[..4].iter().sum::<f64>() / 4.0
    }

    /// Share of considered weeks active on each weekday (Monday first).
    pub fn weekday_rates(&self) -> [f64; 7] {
        let mut active = [0usize; 7];
        for &d in self.commits.keys() {
            active[weekday_of(d)] += 1;
        }
        let weeks = self.weeks.len().max(1) as f64;
        active.map(|n| n as f64 / weeks)
    }
}

/// The contributor's local activity, computed once per contributor for all
/// calendar rules.
pub fn local_activity<'s>(s: &'s Subject<'_>) -> Option<&'s LocalActivity> {
    s.calendar_cache
        .local
        .get_or_init(|| compute_local_activity(s))
        .as_ref()
}

/// Place a contributor's timed commits on local days: at the inferred offset
/// when the inference is confident (calendars concern where a person lives),
/// else in the claimed zone.
fn compute_local_activity(s: &Subject<'_>) -> Option<LocalActivity> {
    let confident = s.inference.filter(|i| i.confidence >= MIN_CONFIDENCE);
    let (offset_minutes, offset_source, plausible_offsets, summer_time) = match confident {
        Some(i) => (
            (i.utc_offset_hours * 60.0).round() as i32,
            "inferred",
            (
                (i.model_interval_90[0] * 60.0).round() as i32 - 60,
                (i.model_interval_90[1] * 60.0).round() as i32 + 60,
            ),
            i.summer_time,
        ),
        None => {
            let claim = s.claim?;
            let mid = (s.profile.first_author_time + s.profile.last_author_time) / 2;
            let o = claim.location.reading_offset(mid, None);
            (o, "claimed", (o - 60, o + 60), None)
        }
    };
    // Each commit's local day at the clock's offset of its moment: the
    // inferred clock keeps its summer time, a claimed zone its own.
    let offset_at = |t: i64| match (confident, s.claim) {
        (Some(i), _) => i.clock_offset_minutes(t),
        (None, Some(claim)) => claim.location.reading_offset(t, None),
        // Unreachable: without a confident inference a claim was required above.
        (None, None) => offset_minutes,
    };
    let mut all: BTreeMap<Day, u32> = BTreeMap::new();
    for r in s.timed() {
        let day = (r.author_time + offset_at(r.author_time) as i64 * 60).div_euclid(86_400) as Day;
        *all.entry(day).or_default() += 1;
    }
    let mut per_week: BTreeMap<Day, usize> = BTreeMap::new();
    for &d in all.keys() {
        *per_week.entry(d - weekday_of(d) as Day).or_default() += 1;
    }
    let weeks: BTreeSet<Day> = per_week
        .into_iter()
        .filter(|(_, n)| *n >= MIN_ACTIVE_DAYS_PER_WEEK)
        .map(|(w, _)| w)
        .collect();
    let commits = all
        .into_iter()
        .filter(|(d, _)| weeks.contains(&(d - weekday_of(*d) as Day)))
        .collect();
    Some(LocalActivity {
        commits,
        weeks,
        offset_minutes,
        offset_source,
        plausible_offsets,
        summer_time,
    })
}

/// The claimed country's calendar, when the claim names or implies a covered country.
pub fn claimed_calendar(s: &Subject<'_>) -> Option<&'static CountryCalendar> {
    let country = s.claim?.location.country.as_deref()?;
    calendars().get(country)
}

/// Covered countries other than the claimed one that had an offset where the
/// person may live (`LocalActivity::plausible_offsets`) during their
/// activity; computed once per contributor.
pub fn candidates<'s>(s: &'s Subject<'_>) -> &'s [&'static CountryCalendar] {
    s.calendar_cache
        .candidates
        .get_or_init(|| match (local_activity(s), claimed_calendar(s)) {
            (Some(act), Some(claimed)) => {
                countries_with_offsets(s, act.plausible_offsets, &claimed.code)
            }
            _ => Vec::new(),
        })
}

/// Covered countries other than `except` that had an offset in `range`
/// (minutes, inclusive) during the contributor's activity.
fn countries_with_offsets(
    s: &Subject<'_>,
    range: (i32, i32),
    except: &str,
) -> Vec<&'static CountryCalendar> {
    calendars()
        .countries
        .values()
        .filter(|c| c.code != except)
        .filter(|c| {
            Location::parse(&c.code).is_ok_and(|loc| {
                loc.offsets_between(s.profile.first_author_time, s.profile.last_author_time)
                    .iter()
                    .any(|o| (range.0..=range.1).contains(o))
            })
        })
        .collect()
}

/// English name of a covered country (for summaries).
pub fn country_name(code: &str) -> &str {
    match code {
        "US" => "United States",
        "CA" => "Canada",
        "MX" => "Mexico",
        "BR" => "Brazil",
        "GB" => "United Kingdom",
        "IE" => "Ireland",
        "DE" => "Germany",
        "FR" => "France",
        "NL" => "Netherlands",
        "ES" => "Spain",
        "IT" => "Italy",
        "PL" => "Poland",
        "UA" => "Ukraine",
        "RO" => "Romania",
        "RU" => "Russia",
        "IN" => "India",
        "PK" => "Pakistan",
        "BD" => "Bangladesh",
        "CN" => "China",
        "HK" => "Hong Kong",
        "TW" => "Taiwan",
        "JP" => "Japan",
        "KR" => "South Korea",
        "KP" => "North Korea",
        "SG" => "Singapore",
        "MY" => "Malaysia",
        "PH" => "Philippines",
        "VN" => "Vietnam",
        "ID" => "Indonesia",
        "TH" => "Thailand",
        "AU" => "Australia",
        "NZ" => "New Zealand",
        "NG" => "Nigeria",
        "ZA" => "South Africa",
        "AE" => "United Arab Emirates",
        "IL" => "Israel",
        "TR" => "Turkey",
        other => other,
    }
}

/// What the calendar rules compute once per contributor and share.
#[derive(Default)]
pub struct CalendarCache {
    local: std::cell::OnceCell<Option<LocalActivity>>,
    candidates: std::cell::OnceCell<Vec<&'static CountryCalendar>>,
}
