//! Who signed a commit: the key id of an OpenPGP signature (issuer
//! fingerprint or key id subpacket) or the fingerprint of the public key in an
//! SSH signature, read from the raw `gpgsig` header. Signatures are not
//! verified (that needs the keys); the key id is enough to see that two
//! identities sign with the same key.

use base64::Engine;
use sha2::Digest;

/// The key identifying a signature, as people compare it: `openpgp:` and the
/// 40/64 hex digits of the issuer fingerprint (or 16 of the key id), or
/// `ssh:SHA256:` and the base64 fingerprint that `ssh-keygen -l` prints.
pub fn signing_key(armor: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(armor);
    let mut lines = text.lines().map(str::trim);
    let first = lines.next()?;
    let body: String = lines
        .take_while(|l| !l.starts_with("-----END"))
        // Armor headers ("Version: …") and the CRC line ("=abcd") are not data.
        .filter(|l| !l.contains(": ") && !l.starts_with('='))
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body.as_bytes())
        .ok()?;
    if first.starts_with("-----BEGIN PGP SIGNATURE") {
        openpgp_issuer(&bytes).map(|k| format!("openpgp:{k}"))
    } else if first.starts_with("-----BEGIN SSH SIGNATURE") {
        ssh_key_fingerprint(&bytes).map(|k| format!("ssh:{k}"))
    } else {
        None
    }
}

/// Keys that forges sign web commits with (the OpenPGP key id, the last 16 hex
/// digits of the fingerprint): such a signature is the forge's, nobody's
/// personal key. GitHub's web-flow keys: `5DE3E0509C47EA3CF04A42D34AEE18F83AFDEB23`
/// (until 2024) and `968479A1AFF927E37D1A566BB5690EEEBB952194` (since),
/// published at https://github.com/web-flow.gpg.
pub const FORGE_KEY_IDS: &[(&str, &str)] = &[
    ("4AEE18F83AFDEB23", "GitHub web-flow"),
    ("B5690EEEBB952194", "GitHub web-flow (2024)"),
];

/// Is this signing key (as [`signing_key`] writes it) a forge's?
pub fn is_forge_key(key: &str) -> bool {
    let Some(hex) = key.strip_prefix("openpgp:") else {
        return false;
    };
    FORGE_KEY_IDS
        .iter()
        .any(|(id, _)| hex.len() >= 16 && hex[hex.len() - 16..].eq_ignore_ascii_case(id))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// Issuer of the first OpenPGP signature packet: fingerprint subpacket (33)
/// if present, else key id subpacket (16); hashed area first.
fn openpgp_issuer(data: &[u8]) -> Option<String> {
    let tag_byte = *data.first()?;
    if tag_byte & 0x80 == 0 {
        return None;
    }
    let (tag, body_start, len): (u8, usize, usize) = if tag_byte & 0x40 != 0 {
        // New format.
        let tag = tag_byte & 0x3f;
        let b0 = *data.get(1)? as usize;
        match b0 {
            0..=191 => (tag, 2, b0),
            192..=223 => (tag, 3, ((b0 - 192) << 8) + *data.get(2)? as usize + 192),
            255 => {
                let l = u32::from_be_bytes(data.get(2..6)?.try_into().ok()?) as usize;
                (tag, 6, l)
            }
            _ => return None, // partial lengths are not used for signatures
        }
    } else {
        let tag = (tag_byte >> 2) & 0x0f;
        match tag_byte & 0x03 {
            0 => (tag, 2, *data.get(1)? as usize),
            1 => (
                tag,
                3,
                u16::from_be_bytes(data.get(1..3)?.try_into().ok()?) as usize,
            ),
            2 => (
                tag,
                5,
                u32::from_be_bytes(data.get(1..5)?.try_into().ok()?) as usize,
            ),
            _ => (tag, 1, data.len().saturating_sub(1)),
        }
    };
    if tag != 2 {
        return None;
    }
    let body = data.get(body_start..body_start.checked_add(len)?.min(data.len()))?;
    let version = *body.first()?;
    if version == 3 {
        // v3: version, hashed length 5, type, time(4), key id(8).
        return body.get(7..15).map(hex);
    }
    // v4: version, type, pubkey algo, hash algo, hashed len(2), …;
    // v5/v6 use 4-byte subpacket area lengths.
    let wide = version >= 5;
    let mut pos = 4;
    let mut key_id = None;
    for _ in 0..2 {
        let area_len = if wide {
            let l = u32::from_be_bytes(body.get(pos..pos + 4)?.try_into().ok()?) as usize;
            pos += 4;
            l
        } else {
            let l = u16::from_be_bytes(body.get(pos..pos + 2)?.try_into().ok()?) as usize;
            pos += 2;
            l
        };
        let area = body.get(pos..pos + area_len)?;
        pos += area_len;
        let mut i = 0;
        while i < area.len() {
            let b0 = area[i] as usize;
            let (sub_len, hdr) = match b0 {
                0..=191 => (b0, 1),
                192..=254 => (((b0 - 192) << 8) + *area.get(i + 1)? as usize + 192, 2),
                _ => (
                    u32::from_be_bytes(area.get(i + 1..i + 5)?.try_into().ok()?) as usize,
                    5,
                ),
            };
            let sub = area.get(i + hdr..i + hdr + sub_len)?;
            i += hdr + sub_len;
            let Some((&kind, value)) = sub.split_first() else {
                continue;
            };
            match kind & 0x7f {
                // Issuer fingerprint: key version, then the fingerprint.
                33 if value.len() > 1 => return Some(hex(&value[1..])),
                16 if value.len() == 8 => key_id = key_id.or_else(|| Some(hex(value))),
                _ => {}
            }
        }
    }
    key_id
}

/// `SHA256:` fingerprint of the public key inside an SSH signature blob
/// ("SSHSIG", version, string public key, …).
fn ssh_key_fingerprint(data: &[u8]) -> Option<String> {
    if data.get(..6)? != b"SSHSIG" {
        return None;
    }
    let len = u32::from_be_bytes(data.get(10..14)?.try_into().ok()?) as usize;
    let key = data.get(14..14usize.checked_add(len)?)?;
    let digest = sha2::Sha256::digest(key);
    Some(format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forge_keys_by_fingerprint_or_key_id() {
        assert!(is_forge_key(
            "openpgp:5DE3E0509C47EA3CF04A42D34AEE18F83AFDEB23"
        ));
        assert!(is_forge_key("openpgp:4aee18f83afdeb23"));
        assert!(is_forge_key("openpgp:B5690EEEBB952194"));
        assert!(!is_forge_key("openpgp:0123456789ABCDEF"));
        assert!(!is_forge_key("ssh:SHA256:4AEE18F83AFDEB23"));
    }

    fn armor(kind: &str, bytes: &[u8]) -> Vec<u8> {
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        format!("-----BEGIN {kind}-----\n\n{b64}\n=abcd\n-----END {kind}-----\n").into_bytes()
    }

    #[test]
    fn openpgp_issuer_fingerprint_and_key_id() {
        // v4 signature packet (new format, tag 2) with a hashed issuer
        // fingerprint subpacket and an unhashed key id subpacket.
        let fpr: Vec<u8> = (1..=20).collect();
        let mut hashed = vec![22u8, 33, 4];
        hashed.extend(&fpr);
        let unhashed = vec![9u8, 16, 0xAA, 0xBB, 0xCC, 0xDD, 1, 2, 3, 4];
        let mut body = vec![4u8, 0, 1, 8];
        body.extend((hashed.len() as u16).to_be_bytes());
        body.extend(&hashed);
        body.extend((unhashed.len() as u16).to_be_bytes());
        body.extend(&unhashed);
        body.extend([0, 0]);
        let mut packet = vec![0xC2, body.len() as u8];
        packet.extend(&body);
        assert_eq!(
            signing_key(&armor("PGP SIGNATURE", &packet)).unwrap(),
            format!("openpgp:{}", hex(&fpr))
        );
        // Without the fingerprint: the key id.
        let mut body = vec![4u8, 0, 1, 8, 0, 0];
        body.extend((unhashed.len() as u16).to_be_bytes());
        body.extend(&unhashed);
        let mut packet = vec![0x88, body.len() as u8]; // old format, tag 2
        packet.extend(&body);
        assert_eq!(
            signing_key(&armor("PGP SIGNATURE", &packet)).unwrap(),
            "openpgp:AABBCCDD01020304"
        );
    }

    #[test]
    fn ssh_fingerprint_like_ssh_keygen() {
        let key = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20abcdefghijklmnopqrstuvwxyz012345";
        let mut blob = b"SSHSIG".to_vec();
        blob.extend(1u32.to_be_bytes());
        blob.extend((key.len() as u32).to_be_bytes());
        blob.extend(key);
        blob.extend(b"\x00\x00\x00\x03git");
        let id = signing_key(&armor("SSH SIGNATURE", &blob)).unwrap();
        assert!(id.starts_with("ssh:SHA256:") && !id.ends_with('='), "{id}");
        // Garbage never panics.
        assert_eq!(signing_key(b"-----BEGIN PGP SIGNATURE-----\n\n!!!\n"), None);
        assert_eq!(signing_key(&armor("PGP SIGNATURE", &[0xC2, 200, 4])), None);
    }
}
