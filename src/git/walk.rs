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

use crate::error::{Cause, Error, GitError};
pub use crate::git::facts::parent_ids;
use crate::git::range::RangeSpec;
use crate::git::store::{BitSet, ParsedBatch, Store};

/// Which commits to walk.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// `A..B`, `A...B` or a single revision; `None` walks every branch, tag and
    /// remote-tracking ref (and a detached HEAD).
    pub range: Option<String>,
    /// Also walk `refs/pull/*` and other refs outside the default namespaces.
    pub all_refs: bool,
    /// Select every ref *and* the range, and mark which commits are in the
    /// range (`check`: the rest of history is the baseline).
    pub with_baseline: bool,
}

/// What the walk saw besides commits.
#[derive(Debug, Clone, Default)]
pub struct WalkStats {
    pub commits: u64,
    /// Commits parsed from objects in this run (the rest came from the cache).
    pub decoded: u64,
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

/// The commits a walk selected from the store.
pub struct Walked {
    pub stats: WalkStats,
    pub selected: BitSet,
    /// With `with_baseline`: the commits of the range.
    pub range: Option<BitSet>,
    /// The refs walked from, by full name (and `HEAD`), with their commits:
    /// an extract records them so that `check --facts` can name a range.
    pub refs: Vec<(String, ObjectId)>,
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
        return Err(GitError::NotARepository {
            path: path.to_owned(),
            source: Some(Box::new(std::io::Error::from(std::io::ErrorKind::NotFound))),
        }
        .into());
    }
    let repo = gix::discover(path).map_err(|e| {
        if uses_sha256(path) {
            GitError::Sha256 {
                path: path.to_owned(),
            }
        } else {
            GitError::NotARepository {
                path: path.to_owned(),
                source: Some(Box::new(e)),
            }
        }
    })?;
    let mut repo = repo;
    repo.object_cache_size_if_unset(16 * 1024 * 1024);
    let shown = repo
        .workdir()
        .map(Path::to_owned)
        .unwrap_or_else(|| repo.git_dir().to_owned());
    Ok(OpenedRepo { repo, path: shown })
}

/// Does the repository at or above `path` declare SHA-256 object names
/// (`extensions.objectFormat = sha256`)? Read from its config file by hand,
/// because that is exactly what the library refuses to open.
fn uses_sha256(path: &Path) -> bool {
    let mut dir = path.canonicalize().ok();
    while let Some(d) = dir {
        for config in [d.join(".git").join("config"), d.join("config")] {
            if let Ok(text) = std::fs::read_to_string(&config) {
                let text = text.to_ascii_lowercase().replace([' ', '\t'], "");
                if text.contains("objectformat=sha256") {
                    return true;
                }
            }
        }
        dir = d.parent().map(Path::to_owned);
    }
    false
}

/// The shallow boundary of a clone (empty when the clone is complete).
pub fn shallow_commits(repo: &gix::Repository) -> Result<StdHashSet<ObjectId>, Error> {
    match repo.shallow_commits() {
        Ok(Some(list)) => Ok(list.iter().copied().collect()),
        Ok(None) => Ok(StdHashSet::new()),
        Err(e) => Err(GitError::Unreadable {
            path: repo.git_dir().to_owned(),
            doing: "read the shallow file",
            source: Box::new(e),
        }
        .into()),
    }
}

/// Walk the selected history into `store` (reading only commits it does not
/// hold yet) and select commits from it. `progress` gets the number of
/// commits decoded so far.
pub fn walk(
    repo: &gix::Repository,
    options: &WalkOptions,
    store: &mut Store,
    progress: &dyn Fn(u64),
) -> Result<Walked, Error> {
    let mut stats = WalkStats::default();
    let shallow = shallow_commits(repo)?;
    stats.shallow = !shallow.is_empty();

    let range = options
        .range
        .as_deref()
        .map(|spec| parse_range(repo, spec))
        .transpose()?;
    let refs = if range.is_none() || options.with_baseline {
        ref_tips(repo, options.all_refs, &mut stats)?
    } else {
        Vec::new()
    };
    let mut ref_tips: Vec<ObjectId> = refs.iter().map(|(_, id)| *id).collect();
    ref_tips.sort();
    ref_tips.dedup();
    let mut tips = ref_tips.clone();
    if let Some(r) = &range {
        tips.extend(r.endpoints());
    }
    let before = store.len();
    discover(repo, store, &tips, &shallow, &mut stats, progress);
    store.settle();
    stats.decoded = (store.len() - before) as u64;

    let index =
        |ids: &[ObjectId]| -> Vec<u32> { ids.iter().filter_map(|id| store.index_of(id)).collect() };
    let range_set = range.as_ref().map(|r| r.select(store));
    let (selected, range) = match (range_set, options.with_baseline) {
        (Some(range_set), true) => {
            let mut all = store.reach(&index(&ref_tips));
            all.or(&range_set);
            (all, Some(range_set))
        }
        (Some(range_set), false) => (range_set, None),
        (None, _) => (store.reach(&index(&ref_tips)), None),
    };
    stats.commits = selected.count() as u64;
    Ok(Walked {
        stats,
        selected,
        range,
        refs,
    })
}

/// Read every commit reachable from `tips` that the store does not hold.
/// The store is closed under ancestry (a cached commit's ancestors are all
/// cached), so the walk stops at the first commit it already has.
fn discover(
    repo: &gix::Repository,
    store: &mut Store,
    tips: &[ObjectId],
    shallow: &StdHashSet<ObjectId>,
    stats: &mut WalkStats,
    progress: &dyn Fn(u64),
) {
    let frontier: Vec<ObjectId> = tips
        .iter()
        .filter(|t| !store.contains(t))
        .copied()
        .collect();
    if frontier.is_empty() {
        return;
    }
    let mut decoded = 0u64;
    // With a commit-graph, the id walk needs no inflating and decoding can run
    // on several threads (GIT-FACTS: 0.46–0.69× of `git log`). Without one the
    // walk inflates every commit anyway, so a single pass is as fast.
    if shallow.is_empty()
        && let Ok(Some(graph)) = repo.commit_graph_if_enabled()
    {
        let ids = ids_via_graph(repo, &graph, frontier, store, stats);
        decode_in_order(repo, &ids, stats, &mut |batch| {
            store.add_batch(batch);
            decoded += batch.len() as u64;
            progress(decoded);
        });
        progress(decoded);
        return;
    }

    // Cold, without a commit-graph: parents are only known by inflating each
    // commit, so the walk is sequential; parsing moves to this thread while
    // another inflates (a store with cached commits keeps the one-thread walk,
    // whose stop at cached commits needs the store while it grows).
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if store.is_empty() && threads > 1 {
        discover_pipelined(repo, store, frontier, shallow, stats, progress);
        return;
    }
    let (mut seen, mut stack) = depth_first_start(frontier);
    let mut buf = Vec::with_capacity(4096);
    let mut parsed = ParsedBatch::default();
    while let Some(id) = stack.pop() {
        let Some(data) = read_commit(repo, &id, &mut buf, stats) else {
            continue;
        };
        let follow = !shallow.contains(&id);
        if follow {
            for parent in parent_ids(data) {
                if !store.contains(&parent) && seen.insert(parent) {
                    stack.push(parent);
                }
            }
        }
        parsed.clear();
        parsed.parse(id, data, follow);
        store.add_batch(&parsed);
        decoded += 1;
        if decoded.is_multiple_of(4096) {
            progress(decoded);
        }
    }
    progress(decoded);
}

/// The seen set and stack a depth-first walk from `tips` starts with.
fn depth_first_start(tips: Vec<ObjectId>) -> (HashSet<ObjectId>, Vec<ObjectId>) {
    let mut seen: HashSet<ObjectId> = HashSet::default();
    let mut stack: Vec<ObjectId> = Vec::with_capacity(1024);
    for tip in tips {
        if seen.insert(tip) {
            stack.push(tip);
        }
    }
    (seen, stack)
}

/// Raw commits walked by [`discover_pipelined`]'s reading thread.
#[derive(Default)]
struct WalkedBatch {
    data: Vec<u8>,
    /// (id, start, end, follow parents)
    commits: Vec<(ObjectId, usize, usize, bool)>,
}

/// The walk of [`discover`] on two threads: one inflates commits and follows
/// their parents depth-first, handing raw commits over in batches; this one
/// parses them into the store, in the same order as the one-thread walk.
fn discover_pipelined(
    repo: &gix::Repository,
    store: &mut Store,
    frontier: Vec<ObjectId>,
    shallow: &StdHashSet<ObjectId>,
    stats: &mut WalkStats,
    progress: &dyn Fn(u64),
) {
    let shared = repo.clone().into_sync();
    let (tx, rx) = std::sync::mpsc::sync_channel::<WalkedBatch>(4);
    let mut decoded = 0u64;
    let walked_stats = std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut local = shared.to_thread_local();
            local.object_cache_size_if_unset(0);
            let mut stats = WalkStats::default();
            let (mut seen, mut stack) = depth_first_start(frontier);
            let mut buf = Vec::with_capacity(4096);
            let mut batch = WalkedBatch::default();
            while let Some(id) = stack.pop() {
                let Some(data) = read_commit(&local, &id, &mut buf, &mut stats) else {
                    continue;
                };
                let follow = !shallow.contains(&id);
                if follow {
                    for parent in parent_ids(data) {
                        if seen.insert(parent) {
                            stack.push(parent);
                        }
                    }
                }
                let from = batch.data.len();
                batch.data.extend_from_slice(data);
                batch.commits.push((id, from, batch.data.len(), follow));
                if batch.commits.len() == BATCH && tx.send(std::mem::take(&mut batch)).is_err() {
                    return stats;
                }
            }
            if !batch.commits.is_empty() {
                let _ = tx.send(batch);
            }
            stats
        });
        let mut parsed = ParsedBatch::default();
        for batch in rx {
            for &(id, from, to, follow) in &batch.commits {
                parsed.clear();
                parsed.parse(id, &batch.data[from..to], follow);
                store.add_batch(&parsed);
                decoded += 1;
                if decoded.is_multiple_of(4096) {
                    progress(decoded);
                }
            }
        }
        reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    stats.absorb(walked_stats);
    progress(decoded);
}

/// Read one commit's raw bytes, counting what is missing, unreadable or not a commit.
fn read_commit<'b>(
    repo: &gix::Repository,
    id: &ObjectId,
    buf: &'b mut Vec<u8>,
    stats: &mut WalkStats,
) -> Option<&'b [u8]> {
    match repo.objects.try_find(id, buf) {
        Ok(Some(data)) if data.kind == gix::object::Kind::Commit => Some(data.data),
        Ok(Some(_)) => {
            // Only a tip can be a non-commit (a tag of a tree); parents are commits.
            stats.non_commit_tips += 1;
            None
        }
        Ok(None) => {
            stats.missing_objects += 1;
            stats.note_example(id);
            None
        }
        Err(_) => {
            stats.unreadable_objects += 1;
            stats.note_example(id);
            None
        }
    }
}

impl WalkStats {
    /// Add what another thread of the same walk counted.
    fn absorb(&mut self, other: WalkStats) {
        self.missing_objects += other.missing_objects;
        self.unreadable_objects += other.unreadable_objects;
        self.non_commit_tips += other.non_commit_tips;
        for e in other.missing_examples {
            self.note_text(e);
        }
    }

    fn note_example(&mut self, id: &ObjectId) {
        self.note_text(id.to_string());
    }

    fn note_text(&mut self, what: String) {
        if self.missing_examples.len() < 5 {
            self.missing_examples.push(what);
        }
    }
}

/// Every commit id reachable from `tips` and not `hidden`, depth-first. Parents
/// come from the commit-graph; only commits newer than the graph are inflated
/// here (and read again when decoded: there are few of them).
fn ids_via_graph(
    repo: &gix::Repository,
    graph: &gix::commitgraph::Graph,
    tips: Vec<ObjectId>,
    store: &Store,
    stats: &mut WalkStats,
) -> Vec<ObjectId> {
    // Commits in the graph are followed by position (no hashing, no id
    // lookups); the few newer ones by id.
    #[derive(Clone, Copy)]
    enum Node {
        InGraph(u32),
        Outside(ObjectId),
    }
    let mut seen_in_graph = BitSet::new(graph.num_commits() as usize);
    let mut seen_outside: HashSet<ObjectId> = HashSet::default();
    let cached = |id: &ObjectId| !store.is_empty() && store.contains(id);
    let visit = |id: ObjectId,
                 stack: &mut Vec<Node>,
                 seen_in_graph: &mut BitSet,
                 seen_outside: &mut HashSet<ObjectId>| match graph.lookup(id) {
        Some(pos) => {
            if seen_in_graph.insert(pos.0) {
                stack.push(Node::InGraph(pos.0));
            }
        }
        None => {
            if seen_outside.insert(id) {
                stack.push(Node::Outside(id));
            }
        }
    };
    let mut stack: Vec<Node> = Vec::with_capacity(1024);
    for tip in tips {
        visit(tip, &mut stack, &mut seen_in_graph, &mut seen_outside);
    }
    let mut out = Vec::with_capacity(graph.num_commits() as usize);
    let mut buf = Vec::with_capacity(4096);
    let mut parents: Vec<ObjectId> = Vec::with_capacity(4);
    while let Some(node) = stack.pop() {
        match node {
            Node::InGraph(pos) => {
                let pos = gix::commitgraph::Position(pos);
                out.push(graph.id_at(pos).to_owned());
                for p in graph.commit_at(pos).iter_parents() {
                    match p {
                        Ok(p) => {
                            if !seen_in_graph.contains(p.0) {
                                let id = graph.id_at(p);
                                if !cached(&id.to_owned()) {
                                    seen_in_graph.insert(p.0);
                                    stack.push(Node::InGraph(p.0));
                                }
                            }
                        }
                        Err(_) => {
                            stats.unreadable_objects += 1;
                            stats.note_text(format!(
                                "a parent of {} in the commit-graph",
                                graph.id_at(pos)
                            ));
                        }
                    }
                }
            }
            Node::Outside(id) => {
                // Not in the graph: read it. Missing or non-commit tips are
                // counted during decoding, not here.
                let mut scratch = WalkStats::default();
                let Some(data) = read_commit(repo, &id, &mut buf, &mut scratch) else {
                    if scratch.non_commit_tips == 0 {
                        out.push(id);
                    } else {
                        stats.non_commit_tips += 1;
                    }
                    continue;
                };
                parents.clear();
                parents.extend(parent_ids(data));
                out.push(id);
                for p in &parents {
                    if !cached(p) {
                        visit(*p, &mut stack, &mut seen_in_graph, &mut seen_outside);
                    }
                }
            }
        }
    }
    out
}

/// Commits per batch handed from a decoding thread to the consumer.
const BATCH: usize = 2048;

/// Commits of a batch, inflated and parsed on a worker thread.
#[derive(Default)]
struct Batch {
    parsed: ParsedBatch,
    stats: WalkStats,
}

/// Inflate and parse `ids` on worker threads (one repository handle each) and
/// call `visit` on this thread with each batch in the order of `ids`, so
/// results are deterministic.
fn decode_in_order(
    repo: &gix::Repository,
    ids: &[ObjectId],
    stats: &mut WalkStats,
    visit: &mut dyn FnMut(&ParsedBatch),
) {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    let read_batch = |repo: &gix::Repository, k: usize| {
        let mut batch = Batch::default();
        let mut buf = Vec::with_capacity(4096);
        let start = k * BATCH;
        for id in ids.iter().skip(start).take(BATCH) {
            if let Some(data) = read_commit(repo, id, &mut buf, &mut batch.stats) {
                batch.parsed.parse(*id, data, true);
            }
        }
        batch
    };
    let mut consume = |batch: Batch, stats: &mut WalkStats| {
        visit(&batch.parsed);
        stats.absorb(batch.stats);
    };
    let batches = ids.len().div_ceil(BATCH);
    if workers <= 1 || batches <= 1 {
        for k in 0..batches {
            consume(read_batch(repo, k), stats);
        }
        return;
    }
    let shared = repo.clone().into_sync();
    std::thread::scope(|scope| {
        let mut receivers = Vec::with_capacity(workers);
        for w in 0..workers {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(2);
            receivers.push(rx);
            let shared = &shared;
            let read_batch = &read_batch;
            scope.spawn(move || {
                let mut local = shared.to_thread_local();
                local.object_cache_size_if_unset(0);
                for k in (w..batches).step_by(workers) {
                    if tx.send(read_batch(&local, k)).is_err() {
                        return;
                    }
                }
            });
        }
        for k in 0..batches {
            // Worker k % workers produces batch k, in increasing order.
            match receivers[k % workers].recv() {
                Ok(batch) => consume(batch, stats),
                Err(_) => break,
            }
        }
    });
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
) -> Result<Vec<(String, ObjectId)>, Error> {
    let unreadable = |source: Cause| GitError::Unreadable {
        path: repo.git_dir().to_owned(),
        doing: "list refs",
        source,
    };
    let platform = repo.references().map_err(|e| unreadable(Box::new(e)))?;
    let iter = platform.all().map_err(|e| unreadable(Box::new(e)))?;
    let mut tips = Vec::new();
    for reference in iter {
        let Ok(mut reference) = reference else {
            stats.unreadable_objects += 1;
            stats.note_text("an unreadable ref".into());
            continue;
        };
        let name = reference.name().as_bstr().to_string();
        if !all_refs && !is_default_ref(&name) {
            continue;
        }
        match reference.peel_to_id() {
            Ok(id) => tips.push((name, id.detach())),
            Err(_) => {
                stats.unreadable_objects += 1;
                stats.note_text(format!("the tip of {name}"));
            }
        }
    }
    // A detached HEAD is walked too, as `git log --all` does.
    if let Ok(head) = repo.head_id() {
        tips.push(("HEAD".to_owned(), head.detach()));
    }
    tips.sort();
    tips.dedup();
    Ok(tips)
}

/// The commit an object id names (a tag is peeled to its commit).
fn peel_to_commit(repo: &gix::Repository, spec: &str, id: ObjectId) -> Result<ObjectId, Error> {
    let object = repo.find_object(id).map_err(|e| GitError::BadRevision {
        revision: spec.to_owned(),
        reason: "its object cannot be read".into(),
        source: Some(Box::new(e)),
    })?;
    let commit = object.peel_to_commit().map_err(|e| GitError::BadRevision {
        revision: spec.to_owned(),
        reason: "it names no commit".into(),
        source: Some(Box::new(e)),
    })?;
    Ok(commit.id)
}

/// The parents of a commit, as the object database records them.
fn parents_of(repo: &gix::Repository, spec: &str, id: ObjectId) -> Result<Vec<ObjectId>, Error> {
    let commit = repo.find_commit(id).map_err(|e| GitError::BadRevision {
        revision: spec.to_owned(),
        reason: "its commit cannot be read".into(),
        source: Some(Box::new(e)),
    })?;
    Ok(commit.parent_ids().map(|p| p.detach()).collect())
}

/// Revision syntax git reads one way and this tool could read another. `:/TEXT`
/// (the youngest commit whose message matches) is resolved by git and by the
/// git library used here with different search orders, so they can name
/// different commits; a range that silently judges other commits than git
/// would is worse than a refusal.
fn unsupported_syntax(spec: &str) -> Option<&'static str> {
    if spec.starts_with(":/") || spec.contains("..:/") {
        return Some(
            "`:/TEXT` message searches are not supported (git and this tool may pick different commits); name the commit instead, e.g. $(git rev-parse ':/TEXT')",
        );
    }
    None
}
/// The file at `path` in the tree of `commit`: its blob id and bytes, or
/// `None` when the commit has no such file.
pub fn file_in_commit(
    repo: &gix::Repository,
    commit: ObjectId,
    path: &str,
    limit: u64,
) -> Result<Option<(ObjectId, Vec<u8>)>, u64> {
    let Some(tree) = repo
        .find_object(commit)
        .ok()
        .and_then(|o| o.peel_to_tree().ok())
    else {
        return Ok(None);
    };
    let Some(entry) = tree.lookup_entry_by_path(path).ok().flatten() else {
        return Ok(None);
    };
    // A symbolic link (or a submodule) is not a settings file.
    if !entry.mode().is_blob() {
        return Ok(None);
    }
    let id = entry.object_id();
    // The size before the bytes: a blob can be as big as the pusher likes.
    let size = repo.find_header(id).map(|h| h.size()).unwrap_or(0);
    if size > limit {
        return Err(size);
    }
    Ok(repo.find_object(id).ok().map(|o| (id, o.data.clone())))
}

/// A cycle among the repository's replace refs (`refs/replace/A` → B and
/// `refs/replace/B` → A): git refuses to read such a history ("replace depth
/// too high"), and what an id reads as is then undefined. The smallest id
/// on a cycle, if there is one.
pub fn replace_cycle(repo: &gix::Repository) -> Option<ObjectId> {
    let platform = repo.references().ok()?;
    let replaced: std::collections::BTreeMap<ObjectId, ObjectId> = platform
        .prefixed("refs/replace/")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|r| {
            let name = r.name().as_bstr().to_string();
            let from = ObjectId::from_hex(name.strip_prefix("refs/replace/")?.as_bytes()).ok()?;
            Some((from, r.id().detach()))
        })
        .collect();
    replaced.keys().copied().find(|&start| {
        let mut at = start;
        // Git follows at most five replacements; a longer chain is refused too.
        (0..=replaced.len()).any(|_| match replaced.get(&at) {
            Some(&next) => {
                at = next;
                at == start
            }
            None => false,
        })
    })
}

/// The base and head commits of a range `A..B` or `A...B` (the base is `A`,
/// the branch a pull request goes into); `None` for a single revision.
pub fn range_base_and_head(
    repo: &gix::Repository,
    spec: &str,
) -> Result<Option<(ObjectId, ObjectId)>, Error> {
    Ok(match parse_range(repo, spec)? {
        RangeSpec::Exclusive(a, b) | RangeSpec::Symmetric(a, b) => Some((a, b)),
        // `A^!`: the base is A's first parent.
        RangeSpec::Reach { include, exclude } => match (include.as_slice(), exclude.first()) {
            ([head], Some(base)) => Some((*base, *head)),
            _ => None,
        },
        RangeSpec::Single(_) => None,
    })
}

/// Why a revision could not be found, in the user's words (the library's
/// message names its own internals).
fn why_not_a_revision(repo: &gix::Repository) -> String {
    if repo.head_id().is_err() {
        "the repository has no commits yet".into()
    } else if repo.is_shallow().unwrap_or(false) {
        "not in this shallow clone (history before its boundary is missing); fetch the full history: fetch-depth: 0 on actions/checkout, GIT_DEPTH: 0 in GitLab CI, or git fetch --unshallow".into()
    } else {
        "no such branch, tag or commit here".into()
    }
}

/// Why a revision is not one of the repository at or above `path`.
pub fn revision_problem(path: &Path) -> String {
    match gix::discover(path) {
        Ok(repo) => why_not_a_revision(&repo),
        Err(_) => "no repository there".into(),
    }
}

/// Does `spec` name a revision (or a range of them) in the repository at or
/// above `path`? False when there is no repository there.
pub fn is_revision(path: &Path, spec: &str) -> bool {
    if spec.is_empty() {
        return false;
    }
    match gix::discover(path) {
        Ok(repo) => parse_range(&repo, spec).is_ok(),
        Err(_) => false,
    }
}

/// Parse a revision or a range with git's rev-spec syntax (`A..B`, `A...B`,
/// `A^!`, `A^@`, `A~3`, `main@{2}`, `v1.0^{commit}`, …): a range the walk
/// can express, or exit 2 naming what is not supported.
fn parse_range(repo: &gix::Repository, spec: &str) -> Result<RangeSpec, Error> {
    let unsupported = |reason: &str| -> Error {
        GitError::BadRevision {
            revision: spec.to_owned(),
            reason: reason.to_owned(),
            source: None,
        }
        .into()
    };
    if let Some(reason) = unsupported_syntax(spec) {
        return Err(unsupported(reason));
    }
    let target = if spec.is_empty() { "HEAD" } else { spec };
    let parsed = repo
        .rev_parse(target)
        // Said in the tool's words (an empty repository, an unknown name):
        // the library's message names its own internals.
        .map_err(|_| GitError::BadRevision {
            revision: target.to_owned(),
            reason: why_not_a_revision(repo),
            source: None,
        })?
        .detach();
    let commit = |id| peel_to_commit(repo, target, id);
    use gix::revision::plumbing::Spec;
    Ok(match parsed {
        Spec::Include(id) => RangeSpec::Single(commit(id)?),
        Spec::Range { from, to } => RangeSpec::Exclusive(commit(from)?, commit(to)?),
        Spec::Merge { theirs, ours } => RangeSpec::Symmetric(commit(theirs)?, commit(ours)?),
        // `A^!`: A without its parents' history.
        Spec::ExcludeParents(id) => {
            let id = commit(id)?;
            RangeSpec::Reach {
                include: vec![id],
                exclude: parents_of(repo, target, id)?,
            }
        }
        // `A^@`: the parents' history without A.
        Spec::IncludeOnlyParents(id) => {
            let id = commit(id)?;
            let parents = parents_of(repo, target, id)?;
            if parents.is_empty() {
                return Err(unsupported("`A^@` of a root commit selects nothing"));
            }
            RangeSpec::Reach {
                include: parents,
                exclude: Vec::new(),
            }
        }
        Spec::Exclude(_) => {
            return Err(unsupported(
                "a negative revision `^A` on its own selects nothing; write a range A..B",
            ));
        }
    })
}

/// Every repository below `dir`, sorted: a directory holding `.git` (a
/// directory or a worktree's file) or a bare repository (`HEAD`, `objects/`,
/// `refs/`). A repository's own subdirectories are not searched, symbolic
/// links are not followed, and unreadable directories are skipped.
pub fn discover_repositories(dir: &Path) -> Vec<std::path::PathBuf> {
    fn is_bare(d: &Path) -> bool {
        d.join("HEAD").is_file() && d.join("objects").is_dir() && d.join("refs").is_dir()
    }
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if d.join(".git").exists() || is_bare(&d) {
            found.push(d);
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(entry.path());
            }
        }
    }
    found.sort();
    found
}
