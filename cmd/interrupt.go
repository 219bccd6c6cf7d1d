package cmd

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/python-trio/snekomatic/ghtransport"
)

// interruptGrace is how long the requests in flight may take to finish
// after Ctrl-C or SIGTERM before they are cancelled too. It is shorter
// than the 30 s (SIGTERM to SIGKILL) of most supervisors.
const interruptGrace = 10 * time.Second

// errInterrupted is what a request gets that would have started after an
// interruption: it is never sent, which reconcile tells from an answer
// lost on the way (ghtransport.ErrNotSent).
var errInterrupted = fmt.Errorf("interrupted: %w", ghtransport.ErrNotSent)

// interruptGate lets requests already in flight finish after an
// interruption, and refuses to start new ones: those still waiting to be
// sent (a write for its second of spacing, say) fail at once through
// ghtransport.Options.Stop, and nothing that was not sent is recorded as
// sent. The run then records what it did (each action is written down
// before it is sent, and its outcome after), leaves the rest for the next
// run, saves and exits as soon as nothing is on the wire. Cancelling
// everything at once instead would leave the requests in flight with an
// unknown outcome, for the next run to look up.
type interruptGate struct {
	closed atomic.Bool
	once   sync.Once
	stop   chan struct{}
}

// stopped is closed when the gate closes.
func (g *interruptGate) stopped() <-chan struct{} {
	g.once.Do(func() { g.stop = make(chan struct{}) })
	return g.stop
}

func (g *interruptGate) close() {
	g.stopped()
	if !g.closed.Swap(true) {
		close(g.stop)
	}
}

// watch closes the gate when ctx is done, and cancels the run grace later.
// The returned context is the run's: it outlives ctx by at most grace.
func (g *interruptGate) watch(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	run, cancel := context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		select {
		case <-ctx.Done():
			g.close()
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
