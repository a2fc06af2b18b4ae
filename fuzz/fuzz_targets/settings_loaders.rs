//! Rosters (CSV), `.git-alibi.toml` and `.git-alibi-accepted.toml` come from
//! users and from repositories: any bytes give claims or an error, never a panic.
#![no_main]
use git_alibi::analysis::accepted;
use git_alibi::inference::claims;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let _ = claims::parse_roster(Path::new("roster.csv"), data);
    let mut with_header = b"email,name,location\n".to_vec();
    with_header.extend_from_slice(data);
    let _ = claims::parse_roster(Path::new("roster.csv"), &with_header);
    let _ = claims::parse_repo_config(Path::new(".git-alibi.toml"), data);
    let _ = accepted::parse(Path::new(".git-alibi-accepted.toml"), data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = claims::Location::parse(text);
        let _ = claims::closest_zone(text);
    }
});
