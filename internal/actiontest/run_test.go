package actiontest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// standIn is a stand-in for the snekomatic binary: it records its arguments
// and the variables that carry credentials, prints the report in
// $STANDIN/report.json (and a workflow command, when STANDIN_ANNOTATION is
// set), appends to the file after --state when STANDIN_WRITE_STATE=1,
// leaves a journal beside it on its first call when STANDIN_LEAVE_JOURNAL=1
// (as a killed run does), and exits with STANDIN_EXIT.
const standIn = `#!/usr/bin/env bash
set -u
printf '%s\n' "$@" >"$STANDIN/args"
for v in GITHUB_TOKEN GITHUB_APP_ID GITHUB_APP_PRIVATE_KEY GITHUB_APP_PRIVATE_KEY_FILE INPUT_TOKEN INPUT_PRIVATE_KEY; do
	if [ -n "${!v+set}" ]; then printf '%s' "${!v}" >"$STANDIN/env.$v"; fi
done
state=
while [ $# -gt 0 ]; do
	if [ "$1" = --state ]; then state=$2; fi
	shift
done
if [ "${STANDIN_WRITE_STATE:-}" = 1 ]; then echo x >>"$state"; fi
if [ "${STANDIN_LEAVE_JOURNAL:-}" = 1 ] && [ ! -e "$STANDIN/journal-left" ]; then echo x >"$state.journal"; touch "$STANDIN/journal-left"; fi
if [ -n "${STANDIN_ANNOTATION:-}" ]; then echo "$STANDIN_ANNOTATION"; fi
if [ -f "$STANDIN/report.json" ]; then cat "$STANDIN/report.json"; fi
exit "${STANDIN_EXIT:-0}"
`

const secretToken = "ghs_S3cr3tT0kenThatMustNeverBePrinted"

// secretKey is shaped like a PEM key: the runner masks it line by line.
const secretKey = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretline1secretline1\nsecretline2secretline2%0Asecret==\n-----END RSA PRIVATE KEY-----\n"

type standInRun struct {
	dir    string // the stand-in's record
	work   string // the workspace
	runner *runner
	env    []string
}

func newStandIn(t *testing.T) *standInRun {
	t.Helper()
	needTools(t, "bash")
	s := &standInRun{dir: t.TempDir(), work: t.TempDir(), runner: newRunner(t)}
	bin := filepath.Join(s.dir, "snekomatic")
	writeFile(t, bin, standIn)
	if err := os.Chmod(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	s.env = append(append(baseEnv(t), s.runner.env()...), "STANDIN="+s.dir, "SNEKOMATIC_BIN="+bin,
		"INPUT_STATE_PATH="+statePath, "INPUT_STATE_BACKEND=commit", "INPUT_DRY_RUN=false")
	return s
}

func (s *standInRun) run(t *testing.T, env ...string) result {
	t.Helper()
	return runScript(t, s.work, "run.sh", append(slices.Clone(s.env), env...), "run")
}

func (s *standInRun) args(t *testing.T) []string {
	t.Helper()
	return strings.Split(strings.TrimSuffix(readFile(t, filepath.Join(s.dir, "args")), "\n"), "\n")
}

// envOf is a variable as the stand-in saw it; ok is false if it was unset.
func (s *standInRun) envOf(t *testing.T, name string) (string, bool) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(s.dir, "env."+name))
	if err != nil {
		return "", false
	}
	return string(data), true
}

// checkNoSecret fails if a secret line shows anywhere but in the runner's
// add-mask commands.
func checkNoSecret(t *testing.T, res result, secrets ...string) {
	t.Helper()
	// ::add-mask:: is how a secret gets masked, on either stream; every
	// other line must not show one.
	var shown []string
	for _, line := range strings.Split(res.stdout+"\n"+res.stderr, "\n") {
		if !strings.HasPrefix(line, "::add-mask::") {
			shown = append(shown, line)
		}
	}
	rest := strings.Join(shown, "\n")
	for _, s := range secrets {
		for _, line := range strings.Split(s, "\n") {
			line = strings.TrimSpace(line)
			// PEM's BEGIN and END lines are no secret.
			if len(line) >= 8 && !strings.HasPrefix(line, "-----") && strings.Contains(rest, line) {
				t.Errorf("secret line %q was printed: %v", line, res)
			}
		}
	}
}

func TestRunPassesTheInputsAsFlags(t *testing.T) {
	s := newStandIn(t)
	writeFile(t, filepath.Join(s.work, "snekomatic.yml"), "defaults: {}\n")
	res := s.run(t, "INPUT_TOKEN="+secretToken, "INPUT_ORGS= python-trio, trio-labs\n  other,,",
		"INPUT_DRY_RUN=True", "INPUT_SINCE=14d", "INPUT_MAX_INVITES=3", "INPUT_CONFIG=snekomatic.yml",
		"INPUT_STATE_PATH=ops/state file.json")
	if res.code != 0 {
		t.Fatalf("run.sh failed: %v", res)
	}
	want := []string{"reconcile", "--output", "json", "--state", "ops/state file.json",
		"--org", "python-trio", "--org", "trio-labs", "--org", "other",
		"--dry-run", "--since", "14d", "--max-invites", "3", "--config", "snekomatic.yml"}
	if got := s.args(t); !slices.Equal(got, want) {
		t.Errorf("arguments\n got %q\nwant %q", got, want)
	}
	for _, a := range s.args(t) {
		if strings.Contains(a, secretToken) {
			t.Errorf("the token is on the command line")
		}
	}
}

func TestRunLeavesOutEmptyOptionalInputs(t *testing.T) {
	s := newStandIn(t)
	res := s.run(t, "INPUT_TOKEN="+secretToken, "INPUT_ORGS=trio", "INPUT_DRY_RUN=", "INPUT_SINCE= ", "INPUT_MAX_INVITES=", "INPUT_CONFIG=")
	if res.code != 0 {
		t.Fatalf("run.sh failed: %v", res)
	}
	want := []string{"reconcile", "--output", "json", "--state", statePath, "--org", "trio"}
	if got := s.args(t); !slices.Equal(got, want) {
		t.Errorf("arguments\n got %q\nwant %q", got, want)
	}
}

func TestRunGivesATokenOnlyThroughTheEnvironment(t *testing.T) {
	s := newStandIn(t)
	// Variables the workflow may have set for other steps must not reach
	// snekomatic: it would not know which credentials to use.
	res := s.run(t, "INPUT_TOKEN= "+secretToken+"\n", "INPUT_ORGS=trio", "GITHUB_APP_ID=1",
		"GITHUB_APP_PRIVATE_KEY=other", "GITHUB_APP_PRIVATE_KEY_FILE=/key.pem")
	if res.code != 0 {
		t.Fatalf("run.sh failed: %v", res)
	}
	if got, ok := s.envOf(t, "GITHUB_TOKEN"); got != secretToken || !ok {
		t.Errorf("GITHUB_TOKEN = %q (set %v), want the token", got, ok)
	}
	for _, v := range []string{"GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY", "GITHUB_APP_PRIVATE_KEY_FILE", "INPUT_TOKEN", "INPUT_PRIVATE_KEY"} {
		if got, ok := s.envOf(t, v); ok {
			t.Errorf("%s = %q reached snekomatic", v, got)
		}
	}
	if !strings.Contains(res.stdout, "::add-mask::"+secretToken+"\n") {
		t.Errorf("the token was not masked: %v", res)
	}
	checkNoSecret(t, res, secretToken)
}

func TestRunGivesAnAppKeyOnlyThroughTheEnvironment(t *testing.T) {
	s := newStandIn(t)
	res := s.run(t, "INPUT_APP_ID= 12345 ", "INPUT_PRIVATE_KEY="+secretKey, "GITHUB_TOKEN=ghs_outerTokenOfTheWorkflow")
	if res.code != 0 {
		t.Fatalf("run.sh failed: %v", res)
	}
	if got, _ := s.envOf(t, "GITHUB_APP_ID"); got != "12345" {
		t.Errorf("GITHUB_APP_ID = %q", got)
	}
	if got, _ := s.envOf(t, "GITHUB_APP_PRIVATE_KEY"); got != secretKey {
		t.Errorf("GITHUB_APP_PRIVATE_KEY = %q, want the key unchanged", got)
	}
	for _, v := range []string{"GITHUB_TOKEN", "GITHUB_APP_PRIVATE_KEY_FILE", "INPUT_TOKEN", "INPUT_PRIVATE_KEY"} {
		if got, ok := s.envOf(t, v); ok {
			t.Errorf("%s = %q reached snekomatic", v, got)
		}
	}
	// App mode without orgs: every installation.
	if got, want := s.args(t), []string{"reconcile", "--output", "json", "--state", statePath}; !slices.Equal(got, want) {
		t.Errorf("arguments %q, want %q", got, want)
	}
	for _, want := range []string{
		"::add-mask::MIIEowIBAAKCAQEAsecretline1secretline1\n",
		"::add-mask::secretline2secretline2%250Asecret==\n", // % escaped, as the runner unescapes it
	} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("stdout lacks %q: %v", want, res)
		}
	}
	checkNoSecret(t, res, secretKey)
}

func TestRunRejectsBadInputsBeforeRunning(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     []string
		wantErr string
	}{
		{"no credentials", nil, "no credentials: set app-id and private-key (a GitHub App), or token"},
		{"token and app", []string{"INPUT_TOKEN=" + secretToken, "INPUT_APP_ID=1", "INPUT_PRIVATE_KEY=" + secretKey},
			"set either token, or app-id and private-key, not both"},
		{"app id without key", []string{"INPUT_APP_ID=1", "INPUT_PRIVATE_KEY= \n"}, "app-id is set but private-key is empty"},
		{"key without app id", []string{"INPUT_PRIVATE_KEY=" + secretKey}, "private-key is set but app-id is empty"},
		{"dry-run not a boolean", []string{"INPUT_TOKEN=t", "INPUT_DRY_RUN=yes"}, `dry-run is "yes": want true or false`},
		{"unknown backend", []string{"INPUT_TOKEN=t", "INPUT_STATE_BACKEND=s3"}, `state-backend is "s3": want commit, cache or none`},
		{"empty state path", []string{"INPUT_TOKEN=t", "INPUT_STATE_PATH= "}, "state-path must not be empty"},
		{"cursor-commit-hours not a number", []string{"INPUT_TOKEN=t", "INPUT_CURSOR_COMMIT_HOURS=1d"}, `cursor-commit-hours is "1d": want a whole number of hours`},
		{"since malformed", []string{"INPUT_TOKEN=t", "INPUT_ORGS=trio", "INPUT_SINCE=last week"}, `since is "last week": want an RFC 3339 time`},
		{"max-invites malformed", []string{"INPUT_TOKEN=t", "INPUT_ORGS=trio", "INPUT_MAX_INVITES=ten"}, `max-invites is "ten": want a whole number`},
		{"config missing", []string{"INPUT_TOKEN=t", "INPUT_ORGS=trio", "INPUT_CONFIG=.github/nope.yml"}, "config: no file .github/nope.yml in the workspace"},
		{"org malformed", []string{"INPUT_TOKEN=t", "INPUT_ORGS=trio, -bad-"}, `orgs: "-bad-" is not a GitHub organization login`},
		{"token without orgs", []string{"INPUT_TOKEN=t"}, "orgs is required with token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, mode := range []string{"check", "run"} {
				s := newStandIn(t)
				res := runScript(t, s.work, "run.sh", append(slices.Clone(s.env), tc.env...), mode)
				if res.code != 2 || !strings.Contains(res.stdout, "::error title=snekomatic::"+tc.wantErr) {
					t.Errorf("%s: want exit 2 and the error %q: %v", mode, tc.wantErr, res)
				}
				if _, err := os.Stat(filepath.Join(s.dir, "args")); err == nil {
					t.Errorf("%s: snekomatic ran despite the bad input", mode)
				}
				checkNoSecret(t, res, secretToken, secretKey)
			}
		})
	}
}

func TestRunCheckNeedsNoBinary(t *testing.T) {
	needTools(t, "bash")
	res := runScript(t, t.TempDir(), "run.sh", append(baseEnv(t), "INPUT_TOKEN="+secretToken, "INPUT_ORGS=trio",
		"INPUT_STATE_PATH=s.json", "INPUT_STATE_BACKEND=cache"), "check")
	if res.code != 0 {
		t.Fatalf("check failed: %v", res)
	}
	if res.stdout != "::add-mask::"+secretToken+"\n" {
		t.Errorf("check printed %q, want only the mask", res.stdout)
	}
}

const twoOrgReport = `{
  "dry_run": false,
  "state": "snekomatic-state.json",
  "orgs": [
    {"org": "trio", "invited": [{"login": "a"}, {"login": "b"}], "queued": [{"login": "q", "reason": "--max-invites 2 reached for this run"}]},
    {"org": "trio-labs", "invited": [{"login": "c"}], "queued": []}
  ]
}
`

func TestRunSetsTheOutputsFromTheReport(t *testing.T) {
	needTools(t, "jq")
	s := newStandIn(t)
	writeFile(t, filepath.Join(s.dir, "report.json"), twoOrgReport)
	annotation := "::warning title=snekomatic%3A trio::1 person waits in the queue"
	res := s.run(t, "INPUT_TOKEN=t", "INPUT_ORGS=trio trio-labs", "STANDIN_WRITE_STATE=1", "STANDIN_ANNOTATION="+annotation)
	if res.code != 0 {
		t.Fatalf("run.sh failed: %v", res)
	}
	out := s.runner.outputs(t)
	if out["invited"] != "3" || out["queued"] != "1" || out["state-changed"] != "true" {
		t.Errorf("outputs %v, want invited=3 queued=1 state-changed=true", out)
	}
	if got := readFile(t, out["report-path"]); got != twoOrgReport {
		t.Errorf("report-path holds %q, want the report alone", got)
	}
	if !strings.HasPrefix(out["report-path"], s.runner.temp+string(filepath.Separator)) {
		t.Errorf("report-path %q is not under RUNNER_TEMP", out["report-path"])
	}
	if !strings.Contains(res.stdout, annotation+"\n") {
		t.Errorf("snekomatic's annotation did not reach the runner: %v", res)
	}

	// A run that leaves the state file as it was.
	res = s.run(t, "INPUT_TOKEN=t", "INPUT_ORGS=trio")
	if out := s.runner.outputs(t); res.code != 0 || out["state-changed"] != "false" {
		t.Errorf("unchanged state: outputs %v: %v", out, res)
	}
	// A dry run never reports a change.
	res = s.run(t, "INPUT_TOKEN=t", "INPUT_ORGS=trio", "INPUT_DRY_RUN=true", "STANDIN_WRITE_STATE=1")
	if out := s.runner.outputs(t); res.code != 0 || out["state-changed"] != "false" {
		t.Errorf("dry run: outputs %v: %v", out, res)
	}
}

func TestRunKeepsSnekomaticsExitStatus(t *testing.T) {
	needTools(t, "jq")
	s := newStandIn(t)
	writeFile(t, filepath.Join(s.dir, "report.json"), twoOrgReport)
	res := s.run(t, "INPUT_TOKEN=t", "INPUT_ORGS=trio", "STANDIN_EXIT=1", "STANDIN_WRITE_STATE=1")
	if res.code != 1 {
		t.Fatalf("exit %d, want snekomatic's 1: %v", res.code, res)
	}
	// The outputs are still set, so that the state is still saved.
	if out := s.runner.outputs(t); out["invited"] != "3" || out["state-changed"] != "true" {
		t.Errorf("outputs %v", out)
	}
	if got := s.runner.summaryText(t); !strings.Contains(got, "**snekomatic exited with status 1**") {
		t.Errorf("summary %q does not say it failed", got)
	}

	// A usage error prints no report: the outputs are zero and empty.
	os.Remove(filepath.Join(s.dir, "report.json"))
	res = s.run(t, "INPUT_TOKEN=t", "INPUT_ORGS=trio", "STANDIN_EXIT=2")
	if out := s.runner.outputs(t); res.code != 2 || out["invited"] != "0" || out["report-path"] != "" {
		t.Errorf("exit %d, outputs %v", res.code, out)
	}
}

func TestRunWarnsWhenTheCacheHadNoState(t *testing.T) {
	for _, tc := range []struct {
		name      string
		env       []string
		haveState bool
		wantWarn  bool
	}{
		{"cache miss", []string{"INPUT_STATE_BACKEND=cache", "CACHE_MATCHED_KEY="}, false, true},
		{"cache hit", []string{"INPUT_STATE_BACKEND=cache", "CACHE_MATCHED_KEY=snekomatic-state-snekomatic-state.json-41-1"}, true, false},
		{"cache miss but the file is in the checkout", []string{"INPUT_STATE_BACKEND=cache", "CACHE_MATCHED_KEY="}, true, false},
		{"commit backend", []string{"INPUT_STATE_BACKEND=commit"}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStandIn(t)
			if tc.haveState {
				writeFile(t, filepath.Join(s.work, statePath), "{}\n")
			}
			res := s.run(t, append([]string{"INPUT_TOKEN=t", "INPUT_ORGS=trio"}, tc.env...)...)
			if res.code != 0 {
				t.Fatalf("run.sh failed: %v", res)
			}
			warned := strings.Contains(res.stdout, "::warning title=snekomatic: fresh state::")
			summary := s.runner.summaryText(t)
			inSummary := strings.Contains(summary, "**Fresh state.**") && strings.Contains(summary, "7 days")
			if warned != tc.wantWarn || inSummary != tc.wantWarn {
				t.Errorf("warned %v, in summary %v, want %v: %v\nsummary:\n%s", warned, inSummary, tc.wantWarn, res, summary)
			}
		})
	}
}

// TestRunCheckFindsEveryProblemBeforeBuilding: the first step reports
// every bad input at once, each naming the input, and for the commit
// backend that there is no checkout, or no branch, to push to.
func TestRunCheckFindsEveryProblemBeforeBuilding(t *testing.T) {
	needTools(t, "bash", "git")
	work := t.TempDir()
	res := runScript(t, work, "run.sh", append(baseEnv(t), "INPUT_TOKEN=t", "INPUT_ORGS=trio", "INPUT_SINCE=yesterday",
		"INPUT_MAX_INVITES=-3", "INPUT_STATE_PATH=s.json", "INPUT_STATE_BACKEND=commit"), "check")
	for _, want := range []string{`since is "yesterday"`, `max-invites is "-3"`, "state-backend: commit needs a git checkout"} {
		if !strings.Contains(res.stdout, "::error title=snekomatic::"+want) {
			t.Errorf("no annotation %q: %v", want, res)
		}
	}
	if res.code != 2 {
		t.Errorf("exit %d, want 2", res.code)
	}
	// A detached HEAD (actions/checkout of a tag or a commit).
	r := newRepo(t)
	git(t, r.work, "checkout", "--quiet", "--detach")
	res = runScript(t, r.work, "run.sh", append(baseEnv(t), "INPUT_TOKEN=t", "INPUT_ORGS=trio", "INPUT_STATE_PATH=s.json"), "check")
	if res.code != 2 || !strings.Contains(res.stdout, "HEAD is detached") {
		t.Errorf("detached HEAD not reported: %v", res)
	}
	// A dry run commits nothing, so it needs no branch; nor do valid inputs.
	res = runScript(t, r.work, "run.sh", append(baseEnv(t), "INPUT_TOKEN=t", "INPUT_ORGS=trio", "INPUT_STATE_PATH=s.json",
		"INPUT_DRY_RUN=true", "INPUT_SINCE=1d12h", "INPUT_MAX_INVITES=5"), "check")
	if res.code != 0 {
		t.Errorf("dry run refused: %v", res)
	}
}

// A run that leaves a journal (it was killed) gets it folded into the state
// file, which is all that is committed or cached; a dry run folds nothing.
func TestRunFoldsALeftoverJournal(t *testing.T) {
	s := newStandIn(t)
	res := s.run(t, "INPUT_TOKEN="+secretToken, "INPUT_ORGS=trio", "STANDIN_LEAVE_JOURNAL=1", "STANDIN_EXIT=1")
	if res.code != 1 {
		t.Fatalf("run.sh: %v", res)
	}
	if got, want := s.args(t), []string{"state", "fold", "--state", statePath}; !slices.Equal(got, want) {
		t.Errorf("last call %q, want %q", got, want)
	}
	d := newStandIn(t)
	res = d.run(t, "INPUT_TOKEN="+secretToken, "INPUT_ORGS=trio", "STANDIN_LEAVE_JOURNAL=1", "INPUT_DRY_RUN=true")
	if res.code != 0 || d.args(t)[0] != "reconcile" {
		t.Errorf("a dry run folded: %v %q", res, d.args(t))
	}
}
