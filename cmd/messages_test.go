package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/report"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// failureRun runs reconcile against the fake with the given environment
// and arguments, with the temporary paths and the fake's port taken out of
// what it printed so that the text can be compared with a golden file.
func failureRun(t *testing.T, w *world, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	d, out, errb := testDeps(env)
	d.Now = func() time.Time { return w.now }
	code := Main(context.Background(), append([]string{"reconcile", "--state", w.statePath}, args...), d)
	clean := func(s string) string {
		s = strings.ReplaceAll(s, w.statePath, "STATE")
		return regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(s, "HOST")
	}
	return code, clean(out.String()), clean(errb.String())
}

// TestFailureMessagesGolden: each failure a new user meets first ends in
// one line saying what is wrong and what to do, with no URL, transport
// chain or response body, said once; and the report claims nothing for the
// search that failed.
func TestFailureMessagesGolden(t *testing.T) {
	w := newWorld(t)
	w.now = fixedNow
	var b strings.Builder
	for _, tc := range []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
	}{
		{"refused token from GH_TOKEN", map[string]string{"GH_TOKEN": "ghp_revoked", "GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL()}, []string{"--org", "trio"}, ExitAuth},
		{"refused token from GITHUB_TOKEN, two orgs", map[string]string{"GITHUB_TOKEN": "ghp_revoked", "GITHUB_API_URL": w.gh.RESTURL()}, []string{"--org", "trio", "--org", "other"}, ExitAuth},
		{"organization that does not exist", map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL()}, []string{"--org", "nope"}, ExitError},
		{"organization that does not exist, json", map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL()}, []string{"--org", "nope", "--output", "json"}, ExitError},
		{"network unreachable", map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": "http://github.invalid/api/v3"}, []string{"--org", "trio", "--max-wait", "1s"}, ExitError},
		{"no credentials", map[string]string{}, []string{"--org", "trio"}, ExitAuth},
		{"under Actions", map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL(), "GITHUB_ACTIONS": "true"}, []string{"--org", "nope"}, ExitError},
	} {
		code, out, errOut := failureRun(t, w, tc.env, tc.args...)
		if code != tc.wantCode {
			t.Errorf("%s: exit %d, want %d\n%s\n%s", tc.name, code, tc.wantCode, out, errOut)
		}
		for _, bad := range []string{"http://", "https://", "{\"", "dial tcp", "0001-01-01", "non-200"} {
			if strings.Contains(out+errOut, bad) {
				t.Errorf("%s: output has %q:\n%s\n%s", tc.name, bad, out, errOut)
			}
		}
		fmt.Fprintf(&b, "== %s (exit %d)\n-- stdout\n%s-- stderr\n%s\n", tc.name, code, out, errOut)
	}
	checkGolden(t, "failures.golden.txt", []byte(b.String()))
}

func TestGHTokenWinsOverGITHUBTOKEN(t *testing.T) {
	o, err := parseReconcile(t, map[string]string{"GH_TOKEN": "from-gh", "GITHUB_TOKEN": "from-github"}, "--org", "o")
	if err != nil || o.Token != "from-gh" || o.TokenVar != "GH_TOKEN" {
		t.Fatalf("token %q from %q, err %v; want GH_TOKEN's", o.Token, o.TokenVar, err)
	}
	o, err = parseReconcile(t, map[string]string{"GITHUB_TOKEN": "from-github"}, "--org", "o")
	if err != nil || o.Token != "from-github" || o.TokenVar != "GITHUB_TOKEN" {
		t.Fatalf("token %q from %q, err %v; want GITHUB_TOKEN's", o.Token, o.TokenVar, err)
	}
}

func TestDurationsAcceptDaysEverywhere(t *testing.T) {
	o, err := parseReconcile(t, map[string]string{"GITHUB_TOKEN": "x"}, "--org", "o", "--lookback", "7d", "--overlap", "2d", "--max-wait", "1d", "--since", "90m")
	if err != nil {
		t.Fatal(err)
	}
	if o.Lookback != 7*24*time.Hour || o.Overlap != 48*time.Hour || o.MaxWait != 24*time.Hour || !o.Since.Equal(fixedNow.Add(-90*time.Minute)) {
		t.Errorf("lookback %v overlap %v max-wait %v since %v", o.Lookback, o.Overlap, o.MaxWait, o.Since)
	}
	_, err = parseReconcile(t, map[string]string{"GITHUB_TOKEN": "x"}, "--org", "o", "--lookback", "7days")
	if err == nil || !strings.Contains(err.Error(), `"7days" is not a duration (such as 90m, 36h or 7d)`) {
		t.Errorf("error = %v", err)
	}
}

// TestFailedOrgJSONHasNoZeroTimes: a failed organization's report has no
// window or cursor rather than year 1, and its error is both in its own
// errors and in the run's.
func TestFailedOrgJSONHasNoZeroTimes(t *testing.T) {
	w := newWorld(t)
	code, out, _ := w.run(t, "--org", "nope", "--org", "trio", "--output", "json")
	mustCode(t, code, ExitError, out, "")
	var doc struct {
		Orgs []map[string]any `json:"orgs"`
		Errs []string         `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, o := range doc.Orgs {
		if o["org"] != "nope" {
			if _, ok := o["cursor"]; !ok {
				t.Errorf("the organization that worked lost its cursor: %v", o)
			}
			continue
		}
		if _, ok := o["cursor"]; ok {
			t.Errorf("failed organization has a cursor: %v", o["cursor"])
		}
		if _, ok := o["window"]; ok && o["pull_requests"].(float64) == 0 {
			t.Logf("window %v", o["window"])
		}
		if errs := o["errors"].([]any); len(errs) != 1 || !strings.Contains(errs[0].(string), "does not exist") {
			t.Errorf("errors = %v", errs)
		}
	}
	if len(doc.Errs) != 1 || !strings.HasPrefix(doc.Errs[0], "nope: the organization nope does not exist") {
		t.Errorf("top-level errors = %q", doc.Errs)
	}
}

// TestInterruptedExits130: Ctrl-C during the invitations lets the one in
// flight finish and be recorded, starts no other, says so once, exits 130;
// the next run invites the rest, nobody twice.
func TestInterruptedExits130(t *testing.T) {
	w, fresh := newcomersWorld(t, 3)
	ctx, cancel := context.WithCancel(context.Background())
	d, out, errb := testDeps(map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL()})
	d.Now = func() time.Time { return w.now }
	// Ctrl-C arrives while the first invitation is on its way.
	d.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/invitations") {
			cancel()
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	code := Main(ctx, []string{"reconcile", "--state", w.statePath, "--org", "trio"}, d)
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, ExitInterrupted, out, errb)
	}
	if n := strings.Count(errb.String(), "interrupted"); n != 1 {
		t.Errorf("interrupted said %d times:\n%s", n, errb)
	}
	if n := len(w.gh.CreatedInvitations("trio")); n != 1 {
		t.Errorf("%d invitations sent, want only the one in flight", n)
	}
	invited := 0
	for _, p := range loadState(t, w.statePath).Org("trio").People {
		if p.Status == state.Invited {
			invited++
		}
	}
	if invited != 1 {
		t.Errorf("%d people recorded as invited, want the one whose invitation finished", invited)
	}
	nextRunInvitesEachOnce(t, w, fresh)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestExplainDialError(t *testing.T) {
	err := fmt.Errorf("search: %w", &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 443}, Err: fmt.Errorf("connect: connection refused")})
	f := explain(context.Background(), err, "trio", nil, nil)
	if f.Msg != "cannot reach 10.0.0.1:443 (connect: connection refused): check the network or --api-url" {
		t.Errorf("msg = %q", f.Msg)
	}
}

// TestExplainPermissionRefusal: a 403 says what is missing, not the URL.
func TestExplainPermissionRefusal(t *testing.T) {
	w := newWorld(t)
	w.gh.AddUser("alice")
	w.merged(t, w.gh.Lookup("alice"), time.Hour)
	// GitHub refuses the invitation, as it does for a token whose owner is
	// no owner of the organization.
	w.gh.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/orgs/trio/invitations") {
				fakegithub.WriteError(rw, http.StatusForbidden, "You must be an admin to create an invitation to an organization.", "")
				return
			}
			next.ServeHTTP(rw, r)
		})
	})
	code, out, errOut := w.run(t, "--org", "trio")
	if code != ExitError {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "trio: invite alice: ") || !strings.Contains(errOut, "GitHub answered 403") ||
		!strings.Contains(errOut, "the token from GITHUB_TOKEN lacks a permission in trio") || strings.Contains(errOut, "http") {
		t.Errorf("stderr:\n%s", errOut)
	}
}

// TestNoClaimForAFailedSearch: an organization whose search failed after
// its window was chosen claims no pull requests, in the text report or
// the step summary.
func TestNoClaimForAFailedSearch(t *testing.T) {
	r := &reconcile.Report{Org: "trio", Window: reconcile.Window{From: fixedNow.Add(-time.Hour), To: fixedNow},
		WindowReason: "from the cursor"}
	run := &RunReport{Mode: "token", Orgs: []*report.Org{report.NewOrg(r, []string{"cannot reach api.github.com"})}}
	var text strings.Builder
	if err := report.WriteText(&text, run); err != nil {
		t.Fatal(err)
	}
	if text.String() != "trio: failed before its merged pull requests were read (error below)\n" {
		t.Errorf("text report %q", text.String())
	}
	var md bytes.Buffer
	if err := report.WriteSummary(&md, run); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md.String(), "Read 0") || !strings.Contains(md.String(), "stopped before it read any pull request") {
		t.Errorf("summary:\n%s", md.String())
	}
}
