#!/usr/bin/env bash
# Print the revision range `git alibi check` should judge for a GitHub Actions
# event. Used by action.yml; kept as a script so it is tested on its own.
#
# Pull requests: base..head by commit id. Never the checked-out ref
# (refs/pull/N/merge): that is GitHub's synthetic test-merge commit, committed
# by GitHub at the time of the merge, not anybody's work.
# Pushes: before..after; a new branch (before = 0…0) is judged against the
# default branch. After a force-push `before` is gone from the repository:
# then what the event says is new (PUSH_COMMITS, the pushed commits' ids,
# oldest first: from the oldest one's parent), else against the default
# branch. An explicit RANGE wins. Any failure exits non-zero: the caller
# must fail the step rather than judge an empty range.
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
    elif git cat-file -e "${PUSH_BEFORE}^{commit}" 2>/dev/null; then
      printf '%s..%s\n' "$PUSH_BEFORE" "$after"
    elif [ -n "${PUSH_COMMITS:-}" ]; then
      # shellcheck disable=SC2086
      set -- $PUSH_COMMITS
      if git cat-file -e "$1^^{commit}" 2>/dev/null; then
        printf '%s^..%s\n' "$1" "$after"
      else
        # The oldest pushed commit is a root: everything up to after.
        echo "git-alibi: force-push: $1 has no parent here; set the action's range input" >&2
        exit 2
      fi
    else
      printf 'origin/%s..%s\n' "${DEFAULT_BRANCH:?default branch missing}" "$after"
    fi
    ;;
  *)
    echo "git-alibi: event '${EVENT_NAME:-}' has no range; set the action's range input" >&2
    exit 2
    ;;
esac
