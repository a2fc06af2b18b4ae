//! The on-disk cache of a repository's commit store, under its git directory
//! (`.git/git-alibi/commits-v1.bin`), so that a second run decodes only new
//! commits.
//!
//! Why it stays valid: a commit id names its content, so a cached fact can
//! never be stale. The store is saved only when it is closed under ancestry
//! (no shallow boundary, no missing or unreadable object), which lets the walk
//! stop at the first cached commit. The file records the tool version and a
//! format number; any mismatch, truncation or out-of-range index makes the
//! whole file ignored and rewritten. Files are written to a temporary name and
//! renamed, so a reader never sees half a file. Repositories with replace refs
//! (`refs/replace/`) are not cached, since those change what an id reads as.

use std::io::Write;
use std::path::{Path, PathBuf};

use gix::ObjectId;

use crate::git::store::{CommitSummary, MISSING, NONE, Store};

const MAGIC: &[u8; 8] = b"GITALIBI";
const FORMAT: u32 = 5;
const END: &[u8; 8] = b"ALIBIEND";
const SUMMARY_BYTES: usize = 8 + 8 + 4 * 8 + 2 * 4 + 4 + 1;

/// Where a repository's cache lives.
pub fn path_for(repo: &gix::Repository) -> PathBuf {
    repo.common_dir().join("git-alibi").join("commits-v1.bin")
}

/// Does anything make caching unsafe for this repository?
pub fn unsafe_reason(repo: &gix::Repository) -> Option<&'static str> {
    if let Ok(platform) = repo.references()
        && let Ok(mut iter) = platform.prefixed("refs/replace/")
        && iter.next().is_some()
    {
        return Some("the repository has replace refs");
    }
    None
}

/// Why a cache file cannot be used (it is then rebuilt, and the reason shown
/// as a warning).
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("not a git-alibi cache file")]
    NotACache,
    #[error("cache format {found}, expected {expected}")]
    Format { found: u32, expected: u32 },
    #[error("written by git-alibi {0}")]
    OtherVersion(String),
    /// Cut short, inconsistent counts or indices: what a torn write or a
    /// damaged disk leaves.
    #[error("damaged: {0}")]
    Damaged(&'static str),
}

/// Load a cache file. `Ok(None)`: no file. `Err(reason)`: a file that cannot
/// be used (it will be rewritten).
pub fn load(path: &Path) -> Result<Option<Store>, CacheError> {
    let data = match std::fs::read(path) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(CacheError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    decode(&data).map(Some)
}

/// Is it worth rewriting the cache? A handful of new commits (a pull
/// request) are cheaper to decode again next time than a rewrite of the
/// whole file; a first run or a large batch is saved.
pub fn worth_saving(store: &Store, loaded: usize) -> bool {
    let added = store.len().saturating_sub(loaded);
    added > 0 && (loaded == 0 || added >= 10_000 || added * 50 >= loaded)
}

/// Save a settled store. Errors are returned, not fatal: a read-only
/// repository simply runs without a cache.
pub fn save(path: &Path, store: &mut Store) -> std::io::Result<()> {
    store.settle();
    let data = encode(store);
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".commits-v1.bin.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&data)?;
        // No fsync: a torn file after a crash is caught by the checks in
        // `decode` and rebuilt, which is all a cache needs.
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn encode(store: &Store) -> Vec<u8> {
    let n = store.len();
    let mut out = Vec::with_capacity(n * (20 + SUMMARY_BYTES + 8) + 1024);
    out.extend_from_slice(MAGIC);
    put_u32(&mut out, FORMAT);
    put_bytes(&mut out, env!("CARGO_PKG_VERSION").as_bytes());
    put_u32(&mut out, n as u32);
    put_u32(&mut out, store.parents.len() as u32);
    put_u32(&mut out, store.extras.len() as u32);
    put_u32(&mut out, store.identities.len() as u32);
    put_u32(&mut out, store.strings.len() as u32);
    for id in &store.ids {
        out.extend_from_slice(id.as_bytes());
    }
    for c in &store.commits {
        out.extend_from_slice(&c.author_time.to_le_bytes());
        out.extend_from_slice(&c.committer_time.to_le_bytes());
        for v in [
            c.author,
            c.committer,
            c.encoding,
            c.author_raw_offset,
            c.committer_raw_offset,
            c.extras_start,
            c.extras_len as u32,
            c.signing_key,
        ] {
            put_u32(&mut out, v);
        }
        out.extend_from_slice(&c.author_offset.to_le_bytes());
        out.extend_from_slice(&c.committer_offset.to_le_bytes());
        out.extend_from_slice(&c.flags.to_le_bytes());
        out.extend_from_slice(&c.message_scripts.to_le_bytes());
        out.extend_from_slice(&[
            c.signature,
            c.line_endings,
            c.author_problem,
            c.committer_problem,
            c.message_kind,
        ]);
    }
    for &v in store
        .parent_start
        .iter()
        .chain(&store.parents)
        .chain(&store.by_id)
        .chain(&store.extras)
    {
        put_u32(&mut out, v);
    }
    for v in store.identities.values.iter().chain(&store.strings.values) {
        put_bytes(&mut out, v);
    }
    out.extend_from_slice(END);
    out
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, v: &[u8]) {
    put_u32(out, v.len() as u32);
    out.extend_from_slice(v);
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CacheError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.data.len())
            .ok_or(CacheError::Damaged("truncated file"))?;
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u32(&mut self) -> Result<u32, CacheError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn bytes(&mut self) -> Result<&'a [u8], CacheError> {
        let n = self.u32()? as usize;
        self.take(n)
    }

    fn u32s(&mut self, n: usize) -> Result<Vec<u32>, CacheError> {
        let raw = self.take(n.checked_mul(4).ok_or(CacheError::Damaged("bad count"))?)?;
        Ok(raw
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }
}

/// Decodes a cache file's bytes; anything damaged, cut short or of another
/// format is an error, never a panic (public for the fuzz target).
pub fn decode(data: &[u8]) -> Result<Store, CacheError> {
    let mut r = Reader { data, pos: 0 };
    if r.take(8)? != MAGIC {
        return Err(CacheError::NotACache);
    }
    let format = r.u32()?;
    if format != FORMAT {
        return Err(CacheError::Format {
            found: format,
            expected: FORMAT,
        });
    }
    let version = r.bytes()?;
    if version != env!("CARGO_PKG_VERSION").as_bytes() {
        return Err(CacheError::OtherVersion(
            String::from_utf8_lossy(version).into_owned(),
        ));
    }
    let n = r.u32()? as usize;
    let n_parents = r.u32()? as usize;
    let n_extras = r.u32()? as usize;
    let n_identities = r.u32()? as usize;
    let n_strings = r.u32()? as usize;
    // Every count is bounded by the file's size before anything is allocated.
    if n.saturating_mul(20 + SUMMARY_BYTES) > data.len()
        || n_parents.saturating_mul(4) > data.len()
        || n_extras.saturating_mul(4) > data.len()
        || n_identities.saturating_add(n_strings).saturating_mul(4) > data.len()
    {
        return Err(CacheError::Damaged("counts larger than the file"));
    }
    let raw_ids = r.take(n * 20)?;
    let ids: Vec<ObjectId> = raw_ids
        .chunks_exact(20)
        .map(|c| {
            let mut a = [0u8; 20];
            a.copy_from_slice(c);
            ObjectId::Sha1(a)
        })
        .collect();
    let raw = r.take(n * SUMMARY_BYTES)?;
    let mut commits = Vec::with_capacity(n);
    for b in raw.chunks_exact(SUMMARY_BYTES) {
        let u = |o: usize| u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
        let i16_at = |o: usize| i16::from_le_bytes([b[o], b[o + 1]]);
        let u16_at = |o: usize| u16::from_le_bytes([b[o], b[o + 1]]);
        let i64_at = |o: usize| {
            let mut a = [0u8; 8];
            a.copy_from_slice(&b[o..o + 8]);
            i64::from_le_bytes(a)
        };
        let extras_len = u(40);
        let at = 4; // every field after the eight u32 moves by one u32
        commits.push(CommitSummary {
            author_time: i64_at(0),
            committer_time: i64_at(8),
            author: u(16),
            committer: u(20),
            encoding: u(24),
            author_raw_offset: u(28),
            committer_raw_offset: u(32),
            extras_start: u(36),
            extras_len: u16::try_from(extras_len)
                .map_err(|_| CacheError::Damaged("bad extras length"))?,
            signing_key: u(44),
            author_offset: i16_at(44 + at),
            committer_offset: i16_at(46 + at),
            flags: u16_at(48 + at),
            message_scripts: u16_at(50 + at),
            signature: b[52 + at],
            line_endings: b[53 + at],
            author_problem: b[54 + at],
            committer_problem: b[55 + at],
            message_kind: b[56 + at],
        });
    }
    let parent_start = r.u32s(n + 1)?;
    let parents = r.u32s(n_parents)?;
    let by_id = r.u32s(n)?;
    let extras = r.u32s(n_extras)?;
    let mut identities = Vec::with_capacity(n_identities);
    for _ in 0..n_identities {
        identities.push(r.bytes()?.to_vec());
    }
    let mut strings = Vec::with_capacity(n_strings);
    for _ in 0..n_strings {
        strings.push(r.bytes()?.to_vec());
    }
    if r.take(8)? != END || r.pos != data.len() {
        return Err(CacheError::Damaged("trailing or missing end marker"));
    }
    // Bounds: a bad index would otherwise surface as a wrong report.
    if parent_start.first() != Some(&0)
        || parent_start.last().map(|&l| l as usize) != Some(n_parents)
        || parent_start.windows(2).any(|w| w[0] > w[1])
    {
        return Err(CacheError::Damaged("bad parent table"));
    }
    // Topological order (parents first) is what `Store::reach` relies on.
    for (child, w) in parent_start.windows(2).enumerate() {
        if parents[w[0] as usize..w[1] as usize]
            .iter()
            .any(|&p| p == MISSING || p as usize >= child)
        {
            return Err(CacheError::Damaged("parents out of order"));
        }
    }
    if by_id.iter().any(|&i| i as usize >= n)
        || by_id
            .windows(2)
            .any(|w| ids[w[0] as usize] >= ids[w[1] as usize])
    {
        return Err(CacheError::Damaged("bad id index"));
    }
    let string_ok = |i: u32| i == NONE || (i as usize) < n_strings;
    for c in &commits {
        if c.author as usize >= n_identities
            || c.committer as usize >= n_identities
            || !string_ok(c.encoding)
            || !string_ok(c.signing_key)
            || !string_ok(c.author_raw_offset)
            || !string_ok(c.committer_raw_offset)
            || c.extras_start as usize + c.extras_len as usize > n_extras
        {
            return Err(CacheError::Damaged("index out of range"));
        }
    }
    if extras
        .iter()
        .any(|&e| (e & !crate::git::store::EXTRA_UNKNOWN_HEADER) as usize >= n_strings)
    {
        return Err(CacheError::Damaged("extras index out of range"));
    }
    Ok(Store::from_parts(
        ids,
        commits,
        parent_start,
        parents,
        by_id,
        identities,
        strings,
        extras,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A damaged cache file is rejected, never a panic: random bytes, and
        /// a real file with random bytes overwritten or cut short.
        #[test]
        fn damaged_files_are_rejected_without_panic(
            noise in proptest::collection::vec(any::<u8>(), 0..400),
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
            cut in any::<usize>(),
        ) {
            let _ = decode(&noise);
            let mut data = encode(&sample());
            for (at, byte) in edits {
                let at = at % data.len();
                data[at] = byte;
            }
            let _ = decode(&data);
            data.truncate(cut % (data.len() + 1));
            let _ = decode(&data);
        }
    }

    fn sample() -> Store {
        let mut store = Store::default();
        let a = ObjectId::from_hex(b"1111111111111111111111111111111111111111").unwrap();
        let b = ObjectId::from_hex(b"0000000000000000000000000000000000000002").unwrap();
        let root = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@x> 1700000000 +0100\ncommitter A <a@x> 1700000000 +0100\nencoding euc-kr\n\nroot\n\nSigned-off-by: A <a@x>\n";
        let child = format!(
            "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent {a}\nauthor B <b@y> 1700003600 +051800\ncommitter B <b@y> 1700003600 -0000\nx-custom yes\n\nchild\n"
        );
        store.add_raw(b, child.as_bytes(), true);
        store.add_raw(a, root, true);
        store.settle();
        store
    }

    #[test]
    fn round_trip_keeps_every_field() {
        let store = sample();
        let loaded = decode(&encode(&store)).unwrap();
        assert_eq!(loaded.ids, store.ids);
        assert_eq!(loaded.commits, store.commits);
        assert_eq!(loaded.parents, store.parents);
        assert_eq!(loaded.parent_start, store.parent_start);
        assert_eq!(loaded.by_id, store.by_id);
        assert_eq!(loaded.extras, store.extras);
        assert_eq!(loaded.identities.values, store.identities.values);
        assert_eq!(loaded.strings.values, store.strings.values);
        // Settled: the root comes first, the child points at it; the id
        // index finds both.
        assert!(loaded.parents_of(0).is_empty());
        assert_eq!(loaded.parents_of(1), &[0]);
        assert_eq!(loaded.index_of(&loaded.ids[1]), Some(1));
        assert_eq!(loaded.reach(&[1]).count(), 2);
        assert_eq!(loaded.reach(&[0]).count(), 1);
    }

    #[test]
    fn damaged_files_are_rejected_not_trusted() {
        let store = sample();
        let good = encode(&store);
        for cut in [0, 7, 12, good.len() / 2, good.len() - 1] {
            assert!(decode(&good[..cut]).is_err(), "truncated at {cut}");
        }
        let mut bad = good.clone();
        bad[8] = 99; // format number
        assert!(decode(&bad).is_err());
        // An identity index past the table.
        let mut bad = good.clone();
        let header = 8 + 4 + 4 + env!("CARGO_PKG_VERSION").len() + 20;
        let author_at = header + 2 * 20 + 16;
        bad[author_at..author_at + 4].copy_from_slice(&1000u32.to_le_bytes());
        assert!(decode(&bad).is_err());
    }
}
