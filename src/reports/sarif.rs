//! SARIF 2.1.0 for code-scanning services (GitHub uploads it with
//! `github/codeql-action/upload-sarif`). One rule per rule id, one result per
//! finding. GitHub drops results without a physical location, so every result
//! points at a file of the repository: the contributor's claim line in
//! `.git-alibi.toml` when there is one, else a stable file (`anchor_file`).
//! `partialFingerprints` carry the finding's fingerprint so that alerts about
//! different people never merge.

use std::io::Write;

use serde_json::{Value, json};

use super::{ContributorReport, Report, SETTINGS_EDIT_RULE, SETTINGS_EDIT_SEVERITY, SettingsEdit};
use crate::detectors::{RULES, Severity, rule_doc};
use crate::text::sarif_safe;

const SETTINGS_EDIT_HELP: &str = "check reads .git-alibi.toml and .git-alibi-accepted.toml from the range's base, never from the range; a range that edits them needs review by someone other than its author (docs/ci.md, trust model).";

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// Where a finding about this contributor points.
pub fn location(report: &Report, c: &ContributorReport) -> (String, usize) {
    match &c.claim {
        Some(claim) if claim.file == ".git-alibi.toml" => (claim.file.clone(), claim.line.max(1)),
        _ => (report.anchor_file.clone(), 1),
    }
}

pub fn to_value(report: &Report) -> Value {
    let mut rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let doc = rule_doc(r.id);
            json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": { "text": r.title },
                "fullDescription": { "text": first_sentence(&doc).unwrap_or(r.title) },
                "help": {
                    "text": doc,
                    "markdown": doc,
                },
                "defaultConfiguration": { "level": level(r.default_severity) },
                "properties": {
                    "tags": ["forensics", r.family.name()],
                    "docs": format!("docs/rules.md#{}", r.id),
                },
            })
        })
        .collect();
    rules.push(json!({
        "id": SETTINGS_EDIT_RULE,
        "name": "SettingsEdited",
        "shortDescription": { "text": "The range edits the accepted findings or the claims" },
        "fullDescription": { "text": SETTINGS_EDIT_HELP },
        "help": { "text": SETTINGS_EDIT_HELP, "markdown": SETTINGS_EDIT_HELP },
        "defaultConfiguration": { "level": level(SETTINGS_EDIT_SEVERITY) },
        "properties": { "tags": ["forensics", "trust"], "docs": "docs/ci.md#trust-model" },
    }));
    let settings_index = rules.len() - 1;
    let mut results: Vec<Value> = report
        .all_findings()
        .into_iter()
        .map(|(c, f)| {
            let (file, line) = location(report, c);
            let rule_index = RULES.iter().position(|r| r.id == f.rule);
            let name = sarif_safe(c.name.as_bytes(), crate::text::limit::NAME);
            let mut properties = json!({
                "contributor": c.id,
                "contributorName": name,
                "severity": f.severity.name(),
                "verdict": c.verdict.name(),
                "risk": c.risk,
                "repositories": c.repositories,
                "evidence": f.evidence,
            });
            if let Some(origin) = f.origin {
                properties["origin"] = serde_json::to_value(origin).unwrap_or(Value::Null);
            }
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {
                    "text": format!("{name}: {} (an indicator to review, not proof)", sarif_safe(f.summary.as_bytes(), crate::text::limit::SUMMARY_FULL)),
                },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": file, "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": line },
                    }
                }],
                "partialFingerprints": { "gitAlibiFinding/v1": f.fingerprint },
                "properties": properties,
            });
            if let Some(i) = rule_index {
                result["ruleIndex"] = json!(i);
            }
            result
        })
        .collect();
    results.extend(report.settings_edits().iter().map(|edit| {
        json!({
            "ruleId": SETTINGS_EDIT_RULE,
            "ruleIndex": settings_index,
            "level": level(edit.severity),
            "message": { "text": format!("{}: {}{}", sarif_safe(edit.repository.as_bytes(), crate::text::limit::PATH), edit.summary, edit.added(|l| sarif_safe(l.as_bytes(), crate::text::limit::NAME_STORED)).map(|a| format!(" {a}")).unwrap_or_default()) },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": edit.file, "uriBaseId": "%SRCROOT%" },
                    "region": { "startLine": 1 },
                }
            }],
            "partialFingerprints": { "gitAlibiFinding/v1": settings_fingerprint(edit) },
        })
    }));
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "git-alibi",
                    "version": report.tool.version,
                    "semanticVersion": report.tool.version,
                    "rules": rules,
                }
            },
            "automationDetails": { "id": format!("git-alibi/{}/", report.command) },
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "The repository root" } } },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": report.incomplete_reasons.iter().map(|r| json!({
                    "level": "warning",
                    "message": { "text": format!("history is incomplete: {}", sarif_safe(r.as_bytes(), crate::text::limit::REASON)) },
                })).collect::<Vec<_>>(),
            }],
            "results": results,
            "properties": {
                "incomplete": report.incomplete,
                "range": report.options.range,
            },
        }]
    })
}

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    super::json::write_value(&to_value(report), &mut *out)?;
    writeln!(out)
}

/// Stable per repository and file, so one edit is one alert.
pub fn settings_fingerprint(edit: &SettingsEdit) -> String {
    crate::analysis::accepted::fingerprint(
        SETTINGS_EDIT_RULE,
        format!("{}\0{}", edit.repository, edit.file).as_bytes(),
        "",
    )
}

/// The first sentence of a rule's doc, on one line.
fn first_sentence(doc: &str) -> Option<&str> {
    let end = doc.find(". ").or_else(|| doc.find(".\n"))?;
    Some(&doc[..=end]).filter(|s| !s.contains('\n') || s.len() < 400)
}
