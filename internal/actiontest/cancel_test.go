package actiontest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// signalStandIn is a stand-in for snekomatic that records the signals it
// gets. `reconcile` writes the state file (and a journal when
// STANDIN_LEAVE_JOURNAL=1), records the token variables it sees, marks
// $STANDIN/started, and then waits; on SIGINT or SIGTERM it appends the
// signal's name to $STANDIN/signals and exits 130, as snekomatic does
// after saving. Unless STANDIN_EXIT_ON_SIGNAL=0: then it records the
// signal and keeps waiting (a run whose last request hangs); with
// STANDIN_WAIT=0 it exits 0 at once. `state fold`
// folds the journal; `--version` answers as snekomatic does.
const signalStandIn = `#!/usr/bin/env bash
set -u
case ${1:-} in
--version) echo "snekomatic 0.0.0-standin (commit 0123456789ab, 2026-12-01T08:00:00Z, go1.26)"; exit 0 ;;
state) echo '{"version":1,"folded":true}' >"$4"; rm -f "$4.journal"; echo fold >>"$STANDIN/calls"; exit 0 ;;
esac
echo reconcile >>"$STANDIN/calls"
for v in GH_TOKEN GITHUB_TOKEN; do
	if [ -n "${!v+set}" ]; then printf '%s' "${!v}" >"$STANDIN/env.$v"; fi
done
state=
while [ $# -gt 0 ]; do
	if [ "$1" = --state ]; then state=$2; fi
	shift
done
echo '{"version":1}' >"$state"
if [ "${STANDIN_LEAVE_JOURNAL:-}" = 1 ]; then echo x >"$state.journal"; fi
on() {
	echo "$1" >>"$STANDIN/signals"
	if [ "${STANDIN_EXIT_ON_SIGNAL:-1}" = 1 ]; then exit 130; fi
}
trap 'on INT' INT
trap 'on TERM' TERM
touch "$STANDIN/started"
if [ "${STANDIN_WAIT:-1}" = 1 ]; then
	for _ in $(seq 600); do sleep 0.05; done
fi
exit 0
`

// installSignalStandIn writes the stand-in into dir and returns its path.
func installSignalStandIn(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "snekomatic")
	writeFile(t, bin, signalStandIn)
	if err := os.Chmod(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

// waitFor waits up to 20 s for a file to exist.
func waitFor(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared", path)
		}
	}
}

// TestRunPassesSignalsToSnekomatic: run.sh, signalled as GitHub's runner
// signals a cancelled step, passes the signal on to snekomatic, waits for
// it, folds the journal it left, sets the outputs and exits with its
// status. Before, SIGTERM ended run.sh and left snekomatic running.
func TestRunPassesSignalsToSnekomatic(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			needTools(t, "bash", "seq", "sleep")
			s := newStandIn(t)
			installSignalStandIn(t, s.dir)
			cmd := exec.Command("bash", filepath.Join(scriptDir, "run.sh"), "run")
			cmd.Dir = s.work
			cmd.Env = append(s.env, "INPUT_TOKEN="+secretToken, "INPUT_ORGS=trio", "STANDIN_LEAVE_JOURNAL=1")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, filepath.Join(s.dir, "started"))
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("run.sh did not exit within 10 s of %v:\n%s", sig, out.String())
			}
			want := map[syscall.Signal]string{syscall.SIGTERM: "TERM", syscall.SIGINT: "INT"}[sig]
			if got := readFileOr(filepath.Join(s.dir, "signals")); got != want+"\n" {
				t.Errorf("snekomatic got signals %q, want %s; run.sh's output:\n%s", got, want, out.String())
			}
			if cmd.ProcessState.ExitCode() != 130 {
				t.Errorf("run.sh: %v, want snekomatic's exit status 130; output:\n%s", err, out.String())
			}
			if calls := readFileOr(filepath.Join(s.dir, "calls")); calls != "reconcile\nfold\n" {
				t.Errorf("snekomatic was called for %q, want reconcile then the journal folded; output:\n%s", calls, out.String())
			}
			if o := s.runner.outputs(t); o["state-changed"] != "true" {
				t.Errorf("outputs %v: want state-changed=true", o)
			}
		})
	}
}

func readFileOr(path string) string {
	data, _ := os.ReadFile(path)
	return string(data)
}

// seedBinary puts bin into the job's Actions cache under the key the
// action computes for its binary, as an earlier run would have, so that a
// job gets it without building; it returns the runner temp directory the
// job must use.
func seedBinary(t *testing.T, cache *simCache, github map[string]string, bin string) string {
	t.Helper()
	temp := filepath.Join(t.TempDir(), "runner-temp")
	j := newJob(t, temp, cache, github)
	j.runUntil("binary")
	out := j.steps["binary"].outputs
	e := simEntry{key: out["bin-key"], paths: []string{out["bin-dir"]}, dir: filepath.Join(cache.dir, "seed")}
	writeFile(t, filepath.Join(e.dir, "0", filepath.Base(out["bin"])), readFile(t, bin))
	if err := os.Chmod(filepath.Join(e.dir, "0", filepath.Base(out["bin"])), 0o755); err != nil {
		t.Fatal(err)
	}
	cache.entries = append(cache.entries, e)
	return temp
}

// standInJob is a job whose binary, from the cache, is signalStandIn
// recording into the returned directory.
func standInJob(t *testing.T, inputs map[string]string, env ...string) (*job, string) {
	t.Helper()
	needTools(t, "bash", "seq", "sleep")
	rec := t.TempDir()
	cache := newSimCache(t)
	github := map[string]string{"action_ref": "main", "action_repository": "python-trio/snekomatic", "token": "ghs_workflowToken"}
	temp := seedBinary(t, cache, github, installSignalStandIn(t, t.TempDir()))
	j := newJob(t, temp, cache, github)
	for k, v := range inputs {
		j.inputs[k] = v
	}
	j.env = append(j.env, append(env, "STANDIN="+rec)...)
	return j, rec
}

// TestActionTokenInputWinsOverGHToken: a job that sets GH_TOKEN for its gh
// steps (env: GH_TOKEN: ${{ github.token }}) still runs snekomatic as the
// token input; snekomatic reads GH_TOKEN first, so it must not see it.
func TestActionTokenInputWinsOverGHToken(t *testing.T) {
	j, rec := standInJob(t, nil, "GH_TOKEN=ghs_theJobsOwnToken", "STANDIN_WAIT=0")
	j.runUntil("run")
	if got, ok := readFileOr(filepath.Join(rec, "env.GH_TOKEN")), fileExists(filepath.Join(rec, "env.GH_TOKEN")); ok {
		t.Errorf("snekomatic saw GH_TOKEN=%q, which it reads before GITHUB_TOKEN", got)
	}
	if got := readFileOr(filepath.Join(rec, "env.GITHUB_TOKEN")); got != secretToken {
		t.Errorf("snekomatic saw GITHUB_TOKEN=%q, want the token input", got)
	}
}

// TestActionCancelledJobKeepsItsRecords: a job cancelled (or timed out)
// while snekomatic runs passes the signal on to snekomatic, and then still
// saves the state it wrote: committed with the commit backend, cached with
// the cache backend, the journal folded in even when snekomatic had to be
// killed before it could exit by itself.
func TestActionCancelledJobKeepsItsRecords(t *testing.T) {
	for _, tt := range []struct {
		name, backend string
		exitOnSignal  bool
		wantSignals   string
	}{
		{"cache", "cache", true, "INT\n"},
		{"commit", "commit", true, "INT\n"},
		{"commit, killed", "commit", false, "INT\nTERM\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.exitOnSignal && testing.Short() {
				t.Skip("waits out the runner's 10 s of grace")
			}
			exit := "STANDIN_EXIT_ON_SIGNAL=1"
			if !tt.exitOnSignal {
				exit = "STANDIN_EXIT_ON_SIGNAL=0"
			}
			j, rec := standInJob(t, map[string]string{"state-backend": tt.backend}, exit, "STANDIN_LEAVE_JOURNAL=1")
			var r *repo
			if tt.backend == "commit" {
				r = newRepo(t)
				j.work = r.work
			}
			j.cancel = cancelAt{step: "run", ready: func() bool { return fileExists(filepath.Join(rec, "started")) }}
			j.runUntil("")
			if got := readFileOr(filepath.Join(rec, "signals")); got != tt.wantSignals {
				t.Errorf("snekomatic got signals %q, want %q; the log:\n%s", got, tt.wantSignals, j.log.String())
			}
			if j.steps["run"].outcome != "cancelled" || !j.cancelled {
				t.Fatalf("the run step was not cancelled: %+v", j.steps["run"])
			}
			if calls := readFileOr(filepath.Join(rec, "calls")); !strings.HasSuffix(calls, "fold\n") {
				t.Errorf("the journal was not folded: calls %q", calls)
			}
			switch tt.backend {
			case "cache":
				n := 0
				for _, e := range j.cache.entries {
					if strings.HasPrefix(e.key, "snekomatic-state-") {
						n++
					}
				}
				if n != 1 {
					t.Errorf("%d state entries in the cache, want 1; the log:\n%s", n, j.log.String())
				}
			case "commit":
				if got, ok := r.remoteFile(t, statePath); !ok || !strings.Contains(got, "folded") {
					t.Errorf("the remote's state file %q (there: %v), want the folded state; the log:\n%s", got, ok, j.log.String())
				}
			}
		})
	}
}
