//! Pyongyang time: the offset +08:30 existed only in Asia/Pyongyang, from
//! 2015-08-15 00:00 local to 2018-05-04 23:30 local. A commit recorded at
//! +0830 in that window came from a machine set to North Korea's clock.

use serde_json::json;

use super::{Finding, Severity, Subject, examples, iso_time};

pub const ID: &str = "pyongyang-time";

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
        json!({
            "commits": hits.len(),
            "first": iso_time(hits[0].author_time),
            "last": iso_time(hits[hits.len() - 1].author_time),
            "examples": examples(hits.iter().copied(), 5),
        }),
    ))
}
