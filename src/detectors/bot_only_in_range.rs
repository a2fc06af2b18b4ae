//! Bot only in the range (`check`): every commit of this contributor is in
//! the judged range and written under an automation's name or address. A
//! name or an address is whatever the author typed, so the range alone
//! cannot make anyone a bot: the contributor is judged as a person, and this
//! finding says so, because a person writing as a bot is worth a look (an
//! honest first pull request of a new bot account raises it too).

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::RuleEvidence;
use super::{Finding, Severity, Subject};

pub const ID: &str = "bot-only-in-range";

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    /// The names the range's commits were written under, as written.
    pub names: Vec<String>,
    /// Commits in the range.
    pub commits: usize,
}

impl RuleEvidence for Evidence {}

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    if !s.contributor.bot_only_in_range {
        return None;
    }
    let names: Vec<String> = s
        .contributor
        .identities
        .keys()
        .map(|(name, _)| crate::text::lossy_bounded(name, crate::text::limit::NAME_STORED))
        .collect();
    Some(Finding::new(
        ID,
        Severity::Medium,
        format!(
            "{} in the range, and none before it, under an automation's name or address: judged as a person, since the range alone cannot make anyone a bot",
            crate::text::count(s.records.len() as u64, "commit", "commits")
        ),
        &Evidence {
            names,
            commits: s.records.len(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, severity_for_marked};
    use crate::detectors::Severity;

    fn finding_of(marked: bool) -> Option<Severity> {
        severity_for_marked(
            Person::new("zz-bot").at("2024-03-01 10:00", 60),
            |c| c.bot_only_in_range = marked,
            ID,
        )
    }

    #[test]
    fn fires_at_medium_on_a_bot_known_only_from_the_range() {
        assert_eq!(finding_of(true), Some(Severity::Medium));
    }

    #[test]
    fn honest_control_has_none() {
        assert_eq!(finding_of(false), None);
    }
}
