//! Malformed ident: author or committer lines that git itself would not write
//! (offsets like `+051800` or `+9999`, missing email brackets, absurd dates,
//! two identities on one line) and the `-0000` "unknown offset" marker. A
//! tooling fingerprint — a script, an importer or a forged object — never
//! evidence of place; libraries silently read these as `+0000`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::RuleEvidence;
use super::{Finding, Severity, Subject};
use crate::model::history::MalformedExample;

pub const ID: &str = "malformed-ident";

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    /// Identity lines by problem.
    pub by_problem: BTreeMap<&'static str, u64>,
    /// The earliest few, with the text as written.
    pub examples: Vec<MalformedExample>,
}

impl RuleEvidence for Evidence {}

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
        &Evidence {
            by_problem: fp.malformed.clone(),
            examples: fp.malformed_examples.clone(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, severity_for};
    use crate::detectors::Severity;

    fn with_malformed(lines: u64) -> Person {
        Person::new("Some Person")
            .at("2023-03-01 10:00", 60)
            .showing(|f| {
                if lines > 0 {
                    f.malformed.insert("bad offset", lines);
                }
            })
    }

    #[test]
    fn fires_on_one_line_git_would_not_write_and_never_above_low() {
        assert_eq!(severity_for(with_malformed(1), ID), Some(Severity::Low));
        assert_eq!(severity_for(with_malformed(500), ID), Some(Severity::Low));
    }

    #[test]
    fn honest_control_has_none() {
        assert_eq!(severity_for(with_malformed(0), ID), None);
    }
}
