//! `identities`: clusters of linked contributors, or a `.mailmap` suggestion.

use std::io::Write;

use crate::analysis::accepted::Accepted;
use crate::error::Error;
use crate::reports::{self, Format};

use super::*;

/// `identities`: clusters of linked contributors, or a .mailmap suggestion.
pub(super) fn identities(
    a: IdentitiesArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<i32, Error> {
    reject_unused(
        "identities",
        &a.common,
        &[Format::Text, Format::Json],
        "identities lists clusters as text or json (or a .mailmap) and never fails on findings",
    )?;
    let job = Job {
        claims: false,
        ..Job::new("identities", a.targets, a.common, None)
    };
    let Prepared { analysis, .. } = prepare(&job, &Accepted::default(), stderr)?;
    let history = &analysis.history;
    let links = crate::inference::links::build(history);
    let clusters = crate::inference::links::clusters(history, &links);
    let privacy = privacy_of(&job.common);
    if a.mailmap && job.common.pseudonyms.pseudonymize {
        return Err(Error::Usage {
            message: "--mailmap writes real names and emails (a .mailmap needs them); it cannot be pseudonymised".into(),
            hint: "drop --pseudonymize, and keep the suggestion out of shared logs".into(),
        });
    }
    if !a.cluster.is_empty() && !a.mailmap {
        return Err(Error::Usage {
            message: "--cluster chooses clusters for --mailmap".into(),
            hint: "add --mailmap, or drop --cluster".into(),
        });
    }
    for &n in &a.cluster {
        if n == 0 || n > clusters.len() {
            return Err(Error::Usage {
                message: format!("--cluster {n}: there are {} clusters", clusters.len()),
                hint: "the numbers are those of `git alibi identities` without --mailmap".into(),
            });
        }
    }
    write_output(
        job.common.output.as_deref(),
        ColorChoice::Never,
        stdout,
        |out, _| {
            if a.mailmap {
                let chosen: Vec<&crate::inference::links::Cluster> = clusters
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| a.cluster.is_empty() || a.cluster.contains(&(k + 1)))
                    .map(|(_, c)| c)
                    .collect();
                reports::identities::mailmap(history, &chosen, out)
            } else if job.common.format == Format::Json {
                reports::identities::json(history, &clusters, &privacy, out)
            } else {
                reports::identities::text(history, &clusters, &privacy, out)
            }
        },
    )?;
    Ok(EXIT_OK)
}
