//! `cargo bench --bench scan_vs_git_log`: times `git alibi scan --format json`
//! against `git log --all` printing the same fields, on the same generated
//! history, in one run; reports the ratio and both peak RSS figures.
//!
//! Then the commit cache (`.git/git-alibi/`): a cold and a warm full scan, and
//! `check` of a 20-commit range cold (no cache) and warm.
//!
//! BENCH_COMMITS (default 200000) sets the history size; BENCH_RUNS (default 3)
//! the repetitions (medians are reported). Histories are generated once into
//! target/bench-repos/ by the synthetic population model and reused.

mod common;

use common::measure;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn generate(dir: &Path, commits: u64) {
    if dir.join("done").exists() {
        return;
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let git = |args: &[&str]| {
        let s = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .unwrap();
        assert!(s.success(), "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    let people = (commits / 300).clamp(50, 5000) as usize;
    eprintln!(
        "generating {commits} commits by {people} people in {}",
        dir.display()
    );
    let ids = git_alibi::harness::synth::population(7, people, 3650, commits);
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = std::io::BufWriter::new(child.stdin.take().unwrap());
    let n = git_alibi::harness::synth::write_fast_import(&mut stdin, &ids, "main").unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    git(&["repack", "-a", "-d", "-q"]);
    git(&["commit-graph", "write", "--reachable"]);
    std::fs::write(dir.join("done"), n.to_string()).unwrap();
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes --bench; ignore arguments.
    let commits: u64 = std::env::var("BENCH_COMMITS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-repos");
    let dir = root.join(format!("synthetic-{commits}"));
    generate(&dir, commits);
    let alibi = env!("CARGO_BIN_EXE_git-alibi");
    let git_log = [
        "git",
        "log",
        "--all",
        "--format=%H %P%x00%an%x00%ae%x00%at %ai%x00%cn%x00%ce%x00%ct %ci%x00%s",
    ];
    // Without the cache: git log has none either.
    let scan = [
        alibi,
        "scan",
        "--no-cache",
        "--format",
        "json",
        "--output",
        "/dev/null",
        ".",
    ];
    let mut t_log = Vec::new();
    let mut t_scan = Vec::new();
    let mut rss_log = 0;
    let mut rss_scan = 0;
    for _ in 0..runs {
        let (t, r) = measure(&git_log, &dir);
        t_log.push(t);
        rss_log = rss_log.max(r.unwrap_or(0));
        let (t, r) = measure(&scan, &dir);
        t_scan.push(t);
        rss_scan = rss_scan.max(r.unwrap_or(0));
    }
    let (log, scan) = (median(t_log), median(t_scan));
    println!(
        "history: {} ({} commits)",
        dir.display(),
        std::fs::read_to_string(dir.join("done")).unwrap_or_default()
    );
    println!(
        "git log --all (same fields): {log:.3} s median of {runs}, peak RSS {} MiB",
        rss_log / 1024
    );
    println!(
        "git alibi scan --format json: {scan:.3} s median of {runs}, peak RSS {} MiB",
        rss_scan / 1024
    );
    println!("ratio scan / git log: {:.2}", scan / log);

    // The cache.
    let cache = dir.join(".git/git-alibi");
    let cached_scan = [
        alibi,
        "scan",
        "--format",
        "json",
        "--output",
        "/dev/null",
        ".",
    ];
    let check = [
        alibi,
        "check",
        "--format",
        "json",
        "--output",
        "/dev/null",
        "main~20..main",
        ".",
    ];
    let mut cold_scan = Vec::new();
    let mut warm_scan = Vec::new();
    let mut cold_check = Vec::new();
    let mut warm_check = Vec::new();
    let mut rss_warm_check = 0;
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(&cache);
        cold_scan.push(measure(&cached_scan, &dir).0);
        warm_scan.push(measure(&cached_scan, &dir).0);
        let _ = std::fs::remove_dir_all(&cache);
        cold_check.push(measure(&check, &dir).0);
        let (t, r) = measure(&check, &dir);
        warm_check.push(t);
        rss_warm_check = rss_warm_check.max(r.unwrap_or(0));
    }
    let cache_size: u64 = std::fs::read_dir(&cache)
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    println!(
        "scan, cold cache (decodes all, writes the cache): {:.3} s; warm: {:.3} s; cache file {} MiB",
        median(cold_scan),
        median(warm_scan),
        cache_size / (1024 * 1024)
    );
    println!(
        "check main~20..main: cold {:.3} s, warm {:.3} s (peak RSS {} MiB)",
        median(cold_check),
        median(warm_check),
        rss_warm_check / 1024
    );
}
