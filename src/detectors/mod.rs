//! The rule engine. A rule is one file here: it reads a contributor's profile,
//! records and claim, and returns findings. Verdicts are computed from
//! findings in one place (`crate::analysis::verdicts`).

use serde::Serialize;

use crate::inference::claims::{Claim, Thresholds};
use crate::inference::profiles::Profile;
use crate::inference::rhythm::Inference;
use crate::model::history::{CommitRecord, Fingerprint, is_timed};

pub mod bot_only_in_range;
pub mod circadian;
pub mod evidence;
pub mod fingerprint_change;
pub mod forge_impersonation;
pub mod holiday_calendar;
pub mod identity_churn;
pub mod legacy_encoding;
pub mod local_days;
pub mod makeup_workdays;
pub mod malformed_ident;
pub mod no_dst;
pub mod offset_slips;
pub mod offset_vs_claim;
pub mod personas;
pub mod pyongyang_time;
pub mod script_mismatch;
pub mod shared_account;
pub mod shared_machine;
pub mod shared_signing_key;
pub mod timestamp_forgery;
pub mod weekly_rhythm;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// Independent families of evidence: the verdict needs agreement between
/// families, never two rules reading the same thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Recorded UTC offsets.
    Offsets,
    /// Timing of activity (UTC instants only).
    Rhythm,
    /// One identity operated from two places.
    Sharing,
    /// Headers and tooling habits.
    Tooling,
    /// Weekly rest days and holidays.
    Calendar,
    /// Links to other identities (names, machines, keys).
    Identity,
    /// Dates that real work does not produce.
    Integrity,
}

impl Family {
    pub fn name(self) -> &'static str {
        match self {
            Family::Offsets => "offsets",
            Family::Rhythm => "rhythm",
            Family::Sharing => "sharing",
            Family::Tooling => "tooling",
            Family::Calendar => "calendar",
            Family::Identity => "identity",
            Family::Integrity => "integrity",
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    pub family: Family,
    pub severity: Severity,
    pub summary: String,
    /// The rule's [`evidence::RuleEvidence`], serialised.
    pub evidence: serde_json::Value,
    /// Identity rules: the linked contributors (indices into the history's
    /// contributors), named only by the report (`evidence.peers`).
    #[serde(skip)]
    pub peers: Option<Vec<u32>>,
    /// Stable across runs and options: rule + contributor (see `crate::analysis::accepted`).
    pub fingerprint: String,
    /// `check` only: whether the range's commits raised the finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

impl Finding {
    /// A finding as a rule reports it; the fingerprint and (for `check`) the
    /// origin are filled in by the analysis.
    pub fn new<E: evidence::RuleEvidence>(
        rule: &'static str,
        severity: Severity,
        summary: String,
        evidence: &E,
    ) -> Finding {
        Finding {
            rule,
            family: family_of(rule),
            severity,
            summary,
            // Evidence types hold strings, numbers and string-keyed maps,
            // which always serialise.
            evidence: serde_json::to_value(evidence).unwrap_or_default(),
            peers: None,
            fingerprint: String::new(),
            origin: None,
        }
    }

    /// The contributors an identity finding links to (see [`Finding::peers`]).
    pub fn naming_peers(mut self, peers: Vec<u32>) -> Finding {
        self.peers = Some(peers);
        self
    }
}

/// Where a `check` finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Absent (or weaker) without the range's commits: the new commits raised it.
    Range,
    /// Already present, at this severity, in the history before the range.
    Baseline,
}

impl Origin {
    /// How reports say it.
    pub fn phrase(self) -> &'static str {
        match self {
            Origin::Range => "raised by the range",
            Origin::Baseline => "already in the baseline",
        }
    }
}

/// Everything a rule may read about one contributor.
pub struct Subject<'a> {
    pub profile: &'a Profile,
    /// All of the contributor's commits, by author date.
    pub records: &'a [CommitRecord],
    pub fingerprint: &'a Fingerprint,
    pub claim: Option<&'a Claim>,
    pub inference: Option<&'a Inference>,
    pub observations: &'a [u32; 168],
    pub thresholds: &'a Thresholds,
    /// The contributor (identities, kind).
    pub contributor: &'a crate::model::identities::Contributor,
    /// Links to other contributors (`crate::inference::links`).
    pub links: &'a [crate::inference::links::Link],
    /// Machine names in this contributor's emails.
    pub hosts: &'a std::collections::BTreeSet<String>,
    /// The newest committer date in the history read (the analysis' "now").
    pub newest_committer_time: i64,
    /// Filled on first use by the calendar rules (`local_days`).
    pub calendar_cache: local_days::CalendarCache,
}

impl Subject<'_> {
    /// Commits in the personal timing profile.
    pub fn timed(&self) -> impl Iterator<Item = &CommitRecord> + '_ {
        let kind = self.profile.kind;
        self.records.iter().filter(move |r| is_timed(r, kind))
    }

    /// Commits whose recorded offset is the author's own and not `+0000`
    /// (containers, CI and importers write UTC): what the offset rules read.
    /// Wider than [`Subject::timed`]: a squash merge's date is the merge's,
    /// but its offset is still the author's browser zone.
    pub fn own_offsets(&self) -> impl Iterator<Item = &CommitRecord> + '_ {
        let human = self.profile.kind == crate::model::identities::ContributorKind::Human;
        self.records.iter().filter(move |r| {
            human
                && !r.has(crate::model::history::flags::AUTHOR_MALFORMED)
                && r.author_offset().is_some_and(|o| o != 0)
        })
    }

    /// Commits whose recorded offset was set aside (a forge wrote it), and
    /// whose date was (a merge-time date, a later patch of a series), for the
    /// evidence: what the rule did not read, so a reviewer sees why.
    pub fn set_aside(&self) -> evidence::SetAside {
        let offsets = self
            .records
            .iter()
            .filter(|r| r.recorded_author_offset().is_some() && r.author_offset().is_none())
            .count();
        let dates = self
            .records
            .iter()
            .filter(|r| {
                !r.provenance.instant_is_authors()
                    || r.has(crate::model::history::flags::SERIES_CONTINUATION)
            })
            .count();
        evidence::SetAside {
            offsets_made_by_a_forge: offsets,
            dates_not_the_authors: dates,
        }
    }

    /// Enough activity for rhythm-based rules.
    pub fn enough_for_rhythm(&self) -> bool {
        self.profile.timed_commits >= self.thresholds.min_commits
            && self.profile.active_weeks >= self.thresholds.min_weeks
    }
}

type Rule = fn(&Subject<'_>) -> Option<Finding>;

/// One rule: what reports say about it and how to run it. The docs index
/// (`docs/rules.md`, one section per id), SARIF's rule list and the verdict's
/// families all read this table; a new rule adds its file, one entry here
/// and its section in `docs/rules.md`.
pub struct RuleSpec {
    pub id: &'static str,
    /// PascalCase name, as SARIF wants one.
    pub name: &'static str,
    pub title: &'static str,
    pub family: Family,
    pub default_severity: Severity,
    pub check: Rule,
    /// JSON Schema of the evidence as reports write it
    /// (`docs/schema/evidence/ID.schema.json`).
    pub evidence_schema: fn() -> serde_json::Value,
}

impl RuleSpec {
    /// The published JSON Schema of this rule's evidence
    /// (`docs/schema/evidence/ID.schema.json`).
    pub fn evidence_schema_document(&self) -> serde_json::Value {
        let mut schema = (self.evidence_schema)();
        schema["$id"] = format!(
            "https://git-alibi.invalid/schema/evidence/{}.schema.json",
            self.id
        )
        .into();
        schema["title"] = format!("Evidence of {}", self.id).into();
        schema["description"] = self.title.into();
        schema
    }
}

/// A rule's family, as the rule table gives it (a rule is told apart by its
/// id alone; `every_rule_is_in_the_table_once` keeps ids and table in step).
pub fn family_of(rule: &str) -> Family {
    RULES
        .iter()
        .find(|spec| spec.id == rule)
        .map_or(Family::Integrity, |spec| spec.family)
}

/// Every rule, grouped by family (the order of SARIF's rule list).
pub const RULES: &[RuleSpec] = &[
    RuleSpec {
        id: offset_vs_claim::ID,
        name: "OffsetVsClaim",
        title: "Recorded UTC offsets that the claimed zone never had at that instant",
        family: Family::Offsets,
        default_severity: Severity::High,
        check: offset_vs_claim::check,
        evidence_schema: evidence::schema::<offset_vs_claim::Evidence>,
    },
    RuleSpec {
        id: no_dst::ID,
        name: "NoDaylightSaving",
        title: "Offsets never change although the claimed zone observes daylight saving",
        family: Family::Offsets,
        default_severity: Severity::Medium,
        check: no_dst::check,
        evidence_schema: evidence::schema::<no_dst::Evidence>,
    },
    RuleSpec {
        id: circadian::ID,
        name: "CircadianMismatch",
        title: "The daily rhythm places the sleep trough inside the claimed working day",
        family: Family::Rhythm,
        default_severity: Severity::High,
        check: circadian::check,
        evidence_schema: evidence::schema::<circadian::Evidence>,
    },
    RuleSpec {
        id: shared_account::ID,
        name: "SharedAccount",
        title: "Activity with no sleep trough, or two working days in different zones",
        family: Family::Sharing,
        default_severity: Severity::High,
        check: shared_account::check,
        evidence_schema: evidence::schema::<shared_account::Evidence>,
    },
    RuleSpec {
        id: offset_slips::ID,
        name: "OffsetSlips",
        title: "Offset changes faster than travel, or A/B/A alternation within a day",
        family: Family::Offsets,
        default_severity: Severity::Medium,
        check: offset_slips::check,
        evidence_schema: evidence::schema::<offset_slips::Evidence>,
    },
    RuleSpec {
        id: pyongyang_time::ID,
        name: "PyongyangTime",
        title: "Offset +08:30 while only Asia/Pyongyang used it (2015-08-15 to 2018-05-04)",
        family: Family::Offsets,
        default_severity: Severity::High,
        check: pyongyang_time::check,
        evidence_schema: evidence::schema::<pyongyang_time::Evidence>,
    },
    RuleSpec {
        id: weekly_rhythm::ID,
        name: "WeeklyRhythm",
        title: "Rest days that contradict the claimed country's weekend",
        family: Family::Calendar,
        default_severity: Severity::Medium,
        check: weekly_rhythm::check,
        evidence_schema: evidence::schema::<weekly_rhythm::Evidence>,
    },
    RuleSpec {
        id: holiday_calendar::ID,
        name: "HolidayCalendar",
        title: "Another country's holidays explain the days off better than the claimed country's",
        family: Family::Calendar,
        default_severity: Severity::Medium,
        check: holiday_calendar::check,
        evidence_schema: evidence::schema::<holiday_calendar::Evidence>,
    },
    RuleSpec {
        id: makeup_workdays::ID,
        name: "MakeupWorkdays",
        title: "Work on another country's official weekend make-up workdays",
        family: Family::Calendar,
        default_severity: Severity::Medium,
        check: makeup_workdays::check,
        evidence_schema: evidence::schema::<makeup_workdays::Evidence>,
    },
    RuleSpec {
        id: shared_machine::ID,
        name: "SharedMachine",
        title: "Emails built from the same machine name under different contributors",
        family: Family::Identity,
        default_severity: Severity::Medium,
        check: shared_machine::check,
        evidence_schema: evidence::schema::<shared_machine::Evidence>,
    },
    RuleSpec {
        id: bot_only_in_range::ID,
        name: "BotOnlyInRange",
        title: "A contributor known only from the judged range writes as a bot",
        family: Family::Identity,
        default_severity: Severity::Medium,
        check: bot_only_in_range::check,
        evidence_schema: evidence::schema::<bot_only_in_range::Evidence>,
    },
    RuleSpec {
        id: shared_signing_key::ID,
        name: "SharedSigningKey",
        title: "Different contributors sign with the same key",
        family: Family::Identity,
        default_severity: Severity::Medium,
        check: shared_signing_key::check,
        evidence_schema: evidence::schema::<shared_signing_key::Evidence>,
    },
    RuleSpec {
        id: personas::ID,
        name: "Personas",
        title: "Identities that never work on the same day yet take turns, with the same hours",
        family: Family::Identity,
        default_severity: Severity::Medium,
        check: personas::check,
        evidence_schema: evidence::schema::<personas::Evidence>,
    },
    RuleSpec {
        id: identity_churn::ID,
        name: "IdentityChurn",
        title: "One email under many names, or one name under several emails",
        family: Family::Identity,
        default_severity: Severity::Low,
        check: identity_churn::check,
        evidence_schema: evidence::schema::<identity_churn::Evidence>,
    },
    RuleSpec {
        id: legacy_encoding::ID,
        name: "LegacyEncoding",
        title: "A national legacy encoding header that the claimed country does not use",
        family: Family::Tooling,
        default_severity: Severity::Medium,
        check: legacy_encoding::check,
        evidence_schema: evidence::schema::<legacy_encoding::Evidence>,
    },
    RuleSpec {
        id: script_mismatch::ID,
        name: "ScriptMismatch",
        title: "A writing script that is not one of the claimed country's",
        family: Family::Tooling,
        default_severity: Severity::Low,
        check: script_mismatch::check,
        evidence_schema: evidence::schema::<script_mismatch::Evidence>,
    },
    RuleSpec {
        id: forge_impersonation::ID,
        name: "ForgeImpersonation",
        title: "A range commit names a forge as committer but cannot be the forge's",
        family: Family::Integrity,
        default_severity: Severity::Medium,
        check: forge_impersonation::check,
        evidence_schema: evidence::schema::<forge_impersonation::Evidence>,
    },
    RuleSpec {
        id: timestamp_forgery::ID,
        name: "TimestampForgery",
        title: "Dates that ordinary work does not produce",
        family: Family::Integrity,
        default_severity: Severity::Medium,
        check: timestamp_forgery::check,
        evidence_schema: evidence::schema::<timestamp_forgery::Evidence>,
    },
    RuleSpec {
        id: fingerprint_change::ID,
        name: "FingerprintChange",
        title: "Tooling and timing habits change together at one point: a possible handover",
        family: Family::Sharing,
        default_severity: Severity::Medium,
        check: fingerprint_change::check,
        evidence_schema: evidence::schema::<fingerprint_change::Evidence>,
    },
    RuleSpec {
        id: malformed_ident::ID,
        name: "MalformedIdent",
        title: "Identity lines that git itself would not write",
        family: Family::Tooling,
        default_severity: Severity::Low,
        check: malformed_ident::check,
        evidence_schema: evidence::schema::<malformed_ident::Evidence>,
    },
];

pub fn run_all(subject: &Subject<'_>) -> Vec<Finding> {
    let mut findings: Vec<Finding> = RULES.iter().filter_map(|r| (r.check)(subject)).collect();
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(b.rule)));
    findings
}

/// Up to `n` example commit ids.
pub fn examples<'a>(records: impl IntoIterator<Item = &'a CommitRecord>, n: usize) -> Vec<String> {
    records
        .into_iter()
        .take(n)
        .map(CommitRecord::short_id)
        .collect()
}

pub fn iso_date(seconds: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp(seconds, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "invalid".into())
}

pub fn iso_time(seconds: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp(seconds, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| "invalid".into())
}

const RULES_DOC: &str = include_str!("../../docs/rules.md");

/// A rule's section of `docs/rules.md` (what it reads, false positives,
/// minimum evidence), without its heading.
pub fn rule_doc(id: &str) -> String {
    let heading = format!("### `{id}`");
    let mut lines = RULES_DOC.lines().skip_while(|l| !l.starts_with(&heading));
    if lines.next().is_none() {
        return String::new();
    }
    lines
        .take_while(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule file's id is in the table once (a finding takes its family
    /// from there).
    #[test]
    fn every_rule_is_in_the_table_once() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/detectors");
        let mut files = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let Some(line) = text
                .lines()
                .find(|l| l.starts_with("pub const ID: &str = "))
            else {
                continue;
            };
            let id = line.split('"').nth(1).unwrap();
            files += 1;
            assert_eq!(
                RULES.iter().filter(|r| r.id == id).count(),
                1,
                "{id} must be in RULES once"
            );
        }
        assert_eq!(files, RULES.len(), "one file per rule");
    }

    /// The evidence schemas in `docs/schema/evidence/` are the evidence
    /// types' own; `GIT_ALIBI_WRITE_SCHEMAS=1 cargo test` rewrites them.
    #[test]
    fn evidence_schemas_in_the_docs_are_the_evidence_types() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema/evidence");
        let write = std::env::var_os("GIT_ALIBI_WRITE_SCHEMAS").is_some();
        let mut stale = Vec::new();
        for r in RULES {
            let schema = r.evidence_schema_document();
            assert_eq!(schema["type"], "object", "{}", r.id);
            assert_eq!(
                schema["additionalProperties"], false,
                "{}: evidence must name every field",
                r.id
            );
            let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
            let path = dir.join(format!("{}.schema.json", r.id));
            if write {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &text).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(path.display().to_string());
            }
        }
        let files = std::fs::read_dir(&dir).map_or(0, |d| d.count());
        assert!(
            stale.is_empty() && files == RULES.len(),
            "stale or missing evidence schemas (rewrite with GIT_ALIBI_WRITE_SCHEMAS=1 cargo test): {stale:?}, {files} files for {} rules",
            RULES.len()
        );
    }

    #[test]
    fn every_rule_has_a_doc_section_naming_its_family() {
        let mut ids = std::collections::BTreeSet::new();
        for r in RULES {
            assert!(ids.insert(r.id), "{} listed twice", r.id);
            assert!(
                rule_doc(r.id).len() > 100,
                "{} lacks a section in docs/rules.md",
                r.id
            );
            assert_eq!(
                serde_json::to_value(r.family).unwrap(),
                r.family.name(),
                "the family's name is its JSON name"
            );
            let heading = format!("### `{}` (family: {}", r.id, r.family.name());
            assert!(
                RULES_DOC.contains(&heading),
                "docs/rules.md: expected the heading {heading}"
            );
        }
    }
}
