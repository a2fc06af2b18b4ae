//! End-to-end tests of the `git-alibi` binary on fixture repositories built by
//! `fixtures/build.sh` (and synthetic ones through `git fast-import`).
#![recursion_limit = "256"]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

fn fixtures() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // Outside the project tree, so repository discovery cannot climb into it.
        let dir = tempfile::Builder::new()
            .prefix("git-alibi-fixtures")
            .tempdir()
            .unwrap()
            .keep();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/build.sh");
        let out = Command::new("bash").arg(script).arg(&dir).output().unwrap();
        assert!(
            out.status.success(),
            "fixtures failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        build_synthetic(&dir.join("population"));
        build_calendar_population(&dir.join("calendars"));
        // A commit-graph copy: thousands of commits, so several decoding batches on several threads.
        let graph = dir.join("population-graph");
        assert!(
            git(&dir)
                .args([
                    "clone",
                    "-q",
                    "--no-local",
                    "population",
                    "population-graph"
                ])
                .status()
                .unwrap()
                .success()
        );
        assert!(
            git(&graph)
                .args(["commit-graph", "write", "--reachable"])
                .status()
                .unwrap()
                .success()
        );
        dir
    })
}

fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .env("TZ", "UTC")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null");
    c
}

/// An honest New Yorker and an impostor living at UTC+9 whose offsets were
/// rewritten to New York's real (DST-aware) offsets: only timing betrays them.
fn build_synthetic(dir: &Path) {
    use git_alibi::synth::{OffsetMode, Person, Rng, SimIdentity, simulate, zone};
    std::fs::create_dir_all(dir).unwrap();
    assert!(
        git(dir)
            .args(["init", "-q", "-b", "main"])
            .status()
            .unwrap()
            .success()
    );
    let mut rng = Rng::new(42);
    let start = chrono::NaiveDate::from_ymd_opt(2023, 1, 2).unwrap();
    let honest = Person::new(&mut rng, "Honest Nyc", zone("America/New_York"));
    let mut impostor = Person::new(&mut rng, "Imposter Nyc", zone("Asia/Pyongyang"));
    impostor.offsets = OffsetMode::Zone(zone("America/New_York"));
    let mut fixed = Person::new(&mut rng, "Fixed Nyc", zone("Asia/Shanghai"));
    fixed.offsets = OffsetMode::Fixed(-300);
    let shared_a = Person::new(&mut rng, "Shared Acct", zone("America/New_York"));
    let shared_b = Person::new(&mut rng, "Shared Acct", zone("Asia/Shanghai"));
    let mut shared = simulate(&mut rng, &shared_a, start, 300);
    shared.extend(simulate(&mut rng, &shared_b, start, 300));
    let ids = vec![
        SimIdentity {
            name: fixed.name.clone(),
            email: "fixed@example.org".into(),
            commits: simulate(&mut rng, &fixed, start, 300),
        },
        SimIdentity {
            name: "Shared Acct".into(),
            email: "shared@example.org".into(),
            commits: shared,
        },
        SimIdentity {
            name: honest.name.clone(),
            email: "honest@example.org".into(),
            commits: simulate(&mut rng, &honest, start, 300),
        },
        SimIdentity {
            name: impostor.name.clone(),
            email: "impostor@example.org".into(),
            commits: simulate(&mut rng, &impostor, start, 300),
        },
    ];
    let mut child = git(dir)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    git_alibi::synth::write_fast_import(child.stdin.as_mut().unwrap(), &ids, "main").unwrap();
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
}

/// Two years at UTC+9 and UTC+8, where hours and offsets cannot tell
/// countries apart: an honest Tokyo developer keeping Japan's calendar, a
/// "Tokyo" developer keeping the DPRK's (Monday–Saturday, its holidays), an
/// honest Singapore developer, and a "Singapore" developer keeping China's
/// calendar (its holidays and make-up workdays). Offsets are the claimed
/// zones' own.
fn build_calendar_population(dir: &Path) {
    use git_alibi::synth::{OffsetMode, Person, Rng, SimIdentity, simulate, zone};
    std::fs::create_dir_all(dir).unwrap();
    assert!(
        git(dir)
            .args(["init", "-q", "-b", "main"])
            .status()
            .unwrap()
            .success()
    );
    let mut rng = Rng::new(7);
    let start = chrono::NaiveDate::from_ymd_opt(2022, 1, 3).unwrap();
    let people = [
        (
            "Kenji Honest",
            "kenji@example.jp",
            "Asia/Tokyo",
            "Asia/Tokyo",
            "JP",
        ),
        (
            "Tokyo Claimant",
            "tokyo@example.jp",
            "Asia/Pyongyang",
            "Asia/Tokyo",
            "KP",
        ),
        (
            "Mei Honest",
            "mei@example.sg",
            "Asia/Singapore",
            "Asia/Singapore",
            "SG",
        ),
        (
            "Singapore Claimant",
            "sg@example.sg",
            "Asia/Shanghai",
            "Asia/Singapore",
            "CN",
        ),
    ];
    let ids: Vec<SimIdentity> = people
        .iter()
        .map(|(name, email, real, shown, cal)| {
            let mut p = Person::new(&mut rng, name, zone(real));
            p.offsets = OffsetMode::Zone(zone(shown));
            p.calendar = Some(cal);
            p.sessions_per_day = 1.4;
            SimIdentity {
                name: (*name).into(),
                email: (*email).into(),
                commits: simulate(&mut rng, &p, start, 730),
            }
        })
        .collect();
    let mut child = git(dir)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    git_alibi::synth::write_fast_import(child.stdin.as_mut().unwrap(), &ids, "main").unwrap();
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn alibi(args: &[&str]) -> Run {
    alibi_in(None, args)
}

/// The binary run from `cwd` (default: the test's own directory).
fn alibi_in(cwd: Option<&Path>, args: &[&str]) -> Run {
    let mut cmd = Command::cargo_bin("git-alibi").unwrap();
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let out = cmd
        .args(args)
        .env("TZ", "UTC")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GIT_ALIBI_SALT")
        .env_remove("GIT_ALIBI_PROGRESS_SECONDS")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn fx(name: &str) -> String {
    fixtures().join(name).to_string_lossy().into_owned()
}

fn validated_json(run: &Run) -> Value {
    let v: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout));
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    let validator = SCHEMA.get_or_init(|| {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema/report.schema.json"),
        )
        .unwrap();
        jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
    });
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema errors: {errors:#?}");
    v
}

fn contributor<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["contributors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no contributor {name}"))
}

fn rules(c: &Value) -> Vec<String> {
    c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

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
fn offset_slips_fire_on_alternation() {
    let v = validated_json(&alibi(&["scan", "--format", "json", &fx("slips")]));
    let c = contributor(&v, "Slippy");
    let f = &c["findings"][0];
    assert_eq!(f["rule"], "offset-slips");
    assert_eq!(f["severity"], "high");
    assert_eq!(f["evidence"]["excursions"], 12);
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

/// Contributors without the per-repository paths, for comparing two clones.
fn contributors_without_paths(v: &Value) -> Vec<Value> {
    let mut list = v["contributors"].as_array().unwrap().clone();
    for c in &mut list {
        c.as_object_mut().unwrap().remove("repositories");
    }
    list
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

/// `audit --roster ROSTER --format json REPO`, validated against the schema.
fn audit_json(roster: &Path, repo: &str) -> (Run, Value) {
    let run = alibi(&[
        "audit",
        "--roster",
        roster.to_str().unwrap(),
        "--format",
        "json",
        repo,
    ]);
    let v = validated_json(&run);
    (run, v)
}

fn write_roster(body: &str) -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let path = dir.join("roster.csv");
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn audit_flags_dst_aware_impostor_and_clears_honest_person() {
    let roster = write_roster(
        "email,name,location,team\nhonest@example.org,Honest,America/New_York,a\nimpostor@example.org,Imp,America/New_York,b\nghost@example.org,Ghost,US,c\n",
    );
    let (run, v) = audit_json(&roster, &fx("population"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let imp = contributor(&v, "Imposter Nyc");
    assert!(
        rules(imp).contains(&"circadian-mismatch".to_owned()),
        "{imp:#}"
    );
    assert!(["suspicious", "contradiction"].contains(&imp["verdict"].as_str().unwrap()));
    // Offsets were rewritten DST-aware: no offset rule fires.
    assert!(!rules(imp).contains(&"offset-vs-claim".to_owned()));
    let inferred = imp["inferred_utc_offset_hours"].as_f64().unwrap();
    // The point estimate carries the person's own chronotype; it sits far east of New York.
    assert!(inferred >= 5.0, "inferred {inferred}");
    // Read in New York time, the impostor works at night; the honest New Yorker sleeps then.
    let night = |c: &Value| c["claimed_local_time"]["night_share"].as_f64().unwrap();
    let honest = contributor(&v, "Honest Nyc");
    assert!(
        night(imp) > 0.3 && night(honest) < 0.1,
        "{} vs {}",
        night(imp),
        night(honest)
    );
    let trough = honest["claimed_local_time"]["sleep_trough_start_hour"]
        .as_u64()
        .unwrap();
    assert!(trough <= 6 || trough >= 22, "honest trough at {trough}");
    assert_eq!(honest["verdict"], "consistent", "{honest:#}");
    assert_eq!(honest["claim"]["location"], "America/New_York");
    // The ghost matches nobody: a warning, and listed.
    assert!(run.stderr.contains("matches no contributor"));
    assert_eq!(v["unmatched_claims"].as_array().unwrap().len(), 1);
    // The impostor ranks above the honest person.
    let pos = |name: &str| {
        v["contributors"]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| c["name"] == name)
            .unwrap()
    };
    assert!(pos("Imposter Nyc") < pos("Honest Nyc"));
    // --fail-on applies to audit.
    let gate = alibi(&[
        "audit",
        "--roster",
        roster.to_str().unwrap(),
        "--fail-on",
        "medium",
        &fx("population"),
    ]);
    assert_eq!(gate.code, 1);
    assert!(gate.stdout.contains("circadian-mismatch"));
}

#[test]
fn audit_fixed_offset_and_shared_account() {
    let roster = write_roster(
        "email,location\nfixed@example.org,America/New_York\nshared@example.org,America/New_York\n",
    );
    let (_, v) = audit_json(&roster, &fx("population"));
    let fixed = contributor(&v, "Fixed Nyc");
    let r = rules(fixed);
    assert!(r.contains(&"no-daylight-saving".to_owned()), "{r:?}");
    assert!(r.contains(&"offset-vs-claim".to_owned()), "{r:?}");
    assert!(r.contains(&"circadian-mismatch".to_owned()), "{r:?}");
    // Offsets and rhythm agree: two independent families.
    assert_eq!(fixed["verdict"], "contradiction");
    let shared = contributor(&v, "Shared Acct");
    assert!(
        rules(shared).contains(&"shared-account".to_owned()),
        "{:?}",
        rules(shared)
    );
}

#[test]
fn audit_fixed_offset_impostor_gets_offset_evidence() {
    // Alice claims Tokyo: her New York offsets were never Tokyo's.
    let roster = write_roster("email,location\nalice@example.org,Asia/Tokyo\nkim@example.kr,KR\n");
    let (_, v) = audit_json(&roster, &fx("basic"));
    let alice = contributor(&v, "Alice Example");
    assert!(rules(alice).contains(&"offset-vs-claim".to_owned()));
    assert_eq!(contributor(&v, "Kim Minsu")["claim"]["kind"], "country");
    assert!(contributor(&v, "Ravi Kumar")["claim"].is_null());
    assert!(contributor(&v, "Ravi Kumar")["claimed_local_time"].is_null());
}

#[test]
fn bad_roster_lines_exit_2_with_line_and_hint() {
    let roster =
        write_roster("email,name,location\na@x.org,A,Europe/Berlin\nb@x.org,B,America/Chicgo\n");
    let run = alibi(&["audit", "--roster", roster.to_str().unwrap(), &fx("basic")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("roster.csv:3"), "{}", run.stderr);
    assert!(run.stderr.contains("America/Chicago"), "{}", run.stderr);
    let roster = write_roster("mail,where\na@x.org,US\n");
    assert_eq!(
        alibi(&["audit", "--roster", roster.to_str().unwrap(), &fx("basic")]).code,
        2
    );
    assert_eq!(
        alibi(&["audit", "--roster", "/nonexistent/roster.csv", &fx("basic")]).code,
        2
    );
    // audit with no claims at all is a usage error.
    assert_eq!(alibi(&["audit", &fx("basic")]).code, 2);
}

#[test]
fn repo_config_claims() {
    let dir = tempfile::tempdir().unwrap().keep();
    let repo = dir.join("cfg");
    let status = Command::new("git")
        .args(["clone", "-q", &fx("basic"), repo.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::write(
        repo.join(".git-alibi.toml"),
        "[thresholds]\nmin_commits = 1\nmin_weeks = 1\n\n[[contributor]]\nemails = [\"alice@example.org\"]\nlocation = \"America/New_York\"\n",
    )
    .unwrap();
    let v = validated_json(&alibi(&[
        "audit",
        "--format",
        "json",
        repo.to_str().unwrap(),
    ]));
    let alice = contributor(&v, "Alice Example");
    assert_eq!(alice["claim"]["source"], ".git-alibi.toml:7");
    std::fs::write(
        repo.join(".git-alibi.toml"),
        "[[contributor]]\nemails = [\"a@x\"]\nlocation = \"Europe/Berln\"\n",
    )
    .unwrap();
    let bad = alibi(&["audit", repo.to_str().unwrap()]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("Europe/Berlin"), "{}", bad.stderr);
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
fn mailmap_file_from_config_and_no_mailmap() {
    let dir = tempfile::tempdir().unwrap().keep();
    let repo = dir.join("mm");
    assert!(
        git(&dir)
            .args(["clone", "-q", &fx("basic"), repo.to_str().unwrap()])
            .status()
            .unwrap()
            .success()
    );
    // Drop the in-tree .mailmap; point mailmap.file at a map that merges Ravi into Sita's address.
    std::fs::remove_file(repo.join(".mailmap")).unwrap();
    let map = dir.join("extra.mailmap");
    std::fs::write(&map, "Sita Sharma <sita@example.np> <ravi@example.in>\n").unwrap();
    assert!(
        git(&repo)
            .args(["config", "mailmap.file", map.to_str().unwrap()])
            .status()
            .unwrap()
            .success()
    );
    let v = validated_json(&alibi(&[
        "scan",
        "--format",
        "json",
        repo.to_str().unwrap(),
    ]));
    assert_eq!(contributor(&v, "Sita Sharma")["commits"], 4);
    // --no-mailmap keeps them apart.
    let v = validated_json(&alibi(&[
        "scan",
        "--format",
        "json",
        "--no-mailmap",
        repo.to_str().unwrap(),
    ]));
    assert_eq!(contributor(&v, "Sita Sharma")["commits"], 1);
    assert_eq!(contributor(&v, "Ravi Kumar")["commits"], 3);
}

// ---------------------------------------------------------------------------
// `check`, CI formats, accepted findings, the commit cache.

/// A private clone of a fixture (tests that add commits or caches must not
/// disturb the shared fixtures).
fn private_clone(name: &str) -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let repo = dir.join(name);
    assert!(
        git(&dir)
            .args([
                "clone",
                "-q",
                "--no-local",
                &fx(name),
                repo.to_str().unwrap()
            ])
            .status()
            .unwrap()
            .success()
    );
    repo
}

/// Add a commit on the current branch with an explicit author and date.
fn commit_as(repo: &Path, name: &str, email: &str, date: &str, message: &str) {
    assert!(
        git(repo)
            .args(["commit", "-q", "--allow-empty", "-m", message])
            .env("GIT_AUTHOR_NAME", name)
            .env("GIT_AUTHOR_EMAIL", email)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_NAME", name)
            .env("GIT_COMMITTER_EMAIL", email)
            .env("GIT_COMMITTER_DATE", date)
            .status()
            .unwrap()
            .success()
    );
}

/// Commit `files` (path, content) on `branch` as the repository's admin,
/// then check `pr` out again: settings that `check` trusts live on the base.
fn commit_files_on(repo: &Path, branch: &str, files: &[(&str, &str)]) {
    let sh = |args: &[&str]| assert!(git(repo).args(args).status().unwrap().success(), "{args:?}");
    sh(&["checkout", "-q", branch]);
    for (path, content) in files {
        std::fs::write(repo.join(path), content).unwrap();
        sh(&["add", "-f", path]);
    }
    commit_as(
        repo,
        "Repo Admin",
        "admin@example.org",
        "2023-11-05T09:00:00-05:00",
        "Settings",
    );
    sh(&["checkout", "-q", "pr"]);
}

/// A pull request on the synthetic population: `pr` has two commits by the
/// honest New Yorker at ordinary hours and one by the DST-aware impostor.
fn pr_repo() -> PathBuf {
    let repo = private_clone("population");
    assert!(
        git(&repo)
            .args(["checkout", "-q", "-b", "pr"])
            .status()
            .unwrap()
            .success()
    );
    commit_as(
        &repo,
        "Honest Nyc",
        "honest@example.org",
        "2023-11-01T10:15:00-04:00",
        "Fix parser",
    );
    commit_as(
        &repo,
        "Honest Nyc",
        "honest@example.org",
        "2023-11-01T14:40:00-04:00",
        "Add tests",
    );
    commit_as(
        &repo,
        "Imposter Nyc",
        "impostor@example.org",
        "2023-11-02T02:10:00-04:00",
        "Tune cache",
    );
    repo
}

/// A branch `pyongyang` with three commits by the honest person at `+0830` in 2017.
fn pyongyang_repo() -> PathBuf {
    let repo = private_clone("population");
    assert!(
        git(&repo)
            .args(["checkout", "-q", "-b", "pyongyang", "main"])
            .status()
            .unwrap()
            .success()
    );
    for day in 10..13 {
        commit_as(
            &repo,
            "Honest Nyc",
            "honest@example.org",
            &format!("2017-03-{day}T10:00:00+08:30"),
            "Odd clock",
        );
    }
    repo
}

fn check_roster() -> PathBuf {
    write_roster(
        "email,location\nhonest@example.org,America/New_York\nimpostor@example.org,America/New_York\n",
    )
}

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
    let v = validated_json(&alibi(&[
        "check",
        "--format",
        "json",
        "HEAD~1..HEAD",
        repo.to_str().unwrap(),
    ]));
    let names: Vec<&str> = v["contributors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Alice Example"]);
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

/// Required structure of SARIF 2.1.0 as GitHub code scanning reads it.
fn sarif_schema() -> Value {
    serde_json::json!({
        "type": "object",
        "required": ["version", "runs", "$schema"],
        "properties": {
            "version": {"const": "2.1.0"},
            "runs": {"type": "array", "minItems": 1, "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {"type": "object", "required": ["driver"], "properties": {
                        "driver": {"type": "object", "required": ["name", "rules"], "properties": {
                            "name": {"type": "string"},
                            "rules": {"type": "array", "minItems": 7, "items": {
                                "type": "object",
                                "required": ["id", "name", "shortDescription", "fullDescription", "help"],
                                "properties": {
                                    "id": {"type": "string"},
                                    "shortDescription": {"type": "object", "required": ["text"]},
                                    "help": {"type": "object", "required": ["text", "markdown"]}
                                }
                            }}
                        }}
                    }},
                    "results": {"type": "array", "items": {
                        "type": "object",
                        "required": ["ruleId", "ruleIndex", "level", "message", "locations", "partialFingerprints"],
                        "properties": {
                            "level": {"enum": ["none", "note", "warning", "error"]},
                            "message": {"type": "object", "required": ["text"]},
                            "locations": {"type": "array", "minItems": 1, "items": {
                                "type": "object", "required": ["physicalLocation"],
                                "properties": {"physicalLocation": {
                                    "type": "object", "required": ["artifactLocation", "region"],
                                    "properties": {
                                        "artifactLocation": {"type": "object", "required": ["uri"],
                                            "properties": {"uri": {"type": "string", "minLength": 1}}},
                                        "region": {"type": "object", "required": ["startLine"],
                                            "properties": {"startLine": {"type": "integer", "minimum": 1}}}
                                    }
                                }}
                            }},
                            "partialFingerprints": {"type": "object", "minProperties": 1}
                        }
                    }}
                }
            }}
        }
    })
}

/// Required structure of a GitLab Code Quality report.
fn gitlab_schema() -> Value {
    serde_json::json!({
        "type": "array",
        "items": {
            "type": "object",
            "required": ["description", "check_name", "fingerprint", "severity", "location"],
            "properties": {
                "description": {"type": "string", "minLength": 1},
                "check_name": {"type": "string"},
                "fingerprint": {"type": "string", "minLength": 1},
                "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
                "location": {"type": "object", "required": ["path", "lines"], "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {"type": "object", "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}}}
                }}
            }
        }
    })
}

fn assert_valid(schema: &Value, v: &Value) {
    let validator = jsonschema::validator_for(schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{v:#}");
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
    use git_alibi::history::{ReadOptions, read};
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
fn github_action_range_script() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("ci/github-range.sh");
    let run = |env: &[(&str, &str)]| {
        let mut c = Command::new("bash");
        c.arg(&script)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap());
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        )
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
    assert_eq!(
        run(&[
            ("EVENT_NAME", "push"),
            ("PUSH_BEFORE", "ccc"),
            ("PUSH_AFTER", "ddd")
        ]),
        (0, "ccc..ddd".into())
    );
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

// ---------------------------------------------------------------------------
// Reports for people: HTML, `show`, hostile strings in every format.

fn hostile_roster() -> PathBuf {
    write_roster(
        "email,location\nevil@example.org,America/New_York\nnul@example.org,Europe/Berlin\nhuge@example.org,US\n",
    )
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

fn impostor_roster() -> PathBuf {
    write_roster(
        "email,location\nhonest@example.org,America/New_York\nimpostor@example.org,America/New_York\nfixed@example.org,America/New_York\nshared@example.org,America/New_York\n",
    )
}

#[test]
fn html_report_puts_the_impostors_day_in_the_claimed_night() {
    let roster = impostor_roster();
    let run = alibi(&[
        "audit",
        "--roster",
        roster.to_str().unwrap(),
        "--format",
        "html",
        &fx("population"),
    ]);
    assert_eq!(run.code, 0);
    let html = &run.stdout;
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Self-contained: a CSP that forbids every fetch, and no URL anywhere.
    assert!(html.contains("default-src 'none'"));
    for needle in [
        "http://",
        "https://",
        "src=\"//",
        "href=\"//",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(needle), "found {needle}");
    }
    // One section per claimed contributor, each with two heatmaps (claimed and UTC).
    assert_eq!(
        html.matches("<section class=\"card contributor\"").count(),
        4
    );
    assert_eq!(html.matches("<svg class=\"heatmap\"").count(), 8);
    assert_eq!(html.matches("class=\"workday\"").count(), 4);
    // The ranking puts the honest person last.
    let pos = |s: &str| html.find(s).unwrap();
    assert!(pos(">Imposter Nyc<") < pos(">Honest Nyc<"));
    // The impostor's week in claimed time: more commits in the claimed night
    // (00–06) than in the claimed working day (Mon–Fri 09–18).
    let v = validated_json(&alibi(&[
        "audit",
        "--roster",
        roster.to_str().unwrap(),
        "--format",
        "json",
        &fx("population"),
    ]));
    let week = |name: &str| -> Vec<Vec<u64>> {
        contributor(&v, name)["claimed_local_time"]["commits_by_weekday_hour"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                d.as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_u64().unwrap())
                    .collect()
            })
            .collect()
    };
    let split = |w: &[Vec<u64>]| {
        let work: u64 = w[..5].iter().map(|d| d[9..18].iter().sum::<u64>()).sum();
        let night: u64 = w.iter().map(|d| d[0..6].iter().sum::<u64>()).sum();
        (work, night)
    };
    let (work, night) = split(&week("Imposter Nyc"));
    assert!(
        night > work,
        "impostor: {night} at night vs {work} in the working day"
    );
    let (work, night) = split(&week("Honest Nyc"));
    assert!(
        work > 5 * night,
        "honest: {work} in the working day vs {night} at night"
    );
}

/// The HTML reduced to its element structure (tag and class), runs of
/// identical lines collapsed: what the snapshot pins, without text.
fn html_skeleton(html: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut depth = 0usize;
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        rest = &rest[end.min(rest.len())..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            depth = depth.saturating_sub(1);
            let _ = name;
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let class = tag
            .split("class=\"")
            .nth(1)
            .and_then(|c| c.split('"').next())
            .map(|c| format!(".{}", c.replace(' ', ".")))
            .unwrap_or_default();
        lines.push(format!("{}{name}{class}", "  ".repeat(depth)));
        let void = ["meta", "input", "br", "line", "polyline", "rect", "path"]
            .contains(&name.as_str())
            || tag.ends_with('/');
        // Void elements and those closed on the same line do not nest.
        if !void && name != "script" && name != "style" {
            depth += 1;
        }
        if (name == "script" || name == "style")
            && let Some(close) = rest.find(&format!("</{name}>"))
        {
            rest = &rest[close + name.len() + 3..];
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let mut j = i + 1;
        while j < lines.len() && lines[j] == lines[i] {
            j += 1;
        }
        if j - i > 1 {
            out.push(format!("{} ×{}", lines[i], j - i));
        } else {
            out.push(lines[i].clone());
        }
        i = j;
    }
    out.join("\n")
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

fn find_browser() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::var("PATH").unwrap_or_default().split(':') {
            let p = Path::new(dir).join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
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

#[test]
fn calendars_tell_apart_countries_that_share_an_offset() {
    let roster = write_roster(
        "email,location\nkenji@example.jp,Asia/Tokyo\ntokyo@example.jp,JP\nmei@example.sg,SG\nsg@example.sg,Asia/Singapore\n",
    );
    let (run, v) = audit_json(&roster, &fx("calendars"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let finding = |name: &str, rule: &str| -> Option<Value> {
        contributor(&v, name)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .cloned()
    };
    // The DPRK calendar explains the "Tokyo" developer's days off.
    let kp = finding("Tokyo Claimant", "holiday-calendar")
        .expect("holiday-calendar for the Tokyo claimant");
    assert_eq!(kp["evidence"]["best_country"], "KP", "{kp:#}");
    assert!(kp["summary"].as_str().unwrap().contains("North Korea"));
    let week =
        finding("Tokyo Claimant", "weekly-rhythm").expect("weekly-rhythm for the Tokyo claimant");
    assert!(
        week["summary"]
            .as_str()
            .unwrap()
            .contains("Monday–Saturday"),
        "{week:#}"
    );
    // Calendar evidence alone is an indicator to review, not a verdict: on real
    // histories a calendar finding at medium fired on 0.7 % of honest people
    // and no positive (docs/accuracy.md). It still ranks them first.
    assert!(
        kp["severity"] == "medium" || kp["severity"] == "high",
        "{kp:#}"
    );
    let honest_risk = contributor(&v, "Kenji Honest")["risk"].as_f64().unwrap();
    assert!(contributor(&v, "Tokyo Claimant")["risk"].as_f64().unwrap() > honest_risk);
    // China's holidays and make-up workdays explain the "Singapore" developer's.
    let cn = finding("Singapore Claimant", "holiday-calendar")
        .expect("holiday-calendar for the Singapore claimant");
    assert_eq!(cn["evidence"]["best_country"], "CN", "{cn:#}");
    assert!(
        cn["evidence"]["best_country_makeup_workdays"]["active"]
            .as_u64()
            .unwrap()
            >= 3
    );
    assert!(
        contributor(&v, "Singapore Claimant")["risk"]
            .as_f64()
            .unwrap()
            > contributor(&v, "Mei Honest")["risk"].as_f64().unwrap()
    );
    // The honest ones keep their own calendars: nothing, consistent.
    for name in ["Kenji Honest", "Mei Honest"] {
        let c = contributor(&v, name);
        assert_eq!(c["verdict"], "consistent", "{name}: {:#}", c["findings"]);
    }
    // The data behind it is printable.
    let cal = alibi(&["calendar", "KP", "2024"]);
    assert_eq!(cal.code, 0);
    assert!(cal.stdout.contains("weekend Sunday"));
    assert!(
        cal.stdout.contains("2024-04-15 Monday    Day of the Sun"),
        "{}",
        cal.stdout
    );
    let cn = alibi(&["calendar", "cn", "2025", "--format", "json"]);
    let j: Value = serde_json::from_str(&cn.stdout).unwrap();
    assert!(
        j["makeup_workdays"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == "2025-01-26")
    );
    assert_eq!(alibi(&["calendar", "XX"]).code, 2);
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

/// Run the binary under a pseudo-terminal (`script` from util-linux), so
/// stdout and stderr are terminals and the progress bar draws; `None` when it
/// has not finished within the deadline (the process group is killed).
fn alibi_in_terminal(args: &[&str], cwd: &Path) -> Option<i32> {
    let bin = assert_cmd::cargo::cargo_bin("git-alibi");
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let line = std::iter::once(bin.to_str().unwrap())
        .chain(args.iter().copied())
        .map(quote)
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .current_dir(cwd)
        .env("TZ", "UTC")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("`script` (util-linux) is needed to run the binary under a terminal");
    // Generous: a hang is forever, a slow shared machine is seconds.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status.code().unwrap_or(-1));
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
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

/// `to` relative to `from` (both absolute), with `..` components.
fn pathdiff(to: &Path, from: &Path) -> String {
    let to: Vec<_> = to.components().collect();
    let from: Vec<_> = from.components().collect();
    let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// How commits are made (docs/rules.md, "Provenance"): merge-button commits
/// in US Pacific time, browser merges, a bot's squash merges at merge time
/// and a mailing-list series give the honest people nothing at medium or
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
    // 35 button merges before 2014 (Pacific), 20 browser merges after.
    assert_eq!(set_aside("Mai Maintainer", "forge-merge"), 55);
    // Half of Lee's 60 pull requests squash-merged by the bot at merge time.
    assert_eq!(set_aside("Lee Author", "merged-at-merge-time"), 30);
    assert_eq!(
        contributor(&v, "Lee Author")["profile"]["timed_commits"],
        60
    );
    // Fourteen five-patch series: 56 later patches, one sitting each.
    assert_eq!(set_aside("Pat Patcher", "applied-by-other"), 70);
    assert_eq!(set_aside("Pat Patcher", "mail-series"), 56);
    assert_eq!(
        contributor(&v, "Pat Patcher")["profile"]["timed_commits"],
        14
    );
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
}

/// An OpenPGP signature (armored, as in a `gpgsig` header) whose only issuer
/// information is the key id subpacket.
fn pgp_signature_with_key_id(key_id: [u8; 8]) -> String {
    use base64::Engine;
    let mut unhashed = vec![9u8, 16];
    unhashed.extend(key_id);
    let mut body = vec![4u8, 0, 1, 8, 0, 0];
    body.extend((unhashed.len() as u16).to_be_bytes());
    body.extend(&unhashed);
    body.extend([0, 0]);
    let mut packet = vec![0x88, body.len() as u8];
    packet.extend(&body);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&packet);
    format!("-----BEGIN PGP SIGNATURE-----\n \n {b64}\n -----END PGP SIGNATURE-----")
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
    // Facts replace the repositories: no paths, ranges or checks with them.
    for bad in [
        &["scan", "--facts", all_s, org_s][..],
        &["scan", "--facts", all_s, "--all-refs"][..],
        &["check", "--facts", all_s, "HEAD~1..HEAD"][..],
    ] {
        let run = alibi(bad);
        assert_eq!(run.code, 2, "{bad:?}: {}", run.stderr);
        assert!(run.stderr.contains("--facts"), "{}", run.stderr);
    }
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

/// The library's modules form no import cycle (docs: README "Layout"): each
/// `crate::module` a file names in code (not comments, not its tests) is an
/// edge, and no module may reach itself.
#[test]
fn library_modules_have_no_import_cycle() {
    use std::collections::{BTreeMap, BTreeSet};
    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in all {
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let module = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_owned();
        if module == "main" || module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (i, _) in line.match_indices("crate::") {
                let name: String = line[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    edges.entry(module.clone()).or_default().insert(name);
                }
            }
        }
    }
    fn reaches(
        edges: &BTreeMap<String, BTreeSet<String>>,
        from: &str,
        to: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        edges
            .get(from)
            .into_iter()
            .flatten()
            .any(|next| next == to || (seen.insert(next.clone()) && reaches(edges, next, to, seen)))
    }
    for (module, uses) in &edges {
        for used in uses {
            assert!(
                !reaches(&edges, used, module, &mut BTreeSet::new()),
                "import cycle: {module} uses {used}, which leads back to {module}"
            );
        }
    }
    assert!(edges.len() >= 15, "read the modules: {edges:?}");
}
