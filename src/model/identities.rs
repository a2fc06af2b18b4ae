//! Identities to contributors: `.mailmap` (git's semantics, via gix), then
//! merging by case-insensitive email; bot and forge classification.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

pub use crate::git::facts::is_forge_identity;

/// What kind of actor a contributor is. Only `Human` commits feed timing profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContributorKind {
    Human,
    /// Automation: dependabot, renovate, CI identities, `[bot]` names.
    Bot,
    /// A forge's own identity (`GitHub <noreply@github.com>` as author).
    Forge,
}

impl ContributorKind {
    pub fn name(self) -> &'static str {
        match self {
            ContributorKind::Human => "human",
            ContributorKind::Bot => "bot",
            ContributorKind::Forge => "forge",
        }
    }
}

/// Email local parts and exact addresses of well-known automation.
const BOT_EMAIL_MARKERS: &[&str] = &[
    "[bot]@",
    "dependabot",
    "renovate",
    "github-actions",
    "actions@github.com",
    "greenkeeper",
    "snyk-bot",
    "semantic-release-bot",
    "k8s-ci-robot",
    "mergify",
    "pre-commit-ci",
    "allcontributors",
    "bors@",
    "homu@",
    "gitlab-bot",
    "ci-bot",
    "travis@",
    "jenkins@",
    "buildbot@",
];

const BOT_NAMES: &[&str] = &[
    "dependabot",
    "renovate bot",
    "github actions",
    "bors",
    "homu",
    "mergify",
    "pre-commit-ci",
    "greenkeeper",
    "snyk bot",
    "semantic-release-bot",
    "jenkins",
    "buildbot",
];

pub fn classify(name: &[u8], email: &[u8]) -> ContributorKind {
    if is_forge_identity(name, email) {
        return ContributorKind::Forge;
    }
    let email = String::from_utf8_lossy(email).to_ascii_lowercase();
    let name = String::from_utf8_lossy(name).to_ascii_lowercase();
    let name = name.trim();
    if name.ends_with("[bot]")
        || name.ends_with("-bot")
        || name.ends_with(" bot")
        || BOT_NAMES.contains(&name)
        || BOT_EMAIL_MARKERS.iter().any(|m| email.contains(m))
    {
        ContributorKind::Bot
    } else {
        ContributorKind::Human
    }
}

/// A contributor: identities merged into one person (or one bot).
#[derive(Debug, Clone)]
pub struct Contributor {
    /// Merge key: the lower-cased (mailmapped) email, or `name:` + name when the email is empty.
    pub key: Vec<u8>,
    /// (mailmapped name, mailmapped email) -> commits, as written.
    pub identities: BTreeMap<(Vec<u8>, Vec<u8>), u64>,
    /// Raw author identities before `.mailmap` (name, email) -> commits.
    pub raw_identities: BTreeMap<(Vec<u8>, Vec<u8>), u64>,
    pub kind: ContributorKind,
}

impl Contributor {
    /// The name used most often (ties: the lexicographically smallest).
    pub fn display_name(&self) -> &[u8] {
        let mut by_name: BTreeMap<&[u8], u64> = BTreeMap::new();
        for ((name, _), n) in &self.identities {
            *by_name.entry(name.as_slice()).or_default() += n;
        }
        by_name
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(n, _)| *n)
            .unwrap_or(b"")
    }

    /// Distinct emails, as written after `.mailmap`, sorted.
    pub fn emails(&self) -> Vec<&[u8]> {
        let mut v: Vec<&[u8]> = self.identities.keys().map(|(_, e)| e.as_slice()).collect();
        v.sort();
        v.dedup();
        v
    }
}

/// One raw (name, email) pair as written, and where it went.
#[derive(Debug, Clone)]
struct IdentitySlot {
    contributor: u32,
    raw: (Vec<u8>, Vec<u8>),
    mapped: (Vec<u8>, Vec<u8>),
    commits: u64,
}

/// What makes identities one contributor: the lower-cased (mapped) email, or
/// `name:` and the lower-cased name when the email is empty.
pub fn contributor_key(name: &[u8], email: &[u8]) -> Vec<u8> {
    let trimmed = trim(email);
    if trimmed.is_empty() {
        let mut k = b"name:".to_vec();
        k.extend(name.to_ascii_lowercase());
        k
    } else {
        trimmed.to_ascii_lowercase()
    }
}

/// How one repository's identities map to their canonical form: its
/// `.mailmap` (git's semantics, via gix), or the mapping an extract recorded
/// (raw [`crate::git::facts::identity_key`] to mapped name and email).
pub enum IdentityMap {
    Mailmap(gix::mailmap::Snapshot),
    Table(HashMap<Vec<u8>, (Vec<u8>, Vec<u8>)>),
}

impl IdentityMap {
    /// The mapped (name, email), or `None` where the identity stays as written.
    pub fn map(&self, name: &[u8], email: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
        match self {
            IdentityMap::Mailmap(mm) => {
                let sig = gix::actor::SignatureRef {
                    name: name.into(),
                    email: email.into(),
                    time: "",
                };
                mm.try_resolve_ref(sig).map(|resolved| {
                    (
                        resolved.name.map_or_else(|| name.to_vec(), |n| n.to_vec()),
                        resolved
                            .email
                            .map_or_else(|| email.to_vec(), |e| e.to_vec()),
                    )
                })
            }
            IdentityMap::Table(table) => {
                let mut key = Vec::with_capacity(4 + name.len() + email.len());
                crate::git::facts::identity_key(&mut key, name, email);
                table.get(&key).cloned()
            }
        }
    }
}

/// Resolves raw (name, email) pairs to contributor indices, caching per raw pair
/// so `.mailmap` is consulted once per distinct identity, not once per commit.
#[derive(Default)]
pub struct IdentityResolver {
    mailmap: Option<IdentityMap>,
    cache: HashMap<Vec<u8>, u32>,
    slots: Vec<IdentitySlot>,
    by_key: HashMap<Vec<u8>, u32>,
    pub contributors: Vec<Contributor>,
    scratch: Vec<u8>,
}

impl IdentityResolver {
    /// Use this repository's identity map for the next commits (None: `--no-mailmap`).
    pub fn set_identity_map(&mut self, map: Option<IdentityMap>) {
        self.mailmap = map;
        self.cache.clear();
    }

    /// The contributor of an identity; `count` adds one commit to the identity.
    pub fn resolve(&mut self, name: &[u8], email: &[u8], count: bool) -> u32 {
        crate::git::facts::identity_key(&mut self.scratch, name, email);
        let slot = match self.cache.get(&self.scratch) {
            Some(&i) => i,
            None => {
                let i = self.new_slot(name, email);
                self.cache.insert(self.scratch.clone(), i);
                i
            }
        };
        let slot = &mut self.slots[slot as usize];
        if count {
            slot.commits += 1;
        }
        slot.contributor
    }

    /// Add `n` commits to an identity (resolving it if needed).
    pub fn count(&mut self, name: &[u8], email: &[u8], n: u64) {
        self.resolve(name, email, false);
        crate::git::facts::identity_key(&mut self.scratch, name, email);
        if let Some(&slot) = self.cache.get(&self.scratch) {
            self.slots[slot as usize].commits += n;
        }
    }

    /// Fill each contributor's identity tables from the counted slots.
    pub fn finish(mut self) -> Vec<Contributor> {
        for slot in self.slots.drain(..) {
            if slot.commits == 0 {
                continue;
            }
            let c = &mut self.contributors[slot.contributor as usize];
            *c.identities.entry(slot.mapped).or_default() += slot.commits;
            *c.raw_identities.entry(slot.raw).or_default() += slot.commits;
        }
        self.contributors
    }

    fn map(&self, name: &[u8], email: &[u8]) -> (Vec<u8>, Vec<u8>) {
        self.mailmap
            .as_ref()
            .and_then(|m| m.map(name, email))
            .unwrap_or_else(|| (name.to_vec(), email.to_vec()))
    }

    fn new_slot(&mut self, name: &[u8], email: &[u8]) -> u32 {
        let (mapped_name, mapped_email) = self.map(name, email);
        let key = contributor_key(&mapped_name, &mapped_email);
        let contributor = match self.by_key.get(&key) {
            Some(&i) => i,
            None => {
                let i = self.contributors.len() as u32;
                self.contributors.push(Contributor {
                    key: key.clone(),
                    identities: BTreeMap::new(),
                    raw_identities: BTreeMap::new(),
                    kind: classify(&mapped_name, &mapped_email),
                });
                self.by_key.insert(key, i);
                i
            }
        };
        self.slots.push(IdentitySlot {
            contributor,
            raw: (name.to_vec(), email.to_vec()),
            mapped: (mapped_name, mapped_email),
            commits: 0,
        });
        (self.slots.len() - 1) as u32
    }
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &s[start..end.max(start)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let cases: [(&[u8], &[u8], ContributorKind); 5] = [
            (
                b"dependabot[bot]",
                b"49699333+dependabot[bot]@users.noreply.github.com",
                ContributorKind::Bot,
            ),
            (b"GitHub", b"noreply@github.com", ContributorKind::Forge),
            (
                b"Renovate Bot",
                b"bot@renovateapp.com",
                ContributorKind::Bot,
            ),
            (b"Ada Lovelace", b"ada@example.org", ContributorKind::Human),
            (b"Abbot Smith", b"abbot@example.org", ContributorKind::Human),
        ];
        for (name, email, kind) in cases {
            assert_eq!(
                classify(name, email),
                kind,
                "{}",
                String::from_utf8_lossy(name)
            );
        }
    }

    #[test]
    fn merge_by_case_insensitive_email() {
        let mut r = IdentityResolver::default();
        let a = r.resolve(b"Ada", b"Ada@Example.org", true);
        let b = r.resolve(b"A. Lovelace", b"ada@example.org", true);
        let c = r.resolve(b"Ada", b"other@example.org", true);
        assert_eq!(a, b);
        assert_ne!(a, c);
        let e1 = r.resolve(b"X", b"", true);
        let e2 = r.resolve(b"Y", b"", true);
        assert_ne!(e1, e2);
        let contributors = r.finish();
        assert_eq!(contributors[a as usize].identities.len(), 2);
    }

    #[test]
    fn mailmap_applies() {
        let mut r = IdentityResolver::default();
        let mm = gix::mailmap::Snapshot::from_bytes(
            b"Ada Lovelace <ada@example.org> <ada@old.example>\n",
        );
        r.set_identity_map(Some(IdentityMap::Mailmap(mm)));
        let a = r.resolve(b"ada", b"ada@old.example", true);
        let b = r.resolve(b"Ada Lovelace", b"ada@example.org", true);
        assert_eq!(a, b);
        let contributors = r.finish();
        assert_eq!(contributors[a as usize].display_name(), b"Ada Lovelace");
    }
}
