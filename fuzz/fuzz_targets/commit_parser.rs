//! The raw commit parser reads untrusted object bytes: any input parses (with
//! its problems noted) and every derived view works, never a panic.
#![no_main]
use git_alibi::git::facts::{self, CommitFacts};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let commit = CommitFacts::parse(data);
    let _ = commit.is_merge();
    let _ = commit.summary();
    let _ = commit.trailers();
    let _ = commit.line_endings();
    for ident in commit.author.iter().chain(commit.committer.iter()) {
        let _ = ident.offset_minutes();
    }
    let _ = facts::message_kind(data);
    let _ = facts::Ident::parse(data).offset_minutes();
});
