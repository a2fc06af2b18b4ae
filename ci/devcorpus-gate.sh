#!/usr/bin/env bash
# Regression gate on real histories: builds the development corpus (real commit
# metadata of eight public repositories with answer keys, ../shared/devcorpus),
# audits every scenario with the release binary, and fails when a scenario's
# TPR, FPR or offset inference (share of honest people inferred within 1 h and
# 2 h, share whose 90 % interval holds the truth) moves more than the tolerance from the figures recorded in
# ci/devcorpus-expected.tsv. Improvements fail too: update the file on purpose
# in the commit that changes them (`ci/devcorpus-gate.sh --write`).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${GIT_ALIBI_DEVCORPUS:-../shared/devcorpus}"
expected=ci/devcorpus-expected.tsv
tpr_tolerance=2.0   # percentage points
fpr_tolerance=0.5
tz_tolerance=2.0    # percentage points
if [ ! -x "$corpus/build.sh" ]; then
  if [ "${GIT_ALIBI_REQUIRE_DEVCORPUS:-0}" = 1 ]; then
    echo "devcorpus-gate: no development corpus at $corpus" >&2; exit 1
  fi
  echo "devcorpus-gate: WARNING: no development corpus at $corpus; gate skipped" >&2
  exit 0
fi
export EVAL_OUT_ROOT="$PWD/target/devcorpus"
[ -x target/calendar-venv/bin/python ] && export PYTHON="$PWD/target/calendar-venv/bin/python"
if [ ! -f "$EVAL_OUT_ROOT/manifest.json" ]; then
  "$corpus/build.sh" >target/devcorpus-build.log 2>&1 || { tail -n 20 target/devcorpus-build.log >&2; exit 1; }
fi
[ -x target/release/git-alibi ] || cargo build --release
table=$("$corpus/score.sh" target/release/git-alibi | awk '/^tool results/{on=1; next} on && /^S[0-9]/')
measured=$(printf '%s\n' "$table" | while read -r line; do
  set -- $line
  cover=$(ci/interval-coverage.sh "$EVAL_OUT_ROOT" "$1" | sed -E 's/.*\(([0-9.]+)\).*/\1/' | awk '{printf "%.1f", $1 * 100}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$5" "$6" "$8" "$9" "$cover"
done)
if [ "${1:-}" = --write ]; then
  { printf 'scenario\tTPR\tFPR\ttz1h\ttz2h\tcover90\n'; printf '%s\n' "$measured"; } >"$expected"
  echo "devcorpus-gate: wrote $expected"; exit 0
fi
printf '%s\n' "$table"
fail=0
while IFS=$'\t' read -r scenario tpr fpr tz1 tz2 cover; do
  want=$(awk -F'\t' -v s="$scenario" '$1 == s {print $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6}' "$expected")
  [ -n "$want" ] || { echo "devcorpus-gate: $scenario not in $expected" >&2; fail=1; continue; }
  IFS=$'\t' read -r want_tpr want_fpr want_tz1 want_tz2 want_cover <<<"$want"
  for pair in "tz<=1h $tz1 $want_tz1" "tz<=2h $tz2 $want_tz2" "interval-coverage $cover ${want_cover:-missing}"; do
    set -- $pair
    if ! awk -v a="$2" -v b="$3" -v t="$tz_tolerance" 'BEGIN { if (a == "n/a" || b == "n/a") exit (a != b); d = a - b; if (d < 0) d = -d; exit (d > t) }'; then
      echo "devcorpus-gate: $scenario $1 $2% (recorded $3%, tolerance ±$tz_tolerance)" >&2; fail=1
    fi
  done
  if ! awk -v a="$tpr" -v b="$want_tpr" -v t="$tpr_tolerance" 'BEGIN { if (a == "n/a" || b == "n/a") exit (a != b); d = a - b; if (d < 0) d = -d; exit (d > t) }'; then
    echo "devcorpus-gate: $scenario TPR $tpr% (recorded $want_tpr%, tolerance ±$tpr_tolerance)" >&2; fail=1
  fi
  if ! awk -v a="$fpr" -v b="$want_fpr" -v t="$fpr_tolerance" 'BEGIN { d = a - b; if (d < 0) d = -d; exit (d > t) }'; then
    echo "devcorpus-gate: $scenario FPR $fpr% (recorded $want_fpr%, tolerance ±$fpr_tolerance)" >&2; fail=1
  fi
done <<<"$measured"
[ $fail = 0 ] && echo "devcorpus-gate: every scenario within tolerance of $expected"
exit $fail
