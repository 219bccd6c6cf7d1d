package fakegithub

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-github/v88/github"
)

// invite posts an invitation for a user and returns the status.
func invite(t *testing.T, g *GitHub, org string, userID int64) (int, map[string]any) {
	t.Helper()
	resp, body := rawDo(t, "POST", g.RESTURL()+"orgs/"+org+"/invitations", tok, map[string]any{"invitee_id": userID, "role": "direct_member"})
	return resp.StatusCode, body
}

func TestInvitationCapDefault(t *testing.T) {
	f := newFixture(t)
	g := f.g
	for i := range DefaultInvitationCap {
		u := g.AddUser(fmt.Sprintf("user%02d", i))
		if code, body := invite(t, g, "acme", u.ID); code != http.StatusCreated {
			t.Fatalf("invitation %d: %d %v", i+1, code, body)
		}
	}
	late := g.AddUser("late")
	code, body := invite(t, g, "acme", late.ID)
	want := map[string]any{
		"message": MsgValidationFailed,
		"errors": []any{map[string]any{
			"resource": "OrganizationInvitation", "code": "unprocessable", "field": "data", "message": MsgOverInvitationRateLimit,
		}},
		"documentation_url": routeDoc(t, "POST /orgs/{org}/invitations"),
		"status":            "422",
	}
	if code != http.StatusUnprocessableEntity {
		t.Errorf("invitation 51: %d, want 422", code)
	}
	if d := cmp.Diff(want, body); d != "" {
		t.Errorf("body (-want +got):\n%s", d)
	}
	if n := len(g.CreatedInvitations("acme")); n != DefaultInvitationCap {
		t.Errorf("%d invitations created, want %d", n, DefaultInvitationCap)
	}
	if pendingFor := g.PendingInvitations("acme"); len(pendingFor) != DefaultInvitationCap {
		t.Errorf("%d pending", len(pendingFor))
	}

	// go-github sees a 422 whose error says why.
	_, _, err := restClient(t, g, tok).Organizations.CreateOrgInvitation(ctx(t), "acme",
		&github.CreateOrgInvitationOptions{InviteeID: github.Ptr(late.ID)})
	er := asErrorResponse(t, err, http.StatusUnprocessableEntity)
	if len(er.Errors) != 1 || er.Errors[0].Message != MsgOverInvitationRateLimit {
		t.Errorf("errors %+v", er.Errors)
	}

	// Other organizations have caps of their own.
	if code, body := invite(t, g, "other", late.ID); code != http.StatusCreated {
		t.Errorf("other organization: %d %v", code, body)
	}
}

func TestInvitationCapRollsOver24Hours(t *testing.T) {
	f := newFixture(t)
	g := f.g
	now := base
	g.SetClock(func() time.Time { return now })
	g.SetInvitationCap("ACME", 2)
	u := g.AddUsers("u1", "u2", "u3", "u4", "u5")
	step := func(user *Account, want int) {
		t.Helper()
		if code, body := invite(t, g, "acme", user.ID); code != want {
			t.Errorf("at %v, inviting %s: %d %v, want %d", now.Sub(base), user.Login, code, body, want)
		}
	}
	step(u[0], 201)
	now = base.Add(12 * time.Hour)
	step(u[1], 201)
	step(u[2], 422)
	now = base.Add(24*time.Hour - time.Second)
	step(u[2], 422) // the first still counts
	now = base.Add(24 * time.Hour)
	step(u[2], 201) // the first has rolled out of the window
	step(u[3], 422)
	now = base.Add(36 * time.Hour)
	step(u[3], 201)

	// Invitations count whatever became of them, and whoever made them.
	g.DeclineInvitation("acme", u[3].ID)
	step(u[4], 422)
}

func TestInvitationCapZeroMeansNone(t *testing.T) {
	f := newFixture(t)
	g := f.g
	g.SetInvitationCap("acme", 0)
	for i := range DefaultInvitationCap + 5 {
		u := g.AddUser(fmt.Sprintf("user%02d", i))
		if code, body := invite(t, g, "acme", u.ID); code != http.StatusCreated {
			t.Fatalf("invitation %d: %d %v", i+1, code, body)
		}
	}
}

func TestInvitationCapCountsOnlyTheAPI(t *testing.T) {
	f := newFixture(t)
	g := f.g
	g.SetInvitationCap("acme", 1)
	web := g.AddUser("web")
	g.AddPendingInvitation("acme", web.ID)
	if code, body := invite(t, g, "acme", f.carol.ID); code != http.StatusCreated {
		t.Errorf("an invitation made on the web should not count: %d %v", code, body)
	}
	dave := g.AddUser("dave")
	if code, _ := invite(t, g, "acme", dave.ID); code != http.StatusUnprocessableEntity {
		t.Errorf("second API invitation: %d, want 422", code)
	}

	// An invitation made by PUT /orgs/{org}/memberships/{user} counts too.
	g.SetInvitationCap("other", 1)
	resp, body := rawDo(t, "PUT", g.RESTURL()+"orgs/other/memberships/dave", tok, map[string]any{"role": "member"})
	if resp.StatusCode != http.StatusOK || body["state"] != "pending" {
		t.Fatalf("PUT membership: %d %v", resp.StatusCode, body)
	}
	if code, _ := invite(t, g, "other", f.carol.ID); code != http.StatusUnprocessableEntity {
		t.Errorf("after PUT membership: %d, want 422", code)
	}
}

func TestSetInvitationCapRefusesNonsense(t *testing.T) {
	g := New(t)
	g.AddOrg("acme")
	for _, tt := range []struct {
		org string
		n   int
	}{{"acme", -1}, {"nope", 5}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("SetInvitationCap(%q, %d) did not panic", tt.org, tt.n)
				}
			}()
			g.SetInvitationCap(tt.org, tt.n)
		}()
	}
}
