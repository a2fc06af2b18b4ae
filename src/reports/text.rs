//! `--format text`: a ranked table and, for each flagged contributor, one
//! line per finding. Every repository string goes through `display_safe`.

use std::io::Write;

use comfy_table::{Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use super::{ContributorReport, Report};
use crate::analysis::verdicts::Verdict;
use crate::text::display_safe;

fn span(c: &ContributorReport) -> String {
    format!(
        "{} – {}",
        &c.first_commit[..10.min(c.first_commit.len())],
        &c.last_commit[..10.min(c.last_commit.len())]
    )
}

fn offsets(c: &ContributorReport) -> String {
    let total: u64 = c.profile.dominant_offsets.iter().map(|(_, n)| n).sum();
    c.profile
        .dominant_offsets
        .iter()
        .take(2)
        .map(|(o, n)| format!("{o} {:.0}%", *n as f64 * 100.0 / total.max(1) as f64))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The verdict cell; coloured by comfy-table after layout, so widths stay right.
fn verdict_cell(v: Verdict) -> Cell {
    let color = match v {
        Verdict::Contradiction => Color::Red,
        Verdict::Suspicious => Color::Yellow,
        Verdict::InsufficientData => Color::DarkGrey,
        Verdict::Consistent => Color::Green,
    };
    Cell::new(v.name()).fg(color)
}

use super::count;

/// Rows of the contributor table beyond the flagged ones.
const TABLE_ROWS: usize = 200;

/// The table's rows, in report order (by risk): every flagged contributor,
/// then, up to [`TABLE_ROWS`], the most active of the others. Ranking alone
/// would fill a large repository's screen with people of two commits whose
/// risk is the prior, and hide the maintainers; JSON, CSV and HTML hold
/// everyone.
fn listed_rows(report: &Report) -> Vec<usize> {
    let all = &report.contributors;
    if all.len() <= TABLE_ROWS {
        return (0..all.len()).collect();
    }
    let flagged = |c: &super::ContributorReport| {
        matches!(c.verdict, Verdict::Suspicious | Verdict::Contradiction)
    };
    let mut rows: Vec<usize> = (0..all.len()).filter(|&i| flagged(&all[i])).collect();
    let mut others: Vec<usize> = (0..all.len()).filter(|&i| !flagged(&all[i])).collect();
    others.sort_by(|&a, &b| all[b].commits.cmp(&all[a].commits).then(a.cmp(&b)));
    others.truncate(TABLE_ROWS.saturating_sub(rows.len()));
    rows.extend(others);
    rows.sort_unstable();
    rows
}

pub fn write(report: &Report, out: &mut dyn Write, color: bool) -> std::io::Result<()> {
    writeln!(
        out,
        "git-alibi {}: {} commit{} by {} contributor{} in {} repositor{}",
        report.command,
        report.summary.commits,
        if report.summary.commits == 1 { "" } else { "s" },
        report.summary.contributors,
        if report.summary.contributors == 1 {
            ""
        } else {
            "s"
        },
        report.repositories.len(),
        if report.repositories.len() == 1 {
            "y"
        } else {
            "ies"
        }
    )?;
    if let Some(check) = &report.check {
        writeln!(
            out,
            "range {}: {} by {} judged; {} raised by the range, {} already in the baseline (fail on {})",
            display_safe(check.range.as_bytes(), crate::text::limit::RANGE),
            count(check.range_commits as usize, "commit"),
            count(check.authors, "author"),
            count(check.findings_from_range, "finding"),
            check.findings_from_baseline,
            check.fail_on.name()
        )?;
        for edit in &check.settings_edited {
            writeln!(
                out,
                "{} {}: {}",
                edit.severity.name(),
                display_safe(edit.repository.as_bytes(), crate::text::limit::PATH),
                edit.summary
            )?;
            if let Some(added) =
                edit.added(|l| display_safe(l.as_bytes(), crate::text::limit::NAME_STORED))
            {
                writeln!(out, "  {added}")?;
            }
        }
    }
    if report.incomplete {
        for r in &report.incomplete_reasons {
            writeln!(
                out,
                "incomplete: {}",
                display_safe(r.as_bytes(), crate::text::limit::REASON)
            )?;
        }
    }
    if report.contributors.is_empty() {
        // No table box with nothing in it: say why there is nothing.
        return writeln!(
            out,
            "No commits to report{}.",
            if report.options.since.is_some() || report.options.until.is_some() {
                " in the --since/--until window (author dates)"
            } else if report.check.is_some() {
                " by authors of the range"
            } else {
                ": the history read is empty"
            }
        );
    }
    let has_claims = report.contributors.iter().any(|c| c.claim.is_some());
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    let mut header = vec![
        "#",
        "contributor",
        "kind",
        "commits",
        "active span",
        "offsets",
        "busiest local hours",
        "inferred",
    ];
    if report.check.is_some() {
        header.insert(4, "in range");
    }
    if has_claims {
        header.push("claim");
    }
    header.extend(["verdict", "risk"]);
    table.set_header(header);
    // People who share a name are told apart by their report id.
    let mut name_counts: std::collections::HashMap<&str, usize> = Default::default();
    for c in &report.contributors {
        *name_counts.entry(c.name.as_str()).or_default() += 1;
    }
    let shown_name = |c: &super::ContributorReport, max: usize| {
        if name_counts.get(c.name.as_str()).copied().unwrap_or(0) > 1 {
            format!("{} ({})", display_safe(c.name.as_bytes(), max), c.id)
        } else {
            display_safe(c.name.as_bytes(), max)
        }
    };
    let listed = listed_rows(report);
    for i in listed.iter().copied() {
        let c = &report.contributors[i];
        let mut row: Vec<Cell> = [
            (i + 1).to_string(),
            shown_name(c, crate::text::limit::CELL),
            c.kind.name().to_owned(),
            c.commits.to_string(),
            span(c),
            offsets(c),
            c.profile
                .busiest_local_hours
                .iter()
                .map(|h| format!("{h:02}h"))
                .collect::<Vec<_>>()
                .join(" "),
            c.inferred_utc_offset_hours
                .map_or("–".into(), |o| format!("UTC{o:+}")),
        ]
        .into_iter()
        .map(Cell::new)
        .collect();
        if let Some(n) = c.range_commits {
            row.insert(4, Cell::new(n));
        }
        if has_claims {
            row.push(Cell::new(c.claim.as_ref().map_or("–".into(), |cl| {
                display_safe(cl.location.as_bytes(), crate::text::limit::LOCATION_CELL)
            })));
        }
        row.push(verdict_cell(c.verdict));
        row.push(Cell::new(format!("{:.2}", c.risk)));
        table.add_row(row);
    }
    writeln!(out, "{table}")?;
    if listed.len() < report.contributors.len() {
        writeln!(
            out,
            "{} not listed (none flagged; the least active, so # skips them): --format json, csv or html lists everyone.",
            count(report.contributors.len() - listed.len(), "contributor")
        )?;
    }
    for c in &report.contributors {
        let shown: Vec<_> = c
            .findings
            .iter()
            .filter(|f| f.severity >= crate::detectors::Severity::Low)
            .collect();
        if shown.is_empty() {
            continue;
        }
        writeln!(
            out,
            "\n{} — {} (risk {:.2})",
            shown_name(c, crate::text::limit::NAME_IN_LINE),
            c.verdict.name(),
            c.risk
        )?;
        if let Some(repos) = super::per_repository(report, c, 5, |p| {
            display_safe(p.as_bytes(), crate::text::limit::PATH_IN_LINE)
        }) {
            writeln!(out, "  commits by repository: {repos}")?;
        }
        for f in shown {
            let origin = f
                .origin
                .map_or(String::new(), |o| format!(" ({})", o.phrase()));
            let with = super::with_peers(f, |p| {
                display_safe(p.as_bytes(), crate::text::limit::NAME_IN_LINE)
            });
            writeln!(
                out,
                "  [{}] {}: {}{origin}{with}",
                f.severity.name(),
                f.rule,
                display_safe(f.summary.as_bytes(), crate::text::limit::SUMMARY)
            )?;
        }
        // What the rules did not read of this person's commits, and why.
        let set_aside: Vec<String> = c
            .profile
            .set_aside
            .iter()
            .map(|a| format!("{} {}", a.commits, a.provenance))
            .collect();
        if !set_aside.is_empty() {
            writeln!(
                out,
                "  read in part (how they were made; --format json or html says why): {}",
                set_aside.join(", ")
            )?;
        }
    }
    let insufficient = report
        .contributors
        .iter()
        .filter(|c| c.verdict == Verdict::InsufficientData)
        .count();
    if insufficient > 0 {
        writeln!(
            out,
            "\n{insufficient} contributor{} too little activity to judge (--format json gives what each one needs in `needed`).",
            if insufficient == 1 { " has" } else { "s have" }
        )?;
    }
    if !report.unmatched_claims.is_empty() {
        writeln!(
            out,
            "\nwarning: {} roster entries match no contributor:",
            report.unmatched_claims.len()
        )?;
        for c in &report.unmatched_claims {
            writeln!(
                out,
                "  {} ({})",
                display_safe(c.source.as_bytes(), crate::text::limit::PATH),
                display_safe(c.emails.join(", ").as_bytes(), crate::text::limit::PATH)
            )?;
        }
    }
    writeln!(
        out,
        "\nFindings are indicators with evidence, not proof: read the evidence (--format json) before acting."
    )?;
    Ok(())
}
