//! The cache file lives in `.git/` where anything may have written it: any
//! bytes decode or are rejected, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = git_alibi::git::cache::decode(data);
});
