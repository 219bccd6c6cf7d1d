#!/usr/bin/env bash
# Warns when a scheduled workflow is close to being disabled for inactivity.
#
# GitHub disables scheduled workflows in a public repository after 60 days
# without activity in it, and nothing fails when that happens: the runs just
# stop. The commit state backend commits at least daily while the schedule
# runs, which counts as activity; the cache and none backends commit nothing.
# This step looks at the date of the checked-out commit and, past
# INACTIVITY_WARN_DAYS (default 50), warns in the log and the job summary.
#
# Environment: INACTIVITY_WARN_DAYS, REPO_PRIVATE ("true" skips the check:
# the rule is for public repositories), GITHUB_STEP_SUMMARY.
set -euo pipefail

days=${INACTIVITY_WARN_DAYS:-50}
[[ $days =~ ^[0-9]+$ ]] || {
	echo "::error title=snekomatic::INACTIVITY_WARN_DAYS is \"$days\": want a whole number"
	exit 1
}
if [ "${REPO_PRIVATE:-}" = true ]; then
	exit 0
fi
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "snekomatic: not a git checkout, so the repository's last activity is unknown (GitHub disables scheduled workflows after 60 days without activity)"
	exit 0
fi
last=$(git log -1 --format=%ct HEAD)
age=$((($(date +%s) - last) / 86400))
if [ "$age" -lt "$days" ]; then
	echo "snekomatic: the last commit is $age days old"
	exit 0
fi
msg="The last commit to this repository is $age days old. GitHub disables scheduled workflows in public repositories after 60 days without activity, and then snekomatic stops without any error. Push a commit to keep it running (the commit state backend does so by itself), and if it has stopped, enable the workflow again in the Actions tab."
printf '::warning title=snekomatic: schedule at risk::%s\n' "$msg"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
	printf '\n> **Schedule at risk.** %s\n\n' "$msg" >>"$GITHUB_STEP_SUMMARY"
fi
