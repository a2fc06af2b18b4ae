//! Malformed ident: author or committer lines that git itself would not write
//! (offsets like `+051800` or `+9999`, missing email brackets, absurd dates,
//! two identities on one line) and the `-0000` "unknown offset" marker. A
//! tooling fingerprint — a script, an importer or a forged object — never
//! evidence of place; libraries silently read these as `+0000`.

use serde_json::json;

use super::{Finding, Severity, Subject};

pub const ID: &str = "malformed-ident";

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let fp = s.fingerprint;
    let total: u64 = fp.malformed.values().sum();
    if total == 0 {
        return None;
    }
    let kinds = fp
        .malformed
        .iter()
        .map(|(k, n)| format!("{k} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ");
    Some(Finding::new(
        ID,
        Severity::Low,
        format!("{total} identity lines git would not write: {kinds}"),
        json!({
            "by_problem": fp.malformed,
            "examples": fp.malformed_examples,
        }),
    ))
}
