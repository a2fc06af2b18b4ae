//! The signature reader: the first byte picks OpenPGP or SSH armor, the rest
//! is the packet (base64-encoded into the armor, so the packet parser sees
//! arbitrary bytes) — and the raw input is also read as armor text.
#![no_main]
use base64::Engine;
use git_alibi::git::signatures::signing_key;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = signing_key(data);
    let Some((&kind, packet)) = data.split_first() else {
        return;
    };
    let label = if kind & 1 == 0 { "PGP" } else { "SSH" };
    let body = base64::engine::general_purpose::STANDARD.encode(packet);
    let armor =
        format!("-----BEGIN {label} SIGNATURE-----\n\n{body}\n-----END {label} SIGNATURE-----\n");
    let _ = signing_key(armor.as_bytes());
});
