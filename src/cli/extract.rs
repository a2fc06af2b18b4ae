//! `extract`: the facts of every repository, to one Parquet file.

use std::io::Write;
use std::path::PathBuf;

use crate::error::Error;
use crate::git::walk::WalkOptions;
use crate::model::history::{self, ReadOptions};
use crate::reports::{self, Privacy};

use super::*;

/// `extract`: the facts of every repository, to one Parquet file.
pub(super) fn extract(a: ExtractArgs, stderr: &mut dyn Write) -> Result<i32, Error> {
    let Repositories {
        paths,
        range,
        keep_going,
    } = repositories(&a.targets, &a.source)?;
    let options = ReadOptions {
        walk: WalkOptions {
            range,
            all_refs: a.source.all_refs,
            with_baseline: false,
        },
        use_mailmap: !a.source.no_mailmap,
        cache: !a.source.no_cache,
        keep_going,
        jobs: jobs(a.source.jobs),
        roster: None,
        forge_keys: None,
        ..ReadOptions::default()
    };
    let dir = match a.output.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        a.output
            .file_name()
            .map_or_else(|| "facts".into(), |n| n.to_string_lossy()),
        std::process::id()
    ));
    let written = (|| {
        let file = create_output(&tmp)?;
        let facts_error = |e: parquet::errors::ParquetError| Error::Facts {
            path: a.output.clone(),
            message: "cannot write the facts".into(),
            source: Some(Box::new(e)),
        };
        let writer = crate::model::extract::FactsWriter::new(
            std::io::BufWriter::new(file),
            crate::model::extract::ExtractOptions {
                pseudonymize: a.pseudonyms.pseudonymize.then(|| Privacy {
                    show_emails: false,
                    pseudonymize: true,
                    salt: a.pseudonyms.pseudonym_salt.clone().unwrap_or_default(),
                }),
            },
        )
        .map_err(facts_error)?;
        let mut incomplete: Vec<String> = Vec::new();
        let progress = Progress::new(&mut *stderr);
        let read = history::for_each_read(
            &paths,
            &options,
            !a.source.no_mailmap,
            &|at| progress.update(at),
            writer,
            |writer, read| match read {
                Ok(read) => {
                    incomplete.extend(read.incomplete.iter().cloned());
                    writer.write_repository(read).map_err(facts_error)
                }
                Err((path, error)) if keep_going => {
                    let reason = history::not_read_reason(path, &error);
                    incomplete.push(reason.clone());
                    writer.write_not_read(reason);
                    Ok(())
                }
                Err((_, error)) => Err(error),
            },
        );
        progress.finish();
        let (writer, notes) = read?;
        for note in notes {
            let _ = writeln!(stderr, "git-alibi: warning: {note}");
        }
        for reason in &incomplete {
            let _ = writeln!(
                stderr,
                "git-alibi: warning: history is incomplete: {reason}"
            );
        }
        if a.require_full_history && !incomplete.is_empty() {
            return Err(Error::IncompleteHistory {
                reason: incomplete.join("; "),
                shallow: incomplete.iter().any(|r| r.contains("shallow clone")),
            });
        }
        writer.finish().map_err(facts_error)
    })();
    let rows = match written {
        Ok(rows) => rows,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    if std::fs::symlink_metadata(&a.output).is_ok_and(|m| m.file_type().is_symlink()) {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::Output {
            path: a.output.clone(),
            source: std::io::Error::other(crate::files::FileError::LinkTarget),
        });
    }
    std::fs::rename(&tmp, &a.output).map_err(|source| Error::Output {
        path: a.output.clone(),
        source,
    })?;
    let _ = writeln!(
        stderr,
        "git-alibi: wrote {} of {} to {}",
        reports::count(rows as usize, "commit"),
        reports::count(paths.len(), "repository"),
        a.output.display()
    );
    Ok(EXIT_OK)
}
