package ghapi

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/ghapp"
	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/reconcile"
)

func TestSendInvitationWithRoleAndTeams(t *testing.T) {
	gh, c := setup(t)
	ctx := context.Background()
	team := gh.AddTeam("trio", "core")
	u := gh.AddUser("ann")
	if err := c.SendInvitation(ctx, "trio", u.ID, reconcile.InviteOptions{Role: "admin", TeamIDs: []int64{team.ID}}); err != nil {
		t.Fatal(err)
	}
	inv := gh.CreatedInvitations("trio")
	if len(inv) != 1 || inv[0].Role != "admin" || !slices.Equal(inv[0].TeamIDs, []int64{team.ID}) {
		t.Errorf("invitations = %+v", inv)
	}
}

func TestTeamID(t *testing.T) {
	gh, c := setup(t)
	ctx := context.Background()
	team := gh.AddTeam("trio", "core")
	if id, err := c.TeamID(ctx, "trio", "core"); err != nil || id != team.ID {
		t.Errorf("TeamID = %d, %v; want %d", id, err, team.ID)
	}
	for _, slug := range []string{"nope", "../../user", ""} {
		if _, err := c.TeamID(ctx, "trio", slug); !errors.Is(err, reconcile.ErrNoSuchTeam) {
			t.Errorf("TeamID(%q) error = %v, want ErrNoSuchTeam", slug, err)
		}
	}
}

func TestCountMergedBatchesFiftyPeopleARequest(t *testing.T) {
	gh, c := setup(t)
	ctx := context.Background()
	repo := gh.AddRepo("trio", "trio")
	other := gh.AddOrg("other")
	otherRepo := gh.AddRepo(other.Login, "x")
	var logins []string
	for i := range 120 {
		u := gh.AddUser(fmt.Sprintf("user%d", i))
		logins = append(logins, u.Login)
		for range i % 3 {
			gh.AddPR(repo, u.ID, "x", time.Now().Add(-time.Hour))
		}
		gh.AddClosedPR(repo, u.ID, "not merged", time.Now().Add(-time.Hour))
		gh.AddPR(otherRepo, u.ID, "another org", time.Now().Add(-time.Hour))
	}
	gh.ResetRequests()
	counts, err := c.CountMerged(ctx, "trio", append(logins, "not a login"))
	if err != nil {
		t.Fatal(err)
	}
	if n := gh.CountRequests()[fakegithub.KindGraphQL]; n != 3 {
		t.Errorf("%d requests for 120 people, want 3", n)
	}
	if len(counts) != 120 {
		t.Errorf("%d counts, want 120 (the malformed login left out)", len(counts))
	}
	for i, l := range logins {
		if counts[l] != i%3 {
			t.Errorf("%s: %d merged, want %d", l, counts[l], i%3)
			break
		}
	}
	if c.GraphQLPoints() != 3 {
		t.Errorf("points = %d, want 3", c.GraphQLPoints())
	}
}

func TestFailedInvitationsPages(t *testing.T) {
	gh, c := setup(t)
	for i := range 130 {
		u := gh.AddUser(fmt.Sprintf("u%d", i))
		gh.AddPendingInvitation("trio", u.ID)
		gh.ExpireInvitation("trio", u.ID)
	}
	got, err := c.FailedInvitations(context.Background(), "trio")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 130 || got[0].Login != "u0" || got[0].Reason != fakegithub.FailedReasonExpired || got[0].FailedAt.IsZero() {
		t.Errorf("got %d, first %+v", len(got), got[0])
	}
}

func TestOrgConfig(t *testing.T) {
	gh, c := setup(t)
	ctx := context.Background()
	if _, found, err := c.OrgConfig(ctx, "trio"); found || err != nil {
		t.Errorf("no .github repository: found=%v err=%v", found, err)
	}
	repo := gh.AddRepo("trio", ".github")
	if _, found, err := c.OrgConfig(ctx, "trio"); found || err != nil {
		t.Errorf("no file: found=%v err=%v", found, err)
	}
	gh.AddFile(repo, "snekomatic.yml", "teams: [core]\n")
	data, found, err := c.OrgConfig(ctx, "trio")
	if err != nil || !found || string(data) != "teams: [core]\n" {
		t.Errorf("OrgConfig = %q, %v, %v", data, found, err)
	}

	// An App installation without Contents: Read gets 403.
	key := gh.NewApp(t, 77)
	inst := gh.AddInstallation(77, "trio", map[string]string{"members": "write"})
	app, err := ghapp.New(ghapp.Config{AppID: 77, PrivateKey: key, APIURL: gh.RESTURL()})
	if err != nil {
		t.Fatal(err)
	}
	ic, err := New(app.HTTPClient(inst.ID), gh.RESTURL(), gh.GraphQLURL())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ic.OrgConfig(ctx, "trio"); !errors.Is(err, ErrNoAccess) || !strings.Contains(err.Error(), "403") {
		t.Errorf("without permission: %v", err)
	}
}

func TestSearchCarriesRepositoryFlags(t *testing.T) {
	gh, c := setup(t)
	repo := gh.AddRepo("trio", "fork")
	gh.UpdateRepo(repo.ID, func(r *fakegithub.Repo) { r.Fork, r.Archived, r.Private = true, true, true })
	u := gh.AddUser("ann")
	merged := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	gh.AddPR(repo, u.ID, "x", merged)
	page, err := c.SearchMerged(context.Background(), "trio", reconcile.SearchQuery{Window: reconcile.Window{From: merged.Add(-time.Minute), To: merged.Add(time.Minute)}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.PRs) != 1 || !page.PRs[0].RepoFork || !page.PRs[0].RepoArchived || !page.PRs[0].RepoPrivate {
		t.Errorf("PRs = %+v", page.PRs)
	}
}
