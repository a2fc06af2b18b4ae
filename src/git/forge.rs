//! Is a commit that names a forge as its committer the forge's own?
//!
//! A forge's identity (`GitHub <noreply@github.com>`) is text anyone can
//! write: `git commit-tree` with that committer makes a "forge merge" on any
//! laptop. What a person cannot make is the forge's signature. GitHub signs
//! the merges it makes with its web-flow OpenPGP key (the first one was
//! created on 2017-08-16); it leaves many squash merges unsigned. So, for the
//! commits of a judged range:
//!
//! * with the forge's public keys (`check --forge-keys FILE`, the runner's
//!   copy of `https://github.com/web-flow.gpg`), a signed forge commit is the
//!   forge's only when its signature verifies against one of them;
//! * an unsigned forge *merge* dated after GitHub began signing is not
//!   taken as the forge's; a signed one, without keys to verify it, is
//!   (docs/ci.md says so).
//!
//! The signed payload is the raw commit without its `gpgsig` header (git's
//! own rule); signatures are verified with the pure-Rust `pgp` crate.

use pgp::composed::{Deserializable, DetachedSignature, SignedPublicKey};

/// 2017-08-16 00:00:00 UTC: GitHub's first web-flow signing key
/// (fingerprint 5DE3 E050 9C47 EA3C F04A 42D3 4AEE 18F8 3AFD EB23) was
/// created that day; GitHub has signed the merges it makes since.
pub const GITHUB_SIGNS_SINCE: i64 = 1_502_841_600;

/// The forge's public keys, as the runner supplies them.
pub struct ForgeKeys {
    keys: Vec<SignedPublicKey>,
}

impl std::fmt::Debug for ForgeKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ForgeKeys({} keys)", self.keys.len())
    }
}

impl ForgeKeys {
    /// One or more OpenPGP public keys, armored (`-----BEGIN PGP PUBLIC KEY
    /// BLOCK-----`, several blocks allowed) or binary.
    pub fn parse(bytes: &[u8]) -> Result<ForgeKeys, String> {
        let keys: Vec<SignedPublicKey> = if bytes.trim_ascii_start().starts_with(b"-----") {
            let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
            SignedPublicKey::from_string_many(text)
                .map_err(|e| format!("not an OpenPGP public key: {e}"))?
                .0
                .collect::<Result<_, _>>()
                .map_err(|e| format!("not an OpenPGP public key: {e}"))?
        } else {
            SignedPublicKey::from_bytes_many(bytes)
                .map_err(|e| format!("not an OpenPGP public key: {e}"))?
                .collect::<Result<_, _>>()
                .map_err(|e| format!("not an OpenPGP public key: {e}"))?
        };
        if keys.is_empty() {
            return Err("holds no OpenPGP public key".into());
        }
        Ok(ForgeKeys { keys })
    }

    /// Does `signature` (armored) verify `payload` with one of the keys or subkeys?
    fn verify(&self, signature: &[u8], payload: &[u8]) -> bool {
        let Ok((signature, _)) = DetachedSignature::from_armor_single(signature) else {
            return false;
        };
        self.keys.iter().any(|key| {
            signature.verify(key, payload).is_ok()
                || key
                    .public_subkeys
                    .iter()
                    .any(|sub| signature.verify(sub, payload).is_ok())
        })
    }
}

/// What a forge-committed commit's signature says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForgeCheck {
    /// It verifies against a forge key the runner gave.
    Verified,
    /// Signed, and no forge key was given to verify it with.
    SignedNotVerified,
    /// No signature, although the forge signs the merges it makes.
    Unsigned,
    /// A signature that does not verify against any forge key given.
    BadSignature,
    /// No signature, from before the forge signed (or a forge that does not sign).
    UnsignedBeforeSigning,
}

impl ForgeCheck {
    /// Can the commit be taken as the forge's?
    pub fn is_forges(self) -> bool {
        matches!(
            self,
            ForgeCheck::Verified
                | ForgeCheck::SignedNotVerified
                | ForgeCheck::UnsignedBeforeSigning
        )
    }

    /// How reports say it.
    pub fn phrase(self) -> &'static str {
        match self {
            ForgeCheck::Verified => "signed with a forge key given",
            ForgeCheck::SignedNotVerified => "signed, not verified (no forge keys given)",
            ForgeCheck::Unsigned => {
                "an unsigned merge, although GitHub signs the merges it makes (since 2017-08-16)"
            }
            ForgeCheck::BadSignature => {
                "its signature does not verify against the forge keys given"
            }
            ForgeCheck::UnsignedBeforeSigning => "unsigned, from before the forge signed",
        }
    }
}

/// Check one raw commit object that names a forge as committer; `github`
/// says whether the forge is GitHub (which signs), `committer_time` when
/// it claims to have been made.
pub fn check_commit(
    raw: &[u8],
    github: bool,
    committer_time: i64,
    keys: Option<&ForgeKeys>,
) -> ForgeCheck {
    match split_signature(raw) {
        None if github && committer_time >= GITHUB_SIGNS_SINCE => ForgeCheck::Unsigned,
        None if keys.is_some() && github => ForgeCheck::Unsigned,
        None => ForgeCheck::UnsignedBeforeSigning,
        Some((signature, payload)) => match keys {
            None => ForgeCheck::SignedNotVerified,
            Some(keys) if keys.verify(&signature, &payload) => ForgeCheck::Verified,
            Some(_) => ForgeCheck::BadSignature,
        },
    }
}

/// The `gpgsig` header's value (continuation lines unfolded) and the commit
/// without that header: what the signature signs.
fn split_signature(raw: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let header_end = raw
        .windows(2)
        .position(|w| w == b"\n\n")
        .map_or(raw.len(), |i| i + 1);
    let (headers, body) = raw.split_at(header_end);
    let mut payload = Vec::with_capacity(raw.len());
    let mut signature: Option<Vec<u8>> = None;
    let mut in_signature = false;
    for line in headers.split_inclusive(|&b| b == b'\n') {
        if in_signature && line.first() == Some(&b' ') {
            let sig = signature.as_mut()?;
            sig.extend_from_slice(&line[1..]);
            continue;
        }
        in_signature = false;
        if signature.is_none()
            && let Some(value) = line.strip_prefix(b"gpgsig ")
        {
            signature = Some(value.to_vec());
            in_signature = true;
            continue;
        }
        payload.extend_from_slice(line);
    }
    payload.extend_from_slice(body);
    signature.map(|s| (s, payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_cut_out_of_the_commit() {
        let raw = b"tree 1\nparent 2\nauthor A <a> 1 +0000\ncommitter GitHub <noreply@github.com> 1 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n abc\n -----END PGP SIGNATURE-----\n\nMerge\n";
        let (sig, payload) = split_signature(raw).unwrap();
        assert_eq!(
            sig,
            b"-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n"
        );
        assert_eq!(
            payload,
            b"tree 1\nparent 2\nauthor A <a> 1 +0000\ncommitter GitHub <noreply@github.com> 1 +0000\n\nMerge\n"
        );
        assert!(split_signature(b"tree 1\n\nmessage with gpgsig in it\n").is_none());
    }

    #[test]
    fn unsigned_github_commits_after_signing_began_are_not_githubs() {
        let raw = b"tree 1\ncommitter GitHub <noreply@github.com> 1600000000 +0000\n\nMerge\n";
        assert_eq!(
            check_commit(raw, true, 1_600_000_000, None),
            ForgeCheck::Unsigned
        );
        assert_eq!(
            check_commit(raw, true, 1_400_000_000, None),
            ForgeCheck::UnsignedBeforeSigning
        );
        assert_eq!(
            check_commit(raw, false, 1_600_000_000, None),
            ForgeCheck::UnsignedBeforeSigning
        );
        assert!(!ForgeCheck::Unsigned.is_forges());
    }

    #[test]
    fn garbage_is_not_a_key_and_a_garbage_signature_does_not_verify() {
        assert!(
            ForgeKeys::parse(
                b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxx\n-----END PGP PUBLIC KEY BLOCK-----\n"
            )
            .is_err()
        );
        assert!(ForgeKeys::parse(b"").is_err());
    }
}
