//! Shared machine: emails git built from the host name (no `user.email`
//! configured: `user@host.local`, `user@DESKTOP-AB12CD3`) that name the same
//! machine under different contributors. One person behind several
//! identities, or several identities typed on one computer.

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::RuleEvidence;
use super::{Finding, Severity, Subject};
use crate::inference::links::{LinkKind, of_kind};

pub const ID: &str = "shared-machine";

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    /// Machine names shared with the peers.
    pub hosts: Vec<String>,
    /// Every machine name in this contributor's emails.
    pub all_hosts_of_contributor: Vec<String>,
}

impl RuleEvidence for Evidence {
    const NAMES_PEERS: bool = true;
}

/// Windows' generated names (DESKTOP-/LAPTOP- and seven random characters)
/// are near unique; personal names like "kims-macbook-pro" less so.
fn near_unique(host: &str) -> bool {
    (host.starts_with("desktop-") || host.starts_with("laptop-")) && host.len() == 15
}

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let (shared, peers) = of_kind(s.links, LinkKind::SameHost);
    if shared.is_empty() {
        return None;
    }
    let hosts: std::collections::BTreeSet<&str> = shared.iter().map(|l| l.value.as_str()).collect();
    let severity = if hosts.iter().any(|h| near_unique(h)) || peers.len() >= 2 {
        Severity::Medium
    } else {
        Severity::Low
    };
    Some(Finding::new(
        ID,
        severity,
        format!(
            "emails built from the machine name {} (git's fallback without user.email) are shared with {} (see evidence)",
            hosts
                .iter()
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", "),
            crate::text::count(
                peers.len() as u64,
                "other contributor",
                "other contributors"
            )
        ),
        &Evidence {
            hosts: hosts.iter().map(|h| h.to_string()).collect(),
            all_hosts_of_contributor: s.hosts.iter().cloned().collect(),
        },
    )
    .naming_peers(peers))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, finding};
    use crate::detectors::Severity;

    fn on(name: &str, email: &str) -> Person {
        Person::new(name)
            .with_email(email)
            .at("2023-03-01 10:00", 60)
    }

    #[test]
    fn fires_on_a_windows_machine_name_under_two_people() {
        let people = [
            on("Alice Smith", "alice@DESKTOP-AB12CD3"),
            on("Bob Jones", "bob@DESKTOP-AB12CD3"),
        ];
        let f = finding(&people, 0, ID).expect("a finding");
        assert_eq!(f.severity, Severity::Medium);
    }

    #[test]
    fn honest_control_with_machines_of_their_own_or_real_emails() {
        let people = [
            on("Alice Smith", "alice@DESKTOP-AB12CD3"),
            on("Bob Jones", "bob@LAPTOP-ZZ99YY8"),
            on("Carol White", "carol@example.org"),
        ];
        for who in 0..people.len() {
            assert!(finding(&people, who, ID).is_none(), "{who}");
        }
    }

    #[test]
    fn minimum_evidence_a_common_host_name_with_one_peer_is_low() {
        let people = [
            on("Alice Smith", "alice@workstation.local"),
            on("Bob Jones", "bob@workstation.local"),
        ];
        assert_eq!(
            finding(&people, 0, ID).expect("a finding").severity,
            Severity::Low
        );
        let three = [
            on("Alice Smith", "alice@workstation.local"),
            on("Bob Jones", "bob@workstation.local"),
            on("Carol White", "carol@workstation.local"),
        ];
        assert_eq!(
            finding(&three, 0, ID).expect("a finding").severity,
            Severity::Medium
        );
    }
}
