//! The history walk: which commits to read, read each raw object exactly once.
//!
//! We do our own depth-first traversal over raw objects instead of gix's
//! `rev_walk`: that decodes every commit once for the walk and again for the
//! lookup, and it normalises the headers we want to see as written.

use std::collections::HashSet as StdHashSet;
use std::path::{Path, PathBuf};

use gix::ObjectId;
use gix::hashtable::HashSet;
use gix::objs::Find;

use crate::error::Error;

/// Which commits to walk.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// `A..B`, `A...B` or a single revision; `None` walks every branch, tag and
    /// remote-tracking ref (and a detached HEAD).
    pub range: Option<String>,
    /// Also walk `refs/pull/*` and other refs outside the default namespaces.
    pub all_refs: bool,
}

/// What the walk saw besides commits.
#[derive(Debug, Clone, Default)]
pub struct WalkStats {
    pub commits: u64,
    /// Parents that are not in the object database (and not cut off by a shallow boundary).
    pub missing_objects: u64,
    /// Up to a few missing ids, for the message.
    pub missing_examples: Vec<String>,
    /// Objects that exist but could not be read (corrupt packs or loose objects).
    pub unreadable_objects: u64,
    pub shallow: bool,
    /// Tips that were not commits (tags of trees or blobs).
    pub non_commit_tips: u64,
}

/// An opened repository and where it lives.
pub struct OpenedRepo {
    pub repo: gix::Repository,
    pub path: PathBuf,
}

/// Open a repository at or above `path`. Reading only: gix runs no hooks,
/// filters or fsmonitor for what we do.
pub fn open(path: &Path) -> Result<OpenedRepo, Error> {
    if !path.exists() {
        return Err(Error::NotARepository {
            path: path.to_owned(),
            reason: "no such file or directory".into(),
        });
    }
    let repo = gix::discover(path).map_err(|e| Error::NotARepository {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    let mut repo = repo;
    repo.object_cache_size_if_unset(16 * 1024 * 1024);
    let shown = repo
        .workdir()
        .map(Path::to_owned)
        .unwrap_or_else(|| repo.git_dir().to_owned());
    Ok(OpenedRepo { repo, path: shown })
}

/// Walk the selected history, calling `visit(id, raw_commit_bytes)` once per commit.
pub fn walk(
    repo: &gix::Repository,
    options: &WalkOptions,
    mut visit: impl FnMut(&ObjectId, &[u8]),
) -> Result<WalkStats, Error> {
    let mut stats = WalkStats::default();
    let shallow: StdHashSet<ObjectId> = match repo.shallow_commits() {
        Ok(Some(list)) => list.iter().copied().collect(),
        Ok(None) => StdHashSet::new(),
        Err(e) => {
            return Err(Error::Repository {
                path: repo.git_dir().to_owned(),
                reason: format!("cannot read the shallow file: {e}"),
            });
        }
    };
    stats.shallow = !shallow.is_empty();

    let (tips, hidden) = match &options.range {
        None => (
            ref_tips(repo, options.all_refs, &mut stats)?,
            HashSet::default(),
        ),
        Some(spec) => resolve_range(repo, spec, &shallow)?,
    };

    let mut seen: HashSet<ObjectId> = hidden;
    let mut stack: Vec<ObjectId> = Vec::with_capacity(1024);
    for tip in tips {
        if seen.insert(tip) {
            stack.push(tip);
        }
    }
    let mut buf = Vec::with_capacity(4096);
    while let Some(id) = stack.pop() {
        let data = match repo.objects.try_find(&id, &mut buf) {
            Ok(Some(data)) => data,
            Ok(None) => {
                stats.missing_objects += 1;
                if stats.missing_examples.len() < 5 {
                    stats.missing_examples.push(id.to_string());
                }
                continue;
            }
            Err(_) => {
                stats.unreadable_objects += 1;
                if stats.missing_examples.len() < 5 {
                    stats.missing_examples.push(id.to_string());
                }
                continue;
            }
        };
        if data.kind != gix::object::Kind::Commit {
            // Only a tip can be a non-commit (a tag of a tree); parents are commits.
            stats.non_commit_tips += 1;
            continue;
        }
        let is_boundary = shallow.contains(&id);
        if !is_boundary {
            for parent in parent_ids(data.data) {
                if seen.insert(parent) {
                    stack.push(parent);
                }
            }
        }
        stats.commits += 1;
        visit(&id, data.data);
    }
    Ok(stats)
}

/// Parent ids of a raw commit, read from the `parent` header lines that
/// directly follow `tree`.
pub fn parent_ids(data: &[u8]) -> impl Iterator<Item = ObjectId> + '_ {
    data.split(|&b| b == b'\n')
        .skip(1)
        .take_while(|line| line.starts_with(b"parent "))
        .filter_map(|line| ObjectId::from_hex(&line[7..]).ok())
}

fn is_default_ref(name: &str) -> bool {
    name.starts_with("refs/heads/")
        || name.starts_with("refs/tags/")
        || name.starts_with("refs/remotes/")
}

fn ref_tips(
    repo: &gix::Repository,
    all_refs: bool,
    stats: &mut WalkStats,
) -> Result<Vec<ObjectId>, Error> {
    let repo_err = |reason: String| Error::Repository {
        path: repo.git_dir().to_owned(),
        reason,
    };
    let platform = repo
        .references()
        .map_err(|e| repo_err(format!("cannot list refs: {e}")))?;
    let iter = platform
        .all()
        .map_err(|e| repo_err(format!("cannot list refs: {e}")))?;
    let mut tips = Vec::new();
    for reference in iter {
        let Ok(mut reference) = reference else {
            stats.unreadable_objects += 1;
            continue;
        };
        let name = reference.name().as_bstr().to_string();
        if !all_refs && !is_default_ref(&name) {
            continue;
        }
        match reference.peel_to_id() {
            Ok(id) => tips.push(id.detach()),
            Err(_) => stats.unreadable_objects += 1,
        }
    }
    // A detached HEAD is walked too, as `git log --all` does.
    if let Ok(head) = repo.head_id() {
        tips.push(head.detach());
    }
    tips.sort();
    tips.dedup();
    Ok(tips)
}

fn rev(repo: &gix::Repository, spec: &str) -> Result<ObjectId, Error> {
    let spec = if spec.is_empty() { "HEAD" } else { spec };
    let id = repo
        .rev_parse_single(spec)
        .map_err(|e| Error::BadRevision {
            revision: spec.to_owned(),
            reason: e.to_string(),
        })?;
    // Peel tags to the commit they point at.
    let object = id.object().map_err(|e| Error::BadRevision {
        revision: spec.to_owned(),
        reason: e.to_string(),
    })?;
    let commit = object.peel_to_commit().map_err(|e| Error::BadRevision {
        revision: spec.to_owned(),
        reason: e.to_string(),
    })?;
    Ok(commit.id)
}

/// Every commit reachable from `tips` (ids only).
fn reachable(
    repo: &gix::Repository,
    tips: &[ObjectId],
    shallow: &StdHashSet<ObjectId>,
) -> HashSet<ObjectId> {
    let mut seen: HashSet<ObjectId> = HashSet::default();
    let mut stack: Vec<ObjectId> = tips.to_vec();
    for t in tips {
        seen.insert(*t);
    }
    let mut buf = Vec::new();
    while let Some(id) = stack.pop() {
        let Ok(Some(data)) = repo.objects.try_find(&id, &mut buf) else {
            continue;
        };
        if shallow.contains(&id) {
            continue;
        }
        for p in parent_ids(data.data) {
            if seen.insert(p) {
                stack.push(p);
            }
        }
    }
    seen
}

/// `A..B`: commits reachable from B but not A. `A...B`: reachable from either
/// but not both. Anything else: one revision and its ancestors.
fn resolve_range(
    repo: &gix::Repository,
    spec: &str,
    shallow: &StdHashSet<ObjectId>,
) -> Result<(Vec<ObjectId>, HashSet<ObjectId>), Error> {
    if let Some((a, b)) = spec.split_once("...") {
        let (a, b) = (rev(repo, a)?, rev(repo, b)?);
        let ra = reachable(repo, &[a], shallow);
        let rb = reachable(repo, &[b], shallow);
        let hidden: HashSet<ObjectId> = ra.iter().filter(|id| rb.contains(*id)).copied().collect();
        Ok((vec![a, b], hidden))
    } else if let Some((a, b)) = spec.split_once("..") {
        let (a, b) = (rev(repo, a)?, rev(repo, b)?);
        Ok((vec![b], reachable(repo, &[a], shallow)))
    } else {
        Ok((vec![rev(repo, spec)?], HashSet::default()))
    }
}
