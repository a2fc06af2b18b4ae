//! A self-contained HTML report: one file with inline CSS, inline SVG drawn
//! here and a small inline script for sorting and filtering. A Content
//! Security Policy forbids every network request, so the page works offline
//! and when mailed, and a hostile string cannot load anything even if it
//! escaped (it does not: every string from the repository goes through [`h`]).

use std::fmt::Write as _;
use std::io::Write;

use super::{ContributorReport, Report};
use crate::analysis::verdicts::Verdict;
use crate::detectors::Severity;
use crate::text::display_safe;

/// Escape for HTML text and attribute values, after neutralising control
/// characters and bidi overrides (which would reorder what a reader sees).
pub fn h(s: &str, max_chars: usize) -> String {
    let safe = display_safe(s.as_bytes(), max_chars);
    let mut out = String::with_capacity(safe.len() + 16);
    for c in safe.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escape a preformatted block (pretty JSON) line by line, as [`h`] does,
/// keeping its newlines.
fn h_pre(s: &str) -> String {
    s.split('\n')
        .map(|line| h(line, usize::MAX))
        .collect::<Vec<_>>()
        .join("\n")
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const CELL: usize = 18;
const LEFT: usize = 34;
const TOP: usize = 16;

/// The claimed working day outlined on the claimed-time heatmap.
const WORK_START: usize = 9;
const WORK_END: usize = 18;

/// A 7×24 heatmap. `outline`: draw the claimed working day (Mon–Fri 09–18).
fn heatmap(week: &[[u32; 24]; 7], title: &str, outline: bool) -> String {
    let max = week.iter().flatten().copied().max().unwrap_or(0).max(1) as f64;
    let width = LEFT + 24 * CELL + 2;
    let height = TOP + 7 * CELL + 2;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="heatmap" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-label="{}"><title>{}</title>"#,
        h(title, crate::text::limit::PATH),
        h(title, crate::text::limit::PATH)
    );
    for hour in (0..24).step_by(3) {
        let _ = write!(
            s,
            r#"<text class="axis" x="{}" y="11">{hour:02}</text>"#,
            LEFT + hour * CELL + 2
        );
    }
    for (d, day) in DAYS.iter().enumerate() {
        let y = TOP + d * CELL;
        let _ = write!(
            s,
            r#"<text class="axis" x="2" y="{}">{day}</text>"#,
            y + CELL - 5
        );
        for (hour, &n) in week[d].iter().enumerate() {
            let x = LEFT + hour * CELL;
            let level = if n == 0 {
                0.0
            } else {
                0.15 + 0.85 * (n as f64 / max)
            };
            let _ = write!(
                s,
                r#"<rect class="cell{}" x="{x}" y="{y}" width="{w}" height="{w}" fill-opacity="{level:.3}"><title>{day} {hour:02}:00–{hour:02}:59: {n} commit{}</title></rect>"#,
                if n == 0 { " empty" } else { "" },
                if n == 1 { "" } else { "s" },
                w = CELL - 1,
            );
        }
    }
    if outline {
        let _ = write!(
            s,
            r#"<rect class="workday" x="{}" y="{}" width="{}" height="{}"><title>claimed working day: Mon–Fri {WORK_START:02}:00–{WORK_END:02}:00</title></rect>"#,
            LEFT + WORK_START * CELL,
            TOP,
            (WORK_END - WORK_START) * CELL - 1,
            5 * CELL - 1
        );
    }
    s.push_str("</svg>");
    s
}

/// Hour-of-day curves in claimed local time: the person, the reference prior
/// as if they lived in the claimed zone, and the prior shifted to the
/// inferred zone.
fn hour_curve(person: &[u64; 24], claimed_offset: Option<f64>, inferred: Option<f64>) -> String {
    let prior = crate::inference::rhythm::prior().hour_of_day("all");
    let total: u64 = person.iter().sum();
    let share: Vec<f64> = person
        .iter()
        .map(|&n| n as f64 / total.max(1) as f64)
        .collect();
    let shifted: Option<Vec<f64>> = match (claimed_offset, inferred) {
        (Some(c), Some(i)) => {
            let shift = (i - c).round() as i64;
            Some(
                (0..24)
                    .map(|hc: i64| prior[(hc + shift).rem_euclid(24) as usize])
                    .collect(),
            )
        }
        _ => None,
    };
    let top = share
        .iter()
        .chain(prior.iter())
        .chain(shifted.iter().flatten())
        .cloned()
        .fold(0.01, f64::max);
    let (w, hgt, left, bottom) = (LEFT + 24 * CELL + 2, 120usize, LEFT, 100usize);
    let point = |i: usize, v: f64| {
        format!(
            "{:.1},{:.1}",
            left as f64 + (i as f64 + 0.5) * CELL as f64,
            bottom as f64 - v / top * 90.0
        )
    };
    let line = |values: &[f64], class: &str, label: &str| {
        let pts: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| point(i, *v))
            .collect();
        format!(
            r#"<polyline class="{class}" points="{}"><title>{}</title></polyline>"#,
            pts.join(" "),
            h(label, crate::text::limit::HEADING)
        )
    };
    let mut s = format!(
        r#"<svg class="curve" role="img" viewBox="0 0 {w} {hgt}" width="{w}" height="{hgt}" aria-label="commits by hour of day, claimed local time">"#
    );
    for hour in (0..24).step_by(3) {
        let _ = write!(
            s,
            r#"<text class="axis" x="{}" y="{}">{hour:02}</text>"#,
            left + hour * CELL + 2,
            bottom + 14
        );
    }
    let _ = write!(
        s,
        r#"<line class="base" x1="{left}" y1="{bottom}" x2="{}" y2="{bottom}"/>"#,
        left + 24 * CELL
    );
    s.push_str(&line(
        &prior,
        "prior",
        "reference activity if living in the claimed zone",
    ));
    if let Some(v) = &shifted {
        s.push_str(&line(
            v,
            "prior-inferred",
            "reference activity if living at the inferred offset",
        ));
    }
    s.push_str(&line(&share, "person", "this contributor"));
    s.push_str("</svg>");
    s
}

/// Offset runs over time as horizontal segments.
fn offset_timeline(c: &ContributorReport) -> String {
    let parse = |t: &str| {
        chrono::DateTime::parse_from_rfc3339(t)
            .map(|d| d.timestamp())
            .ok()
    };
    let parse_offset = |o: &str| -> Option<f64> {
        let (sign, rest) = match o.as_bytes().first()? {
            b'+' => (1.0, &o[1..]),
            b'-' => (-1.0, &o[1..]),
            _ => return None,
        };
        let (hh, mm) = rest.split_once(':')?;
        Some(sign * (hh.parse::<f64>().ok()? + mm.parse::<f64>().ok()? / 60.0))
    };
    let runs: Vec<(i64, i64, f64, u64)> = c
        .profile
        .offset_timeline
        .iter()
        .filter_map(|r| {
            Some((
                parse(&r.start)?,
                parse(&r.end)?,
                parse_offset(&r.offset)?,
                r.commits,
            ))
        })
        .collect();
    if runs.is_empty() {
        return "<p class=\"muted\">No readable offsets.</p>".into();
    }
    let t0 = runs.iter().map(|r| r.0).min().unwrap_or(0);
    let t1 = runs.iter().map(|r| r.1).max().unwrap_or(0).max(t0 + 1);
    let lo = runs
        .iter()
        .map(|r| r.2)
        .fold(f64::INFINITY, f64::min)
        .min(0.0)
        - 1.0;
    let hi = runs
        .iter()
        .map(|r| r.2)
        .fold(f64::NEG_INFINITY, f64::max)
        .max(0.0)
        + 1.0;
    let (w, hgt, left, right) = (LEFT + 24 * CELL + 2, 130usize, 48usize, 8usize);
    let x = |t: i64| left as f64 + (t - t0) as f64 / (t1 - t0) as f64 * (w - left - right) as f64;
    let y = |o: f64| 10.0 + (hi - o) / (hi - lo) * 100.0;
    let mut s = format!(
        r#"<svg class="timeline" role="img" viewBox="0 0 {w} {hgt}" width="{w}" height="{hgt}" aria-label="recorded UTC offset over time">"#
    );
    let mut labels: Vec<f64> = runs.iter().map(|r| r.2).collect();
    labels.sort_by(|a, b| b.total_cmp(a));
    labels.dedup();
    let mut last_label = f64::NEG_INFINITY;
    for o in labels.iter().take(12) {
        // Offsets closer than a line of text share one label.
        if y(*o) - last_label < 11.0 && last_label.is_finite() {
            continue;
        }
        last_label = y(*o);
        let _ = write!(
            s,
            r#"<text class="axis" x="2" y="{:.1}">UTC{o:+}</text><line class="grid" x1="{left}" x2="{}" y1="{:.1}" y2="{:.1}"/>"#,
            y(*o) + 4.0,
            w - right,
            y(*o),
            y(*o)
        );
    }
    for (start, end, o, n) in &runs {
        let x1 = x(*start);
        let x2 = x(*end).max(x1 + 2.0);
        let _ = write!(
            s,
            r#"<line class="run" x1="{x1:.1}" x2="{x2:.1}" y1="{:.1}" y2="{:.1}" stroke-width="{:.1}"><title>UTC{o:+}: {n} commits, {} – {}</title></line>"#,
            y(*o),
            y(*o),
            (2.0 + (*n as f64).ln_1p()).min(8.0),
            crate::detectors::iso_date(*start),
            crate::detectors::iso_date(*end)
        );
    }
    let _ = write!(
        s,
        r#"<text class="axis" x="{left}" y="{}">{}</text><text class="axis end" x="{}" y="{}">{}</text>"#,
        hgt - 4,
        crate::detectors::iso_date(t0),
        w - right,
        hgt - 4,
        crate::detectors::iso_date(t1)
    );
    s.push_str("</svg>");
    s
}

/// Commits per weekday as bars, the claimed weekend shaded.
fn weekday_bars(week: &[[u32; 24]; 7], weekend: Option<[bool; 7]>) -> String {
    let weekend = weekend.unwrap_or([false, false, false, false, false, true, true]);
    let totals: Vec<u32> = week.iter().map(|d| d.iter().sum()).collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1) as f64;
    let (w, hgt, bar) = (LEFT + 24 * CELL + 2, 110usize, 52usize);
    let mut s = format!(
        r#"<svg class="weekdays" role="img" viewBox="0 0 {w} {hgt}" width="{w}" height="{hgt}" aria-label="commits per weekday">"#
    );
    for (d, &n) in totals.iter().enumerate() {
        let x = LEFT + d * (bar + 8);
        let height = (n as f64 / max * 80.0).round();
        if weekend[d] {
            let _ = write!(
                s,
                r#"<rect class="weekend" x="{}" y="4" width="{}" height="86"/>"#,
                x - 3,
                bar + 6
            );
        }
        let _ = write!(
            s,
            r#"<rect class="bar" x="{x}" y="{:.0}" width="{bar}" height="{height:.0}"><title>{}: {n} commits</title></rect><text class="axis" x="{}" y="104">{}</text>"#,
            90.0 - height,
            DAYS[d],
            x + 14,
            DAYS[d]
        );
    }
    s.push_str("</svg>");
    s
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Contradiction => "v-contradiction",
        Verdict::Suspicious => "v-suspicious",
        Verdict::InsufficientData => "v-insufficient",
        Verdict::Consistent => "v-consistent",
    }
}

fn anchor(c: &ContributorReport) -> String {
    // Ids are pseudonyms (`c-` + hex): safe, but escaped all the same.
    h(&c.id, crate::text::limit::CELL)
}

fn strongest(c: &ContributorReport) -> String {
    c.findings
        .iter()
        .max_by_key(|f| f.severity)
        .map_or("–".into(), |f| {
            format!(
                "<span class=\"sev sev-{}\">{}</span> {}",
                f.severity.name(),
                f.severity.name(),
                h(&f.summary, crate::text::limit::SUMMARY_IN_ROW)
            )
        })
}

const STYLE: &str = r#"
:root { color-scheme: light dark; --fg:#1b1f24; --bg:#ffffff; --muted:#5c6670; --line:#d0d7de; --cell:#1a7f37; --work:#cf222e; --card:#f6f8fa;
  --prior:#8250df; --prior2:#bf8700; --person:#0969da; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --bg:#0d1117; --muted:#8d96a0; --line:#30363d; --cell:#3fb950; --work:#ff7b72; --card:#161b22;
  --prior:#a371f7; --prior2:#d29922; --person:#58a6ff; } }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1100px; padding: 16px; }
h1 { font-size: 20px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
.muted, .note { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { cursor: pointer; user-select: none; white-space: nowrap; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { font-weight: 600; white-space: nowrap; }
.v-contradiction { color: #cf222e; } .v-suspicious { color: #bc4c00; } .v-insufficient { color: var(--muted); } .v-consistent { color: #1a7f37; }
.sev { display: inline-block; border-radius: 8px; padding: 0 6px; font-size: 12px; border: 1px solid var(--line); }
.sev-high { background: #cf222e; color: #fff; } .sev-medium { background: #bc4c00; color: #fff; } .sev-low { background: var(--card); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin: 10px 0; }
.charts { display: flex; flex-wrap: wrap; gap: 18px; }
.charts figure { margin: 0; flex: 0 0 auto; width: 470px; } figcaption { color: var(--muted); font-size: 12px; }
svg text.axis { font-size: 10px; fill: var(--muted); } svg text.end { text-anchor: end; }
svg rect.cell { fill: var(--cell); } svg rect.cell.empty { fill: var(--line); fill-opacity: 0.25; }
svg rect.workday { fill: none; stroke: var(--work); stroke-width: 2; stroke-dasharray: 4 2; }
svg polyline { fill: none; stroke-width: 2; } svg .person { stroke: var(--person); stroke-width: 2.5; }
svg .prior { stroke: var(--prior); stroke-dasharray: 5 3; } svg .prior-inferred { stroke: var(--prior2); stroke-dasharray: 2 3; }
svg rect.bar { fill: var(--person); } svg rect.weekend { fill: var(--line); fill-opacity: 0.5; }
svg line.base, svg line.grid { stroke: var(--line); } svg line.run { stroke: var(--person); stroke-linecap: round; }
.legend span { margin-right: 12px; font-size: 12px; } .legend i { display: inline-block; width: 18px; height: 3px; vertical-align: middle; margin-right: 4px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--bg); border: 1px solid var(--line); padding: 8px; font-size: 12px; }
input[type=search] { padding: 4px 8px; width: 280px; margin: 6px 0; }
.warning { border-left: 4px solid #bc4c00; padding: 6px 10px; background: var(--card); }
@media print { body { max-width: none; } input, .noprint { display: none; } .card, figure { break-inside: avoid; } details { display: block; } details > * { display: block; } }
"#;

/// Sorting and filtering of the overview, and a render self-check that
/// records problems in `data-render-check` (read by the browser test).
const SCRIPT: &str = r#"
(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });
  document.addEventListener('securitypolicyviolation', function (e) { errors.push('csp:' + e.blockedURI); });
  var table = document.getElementById('overview');
  if (table) {
    var ths = table.querySelectorAll('th');
    ths.forEach(function (th, col) {
      th.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        ths.forEach(function (o) { o.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute('data-sort') || a.cells[col].textContent;
          var y = b.cells[col].getAttribute('data-sort') || b.cells[col].textContent;
          var nx = parseFloat(x), ny = parseFloat(y);
          var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
    var filter = document.getElementById('filter');
    if (filter) filter.addEventListener('input', function () {
      var q = filter.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  }
  window.addEventListener('load', function () {
    var maps = document.querySelectorAll('svg.heatmap');
    var sized = 0;
    maps.forEach(function (m) { var r = m.getBoundingClientRect(); if (r.width > 100 && r.height > 50) sized++; });
    var requests = (performance.getEntriesByType('resource') || []).length;
    document.documentElement.setAttribute('data-render-check', JSON.stringify(
      { heatmaps: maps.length, sized: sized, requests: requests, errors: errors }));
  });
})();
"#;

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut s = String::with_capacity(64 * 1024);
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    s.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    let _ = write!(
        s,
        "<title>git-alibi {}</title>\n<style>{STYLE}</style></head><body>\n",
        h(&report.command, crate::text::limit::WORD)
    );
    let _ = writeln!(
        s,
        "<h1>git-alibi {}: {} commits by {} contributors</h1>",
        h(&report.command, crate::text::limit::WORD),
        report.summary.commits,
        report.summary.contributors
    );
    s.push_str("<p class=\"note\">Findings are indicators with evidence, not proof: people travel, work nights and share machines. Read the evidence and the commits before acting.</p>\n");
    let repos: Vec<String> = report
        .repositories
        .iter()
        .map(|r| h(&r.path, crate::text::limit::PATH))
        .collect();
    let _ = writeln!(
        s,
        "<p class=\"muted\">Repositories: {}{}. Times are author dates. git-alibi {}.</p>",
        repos.join(", "),
        report
            .options
            .range
            .as_deref()
            .map(|r| format!("; range {}", h(r, crate::text::limit::RANGE)))
            .unwrap_or_default(),
        h(report.tool.version, crate::text::limit::WORD)
    );
    if let Some(check) = &report.check {
        let _ = writeln!(
            s,
            "<p>Range {}: {} commits by {} authors; {} findings raised by the range, {} already in the baseline.</p>",
            h(&check.range, crate::text::limit::RANGE),
            check.range_commits,
            check.authors,
            check.findings_from_range,
            check.findings_from_baseline
        );
        for edit in &check.settings_edited {
            let _ = writeln!(
                s,
                "<div class=\"warning\"><strong>{} {}</strong>: {}{}</div>",
                edit.severity.name(),
                h(&edit.repository, crate::text::limit::PATH),
                h(&edit.summary, crate::text::limit::SUMMARY),
                edit.added(|l| h(l, crate::text::limit::NAME_STORED))
                    .map(|a| format!(" {a}"))
                    .unwrap_or_default()
            );
        }
    }
    if report.incomplete {
        s.push_str("<div class=\"warning\"><strong>History is incomplete</strong>; the judgement is partial:<ul>");
        for r in &report.incomplete_reasons {
            let _ = write!(s, "<li>{}</li>", h(r, crate::text::limit::REASON));
        }
        s.push_str("</ul></div>\n");
    }

    // Overview, ranked by risk.
    s.push_str("<h2>Contributors by risk</h2>\n<input id=\"filter\" type=\"search\" placeholder=\"filter (name, verdict, claim…)\" class=\"noprint\">\n");
    s.push_str("<table id=\"overview\"><thead><tr><th>#</th><th>contributor</th><th>kind</th><th>claim</th><th>inferred</th><th>commits</th><th>verdict</th><th>risk</th><th>strongest reason</th></tr></thead><tbody>\n");
    for (i, c) in report.contributors.iter().enumerate() {
        let detailed = has_section(c);
        let name = if detailed {
            format!(
                "<a href=\"#{}\">{}</a>",
                anchor(c),
                h(&c.name, crate::text::limit::NAME)
            )
        } else {
            h(&c.name, crate::text::limit::NAME)
        };
        let _ = writeln!(
            s,
            "<tr><td class=\"num\">{}</td><td>{name}</td><td>{}</td><td>{}</td><td data-sort=\"{}\">{}</td><td class=\"num\">{}</td><td class=\"verdict {}\">{}</td><td class=\"num\">{:.2}</td><td>{}</td></tr>",
            i + 1,
            c.kind.name(),
            c.claim
                .as_ref()
                .map_or("–".into(), |cl| h(&cl.location, crate::text::limit::CELL)),
            c.inferred_utc_offset_hours
                .map_or(String::new(), |o| o.to_string()),
            c.inferred_utc_offset_hours
                .map_or("–".into(), |o| format!("UTC{o:+}")),
            c.commits,
            verdict_class(c.verdict),
            c.verdict.name(),
            c.risk,
            strongest(c)
        );
    }
    s.push_str("</tbody></table>\n");

    // One section per contributor worth looking at.
    for c in report
        .contributors
        .iter()
        .filter(|c| has_section(c))
        .take(200)
    {
        section(&mut s, report, c);
    }
    let _ = write!(s, "<script>{SCRIPT}</script>\n</body></html>\n");
    out.write_all(s.as_bytes())
}

/// Contributors with a claim or a finding get their own section.
fn has_section(c: &ContributorReport) -> bool {
    c.kind == crate::model::identities::ContributorKind::Human
        && c.profile.timed_commits > 0
        && (c.claim.is_some() || c.findings.iter().any(|f| f.severity >= Severity::Low))
}

fn section(s: &mut String, report: &Report, c: &ContributorReport) {
    let _ = writeln!(
        s,
        "<section class=\"card contributor\" id=\"{}\"><h2>{} <span class=\"verdict {}\">{}</span> <span class=\"muted\">risk {:.2}</span></h2>",
        anchor(c),
        h(&c.name, crate::text::limit::HEADING),
        verdict_class(c.verdict),
        c.verdict.name(),
        c.risk
    );
    let _ = writeln!(
        s,
        "<p>{} commits{} ({} timed) from {} to {}; claim: {}; inferred from timing: {}.{}</p>",
        c.commits,
        super::per_repository(report, c, 10, |p| h(p, crate::text::limit::PATH))
            .map_or(String::new(), |r| format!(
                " <span class=\"muted\">({r})</span>"
            )),
        c.profile.timed_commits,
        h(
            &c.first_commit[..10.min(c.first_commit.len())],
            crate::text::limit::DATE
        ),
        h(
            &c.last_commit[..10.min(c.last_commit.len())],
            crate::text::limit::DATE
        ),
        c.claim.as_ref().map_or("none".into(), |cl| format!(
            "{} <span class=\"muted\">({})</span>",
            h(&cl.location, crate::text::limit::LOCATION),
            h(&cl.source, crate::text::limit::HEADING)
        )),
        match (&c.inferred_utc_offset_hours, &c.inference) {
            (Some(o), Some(i)) => format!(
                "UTC{o:+} standard time (90% interval {:+} to {:+}, confidence {:.2}, from {} distinct hours)",
                i.interval_90[0], i.interval_90[1], i.confidence, i.observations
            ),
            _ => "not enough activity".into(),
        },
        c.needed
            .as_deref()
            .map(|n| format!(
                " <span class=\"muted\">Too little to judge: {}.</span>",
                h(n, crate::text::limit::REASON)
            ))
            .unwrap_or_default()
    );
    if !c.profile.set_aside.is_empty() {
        s.push_str("<p class=\"set-aside\">Read in part, because of how they were made:</p><ul class=\"set-aside\">");
        for a in &c.profile.set_aside {
            let _ = write!(
                s,
                "<li>{} {}: {}</li>",
                a.commits,
                if a.commits == 1 { "commit" } else { "commits" },
                h(a.reason, crate::text::limit::REASON)
            );
        }
        s.push_str("</ul>\n");
    }
    s.push_str("<div class=\"charts\">");
    if let Some(local) = &c.claimed_local_time {
        let _ = write!(
            s,
            "<figure>{}<figcaption>Their week in <strong>claimed local time</strong> ({}); dashed box: the claimed working day, Mon–Fri 09–18. {:.0}% of commits at 00–06 claimed time.</figcaption></figure>",
            heatmap(
                &local.commits_by_weekday_hour,
                "week in claimed local time",
                true
            ),
            c.claim.as_ref().map_or(String::new(), |cl| h(
                &cl.location,
                crate::text::limit::LOCATION
            )),
            local.night_share * 100.0
        );
    }
    let _ = write!(
        s,
        "<figure>{}<figcaption>Their week in <strong>UTC</strong>.</figcaption></figure>",
        heatmap(&c.profile.hour_of_week_utc, "week in UTC", false)
    );
    if let Some(local) = &c.claimed_local_time {
        let claimed = local.claimed_utc_offsets_hours.first().copied();
        let _ = write!(
            s,
            "<figure>{}<figcaption class=\"legend\"><span><i style=\"background:var(--person)\"></i>this contributor</span><span><i style=\"background:var(--prior)\"></i>typical developer in the claimed zone</span>{}</figcaption><figcaption>Commits by hour of day, claimed local time, against the reference activity prior.</figcaption></figure>",
            hour_curve(&local.commits_by_hour, claimed, c.inferred_utc_offset_hours),
            if c.inferred_utc_offset_hours.is_some() {
                "<span><i style=\"background:var(--prior2)\"></i>typical developer at the inferred offset</span>"
            } else {
                ""
            }
        );
    }
    let _ = write!(
        s,
        "<figure>{}<figcaption>Recorded UTC offset over time (line width: commits).</figcaption></figure>",
        offset_timeline(c)
    );
    s.push_str("</div>\n");
    if c.findings.is_empty() {
        s.push_str("<p class=\"muted\">No findings.</p>");
    } else {
        s.push_str("<h3>Findings</h3><ul class=\"findings\">");
        for f in &c.findings {
            let origin = f.origin.map_or(String::new(), |o| {
                format!(" <span class=\"muted\">({})</span>", o.phrase())
            });
            let evidence = serde_json::to_string_pretty(&f.evidence).unwrap_or_default();
            let with = super::with_peers(f, |p| h(p, crate::text::limit::NAME_IN_LINE));
            let _ = write!(
                s,
                "<li><span class=\"sev sev-{}\">{}</span> <code>{}</code>: {}{origin}{with}<details><summary>evidence and example commits</summary><pre>{}</pre></details></li>",
                f.severity.name(),
                f.severity.name(),
                f.rule,
                h(&f.summary, crate::text::limit::SUMMARY_FULL),
                h_pre(&evidence)
            );
        }
        s.push_str("</ul>");
    }
    if c.accepted_findings > 0 {
        let _ = write!(
            s,
            "<p class=\"muted\">{} not shown.</p>",
            super::count(c.accepted_findings, "accepted finding")
        );
    }
    if let Some(local) = &c.claimed_local_time {
        let country = c.claim.as_ref().and_then(|cl| cl.country.as_deref());
        let cal = country.and_then(|cc| crate::inference::calendars::calendars().get(cc));
        let year = c
            .last_commit
            .get(..4)
            .and_then(|y| y.parse().ok())
            .unwrap_or(2000);
        let _ = write!(
            s,
            "<h3>Calendar</h3><div class=\"charts\"><figure>{}<figcaption>Commits per weekday, claimed local time; shaded: {}. Holiday and make-up-day evidence is in the calendar findings (<code>git alibi calendar {}</code> lists the dates assumed).</figcaption></figure></div>",
            weekday_bars(&local.commits_by_weekday_hour, cal.map(|k| k.weekend(year))),
            match (cal, country) {
                (Some(_), Some(cc)) => format!("the weekend in {}", h(cc, 4)),
                _ => "Saturday and Sunday (no calendar data for the claim)".into(),
            },
            h(country.unwrap_or("CC"), 4)
        );
    }
    s.push_str("</section>\n");
}
