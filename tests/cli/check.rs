//! `check`: the CI gate over a range, accepted findings, settings edits.

use std::path::Path;

use serde_json::Value;

use crate::common::*;

#[test]
fn check_judges_range_authors_with_baseline_and_exit_codes() {
    let repo = pr_repo();
    let r = repo.to_str().unwrap();
    let roster = check_roster();
    let roster = roster.to_str().unwrap();
    let run = alibi(&[
        "check", "--roster", roster, "--format", "json", "main..pr", r,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = validated_json(&run);
    assert_eq!(v["command"], "check");
    assert_eq!(v["check"]["range"], "main..pr");
    assert_eq!(v["check"]["range_commits"], 3);
    assert_eq!(v["check"]["authors"], 2);
    assert_eq!(v["check"]["fail_on"], "high");
    // Only the range's authors are judged, with their whole history.
    let names: Vec<&str> = v["contributors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let imp = contributor(&v, "Imposter Nyc");
    assert_eq!(imp["range_commits"], 1);
    assert!(imp["commits"].as_u64().unwrap() > 100);
    // The impostor's circadian finding was there before the range.
    let circ = imp["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "circadian-mismatch")
        .expect("circadian finding");
    assert_eq!(circ["origin"], "baseline");
    assert_eq!(circ["severity"], "high");
    let honest = contributor(&v, "Honest Nyc");
    assert_eq!(honest["range_commits"], 2);
    assert_eq!(honest["verdict"], "consistent");
    // --only-new: baseline findings do not fail the gate.
    let only_new = alibi(&["check", "--roster", roster, "--only-new", "main..pr", r]);
    assert_eq!(only_new.code, 0, "{}", only_new.stdout);
    // A range by the honest person alone passes.
    let honest_only = alibi(&["check", "--roster", roster, "main..pr~1", r]);
    assert_eq!(honest_only.code, 0, "{}", honest_only.stdout);
    // Findings raised by the range itself: +08:30 in 2017 is Pyongyang time.
    let pyong_repo = pyongyang_repo();
    let pyong = alibi(&[
        "check",
        "--roster",
        roster,
        "--format",
        "json",
        "main..pyongyang",
        pyong_repo.to_str().unwrap(),
    ]);
    let v = validated_json(&pyong);
    let honest = contributor(&v, "Honest Nyc");
    let f = honest["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "pyongyang-time")
        .expect("pyongyang-time");
    assert_eq!(f["origin"], "range");
    assert_eq!(pyong.code, 1);
    assert!(v["check"]["findings_from_range"].as_u64().unwrap() >= 1);
    // --fail-on low makes lesser findings fail too; a usage error is 2.
    assert_eq!(
        alibi(&[
            "check",
            "--roster",
            roster,
            "--fail-on",
            "low",
            "main..pr",
            r
        ])
        .code,
        1
    );
    let no_range = alibi(&["check", r]);
    assert_eq!(no_range.code, 2);
    assert!(
        no_range.stderr.contains("BASE..HEAD"),
        "{}",
        no_range.stderr
    );
    assert_eq!(alibi(&["check", "main..nonexistent", r]).code, 2);
}

#[test]
fn check_ignores_forge_test_merge_commits() {
    let repo = private_clone("basic");
    assert!(
        git(&repo)
            .args(["checkout", "-q", "-b", "head", "main"])
            .status()
            .unwrap()
            .success()
    );
    commit_as(
        &repo,
        "Alice Example",
        "alice@example.org",
        "2024-03-18T10:00:00-04:00",
        "PR work",
    );
    assert!(
        git(&repo)
            .args(["checkout", "-q", "main"])
            .status()
            .unwrap()
            .success()
    );
    // GitHub's refs/pull/N/merge: committed by GitHub, authored by a stranger here.
    let merge = git(&repo)
        .args(["merge", "-q", "--no-ff", "-m", "Merge abc into def", "head"])
        .env("GIT_AUTHOR_NAME", "Merge Robot Person")
        .env("GIT_AUTHOR_EMAIL", "stranger@example.net")
        .env("GIT_AUTHOR_DATE", "2024-03-18T12:00:00Z")
        .env("GIT_COMMITTER_NAME", "GitHub")
        .env("GIT_COMMITTER_EMAIL", "noreply@github.com")
        .env("GIT_COMMITTER_DATE", "2024-03-18T12:00:00Z")
        .status()
        .unwrap();
    assert!(merge.success());
    let names_judged = || -> Vec<String> {
        let v = validated_json(&alibi(&[
            "check",
            "--format",
            "json",
            "HEAD~1..HEAD",
            repo.to_str().unwrap(),
        ]));
        v["contributors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };
    // Unsigned, it cannot be GitHub's (GitHub signs what it makes): its author is judged.
    assert_eq!(names_judged(), ["Merge Robot Person", "Alice Example"]);
    // GitHub signs its test merges; without --forge-keys the signature is
    // not verified, and the merge is taken as the forge's.
    let raw = git(&repo)
        .args(["cat-file", "commit", "HEAD"])
        .output()
        .unwrap()
        .stdout;
    let raw = String::from_utf8(raw).unwrap();
    let (headers, body) = raw.split_once("\n\n").unwrap();
    let signed = format!(
        "{headers}\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n wsBcBAABCAAQBQJl\n -----END PGP SIGNATURE-----\n\n{body}"
    );
    let id = piped(
        git(&repo).args(["hash-object", "-t", "commit", "-w", "--stdin"]),
        signed.as_bytes(),
    );
    assert!(
        git(&repo)
            .args(["update-ref", "HEAD", id.trim()])
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(names_judged(), ["Alice Example"]);
}

#[test]
fn check_reports_shallow_clones() {
    let dir = tempfile::tempdir().unwrap().keep();
    let url = format!("file://{}", fx("population"));
    assert!(
        git(&dir)
            .args(["clone", "-q", "--depth", "20", &url, "shallow-ci"])
            .status()
            .unwrap()
            .success()
    );
    let repo = dir.join("shallow-ci");
    let r = repo.to_str().unwrap();
    let run = alibi(&["check", "--format", "json", "HEAD~3..HEAD", r]);
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
    let v = validated_json(&run);
    assert_eq!(v["incomplete"], true);
    let md = alibi(&["check", "--format", "markdown", "HEAD~3..HEAD", r]);
    assert!(md.stdout.contains("History is incomplete"), "{}", md.stdout);
    assert!(md.stdout.contains("fetch-depth: 0"));
    assert_eq!(
        alibi(&["check", "--require-full-history", "HEAD~3..HEAD", r]).code,
        2
    );
    // A shallow clone never gets a cache (its history is not closed).
    assert!(!repo.join(".git/git-alibi").exists());
}

#[test]
fn accepted_findings_are_skipped_until_they_get_worse() {
    let repo = pr_repo();
    let r = repo.to_str().unwrap();
    let roster = check_roster();
    let roster = roster.to_str().unwrap();
    assert_eq!(alibi(&["check", "--roster", roster, "main..pr", r]).code, 1);
    let accept = alibi(&[
        "accept",
        "--roster",
        roster,
        "--reason",
        "reviewed: night shifts",
        r,
    ]);
    assert_eq!(accept.code, 0, "{}", accept.stderr);
    let file = repo.join(".git-alibi-accepted.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("circadian-mismatch") && text.contains("night shifts"),
        "{text}"
    );
    // check trusts the base's file, not the work tree's (the pull request's).
    assert_eq!(alibi(&["check", "--roster", roster, "main..pr", r]).code, 1);
    std::fs::remove_file(&file).unwrap();
    commit_files_on(&repo, "main", &[(".git-alibi-accepted.toml", &text)]);
    let run = alibi(&[
        "check", "--roster", roster, "--format", "json", "main..pr", r,
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v = validated_json(&run);
    assert!(v["summary"]["accepted_findings"].as_u64().unwrap() >= 1);
    assert!(
        contributor(&v, "Imposter Nyc")["findings"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // audit skips them too (from the work tree, here main's).
    assert!(
        git(&repo)
            .args(["checkout", "-q", "main"])
            .status()
            .unwrap()
            .success()
    );
    let audit = validated_json(&alibi(&[
        "audit", "--roster", roster, "--format", "json", r,
    ]));
    assert!(
        contributor(&audit, "Imposter Nyc")["accepted_findings"]
            .as_u64()
            .unwrap()
            >= 1
    );
    // Accepted at a lower severity than it now has: reported again.
    let lowered = text.replace("severity = \"high\"", "severity = \"low\"");
    commit_files_on(&repo, "main", &[(".git-alibi-accepted.toml", &lowered)]);
    assert_eq!(alibi(&["check", "--roster", roster, "main..pr", r]).code, 1);
    // A file that is not an accepted-findings file is an input error, in every command.
    commit_files_on(
        &repo,
        "main",
        &[(".git-alibi-accepted.toml", "nonsense = [")],
    );
    assert_eq!(alibi(&["check", "--roster", roster, "main..pr", r]).code, 2);
    let main = private_clone("basic");
    std::fs::write(main.join(".git-alibi-accepted.toml"), "nonsense = [").unwrap();
    for cmd in ["scan", "audit"] {
        let run = alibi(&[cmd, "--roster", roster, main.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{cmd}: {}", run.stderr);
    }
    assert_eq!(
        alibi(&["check", "--accepted", "/nonexistent.toml", "main..pr", r]).code,
        2
    );
}

/// A pull request cannot switch the gate off: its own accepted findings and
/// claims are not read, and editing them is a finding of its own.
#[test]
fn check_reads_settings_from_the_base_and_reports_edits() {
    let repo = pr_repo();
    let r = repo.to_str().unwrap();
    // The base claims New York for both; the pull request accepts its
    // author's findings and moves the impostor's claim to Seoul.
    commit_files_on(
        &repo,
        "main",
        &[(
            ".git-alibi.toml",
            "[[contributor]]\nemails = [\"impostor@example.org\", \"honest@example.org\"]\nlocation = \"America/New_York\"\n",
        )],
    );
    let before = alibi(&["check", "--format", "json", "main..pr", r]);
    assert_eq!(before.code, 1, "{}", before.stderr);
    let roster = check_roster();
    let accept = alibi(&[
        "accept",
        "--roster",
        roster.to_str().unwrap(),
        "--reason",
        "trust me",
        r,
    ]);
    assert_eq!(accept.code, 0, "{}", accept.stderr);
    std::fs::write(
        repo.join(".git-alibi.toml"),
        "[[contributor]]\nemails = [\"impostor@example.org\"]\nlocation = \"Asia/Seoul\"\n",
    )
    .unwrap();
    assert!(
        git(&repo)
            .args(["add", ".git-alibi.toml", ".git-alibi-accepted.toml"])
            .status()
            .unwrap()
            .success()
    );
    commit_as(
        &repo,
        "Imposter Nyc",
        "impostor@example.org",
        "2023-11-06T02:10:00-05:00",
        "Tidy settings",
    );
    let run = alibi(&["check", "--format", "json", "main..pr", r]);
    assert_eq!(
        run.code, 1,
        "the pull request switched the gate off: {}",
        run.stdout
    );
    let v = validated_json(&run);
    let edited: Vec<&str> = v["check"]["settings_edited"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap())
        .collect();
    assert_eq!(edited, [".git-alibi.toml", ".git-alibi-accepted.toml"]);
    let imp = contributor(&v, "Imposter Nyc");
    assert_eq!(imp["claim"]["location"], "America/New_York");
    assert!(
        imp["claim"]["source"]
            .as_str()
            .unwrap()
            .contains(".git-alibi.toml")
    );
    assert_eq!(v["summary"]["accepted_findings"], 0);
    // Every format says so.
    let text = alibi(&["check", "main..pr", r]);
    assert!(
        text.stdout.contains("edits the accepted findings"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("edits the claims"), "{}", text.stdout);
    let md = alibi(&["check", "--format", "markdown", "main..pr", r]);
    assert!(
        md.stdout.contains("needs review by someone other"),
        "{}",
        md.stdout
    );
    let html = alibi(&["check", "--format", "html", "main..pr", r]);
    assert!(html.stdout.contains("edits the accepted findings"));
    let sarif: Value =
        serde_json::from_str(&alibi(&["check", "--format", "sarif", "main..pr", r]).stdout)
            .unwrap();
    assert_valid(&sarif_schema(), &sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(
        results
            .iter()
            .filter(|x| x["ruleId"] == "settings-edited")
            .count(),
        2
    );
    let gitlab: Value =
        serde_json::from_str(&alibi(&["check", "--format", "gitlab", "main..pr", r]).stdout)
            .unwrap();
    assert_valid(&gitlab_schema(), &gitlab);
    assert!(
        gitlab
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["check_name"] == "settings-edited")
    );
    // audit of the work tree still reads the work tree (the reviewer's choice).
    let audit = validated_json(&alibi(&["audit", "--format", "json", r]));
    assert_eq!(
        contributor(&audit, "Imposter Nyc")["claim"]["location"],
        "Asia/Seoul"
    );
}

#[test]
fn github_action_range_script() {
    let run = |env: &[(&str, &str)]| {
        let env: Vec<(&str, String)> = env.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        github_range(None, &env)
    };
    // Pull requests: base..head by id, never the synthetic merge ref.
    assert_eq!(
        run(&[
            ("EVENT_NAME", "pull_request"),
            ("PR_BASE", "aaa"),
            ("PR_HEAD", "bbb")
        ]),
        (0, "aaa..bbb".into())
    );
    // Pushes (before..after, and after a force-push) are in
    // ci_templates::a_force_push_range_falls_back_to_the_pushed_commits.
    // A new branch is judged against the default branch.
    assert_eq!(
        run(&[
            ("EVENT_NAME", "push"),
            ("PUSH_BEFORE", "0000000000000000000000000000000000000000"),
            ("PUSH_AFTER", "ddd"),
            ("DEFAULT_BRANCH", "main"),
        ]),
        (0, "origin/main..ddd".into())
    );
    assert_eq!(
        run(&[("EVENT_NAME", "schedule"), ("RANGE", "x..y")]),
        (0, "x..y".into())
    );
    assert_eq!(run(&[("EVENT_NAME", "schedule")]).0, 2);
    assert_ne!(run(&[("EVENT_NAME", "pull_request")]).0, 0);
    // The action calls the script and installs from its own checkout.
    let action =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    assert!(action.contains("ci/github-range.sh"));
    assert!(action.contains("--path \"$GITHUB_ACTION_PATH\""));
}

/// `check --facts`: the range is resolved in an extract (its recorded refs
/// and commit ids), and the report is the one the repository gives.
#[test]
fn check_from_facts_gives_the_report_of_the_repository() {
    let repo = pr_repo();
    let r = repo.to_str().unwrap();
    let roster = check_roster();
    let roster = roster.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts.parquet");
    let facts_s = facts.to_str().unwrap();
    let extracted = alibi(&["extract", "--no-cache", r, "-o", facts_s]);
    assert_eq!(extracted.code, 0, "{}", extracted.stderr);
    let rev = |spec: &str| {
        let out = git(&repo).args(["rev-parse", spec]).output().unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let base = rev("main");
    let head = rev("pr");
    // The same range written as refs, as a short and a full id, with ~.
    for (in_repo, in_facts) in [
        ("main..pr", "main..pr".to_owned()),
        ("main..pr", format!("{}..{}", &base[..7], head)),
        ("main..pr", format!("refs/heads/main..{}", &head[..10])),
        ("main..pr~1", "main..pr~1".to_owned()),
        ("main...pr", "main...pr".to_owned()),
        ("pr^!", format!("{}^!", &head[..8])),
    ] {
        let direct = alibi(&["check", "--roster", roster, "--format", "json", in_repo, r]);
        let from_facts = alibi(&[
            "check", "--roster", roster, "--format", "json", "--facts", facts_s, &in_facts,
        ]);
        assert_eq!(
            from_facts.code, direct.code,
            "{in_facts}: {}",
            from_facts.stderr
        );
        validated_json(&from_facts);
        // Byte-identical, but for the range as written.
        let written_as_in_repo = from_facts.stdout.replace(
            &format!("\"range\": \"{in_facts}\""),
            &format!("\"range\": \"{in_repo}\""),
        );
        assert!(
            written_as_in_repo == direct.stdout,
            "{in_facts}: the reports differ"
        );
        assert!(
            from_facts.stderr.contains("recorded at extraction"),
            "{}",
            from_facts.stderr
        );
    }
    // A name the extract does not hold, an ambiguous or past-the-root
    // revision, and paths next to --facts are usage errors (exit 2).
    let unknown = alibi(&["check", "--facts", facts_s, "main..nosuchbranch"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("nosuchbranch"),
        "{}",
        unknown.stderr
    );
    let past = alibi(&["check", "--facts", facts_s, "main~100000..pr"]);
    assert_eq!(past.code, 2, "{}", past.stderr);
    assert!(
        past.stderr.contains("past the first commit"),
        "{}",
        past.stderr
    );
    assert_eq!(alibi(&["check", "--facts", facts_s, "main..pr", r]).code, 2);
    assert_eq!(alibi(&["check", "--facts", facts_s]).code, 2);
}
