#!/usr/bin/env bash
# Honest false alarms on public repositories, without an answer key: every
# person (email after .mailmap) with 60 or more non-merge commits claims the
# zone family their own recorded offsets agree with best (the development
# corpus's own labelling, ../shared/devcorpus/evalcommon.py `classify`,
# without its 80 % agreement filter), and the tool audits each repository
# against that roster. Nearly
# everyone there is honest, so a flag is either a false alarm or a person
# whose offsets and rhythm disagree; docs/accuracy.md reads the list.
#   ci/own-offset-audit.sh BIN OUTDIR REPO...
# Writes OUTDIR/<name>.csv (roster), .agree (agreement per person) and .json
# (audit), and prints the flagged people and a count per verdict, split by
# whether the person's offsets agree with the claimed family on 80 % or more
# of their commits (the corpus's honest population) or less.
set -euo pipefail
[ $# -ge 3 ] || { sed -n 2,13p "$0" >&2; exit 2; }
bin="$1"; out="$2"; shift 2
corpus="${GIT_ALIBI_DEVCORPUS:-$(cd "$(dirname "$0")/.." && pwd)/../shared/devcorpus}"
mkdir -p "$out"
for repo in "$@"; do
  name=$(basename "$(dirname "$repo")")
  [ "$(basename "$repo")" = repo ] || name=$(basename "$repo")
  python3 - "$corpus" "$repo" "$out/$name" <<'PY'
import collections, subprocess, sys
corpus, repo, stem = sys.argv[1:4]
sys.path.insert(0, corpus)
import evalcommon as E
log = subprocess.run(["git", "-C", repo, "log", "--no-merges", "--format=%aE|%at|%ai"],
                     capture_output=True, text=True, check=True).stdout
per = collections.defaultdict(list)
for line in log.splitlines():
    try:
        email, t, date = line.split("|")
        off = E.parse_offset(date.split()[-1])
    except ValueError:
        continue
    if off is not None:
        per[email.lower()].append((int(t), off))
rows = []
for email, samples in sorted(per.items()):
    if len(samples) < E.MIN_COMMITS or "," in email or E.is_bot("", email):
        continue
    c = E.classify(samples)
    if c["zone"] is None or c["family"] == "UTC":
        continue
    rows.append((email, c["zone"], c["agreement"]))
with open(stem + ".csv", "w") as f:
    f.write("email,location\n")
    f.writelines(f"{e},{z}\n" for e, z, _ in rows)
with open(stem + ".agree", "w") as f:
    f.writelines(f"{e}\t{z}\t{a}\n" for e, z, a in rows)
PY
  "$bin" audit --roster "$out/$name.csv" --show-emails --format json -o "$out/$name.json" "$repo" 2>"$out/$name.err" \
    || { echo "own-offset-audit: $name: audit failed: $(tail -n 2 "$out/$name.err")" >&2; exit 1; }
done
python3 - "$out" <<'PY'
import collections, glob, json, os, sys
from datetime import datetime
from zoneinfo import ZoneInfo
out = sys.argv[1]
counts = collections.Counter()
errors = []   # inferred minus the claimed zone's standard offset, agreement >= 0.8

def standard_offset(zone):
    z = ZoneInfo(zone)
    return min(z.utcoffset(datetime(2023, m, 15)).total_seconds() / 3600 for m in (1, 7))

for path in sorted(glob.glob(os.path.join(out, "*.json"))):
    stem = path[:-5]
    agree = {l.split("\t")[0]: float(l.split("\t")[2]) for l in open(stem + ".agree")}
    for p in json.load(open(path))["contributors"]:
        if not p.get("claim"):
            continue
        a = max((agree.get(e.lower(), 0.0) for e in p["emails"]), default=0.0)
        group = ">=0.8" if a >= 0.8 else "<0.8"
        counts[(group, p["verdict"])] += 1
        if group == ">=0.8" and p.get("inferred_utc_offset_hours") is not None:
            e = p["inferred_utc_offset_hours"] - standard_offset(p["claim"]["location"])
            errors.append((e + 12) % 24 - 12)
        if p["verdict"] in ("suspicious", "contradiction"):
            strong = [f"{f['rule']} {f['severity']}" for f in p["findings"]
                      if f["severity"] in ("medium", "high")]
            print(f"{os.path.basename(stem)}\t{p['commits']} commits\tagreement {a:.2f}\t"
                  f"{p['claim']['location']}\t{p['verdict']}\t{', '.join(strong)}")
for group in (">=0.8", "<0.8"):
    row = {v: n for (g, v), n in sorted(counts.items()) if g == group}
    print(f"agreement {group}: {sum(row.values())} people, {row}")
if errors:
    within = lambda h: 100 * sum(abs(e) <= h for e in errors) / len(errors)
    print(f"agreement >=0.8: inferred within 1 h / 2 h of the claimed zone's standard offset: "
          f"{within(1):.1f} / {within(2):.1f} % of {len(errors)}")
PY
