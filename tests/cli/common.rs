//! Fixtures, the binary runner and schema checks shared by the tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

pub fn fixtures() -> &'static Path {
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

/// Run `cmd` with `input` on its standard input; its standard output.
pub fn piped(cmd: &mut Command, input: &[u8]) -> String {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
}

/// `git rev-parse REV` in `repo`.
pub fn rev_parse(repo: &Path, rev: &str) -> String {
    let out = git(repo).args(["rev-parse", rev]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// `ci/github-range.sh` with only `env` (and PATH) set, from `cwd`: (exit code, range).
pub fn github_range(cwd: Option<&Path>, env: &[(&str, String)]) -> (i32, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("ci/github-range.sh");
    let mut c = Command::new("bash");
    c.arg(&script)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap());
    if let Some(dir) = cwd {
        c.current_dir(dir);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
    )
}

pub fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .env("TZ", "UTC")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null");
    c
}

/// A new repository at `dir` holding these people's commits on `main`.
pub fn fast_import_repo(dir: &Path, ids: &[git_alibi::harness::synth::SimIdentity]) {
    std::fs::create_dir_all(dir).unwrap();
    assert!(
        git(dir)
            .args(["init", "-q", "-b", "main"])
            .status()
            .unwrap()
            .success()
    );
    let mut child = git(dir)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    git_alibi::harness::synth::write_fast_import(child.stdin.as_mut().unwrap(), ids, "main")
        .unwrap();
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
}

/// An honest New Yorker and an impostor living at UTC+9 whose offsets were
/// rewritten to New York's real (DST-aware) offsets: only timing betrays them.
pub fn build_synthetic(dir: &Path) {
    use git_alibi::harness::synth::{OffsetMode, Person, Rng, SimIdentity, simulate, zone};
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
    fast_import_repo(dir, &ids);
}

/// Two years at UTC+9 and UTC+8, where hours and offsets cannot tell
/// countries apart: an honest Tokyo developer keeping Japan's calendar, a
/// "Tokyo" developer keeping the DPRK's (Monday–Saturday, its holidays), an
/// honest Singapore developer, and a "Singapore" developer keeping China's
/// calendar (its holidays and make-up workdays). Offsets are the claimed
/// zones' own.
pub fn build_calendar_population(dir: &Path) {
    use git_alibi::harness::synth::{OffsetMode, Person, Rng, SimIdentity, simulate, zone};
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
    fast_import_repo(dir, &ids);
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn alibi(args: &[&str]) -> Run {
    alibi_in(None, args)
}

/// The binary run from `cwd` (default: the test's own directory).
pub fn alibi_in(cwd: Option<&Path>, args: &[&str]) -> Run {
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
        // Tests say when they want CI's behaviour (`check` fails closed there).
        .env_remove("CI")
        .env_remove("GIT_ALIBI_PROGRESS_SECONDS")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn fx(name: &str) -> String {
    fixtures().join(name).to_string_lossy().into_owned()
}

pub fn validated_json(run: &Run) -> Value {
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
    for c in v["contributors"].as_array().into_iter().flatten() {
        for f in c["findings"].as_array().into_iter().flatten() {
            assert_evidence_valid(f["rule"].as_str().unwrap(), &f["evidence"]);
        }
    }
    v
}

/// Validates a finding's evidence against its rule's published schema
/// (`docs/schema/evidence/RULE.schema.json`).
pub fn assert_evidence_valid(rule: &str, evidence: &Value) {
    type Validators = std::collections::HashMap<String, jsonschema::Validator>;
    static SCHEMAS: OnceLock<std::sync::Mutex<Validators>> = OnceLock::new();
    let mut schemas = SCHEMAS.get_or_init(Default::default).lock().unwrap();
    let validator = schemas.entry(rule.to_owned()).or_insert_with(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("docs/schema/evidence/{rule}.schema.json"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
    });
    let errors: Vec<String> = validator
        .iter_errors(evidence)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{rule} evidence does not match its schema: {errors:#?}\n{evidence:#}"
    );
}

pub fn contributor<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["contributors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no contributor {name}"))
}

/// A contributor's finding of `rule` (a panic names the rule when there is none).
pub fn rule_finding<'a>(c: &'a Value, rule: &str) -> &'a Value {
    c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} finding: {}", c["findings"]))
}

pub fn rules(c: &Value) -> Vec<String> {
    c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

/// Contributors without the per-repository paths, for comparing two clones.
pub fn contributors_without_paths(v: &Value) -> Vec<Value> {
    let mut list = v["contributors"].as_array().unwrap().clone();
    for c in &mut list {
        c.as_object_mut().unwrap().remove("repositories");
    }
    list
}

/// `audit --roster ROSTER --format json REPO`, validated against the schema.
pub fn audit_json(roster: &Path, repo: &str) -> (Run, Value) {
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

pub fn write_roster(body: &str) -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let path = dir.join("roster.csv");
    std::fs::write(&path, body).unwrap();
    path
}

// ---------------------------------------------------------------------------
// `check`, CI formats, accepted findings, the commit cache.

/// A private clone of a fixture (tests that add commits or caches must not
/// disturb the shared fixtures).
pub fn private_clone(name: &str) -> PathBuf {
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
pub fn commit_as(repo: &Path, name: &str, email: &str, date: &str, message: &str) {
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
pub fn commit_files_on(repo: &Path, branch: &str, files: &[(&str, &str)]) {
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
pub fn pr_repo() -> PathBuf {
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
pub fn pyongyang_repo() -> PathBuf {
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

pub fn check_roster() -> PathBuf {
    write_roster(
        "email,location\nhonest@example.org,America/New_York\nimpostor@example.org,America/New_York\n",
    )
}

/// Required structure of SARIF 2.1.0 as GitHub code scanning reads it.
pub fn sarif_schema() -> Value {
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
pub fn gitlab_schema() -> Value {
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

pub fn assert_valid(schema: &Value, v: &Value) {
    let validator = jsonschema::validator_for(schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{v:#}");
}

// ---------------------------------------------------------------------------
// Reports for people: HTML, `show`, hostile strings in every format.

pub fn hostile_roster() -> PathBuf {
    write_roster(
        "email,location\nevil@example.org,America/New_York\nnul@example.org,Europe/Berlin\nhuge@example.org,US\n",
    )
}

pub fn impostor_roster() -> PathBuf {
    write_roster(
        "email,location\nhonest@example.org,America/New_York\nimpostor@example.org,America/New_York\nfixed@example.org,America/New_York\nshared@example.org,America/New_York\n",
    )
}

/// The HTML reduced to its element structure (tag and class), runs of
/// identical lines collapsed: what the snapshot pins, without text.
pub fn html_skeleton(html: &str) -> String {
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

pub fn find_browser() -> Option<PathBuf> {
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

/// Run the binary under a pseudo-terminal (`script` from util-linux), so
/// stdout and stderr are terminals and the progress bar draws; `None` when it
/// has not finished within the deadline (the process group is killed).
pub fn alibi_in_terminal(args: &[&str], cwd: &Path) -> Option<i32> {
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

/// `to` relative to `from` (both absolute), with `..` components.
pub fn pathdiff(to: &Path, from: &Path) -> String {
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

/// An OpenPGP signature (armored, as in a `gpgsig` header) whose only issuer
/// information is the key id subpacket.
pub fn pgp_signature_with_key_id(key_id: [u8; 8]) -> String {
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
