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
/// Who is who: a line can make a person's commits a bot's, so `check` reads it from the base too.
pub const MAILMAP_FILE: &str = ".mailmap";
/// Added lines of an edited settings file shown in the report, at most.
pub const SHOWN_ADDED_LINES: usize = 10;

/// The bytes of one settings file and where they were read.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    /// Shown in messages: a work-tree path, or `BASE:file` for a commit's.
    pub label: PathBuf,
    pub bytes: Vec<u8>,
}

/// A settings file the judged range changes, with the lines it adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditedFile {
    /// The path in the repository (`.mailmap`, a roster's path, ...).
    pub file: String,
    /// Lines of the head's version that the fork's lacks, as written
    /// (untrusted: writers neutralise them), the first [`SHOWN_ADDED_LINES`].
    pub added_lines: Vec<Vec<u8>>,
    /// All added lines, shown or not.
    pub added_count: usize,
}

/// One repository's settings files, as far as they exist.
#[derive(Debug, Clone, Default)]
pub struct RepoSettings {
    pub config: Option<SettingsFile>,
    pub accepted: Option<SettingsFile>,
    /// Read from the range's base (`check`): then [`RepoSettings::mailmap`]
    /// is the only `.mailmap` that applies, and the work tree's and the
    /// `mailmap.file`/`mailmap.blob` settings are not read.
    pub from_base: bool,
    /// The base's `.mailmap` (with [`RepoSettings::from_base`]).
    pub mailmap: Option<SettingsFile>,
    /// The roster, when `check` was given one inside the repository: the base's copy.
    pub roster: Option<SettingsFile>,
    /// Settings files the judged range changes (`check` only): the range
    /// cannot vouch for itself, someone else must review these edits.
    pub edited_in_range: Vec<EditedFile>,
}

/// Read a repository's settings: from the base of `range` when given (and a
/// range of two ends), else from the work tree. `roster` is a roster's path
/// inside the repository (`check --roster` of a file in the checkout), read
/// from the base like the others.
pub fn read(
    repo: &gix::Repository,
    range: Option<&str>,
    roster: Option<&str>,
) -> Result<RepoSettings, crate::Error> {
    if let Some(spec) = range
        && let Some((base, head)) = walk::range_base_and_head(repo, spec)?
    {
        let mut settings = RepoSettings {
            from_base: true,
            ..RepoSettings::default()
        };
        let short = base.to_hex_with_len(12).to_string();
        // What the range changed is measured from where it forked: a branch
        // that is merely behind its base has edited nothing.
        let fork = repo
            .merge_base(base, head)
            .ok()
            .flatten()
            .map(|id| id.detach())
            .unwrap_or(base);
        let names = [CONFIG_FILE, ACCEPTED_FILE, MAILMAP_FILE];
        for name in names.into_iter().chain(roster) {
            let at_base = settings_in_commit(repo, base, name, &short)?;
            let at_fork = settings_in_commit(repo, fork, name, &short)?;
            let at_head = settings_in_commit(repo, head, name, &short)?;
            if at_fork.as_ref().map(|f| f.0) != at_head.as_ref().map(|f| f.0) {
                settings.edited_in_range.push(edit_of(
                    name,
                    at_fork.as_ref().map(|f| f.1.bytes.as_slice()),
                    at_head.as_ref().map(|f| f.1.bytes.as_slice()),
                ));
            }
            let file = at_base.map(|(_, file)| file);
            match name {
                CONFIG_FILE => settings.config = file,
                ACCEPTED_FILE => settings.accepted = file,
                MAILMAP_FILE if Some(name) != roster => settings.mailmap = file,
                _ => {
                    settings.roster = Some(file.ok_or_else(|| crate::Error::Config {
                        path: PathBuf::from(name),
                        message: format!(
                            "the roster is not in the range's base commit {short}; check reads a roster inside the repository from the base (commit it there first, or give a path outside the checkout)"
                        ),
                    })?)
                }
            }
        }
        return Ok(settings);
    }
    let Some(workdir) = repo.workdir() else {
        return Ok(RepoSettings::default());
    };
    Ok(RepoSettings {
        config: from_disk(workdir, CONFIG_FILE)?,
        accepted: from_disk(workdir, ACCEPTED_FILE)?,
        ..RepoSettings::default()
    })
}

/// A settings file in a commit's tree: a regular blob (a symbolic link is
/// not followed) of at most [`crate::files::SETTINGS_LIMIT`] bytes.
fn settings_in_commit(
    repo: &gix::Repository,
    commit: gix::ObjectId,
    name: &str,
    short: &str,
) -> Result<Option<(gix::ObjectId, SettingsFile)>, crate::Error> {
    let label = PathBuf::from(format!("{short}:{name}"));
    match walk::file_in_commit(repo, commit, name, crate::files::SETTINGS_LIMIT) {
        Ok(found) => Ok(found.map(|(id, bytes)| (id, SettingsFile { label, bytes }))),
        Err(size) => Err(crate::Error::Config {
            path: label,
            message: format!(
                "is {size} bytes, over the limit of {} bytes for a settings file",
                crate::files::SETTINGS_LIMIT
            ),
        }),
    }
}

/// What an edit adds: the lines of `head` that `fork` does not have.
fn edit_of(name: &str, fork: Option<&[u8]>, head: Option<&[u8]>) -> EditedFile {
    let before: std::collections::HashSet<&[u8]> =
        fork.unwrap_or_default().split(|&b| b == b'\n').collect();
    let added: Vec<&[u8]> = head
        .unwrap_or_default()
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace) && !before.contains(l))
        .collect();
    EditedFile {
        file: name.to_owned(),
        added_count: added.len(),
        added_lines: added
            .into_iter()
            .take(SHOWN_ADDED_LINES)
            .map(<[u8]>::to_vec)
            .collect(),
    }
}

/// A settings file of the work tree: a regular file, not through a link that
/// leaves the work tree, of bounded size.
fn from_disk(workdir: &Path, name: &str) -> Result<Option<SettingsFile>, crate::Error> {
    let path = workdir.join(name);
    match crate::files::read_regular(&path, crate::files::SETTINGS_LIMIT, Some(workdir)) {
        Ok(bytes) => Ok(bytes.map(|bytes| SettingsFile { label: path, bytes })),
        Err(e) => Err(crate::Error::Config {
            path,
            message: format!("not read: {e}"),
        }),
    }
}

/// The path of `path` inside the work tree `root` (with `/` separators), if
/// it is there: lexically (a link on the way is the checkout's, so it does
/// not matter where it points) or once links are resolved.
pub fn path_in_workdir(path: &Path, root: &Path) -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let absolute = |p: &Path| {
        normalize(&if p.is_absolute() {
            p.to_owned()
        } else {
            cwd.join(p)
        })
    };
    let path = absolute(path);
    let roots = [Some(absolute(root)), std::fs::canonicalize(root).ok()];
    let candidates = [Some(path.clone()), std::fs::canonicalize(&path).ok()];
    for candidate in candidates.iter().flatten() {
        for r in roots.iter().flatten() {
            if let Ok(rel) = candidate.strip_prefix(r) {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if !parts.is_empty() {
                    return Some(parts.join("/"));
                }
            }
        }
    }
    None
}

/// `a/./b/../c` as `a/c`, without asking the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
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
