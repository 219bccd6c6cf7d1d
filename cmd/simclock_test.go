package cmd

import (
	"time"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/simclock"
)

// simClock is the simulated clock of the in-process tests, so that the
// polite client's pacing and rate-limit waits cost them no real time.
type simClock struct{ *simclock.Clock }

func newSimClock() *simClock { return &simClock{simclock.New(time.Now().UTC())} }

// resilience puts the transports on the clock.
func (c *simClock) resilience(o *ghtransport.Options) {
	o.Now, o.Sleep = c.Now, c.Sleep
}

// set moves the clock to t, if t is later.
func (c *simClock) set(t time.Time) { c.Set(t) }
