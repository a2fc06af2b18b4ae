//! Personas: two identities that are never active on the same day, yet take
//! turns day after day, with the same UTC offset and the same hours — one
//! person switching between names (published cases describe one worker
//! running a dozen personas). Found across contributors in `crate::inference::links`.

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::RuleEvidence;
use super::{Finding, Severity, Subject};
use crate::inference::links::{LinkKind, of_kind};

pub const ID: &str = "personas";

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    /// How each pair took turns (days, offset, hours), one per peer.
    pub turns: Vec<String>,
}

impl RuleEvidence for Evidence {
    const NAMES_PEERS: bool = true;
}

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let (pairs, peers) = of_kind(s.links, LinkKind::AlternatingPersona);
    if pairs.is_empty() {
        return None;
    }
    Some(Finding::new(
        ID,
        Severity::Medium,
        format!(
            "never active on the same day as {} with the same offset and hours, yet taking turns with them ({}): one person behind several names? (see evidence)",
            crate::text::count(
                peers.len() as u64,
                "other contributor",
                "other contributors"
            ),
            pairs
                .iter()
                .map(|l| l.value.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        &Evidence {
            turns: pairs.iter().map(|l| l.value.clone()).collect(),
        },
    )
    .naming_peers(peers))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, finding, zone_offset};
    use crate::detectors::Severity;
    use chrono_tz::Europe::Berlin;

    /// Berlin office hours on `days` of the week (1 = Monday), from 9 January 2023.
    fn in_berlin(name: &str, weeks: u32, days: &[u32]) -> Person {
        Person::new(name).days(
            "2023-01-09",
            weeks,
            days,
            &[10, 14],
            Berlin,
            zone_offset(Berlin),
        )
    }

    #[test]
    fn fires_on_two_names_taking_turns_day_after_day() {
        let people = [
            in_berlin("Alice Smith", 20, &[1, 3, 5]),
            in_berlin("Bob Jones", 20, &[2, 4]),
        ];
        for who in 0..2 {
            let f = finding(&people, who, ID).expect("a finding");
            assert_eq!(f.severity, Severity::Medium);
        }
    }

    #[test]
    fn honest_control_colleagues_share_days() {
        let people = [
            in_berlin("Alice Smith", 20, &[1, 2, 3, 4, 5]),
            in_berlin("Bob Jones", 20, &[1, 2, 3, 4, 5]),
        ];
        assert!(finding(&people, 0, ID).is_none());
    }

    #[test]
    fn minimum_evidence_is_twelve_expected_shared_days() {
        // Six weeks of turns: about five shared days expected by chance, too
        // few for their absence to mean much.
        let people = [
            in_berlin("Alice Smith", 6, &[1, 3, 5]),
            in_berlin("Bob Jones", 6, &[2, 4]),
        ];
        assert!(finding(&people, 0, ID).is_none());
    }
}
