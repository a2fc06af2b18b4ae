//! Pyongyang time: the offset +08:30 existed only in Asia/Pyongyang, from
//! 2015-08-15 00:00 local to 2018-05-04 23:30 local. A commit recorded at
//! +0830 in that window came from a machine set to North Korea's clock.

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::{CommitExamples, RuleEvidence};
use super::{Finding, Severity, Subject, examples, iso_time};

pub const ID: &str = "pyongyang-time";

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    /// Commits recorded at +08:30 while Pyongyang used it.
    pub commits: usize,
    /// Author dates (UTC) of the first and last of them.
    pub first: String,
    pub last: String,
    pub examples: CommitExamples,
}

impl RuleEvidence for Evidence {}

/// 2015-08-15T00:00+09:00 and 2018-05-04T23:30+08:30, in UTC seconds.
const START: i64 = 1_439_564_400;
const END: i64 = 1_525_446_000;
const OFFSET: i16 = 510;

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let hits: Vec<_> = s
        .records
        .iter()
        .filter(|r| {
            (r.author_offset == OFFSET && (START..END).contains(&r.author_time))
                || (r.committer_offset == OFFSET && (START..END).contains(&r.committer_time))
        })
        .collect();
    if hits.is_empty() {
        return None;
    }
    let severity = if hits.len() >= 3 {
        Severity::High
    } else {
        Severity::Medium
    };
    Some(Finding::new(
        ID,
        severity,
        format!(
            "{} commits recorded at +08:30 between 2015-08-15 and 2018-05-04, an offset only Pyongyang used",
            hits.len()
        ),
        &Evidence {
            commits: hits.len(),
            first: iso_time(hits[0].author_time),
            last: iso_time(hits[hits.len() - 1].author_time),
            examples: examples(hits.iter().copied(), 5),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, severity_for};
    use crate::detectors::Severity;

    fn seoul() -> Person {
        Person::new("Seoul Person")
            .at("2016-05-02 10:00", 540)
            .at("2016-05-03 11:00", 540)
    }

    #[test]
    fn fires_on_plus_0830_while_pyongyang_used_it() {
        let person = seoul()
            .at("2017-03-01 09:00", 510)
            .at("2017-03-02 09:00", 510)
            .at("2017-03-03 09:00", 510);
        assert_eq!(severity_for(person, ID), Some(Severity::High));
    }

    #[test]
    fn honest_control_outside_the_window() {
        // +08:30 before 2015-08-15 and after 2018-05-04 is not Pyongyang's.
        let person = seoul()
            .at("2014-03-01 09:00", 510)
            .at("2019-03-01 09:00", 510);
        assert_eq!(severity_for(person, ID), None);
    }

    #[test]
    fn minimum_evidence_is_one_commit() {
        let one = seoul().at("2016-06-01 09:00", 510);
        assert_eq!(severity_for(one.clone(), ID), Some(Severity::Medium));
        let three = one.at("2016-06-02 09:00", 510).at("2016-06-03 09:00", 510);
        assert_eq!(severity_for(three, ID), Some(Severity::High));
    }
}
