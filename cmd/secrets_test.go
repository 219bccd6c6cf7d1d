package cmd

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/internal/testbin"
)

// binary builds snekomatic once per test process (testbin).
func binary(t *testing.T) string {
	t.Helper()
	p, err := testbin.Path()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// runBinary runs the real binary with env and returns everything it
// printed.
func runBinary(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	c := exec.Command(binary(t), args...)
	c.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	var o, e bytes.Buffer
	c.Stdout, c.Stderr = &o, &e
	err := c.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, o.String(), e.String()
}

// secretsIn lists every credential the fake saw, plus the private key's
// lines: none may appear anywhere snekomatic writes.
func secretsIn(gh *fakegithub.GitHub, key []byte, extra ...string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if len(s) >= 16 && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, r := range gh.Requests() {
		add(r.Token)
		if i := strings.LastIndex(r.Token, "."); i > 0 { // a JWT's signature alone
			add(r.Token[i+1:])
		}
	}
	for _, line := range strings.Split(string(key), "\n") {
		if !strings.HasPrefix(line, "-----") {
			add(strings.TrimSpace(line))
		}
	}
	for _, e := range extra {
		add(e)
	}
	return out
}

func assertNoSecrets(t *testing.T, secrets []string, atLeast int, where map[string]string) {
	t.Helper()
	if len(secrets) < atLeast {
		t.Fatalf("only %d secrets collected; the scan would prove nothing", len(secrets))
	}
	for name, text := range where {
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "::add-mask::") {
				continue // the one place a secret must appear, to be masked
			}
			for _, s := range secrets {
				if strings.Contains(line, s) {
					t.Errorf("%s shows a secret (%.6s...): %q", name, s, line)
				}
			}
		}
	}
}

func TestNoSecretReachesOutputOrStateTokenMode(t *testing.T) {
	w := newWorld(t)
	w.merged(t, w.gh.AddUser("alice"), time.Hour)
	env := []string{"GITHUB_TOKEN=" + testToken, "GITHUB_API_URL=" + w.gh.RESTURL(), "GITHUB_ACTIONS=true"}
	code, out, errOut := runBinary(t, env, "reconcile", "--org", "trio", "--state", w.statePath)
	mustCode(t, code, 0, out, errOut)
	// A failing run too: its errors must not carry the token either.
	code2, out2, errOut2 := runBinary(t, append(env, "GITHUB_API_URL="+w.gh.URL()+"/nowhere/"), "reconcile", "--org", "trio", "--state", w.statePath)
	if code2 == 0 {
		t.Errorf("a run against a wrong API URL succeeded")
	}
	st, _ := os.ReadFile(w.statePath)
	if !strings.Contains(errOut, "::add-mask::"+testToken) {
		t.Errorf("under GitHub Actions the token should be masked")
	}
	assertNoSecrets(t, secretsIn(w.gh, nil, testToken), 1, map[string]string{
		"stdout": out, "stderr": errOut, "state": string(st), "failing stdout": out2, "failing stderr": errOut2,
	})
}

func TestNoSecretReachesOutputOrStateAppMode(t *testing.T) {
	w := newAppWorld(t, nil)
	a := w.gh.AddUser("ann")
	w.gh.AddPR(w.repos["alpha"], a.ID, "x", time.Now().Add(-time.Hour))
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	os.WriteFile(keyFile, w.key, 0o600)
	env := []string{"GITHUB_APP_ID=" + strconv.Itoa(testAppID), "GITHUB_APP_PRIVATE_KEY_FILE=" + keyFile,
		"GITHUB_API_URL=" + w.gh.RESTURL(), "GITHUB_ACTIONS=true"}
	code, out, errOut := runBinary(t, env, "reconcile", "--state", w.statePath)
	mustCode(t, code, 0, out, errOut)
	dcode, dout, derr := runBinary(t, env, "doctor", "--state", w.statePath)
	mustCode(t, dcode, 0, dout, derr)
	// A wrong App id: GitHub says 401 to the token request.
	bcode, bout, berr := runBinary(t, []string{"GITHUB_APP_ID=1", "GITHUB_APP_PRIVATE_KEY=" + string(w.key), "GITHUB_API_URL=" + w.gh.RESTURL()},
		"reconcile", "--state", w.statePath)
	if bcode != ExitAuth || strings.Count(strings.TrimSpace(berr), "\n") > 1 {
		t.Errorf("wrong App id: exit %d, stderr %q", bcode, berr)
	}
	st, _ := os.ReadFile(w.statePath)
	if !strings.Contains(errOut, "::add-mask::") {
		t.Errorf("installation tokens should be masked under GitHub Actions")
	}
	// The key's lines, at least one JWT and at least one installation token.
	assertNoSecrets(t, secretsIn(w.gh, w.key), 20, map[string]string{
		"stdout": out, "stderr": errOut, "state": string(st), "doctor stdout": dout, "doctor stderr": derr,
		"wrong-id stdout": bout, "wrong-id stderr": berr,
	})
}

func TestStepSummaryAndAnnotationsUnderActions(t *testing.T) {
	w := newWorld(t)
	w.merged(t, w.gh.AddUser("alice"), time.Hour)
	w.merged(t, w.gh.AddUser("bob"), time.Hour)
	summary := filepath.Join(t.TempDir(), "summary.md")
	env := []string{"GITHUB_TOKEN=" + testToken, "GITHUB_API_URL=" + w.gh.RESTURL(), "GITHUB_ACTIONS=true", "GITHUB_STEP_SUMMARY=" + summary}
	code, out, errOut := runBinary(t, env, "reconcile", "--org", "trio", "--state", w.statePath, "--max-invites", "1", "--output", "json")
	mustCode(t, code, 0, out, errOut)
	md, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"alice", "bob", "--max-invites 1"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("step summary lacks %q:\n%s", want, md)
		}
	}
	if !strings.Contains(errOut, "::warning") {
		t.Errorf("a queued person should be a warning annotation:\n%s", errOut)
	}
	if strings.Contains(out, "::") {
		t.Errorf("stdout should hold only the report:\n%s", out)
	}
	assertNoSecrets(t, secretsIn(w.gh, nil, testToken), 1, map[string]string{"summary": string(md), "stdout": out})
}
