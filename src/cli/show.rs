//! `show`: one contributor's story.

use std::io::Write;

use crate::analysis::accepted::Accepted;
use crate::error::Error;
use crate::reports::{self, Format, ReportOptions};

use super::*;

/// `show`: one contributor, found by part of a name or email, or by id.
pub(super) fn show(
    a: ShowArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<i32, Error> {
    let job = Job::new("show", a.targets, a.common, a.claims.roster);
    let Prepared { analysis, range } = prepare(&job, &Accepted::default(), stderr)?;
    let common = &job.common;
    let privacy = privacy_of(common);
    let query = a.contributor.to_lowercase();
    let matches: Vec<u32> = analysis
        .results
        .iter()
        .map(|r| r.profile.contributor)
        .filter(|&i| {
            let c = &analysis.history.contributors[i as usize];
            crate::reports::naming::id(&privacy, c) == a.contributor
                || String::from_utf8_lossy(&c.key)
                    .to_lowercase()
                    .contains(&query)
                || c.identities
                    .keys()
                    .chain(c.raw_identities.keys())
                    .any(|(n, e)| {
                        String::from_utf8_lossy(n).to_lowercase().contains(&query)
                            || String::from_utf8_lossy(e).to_lowercase().contains(&query)
                    })
        })
        .collect();
    let mut report = reports::build(
        &analysis,
        "show",
        ReportOptions {
            range,
            since: common.since.clone(),
            until: common.until.clone(),
            mailmap: !common.source.no_mailmap,
            ..Default::default()
        },
        &privacy,
    );
    // An exact name, email or id wins over partial matches ("Ann" among "Anna").
    let exact: Vec<u32> = matches
        .iter()
        .copied()
        .filter(|&i| {
            let c = &analysis.history.contributors[i as usize];
            crate::reports::naming::id(&privacy, c) == a.contributor
                || c.identities
                    .keys()
                    .chain(c.raw_identities.keys())
                    .any(|(n, e)| {
                        String::from_utf8_lossy(n).to_lowercase() == query
                            || String::from_utf8_lossy(e).to_lowercase() == query
                    })
        })
        .collect();
    let chosen = if exact.len() == 1 { &exact } else { &matches };
    let ids: Vec<String> = chosen
        .iter()
        .map(|&i| crate::reports::naming::id(&privacy, &analysis.history.contributors[i as usize]))
        .collect();
    report.contributors.retain(|c| ids.contains(&c.id));
    match report.contributors.len() {
        0 => {
            return Err(Error::NoSuchContributor {
                query: a.contributor.clone(),
                candidates: Vec::new(),
            });
        }
        1 => {}
        _ => {
            // Enough to tell people with the same name apart, and say so
            // when the list is cut.
            const SHOWN: usize = 20;
            let mut candidates: Vec<String> = report
                .contributors
                .iter()
                .take(SHOWN)
                .map(|c| {
                    format!(
                        "{} ({}, {}, {} – {})",
                        crate::text::display_safe(
                            c.name.as_bytes(),
                            crate::text::limit::NAME_IN_LINE
                        ),
                        c.id,
                        reports::count(c.commits as usize, "commit"),
                        &c.first_commit[..10.min(c.first_commit.len())],
                        &c.last_commit[..10.min(c.last_commit.len())]
                    )
                })
                .collect();
            if report.contributors.len() > SHOWN {
                candidates.push(format!(
                    "… and {} more: be more specific",
                    report.contributors.len() - SHOWN
                ));
            }
            return Err(Error::NoSuchContributor {
                query: a.contributor.clone(),
                candidates,
            });
        }
    }
    let c = &report.contributors[0];
    write_output(
        common.output.as_deref(),
        common.color,
        stdout,
        |out, color| match common.format {
            Format::Text => reports::show::text(c, out, color),
            Format::Markdown => reports::show::markdown(c, out),
            other => reports::write(&report, other, out, color),
        },
    )?;
    Ok(EXIT_OK)
}
