//! Claims: where a contributor says they work from. A roster CSV and/or the
//! repository's `.git-alibi.toml`.

use std::collections::BTreeSet;
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, Offset as _, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A claimed location, resolved to zones.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    /// As written by the user.
    pub text: String,
    pub kind: LocationKind,
    /// IANA zones covered (empty for a fixed offset).
    pub zones: Vec<Tz>,
    /// Minutes east of UTC, for a fixed-offset claim.
    pub fixed_minutes: Option<i32>,
    /// ISO 3166-1 alpha-2 country, when the claim names one (or its zone has one).
    pub country: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LocationKind {
    Zone,
    Country,
    FixedOffset,
}

/// zone.tab from the tz database (public domain): country code, coordinates, zone.
const ZONE_TAB: &str = include_str!("../../data/zone.tab");

fn zone_tab() -> impl Iterator<Item = (&'static str, &'static str)> {
    ZONE_TAB
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.len() >= 3).then(|| (cols[0], cols[2]))
        })
}

pub fn zones_of_country(code: &str) -> Vec<Tz> {
    let code = code.to_ascii_uppercase();
    zone_tab()
        .filter(|(c, _)| *c == code)
        .filter_map(|(_, z)| Tz::from_str(z).ok())
        .collect()
}

pub fn country_of_zone(zone: &str) -> Option<String> {
    zone_tab()
        .find(|(_, z)| *z == zone)
        .map(|(c, _)| c.to_owned())
}

/// Parse `UTC+05:30`, `UTC-3`, `GMT+1`, `+0530`, `-03:00`.
fn parse_fixed(text: &str) -> Option<i32> {
    let t = text.trim();
    let rest = t
        .strip_prefix("UTC")
        .or_else(|| t.strip_prefix("utc"))
        .or_else(|| t.strip_prefix("GMT"))
        .unwrap_or(t);
    if rest.is_empty() {
        return (t.eq_ignore_ascii_case("utc") || t.eq_ignore_ascii_case("gmt")).then_some(0);
    }
    let (sign, digits) = match rest.as_bytes()[0] {
        b'+' => (1, &rest[1..]),
        b'-' | 0xE2 => (-1, rest.trim_start_matches(['-', '−'])),
        _ => return None,
    };
    let (h, m) = if let Some((h, m)) = digits.split_once(':') {
        (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?)
    } else if digits.len() == 4 {
        (digits[..2].parse().ok()?, digits[2..].parse().ok()?)
    } else {
        (digits.parse().ok()?, 0)
    };
    if !(0..=14).contains(&h) || !(0..60).contains(&m) || (h == 14 && m > 0) {
        return None;
    }
    Some(sign * (h * 60 + m))
}

impl Location {
    pub fn parse(text: &str) -> Result<Location, String> {
        let t = text.trim();
        if let Ok(tz) = Tz::from_str(t) {
            return Ok(Location {
                text: t.to_owned(),
                kind: LocationKind::Zone,
                zones: vec![tz],
                fixed_minutes: None,
                country: country_of_zone(tz.name()),
            });
        }
        if t.len() == 2 && t.chars().all(|c| c.is_ascii_alphabetic()) {
            let zones = zones_of_country(t);
            if zones.is_empty() {
                return Err(format!(
                    "'{t}' is not an ISO 3166-1 alpha-2 country code with a time zone"
                ));
            }
            return Ok(Location {
                text: t.to_ascii_uppercase(),
                kind: LocationKind::Country,
                zones,
                fixed_minutes: None,
                country: Some(t.to_ascii_uppercase()),
            });
        }
        if let Some(m) = parse_fixed(t) {
            return Ok(Location {
                text: t.to_owned(),
                kind: LocationKind::FixedOffset,
                zones: Vec::new(),
                fixed_minutes: Some(m),
                country: None,
            });
        }
        Err(format!(
            "'{t}' is not an IANA zone, a country code or a UTC offset"
        ))
    }

    /// Offsets (minutes east of UTC) the claimed location had at `seconds`.
    pub fn offsets_at(&self, seconds: i64) -> Vec<i32> {
        if let Some(m) = self.fixed_minutes {
            return vec![m];
        }
        let Some(dt) = DateTime::<Utc>::from_timestamp(seconds, 0) else {
            return Vec::new();
        };
        let mut v: Vec<i32> = self
            .zones
            .iter()
            .map(|tz| {
                tz.offset_from_utc_datetime(&dt.naive_utc())
                    .fix()
                    .local_minus_utc()
                    / 60
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Every offset the location used between two instants (sampled daily).
    pub fn offsets_between(&self, start: i64, end: i64) -> BTreeSet<i32> {
        let mut set = BTreeSet::new();
        let mut t = start;
        while t <= end {
            set.extend(self.offsets_at(t));
            t += 86_400;
        }
        set.extend(self.offsets_at(end));
        set
    }

    /// The offset to read "claimed local time" at an instant: the first zone's
    /// (countries: the zone closest to the given recorded offset, if any).
    pub fn reading_offset(&self, seconds: i64, recorded: Option<i32>) -> i32 {
        let offs = self.offsets_at(seconds);
        match recorded {
            Some(r) => offs
                .iter()
                .copied()
                .min_by_key(|o| (o - r).abs())
                .unwrap_or(0),
            None => offs.first().copied().unwrap_or(0),
        }
    }
}

/// Closest IANA zone name to a misspelled one (for the error hint).
pub fn closest_zone(text: &str) -> Option<&'static str> {
    // The longest zone name has 32 characters; a longer text is no misspelling,
    // and comparing it with ~600 names costs time quadratic in its length (a
    // location read from a repository's .git-alibi.toml can be megabytes).
    const LONGEST_GUESS: usize = 48;
    if text.len() > LONGEST_GUESS {
        return None;
    }
    let needle = text.to_ascii_lowercase();
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| {
            (
                tz.name(),
                levenshtein(&needle, &tz.name().to_ascii_lowercase()),
            )
        })
        .min_by_key(|(name, d)| (*d, *name))
        .filter(|(_, d)| *d <= needle.len().max(4) / 2)
        .map(|(n, _)| n)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + (ca != *cb) as usize)
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// One claim: emails of a person and where they say they work.
#[derive(Debug, Clone)]
pub struct Claim {
    pub emails: Vec<String>,
    pub name: Option<String>,
    pub location: Location,
    /// Where it was written (`roster.csv:4`, `.git-alibi.toml:12`).
    pub source: String,
    pub source_file: String,
    pub source_line: usize,
}

/// Parse a roster CSV: header row with `email` and `location`, optional `name`.
pub fn read_roster(path: &Path) -> Result<Vec<Claim>, Error> {
    let text = match crate::files::read_regular(path, crate::files::INPUT_LIMIT, None) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            return Err(Error::Read {
                path: path.to_owned(),
                source: std::io::ErrorKind::NotFound.into(),
            });
        }
        Err(crate::files::FileError::Io(source)) => {
            return Err(Error::Read {
                path: path.to_owned(),
                source,
            });
        }
        Err(e) => {
            return Err(Error::Config {
                path: path.to_owned(),
                message: e.to_string(),
            });
        }
    };
    parse_roster(path, &text)
}

pub fn parse_roster(path: &Path, bytes: &[u8]) -> Result<Vec<Claim>, Error> {
    let err = |line: usize, message: String, hint: Option<String>| Error::Roster {
        file: path.to_owned(),
        line,
        message,
        hint,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| err(1, format!("cannot read the header row: {e}"), None))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(email_col), Some(location_col)) = (col("email"), col("location")) else {
        return Err(err(
            1,
            format!(
                "the header row must name the columns 'email' and 'location' (found: {})",
                headers.iter().collect::<Vec<_>>().join(", ")
            ),
            Some("for example: email,name,location".into()),
        ));
    };
    let name_col = col("name");
    let mut claims: Vec<Claim> = Vec::new();
    // Each email once: the same person at two places is a contradiction in
    // the roster itself (emails compare without case, as git's do).
    let mut seen: std::collections::HashMap<String, (usize, String)> = Default::default();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            err(line, format!("malformed CSV: {e}"), None)
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        let email = record.get(email_col).unwrap_or("").to_owned();
        let location_text = record.get(location_col).unwrap_or("");
        if email.is_empty() || !email.contains('@') {
            return Err(err(
                line,
                format!("bad email '{email}'"),
                Some("the email column needs an address such as ada@example.org".into()),
            ));
        }
        if location_text.is_empty() {
            return Err(err(
                line,
                format!("empty location for '{email}'"),
                Some("use an IANA zone (America/Chicago), a country code (US) or an offset (UTC+05:30)".into()),
            ));
        }
        let key = email.to_ascii_lowercase();
        if let Some((first, first_location)) = seen.get(&key) {
            if !first_location.eq_ignore_ascii_case(location_text) {
                return Err(err(
                    line,
                    format!(
                        "'{email}' is claimed again with another location: '{location_text}' here, '{first_location}' on line {first}"
                    ),
                    Some("keep one line per email".into()),
                ));
            }
            continue;
        }
        seen.insert(key, (line, location_text.to_owned()));
        let location = Location::parse(location_text).map_err(|message| {
            let hint = closest_zone(location_text).map(|z| format!("did you mean '{z}'?")).or_else(|| {
                Some("use an IANA zone (America/Chicago), a country code (US) or an offset (UTC+05:30)".into())
            });
            err(line, format!("bad location: {message}"), hint)
        })?;
        claims.push(Claim {
            emails: vec![email.to_ascii_lowercase()],
            name: name_col
                .and_then(|c| record.get(c))
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            location,
            source: format!("{}:{line}", path.display()),
            source_file: path.display().to_string(),
            source_line: line,
        });
    }
    Ok(claims)
}

/// `.git-alibi.toml` in a repository: claims and thresholds.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepoConfig {
    #[serde(default)]
    pub contributor: Vec<ConfigContributor>,
    #[serde(default)]
    pub thresholds: Thresholds,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigContributor {
    pub emails: Vec<String>,
    pub location: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// Tunable minimums. Defaults are documented in docs/rules.md.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Timed commits below which rhythm rules do not judge.
    pub min_commits: u64,
    /// Distinct active weeks below which rhythm rules do not judge.
    pub min_weeks: u64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_commits: 30,
            min_weeks: 4,
        }
    }
}

/// Parse a `.git-alibi.toml` read from `file` (a path or `BASE:.git-alibi.toml`).
pub fn parse_repo_config(file: &Path, bytes: &[u8]) -> Result<(RepoConfig, Vec<Claim>), Error> {
    let file = file.to_owned();
    let text = std::str::from_utf8(bytes).map_err(|e| Error::Config {
        path: file.clone(),
        message: format!("not UTF-8: {e}"),
    })?;
    let config: RepoConfig = toml::from_str(text).map_err(|e| Error::Config {
        path: file.clone(),
        message: e.to_string(),
    })?;
    let mut claims = Vec::new();
    let mut search_from = 0usize;
    for c in &config.contributor {
        let location = Location::parse(&c.location).map_err(|m| Error::Config {
            path: file.clone(),
            message: match closest_zone(&c.location) {
                Some(z) => format!("{m} (did you mean '{z}'?)"),
                None => m,
            },
        })?;
        // Line of this entry's location, for pointing at the claim.
        let needle = format!("\"{}\"", c.location);
        let line = text[search_from..]
            .find(&needle)
            .map(|i| {
                search_from += i + needle.len();
                text[..search_from].lines().count()
            })
            .unwrap_or(0);
        claims.push(Claim {
            emails: c.emails.iter().map(|e| e.to_ascii_lowercase()).collect(),
            name: c.name.clone(),
            location,
            source: format!(".git-alibi.toml:{line}"),
            source_file: ".git-alibi.toml".into(),
            source_line: line,
        });
    }
    Ok((config, claims))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Any roster or config bytes: claims or an error with a line, never a panic.
        #[test]
        fn rosters_and_configs_never_panic(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = parse_roster(Path::new("r.csv"), &data);
            let mut with_header = b"email,name,location\n".to_vec();
            with_header.extend(&data);
            let _ = parse_roster(Path::new("r.csv"), &with_header);
            let _ = parse_repo_config(Path::new(".git-alibi.toml"), &data);
        }
    }

    #[test]
    fn locations() {
        let ny = Location::parse("America/New_York").unwrap();
        // 2024-07-01 is EDT (-4), 2024-01-15 is EST (-5).
        assert_eq!(ny.offsets_at(1_719_835_200), vec![-240]);
        assert_eq!(ny.offsets_at(1_705_320_000), vec![-300]);
        assert_eq!(ny.country.as_deref(), Some("US"));
        let us = Location::parse("US").unwrap();
        assert!(us.zones.len() > 10);
        assert_eq!(
            Location::parse("UTC+05:30").unwrap().fixed_minutes,
            Some(330)
        );
        assert_eq!(Location::parse("UTC-3").unwrap().fixed_minutes, Some(-180));
        assert!(Location::parse("Mars/Olympus").is_err());
        assert_eq!(closest_zone("America/Chicgo"), Some("America/Chicago"));
        assert_eq!(closest_zone("Europe/Berln"), Some("Europe/Berlin"));
        assert_eq!(closest_zone(&"Europe/Berlin".repeat(100_000)), None);
        let pyongyang = Location::parse("Asia/Pyongyang").unwrap();
        // 2016-06-01: UTC+8:30.
        assert_eq!(pyongyang.offsets_at(1_464_739_200), vec![510]);
    }

    #[test]
    fn roster_errors_carry_line() {
        let csv = b"email,name,location\na@x.org,A,Europe/Berlin\nb@x.org,B,America/Chicgo\n";
        match parse_roster(Path::new("r.csv"), csv) {
            Err(Error::Roster { line, hint, .. }) => {
                assert_eq!(line, 3);
                assert!(hint.unwrap().contains("America/Chicago"));
            }
            other => panic!("{other:?}"),
        }
        let ok = parse_roster(Path::new("r.csv"), b"location,email\nUS,A@x.org\n").unwrap();
        assert_eq!(ok[0].emails, vec!["a@x.org"]);
        // The same email twice, even in another case, with another location.
        let twice = b"email,location\nA@x.org,US\nb@x.org,JP\na@X.org,Europe/Berlin\n";
        match parse_roster(Path::new("r.csv"), twice) {
            Err(Error::Roster { line, message, .. }) => {
                assert_eq!(line, 4);
                assert!(message.contains("line 2"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // The same line twice is harmless.
        assert_eq!(
            parse_roster(
                Path::new("r.csv"),
                b"email,location\na@x.org,US\nA@x.org,us\n"
            )
            .unwrap()
            .len(),
            1
        );
        match parse_roster(Path::new("r.csv"), b"email,location\na@x.org,\n") {
            Err(Error::Roster {
                line: 2, message, ..
            }) => {
                assert!(message.contains("empty location"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}
