package explain

import (
	"context"
	"fmt"

	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// Reader is what Read asks GitHub (ghapi.Client).
type Reader interface {
	User(ctx context.Context, login string) (id int64, typ string, found bool, err error)
	Membership(ctx context.Context, org, login string) (reconcile.MemberState, int64, error)
	CountMerged(ctx context.Context, org string, logins []string) (map[string]int, error)
}

// Read asks GitHub about f.Login, with the cheapest reads that tell
// (one request each): GET /users/{username} for the account and its id,
// which picks the state's record; for a user, GET
// /orgs/{org}/memberships/{username} ("active" for a member, "pending" for
// an invitee, 404 otherwise); and, only when the count can change the
// answer (WantsCount), one GraphQL search counting their merged pull
// requests in the organization, as a run counts them for min_merged_prs.
func Read(ctx context.Context, c Reader, f *Facts, so *state.Org) error {
	g := &GitHub{Merged: -1}
	f.GitHub = g
	id, typ, found, err := c.User(ctx, f.Login)
	if err != nil {
		return fmt.Errorf("look up the account %s: %w", f.Login, err)
	}
	g.Found, g.ID, g.Type = found, id, typ
	f.ID, f.Record, f.OtherID, f.Other = Find(so, f.Login, id)
	if !found || typ != "User" {
		return nil
	}
	ms, _, err := c.Membership(ctx, f.Org, f.Login)
	if err != nil {
		return fmt.Errorf("read the membership of %s in %s: %w", f.Login, f.Org, err)
	}
	g.Membership = map[reconcile.MemberState]string{reconcile.ActiveMember: Member, reconcile.PendingInvitee: Pending}[ms]
	if g.Membership == "" {
		g.Membership = NotMember
	}
	if !WantsCount(*f) {
		return nil
	}
	n, err := c.CountMerged(ctx, f.Org, []string{f.Login})
	if err != nil {
		return fmt.Errorf("count the merged pull requests of %s in %s: %w", f.Login, f.Org, err)
	}
	g.Merged = n[f.Login]
	return nil
}
