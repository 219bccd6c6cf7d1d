package ghtransport_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/simclock"
)

// slowGitHub is a base transport that takes answer (on the clock) to
// answer each request with 201, and records when each arrived and when its
// answer left.
type slowGitHub struct {
	clock  *simclock.Clock
	answer time.Duration
	// hold, if set, keeps the first request until it is closed.
	hold chan struct{}

	// firstCame is closed when the first request arrives (with hold).
	firstCame chan struct{}

	mu     sync.Mutex
	starts []time.Time
	ends   []time.Time
	paths  []string
}

func (g *slowGitHub) RoundTrip(r *http.Request) (*http.Response, error) {
	g.mu.Lock()
	g.starts = append(g.starts, g.clock.Now())
	g.paths = append(g.paths, r.Method+" "+r.URL.Path)
	first := len(g.starts) == 1
	g.mu.Unlock()
	if first && g.hold != nil {
		close(g.firstCame)
		<-g.hold
	}
	if err := g.clock.Sleep(r.Context(), g.answer); err != nil {
		return nil, err
	}
	g.mu.Lock()
	g.ends = append(g.ends, g.clock.Now())
	g.mu.Unlock()
	return &http.Response{StatusCode: http.StatusCreated, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
}

func (g *slowGitHub) seen() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.paths...)
}

// GitHub: "wait at least one second between each request" that writes.
// When GitHub takes 800 ms to answer a write, the next starts a second
// after that answer, not 200 ms after it.
func TestWritesStartASecondAfterThePreviousAnswer(t *testing.T) {
	c := simclock.New(start)
	gh := &slowGitHub{clock: c, answer: 800 * time.Millisecond}
	rt := ghtransport.New(gh, ghtransport.Options{Now: c.Now, Sleep: c.Sleep, Logger: testLogger(t)})
	for range 4 {
		if _, _, err := do(t, rt, "POST", "http://github.invalid/api/v3/repos/o/r/issues/1/comments", `{"body":"hi"}`); err != nil {
			t.Fatal(err)
		}
	}
	if len(gh.starts) != 4 {
		t.Fatalf("%d writes arrived, want 4", len(gh.starts))
	}
	for i := 1; i < len(gh.starts); i++ {
		if idle := gh.starts[i].Sub(gh.ends[i-1]); idle < time.Second {
			t.Errorf("write %d started %s after the answer to write %d, want at least 1s", i+1, idle, i)
		}
	}
}

// An interruption (Options.Stop closed) drops at once the writes waiting
// for their turn behind one on the wire, with ErrNotSent, and ContentSent
// never hears of them; the one on the wire finishes.
func TestStopDropsTheWritesWaitingToBeSent(t *testing.T) {
	c := simclock.New(start)
	gh := &slowGitHub{clock: c, hold: make(chan struct{}), firstCame: make(chan struct{})}
	stop := make(chan struct{})
	var mu sync.Mutex
	var heard []string
	o := ghtransport.Options{Now: c.Now, Sleep: c.Sleep, Logger: testLogger(t), Stop: stop,
		ContentSent: func(r *http.Request, _ time.Time) error {
			mu.Lock()
			defer mu.Unlock()
			heard = append(heard, r.URL.Path)
			return nil
		}}
	rt := ghtransport.New(gh, o)
	send := func(path string) <-chan error {
		done := make(chan error, 1)
		go func() {
			_, _, err := do(t, rt, "POST", "http://github.invalid/api/v3"+path, `{}`)
			done <- err
		}()
		return done
	}
	onWire := send("/orgs/o/invitations")
	select {
	case <-gh.firstCame:
	case <-time.After(5 * time.Second):
		t.Fatal("the first write never reached GitHub")
	}
	waiting := []<-chan error{send("/orgs/o/invitations"), send("/repos/o/r/issues/1/comments")}
	time.Sleep(20 * time.Millisecond) // (they may or may not have reached the queue: the same either way)
	close(stop)
	for i, w := range waiting {
		select {
		case err := <-w:
			if !errors.Is(err, ghtransport.ErrNotSent) {
				t.Errorf("waiting write %d: err %v, want ErrNotSent", i+1, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("waiting write %d was not dropped while the first was on the wire", i+1)
		}
	}
	close(gh.hold)
	if err := within(t, onWire); err != nil {
		t.Errorf("the write on the wire: %v, want its answer", err)
	}
	if err := within(t, send("/orgs/o/invitations")); !errors.Is(err, ghtransport.ErrNotSent) {
		t.Errorf("a write after the stop: %v, want ErrNotSent", err)
	}
	if got := gh.seen(); len(got) != 1 {
		t.Errorf("GitHub saw %q, want only the first write", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(heard) != 1 {
		t.Errorf("ContentSent heard of %q, want only the write that went", heard)
	}
}

// A write waiting out its second of spacing on a real timer is dropped at
// once too, as is one waiting for a secondary rate limit to pass.
func TestStopEndsTheWaitsAtOnce(t *testing.T) {
	stop := make(chan struct{})
	s := serve(t, status(201, `{}`),
		status(403, `{"message":"You have exceeded a secondary rate limit."}`, "Retry-After", "600"))
	o := ghtransport.Options{Logger: testLogger(t), Stop: stop, WriteSpacing: time.Hour}
	rt := ghtransport.New(nil, o)
	if _, _, err := do(t, rt, "POST", s.URL("/api/v3/orgs/o/invitations"), `{}`); err != nil {
		t.Fatal(err)
	}
	// A read meets a secondary limit and waits ten minutes for it.
	read := make(chan error, 1)
	go func() { _, _, err := do(t, rt, "GET", s.URL("/api/v3/orgs/o"), ""); read <- err }()
	write := make(chan error, 1)
	go func() {
		_, _, err := doCtx(context.Background(), t, rt, "POST", s.URL("/api/v3/orgs/o/invitations"), `{}`)
		write <- err
	}()
	time.Sleep(50 * time.Millisecond)
	began := time.Now()
	close(stop)
	for name, ch := range map[string]chan error{"the write in its spacing": write, "the read in a rate limit": read} {
		select {
		case err := <-ch:
			if !errors.Is(err, ghtransport.ErrNotSent) {
				t.Errorf("%s: err %v, want ErrNotSent", name, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s still waits after the stop", name)
		}
	}
	if took := time.Since(began); took > time.Second {
		t.Errorf("the waits took %s to end", took)
	}
	if n := len(s.Requests()); n != 2 {
		t.Errorf("%d requests reached GitHub, want the first write and the read", n)
	}
}

// within returns what ch gives, failing the test if that takes more than
// five seconds: a write that hangs is a failure, not a test that hangs.
func within(t *testing.T, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("a write neither went nor failed within 5s")
		return nil
	}
}
