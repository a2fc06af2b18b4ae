//! Reports: one serialisable model built from the analysis, and one file per
//! output format writing it to a writer it is given.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::analysis::Analysis;
use crate::analysis::verdicts::Verdict;
use crate::detectors::evidence::PeerRef;
use crate::detectors::{Finding, Severity, iso_time};
use crate::inference::profiles::{DelayStats, format_offset};
use crate::model::history::{MalformedExample, RepoSummary};
use crate::text::Script;

pub mod csv;
pub mod gitlab;
pub mod html;
pub mod identities;
pub mod json;
pub mod markdown;
pub mod naming;
pub mod sarif;
pub mod show;
pub mod text;

pub const SCHEMA_VERSION: u32 = 1;

pub use crate::privacy::Privacy;

#[derive(Debug, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub command: String,
    pub repositories: Vec<RepoSummary>,
    pub options: ReportOptions,
    pub incomplete: bool,
    pub incomplete_reasons: Vec<String>,
    pub summary: Summary,
    pub contributors: Vec<ContributorReport>,
    pub unmatched_claims: Vec<ClaimReport>,
    /// `check` only: the range judged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<CheckSummary>,
    /// File (relative to the repository root) that SARIF and GitLab results
    /// point at when a finding has no claim line; see `anchor_file`.
    #[serde(skip)]
    pub anchor_file: String,
}

pub use crate::git::settings::anchor_file;

/// What `check` judged.
#[derive(Debug, Serialize, Clone)]
pub struct CheckSummary {
    pub range: String,
    /// Commits in the range (all authors, bots included).
    pub range_commits: u64,
    /// Contributors who authored a commit in the range.
    pub authors: usize,
    /// Findings the range's commits raised (`origin: range`).
    pub findings_from_range: usize,
    /// Findings already present before the range (`origin: baseline`).
    pub findings_from_baseline: usize,
    pub fail_on: Severity,
    /// Settings files the range edits (read from the base instead): a finding
    /// about the change itself, at [`SETTINGS_EDIT_SEVERITY`].
    pub settings_edited: Vec<SettingsEdit>,
}

/// A range that edits the accepted findings or the claims cannot vouch for
/// itself: reported so that someone else reviews the edit, and severe enough
/// to stop the default gate.
pub const SETTINGS_EDIT_SEVERITY: Severity = Severity::High;
pub const SETTINGS_EDIT_RULE: &str = "settings-edited";

#[derive(Debug, Clone, Serialize)]
pub struct SettingsEdit {
    pub repository: String,
    /// `.git-alibi.toml`, `.git-alibi-accepted.toml`, `.mailmap` or the roster's path.
    pub file: String,
    pub severity: Severity,
    pub summary: String,
    /// Lines the range adds to the file, as written (the first ten; `.mailmap`
    /// and roster lines say whose identity or claim the edit would change).
    pub added_lines: Vec<String>,
    /// How many lines the range adds in all.
    pub added_count: usize,
}

impl SettingsEdit {
    pub fn new(repository: &str, edit: &crate::git::settings::EditedFile) -> SettingsEdit {
        use crate::git::settings::{ACCEPTED_FILE, CONFIG_FILE, MAILMAP_FILE};
        let file = edit.file.as_str();
        let what = match file {
            CONFIG_FILE => "the claims and thresholds",
            ACCEPTED_FILE => "the accepted findings",
            MAILMAP_FILE => "who is who (the mailmap)",
            _ => "the roster",
        };
        SettingsEdit {
            repository: repository.to_owned(),
            file: file.to_owned(),
            severity: SETTINGS_EDIT_SEVERITY,
            summary: format!(
                "this range edits {what} ({}); they were read from the base instead, and the edit needs review by someone other than its author",
                crate::text::display_safe(file.as_bytes(), crate::text::limit::PATH_IN_LINE)
            ),
            added_lines: edit
                .added_lines
                .iter()
                .map(|l| crate::text::lossy_bounded(l, crate::text::limit::NAME_STORED))
                .collect(),
            added_count: edit.added_count,
        }
    }

    /// "It adds «a», «b» and 3 more lines.", each line made safe by `safe`
    /// for the writer's format; `None` when the edit adds no line.
    pub fn added(&self, safe: impl Fn(&str) -> String) -> Option<String> {
        if self.added_lines.is_empty() {
            return None;
        }
        let shown: Vec<String> = self
            .added_lines
            .iter()
            .map(|l| format!("«{}»", safe(l)))
            .collect();
        let more = self.added_count.saturating_sub(self.added_lines.len());
        Some(format!(
            "It adds {}{}.",
            shown.join(", "),
            if more > 0 {
                format!(" and {} more", count(more, "line"))
            } else {
                String::new()
            }
        ))
    }
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Serialize, Default)]
pub struct ReportOptions {
    pub range: Option<String>,
    /// Filters apply to the author date.
    pub since: Option<String>,
    pub until: Option<String>,
    pub mailmap: bool,
    pub emails_shown: bool,
    pub pseudonymized: bool,
    /// `check`: contributors carry `range_commits` (not serialised).
    #[serde(skip)]
    pub range_judged: bool,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub commits: u64,
    pub contributors: usize,
    pub by_verdict: BTreeMap<&'static str, usize>,
    pub by_kind: BTreeMap<&'static str, usize>,
    /// Findings skipped because they are in the accepted-findings file.
    pub accepted_findings: usize,
}

#[derive(Debug, Serialize, Clone)]
pub struct ClaimReport {
    pub location: String,
    pub kind: crate::inference::claims::LocationKind,
    pub country: Option<String>,
    pub source: String,
    /// File and line of the claim (`.git-alibi.toml` or the roster).
    pub file: String,
    pub line: usize,
    /// Emails of the claim (pseudonymised unless emails are shown).
    pub emails: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct InferenceReport {
    pub interval_90: [f64; 2],
    pub confidence: f64,
    pub chronotype_shift_hours: i32,
    pub observations: u32,
}

/// A contributor's timed commits read in the claimed location's local time.
#[derive(Debug, Serialize)]
pub struct ClaimedLocalTime {
    /// Share of commits at 00:00–05:59 claimed local time.
    pub night_share: f64,
    /// Hour at which the quietest 5 hours start (the sleep trough), claimed local time.
    pub sleep_trough_start_hour: usize,
    /// Share of commits inside that trough.
    pub sleep_trough_share: f64,
    pub commits_by_hour: [u64; 24],
    /// Weekday (Monday first) × hour in claimed local time.
    pub commits_by_weekday_hour: [[u32; 24]; 7],
    /// UTC offsets (hours) the claimed location had during the activity.
    pub claimed_utc_offsets_hours: Vec<f64>,
}

#[derive(Debug, Serialize)]
pub struct OffsetRunReport {
    pub offset: String,
    pub start: String,
    pub end: String,
    pub commits: u64,
}

#[derive(Debug, Serialize)]
pub struct FingerprintReport {
    pub encodings: BTreeMap<String, u64>,
    pub signature_kinds: BTreeMap<&'static str, u64>,
    pub unknown_headers: BTreeMap<String, u64>,
    pub trailers: BTreeMap<String, u64>,
    pub line_endings: BTreeMap<&'static str, u64>,
    pub name_scripts: BTreeMap<&'static str, u64>,
    pub message_scripts: BTreeMap<&'static str, u64>,
    pub malformed_idents: BTreeMap<&'static str, u64>,
    pub malformed_examples: Vec<MalformedExample>,
}

#[derive(Debug, Serialize)]
pub struct ProfileReport {
    pub timed_commits: u64,
    pub active_days: u64,
    pub active_weeks: u64,
    pub hour_of_week_utc: [[u32; 24]; 7],
    pub hour_of_week_local: [[u32; 24]; 7],
    pub offset_timeline: Vec<OffsetRunReport>,
    pub dominant_offsets: Vec<(String, u64)>,
    pub busiest_local_hours: Vec<usize>,
    pub delay: DelayStats,
    pub committed_by_other_share: f64,
    pub signed_share: f64,
    pub fingerprint: FingerprintReport,
    /// Commits the rules read only in part because of how they were made.
    pub set_aside: Vec<crate::inference::profiles::SetAside>,
}

#[derive(Debug, Serialize)]
pub struct ContributorReport {
    pub id: String,
    pub name: String,
    pub kind: crate::model::identities::ContributorKind,
    pub emails: Vec<String>,
    pub identities: usize,
    pub commits: u64,
    pub merges: u64,
    pub first_commit: String,
    pub last_commit: String,
    pub repositories: BTreeMap<String, u64>,
    pub claim: Option<ClaimReport>,
    pub claimed_local_time: Option<ClaimedLocalTime>,
    pub inferred_utc_offset_hours: Option<f64>,
    pub inference: Option<InferenceReport>,
    pub verdict: Verdict,
    pub risk: f64,
    pub needed: Option<String>,
    pub findings: Vec<Finding>,
    /// Findings skipped because they were reviewed and accepted.
    pub accepted_findings: usize,
    /// `check` only: this contributor's commits in the range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range_commits: Option<u64>,
    pub profile: ProfileReport,
}

/// Longest offset timeline kept per contributor in reports (the rest is summarised).
const MAX_TIMELINE: usize = 200;

fn script_counts(counts: &[u64]) -> BTreeMap<&'static str, u64> {
    Script::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| (s.name(), *n))
        .collect()
}

/// Identity findings name other contributors by index ([`Finding::peers`]):
/// the report alone turns them into ids and names (`evidence.peers`), under
/// the same privacy as the rest.
fn with_peers_named(
    f: &Finding,
    history: &crate::model::history::History,
    privacy: &Privacy,
) -> Finding {
    let mut f = f.clone();
    if let Some(peers) = &f.peers {
        let named: Vec<PeerRef> = peers
            .iter()
            .filter_map(|&i| history.contributors.get(i as usize))
            .map(|c| PeerRef {
                id: naming::id(privacy, c),
                name: naming::name(privacy, c),
            })
            .collect();
        f.evidence["peers"] = serde_json::to_value(named).unwrap_or_default();
    }
    f
}

pub fn build(
    analysis: &Analysis,
    command: &str,
    options: ReportOptions,
    privacy: &Privacy,
) -> Report {
    let history = &analysis.history;
    let claim_report = |i: usize| {
        let c = &analysis.claims[i];
        ClaimReport {
            location: c.location.text.clone(),
            kind: c.location.kind,
            country: c.location.country.clone(),
            source: c.source.clone(),
            file: c.source_file.clone(),
            line: c.source_line,
            emails: c
                .emails
                .iter()
                .map(|e| naming::email(privacy, e.as_bytes()))
                .collect(),
        }
    };
    let mut contributors: Vec<ContributorReport> = analysis
        .results
        .iter()
        .map(|r| {
            let c = &history.contributors[r.profile.contributor as usize];
            let fp = &history.fingerprints[r.profile.contributor as usize];
            let p = &r.profile;
            let mut timeline: Vec<OffsetRunReport> = p
                .offset_runs
                .iter()
                .map(|run| OffsetRunReport {
                    offset: format_offset(run.offset_minutes),
                    start: iso_time(run.start),
                    end: iso_time(run.end),
                    commits: run.commits,
                })
                .collect();
            timeline.truncate(MAX_TIMELINE);
            ContributorReport {
                id: naming::id(privacy, c),
                name: naming::name(privacy, c),
                kind: c.kind,
                emails: {
                    let mut v: Vec<String> = c
                        .emails()
                        .into_iter()
                        .map(|e| naming::email(privacy, e))
                        .collect();
                    v.sort();
                    v.dedup();
                    v
                },
                identities: c.identities.len(),
                commits: p.commits,
                merges: p.merges,
                first_commit: iso_time(p.first_author_time),
                last_commit: iso_time(p.last_author_time),
                repositories: history.per_repo[p.contributor as usize]
                    .iter()
                    .map(|(repo, n)| (history.repos[*repo as usize].path.clone(), *n))
                    .collect(),
                claim: r.claim.map(claim_report),
                claimed_local_time: r.claimed_hours.as_ref().map(|h| ClaimedLocalTime {
                    night_share: crate::inference::rhythm::round3(h.night_share),
                    sleep_trough_start_hour: h.trough_start,
                    sleep_trough_share: crate::inference::rhythm::round3(h.trough_share),
                    commits_by_hour: h.by_hour,
                    commits_by_weekday_hour: h.by_weekday_hour,
                    claimed_utc_offsets_hours: h
                        .claimed_offsets
                        .iter()
                        .map(|m| *m as f64 / 60.0)
                        .collect(),
                }),
                inferred_utc_offset_hours: r.inference.as_ref().map(|i| i.utc_offset_hours),
                inference: r.inference.as_ref().map(|i| InferenceReport {
                    interval_90: i.interval_90,
                    confidence: i.confidence,
                    chronotype_shift_hours: i.chronotype_shift_hours,
                    observations: i.observations,
                }),
                verdict: r.judgement.verdict,
                risk: r.judgement.risk,
                needed: r.judgement.needed.clone(),
                findings: r
                    .findings
                    .iter()
                    .map(|f| with_peers_named(f, history, privacy))
                    .collect(),
                accepted_findings: r.accepted.len(),
                range_commits: options.range_judged.then(|| {
                    history
                        .records_of(p.contributor)
                        .iter()
                        .filter(|r| r.has(crate::model::history::flags::IN_RANGE))
                        .count() as u64
                }),
                profile: ProfileReport {
                    set_aside: p.set_aside.clone(),
                    timed_commits: p.timed_commits,
                    active_days: p.active_days,
                    active_weeks: p.active_weeks,
                    hour_of_week_utc: p.hour_of_week_utc,
                    hour_of_week_local: p.hour_of_week_local,
                    offset_timeline: timeline,
                    dominant_offsets: p
                        .dominant_offsets()
                        .into_iter()
                        .map(|(o, n)| (format_offset(o), n))
                        .collect(),
                    busiest_local_hours: p.busiest_local_hours(),
                    delay: p.delay.clone(),
                    committed_by_other_share: crate::inference::rhythm::round3(
                        p.committed_by_other_share,
                    ),
                    signed_share: crate::inference::rhythm::round3(p.signed_share),
                    fingerprint: FingerprintReport {
                        encodings: fp.encodings.clone(),
                        signature_kinds: fp.signature_kinds.clone(),
                        unknown_headers: fp.unknown_headers.clone(),
                        trailers: fp.trailers.clone(),
                        line_endings: fp.line_endings.clone(),
                        name_scripts: script_counts(&fp.name_scripts),
                        message_scripts: script_counts(&fp.message_scripts),
                        malformed_idents: fp.malformed.clone(),
                        malformed_examples: fp.malformed_examples.clone(),
                    },
                },
            }
        })
        .collect();
    contributors.sort_by(|a, b| {
        b.risk
            .total_cmp(&a.risk)
            .then(b.verdict.cmp(&a.verdict))
            .then(b.commits.cmp(&a.commits))
            .then(a.id.cmp(&b.id))
    });
    let accepted_findings = contributors.iter().map(|c| c.accepted_findings).sum();
    let mut by_verdict = BTreeMap::new();
    let mut by_kind = BTreeMap::new();
    for c in &contributors {
        *by_verdict.entry(c.verdict.name()).or_default() += 1;
        *by_kind.entry(c.kind.name()).or_default() += 1;
    }
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "git-alibi",
            version: env!("CARGO_PKG_VERSION"),
        },
        command: command.to_owned(),
        repositories: history.repos.clone(),
        options: ReportOptions {
            emails_shown: privacy.show_emails,
            pseudonymized: privacy.pseudonymize,
            ..options
        },
        incomplete: !history.incomplete.is_empty(),
        incomplete_reasons: history.incomplete.clone(),
        summary: Summary {
            commits: history.commit_count,
            contributors: contributors.len(),
            by_verdict,
            by_kind,
            accepted_findings,
        },
        contributors,
        unmatched_claims: analysis
            .unmatched_claims
            .iter()
            .map(|&i| claim_report(i))
            .collect(),
        check: None,
        anchor_file: history
            .repos
            .first()
            .map_or_else(|| anchor_file(None), |r| r.anchor_file.clone()),
    }
}

/// " — with A, B" naming the contributors an identity finding links to
/// (each name escaped for the output format), or "" when there are none.
pub fn with_peers(f: &Finding, escape: impl Fn(&str) -> String) -> String {
    let names: Vec<String> = f
        .evidence
        .get("peers")
        .and_then(|p| p.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|p| p.get("name").and_then(|n| n.as_str()))
                .map(&escape)
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        String::new()
    } else {
        format!(" — with {}", names.join(", "))
    }
}

impl Report {
    /// Every finding with its contributor, most severe first (stable order).
    pub fn all_findings(&self) -> Vec<(&ContributorReport, &Finding)> {
        let mut v: Vec<_> = self
            .contributors
            .iter()
            .flat_map(|c| c.findings.iter().map(move |f| (c, f)))
            .collect();
        v.sort_by(|a, b| {
            b.1.severity
                .cmp(&a.1.severity)
                .then(a.1.rule.cmp(b.1.rule))
                .then(a.1.fingerprint.cmp(&b.1.fingerprint))
        });
        v
    }

    /// The most severe finding of any contributor.
    /// The strongest finding, the range's edits of settings included.
    pub fn max_severity(&self) -> Option<Severity> {
        self.contributors
            .iter()
            .flat_map(|c| c.findings.iter().map(|f| f.severity))
            .chain(self.settings_edits().iter().map(|e| e.severity))
            .max()
    }

    pub fn settings_edits(&self) -> &[SettingsEdit] {
        self.check
            .as_ref()
            .map(|c| c.settings_edited.as_slice())
            .unwrap_or_default()
    }
}

/// A contributor's commits per repository, largest first (then by path),
/// at most `shown` of them, as "PATH N, PATH N and 3 more" with each path
/// passed through the format's `escape`; `None` in a one-repository report.
pub fn per_repository(
    report: &Report,
    c: &ContributorReport,
    shown: usize,
    escape: impl Fn(&str) -> String,
) -> Option<String> {
    if report.repositories.len() < 2 {
        return None;
    }
    let mut counts: Vec<(&String, &u64)> = c.repositories.iter().collect();
    counts.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut text = counts
        .iter()
        .take(shown)
        .map(|(path, n)| format!("{} {n}", escape(path)))
        .collect::<Vec<_>>()
        .join(", ");
    if counts.len() > shown {
        text.push_str(&format!(" and {} more", counts.len() - shown));
    }
    Some(text)
}

/// "1 commit", "2 commits", "1 repository", "3 repositories": every format
/// counts through this.
pub fn count(n: usize, singular: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else if let Some(stem) = singular.strip_suffix('y') {
        format!("{n} {stem}ies")
    } else {
        format!("{n} {singular}s")
    }
}

/// The output formats (`crate::cli` gives each its name and help).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// A summary for a CI job page or a ticket.
    Markdown,
    /// GitLab Code Quality report.
    Gitlab,
    /// One self-contained HTML page with heatmaps.
    Html,
    /// One row per contributor, for spreadsheets.
    Csv,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Markdown,
        Format::Gitlab,
        Format::Html,
        Format::Csv,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Gitlab => "gitlab",
            Format::Html => "html",
            Format::Csv => "csv",
        }
    }
}

pub fn write(
    report: &Report,
    format: Format,
    out: &mut dyn Write,
    color: bool,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(report, out),
        Format::Text => text::write(report, out, color),
        Format::Sarif => sarif::write(report, out),
        Format::Markdown => markdown::write(report, out),
        Format::Gitlab => gitlab::write(report, out),
        Format::Html => html::write(report, out),
        Format::Csv => csv::write(report, out),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_read_as_english() {
        assert_eq!(super::count(1, "commit"), "1 commit");
        assert_eq!(super::count(0, "commit"), "0 commits");
        assert_eq!(super::count(1, "repository"), "1 repository");
        assert_eq!(super::count(3, "repository"), "3 repositories");
        assert_eq!(super::count(2, "accepted finding"), "2 accepted findings");
    }
}
