//! From raw commits to compact per-commit records and per-contributor
//! fingerprint accumulators. This is the hot path: one call per commit.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::git::cache;
pub use crate::git::facts::canonical_trailer;
use crate::git::store::{self, CommitSummary, Store};
pub use crate::git::store::{OFFSET_INVALID, flags};
use crate::git::walk::{self, WalkOptions, WalkStats, Walked};
use crate::model::identities::{
    Contributor, ContributorKind, IdentityMap, IdentityResolver, UnverifiedForgeCommit,
};
use crate::text::{SCRIPT_COUNT, scripts_in};

/// 2014-01-01T00:00:00Z: from about then GitHub dated web commits in the
/// user's browser zone instead of US Pacific time.
pub const FORGE_BROWSER_ZONES_SINCE: i64 = 1_388_534_400;

/// How a commit was made, as far as its history shows, and so which of its
/// fields say something about its author (docs/rules.md, "Provenance").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
#[repr(u8)]
pub enum Provenance {
    /// Made by its author with git: every field is theirs.
    #[default]
    Ordinary,
    /// A forge's merge button (`Merge pull request #N`, or a merge committed
    /// by the forge): the instant is the click, the offset is the forge's
    /// (GitHub wrote US Pacific time before 2014) or a browser's.
    ForgeMerge,
    /// Edited in a forge's web UI: the instant is the click, the offset the
    /// browser's.
    ForgeWeb,
    /// Squash-merged in a forge's web UI (`… (#N)`, committed by the forge at
    /// the click): the date is the merge click. On the development corpus
    /// these clicks carry the author's own zone (98 % of their offsets agree
    /// with the author's) and rhythm: they are mostly the author's own, so
    /// they are read as the author's, offsets from 2014 on.
    ForgeSquash,
    /// Merged by a bot with the author date set to the merge time: the
    /// bot's clock, neither the instant nor the offset is the author's.
    MergedAtMergeTime,
    /// Rebased or applied by a forge or bot that kept the author date.
    RebasedByForge,
    /// Applied by another person (`git am` from a mailing list, a maintainer's
    /// rebase): the author fields are the author's (a send-email series counts
    /// as one sitting, see [`flags::SERIES_CONTINUATION`]).
    AppliedByOther,
    /// `git cherry-pick -x`: the author date is the original's, older than
    /// its new parents.
    CherryPick,
    /// A pull request squashed by another person (`… (#N)`, committed by a
    /// maintainer, not a forge) with both dates the same instant: the
    /// maintainer's merge script set the author date to the merge, keeping
    /// the author's offset. The instant is the merger's; the offset is the
    /// author's.
    SquashedAtMerge,
    /// Squash-merged in a forge's web UI from a browser in another zone (the
    /// committer offset, the clicking browser's, is not the author's) by a
    /// clicker who squash-merges other people's pull requests in this
    /// repository ([`SquashClickers`]): a maintainer or a merge bot. The
    /// instant is theirs; the offset is read as the author's.
    ForgeSquashByOther,
    /// Converted from Subversion (`git svn` and other importers, recognised
    /// by the line they write into the message): the instant is the
    /// Subversion commit's, the author's own act, but Subversion keeps no
    /// zone, so the offset is the importer's (`+0000`, or the importing
    /// machine's zone under `git svn --localtime`).
    Imported,
    /// A copy, applied by another person, of a commit the author made at the
    /// same instant with another offset (a maintainer back-porting pull
    /// requests to a release branch with a tool that writes the author date
    /// in its own zone): the instant is the original's, the offset the
    /// copier's. Found over the whole history ([`mark_reapplied`]), never by
    /// [`Provenance::classify`].
    Reapplied,
    /// Committed by another person at the very second it was authored, with
    /// the same offset (a maintainer re-creating a contributor's patch with
    /// `git commit --author`, as vim's and xz's maintainers do): both dates
    /// come from the committer's clock, so neither the instant nor the
    /// offset is the author's. Kept only where the offset is one the
    /// committer writes on his own commits ([`CommitterClocks`]).
    CommittedForAuthor,
}

impl Provenance {
    /// Is the recorded author offset (of a commit authored at `author_time`)
    /// the author's own? A forge's merge button wrote its own; GitHub wrote
    /// US Pacific time on every web commit before 2014, and since then the
    /// user's browser zone, which agrees with the author's own offsets on
    /// 98–99 % of web and squash commits (measured, docs/rules.md).
    pub fn offset_is_authors(self, author_time: i64) -> bool {
        match self {
            Provenance::ForgeMerge => false,
            Provenance::ForgeWeb | Provenance::ForgeSquash => {
                author_time >= FORGE_BROWSER_ZONES_SINCE
            }
            Provenance::MergedAtMergeTime
            | Provenance::Imported
            | Provenance::Reapplied
            | Provenance::CommittedForAuthor => false,
            _ => true,
        }
    }

    /// Is the author date when the author was at work?
    pub fn instant_is_authors(self) -> bool {
        !matches!(
            self,
            Provenance::MergedAtMergeTime
                | Provenance::SquashedAtMerge
                | Provenance::ForgeSquashByOther
                | Provenance::CommittedForAuthor
        )
    }

    /// Is the author date's place among its parents meaningful (not
    /// rewritten by a rebase, cherry-pick or series)?
    pub fn order_is_meaningful(self) -> bool {
        matches!(
            self,
            Provenance::Ordinary
                | Provenance::ForgeMerge
                | Provenance::ForgeWeb
                | Provenance::Imported
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Provenance::Ordinary => "ordinary",
            Provenance::ForgeMerge => "forge-merge",
            Provenance::ForgeWeb => "forge-web",
            Provenance::ForgeSquash => "forge-squash",
            Provenance::MergedAtMergeTime => "merged-at-merge-time",
            Provenance::RebasedByForge => "rebased-by-forge",
            Provenance::AppliedByOther => "applied-by-other",
            Provenance::CherryPick => "cherry-pick",
            Provenance::SquashedAtMerge => "squashed-at-merge",
            Provenance::ForgeSquashByOther => "forge-squash-by-other",
            Provenance::Imported => "imported",
            Provenance::Reapplied => "reapplied",
            Provenance::CommittedForAuthor => "committed-for-author",
        }
    }

    pub const ALL: [Provenance; 13] = [
        Provenance::Ordinary,
        Provenance::ForgeMerge,
        Provenance::ForgeWeb,
        Provenance::ForgeSquash,
        Provenance::MergedAtMergeTime,
        Provenance::RebasedByForge,
        Provenance::AppliedByOther,
        Provenance::CherryPick,
        Provenance::SquashedAtMerge,
        Provenance::ForgeSquashByOther,
        Provenance::Imported,
        Provenance::Reapplied,
        Provenance::CommittedForAuthor,
    ];

    /// Classify a commit from what the history shows: its flags, message
    /// shape, dates, and who committed it.
    pub fn classify(
        summary: &CommitSummary,
        committer_kind: ContributorKind,
        committed_by_other: bool,
    ) -> Provenance {
        use crate::git::facts::message_kind::*;
        let merge = summary.flags & flags::MERGE != 0;
        let forge =
            summary.flags & flags::VIA_FORGE != 0 || committer_kind == ContributorKind::Forge;
        let automated = forge || committer_kind == ContributorKind::Bot;
        // Forges write both dates at the click; a minute covers slow pushes.
        let one_instant = (summary.committer_time - summary.author_time).abs() <= 60;
        if merge && (summary.message_kind & PR_MERGE != 0 || forge) {
            Provenance::ForgeMerge
        } else if summary.message_kind & IMPORTED != 0 {
            Provenance::Imported
        } else if automated && committed_by_other {
            if !one_instant {
                Provenance::RebasedByForge
            } else if !forge {
                Provenance::MergedAtMergeTime
            } else if summary.message_kind & PR_SUFFIX != 0 {
                // Whose click it was needs the whole repository:
                // `SquashClickers::refine`.
                Provenance::ForgeSquash
            } else {
                Provenance::ForgeWeb
            }
        } else if committed_by_other
            && !merge
            && one_instant
            && summary.message_kind & PR_SUFFIX != 0
        {
            Provenance::SquashedAtMerge
        } else if committed_by_other
            && !merge
            && summary.committer_time == summary.author_time
            && summary.committer_offset == summary.author_offset
        {
            // One second and one offset for both: `git am`, rebases and
            // cherry-picks keep an older author date, so this commit was
            // dated when its committer made it.
            Provenance::CommittedForAuthor
        } else if summary.message_kind & CHERRY_PICK != 0 {
            Provenance::CherryPick
        } else if committed_by_other && !merge {
            Provenance::AppliedByOther
        } else {
            Provenance::Ordinary
        }
    }
}

/// The offsets each person writes on commits they author and commit
/// themselves, in one repository. A commit another person committed at the
/// second it was authored, at one offset ([`Provenance::CommittedForAuthor`]),
/// is that committer's clock only when the offset is one of the committer's
/// own: `git am --committer-date-is-author-date` (and `git rebase` with it)
/// copies the author date, zone and all, into the committer date, and then
/// both are the author's.
#[derive(Debug, Clone)]
pub struct CommitterClocks<K> {
    own: BTreeSet<(K, i16)>,
}

impl<K: Ord + Clone> CommitterClocks<K> {
    /// Count one repository's commits: each with [`Provenance::classify`]'s
    /// reading, its author and its committer (any stable key).
    pub fn tally<'a>(
        commits: impl IntoIterator<Item = (&'a CommitSummary, Provenance, K, K)>,
    ) -> Self {
        let own = commits
            .into_iter()
            .filter(|(c, provenance, author, committer)| {
                *provenance == Provenance::Ordinary
                    && author == committer
                    && c.author_offset != OFFSET_INVALID
            })
            .map(|(c, _, author, _)| (author, c.author_offset))
            .collect();
        CommitterClocks { own }
    }

    /// A commit's provenance once the committers' own offsets are known: a
    /// `committed-for-author` at an offset its committer never writes on his
    /// own commits is the author's date, copied (`applied-by-other`).
    pub fn refine(
        &self,
        provenance: Provenance,
        summary: &CommitSummary,
        committer: &K,
    ) -> Provenance {
        if provenance == Provenance::CommittedForAuthor
            && !self
                .own
                .contains(&(committer.clone(), summary.committer_offset))
        {
            Provenance::AppliedByOther
        } else {
            provenance
        }
    }
}

/// The browser zones that squash-merge other people's pull requests in one
/// repository. Since 2014 a forge writes the clicking browser's zone as a
/// squash's committer offset (and `+0000` for a bot or merge queue working
/// through its API). A zone that clicked for authors writing other offsets,
/// at least [`SquashClickers::MIN_AUTHORS`] of them and at least half of all
/// the authors it clicked for, is a maintainer's or a bot's: its clicks for
/// those authors lend them its clock. A zone clicking mostly for authors at
/// its own offset (a team in one zone, or people merging their own pull
/// requests) lends nothing, however many of its clicks are for the few
/// elsewhere.
#[derive(Debug, Default, Clone)]
pub struct SquashClickers {
    lending: BTreeSet<i16>,
}

impl SquashClickers {
    pub const MIN_AUTHORS: usize = 3;

    /// Count the forge squash clicks of one repository: each commit that
    /// [`Provenance::classify`] reads as `forge-squash`, with its author (any
    /// stable key).
    pub fn tally<'a, K: Ord + Clone>(
        clicks: impl IntoIterator<Item = (&'a CommitSummary, K)>,
    ) -> Self {
        // Per committer offset: the authors it clicked for, and those of them
        // writing another offset.
        let mut by_zone: BTreeMap<i16, (BTreeSet<K>, BTreeSet<K>)> = BTreeMap::new();
        for (summary, author) in clicks {
            if !Self::judged(summary) {
                continue;
            }
            let zone = by_zone.entry(summary.committer_offset).or_default();
            if summary.author_offset != summary.committer_offset {
                zone.1.insert(author.clone());
            }
            zone.0.insert(author);
        }
        let lending = by_zone
            .into_iter()
            .filter(|(_, (all, elsewhere))| {
                elsewhere.len() >= Self::MIN_AUTHORS && elsewhere.len() * 2 >= all.len()
            })
            .map(|(zone, _)| zone)
            .collect();
        SquashClickers { lending }
    }

    /// Does the committer offset say who clicked (browser zones since 2014)?
    fn judged(summary: &CommitSummary) -> bool {
        summary.author_time >= FORGE_BROWSER_ZONES_SINCE
            && summary.author_offset != OFFSET_INVALID
            && summary.committer_offset != OFFSET_INVALID
    }

    /// Was this squash clicked by a lending zone, for an author elsewhere?
    pub fn lends(&self, summary: &CommitSummary) -> bool {
        Self::judged(summary)
            && summary.author_offset != summary.committer_offset
            && self.lending.contains(&summary.committer_offset)
    }

    /// A commit's provenance once the repository's clickers are known: a
    /// `forge-squash` that a lending zone clicked is `forge-squash-by-other`.
    pub fn refine(&self, provenance: Provenance, summary: &CommitSummary) -> Provenance {
        if provenance == Provenance::ForgeSquash && self.lends(summary) {
            Provenance::ForgeSquashByOther
        } else {
            provenance
        }
    }
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
    pub provenance: Provenance,
}

impl CommitRecord {
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    /// The author's own offset: `None` when unreadable, or when the commit
    /// was made somewhere that writes its own (see [`Provenance`]).
    pub fn author_offset(&self) -> Option<i16> {
        (self.author_offset != OFFSET_INVALID
            && self.provenance.offset_is_authors(self.author_time))
        .then_some(self.author_offset)
    }

    /// The offset as written, whoever wrote it.
    pub fn recorded_author_offset(&self) -> Option<i16> {
        (self.author_offset != OFFSET_INVALID).then_some(self.author_offset)
    }

    pub fn id_hex(&self) -> String {
        crate::text::hex(&self.id)
    }

    pub fn short_id(&self) -> String {
        crate::text::short_hex(&self.id)
    }
}

/// A malformed ident, kept as an example for the evidence.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, PartialEq, Eq)]
#[schemars(deny_unknown_fields)]
pub struct MalformedExample {
    /// Sort key: the earliest examples are kept, whatever the walk order.
    #[serde(skip)]
    pub order: (i64, String, &'static str),
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
    /// Earliest (author time, commit) carrying each script in its message (for evidence).
    pub message_script_examples: BTreeMap<&'static str, (i64, [u8; 20])>,
    pub malformed: BTreeMap<&'static str, u64>,
    pub malformed_examples: Vec<MalformedExample>,
    /// Signing key ids (`crate::git::signatures`) and their commits.
    pub signing_keys: BTreeMap<String, u64>,
    /// Commits whose author date is more than a day before a parent's.
    pub author_before_parent: u64,
    /// Commits whose committer date is more than a day before a parent's.
    pub committer_before_parent: u64,
    /// Earliest examples of either, as (author time, id, kind).
    pub before_parent_examples: Vec<(i64, [u8; 20], &'static str)>,
}

/// One repository that was read.
#[derive(Debug, Clone, Serialize)]
pub struct RepoSummary {
    pub path: String,
    /// A file of the repository that SARIF results without a line point at
    /// (`crate::git::settings::anchor_file`), chosen when it was read.
    #[serde(skip)]
    pub anchor_file: String,
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
    /// Each repository's settings files (`check`: from the range's base).
    pub settings: Vec<crate::git::settings::RepoSettings>,
    /// Sorted by (contributor, author_time, id); duplicates across repositories removed.
    /// Empty after [`History::release_records`].
    pub records: Vec<CommitRecord>,
    /// Commits read (the records' count, kept when they are released).
    pub commit_count: u64,
    pub contributors: Vec<Contributor>,
    pub fingerprints: Vec<Fingerprint>,
    /// Per contributor, commits per repository index.
    pub per_repo: Vec<BTreeMap<u16, u64>>,
    /// Reasons the history is incomplete (shallow clone, missing objects).
    pub incomplete: Vec<String>,
    /// The newest committer date seen: the analysis' "now" (see `clock`).
    pub newest_committer_time: i64,
    /// Records flagged `IN_RANGE`.
    pub range_commits: u64,
    /// Why a cache was not used or written (warnings, not errors).
    pub cache_notes: Vec<String>,
    /// Commits decoded from objects in this run (the rest came from caches).
    pub decoded_commits: u64,
    /// With a range and a baseline: fingerprints of the commits outside the range.
    pub baseline_fingerprints: Option<Vec<Fingerprint>>,
}

impl History {
    /// A history made in memory, as one repository at `path` (generated
    /// populations and the rules' tests): `records` grouped by contributor,
    /// one fingerprint per contributor.
    pub fn in_memory(
        path: &str,
        contributors: Vec<Contributor>,
        records: Vec<CommitRecord>,
        fingerprints: Vec<Fingerprint>,
    ) -> History {
        let mut per_repo = vec![BTreeMap::new(); contributors.len()];
        for r in &records {
            *per_repo[r.contributor as usize].entry(0u16).or_insert(0u64) += 1;
        }
        History {
            repos: vec![RepoSummary {
                anchor_file: crate::git::settings::anchor_file(None),
                path: path.into(),
                range: None,
                commits: records.len() as u64,
                shallow: false,
                missing_objects: 0,
                unreadable_objects: 0,
            }],
            workdirs: vec![None],
            settings: vec![Default::default()],
            commit_count: records.len() as u64,
            newest_committer_time: records.iter().map(|r| r.committer_time).max().unwrap_or(0),
            records,
            fingerprints,
            contributors,
            per_repo,
            incomplete: Vec::new(),
            range_commits: 0,
            cache_notes: Vec::new(),
            decoded_commits: 0,
            baseline_fingerprints: None,
        }
    }

    /// Drop the per-commit records once the analysis has folded them into
    /// per-contributor results and nothing else will read them (a report of
    /// `scan` or `audit`): at 10 million commits they are half a gigabyte.
    pub fn release_records(&mut self) {
        self.records = Vec::new();
    }

    /// The history before the range (`check`'s baseline): the same
    /// contributors without the commits flagged `IN_RANGE`.
    pub fn baseline(&self) -> History {
        let records: Vec<CommitRecord> = self
            .records
            .iter()
            .filter(|r| !r.has(flags::IN_RANGE))
            .copied()
            .collect();
        let mut per_repo = vec![BTreeMap::new(); self.contributors.len()];
        for r in &records {
            *per_repo[r.contributor as usize].entry(r.repo).or_default() += 1;
        }
        History {
            repos: self.repos.clone(),
            workdirs: self.workdirs.clone(),
            settings: self.settings.clone(),
            commit_count: records.len() as u64,
            records,
            // What only the range shows is not the baseline's.
            contributors: self
                .contributors
                .iter()
                .map(|c| crate::model::identities::Contributor {
                    unverified_forge_commits: Vec::new(),
                    ..c.clone()
                })
                .collect(),
            fingerprints: self
                .baseline_fingerprints
                .clone()
                .unwrap_or_else(|| self.fingerprints.clone()),
            per_repo,
            incomplete: self.incomplete.clone(),
            newest_committer_time: self.newest_committer_time,
            range_commits: 0,
            cache_notes: Vec::new(),
            decoded_commits: 0,
            baseline_fingerprints: None,
        }
    }

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
    /// Read and write the commit cache under each repository's git directory.
    pub cache: bool,
    /// With `walk.with_baseline`: keep only the commits of contributors who
    /// authored a commit in the range (the others are not judged by `check`).
    pub only_range_authors: bool,
    /// A repository that cannot be opened or walked is reported as incomplete
    /// and the others are read (an audit of many repositories goes on).
    pub keep_going: bool,
    /// Repositories read at once (0 or 1: one at a time).
    pub jobs: usize,
    /// `check --roster`: the roster's path; one inside a repository's work
    /// tree is read from the range's base (`RepoSettings::roster`).
    pub roster: Option<PathBuf>,
    /// `check --forge-keys`: the forge's public keys, to verify that the
    /// range's forge-committed commits are the forge's.
    pub forge_keys: Option<std::sync::Arc<crate::git::forge::ForgeKeys>>,
}

/// How far [`read`] has come, for a progress display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadProgress {
    /// Commits decoded so far, over all repositories.
    pub commits: u64,
    /// Repositories read completely.
    pub repos_done: usize,
    /// Repositories to read.
    pub repos_total: usize,
}

/// One repository as read: its commit store, what the walk selected from it,
/// and what the history needs of it besides commits. Made by
/// [`read_repository`] from a repository or by `crate::model::extract` from facts.
pub struct RepoRead {
    pub summary: RepoSummary,
    pub store: Store,
    pub walked: Walked,
    /// How identities map to their canonical form (`.mailmap`), when kept.
    pub identity_map: Option<IdentityMap>,
    pub settings: crate::git::settings::RepoSettings,
    pub workdir: Option<PathBuf>,
    /// Why the history of this repository is incomplete.
    pub incomplete: Vec<String>,
    /// Warnings about caches and deprecated files.
    pub notes: Vec<String>,
    /// Where to save the store's cache once its records are built.
    pub save_to: Option<PathBuf>,
    /// `check`: the range's commits that name a forge as committer, by store
    /// index, with what their signatures say.
    pub forge_checks: Vec<(u32, crate::git::forge::ForgeCheck)>,
}

/// Read one repository (from its cache where it has one). `keep_mailmap`
/// keeps its `.mailmap` even without `use_mailmap` (an extract records it).
/// `progress` is given the commits decoded so far.
pub fn read_repository(
    path: &Path,
    options: &ReadOptions,
    keep_mailmap: bool,
    progress: &dyn Fn(u64),
) -> Result<RepoRead, Error> {
    let opened = walk::open(path)?;
    let shown = display_path(&opened.path);
    let mut notes = Vec::new();
    let mut incomplete = Vec::new();
    // git still honours a grafts file (deprecated since 2.18, with a
    // warning); the walk here follows the parents the commits record, so
    // say that the file is there and not read.
    if opened.repo.common_dir().join("info/grafts").is_file() {
        notes.push(format!(
            "{shown}: .git/info/grafts is not read (deprecated by git); convert it with `git replace --convert-graft-file`"
        ));
    }
    if let Some(id) = walk::replace_cycle(&opened.repo) {
        incomplete.push(format!(
            "{shown}: refs/replace/ holds a cycle through {} (git refuses to read such a history)",
            id.to_hex_with_len(12)
        ));
    }
    let shallow = !walk::shallow_commits(&opened.repo)?.is_empty();
    let cache_path = if options.cache && !shallow {
        match cache::unsafe_reason(&opened.repo) {
            None => Some(cache::path_for(&opened.repo)),
            Some(reason) => {
                notes.push(format!("{shown}: not cached: {reason}"));
                None
            }
        }
    } else {
        None
    };
    let mut store = match cache_path.as_deref().map(cache::load) {
        Some(Ok(Some(store))) => store,
        Some(Err(reason)) => {
            notes.push(format!("{shown}: cache ignored and rebuilt: {reason}"));
            Store::default()
        }
        _ => Store::default(),
    };
    let loaded = store.len();
    let walked = walk::walk(&opened.repo, &options.walk, &mut store, progress)?;
    let stats = &walked.stats;
    let complete = !stats.shallow && stats.missing_objects + stats.unreadable_objects == 0;
    // Saved after the records are built: saving reorders the store, and
    // the walk's selections are indexed by the current order.
    let save_to = cache_path.filter(|_| complete && cache::worth_saving(&store, loaded));
    if stats.shallow {
        incomplete.push(format!(
            "{shown}: shallow clone (history before the shallow boundary is missing)"
        ));
    }
    if stats.missing_objects + stats.unreadable_objects > 0 {
        incomplete.push(format!(
            "{shown}: {} missing and {} unreadable objects{}",
            stats.missing_objects,
            stats.unreadable_objects,
            if stats.missing_examples.is_empty() {
                String::new()
            } else {
                format!(" (for example {})", stats.missing_examples.join(", "))
            }
        ));
    }
    let settings_from = options
        .walk
        .with_baseline
        .then_some(options.walk.range.as_deref())
        .flatten();
    let forge_checks = match (&walked.range, settings_from) {
        (Some(range), Some(_)) => {
            check_forge_commits(&opened.repo, &store, range, options.forge_keys.as_deref())
        }
        _ => Vec::new(),
    };
    let workdir = opened.repo.workdir().map(Path::to_owned);
    let roster = settings_from
        .and(options.roster.as_deref())
        .zip(workdir.as_deref())
        .and_then(|(roster, root)| crate::git::settings::path_in_workdir(roster, root));
    let settings = crate::git::settings::read(&opened.repo, settings_from, roster.as_deref())?;
    let summary = RepoSummary {
        path: shown,
        range: options.walk.range.clone(),
        commits: stats.commits,
        shallow: stats.shallow,
        missing_objects: stats.missing_objects,
        unreadable_objects: stats.unreadable_objects,
        anchor_file: crate::git::settings::anchor_file(workdir.as_deref()),
    };
    // `check` maps identities by the base's `.mailmap` alone: the range's,
    // the work tree's and the repository's mailmap settings are the pull
    // request's to write.
    let identity_map = (options.use_mailmap || keep_mailmap).then(|| {
        IdentityMap::Mailmap(if settings.from_base {
            gix::mailmap::Snapshot::from_bytes(
                settings
                    .mailmap
                    .as_ref()
                    .map_or(&[][..], |f| f.bytes.as_slice()),
            )
        } else {
            opened.repo.open_mailmap()
        })
    });
    Ok(RepoRead {
        summary,
        store,
        walked,
        identity_map,
        settings,
        workdir,
        incomplete,
        notes,
        save_to,
        forge_checks,
    })
}

/// The range's commits that name a forge as committer, each checked against
/// its signature (`crate::git::forge`): a range is the pull request's, and
/// anyone can write a forge's name.
fn check_forge_commits(
    repo: &gix::Repository,
    store: &Store,
    range: &store::BitSet,
    keys: Option<&crate::git::forge::ForgeKeys>,
) -> Vec<(u32, crate::git::forge::ForgeCheck)> {
    (0..store.len() as u32)
        .filter(|&i| range.contains(i) && store.commits[i as usize].flags & flags::VIA_FORGE != 0)
        .map(|i| {
            let c = &store.commits[i as usize];
            let (_, email) = store.identity(c.committer);
            let github = email
                .trim_ascii()
                .eq_ignore_ascii_case(b"noreply@github.com");
            let check = match repo.find_object(store.ids[i as usize]) {
                Ok(object) => {
                    crate::git::forge::check_commit(&object.data, github, c.committer_time, keys)
                }
                Err(_) => crate::git::forge::ForgeCheck::BadSignature,
            };
            (i, check)
        })
        .collect()
}

/// Read every repository (`options.jobs` at a time) and merge contributors
/// across them. `progress` is called on this thread as commits are decoded
/// and after each repository.
pub fn read(
    paths: &[PathBuf],
    options: &ReadOptions,
    progress: &dyn Fn(ReadProgress),
) -> Result<History, Error> {
    let (mut builder, notes) = for_each_read(
        paths,
        options,
        false,
        progress,
        HistoryBuilder::new(options),
        |builder, read| builder.add(read),
    )?;
    builder.notes(notes);
    Ok(builder.finish())
}

/// Read repositories in parallel and hand each, in the order given, to
/// `consume` (a repository that could not be read comes as its path and
/// error). The repository's cache is saved after `consume` has used it;
/// caches that could not be written are returned as notes.
pub fn for_each_read<S>(
    paths: &[PathBuf],
    options: &ReadOptions,
    keep_mailmap: bool,
    progress: &dyn Fn(ReadProgress),
    mut state: S,
    mut consume: impl FnMut(&mut S, Result<&mut RepoRead, (&Path, Error)>) -> Result<(), Error>,
) -> Result<(S, Vec<String>), Error> {
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    let mut cache_notes = Vec::new();
    let decoded = AtomicU64::new(0);
    let done = AtomicUsize::new(0);
    let report = || {
        progress(ReadProgress {
            commits: decoded.load(Ordering::Relaxed),
            repos_done: done.load(Ordering::Relaxed),
            repos_total: paths.len(),
        })
    };
    crate::parallel::ordered(
        paths.len(),
        options.jobs.max(1),
        |i| {
            let last = std::cell::Cell::new(0u64);
            let result = read_repository(&paths[i], options, keep_mailmap, &|n| {
                decoded.fetch_add(n.saturating_sub(last.get()), Ordering::Relaxed);
                last.set(n);
            });
            if let Ok(read) = &result {
                decoded.fetch_add(
                    read.walked.stats.decoded.saturating_sub(last.get()),
                    Ordering::Relaxed,
                );
            }
            result
        },
        report,
        |i, result| {
            let outcome = match result {
                Ok(mut read) => {
                    consume(&mut state, Ok(&mut read))?;
                    if let Some(path) = read.save_to.take()
                        && let Err(e) = cache::save(&path, &mut read.store)
                    {
                        cache_notes
                            .push(format!("{}: cannot write the cache: {e}", path.display()));
                    }
                    Ok(())
                }
                Err(e) => consume(&mut state, Err((&paths[i], e))),
            };
            done.fetch_add(1, Ordering::Relaxed);
            report();
            outcome
        },
    )?;
    Ok((state, cache_notes))
}

/// How a repository that could not be read is listed among the reasons the
/// history is incomplete.
pub fn not_read_reason(path: &Path, error: &Error) -> String {
    format!(
        "{}: not read: {}",
        display_path(path),
        crate::error::with_causes(error)
    )
}

fn display_path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The selected commits of a store that pass `--since`/`--until` (author
/// date), with their store index.
fn kept<'a>(
    store: &'a Store,
    walked: &'a Walked,
    options: &'a ReadOptions,
) -> impl Iterator<Item = (u32, &'a CommitSummary)> + 'a {
    (0..store.len() as u32)
        .filter(|&i| walked.selected.contains(i))
        .map(|i| (i, &store.commits[i as usize]))
        .filter(|(_, c)| {
            !(options.since.is_some_and(|s| c.author_time < s)
                || options.until.is_some_and(|u| c.author_time > u))
        })
}

/// Folds repositories, one at a time and in a fixed order, into a
/// [`History`]. Each repository's store can be dropped once added, so memory
/// holds one store per reading thread plus the compact records; only
/// `only_range_authors` (`check`) keeps every store until the end, since the
/// range's authors must be known before any record is built.
pub struct HistoryBuilder {
    builder: Builder,
    options: ReadOptions,
    deferred: Vec<Deferred>,
}

struct Deferred {
    repo: u16,
    store: Store,
    walked: Walked,
    identity_map: Option<IdentityMap>,
    save_to: Option<PathBuf>,
    forge_checks: Vec<(u32, crate::git::forge::ForgeCheck)>,
}

impl HistoryBuilder {
    pub fn new(options: &ReadOptions) -> HistoryBuilder {
        HistoryBuilder {
            builder: Builder {
                baseline_fingerprints: options.walk.with_baseline.then(Vec::new),
                ..Builder::default()
            },
            options: options.clone(),
            deferred: Vec::new(),
        }
    }

    /// Add one repository, or the reason it could not be read (with
    /// `keep_going` noted as incomplete, else the error).
    pub fn add(&mut self, read: Result<&mut RepoRead, (&Path, Error)>) -> Result<(), Error> {
        let read = match read {
            Ok(read) => read,
            Err((path, error)) => {
                return self.builder.not_read(self.options.keep_going, path, error);
            }
        };
        let b = &mut self.builder;
        let repo = u16::try_from(b.repos.len()).map_err(|_| Error::TooManyRepositories {
            limit: u16::MAX as usize,
        })?;
        b.cache_notes.append(&mut read.notes);
        b.incomplete.append(&mut read.incomplete);
        b.decoded += read.walked.stats.decoded;
        b.workdirs.push(read.workdir.clone());
        b.settings.push(std::mem::take(&mut read.settings));
        b.repos.push(read.summary.clone());
        let identity_map = if self.options.use_mailmap {
            read.identity_map.take()
        } else {
            None
        };
        if self.options.only_range_authors {
            self.deferred.push(Deferred {
                repo,
                store: std::mem::take(&mut read.store),
                walked: std::mem::replace(
                    &mut read.walked,
                    Walked {
                        stats: WalkStats::default(),
                        selected: store::BitSet::new(0),
                        range: None,
                        refs: Vec::new(),
                    },
                ),
                identity_map,
                save_to: read.save_to.take(),
                forge_checks: std::mem::take(&mut read.forge_checks),
            });
            return Ok(());
        }
        b.resolver.set_identity_map(identity_map);
        let maps = b.resolve(&read.store, &read.walked, &self.options);
        b.add_repo(repo, &read.store, &read.walked, &maps, None, &self.options);
        Ok(())
    }

    /// A repository that an extract could not read, with its reason as
    /// [`not_read_reason`] wrote it.
    pub fn add_not_read(&mut self, reason: String) {
        self.builder.incomplete.push(reason);
    }

    /// Warnings to show with the report.
    pub fn notes(&mut self, mut notes: Vec<String>) {
        self.builder.cache_notes.append(&mut notes);
    }

    pub fn finish(mut self) -> History {
        let options = &self.options;
        let b = &mut self.builder;
        // Identities first (every repository), so that `only_range_authors`
        // knows the range's authors before any record is built.
        let mut author_maps = Vec::with_capacity(self.deferred.len());
        for d in &mut self.deferred {
            b.resolver.set_identity_map(d.identity_map.take());
            author_maps.push(b.resolve(&d.store, &d.walked, options));
        }
        let mut wanted = vec![false; b.resolver.contributors.len()];
        let mut not_the_forges: Vec<(u32, UnverifiedForgeCommit)> = Vec::new();
        for (d, maps) in self.deferred.iter().zip(&author_maps) {
            if let Some(range) = &d.walked.range {
                let checks: HashMap<u32, crate::git::forge::ForgeCheck> =
                    d.forge_checks.iter().copied().collect();
                for (i, c) in kept(&d.store, &d.walked, options) {
                    if !range.contains(i) {
                        continue;
                    }
                    let author = maps.author[c.author as usize];
                    // A merge made by a forge (GitHub's pull-request test
                    // merge) is nobody's work: it does not make its author
                    // judged. A "forge" commit that cannot be the forge's is
                    // its author's, and a finding of its own.
                    let check = checks.get(&i).copied();
                    let merge = c.flags & flags::MERGE != 0;
                    // GitHub leaves many of its squash merges unsigned (vite:
                    // about 40 % since 2025), so an unsigned single commit is
                    // no sign; a merge, which it signs, or a signature that
                    // fails against the keys given, is.
                    if let Some(check) = check.filter(|c| {
                        !c.is_forges()
                            && (merge || *c == crate::git::forge::ForgeCheck::BadSignature)
                    }) {
                        not_the_forges.push((
                            author,
                            UnverifiedForgeCommit {
                                id: d.store.ids[i as usize],
                                committer_time: c.committer_time,
                                check,
                            },
                        ));
                    }
                    let forge_merge = c.flags & flags::VIA_FORGE != 0
                        && merge
                        && check.is_none_or(|c| c.is_forges());
                    if !forge_merge {
                        wanted[author as usize] = true;
                    }
                }
            }
        }
        b.not_the_forges = not_the_forges;
        for (d, maps) in self.deferred.iter().zip(&author_maps) {
            b.add_repo(d.repo, &d.store, &d.walked, maps, Some(&wanted), options);
        }
        drop(author_maps);
        for mut d in self.deferred {
            if let Some(path) = d.save_to
                && let Err(e) = cache::save(&path, &mut d.store)
            {
                b.cache_notes
                    .push(format!("{}: cannot write the cache: {e}", path.display()));
            }
        }
        self.builder.finish()
    }
}

/// `check`: a contributor whose every commit is in the range is not a bot
/// on the range's word alone (a name or address any author can write): it
/// is judged as a person, and marked so the report says why.
fn mark_bots_only_in_range(contributors: &mut [Contributor], records: &[CommitRecord]) {
    let mut seen = vec![(false, false); contributors.len()];
    for r in records {
        let (in_range, before) = &mut seen[r.contributor as usize];
        if r.has(flags::IN_RANGE) {
            *in_range = true;
        } else {
            *before = true;
        }
    }
    for (c, (in_range, before)) in contributors.iter_mut().zip(seen) {
        if c.kind == ContributorKind::Bot && in_range && !before {
            c.kind = ContributorKind::Human;
            c.bot_only_in_range = true;
        }
    }
}

/// Contributor of each identity of one store (`u32::MAX`: not seen).
struct IdentityMaps {
    author: Vec<u32>,
}

#[derive(Default)]
struct Builder {
    resolver: IdentityResolver,
    records: Vec<CommitRecord>,
    fingerprints: Vec<Fingerprint>,
    repos: Vec<RepoSummary>,
    workdirs: Vec<Option<PathBuf>>,
    settings: Vec<crate::git::settings::RepoSettings>,
    incomplete: Vec<String>,
    cache_notes: Vec<String>,
    decoded: u64,
    newest: i64,
    /// With a range and a baseline: fingerprints without the range's commits.
    baseline_fingerprints: Option<Vec<Fingerprint>>,
    /// `check`: the range's commits that name a forge and cannot be its, by author.
    not_the_forges: Vec<(u32, UnverifiedForgeCommit)>,
}

/// Per-contributor counts keyed by store string index, folded into the
/// fingerprint once per repository (cheaper than a string map per commit).
#[derive(Default)]
struct StringCounts {
    encodings: HashMap<u32, u64>,
    trailers: HashMap<u32, u64>,
    unknown_headers: HashMap<u32, u64>,
}

impl Builder {
    /// A repository that could not be opened or walked: with `keep_going`
    /// noted as incomplete (the others are read), else the error.
    fn not_read(&mut self, keep_going: bool, path: &Path, error: Error) -> Result<(), Error> {
        if !keep_going {
            return Err(error);
        }
        self.incomplete.push(not_read_reason(path, &error));
        Ok(())
    }

    /// Resolve the identities of a store's selected commits, in the order of
    /// their bytes, so that contributor numbering depends neither on the walk
    /// order nor on what the cache held.
    fn resolve(&mut self, store: &Store, walked: &Walked, options: &ReadOptions) -> IdentityMaps {
        let n = store.identities.len();
        let mut author = vec![u32::MAX; n];
        let mut counts = vec![0u64; n];
        let mut used = vec![false; n];
        for (_, c) in kept(store, walked, options) {
            counts[c.author as usize] += 1;
            used[c.author as usize] = true;
            used[c.committer as usize] = true;
        }
        let mut idents: Vec<u32> = (0..n as u32).filter(|&i| used[i as usize]).collect();
        idents.sort_unstable_by(|a, b| store.identities.get(*a).cmp(store.identities.get(*b)));
        for ident in idents {
            let (name, email) = store.identity(ident);
            author[ident as usize] = self.resolver.resolve(name, email, false);
            if counts[ident as usize] > 0 {
                self.resolver.count(name, email, counts[ident as usize]);
            }
        }
        IdentityMaps { author }
    }

    fn add_repo(
        &mut self,
        repo: u16,
        store: &Store,
        walked: &Walked,
        maps: &IdentityMaps,
        wanted: Option<&[bool]>,
        options: &ReadOptions,
    ) {
        let contributors = self.resolver.contributors.len();
        if self.fingerprints.len() < contributors {
            self.fingerprints
                .resize_with(contributors, Fingerprint::default);
        }
        let mut name_scripts: Vec<Option<u16>> = vec![None; store.identities.len()];
        let mut identity_kinds: Vec<Option<ContributorKind>> = vec![None; store.identities.len()];
        let mut counts: HashMap<u32, StringCounts> = HashMap::new();
        let mut baseline_counts: HashMap<u32, StringCounts> = HashMap::new();
        let mut committer_kind = |c: &CommitSummary| {
            *identity_kinds[c.committer as usize].get_or_insert_with(|| {
                let (name, email) = store.identity(c.committer);
                crate::model::identities::classify(name, email)
            })
        };
        // Each commit classified once; who clicks squash merges is then read
        // over the whole repository, and refines those clicks below.
        let classified: Vec<Provenance> = kept(store, walked, options)
            .map(|(_, c)| {
                let by_other = maps.author[c.author as usize] != maps.author[c.committer as usize];
                Provenance::classify(c, committer_kind(c), by_other)
            })
            .collect();
        let clickers = SquashClickers::tally(
            kept(store, walked, options)
                .zip(&classified)
                .filter(|(_, p)| **p == Provenance::ForgeSquash)
                .map(|((_, c), _)| (c, maps.author[c.author as usize])),
        );
        let clocks = CommitterClocks::tally(kept(store, walked, options).zip(&classified).map(
            |((_, c), &p)| {
                (
                    c,
                    p,
                    maps.author[c.author as usize],
                    maps.author[c.committer as usize],
                )
            },
        ));
        for ((i, c), &classified) in kept(store, walked, options).zip(&classified) {
            let contributor = maps.author[c.author as usize];
            let committer = maps.author[c.committer as usize];
            if wanted.is_some_and(|w| !w[contributor as usize]) {
                continue;
            }
            let mut f = c.flags;
            if committer != contributor {
                f |= flags::COMMITTED_BY_OTHER;
            }
            if walked.range.as_ref().is_some_and(|r| r.contains(i)) {
                f |= flags::IN_RANGE;
            }
            let provenance = clocks.refine(clickers.refine(classified, c), c, &committer);
            let record = CommitRecord {
                id: id_bytes(&store.ids[i as usize]),
                author_time: c.author_time,
                committer_time: c.committer_time,
                contributor,
                committer,
                author_offset: c.author_offset,
                committer_offset: c.committer_offset,
                flags: f,
                repo,
                provenance,
            };
            self.newest = self.newest.max(c.committer_time);

            let scripts = *name_scripts[c.author as usize]
                .get_or_insert_with(|| scripts_in(store.identity(c.author).0));
            // The newest parent dates, for the forgery evidence: only parents
            // committed by the same identity (another machine's wrong clock
            // says nothing about this one), and only where the commit's place
            // among its parents means something (not a rebase, cherry-pick,
            // `git am` or forge rewrite).
            let parent_times = store
                .parents_of(i)
                .iter()
                .filter(|&&p| {
                    p != store::MISSING
                        && provenance.order_is_meaningful()
                        && store.commits[p as usize].committer == c.committer
                        && store::problem::has_date(store.commits[p as usize].author_problem)
                        && store::problem::has_date(store.commits[p as usize].committer_problem)
                })
                .map(|&p| {
                    let pc = &store.commits[p as usize];
                    (pc.author_time, pc.committer_time)
                })
                .reduce(|a, b| (a.0.max(b.0), a.1.max(b.1)));
            tally(
                &mut self.fingerprints[contributor as usize],
                counts.entry(contributor).or_default(),
                store,
                c,
                &record,
                scripts,
                parent_times,
            );
            if let Some(base) = &mut self.baseline_fingerprints
                && !record.has(flags::IN_RANGE)
            {
                if base.len() < contributors {
                    base.resize_with(contributors, Fingerprint::default);
                }
                tally(
                    &mut base[contributor as usize],
                    baseline_counts.entry(contributor).or_default(),
                    store,
                    c,
                    &record,
                    scripts,
                    parent_times,
                );
            }
            self.records.push(record);
        }
        fold(&mut self.fingerprints, counts, store);
        if let Some(base) = &mut self.baseline_fingerprints {
            base.resize_with(contributors, Fingerprint::default);
            fold(base, baseline_counts, store);
        }
    }

    fn finish(mut self) -> History {
        // The same commit read from two clones counts once (the first repository wins).
        if self.repos.len() > 1 {
            self.records
                .sort_unstable_by(|a, b| a.id.cmp(&b.id).then(a.repo.cmp(&b.repo)));
            self.records.dedup_by(|b, a| a.id == b.id);
        }
        self.records.sort_unstable_by(|a, b| {
            a.contributor
                .cmp(&b.contributor)
                .then(a.author_time.cmp(&b.author_time))
                .then(a.id.cmp(&b.id))
        });
        self.records.shrink_to_fit();
        mark_reapplied(&mut self.records);
        mark_series(&mut self.records);
        let mut contributors = self.resolver.finish();
        mark_bots_only_in_range(&mut contributors, &self.records);
        for (author, commit) in std::mem::take(&mut self.not_the_forges) {
            contributors[author as usize]
                .unverified_forge_commits
                .push(commit);
        }
        let contributors_len = contributors.len();
        for fp in self
            .fingerprints
            .iter_mut()
            .chain(self.baseline_fingerprints.iter_mut().flatten())
        {
            fp.malformed_examples.sort_by(|a, b| a.order.cmp(&b.order));
            fp.malformed_examples.truncate(5);
            fp.before_parent_examples.sort();
            fp.before_parent_examples.truncate(5);
        }
        self.fingerprints
            .resize_with(contributors.len(), Fingerprint::default);
        let mut per_repo = vec![BTreeMap::new(); contributors.len()];
        for r in &self.records {
            *per_repo[r.contributor as usize].entry(r.repo).or_default() += 1;
        }
        let range_commits = self
            .records
            .iter()
            .filter(|r| r.has(flags::IN_RANGE))
            .count() as u64;
        History {
            repos: self.repos,
            workdirs: self.workdirs,
            settings: self.settings,
            commit_count: self.records.len() as u64,
            records: self.records,
            contributors,
            fingerprints: self.fingerprints,
            per_repo,
            incomplete: self.incomplete,
            newest_committer_time: self.newest,
            range_commits,
            cache_notes: self.cache_notes,
            decoded_commits: self.decoded,
            baseline_fingerprints: self.baseline_fingerprints.map(|mut b| {
                b.resize_with(contributors_len, Fingerprint::default);
                b
            }),
        }
    }
}

/// Add one commit to a contributor's fingerprint.
fn tally(
    fp: &mut Fingerprint,
    strings: &mut StringCounts,
    store: &Store,
    c: &CommitSummary,
    record: &CommitRecord,
    scripts: u16,
    parent_times: Option<(i64, i64)>,
) {
    if c.encoding != store::NONE {
        *strings.encodings.entry(c.encoding).or_default() += 1;
    }
    // A signature belongs to the committer, and a forge's key to nobody: only
    // commits this contributor committed themselves count as their keys.
    if c.signing_key != store::NONE && !record.has(flags::COMMITTED_BY_OTHER) {
        let key = String::from_utf8_lossy(store.strings.get(c.signing_key));
        if !crate::git::signatures::is_forge_key(&key) {
            *fp.signing_keys.entry(key.into_owned()).or_default() += 1;
        }
    }
    if let Some((author, committer)) = parent_times {
        const DAY: i64 = 86_400;
        let author_known = store::problem::has_date(c.author_problem);
        let committer_known = store::problem::has_date(c.committer_problem);
        for (before, kind) in [
            (author_known && c.author_time < author - DAY, "author"),
            (
                committer_known && c.committer_time < committer - DAY,
                "committer",
            ),
        ] {
            if !before {
                continue;
            }
            if kind == "author" {
                fp.author_before_parent += 1;
            } else {
                fp.committer_before_parent += 1;
            }
            fp.before_parent_examples
                .push((record.author_time, record.id, kind));
            if fp.before_parent_examples.len() > 10 {
                fp.before_parent_examples.sort();
                fp.before_parent_examples.truncate(5);
            }
        }
    }
    if let Some(kind) = store::signature::NAMES.get(c.signature as usize)
        && c.signature != 0
    {
        *fp.signature_kinds.entry(kind).or_default() += 1;
    }
    for &e in store.extras_of(c) {
        if e & store::EXTRA_UNKNOWN_HEADER != 0 {
            *strings
                .unknown_headers
                .entry(e & !store::EXTRA_UNKNOWN_HEADER)
                .or_default() += 1;
        } else {
            *strings.trailers.entry(e).or_default() += 1;
        }
    }
    let le = LINE_ENDINGS
        .get(c.line_endings as usize)
        .copied()
        .unwrap_or("none");
    *fp.line_endings.entry(le).or_default() += 1;
    for (k, s) in crate::text::Script::ALL.iter().enumerate() {
        if scripts & (1 << *s as u16) != 0 {
            fp.name_scripts[k] += 1;
        }
        if c.message_scripts & (1 << *s as u16) != 0 {
            fp.message_scripts[k] += 1;
            // The earliest commit, whatever order commits come in.
            let key = (record.author_time, record.id);
            let e = fp.message_script_examples.entry(s.name()).or_insert(key);
            if key < *e {
                *e = key;
            }
        }
    }
    for (field, code, raw) in [
        ("author", c.author_problem, c.author_raw_offset),
        ("committer", c.committer_problem, c.committer_raw_offset),
    ] {
        let Some(problem) = store::problem::name(code) else {
            continue;
        };
        *fp.malformed.entry(problem).or_default() += 1;
        {
            // The earliest five, whatever order commits come in.
            fp.malformed_examples.push(MalformedExample {
                order: (record.author_time, record.short_id(), field),
                commit: record.short_id(),
                field,
                problem,
                raw: if code == store::problem::NEGATIVE_ZERO {
                    "-0000".into()
                } else if raw == store::NONE {
                    String::new()
                } else {
                    String::from_utf8_lossy(store.strings.get(raw)).into_owned()
                },
            });
            if fp.malformed_examples.len() > 10 {
                fp.malformed_examples.sort_by(|a, b| a.order.cmp(&b.order));
                fp.malformed_examples.truncate(5);
            }
        }
    }
}

/// Fold string-index counts into fingerprints, in contributor order.
fn fold(fingerprints: &mut [Fingerprint], counts: HashMap<u32, StringCounts>, store: &Store) {
    let text = |i: &u32| String::from_utf8_lossy(store.strings.get(*i)).into_owned();
    let mut counts: Vec<(u32, StringCounts)> = counts.into_iter().collect();
    counts.sort_by_key(|(c, _)| *c);
    for (contributor, strings) in counts {
        let fp = &mut fingerprints[contributor as usize];
        for (i, n) in strings.encodings {
            *fp.encodings.entry(text(&i)).or_default() += n;
        }
        for (i, n) in strings.trailers {
            *fp.trailers.entry(text(&i)).or_default() += n;
        }
        for (i, n) in strings.unknown_headers {
            *fp.unknown_headers.entry(text(&i)).or_default() += n;
        }
    }
}

/// Names of `CommitSummary::line_endings` codes.
pub const LINE_ENDINGS: [&str; 4] = ["none", "lf", "crlf", "mixed"];

fn id_bytes(id: &gix::ObjectId) -> [u8; 20] {
    let mut out = [0u8; 20];
    let bytes = id.as_bytes();
    let n = bytes.len().min(20);
    out[..n].copy_from_slice(&bytes[..n]);
    out
}

/// Is this contributor's commit part of its personal timing profile? Its
/// author date must be when the author worked (not a merge bot's click), a
/// mailing-list series counts once, and a re-applied copy counts in its
/// original.
pub fn is_timed(record: &CommitRecord, kind: ContributorKind) -> bool {
    kind == ContributorKind::Human
        && record.provenance.instant_is_authors()
        && record.provenance != Provenance::Reapplied
        && !record.has(flags::AUTHOR_MALFORMED)
        && !record.has(flags::SERIES_CONTINUATION)
}

/// Mark copies re-applied with another offset ([`Provenance::Reapplied`]):
/// among one contributor's commits authored at the same second, a commit
/// applied by another person (or cherry-picked) whose offset is none of the
/// offsets that the originals there (commits whose offset is the author's
/// own and that were not applied by others) carry. One person cannot be in
/// two zones at one second; the copy is the one another hand rewrote.
/// A copy (a later rebase) of a commit [`Provenance::CommittedForAuthor`]
/// with its offset is one too: its date is still the committer's clock.
/// Records are sorted by contributor, then author date.
fn mark_reapplied(records: &mut [CommitRecord]) {
    let copied = |p: Provenance| matches!(p, Provenance::AppliedByOther | Provenance::CherryPick);
    let same_second = |a: &CommitRecord, b: &CommitRecord| {
        (a.contributor, a.author_time) == (b.contributor, b.author_time)
    };
    for group in records.chunk_by_mut(same_second).filter(|g| g.len() > 1) {
        let originals: Vec<i16> = group
            .iter()
            .filter(|r| !copied(r.provenance))
            .filter_map(CommitRecord::author_offset)
            .collect();
        let committers_clock: Vec<i16> = group
            .iter()
            .filter(|r| r.provenance == Provenance::CommittedForAuthor)
            .filter_map(CommitRecord::recorded_author_offset)
            .collect();
        for r in group.iter_mut() {
            if copied(r.provenance)
                && r.recorded_author_offset()
                    .is_some_and(|o| committers_clock.contains(&o))
            {
                r.provenance = Provenance::CommittedForAuthor;
            } else if copied(r.provenance)
                && !originals.is_empty()
                && r.recorded_author_offset()
                    .is_some_and(|o| !originals.contains(&o))
            {
                r.provenance = Provenance::Reapplied;
            }
        }
    }
}

/// The largest step between the author dates of a mailing-list series
/// (`git send-email` dates patches one second apart).
pub const SERIES_STEP_SECONDS: i64 = 2;

/// Mark the later patches of mailing-list series: commits applied by someone
/// else whose author date is 0–2 s after the author's previous commit
/// (`git send-email` dates a series one second apart). Records are sorted by
/// contributor, then author date.
fn mark_series(records: &mut [CommitRecord]) {
    for i in 1..records.len() {
        let (prev, this) = (records[i - 1], &mut records[i]);
        if prev.contributor == this.contributor
            && this.provenance == Provenance::AppliedByOther
            && (0..=SERIES_STEP_SECONDS).contains(&(this.author_time - prev.author_time))
        {
            this.flags |= flags::SERIES_CONTINUATION;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A commit of contributor 0 authored at `time` with `offset`, made as `provenance`.
    fn authored(time: i64, offset: i16, provenance: Provenance, n: u8) -> CommitRecord {
        CommitRecord {
            id: [n; 20],
            author_time: time,
            committer_time: time,
            contributor: 0,
            committer: 0,
            author_offset: offset,
            committer_offset: offset,
            flags: 0,
            repo: 0,
            provenance,
        }
    }

    #[test]
    fn a_copy_at_the_same_second_with_another_offset_is_reapplied() {
        let t = 1_625_000_000;
        let mut records = vec![
            authored(t, 330, Provenance::ForgeSquash, 1),
            authored(t, 480, Provenance::AppliedByOther, 2),
            // A copy at its original's offset, and one with no original at
            // that second: both stay as they were made.
            authored(t + 100, 330, Provenance::Ordinary, 3),
            authored(t + 100, 330, Provenance::CherryPick, 4),
            authored(t + 200, 480, Provenance::AppliedByOther, 5),
        ];
        mark_reapplied(&mut records);
        let made: Vec<Provenance> = records.iter().map(|r| r.provenance).collect();
        assert_eq!(
            made,
            [
                Provenance::ForgeSquash,
                Provenance::Reapplied,
                Provenance::Ordinary,
                Provenance::CherryPick,
                Provenance::AppliedByOther,
            ]
        );
        assert_eq!(records[1].author_offset(), None);
        assert!(!is_timed(&records[1], ContributorKind::Human));
        // Another contributor's commit at the same second is no original.
        let mut two = vec![
            authored(t, 330, Provenance::Ordinary, 1),
            CommitRecord {
                contributor: 1,
                ..authored(t, 480, Provenance::AppliedByOther, 2)
            },
        ];
        mark_reapplied(&mut two);
        assert_eq!(two[1].provenance, Provenance::AppliedByOther);
    }

    #[test]
    fn record_is_compact() {
        assert!(std::mem::size_of::<CommitRecord>() <= 64);
    }

    /// A squash clicked at `committer` (browser zone) for an author at `author`.
    fn click(author: i16, committer: i16) -> CommitSummary {
        CommitSummary {
            author_time: FORGE_BROWSER_ZONES_SINCE + 86_400,
            committer_time: FORGE_BROWSER_ZONES_SINCE + 86_400,
            author: 0,
            committer: 0,
            encoding: store::NONE,
            signing_key: store::NONE,
            author_raw_offset: store::NONE,
            committer_raw_offset: store::NONE,
            extras_start: 0,
            extras_len: 0,
            author_offset: author,
            committer_offset: committer,
            flags: 0,
            message_scripts: 0,
            signature: 0,
            line_endings: 0,
            author_problem: 0,
            committer_problem: 0,
            message_kind: 0,
        }
    }

    #[test]
    fn a_zone_clicking_for_authors_elsewhere_lends_its_clock() {
        // A maintainer at +09:00 clicks for three authors in other zones.
        let clicks = [
            (click(60, 540), 1u32),
            (click(-120, 540), 2),
            (click(330, 540), 3),
        ];
        let clickers = SquashClickers::tally(clicks.iter().map(|(c, a)| (c, *a)));
        assert!(clickers.lends(&click(60, 540)));
        // An author at the clicker's own offset keeps the instant.
        assert!(!clickers.lends(&click(540, 540)));
        // Two authors elsewhere are too few to say.
        let clickers = SquashClickers::tally(clicks[..2].iter().map(|(c, a)| (c, *a)));
        assert!(!clickers.lends(&click(60, 540)));
    }

    #[test]
    fn a_one_zone_team_lends_nothing() {
        // Seven authors at +08:00 and three elsewhere (people who faked their
        // offsets, or travellers): most of the zone's authors write its offset.
        let mut clicks: Vec<(CommitSummary, u32)> = (0..7).map(|a| (click(480, 480), a)).collect();
        clicks.extend((7..10).map(|a| (click(-300, 480), a)));
        let clickers = SquashClickers::tally(clicks.iter().map(|(c, a)| (c, *a)));
        assert!(!clickers.lends(&click(-300, 480)));
    }

    #[test]
    fn a_patch_dated_by_its_committer_is_committed_for_author() {
        let human = ContributorKind::Human;
        // Committed by another person at the second it was authored, at one
        // offset: `git commit --author`, the committer's clock.
        let same = click(60, 60);
        assert_eq!(
            Provenance::classify(&same, human, true),
            Provenance::CommittedForAuthor
        );
        let p = Provenance::CommittedForAuthor;
        assert!(!p.instant_is_authors() && !p.offset_is_authors(same.author_time));
        // Its author committing it himself, two offsets at one instant, a
        // date a second older (`git am`), a merge, a pull request squashed
        // by a script: each stays what it was.
        assert_eq!(
            Provenance::classify(&same, human, false),
            Provenance::Ordinary
        );
        assert_eq!(
            Provenance::classify(&click(540, 60), human, true),
            Provenance::AppliedByOther
        );
        let older = CommitSummary {
            author_time: same.author_time - 1,
            ..same
        };
        assert_eq!(
            Provenance::classify(&older, human, true),
            Provenance::AppliedByOther
        );
        let merge = CommitSummary {
            flags: flags::MERGE,
            ..same
        };
        assert_eq!(
            Provenance::classify(&merge, human, true),
            Provenance::Ordinary
        );
        let squashed = CommitSummary {
            message_kind: crate::git::facts::message_kind::PR_SUFFIX,
            ..same
        };
        assert_eq!(
            Provenance::classify(&squashed, human, true),
            Provenance::SquashedAtMerge
        );
    }

    #[test]
    fn a_later_copy_of_a_commit_dated_by_its_committer_is_one_too() {
        let t = 1_658_762_401;
        let mut records = vec![
            authored(t, 180, Provenance::CommittedForAuthor, 1),
            // Rebased a quarter of an hour later: same author date, offset.
            authored(t, 180, Provenance::AppliedByOther, 2),
            // At that second with another offset: a back-port's tool.
            authored(t, 480, Provenance::AppliedByOther, 3),
        ];
        mark_reapplied(&mut records);
        let made: Vec<Provenance> = records.iter().map(|r| r.provenance).collect();
        assert_eq!(
            made,
            [
                Provenance::CommittedForAuthor,
                Provenance::CommittedForAuthor,
                Provenance::AppliedByOther,
            ]
        );
        assert!(!is_timed(&records[1], ContributorKind::Human));
    }

    #[test]
    fn a_shared_second_at_an_offset_the_committer_never_writes_is_the_authors() {
        // Contributor 1 commits for 0 at +01:00, his own offset, and at
        // +09:00, which only the author writes (`git am
        // --committer-date-is-author-date` copied the author's date).
        let own = click(60, 60);
        let for_author = click(60, 60);
        let copied = click(540, 540);
        let clocks = CommitterClocks::tally([
            (&own, Provenance::Ordinary, 1u32, 1u32),
            (&for_author, Provenance::CommittedForAuthor, 0, 1),
            (&copied, Provenance::CommittedForAuthor, 0, 1),
        ]);
        assert_eq!(
            clocks.refine(Provenance::CommittedForAuthor, &for_author, &1),
            Provenance::CommittedForAuthor
        );
        assert_eq!(
            clocks.refine(Provenance::CommittedForAuthor, &copied, &1),
            Provenance::AppliedByOther
        );
        // Only that provenance is refined.
        assert_eq!(
            clocks.refine(Provenance::CherryPick, &copied, &1),
            Provenance::CherryPick
        );
    }
}
