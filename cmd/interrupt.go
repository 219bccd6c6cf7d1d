package cmd

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"time"
)

// interruptGrace is how long the requests in flight may take to finish
// after Ctrl-C or SIGTERM before they are cancelled too. It is shorter
// than the 30 s (SIGTERM to SIGKILL) of most supervisors.
const interruptGrace = 10 * time.Second

// errInterrupted is what a request gets that would have started after an
// interruption: it is never sent.
var errInterrupted = errors.New("interrupted before this request was sent")

// interruptGate lets requests already in flight finish after an
// interruption, and refuses to start new ones; the run then records what
// it did (each action is written down before it is sent, and its outcome
// after), leaves the rest for the next run, saves and exits. Cancelling
// everything at once instead would leave the requests in flight with an
// unknown outcome, for the next run to look up.
type interruptGate struct{ closed atomic.Bool }

// watch closes the gate when ctx is done, and cancels the run grace later.
// The returned context is the run's: it outlives ctx by at most grace.
func (g *interruptGate) watch(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	run, cancel := context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		select {
		case <-ctx.Done():
			g.closed.Store(true)
			t := time.NewTimer(grace)
			defer t.Stop()
			select {
			case <-t.C:
				cancel()
			case <-run.Done():
			}
		case <-run.Done():
		}
	}()
	return run, cancel
}

func (g *interruptGate) interrupted() bool { return g != nil && g.closed.Load() }

// gateTransport refuses new requests once the gate is closed.
type gateTransport struct {
	base http.RoundTripper
	gate *interruptGate
}

var _ http.RoundTripper = (*gateTransport)(nil)

func (t *gateTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.gate.interrupted() {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, errInterrupted
	}
	return t.base.RoundTrip(req)
}
