//! CSV: one row per contributor, for spreadsheets. Cells that a spreadsheet
//! would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) are
//! prefixed with `'`, and control characters and bidi overrides are shown
//! as escapes, since names and emails come from the repository.

use std::io::Write;

use super::Report;
use crate::text::display_safe;

/// A cell safe for spreadsheets.
pub fn cell(s: &str) -> String {
    let safe = display_safe(s.as_bytes(), crate::text::limit::CSV_CELL);
    match safe.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{safe}"),
        _ => safe,
    }
}

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let io = io_error;
    w.write_record([
        "rank",
        "id",
        "name",
        "kind",
        "emails",
        "commits",
        "first_commit",
        "last_commit",
        "claim",
        "inferred_utc_offset_hours",
        "confidence",
        "verdict",
        "risk",
        "findings",
        "strongest_finding",
        "repositories",
    ])
    .map_err(io)?;
    for (i, c) in report.contributors.iter().enumerate() {
        let strongest = c.findings.iter().max_by_key(|f| f.severity);
        w.write_record([
            (i + 1).to_string(),
            c.id.clone(),
            cell(&c.name),
            c.kind.name().to_owned(),
            cell(&c.emails.join(" ")),
            c.commits.to_string(),
            c.first_commit.clone(),
            c.last_commit.clone(),
            c.claim
                .as_ref()
                .map_or(String::new(), |cl| cell(&cl.location)),
            c.inferred_utc_offset_hours
                .map_or(String::new(), |o| o.to_string()),
            c.inference
                .as_ref()
                .map_or(String::new(), |inf| inf.confidence.to_string()),
            c.verdict.name().to_owned(),
            format!("{:.3}", c.risk),
            c.findings
                .iter()
                .map(|f| format!("{}:{}", f.rule, f.severity.name()))
                .collect::<Vec<_>>()
                .join(" "),
            strongest.map_or(String::new(), |f| cell(&f.summary)),
            cell(
                &c.repositories
                    .iter()
                    .map(|(path, n)| format!("{path}={n}"))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        ])
        .map_err(io)?;
    }
    w.flush()
}

/// Keep the I/O error's kind: a closed pipe (`| head`) is not a failure.
fn io_error(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_stays_a_closed_pipe() {
        let mut w = csv::Writer::from_writer(ClosedPipe);
        // Larger than the writer's buffer, so the record reaches the pipe.
        let e = w.write_record([&"x".repeat(100_000)]).unwrap_err();
        assert_eq!(super::io_error(e).kind(), std::io::ErrorKind::BrokenPipe);
    }
}
