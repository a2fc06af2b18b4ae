//! `git alibi show`: one contributor's story for a terminal (Unicode block
//! heatmaps, colour only on a terminal) or for a ticket (`--format markdown`).

use std::io::Write;

use super::ContributorReport;
use crate::text::{display_safe, markdown_safe};

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WORK: std::ops::Range<usize> = 9..18;

/// One character per hour: blank for none, then four shades by share of the busiest hour.
fn shade(n: u32, max: u32) -> char {
    if n == 0 {
        return '·';
    }
    let r = n as f64 / max.max(1) as f64;
    if r < 0.25 {
        '░'
    } else if r < 0.5 {
        '▒'
    } else if r < 0.75 {
        '▓'
    } else {
        '█'
    }
}

/// Heatmap lines. With `outline`, the claimed working day (Mon–Fri 09–18)
/// is marked: by a background colour on a terminal, by a ruler otherwise.
fn heatmap_lines(week: &[[u32; 24]; 7], outline: bool, color: bool) -> Vec<String> {
    let max = week.iter().flatten().copied().max().unwrap_or(0);
    let mut lines = vec![format!(
        "     {}",
        (0..24)
            .step_by(3)
            .map(|h| format!("{h:02} "))
            .collect::<String>()
    )];
    for (d, day) in DAYS.iter().enumerate() {
        let mut line = format!("{day}  ");
        for (hour, &n) in week[d].iter().enumerate() {
            let c = shade(n, max);
            let in_work = outline && d < 5 && WORK.contains(&hour);
            if color {
                let fg = match c {
                    '·' => "38;5;240",
                    '░' => "38;5;22",
                    '▒' => "38;5;28",
                    '▓' => "38;5;34",
                    _ => "38;5;46",
                };
                if in_work {
                    line.push_str(&format!("\x1b[{fg};48;5;236m{c}\x1b[0m"));
                } else {
                    line.push_str(&format!("\x1b[{fg}m{c}\x1b[0m"));
                }
            } else {
                line.push(c);
            }
        }
        if outline && d < 5 && !color {
            line.push_str("  *");
        }
        lines.push(line);
    }
    if outline {
        let mut ruler = String::from("     ");
        for hour in 0..24 {
            ruler.push(if WORK.contains(&hour) { '^' } else { ' ' });
        }
        ruler.push_str(if color {
            "  shaded: claimed working day, Mon–Fri 09–18"
        } else {
            "  ^ and *: claimed working day, Mon–Fri 09–18"
        });
        lines.push(ruler);
    }
    lines
}

struct Story {
    title: String,
    facts: Vec<String>,
    claimed: Option<(String, Vec<String>)>,
    utc: Vec<String>,
    timeline: Vec<String>,
    /// Commits the rules read only in part, and why ("N provenance: reason").
    read_in_part: Vec<String>,
    findings: Vec<(String, String, String, serde_json::Value)>,
}

fn story(c: &ContributorReport, color: bool, esc: &dyn Fn(&str, usize) -> String) -> Story {
    let mut facts = vec![
        format!(
            "{} commits ({} timed) from {} to {}; kind {}",
            c.commits,
            c.profile.timed_commits,
            &c.first_commit[..10.min(c.first_commit.len())],
            &c.last_commit[..10.min(c.last_commit.len())],
            c.kind.name()
        ),
        format!(
            "claim: {}",
            c.claim.as_ref().map_or("none".into(), |cl| format!(
                "{} ({})",
                esc(&cl.location, 60),
                esc(&cl.source, 120)
            ))
        ),
        format!(
            "inferred from timing: {}",
            match (&c.inferred_utc_offset_hours, &c.inference) {
                (Some(o), Some(i)) => format!(
                    "UTC{o:+} standard time (90% interval {:+} to {:+}, confidence {:.2})",
                    i.interval_90[0], i.interval_90[1], i.confidence
                ),
                _ => "not enough activity".into(),
            }
        ),
        format!("verdict: {} (risk {:.2})", c.verdict.name(), c.risk),
    ];
    if let Some(n) = &c.needed {
        facts.push(format!("to judge: {}", esc(n, crate::text::limit::REASON)));
    }
    let claimed = c.claimed_local_time.as_ref().map(|l| {
        (
            format!(
                "Week in claimed local time ({}); {:.0}% of commits at 00–06",
                c.claim
                    .as_ref()
                    .map_or(String::new(), |cl| esc(&cl.location, 60)),
                l.night_share * 100.0
            ),
            heatmap_lines(&l.commits_by_weekday_hour, true, color),
        )
    });
    let utc = heatmap_lines(&c.profile.hour_of_week_utc, false, color);
    let runs = &c.profile.offset_timeline;
    let mut timeline: Vec<String> = runs
        .iter()
        .take(30)
        .map(|r| {
            format!(
                "{} – {}  UTC{}  {}",
                &r.start[..10.min(r.start.len())],
                &r.end[..10.min(r.end.len())],
                r.offset,
                crate::text::count(r.commits, "commit", "commits")
            )
        })
        .collect();
    if runs.len() > 30 {
        timeline.push(format!(
            "… {} more runs (--format json has them all)",
            runs.len() - 30
        ));
    }
    let findings = c
        .findings
        .iter()
        .map(|f| {
            (
                f.severity.name().to_owned(),
                f.rule.to_owned(),
                esc(&f.summary, 600),
                f.evidence.clone(),
            )
        })
        .collect();
    Story {
        title: esc(&c.name, 120),
        facts,
        claimed,
        utc,
        timeline,
        read_in_part: c
            .profile
            .set_aside
            .iter()
            .map(|a| format!("{} {}: {}", a.commits, a.provenance, a.reason))
            .collect(),
        findings,
    }
}

pub fn text(c: &ContributorReport, out: &mut dyn Write, color: bool) -> std::io::Result<()> {
    let s = story(c, color, &|t, n| display_safe(t.as_bytes(), n));
    writeln!(out, "{}", s.title)?;
    for f in &s.facts {
        writeln!(out, "  {f}")?;
    }
    if let Some((caption, lines)) = &s.claimed {
        writeln!(out, "\n{caption}")?;
        for l in lines {
            writeln!(out, "{l}")?;
        }
    }
    writeln!(out, "\nWeek in UTC")?;
    for l in &s.utc {
        writeln!(out, "{l}")?;
    }
    writeln!(out, "\nRecorded offsets over time")?;
    for l in &s.timeline {
        writeln!(out, "  {l}")?;
    }
    if !s.read_in_part.is_empty() {
        writeln!(out, "\nRead in part (how the commits were made)")?;
        for l in &s.read_in_part {
            writeln!(out, "  {l}")?;
        }
    }
    if s.findings.is_empty() {
        writeln!(out, "\nNo findings.")?;
    } else {
        writeln!(out, "\nFindings")?;
        for (sev, rule, summary, evidence) in &s.findings {
            writeln!(out, "  [{sev}] {rule}: {summary}")?;
            // Compact: one line of evidence under each finding.
            let compact = evidence.to_string();
            writeln!(
                out,
                "      evidence: {}",
                display_safe(compact.as_bytes(), crate::text::limit::EVIDENCE_LINE)
            )?;
        }
    }
    writeln!(
        out,
        "\nFindings are indicators with evidence, not proof: read the commits before acting."
    )
}

pub fn markdown(c: &ContributorReport, out: &mut dyn Write) -> std::io::Result<()> {
    let s = story(c, false, &|t, n| markdown_safe(t.as_bytes(), n));
    writeln!(out, "### {}\n", s.title)?;
    for f in &s.facts {
        writeln!(out, "* {f}")?;
    }
    // Heatmaps are plain Unicode in a fenced block; nothing in them comes from
    // the repository.
    if let Some((caption, lines)) = &s.claimed {
        writeln!(out, "\n{caption}\n\n```text\n{}\n```", lines.join("\n"))?;
    }
    writeln!(out, "\nWeek in UTC\n\n```text\n{}\n```", s.utc.join("\n"))?;
    writeln!(
        out,
        "\nRecorded offsets over time\n\n```text\n{}\n```",
        s.timeline.join("\n")
    )?;
    if !s.read_in_part.is_empty() {
        writeln!(out, "\n#### Read in part (how the commits were made)\n")?;
        for l in &s.read_in_part {
            writeln!(out, "* {l}")?;
        }
    }
    if s.findings.is_empty() {
        writeln!(out, "\nNo findings.")?;
    } else {
        writeln!(out, "\n#### Findings\n")?;
        for (sev, rule, summary, evidence) in &s.findings {
            writeln!(
                out,
                "* **{sev}** `{rule}`: {summary}\n\n{}\n",
                super::markdown::evidence_block(evidence)
            )?;
        }
    }
    writeln!(
        out,
        "\n_Findings are indicators with evidence, not proof: read the commits before acting._"
    )
}
