package actiontest

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// The binary steps of action.yml (action/binary.sh), run as GitHub's runner
// would run them (composite_test.go): a first job on an empty cache gets
// the binary the slow way and caches it; the next job takes it from the
// cache, quickly and without any warning.

// startBudget is what the issue asks of a job whose binary is cached: from
// the first step to the binary being ready (snekomatic starting), under 10
// seconds. A cached run is a key computation and a copy, well under one
// second here; the budget is a generous ceiling, and the test also proves
// the cached run cannot have compiled anything (Go is not on its PATH).
const startBudget = 10 * time.Second

// runnerNames are RUNNER_OS and RUNNER_ARCH for this machine.
func runnerNames() (string, string) {
	os := map[string]string{"linux": "Linux", "darwin": "macOS", "windows": "Windows"}[runtime.GOOS]
	arch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
	return os, arch
}

// newJob is a job on a fresh runner: RUNNER_TEMP emptied (the same path as
// the last job's, as on GitHub's hosted runners), a PATH without Go, the
// given cache and github.* contexts.
func newJob(t *testing.T, temp string, cache *simCache, github map[string]string, extraPath ...string) *job {
	t.Helper()
	needTools(t, "bash", "find", "sort", "xargs", "sha256sum", "sed", "awk", "tar")
	if err := os.RemoveAll(temp); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(temp, 0o755); err != nil {
		t.Fatal(err)
	}
	runnerOS, runnerArch := runnerNames()
	if github["runner.os"] != "" {
		runnerOS, runnerArch = github["runner.os"], github["runner.arch"]
	}
	env := baseEnv(t)
	for i, e := range env {
		if strings.HasPrefix(e, "PATH=") {
			env[i] = "PATH=" + strings.Join(append(extraPath, pathWithoutGo(t)...), string(os.PathListSeparator))
		}
	}
	env = append(env, "RUNNER_OS="+runnerOS, "RUNNER_ARCH="+runnerArch, "GITHUB_ACTIONS=true")
	return &job{
		t: t, action: readAction(t), temp: temp, cache: cache, github: github, env: env,
		// The binary steps are what these tests are about: no checkout, so
		// no commit backend.
		inputs: map[string]string{"token": secretToken, "orgs": "trio", "state-backend": "none"},
	}
}

// pathWithoutGo is this machine's PATH less the directory of the go
// command, so that a job has Go only if a step sets it up.
func pathWithoutGo(t *testing.T) []string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	goDir := filepath.Dir(goTool)
	if _, err := os.Stat(filepath.Join(goDir, "bash")); err == nil {
		t.Skipf("go is in %s with bash: a job cannot be given a PATH without Go", goDir)
	}
	var out []string
	for _, p := range filepath.SplitList(os.Getenv("PATH")) {
		if p != goDir {
			out = append(out, p)
		}
	}
	return out
}

// warmGoCaches points the job's Go module and build caches at this
// machine's, standing in for caches restored from an earlier run of an
// older version: a test cannot afford a cold build of every dependency.
// Symbolic links are saved as links, so the entry stays small.
func warmGoCaches(t *testing.T, temp string) {
	t.Helper()
	for dir, name := range map[string]string{"mod": "GOMODCACHE", "build": "GOCACHE"} {
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(temp, "snekomatic-go", dir)
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(strings.TrimSpace(string(out)), link); err != nil {
			t.Fatal(err)
		}
	}
}

// noWarnings fails the test for any warning or error the job printed.
func noWarnings(t *testing.T, j *job) {
	t.Helper()
	for _, line := range strings.Split(j.log.String(), "\n") {
		if strings.HasPrefix(line, "::warning") || strings.HasPrefix(line, "::error") || strings.HasPrefix(line, "##[error]") {
			t.Errorf("the job printed %q; its log:\n%s", line, j.log.String())
		}
	}
}

func gotLine(t *testing.T, j *job) string {
	t.Helper()
	for _, line := range strings.Split(j.log.String(), "\n") {
		if strings.HasPrefix(line, "snekomatic: got the binary ") {
			return line
		}
	}
	t.Fatalf("the job never said how it got the binary; its log:\n%s", j.log.String())
	return ""
}

// TestActionBinaryCachedAfterFirstRun: a job on an empty cache builds from
// source (setup-go without its cache, Go's caches restored and saved under
// the action's own keys) and caches the binary; the next job, with the
// cache present, takes the binary from it in well under startBudget,
// without Go and without a warning, and the binary runs.
func TestActionBinaryCachedAfterFirstRun(t *testing.T) {
	temp := filepath.Join(t.TempDir(), "runner-temp")
	cache := newSimCache(t)
	// Used at a commit hash: built from source, stamped with the commit.
	const commit = "0123456789abcdef0123456789abcdef01234567"
	github := map[string]string{"action_ref": commit, "action_repository": "python-trio/snekomatic", "token": "ghs_workflowToken"}

	first := newJob(t, temp, cache, github)
	warmGoCaches(t, temp)
	first.runUntil("build")
	noWarnings(t, first)
	t.Logf("the first job's log:\n%s", first.log.String())
	if line := gotLine(t, first); !strings.Contains(line, "built from source, now cached") {
		t.Errorf("first job: %q, want a build from source", line)
	}
	if len(cache.entries) != 2 {
		t.Errorf("the first job saved %d cache entries, want 2 (Go's caches and the binary)", len(cache.entries))
	}

	second := newJob(t, temp, cache, github)
	start := time.Now()
	second.runUntil("build")
	took := time.Since(start)
	noWarnings(t, second)
	line := gotLine(t, second)
	if !strings.Contains(line, "from the Actions cache") {
		t.Errorf("second job: %q, want the binary from the cache", line)
	}
	if !contains(second.skipped, "Set up Go to build snekomatic") || !contains(second.skipped, "Build snekomatic from source") {
		t.Errorf("the second job set up Go or built: skipped only %q", second.skipped)
	}
	t.Logf("second job: %s (measured by the test: %s)", line, took.Round(time.Millisecond))
	if took > startBudget {
		t.Errorf("the second job took %s before snekomatic could start, want under %s", took, startBudget)
	}
	if len(cache.entries) != 2 {
		t.Errorf("the second job saved a cache entry: %d entries", len(cache.entries))
	}

	bin := second.steps["build"].outputs["bin"]
	out, err := exec.Command(bin, "--version").CombinedOutput()
	// The version is "(devel)", or Go's pseudo-version where the build saw
	// the checkout's history; the commit is the action's, as the step set it.
	if err != nil || !strings.HasPrefix(string(out), "snekomatic ") || !strings.Contains(string(out), " (commit 0123456789ab, ") {
		t.Errorf("%s --version: %v, %q", bin, err, out)
	}
}

// TestActionBinaryKeys checks the keys the first step computes: the
// binary's follows the sources, OS, architecture and toolchain; Go's caches
// follow go.sum; a release tag is recognised only as a version.
func TestActionBinaryKeys(t *testing.T) {
	temp := filepath.Join(t.TempDir(), "runner-temp")
	const commit = "0123456789abcdef0123456789abcdef01234567"
	for _, tt := range []struct {
		ref, repo, wantTag, wantRef string
	}{
		{"v1.2.3", "python-trio/snekomatic", "v1.2.3", "v1.2.3"},
		{"v1.2.3-rc.1", "someone/fork", "v1.2.3-rc.1", "v1.2.3-rc.1"},
		{"main", "python-trio/snekomatic", "", ""},
		{"v1x", "python-trio/snekomatic", "", ""},
		{commit, "python-trio/snekomatic", "", commit},
		{"v1", "python-trio/snekomatic", "", "v1"},
		{"v1.2", "python-trio/snekomatic", "", "v1.2"},
		{"v1.2.3", "", "", ""}, // used as uses: ./ (no repository)
	} {
		j := newJob(t, temp, newSimCache(t), map[string]string{"action_ref": tt.ref, "action_repository": tt.repo})
		j.runUntil("binary")
		out := j.steps["binary"].outputs
		if out["release-tag"] != tt.wantTag || out["release-ref"] != tt.wantRef {
			t.Errorf("ref %q of %q: release-tag %q, release-ref %q; want %q, %q", tt.ref, tt.repo, out["release-tag"], out["release-ref"], tt.wantTag, tt.wantRef)
		}
		goVersion := strings.TrimPrefix(runtime.Version(), "go")
		runnerOS, runnerArch := runnerNames()
		wantKey := regexp.MustCompile(`^snekomatic-bin-` + runnerOS + `-` + runnerArch + `-go` + regexp.QuoteMeta(goVersion) + `-[0-9a-f]{32}$`)
		if !wantKey.MatchString(out["bin-key"]) {
			t.Errorf("bin-key %q, want it to match %s", out["bin-key"], wantKey)
		}
		if !strings.HasPrefix(out["go-key"], out["go-key-prefix"]) || out["go-key"] == out["go-key-prefix"] {
			t.Errorf("go-key %q does not extend go-key-prefix %q", out["go-key"], out["go-key-prefix"])
		}
		if out["go-version"] != goVersion {
			t.Errorf("go-version %q: want go.mod's toolchain, which is this machine's Go (%s)", out["go-version"], goVersion)
		}
	}
}

// TestActionBinaryKeyFollowsSources checks that the binary's key is the
// sources', wherever they are: a copy of the action elsewhere (another
// ref, another runner directory) gets the same key; a changed source file
// a new one; a changed test file, which is not in the binary, the same;
// and a changed go.sum new keys for the binary and Go's caches.
func TestActionBinaryKeyFollowsSources(t *testing.T) {
	temp := filepath.Join(t.TempDir(), "runner-temp")
	keys := func(dir string) (bin, gocache string) {
		t.Helper()
		j := newJob(t, temp, newSimCache(t), map[string]string{"action_ref": "main", "action_repository": "python-trio/snekomatic"})
		j.dir = dir
		j.runUntil("binary")
		return j.steps["binary"].outputs["bin-key"], j.steps["binary"].outputs["go-key"]
	}
	origBin, origGo := keys(actionDir)

	// A copy of what the key covers, and of action/ (whose scripts run).
	copyDir := filepath.Join(t.TempDir(), "_actions", "python-trio", "snekomatic", "v1.2.3")
	err := filepath.WalkDir(actionDir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(actionDir, p)
		if d.IsDir() {
			if rel == ".git" || rel == "dist" {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") || rel == "go.mod" || rel == "go.sum" || strings.HasPrefix(rel, "action"+string(filepath.Separator)) {
			writeFile(t, filepath.Join(copyDir, rel), readFile(t, p))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if bin, gocache := keys(copyDir); bin != origBin || gocache != origGo {
		t.Errorf("a copy of the same sources has keys %s, %s; want %s, %s", bin, gocache, origBin, origGo)
	}
	// Where the runner leaves github.action_ref empty, the directory it
	// downloaded the action to (_actions/<owner>/<repo>/<ref>) says it.
	j := newJob(t, temp, newSimCache(t), map[string]string{})
	j.dir = copyDir
	j.runUntil("binary")
	if out := j.steps["binary"].outputs; out["release-tag"] != "v1.2.3" || out["release-repo"] != "python-trio/snekomatic" {
		t.Errorf("from the directory alone: release %q of %q, want v1.2.3 of python-trio/snekomatic", out["release-tag"], out["release-repo"])
	}

	appendTo := func(rel, text string) {
		t.Helper()
		p := filepath.Join(copyDir, rel)
		writeFile(t, p, readFile(t, p)+text)
	}
	appendTo("cmd/version_test.go", "\n// a test changed\n")
	if bin, _ := keys(copyDir); bin != origBin {
		t.Errorf("a changed test file changed the binary's key")
	}
	appendTo("cmd/version.go", "\n// a source changed\n")
	changedBin, changedGo := keys(copyDir)
	if changedBin == origBin || changedGo != origGo {
		t.Errorf("after a source change: binary key changed %v (want true), Go caches' key changed %v (want false)", changedBin != origBin, changedGo != origGo)
	}
	appendTo("go.sum", "example.com/m v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
	if bin, gocache := keys(copyDir); bin == changedBin || gocache == origGo {
		t.Errorf("a changed go.sum left a key as it was")
	}
}

// release is a fake GitHub release of snekomatic v1.2.3 for linux/amd64,
// served by a fake gh: the archive holds a script that answers --version
// as the real binary does.
type release struct {
	dir, ghDir, ghLog string
}

// fakeGH stands in for gh, answering from the files in $FAKE_RELEASE, as
// the GitHub CLI documents its commands (https://cli.github.com/manual/):
//
//   - release download TAG: the assets matching --pattern, if TAG is the
//     release's tag ($FAKE_RELEASE/tag, else v1.2.3);
//   - release list --json tagName --jq EXPR: EXPR over releases.json, the
//     published releases (--exclude-drafts and --exclude-pre-releases are
//     applied by whoever writes the file);
//   - api repos/OWNER/REPO/tags --jq EXPR: EXPR over tags.json, shaped as
//     GET /repos/{owner}/{repo}/tags answers (name, commit.sha), per
//     rest-openapi.json's "tag" schema;
//   - attestation verify: fails when $FAKE_RELEASE/attestation-fails
//     exists, or when --source-ref is given and is not the ref the archive
//     was attested for ($FAKE_RELEASE/attested-ref, else refs/tags/v1.2.3).
const fakeGH = `#!/usr/bin/env bash
printf '%s\n' "$*" >>"$FAKE_GH_LOG"
jqexpr() {
	while [ $# -gt 0 ]; do
		if [ "$1" = --jq ]; then printf '%s' "$2"; return; fi
		shift
	done
	printf '.'
}
case "$1 $2" in
"release download")
	tag=$3
	shift 3
	if [ "$tag" != "$(cat "$FAKE_RELEASE/tag" 2>/dev/null || echo v1.2.3)" ]; then echo "release not found" >&2; exit 1; fi
	dir=.
	patterns=()
	while [ $# -gt 0 ]; do
		case $1 in
		--dir) dir=$2; shift 2 ;;
		--pattern) patterns+=("$2"); shift 2 ;;
		*) shift ;;
		esac
	done
	for p in "${patterns[@]}"; do
		[ -f "$FAKE_RELEASE/$p" ] || { echo "no asset matches $p" >&2; exit 1; }
		cp "$FAKE_RELEASE/$p" "$dir/"
	done ;;
"release list")
	jq -r "$(jqexpr "$@")" "$FAKE_RELEASE/releases.json" ;;
"api "*)
	case " $* " in
	*" repos/"*"/tags"*) jq -r "$(jqexpr "$@")" "$FAKE_RELEASE/tags.json" ;;
	*) echo "fake gh: $*" >&2; exit 1 ;;
	esac ;;
"attestation verify")
	[ ! -e "$FAKE_RELEASE/attestation-fails" ] || { echo "verification failed" >&2; exit 1; }
	attested=$(cat "$FAKE_RELEASE/attested-ref" 2>/dev/null || echo refs/tags/v1.2.3)
	while [ $# -gt 0 ]; do
		if [ "$1" = --source-ref ] && [ "$2" != "$attested" ]; then
			echo "verification failed: the source ref is $attested, not $2" >&2
			exit 1
		fi
		shift
	done ;;
*) echo "fake gh: $*" >&2; exit 1 ;;
esac
`

func newRelease(t *testing.T, binaryVersion string) *release {
	t.Helper()
	r := &release{dir: t.TempDir(), ghDir: t.TempDir()}
	r.ghLog = filepath.Join(r.ghDir, "log")
	writeFile(t, filepath.Join(r.ghDir, "gh"), fakeGH)
	if err := os.Chmod(filepath.Join(r.ghDir, "gh"), 0o755); err != nil {
		t.Fatal(err)
	}
	const name = "snekomatic_1.2.3_linux_amd64.tar.gz"
	f, err := os.Create(filepath.Join(r.dir, name))
	if err != nil {
		t.Fatal(err)
	}
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	script := fmt.Sprintf("#!/bin/sh\necho 'snekomatic %s (commit 0123456789ab, 2026-12-01T08:00:00Z, go1.26.8)'\n", binaryVersion)
	for _, file := range []struct{ name, body string }{{"README.md", "readme\n"}, {"snekomatic", script}} {
		if err := tw.WriteHeader(&tar.Header{Name: file.name, Mode: 0o755, Size: int64(len(file.body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(file.body)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []interface{ Close() error }{tw, gz, f} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	sum := sha256.Sum256([]byte(readFile(t, filepath.Join(r.dir, name))))
	writeFile(t, filepath.Join(r.dir, "checksums.txt"), fmt.Sprintf("%x  %s\n%x  snekomatic_1.2.3_darwin_arm64.tar.gz\n", sum, name, sha256.Sum256(nil)))
	return r
}

func (r *release) job(t *testing.T, temp string, cache *simCache) *job {
	return r.jobAt(t, temp, cache, "v1.2.3")
}

// jobAt is a job with the action used at ref.
func (r *release) jobAt(t *testing.T, temp string, cache *simCache, ref string) *job {
	j := newJob(t, temp, cache, map[string]string{
		"action_ref": ref, "action_repository": "python-trio/snekomatic", "token": "ghs_workflowToken",
		"runner.os": "Linux", "runner.arch": "X64",
	}, r.ghDir)
	j.env = append(j.env, "FAKE_RELEASE="+r.dir, "FAKE_GH_LOG="+r.ghLog)
	return j
}

// TestActionBinaryFromRelease: at a release tag, the first job downloads
// the archive for its runner, checks it against checksums.txt and its
// attestation from the release workflow, and caches the binary, without
// setting up Go; the next job takes it from the cache.
func TestActionBinaryFromRelease(t *testing.T) {
	temp := filepath.Join(t.TempDir(), "runner-temp")
	cache := newSimCache(t)
	r := newRelease(t, "1.2.3")

	first := r.job(t, temp, cache)
	first.runUntil("build")
	noWarnings(t, first)
	if line := gotLine(t, first); !strings.Contains(line, "from release v1.2.3, checksum and provenance attestation verified") {
		t.Errorf("first job: %q", line)
	}
	if !contains(first.skipped, "Set up Go to build snekomatic") {
		t.Errorf("the job set up Go though the release was good")
	}
	wantVerify := "attestation verify " + filepath.Join(temp, "snekomatic-release.") // then the random part
	log := readFile(t, r.ghLog)
	if !strings.Contains(log, wantVerify) || !strings.Contains(log, "--repo python-trio/snekomatic --signer-workflow python-trio/snekomatic/.github/workflows/release.yml") {
		t.Errorf("gh was not asked to verify the attestation from the release workflow; it was asked:\n%s", log)
	}
	bin := first.steps["build"].outputs["bin"]
	if out, err := exec.Command(bin, "--version").Output(); err != nil || !strings.HasPrefix(string(out), "snekomatic 1.2.3 ") {
		t.Errorf("the installed binary says %q, %v", out, err)
	}

	// The next job verifies the cached archive again, downloading only
	// checksums.txt, and does not build.
	second := r.job(t, temp, cache)
	writeFile(t, r.ghLog, "")
	second.runUntil("build")
	noWarnings(t, second)
	if line := gotLine(t, second); !strings.Contains(line, "from the Actions cache, checksum and provenance attestation of release v1.2.3 verified again") {
		t.Errorf("second job: %q", line)
	}
	log = readFile(t, r.ghLog)
	if !strings.Contains(log, "release download v1.2.3 --repo python-trio/snekomatic --dir ") || !strings.Contains(log, "--pattern checksums.txt\n") ||
		strings.Contains(log, "--pattern snekomatic_") || !strings.Contains(log, "--source-ref refs/tags/v1.2.3") {
		t.Errorf("the second job did not verify the cached archive against the release (checksums.txt only, then the attestation); gh was asked:\n%s", log)
	}
	if !contains(second.skipped, "Set up Go to build snekomatic") {
		t.Errorf("the second job set up Go")
	}
}

// TestActionBinaryCachedReleaseNotTrusted: at a release, a cache entry is
// not taken on trust (anyone who can write to the repository's cache scope
// could have put it there): a binary that is not the verified archive's is
// replaced by the archive's, and an archive that no longer matches the
// release's checksums is dropped for a build from source. Before, a cached
// binary was run after only --version.
func TestActionBinaryCachedReleaseNotTrusted(t *testing.T) {
	for _, tt := range []struct {
		name, file, wantLine string
	}{
		{"binary replaced", "snekomatic", "verified again"},
		{"archive replaced", "snekomatic_1.2.3_linux_amd64.tar.gz", "built from source"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			runnerOS, runnerArch := runnerNames()
			if runnerOS != "Linux" || runnerArch != "X64" {
				t.Skip("the fake release is for linux/amd64")
			}
			temp := filepath.Join(t.TempDir(), "runner-temp")
			cache := newSimCache(t)
			r := newRelease(t, "1.2.3")
			r.job(t, temp, cache).runUntil("build")
			// Poison the cached entry: the attacker's file in its place.
			poisoned := 0
			for _, e := range cache.entries {
				if p := filepath.Join(e.dir, "0", tt.file); strings.HasPrefix(e.key, "snekomatic-bin-") && fileExists(p) {
					writeFile(t, p, "#!/bin/sh\necho 'snekomatic 1.2.3 (evil)'\ntouch \"$(dirname \"$0\")/evil-ran\"\n")
					poisoned++
				}
			}
			if poisoned != 1 {
				t.Fatalf("found %d cached %s to poison, want 1", poisoned, tt.file)
			}
			j := r.job(t, temp, cache)
			warmGoCaches(t, temp)
			j.runUntil("build")
			if line := gotLine(t, j); !strings.Contains(line, tt.wantLine) || strings.Contains(line, "evil") {
				t.Errorf("%q, want %q and not the poisoned binary; the log:\n%s", line, tt.wantLine, j.log.String())
			}
			bin := j.steps["build"].outputs["bin"]
			if out, err := exec.Command(bin, "--version").Output(); err != nil || strings.Contains(string(out), "evil") {
				t.Errorf("the binary to run says %q, %v", out, err)
			}
		})
	}
}

// TestActionBinaryAtAMovingTagOrAReleaseCommit: uses: ...@v1 and @v1.2
// get the newest published release of that line, and @<commit> the
// release whose tag points at that commit: verified, not built. The
// attestation must name that release's tag.
func TestActionBinaryAtAMovingTagOrAReleaseCommit(t *testing.T) {
	const commit = "89abcdef0123456789abcdef0123456789abcdef"
	for _, ref := range []string{"v1", "v1.2", commit} {
		t.Run(ref, func(t *testing.T) {
			runnerOS, runnerArch := runnerNames()
			if runnerOS != "Linux" || runnerArch != "X64" {
				t.Skip("the fake release is for linux/amd64")
			}
			needTools(t, "jq")
			temp := filepath.Join(t.TempDir(), "runner-temp")
			r := newRelease(t, "1.2.3")
			// Newest first, as the API lists them; v1.10.0 is of another
			// minor line, v2.0.0 of another major one.
			writeFile(t, filepath.Join(r.dir, "releases.json"), `[{"tagName":"v2.0.0"},{"tagName":"v1.2.3"},{"tagName":"v1.1.9"},{"tagName":"v1.2.0"}]`)
			writeFile(t, filepath.Join(r.dir, "tags.json"), `[{"name":"v2.0.0","commit":{"sha":"1111111111111111111111111111111111111111"}},`+
				`{"name":"v1","commit":{"sha":"`+commit+`"}},{"name":"v1.2.3","commit":{"sha":"`+commit+`"}},{"name":"v1.2.2","commit":{"sha":"2222222222222222222222222222222222222222"}}]`)
			if ref == "v1" {
				// v1.10.0 is newer than v1.2.3 by version, not by text.
				writeFile(t, filepath.Join(r.dir, "releases.json"), `[{"tagName":"v2.0.0"},{"tagName":"v1.10.0"},{"tagName":"v1.2.3"},{"tagName":"v1.9.0"}]`)
				writeFile(t, filepath.Join(r.dir, "tag"), "v1.10.0")
				writeFile(t, filepath.Join(r.dir, "attested-ref"), "refs/tags/v1.10.0")
				r = renameRelease(t, r, "1.10.0")
			}
			j := r.jobAt(t, temp, newSimCache(t), ref)
			warmGoCaches(t, temp) // a failure should not wait for a cold build
			j.runUntil("build")
			noWarnings(t, j)
			want := "from release v1.2.3, checksum and provenance attestation verified"
			if ref == "v1" {
				want = "from release v1.10.0, checksum and provenance attestation verified"
			}
			if line := gotLine(t, j); !strings.Contains(line, want) {
				t.Errorf("%q, want %q; the log:\n%s", line, want, j.log.String())
			}
			if !contains(j.skipped, "Build snekomatic from source") {
				t.Errorf("the job built from source")
			}
		})
	}
}

// renameRelease makes r's archive and checksums those of version, with a
// binary that says so.
func renameRelease(t *testing.T, r *release, version string) *release {
	t.Helper()
	n := newRelease(t, version)
	old := filepath.Join(n.dir, "snekomatic_1.2.3_linux_amd64.tar.gz")
	name := "snekomatic_" + version + "_linux_amd64.tar.gz"
	if err := os.Rename(old, filepath.Join(r.dir, name)); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(readFile(t, filepath.Join(r.dir, name))))
	writeFile(t, filepath.Join(r.dir, "checksums.txt"), fmt.Sprintf("%x  %s\n", sum, name))
	return r
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TestActionBinaryReleaseNotTrusted: a release archive that fails its
// checksum or its attestation, or holds another version, is never used:
// the job warns and builds from source, stamped with the tag's version.
func TestActionBinaryReleaseNotTrusted(t *testing.T) {
	for _, tt := range []struct {
		name, wantWarning string
		spoil             func(t *testing.T, r *release)
		binaryVersion     string
	}{
		{"checksum", "does not match its checksums.txt", func(t *testing.T, r *release) {
			f, err := os.OpenFile(filepath.Join(r.dir, "snekomatic_1.2.3_linux_amd64.tar.gz"), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprint(f, "tampered")
			f.Close()
		}, "1.2.3"},
		{"attestation", "has no valid build provenance attestation", func(t *testing.T, r *release) {
			writeFile(t, filepath.Join(r.dir, "attestation-fails"), "")
		}, "1.2.3"},
		{"other version", `says "snekomatic 1.0.0`, func(*testing.T, *release) {}, "1.0.0"},
		// An archive attested by the release workflow, but run for another
		// tag of the same repository.
		{"attestation of another tag", "has no valid build provenance attestation", func(t *testing.T, r *release) {
			writeFile(t, filepath.Join(r.dir, "attested-ref"), "refs/tags/v1.2.2")
		}, "1.2.3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			temp := filepath.Join(t.TempDir(), "runner-temp")
			r := newRelease(t, tt.binaryVersion)
			tt.spoil(t, r)
			j := r.job(t, temp, newSimCache(t))
			runnerOS, runnerArch := runnerNames()
			if runnerOS != "Linux" || runnerArch != "X64" {
				t.Skip("the fallback build runs on this machine, and the fake release is for linux/amd64")
			}
			warmGoCaches(t, temp)
			j.runUntil("build")
			if !strings.Contains(j.log.String(), "::warning title=snekomatic binary::") || !strings.Contains(j.log.String(), tt.wantWarning) {
				t.Errorf("no warning %q; the log:\n%s", tt.wantWarning, j.log.String())
			}
			if line := gotLine(t, j); !strings.Contains(line, "built from source") {
				t.Errorf("%q, want a build from source", line)
			}
			bin := j.steps["build"].outputs["bin"]
			if out, err := exec.Command(bin, "--version").Output(); err != nil || !strings.HasPrefix(string(out), "snekomatic 1.2.3 (") {
				t.Errorf("the source build says %q, %v; want version 1.2.3", out, err)
			}
		})
	}
}

// TestReleaseArchiveNames checks that the Action asks for the archive
// names .goreleaser.yaml gives them.
func TestReleaseArchiveNames(t *testing.T) {
	var cfg struct {
		Archives []struct {
			NameTemplate    string `yaml:"name_template"`
			Formats         []string
			FormatOverrides []struct {
				Goos    string
				Formats []string
			} `yaml:"format_overrides"`
		}
	}
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(actionDir, ".goreleaser.yaml"))), &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Archives) != 1 {
		t.Fatalf(".goreleaser.yaml has %d archives, want 1", len(cfg.Archives))
	}
	a := cfg.Archives[0]
	if a.NameTemplate != "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}" || !slices.Equal(a.Formats, []string{"tar.gz"}) ||
		len(a.FormatOverrides) != 1 || a.FormatOverrides[0].Goos != "windows" || !slices.Equal(a.FormatOverrides[0].Formats, []string{"zip"}) {
		t.Errorf(".goreleaser.yaml archives %+v: action/binary.sh expects snekomatic_<version>_<os>_<arch>.tar.gz, .zip on Windows", a)
	}
	script := readFile(t, filepath.Join(scriptDir, "binary.sh"))
	for _, want := range []string{`archive="snekomatic_${version}_$(goos)_$(goarch).$ext"`, `[ "$(goos)" != windows ] || ext=zip`} {
		if !strings.Contains(script, want) {
			t.Errorf("action/binary.sh no longer has %s", want)
		}
	}
}

// TestActionsPinnedBySHA checks that every action used by action.yml and
// the workflows is pinned by a full commit hash, with its version in a
// comment for people and Dependabot.
func TestActionsPinnedBySHA(t *testing.T) {
	files := []string{filepath.Join(actionDir, "action.yml")}
	workflows, _ := filepath.Glob(filepath.Join(actionDir, ".github", "workflows", "*.yml"))
	files = append(files, workflows...)
	uses := regexp.MustCompile(`^\s*(?:-\s+)?uses:\s*(\S+)(.*)$`)
	pinned := regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40}$`)
	comment := regexp.MustCompile(`^\s+# v\d+\.\d+\.\d+$`)
	n := 0
	for _, f := range files {
		for i, line := range strings.Split(readFile(t, f), "\n") {
			m := uses.FindStringSubmatch(line)
			if m == nil || strings.HasPrefix(m[1], "./") {
				continue
			}
			n++
			if !pinned.MatchString(m[1]) || !comment.MatchString(m[2]) {
				t.Errorf("%s:%d: %q is not pinned as owner/repo@<40-hex commit> # vX.Y.Z", filepath.Base(f), i+1, strings.TrimSpace(line))
			}
		}
	}
	if n == 0 {
		t.Fatal("found no uses: at all")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// releaseSteps reads the release workflow's steps.
func releaseSteps(t *testing.T) []compositeStep {
	t.Helper()
	var wf struct {
		Jobs map[string]struct {
			Steps []compositeStep `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(actionDir, ".github", "workflows", "release.yml"))), &wf); err != nil {
		t.Fatal(err)
	}
	return wf.Jobs["release"].Steps
}

// TestReleaseWorkflowTestsBeforePublishing: the release workflow runs the
// tests before GoReleaser builds and publishes anything.
func TestReleaseWorkflowTestsBeforePublishing(t *testing.T) {
	tested, built := -1, -1
	for i, s := range releaseSteps(t) {
		if tested < 0 && strings.Contains(s.Run, "go test ./...") && s.Env["CI"] == "true" {
			tested = i
		}
		if built < 0 && strings.HasPrefix(s.Uses, "goreleaser/goreleaser-action@") {
			built = i
		}
	}
	if tested < 0 || built < 0 || tested > built {
		t.Errorf("release.yml: the tests run at step %d, GoReleaser at step %d; want the tests first", tested, built)
	}
}

// TestReleaseWorkflowMovesTheVersionTags runs the release workflow's step
// that moves v1 and v1.2 to a new release, against a repository with tags
// and a stand-in gh that records the API calls.
func TestReleaseWorkflowMovesTheVersionTags(t *testing.T) {
	needTools(t, "bash", "git", "sort", "sed", "grep")
	var script string
	published := false
	for _, s := range releaseSteps(t) {
		if s.Name == "Publish the release" {
			published = true
		}
		if s.Name == "Move the major and minor version tags" {
			if !published {
				t.Fatal("release.yml moves the version tags before it publishes the release")
			}
			script = s.Run
		}
	}
	if script == "" {
		t.Fatal("release.yml has no step \"Move the major and minor version tags\"")
	}
	r := newRepo(t)
	for _, tag := range []string{"v1.1.0", "v1.2.0", "v1.2.1", "v1.10.0-rc.1", "v2.0.0-rc.1"} {
		git(t, r.work, "tag", tag)
	}
	head := git(t, r.work, "rev-parse", "HEAD")
	ghDir := t.TempDir()
	// An existing ref answers, a missing one (v1.2) is 404: created.
	writeFile(t, filepath.Join(ghDir, "gh"), "#!/usr/bin/env bash\nprintf '%s\\n' \"$*\" >>\"$GH_LOG\"\n"+
		"case \"$*\" in \"api repos/python-trio/snekomatic/git/ref/tags/v1\") exit 0 ;; \"api repos/python-trio/snekomatic/git/ref/tags/\"*) exit 1 ;; esac\n")
	if err := os.Chmod(filepath.Join(ghDir, "gh"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ tag, want string }{
		{"v1.2.1", "api -X PATCH repos/python-trio/snekomatic/git/refs/tags/v1 -f sha=" + head + " -F force=true\n" +
			"api -X POST repos/python-trio/snekomatic/git/refs -f ref=refs/tags/v1.2 -f sha=" + head + "\n"},
		{"v1.1.0", "api -X POST repos/python-trio/snekomatic/git/refs -f ref=refs/tags/v1.1 -f sha=" + head + "\n"},
		{"v2.0.0-rc.1", ""},
	} {
		log := filepath.Join(t.TempDir(), "log")
		writeFile(t, log, "")
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
		cmd.Dir = r.work
		cmd.Env = append(baseEnv(t), "PATH="+ghDir+string(os.PathListSeparator)+os.Getenv("PATH"), "GH_LOG="+log,
			"TAG="+tt.tag, "GITHUB_REPOSITORY=python-trio/snekomatic")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", tt.tag, err, out)
		}
		var calls []string
		for _, l := range strings.Split(readFile(t, log), "\n") {
			if strings.Contains(l, " -X ") {
				calls = append(calls, l+"\n")
			}
		}
		if got := strings.Join(calls, ""); got != tt.want {
			t.Errorf("release %s moved\n%s\nwant\n%s\n(output: %s)", tt.tag, got, tt.want, out)
		}
	}
}

// TestReleaseArchivesAreReproducible checks that .goreleaser.yaml fixes
// every archive entry's owner, group, mode and time, so that two builds of
// a tag give byte-identical archives (CI's release-snapshot job builds
// twice and compares the checksums).
func TestReleaseArchivesAreReproducible(t *testing.T) {
	type info struct {
		Owner, Group, Mtime string
		Mode                int
	}
	var cfg struct {
		Archives []struct {
			BuildsInfo info `yaml:"builds_info"`
			Files      []struct {
				Src  string
				Info info
			}
		}
	}
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(actionDir, ".goreleaser.yaml"))), &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Archives) == 0 {
		t.Fatal(".goreleaser.yaml has no archives")
	}
	check := func(what string, i info, mode int) {
		t.Helper()
		if i.Owner == "" || i.Group == "" || i.Mtime != "{{ .CommitDate }}" || i.Mode != mode {
			t.Errorf(".goreleaser.yaml: %s has info %+v; want owner and group set, mode %#o, mtime {{ .CommitDate }}", what, i, mode)
		}
	}
	for _, a := range cfg.Archives {
		check("builds_info", a.BuildsInfo, 0o755)
		if len(a.Files) == 0 {
			t.Error(".goreleaser.yaml: an archive lists no files (GoReleaser would add its defaults, with the builder's owners)")
		}
		for _, f := range a.Files {
			check(f.Src, f.Info, 0o644)
		}
	}
}
