//! Personas: two identities that are never active on the same day, yet take
//! turns day after day, with the same UTC offset and the same hours — one
//! person switching between names (published cases describe one worker
//! running a dozen personas). Found across contributors in `crate::inference::links`.

use serde_json::json;

use super::{Finding, Severity, Subject};
use crate::inference::links::{LinkKind, of_kind};

pub const ID: &str = "personas";

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let (pairs, peers) = of_kind(s.links, LinkKind::AlternatingPersona);
    if pairs.is_empty() {
        return None;
    }
    Some(Finding::new(
        ID,
        Severity::Medium,
        format!(
            "never active on the same day as {} other contributor{} with the same offset and hours, yet taking turns with them ({}): one person behind several names? (see evidence)",
            peers.len(),
            if peers.len() == 1 { "" } else { "s" },
            pairs
                .iter()
                .map(|l| l.value.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        json!({
            "peers": peers,
            "turns": pairs.iter().map(|l| l.value.clone()).collect::<Vec<_>>(),
        }),
    ))
}
