//! Markdown: a CI job summary (`$GITHUB_STEP_SUMMARY`) or a ticket comment,
//! readable in ten seconds: the outcome first, then one row per contributor,
//! then the findings with their evidence folded away. Every string from the
//! repository goes through `markdown_safe`.

use std::io::Write;

use super::{ContributorReport, Report};
use crate::detectors::{Finding, Severity};
use crate::text::markdown_safe;

fn md(s: &str, max: usize) -> String {
    markdown_safe(s.as_bytes(), max)
}

fn strongest(c: &ContributorReport) -> Option<&Finding> {
    c.findings.iter().max_by_key(|f| f.severity)
}

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let threshold = report.check.as_ref().map(|c| c.fail_on);
    let max = report.max_severity();
    let failing = match (threshold, max) {
        (Some(t), Some(m)) => m >= t,
        _ => false,
    };
    let counted = |s: Severity| {
        report
            .all_findings()
            .iter()
            .filter(|(_, f)| f.severity >= s)
            .count()
            + report
                .settings_edits()
                .iter()
                .filter(|e| e.severity >= s)
                .count()
    };
    match (&report.check, failing) {
        (Some(check), true) => writeln!(
            out,
            "## git-alibi check: {} at or above {}\n",
            super::count(counted(check.fail_on), "finding"),
            check.fail_on.name()
        )?,
        (Some(check), false) => writeln!(
            out,
            "## git-alibi check: nothing at or above {}\n",
            check.fail_on.name()
        )?,
        (None, _) => writeln!(
            out,
            "## git-alibi {}\n",
            md(&report.command, crate::text::limit::WORD)
        )?,
    }
    if let Some(check) = &report.check {
        writeln!(
            out,
            "Range `{}`: {} by {}; {} raised by the range, {} already in the baseline.\n",
            check.range.replace('`', "'"),
            super::count(check.range_commits as usize, "commit"),
            super::count(check.authors, "author"),
            super::count(check.findings_from_range, "finding"),
            check.findings_from_baseline
        )?;
        for edit in &check.settings_edited {
            writeln!(
                out,
                "> [!WARNING]\n> **{}** {}: {}{}\n",
                edit.severity.name(),
                md(&edit.repository, crate::text::limit::PATH),
                edit.summary,
                edit.added(|l| md(l, crate::text::limit::NAME_STORED))
                    .map(|a| format!(" {a}"))
                    .unwrap_or_default()
            )?;
        }
    } else {
        writeln!(
            out,
            "{} by {} in {}.\n",
            super::count(report.summary.commits as usize, "commit"),
            super::count(report.summary.contributors, "contributor"),
            super::count(report.repositories.len(), "repository")
        )?;
    }
    if report.incomplete {
        writeln!(out, "> [!WARNING]")?;
        writeln!(out, "> History is incomplete, so the judgement is partial:")?;
        for r in &report.incomplete_reasons {
            writeln!(out, "> * {}", md(r, crate::text::limit::REASON))?;
        }
        if report.repositories.iter().any(|r| r.shallow) {
            writeln!(
                out,
                "> \n> Fetch the full history: `fetch-depth: 0` on `actions/checkout` (GitHub), `GIT_DEPTH: 0` (GitLab), or `git fetch --unshallow`."
            )?;
        }
        writeln!(out)?;
    }
    let shown: Vec<&ContributorReport> = report
        .contributors
        .iter()
        .filter(|c| {
            report.check.is_some()
                || c.findings.iter().any(|f| f.severity >= Severity::Low)
                || c.claim.is_some()
        })
        .collect();
    if !shown.is_empty() {
        let in_check = report.check.is_some();
        writeln!(
            out,
            "| contributor | claim | inferred | {}verdict | risk | strongest finding |",
            if in_check {
                "commits in range | "
            } else {
                "commits | "
            }
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|")?;
        for c in shown.iter().take(50) {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {:.2} | {} |",
                md(&c.name, crate::text::limit::NAME_IN_LINE),
                c.claim.as_ref().map_or("–".into(), |cl| md(
                    &cl.location,
                    crate::text::limit::CELL
                )),
                c.inferred_utc_offset_hours
                    .map_or("–".into(), |o| format!("UTC{o:+}")),
                if in_check {
                    c.range_commits.unwrap_or(0).to_string()
                } else {
                    match super::per_repository(report, c, 3, |p| {
                        md(p, crate::text::limit::PATH_IN_LINE)
                    }) {
                        Some(repos) => format!("{} ({repos})", c.commits),
                        None => c.commits.to_string(),
                    }
                },
                c.verdict.name(),
                c.risk,
                strongest(c).map_or("–".into(), |f| format!(
                    "{} `{}`",
                    f.severity.name(),
                    f.rule
                )),
            )?;
        }
        if shown.len() > 50 {
            writeln!(
                out,
                "\n{} in the JSON report.",
                crate::text::count(
                    (shown.len() - 50) as u64,
                    "more contributor",
                    "more contributors"
                )
            )?;
        }
        writeln!(out)?;
    }
    let findings = report.all_findings();
    let findings: Vec<_> = findings
        .into_iter()
        .filter(|(_, f)| f.severity >= Severity::Low)
        .collect();
    if !findings.is_empty() {
        writeln!(out, "### Findings\n")?;
        for (c, f) in findings.iter().take(100) {
            let origin = f
                .origin
                .map_or(String::new(), |o| format!(" — {}", o.phrase()));
            let with = super::with_peers(f, |p| md(p, crate::text::limit::NAME_IN_LINE));
            writeln!(
                out,
                "* **{}** `{}` — {}: {}{origin}{with}",
                f.severity.name(),
                f.rule,
                md(&c.name, crate::text::limit::NAME_IN_LINE),
                md(&f.summary, crate::text::limit::SUMMARY)
            )?;
            writeln!(out, "{}", evidence_block(&f.evidence))?;
        }
        if findings.len() > 100 {
            writeln!(
                out,
                "\n{} more findings in the JSON report.",
                findings.len() - 100
            )?;
        }
        writeln!(out)?;
    }
    if report.summary.accepted_findings > 0 {
        writeln!(
            out,
            "{} skipped (`.git-alibi-accepted.toml`).\n",
            super::count(report.summary.accepted_findings, "accepted finding")
        )?;
    }
    writeln!(
        out,
        "_Findings are indicators with evidence, not proof: people travel, work nights and share machines. Read the evidence before acting._"
    )
}

/// A finding's evidence as a folded, indented JSON block. Backticks inside
/// cannot close the fence (it is longer than any run in the text), and `<`
/// is written as a JSON escape so nothing reads as HTML.
pub(crate) fn evidence_block(evidence: &serde_json::Value) -> String {
    let json = serde_json::to_string_pretty(evidence).unwrap_or_default();
    let fence = "`".repeat(longest_backtick_run(&json).max(2) + 1);
    format!(
        "  <details><summary>evidence</summary>\n\n  {fence}json\n{}\n  {fence}\n  </details>",
        json.lines()
            .map(|l| format!("  {}", l.replace('<', "\\u003c")))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

fn longest_backtick_run(s: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}
