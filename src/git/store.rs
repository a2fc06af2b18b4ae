//! The commit store of one repository: the compact facts of every commit read,
//! with its parents as indices. The walk fills it from raw objects, the cache
//! (`crate::git::cache`) saves and reloads it so that a second run reads only new
//! commits, and `crate::model::history` selects commits from it.
//!
//! Facts are kept *before* `.mailmap` and before any filter, so a cached store
//! stays valid whatever options the next run is given.

use std::collections::HashMap;

use gix::ObjectId;

use crate::git::facts::{CommitFacts, Ident, IdentProblem, Offset, is_forge_identity};
pub use crate::git::facts::{identity_key, split_identity};
use crate::text::{Script, scripts_in};

/// Parent index of a parent that is not in the store (missing object).
pub const MISSING: u32 = u32::MAX;
/// "None" for optional string indices.
pub const NONE: u32 = u32::MAX;

/// Marker for an offset that could not be read.
pub const OFFSET_INVALID: i16 = i16::MIN;

pub mod flags {
    pub const MERGE: u16 = 1;
    pub const SIGNED: u16 = 1 << 1;
    /// Committed through a forge web UI: the author date is when someone clicked.
    pub const VIA_FORGE: u16 = 1 << 2;
    pub const AUTHOR_MALFORMED: u16 = 1 << 3;
    pub const COMMITTER_MALFORMED: u16 = 1 << 4;
    pub const AUTHOR_NEGATIVE_ZERO: u16 = 1 << 5;
    pub const COMMITTED_BY_OTHER: u16 = 1 << 6;
    pub const ENCODING_HEADER: u16 = 1 << 7;
    pub const HANGUL: u16 = 1 << 8;
    pub const UNKNOWN_HEADER: u16 = 1 << 9;
    pub const MERGETAG: u16 = 1 << 10;
    pub const ROOT: u16 = 1 << 11;
    pub const HAN: u16 = 1 << 12;
    pub const CYRILLIC: u16 = 1 << 13;
    /// In the range `check` judges (the rest is the baseline).
    pub const IN_RANGE: u16 = 1 << 14;
    /// A later patch of a mailing-list series (`git send-email` dates a series
    /// one second apart, `git am` keeps that): the same sitting as the first.
    pub const SERIES_CONTINUATION: u16 = 1 << 15;
}

/// Tag bit on an extras entry: an unknown header name (else a trailer key).
pub const EXTRA_UNKNOWN_HEADER: u32 = 1 << 31;

/// Ident problem codes kept per commit (0 = none).
pub mod problem {
    pub const NONE: u8 = 0;
    pub const NO_EMAIL: u8 = 1;
    pub const NO_TIMESTAMP: u8 = 2;
    pub const BAD_TIMESTAMP: u8 = 3;
    pub const BAD_OFFSET: u8 = 4;
    pub const EXTRA_BRACKETS: u8 = 5;
    pub const NEGATIVE_ZERO: u8 = 6;
    /// The header line is absent altogether.
    pub const ABSENT: u8 = 7;

    /// Does an ident with this problem still carry a readable date? A
    /// missing line or date is missing, never 1970-01-01.
    pub fn has_date(code: u8) -> bool {
        !matches!(code, ABSENT | NO_TIMESTAMP | BAD_TIMESTAMP)
    }

    /// Inverse of [`name`].
    pub fn code_of(name: &[u8]) -> Option<u8> {
        (1..=ABSENT).find(|&code| self::name(code).map(str::as_bytes) == Some(name))
    }

    pub fn name(code: u8) -> Option<&'static str> {
        Some(match code {
            NO_EMAIL => "no-email",
            ABSENT => "missing-line",
            NO_TIMESTAMP => "no-timestamp",
            BAD_TIMESTAMP => "bad-timestamp",
            BAD_OFFSET => "bad-offset",
            EXTRA_BRACKETS => "extra-brackets",
            NEGATIVE_ZERO => "negative-zero-offset",
            _ => return None,
        })
    }
}

/// Signature kind codes (0 = unsigned).
pub mod signature {
    pub const NAMES: [&str; 5] = ["", "openpgp", "ssh", "x509", "unknown"];
}

/// What the later stages need of one commit, without the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitSummary {
    pub author_time: i64,
    pub committer_time: i64,
    /// Index into the store's identities.
    pub author: u32,
    pub committer: u32,
    /// String index of the `encoding` header value, or `NONE`.
    pub encoding: u32,
    /// String index of the signing key (`crate::git::signatures`), or `NONE`.
    pub signing_key: u32,
    /// String indices of the raw author / committer offset text when the ident is malformed.
    pub author_raw_offset: u32,
    pub committer_raw_offset: u32,
    /// Range in the store's extras (trailer keys and unknown headers).
    pub extras_start: u32,
    pub extras_len: u16,
    pub author_offset: i16,
    pub committer_offset: i16,
    /// `crate::model::history::flags` known from the commit alone.
    pub flags: u16,
    /// Bit per `Script` in the message.
    pub message_scripts: u16,
    pub signature: u8,
    pub line_endings: u8,
    pub author_problem: u8,
    pub committer_problem: u8,
    /// `crate::git::facts::message_kind` bits.
    pub message_kind: u8,
}

/// Interned byte strings.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    pub values: Vec<Vec<u8>>,
    /// Looked up for every identity and header of every commit read: a fast
    /// fixed-seed hash (the values' order is insertion order, never the map's).
    index: HashMap<Vec<u8>, u32, foldhash::fast::FixedState>,
}

impl Interner {
    pub fn intern(&mut self, value: &[u8]) -> u32 {
        if let Some(&i) = self.index.get(value) {
            return i;
        }
        let i = self.values.len() as u32;
        self.values.push(value.to_vec());
        self.index.insert(value.to_vec(), i);
        i
    }

    pub fn from_values(values: Vec<Vec<u8>>) -> Interner {
        let index = values
            .iter()
            .enumerate()
            .map(|(i, v)| (v.clone(), i as u32))
            .collect();
        Interner { values, index }
    }

    pub fn get(&self, i: u32) -> &[u8] {
        self.values
            .get(i as usize)
            .map_or(&b""[..], |v| v.as_slice())
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// The commits of one repository.
#[derive(Debug, Default)]
pub struct Store {
    pub ids: Vec<ObjectId>,
    pub commits: Vec<CommitSummary>,
    /// `parents[parent_start[i]..parent_start[i+1]]` are the parents of commit i
    /// (valid once `resolve_parents` ran).
    pub parent_start: Vec<u32>,
    pub parents: Vec<u32>,
    /// Identities as [`identity_key`]s.
    pub identities: Interner,
    pub strings: Interner,
    pub extras: Vec<u32>,
    /// Indices of the first `indexed` commits, in id order (binary search).
    pub by_id: Vec<u32>,
    /// Commits `..indexed` are settled: in topological order (parents at
    /// lower indices than their children) and in `by_id`.
    pub indexed: usize,
    /// Index of the commits after `sorted`.
    recent: gix::hashtable::HashMap<ObjectId, u32>,
    /// Parent ids of commits added since the last `resolve_parents`, flat,
    /// with each commit's parent count (one allocation, not one per commit).
    pending_parents: Vec<ObjectId>,
    pending_counts: Vec<u32>,
}

impl Store {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn index_of(&self, id: &ObjectId) -> Option<u32> {
        if let Ok(k) = self
            .by_id
            .binary_search_by(|&i| self.ids[i as usize].cmp(id))
        {
            return Some(self.by_id[k]);
        }
        self.recent.get(id).copied()
    }

    pub fn contains(&self, id: &ObjectId) -> bool {
        self.index_of(id).is_some()
    }

    pub fn parents_of(&self, i: u32) -> &[u32] {
        let i = i as usize;
        match (self.parent_start.get(i), self.parent_start.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.parents[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Split an identity back into (name, email).
    pub fn identity(&self, i: u32) -> (&[u8], &[u8]) {
        split_identity(self.identities.get(i))
    }

    pub fn extras_of(&self, c: &CommitSummary) -> &[u32] {
        let start = c.extras_start as usize;
        let end = start + c.extras_len as usize;
        self.extras.get(start..end).unwrap_or(&[])
    }

    /// Parse a raw commit and add it. `follow_parents` is false on a shallow
    /// boundary, whose parents are not in the clone.
    pub fn add_raw(&mut self, id: ObjectId, data: &[u8], follow_parents: bool) -> u32 {
        let mut parsed = ParsedBatch::default();
        parsed.parse(id, data, follow_parents);
        self.add_parsed(&parsed, 0)
    }

    /// Add every commit of a batch parsed elsewhere, in its order.
    pub fn add_batch(&mut self, batch: &ParsedBatch) {
        for k in 0..batch.commits.len() {
            self.add_parsed(batch, k);
        }
    }

    /// Add commit `k` of a parsed batch: intern its strings, then append it.
    fn add_parsed(&mut self, batch: &ParsedBatch, k: usize) -> u32 {
        let c = &batch.commits[k];
        let text = |span: Span| &batch.arena[span.0 as usize..span.1 as usize];
        let mut intern = |span: Option<Span>| match span {
            Some(span) => self.strings.intern(text(span)),
            None => NONE,
        };
        let mut summary = c.summary;
        summary.author_raw_offset = intern(c.author_raw_offset);
        summary.committer_raw_offset = intern(c.committer_raw_offset);
        summary.encoding = intern(c.encoding);
        // Interned in the order the store always used (indices are saved in the cache).
        let extras = &batch.extras[c.extras.0 as usize..c.extras.1 as usize];
        let (extras_start, extras_len) = self.intern_extras(
            extras.iter().filter(|e| !e.1).map(|e| text(e.0)),
            extras.iter().filter(|e| e.1).map(|e| text(e.0)),
        );
        summary.extras_start = extras_start;
        summary.extras_len = extras_len;
        summary.author = self.identities.intern(text(c.author));
        summary.committer = self.identities.intern(text(c.committer));
        summary.signing_key = match c.signing_key {
            Some(span) => self.strings.intern(text(span)),
            None => NONE,
        };
        let parents = &batch.parents[c.parents.0 as usize..c.parents.1 as usize];
        self.push(c.id, summary, parents.iter().copied())
    }

    /// Append a commit (its parent ids resolved later, by `resolve_parents`).
    fn push(
        &mut self,
        id: ObjectId,
        summary: CommitSummary,
        parents: impl IntoIterator<Item = ObjectId>,
    ) -> u32 {
        let index = self.ids.len() as u32;
        let before = self.pending_parents.len();
        self.pending_parents.extend(parents);
        self.pending_counts
            .push((self.pending_parents.len() - before) as u32);
        self.ids.push(id);
        self.commits.push(summary);
        self.recent.insert(id, index);
        index
    }

    /// Intern a commit's trailer keys and unknown header names into the
    /// extras; returns the range for its summary (at most `u16::MAX` entries).
    pub fn intern_extras(
        &mut self,
        trailer_keys: impl Iterator<Item = impl AsRef<[u8]>>,
        unknown_headers: impl Iterator<Item = impl AsRef<[u8]>>,
    ) -> (u32, u16) {
        let start = self.extras.len() as u32;
        for key in trailer_keys {
            let i = self.strings.intern(key.as_ref());
            self.extras.push(i & !EXTRA_UNKNOWN_HEADER);
        }
        for name in unknown_headers {
            let i = self.strings.intern(name.as_ref());
            self.extras.push(i | EXTRA_UNKNOWN_HEADER);
        }
        let len = (self.extras.len() as u32 - start).min(u32::from(u16::MAX)) as u16;
        self.extras.truncate(start as usize + len as usize);
        (start, len)
    }

    /// Add a commit whose summary was made elsewhere (a facts file), with
    /// indices already interned into this store. `None`: the id is already
    /// here (a duplicate row).
    pub fn add_summary(
        &mut self,
        id: ObjectId,
        summary: CommitSummary,
        parents: impl IntoIterator<Item = ObjectId>,
    ) -> Option<u32> {
        if self.contains(&id) {
            return None;
        }
        Some(self.push(id, summary, parents))
    }

    /// Turn the parent ids of newly added commits into indices (`MISSING`
    /// for parents that are not in the store).
    pub fn resolve_parents(&mut self) {
        if self.pending_counts.is_empty() && self.parent_start.len() == self.ids.len() + 1 {
            return;
        }
        let ids = std::mem::take(&mut self.pending_parents);
        let counts = std::mem::take(&mut self.pending_counts);
        if self.parent_start.is_empty() {
            self.parent_start.push(0);
        }
        // Pending commits are in index order, after every resolved commit.
        self.parents.reserve(ids.len());
        let mut at = 0usize;
        for n in counts {
            for p in &ids[at..at + n as usize] {
                let pi = self.index_of(p).unwrap_or(MISSING);
                self.parents.push(pi);
            }
            at += n as usize;
            self.parent_start.push(self.parents.len() as u32);
        }
    }

    /// Every commit reachable from `tips`, as a bit set over store indices.
    /// One backward scan: in a settled store every parent has a lower index
    /// than its children, so a commit's mark is final when the scan reaches
    /// it (sequential memory access: a few milliseconds for a million commits).
    pub fn reach(&self, tips: &[u32]) -> BitSet {
        debug_assert_eq!(self.indexed, self.len(), "reach on an unsettled store");
        let mut seen = BitSet::new(self.len());
        for &t in tips {
            if (t as usize) < self.len() {
                seen.insert(t);
            }
        }
        let top = tips
            .iter()
            .map(|&t| t as usize + 1)
            .filter(|&t| t <= self.len())
            .max()
            .unwrap_or(0);
        for i in (0..top).rev() {
            if !seen.contains(i as u32) {
                continue;
            }
            for &p in self.parents_of(i as u32) {
                if p != MISSING {
                    seen.insert(p);
                }
            }
        }
        seen
    }

    /// Put the commits added since the last call in topological order after
    /// the settled ones (a new commit is never an ancestor of a settled one:
    /// settled commits' ancestors are all settled), resolve their parents and
    /// index them by id.
    pub fn settle(&mut self) {
        self.resolve_parents();
        let start = self.indexed;
        let n = self.len();
        if start == n {
            return;
        }
        // Kahn's algorithm on the new block, children first, then reversed.
        let m = n - start;
        let mut children = vec![0u32; m];
        for i in start..n {
            for &p in self.parents_of(i as u32) {
                if p != MISSING && p as usize >= start {
                    children[p as usize - start] += 1;
                }
            }
        }
        let mut ready: Vec<u32> = (start..n)
            .filter(|&i| children[i - start] == 0)
            .map(|i| i as u32)
            .rev()
            .collect();
        let mut children_first: Vec<u32> = Vec::with_capacity(m);
        while let Some(i) = ready.pop() {
            children_first.push(i);
            for &p in self.parents_of(i) {
                if p != MISSING && p as usize >= start {
                    let c = &mut children[p as usize - start];
                    *c -= 1;
                    if *c == 0 {
                        ready.push(p);
                    }
                }
            }
        }
        // A cycle cannot come from real objects (ids hash their parents);
        // anything left over keeps its place at the end.
        if children_first.len() < m {
            let placed: std::collections::HashSet<u32> = children_first.iter().copied().collect();
            let rest: Vec<u32> = (start as u32..n as u32)
                .filter(|i| !placed.contains(i))
                .collect();
            let mut order: Vec<u32> = rest;
            order.extend(children_first.iter().rev());
            self.permute_tail(start, &order);
        } else {
            children_first.reverse();
            self.permute_tail(start, &children_first);
        }
        self.indexed = n;
        self.rebuild_id_index();
    }

    /// Reorder commits `start..` as `order` (old indices), remapping parents.
    fn permute_tail(&mut self, start: usize, order: &[u32]) {
        let n = self.len();
        let mut new_of_old: Vec<u32> = (0..n as u32).collect();
        for (k, &old) in order.iter().enumerate() {
            new_of_old[old as usize] = (start + k) as u32;
        }
        let mut ids = Vec::with_capacity(order.len());
        let mut commits = Vec::with_capacity(order.len());
        let mut parent_start = Vec::with_capacity(order.len());
        let mut parents =
            Vec::with_capacity(self.parents.len() - self.parent_start[start] as usize);
        let base = self.parent_start[start];
        for &old in order {
            ids.push(self.ids[old as usize]);
            commits.push(self.commits[old as usize]);
            for &p in self.parents_of(old) {
                parents.push(if p == MISSING {
                    MISSING
                } else {
                    new_of_old[p as usize]
                });
            }
            parent_start.push(base + parents.len() as u32);
        }
        self.ids.truncate(start);
        self.ids.extend(ids);
        self.commits.truncate(start);
        self.commits.extend(commits);
        self.parents.truncate(base as usize);
        self.parents.extend(parents);
        self.parent_start.truncate(start + 1);
        self.parent_start.extend(parent_start);
    }

    /// Index every commit by id: sort on the ids' first 8 bytes as an integer
    /// (no memcmp per comparison), then order the rare runs that share them.
    fn rebuild_id_index(&mut self) {
        let prefix = |id: &ObjectId| {
            let b = id.as_bytes();
            let mut a = [0u8; 8];
            a.copy_from_slice(&b[..8.min(b.len())]);
            u64::from_be_bytes(a)
        };
        let mut keyed: Vec<(u64, u32)> = self
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| (prefix(id), i as u32))
            .collect();
        keyed.sort_unstable();
        let mut start = 0;
        while start < keyed.len() {
            let mut end = start + 1;
            while end < keyed.len() && keyed[end].0 == keyed[start].0 {
                end += 1;
            }
            if end - start > 1 {
                keyed[start..end]
                    .sort_unstable_by(|a, b| self.ids[a.1 as usize].cmp(&self.ids[b.1 as usize]));
            }
            start = end;
        }
        self.by_id = keyed.into_iter().map(|(_, i)| i).collect();
        self.recent = Default::default();
    }

    /// A store loaded from saved parts (the cache): settled, with `by_id`
    /// the indices in id order.
    #[allow(clippy::too_many_arguments)]
    pub fn from_parts(
        ids: Vec<ObjectId>,
        commits: Vec<CommitSummary>,
        parent_start: Vec<u32>,
        parents: Vec<u32>,
        by_id: Vec<u32>,
        identities: Vec<Vec<u8>>,
        strings: Vec<Vec<u8>>,
        extras: Vec<u32>,
    ) -> Store {
        let indexed = ids.len();
        Store {
            ids,
            commits,
            parent_start,
            parents,
            identities: Interner::from_values(identities),
            strings: Interner::from_values(strings),
            extras,
            by_id,
            indexed,
            recent: Default::default(),
            pending_parents: Vec::new(),
            pending_counts: Vec::new(),
        }
    }
}

/// A start..end span in a [`ParsedBatch`]'s arena.
type Span = (u32, u32);

/// Commits parsed away from the store (on the decoding threads), with the
/// strings they will intern kept in one arena: the store's thread then only
/// interns and appends, which is what keeps a many-core walk from waiting on it.
#[derive(Default)]
pub struct ParsedBatch {
    arena: Vec<u8>,
    commits: Vec<ParsedCommit>,
    /// Trailer keys (false) and unknown header names (true).
    extras: Vec<(Span, bool)>,
    parents: Vec<ObjectId>,
    key: Vec<u8>,
}

struct ParsedCommit {
    id: ObjectId,
    summary: CommitSummary,
    author: Span,
    committer: Span,
    author_raw_offset: Option<Span>,
    committer_raw_offset: Option<Span>,
    encoding: Option<Span>,
    signing_key: Option<Span>,
    extras: Span,
    parents: Span,
}

impl ParsedBatch {
    pub fn len(&self) -> usize {
        self.commits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.commits.is_empty()
    }

    pub fn clear(&mut self) {
        self.arena.clear();
        self.commits.clear();
        self.extras.clear();
        self.parents.clear();
    }

    /// Parse a raw commit into the batch (no store needed: this runs on
    /// the decoding threads). `follow_parents` is false on a shallow boundary.
    pub fn parse(&mut self, id: ObjectId, data: &[u8], follow_parents: bool) {
        let facts = CommitFacts::parse(data);
        let absent = Ident {
            name: b"",
            email: b"",
            seconds: 0,
            offset_raw: b"",
            offset: Offset::Invalid,
            problem: Some(IdentProblem::NoEmail),
        };
        let author = facts.author.clone().unwrap_or_else(|| absent.clone());
        let committer = facts.committer.clone().unwrap_or(absent);
        let mut f = 0u16;
        if facts.is_merge() {
            f |= flags::MERGE;
        }
        if facts.parents.is_empty() {
            f |= flags::ROOT;
        }
        if facts.signature.is_some() {
            f |= flags::SIGNED;
        }
        if facts.mergetag {
            f |= flags::MERGETAG;
        }
        if is_forge_identity(committer.name, committer.email) {
            f |= flags::VIA_FORGE;
        }
        if author.problem.is_some() {
            f |= flags::AUTHOR_MALFORMED;
        }
        if committer.problem.is_some() {
            f |= flags::COMMITTER_MALFORMED;
        }
        if author.offset == Offset::NegativeZero {
            f |= flags::AUTHOR_NEGATIVE_ZERO;
        }
        if facts.encoding.is_some() {
            f |= flags::ENCODING_HEADER;
        }
        if !facts.unknown_headers.is_empty() {
            f |= flags::UNKNOWN_HEADER;
        }
        let message_scripts = scripts_in(facts.message);
        for (script, flag) in [
            (Script::Hangul, flags::HANGUL),
            (Script::Han, flags::HAN),
            (Script::Cyrillic, flags::CYRILLIC),
        ] {
            if message_scripts & (1 << script as u16) != 0 {
                f |= flag;
            }
        }
        let problem_code = |ident: &Ident<'_>, present: bool| -> u8 {
            if !present {
                return problem::ABSENT;
            }
            match ident.problem {
                Some(IdentProblem::NoEmail) => problem::NO_EMAIL,
                Some(IdentProblem::NoTimestamp) => problem::NO_TIMESTAMP,
                Some(IdentProblem::BadTimestamp) => problem::BAD_TIMESTAMP,
                Some(IdentProblem::BadOffset) => problem::BAD_OFFSET,
                Some(IdentProblem::ExtraBrackets) => problem::EXTRA_BRACKETS,
                None if ident.offset == Offset::NegativeZero => problem::NEGATIVE_ZERO,
                None => problem::NONE,
            }
        };
        let author_problem = problem_code(&author, facts.author.is_some());
        let committer_problem = problem_code(&committer, facts.committer.is_some());
        let arena = &mut self.arena;
        let mut keep = |bytes: &[u8]| -> Span {
            let start = arena.len() as u32;
            arena.extend_from_slice(bytes);
            (start, arena.len() as u32)
        };
        let mut raw_offset = |ident: &Ident<'_>, code: u8| -> Option<Span> {
            if code == problem::NONE || code == problem::NEGATIVE_ZERO || code == problem::ABSENT {
                None
            } else {
                let text = crate::text::lossy_bounded(ident.offset_raw, 40);
                Some(keep(text.as_bytes()))
            }
        };
        let author_raw_offset = raw_offset(&author, author_problem);
        let committer_raw_offset = raw_offset(&committer, committer_problem);
        let encoding = facts.encoding.map(|enc| {
            let v = String::from_utf8_lossy(enc).trim().to_ascii_lowercase();
            keep(v.as_bytes())
        });
        let extras_from = self.extras.len() as u32;
        for t in facts.trailers() {
            let span = keep(crate::git::facts::canonical_trailer(t.key).as_bytes());
            self.extras.push((span, false));
        }
        for h in &facts.unknown_headers {
            let span = keep(crate::text::lossy_bounded(h, 64).as_bytes());
            self.extras.push((span, true));
        }
        let mut key = std::mem::take(&mut self.key);
        identity_key(&mut key, author.name, author.email);
        let author_key = keep(&key);
        identity_key(&mut key, committer.name, committer.email);
        let committer_key = keep(&key);
        self.key = key;
        let signing_key = facts
            .signature_text
            .and_then(crate::git::signatures::signing_key)
            .map(|k| keep(k.as_bytes()));
        let parents_from = self.parents.len() as u32;
        if follow_parents {
            self.parents.extend(crate::git::facts::parent_ids(data));
        }
        // The interned fields are set when the store adds the commit.
        let summary = CommitSummary {
            signing_key: NONE,
            author_time: author.seconds,
            committer_time: committer.seconds,
            author: 0,
            committer: 0,
            encoding: NONE,
            author_raw_offset: NONE,
            committer_raw_offset: NONE,
            extras_start: 0,
            extras_len: 0,
            author_offset: author.offset_minutes().unwrap_or(OFFSET_INVALID),
            committer_offset: committer.offset_minutes().unwrap_or(OFFSET_INVALID),
            flags: f,
            message_scripts,
            signature: match facts.signature {
                None => 0,
                Some(crate::git::facts::SignatureKind::OpenPgp) => 1,
                Some(crate::git::facts::SignatureKind::Ssh) => 2,
                Some(crate::git::facts::SignatureKind::X509) => 3,
                Some(crate::git::facts::SignatureKind::Unknown) => 4,
            },
            line_endings: facts.line_endings() as u8,
            author_problem,
            committer_problem,
            message_kind: crate::git::facts::message_kind(facts.message),
        };
        self.commits.push(ParsedCommit {
            id,
            summary,
            author: author_key,
            committer: committer_key,
            author_raw_offset,
            committer_raw_offset,
            encoding,
            signing_key,
            extras: (extras_from, self.extras.len() as u32),
            parents: (parents_from, self.parents.len() as u32),
        });
    }
}

/// A fixed-size bit set over store indices.
#[derive(Debug, Clone)]
pub struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    pub fn new(n: usize) -> BitSet {
        BitSet {
            words: vec![0; n.div_ceil(64)],
        }
    }

    pub fn contains(&self, i: u32) -> bool {
        self.words
            .get(i as usize / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Set bit i; true when it was not set.
    pub fn insert(&mut self, i: u32) -> bool {
        let Some(w) = self.words.get_mut(i as usize / 64) else {
            return false;
        };
        let bit = 1u64 << (i % 64);
        let fresh = *w & bit == 0;
        *w |= bit;
        fresh
    }

    pub fn and_not(&mut self, other: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    pub fn and(&mut self, other: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    pub fn or(&mut self, other: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u32) -> ObjectId {
        // Ids deliberately not in history order.
        let mut b = [0u8; 20];
        b[..4].copy_from_slice(&n.wrapping_mul(2_654_435_761).to_be_bytes());
        b[19] = n as u8;
        ObjectId::Sha1(b)
    }

    fn raw(parents: &[u32], t: u32) -> Vec<u8> {
        let mut s = String::from("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n");
        for p in parents {
            s.push_str(&format!("parent {}\n", id(*p)));
        }
        s.push_str(&format!(
            "author A <a@x> {} +0000\ncommitter A <a@x> {} +0000\n\nm\n",
            1_600_000_000 + t,
            1_600_000_000 + t
        ));
        s.into_bytes()
    }

    /// A DAG with merges: 0 <- 1 <- 2 <- 4, 0 <- 3 <- 4 (merge), 4 <- 5, 3 <- 6.
    fn dag() -> Vec<(u32, Vec<u32>)> {
        vec![
            (0, vec![]),
            (1, vec![0]),
            (2, vec![1]),
            (3, vec![0]),
            (4, vec![2, 3]),
            (5, vec![4]),
            (6, vec![3]),
        ]
    }

    fn naive_reach(tips: &[u32]) -> Vec<u32> {
        let graph = dag();
        let mut seen: Vec<u32> = Vec::new();
        let mut stack: Vec<u32> = tips.to_vec();
        while let Some(n) = stack.pop() {
            if seen.contains(&n) {
                continue;
            }
            seen.push(n);
            stack.extend(graph[n as usize].1.iter().copied());
        }
        seen.sort();
        seen
    }

    #[test]
    fn settled_stores_are_topological_and_reach_is_exact() {
        // Insert in several orders, including children before parents and in
        // two batches (a cached part, then new commits).
        let orders: [&[u32]; 3] = [
            &[5, 6, 4, 3, 2, 1, 0],
            &[0, 1, 2, 3, 4, 5, 6],
            &[4, 0, 6, 2, 5, 1, 3],
        ];
        for order in orders {
            let mut store = Store::default();
            let graph = dag();
            // First batch: the ancestors of 2 (closed under ancestry), settled.
            for &n in order.iter().filter(|n| [0, 1, 2].contains(*n)) {
                store.add_raw(id(n), &raw(&graph[n as usize].1, n), true);
            }
            store.settle();
            for &n in order.iter().filter(|n| ![0, 1, 2].contains(*n)) {
                store.add_raw(id(n), &raw(&graph[n as usize].1, n), true);
            }
            store.settle();
            for i in 0..store.len() as u32 {
                for &p in store.parents_of(i) {
                    assert!(p < i, "parent after child in {order:?}");
                }
            }
            for tips in [vec![5], vec![6], vec![2], vec![5, 6], vec![0]] {
                let idx: Vec<u32> = tips
                    .iter()
                    .map(|t| store.index_of(&id(*t)).unwrap())
                    .collect();
                let got = store.reach(&idx);
                let mut names: Vec<u32> = (0..store.len() as u32)
                    .filter(|&i| got.contains(i))
                    .map(|i| (0..7).find(|n| id(*n) == store.ids[i as usize]).unwrap())
                    .collect();
                names.sort();
                assert_eq!(names, naive_reach(&tips), "tips {tips:?} order {order:?}");
            }
        }
    }
}
