//! Shared machine: emails git built from the host name (no `user.email`
//! configured: `user@host.local`, `user@DESKTOP-AB12CD3`) that name the same
//! machine under different contributors. One person behind several
//! identities, or several identities typed on one computer.

use serde_json::json;

use super::{Finding, Severity, Subject};
use crate::inference::links::{LinkKind, of_kind};

pub const ID: &str = "shared-machine";

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
            "emails built from the machine name {} (git's fallback without user.email) are shared with {} other contributor{} (see evidence)",
            hosts
                .iter()
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", "),
            peers.len(),
            if peers.len() == 1 { "" } else { "s" }
        ),
        json!({
            "hosts": hosts,
            "peers": peers,
            "all_hosts_of_contributor": s.hosts,
        }),
    ))
}
