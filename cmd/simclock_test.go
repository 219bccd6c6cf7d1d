package cmd

import (
	"context"
	"sync"
	"time"

	"github.com/python-trio/snekomatic/ghtransport"
)

// simClock is a clock that sleeping moves on at once, so that the polite
// client's pacing and rate-limit waits cost in-process tests no real time.
// A sleeper wakes at its own deadline: the clock jumps to the latest
// deadline reached, never back.
type simClock struct {
	mu  sync.Mutex
	now time.Time
}

func newSimClock() *simClock { return &simClock{now: time.Now().UTC()} }

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(max(d, 0))
	return nil
}

// resilience puts the transports on the clock.
func (c *simClock) resilience(o *ghtransport.Options) {
	o.Now, o.Sleep = c.Now, c.Sleep
}

// set moves the clock to t, if t is later.
func (c *simClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
}
