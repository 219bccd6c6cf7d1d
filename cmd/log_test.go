package cmd

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/python-trio/snekomatic/internal/fakegithub"
)

// TestLogsQuietAtATerminal: a successful run prints no log line by
// default; -v and --log-level show what it did, as plain text.
func TestLogsQuietAtATerminal(t *testing.T) {
	w, _ := newcomersWorld(t, 1)
	code, out, errOut := w.run(t, "--org", "trio", "--dry-run")
	mustCode(t, code, 0, out, errOut)
	if errOut != "" {
		t.Errorf("a quiet run logged:\n%s", errOut)
	}
	for _, args := range [][]string{{"-v"}, {"--log-level", "info"}, {"--verbose"}} {
		code, out, errOut = w.run(t, append([]string{"--org", "trio", "--dry-run"}, args...)...)
		mustCode(t, code, 0, out, errOut)
		if !strings.Contains(errOut, "reading merged pull requests org=trio from=") || strings.Contains(errOut, "time=") || strings.Contains(errOut, `{"`) {
			t.Errorf("%v: want plain info lines, got:\n%s", args, errOut)
		}
	}
	code, _, errOut = w.run(t, "--org", "trio", "--log-level", "loud")
	if code != ExitUsage || !strings.Contains(errOut, `--log-level "loud": want debug, info, warn or error`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// TestLogsUnderActions: under GitHub Actions the log is plain lines in a
// group, at info (debug with RUNNER_DEBUG=1).
func TestLogsUnderActions(t *testing.T) {
	w, _ := newcomersWorld(t, 1)
	d, out, errb := testDeps(map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL(), "GITHUB_ACTIONS": "true"})
	code := Main(context.Background(), []string{"reconcile", "--state", w.statePath, "--org", "trio", "--dry-run"}, d)
	mustCode(t, code, 0, out.String(), errb.String())
	log := errb.String()
	if !strings.HasPrefix(log, "::group::snekomatic reconcile: log\n") || !strings.Contains(log, "\n::endgroup::\n") ||
		!strings.Contains(log, "reading merged pull requests org=trio") {
		t.Errorf("log:\n%s", log)
	}
	if lvl := logLevel(&Deps{Getenv: envMap{"GITHUB_ACTIONS": "true", "RUNNER_DEBUG": "1"}.get}); lvl != slog.LevelDebug {
		t.Errorf("RUNNER_DEBUG=1: level %v", lvl)
	}
	if lvl := logLevel(&Deps{Getenv: envMap{}.get}); lvl != slog.LevelWarn {
		t.Errorf("terminal default: level %v", lvl)
	}
}

type envMap map[string]string

func (m envMap) get(k string) string { return m[k] }

// TestErrorsAreSaidOnce: an invitation that fails is said once, on the
// final line, not also as a log line (unless the log was asked for).
func TestErrorsAreSaidOnce(t *testing.T) {
	w, _ := newcomersWorld(t, 1)
	// GitHub refuses the invitation (as it does for a user who blocked
	// the organization).
	w.gh.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/orgs/trio/invitations") {
				fakegithub.WriteError(rw, http.StatusUnprocessableEntity, "Validation Failed", "")
				return
			}
			next.ServeHTTP(rw, r)
		})
	})
	code, out, errOut := w.run(t, "--org", "trio")
	if code != ExitError {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	t.Logf("stdout:\n%s\nstderr:\n%s", out, errOut)
	if !strings.Contains(out, "new0  trio/trio#1  (invitation failed: GitHub answered 422 Unprocessable Entity: Validation Failed)") {
		t.Errorf("the queued reason should quote GitHub without URL:\n%s", out)
	}
	if n := strings.Count(errOut, "invite new0"); n != 1 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("want the failure once, on one line:\n%s", errOut)
	}
}
