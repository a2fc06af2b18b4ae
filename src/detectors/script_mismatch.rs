//! Script: Hangul, Han, Kana, Cyrillic, Arabic… in a contributor's commit
//! messages and names, set against the claimed country's languages. Weak
//! evidence (always low): people write in their mother tongue wherever they
//! live, and teams mix. Counts and the first example commit are given.

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::RuleEvidence;
use super::{Finding, Severity, Subject};
use crate::text::Script;

pub const ID: &str = "script-mismatch";
/// Commits with the script before it counts.
pub const MIN_COMMITS: u64 = 3;

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    pub claimed_country: String,
    /// Scripts not everyday in the claimed country.
    pub scripts: Vec<ScriptUse>,
}

impl RuleEvidence for Evidence {}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ScriptUse {
    pub script: &'static str,
    pub commits_with_it_in_message: u64,
    pub commits_with_it_in_author_name: u64,
    /// The first commit (12 hex digits) with it in its message, if any.
    pub first_example: Option<String>,
    pub countries_where_common: &'static [&'static str],
}

/// Countries where a script is an everyday one.
fn countries(script: Script) -> &'static [&'static str] {
    match script {
        Script::Hangul => &["KR", "KP"],
        Script::Kana => &["JP"],
        Script::Han => &["CN", "TW", "HK", "JP", "SG", "MY", "KR"],
        Script::Cyrillic => &["RU", "UA", "BY", "KZ", "BG", "RS", "MK", "MN", "KG"],
        Script::Arabic => &["AE", "SA", "EG", "PK", "IR", "IQ", "JO", "MA", "DZ"],
        Script::Hebrew => &["IL"],
        Script::Thai => &["TH"],
        Script::Greek => &["GR", "CY"],
        _ => &[],
    }
}

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let country = s.claim.and_then(|c| c.location.country.as_deref())?;
    let fp = s.fingerprint;
    let mut odd = Vec::new();
    for (k, script) in Script::ALL.iter().enumerate() {
        let expected = countries(*script);
        if expected.is_empty() || expected.contains(&country) {
            continue;
        }
        let in_messages = fp.message_scripts[k];
        let in_names = fp.name_scripts[k];
        if in_messages >= MIN_COMMITS || in_names >= MIN_COMMITS {
            odd.push(ScriptUse {
                script: script.name(),
                commits_with_it_in_message: in_messages,
                commits_with_it_in_author_name: in_names,
                first_example: fp
                    .message_script_examples
                    .get(script.name())
                    .map(|(_, id)| crate::text::short_hex(id)),
                countries_where_common: expected,
            });
        }
    }
    if odd.is_empty() {
        return None;
    }
    let names: Vec<String> = odd
        .iter()
        .map(|o| format!("{} in {} messages", o.script, o.commits_with_it_in_message))
        .collect();
    Some(Finding::new(
        ID,
        Severity::Low,
        format!(
            "{} — not a script of the claimed country ({country})",
            names.join(", ")
        ),
        &Evidence {
            claimed_country: country.to_string(),
            scripts: odd,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, severity_for};
    use crate::detectors::Severity;
    use crate::text::Script;

    fn with_hangul(claim: &str, messages: u64) -> Person {
        Person::new("Some Person")
            .claims(claim)
            .at("2023-03-01 10:00", 60)
            .showing(|f| f.message_scripts[Script::Hangul as usize] = messages)
    }

    #[test]
    fn fires_on_a_script_foreign_to_the_claimed_country() {
        assert_eq!(
            severity_for(with_hangul("Europe/Berlin", 12), ID),
            Some(Severity::Low)
        );
    }

    #[test]
    fn honest_control_writes_the_country_s_script() {
        assert_eq!(severity_for(with_hangul("Asia/Seoul", 12), ID), None);
    }

    #[test]
    fn minimum_evidence_is_three_commits() {
        assert_eq!(severity_for(with_hangul("Europe/Berlin", 2), ID), None);
        assert_eq!(
            severity_for(with_hangul("Europe/Berlin", 3), ID),
            Some(Severity::Low)
        );
    }
}
