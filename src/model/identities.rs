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

/// Exact addresses of well-known automation that is not a GitHub App
/// (those are `ID+slug[bot]@users.noreply.github.com`, see [`email_is_bot`]).
const BOT_ADDRESSES: &[&str] = &[
    "support@dependabot.com",
    "noreply@dependabot.com",
    "bot@renovateapp.com",
    "github-actions@github.com",
    "actions@github.com",
    "action@github.com",
    "snyk-bot@snyk.io",
    "semantic-release-bot@martynus.net",
    "bors@rust-lang.org",
    "greenkeeper@users.noreply.github.com",
    "support@greenkeeper.io",
];

/// Local parts that are automation accounts wherever they are hosted
/// (`jenkins@ci.example.org`), compared whole.
const BOT_LOCAL_PARTS: &[&str] = &[
    "dependabot",
    "renovate",
    "renovate-bot",
    "github-actions",
    "greenkeeper",
    "snyk-bot",
    "semantic-release-bot",
    "k8s-ci-robot",
    "mergify",
    "pre-commit-ci",
    "allcontributors",
    "bors",
    "homu",
    "gitlab-bot",
    "ci-bot",
    "travis",
    "jenkins",
    "buildbot",
];

/// Names of well-known automation, compared whole (lower-cased).
const BOT_NAMES: &[&str] = &[
    "dependabot",
    "dependabot-preview",
    "renovate bot",
    "github actions",
    "github-actions",
    "bors",
    "homu",
    "mergify",
    "pre-commit-ci",
    "greenkeeper",
    "snyk bot",
    "semantic-release-bot",
    "jenkins",
    "buildbot",
    "copilot",
];

/// An automation address by an exact rule: a GitHub App's account
/// (`49699333+dependabot[bot]@users.noreply.github.com`, also without the
/// numeric id), GitHub's Copilot coding agent, or a well-known address or
/// local part. Never a substring of a person's address.
pub fn email_is_bot(email: &[u8]) -> bool {
    let email = String::from_utf8_lossy(trim(email)).to_ascii_lowercase();
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    if domain == "users.noreply.github.com" {
        let login = local.split_once('+').map_or(local, |(id, login)| {
            if id.bytes().all(|b| b.is_ascii_digit()) && !id.is_empty() {
                login
            } else {
                local
            }
        });
        let numbered = local.contains('+');
        if let Some(slug) = login.strip_suffix("[bot]") {
            return !slug.is_empty()
                && slug.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        }
        // The Copilot coding agent commits as `ID+Copilot@users.noreply.github.com`.
        return numbered && login == "copilot";
    }
    BOT_ADDRESSES.contains(&email.as_str()) || BOT_LOCAL_PARTS.contains(&local)
}

/// A name automation writes, by an exact rule: GitHub's `slug[bot]`, a
/// well-known bot's name, or `...-bot` / `... bot` when the address says
/// `bot` too (`miri@cron.bot`; so a person's address under a bot-like name is
/// never read as a bot's).
pub fn name_is_bot(name: &[u8], email: &[u8]) -> bool {
    let name = String::from_utf8_lossy(name).to_ascii_lowercase();
    let name = name.trim();
    if name.ends_with("[bot]") || BOT_NAMES.contains(&name) {
        return true;
    }
    let email = String::from_utf8_lossy(email).to_ascii_lowercase();
    (name.ends_with("-bot") || name.ends_with(" bot")) && email.contains("bot")
}

/// The kind of one identity (name and address as written). A contributor's
/// kind is decided from all of its identities ([`kind_of`]).
pub fn classify(name: &[u8], email: &[u8]) -> ContributorKind {
    if is_forge_identity(name, email) {
        ContributorKind::Forge
    } else if email_is_bot(email) || name_is_bot(name, email) {
        ContributorKind::Bot
    } else {
        ContributorKind::Human
    }
}

/// A contributor's kind, from evidence no single commit can flip: a forge's
/// or automation's address (exact rules, and every identity merged into a
/// contributor shares it), else a bot only when every commit is under an
/// automation's name. A person with human history stays human whatever one
/// commit calls itself.
pub fn kind_of(identities: &BTreeMap<(Vec<u8>, Vec<u8>), u64>) -> ContributorKind {
    let used = || identities.iter().filter(|(_, n)| **n > 0).map(|(k, _)| k);
    if used().next().is_none() {
        return ContributorKind::Human;
    }
    if used().any(|(n, e)| is_forge_identity(n, e)) {
        ContributorKind::Forge
    } else if used().any(|(_, e)| email_is_bot(e)) || used().all(|(n, e)| name_is_bot(n, e)) {
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
    /// `check`: every commit is in the judged range and under an
    /// automation's name or address. Such a contributor is judged as a
    /// person (a bot is known only from history before the range) and the
    /// rule `bot-only-in-range` says so.
    pub bot_only_in_range: bool,
    /// `check`: commits of the range this contributor authored that name a
    /// forge as committer but cannot be the forge's (`crate::git::forge`).
    pub unverified_forge_commits: Vec<UnverifiedForgeCommit>,
}

/// A commit that names a forge as its committer and cannot be the forge's.
#[derive(Debug, Clone)]
pub struct UnverifiedForgeCommit {
    pub id: gix::ObjectId,
    pub committer_time: i64,
    pub check: crate::git::forge::ForgeCheck,
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
        for c in &mut self.contributors {
            if !c.identities.is_empty() {
                c.kind = kind_of(&c.identities);
            }
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
                    bot_only_in_range: false,
                    unverified_forge_commits: Vec::new(),
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
    fn bots_are_recognised_by_exact_rules_not_substrings() {
        for email in [
            "49699333+dependabot[bot]@users.noreply.github.com",
            "41898282+github-actions[bot]@users.noreply.github.com",
            "renovate[bot]@users.noreply.github.com",
            "198982749+Copilot@users.noreply.github.com",
            "support@dependabot.com",
            "jenkins@ci.example.org",
        ] {
            assert!(email_is_bot(email.as_bytes()), "{email}");
        }
        for email in [
            "mallory@corp.example",
            "mydependabotfan@example.org",
            "12345+mallory@users.noreply.github.com",
            "copilot@example.org",
            "x[bot]@example.org",
            "1+evil[bot]\u{202e}@users.noreply.github.com",
        ] {
            assert!(!email_is_bot(email.as_bytes()), "{email}");
        }
        for name in ["zz-bot", "A bot", "0-bot", "Abbot"] {
            assert!(
                !name_is_bot(name.as_bytes(), b"mallory@corp.example"),
                "{name}"
            );
        }
        assert!(name_is_bot(b"ci-bot", b"ci-bot@example.org"));
        assert!(name_is_bot(b"The Miri Cronjob Bot", b"miri@cron.bot"));
        assert!(!name_is_bot(b"jade-bot", b"forbesid@example.org"));
        assert!(name_is_bot(b"dependabot[bot]", b"mallory@corp.example"));
    }

    #[test]
    fn one_commit_under_a_bot_name_leaves_a_person_human() {
        let person = |extra: &[u8]| {
            let mut ids = BTreeMap::new();
            ids.insert(
                (b"Mallory".to_vec(), b"mallory@corp.example".to_vec()),
                86u64,
            );
            ids.insert((extra.to_vec(), b"mallory@corp.example".to_vec()), 1u64);
            kind_of(&ids)
        };
        for name in [&b"zz-bot"[..], b"A bot", b"0-bot", b"dependabot[bot]"] {
            assert_eq!(person(name), ContributorKind::Human);
        }
        // Every commit under an automation's name: a bot.
        let mut ids = BTreeMap::new();
        ids.insert(
            (b"dependabot[bot]".to_vec(), b"deps@corp.example".to_vec()),
            40u64,
        );
        assert_eq!(kind_of(&ids), ContributorKind::Bot);
        // An automation's address is a bot's whatever the names.
        let mut ids = BTreeMap::new();
        ids.insert(
            (
                b"Mallory".to_vec(),
                b"49699333+dependabot[bot]@users.noreply.github.com".to_vec(),
            ),
            2u64,
        );
        assert_eq!(kind_of(&ids), ContributorKind::Bot);
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
