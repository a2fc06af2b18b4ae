//! Forge impersonation (`check`): a commit of the range names a forge as its
//! committer (`GitHub <noreply@github.com>`) but cannot be the forge's: a
//! merge with no signature, dated after GitHub began signing the merges it
//! makes (2017-08-16), or any commit whose signature does not verify against
//! the forge keys the runner gave (`--forge-keys`). Anyone can write a
//! forge's name with `git commit-tree`, and such a merge used to make nobody
//! judged: it is now judged as its author's. A signature that fails is high
//! (a forgery, or an outdated keys file); an unsigned merge is medium, since
//! GitHub leaves a few of its merges unsigned.

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::RuleEvidence;
use super::{Finding, Severity, Subject};

pub const ID: &str = "forge-impersonation";

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    /// The commits, with what their signatures say (the first ten).
    pub commits: Vec<ForgeCommit>,
    /// All such commits.
    pub count: usize,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ForgeCommit {
    /// The commit id, 12 hex digits (`git log --show-signature -1 ID`).
    pub commit: String,
    /// The committer date it claims, UTC (RFC 3339).
    pub committed: String,
    /// Why it cannot be the forge's.
    pub problem: &'static str,
}

impl RuleEvidence for Evidence {}

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let commits = &s.contributor.unverified_forge_commits;
    let first = commits.first()?;
    let shown: Vec<ForgeCommit> = commits
        .iter()
        .take(10)
        .map(|c| ForgeCommit {
            commit: crate::text::short_hex(c.id.as_bytes()),
            committed: super::iso_time(c.committer_time),
            problem: c.check.phrase(),
        })
        .collect();
    let severity = if commits
        .iter()
        .any(|c| c.check == crate::git::forge::ForgeCheck::BadSignature)
    {
        Severity::High
    } else {
        Severity::Medium
    };
    Some(Finding::new(
        ID,
        severity,
        format!(
            "{} in the range {} GitHub as committer but cannot be the forge's ({}: {}); judged as this author's own",
            crate::text::count(commits.len() as u64, "commit", "commits"),
            if commits.len() == 1 { "names" } else { "name" },
            crate::text::short_hex(first.id.as_bytes()),
            first.check.phrase()
        ),
        &Evidence {
            count: commits.len(),
            commits: shown,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, severity_for_marked};
    use crate::detectors::Severity;
    use crate::git::forge::ForgeCheck;
    use crate::model::identities::UnverifiedForgeCommit;

    fn finding_with(commits: usize) -> Option<Severity> {
        finding_with_check(commits, ForgeCheck::Unsigned)
    }

    fn finding_with_check(commits: usize, check: ForgeCheck) -> Option<Severity> {
        let mark = |c: &mut crate::model::identities::Contributor| {
            c.unverified_forge_commits = (0..commits)
                .map(|k| UnverifiedForgeCommit {
                    id: gix::ObjectId::from_bytes_or_panic(&[k as u8; 20]),
                    committer_time: 1_710_000_000,
                    check,
                })
                .collect();
        };
        severity_for_marked(Person::new("Mallory").at("2024-03-01 10:00", 60), mark, ID)
    }

    #[test]
    fn fires_at_medium_on_an_unsigned_merge_and_high_on_a_failed_signature() {
        assert_eq!(finding_with(1), Some(Severity::Medium));
        assert_eq!(
            finding_with_check(1, ForgeCheck::BadSignature),
            Some(Severity::High)
        );
    }

    #[test]
    fn honest_control_has_none() {
        assert_eq!(finding_with(0), None);
    }
}
