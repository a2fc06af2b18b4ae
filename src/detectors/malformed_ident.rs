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
