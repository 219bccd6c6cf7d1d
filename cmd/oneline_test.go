package cmd

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// Issue 23: a refused token and missing credentials are one short line
// that says what happened, the one thing to do, and points to doctor.
func TestCredentialMessagesAreShort(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"refused", map[string]string{"GITHUB_TOKEN": "ghp_revoked", "GITHUB_API_URL": w.gh.RESTURL()}, "GitHub refused the token from GITHUB_TOKEN"},
		{"missing", map[string]string{}, "no credentials: set GH_TOKEN"},
	} {
		code, out, errOut := failureRun(t, w, tc.env, "--org", "trio")
		line := strings.TrimSuffix(errOut, "\n")
		if code != ExitAuth || strings.Contains(line, "\n") || !strings.Contains(line, tc.want) || !strings.Contains(line, "snekomatic doctor") {
			t.Errorf("%s: exit %d, stderr %q", tc.name, code, errOut)
		}
		if n := utf8.RuneCountInString(line); n > 160 {
			t.Errorf("%s: %d characters, want at most 160: %s (stdout %s)", tc.name, n, line, out)
		}
	}
}

// Issue 23: --output json is a JSON document on every failure, including
// missing credentials, with the error in it.
func TestJSONOnMissingCredentials(t *testing.T) {
	d, out, errb := testDeps(map[string]string{})
	code := Main(context.Background(), []string{"reconcile", "--org", "trio", "--output", "json", "--state", filepath.Join(t.TempDir(), "s.json")}, d)
	var run RunReport
	if err := json.Unmarshal(out.Bytes(), &run); err != nil || code != ExitAuth {
		t.Fatalf("exit %d, stdout not a JSON document (%v):\n%s\n%s", code, err, out, errb)
	}
	if len(run.Errors) != 1 || !strings.Contains(run.Errors[0], "no credentials") || run.Orgs == nil {
		t.Errorf("errors %q, orgs %v", run.Errors, run.Orgs)
	}
}

// Issue 23: cobra's "Did you mean this?" is one clean line.
func TestUnknownCommandOneLine(t *testing.T) {
	d, out, errb := testDeps(nil)
	code := Main(context.Background(), []string{"reconcil"}, d)
	want := "snekomatic: unknown command \"reconcil\": did you mean reconcile?\n"
	if code != ExitUsage || errb.String() != want || out.Len() != 0 {
		t.Errorf("exit %d, stderr %q, want %q; stdout %q", code, errb, want, out)
	}
	d, out, _ = testDeps(nil)
	if code := Main(context.Background(), nil, d); code != ExitOK || !strings.Contains(out.String(), "Available Commands") {
		t.Errorf("no command: exit %d, want the help:\n%s", code, out)
	}
}

// Issue 23: a refused token makes doctor exit 4 in token mode, as in App
// mode and as a run does.
func TestDoctorRefusedTokenExits4(t *testing.T) {
	w := newWorld(t)
	code, out, errOut := runDoctor(t, map[string]string{"GITHUB_TOKEN": "ghp_revoked", "GITHUB_API_URL": w.gh.RESTURL()},
		"--org", "trio", "--state", w.statePath)
	if code != ExitAuth {
		t.Errorf("exit %d, want %d\n%s\n%s", code, ExitAuth, out, errOut)
	}
}

// Issue 23: an orgs: key that matches no organization of the run (a typo)
// is warned about, with the file and line.
func TestUnusedOrgKeyWarned(t *testing.T) {
	w := newWorld(t)
	cfg := filepath.Join(t.TempDir(), "snekomatic.yml")
	os.WriteFile(cfg, []byte("orgs:\n  trio:\n    max_invites: 3\n  treo:\n    max_invites: 1\n"), 0o644)
	code, out, errOut := w.run(t, "--org", "trio", "--config", cfg, "--dry-run")
	mustCode(t, code, 0, out, errOut)
	if !strings.Contains(errOut, cfg+":4: orgs.treo matches no organization this run serves") || strings.Contains(errOut, "orgs.trio") {
		t.Errorf("stderr:\n%s", errOut)
	}
}

// Issue 23: a flag's error names the flag and echoes what was typed.
func TestFlagErrorsEchoWhatWasTyped(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-invites", "abc"}, `snekomatic: --max-invites "abc": want a whole number` + "\n"},
		{[]string{"--overlap", "-1h"}, "snekomatic: --overlap -1h must not be negative\n"},
		{[]string{"--lookback", "0"}, "snekomatic: --lookback 0 must be positive\n"},
		{[]string{"--lookback", "soon"}, `snekomatic: --lookback: "soon" is not a duration (such as 90m, 36h or 7d)` + "\n"},
	} {
		d, _, errb := testDeps(map[string]string{"GITHUB_TOKEN": testToken})
		code := Main(context.Background(), append([]string{"reconcile", "--org", "trio"}, tc.args...), d)
		if code != ExitUsage || errb.String() != tc.want {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, errb, tc.want)
		}
	}
}

// Issue 23: an interrupted run's report agrees with itself: one error,
// said once on stderr, counted once in the text, in the organization's
// JSON and in the run's; and no person's reason quotes a URL or a Go
// error.
func TestInterruptedReportAgrees(t *testing.T) {
	for _, format := range []string{"json", "text"} {
		w, _ := newcomersWorld(t, 12)
		ctx, cancel := context.WithCancel(context.Background())
		d, out, errb := testDeps(map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL()})
		d.Now = func() time.Time { return w.now }
		d.Resilience = nil
		var writes atomic.Int32
		d.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
			// Ctrl-C while a welcome comment is on its way.
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/comments") && writes.Add(1) == 2 {
				cancel()
			}
			return http.DefaultTransport.RoundTrip(r)
		})
		code := Main(ctx, []string{"reconcile", "--state", w.statePath, "--org", "trio", "--output", format}, d)
		cancel()
		if code != ExitInterrupted {
			t.Fatalf("%s: exit %d\n%s\n%s", format, code, out, errb)
		}
		stderrLines := strings.Count("\n"+errb.String(), "\nsnekomatic: ")
		if stderrLines != 1 {
			t.Errorf("%s: %d error lines on stderr, want 1:\n%s", format, stderrLines, errb)
		}
		for _, bad := range []string{"context canceled", "Post \"", "(interrupted"} {
			if strings.Contains(out.String(), bad) {
				t.Errorf("%s: the report quotes %q:\n%s", format, bad, out)
			}
		}
		if format == "text" {
			if !strings.Contains(out.String(), "errors: 1 (below)") {
				t.Errorf("text report does not count one error:\n%s", out)
			}
			continue
		}
		var run RunReport
		if err := json.Unmarshal(out.Bytes(), &run); err != nil || len(run.Orgs) != 1 {
			t.Fatalf("%v\n%s", err, out)
		}
		if len(run.Errors) != 1 || len(run.Orgs[0].Errors) != 1 {
			t.Errorf("run errors %q, organization errors %q: want one each", run.Errors, run.Orgs[0].Errors)
		}
		for _, e := range run.Orgs[0].Queued {
			if strings.Contains(e.Reason, "http") {
				t.Errorf("%s's reason quotes a URL: %s", e.Login, e.Reason)
			}
		}
	}
}

// Issue 23: state show links pull requests on the GitHub the state was
// written against (GITHUB_API_URL, as a run), not on github.com.
func TestStateShowLinksOnTheRunsGitHub(t *testing.T) {
	w, _, _ := peopleWorld(t)
	code, out, errOut := w.runCmd(t, "state", "show", "--state", w.statePath, "--output", "json")
	mustCode(t, code, 0, out, errOut)
	var doc ShownState
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Orgs) != 1 {
		t.Fatalf("%v\n%s", err, out)
	}
	web := strings.TrimSuffix(w.gh.RESTURL(), "/api/v3/")
	for _, p := range doc.Orgs[0].People {
		if p.PR == nil || !strings.HasPrefix(p.PR.URL, web+"/trio/trio/pull/") {
			t.Errorf("%s: pull request %+v, want a link on %s", p.Login, p.PR, web)
		}
	}
}
