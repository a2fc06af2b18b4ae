#!/usr/bin/env bash
# Print the revision range `git alibi check` should judge for a GitHub Actions
# event. Used by action.yml; kept as a script so it is tested on its own.
#
# Pull requests: base..head by commit id. Never the checked-out ref
# (refs/pull/N/merge): that is GitHub's synthetic test-merge commit, committed
# by GitHub at the time of the merge, not anybody's work.
# Pushes: before..after; a new branch (before = 0…0) is judged against the
# default branch. An explicit RANGE wins.
set -euo pipefail
zero=0000000000000000000000000000000000000000
if [ -n "${RANGE:-}" ]; then
  printf '%s\n' "$RANGE"
  exit 0
fi
case "${EVENT_NAME:-}" in
  pull_request | pull_request_target)
    printf '%s..%s\n' "${PR_BASE:?pull request base sha missing}" "${PR_HEAD:?pull request head sha missing}"
    ;;
  merge_group)
    printf '%s..%s\n' "${MG_BASE:?merge group base sha missing}" "${MG_HEAD:?merge group head sha missing}"
    ;;
  push)
    after="${PUSH_AFTER:?push after sha missing}"
    if [ -z "${PUSH_BEFORE:-}" ] || [ "${PUSH_BEFORE}" = "$zero" ]; then
      printf 'origin/%s..%s\n' "${DEFAULT_BRANCH:?default branch missing}" "$after"
    else
      printf '%s..%s\n' "$PUSH_BEFORE" "$after"
    fi
    ;;
  *)
    echo "git-alibi: event '${EVENT_NAME:-}' has no range; set the action's range input" >&2
    exit 2
    ;;
esac
