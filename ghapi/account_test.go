package ghapi

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/python-trio/snekomatic/reconcile"
)

func TestTokenUserAndOwnership(t *testing.T) {
	gh, _ := setup(t)
	ctx := context.Background()
	owner := gh.AddUser("boss")
	gh.SetMember("trio", owner.ID, "admin")
	pending := gh.AddUser("newbie")
	gh.AddPendingInvitation("trio", pending.ID)
	gh.AddTokenFor("ghp_boss", owner.ID)
	c, err := New(gh.Client("ghp_boss"), gh.RESTURL(), gh.GraphQLURL())
	if err != nil {
		t.Fatal(err)
	}

	login, _, err := c.TokenUser(ctx)
	if err != nil || login != "boss" {
		t.Errorf("TokenUser = %q, %v; want boss", login, err)
	}
	for _, tt := range []struct {
		login, state, role string
		found              bool
	}{{"boss", "active", "admin", true}, {"newbie", "pending", "member", true}, {"stranger", "", "", false}} {
		state, role, found, err := c.OrgMembership(ctx, "trio", tt.login)
		if err != nil || state != tt.state || role != tt.role || found != tt.found {
			t.Errorf("OrgMembership(%s) = %q, %q, %v, %v; want %q, %q, %v", tt.login, state, role, found, err, tt.state, tt.role, tt.found)
		}
	}
	for org, want := range map[string]bool{"trio": true, "no-such-org": false} {
		if got, err := c.OrgExists(ctx, org); err != nil || got != want {
			t.Errorf("OrgExists(%s) = %v, %v; want %v", org, got, err, want)
		}
	}
}

func TestTokenUserRefusedIsTerminal(t *testing.T) {
	gh, _ := setup(t)
	c, err := New(gh.Client("ghp_unknown"), gh.RESTURL(), gh.GraphQLURL())
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.TokenUser(context.Background())
	if !errors.Is(err, reconcile.ErrCredentialsRefused) || !reconcile.IsTerminal(err) || !isStatus(err, http.StatusUnauthorized) {
		t.Errorf("TokenUser with an unknown token: %v; want a terminal ErrCredentialsRefused that keeps the 401", err)
	}
}
