package ghsession

import (
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/python-trio/snekomatic/ghapi"
)

// SkipError is Each's error for a target kept with Skip.
type SkipError struct {
	Org, Reason string
}

func (e *SkipError) Error() string {
	return fmt.Sprintf("cannot act on %s: %s", e.Org, e.Reason)
}

// Each calls fn for every target that can be acted on, with its GitHub
// client, at most limit at once, and returns each target's error (nil
// when fn succeeded): fn's own, or why it was not called (the target's
// Err, a *SkipError for one kept with Skip, or the error making its
// client). The run loop of every command that acts on the targets.
func Each(targets []Target, limit int, fn func(i int, t Target, c *ghapi.Client) error) []error {
	errs := make([]error, len(targets))
	var g errgroup.Group
	g.SetLimit(limit)
	for i, t := range targets {
		if t.Err != nil {
			errs[i] = t.Err
			continue
		}
		if t.Skip != "" {
			errs[i] = &SkipError{Org: t.Org, Reason: t.Skip}
			continue
		}
		g.Go(func() error {
			c, err := t.API()
			if err != nil {
				errs[i] = err
				return nil
			}
			errs[i] = fn(i, t, c)
			return nil
		})
	}
	_ = g.Wait()
	return errs
}
