//! GitLab Code Quality report (a JSON array of CodeClimate-style issues),
//! uploaded with `artifacts: reports: codequality:`. GitLab needs
//! `description`, `check_name`, `fingerprint`, `severity` and
//! `location.path` + `location.lines.begin` on every entry.

use std::io::Write;

use serde_json::{Value, json};

use super::Report;
use super::sarif::location;
use crate::detectors::Severity;
use crate::text::display_safe;

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Low => "minor",
        Severity::Medium => "major",
        Severity::High => "critical",
    }
}

pub fn to_value(report: &Report) -> Value {
    let edits = report.settings_edits().iter().map(|edit| {
        json!({
            "type": "issue",
            "description": format!("git-alibi {}: {}: {}{}", super::SETTINGS_EDIT_RULE, display_safe(edit.repository.as_bytes(), crate::text::limit::PATH), edit.summary, edit.added(|l| display_safe(l.as_bytes(), crate::text::limit::NAME_STORED)).map(|a| format!(" {a}")).unwrap_or_default()),
            "check_name": super::SETTINGS_EDIT_RULE,
            "fingerprint": super::sarif::settings_fingerprint(edit),
            "severity": severity(edit.severity),
            "categories": ["Security"],
            "location": { "path": edit.file, "lines": { "begin": 1 } },
        })
    });
    Value::Array(
        report
            .all_findings()
            .into_iter()
            .map(|(c, f)| {
                let (path, line) = location(report, c);
                let name = display_safe(c.name.as_bytes(), crate::text::limit::NAME);
                json!({
                    "type": "issue",
                    "description": format!("git-alibi {}: {name}: {}", f.rule, display_safe(f.summary.as_bytes(), crate::text::limit::SUMMARY_FULL)),
                    "check_name": f.rule,
                    "fingerprint": f.fingerprint,
                    "severity": severity(f.severity),
                    "categories": ["Security"],
                    "location": { "path": path, "lines": { "begin": line } },
                })
            })
            .chain(edits)
            .collect(),
    )
}

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    super::json::write_value(&to_value(report), &mut *out)?;
    writeln!(out)
}
