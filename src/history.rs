//! From raw commits to compact per-commit records and per-contributor
//! fingerprint accumulators. This is the hot path: one call per commit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::facts::{CommitFacts, Ident, IdentProblem, Offset};
use crate::identities::{Contributor, ContributorKind, IdentityResolver, is_forge_identity};
use crate::text::{LineEndings, SCRIPT_COUNT, scripts_in};
use crate::walk::{self, WalkOptions};

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
}

/// What later rules need of one commit, kept small: a million commits must fit
/// in well under a gigabyte (56 bytes each; a test holds it to <= 64).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitRecord {
    pub id: [u8; 20],
    pub author_time: i64,
    pub committer_time: i64,
    pub contributor: u32,
    pub committer: u32,
    /// Minutes east of UTC, or `OFFSET_INVALID`.
    pub author_offset: i16,
    pub committer_offset: i16,
    pub flags: u16,
    pub repo: u16,
}

impl CommitRecord {
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    pub fn author_offset(&self) -> Option<i16> {
        (self.author_offset != OFFSET_INVALID).then_some(self.author_offset)
    }

    pub fn id_hex(&self) -> String {
        let mut s = String::with_capacity(40);
        for b in self.id {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }

    pub fn short_id(&self) -> String {
        self.id_hex()[..12].to_owned()
    }
}

/// A malformed ident, kept as an example for the evidence.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MalformedExample {
    pub commit: String,
    pub field: &'static str,
    pub problem: &'static str,
    /// The offending text as written (lossy, bounded).
    pub raw: String,
}

/// Per-contributor facts that need the full commit (message, headers) and are
/// aggregated during the walk so commits need not be kept.
#[derive(Debug, Clone, Default)]
pub struct Fingerprint {
    pub encodings: BTreeMap<String, u64>,
    pub signature_kinds: BTreeMap<&'static str, u64>,
    pub unknown_headers: BTreeMap<String, u64>,
    pub trailers: BTreeMap<String, u64>,
    pub line_endings: BTreeMap<&'static str, u64>,
    pub name_scripts: [u64; SCRIPT_COUNT],
    pub message_scripts: [u64; SCRIPT_COUNT],
    /// First commit carrying each script in its message (for evidence).
    pub message_script_examples: BTreeMap<&'static str, String>,
    pub malformed: BTreeMap<&'static str, u64>,
    pub malformed_examples: Vec<MalformedExample>,
}

/// One repository that was read.
#[derive(Debug, Clone, Serialize)]
pub struct RepoSummary {
    pub path: String,
    pub range: Option<String>,
    pub commits: u64,
    pub shallow: bool,
    pub missing_objects: u64,
    pub unreadable_objects: u64,
}

/// Everything read from one or more repositories.
pub struct History {
    pub repos: Vec<RepoSummary>,
    /// Work tree of each repository (None for bare ones), where `.git-alibi.toml` lives.
    pub workdirs: Vec<Option<PathBuf>>,
    /// Sorted by (contributor, author_time, id); duplicates across repositories removed.
    pub records: Vec<CommitRecord>,
    pub contributors: Vec<Contributor>,
    pub fingerprints: Vec<Fingerprint>,
    /// Per contributor, commits per repository index.
    pub per_repo: Vec<BTreeMap<u16, u64>>,
    /// Reasons the history is incomplete (shallow clone, missing objects).
    pub incomplete: Vec<String>,
    /// The newest committer date seen: the analysis' "now" (see `clock`).
    pub newest_committer_time: i64,
}

impl History {
    /// Records of one contributor (records are sorted by contributor).
    pub fn records_of(&self, contributor: u32) -> &[CommitRecord] {
        let start = self
            .records
            .partition_point(|r| r.contributor < contributor);
        let end = self
            .records
            .partition_point(|r| r.contributor <= contributor);
        &self.records[start..end]
    }
}

/// Options for reading history.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub walk: WalkOptions,
    /// Keep commits whose author date is at or after this instant.
    pub since: Option<i64>,
    /// Keep commits whose author date is at or before this instant.
    pub until: Option<i64>,
    pub use_mailmap: bool,
}

/// Read every repository and merge contributors across them. `progress` is
/// called with the running commit count every few thousand commits.
pub fn read(
    paths: &[PathBuf],
    options: &ReadOptions,
    progress: &dyn Fn(u64),
) -> Result<History, Error> {
    let mut builder = Builder::default();
    let mut total = 0u64;
    for (index, path) in paths.iter().enumerate() {
        let opened = walk::open(path)?;
        let mailmap = options.use_mailmap.then(|| opened.repo.open_mailmap());
        builder.resolver.set_mailmap(mailmap);
        builder.repo = index as u16;
        let stats = walk::walk(&opened.repo, &options.walk, |id, data| {
            builder.add(id, data, options);
            total += 1;
            if total.is_multiple_of(4096) {
                progress(total);
            }
        })?;
        if stats.shallow {
            builder.incomplete.push(format!(
                "{}: shallow clone (history before the shallow boundary is missing)",
                display_path(&opened.path)
            ));
        }
        if stats.missing_objects + stats.unreadable_objects > 0 {
            builder.incomplete.push(format!(
                "{}: {} missing and {} unreadable objects (for example {})",
                display_path(&opened.path),
                stats.missing_objects,
                stats.unreadable_objects,
                stats.missing_examples.join(", ")
            ));
        }
        builder
            .workdirs
            .push(opened.repo.workdir().map(Path::to_owned));
        builder.repos.push(RepoSummary {
            path: display_path(&opened.path),
            range: options.walk.range.clone(),
            commits: stats.commits,
            shallow: stats.shallow,
            missing_objects: stats.missing_objects,
            unreadable_objects: stats.unreadable_objects,
        });
    }
    progress(total);
    Ok(builder.finish())
}

fn display_path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

#[derive(Default)]
struct Builder {
    resolver: IdentityResolver,
    records: Vec<CommitRecord>,
    fingerprints: Vec<Fingerprint>,
    repos: Vec<RepoSummary>,
    workdirs: Vec<Option<PathBuf>>,
    incomplete: Vec<String>,
    repo: u16,
    newest: i64,
}

fn offset_field(ident: &Ident<'_>) -> i16 {
    ident.offset_minutes().unwrap_or(OFFSET_INVALID)
}

fn problem_name(p: IdentProblem) -> &'static str {
    match p {
        IdentProblem::NoEmail => "no-email",
        IdentProblem::NoTimestamp => "no-timestamp",
        IdentProblem::BadTimestamp => "bad-timestamp",
        IdentProblem::BadOffset => "bad-offset",
        IdentProblem::ExtraBrackets => "extra-brackets",
    }
}

impl Builder {
    fn add(&mut self, id: &gix::ObjectId, data: &[u8], options: &ReadOptions) {
        let facts = CommitFacts::parse(data);
        let missing = Ident {
            name: b"",
            email: b"",
            seconds: 0,
            offset_raw: b"",
            offset: Offset::Invalid,
            problem: Some(IdentProblem::NoEmail),
        };
        let author = facts.author.clone().unwrap_or_else(|| missing.clone());
        let committer = facts.committer.clone().unwrap_or(missing);
        if options.since.is_some_and(|s| author.seconds < s)
            || options.until.is_some_and(|u| author.seconds > u)
        {
            return;
        }
        let contributor = self.resolver.resolve(author.name, author.email, true);
        let committer_idx = self
            .resolver
            .resolve(committer.name, committer.email, false);
        let mut record_id = [0u8; 20];
        let bytes = id.as_bytes();
        let n = bytes.len().min(20);
        record_id[..n].copy_from_slice(&bytes[..n]);

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
        if committer_idx != contributor {
            f |= flags::COMMITTED_BY_OTHER;
        }
        if facts.encoding.is_some() {
            f |= flags::ENCODING_HEADER;
        }
        if !facts.unknown_headers.is_empty() {
            f |= flags::UNKNOWN_HEADER;
        }
        let message_scripts = scripts_in(facts.message);
        let bit = |s: crate::text::Script| message_scripts & (1 << s as u16) != 0;
        if bit(crate::text::Script::Hangul) {
            f |= flags::HANGUL;
        }
        if bit(crate::text::Script::Han) {
            f |= flags::HAN;
        }
        if bit(crate::text::Script::Cyrillic) {
            f |= flags::CYRILLIC;
        }

        let record = CommitRecord {
            id: record_id,
            author_time: author.seconds,
            committer_time: committer.seconds,
            contributor,
            committer: committer_idx,
            author_offset: offset_field(&author),
            committer_offset: offset_field(&committer),
            flags: f,
            repo: self.repo,
        };
        self.newest = self.newest.max(committer.seconds).max(author.seconds);

        // Fingerprint aggregation.
        if self.fingerprints.len() <= contributor as usize {
            self.fingerprints
                .resize_with(contributor as usize + 1, Fingerprint::default);
        }
        let fp = &mut self.fingerprints[contributor as usize];
        if let Some(enc) = facts.encoding {
            *fp.encodings
                .entry(String::from_utf8_lossy(enc).trim().to_ascii_lowercase())
                .or_default() += 1;
        }
        if let Some(kind) = facts.signature {
            *fp.signature_kinds.entry(kind.name()).or_default() += 1;
        }
        for h in &facts.unknown_headers {
            *fp.unknown_headers
                .entry(crate::text::lossy_bounded(h, 64))
                .or_default() += 1;
        }
        for t in facts.trailers() {
            let key = canonical_trailer(t.key);
            *fp.trailers.entry(key).or_default() += 1;
        }
        let le: LineEndings = facts.line_endings();
        *fp.line_endings.entry(le.name()).or_default() += 1;
        let name_scripts = scripts_in(author.name);
        for (i, s) in crate::text::Script::ALL.iter().enumerate() {
            if name_scripts & (1 << *s as u16) != 0 {
                fp.name_scripts[i] += 1;
            }
            if message_scripts & (1 << *s as u16) != 0 {
                fp.message_scripts[i] += 1;
                fp.message_script_examples
                    .entry(s.name())
                    .or_insert_with(|| record.short_id());
            }
        }
        for (field, ident, present) in [
            ("author", &author, facts.author.is_some()),
            ("committer", &committer, facts.committer.is_some()),
        ] {
            let problem = if present {
                ident.problem
            } else {
                Some(IdentProblem::NoEmail)
            };
            let negative_zero = ident.offset == Offset::NegativeZero;
            if let Some(p) = problem {
                *fp.malformed.entry(problem_name(p)).or_default() += 1;
                if fp.malformed_examples.len() < 5 {
                    fp.malformed_examples.push(MalformedExample {
                        commit: record.short_id(),
                        field,
                        problem: problem_name(p),
                        raw: crate::text::lossy_bounded(ident.offset_raw, 40),
                    });
                }
            } else if negative_zero {
                *fp.malformed.entry("negative-zero-offset").or_default() += 1;
                if fp.malformed_examples.len() < 5 {
                    fp.malformed_examples.push(MalformedExample {
                        commit: record.short_id(),
                        field,
                        problem: "negative-zero-offset",
                        raw: "-0000".into(),
                    });
                }
            }
        }
        self.records.push(record);
    }

    fn finish(mut self) -> History {
        // The same commit read from two clones counts once (the first repository wins).
        self.records
            .sort_unstable_by(|a, b| a.id.cmp(&b.id).then(a.repo.cmp(&b.repo)));
        self.records.dedup_by(|b, a| a.id == b.id);
        self.records.sort_unstable_by(|a, b| {
            a.contributor
                .cmp(&b.contributor)
                .then(a.author_time.cmp(&b.author_time))
                .then(a.id.cmp(&b.id))
        });
        self.records.shrink_to_fit();
        let contributors = self.resolver.finish();
        self.fingerprints
            .resize_with(contributors.len(), Fingerprint::default);
        let mut per_repo = vec![BTreeMap::new(); contributors.len()];
        for r in &self.records {
            *per_repo[r.contributor as usize].entry(r.repo).or_default() += 1;
        }
        History {
            repos: self.repos,
            workdirs: self.workdirs,
            records: self.records,
            contributors,
            fingerprints: self.fingerprints,
            per_repo,
            incomplete: self.incomplete,
            newest_committer_time: self.newest,
        }
    }
}

/// Trailer keys compared case-insensitively, shown in their usual spelling.
fn canonical_trailer(key: &[u8]) -> String {
    for known in crate::facts::KNOWN_TRAILERS {
        if known.eq_ignore_ascii_case(key) {
            return String::from_utf8_lossy(known).into_owned();
        }
    }
    crate::text::lossy_bounded(key, 40)
}

/// Is this contributor's commit part of its personal timing profile?
pub fn is_timed(record: &CommitRecord, kind: ContributorKind) -> bool {
    kind == ContributorKind::Human
        && !record.has(flags::VIA_FORGE)
        && !record.has(flags::AUTHOR_MALFORMED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_is_compact() {
        assert!(std::mem::size_of::<CommitRecord>() <= 64);
    }
}
