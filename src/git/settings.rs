//! Where a repository's own settings come from: `.git-alibi.toml` (claims and
//! thresholds) and `.git-alibi-accepted.toml` (accepted findings). One loading
//! path for every command.
//!
//! Trust: `check` judges a pull request, and the work tree *is* the pull
//! request, so a branch could accept its own findings or change its author's
//! claim. `check` therefore reads both files from the range's base commit
//! (the branch the pull request goes into) and reports when the range edits
//! them (compared with where the range forked from the base). Every other command reads the work tree (a bare repository has none).

use std::path::{Path, PathBuf};

use crate::git::walk;

pub const CONFIG_FILE: &str = ".git-alibi.toml";
/// Reviewed findings that `check` and `audit` skip (`crate::analysis::accepted`).
pub const ACCEPTED_FILE: &str = ".git-alibi-accepted.toml";

/// The bytes of one settings file and where they were read.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    /// Shown in messages: a work-tree path, or `BASE:file` for a commit's.
    pub label: PathBuf,
    pub bytes: Vec<u8>,
}

/// One repository's settings files, as far as they exist.
#[derive(Debug, Clone, Default)]
pub struct RepoSettings {
    pub config: Option<SettingsFile>,
    pub accepted: Option<SettingsFile>,
    /// Settings files the judged range changes (`check` only): the range
    /// cannot vouch for itself, someone else must review these edits.
    pub edited_in_range: Vec<&'static str>,
}

/// Read a repository's settings: from the base of `range` when given (and a
/// range of two ends), else from the work tree.
pub fn read(repo: &gix::Repository, range: Option<&str>) -> Result<RepoSettings, crate::Error> {
    if let Some(spec) = range
        && let Some((base, head)) = walk::range_base_and_head(repo, spec)?
    {
        let mut settings = RepoSettings::default();
        let short = base.to_hex_with_len(12).to_string();
        // What the range changed is measured from where it forked: a branch
        // that is merely behind its base has edited nothing.
        let fork = repo
            .merge_base(base, head)
            .ok()
            .flatten()
            .map(|id| id.detach())
            .unwrap_or(base);
        for name in [CONFIG_FILE, ACCEPTED_FILE] {
            let at_base = walk::file_in_commit(repo, base, name);
            let at_fork = walk::file_in_commit(repo, fork, name);
            let at_head = walk::file_in_commit(repo, head, name);
            if at_fork.as_ref().map(|f| f.0) != at_head.as_ref().map(|f| f.0) {
                settings.edited_in_range.push(name);
            }
            let file = at_base.map(|(_, bytes)| SettingsFile {
                label: PathBuf::from(format!("{short}:{name}")),
                bytes,
            });
            if name == CONFIG_FILE {
                settings.config = file;
            } else {
                settings.accepted = file;
            }
        }
        return Ok(settings);
    }
    let Some(workdir) = repo.workdir() else {
        return Ok(RepoSettings::default());
    };
    Ok(RepoSettings {
        config: from_disk(&workdir.join(CONFIG_FILE))?,
        accepted: from_disk(&workdir.join(ACCEPTED_FILE))?,
        edited_in_range: Vec::new(),
    })
}

fn from_disk(path: &Path) -> Result<Option<SettingsFile>, crate::Error> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(SettingsFile {
            label: path.to_owned(),
            bytes,
        })),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(crate::Error::Config {
            path: path.to_owned(),
            message: format!("cannot read: {e}"),
        }),
    }
}

/// A stable file of the repository for results that have no claim line:
/// code-scanning services drop results without a physical location.
pub fn anchor_file(workdir: Option<&std::path::Path>) -> String {
    const CANDIDATES: &[&str] = &[
        ".git-alibi.toml",
        ".mailmap",
        "README.md",
        "README",
        "Cargo.toml",
        "package.json",
    ];
    if let Some(dir) = workdir {
        for c in CANDIDATES {
            if dir.join(c).is_file() {
                return (*c).to_owned();
            }
        }
    }
    CANDIDATES[0].to_owned()
}
