//! `scan`: reading histories (repositories, ranges, caches, damage) and what each commit says.

use std::path::Path;
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

use crate::common::*;

#[test]
fn scan_basic_attributes_every_commit_and_merges_identities() {
    let run = alibi(&["scan", "--format", "json", &fx("basic")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = validated_json(&run);
    let total: u64 = v["contributors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["commits"].as_u64().unwrap())
        .sum();
    assert_eq!(total, v["summary"]["commits"].as_u64().unwrap());
    assert_eq!(total, 13);
    let alice = contributor(&v, "Alice Example");
    // Old address merged by .mailmap; the merge commit counted.
    assert_eq!(alice["commits"], 6);
    assert_eq!(alice["merges"], 1);
    assert_eq!(alice["identities"], 1);
    // DST change shows in the offset timeline.
    let offsets: Vec<&str> = alice["profile"]["offset_timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["offset"].as_str().unwrap())
        .collect();
    assert_eq!(offsets, ["-05:00", "-04:00"]);
    // Emails are hidden by default.
    assert!(alice["emails"][0].as_str().unwrap().starts_with("email-"));
    assert!(!run.stdout.contains("alice@example.org"));
    let bot = contributor(&v, "dependabot[bot]");
    assert_eq!(bot["kind"], "bot");
    // The web-UI squash merge is counted, read as Ravi's click (forge-squash),
    // and listed as read in part.
    let ravi = contributor(&v, "Ravi Kumar");
    assert_eq!(ravi["commits"], 3);
    assert_eq!(ravi["profile"]["timed_commits"], 3);
    assert_eq!(
        ravi["profile"]["set_aside"][0]["provenance"],
        "forge-squash"
    );
    let sita = contributor(&v, "Sita Sharma");
    assert_eq!(sita["profile"]["dominant_offsets"][0][0], "+05:45");
    let kim = contributor(&v, "Kim Minsu");
    let fp = &kim["profile"]["fingerprint"];
    assert_eq!(fp["encodings"]["euc-kr"], 1);
    assert_eq!(fp["signature_kinds"]["ssh"], 1);
    assert_eq!(fp["message_scripts"]["hangul"], 1);
    assert_eq!(fp["trailers"]["Signed-off-by"], 1);
    assert_eq!(fp["trailers"]["Co-authored-by"], 1);
}

#[test]
fn show_emails_and_pseudonyms() {
    let run = alibi(&["scan", "--format", "json", "--show-emails", &fx("basic")]);
    let v = validated_json(&run);
    assert_eq!(
        contributor(&v, "Alice Example")["emails"][0],
        "alice@example.org"
    );
    let run = alibi(&["scan", "--format", "json", "--pseudonymize", &fx("basic")]);
    let v = validated_json(&run);
    assert!(!run.stdout.contains("Alice"));
    assert!(
        v["contributors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["name"].as_str().unwrap().starts_with("person-"))
    );
    // A different salt gives different pseudonyms.
    let salted = alibi(&[
        "scan",
        "--format",
        "json",
        "--pseudonym-salt",
        "s3cret",
        &fx("basic"),
    ]);
    assert_ne!(
        validated_json(&salted)["contributors"][0]["id"],
        v["contributors"][0]["id"]
    );
}

#[test]
fn json_is_byte_identical_across_runs() {
    let a = alibi(&["scan", "--format", "json", &fx("basic"), &fx("forged")]);
    let b = alibi(&["scan", "--format", "json", &fx("basic"), &fx("forged")]);
    assert_eq!(a.code, 0);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn forged_headers_are_reported_not_normalised() {
    let run = alibi(&["scan", "--format", "json", &fx("forged")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = validated_json(&run);
    let rails = contributor(&v, "Rails Style");
    assert!(rules(rails).contains(&"malformed-ident".to_owned()));
    assert_eq!(
        rails["profile"]["fingerprint"]["malformed_examples"][0]["raw"],
        "+051800"
    );
    assert_eq!(rails["profile"]["dominant_offsets"][0][0], "invalid");
    let neg = contributor(&v, "Neg Zero");
    assert_eq!(
        neg["profile"]["fingerprint"]["malformed_idents"]["negative-zero-offset"],
        2
    );
    let nines = contributor(&v, "Nine Nine");
    assert_eq!(
        nines["profile"]["fingerprint"]["malformed_idents"]["bad-offset"],
        2
    );
    let two = contributor(&v, "A");
    assert_eq!(
        two["profile"]["fingerprint"]["malformed_idents"]["extra-brackets"],
        1
    );
    let pak = contributor(&v, "Pak Example");
    assert!(rules(pak).contains(&"pyongyang-time".to_owned()));
    assert_eq!(pak["verdict"], "suspicious");
    let tt = contributor(&v, "Time Travel");
    assert_eq!(tt["profile"]["delay"]["committed_before_authored"], 1);
    assert_eq!(
        tt["profile"]["fingerprint"]["unknown_headers"]["x-custom-header"],
        1
    );
    // A missing committer line is reported as missing and dates nothing.
    let none = contributor(&v, "No Committer");
    assert_eq!(
        none["profile"]["fingerprint"]["malformed_idents"]["missing-line"], 1,
        "{:#}",
        none["profile"]["fingerprint"]
    );
    assert!(
        none["profile"]["fingerprint"]["malformed_idents"]
            .get("no-email")
            .is_none()
    );
    for name in ["No Committer", "After Gap"] {
        assert!(
            !rules(contributor(&v, name)).contains(&"timestamp-forgery".to_owned()),
            "{name}: a missing date was read as 1970"
        );
    }
    let latin = v["contributors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"].as_str().unwrap().starts_with("Latin"))
        .unwrap();
    assert_eq!(
        latin["profile"]["fingerprint"]["encodings"]["iso-8859-1"],
        1
    );
}

#[test]
fn offset_slips_fire_on_alternation() {
    let v = validated_json(&alibi(&["scan", "--format", "json", &fx("slips")]));
    let c = contributor(&v, "Slippy");
    let f = &c["findings"][0];
    assert_eq!(f["rule"], "offset-slips");
    assert_eq!(f["severity"], "high");
    assert_eq!(f["evidence"]["excursions"], 12);
}

#[test]
fn repository_states() {
    for name in ["empty", "bare.git", "worktree"] {
        let run = alibi(&["scan", "--format", "json", &fx(name)]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        validated_json(&run);
    }
    let v = validated_json(&alibi(&["scan", "--format", "json", &fx("bare.git")]));
    assert_eq!(v["summary"]["commits"], 13);
    let v = validated_json(&alibi(&["scan", "--format", "json", &fx("empty")]));
    assert_eq!(v["summary"]["commits"], 0);
}

#[test]
fn shallow_clone_is_incomplete() {
    let run = alibi(&["scan", "--format", "json", &fx("shallow")]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
    let v = validated_json(&run);
    assert_eq!(v["incomplete"], true);
    assert!(
        v["incomplete_reasons"][0]
            .as_str()
            .unwrap()
            .contains("shallow")
    );
    let strict = alibi(&["scan", "--require-full-history", &fx("shallow")]);
    assert_eq!(strict.code, 2);
}

#[test]
fn missing_objects_are_reported() {
    let run = alibi(&["scan", "--format", "json", &fx("corrupt")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = validated_json(&run);
    assert_eq!(v["incomplete"], true);
    assert!(v["repositories"][0]["missing_objects"].as_u64().unwrap() >= 1);
    let strict = alibi(&["scan", "--require-full-history", &fx("corrupt")]);
    assert_eq!(strict.code, 2);
    // Damage, not a shallow clone: the hint is git fsck, not --unshallow.
    assert!(strict.stderr.contains("git fsck"), "{}", strict.stderr);
    assert!(!strict.stderr.contains("unshallow"), "{}", strict.stderr);
    assert!(
        !strict.stderr.contains("(for example )"),
        "{}",
        strict.stderr
    );
}

#[test]
fn commit_graph_walk_matches_plain_walk() {
    // `graph` is a clone of `basic` with a commit-graph: the walker takes its
    // graph id walk and multi-threaded decoding there.
    let plain = validated_json(&alibi(&["scan", "--format", "json", &fx("basic")]));
    let graph = validated_json(&alibi(&["scan", "--format", "json", &fx("graph")]));
    assert_eq!(graph["summary"], plain["summary"]);
    assert_eq!(
        contributors_without_paths(&graph),
        contributors_without_paths(&plain)
    );
    // Thousands of commits: more than one decoding batch, on two threads, same result.
    let plain = validated_json(&alibi(&["scan", "--format", "json", &fx("population")]));
    let graph = validated_json(&alibi(&[
        "scan",
        "--format",
        "json",
        &fx("population-graph"),
    ]));
    assert!(
        plain["summary"]["commits"].as_u64().unwrap() > 2048,
        "{}",
        plain["summary"]
    );
    assert_eq!(graph["summary"], plain["summary"]);
    assert_eq!(
        contributors_without_paths(&graph),
        contributors_without_paths(&plain)
    );
    // Missing objects are still found when the graph lists them.
    let run = alibi(&["scan", "--format", "json", &fx("corrupt-graph")]);
    let v = validated_json(&run);
    assert_eq!(v["incomplete"], true, "{}", run.stderr);
    assert!(v["repositories"][0]["missing_objects"].as_u64().unwrap() >= 1);
}

#[test]
fn ranges_and_dates() {
    let v = validated_json(&alibi(&[
        "scan",
        "--format",
        "json",
        &fx("basic"),
        "main~1..main",
    ]));
    assert_eq!(v["summary"]["commits"], 1);
    assert_eq!(v["options"]["range"], "main~1..main");
    // feature...main: commits on either side but not both.
    let v = validated_json(&alibi(&[
        "scan",
        "--format",
        "json",
        &fx("basic"),
        "feature...main",
    ]));
    assert_eq!(v["summary"]["commits"], 3);
    let v = validated_json(&alibi(&[
        "scan",
        "--format",
        "json",
        &fx("basic"),
        "--since",
        "2024-03-14",
        "--until",
        "2024-03-15",
    ]));
    // Author dates 1710400000 ..= 1710510000 (the squash merge, the old address, Kim, feature, the merge).
    assert_eq!(v["summary"]["commits"], 5);
}

#[test]
fn many_repositories_merge_contributors() {
    let v = validated_json(&alibi(&[
        "scan",
        "--format",
        "json",
        &fx("basic"),
        &fx("slips"),
    ]));
    assert_eq!(v["repositories"].as_array().unwrap().len(), 2);
    let alice = contributor(&v, "Alice Example");
    assert_eq!(alice["repositories"].as_object().unwrap().len(), 1);
    // The bare clone holds the same commits: they count once.
    let v = validated_json(&alibi(&[
        "scan",
        "--format",
        "json",
        &fx("basic"),
        &fx("bare.git"),
    ]));
    assert_eq!(v["summary"]["commits"], 13);
}

#[test]
fn cache_gives_identical_results_and_survives_damage() {
    let repo = private_clone("population");
    let r = repo.to_str().unwrap();
    let cache = repo.join(".git/git-alibi/commits-v1.bin");
    let roster = check_roster();
    let roster = roster.to_str().unwrap();
    let reference = alibi(&[
        "audit",
        "--no-cache",
        "--roster",
        roster,
        "--format",
        "json",
        r,
    ])
    .stdout;
    let range_ref = alibi(&[
        "check",
        "--no-cache",
        "--roster",
        roster,
        "--format",
        "json",
        "main~40..main",
        r,
    ])
    .stdout;
    assert!(!cache.exists(), "--no-cache wrote a cache");
    let cold = alibi(&["audit", "--roster", roster, "--format", "json", r]).stdout;
    assert!(cache.exists());
    let warm = alibi(&["audit", "--roster", roster, "--format", "json", r]).stdout;
    assert_eq!(cold, reference);
    assert_eq!(warm, reference);
    assert_eq!(
        alibi(&[
            "check",
            "--roster",
            roster,
            "--format",
            "json",
            "main~40..main",
            r
        ])
        .stdout,
        range_ref
    );
    // A damaged cache is reported, ignored and rewritten.
    let good = std::fs::read(&cache).unwrap();
    std::fs::write(&cache, &good[..good.len() / 2]).unwrap();
    let run = alibi(&["audit", "--roster", roster, "--format", "json", r]);
    assert!(run.stderr.contains("cache ignored"), "{}", run.stderr);
    assert_eq!(run.stdout, reference);
    assert_eq!(std::fs::read(&cache).unwrap(), good);
    // New commits: the warm run reads only them, and results match a cold run.
    use git_alibi::model::history::{ReadOptions, read};
    let options = ReadOptions {
        cache: true,
        use_mailmap: true,
        ..Default::default()
    };
    // Before the new commit: everything comes from the cache.
    let cached = read(std::slice::from_ref(&repo), &options, &|_| {}).unwrap();
    assert!(cached.cache_notes.is_empty(), "{:?}", cached.cache_notes);
    assert_eq!(cached.decoded_commits, 0);
    commit_as(
        &repo,
        "Honest Nyc",
        "honest@example.org",
        "2023-12-01T11:00:00-05:00",
        "new work",
    );
    let h = read(std::slice::from_ref(&repo), &options, &|_| {}).unwrap();
    assert_eq!(h.decoded_commits, 1);
    // One new commit is not worth rewriting the whole file: it is decoded
    // again next time (cache::worth_saving), with the same result.
    let again = read(std::slice::from_ref(&repo), &options, &|_| {}).unwrap();
    assert_eq!(again.decoded_commits, 1);
    assert_eq!(again.records, h.records);
    let fresh = read(
        std::slice::from_ref(&repo),
        &ReadOptions {
            cache: false,
            ..options.clone()
        },
        &|_| {},
    )
    .unwrap();
    assert_eq!(fresh.records, h.records);
}

#[test]
fn identity_and_tooling_forensics_fire_with_evidence() {
    let roster = write_roster(
        "email,location\nenc@example.org,US\nhw@example.org,DE\nnormal@example.org,Europe/Berlin\n",
    );
    let (run, v) = audit_json(&roster, &fx("identity"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let finding = |name: &str, rule: &str| -> Value {
        contributor(&v, name)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .cloned()
            .unwrap_or_else(|| {
                panic!(
                    "{name}: no {rule} in {:#}",
                    contributor(&v, name)["findings"]
                )
            })
    };
    // The same Windows host name under two identities, each naming the other.
    let kim = finding("Kim A", "shared-machine");
    assert_eq!(kim["severity"], "medium");
    assert_eq!(kim["evidence"]["hosts"][0], "desktop-ab12cd3");
    assert_eq!(kim["evidence"]["peers"][0]["name"], "Lee B");
    assert!(
        kim["evidence"]["peers"][0]["id"]
            .as_str()
            .unwrap()
            .starts_with("c-")
    );
    // One OpenPGP key, two identities.
    let key = finding("Signer One", "shared-signing-key");
    assert_eq!(
        key["evidence"]["keys"][0],
        "openpgp:0123456789ABCDEF0123456789ABCDEF01234567"
    );
    assert_eq!(key["evidence"]["peers"][0]["name"], "Signer Two");
    // And one SSH key: the fingerprint ssh-keygen -l prints for it.
    let ssh = finding("Ssh One", "shared-signing-key");
    assert_eq!(
        ssh["evidence"]["keys"][0],
        "ssh:SHA256:l6cZmODTJwt8Kio7PaYeXpwONxKej7QNZ8PoJv/8o5w"
    );
    assert_eq!(ssh["evidence"]["peers"][0]["name"], "Ssh Two");
    // One key under one name and two addresses: a second address, low.
    let own = finding("Two Addresses", "shared-signing-key");
    assert_eq!(own["severity"], "low", "{own}");
    assert_eq!(own["evidence"]["peers_with_the_same_name"], 1);
    assert!(
        own["summary"].as_str().unwrap().contains("same name"),
        "{own}"
    );
    assert_eq!(key["severity"], "medium", "different names stay medium");
    // Names.
    assert_eq!(
        finding("J Smith", "identity-churn")["evidence"]["distinct_names"],
        3
    );
    assert_eq!(finding("Alex Doe", "identity-churn")["severity"], "low");
    // Language and tooling against the claim.
    let enc = finding("Enc Person", "legacy-encoding");
    assert_eq!(enc["severity"], "medium");
    assert!(enc["summary"].as_str().unwrap().contains("euc-kr"));
    assert_eq!(
        finding("Hangul Writer", "script-mismatch")["severity"],
        "low"
    );
    // Forged dates.
    let paint = finding("Painter", "timestamp-forgery");
    assert_eq!(paint["severity"], "high");
    let signals: Vec<&str> = paint["evidence"]["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["signal"].as_str().unwrap())
        .collect();
    for s in ["seconds-always-zero", "same-time-of-day", "evenly-spaced"] {
        assert!(signals.contains(&s), "{signals:?}");
    }
    assert!(
        finding("Typist", "timestamp-forgery")["summary"]
            .as_str()
            .unwrap()
            .contains("zero seconds")
    );
    let back = finding("Backdater", "timestamp-forgery");
    assert!(
        back["summary"]
            .as_str()
            .unwrap()
            .contains("3 committed over a day before a parent")
    );
    assert!(
        finding("Future Person", "timestamp-forgery")["summary"]
            .as_str()
            .unwrap()
            .contains("after the newest commit")
    );
    assert!(
        finding("Early Bird", "timestamp-forgery")["summary"]
            .as_str()
            .unwrap()
            .contains("which did not exist yet")
    );
    let red = finding("Persona Red", "personas");
    assert_eq!(red["severity"], "medium");
    assert_eq!(red["evidence"]["peers"][0]["name"], "Persona Blue");
    let handover = finding("Handed Over", "fingerprint-change");
    assert!(
        handover["summary"]
            .as_str()
            .unwrap()
            .contains("encoding header: 100% → 0%"),
        "{handover:#}"
    );
    assert_eq!(handover["evidence"]["commits_before"], 40);
    // Controls: nothing at medium or above for a normal developer, for one
    // who took up signing when moving to New York, and for one who moved from
    // Tokyo to New York (two zones over the whole history, one per half-year,
    // the clock moving with them: said at low).
    for name in ["Normal Dev", "Starts Signing", "Moved Away"] {
        let c = contributor(&v, name);
        assert!(
            c["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["severity"] == "low" || f["severity"] == "info"),
            "{c:#}"
        );
    }
    let moved = finding("Moved Away", "shared-account");
    assert!(
        moved["summary"]
            .as_str()
            .unwrap()
            .contains("each half-year on its own shows a sleep trough"),
        "{moved:#}"
    );
    // Text and markdown name the linked contributors.
    let text = alibi(&["scan", "--color", "never", &fx("identity")]).stdout;
    assert!(text.contains("— with Lee B"), "{text}");
    let md = alibi(&["scan", "--format", "markdown", &fx("identity")]).stdout;
    assert!(md.contains("— with Kim A"), "{md}");
    // Pseudonymised names do not leak through the peers.
    let pseudo = validated_json(&alibi(&[
        "scan",
        "--pseudonymize",
        "--format",
        "json",
        &fx("identity"),
    ]));
    assert!(!serde_json::to_string(&pseudo).unwrap().contains("Lee B"));
}

#[test]
fn paths_and_revisions_follow_gits_rule() {
    let repo = pr_repo();
    // `feature` is both a branch and a directory of the work tree.
    assert!(
        git(&repo)
            .args(["branch", "feature", "main"])
            .status()
            .unwrap()
            .success()
    );
    std::fs::create_dir(repo.join("feature")).unwrap();
    let other = private_clone("basic");
    let run_in = |cwd: &Path, args: &[&str]| {
        let run = alibi_in(Some(cwd), args);
        (run.code, run.stderr)
    };
    // A relative path with `..` in it is a path, not a range.
    let up = pathdiff(&other, &repo);
    assert!(up.starts_with("../"), "{up}");
    let (code, err) = run_in(&repo, &["scan", "--format", "json", &up]);
    assert_eq!(code, 0, "{up}: {err}");
    // The range is resolved in the repository given, not in the current one.
    let back = pathdiff(&repo, &other);
    let (code, err) = run_in(&other, &["check", "main..pr", &back]);
    assert_ne!(code, 2, "{err}");
    // Neither a path nor a revision: say both, not only "bad revision".
    let (code, err) = run_in(&repo, &["scan", "nosuchdir"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no such path") && err.contains("not a revision"),
        "{err}"
    );
    // Both a path and a revision: refused, with both ways out.
    let (code, err) = run_in(&repo, &["scan", "feature"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("both a path and a revision"), "{err}");
    assert!(
        err.contains("-- feature") && err.contains("--range feature"),
        "{err}"
    );
    assert_eq!(run_in(&repo, &["scan", "--range", "feature"]).0, 0);
    assert_eq!(run_in(&repo, &["scan", "--", "feature"]).0, 0);
    // Before `--` is a revision, after it a path.
    assert_eq!(run_in(&repo, &["scan", "main..pr", "--", "."]).0, 0);
    assert_eq!(run_in(&repo, &["scan", "nosuch", "--", "."]).0, 2);
}

/// How commits are made (docs/rules.md, "Provenance"): merge-button commits
/// in US Pacific time, browser merges, a bot's squash merges at merge time,
/// a maintainer's script squashing at merge time, web-UI squash merges clicked
/// by a maintainer in another zone, patches re-created by a maintainer with
/// `git commit --author` and a mailing-list series
/// give the honest people nothing at medium or
/// above, and an impostor is still caught when his forge-made commits carry
/// the claimed zone's offsets.
#[test]
fn provenance_keeps_forge_and_mailing_list_commits_out_of_the_persons_evidence() {
    let repo = fx("provenance");
    let roster = format!("{repo}/roster.csv");
    let run = alibi(&["audit", "--roster", &roster, "--format", "json", &repo]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = validated_json(&run);
    for name in [
        "Mai Maintainer",
        "Lee Author",
        "Pat Patcher",
        "Ravi Contributor",
        "Nia Nightmerger",
        "Sam Squashed",
        "Quinn Queued",
        "Sven Subversion",
        "Rhea Release",
        "Tak Takeda",
        "Yuki Kyoto",
    ] {
        let c = contributor(&v, name);
        let strong: Vec<_> = c["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "medium" || f["severity"] == "high")
            .collect();
        assert!(strong.is_empty(), "{name}: {strong:#?}");
        assert!(
            c["verdict"] == "consistent" || c["verdict"] == "insufficient-data",
            "{name}: {}",
            c["verdict"]
        );
    }
    let set_aside = |name: &str, provenance: &str| -> u64 {
        contributor(&v, name)["profile"]["set_aside"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["provenance"] == provenance)
            .map_or(0, |a| a["commits"].as_u64().unwrap())
    };
    let timed = |name: &str| contributor(&v, name)["profile"]["timed_commits"].as_u64();
    // 35 button merges before 2014 (Pacific), 20 browser merges after.
    assert_eq!(set_aside("Mai Maintainer", "forge-merge"), 55);
    // Half of Lee's 60 pull requests squash-merged by the bot at merge time.
    assert_eq!(set_aside("Lee Author", "merged-at-merge-time"), 30);
    assert_eq!(timed("Lee Author"), Some(60));
    // Sam's 40 pull requests squashed by Mai's script at merge time (Tokyo
    // hours): the instants are Mai's; his 55 own commits are what is timed.
    assert_eq!(set_aside("Sam Squashed", "squashed-at-merge"), 40);
    assert_eq!(timed("Sam Squashed"), Some(55));
    // 30 of Quinn's pull requests squash-merged in the web UI by Una, whose
    // browser zone clicks for authors in three other zones: Una's instants.
    // Kai's, clicked at his own offset, stay his.
    assert_eq!(set_aside("Quinn Queued", "forge-squash-by-other"), 30);
    assert_eq!(timed("Quinn Queued"), Some(40));
    assert_eq!(set_aside("Kai Tokyo", "forge-squash-by-other"), 0);
    assert_eq!(set_aside("Kai Tokyo", "forge-squash"), 10);
    // Sven's 40 Subversion commits, converted by `git svn --localtime` in
    // Berlin (+0100): their offsets are the importer's, their instants his.
    assert_eq!(set_aside("Sven Subversion", "imported"), 40);
    assert_eq!(timed("Sven Subversion"), Some(80));
    // 20 of Rhea's commits back-ported by a maintainer whose tool wrote her
    // author dates at his +0800: his offsets; the instants count once, in
    // her 40 originals.
    assert_eq!(set_aside("Rhea Release", "reapplied"), 20);
    assert_eq!(timed("Rhea Release"), Some(40));
    // 40 of Tak's patches re-created by a Berlin maintainer with `git commit
    // --author` (both dates one second at her +0100) and 10 rebased copies:
    // her clock, neither instant nor offset his. Before, offset-vs-claim
    // and offset-slips at high made him a contradiction.
    assert_eq!(set_aside("Tak Takeda", "committed-for-author"), 50);
    assert_eq!(timed("Tak Takeda"), Some(40));
    // Yuki's 40, applied by the same maintainer with `git am
    // --committer-date-is-author-date`: one second, but at Yuki's +0900,
    // an offset the maintainer never writes: Yuki's own dates.
    assert_eq!(set_aside("Yuki Kyoto", "committed-for-author"), 0);
    assert_eq!(set_aside("Yuki Kyoto", "applied-by-other"), 40);
    assert_eq!(timed("Yuki Kyoto"), Some(40));
    // Fourteen five-patch series: 56 later patches, one sitting each.
    assert_eq!(set_aside("Pat Patcher", "applied-by-other"), 70);
    assert_eq!(set_aside("Pat Patcher", "mail-series"), 56);
    assert_eq!(timed("Pat Patcher"), Some(14));
    // Mai's offsets are her own +09:00 only: the button's Pacific offsets are set aside.
    let mai = contributor(&v, "Mai Maintainer");
    assert_eq!(
        mai["profile"]["dominant_offsets"].as_array().unwrap().len(),
        1
    );
    assert_eq!(mai["profile"]["dominant_offsets"][0][0], "+09:00");
    // The impostor: his own commits contradict the claim, whatever his browser said.
    let ivan = contributor(&v, "Ivan Claimant");
    assert_eq!(ivan["verdict"], "contradiction");
    let ovc = ivan["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "offset-vs-claim")
        .expect("offset-vs-claim");
    assert_eq!(ovc["severity"], "high");
    assert_eq!(ovc["evidence"]["set_aside"]["offsets_made_by_a_forge"], 20);
    assert!(rules(ivan).contains(&"circadian-mismatch".to_owned()));
    // The HTML report says what was set aside and why.
    let html = alibi(&["audit", "--roster", &roster, "--format", "html", &repo]);
    assert!(
        html.stdout.contains("merge button"),
        "no set-aside note in HTML"
    );
    // So does one contributor's story, in text and markdown.
    for format in ["text", "markdown"] {
        let show = alibi(&["show", "--format", format, "Quinn Queued", &repo]);
        assert_eq!(show.code, 0, "{}", show.stderr);
        assert!(
            show.stdout.contains("Read in part")
                && show
                    .stdout
                    .contains("30 forge-squash-by-other: squash-merged"),
            "{format}: {}",
            show.stdout
        );
    }
}

#[test]
fn forge_web_flow_signatures_link_nobody() {
    let dir = tempfile::tempdir().unwrap().keep();
    assert!(
        git(&dir)
            .args(["init", "-q", "-b", "main"])
            .status()
            .unwrap()
            .success()
    );
    let tree = String::from_utf8(
        git(&dir)
            .args(["hash-object", "-t", "tree", "-w", "/dev/null"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .to_owned();
    let web_flow = pgp_signature_with_key_id([0x4A, 0xEE, 0x18, 0xF8, 0x3A, 0xFD, 0xEB, 0x23]);
    let personal = pgp_signature_with_key_id([0xAA, 0xBB, 0xCC, 0xDD, 1, 2, 3, 4]);
    let mut parent: Option<String> = None;
    let mut t = 1_600_000_000i64;
    let mut add = |author: &str, committer: &str, signature: &str| {
        t += 3_600 + 17;
        let parent_line = parent
            .as_ref()
            .map(|p| format!("parent {p}\n"))
            .unwrap_or_default();
        let raw = format!(
            "tree {tree}\n{parent_line}author {author} {t} +0200\ncommitter {committer} {t} +0200\ngpgsig {signature}\n\nchange\n"
        );
        let mut child = git(&dir)
            .args([
                "hash-object",
                "-t",
                "commit",
                "-w",
                "--literally",
                "--stdin",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(raw.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        parent = Some(String::from_utf8(out.stdout).unwrap().trim().to_owned());
    };
    let github = "GitHub <noreply@github.com>";
    for _ in 0..4 {
        // Web commits: GitHub commits and signs them.
        add("Ana One <ana@example.org>", github, &web_flow);
        add("Ben Two <ben@example.org>", github, &web_flow);
        // The same key id on a commit people made themselves is still GitHub's.
        add(
            "Ana One <ana@example.org>",
            "Ana One <ana@example.org>",
            &web_flow,
        );
        add(
            "Ben Two <ben@example.org>",
            "Ben Two <ben@example.org>",
            &web_flow,
        );
        // Control: two identities signing with one personal key.
        add(
            "Cy Three <cy@example.org>",
            "Cy Three <cy@example.org>",
            &personal,
        );
        add(
            "Di Four <di@example.org>",
            "Di Four <di@example.org>",
            &personal,
        );
    }
    let head = parent.unwrap();
    assert!(
        git(&dir)
            .args(["update-ref", "refs/heads/main", &head])
            .status()
            .unwrap()
            .success()
    );
    let run = alibi(&["scan", "--format", "json", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = validated_json(&run);
    for name in ["Ana One", "Ben Two"] {
        assert!(
            !rules(contributor(&v, name)).contains(&"shared-signing-key".to_owned()),
            "{name} linked through GitHub's key"
        );
    }
    for name in ["Cy Three", "Di Four"] {
        assert!(
            rules(contributor(&v, name)).contains(&"shared-signing-key".to_owned()),
            "{name}: the shared personal key is not seen"
        );
    }
}

#[test]
fn sha256_repositories_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap().keep();
    assert!(
        git(&dir)
            .args(["init", "-q", "--object-format=sha256", "repo"])
            .status()
            .unwrap()
            .success()
    );
    let repo = dir.join("repo");
    commit_as(
        &repo,
        "Ada",
        "ada@example.org",
        "2024-01-02T10:00:00+01:00",
        "one",
    );
    let run = alibi(&["scan", repo.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("SHA-256 repositories are not supported yet"),
        "{}",
        run.stderr
    );
}

/// Without a terminal (a CI log), progress is a plain line now and then: none
/// for a short run by default, one per update when asked for every 0 s, with
/// repositories done when there are several; `off` silences it.
#[test]
fn progress_without_a_terminal_is_plain_lines() {
    let quiet = alibi(&["scan", "--format", "json", &fx("basic"), &fx("forged")]);
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert!(
        !quiet.stderr.contains("reading history"),
        "{}",
        quiet.stderr
    );

    let run = |seconds: &str| {
        let out = Command::cargo_bin("git-alibi")
            .unwrap()
            .args([
                "scan",
                "--format",
                "json",
                "--no-cache",
                &fx("basic"),
                &fx("forged"),
            ])
            .env("TZ", "UTC")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_ALIBI_PROGRESS_SECONDS", seconds)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            out.stdout,
            quiet.stdout.as_bytes(),
            "progress never reaches stdout"
        );
        String::from_utf8(out.stderr).unwrap()
    };
    let every = run("0");
    let lines: Vec<&str> = every
        .lines()
        .filter(|l| l.contains("reading history"))
        .collect();
    assert!(
        lines.iter().any(|l| l.contains("1 of 2 repositories done")),
        "{every}"
    );
    let last = lines.last().unwrap();
    assert!(last.contains("2 of 2 repositories done"), "{every}");
    assert!(
        !last.contains("\u{1b}"),
        "no terminal codes in a log: {last:?}"
    );
    assert!(!run("off").contains("reading history"));
}

/// Revision syntax: what the walk selects is what `git rev-list` selects, for
/// every form it accepts; message searches (`:/TEXT`, which git and gix
/// resolve in different orders) and a lone `^A` are refused with exit 2.
#[test]
fn revision_syntax_selects_what_git_selects() {
    let repo = fx("basic");
    for spec in [
        "HEAD~5..HEAD",
        "HEAD~5...feature",
        "..HEAD",
        "HEAD~4..",
        "v1.0",
        "v1.0^{commit}",
        "HEAD~2^!",
        "HEAD~2^@",
        "HEAD~3^!",
        "main@{0}~1",
        "HEAD~2^2",
        "fa42f88..HEAD~2^1",
    ] {
        let git = Command::new("git")
            .args(["-C", &repo, "rev-list", "--count", spec])
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        assert!(git.status.success(), "git refused {spec}");
        let expected: u64 = String::from_utf8_lossy(&git.stdout).trim().parse().unwrap();
        let run = alibi(&["scan", "--format", "json", "--range", spec, &repo]);
        assert_eq!(run.code, 0, "{spec}: {}", run.stderr);
        let json = validated_json(&run);
        assert_eq!(json["summary"]["commits"], expected, "{spec}");
    }
    for spec in [":/Feature", "HEAD~3..:/Feature", "^HEAD"] {
        let run = alibi(&["scan", "--range", spec, &repo]);
        assert_eq!(run.code, 2, "{spec}: {}", run.stdout);
        assert!(run.stderr.contains("error: bad revision"), "{}", run.stderr);
    }
    // One commit checked against its parent.
    let run = alibi(&["check", "--format", "json", "HEAD~1^!", &repo]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(validated_json(&run)["check"]["range_commits"], 1);
}

/// A grafts file changes what git thinks a commit's parents are; it is not
/// read here, and the run says so instead of quietly judging another history.
#[test]
fn a_grafts_file_is_named_as_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("basic");
    let status = Command::new("cp")
        .args(["-r", &fx("basic"), copy.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let plain = alibi(&["scan", "--no-cache", copy.to_str().unwrap()]);
    assert!(!plain.stderr.contains("grafts"), "{}", plain.stderr);
    std::fs::write(copy.join(".git/info/grafts"), "").unwrap();
    let run = alibi(&["scan", "--no-cache", copy.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(".git/info/grafts is not read"),
        "{}",
        run.stderr
    );
}

/// Many repositories in one run: `--discover DIR` finds work trees and bare
/// repositories (not inside one another); `--repos-from FILE` reads a list;
/// both give the same report, a repository that cannot be read is reported as
/// incomplete while the rest are read, and `--require-full-history` makes
/// that exit 2.
#[test]
fn many_repositories_from_discover_and_repos_from() {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org");
    std::fs::create_dir_all(org.join("team")).unwrap();
    for (from, to) in [
        ("basic", "org/a"),
        ("forged", "org/team/b"),
        ("bare.git", "org/c.git"),
    ] {
        let status = Command::new("cp")
            .args(["-r", &fx(from), dir.path().join(to).to_str().unwrap()])
            .status()
            .unwrap();
        assert!(status.success());
    }
    // A directory that looks like a repository and is not one.
    std::fs::create_dir_all(org.join("broken/.git")).unwrap();
    let org_s = org.to_str().unwrap();

    let discovered = alibi(&[
        "scan",
        "--format",
        "json",
        "--no-cache",
        "--discover",
        org_s,
    ]);
    assert_eq!(discovered.code, 0, "{}", discovered.stderr);
    let v = validated_json(&discovered);
    let repos: Vec<&str> = v["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(repos.len(), 3, "{repos:?}");
    assert!(
        repos[0].ends_with("org/a") && repos[2].ends_with("org/team/b"),
        "{repos:?}"
    );
    assert_eq!(v["incomplete"], true);
    let reasons = v["incomplete_reasons"].to_string();
    assert!(reasons.contains("broken: not read"), "{reasons}");
    assert!(
        discovered.stderr.contains("broken: not read"),
        "{}",
        discovered.stderr
    );

    let list = dir.path().join("repos.txt");
    let lines: Vec<String> = ["a", "broken", "c.git", "team/b"]
        .iter()
        .map(|p| org.join(p).to_string_lossy().into_owned())
        .collect();
    std::fs::write(&list, format!("# the fleet\n{}\n\n", lines.join("\n"))).unwrap();
    let listed = alibi(&[
        "scan",
        "--format",
        "json",
        "--no-cache",
        "--repos-from",
        list.to_str().unwrap(),
    ]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert_eq!(
        listed.stdout, discovered.stdout,
        "same repositories, same report"
    );

    // Every format says where each person's commits are.
    let text = alibi(&["scan", "--no-cache", "--discover", org_s]);
    assert!(
        text.stdout.contains("  commits by repository: "),
        "{}",
        text.stdout
    );
    let csv = alibi(&["scan", "--format", "csv", "--discover", org_s]);
    assert!(
        csv.stdout
            .lines()
            .next()
            .unwrap()
            .ends_with(",repositories"),
        "{}",
        csv.stdout
    );
    assert!(csv.stdout.contains("org/a=") && csv.stdout.contains("org/team/b="));
    let markdown = alibi(&["scan", "--format", "markdown", "--discover", org_s]);
    assert!(
        markdown.stdout.contains("org/team/b "),
        "{}",
        markdown.stdout
    );

    // The same reports from Parquet extracts: one file for the whole fleet,
    // and a directory of one file per repository (as a batch system would
    // write them), with a repository that cannot be read kept in its place.
    let all = dir.path().join("all.parquet");
    let all_s = all.to_str().unwrap();
    let extracted = alibi(&[
        "extract",
        "--no-cache",
        "-j",
        "2",
        "--discover",
        org_s,
        "-o",
        all_s,
    ]);
    assert_eq!(extracted.code, 0, "{}", extracted.stderr);
    assert!(
        extracted.stderr.contains("of 4 repositories"),
        "{}",
        extracted.stderr
    );
    let from_facts = alibi(&["scan", "--format", "json", "--facts", all_s]);
    assert_eq!(from_facts.code, 0, "{}", from_facts.stderr);
    assert_eq!(
        from_facts.stdout, discovered.stdout,
        "facts give the report the repositories give"
    );
    let facts_dir = dir.path().join("facts");
    std::fs::create_dir_all(&facts_dir).unwrap();
    for (k, line) in lines.iter().enumerate() {
        let one = dir.path().join(format!("one-{k}.txt"));
        std::fs::write(&one, line).unwrap();
        let out = facts_dir.join(format!("{k:02}.parquet"));
        let run = alibi(&[
            "extract",
            "--repos-from",
            one.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let from_dir = alibi(&[
        "scan",
        "--format",
        "json",
        "--facts",
        facts_dir.to_str().unwrap(),
    ]);
    assert_eq!(from_dir.stdout, listed.stdout);
    // An audit with claims, and the mailmap left out, agree too.
    let roster = write_roster("email,location\nalice@example.org,America/New_York\n");
    for extra in [&[][..], &["--no-mailmap"][..]] {
        let run = |source: &[&str]| {
            let mut args = vec![
                "audit",
                "--format",
                "json",
                "--roster",
                roster.to_str().unwrap(),
            ];
            args.extend_from_slice(extra);
            args.extend_from_slice(source);
            let run = alibi(&args);
            assert_eq!(run.code, 0, "{}", run.stderr);
            validated_json(&run);
            run.stdout
        };
        assert_eq!(run(&["--facts", all_s]), run(&["--discover", org_s]));
    }
    // Facts replace the repositories: no paths, ranges or refs with them
    // (check takes its range; tests/cli/check.rs).
    for bad in [
        &["scan", "--facts", all_s, org_s][..],
        &["scan", "--facts", all_s, "--all-refs"][..],
        &["scan", "--facts", all_s, "--range", "HEAD~1..HEAD"][..],
        &["check", "--facts", all_s, "HEAD~1..HEAD", org_s][..],
    ] {
        let run = alibi(bad);
        assert_eq!(run.code, 2, "{bad:?}: {}", run.stderr);
        assert!(run.stderr.contains("--facts"), "{}", run.stderr);
    }
    // One repository at a time gives the same report as several at once.
    let one_at_a_time = alibi(&[
        "scan",
        "--format",
        "json",
        "--no-cache",
        "-j",
        "1",
        "--discover",
        org_s,
    ]);
    assert_eq!(one_at_a_time.stdout, discovered.stdout);
    // Pseudonymised facts: people's names and emails do not leave the
    // machine; a bot keeps its name (the analysis tells bots apart by it).
    let pseudo = dir.path().join("pseudo.parquet");
    let run = alibi(&[
        "extract",
        "--pseudonymize",
        "--pseudonym-salt",
        "s3cret",
        "--discover",
        org_s,
        "-o",
        pseudo.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bytes = std::fs::read(&pseudo).unwrap();
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(!contains(b"alice@example.org") && !contains(b"Alice Example"));
    let from_pseudo = alibi(&[
        "scan",
        "--format",
        "json",
        "--show-emails",
        "--facts",
        pseudo.to_str().unwrap(),
    ]);
    let v = validated_json(&from_pseudo);
    let names: Vec<&str> = v["contributors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(names.iter().any(|n| n.starts_with("person-")), "{names:?}");
    assert!(!names.contains(&"Alice Example"), "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.contains("[bot]") || n.contains("bot")),
        "a bot keeps its name: {names:?}"
    );
    assert_eq!(
        v["summary"]["commits"],
        serde_json::from_str::<Value>(&discovered.stdout).unwrap()["summary"]["commits"]
    );

    let not_facts = alibi(&["scan", "--facts", list.to_str().unwrap()]);
    assert_eq!(not_facts.code, 2);
    assert!(
        not_facts.stderr.contains("not a Parquet file"),
        "{}",
        not_facts.stderr
    );

    let strict = alibi(&[
        "scan",
        "--no-cache",
        "--require-full-history",
        "--discover",
        org_s,
    ]);
    assert_eq!(strict.code, 2, "{}", strict.stderr);
    let nothing = alibi(&[
        "scan",
        "--discover",
        dir.path().join("org/team/b/.git").to_str().unwrap(),
    ]);
    assert_eq!(
        nothing.code, 0,
        "a bare git directory is a repository: {}",
        nothing.stderr
    );
    let empty = tempfile::tempdir().unwrap();
    let none = alibi(&["scan", "--discover", empty.path().to_str().unwrap()]);
    assert_eq!(none.code, 2);
    assert!(
        none.stderr.contains("no repository below it"),
        "{}",
        none.stderr
    );
}
