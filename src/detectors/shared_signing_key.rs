//! Shared signing key: different contributors whose commits are signed with
//! the same OpenPGP or SSH key (key ids read from the signatures, which are
//! not verified). One person with several identities, or one identity's key
//! handed around. When everyone sharing the key also has this contributor's
//! name, the first is by far the likelier (a second address not yet in
//! `.mailmap`), so the finding stays low.

use serde_json::json;

use super::{Finding, Severity, Subject};
use crate::inference::links::{LinkKind, of_kind};

pub const ID: &str = "shared-signing-key";

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
        json!({
            "keys": keys,
            "commits_signed_with_them": own,
            "peers": peers,
            "peers_with_the_same_name": peers.len() - others,
        }),
    ))
}
