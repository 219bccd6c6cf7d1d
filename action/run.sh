#!/usr/bin/env bash
# The steps of action.yml that check the inputs and run snekomatic.
#
#   run.sh check   validate the inputs and mask the secrets (the action's
#                  first step, so a mistake fails before the build and every
#                  later step's log has the secrets masked)
#   run.sh run     run `snekomatic reconcile` and set the action's outputs
#   run.sh records after the run, even a cancelled one: fold a leftover
#                  journal and say whether there is a state to save
#
# Inputs arrive as INPUT_* environment variables (set in action.yml, never
# interpolated into this script). Secrets reach snekomatic only through its
# environment (GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY;
# never a GH_TOKEN of the job's), never through its command line, and are
# never printed.
#
# Also read: SNEKOMATIC_BIN (the binary, for run and records), CACHE_MATCHED_KEY (for the
# cache backend: the key actions/cache/restore matched, empty if none), and
# the runner's RUNNER_TEMP, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY.
#
# Outputs (run): invited, queued, report-path, state-changed; (records):
# exist. The exit status
# is snekomatic's (0 ok, 1 an organization failed, 2 a usage error), or 2
# for an input error found here.
set -euo pipefail
set -f # word splitting of the orgs list must not glob

mode=${1:-}

error() {
	# Workflow command data: % and newlines escaped as GitHub's runner expects.
	local msg=${1//'%'/%25}
	msg=${msg//$'\r'/%0D}
	msg=${msg//$'\n'/%0A}
	printf '::error title=snekomatic::%s\n' "$msg"
}

fail() {
	error "$1"
	exit 2
}

# problem reports a bad input and goes on, so that one run shows every
# mistake at once; the checks end with exit 2 if there was any.
problems=0
problem() {
	error "$1"
	problems=$((problems + 1))
}

summary() {
	if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
		printf '%s\n' "$@" >>"$GITHUB_STEP_SUMMARY"
	fi
}

output() {
	if [ -n "${GITHUB_OUTPUT:-}" ]; then
		printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
	fi
}

trim() {
	local s=$1
	s=${s#"${s%%[![:space:]]*}"}
	s=${s%"${s##*[![:space:]]}"}
	printf '%s' "$s"
}

lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }

# mask registers each line of a secret with the runner, so that it is
# replaced by *** wherever it would be printed (a PEM key has many lines,
# and the runner masks line by line). It splits in memory: a here-string
# could put the secret in a temporary file.
mask() {
	local rest=$1 line
	while [ -n "$rest" ]; do
		line=${rest%%$'\n'*}
		if [[ $rest == *$'\n'* ]]; then
			rest=${rest#*$'\n'}
		else
			rest=
		fi
		line=$(trim "$line")
		[ -n "$line" ] || continue
		line=${line//'%'/%25}
		printf '::add-mask::%s\n' "$line"
	done
}

app_id=$(trim "${INPUT_APP_ID:-}")
private_key=${INPUT_PRIVATE_KEY:-}
token=$(trim "${INPUT_TOKEN:-}")
dry_run=$(lower "$(trim "${INPUT_DRY_RUN:-}")")
backend=$(lower "$(trim "${INPUT_STATE_BACKEND:-commit}")")
state=$(trim "${INPUT_STATE_PATH:-}")
since=$(trim "${INPUT_SINCE:-}")
max_invites=$(trim "${INPUT_MAX_INVITES:-}")
config=$(trim "${INPUT_CONFIG:-}")
cursor_hours=$(trim "${INPUT_CURSOR_COMMIT_HOURS:-}")

# records, which needs only the state-path and dry-run inputs: after the
# run step, whatever ended it (a failure, a cancelled job, timeout-minutes),
# say whether there are records to keep (output exist=true when the state
# file or its journal is there), so that the commit or cache step saves
# them. A journal left by a run killed before it could fold it (SIGKILL,
# 2.5 s after SIGTERM) is folded first, when the binary is there.
if [ "$mode" = records ]; then
	[ "$dry_run" != true ] && [ -n "$state" ] || exit 0
	if [ -f "$state.journal" ] && [ -x "${SNEKOMATIC_BIN:-}" ]; then
		"$SNEKOMATIC_BIN" state fold --state "$state" || printf '::warning title=snekomatic::could not fold %s.journal into the state file\n' "$state"
	fi
	if [ -f "$state" ] || [ -f "$state.journal" ]; then
		output exist true
	fi
	exit 0
fi

# Mask first: nothing below may print a secret, but a mistake should not
# be what shows it.
[ -z "$token" ] || mask "$token"
[ -z "$(trim "$private_key")" ] || mask "$private_key"

if [ -n "$token" ] && { [ -n "$app_id" ] || [ -n "$(trim "$private_key")" ]; }; then
	problem "set either token, or app-id and private-key, not both"
fi
if [ -n "$app_id" ] && [ -z "$(trim "$private_key")" ]; then
	problem "app-id is set but private-key is empty (secrets are empty in workflows run for pull requests from forks)"
fi
if [ -z "$app_id" ] && [ -n "$(trim "$private_key")" ]; then
	problem "private-key is set but app-id is empty"
fi
if [ -z "$token" ] && [ -z "$app_id" ]; then
	problem "no credentials: set app-id and private-key (a GitHub App), or token (secrets are empty in workflows run for pull requests from forks)"
fi
case $dry_run in
true | false | '') ;;
*) problem "dry-run is \"$dry_run\": want true or false" ;;
esac
case $backend in
commit | cache | none) ;;
*) problem "state-backend is \"$backend\": want commit, cache or none" ;;
esac
[ -n "$state" ] || problem "state-path must not be empty"
[[ $cursor_hours =~ ^[0-9]*$ ]] || problem "cursor-commit-hours is \"$cursor_hours\": want a whole number of hours"

orgs=$(printf '%s' "${INPUT_ORGS:-}" | tr ',\n\t' '   ')
# The same rules as snekomatic's: a GitHub login is letters, digits and
# single hyphens inside, at most 39 characters.
for org in $orgs; do
	if ! [[ $org =~ ^[A-Za-z0-9]([A-Za-z0-9]|-[A-Za-z0-9]){0,38}$ ]] || [ ${#org} -gt 39 ]; then
		problem "orgs: \"$org\" is not a GitHub organization login"
	fi
done
if [ -n "$token" ] && [ -z "$(trim "$orgs")" ]; then
	problem "orgs is required with token: name each organization to reconcile"
fi
# since: an RFC 3339 time, a date, or a duration of snekomatic's (90m, 36h,
# 7d, 1d12h); snekomatic checks the rest (not in the future).
duration_re='^([0-9]+d)?([0-9]+(\.[0-9]+)?(h|m|s|ms|us|ns))*$'
if [ -n "$since" ]; then
	if ! [[ $since =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))?$ ]] &&
		! { [[ $since =~ $duration_re ]] && [[ $since =~ [0-9] ]]; }; then
		problem "since is \"$since\": want an RFC 3339 time (2026-11-01T12:00:00Z), a date (2026-11-01) or a duration (90m, 36h, 14d)"
	fi
fi
if [ -n "$max_invites" ] && ! [[ $max_invites =~ ^(-1|[0-9]+)$ ]]; then
	problem "max-invites is \"$max_invites\": want a whole number (0 or more), or empty for no limit"
fi
if [ -n "$config" ] && [ ! -f "$config" ]; then
	problem "config: no file $config in the workspace (is actions/checkout before this action?)"
fi
# The commit backend pushes the state file to the checked-out branch: find
# out now, not after invitations were sent, that there is none.
if [ "$mode" = check ] && [ "$backend" = commit ] && [ "$dry_run" != true ] && [ -n "$state" ]; then
	dir=$(dirname -- "$state")
	while [ ! -d "$dir" ] && [ "$dir" != . ] && [ "$dir" != / ]; do dir=$(dirname -- "$dir"); done
	if ! git -C "$dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		problem "state-backend: commit needs a git checkout holding state-path ($state): run actions/checkout before this action, or use state-backend: cache"
	elif ! git -C "$dir" symbolic-ref -q HEAD >/dev/null; then
		problem "state-backend: commit needs a branch to push to, but HEAD is detached: give actions/checkout a ref that is a branch (ref: main), not a tag or a commit"
	fi
fi

if [ "$problems" -gt 0 ]; then
	exit 2
fi
if [ "$mode" = check ]; then
	exit 0
fi
[ "$mode" = run ] || fail "usage: run.sh check|run|records"

bin=${SNEKOMATIC_BIN:?SNEKOMATIC_BIN must name the snekomatic binary}
tmp_root=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
dir=$(mktemp -d "$tmp_root/snekomatic.XXXXXX")
report=$dir/report.json

args=(reconcile --output json --state "$state")
for org in $orgs; do
	args+=(--org "$org")
done
[ "$dry_run" != true ] || args+=(--dry-run)
[ -z "$since" ] || args+=(--since "$since")
[ -z "$max_invites" ] || args+=(--max-invites "$max_invites")
[ -z "$config" ] || args+=(--config "$config")

if [ "$backend" = cache ] && [ -z "${CACHE_MATCHED_KEY:-}" ] && [ ! -e "$state" ]; then
	msg="No saved state was found in the Actions cache (an entry is evicted after 7 days without use), so this run starts from a fresh cursor: it reads the merges of the last 7 days and does not know who was invited, declined or left before. Anyone among those authors who is not a member and has no pending invitation will be invited again."
	printf '::warning title=snekomatic: fresh state::%s\n' "$msg"
	summary "> **Fresh state.** $msg" ""
fi

# The state file's lock (STATE.lock, beside it) must never be committed: a
# workflow's own `git add -A` would otherwise pick it up. It is ignored
# through the checkout's .git/info/exclude, which is never committed.
if gitdir=$(git -C "$(dirname -- "$state")" rev-parse --git-path info/exclude 2>/dev/null); then
	case $gitdir in /*) ;; *) gitdir=$(dirname -- "$state")/$gitdir ;; esac
	lockname=$(basename -- "$state").lock
	if ! grep -qxF -- "$lockname" "$gitdir" 2>/dev/null; then
		{ mkdir -p -- "$(dirname -- "$gitdir")" && printf '%s\n' "$lockname" >>"$gitdir"; } || true
	fi
fi

before=
if [ -f "$state" ]; then
	before=$dir/state.before
	cp -- "$state" "$before"
fi

# snekomatic gets exactly one set of credentials, in its environment only;
# the INPUT_* copies are removed so that no other variable holds a secret.
# GH_TOKEN is removed too: snekomatic (like gh) reads it before
# GITHUB_TOKEN, and a job that sets it for its gh steps must not make
# snekomatic act as someone other than the token or App given as input.
#
# snekomatic runs in the background so that this script can pass on a
# cancellation. GitHub cancels a step by sending SIGINT to its entry
# process, then SIGTERM 7500 ms later, and kills the process tree 2500 ms
# after that ("Workflow cancellation reference",
# https://docs.github.com/en/actions/reference/workflow-cancellation-reference).
# action.yml execs this script, so it is that entry process: it forwards
# either signal to snekomatic, which lets the requests in flight finish,
# saves what it did and exits; then the journal is folded and the outputs
# are set below as after any run. Without the trap SIGTERM would end this
# shell and leave snekomatic running, still sending, while its records are
# lost with the runner.
set +e
(
	unset INPUT_TOKEN INPUT_PRIVATE_KEY GITHUB_APP_PRIVATE_KEY_FILE GH_TOKEN
	if [ -n "$app_id" ]; then
		unset GITHUB_TOKEN
		export GITHUB_APP_ID=$app_id
		export GITHUB_APP_PRIVATE_KEY=$private_key
	else
		unset GITHUB_APP_ID GITHUB_APP_PRIVATE_KEY
		export GITHUB_TOKEN=$token
	fi
	# A background command starts with SIGINT ignored; snekomatic must
	# see the SIGINT passed on to it.
	trap - INT QUIT
	exec "$bin" "${args[@]}"
) >"$dir/stdout" &
pid=$!
trap 'kill -s INT "$pid" 2>/dev/null' INT
trap 'kill -s TERM "$pid" 2>/dev/null' TERM
# wait returns early (status > 128) when a trapped signal arrives: wait
# again until snekomatic itself has exited, and take its status.
while :; do
	wait "$pid"
	code=$?
	kill -0 "$pid" 2>/dev/null || break
done
trap - INT TERM
set -e

# A run that was killed leaves the changes it announced in a journal beside
# the state file; only the state file is committed or cached, so fold them in.
if [ "$dry_run" != true ] && [ -f "$state.journal" ]; then
	"$bin" state fold --state "$state" || printf '::warning title=snekomatic::could not fold %s.journal into the state file\n' "$state"
fi

# Workflow commands (annotations) that snekomatic printed go on to the
# runner; everything else on stdout is the JSON report.
grep '^::' "$dir/stdout" || true
grep -v '^::' "$dir/stdout" >"$report" || true

invited=0
queued=0
report_path=
if ! command -v jq >/dev/null; then
	printf '::warning title=snekomatic::jq is not installed: the outputs invited and queued are 0\n'
	[ ! -s "$report" ] || report_path=$report
elif [ -s "$report" ] && jq -e 'type == "object"' "$report" >/dev/null 2>&1; then
	invited=$(jq '[.orgs[]? | .invited // [] | length] | add // 0' "$report")
	queued=$(jq '[.orgs[]? | .queued // [] | length] | add // 0' "$report")
	report_path=$report
	echo "::group::JSON report ($report)"
	cat "$report"
	echo "::endgroup::"
fi

changed=false
if [ "$dry_run" != true ] && [ -f "$state" ]; then
	if [ -z "$before" ] || ! cmp -s -- "$before" "$state"; then
		changed=true
	fi
fi

output invited "$invited"
output queued "$queued"
output report-path "$report_path"
output state-changed "$changed"

verb=invited
[ "$dry_run" != true ] || verb="would invite"
echo "snekomatic: $verb $invited, queued $queued, state changed: $changed, exit status $code"
if [ "$code" -ne 0 ]; then
	summary "" "**snekomatic exited with status $code**: see the log of the step \"Run snekomatic\" for why." ""
fi
exit "$code"
