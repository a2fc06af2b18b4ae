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
    /// The key of this run's fingerprints (the pseudonym salt; empty: unkeyed),
    /// not part of the file.
    #[serde(skip)]
    pub fingerprint_salt: String,
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
/// (lower-cased email), hashed. It does not depend on options or on the
/// evidence's counts, which change as history grows.
///
/// With a pseudonym salt (`--pseudonym-salt`, `GIT_ALIBI_SALT`) it is keyed
/// by it (`ga2:`, HMAC-SHA-256): an unkeyed hash of a guessable address
/// would re-identify a pseudonymised person from a SARIF file. Without a
/// salt nothing is secret (pseudonyms can be reversed the same way) and it
/// is the unkeyed `ga1:`.
pub fn fingerprint(rule: &str, contributor_key: &[u8], salt: &str) -> String {
    if salt.is_empty() {
        let hex = crate::privacy::sha1_hex(&[
            b"git-alibi finding v1\0",
            rule.as_bytes(),
            b"\0",
            contributor_key,
        ]);
        return format!("ga1:{}", &hex[..24.min(hex.len())]);
    }
    use hmac::Mac;
    // HMAC takes keys of any length.
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(salt.as_bytes())
        .expect("HMAC accepts any key length");
    for part in [
        &b"git-alibi finding v2\0"[..],
        rule.as_bytes(),
        b"\0",
        contributor_key,
    ] {
        mac.update(part);
    }
    let hex = crate::text::hex(&mac.finalize().into_bytes()[..12]);
    format!("ga2:{hex}")
}

impl Accepted {
    /// This run's fingerprint of a rule's finding about a contributor.
    pub fn fingerprint(&self, rule: &str, contributor_key: &[u8]) -> String {
        fingerprint(rule, contributor_key, &self.fingerprint_salt)
    }

    /// Is this finding accepted (same fingerprint, severity not above the
    /// accepted one)? An entry written before fingerprints were keyed
    /// (`ga1:`) still covers its finding when a salt keys them now; `accept`
    /// rewrites it in the keyed form.
    pub fn covers(&self, finding: &Finding, contributor_key: &[u8]) -> bool {
        let unkeyed = (!self.fingerprint_salt.is_empty())
            .then(|| fingerprint(finding.rule, contributor_key, ""));
        self.accepted.iter().any(|e| {
            (e.fingerprint == finding.fingerprint
                || unkeyed.as_deref() == Some(e.fingerprint.as_str()))
                && finding.severity <= e.severity
        })
    }

    /// An entry under `unkeyed` (written before a salt keyed fingerprints)
    /// now goes by `keyed`, its reason and severity kept.
    pub fn rekey(&mut self, unkeyed: &str, keyed: &str) {
        if unkeyed == keyed || self.accepted.iter().any(|e| e.fingerprint == keyed) {
            return;
        }
        for e in &mut self.accepted {
            if e.fingerprint == unkeyed {
                e.fingerprint = keyed.to_owned();
            }
        }
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
    let bytes = match crate::files::read_regular(path, crate::files::INPUT_LIMIT, None) {
        Ok(Some(bytes)) => bytes,
        Ok(None) if !required => return Ok(None),
        Ok(None) => {
            return Err(Error::Config {
                path: path.to_owned(),
                message: "cannot read accepted findings: no such file".into(),
            });
        }
        Err(e) => {
            return Err(Error::Config {
                path: path.to_owned(),
                message: format!("cannot read accepted findings: {e}"),
            });
        }
    };
    parse(path, &bytes).map(Some)
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
            fingerprint: fingerprint(rule, key, ""),
            origin: None,
        }
    }

    #[test]
    fn fingerprints_separate_rules_and_people() {
        let a = fingerprint("circadian-mismatch", b"a@x", "");
        assert_eq!(a, fingerprint("circadian-mismatch", b"a@x", ""));
        assert_ne!(a, fingerprint("circadian-mismatch", b"b@x", ""));
        assert_ne!(a, fingerprint("no-daylight-saving", b"a@x", ""));
        assert!(a.starts_with("ga1:") && a.len() == 28);
    }

    #[test]
    fn a_salt_keys_fingerprints_and_old_entries_still_cover() {
        let keyed = fingerprint("circadian-mismatch", b"a@x", "secret");
        assert!(keyed.starts_with("ga2:") && keyed.len() == 28, "{keyed}");
        assert_ne!(keyed, fingerprint("circadian-mismatch", b"a@x", "other"));
        assert_ne!(keyed, fingerprint("circadian-mismatch", b"a@x", ""));
        let mut acc = Accepted {
            fingerprint_salt: "secret".into(),
            ..Accepted::default()
        };
        let mut f = finding("circadian-mismatch", b"a@x", Severity::Medium);
        f.fingerprint = acc.fingerprint("circadian-mismatch", b"a@x");
        assert_eq!(f.fingerprint, keyed);
        assert!(!acc.covers(&f, b"a@x"));
        acc.upsert(AcceptedEntry {
            fingerprint: fingerprint("circadian-mismatch", b"a@x", ""),
            rule: "circadian-mismatch".into(),
            contributor: "c-1".into(),
            severity: Severity::Medium,
            reason: "reviewed before fingerprints were keyed".into(),
        });
        assert!(acc.covers(&f, b"a@x"));
        assert!(!acc.covers(&f, b"b@x"));
    }

    #[test]
    fn covers_up_to_the_accepted_severity_and_round_trips() {
        let mut acc = Accepted::default();
        acc.upsert(AcceptedEntry {
            fingerprint: fingerprint("circadian-mismatch", b"a@x", ""),
            rule: "circadian-mismatch".into(),
            contributor: "c-1".into(),
            severity: Severity::Medium,
            reason: "night shifts".into(),
        });
        assert!(acc.covers(
            &finding("circadian-mismatch", b"a@x", Severity::Medium),
            b"a@x"
        ));
        assert!(acc.covers(
            &finding("circadian-mismatch", b"a@x", Severity::Low),
            b"a@x"
        ));
        assert!(!acc.covers(
            &finding("circadian-mismatch", b"a@x", Severity::High),
            b"a@x"
        ));
        assert!(!acc.covers(
            &finding("circadian-mismatch", b"b@x", Severity::Low),
            b"b@x"
        ));
        let text = acc.to_toml();
        let back: Accepted = toml::from_str(&text).unwrap();
        assert_eq!(back, acc);
    }
}
