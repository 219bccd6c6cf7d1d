// Package simclock is a simulated clock for tests that run the polite
// client (its pacing, its rate-limit waits) and the fake GitHub in one
// process: sleeping moves the clock on at once, so hours of GitHub's limits
// pass in a moment. Only tests import it.
package simclock

import (
	"context"
	"sync"
	"time"
)

// Clock is safe for concurrent use. A sleeper wakes at its own deadline:
// the clock jumps to the latest deadline reached, never back.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New returns a clock that starts at start.
func New(start time.Time) *Clock { return &Clock{now: start} }

// Now is the simulated time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep moves the clock on by d at once, unless ctx is done.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(max(d, 0))
	return nil
}

// Set moves the clock to t, if t is later.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
}
