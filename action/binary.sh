#!/usr/bin/env bash
# The steps of action.yml that get the snekomatic binary, fastest first:
#
#   1. a binary already built from exactly these sources, for this OS,
#      architecture and Go toolchain, restored from the Actions cache;
#   2. when the action is used at a release (uses: python-trio/snekomatic@v1,
#      @v1.2, @v1.2.3, or @<the commit of a release>), the release archive
#      for this runner, checked against the release's checksums.txt and its
#      build provenance attestation, then cached with the binary; a binary
#      restored from the cache at a release is checked again the same way;
#   3. otherwise a build from source, with Go's module and build caches
#      restored and saved by actions/cache under keys computed here.
#
#   binary.sh key       compute the cache keys and paths (outputs below)
#   binary.sh download  fetch and verify the release archive, or verify a
#                       cached one again (outputs got, tag, dropped)
#   binary.sh build     build from source (GOMODCACHE, GOCACHE from key)
#   binary.sh done      check the binary, say which way it came and how
#                       long it took (output bin, for run.sh)
#
# The keys are computed here because hashFiles() only sees the caller's
# workspace, never the action's own files: a cache keyed on it would miss
# on every run in every repository but snekomatic's own. The binary's key
# hashes the sources it is built from (non-test .go files, go.mod, go.sum
# and this script, which holds the build command), so a new version of the
# action never reuses an old binary, and the same sources always reuse one,
# whichever ref (tag, branch, commit) they were reached by.
#
# Read from the environment: GITHUB_ACTION_PATH, RUNNER_OS, RUNNER_ARCH,
# RUNNER_TEMP, GITHUB_OUTPUT; ACTION_REF and ACTION_REPOSITORY (key: the
# github.action_ref and github.action_repository contexts, which are only
# reliable when passed through env in a composite action); BIN, RELEASE_REF,
# RELEASE_REPO, FROM_CACHE, GH_TOKEN (download); BIN, GOMODCACHE, GOCACHE,
# RELEASE_TAG, COMMIT (build); BIN, START_MS, FROM_CACHE, DOWNLOADED, BUILT,
# RELEASE_TAG, GO_CACHE_MATCHED (done).
set -euo pipefail

mode=${1:-}
action_path=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH must name the directory of the action}
tmp_root=${RUNNER_TEMP:-${TMPDIR:-/tmp}}

output() {
	if [ -n "${GITHUB_OUTPUT:-}" ]; then
		printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
	fi
}

warning() {
	local msg=${1//'%'/%25}
	msg=${msg//$'\n'/%0A}
	printf '::warning title=snekomatic binary::%s\n' "$msg"
}

# now_ms is the time in milliseconds: to the microsecond with bash 5's
# EPOCHREALTIME, to the second with an older bash (macOS's /bin/bash).
now_ms() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		local t=${EPOCHREALTIME/[.,]/}
		printf '%s' $((10#$t / 1000))
	else
		printf '%s' $(($(date +%s) * 1000))
	fi
}

# sha256 prints the SHA-256 of stdin as sha256sum does ("<hex>  -");
# macOS has shasum instead. ${sha256[@]} is the command, for xargs.
if command -v sha256sum >/dev/null; then
	sha256=(sha256sum)
else
	sha256=(shasum -a 256)
fi
sha256() { "${sha256[@]}"; }

# A release tag: v1.2.3, or a pre-release such as v1.2.3-rc.1.
is_release_tag() { [[ $1 =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]]; }

# A ref that names a release: a release tag, a moving major or minor tag
# (v1, v1.2: the newest release of that line), or a commit hash (the
# release whose tag points at that commit, if any).
is_release_ref() {
	is_release_tag "$1" || [[ $1 =~ ^v[0-9]+(\.[0-9]+)?$ ]] || [[ $1 =~ ^[0-9a-f]{40}$ ]]
}

# newest_tag prints the highest version among the release tags on stdin
# (one a line; anything else is ignored).
newest_tag() {
	local t
	while read -r t; do
		if is_release_tag "$t"; then printf '%s\n' "$t"; fi
	done | sed 's/^v//' | LC_ALL=C sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1 | sed 's/^/v/'
}

# resolve_release prints the release tag that the action's ref names, or
# nothing: the tag itself; for v1 or v1.2, the newest published release of
# that line (pre-releases left out); for a commit, the newest release
# whose tag points at it (GET /repos/{owner}/{repo}/tags lists each tag
# with its commit's sha).
resolve_release() {
	local ref=$1 repo=$2
	if is_release_tag "$ref"; then
		printf '%s\n' "$ref"
	elif [[ $ref =~ ^v[0-9]+(\.[0-9]+)?$ ]]; then
		gh release list --repo "$repo" --exclude-drafts --exclude-pre-releases --limit 100 --json tagName --jq '.[].tagName' |
			awk -v p="$ref." 'index($0, p) == 1' | newest_tag
	elif [[ $ref =~ ^[0-9a-f]{40}$ ]]; then
		gh api --paginate "repos/$repo/tags?per_page=100" --jq ".[] | select(.commit.sha == \"$ref\") | .name" | newest_tag
	fi
}

# goos and goarch name this runner as Go and the release archives do; empty
# for a runner no release is built for.
goos() {
	case ${RUNNER_OS:-} in
	Linux) echo linux ;;
	macOS) echo darwin ;;
	Windows) echo windows ;;
	esac
}
goarch() {
	case ${RUNNER_ARCH:-} in
	X64) echo amd64 ;;
	ARM64) echo arm64 ;;
	esac
}

exe=
[ "${RUNNER_OS:-}" != Windows ] || exe=.exe

key() {
	local start toolchain sources ref repo os arch
	start=$(now_ms)
	# The toolchain line says which Go builds snekomatic (setup-go installs
	# it); a go.mod without one means its go line.
	toolchain=$(sed -n 's/^toolchain go\([0-9][0-9.a-z]*\).*/\1/p' "$action_path/go.mod")
	[ -n "$toolchain" ] || toolchain=$(sed -n 's/^go \([0-9][0-9.a-z]*\).*/\1/p' "$action_path/go.mod")
	[ -n "$toolchain" ] || {
		printf '::error title=snekomatic::%s/go.mod names no Go version\n' "$action_path"
		exit 1
	}
	sources=$(
		cd "$action_path"
		find . -path ./.git -prune -o -type f \( \( -name '*.go' ! -name '*_test.go' \) -o -name go.mod -o -name go.sum -o -path ./action/binary.sh \) -print |
			LC_ALL=C sort | tr '\n' '\0' | xargs -0 "${sha256[@]}" | sha256 | cut -c1-32
	)

	# Which release, if any: the ref the workflow named in `uses:`. When
	# the contexts are empty (older runners), the runner's download
	# directory, .../_actions/<owner>/<repo>/<ref>, still says it.
	ref=${ACTION_REF:-}
	repo=${ACTION_REPOSITORY:-}
	if [ -z "$ref" ] || [ -z "$repo" ]; then
		local p=${action_path//\\//}
		if [[ $p =~ /_actions/([^/]+)/([^/]+)/([^/]+)/?$ ]]; then
			repo=${BASH_REMATCH[1]}/${BASH_REMATCH[2]}
			ref=${BASH_REMATCH[3]}
		fi
	fi
	os=$(goos)
	arch=$(goarch)
	local tag='' release_ref=''
	if [ -n "$repo" ] && [ -n "$os" ] && [ -n "$arch" ] && is_release_ref "$ref"; then
		release_ref=$ref
		! is_release_tag "$ref" || tag=$ref
	fi

	local dir=$tmp_root/snekomatic-bin
	output start-ms "$start"
	output go-version "$toolchain"
	output bin-dir "$dir"
	output bin "$dir/snekomatic$exe"
	output bin-key "snekomatic-bin-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}-go$toolchain-$sources"
	# The Go caches follow go.sum: a new version of the action with the same
	# dependencies reuses them whole; otherwise the newest entry for this
	# OS, architecture and toolchain is restored and only what changed is
	# fetched and compiled again.
	local deps
	deps=$(sha256 <"$action_path/go.sum" | cut -c1-32)
	local prefix="snekomatic-go-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}-go$toolchain-"
	output go-key "$prefix$deps"
	output go-key-prefix "$prefix"
	output gomodcache "$tmp_root/snekomatic-go/mod"
	output gocache "$tmp_root/snekomatic-go/build"
	output release-tag "$tag"
	output release-ref "$release_ref"
	# Used at a commit hash, the build is stamped with it.
	local commit=
	[[ ! $ref =~ ^[0-9a-f]{40}$ ]] || commit=$ref
	output commit "$commit"
	output release-repo "$repo"
	echo "snekomatic: looking for a binary of sources ${sources:0:12} for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}, Go $toolchain${release_ref:+, release $release_ref of $repo}"
}

# download gets the release binary for the ref the action is used at
# (resolve_release), checked against the release's checksums.txt and its
# build provenance attestation: made by the release workflow of the same
# repository, from that very tag (--source-ref), so that the archive of
# another tag or a workflow run on a branch is refused. It keeps the
# verified archive beside the binary, so that a binary restored from the
# Actions cache (FROM_CACHE=true) is verified again the same way, with only
# checksums.txt downloaded: a cache entry is not trusted to be what this
# step saved. Outputs: tag (the release the ref names), got=true when the
# binary is verified;
# dropped=true when a cached binary could not be verified and was removed,
# so that the action builds from source instead: a release binary that is
# not verified is never run.
download() {
	local bin=${BIN:?} ref=${RELEASE_REF:?} repo=${RELEASE_REPO:?}
	output got false
	local code=0
	fetch_release "$bin" "$ref" "$repo" || code=$?
	# A cached binary at a release that cannot be verified is removed. One
	# where there is no release to check it against (a commit that is no
	# release's, gh missing) was built from source: it stays, as at any
	# other ref (SECURITY.md says what that trusts).
	if [ "${FROM_CACHE:-}" = true ] && [ "$code" = 1 ]; then
		rm -rf "$(dirname "$bin")"
		output dropped true
	fi
}

# fetch_release does download's work. It fails, with a message, with
# status 2 when there is no release to get (gh missing, no release matches
# the ref), and 1 when the release cannot be verified; either way nothing
# new is left where the binary goes.
fetch_release() {
	local bin=$1 ref=$2 repo=$3 tag
	local then="building from source"
	[ "${FROM_CACHE:-}" != true ] || then="keeping the cached binary, built from source"
	if ! command -v gh >/dev/null; then
		echo "snekomatic: gh is not installed, so no release can be verified; $then"
		return 2
	fi
	tag=$(resolve_release "$ref" "$repo") || tag=
	if [ -z "$tag" ]; then
		echo "snekomatic: no release of $repo matches $ref; $then"
		return 2
	fi
	output tag "$tag"
	local version=${tag#v} ext=tar.gz
	[ "$(goos)" != windows ] || ext=zip
	local archive bindir dir
	archive="snekomatic_${version}_$(goos)_$(goarch).$ext"
	bindir=$(dirname "$bin")
	dir=$(mktemp -d "$tmp_root/snekomatic-release.XXXXXX")
	local patterns=(--pattern checksums.txt)
	if [ -f "$bindir/$archive" ]; then
		cp "$bindir/$archive" "$dir/"
	else
		patterns+=(--pattern "$archive")
	fi
	if ! gh release download "$tag" --repo "$repo" --dir "$dir" "${patterns[@]}"; then
		echo "snekomatic: could not download $archive and checksums.txt from release $tag of $repo; building from source"
		return 1
	fi
	verify_archive "$dir" "$archive" "$tag" "$repo" || return 1
	mkdir -p "$dir/x"
	if [ "$ext" = zip ]; then
		unzip -q -o "$dir/$archive" "snekomatic$exe" -d "$dir/x"
	else
		tar -xzf "$dir/$archive" -C "$dir/x" "snekomatic$exe"
	fi
	# The archive must hold the version it is named for: a release whose
	# binary says otherwise was mislabelled.
	local says
	says=$("$dir/x/snekomatic$exe" --version 2>/dev/null || true)
	if [[ $says != "snekomatic $version "* ]]; then
		warning "the binary in $archive says \"$says\", not version $version: not using it, building from source"
		return 1
	fi
	rm -rf "$bindir"
	mkdir -p "$bindir"
	mv -f "$dir/x/snekomatic$exe" "$bin"
	mv -f "$dir/$archive" "$bindir/"
	rm -rf "$dir"
	output got true
}

# verify_archive checks the archive in dir against checksums.txt there and
# its provenance attestation: signed by the release workflow of repo, run
# for the tag.
verify_archive() {
	local dir=$1 archive=$2 tag=$3 repo=$4 want got
	want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$dir/checksums.txt")
	got=$(sha256 <"$dir/$archive" | cut -d' ' -f1)
	if [ -z "$want" ] || [ "$want" != "$got" ]; then
		warning "$archive from release $tag of $repo does not match its checksums.txt (want ${want:-no entry}, got $got): not using it, building from source"
		return 1
	fi
	if ! gh attestation verify "$dir/$archive" --repo "$repo" --signer-workflow "$repo/.github/workflows/release.yml" --source-ref "refs/tags/$tag"; then
		warning "$archive from release $tag of $repo has no valid build provenance attestation from $repo's release workflow run for $tag: not using it, building from source"
		return 1
	fi
}

# build compiles snekomatic as a release does (static, -trimpath), stamped
# with the release version when the action is used at a release tag, and
# with the commit when it is used at a commit hash (the action's directory
# is not a git checkout, so Go cannot stamp it itself).
build() {
	local bin=${BIN:?}
	: "${GOMODCACHE:?}" "${GOCACHE:?}"
	export GOMODCACHE GOCACHE
	# -modcacherw: the module cache is left writable, so that the runner
	# can delete its temporary directory after the job.
	export GOFLAGS="-mod=readonly -modcacherw" CGO_ENABLED=0
	local pkg=github.com/python-trio/snekomatic/internal/buildinfo ldflags=
	[ -z "${RELEASE_TAG:-}" ] || ldflags="-X $pkg.version=${RELEASE_TAG#v}"
	[ -z "${COMMIT:-}" ] || ldflags="$ldflags -X $pkg.commit=$COMMIT"
	mkdir -p "$(dirname "$bin")"
	(cd "$action_path" && go build -trimpath -ldflags "$ldflags" -o "$bin" ./cmd/snekomatic)
	output built true
}

done_() {
	local bin=${BIN:?} how
	if [ ! -f "$bin" ]; then
		printf '::error title=snekomatic::no snekomatic binary at %s: see the steps above for why\n' "$bin"
		exit 1
	fi
	if [ "${FROM_CACHE:-}" = true ] && [ "${DOWNLOADED:-}" = true ]; then
		how="from the Actions cache, checksum and provenance attestation of release ${RELEASE_TAG:-} verified again"
	elif [ "${FROM_CACHE:-}" = true ] && [ "${BUILT:-}" != true ]; then
		how="from the Actions cache"
	elif [ "${DOWNLOADED:-}" = true ]; then
		how="from release ${RELEASE_TAG:-}, checksum and provenance attestation verified, now cached"
	elif [ "${BUILT:-}" = true ]; then
		how="built from source, now cached (Go caches: ${GO_CACHE_MATCHED:-none restored})"
	else
		how="by no known way"
	fi
	local took=
	if [ -n "${START_MS:-}" ]; then
		local ms=$(($(now_ms) - START_MS))
		took=" in $((ms / 1000)).$(printf '%03d' $((ms % 1000)) | cut -c1)s"
	fi
	# It must run: a damaged cache entry fails here, with its own message,
	# rather than in the middle of the reconcile step.
	local says
	if ! says=$("$bin" --version 2>&1); then
		printf '::error title=snekomatic::the snekomatic binary at %s does not run: %s\n' "$bin" "${says//$'\n'/ }"
		exit 1
	fi
	echo "snekomatic: got the binary $how$took: $says"
	output bin "$bin"
}

case $mode in
key) key ;;
download) download ;;
build) build ;;
done) done_ ;;
*)
	echo "usage: binary.sh key|download|build|done" >&2
	exit 2
	;;
esac
