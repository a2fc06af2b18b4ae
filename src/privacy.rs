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
        let mut h = gix::hash::hasher(gix::hash::Kind::Sha1);
        h.update(self.salt.as_bytes());
        h.update(b"\0");
        h.update(kind.as_bytes());
        h.update(b"\0");
        h.update(value);
        let id = h
            .try_finalize()
            .map(|id| id.to_string())
            .unwrap_or_default();
        format!("{kind}-{}", &id[..10.min(id.len())])
    }
}
