//! The CI templates (`action.yml`, `ci/gitlab/git-alibi.gitlab-ci.yml`,
//! `ci/github-range.sh`) run as written on a hostile checkout: nothing the
//! checkout holds is run or written through, and failures fail the step.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use crate::gate_trust::mallory_repo;

fn manifest(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The block under `header` (a line ending in `|`), dedented: the lines
/// after it indented deeper than the header.
fn block_after(text: &str, header: &str) -> String {
    let mut lines = text.lines().skip_while(|l| !l.contains(header));
    let head = lines.next().unwrap_or_else(|| panic!("no {header}"));
    let indent = head.len() - head.trim_start().len();
    let body: Vec<&str> = lines
        .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > indent)
        .collect();
    let cut = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    body.iter()
        .map(|l| l.get(cut..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A step's `run:` script in action.yml.
fn action_step(name: &str) -> String {
    let action = std::fs::read_to_string(manifest("action.yml")).unwrap();
    let step = &action[action.find(&format!("- name: {name}")).unwrap()..];
    block_after(step, "run: |")
}

/// A directory with a `cargo` that "installs" the binary under test into `--root`.
fn cargo_stub() -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let bin = assert_cmd::cargo::cargo_bin("git-alibi");
    std::fs::write(
        dir.join("cargo"),
        format!(
            "#!/bin/sh\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\nmkdir -p \"$root/bin\" && cp '{}' \"$root/bin/git-alibi\"\n",
            bin.display()
        ),
    )
    .unwrap();
    let mut p = std::fs::metadata(dir.join("cargo")).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut p, 0o755);
    std::fs::set_permissions(dir.join("cargo"), p).unwrap();
    dir
}

fn bash(script: &str, cwd: &Path, env: &[(&str, String)], path: &Path) -> (i32, String) {
    let mut c = Command::new("bash");
    c.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(cwd)
        .env(
            "PATH",
            format!("{}:{}", path.display(), std::env::var("PATH").unwrap()),
        )
        .env("TZ", "UTC")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("CI");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A checkout that commits a fake git-alibi (which would pass anything) where
/// the old template cached its binary, and links where reports are written.
fn hostile_checkout() -> (PathBuf, PathBuf) {
    let repo = mallory_repo();
    let fake = repo.join(".git-alibi-bin/bin/git-alibi");
    std::fs::create_dir_all(fake.parent().unwrap()).unwrap();
    std::fs::write(&fake, "#!/bin/sh\necho pwned\nexit 0\n").unwrap();
    let mut p = std::fs::metadata(&fake).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut p, 0o755);
    std::fs::set_permissions(&fake, p).unwrap();
    let victim = tempfile::tempdir().unwrap().keep().join("victim.txt");
    std::fs::write(&victim, "keep\n").unwrap();
    std::os::unix::fs::symlink(&victim, repo.join("git-alibi.sarif")).unwrap();
    (repo, victim)
}

#[test]
fn the_gitlab_template_runs_nothing_from_the_checkout() {
    let (repo, victim) = hostile_checkout();
    let template = std::fs::read_to_string(manifest("ci/gitlab/git-alibi.gitlab-ci.yml")).unwrap();
    let script = block_after(&template, "- |");
    let env = [
        (
            "GIT_ALIBI_SOURCE",
            "https://git.example/git-alibi.git".to_owned(),
        ),
        ("GIT_ALIBI_FAIL_ON", "high".to_owned()),
        ("GIT_ALIBI_ROSTER", String::new()),
        ("GIT_ALIBI_REV", String::new()),
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", rev_parse(&repo, "main")),
        ("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", rev_parse(&repo, "pr")),
    ];
    let stub = cargo_stub();
    let (code, log) = bash(&script, &repo, &env, &stub);
    assert_eq!(code, 1, "the merge request passed its own gate: {log}");
    assert!(!log.contains("pwned"), "{log}");
    assert!(
        std::fs::read_to_string(repo.join("git-alibi.md"))
            .unwrap()
            .contains("Mallory")
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep\n");
    // A report name planted as a link fails the job, and the link's target is untouched.
    std::fs::remove_file(repo.join("gl-code-quality-report.json")).unwrap();
    std::os::unix::fs::symlink(&victim, repo.join("gl-code-quality-report.json")).unwrap();
    let (code, log) = bash(&script, &repo, &env, &stub);
    assert_eq!(code, 2, "{log}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep\n");
}

#[test]
fn the_action_writes_outside_the_checkout_and_fails_closed() {
    let (repo, victim) = hostile_checkout();
    let temp = tempfile::tempdir().unwrap().keep();
    let output = temp.join("github-output");
    let summary = temp.join("step-summary");
    let bin_dir = tempfile::tempdir().unwrap().keep();
    std::fs::copy(
        assert_cmd::cargo::cargo_bin("git-alibi"),
        bin_dir.join("git-alibi"),
    )
    .unwrap();
    let common = |extra: &[(&'static str, String)]| -> Vec<(&'static str, String)> {
        let mut env = vec![
            ("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR").to_owned()),
            ("GITHUB_OUTPUT", output.display().to_string()),
            ("GITHUB_STEP_SUMMARY", summary.display().to_string()),
            ("RUNNER_TEMP", temp.display().to_string()),
        ];
        env.extend_from_slice(extra);
        env
    };
    // The range: a pull request's base..head.
    let range_env = common(&[
        ("EVENT_NAME", "pull_request".to_owned()),
        ("PR_BASE", rev_parse(&repo, "main")),
        ("PR_HEAD", rev_parse(&repo, "pr")),
    ]);
    let (code, log) = bash(
        &action_step("Compute the range"),
        &repo,
        &range_env,
        &bin_dir,
    );
    assert_eq!(code, 0, "{log}");
    let outputs = std::fs::read_to_string(&output).unwrap();
    let range = outputs
        .lines()
        .find_map(|l| l.strip_prefix("range="))
        .unwrap()
        .to_owned();
    // An event with no range fails the step instead of judging nothing.
    let (code, _) = bash(
        &action_step("Compute the range"),
        &repo,
        &common(&[("EVENT_NAME", "schedule".to_owned())]),
        &bin_dir,
    );
    assert_ne!(code, 0);
    let check_env = common(&[
        ("RANGE", range),
        ("ROSTER", String::new()),
        ("FORGE_KEYS", String::new()),
        ("FAIL_ON", "high".to_owned()),
        ("ONLY_NEW", "false".to_owned()),
        ("SARIF", "git-alibi.sarif".to_owned()),
        ("EXTRA", String::new()),
    ]);
    std::fs::write(&output, "").unwrap();
    let (code, log) = bash(&action_step("git alibi check"), &repo, &check_env, &bin_dir);
    assert_eq!(code, 0, "the step records the exit code: {log}");
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(outputs.contains("exit-code=1"), "{outputs}");
    let sarif = outputs
        .lines()
        .find_map(|l| l.strip_prefix("sarif-file="))
        .unwrap();
    assert!(Path::new(sarif).starts_with(&temp), "{sarif}");
    assert!(
        std::fs::read_to_string(sarif)
            .unwrap()
            .contains("\"version\": \"2.1.0\"")
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep\n");
    assert!(
        std::fs::read_to_string(&summary)
            .unwrap()
            .contains("Mallory")
    );
    // A shallow checkout fails closed (exit 2), with the fix named.
    let shallow_dir = tempfile::tempdir().unwrap().keep();
    let shallow = shallow_dir.join("shallow");
    let url = format!("file://{}", repo.display());
    assert!(
        git(&shallow_dir)
            .args([
                "clone",
                "-q",
                "--depth",
                "3",
                "--no-single-branch",
                &url,
                shallow.to_str().unwrap()
            ])
            .status()
            .unwrap()
            .success()
    );
    std::fs::write(&output, "").unwrap();
    let shallow_env = common(&[
        ("RANGE", "origin/main..origin/pr".to_owned()),
        ("ROSTER", String::new()),
        ("FORGE_KEYS", String::new()),
        ("FAIL_ON", "high".to_owned()),
        ("ONLY_NEW", "false".to_owned()),
        ("SARIF", String::new()),
        ("EXTRA", String::new()),
    ]);
    let (code, log) = bash(
        &action_step("git alibi check"),
        &shallow,
        &shallow_env,
        &bin_dir,
    );
    assert_eq!(code, 0, "{log}");
    assert!(
        std::fs::read_to_string(&output)
            .unwrap()
            .contains("exit-code=2"),
        "{log}"
    );
    assert!(log.contains("fetch-depth: 0"), "{log}");
}

#[test]
fn a_force_push_range_falls_back_to_the_pushed_commits() {
    let repo = mallory_repo();
    let run = |env: &[(&str, String)]| github_range(Some(&repo), env);
    let head = rev_parse(&repo, "pr");
    let first_new = rev_parse(&repo, "pr~5");
    let push = |before: &str, commits: &str| {
        run(&[
            ("EVENT_NAME", "push".to_owned()),
            ("PUSH_BEFORE", before.to_owned()),
            ("PUSH_AFTER", head.clone()),
            ("PUSH_COMMITS", commits.to_owned()),
            ("DEFAULT_BRANCH", "main".to_owned()),
        ])
    };
    let main = rev_parse(&repo, "main");
    assert_eq!(push(&main, ""), (0, format!("{main}..{head}")));
    // `before` was force-pushed away: the event's commits, from the oldest one's parent.
    let gone = "1111111111111111111111111111111111111111";
    assert_eq!(
        push(gone, &format!("{first_new} {head}")),
        (0, format!("{first_new}^..{head}"))
    );
    // Without them, against the default branch.
    assert_eq!(push(gone, ""), (0, format!("origin/main..{head}")));
}
