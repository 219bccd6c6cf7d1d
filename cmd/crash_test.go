package cmd

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/state"
)

// killer kills the running snekomatic process at its nth request to the
// fake, either before GitHub acts on it or after (the answer is lost).
type killer struct {
	mu    sync.Mutex
	proc  *os.Process
	ready chan struct{} // closed once proc is set
	// n is the request to kill at; the test turns kills off (-1) while the
	// fake's handlers may still be reading it, hence atomic.
	n     atomic.Int32
	after bool
	seen  atomic.Int32
	fired atomic.Bool
}

func (k *killer) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if k.seen.Add(1) != k.n.Load() {
			next.ServeHTTP(w, r)
			return
		}
		if k.after {
			// Let GitHub act, but kill before the answer gets back.
			next.ServeHTTP(httptestRecorder{}, r)
		}
		// Under load the process can get this far before the test has
		// recorded which process it is.
		select {
		case <-k.ready:
		case <-time.After(10 * time.Second):
		}
		k.mu.Lock()
		if k.proc != nil {
			// Marked first: the test may see the process gone before
			// Kill returns here.
			k.fired.Store(true)
			_ = k.proc.Kill()
		}
		k.mu.Unlock()
		// The client is gone; block the answer until it is.
		time.Sleep(50 * time.Millisecond)
	})
}

// httptestRecorder swallows an answer nobody will read.
type httptestRecorder struct{}

func (httptestRecorder) Header() http.Header         { return http.Header{} }
func (httptestRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (httptestRecorder) WriteHeader(int)             {}

func (w *world) runBinaryOnce(t *testing.T, k *killer) (int, string) {
	t.Helper()
	c := exec.Command(binary(t), "reconcile", "--org", "trio", "--state", w.statePath, "--max-wait", "5s")
	c.Env = []string{"PATH=" + os.Getenv("PATH"), "GITHUB_TOKEN=" + testToken, "GITHUB_API_URL=" + w.gh.RESTURL(),
		unpacedEnv + "=1"} // the binary cannot share a simulated clock
	var e bytes.Buffer
	c.Stderr = &e
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if k != nil {
		k.mu.Lock()
		k.proc = c.Process
		k.mu.Unlock()
		close(k.ready)
	}
	err := c.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), e.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, e.String()
}

// TestKilledAtAnyPointNobodyIsAskedTwice kills the binary at every request
// of a run, before and after GitHub acts on it, reruns it, and checks what
// GitHub saw: every new person invited exactly once and welcomed exactly
// once, and everyone recorded.
func TestKilledAtAnyPointNobodyIsAskedTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary dozens of times")
	}
	// How many requests does an undisturbed run make?
	w0, _ := newcomersWorld(t, 3)
	code, errOut := w0.runBinaryOnce(t, nil)
	if code != 0 {
		t.Fatalf("clean run exited %d: %s", code, errOut)
	}
	total := len(w0.gh.Requests())
	if total < 8 {
		t.Fatalf("a clean run made only %d requests", total)
	}
	for n := 1; n <= total; n++ {
		for _, after := range []bool{false, true} {
			t.Run(fmt.Sprintf("request %d after=%v", n, after), func(t *testing.T) {
				w, fresh := newcomersWorld(t, 3)
				k := &killer{after: after, ready: make(chan struct{})}
				k.n.Store(int32(n))
				w.gh.Use(k.middleware)
				w.runBinaryOnce(t, k)
				if !k.fired.Load() {
					t.Fatalf("the kill at request %d never happened (%d requests seen)", n, k.seen.Load())
				}
				k.n.Store(-1) // no more kills
				// The next scheduled run goes on from whatever was saved.
				code, errOut := w.runBinaryOnce(t, nil)
				if code != 0 {
					t.Fatalf("rerun exited %d: %s", code, errOut)
				}
				invites := map[int64]int{}
				for _, inv := range w.gh.CreatedInvitations("trio") {
					invites[inv.InviteeID]++
				}
				comments := map[string]int{}
				for _, c := range w.gh.AllComments() {
					comments[c.Body]++
				}
				st, _, err := state.Load(w.statePath)
				if err != nil {
					t.Fatal(err)
				}
				for _, u := range fresh {
					if invites[u.ID] != 1 {
						t.Errorf("%s invited %d times", u.Login, invites[u.ID])
					}
					p := st.Org("trio").People[u.ID]
					if p == nil || p.Status != state.Invited || p.CommentURL == "" {
						t.Errorf("%s recorded as %+v", u.Login, p)
					}
				}
				if len(invites) != len(fresh) {
					t.Errorf("invitations went to %v", invites)
				}
				if len(comments) != len(fresh) {
					t.Errorf("%d distinct welcome comments, want %d", len(comments), len(fresh))
				}
				for body, n := range comments {
					if n != 1 {
						t.Errorf("a welcome comment was posted %d times:\n%s", n, body)
					}
				}
			})
		}
	}
}
