//! `scan`, `audit` and `check`: the report in the chosen format, and the exit code.

use std::io::Write;

use crate::analysis::accepted::Accepted;
use crate::detectors::Severity;
use crate::error::Error;
use crate::reports::{self, ReportOptions};

use super::*;

pub(super) fn run_job(
    job: Job,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<i32, Error> {
    let Prepared {
        mut analysis,
        range,
    } = prepare(&job, &Accepted::default(), stderr)?;
    if !job.check {
        // The report reads per-contributor results; only check's range counts read commits.
        analysis.history.release_records();
    }
    let common = &job.common;
    let privacy = privacy_of(common);
    let mut report = reports::build(
        &analysis,
        job.command,
        ReportOptions {
            range: range.clone(),
            since: common.since.clone(),
            until: common.until.clone(),
            mailmap: !common.source.no_mailmap,
            range_judged: job.check,
            ..Default::default()
        },
        &privacy,
    );
    let fail_on = if job.check {
        Some(common.fail_on.unwrap_or(Severity::High))
    } else {
        common.fail_on
    };
    if job.check {
        // Contributors with no commit left in the range (only a forge merge) are not judged.
        report
            .contributors
            .retain(|c| c.range_commits.unwrap_or(0) > 0);
        let findings = report.all_findings();
        let from_range = findings
            .iter()
            .filter(|(_, f)| f.origin == Some(crate::detectors::Origin::Range))
            .count();
        report.check = Some(reports::CheckSummary {
            range: range.clone().unwrap_or_default(),
            range_commits: analysis.history.range_commits,
            authors: report.contributors.len(),
            findings_from_range: from_range,
            findings_from_baseline: findings.len() - from_range,
            fail_on: fail_on.unwrap_or(Severity::High),
            settings_edited: analysis
                .history
                .settings
                .iter()
                .zip(&analysis.history.repos)
                .flat_map(|(s, repo)| {
                    s.edited_in_range
                        .iter()
                        .map(|edit| reports::SettingsEdit::new(&repo.path, edit))
                })
                .collect(),
        });
    }
    let written = write_output(
        common.output.as_deref(),
        common.color,
        stdout,
        |out, color| reports::write(&report, common.format, out, color),
    )?;
    if written == Written::PipeClosed {
        return Ok(EXIT_OK);
    }
    let worst = report
        .all_findings()
        .into_iter()
        .filter(|(_, f)| !job.only_new || f.origin != Some(crate::detectors::Origin::Baseline))
        .map(|(_, f)| f.severity)
        .chain(report.settings_edits().iter().map(|e| e.severity))
        .max();
    Ok(match (fail_on, worst) {
        (Some(threshold), Some(max)) if max >= threshold => EXIT_FINDINGS,
        _ => EXIT_OK,
    })
}
