package cmd

import (
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/internal/schematest"
	"github.com/python-trio/snekomatic/state"
)

const testAppID = 4242

var fullPerms = map[string]string{"members": "write", "pull_requests": "write", "metadata": "read"}

// appWorld is a fake GitHub with one App installed on two organizations and
// a user account.
type appWorld struct {
	gh        *fakegithub.GitHub
	key       []byte
	statePath string
	inst      map[string]*fakegithub.Installation
	repos     map[string]*fakegithub.Repo
}

func newAppWorld(t *testing.T, perms map[string]map[string]string) *appWorld {
	t.Helper()
	gh := fakegithub.New(t)
	schematest.Attach(t, gh)
	w := &appWorld{gh: gh, key: gh.NewApp(t, testAppID), statePath: filepath.Join(t.TempDir(), "state.json"),
		inst: map[string]*fakegithub.Installation{}, repos: map[string]*fakegithub.Repo{}}
	for _, org := range []string{"alpha", "beta"} {
		gh.AddOrg(org)
		w.repos[org] = gh.AddRepo(org, "code")
		p := fullPerms
		if perms[org] != nil {
			p = perms[org]
		}
		w.inst[org] = gh.AddInstallation(testAppID, org, p)
	}
	gh.AddUser("somebody")
	w.inst["somebody"] = gh.AddInstallation(testAppID, "somebody", fullPerms)
	return w
}

func (w *appWorld) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	d, out, errb := testDeps(map[string]string{
		"GITHUB_APP_ID":          strconv.Itoa(testAppID),
		"GITHUB_APP_PRIVATE_KEY": string(w.key),
		"GITHUB_TOKEN":           "ghp_ignoredWhenAppCredentialsAreSet",
		"GITHUB_API_URL":         w.gh.RESTURL(),
	})
	d.Now = time.Now
	code := Main(context.Background(), append([]string{"reconcile", "--state", w.statePath}, args...), d)
	return code, out.String(), errb.String()
}

func TestAppModeReconcilesEveryOrganizationInstallation(t *testing.T) {
	w := newAppWorld(t, nil)
	a := w.gh.AddUser("ann")
	b := w.gh.AddUser("ben")
	w.gh.AddPR(w.repos["alpha"], a.ID, "x", time.Now().Add(-time.Hour))
	w.gh.AddPR(w.repos["beta"], b.ID, "y", time.Now().Add(-time.Hour))

	code, out, errOut := w.run(t, "-v")
	mustCode(t, code, 0, out, errOut)
	if inv := w.gh.CreatedInvitations("alpha"); len(inv) != 1 || inv[0].InviteeID != a.ID {
		t.Errorf("alpha invitations = %+v", inv)
	}
	if inv := w.gh.CreatedInvitations("beta"); len(inv) != 1 || inv[0].InviteeID != b.ID {
		t.Errorf("beta invitations = %+v", inv)
	}
	if !strings.Contains(errOut, "mode=app") || !strings.Contains(errOut, "user account") {
		t.Errorf("logs should say App mode runs and that the user account is skipped:\n%s", errOut)
	}
	if n := w.gh.InstallationTokensIssued(w.inst["somebody"].ID); n != 0 {
		t.Errorf("a token was made for the user-account installation")
	}
	for _, org := range []string{"alpha", "beta"} {
		if n := w.gh.InstallationTokensIssued(w.inst[org].ID); n != 1 {
			t.Errorf("%s: %d installation tokens issued, want 1 (cached for the run)", org, n)
		}
	}
	// --org narrows the set.
	w.gh.ResetRequests()
	code, out, errOut = w.run(t, "--org", "beta")
	mustCode(t, code, 0, out, errOut)
	if strings.Contains(out, "alpha") {
		t.Errorf("--org beta reconciled alpha too:\n%s", out)
	}
}

func TestAppModeRenewsATokenThatExpiresMidRun(t *testing.T) {
	w := newAppWorld(t, nil)
	for _, login := range []string{"p1", "p2", "p3"} {
		u := w.gh.AddUser(login)
		w.gh.AddPR(w.repos["alpha"], u.ID, "x", time.Now().Add(-time.Hour))
	}
	// After the search, every token the fake issued so far stops working,
	// as if it had expired while the client still trusted it.
	var n atomic.Int32
	w.gh.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "/invitations") && n.Add(1) == 2 {
				w.gh.RevokeInstallationTokens(w.inst["alpha"].ID)
			}
			next.ServeHTTP(rw, r)
		})
	})
	code, out, errOut := w.run(t, "--org", "alpha")
	mustCode(t, code, 0, out, errOut)
	if inv := w.gh.CreatedInvitations("alpha"); len(inv) != 3 {
		t.Errorf("%d invitations, want 3", len(inv))
	}
	if n := w.gh.InstallationTokensIssued(w.inst["alpha"].ID); n < 2 {
		t.Errorf("%d tokens issued, want a renewal", n)
	}
}

func TestAppModeSkipsAnOrganizationWithoutPermissions(t *testing.T) {
	w := newAppWorld(t, map[string]map[string]string{"beta": {"pull_requests": "write", "metadata": "read"}})
	a := w.gh.AddUser("ann")
	w.gh.AddPR(w.repos["alpha"], a.ID, "x", time.Now().Add(-time.Hour))
	w.gh.AddPR(w.repos["beta"], a.ID, "x", time.Now().Add(-time.Hour))
	code, out, errOut := w.run(t)
	mustCode(t, code, 0, out, errOut)
	if !strings.Contains(out, "beta: skipped: missing permissions: grant Organization members: Read & write to the App") {
		t.Errorf("report should name the fix for beta:\n%s", out)
	}
	if len(w.gh.CreatedInvitations("alpha")) != 1 || len(w.gh.CreatedInvitations("beta")) != 0 {
		t.Errorf("alpha should be reconciled and beta left alone")
	}
}

func TestAppModeOneOrganizationFailingKeepsTheOthersWork(t *testing.T) {
	w := newAppWorld(t, nil)
	a := w.gh.AddUser("ann")
	b := w.gh.AddUser("ben")
	w.gh.AddPR(w.repos["alpha"], a.ID, "x", time.Now().Add(-time.Hour))
	w.gh.AddPR(w.repos["beta"], b.ID, "y", time.Now().Add(-time.Hour))
	w.gh.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/orgs/beta/") {
				fakegithub.WriteError(rw, http.StatusInternalServerError, "Server Error", "")
				return
			}
			next.ServeHTTP(rw, r)
		})
	})
	code, out, errOut := w.run(t)
	if code != ExitError {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "snekomatic: beta: ") {
		t.Errorf("stderr should name the failed organization:\n%s", errOut)
	}
	if len(w.gh.CreatedInvitations("alpha")) != 1 {
		t.Errorf("alpha's invitation should go through")
	}
	st := loadState(t, w.statePath)
	if p := st.Org("alpha").People[a.ID]; p == nil || p.Status != state.Invited {
		t.Errorf("alpha's progress not saved: %+v", p)
	}
	// Beta's person is remembered as possibly invited, so the next run
	// checks before sending again.
	if p := st.Org("beta").People[b.ID]; p == nil || p.Status != state.Inviting {
		t.Errorf("beta's person = %+v, want status inviting", p)
	}
}

func TestAppCredentialErrors(t *testing.T) {
	w := newAppWorld(t, nil)
	other := fakegithub.New(t).NewApp(t, 999) // a key GitHub doesn't know for this App
	tests := []struct {
		name     string
		env      map[string]string
		wantCode int
		wantErr  string
	}{
		{"malformed key", map[string]string{"GITHUB_APP_ID": "4242", "GITHUB_APP_PRIVATE_KEY": "not a key"}, ExitUsage, "private key is not PEM-encoded"},
		{"id without key", map[string]string{"GITHUB_APP_ID": "4242"}, ExitUsage, "no private key"},
		{"bad id", map[string]string{"GITHUB_APP_ID": "forty", "GITHUB_APP_PRIVATE_KEY": string(w.key)}, ExitUsage, `App id "forty" is not a positive number`},
		{"wrong id", map[string]string{"GITHUB_APP_ID": "4243", "GITHUB_APP_PRIVATE_KEY": string(w.key)}, ExitAuth, "GitHub refused the App's credentials (401"},
		{"key of another app", map[string]string{"GITHUB_APP_ID": "4242", "GITHUB_APP_PRIVATE_KEY": string(other)}, ExitAuth, "GitHub refused the App's credentials (401"},
		{"missing key file", map[string]string{"GITHUB_APP_ID": "4242", "GITHUB_APP_PRIVATE_KEY_FILE": "/nonexistent/key.pem"}, ExitUsage, "private key file /nonexistent/key.pem: no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.env["GITHUB_API_URL"] = w.gh.RESTURL()
			d, out, errb := testDeps(tt.env)
			code := Main(context.Background(), []string{"reconcile", "--state", w.statePath}, d)
			lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
			last := lines[len(lines)-1]
			if code != tt.wantCode || !strings.Contains(last, tt.wantErr) {
				t.Errorf("exit %d, last stderr line %q; want %d and %q\nstdout: %s", code, last, tt.wantCode, tt.wantErr, out)
			}
			for _, secret := range [][]byte{w.key, other} {
				for _, line := range strings.Split(string(secret), "\n") {
					if len(line) > 20 && !strings.HasPrefix(line, "-----") && strings.Contains(errb.String()+out.String(), line) {
						t.Errorf("private key material in the output")
					}
				}
			}
		})
	}
}
