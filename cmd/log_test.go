package cmd

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
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

// TestProgressLinesPassAtTheQuietLevel: a long read's "still reading" line
// shows at a terminal even when only warnings do; other info does not.
func TestProgressLinesPassAtTheQuietLevel(t *testing.T) {
	var b bytes.Buffer
	log := slog.New(&lineHandler{w: &b, level: slog.LevelWarn, mu: new(sync.Mutex)})
	log.Info("policy", "org", "trio")
	log.Info("still reading merged pull requests", "pull_requests", 300, "progress", true)
	log.Warn("retrying a GitHub request", "path", "/graphql", "err", errors.New("502 bad\ngateway"))
	want := "still reading merged pull requests pull_requests=300\nwarning: retrying a GitHub request path=/graphql err=\"502 bad gateway\"\n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
}
