//! Links between contributors that `.mailmap` and email merging did not make
//! one: the same name under different emails, emails from the same machine
//! (git's fallback `user@HOSTNAME`), the same signing key. The identity rules
//! and `git alibi identities` read them.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::history::History;
use crate::model::identities::ContributorKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    SameName,
    SameHost,
    SameSigningKey,
    /// Never active on the same day, yet taking turns day after day, with
    /// the same offset and hours.
    AlternatingPersona,
}

impl LinkKind {
    pub fn name(self) -> &'static str {
        match self {
            LinkKind::SameName => "same name",
            LinkKind::SameHost => "same machine",
            LinkKind::SameSigningKey => "same signing key",
            LinkKind::AlternatingPersona => "alternating persona",
        }
    }
}

/// Contributor `other` shares `value` (a name, host or key) with this one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Link {
    pub other: u32,
    pub kind: LinkKind,
    pub value: String,
}

#[derive(Debug, Default)]
pub struct Links {
    /// Per contributor, its links to others (sorted).
    pub of: Vec<Vec<Link>>,
    /// Per contributor, the machine names in its emails.
    pub hosts: Vec<BTreeSet<String>>,
}

/// Host names git's defaults produce and many machines share: not evidence.
const GENERIC_HOSTS: &[&str] = &[
    "localhost",
    "(none)",
    "none",
    "ubuntu",
    "debian",
    "raspberrypi",
    "kali",
    "fedora",
    "archlinux",
    "arch",
    "linux",
    "local",
    "localdomain",
    "build",
    "runner",
];

/// The machine name in an email that git built from the host name (no
/// `user.email` set): `user@host.local`, `user@host.localdomain`,
/// `user@DESKTOP-AB12CD3`, or any domain without a dot.
pub fn fallback_host(email: &[u8]) -> Option<String> {
    let email = String::from_utf8_lossy(email).trim().to_lowercase();
    let (_, domain) = email.rsplit_once('@')?;
    let domain = domain.trim_end_matches('.');
    for suffix in [
        ".localdomain",
        ".local",
        ".lan",
        ".home",
        ".internal",
        ".localhost",
    ] {
        if let Some(host) = domain.strip_suffix(suffix) {
            return specific(host);
        }
    }
    // `git svn` without an authors file writes `user@<repository UUID>`: the
    // Subversion repository every committer of it shares, not a machine.
    if is_uuid(domain) {
        return None;
    }
    let windows = (domain.starts_with("desktop-") || domain.starts_with("laptop-"))
        && domain.len() == 15
        && domain[8..].chars().all(|c| c.is_ascii_alphanumeric());
    if windows || (!domain.contains('.') && !domain.is_empty()) {
        return specific(domain);
    }
    None
}

/// `5ecf4fe2-1ee6-0310-87b1-e25e094e27de`: 8-4-4-4-12 hexadecimal digits.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn specific(host: &str) -> Option<String> {
    let host = host.trim();
    (!host.is_empty() && !GENERIC_HOSTS.contains(&host)).then(|| host.to_owned())
}

/// Names too common to link people by.
const GENERIC_NAMES: &[&str] = &[
    "root",
    "admin",
    "administrator",
    "user",
    "ubuntu",
    "dev",
    "developer",
    "unknown",
    "yourname",
    "test",
    "git",
    "github",
];

/// Lower-cased letters and digits of a name; None when too generic to link by.
pub fn name_key(name: &[u8]) -> Option<String> {
    let key: String = String::from_utf8_lossy(name)
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    (key.chars().count() >= 4 && !GENERIC_NAMES.contains(&key.as_str())).then_some(key)
}

/// Links between the human contributors that have commits of their own.
pub fn build(history: &History) -> Links {
    let n = history.contributors.len();
    let mut links = Links {
        of: vec![Vec::new(); n],
        hosts: vec![BTreeSet::new(); n],
    };
    // Authors of any commit read, even when `check` built no records for
    // them (names and machines come from identities; keys and turns need
    // records, so `check` sees those only among the range's authors).
    let has_commits: Vec<bool> = history
        .contributors
        .iter()
        .map(|c| c.raw_identities.values().sum::<u64>() > 0)
        .collect();
    let mut groups: BTreeMap<(LinkKind, String), BTreeSet<u32>> = BTreeMap::new();
    for (i, c) in history.contributors.iter().enumerate() {
        if c.kind != ContributorKind::Human || !has_commits[i] {
            continue;
        }
        for (name, email) in c.identities.keys().chain(c.raw_identities.keys()) {
            if let Some(key) = name_key(name) {
                groups
                    .entry((LinkKind::SameName, key))
                    .or_default()
                    .insert(i as u32);
            }
            if let Some(host) = fallback_host(email) {
                links.hosts[i].insert(host.clone());
                groups
                    .entry((LinkKind::SameHost, host))
                    .or_default()
                    .insert(i as u32);
            }
        }
        if let Some(fp) = history.fingerprints.get(i) {
            for key in fp.signing_keys.keys() {
                groups
                    .entry((LinkKind::SameSigningKey, key.clone()))
                    .or_default()
                    .insert(i as u32);
            }
        }
    }
    for ((kind, value), members) in groups {
        // A name, machine or key that very many contributors share is a
        // common one or a service's (a CI key, `localhost`), not one
        // person's: it links nobody (and would link everyone to everyone).
        if members.len() < 2 || members.len() > MAX_LINK_GROUP {
            continue;
        }
        for &a in &members {
            for &b in &members {
                if a != b {
                    links.of[a as usize].push(Link {
                        other: b,
                        kind,
                        value: value.clone(),
                    });
                }
            }
        }
    }
    for (a, b, value) in personas(history, &has_commits) {
        for (x, y) in [(a, b), (b, a)] {
            links.of[x as usize].push(Link {
                other: y,
                kind: LinkKind::AlternatingPersona,
                value: value.clone(),
            });
        }
    }
    for l in &mut links.of {
        l.sort();
        l.dedup();
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_hosts() {
        assert_eq!(
            fallback_host(b"kim@DESKTOP-AB12CD3").as_deref(),
            Some("desktop-ab12cd3")
        );
        assert_eq!(
            fallback_host(b"kim@kims-macbook-pro.local").as_deref(),
            Some("kims-macbook-pro")
        );
        assert_eq!(
            fallback_host(b"dev@build7.localdomain").as_deref(),
            Some("build7")
        );
        assert_eq!(
            fallback_host(b"dev@workstation").as_deref(),
            Some("workstation")
        );
        assert_eq!(fallback_host(b"dev@example.org"), None);
        assert_eq!(fallback_host(b"root@localhost"), None);
        assert_eq!(fallback_host(b"me@(none)"), None);
        assert_eq!(fallback_host(b"ubuntu@ubuntu"), None);
        // git svn's `user@<repository UUID>`: the repository, not a machine.
        assert_eq!(
            fallback_host(b"david@5ecf4fe2-1ee6-0310-87b1-e25e094e27de"),
            None
        );
        assert_eq!(
            fallback_host(b"kim@5ecf4fe2-1ee6-0310-87b1-workstation").as_deref(),
            Some("5ecf4fe2-1ee6-0310-87b1-workstation")
        );
    }

    #[test]
    fn name_keys() {
        assert_eq!(name_key(b"Kim Min-su").as_deref(), Some("kimminsu"));
        assert_eq!(
            name_key("Ким Мин Су".as_bytes()).as_deref(),
            Some("кимминсу")
        );
        assert_eq!(name_key(b"root"), None);
        assert_eq!(name_key(b"Al"), None);
    }
}

/// The links of one kind, and the distinct contributors they lead to (sorted).
/// Contributors sharing one value beyond which the value links nobody.
pub const MAX_LINK_GROUP: usize = 12;

pub fn of_kind(links: &[Link], kind: LinkKind) -> (Vec<&Link>, Vec<u32>) {
    let found: Vec<&Link> = links.iter().filter(|l| l.kind == kind).collect();
    let mut peers: Vec<u32> = found.iter().map(|l| l.other).collect();
    peers.sort();
    peers.dedup();
    (found, peers)
}

/// Active days needed by each side of a persona pair.
pub const PERSONA_MIN_DAYS: usize = 10;
/// Turns (changes of who is active, day by day) needed.
pub const PERSONA_MIN_SWITCHES: usize = 10;
/// Shared active days two independent people would have had, at least
/// (observing none then has a chance of about e^-12).
pub const PERSONA_MIN_EXPECTED_SHARED: f64 = 12.0;

/// Pairs of human contributors with the same dominant offset and similar
/// hours who are never active on the same UTC day, yet alternate: one person
/// switching identities. Returns (a, b, "N turns over M days").
fn personas(history: &History, has_commits: &[bool]) -> Vec<(u32, u32, String)> {
    struct Person {
        id: u32,
        days: Vec<i64>,
        hours: [f64; 24],
    }
    let mut by_offset: BTreeMap<i16, Vec<Person>> = BTreeMap::new();
    for (i, c) in history.contributors.iter().enumerate() {
        if c.kind != ContributorKind::Human || !has_commits[i] {
            continue;
        }
        let recs: Vec<_> = history
            .records_of(i as u32)
            .iter()
            .filter(|r| crate::model::history::is_timed(r, c.kind))
            .collect();
        let mut offsets: BTreeMap<i16, usize> = BTreeMap::new();
        let mut hours = [0.0; 24];
        let mut days: Vec<i64> = Vec::new();
        for r in &recs {
            if let Some(o) = r.author_offset() {
                *offsets.entry(o).or_default() += 1;
            }
            hours[(r.author_time.rem_euclid(86_400) / 3600) as usize] += 1.0;
            days.push(r.author_time.div_euclid(86_400));
        }
        days.sort_unstable();
        days.dedup();
        if days.len() < PERSONA_MIN_DAYS {
            continue;
        }
        let total: f64 = hours.iter().sum();
        for h in &mut hours {
            *h /= total.max(1.0);
        }
        let Some((&offset, _)) = offsets.iter().max_by_key(|(o, n)| (**n, -(**o as i32))) else {
            continue;
        };
        by_offset.entry(offset).or_default().push(Person {
            id: i as u32,
            days,
            hours,
        });
    }
    let mut out = Vec::new();
    for people in by_offset.values() {
        // Quadratic in people per offset; capped for very large histories.
        let people = &people[..people.len().min(3000)];
        for (x, a) in people.iter().enumerate() {
            for b in &people[x + 1..] {
                // Spans must overlap for turns to be possible.
                let (a0, a1) = (a.days[0], a.days[a.days.len() - 1]);
                let (b0, b1) = (b.days[0], b.days[b.days.len() - 1]);
                if a1 < b0 || b1 < a0 {
                    continue;
                }
                let tv: f64 = a
                    .hours
                    .iter()
                    .zip(&b.hours)
                    .map(|(p, q)| (p - q).abs())
                    .sum::<f64>()
                    / 2.0;
                if tv > 0.35 {
                    continue;
                }
                // Merge the two day lists: shared days and turns.
                let (mut i, mut j, mut shared, mut switches) = (0, 0, 0usize, 0usize);
                let mut last: Option<bool> = None;
                while i < a.days.len() || j < b.days.len() {
                    let take_a = j >= b.days.len() || (i < a.days.len() && a.days[i] <= b.days[j]);
                    if i < a.days.len() && j < b.days.len() && a.days[i] == b.days[j] {
                        shared += 1;
                        i += 1;
                        j += 1;
                        last = None;
                        continue;
                    }
                    if last.is_some_and(|l| l != take_a) {
                        switches += 1;
                    }
                    last = Some(take_a);
                    if take_a {
                        i += 1;
                    } else {
                        j += 1;
                    }
                }
                if shared > 0 || switches < PERSONA_MIN_SWITCHES {
                    continue;
                }
                // Two independent people active on a share p and q of the
                // days they both were around would share about p·q·span of
                // them; none shared when many were expected is the signal.
                let (from, to) = (a0.max(b0), a1.min(b1));
                let span = (to - from + 1) as f64;
                let within = |d: &[i64]| d.iter().filter(|&&x| x >= from && x <= to).count() as f64;
                let expected = within(&a.days) * within(&b.days) / span;
                if expected >= PERSONA_MIN_EXPECTED_SHARED {
                    out.push((
                        a.id,
                        b.id,
                        format!(
                            "{switches} turns, no shared day where {expected:.0} were expected"
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// Contributors joined by links, directly or through others.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// Contributor indices, most commits first.
    pub members: Vec<u32>,
    /// (a, b, kind, value) with a < b.
    pub links: Vec<(u32, u32, LinkKind, String)>,
}

/// Clusters of two or more linked contributors, largest first.
pub fn clusters(history: &History, links: &Links) -> Vec<Cluster> {
    let n = links.of.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (a, ls) in links.of.iter().enumerate() {
        for l in ls {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, l.other as usize));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    let commits = {
        let mut v = vec![0u64; n];
        for r in &history.records {
            v[r.contributor as usize] += 1;
        }
        v
    };
    let mut groups: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    for (i, ls) in links.of.iter().enumerate() {
        if !ls.is_empty() {
            groups
                .entry(find(&mut parent, i))
                .or_default()
                .push(i as u32);
        }
    }
    let mut out: Vec<Cluster> = groups
        .into_values()
        .map(|mut members| {
            members.sort_by(|a, b| {
                commits[*b as usize].cmp(&commits[*a as usize]).then(
                    history.contributors[*a as usize]
                        .key
                        .cmp(&history.contributors[*b as usize].key),
                )
            });
            let mut links_out = Vec::new();
            for &a in &members {
                for l in &links.of[a as usize] {
                    if a < l.other {
                        links_out.push((a, l.other, l.kind, l.value.clone()));
                    }
                }
            }
            links_out.sort();
            Cluster {
                members,
                links: links_out,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.members.len().cmp(&a.members.len()).then(
            history.contributors[a.members[0] as usize]
                .key
                .cmp(&history.contributors[b.members[0] as usize].key),
        )
    });
    out
}
