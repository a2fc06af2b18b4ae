//! `check` as the author of a pull request would attack it: everything the
//! head of the range controls (its `.mailmap`, its names, its roster copy,
//! the work tree, symbolic links in the checkout) must not turn exit 1 into 0.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::Value;

use crate::common::*;

const MALLORY: &str = "mallory@corp.example";

/// One fast-import commit on `branch`: author and committer `who` at `epoch +0800`.
fn import_commit(
    stream: &mut String,
    branch: &str,
    name: &str,
    email: &str,
    epoch: i64,
    mark: usize,
    files: &[(&str, &str)],
) {
    use std::fmt::Write as _;
    let _ = writeln!(stream, "commit refs/heads/{branch}\nmark :{mark}");
    let _ = writeln!(stream, "author {name} <{email}> {epoch} +0800");
    let _ = writeln!(stream, "committer {name} <{email}> {epoch} +0800");
    let message = format!("Change {mark}");
    let _ = writeln!(stream, "data {}\n{message}", message.len());
    if mark > 1 {
        let _ = writeln!(stream, "from :{}", mark - 1);
    }
    for (path, content) in files {
        let _ = writeln!(
            stream,
            "M 100644 inline {path}\ndata {}\n{content}",
            content.len()
        );
    }
    stream.push('\n');
}

/// Mallory claims Europe/Berlin (the base's `.git-alibi.toml` and
/// `.github/roster.csv`) and has 86 commits at +08:00 in Beijing office
/// hours on `main`; `pr` has 6 more. Untouched, `check main..pr` exits 1.
pub(crate) fn mallory_repo() -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let repo = dir.join("mallory");
    assert!(
        git(&dir)
            .args(["init", "-q", "-b", "main", repo.to_str().unwrap()])
            .status()
            .unwrap()
            .success()
    );
    let config =
        format!("[[contributor]]\nemails = [\"{MALLORY}\"]\nlocation = \"Europe/Berlin\"\n");
    let roster = format!("email,location\n{MALLORY},Europe/Berlin\n");
    let mut stream = String::new();
    // 2024-01-08 (a Monday) 09:00 +08:00 = 01:00 UTC.
    let monday = 1_704_675_600i64;
    let mut mark = 0;
    for i in 0..92usize {
        mark += 1;
        let week = (i / 4) as i64;
        let day = (i % 4) as i64;
        let hour = [0i64, 2, 5, 7][i % 4];
        let epoch = monday + week * 7 * 86_400 + day * 86_400 + hour * 3_600 + (i as i64 % 7) * 600;
        let branch = if i < 86 { "main" } else { "pr" };
        if i == 86 {
            stream.push_str(&format!("reset refs/heads/pr\nfrom :{}\n\n", mark - 1));
        }
        let files: Vec<(&str, &str)> = if i == 0 {
            vec![
                (".git-alibi.toml", config.as_str()),
                (".github/roster.csv", roster.as_str()),
            ]
        } else {
            Vec::new()
        };
        import_commit(&mut stream, branch, "Mallory", MALLORY, epoch, mark, &files);
    }
    let mut child = git(&repo)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert!(
        git(&repo)
            .args(["checkout", "-q", "pr"])
            .status()
            .unwrap()
            .success()
    );
    repo
}

/// A commit on the checked-out branch by Mallory at +08:00 writing `files`.
fn mallory_commits(repo: &Path, name: &str, files: &[(&str, &str)]) {
    for (path, content) in files {
        let full = repo.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, content).unwrap();
        assert!(
            git(repo)
                .args(["add", "-f", path])
                .status()
                .unwrap()
                .success()
        );
    }
    assert!(
        git(repo)
            .args(["commit", "-q", "--allow-empty", "-m", "Tidy"])
            .env("GIT_AUTHOR_NAME", name)
            .env("GIT_AUTHOR_EMAIL", MALLORY)
            .env("GIT_AUTHOR_DATE", "2024-06-03T10:00:00+08:00")
            .env("GIT_COMMITTER_NAME", name)
            .env("GIT_COMMITTER_EMAIL", MALLORY)
            .env("GIT_COMMITTER_DATE", "2024-06-03T10:00:00+08:00")
            .status()
            .unwrap()
            .success()
    );
}

fn check_json(repo: &Path, extra: &[&str]) -> (Run, Value) {
    let r = repo.to_str().unwrap();
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["main..pr", r]);
    let run = alibi(&args);
    assert_eq!(
        run.code, 1,
        "the gate opened: {}\n{}",
        run.stderr, run.stdout
    );
    let v = validated_json(&run);
    (run, v)
}

fn edited(v: &Value) -> Vec<String> {
    v["check"]["settings_edited"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_untouched_pull_request_fails_the_gate() {
    let repo = mallory_repo();
    let (_, v) = check_json(&repo, &[]);
    assert_eq!(contributor(&v, "Mallory")["kind"], "human");
    assert!(edited(&v).is_empty());
}

#[test]
fn a_mailmap_committed_in_the_range_is_not_read_and_is_reported_with_its_lines() {
    let repo = mallory_repo();
    let line = format!("dependabot[bot] <{MALLORY}>\n");
    mallory_commits(&repo, "Mallory", &[(".mailmap", &line)]);
    let (_, v) = check_json(&repo, &[]);
    let m = contributor(&v, "Mallory");
    assert_eq!(m["kind"], "human");
    assert_eq!(edited(&v), [".mailmap"]);
    let edit = &v["check"]["settings_edited"][0];
    assert_eq!(edit["added_lines"][0], line.trim_end());
    assert_eq!(edit["added_count"], 1);
    let md = alibi(&[
        "check",
        "--format",
        "markdown",
        "main..pr",
        repo.to_str().unwrap(),
    ]);
    assert!(md.stdout.contains("who is who"), "{}", md.stdout);
    assert!(md.stdout.contains("dependabot\\[bot\\]"), "{}", md.stdout);
}

#[test]
fn a_mailmap_left_in_the_work_tree_is_not_read() {
    let repo = mallory_repo();
    std::fs::write(
        repo.join(".mailmap"),
        format!("dependabot[bot] <{MALLORY}>\n"),
    )
    .unwrap();
    let (_, v) = check_json(&repo, &[]);
    assert_eq!(contributor(&v, "Mallory")["kind"], "human");
    // audit reads the work tree (the reviewer's checkout) and says what it did.
    let audit = validated_json(&alibi(&[
        "audit",
        "--format",
        "json",
        repo.to_str().unwrap(),
    ]));
    assert_eq!(audit["contributors"][0]["name"], "dependabot[bot]");
}

#[test]
fn a_roster_inside_the_checkout_is_read_from_the_base_and_its_edit_reported() {
    let repo = mallory_repo();
    let roster_in_pr = format!("email,location\n{MALLORY},Asia/Shanghai\n");
    mallory_commits(&repo, "Mallory", &[(".github/roster.csv", &roster_in_pr)]);
    let roster = repo.join(".github/roster.csv");
    let (_, v) = check_json(&repo, &["--roster", roster.to_str().unwrap()]);
    let m = contributor(&v, "Mallory");
    assert_eq!(m["claim"]["location"], "Europe/Berlin");
    assert!(
        m["claim"]["source"]
            .as_str()
            .unwrap()
            .contains(":.github/roster.csv"),
        "{}",
        m["claim"]
    );
    assert_eq!(edited(&v), [".github/roster.csv"]);
    assert_eq!(
        v["check"]["settings_edited"][0]["added_lines"][0],
        format!("{MALLORY},Asia/Shanghai")
    );
    // Given relative to the repository from inside it, the same.
    let inside = alibi_in(
        Some(&repo),
        &[
            "check",
            "--format",
            "json",
            "--roster",
            ".github/roster.csv",
            "main..pr",
        ],
    );
    assert_eq!(inside.code, 1, "{}", inside.stderr);
    // A roster outside the checkout is the pipeline's own and read as given.
    let outside = write_roster(&format!("email,location\n{MALLORY},Asia/Shanghai\n"));
    let run = alibi(&[
        "check",
        "--format",
        "json",
        "--roster",
        outside.to_str().unwrap(),
        "main..pr",
        repo.to_str().unwrap(),
    ]);
    let v = validated_json(&run);
    let locations: Vec<&str> = v["contributors"][0]["claim"]["location"]
        .as_str()
        .into_iter()
        .collect();
    assert!(!locations.is_empty());
}

#[test]
fn a_roster_that_the_base_lacks_is_an_input_error() {
    let repo = mallory_repo();
    mallory_commits(
        &repo,
        "Mallory",
        &[(
            "new-roster.csv",
            &format!("email,location\n{MALLORY},Asia/Shanghai\n"),
        )],
    );
    let run = alibi(&[
        "check",
        "--roster",
        repo.join("new-roster.csv").to_str().unwrap(),
        "main..pr",
        repo.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("not in the range's base"),
        "{}",
        run.stderr
    );
}

#[test]
fn one_commit_under_a_bot_name_does_not_make_a_person_a_bot() {
    for name in ["zz-bot", "A bot", "0-bot", "dependabot[bot]"] {
        let repo = mallory_repo();
        mallory_commits(&repo, name, &[]);
        let (_, v) = check_json(&repo, &[]);
        assert_eq!(v["contributors"].as_array().unwrap().len(), 1, "{name}");
        assert_eq!(v["contributors"][0]["kind"], "human", "{name}");
        let audit = validated_json(&alibi(&[
            "audit",
            "--format",
            "json",
            repo.to_str().unwrap(),
        ]));
        assert_eq!(audit["contributors"][0]["kind"], "human", "{name}");
    }
}

#[test]
fn settings_through_links_fifos_and_devices_are_refused_without_echoing_them() {
    let repo = mallory_repo();
    let outside = tempfile::tempdir().unwrap().keep();
    let secret = outside.join("secrets.env");
    std::fs::write(&secret, "SECRET_TOKEN=hunter2\n").unwrap();
    let config = repo.join(".git-alibi.toml");
    std::fs::remove_file(&config).unwrap();
    std::os::unix::fs::symlink(&secret, &config).unwrap();
    let run = alibi(&["audit", repo.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert!(!run.stderr.contains("hunter2") && !run.stdout.contains("hunter2"));
    std::fs::remove_file(&config).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &config).unwrap();
    let run = alibi(&["scan", repo.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    std::fs::remove_file(&config).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&config)
            .status()
            .unwrap()
            .success()
    );
    let run = alibi(&["scan", repo.to_str().unwrap()]);
    assert_eq!(run.code, 2, "a FIFO is not a settings file: {}", run.stderr);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    // check reads the base's objects and never the work tree.
    let (_, v) = check_json(&repo, &[]);
    assert_eq!(
        contributor(&v, "Mallory")["claim"]["location"],
        "Europe/Berlin"
    );
}

#[test]
fn a_settings_blob_over_the_limit_is_an_input_error() {
    let repo = mallory_repo();
    assert!(
        git(&repo)
            .args(["checkout", "-q", "main"])
            .status()
            .unwrap()
            .success()
    );
    let big = format!("# {}\n", "x".repeat(2 << 20));
    mallory_commits(&repo, "Mallory", &[(".git-alibi-accepted.toml", &big)]);
    assert!(
        git(&repo)
            .args(["checkout", "-q", "pr"])
            .status()
            .unwrap()
            .success()
    );
    let run = alibi(&["check", "main..pr", repo.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("over the limit"), "{}", run.stderr);
}

#[test]
fn outputs_and_accept_never_write_through_a_symbolic_link() {
    let repo = mallory_repo();
    let outside = tempfile::tempdir().unwrap().keep();
    let victim = outside.join("victim.toml");
    std::fs::write(&victim, "keep = true\n").unwrap();
    let sarif = repo.join("git-alibi.sarif");
    std::os::unix::fs::symlink(&victim, &sarif).unwrap();
    let r = repo.to_str().unwrap();
    let run = alibi(&[
        "check",
        "--format",
        "sarif",
        "-o",
        sarif.to_str().unwrap(),
        "main..pr",
        r,
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep = true\n");
    let accepted = repo.join(".git-alibi-accepted.toml");
    std::os::unix::fs::symlink(&victim, &accepted).unwrap();
    let run = alibi(&["accept", "--reason", "x", r]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep = true\n");
    // A run that fails leaves the previous report as it was.
    let report = outside.join("report.json");
    std::fs::write(&report, "previous").unwrap();
    let failed = alibi(&[
        "check",
        "--format",
        "json",
        "-o",
        report.to_str().unwrap(),
        "main..nosuch",
        r,
    ]);
    assert_eq!(failed.code, 2);
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "previous");
    let ok = alibi(&[
        "check",
        "--format",
        "json",
        "-o",
        report.to_str().unwrap(),
        "main..pr",
        r,
    ]);
    assert_eq!(ok.code, 1, "{}", ok.stderr);
    assert!(std::fs::read_to_string(&report).unwrap().starts_with('{'));
}

#[test]
fn a_contributor_who_is_a_bot_only_by_the_range_is_judged_as_a_person() {
    let repo = mallory_repo();
    assert!(
        git(&repo)
            .args(["commit", "-q", "--allow-empty", "-m", "Bump deps"])
            .env("GIT_AUTHOR_NAME", "zz-bot")
            .env("GIT_AUTHOR_EMAIL", "zz-bot@corp.example")
            .env("GIT_AUTHOR_DATE", "2024-06-03T10:00:00+08:00")
            .env("GIT_COMMITTER_NAME", "zz-bot")
            .env("GIT_COMMITTER_EMAIL", "zz-bot@corp.example")
            .env("GIT_COMMITTER_DATE", "2024-06-03T10:00:00+08:00")
            .status()
            .unwrap()
            .success()
    );
    let (_, v) = check_json(&repo, &[]);
    let bot = contributor(&v, "zz-bot");
    assert_eq!(bot["kind"], "human");
    let f = rule_finding(bot, "bot-only-in-range");
    assert_eq!(f["severity"], "medium");
    assert_eq!(f["origin"], "range");
    assert_evidence_valid("bot-only-in-range", &f["evidence"]);
    // audit has no range: the same identity is a bot there.
    let audit = validated_json(&alibi(&[
        "audit",
        "--format",
        "json",
        repo.to_str().unwrap(),
    ]));
    assert_eq!(contributor(&audit, "zz-bot")["kind"], "bot");
}

#[test]
fn a_salt_keys_fingerprints_and_unkeyed_accepted_entries_keep_working() {
    let repo = mallory_repo();
    let r = repo.to_str().unwrap();
    let prints = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["check", "--format", "sarif"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["main..pr", r]);
        let run = alibi(&args);
        let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                x["partialFingerprints"]["gitAlibiFinding/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    let unkeyed = prints(&[]);
    let keyed = prints(&["--pseudonymize", "--pseudonym-salt", "s3cret"]);
    assert!(!unkeyed.is_empty());
    assert!(unkeyed.iter().all(|f| f.starts_with("ga1:")), "{unkeyed:?}");
    assert!(keyed.iter().all(|f| f.starts_with("ga2:")), "{keyed:?}");
    assert!(keyed.iter().all(|f| !unkeyed.contains(f)));
    assert_ne!(
        keyed,
        prints(&["--pseudonymize", "--pseudonym-salt", "other"])
    );
    // An accepted file written without a salt, on the base, still covers the
    // findings when a salt keys them.
    assert!(
        git(&repo)
            .args(["checkout", "-q", "main"])
            .status()
            .unwrap()
            .success()
    );
    let accept = alibi(&["accept", "--reason", "reviewed", r]);
    assert_eq!(accept.code, 0, "{}", accept.stderr);
    let file = std::fs::read_to_string(repo.join(".git-alibi-accepted.toml")).unwrap();
    assert!(file.contains("ga1:"), "{file}");
    mallory_commits(&repo, "Mallory", &[(".git-alibi-accepted.toml", &file)]);
    assert!(
        git(&repo)
            .args(["checkout", "-q", "pr"])
            .status()
            .unwrap()
            .success()
    );
    assert!(
        git(&repo)
            .args(["rebase", "-q", "main"])
            .env("GIT_COMMITTER_NAME", "x")
            .env("GIT_COMMITTER_EMAIL", "x@y")
            .status()
            .unwrap()
            .success()
    );
    let salted = alibi(&[
        "check",
        "--pseudonym-salt",
        "s3cret",
        "--format",
        "json",
        "main..pr",
        r,
    ]);
    assert_eq!(salted.code, 0, "{}", salted.stdout);
    assert!(
        validated_json(&salted)["summary"]["accepted_findings"]
            .as_u64()
            .unwrap()
            > 0
    );
    // accept under the salt rewrites the entries in the keyed form, reasons kept.
    let rekey = alibi(&["accept", "--pseudonym-salt", "s3cret", r]);
    assert_eq!(rekey.code, 0, "{}", rekey.stderr);
    let file = std::fs::read_to_string(repo.join(".git-alibi-accepted.toml")).unwrap();
    assert!(file.contains("ga2:") && !file.contains("ga1:"), "{file}");
    assert!(file.contains("reviewed"), "{file}");
}

#[test]
fn names_cannot_become_links_or_hide_characters_in_summaries() {
    let repo = mallory_repo();
    let name = "www.evil.example [click](https://evil.example) ad\u{200b}min\u{feff}";
    mallory_commits(&repo, name, &[]);
    // The name is the most used one only with more commits under it.
    for _ in 0..100 {
        mallory_commits(&repo, name, &[]);
    }
    let r = repo.to_str().unwrap();
    let md = alibi(&["check", "--format", "markdown", "main..pr", r]);
    assert_eq!(md.code, 1, "{}", md.stderr);
    assert!(md.stdout.contains("www\\.evil\\.example"), "{}", md.stdout);
    assert!(!md.stdout.contains("www.evil"), "{}", md.stdout);
    let sarif = alibi(&["check", "--format", "sarif", "main..pr", r]);
    assert!(
        sarif.stdout.contains("\\\\[click\\\\](https"),
        "{}",
        sarif.stdout
    );
    for format in ["text", "markdown", "html", "sarif", "gitlab", "csv"] {
        let run = alibi(&["check", "--format", format, "main..pr", r]);
        assert!(
            !run.stdout.contains('\u{200b}') && !run.stdout.contains('\u{feff}'),
            "{format}: an invisible character passed"
        );
    }
}

/// A merge of `pr`'s tip and its parent, committed as GitHub, written with
/// `git hash-object` (what `git commit-tree` with GitHub's name makes), and
/// `pr` moved to it. With `sign`, its payload is signed by that gpg home.
fn fake_forge_merge(repo: &Path, sign: Option<&Path>) {
    let tip = rev_parse(repo, "pr");
    let parent = rev_parse(repo, "pr~1");
    let tree = rev_parse(repo, "pr^{tree}");
    let payload = format!(
        "tree {tree}\nparent {tip}\nparent {parent}\nauthor Mallory <{MALLORY}> 1717380000 +0800\ncommitter GitHub <noreply@github.com> 1717380000 +0000\n\nMerge pull request #7 from mallory/fix\n"
    );
    let raw = match sign {
        None => payload,
        Some(home) => {
            let sig = piped(
                std::process::Command::new("gpg")
                    .args([
                        "--batch",
                        "--yes",
                        "--armor",
                        "--detach-sign",
                        "-u",
                        "noreply@github.com",
                    ])
                    .env("GNUPGHOME", home),
                payload.as_bytes(),
            );
            let folded = sig.trim_end().replace('\n', "\n ");
            let (headers, body) = payload.split_once("\n\n").unwrap();
            format!("{headers}\ngpgsig {folded}\n\n{body}")
        }
    };
    let id = piped(
        git(repo).args(["hash-object", "-t", "commit", "-w", "--stdin"]),
        raw.as_bytes(),
    );
    assert!(
        git(repo)
            .args(["update-ref", "refs/heads/pr", id.trim()])
            .status()
            .unwrap()
            .success()
    );
}

/// The range of a pull request that is only a forge-looking merge.
fn forge_only_range(repo: &Path) -> String {
    format!("{}..pr", rev_parse(repo, "pr~1"))
}

/// A gpg home with one key for `GitHub <noreply@github.com>`, and its public key armored.
fn gpg_forge_key() -> Option<(PathBuf, PathBuf)> {
    let home = tempfile::tempdir().unwrap().keep();
    let made = std::process::Command::new("gpg")
        .args([
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "GitHub <noreply@github.com>",
            "rsa2048",
            "sign",
            "never",
        ])
        .env("GNUPGHOME", &home)
        .output()
        .ok()?;
    if !made.status.success() {
        return None;
    }
    let public = home.join("forge.asc");
    let export = std::process::Command::new("gpg")
        .args([
            "--batch",
            "--armor",
            "--output",
            public.to_str().unwrap(),
            "--export",
            "noreply@github.com",
        ])
        .env("GNUPGHOME", &home)
        .status()
        .ok()?;
    export.success().then_some((home, public))
}

#[test]
fn a_forge_merge_made_locally_is_not_the_forges_and_its_author_is_judged() {
    let repo = mallory_repo();
    fake_forge_merge(&repo, None);
    let range = forge_only_range(&repo);
    let run = alibi(&["check", "--format", "json", &range, repo.to_str().unwrap()]);
    assert_eq!(
        run.code, 1,
        "a fake forge merge opened the gate: {}",
        run.stdout
    );
    let v = validated_json(&run);
    let m = contributor(&v, "Mallory");
    let f = rule_finding(m, "forge-impersonation");
    // Unsigned: medium (GitHub leaves a few merges unsigned); the gate
    // fails on what judging Mallory shows.
    assert_eq!(f["severity"], "medium");
    assert_eq!(f["origin"], "range");
    assert_evidence_valid("forge-impersonation", &f["evidence"]);
    assert!(
        f["evidence"]["commits"][0]["problem"]
            .as_str()
            .unwrap()
            .contains("unsigned merge")
    );
    for format in ["text", "markdown", "html", "sarif", "gitlab", "csv"] {
        let out = alibi(&["check", "--format", format, &range, repo.to_str().unwrap()]);
        assert!(
            out.stdout.contains("forge-impersonation") || out.stdout.contains("ForgeImpersonation"),
            "{format}: {}",
            out.stdout
        );
    }
}

#[test]
fn a_forge_merge_signed_with_the_forge_keys_is_the_forges() {
    let Some((home, public)) = gpg_forge_key() else {
        eprintln!("skipped: gpg could not make a key here");
        return;
    };
    let keys = public.to_str().unwrap();
    // Signed with the key given: the forge's, nobody judged (as GitHub's own merges).
    let repo = mallory_repo();
    fake_forge_merge(&repo, Some(&home));
    let range = forge_only_range(&repo);
    let r = repo.to_str().unwrap();
    let run = alibi(&["check", "--format", "json", "--forge-keys", keys, &range, r]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    assert_eq!(
        validated_json(&run)["contributors"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // Signed by another key than those given: not the forge's.
    let (other_home, other_public) = gpg_forge_key().unwrap();
    let run = alibi(&[
        "check",
        "--format",
        "json",
        "--forge-keys",
        other_public.to_str().unwrap(),
        &range,
        r,
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let v = validated_json(&run);
    let f = rule_finding(contributor(&v, "Mallory"), "forge-impersonation");
    let problem = f["evidence"]["commits"][0]["problem"].as_str().unwrap();
    assert!(problem.contains("does not verify"), "{problem}");
    assert_eq!(f["severity"], "high");
    drop(other_home);
    // A keys file that holds no key is an input error.
    let bad = write_roster("not a key");
    assert_eq!(
        alibi(&["check", "--forge-keys", bad.to_str().unwrap(), &range, r]).code,
        2
    );
}

#[test]
fn a_replace_ref_cycle_is_an_incomplete_history_and_check_in_ci_fails_closed() {
    let repo = mallory_repo();
    let (a, b) = (rev_parse(&repo, "main~1"), rev_parse(&repo, "main~2"));
    for (from, to) in [(&a, &b), (&b, &a)] {
        assert!(
            git(&repo)
                .args(["replace", "-f", from, to])
                .status()
                .unwrap()
                .success()
        );
    }
    let r = repo.to_str().unwrap();
    let out = assert_cmd::Command::cargo_bin("git-alibi")
        .unwrap()
        .args(["check", "main..pr", r])
        .env("TZ", "UTC")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("CI", "true")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("refs/replace/ holds a cycle"), "{stderr}");
    // Outside CI the report says it is incomplete and the run goes on.
    let run = alibi(&["check", "--format", "json", "main..pr", r]);
    let v = validated_json(&run);
    assert_eq!(v["incomplete"], true, "{}", run.stdout);
}
