//! `cargo bench --bench fleet`: an organisation in one audit.
//!
//! Generates FLEET_REPOS repositories (default 1,000) holding FLEET_COMMITS
//! commits (default 10,000,000) by FLEET_PEOPLE people (default 100,000) with
//! the synthetic population model (heavy-tailed activity; each person works
//! in one repository, three in ten also in a second), into
//! target/bench-repos/fleet-…/ (generated once, reused). Then measures, with
//! wall time and peak RSS:
//!
//! 1. `scan --no-cache --discover DIR -j 2`: every repository read cold and
//!    merged into one history;
//! 2. `extract` of every repository to one facts file, then
//!    `scan --facts FILE`.
//!
//! The organisation issue's target is a peak under 2 GiB for the default size.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use git_alibi::harness::synth::{SimCommit, SimIdentity};
use rayon::prelude::*;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Split the population over repositories, deterministically.
fn assign(ids: &[SimIdentity], repos: usize) -> Vec<Vec<SimIdentity>> {
    let mut out: Vec<Vec<SimIdentity>> = vec![Vec::new(); repos];
    let mut rng = git_alibi::harness::synth::Rng::new(99);
    for id in ids {
        let home = rng.below(repos as u64) as usize;
        let second = (rng.f64() < 0.3).then(|| rng.below(repos as u64) as usize);
        let mut at_home: Vec<SimCommit> = Vec::new();
        let mut away: Vec<SimCommit> = Vec::new();
        for c in &id.commits {
            if second.is_some() && rng.f64() < 0.2 {
                away.push(*c);
            } else {
                at_home.push(*c);
            }
        }
        for (repo, commits) in [(Some(home), at_home), (second, away)] {
            if let Some(r) = repo
                && !commits.is_empty()
            {
                out[r].push(SimIdentity {
                    name: id.name.clone(),
                    email: id.email.clone(),
                    commits,
                });
            }
        }
    }
    out
}

fn generate(root: &Path, repos: usize, commits: u64, people: usize) {
    if root.join("done").exists() {
        return;
    }
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root).unwrap();
    eprintln!(
        "generating {commits} commits by {people} people in {repos} repositories under {}",
        root.display()
    );
    let ids = git_alibi::harness::synth::population(11, people, 3650, commits);
    let per_repo = assign(&ids, repos);
    drop(ids);
    let written: u64 = per_repo
        .par_iter()
        .enumerate()
        .map(|(k, ids)| {
            let dir = root.join(format!("repo-{k:04}"));
            std::fs::create_dir_all(&dir).unwrap();
            let git = |args: &[&str]| {
                let s = Command::new("git")
                    .args(args)
                    .current_dir(&dir)
                    .env("GIT_CONFIG_GLOBAL", "/dev/null")
                    .status()
                    .unwrap();
                assert!(s.success(), "git {args:?}");
            };
            git(&["init", "-q", "--bare", "-b", "main"]);
            let mut child = Command::new("git")
                .args(["fast-import", "--quiet"])
                .current_dir(&dir)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .stdin(Stdio::piped())
                .spawn()
                .unwrap();
            let mut stdin = std::io::BufWriter::new(child.stdin.take().unwrap());
            let n = git_alibi::harness::synth::write_fast_import(&mut stdin, ids, "main").unwrap();
            drop(stdin);
            assert!(child.wait().unwrap().success());
            n
        })
        .sum();
    std::fs::write(root.join("done"), written.to_string()).unwrap();
}

fn main() {
    let repos = env_or("FLEET_REPOS", 1000) as usize;
    let commits = env_or("FLEET_COMMITS", 10_000_000);
    let people = env_or("FLEET_PEOPLE", 100_000) as usize;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!(
        "target/bench-repos/fleet-{repos}-{commits}-{people}"
    ));
    generate(&root, repos, commits, people);
    let written = std::fs::read_to_string(root.join("done")).unwrap_or_default();
    let alibi = env!("CARGO_BIN_EXE_git-alibi");
    let root_s = root.to_str().unwrap();
    let facts = root.with_extension("parquet");
    let facts_s = facts.to_str().unwrap();
    let report = std::env::temp_dir().join("git-alibi-fleet-report.json");
    let report_s = report.to_str().unwrap();
    let scan = [
        alibi,
        "scan",
        "--no-cache",
        "-j",
        "2",
        "--discover",
        root_s,
        "--format",
        "json",
        "-o",
        report_s,
    ];
    let extract = [
        alibi,
        "extract",
        "--no-cache",
        "-j",
        "2",
        "--discover",
        root_s,
        "-o",
        facts_s,
    ];
    let from_facts = [
        alibi, "scan", "--facts", facts_s, "--format", "json", "-o", report_s,
    ];
    println!(
        "fleet: {repos} repositories, {} commits, {people} people (generated)",
        written.trim()
    );
    const TARGET_KIB: u64 = 2 * 1024 * 1024;
    for (label, cmd) in [
        ("scan --discover (cold, -j 2)", &scan[..]),
        ("extract --discover (cold, -j 2)", &extract[..]),
        ("scan --facts", &from_facts[..]),
    ] {
        let (secs, rss) = common::measure(cmd, &root);
        let rss = rss.unwrap_or(0);
        println!(
            "{label:<34} {secs:>8.1} s  peak {:>6} MiB  {}",
            rss / 1024,
            if rss <= TARGET_KIB {
                "under 2 GiB"
            } else {
                "OVER 2 GiB"
            }
        );
    }
    let _ = std::fs::remove_file(&report);
}
