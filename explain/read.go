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
	FindDashboard(ctx context.Context, repo, marker string) (*reconcile.Dashboard, error)
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
	if err := readApprovalIssue(ctx, c, f); err != nil {
		return err
	}
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

// readApprovalIssue finds the approval issue a proposed person waits on,
// the way a run finds it (ghapi's FindDashboard: one page of the
// repository's issues written by snekomatic's own identity, by the hidden
// marker; with a token, learning that identity is one more request, GET
// /user). Nothing is read for anyone else, or with approval off.
func readApprovalIssue(ctx context.Context, c Reader, f *Facts) error {
	repo := f.Policy.ApprovalRepo
	if f.Record == nil || f.Record.Status != state.Proposed || repo == "" {
		return nil
	}
	d, err := c.FindDashboard(ctx, repo, reconcile.DashboardMarker(f.Org))
	if err != nil {
		return fmt.Errorf("find the approval issue of %s in %s: %w", f.Org, repo, err)
	}
	f.Approval = &ApprovalIssue{}
	if d != nil {
		*f.Approval = ApprovalIssue{Found: true, URL: d.URL, Open: d.Open}
	}
	return nil
}
