//! Who may be named how: emails shown only on request, salted pseudonyms.

/// How people are named in the output.
#[derive(Debug, Clone, Default)]
pub struct Privacy {
    pub show_emails: bool,
    pub pseudonymize: bool,
    pub salt: String,
}

impl Privacy {
    /// Stable salted pseudonym: sha1(salt, kind, value), first 10 hex digits.
    pub fn pseudonym(&self, kind: &str, value: &[u8]) -> String {
        let id = sha1_hex(&[self.salt.as_bytes(), b"\0", kind.as_bytes(), b"\0", value]);
        format!("{kind}-{}", &id[..10.min(id.len())])
    }
}

/// SHA-1 of the parts, one after the other, as 40 hex digits: the stable
/// hashes behind pseudonyms and finding fingerprints.
pub fn sha1_hex(parts: &[&[u8]]) -> String {
    let mut h = gix::hash::hasher(gix::hash::Kind::Sha1);
    for part in parts {
        h.update(part);
    }
    h.try_finalize()
        .map(|id| id.to_string())
        .unwrap_or_default()
}
