//! Per-contributor working-pattern profiles built from the compact records.

use serde::Serialize;

use crate::model::history::{CommitRecord, History, Provenance, flags, is_timed};
use crate::model::identities::ContributorKind;

/// A run of consecutive commits (by author date) at the same recorded offset.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OffsetRun {
    /// Minutes east of UTC; `null` for an unreadable offset.
    pub offset_minutes: Option<i16>,
    pub start: i64,
    pub end: i64,
    pub commits: u64,
}

/// Author-to-committer delay, in seconds, over commits with both dates.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct DelayStats {
    pub median_seconds: i64,
    pub p90_seconds: i64,
    pub max_seconds: i64,
    /// Commits committed more than a day after they were authored.
    pub share_over_one_day: f64,
    /// Commits whose committer date is before the author date.
    pub committed_before_authored: u64,
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub contributor: u32,
    pub kind: ContributorKind,
    pub commits: u64,
    pub merges: u64,
    /// Commits in the timing profile (human, not via a forge UI, readable date).
    pub timed_commits: u64,
    pub first_author_time: i64,
    pub last_author_time: i64,
    /// `[weekday Monday=0][hour]`, author date in UTC.
    pub hour_of_week_utc: [[u32; 24]; 7],
    /// `[weekday][hour]` in the offset each commit recorded (readable offsets only).
    pub hour_of_week_local: [[u32; 24]; 7],
    pub offset_runs: Vec<OffsetRun>,
    pub delay: DelayStats,
    pub committed_by_other_share: f64,
    pub signed_share: f64,
    /// Distinct UTC days with at least one timed commit.
    pub active_days: u64,
    /// Distinct ISO weeks with at least one timed commit.
    pub active_weeks: u64,
    /// Commits whose date or offset the rules set aside, and why (by provenance).
    pub set_aside: Vec<SetAside>,
}

/// Commits of one provenance that the rules read only in part.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SetAside {
    pub provenance: &'static str,
    pub commits: u64,
    pub reason: &'static str,
}

/// What each provenance means for the rules, as reports say it.
fn set_aside_reason(provenance: Provenance) -> Option<&'static str> {
    Some(match provenance {
        Provenance::Ordinary => return None,
        Provenance::ForgeMerge => {
            "made with a forge's merge button: the offset is the forge's (GitHub wrote US Pacific time before 2014), so only the instant is read"
        }
        Provenance::ForgeWeb => {
            "made in a forge's web UI: the offset is the browser's (US Pacific before 2014, then read as the author's), the instant is the click"
        }
        Provenance::ForgeSquash => {
            "squash-merged in a forge's web UI: the date is the merge click (read as the author's: on real histories these clicks carry the author's own zone), the offset the browser's"
        }
        Provenance::MergedAtMergeTime => {
            "merged by a bot with the author date set to the merge: the bot's clock, so it is kept out of the timing and offset rules"
        }
        Provenance::RebasedByForge => {
            "rebased or applied by a forge or bot that kept the author date: read as the author's, not ordered against its parents"
        }
        Provenance::AppliedByOther => {
            "applied by someone else (git am, a maintainer's rebase): read as the author's, not ordered against its parents"
        }
        Provenance::CherryPick => {
            "cherry-picked: the author date is the original's, not ordered against its new parents"
        }
        Provenance::SquashedAtMerge => {
            "a pull request squashed by another person with the author date set to the merge: the instant is the merger's, so it is kept out of the timing rules; the offset is read as the author's"
        }
        Provenance::Imported => {
            "converted from Subversion (git svn and other importers): the instant is the Subversion commit's, the offset the importer's (Subversion keeps no zone), so only the instant is read"
        }
        Provenance::Reapplied => {
            "a copy, applied by someone else, of a commit the author made at the same second with another offset (a back-port whose tool wrote the author date in its own zone): the offset is the copier's, so only the instant is read"
        }
        Provenance::CommittedForAuthor => {
            "committed by another person at the second it was authored, with the same offset (a maintainer re-creating the patch with git commit --author): both dates are the committer's clock, so it is kept out of the timing and offset rules"
        }
        Provenance::ForgeSquashByOther => {
            "squash-merged in a forge's web UI from a browser in another zone, by one that merges other people's pull requests here (a maintainer or a bot): the instant is theirs, so it is kept out of the timing rules; the offset is read as the author's"
        }
    })
}

const SERIES_REASON: &str = "later patches of a mailing-list series (git send-email dates them one second apart): one sitting, counted once";

pub const DAY: i64 = 86_400;
pub const WEEK: i64 = 7 * DAY;

/// Weekday (Monday = 0) and hour of an instant shifted by `offset_minutes`.
pub fn weekday_hour(seconds: i64, offset_minutes: i32) -> (usize, usize) {
    let local = seconds + offset_minutes as i64 * 60;
    let days = local.div_euclid(DAY);
    // 1970-01-01 was a Thursday (Monday = 0 -> Thursday = 3).
    let weekday = (days + 3).rem_euclid(7) as usize;
    let hour = (local.rem_euclid(DAY) / 3600) as usize;
    (weekday, hour)
}

pub fn build(history: &History) -> Vec<Profile> {
    (0..history.contributors.len() as u32)
        .map(|c| build_one(history, c))
        .collect()
}

fn build_one(history: &History, contributor: u32) -> Profile {
    let kind = history.contributors[contributor as usize].kind;
    let records = history.records_of(contributor);
    let mut p = Profile {
        contributor,
        kind,
        commits: records.len() as u64,
        merges: 0,
        timed_commits: 0,
        first_author_time: records.first().map_or(0, |r| r.author_time),
        last_author_time: records.last().map_or(0, |r| r.author_time),
        hour_of_week_utc: [[0; 24]; 7],
        hour_of_week_local: [[0; 24]; 7],
        offset_runs: Vec::new(),
        delay: DelayStats::default(),
        committed_by_other_share: 0.0,
        signed_share: 0.0,
        active_days: 0,
        active_weeks: 0,
        set_aside: Vec::new(),
    };
    let mut delays = Vec::with_capacity(records.len());
    let mut by_other = 0u64;
    let mut signed = 0u64;
    let mut last_day = i64::MIN;
    let mut last_week = i64::MIN;
    let mut by_provenance = [0u64; Provenance::ALL.len()];
    let mut series = 0u64;
    for r in records {
        if kind == ContributorKind::Human {
            by_provenance[r.provenance as usize] += 1;
            series += r.has(flags::SERIES_CONTINUATION) as u64;
        }
        if r.has(flags::MERGE) {
            p.merges += 1;
        }
        if r.has(flags::COMMITTED_BY_OTHER) {
            by_other += 1;
        }
        if r.has(flags::SIGNED) {
            signed += 1;
        }
        if !r.has(flags::AUTHOR_MALFORMED) && !r.has(flags::COMMITTER_MALFORMED) {
            delays.push(r.committer_time - r.author_time);
        }
        if !is_timed(r, kind) {
            continue;
        }
        p.timed_commits += 1;
        let (wd, h) = weekday_hour(r.author_time, 0);
        p.hour_of_week_utc[wd][h] += 1;
        if let Some(off) = r.author_offset() {
            let (wd, h) = weekday_hour(r.author_time, off as i32);
            p.hour_of_week_local[wd][h] += 1;
        }
        let day = r.author_time.div_euclid(DAY);
        if day != last_day {
            p.active_days += 1;
            last_day = day;
        }
        // Weeks starting Monday 00:00 UTC (epoch day 4 was a Monday).
        let week = (day - 4).div_euclid(7);
        if week != last_week {
            p.active_weeks += 1;
            last_week = week;
        }
    }
    p.offset_runs = offset_runs(records, kind);
    p.set_aside = Provenance::ALL
        .iter()
        .zip(by_provenance)
        .filter(|(_, n)| *n > 0)
        .filter_map(|(prov, n)| {
            set_aside_reason(*prov).map(|reason| SetAside {
                provenance: prov.name(),
                commits: n,
                reason,
            })
        })
        .collect();
    if series > 0 {
        p.set_aside.push(SetAside {
            provenance: "mail-series",
            commits: series,
            reason: SERIES_REASON,
        });
    }
    if !records.is_empty() {
        p.committed_by_other_share = by_other as f64 / records.len() as f64;
        p.signed_share = signed as f64 / records.len() as f64;
    }
    if !delays.is_empty() {
        let before = delays.iter().filter(|&&d| d < 0).count() as u64;
        let over_day = delays.iter().filter(|&&d| d > DAY).count();
        delays.sort_unstable();
        let q = |f: f64| delays[((delays.len() - 1) as f64 * f).round() as usize];
        p.delay = DelayStats {
            median_seconds: q(0.5),
            p90_seconds: q(0.9),
            max_seconds: *delays.last().unwrap_or(&0),
            share_over_one_day: over_day as f64 / delays.len() as f64,
            committed_before_authored: before,
        };
    }
    p
}

/// Runs of the same recorded author offset, in author-date order, over the
/// commits of the timing profile (bots keep all their commits).
pub fn offset_runs(records: &[CommitRecord], kind: ContributorKind) -> Vec<OffsetRun> {
    let mut runs: Vec<OffsetRun> = Vec::new();
    for r in records {
        if kind == ContributorKind::Human && !r.provenance.offset_is_authors(r.author_time) {
            continue;
        }
        let off = r.author_offset();
        match runs.last_mut() {
            Some(run) if run.offset_minutes == off => {
                run.end = r.author_time;
                run.commits += 1;
            }
            _ => runs.push(OffsetRun {
                offset_minutes: off,
                start: r.author_time,
                end: r.author_time,
                commits: 1,
            }),
        }
    }
    runs
}

impl Profile {
    /// Offsets by number of commits, most used first.
    pub fn dominant_offsets(&self) -> Vec<(Option<i16>, u64)> {
        let mut counts: std::collections::BTreeMap<Option<i16>, u64> = Default::default();
        for run in &self.offset_runs {
            *counts.entry(run.offset_minutes).or_default() += run.commits;
        }
        let mut v: Vec<_> = counts.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// The three busiest hours of the day in recorded local time.
    pub fn busiest_local_hours(&self) -> Vec<usize> {
        let mut by_hour = [0u32; 24];
        for day in &self.hour_of_week_local {
            for (h, n) in day.iter().enumerate() {
                by_hour[h] += n;
            }
        }
        let mut hours: Vec<usize> = (0..24).filter(|&h| by_hour[h] > 0).collect();
        hours.sort_by(|&a, &b| by_hour[b].cmp(&by_hour[a]).then(a.cmp(&b)));
        hours.truncate(3);
        hours
    }
}

/// `+05:30` style text for an offset in minutes.
pub fn format_offset(minutes: Option<i16>) -> String {
    match minutes {
        None => "invalid".to_owned(),
        Some(m) => {
            let sign = if m < 0 { '-' } else { '+' };
            let m = m.unsigned_abs();
            format!("{sign}{:02}:{:02}", m / 60, m % 60)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays() {
        // 2024-01-01T00:30:00Z was a Monday.
        assert_eq!(weekday_hour(1_704_069_000, 0), (0, 0));
        // At -01:00 it is still Sunday 23:30.
        assert_eq!(weekday_hour(1_704_069_000, -60), (6, 23));
        assert_eq!(weekday_hour(-1, 0), (2, 23)); // 1969-12-31 was a Wednesday
        assert_eq!(format_offset(Some(-210)), "-03:30");
        assert_eq!(format_offset(Some(345)), "+05:45");
    }
}
