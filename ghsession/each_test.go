package ghsession

import (
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/python-trio/snekomatic/ghapi"
)

// Each calls fn only for the targets it can act on, and gives every
// target its error: its own, a SkipError, or fn's.
func TestEachGivesEveryTargetItsError(t *testing.T) {
	own, failed := errors.New("not installed"), errors.New("fn failed")
	ok := Target{Org: "ok", Client: http.DefaultClient, apiURL: "http://127.0.0.1/api/v3/", graphQLURL: "http://127.0.0.1/api/graphql"}
	bad := ok
	bad.Org = "bad"
	targets := []Target{ok, {Org: "gone", Err: own}, {Org: "half", Skip: "grant members: write"}, bad}
	var mu sync.Mutex
	var called []string
	errs := Each(targets, 2, func(i int, tg Target, c *ghapi.Client) error {
		mu.Lock()
		defer mu.Unlock()
		called = append(called, tg.Org)
		if c == nil || targets[i].Org != tg.Org {
			t.Errorf("fn(%d, %s): client %v", i, tg.Org, c)
		}
		if tg.Org == "bad" {
			return failed
		}
		return nil
	})
	var skip *SkipError
	if errs[0] != nil || !errors.Is(errs[1], own) || !errors.As(errs[2], &skip) || skip.Org != "half" || !errors.Is(errs[3], failed) {
		t.Errorf("errors = %v", errs)
	}
	if len(called) != 2 {
		t.Errorf("fn called for %v, want ok and bad only", called)
	}
}
