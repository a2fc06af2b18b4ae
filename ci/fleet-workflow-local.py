#!/usr/bin/env python3
"""Run docs/examples/fleet-audit.yml here, playing GitHub's part.

    ci/fleet-workflow-local.py WORKFLOW REPOS_DIR HOME_DIR OUT_DIR BINARY

What the runner does, and what stands in for GitHub here (nothing else is
changed; every `run:` step runs as written, in bash with -e):
  * jobs run in `needs` order; a matrix job once per combination, with
    `strategy.job-index`, in a fresh workspace under OUT_DIR;
  * `actions/checkout` with `repository: owner/name` clones REPOS_DIR/owner/name
    (a local repository instead of GitHub); without `repository` it copies
    HOME_DIR (the repository the workflow lives in: the roster);
  * `actions/upload-artifact` / `download-artifact` copy to and from
    OUT_DIR/artifacts/NAME (`pattern` is a glob on artifact names, each one
    downloaded into PATH/NAME as GitHub does);
  * a `run:` step that is `cargo install …` is not run: the binary under test
    (BINARY) is put on PATH as `git-alibi` instead, which is what it installs;
  * `${{ matrix.X }}`, `${{ strategy.job-index }}` and `${{ secrets.X }}`
    (from the environment variable X, empty if unset) are substituted.
Prints a log like a runner's and exits non-zero when a step fails.
"""
import fnmatch, itertools, os, re, shutil, subprocess, sys
import yaml

workflow, repos_dir, home_dir, out_dir, binary = sys.argv[1:6]
wf = yaml.safe_load(open(workflow))
os.makedirs(out_dir, exist_ok=True)
artifacts = os.path.join(out_dir, "artifacts")
bin_dir = os.path.join(out_dir, "bin")
os.makedirs(bin_dir, exist_ok=True)
shutil.copy(binary, os.path.join(bin_dir, "git-alibi"))
env_base = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"])


def expand(value, ctx):
    def sub(m):
        expr = m.group(1).strip()
        if expr.startswith("matrix."):
            return str(ctx["matrix"][expr[len("matrix."):]])
        if expr == "strategy.job-index":
            return str(ctx["index"])
        if expr.startswith("secrets."):
            return os.environ.get(expr[len("secrets."):], "")
        sys.exit(f"runner: unsupported expression {expr!r}")
    return re.sub(r"\$\{\{(.*?)\}\}", sub, str(value))


def order(jobs):
    done, out = set(), []
    while len(out) < len(jobs):
        for name, job in jobs.items():
            needs = job.get("needs", [])
            needs = [needs] if isinstance(needs, str) else needs
            if name not in done and all(n in done for n in needs):
                done.add(name)
                out.append(name)
    return out


def run_step(step, ws, ctx):
    w = {k: expand(v, ctx) for k, v in (step.get("with") or {}).items()}
    uses = step.get("uses", "")
    if uses.startswith("actions/checkout@"):
        dest = os.path.join(ws, w.get("path", "."))
        if "repository" in w:
            src = os.path.join(repos_dir, w["repository"])
            print(f"  checkout {w['repository']} (local clone of {src}) -> {w.get('path', '.')}")
            subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", src, dest], check=True)
        else:
            print(f"  checkout (the workflow's own repository: {home_dir})")
            shutil.copytree(home_dir, dest, dirs_exist_ok=True)
    elif uses.startswith("actions/upload-artifact@"):
        target = os.path.join(artifacts, w["name"])
        os.makedirs(target, exist_ok=True)
        shutil.copy(os.path.join(ws, w["path"]), target)
        print(f"  upload-artifact {w['name']}: {w['path']}")
    elif uses.startswith("actions/download-artifact@"):
        names = sorted(os.listdir(artifacts))
        names = [n for n in names if fnmatch.fnmatch(n, w.get("pattern", "*"))]
        for n in names:
            shutil.copytree(os.path.join(artifacts, n), os.path.join(ws, w.get("path", "."), n))
        print(f"  download-artifact {w.get('pattern', '*')}: {', '.join(names)}")
    elif "run" in step:
        script = expand(step["run"], ctx)
        if script.strip().startswith("cargo install"):
            print(f"  run: {script.strip()}\n    (stands in: {binary} is on PATH as git-alibi)")
            return
        env = dict(env_base, **{k: expand(v, ctx) for k, v in (step.get("env") or {}).items()})
        print("  run: " + script.strip().replace("\n", "\n       "))
        done = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=ws, env=env,
                              capture_output=True, text=True)
        for line in (done.stdout + done.stderr).splitlines():
            print("    | " + line)
        if done.returncode != 0:
            sys.exit(f"runner: step failed with exit {done.returncode}")
    else:
        sys.exit(f"runner: unsupported step {step}")


for name in order(wf["jobs"]):
    job = wf["jobs"][name]
    matrix = (job.get("strategy") or {}).get("matrix") or {}
    keys = list(matrix)
    combos = [dict(zip(keys, values)) for values in itertools.product(*(matrix[k] for k in keys))] or [{}]
    for index, combo in enumerate(combos):
        ctx = {"matrix": combo, "index": index}
        label = f"{name} ({', '.join(map(str, combo.values()))})" if combo else name
        ws = os.path.join(out_dir, "jobs", f"{name}-{index}")
        shutil.rmtree(ws, ignore_errors=True)
        os.makedirs(ws)
        print(f"job {label}")
        for step in job["steps"]:
            run_step(step, ws, ctx)
print("workflow succeeded")
