//! Accepted findings: findings a person reviewed and accepted, which `check`
//! and `audit` then skip — like a secret scanner's ignore file. Kept in the
//! repository as `.git-alibi-accepted.toml`, written by `git alibi accept`.
//!
//! A finding is matched by its fingerprint (rule + contributor, see
//! [`fingerprint`]) and only up to the accepted severity: if the same rule
//! later fires more strongly for the same person, it is reported again.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::detectors::{Finding, Severity};
use crate::error::Error;

/// Looked for in each repository's work tree when `--accepted` is not given.
pub use crate::git::settings::ACCEPTED_FILE as DEFAULT_FILE;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Accepted {
    #[serde(default)]
    pub accepted: Vec<AcceptedEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AcceptedEntry {
    pub fingerprint: String,
    pub rule: String,
    /// Who the finding is about, as the report named them (for the reviewer;
    /// matching uses the fingerprint only).
    #[serde(default)]
    pub contributor: String,
    /// Accepted up to this severity; a stronger finding is reported again.
    pub severity: Severity,
    /// Why it was accepted (free text for the next reviewer).
    #[serde(default)]
    pub reason: String,
}

/// Stable fingerprint of a finding: the rule and the contributor's merge key
/// (lower-cased email), hashed. It does not depend on options, salts, or
/// the evidence's counts, which change as history grows.
pub fn fingerprint(rule: &str, contributor_key: &[u8]) -> String {
    let hex = crate::privacy::sha1_hex(&[
        b"git-alibi finding v1\0",
        rule.as_bytes(),
        b"\0",
        contributor_key,
    ]);
    format!("ga1:{}", &hex[..24.min(hex.len())])
}

impl Accepted {
    /// Is this finding accepted (same fingerprint, severity not above the accepted one)?
    pub fn covers(&self, finding: &Finding) -> bool {
        self.accepted
            .iter()
            .any(|e| e.fingerprint == finding.fingerprint && finding.severity <= e.severity)
    }

    pub fn merge(&mut self, other: Accepted) {
        for e in other.accepted {
            self.upsert(e);
        }
    }

    /// Add an entry, or raise an existing one's severity (keeping its reason
    /// unless the new entry has one).
    pub fn upsert(&mut self, entry: AcceptedEntry) {
        match self
            .accepted
            .iter_mut()
            .find(|e| e.fingerprint == entry.fingerprint)
        {
            Some(e) => {
                e.severity = e.severity.max(entry.severity);
                if !entry.reason.is_empty() {
                    e.reason = entry.reason;
                }
                if e.contributor.is_empty() {
                    e.contributor = entry.contributor;
                }
            }
            None => self.accepted.push(entry),
        }
        self.accepted
            .sort_by(|a, b| a.rule.cmp(&b.rule).then(a.fingerprint.cmp(&b.fingerprint)));
    }

    /// The file's text, with a header saying what it is.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!(
            "# Findings reviewed and accepted: `git alibi check` and `audit` skip them.\n\
             # Written by `git alibi accept`; edit `reason` freely. A finding that comes back\n\
             # at a higher severity than accepted here is reported again.\n\n{body}"
        )
    }
}

/// Read an accepted-findings file; a missing file is an error only when
/// `required` (given explicitly with `--accepted`).
pub fn read(path: &Path, required: bool) -> Result<Option<Accepted>, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => return Ok(None),
        Err(e) => {
            return Err(Error::Config {
                path: path.to_owned(),
                message: format!("cannot read accepted findings: {e}"),
            });
        }
    };
    parse(path, text.as_bytes()).map(Some)
}

/// Parse an accepted-findings file read from `path` (or a commit's tree).
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Accepted, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| Error::Config {
        path: path.to_owned(),
        message: format!("not UTF-8: {e}"),
    })?;
    toml::from_str(text).map_err(|e| Error::Config {
        path: path.to_owned(),
        message: format!("not an accepted-findings file: {e}"),
    })
}

/// The default file of a work tree.
pub fn default_path(workdir: &Path) -> PathBuf {
    workdir.join(DEFAULT_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Family;

    fn finding(rule: &'static str, key: &[u8], severity: Severity) -> Finding {
        Finding {
            rule,
            family: Family::Rhythm,
            severity,
            summary: String::new(),
            evidence: serde_json::Value::Null,
            peers: None,
            fingerprint: fingerprint(rule, key),
            origin: None,
        }
    }

    #[test]
    fn fingerprints_separate_rules_and_people() {
        let a = fingerprint("circadian-mismatch", b"a@x");
        assert_eq!(a, fingerprint("circadian-mismatch", b"a@x"));
        assert_ne!(a, fingerprint("circadian-mismatch", b"b@x"));
        assert_ne!(a, fingerprint("no-daylight-saving", b"a@x"));
        assert!(a.starts_with("ga1:") && a.len() == 28);
    }

    #[test]
    fn covers_up_to_the_accepted_severity_and_round_trips() {
        let mut acc = Accepted::default();
        acc.upsert(AcceptedEntry {
            fingerprint: fingerprint("circadian-mismatch", b"a@x"),
            rule: "circadian-mismatch".into(),
            contributor: "c-1".into(),
            severity: Severity::Medium,
            reason: "night shifts".into(),
        });
        assert!(acc.covers(&finding("circadian-mismatch", b"a@x", Severity::Medium)));
        assert!(acc.covers(&finding("circadian-mismatch", b"a@x", Severity::Low)));
        assert!(!acc.covers(&finding("circadian-mismatch", b"a@x", Severity::High)));
        assert!(!acc.covers(&finding("circadian-mismatch", b"b@x", Severity::Low)));
        let text = acc.to_toml();
        let back: Accepted = toml::from_str(&text).unwrap();
        assert_eq!(back, acc);
    }
}
