#!/usr/bin/env bash
# Commits snekomatic's state file back to the repository after a run
# (state-backend: commit in action.yml), and pushes it.
#
# Run from inside the checkout, on the branch to push to. Environment:
#
#   STATE_PATH            the state file, absolute or relative to the current
#                         directory; the repository is the one it is in
#                         (so a checkout into a subdirectory works too)
#   DRY_RUN               "true" on a dry run: then nothing is committed
#   REPORT_PATH           the JSON report, for the counts in the message
#   CURSOR_COMMIT_HOURS   commit a change that only moves the cursor once
#                         the committed cursor is this many hours behind
#                         (default 24; 0 commits every change)
#   PUSH_ATTEMPTS         pushes to try before giving up (default 5)
#   RETRY_DELAY_SECONDS   base of the linear back-off between them (default 2)
#   GIT_REMOTE            the remote to push to (default origin)
#   SNEKOMATIC_BIN        the snekomatic binary, which merges the state file
#                         when the branch moved (default: snekomatic on PATH)
#
# Whom a commit is by: GIT_AUTHOR_NAME and friends, else git's user.name and
# user.email, else github-actions[bot].
#
# What it does: nothing on a dry run, when there is no state file, or when
# the file is as committed. A change to anyone's record (a new person, a new
# status, a login, a welcome comment) is committed at once. A change that
# only moves the cursor (or re-dates a queued person's retry) is committed
# only when the committed cursor lags by CURSOR_COMMIT_HOURS: an hourly
# schedule then makes at most about one such commit a day instead of 24,
# the next run re-reads at most that much (harmlessly: everyone in it is
# already recorded), and the daily commit keeps the repository active so
# that GitHub does not disable the schedule after 60 quiet days.
#
# A push that fails for a passing reason (the network, a 5xx from GitHub)
# is tried again after a back-off that doubles. A push refused because the
# branch moved meanwhile is retried on top of the branch as it now is: the
# state file is merged record by record by `snekomatic state merge` (per
# organization, per person; a record changed on both sides is taken from the
# one further along), so edits to other people's records (a `state forget`
# pushed by hand, another file) are kept; a record forgotten on one side and
# changed on the other is a conflict and stops the push, so that nothing is
# overwritten. A push refused for
# permissions (403, branch protection, a ruleset) fails at once. Git tells
# these apart only in words, so its message is what is read.
#
# When the state cannot be pushed, the file is copied for the action to
# upload as an artifact (outputs artifact-path, artifact-name), and the
# error says how to restore it; the next run then finds this run's
# invitations pending and records them, but not who it welcomed.
#
# Outputs (GITHUB_OUTPUT): committed=true|false, commit-sha=SHA (and commit,
# its older name), artifact-path and artifact-name when it could not push.
set -euo pipefail

state=${STATE_PATH:?STATE_PATH must name the state file}
dry_run=$(printf '%s' "${DRY_RUN:-false}" | tr '[:upper:]' '[:lower:]')
report=${REPORT_PATH:-}
interval=${CURSOR_COMMIT_HOURS:-24}
attempts=${PUSH_ATTEMPTS:-5}
delay=${RETRY_DELAY_SECONDS:-2}
remote=${GIT_REMOTE:-origin}
bin=${SNEKOMATIC_BIN:-snekomatic}
case $bin in */*) bin=$(cd "$(dirname -- "$bin")" && pwd)/$(basename -- "$bin") ;; esac

note() { printf 'snekomatic: %s\n' "$*"; }

fail() {
	local msg=${1//'%'/%25}
	msg=${msg//$'\n'/%0A}
	printf '::error title=snekomatic: state not committed::%s\n' "$msg"
	output committed false
	exit 1
}

# keep_for_artifact copies the state file where the action uploads it from,
# then fails with how to restore it.
keep_for_artifact() {
	local dir=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/snekomatic-unpushed-state
	local artifact="snekomatic-state-${GITHUB_RUN_ID:-local}-${GITHUB_RUN_ATTEMPT:-1}"
	mkdir -p -- "$dir"
	cp -- "$file" "$dir/$(basename -- "$file")"
	output artifact-path "$dir/$(basename -- "$file")"
	output artifact-name "$artifact"
	fail "$1. This run's state file is kept as the artifact $artifact: to restore it, download it (gh run download ${GITHUB_RUN_ID:-RUN_ID} -n $artifact) and commit it as $name on $branch before the next run."
}

output() {
	if [ -n "${GITHUB_OUTPUT:-}" ]; then
		printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
	fi
}

done_without_commit() {
	note "$1"
	output committed false
	exit 0
}

case $dry_run in
true) done_without_commit "dry run: the state file is not committed" ;;
false | '') ;;
*) fail "DRY_RUN is \"$dry_run\": want true or false" ;;
esac
[[ $interval =~ ^[0-9]+$ ]] || fail "cursor-commit-hours is \"$interval\": want a whole number of hours"
[[ $attempts =~ ^[1-9][0-9]*$ ]] || fail "PUSH_ATTEMPTS is \"$attempts\": want a positive number"
[ -f "$state" ] || done_without_commit "no state file at $state (the run saved nothing): nothing to commit"

# Work beside the file, in whatever repository holds it: $file is its name
# there, $name its path in the repository.
case $report in '' | /*) ;; *) report=$PWD/$report ;; esac
cd "$(dirname "$state")"
file=$(basename "$state")
git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
	fail "$state is not in a git checkout: run actions/checkout before snekomatic, or use state-backend: cache"
name=$(git rev-parse --show-prefix)$file
branch=$(git symbolic-ref -q --short HEAD) ||
	fail "HEAD is not on a branch (detached at $(git rev-parse --short HEAD)): cannot push the state file"
# The file in HEAD: a path starting with ./ is relative to this directory.
spec=HEAD:./$file

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
old=
if git cat-file -e "$spec" 2>/dev/null; then
	old=$tmp/old.json
	git show "$spec" >"$old"
	if cmp -s -- "$old" "$file"; then
		done_without_commit "$name is unchanged: nothing to commit"
	fi
fi

# classify prints "people" when anyone's record changed, else how many
# seconds the cursor moved (the largest over organizations).
classify() {
	command -v jq >/dev/null || {
		echo people
		return
	}
	# Version 1 of the state keys a person's status "status", version 2 "s".
	local sig='del(.orgs[]?.cursor) | (.orgs[]?.people[]? | select(.status == "queued" or .s == "queued")) |= {id, login, l, status, s, pr}'
	local a b
	if ! a=$(jq -S "$sig" "$old") || ! b=$(jq -S "$sig" "$file"); then
		echo people
		return
	fi
	if [ "$a" != "$b" ]; then
		echo people
		return
	fi
	jq -n --slurpfile old "$old" --slurpfile new "$file" '
		def t: if . == null then 0 else fromdateiso8601 end;
		[ $new[0].orgs // {} | to_entries[] | (.value.cursor | t) - ($old[0].orgs[.key].cursor | t) ]
		| max // 0' 2>/dev/null || echo people
}

kind=people
[ -z "$old" ] || kind=$(classify)
if [ "$kind" != people ]; then
	if [ "$interval" -gt 0 ] && [ "$kind" -lt $((interval * 3600)) ]; then
		done_without_commit "only the cursor moved ($((kind / 60)) minutes past the committed one): committed once it is ${interval}h behind"
	fi
fi

counts=
if [ -n "$report" ] && [ -s "$report" ] && command -v jq >/dev/null; then
	counts=$(jq -r '[.orgs[]? | .invited // [] | length] as $i | [.orgs[]? | .queued // [] | length] as $q
		| "invited \($i | add // 0), queued \($q | add // 0)"' "$report" 2>/dev/null) || counts=
fi
if [ -z "$old" ]; then
	subject="snekomatic: create $name"
elif [ "$kind" = people ]; then
	subject="snekomatic: record ${counts:-new people} in $name"
else
	subject="snekomatic: move the cursor in $name"
fi
body="Written by snekomatic's scheduled run; this commit only changes the state file."
if [ -n "${GITHUB_RUN_ID:-}" ]; then
	body+=$'\n\n'"Run: ${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY:-}/actions/runs/$GITHUB_RUN_ID"
	[ -z "${GITHUB_RUN_ATTEMPT:-}" ] || body+="/attempts/$GITHUB_RUN_ATTEMPT"
fi

if [ -z "${GIT_AUTHOR_NAME:-}" ] && [ -z "$(git config user.name || true)" ]; then
	export GIT_AUTHOR_NAME="github-actions[bot]" GIT_COMMITTER_NAME="github-actions[bot]"
fi
if [ -z "${GIT_AUTHOR_EMAIL:-}" ] && [ -z "$(git config user.email || true)" ]; then
	export GIT_AUTHOR_EMAIL="41898282+github-actions[bot]@users.noreply.github.com"
	export GIT_COMMITTER_EMAIL="41898282+github-actions[bot]@users.noreply.github.com"
fi

# [skip ci]: a push with a token other than GITHUB_TOKEN would otherwise
# start the repository's push workflows on every state commit.
git add --force -- "$file"
git commit --quiet --only -m "$subject [skip ci]" -m "$body" -- "$file"

for ((i = 1; ; i++)); do
	if git push --quiet "$remote" "HEAD:refs/heads/$branch" 2>"$tmp/push.err"; then
		break
	fi
	cat "$tmp/push.err" >&2
	if grep -qiE 'permission|denied|(^|[^0-9])403([^0-9]|$)|protected branch|GH006|GH013|declined|not allowed' "$tmp/push.err"; then
		keep_for_artifact "the push to $branch was refused, and not because the branch moved: the job needs permissions: contents: write, and branch protection (or a ruleset) must let it push to $branch"
	fi
	if ! grep -qiE 'fetch first|non-fast-forward|\[rejected\]' "$tmp/push.err"; then
		# The network or GitHub (a 5xx): passing; wait longer each time.
		[ "$i" -lt "$attempts" ] || keep_for_artifact "gave up after $attempts attempts to push $name to $branch (the network or GitHub kept failing)"
		note "the push failed for what looks like a passing reason: trying again in $((delay * (1 << (i - 1))))s (attempt $((i + 1)) of $attempts)"
		sleep $((delay * (1 << (i - 1))))
		continue
	fi
	[ "$i" -lt "$attempts" ] || keep_for_artifact "gave up after $attempts attempts to push $name to $branch"
	sleep $((delay * (i - 1)))
	git fetch --quiet "$remote" "+refs/heads/$branch:refs/remotes/$remote/$branch" ||
		keep_for_artifact "could not fetch $branch from $remote to retry the push"
	if git merge-base --is-ancestor "$remote/$branch" HEAD; then
		keep_for_artifact "the push to $branch was refused, and not because the branch moved: the job needs permissions: contents: write, and branch protection must let it push to $branch"
	fi
	note "$branch moved during the run: rebasing the state commit onto it, merging the state file record by record (attempt $((i + 1)) of $attempts)"
	# The new commit is the branch as it is now with the merged state file:
	# built with plumbing, so that nothing else in the checkout is touched.
	# An empty file stands for a side without the state file: snekomatic
	# state merge takes an empty base as an empty state, as git's merge
	# drivers are given one.
	git show "HEAD^:./$file" >"$tmp/base.json" 2>/dev/null || : >"$tmp/base.json"
	git show "HEAD:./$file" >"$tmp/merged.json"
	if git cat-file -e "$remote/$branch:$name" 2>/dev/null; then
		git show "$remote/$branch:$name" >"$tmp/theirs.json"
	else
		cp "$tmp/base.json" "$tmp/theirs.json"
	fi
	# The merge replaces merged.json (ours) with the result, as a git merge
	# driver does; see `snekomatic state merge --help` for its rules.
	merged=0
	if ! cmp -s "$tmp/base.json" "$tmp/theirs.json"; then
		"$bin" state merge "$tmp/base.json" "$tmp/merged.json" "$tmp/theirs.json" 2>"$tmp/merge.err" || merged=$?
	fi
	if [ "$merged" -ne 0 ]; then
		cat "$tmp/merge.err" >&2
		[ "$merged" -eq 1 ] ||
			keep_for_artifact "$name was changed on $branch during the run and could not be merged ($(sed 's/^snekomatic: //' "$tmp/merge.err" | head -n1))"
		keep_for_artifact "$name was changed on $branch during the run, in records this run changed too ($(sed 's/^snekomatic: //; s/^state merge: //' "$tmp/merge.err" | head -n1)), so this run's state was not pushed (is another snekomatic writing it? the workflow's concurrency group should prevent that)"
	fi
	blob=$(git hash-object -w "$tmp/merged.json")
	GIT_INDEX_FILE=$tmp/index git read-tree "$remote/$branch"
	GIT_INDEX_FILE=$tmp/index git update-index --add --cacheinfo "100644,$blob,$name"
	tree=$(GIT_INDEX_FILE=$tmp/index git write-tree)
	commit=$(git log -1 --format=%B HEAD | git commit-tree "$tree" -p "$remote/$branch")
	# Follow in the checkout; --keep leaves other local changes alone.
	git reset --quiet --keep "$commit" || git update-ref HEAD "$commit"
done

sha=$(git rev-parse HEAD)
note "committed $name to $branch as $sha: $subject"
output committed true
output commit "$sha"
output commit-sha "$sha"
