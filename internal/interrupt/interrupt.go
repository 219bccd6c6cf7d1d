// Package interrupt is how a run stops on Ctrl-C or SIGTERM without losing
// track of what it sent: a Gate that lets the requests in flight finish
// and refuses to start new ones (Transport, under every other transport),
// and a context cancelled only after a grace period (Watch). cmd owns the
// signal handling and the grace period.
//
// What it may touch: the network, through the base transport it is given.
package interrupt

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/python-trio/snekomatic/ghtransport"
)

// ErrInterrupted is what a request gets that would have started after an
// interruption: it is never sent, which reconcile tells from an answer
// lost on the way (ghtransport.ErrNotSent).
var ErrInterrupted = fmt.Errorf("interrupted: %w", ghtransport.ErrNotSent)

// Gate lets requests already in flight finish after an
// interruption, and refuses to start new ones: those still waiting to be
// sent (a write for its second of spacing, say) fail at once through
// ghtransport.Options.Stop, and nothing that was not sent is recorded as
// sent. The run then records what it did (each action is written down
// before it is sent, and its outcome after), leaves the rest for the next
// run, saves and exits as soon as nothing is on the wire. Cancelling
// everything at once instead would leave the requests in flight with an
// unknown outcome, for the next run to look up.
type Gate struct {
	closed atomic.Bool
	once   sync.Once
	stop   chan struct{}
}

// Stopped is closed when the gate closes.
func (g *Gate) Stopped() <-chan struct{} {
	g.once.Do(func() { g.stop = make(chan struct{}) })
	return g.stop
}

// Close closes the gate (more than once is fine).
func (g *Gate) Close() {
	g.Stopped()
	if !g.closed.Swap(true) {
		close(g.stop)
	}
}

// Watch closes the gate when ctx is done, and cancels the run grace later.
// The returned context is the run's: it outlives ctx by at most grace.
func (g *Gate) Watch(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	run, cancel := context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		select {
		case <-ctx.Done():
			g.Close()
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

// Interrupted says whether the gate is closed; a nil Gate never is.
func (g *Gate) Interrupted() bool { return g != nil && g.closed.Load() }

// Transport sends through base until the gate closes, and then refuses
// every new request with ErrInterrupted. It goes under everything, so
// that a retry after an interruption is not sent either.
func (g *Gate) Transport(base http.RoundTripper) http.RoundTripper {
	return &transport{base: base, gate: g}
}

// transport refuses new requests once the gate is closed.
type transport struct {
	base http.RoundTripper
	gate *Gate
}

var _ http.RoundTripper = (*transport)(nil)

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.gate.Interrupted() {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, ErrInterrupted
	}
	return t.base.RoundTrip(req)
}
