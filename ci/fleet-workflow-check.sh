#!/usr/bin/env bash
# Runs the GitHub Actions workflow of docs/fleet.md (docs/examples/fleet-audit.yml)
# with ci/fleet-workflow-local.py standing in for GitHub, on three fixture
# repositories as acme/api, acme/web and acme/infra, and checks that:
#   * the workflow succeeds (every `run:` step as written);
#   * its report is byte for byte the one `git alibi audit` gives on the
#     three repositories directly;
#   * docs/fleet.md shows the workflow file as it is.
#   ci/fleet-workflow-check.sh [BINARY]   (default target/release/git-alibi)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(realpath "${1:-target/release/git-alibi}")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TZ=UTC GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
bash fixtures/build.sh "$work/fx" >/dev/null
mkdir -p "$work/repos/acme" "$work/home"
cp -r "$work/fx/basic" "$work/repos/acme/api"
cp -r "$work/fx/forged" "$work/repos/acme/web"
cp -r "$work/fx/provenance" "$work/repos/acme/infra"
cp "$work/fx/provenance/roster.csv" "$work/home/roster.csv"
python3 ci/fleet-workflow-local.py docs/examples/fleet-audit.yml "$work/repos" "$work/home" "$work/out" "$bin" >"$work/log.txt" ||
  { cat "$work/log.txt" >&2; echo "fleet-workflow-check: the workflow failed" >&2; exit 1; }
cp "$work/home/roster.csv" "$work/repos/roster.csv"
(cd "$work/repos" && "$bin" audit --roster roster.csv acme/api acme/web acme/infra --no-cache --format json -o "$work/direct.json")
cmp "$work/direct.json" "$work/out/jobs/audit-0/fleet.json" ||
  { echo "fleet-workflow-check: the workflow's report differs from a direct audit" >&2; exit 1; }
[ -s "$work/out/artifacts/fleet-report/fleet.html" ] || { echo "fleet-workflow-check: no fleet-report artifact" >&2; exit 1; }
python3 - "$work" <<'PY' || { echo "fleet-workflow-check: docs/fleet.md does not show docs/examples/fleet-audit.yml as it is" >&2; exit 1; }
import sys
workflow = open("docs/examples/fleet-audit.yml").read()
sys.exit(0 if "```yaml\n" + workflow + "```" in open("docs/fleet.md").read() else 1)
PY
echo "fleet-workflow-check: the workflow ran (3 extract jobs, 1 audit job); its report is the direct audit's, byte for byte"
