//! Revision ranges over a store: the commits a range selects, and ranges
//! named in an extract's facts (`check --facts`), where there is no
//! repository to ask and the extract's recorded refs and commit ids stand in.

use gix::ObjectId;

use crate::git::store::{BitSet, MISSING, Store};

/// A parsed revision range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeSpec {
    /// `A..B`
    Exclusive(ObjectId, ObjectId),
    /// `A...B`
    Symmetric(ObjectId, ObjectId),
    /// One revision and its ancestors.
    Single(ObjectId),
    /// What `include` reaches and `exclude` does not (`A^!`, `A^@`).
    Reach {
        include: Vec<ObjectId>,
        exclude: Vec<ObjectId>,
    },
}

impl RangeSpec {
    /// The commits the range names, for the walk to start from.
    pub fn endpoints(&self) -> Vec<ObjectId> {
        match self {
            RangeSpec::Exclusive(a, b) | RangeSpec::Symmetric(a, b) => vec![*a, *b],
            RangeSpec::Single(b) => vec![*b],
            RangeSpec::Reach { include, exclude } => {
                include.iter().chain(exclude).copied().collect()
            }
        }
    }

    /// The commits of a settled store that the range selects.
    pub fn select(&self, store: &Store) -> BitSet {
        let reach = |ids: &[ObjectId]| {
            let tips: Vec<u32> = ids.iter().filter_map(|id| store.index_of(id)).collect();
            if store.indexed == store.len() {
                store.reach(&tips)
            } else {
                reach_in_any_order(store, &tips)
            }
        };
        match self {
            RangeSpec::Exclusive(a, b) => {
                let mut set = reach(&[*b]);
                set.and_not(&reach(&[*a]));
                set
            }
            RangeSpec::Symmetric(a, b) => {
                let ra = reach(&[*a]);
                let rb = reach(&[*b]);
                let mut both = ra.clone();
                both.and(&rb);
                let mut set = ra;
                set.or(&rb);
                set.and_not(&both);
                set
            }
            RangeSpec::Single(b) => reach(&[*b]),
            RangeSpec::Reach { include, exclude } => {
                let mut set = reach(include);
                set.and_not(&reach(exclude));
                set
            }
        }
    }
}

/// Why a range cannot be resolved in an extract.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactsRangeError {
    /// The syntax is not one the facts can answer (`:/TEXT`, `@{…}`, paths).
    #[error("{0}")]
    Unsupported(&'static str),
    /// A name or id that this repository's facts do not hold.
    #[error("'{0}' is neither a ref recorded in the extract nor a commit id in it")]
    Unknown(String),
    /// A short id that several commits share.
    #[error("the short id '{0}' names more than one commit")]
    Ambiguous(String),
    /// `~N` or `^N` past the first commit.
    #[error("'{0}' goes past the first commit")]
    NoSuchParent(String),
}

/// Resolve `spec` (`A..B`, `A...B`, `A^!`, `A^@` or one revision) in the
/// facts of one repository. A revision is a ref the extract recorded (`HEAD`,
/// `main`, `origin/main`, `v1.0`, `refs/heads/x`, as git abbreviates them) or
/// a commit id of at least four hex digits, followed by any of `^`, `^N`,
/// `~`, `~N`. An empty side of `..` or `...` is `HEAD`, as in git.
pub fn resolve_in_facts(
    store: &Store,
    refs: &[(String, ObjectId)],
    spec: &str,
) -> Result<RangeSpec, FactsRangeError> {
    if spec.contains(':') || spec.contains("@{") {
        return Err(FactsRangeError::Unsupported(
            "an extract holds commits and refs only: name commits by ref, id, ^ and ~",
        ));
    }
    let rev = |r: &str| resolve_revision(store, refs, if r.is_empty() { "HEAD" } else { r });
    if let Some((a, b)) = spec.split_once("...") {
        return Ok(RangeSpec::Symmetric(rev(a)?, rev(b)?));
    }
    if let Some((a, b)) = spec.split_once("..") {
        return Ok(RangeSpec::Exclusive(rev(a)?, rev(b)?));
    }
    if let Some(r) = spec.strip_suffix("^!") {
        let id = rev(r)?;
        return Ok(RangeSpec::Reach {
            include: vec![id],
            exclude: parents(store, id),
        });
    }
    if let Some(r) = spec.strip_suffix("^@") {
        let parents = parents(store, rev(r)?);
        if parents.is_empty() {
            return Err(FactsRangeError::Unsupported(
                "`A^@` of a root commit selects nothing",
            ));
        }
        return Ok(RangeSpec::Reach {
            include: parents,
            exclude: Vec::new(),
        });
    }
    Ok(RangeSpec::Single(rev(spec)?))
}

/// What `tips` reach in a store whose commits are not in topological order
/// (a facts file is read in the order it was written).
fn reach_in_any_order(store: &Store, tips: &[u32]) -> BitSet {
    let mut seen = BitSet::new(store.len());
    let mut stack: Vec<u32> = tips.to_vec();
    while let Some(i) = stack.pop() {
        if (i as usize) < store.len() && seen.insert(i) {
            stack.extend(store.parents_of(i).iter().filter(|&&p| p != MISSING));
        }
    }
    seen
}

fn parents(store: &Store, id: ObjectId) -> Vec<ObjectId> {
    store.index_of(&id).map_or_else(Vec::new, |i| {
        store
            .parents_of(i)
            .iter()
            .filter(|&&p| p != MISSING)
            .map(|&p| store.ids[p as usize])
            .collect()
    })
}

/// One revision: a base name, then `^`/`^N`/`~`/`~N` steps over parents.
fn resolve_revision(
    store: &Store,
    refs: &[(String, ObjectId)],
    revision: &str,
) -> Result<ObjectId, FactsRangeError> {
    let base_end = revision.find(['^', '~']).unwrap_or(revision.len());
    let (base, mut steps) = revision.split_at(base_end);
    let mut id = resolve_name(store, refs, base)?;
    while let Some(op) = steps.chars().next() {
        steps = &steps[1..];
        let digits = steps.bytes().take_while(u8::is_ascii_digit).count();
        let number: Option<usize> = if digits == 0 {
            None
        } else {
            Some(
                steps[..digits]
                    .parse()
                    .map_err(|_| FactsRangeError::Unknown(revision.to_owned()))?,
            )
        };
        steps = &steps[digits..];
        let past = || FactsRangeError::NoSuchParent(revision.to_owned());
        match (op, number) {
            // `~N`: the first parent, N times.
            ('~', n) => {
                for _ in 0..n.unwrap_or(1) {
                    id = *parents(store, id).first().ok_or_else(past)?;
                }
            }
            // `^0` is the commit itself; `^N` its Nth parent.
            ('^', Some(0)) => {}
            ('^', n) => {
                id = *parents(store, id)
                    .get(n.unwrap_or(1) - 1)
                    .ok_or_else(past)?;
            }
            _ => return Err(FactsRangeError::Unknown(revision.to_owned())),
        }
    }
    Ok(id)
}

/// A ref name as git abbreviates it (`git help revisions`: the first of
/// NAME, refs/NAME, refs/tags/NAME, refs/heads/NAME, refs/remotes/NAME,
/// refs/remotes/NAME/HEAD), else a commit id or a unique prefix of one.
fn resolve_name(
    store: &Store,
    refs: &[(String, ObjectId)],
    name: &str,
) -> Result<ObjectId, FactsRangeError> {
    let candidates = [
        name.to_owned(),
        format!("refs/{name}"),
        format!("refs/tags/{name}"),
        format!("refs/heads/{name}"),
        format!("refs/remotes/{name}"),
        format!("refs/remotes/{name}/HEAD"),
    ];
    for candidate in &candidates {
        if let Some((_, id)) = refs.iter().find(|(r, _)| r == candidate) {
            return Ok(*id);
        }
    }
    let hex = name.len() >= 4 && name.len() <= 40 && name.bytes().all(|b| b.is_ascii_hexdigit());
    if !hex {
        return Err(FactsRangeError::Unknown(name.to_owned()));
    }
    let prefix = name.to_ascii_lowercase();
    let mut found = store
        .ids
        .iter()
        .filter(|id| id.to_hex().to_string().starts_with(&prefix));
    match (found.next(), found.next()) {
        (Some(id), None) => Ok(*id),
        (Some(_), Some(_)) => Err(FactsRangeError::Ambiguous(name.to_owned())),
        (None, _) => Err(FactsRangeError::Unknown(name.to_owned())),
    }
}
