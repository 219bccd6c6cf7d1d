package runner

import (
	"context"
	"fmt"
	"strings"

	why "github.com/python-trio/snekomatic/explain"
	"github.com/python-trio/snekomatic/ghsession"
	"github.com/python-trio/snekomatic/state"
)

// AskGitHub fills in what `snekomatic explain` learns from GitHub about
// f.Login in f.Org, the session's one target: the organization's policy,
// resolved as a run resolves it (app: in App mode, with the organization's
// own file), and what GitHub says now (explain.Read). so is the
// organization's state (nil: none).
func AskGitHub(ctx context.Context, sess *ghsession.Session, p Policies, f *why.Facts, so *state.Org, app bool) error {
	ts, err := sess.Targets(ctx)
	if err != nil {
		return err
	}
	if len(ts) != 1 {
		return fmt.Errorf("no way to act on %s with these credentials", f.Org)
	}
	if ts[0].Err != nil {
		return ts[0].Err
	}
	c, err := ts[0].API()
	if err != nil {
		return err
	}
	var warnings []string
	if f.Policy, warnings, err = p.Org(ctx, c, f.Org, app); err != nil {
		return err
	}
	f.PolicyNote = strings.Join(warnings, "; ")
	return why.Read(ctx, c, f, so)
}
