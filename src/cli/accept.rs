//! `accept`: write the current findings to the accepted-findings file.

use std::io::Write;
use std::path::PathBuf;

use crate::analysis::accepted::Accepted;
use crate::error::Error;
use crate::reports::{self, Format};

use super::*;

/// `accept`: write the current findings to the accepted-findings file.
pub(super) fn accept(a: AcceptArgs, stderr: &mut dyn Write) -> Result<i32, Error> {
    reject_unused(
        "accept",
        &a.common,
        &[Format::Text],
        "accept writes the accepted-findings file (--file), no report",
    )?;
    let job = Job::new("accept", a.targets, a.common, a.claims.roster);
    let Prepared { analysis, .. } = prepare(&job, &Accepted::default(), stderr)?;
    let file = match a.file {
        Some(f) => f,
        None => match analysis.history.workdirs.iter().flatten().next() {
            Some(root) => crate::analysis::accepted::default_path(root),
            None => PathBuf::from(crate::analysis::accepted::DEFAULT_FILE),
        },
    };
    let mut accepted = crate::analysis::accepted::read(&file, false)?.unwrap_or_default();
    let privacy = privacy_of(&job.common);
    let mut added = 0usize;
    for r in &analysis.results {
        let c = &analysis.history.contributors[r.profile.contributor as usize];
        for f in r.findings.iter().filter(|f| f.severity >= a.min_severity) {
            added += 1;
            accepted.rekey(
                &crate::analysis::accepted::fingerprint(f.rule, &c.key, ""),
                &f.fingerprint,
            );
            accepted.upsert(crate::analysis::accepted::AcceptedEntry {
                fingerprint: f.fingerprint.clone(),
                rule: f.rule.to_owned(),
                contributor: crate::reports::naming::name_shown(&privacy, c),
                severity: f.severity,
                reason: a.reason.clone(),
            });
        }
    }
    let text = accepted.to_toml();
    crate::files::write_atomically(&file, |out| out.write_all(text.as_bytes())).map_err(|e| {
        Error::Config {
            path: file.clone(),
            message: format!("cannot write accepted findings: {}", write_error(e)),
        }
    })?;
    let _ = writeln!(
        stderr,
        "git-alibi: accepted {}; {} in {}",
        reports::count(added, "finding"),
        reports::count(accepted.accepted.len(), "entry"),
        file.display()
    );
    Ok(EXIT_OK)
}
