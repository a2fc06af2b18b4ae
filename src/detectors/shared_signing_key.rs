//! Shared signing key: different contributors whose commits are signed with
//! the same OpenPGP or SSH key (key ids read from the signatures, which are
//! not verified). One person with several identities, or one identity's key
//! handed around. When everyone sharing the key also has this contributor's
//! name, the first is by far the likelier (a second address not yet in
//! `.mailmap`), so the finding stays low.

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::RuleEvidence;
use super::{Finding, Severity, Subject};
use crate::inference::links::{LinkKind, of_kind};

pub const ID: &str = "shared-signing-key";

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    /// Key ids (`openpgp:…`, `ssh:…`) shared with the peers.
    pub keys: Vec<String>,
    /// This contributor's commits signed with those keys.
    pub commits_signed_with_them: u64,
    /// Peers who also have this contributor's name.
    pub peers_with_the_same_name: usize,
}

impl RuleEvidence for Evidence {
    const NAMES_PEERS: bool = true;
}

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let (shared, peers) = of_kind(s.links, LinkKind::SameSigningKey);
    if shared.is_empty() {
        return None;
    }
    let keys: std::collections::BTreeSet<&str> = shared.iter().map(|l| l.value.as_str()).collect();
    let (same_name, _) = of_kind(s.links, LinkKind::SameName);
    let namesakes: std::collections::BTreeSet<u32> = same_name.iter().map(|l| l.other).collect();
    let others = peers.iter().filter(|p| !namesakes.contains(p)).count();
    let own: u64 = keys
        .iter()
        .filter_map(|k| s.fingerprint.signing_keys.get(*k))
        .sum();
    Some(Finding::new(
        ID,
        if own >= 3 && others > 0 {
            Severity::Medium
        } else {
            Severity::Low
        },
        format!(
            "{own} commits signed with {} that {} other contributor{} also sign{} with{}",
            keys.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", "),
            peers.len(),
            if peers.len() == 1 { "" } else { "s" },
            if peers.len() == 1 { "s" } else { "" },
            if others == 0 {
                ", under the same name: probably one person with a second address (`git alibi identities --mailmap` suggests the entry)"
            } else {
                " (see evidence)"
            }
        ),
        &Evidence {
            keys: keys.iter().map(|k| k.to_string()).collect(),
            commits_signed_with_them: own,
            peers_with_the_same_name: peers.len() - others,
        },
    )
    .naming_peers(peers))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, finding};
    use crate::detectors::Severity;

    const KEY: &str = "0123456789ABCDEF";

    fn signing(person: Person, commits: u64) -> Person {
        person.at("2023-03-01 10:00", 60).showing(|f| {
            f.signing_keys.insert(KEY.to_owned(), commits);
        })
    }

    #[test]
    fn fires_on_one_key_in_two_people_s_hands() {
        let people = [
            signing(Person::new("Alice Smith"), 5),
            signing(Person::new("Bob Jones"), 5),
        ];
        let f = finding(&people, 0, ID).expect("a finding");
        assert_eq!(f.severity, Severity::Medium);
        assert_eq!(f.evidence["peers_with_the_same_name"], 0);
    }

    #[test]
    fn honest_control_one_person_with_two_addresses_stays_low() {
        let people = [
            signing(Person::new("Alice Smith"), 5),
            signing(
                Person::new("Alice Smith").with_email("alice@home.example"),
                5,
            ),
        ];
        let f = finding(&people, 0, ID).expect("a finding");
        assert_eq!(f.severity, Severity::Low);
        // A key nobody else uses says nothing.
        assert!(finding(&[signing(Person::new("Alice Smith"), 5)], 0, ID).is_none());
    }

    #[test]
    fn minimum_evidence_for_medium_is_three_own_commits() {
        let people = [
            signing(Person::new("Alice Smith"), 2),
            signing(Person::new("Bob Jones"), 5),
        ];
        assert_eq!(
            finding(&people, 0, ID).expect("a finding").severity,
            Severity::Low
        );
        let people = [
            signing(Person::new("Alice Smith"), 3),
            signing(Person::new("Bob Jones"), 5),
        ];
        assert_eq!(
            finding(&people, 0, ID).expect("a finding").severity,
            Severity::Medium
        );
    }
}
