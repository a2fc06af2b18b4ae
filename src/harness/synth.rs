//! Synthetic populations with realistic timing, for benchmarks and accuracy
//! measurement. Timing is drawn from the real activity prior
//! (`data/diurnal.csv`) with per-person variation: a chronotype shift that
//! spills past midnight, a personal distortion of the hour curve, weekend
//! habits, session bursts, holidays. Deterministic for a given seed.
//!
//! Output is either in-memory commits (for the accuracy harness) or a
//! `git fast-import` stream (for fixture and benchmark repositories).

use std::io::Write;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Offset as _, TimeZone};
use chrono_tz::Tz;

use crate::inference::rhythm::prior;

/// SplitMix64: small, fast, deterministic.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
    pub fn normal(&mut self) -> f64 {
        let u1 = self.f64().max(1e-12);
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
    pub fn poisson(&mut self, lambda: f64) -> u32 {
        let l = (-lambda).exp();
        let mut k = 0;
        let mut p = 1.0;
        loop {
            p *= self.f64();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// How the commits' recorded offsets are written.
#[derive(Debug, Clone, PartialEq)]
pub enum OffsetMode {
    /// The offset of where the person really is (DST-aware).
    Real,
    /// A fixed offset all year (for example a claimed zone's standard offset).
    Fixed(i32),
    /// The offset a zone really had at each instant (DST-aware rewrite).
    Zone(Tz),
}

/// A short stay elsewhere.
#[derive(Debug, Clone)]
pub struct Trip {
    pub start_day: u32,
    pub days: u32,
    pub zone: Tz,
}

/// One simulated person (or one of the people behind a shared identity).
#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    pub email: String,
    pub zone: Tz,
    /// Regional curve their habits follow.
    pub region: &'static str,
    /// Hours later than the reference curve (night owls: +4…+6).
    pub chronotype_hours: f64,
    /// Multiplier on Saturday and Sunday activity.
    pub saturday: f64,
    pub sunday: f64,
    /// Mean sessions per (reference-weighted) day.
    pub sessions_per_day: f64,
    pub offsets: OffsetMode,
    pub trips: Vec<Trip>,
    /// Personal distortion of the 24-hour curve (multiplicative).
    pub hour_noise: [f64; 24],
    /// A country whose working week, holidays and make-up workdays the person
    /// keeps (None: weekends by the Saturday/Sunday factors, no holidays).
    pub calendar: Option<&'static str>,
}

impl Person {
    pub fn new(rng: &mut Rng, name: &str, zone: Tz) -> Person {
        let region = region_of(zone);
        let mut hour_noise = [1.0; 24];
        for v in &mut hour_noise {
            *v = (0.35 * rng.normal()).exp();
        }
        Person {
            name: name.to_owned(),
            email: format!(
                "{}@example.org",
                name.to_ascii_lowercase().replace(' ', ".")
            ),
            zone,
            region,
            chronotype_hours: 1.2 * rng.normal(),
            saturday: (0.5 * rng.normal()).exp(),
            sunday: (0.5 * rng.normal()).exp(),
            sessions_per_day: 0.6 + 1.4 * rng.f64(),
            offsets: OffsetMode::Real,
            trips: Vec::new(),
            hour_noise,
            calendar: None,
        }
    }
}

/// Which regional curve a zone's inhabitants follow.
pub fn region_of(zone: Tz) -> &'static str {
    let name = zone.name();
    if name.starts_with("America/") {
        "Americas"
    } else if name.starts_with("Europe/") || name.starts_with("Africa/") {
        "Europe-Africa"
    } else {
        "Asia-Pacific"
    }
}

pub fn zone(name: impl AsRef<str>) -> Tz {
    Tz::from_str(name.as_ref()).unwrap_or(Tz::UTC)
}

/// UTC offset of a zone at an instant, in minutes.
pub fn offset_at(zone: Tz, seconds: i64) -> i32 {
    match chrono::DateTime::<chrono::Utc>::from_timestamp(seconds, 0) {
        Some(dt) => {
            zone.offset_from_utc_datetime(&dt.naive_utc())
                .fix()
                .local_minus_utc()
                / 60
        }
        None => 0,
    }
}

/// One simulated commit: author instant and recorded offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimCommit {
    pub seconds: i64,
    pub offset_minutes: i32,
}

/// Draw a person's commits over `days` days from `start` (a UTC date).
pub fn simulate(rng: &mut Rng, person: &Person, start: NaiveDate, days: u32) -> Vec<SimCommit> {
    let table = prior()
        .region(person.region)
        .or_else(|| prior().region("all"))
        .copied()
        .unwrap_or([[0.0; 24]; 7]);
    let weekday_mass: Vec<f64> = table.iter().map(|d| d.iter().sum()).collect();
    let mean_weekday = weekday_mass[..5].iter().sum::<f64>() / 5.0;
    // Two or three weeks off a year.
    let mut off_weeks: Vec<u32> = Vec::new();
    for _ in 0..((days / 365 + 1) * 2) {
        off_weeks.push(rng.below((days / 7 + 1) as u64) as u32);
    }
    let mut out = Vec::new();
    for day in 0..days {
        if off_weeks.contains(&(day / 7)) {
            continue;
        }
        let date = start + chrono::Days::new(day as u64);
        let weekday = date.weekday().num_days_from_monday() as usize;
        // With a calendar: rest days are nearly idle (5 % of a workday), and
        // workdays falling on a weekend are worked like a Wednesday.
        let (w, factor) = match person
            .calendar
            .and_then(|c| crate::inference::calendars::calendars().get(c))
        {
            Some(cal) => {
                let day = crate::inference::calendars::day_of(date);
                if cal.is_rest(day) {
                    (
                        weekday,
                        0.05 * weekday_mass[2] / weekday_mass[weekday].max(1e-9),
                    )
                } else if weekday >= 5 {
                    (2, 1.0)
                } else {
                    (weekday, 1.0)
                }
            }
            None => (
                weekday,
                match weekday {
                    5 => person.saturday,
                    6 => person.sunday,
                    _ => 1.0,
                },
            ),
        };
        let lambda = person.sessions_per_day * weekday_mass[w] / mean_weekday * factor;
        let sessions = rng.poisson(lambda);
        if sessions == 0 {
            continue;
        }
        // Trips are absolute intervals; sessions that would straddle a move are travel time.
        let day_start_utc = |d: u32| {
            (start + chrono::Days::new(d as u64))
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default()
                .and_utc()
                .timestamp()
        };
        let trip_at = |t: i64| {
            person.trips.iter().find(|trip| {
                (day_start_utc(trip.start_day)..day_start_utc(trip.start_day + trip.days))
                    .contains(&t)
            })
        };
        // Personal hour curve for this weekday.
        let curve: Vec<f64> = (0..24)
            .map(|h| table[w][h] * person.hour_noise[h])
            .collect();
        let total: f64 = curve.iter().sum();
        for _ in 0..sessions {
            let mut x = rng.f64() * total;
            let mut hour = 0usize;
            for (h, v) in curve.iter().enumerate() {
                if x < *v {
                    hour = h;
                    break;
                }
                x -= v;
                hour = h;
            }
            // Chronotype shift spills past midnight into the next calendar day.
            let local_minutes = (hour as f64 + rng.f64() + person.chronotype_hours) * 60.0;
            let local_naive = date.and_hms_opt(0, 0, 0).unwrap_or_default()
                + chrono::Duration::minutes(local_minutes.round() as i64);
            let Some(home_local) = person.zone.from_local_datetime(&local_naive).earliest() else {
                continue;
            };
            let here = trip_at(home_local.timestamp()).map_or(person.zone, |trip| trip.zone);
            let Some(local) = here.from_local_datetime(&local_naive).earliest() else {
                continue;
            };
            if trip_at(local.timestamp()).map_or(person.zone, |trip| trip.zone) != here {
                continue; // travelling
            }
            let mut t = local.timestamp();
            let commits = 1 + rng.poisson(1.2);
            for _ in 0..commits {
                let recorded = match &person.offsets {
                    OffsetMode::Real => offset_at(here, t),
                    OffsetMode::Fixed(m) => *m,
                    OffsetMode::Zone(z) => offset_at(*z, t),
                };
                out.push(SimCommit {
                    seconds: t,
                    offset_minutes: recorded,
                });
                t += 300 + rng.below(2400) as i64;
            }
        }
    }
    out.sort_by_key(|c| c.seconds);
    out
}

/// An identity and the commits written under it.
#[derive(Debug, Clone)]
pub struct SimIdentity {
    pub name: String,
    pub email: String,
    pub commits: Vec<SimCommit>,
}

fn format_offset_git(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.unsigned_abs();
    format!("{sign}{:02}{:02}", m / 60, m % 60)
}

/// Write a linear history of every identity's commits (ordered by time) as a
/// `git fast-import` stream on `branch`. Commits have no file changes.
pub fn write_fast_import(
    out: &mut dyn Write,
    identities: &[SimIdentity],
    branch: &str,
) -> std::io::Result<u64> {
    let mut all: Vec<(i64, i32, usize)> = identities
        .iter()
        .enumerate()
        .flat_map(|(i, id)| {
            id.commits
                .iter()
                .map(move |c| (c.seconds, c.offset_minutes, i))
        })
        .collect();
    all.sort();
    let mut mark = 0u64;
    for (seconds, offset, i) in all {
        mark += 1;
        let id = &identities[i];
        let ident = format!(
            "{} <{}> {} {}",
            id.name,
            id.email,
            seconds,
            format_offset_git(offset)
        );
        let msg = format!("change {mark}\n");
        write!(
            out,
            "commit refs/heads/{branch}\nmark :{mark}\nauthor {ident}\ncommitter {ident}\ndata {}\n{msg}",
            msg.len()
        )?;
        if mark > 1 {
            writeln!(out, "from :{}", mark - 1)?;
        }
        writeln!(out)?;
    }
    Ok(mark)
}

/// Honest zones used for generated populations.
pub const HONEST_ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Warsaw",
    "Europe/Kyiv",
    "Europe/Madrid",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Australia/Sydney",
];

/// Build a large realistic population: `people` identities over `days`
/// days, starting 2015-01-05. Used by the benchmark generator.
pub fn population(seed: u64, people: usize, days: u32, target_commits: u64) -> Vec<SimIdentity> {
    let mut rng = Rng::new(seed);
    let start = NaiveDate::from_ymd_opt(2015, 1, 5).unwrap_or_default();
    let mut out = Vec::with_capacity(people);
    // Heavy-tailed activity: a few people write most commits.
    let weights: Vec<f64> = (0..people)
        .map(|i| 1.0 / (1.0 + i as f64).powf(0.9))
        .collect();
    let wsum: f64 = weights.iter().sum();
    for (i, w) in weights.iter().enumerate() {
        let z = zone(rng.pick(HONEST_ZONES));
        let mut p = Person::new(&mut rng, &format!("Dev {i}"), z);
        p.email = format!("dev{i}@example.org");
        let share = target_commits as f64 * w / wsum;
        // Each person is active for a stretch of the whole span.
        let active = (days as f64 * (0.2 + 0.8 * rng.f64())) as u32;
        let offset = rng.below((days - active.min(days)) as u64 + 1) as u32;
        // ~2.2 commits per session; choose the session rate to hit the share.
        p.sessions_per_day = (share / 2.2 / (active.max(1) as f64 * 0.8)).max(0.002);
        let commits = simulate(
            &mut rng,
            &p,
            start + chrono::Days::new(offset as u64),
            active,
        );
        out.push(SimIdentity {
            name: p.name.clone(),
            email: p.email.clone(),
            commits,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_in_zone() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let p = Person::new(&mut a, "A", zone("Asia/Tokyo"));
        let q = Person::new(&mut b, "A", zone("Asia/Tokyo"));
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let ca = simulate(&mut a, &p, start, 60);
        let cb = simulate(&mut b, &q, start, 60);
        assert_eq!(ca, cb);
        assert!(ca.len() > 30);
        assert!(ca.iter().all(|c| c.offset_minutes == 540));
    }

    #[test]
    fn fast_import_stream_is_linear() {
        let ids = vec![SimIdentity {
            name: "A".into(),
            email: "a@x".into(),
            commits: vec![
                SimCommit {
                    seconds: 10,
                    offset_minutes: 60,
                },
                SimCommit {
                    seconds: 20,
                    offset_minutes: -330,
                },
            ],
        }];
        let mut buf = Vec::new();
        assert_eq!(write_fast_import(&mut buf, &ids, "main").unwrap(), 2);
        let s = String::from_utf8(buf).unwrap();
        assert!(s.contains("author A <a@x> 20 -0530"));
        assert!(s.contains("from :1"));
    }
}
