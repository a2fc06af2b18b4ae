#!/usr/bin/env bash
# How often the 90 % interval of the inferred offset holds the truth, for the
# honest people of a development-corpus scenario already scored by
# ../shared/devcorpus/score.sh (it reads the audit JSON that run left).
#   ci/interval-coverage.sh [CORPUS_OUT_ROOT] [SCENARIO]
# defaults: target/devcorpus S0-honest. A DST zone's summer offset counts as right.
# It reads the reported interval (interval_90 in the audit JSON).
set -euo pipefail
root="${1:-target/devcorpus}"; scenario="${2:-S0-honest}"
python3 - "$root" "$scenario" <<'PY'
import json, sys
root, s = sys.argv[1], sys.argv[2]
key = {e.lower(): v for e, v in json.load(open(f'{root}/{s}/key.json'))['contributors'].items()}
out = json.load(open(f'{root}/_outputs/{s}.json'))
covered = n = 0
widths = []
for c in out['contributors']:
    k = [key[e] for e in c['emails'] if e in key]
    if not k or not c.get('inference') or k[0].get('label') != 'honest':
        continue
    t = k[0]['true_std_offset_hours']
    lo, hi = c['inference']['interval_90']
    n += 1
    widths.append(hi - lo)
    if lo - 0.01 <= t <= hi + 0.01 or (k[0]['dst_observed'] and lo - 0.01 <= t + 1 <= hi + 0.01):
        covered += 1
widths.sort()
print(f'{s}: interval covers the truth for {covered} of {n} honest people ({covered / n:.3f}); median width {widths[len(widths) // 2]} h')
PY
