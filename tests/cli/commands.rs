//! `show`, `identities`, `calendar`, `man` and `completions`.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::*;

#[test]
fn show_one_contributor() {
    let roster = impostor_roster();
    let r = roster.to_str().unwrap();
    let run = alibi(&[
        "show",
        "--roster",
        r,
        "--color",
        "never",
        "imposter",
        &fx("population"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("Imposter Nyc"));
    assert!(
        run.stdout
            .contains("Week in claimed local time (America/New_York)")
    );
    assert!(run.stdout.contains("Week in UTC"));
    assert!(
        run.stdout.contains("^^^^^^^^^"),
        "working-day ruler without colour"
    );
    assert!(run.stdout.contains("circadian-mismatch"));
    assert!(!run.stdout.contains('\u{1b}'));
    let colour = alibi(&[
        "show",
        "--roster",
        r,
        "--color",
        "always",
        "imposter",
        &fx("population"),
    ]);
    assert!(colour.stdout.contains("\u{1b}["));
    let md = alibi(&[
        "show",
        "--roster",
        r,
        "--format",
        "markdown",
        "impostor@example.org",
        &fx("population"),
    ]);
    assert_eq!(md.code, 0);
    assert!(md.stdout.starts_with("### Imposter Nyc"));
    assert!(md.stdout.contains("```text"));
    // By id, and ambiguous or unknown queries exit 2 with candidates.
    let v = validated_json(&alibi(&["scan", "--format", "json", &fx("population")]));
    let id = contributor(&v, "Honest Nyc")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let by_id = alibi(&["show", &id, &fx("population")]);
    assert!(by_id.stdout.starts_with("Honest Nyc"), "{}", by_id.stderr);
    let ambiguous = alibi(&["show", "nyc", &fx("population")]);
    assert_eq!(ambiguous.code, 2);
    assert!(
        ambiguous.stderr.contains("more than one"),
        "{}",
        ambiguous.stderr
    );
    assert_eq!(alibi(&["show", "nobody-here", &fx("population")]).code, 2);
    let json = alibi(&["show", "--format", "json", "honest", &fx("population")]);
    assert_eq!(
        validated_json(&json)["contributors"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// The embedded calendar file is exactly what the pinned generator writes.
#[test]
fn calendar_data_matches_its_generator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var("GIT_ALIBI_CALENDAR_PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = Command::new(&python)
        .args([
            "-c",
            "import holidays, sys; sys.exit(0 if holidays.__version__ == '0.108' else 1)",
        ])
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        assert!(
            std::env::var_os("GIT_ALIBI_REQUIRE_GENERATOR").is_none(),
            "GIT_ALIBI_REQUIRE_GENERATOR is set but {python} has no holidays 0.108"
        );
        eprintln!("skipped: {python} lacks holidays==0.108 (see docs/calendars.md)");
        return;
    }
    let out = Command::new(&python)
        .arg(root.join("data/generate-calendars.py"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let embedded = std::fs::read(root.join("data/calendars.tsv")).unwrap();
    assert!(
        out.stdout == embedded,
        "data/calendars.tsv differs from the generator's output: regenerate it"
    );
}

#[test]
fn identities_command_lists_clusters_and_suggests_a_mailmap() {
    let run = alibi(&["identities", &fx("identity")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("same machine `desktop-ab12cd3`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("same signing key `openpgp:0123456789ABCDEF")
    );
    assert!(run.stdout.contains("same name `alexdoe`"));
    assert!(run.stdout.contains("J Smith: 3 identities"));
    // Namesakes are told apart by id; counts of one are singular.
    assert!(
        run.stdout.contains("Alex Doe (c-") && run.stdout.contains(") — Alex Doe (c-"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("(1 commit, 1 identity)"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("@"), "no email without --mailmap");
    let json: Value =
        serde_json::from_str(&alibi(&["identities", "--format", "json", &fx("identity")]).stdout)
            .unwrap();
    let clusters = json["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 6);
    let machine = clusters
        .iter()
        .position(|c| c["links"][0]["kind"] == "same-host")
        .unwrap();
    let mm = alibi(&[
        "identities",
        "--mailmap",
        "--cluster",
        &(machine + 1).to_string(),
        &fx("identity"),
    ]);
    assert_eq!(mm.code, 0);
    let lines: Vec<&str> = mm.stdout.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(lines.len(), 1, "{}", mm.stdout);
    assert_eq!(
        lines[0],
        "Kim A <kim@DESKTOP-AB12CD3> Lee B <lee@DESKTOP-AB12CD3>"
    );
    assert_eq!(
        alibi(&["identities", "--mailmap", "--cluster", "9", &fx("identity")]).code,
        2
    );
    // Pseudonymised: no real name, machine name or email anywhere.
    let real = [
        "alex",
        "Alex",
        "Kim A",
        "Lee B",
        "desktop-ab12cd3",
        "DESKTOP-AB12CD3",
        "J Smith",
        "@",
    ];
    for format in ["text", "json"] {
        let run = alibi(&[
            "identities",
            "--pseudonymize",
            "--format",
            format,
            &fx("identity"),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        for r in real {
            assert!(
                !run.stdout.contains(r),
                "{format}: `{r}` leaked:\n{}",
                run.stdout
            );
        }
    }
    // A .mailmap is real names and emails: refused under --pseudonymize.
    let refused = alibi(&["identities", "--mailmap", "--pseudonymize", &fx("identity")]);
    assert_eq!(refused.code, 2);
    assert!(refused.stdout.is_empty());
    assert!(
        refused.stderr.contains("--pseudonymize"),
        "{}",
        refused.stderr
    );
    // --cluster without --mailmap is refused, not ignored.
    assert_eq!(
        alibi(&["identities", "--cluster", "1", &fx("identity")]).code,
        2
    );
}

#[test]
fn man_pages_and_completions() {
    let dir = tempfile::tempdir().unwrap();
    let man_dir = dir.path().join("man1");
    let run = alibi(&["man", man_dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for page in [
        "git-alibi.1",
        "git-alibi-scan.1",
        "git-alibi-check.1",
        "git-alibi-audit.1",
    ] {
        let text = std::fs::read_to_string(man_dir.join(page)).unwrap();
        assert!(
            text.starts_with(".ie") || text.contains(".TH"),
            "{page}: {text}"
        );
    }
    for shell in ["bash", "zsh", "fish"] {
        let run = alibi(&["completions", shell]);
        assert_eq!(run.code, 0);
        assert!(run.stdout.contains("audit"), "{shell}");
    }
    assert_eq!(alibi(&["completions", "tcsh"]).code, 2);
}

#[test]
fn show_prefers_an_exact_match_and_tells_namesakes_apart() {
    let dir = tempfile::tempdir().unwrap().keep();
    assert!(
        git(&dir)
            .args(["init", "-q", "-b", "main"])
            .status()
            .unwrap()
            .success()
    );
    commit_as(
        &dir,
        "Ann",
        "ann@example.org",
        "2024-01-02T10:00:00+01:00",
        "one",
    );
    commit_as(
        &dir,
        "Anna",
        "anna@example.org",
        "2024-01-03T10:00:00+01:00",
        "two",
    );
    commit_as(
        &dir,
        "Sam Lee",
        "sam@one.example",
        "2024-01-04T10:00:00+01:00",
        "three",
    );
    commit_as(
        &dir,
        "Sam Lee",
        "sam@two.example",
        "2024-02-05T10:00:00+01:00",
        "four",
    );
    let r = dir.to_str().unwrap();
    let run = alibi(&["show", "--color", "never", "ann", r]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("Ann\n"), "{}", run.stdout);
    // Two people named Sam Lee (no shared email): the candidates differ by id and dates.
    let run = alibi(&["show", "sam lee", r]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("2024-01-04") && run.stderr.contains("2024-02-05"),
        "{}",
        run.stderr
    );
    // In the report table too, namesakes carry their ids.
    let table = alibi(&["scan", "--color", "never", r]);
    assert!(
        table.stdout.matches("Sam Lee (c-").count() >= 2,
        "{}",
        table.stdout
    );
    for line in table.stdout.lines().filter(|l| l.contains("┆ Sam Lee")) {
        assert!(line.contains("Sam Lee (c-"), "{line}");
    }
    assert!(!table.stdout.contains("Ann (c-"), "{}", table.stdout);
}
