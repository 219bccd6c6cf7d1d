package ghtransport_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/simclock"
)

// start is the tests' notion of now.
var start = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// clock is the simulated clock (simclock), whose Sleep moves time on at
// once, recording each wait.
type clock struct {
	*simclock.Clock
	mu    sync.Mutex
	waits []time.Duration
}

func newClock() *clock { return &clock{Clock: simclock.New(start)} }

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := c.Clock.Sleep(ctx, d); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	return nil
}

func (c *clock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// options returns Options on the clock, logging to the test.
func (c *clock) options(t *testing.T) ghtransport.Options {
	return ghtransport.Options{Now: c.Now, Sleep: c.Sleep, Logger: testLogger(t), AttemptTimeout: 5 * time.Second}
}

// testLogger logs through t.Log.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(b []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSuffix(string(b), "\n"))
	return len(b), nil
}

// seen is one request as the scripted server saw it.
type seen struct {
	Method, Path string
	Body         string
}

// scripted is an httptest server that answers its n-th request with the
// n-th step and fails the test on any request beyond them.
type scripted struct {
	t     *testing.T
	srv   *httptest.Server
	mu    sync.Mutex
	steps []http.HandlerFunc
	got   []seen
}

func serve(t *testing.T, steps ...http.HandlerFunc) *scripted {
	t.Helper()
	s := &scripted{t: t, steps: steps}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.got)
		s.got = append(s.got, seen{r.Method, r.URL.Path, string(b)})
		s.mu.Unlock()
		if n >= len(s.steps) {
			t.Errorf("unexpected request %d: %s %s", n+1, r.Method, r.URL.Path)
			w.WriteHeader(599)
			return
		}
		s.steps[n](w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *scripted) Requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.got...)
}

// URL returns the server URL plus path.
func (s *scripted) URL(path string) string { return s.srv.URL + path }

// status answers with a status and a JSON body, and optional header pairs.
func status(code int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

func ok(body string) http.HandlerFunc { return status(http.StatusOK, body) }

// hangup closes the connection without an answer.
func hangup(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

// reset closes the connection with a TCP reset.
func reset(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(interface{ SetLinger(int) error }); ok {
		_ = tc.SetLinger(0)
	}
	conn.Close()
}

// stall answers after the client gave up. A client that does not give up
// (its attempt unbounded: a bug) gets a 599 after stallLimit, which no test
// accepts, rather than a test that hangs until go test kills it.
func stall(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(stallLimit):
		w.WriteHeader(599)
	}
}

// stallLimit is far above any attempt timeout the tests set.
const stallLimit = 10 * time.Second

// do sends a request through rt with an http.Client, as go-github and
// githubv4 do.
func do(t *testing.T, rt http.RoundTripper, method, url, body string) (*http.Response, string, error) {
	t.Helper()
	return doCtx(context.Background(), t, rt, method, url, body)
}

func doCtx(ctx context.Context, t *testing.T, rt http.RoundTripper, method, url, body string) (*http.Response, string, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		resp *http.Response
		body string
		err  error
	}
	// A bound of the test's own: a request that never ends (an endless
	// loop, a wait nothing cuts short) fails here, not by go test's timeout.
	done := make(chan answer, 1)
	go func() {
		resp, err := (&http.Client{Transport: rt}).Do(req)
		if err != nil {
			done <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		if _, err := io.Copy(&b, resp.Body); err != nil {
			done <- answer{err: fmt.Errorf("read body: %w", err)}
			return
		}
		done <- answer{resp, b.String(), nil}
	}()
	select {
	case a := <-done:
		if a.err != nil && strings.HasPrefix(a.err.Error(), "read body: ") {
			t.Errorf("%s %s: %v", method, url, a.err)
		}
		return a.resp, a.body, a.err
	case <-time.After(doLimit):
		t.Errorf("%s %s: no answer within %s", method, url, doLimit)
		return nil, "", fmt.Errorf("no answer within %s", doLimit)
	}
}

// doLimit is far above what any request of these tests takes (stallLimit
// included).
const doLimit = 30 * time.Second

const (
	gqlQuery    = `{"query":"query($org:String!){organization(login:$org){login}}","variables":{"org":"acme"}}`
	gqlMutation = `{"query":"mutation{addComment(input:{subjectId:\"X\",body:\"hi\"}){clientMutationId}}"}`
	gqlData     = `{"data":{"organization":{"login":"acme"}}}`
)

func slogJSON(w io.Writer) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }
