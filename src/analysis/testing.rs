//! Test support for the rules (in the analysis layer, which may use both
//! rules and inference): people and their commits written as a reader would describe
//! them ("weekdays at 10:00 and 15:00 in New York for twelve weeks, claiming
//! New York"), run through the whole analysis, so a rule's unit tests see the
//! subject the tool would build. Dates are fixed; nothing reads the clock.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, TimeZone};

use crate::analysis::{self, Analysis};
use crate::detectors::{Finding, Severity};
use crate::inference::claims::{Claim, Location, Thresholds};
use crate::model::history::{CommitRecord, Fingerprint, History, Provenance};
use crate::model::identities::{Contributor, ContributorKind};

/// One commit: its UTC author instant, its recorded author offset
/// (minutes), its committer instant relative to the author's, and flags.
#[derive(Debug, Clone, Copy)]
pub struct Commit {
    pub time: i64,
    pub offset: i16,
    pub committed_after: i64,
    /// The committer's offset, when it differs from the author's (a forge
    /// click from a browser elsewhere).
    pub committer_offset: Option<i16>,
    pub flags: u16,
    /// How the commit was made (default: by its author, with git).
    pub provenance: Provenance,
}

/// A person, the location they claim, and their commits.
#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    /// Default: the name, lower-cased and dotted, `@example.org`.
    pub email: Option<String>,
    /// Other names written with the same email.
    pub other_names: Vec<String>,
    pub claim: Option<String>,
    pub commits: Vec<Commit>,
    /// What the commits' headers and messages showed (the walk's tallies).
    pub fingerprint: Fingerprint,
}

impl Person {
    pub fn new(name: &str) -> Person {
        Person {
            name: name.to_owned(),
            email: None,
            other_names: Vec::new(),
            claim: None,
            commits: Vec::new(),
            fingerprint: Fingerprint::default(),
        }
    }

    fn email(&self) -> String {
        self.email.clone().unwrap_or_else(|| {
            format!("{}@example.org", self.name.to_lowercase().replace(' ', "."))
        })
    }

    /// Also write under this name, with the same email.
    pub fn also_named(mut self, name: &str) -> Person {
        self.other_names.push(name.to_owned());
        self
    }

    /// Set `flag` (`crate::model::history::flags`) on every commit so far.
    pub fn flagged(mut self, flag: u16) -> Person {
        for c in &mut self.commits {
            c.flags |= flag;
        }
        self
    }

    /// Every commit so far was made this way (a forge's merge, …).
    pub fn made_as(mut self, provenance: Provenance) -> Person {
        for c in &mut self.commits {
            c.provenance = provenance;
        }
        self
    }

    /// Every commit so far was committed at this offset (minutes), as a
    /// squash clicked from a browser elsewhere is.
    pub fn committed_at_offset(mut self, offset_minutes: i16) -> Person {
        for c in &mut self.commits {
            c.committer_offset = Some(offset_minutes);
        }
        self
    }

    /// Use this email instead of the one made from the name.
    pub fn with_email(mut self, email: &str) -> Person {
        self.email = Some(email.to_owned());
        self
    }

    /// Set what the commits' headers and messages showed.
    pub fn showing(mut self, set: impl FnOnce(&mut Fingerprint)) -> Person {
        set(&mut self.fingerprint);
        self
    }

    /// Claim a location, as a roster line would (`America/New_York`, `DE`).
    pub fn claims(mut self, location: &str) -> Person {
        self.claim = Some(location.to_owned());
        self
    }

    /// One commit at a local time (`2023-01-02 10:00`) with the offset
    /// recorded (minutes east of UTC).
    pub fn at(mut self, local: &str, offset_minutes: i16) -> Person {
        let naive = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M")
            .unwrap_or_else(|e| panic!("{local}: {e}"));
        let time = naive.and_utc().timestamp() - i64::from(offset_minutes) * 60;
        self.commits.push(Commit {
            time,
            offset: offset_minutes,
            committed_after: 0,
            committer_offset: None,
            flags: 0,
            provenance: Provenance::Ordinary,
        });
        self
    }

    /// Commits on every weekday (Monday to Friday) of `weeks` weeks from
    /// `first_monday`, at `hours` local time in `zone`, each recording the
    /// offset `recorded` gives for its instant (the zone's own offset for an
    /// honest person).
    pub fn weekdays(
        self,
        first_monday: &str,
        weeks: u32,
        hours: &[u32],
        zone: chrono_tz::Tz,
        recorded: impl Fn(i64) -> i16,
    ) -> Person {
        self.days(first_monday, weeks, &[1, 2, 3, 4, 5], hours, zone, recorded)
    }

    /// As [`Person::weekdays`], on the given days of the week (1 = Monday, 7 =
    /// Sunday). Minutes and seconds are scattered (see [`scatter`]).
    pub fn days(
        self,
        first_monday: &str,
        weeks: u32,
        days: &[u32],
        hours: &[u32],
        zone: chrono_tz::Tz,
        recorded: impl Fn(i64) -> i16,
    ) -> Person {
        let start = NaiveDate::parse_from_str(first_monday, "%Y-%m-%d").expect("a date");
        let dates = (0..weeks * 7)
            .map(|day| start + chrono::Days::new(u64::from(day)))
            .filter(|date| days.contains(&date.weekday().number_from_monday()));
        self.on_dates(dates, hours, zone, recorded)
    }

    /// Commits on each of `dates` at `hours` local time in `zone`, with
    /// scattered minutes and seconds (see [`scatter`]).
    fn on_dates(
        mut self,
        dates: impl Iterator<Item = NaiveDate>,
        hours: &[u32],
        zone: chrono_tz::Tz,
        recorded: impl Fn(i64) -> i16,
    ) -> Person {
        for date in dates {
            let day = date.num_days_from_ce().unsigned_abs();
            for &hour in hours {
                let mix = scatter(day, hour);
                let local = date.and_hms_opt(hour, mix % 50, (mix / 50) % 60);
                if let Some(t) = local.and_then(|l| zone.from_local_datetime(&l).earliest()) {
                    let time = t.timestamp();
                    self.commits.push(Commit {
                        time,
                        offset: recorded(time),
                        committed_after: 0,
                        committer_offset: None,
                        flags: 0,
                        provenance: Provenance::Ordinary,
                    });
                }
            }
        }
        self
    }
}

impl Person {
    /// Commits on every working day of `country`'s calendar (weekdays that
    /// are not its holidays, and its make-up workdays) from `first` to
    /// `last`, at `hours` local time in `zone`: someone who keeps that
    /// country's calendar.
    pub fn working_days_of(
        self,
        country: &str,
        (first, last): (&str, &str),
        hours: &[u32],
        zone: chrono_tz::Tz,
        recorded: impl Fn(i64) -> i16,
    ) -> Person {
        use crate::inference::calendars::{calendars, day_of};
        let calendar = calendars().get(country).expect("a country with a calendar");
        let first = NaiveDate::parse_from_str(first, "%Y-%m-%d").expect("a date");
        let last = NaiveDate::parse_from_str(last, "%Y-%m-%d").expect("a date");
        let dates = first
            .iter_days()
            .take_while(|date| *date <= last)
            .filter(|date| !calendar.is_rest(day_of(*date)));
        self.on_dates(dates, hours, zone, recorded)
    }

    /// Someone claiming Singapore who keeps `country`'s calendar, at +08:00
    /// either way (office hours in Shanghai, Singapore's offsets recorded):
    /// what only the calendar rules can tell apart.
    pub fn in_singapore_keeping(country: &str, span: (&str, &str)) -> Person {
        use chrono_tz::Asia::{Shanghai, Singapore};
        Person::new("Some Person")
            .claims("Asia/Singapore")
            .working_days_of(
                country,
                span,
                &[10, 11, 14, 16],
                Shanghai,
                zone_offset(Singapore),
            )
    }
}

/// A fixed, irregular number for a (day, hour): minutes and seconds that
/// neither repeat nor step at one interval, as real commits' do not.
fn scatter(day: u32, hour: u32) -> u32 {
    let mut x = (day.wrapping_mul(0x9E37_79B9) ^ hour.wrapping_mul(0x85EB_CA6B)).wrapping_add(1);
    x ^= x >> 15;
    x = x.wrapping_mul(0x2C1B_3C6D);
    x ^= x >> 12;
    x
}

/// The offset `zone` had at a UTC instant, in minutes: what an honest
/// person's commits record.
pub fn zone_offset(zone: chrono_tz::Tz) -> impl Fn(i64) -> i16 {
    move |time| {
        use chrono::Offset;
        let utc = chrono::DateTime::from_timestamp(time, 0).expect("a time");
        (zone
            .offset_from_utc_datetime(&utc.naive_utc())
            .fix()
            .local_minus_utc()
            / 60) as i16
    }
}

/// A fixed offset, whatever the instant.
pub fn fixed(offset_minutes: i16) -> impl Fn(i64) -> i16 {
    move |_| offset_minutes
}

/// Analyse these people as one repository's history.
pub fn analyse(people: &[Person]) -> Analysis {
    let mut records = Vec::new();
    let mut contributors = Vec::new();
    let mut claims = Vec::new();
    for (i, person) in people.iter().enumerate() {
        let email = person.email();
        let mut identities = BTreeMap::from([(
            (person.name.clone().into_bytes(), email.clone().into_bytes()),
            person.commits.len() as u64,
        )]);
        for name in &person.other_names {
            identities.insert((name.clone().into_bytes(), email.clone().into_bytes()), 1);
        }
        contributors.push(Contributor {
            key: email.clone().into_bytes(),
            identities: identities.clone(),
            raw_identities: identities,
            kind: ContributorKind::Human,
            bot_only_in_range: false,
            unverified_forge_commits: Vec::new(),
        });
        for (k, c) in person.commits.iter().enumerate() {
            let mut id = [0u8; 20];
            id[..4].copy_from_slice(&(i as u32).to_be_bytes());
            id[4..12].copy_from_slice(&(k as u64).to_be_bytes());
            records.push(CommitRecord {
                id,
                author_time: c.time,
                committer_time: c.time + c.committed_after,
                contributor: i as u32,
                committer: i as u32,
                author_offset: c.offset,
                committer_offset: c.committer_offset.unwrap_or(c.offset),
                flags: c.flags,
                repo: 0,
                provenance: c.provenance,
            });
        }
        if let Some(claim) = &person.claim {
            claims.push(Claim {
                emails: vec![email],
                name: None,
                location: Location::parse(claim).unwrap_or_else(|e| panic!("{claim}: {e}")),
                source: format!("test:{i}"),
                source_file: "test".into(),
                source_line: i,
            });
        }
    }
    records.sort_by_key(|r| (r.contributor, r.author_time));
    let fingerprints = people.iter().map(|p| p.fingerprint.clone()).collect();
    let history = History::in_memory("test", contributors, records, fingerprints);
    analysis::analyse(history, claims, Thresholds::default())
}

/// The finding of `rule` for person `who` (their index), if the rule fired.
pub fn finding(people: &[Person], who: usize, rule: &str) -> Option<Finding> {
    let analysis = analyse(people);
    analysis
        .results
        .into_iter()
        .find(|r| r.profile.contributor == who as u32)
        .and_then(|r| r.findings.into_iter().find(|f| f.rule == rule))
}

/// The severity `rule` gives the only person, if it fired.
pub fn severity_for(person: Person, rule: &str) -> Option<Severity> {
    finding(&[person], 0, rule).map(|f| f.severity)
}

/// The severity of `rule`'s finding about `person` once `mark` has changed
/// what the history says of the contributor (what `check` marks on a range's
/// contributors: `bot_only_in_range`, `unverified_forge_commits`).
pub fn severity_for_marked(
    person: Person,
    mark: impl FnOnce(&mut crate::model::identities::Contributor),
    rule: &str,
) -> Option<Severity> {
    let mut history = analyse(&[person]).history;
    mark(&mut history.contributors[0]);
    crate::analysis::analyse_with(history, Vec::new(), Default::default(), &Default::default())
        .results[0]
        .findings
        .iter()
        .find(|f| f.rule == rule)
        .map(|f| f.severity)
}

/// What a calendar rule gives someone claiming Singapore who keeps
/// `country`'s calendar: over three years (2021–2023), or over two months.
pub fn calendar_rule_severity(rule: &str, country: &str, three_years: bool) -> Option<Severity> {
    let span = if three_years {
        ("2021-01-04", "2023-12-29")
    } else {
        ("2023-03-01", "2023-04-30")
    };
    severity_for(Person::in_singapore_keeping(country, span), rule)
}
