//! Output formats, exit codes, hostile strings, terminals and pipes.

use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

use crate::common::*;

#[test]
fn hostile_strings_are_neutralised_in_text() {
    let run = alibi(&["scan", "--color", "never", &fx("forged")]);
    assert_eq!(run.code, 0);
    assert!(!run.stdout.contains('\x1b'), "raw escape in text output");
    assert!(
        !run.stdout.contains('\u{202e}'),
        "raw bidi override in text output"
    );
    assert!(run.stdout.contains("\\u{1b}[31mRED"));
    // The 5000-character name is truncated.
    assert!(!run.stdout.contains(&"X".repeat(100)));
    // JSON keeps them, escaped by the serializer.
    let json = alibi(&["scan", "--format", "json", &fx("forged")]);
    assert!(!json.stdout.contains('\x1b'));
    assert!(json.stdout.contains("\\u001b[31mRED"));
}

#[test]
fn exit_codes() {
    // 0: ran, nothing at or above --fail-on.
    assert_eq!(
        alibi(&["scan", &fx("basic"), "--fail-on", "medium"]).code,
        0
    );
    // 1: a finding reaches --fail-on.
    assert_eq!(alibi(&["scan", &fx("forged"), "--fail-on", "high"]).code, 1);
    assert_eq!(alibi(&["scan", &fx("forged")]).code, 0);
    // 2: not a repository, bad options, bad revision.
    let r = alibi(&["scan", &fx("not-a-repo")]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a git repository"), "{}", r.stderr);
    // The git library's own error is kept as the cause, on its own line.
    assert!(
        r.stderr
            .contains("\n  because: Could not find a git repository"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hint:"));
    assert_eq!(alibi(&["scan", "--format", "yaml", &fx("basic")]).code, 2);
    // check without a range, and a roster that cannot be read: the file, no line 0.
    let r = alibi(&["check", &fx("basic")]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("check needs a range") && r.stderr.contains("hint: give BASE..HEAD"),
        "{}",
        r.stderr
    );
    let r = alibi(&["audit", "--roster", "/nonexistent/roster.csv", &fx("basic")]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot read /nonexistent/roster.csv:"),
        "{}",
        r.stderr
    );
    assert_eq!(
        alibi(&["scan", &fx("basic"), "--since", "yesterday"]).code,
        2
    );
    assert_eq!(
        alibi(&["scan", &fx("basic"), "--range", "nope..main"]).code,
        2
    );
    assert_eq!(alibi(&["frobnicate"]).code, 2);
    assert_eq!(alibi(&["--help"]).code, 0);
}

#[test]
fn closed_pipe_is_not_an_error() {
    use std::io::Read;
    let mut child = Command::cargo_bin("git-alibi")
        .unwrap()
        // Over 200 kB of JSON: more than a pipe buffer holds.
        .args([
            "scan",
            "--format",
            "json",
            &fx("population"),
            &fx("forged"),
            &fx("basic"),
            &fx("slips"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    // Like `| head -c 16`: the reader goes away before the report is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("error"));
}

#[test]
fn ci_formats_have_their_required_structure() {
    let repo = pr_repo();
    let r = repo.to_str().unwrap();
    // A claim line in .git-alibi.toml (on the base) for the impostor: SARIF points at it.
    commit_files_on(
        &repo,
        "main",
        &[(
            ".git-alibi.toml",
            "# claims\n[[contributor]]\nemails = [\"impostor@example.org\"]\nlocation = \"America/New_York\"\n",
        )],
    );
    let sarif = alibi(&["check", "--format", "sarif", "main..pr", r]);
    assert_eq!(sarif.code, 1, "{}", sarif.stderr);
    let v: Value = serde_json::from_str(&sarif.stdout).unwrap();
    assert_valid(&sarif_schema(), &v);
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let circ = results
        .iter()
        .find(|x| x["ruleId"] == "circadian-mismatch")
        .expect("circadian result");
    let loc = &circ["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], ".git-alibi.toml");
    // The claim's `location` line.
    assert_eq!(loc["region"]["startLine"], 4);
    assert_eq!(circ["level"], "error");
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let idx = circ["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], "circadian-mismatch");
    assert!(
        rules[idx]["help"]["text"]
            .as_str()
            .unwrap()
            .contains("False positives")
    );
    // Fingerprints differ between people, so alerts never merge.
    let mut fps: Vec<&str> = results
        .iter()
        .map(|x| {
            x["partialFingerprints"]["gitAlibiFinding/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    let n = fps.len();
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), n);

    let gl = alibi(&["check", "--format", "gitlab", "main..pr", r]);
    assert_eq!(gl.code, 1);
    let v: Value = serde_json::from_str(&gl.stdout).unwrap();
    assert_valid(&gitlab_schema(), &v);
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|x| x["severity"] == "critical")
    );

    let md = alibi(&["check", "--format", "markdown", "main..pr", r]);
    assert_eq!(md.code, 1);
    assert!(
        md.stdout.starts_with("## git-alibi check: "),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("at or above high"));
    assert!(md.stdout.contains("| Imposter Nyc |"), "{}", md.stdout);
    assert!(md.stdout.contains("already in the baseline"));
    assert!(md.stdout.contains("not proof"));
    // Nothing to report: SARIF and GitLab are still valid, exit 0.
    let clean = alibi(&["check", "--format", "sarif", "main..pr~1", r]);
    assert_eq!(clean.code, 0);
    assert_valid(
        &sarif_schema(),
        &serde_json::from_str(&clean.stdout).unwrap(),
    );
    let clean = alibi(&["check", "--format", "gitlab", "main..pr~1", r]);
    assert_eq!(clean.stdout.trim(), "[]");
    // Without a claim line (a base without the file), results point at a
    // stable file of the repository.
    let roster = check_roster();
    let v: Value = serde_json::from_str(
        &alibi(&[
            "check",
            "--roster",
            roster.to_str().unwrap(),
            "--format",
            "sarif",
            "main~1..pr",
            r,
        ])
        .stdout,
    )
    .unwrap();
    assert_valid(&sarif_schema(), &v);
    let uri =
        &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(
        uri, ".git-alibi.toml",
        "no stable file exists in this synthetic repo, so the claim file name is used"
    );
}

#[test]
fn hostile_strings_are_escaped_in_every_format() {
    let roster = hostile_roster();
    let roster = roster.to_str().unwrap();
    let forged = fx("forged");
    for format in ["text", "markdown", "html", "json", "sarif", "gitlab", "csv"] {
        let run = alibi(&[
            "audit", "--roster", roster, "--color", "never", "--format", format, &forged,
        ]);
        assert!(run.code == 0 || run.code == 1, "{format}: {}", run.stderr);
        let out = &run.stdout;
        assert!(!out.contains('\u{1b}'), "{format}: raw escape");
        assert!(!out.contains('\u{0}'), "{format}: raw NUL");
        assert!(
            !out.contains("X".repeat(300).as_str()),
            "{format}: long name not truncated"
        );
        match format {
            "json" | "sarif" | "gitlab" => {
                let v: Value =
                    serde_json::from_str(out).unwrap_or_else(|e| panic!("{format}: {e}"));
                if format == "json" {
                    validated_json(&run);
                    assert!(out.contains("\\u001b[31mRED"), "the serializer escapes");
                }
                drop(v);
            }
            _ => {
                assert!(!out.contains('\u{202e}'), "{format}: raw bidi override");
                assert!(
                    !out.contains("<script>alert"),
                    "{format}: raw HTML from the repository"
                );
                assert!(
                    !out.contains("<img src"),
                    "{format}: raw HTML from the repository"
                );
            }
        }
        if format == "csv" {
            let mut r = csv::Reader::from_reader(out.as_bytes());
            assert_eq!(r.headers().unwrap().get(2), Some("name"));
            let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
            assert!(rows.len() >= 10);
            assert!(rows.iter().any(|r| r.get(2) == Some("'=1+2 Formula")));
            // No cell a spreadsheet would run as a formula.
            for row in &rows {
                for c in row.iter() {
                    assert!(!c.starts_with(['=', '+', '@']), "formula cell {c:?}");
                }
            }
        }
        if format == "markdown" {
            // No live link or emphasis from a name.
            assert!(!out.contains("[click](https"), "{out}");
            assert!(out.contains("\\[click\\]"), "{out}");
        }
        if format == "html" {
            assert_eq!(
                out.matches("<script>").count(),
                1,
                "only the report's own script"
            );
            assert!(
                out.contains("&quot;q&quot; &amp; \\u{202e}desrever"),
                "escaped name"
            );
            assert!(out.contains("\\u{202e}desrever"));
            assert!(
                !out.contains("https://evil.example\""),
                "no link from a name"
            );
        }
    }
    // With colour, the only escapes are the report's own colour codes.
    let coloured = alibi(&["audit", "--roster", roster, "--color", "always", &forged]).stdout;
    let mut stripped = String::new();
    let mut chars = coloured.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
                assert!(
                    d == '[' || d == ';' || d.is_ascii_digit(),
                    "non-colour escape"
                );
            }
        } else {
            stripped.push(c);
        }
    }
    assert!(!stripped.contains('\u{1b}'));
    assert!(stripped.contains("\\u{1b}[31mRED"));
    // `show` in both of its own formats.
    for format in ["text", "markdown"] {
        let run = alibi(&[
            "show",
            "--roster",
            roster,
            "--color",
            "always",
            "--format",
            format,
            "nul@example",
            &forged,
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            !run.stdout.contains('\u{1b}') || format == "text",
            "markdown has no colour"
        );
        assert!(!run.stdout.contains('\u{0}'));
        assert!(!run.stdout.contains('\u{202e}'));
        assert!(run.stdout.contains("desrever"));
    }
}

#[test]
fn html_structure_snapshot() {
    let roster =
        write_roster("email,location\nalice@example.org,America/New_York\nkim@example.kr,KR\n");
    let run = alibi(&[
        "audit",
        "--roster",
        roster.to_str().unwrap(),
        "--format",
        "html",
        &fx("basic"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("html_structure_basic", html_skeleton(&run.stdout));
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let Some(browser) = find_browser() else {
        // .ci/run installs Chromium and sets this, so CI never skips.
        assert!(
            std::env::var_os("GIT_ALIBI_REQUIRE_BROWSER").is_none(),
            "GIT_ALIBI_REQUIRE_BROWSER is set but no chromium is on PATH"
        );
        eprintln!("skipped: no chromium on PATH (install Debian's chromium to run this test)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    let roster = impostor_roster();
    let run = alibi(&[
        "audit",
        "--roster",
        roster.to_str().unwrap(),
        "--format",
        "html",
        "-o",
        report.to_str().unwrap(),
        &fx("population"),
        &fx("forged"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let profile = dir.path().join("profile");
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=5000",
            "--window-size=1200,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", report.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let check = dom
        .split("data-render-check=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| {
            panic!(
                "no render check in the DOM; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
        .replace("&quot;", "\"");
    let v: Value = serde_json::from_str(&check).unwrap();
    // Two per claimed contributor of the population, more for forged ones with findings.
    assert!(v["heatmaps"].as_u64().unwrap() >= 8, "{v}");
    assert_eq!(v["sized"], v["heatmaps"], "every heatmap has a size: {v}");
    assert_eq!(v["requests"], 0, "nothing requested from the network: {v}");
    assert_eq!(v["errors"], serde_json::json!([]), "no script error: {v}");
}

#[test]
fn every_command_finishes_under_a_terminal() {
    let repo = pr_repo();
    let r = repo.to_str().unwrap();
    let roster = check_roster();
    let roster = roster.to_str().unwrap();
    let accepted = repo.join("accepted-by-test.toml");
    let accepted = accepted.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["scan"],
        vec!["scan", "--format", "html", "-o", "/dev/null"],
        vec!["audit", "--roster", roster],
        vec!["check", "--roster", roster, "main..pr"],
        vec!["show", "--roster", roster, "imposter"],
        vec!["accept", "--roster", roster, "--file", accepted],
        vec!["identities"],
        vec!["calendar", "JP", "2024"],
    ];
    for args in commands {
        let code = alibi_in_terminal(&args, &repo);
        assert!(
            code.is_some(),
            "`git alibi {}` hangs under a terminal",
            args.join(" ")
        );
        assert!(
            matches!(code, Some(0 | 1)),
            "`git alibi {}` under a terminal exited {code:?}",
            args.join(" ")
        );
    }
    // The README's first command, from the repository itself.
    assert!(alibi_in_terminal(&["scan", r], &repo).is_some());
}

#[test]
fn clear_messages_for_empty_histories_outputs_and_large_rosters() {
    let empty = alibi(&["scan", "--color", "never", &fx("empty")]);
    assert_eq!(empty.code, 0);
    assert!(
        empty.stdout.contains("No commits to report"),
        "{}",
        empty.stdout
    );
    assert!(
        !empty.stdout.contains('┌'),
        "an empty table box: {}",
        empty.stdout
    );
    // A revision in an empty repository: said plainly, no library internals.
    let run = alibi(&["scan", "--range", "HEAD~1..HEAD", &fx("empty")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no commits yet"), "{}", run.stderr);
    assert!(!run.stderr.contains("delegate"), "{}", run.stderr);
    let window = alibi(&["scan", "--since", "2090-01-01", &fx("basic")]);
    assert!(
        window.stdout.contains("--since/--until window"),
        "{}",
        window.stdout
    );
    // `-o -` is standard output, not a file named `-`.
    let cwd = tempfile::tempdir().unwrap();
    let dash = alibi_in(
        Some(cwd.path()),
        &["scan", "--format", "json", "-o", "-", &fx("basic")],
    );
    assert_eq!(dash.code, 0, "{}", dash.stderr);
    assert!(dash.stdout.starts_with('{'), "{}", dash.stdout);
    assert!(!cwd.path().join("-").exists());
    let out = alibi(&["scan", "-o", "/nonexistent-dir/report.txt", &fx("basic")]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("/nonexistent-dir/report.txt"),
        "{}",
        out.stderr
    );
    // A roster of many people against one repository: a capped warning.
    let mut body = String::from("email,location\n");
    for i in 0..40 {
        body.push_str(&format!("nobody{i}@example.org,US\n"));
    }
    let roster = write_roster(&body);
    let run = alibi(&["audit", "--roster", roster.to_str().unwrap(), &fx("basic")]);
    let warnings = run.stderr.lines().filter(|l| l.contains("warning")).count();
    assert!(warnings <= 11, "{warnings} warning lines:\n{}", run.stderr);
    assert!(
        run.stderr
            .contains("30 more claims match no contributor (40 in all)"),
        "{}",
        run.stderr
    );
    // The same email twice with different locations names both lines.
    let twice =
        write_roster("email,location\nalice@example.org,US\nALICE@example.org,Asia/Tokyo\n");
    let run = alibi(&["audit", "--roster", twice.to_str().unwrap(), &fx("basic")]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(":3:") && run.stderr.contains("line 2"),
        "{}",
        run.stderr
    );
}

#[test]
fn options_a_command_would_ignore_are_refused() {
    for args in [
        vec!["calendar", "JP", "--format", "html"],
        vec!["identities", "--fail-on", "high"],
        vec!["identities", "--format", "sarif"],
        vec!["accept", "--format", "json"],
        vec!["accept", "--fail-on", "low"],
        vec!["accept", "-o", "/tmp/x.txt"],
    ] {
        let mut full = args.clone();
        let repo = fx("basic");
        if args[0] != "calendar" {
            full.push(&repo);
        }
        let run = alibi(&full);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("hint:"), "{args:?}: {}", run.stderr);
    }
}

/// A large repository's terminal table: every flagged contributor, then the
/// most active others up to 200 rows, so that 210 people of one commit each
/// do not hide the one who wrote most of the history.
#[test]
fn the_terminal_table_keeps_the_most_active_when_it_is_cut() {
    use git_alibi::harness::synth::{Person, Rng, SimCommit, SimIdentity, simulate, zone};
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("many");
    let mut rng = Rng::new(7);
    let start = chrono::NaiveDate::from_ymd_opt(2023, 1, 2).unwrap();
    let maintainer = Person::new(&mut rng, "Main Tainer", zone("Europe/Berlin"));
    let mut ids = vec![SimIdentity {
        name: maintainer.name.clone(),
        email: "maintainer@example.org".into(),
        commits: simulate(&mut rng, &maintainer, start, 200),
    }];
    for k in 0..210 {
        ids.push(SimIdentity {
            name: format!("Drive By {k:03}"),
            email: format!("drive{k}@example.org"),
            commits: vec![SimCommit {
                seconds: 1_680_000_000 + k * 3_600,
                offset_minutes: 60,
            }],
        });
    }
    fast_import_repo(&repo, &ids);
    let run = alibi(&["scan", "--no-cache", repo.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = run.stdout.lines().filter(|l| l.starts_with("│ ")).count();
    assert_eq!(rows, 201, "a header and 200 rows: {}", run.stdout);
    assert!(run.stdout.contains("Main Tainer"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("11 contributors not listed (none flagged; the least active"),
        "{}",
        run.stdout
    );
}
