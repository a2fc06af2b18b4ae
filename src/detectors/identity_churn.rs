//! Identity churn: one contributor (one email, or a `.mailmap`-merged person)
//! writing under many names, and one name used by several contributors with
//! different emails. Always low: marriage, transliteration (Ким / Kim),
//! nicknames and work-versus-personal addresses explain most of it; it is
//! context for the other rules and for `git alibi identities`.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::RuleEvidence;
use super::{Finding, Severity, Subject};
use crate::inference::links::{LinkKind, name_key, of_kind};

pub const ID: &str = "identity-churn";
/// Distinct names before one email's names count as churn.
pub const MANY_NAMES: usize = 3;

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    /// Names written by this contributor, compared case- and accent-blind.
    pub distinct_names: usize,
    /// Distinct (name, email) pairs.
    pub identities: usize,
}

impl RuleEvidence for Evidence {
    const NAMES_PEERS: bool = true;
}

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let names: BTreeSet<String> = s
        .contributor
        .raw_identities
        .keys()
        .filter_map(|(n, _)| name_key(n))
        .collect();
    let (_, peers) = of_kind(s.links, LinkKind::SameName);
    if names.len() < MANY_NAMES && peers.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if names.len() >= MANY_NAMES {
        parts.push(format!("commits under {} different names", names.len()));
    }
    if !peers.is_empty() {
        parts.push(format!(
            "the same name is used by {} with other emails (see evidence)",
            crate::text::count(
                peers.len() as u64,
                "other contributor",
                "other contributors"
            )
        ));
    }
    Some(
        Finding::new(
            ID,
            Severity::Low,
            parts.join("; "),
            &Evidence {
                distinct_names: names.len(),
                identities: s.contributor.raw_identities.len(),
            },
        )
        .naming_peers(peers),
    )
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, finding};
    use crate::detectors::Severity;

    fn writer() -> Person {
        Person::new("Alice Smith").at("2023-03-01 10:00", 60)
    }

    #[test]
    fn fires_on_many_names_or_a_name_in_several_hands_and_stays_low() {
        let many = writer().also_named("A. Smith").also_named("Bob Jones");
        let f = finding(&[many], 0, ID).expect("a finding");
        assert_eq!(f.severity, Severity::Low);
        assert_eq!(f.evidence["distinct_names"], 3);
        let namesakes = [writer(), writer().with_email("alice@elsewhere.example")];
        assert_eq!(
            finding(&namesakes, 0, ID).expect("a finding").severity,
            Severity::Low
        );
    }

    #[test]
    fn honest_control_one_name() {
        assert!(finding(&[writer()], 0, ID).is_none());
    }

    #[test]
    fn minimum_evidence_is_three_names() {
        assert!(finding(&[writer().also_named("Alice J. Smith")], 0, ID).is_none());
    }
}
