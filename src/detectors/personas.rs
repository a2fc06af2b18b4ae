//! Personas: two identities that are never active on the same day, yet take
//! turns day after day, with the same UTC offset and the same hours — one
//! person switching between names (published cases describe one worker
//! running a dozen personas). Found across contributors in `crate::links`.

use serde_json::json;

use super::{Family, Finding, Severity, Subject};
use crate::links::LinkKind;

pub const ID: &str = "personas";

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let pairs: Vec<_> = s
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::AlternatingPersona)
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let mut peers: Vec<u32> = pairs.iter().map(|l| l.other).collect();
    peers.sort();
    peers.dedup();
    Some(Finding {
        fingerprint: String::new(),
        origin: None,
        rule: ID,
        family: Family::Identity,
        severity: Severity::Medium,
        summary: format!(
            "never active on the same day as {} other contributor{} with the same offset and hours, yet taking turns with them ({}): one person behind several names? (see evidence)",
            peers.len(),
            if peers.len() == 1 { "" } else { "s" },
            pairs
                .iter()
                .map(|l| l.value.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        evidence: json!({
            "peers": peers,
            "turns": pairs.iter().map(|l| l.value.clone()).collect::<Vec<_>>(),
        }),
    })
}
