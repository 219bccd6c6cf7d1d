package cmd

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/state"
)

// A second Ctrl-C exits at once, with 130, even while a request hangs on
// the wire (the first lets it finish, for up to 10 s). The person whose
// invitation was on its way stays "inviting", for the next run to check.
func TestSecondInterruptExitsAtOnce(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGINT cannot be sent to a process on Windows")
	}
	w, _ := newcomersWorld(t, 3)
	arrived := make(chan struct{})
	var once sync.Once
	w.gh.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/invitations") {
				once.Do(func() { close(arrived) })
				select { // GitHub never answers
				case <-r.Context().Done():
				case <-w.gh.Closing():
				}
				return
			}
			next.ServeHTTP(rw, r)
		})
	})
	c := exec.Command(binary(t), "reconcile", "--org", "trio", "--state", w.statePath)
	c.Env = []string{"PATH=" + os.Getenv("PATH"), "GITHUB_TOKEN=" + testToken, "GITHUB_API_URL=" + w.gh.RESTURL(),
		unpacedEnv + "=1"} // the binary cannot share a simulated clock
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- c.Wait() }()
	select {
	case <-arrived:
	case err := <-exited:
		t.Fatalf("exited before inviting anyone: %v\n%s", err, stderr.String())
	case <-time.After(30 * time.Second):
		_ = c.Process.Kill()
		t.Fatalf("no invitation sent in 30 s\n%s", stderr.String())
	}
	if err := c.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		t.Fatalf("exited on the first Ctrl-C with the invitation on the wire: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	second := time.Now()
	if err := c.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-exited:
	case <-time.After(20 * time.Second):
		_ = c.Process.Kill()
		t.Fatal("still running 20 s after the second Ctrl-C")
	}
	if took := time.Since(second); took > 2*time.Second {
		t.Errorf("exited %s after the second Ctrl-C, want at once", took.Round(time.Millisecond))
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != ExitInterrupted {
		t.Errorf("exit %v, want code %d\n%s", err, ExitInterrupted, stderr.String())
	}
	if !strings.Contains(stderr.String(), "snekomatic: interrupted again: exiting at once") {
		t.Errorf("stderr does not say why it stopped:\n%s", stderr.String())
	}
	inviting := 0
	for _, p := range loadState(t, w.statePath).Org("trio").People {
		if p.Status == state.Inviting {
			inviting++
		}
	}
	if inviting == 0 {
		t.Errorf("nobody recorded as inviting; the invitation on the wire must be checked by the next run")
	}
}
