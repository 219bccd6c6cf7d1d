package simclock

import (
	"context"
	"testing"
	"time"
)

func TestClockMovesOnlyForward(t *testing.T) {
	start := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	c := New(start)
	if err := c.Sleep(context.Background(), time.Hour); err != nil || !c.Now().Equal(start.Add(time.Hour)) {
		t.Errorf("after Sleep(1h): %v, %v", c.Now(), err)
	}
	c.Set(start)
	if !c.Now().Equal(start.Add(time.Hour)) {
		t.Errorf("Set to an earlier time moved the clock back to %v", c.Now())
	}
	c.Set(start.Add(2 * time.Hour))
	if !c.Now().Equal(start.Add(2 * time.Hour)) {
		t.Errorf("Set to a later time: %v", c.Now())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Sleep(ctx, time.Hour); err == nil || !c.Now().Equal(start.Add(2*time.Hour)) {
		t.Errorf("Sleep on a done context: %v, clock %v", err, c.Now())
	}
}
