//! Shared signing key: different contributors whose commits are signed with
//! the same OpenPGP or SSH key (key ids read from the signatures, which are
//! not verified). One person with several identities, or one identity's key
//! handed around.

use serde_json::json;

use super::{Family, Finding, Severity, Subject};
use crate::links::LinkKind;

pub const ID: &str = "shared-signing-key";

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let shared: Vec<_> = s
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::SameSigningKey)
        .collect();
    if shared.is_empty() {
        return None;
    }
    let keys: std::collections::BTreeSet<&str> = shared.iter().map(|l| l.value.as_str()).collect();
    let mut peers: Vec<u32> = shared.iter().map(|l| l.other).collect();
    peers.sort();
    peers.dedup();
    let own: u64 = keys
        .iter()
        .filter_map(|k| s.fingerprint.signing_keys.get(*k))
        .sum();
    Some(Finding {
        fingerprint: String::new(),
        origin: None,
        rule: ID,
        family: Family::Identity,
        severity: if own >= 3 {
            Severity::Medium
        } else {
            Severity::Low
        },
        summary: format!(
            "{own} commits signed with {} that {} other contributor{} also sign{} with (see evidence)",
            keys.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", "),
            peers.len(),
            if peers.len() == 1 { "" } else { "s" },
            if peers.len() == 1 { "s" } else { "" }
        ),
        evidence: json!({
            "keys": keys,
            "commits_signed_with_them": own,
            "peers": peers,
        }),
    })
}
