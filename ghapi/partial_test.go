package ghapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/internal/schematest"
	"github.com/python-trio/snekomatic/reconcile"
)

// setupWithErrorTypes is setup with ghtransport's GraphQL error capture in
// the client, as the command builds it: partial data can only be told
// apart with the errors' types. Who may see pending invitations is left
// as GitHub documents it (owners only), and the token's user is a member
// but not an owner.
func setupWithErrorTypes(t *testing.T) (*fakegithub.GitHub, *Client) {
	t.Helper()
	gh := fakegithub.New(t)
	gh.AddOrg("trio")
	gh.AddToken(tok)
	gh.SetMember("trio", gh.TokenOwner().ID, "member")
	hc := &http.Client{Transport: ghtransport.NewGraphQLErrorTypes(&fakegithub.TokenTransport{Token: tok}, ghtransport.Options{})}
	c, err := New(hc, gh.RESTURL(), gh.GraphQLURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { schematest.ValidateDocuments(t, gh.GraphQLDocuments()) })
	return gh, c
}

func TestRefusedPendingInvitationsKeepTheRestOfTheAnswer(t *testing.T) {
	gh, c := setupWithErrorTypes(t)
	ctx := context.Background()
	// More than a page of members, so that the refusal comes on every page.
	var members []int64
	for i := range 150 {
		u := gh.AddUser(fmt.Sprintf("m%03d", i))
		gh.SetMember("trio", u.ID, "member")
		members = append(members, u.ID)
	}
	pending := gh.AddUser("pending")
	gh.AddPendingInvitation("trio", pending.ID)
	newcomer := gh.AddUser("newcomer")
	repo := gh.AddRepo("trio", "trio")
	merged := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	gh.AddPR(repo, newcomer.ID, "A fix", merged)

	// The first search page: the pull request and the member count are
	// kept, the invitation count is unknown.
	page, err := c.SearchMerged(ctx, "trio", reconcile.SearchQuery{Window: reconcile.Window{From: merged.Add(-time.Minute), To: merged.Add(time.Minute)}}, "")
	if err != nil {
		t.Fatalf("search with the invitations refused: %v", err)
	}
	if len(page.PRs) != 1 || page.PRs[0].Author.ID != newcomer.ID || page.Members != 151 || page.Pending != -1 {
		t.Errorf("page: %d PRs, members %d, pending %d; want 1, 151 (with the token's user), -1", len(page.PRs), page.Members, page.Pending)
	}

	// The roster: every member, no invitee, and ErrPendingNotListed.
	all, err := c.Memberships(ctx, "trio")
	if !errors.Is(err, reconcile.ErrPendingNotListed) {
		t.Fatalf("Memberships error %v, want ErrPendingNotListed", err)
	}
	for _, id := range members {
		if all[id] != reconcile.ActiveMember {
			t.Fatalf("member %d is %v", id, all[id])
		}
	}
	if st, ok := all[pending.ID]; ok {
		t.Errorf("the invitee is listed as %v though the invitations were refused", st)
	}
	if len(all) != 151 {
		t.Errorf("%d listed, want the 151 members (the token's user too)", len(all))
	}

	// What the list could not say, the one-by-one check does: a member
	// may read anyone's membership.
	st, id, err := c.Membership(ctx, "trio", "pending")
	if err != nil || st != reconcile.PendingInvitee || id != pending.ID {
		t.Errorf("Membership(pending) = %v %d %v", st, id, err)
	}

	// An owner gets the whole list, with no error.
	gh.MakeOwner("trio", gh.TokenOwner().ID)
	all, err = c.Memberships(ctx, "trio")
	if err != nil || all[pending.ID] != reconcile.PendingInvitee {
		t.Errorf("owner: %v %v", all[pending.ID], err)
	}
}

func TestRefusalOfAnythingElseStillFails(t *testing.T) {
	gh, c := setupWithErrorTypes(t)
	gh.MakeOwner("trio", gh.TokenOwner().ID)
	gh.RefuseGraphQLField("Organization", "membersWithRole")
	_, err := c.Memberships(context.Background(), "trio")
	var ge ghtransport.GraphQLErrors
	if !errors.As(err, &ge) || ge.Type() != "FORBIDDEN" || errors.Is(err, reconcile.ErrPendingNotListed) {
		t.Errorf("members refused: %v (%T), want FORBIDDEN GraphQLErrors", err, err)
	}
	_, err = c.SearchMerged(context.Background(), "trio", reconcile.SearchQuery{Window: reconcile.Window{From: time.Now().Add(-time.Hour), To: time.Now()}}, "")
	if !errors.As(err, &ge) || ge.Type() != "FORBIDDEN" {
		t.Errorf("search with members refused: %v, want FORBIDDEN GraphQLErrors", err)
	}

	// The same refusal of the invitations (FORBIDDEN, as GitHub answers a
	// field the credentials may not read) is tolerated.
	gh.AllowGraphQLField("Organization", "membersWithRole")
	gh.RefuseGraphQLField("Organization", "pendingMembers")
	if _, err := c.Memberships(context.Background(), "trio"); !errors.Is(err, reconcile.ErrPendingNotListed) {
		t.Errorf("invitations refused: %v, want ErrPendingNotListed", err)
	}
}
