package fakegithub

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-github/v88/github"
)

func TestTeamsAndInvitationsIntoThem(t *testing.T) {
	f := newFixture(t)
	g := f.g
	c := restClient(t, g, tok)
	core := g.AddTeam("acme", "Core-Devs")

	got, _, err := c.Teams.GetTeamBySlug(ctx(t), "acme", "core-devs")
	if err != nil {
		t.Fatal(err)
	}
	if got.GetID() != core.ID || got.GetSlug() != "core-devs" || got.GetName() != "Core-Devs" {
		t.Errorf("team = %+v", got)
	}
	_, _, err = c.Teams.GetTeamBySlug(ctx(t), "acme", "nobody")
	asErrorResponse(t, err, http.StatusNotFound)

	inv, _, err := c.Organizations.CreateOrgInvitation(ctx(t), "acme", &github.CreateOrgInvitationOptions{
		InviteeID: github.Ptr(f.carol.ID), TeamID: []int64{core.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if inv.GetTeamCount() != 1 {
		t.Errorf("team_count = %d", inv.GetTeamCount())
	}
	if created := g.CreatedInvitations("acme"); len(created) != 1 || !slices.Equal(created[0].TeamIDs, []int64{core.ID}) {
		t.Errorf("created = %+v", created)
	}

	// A team of another organization is as unknown as a made-up id.
	elsewhere := g.AddTeam("other", "core-devs")
	for i, id := range []int64{elsewhere.ID, 999999} {
		dave := g.AddUser(fmt.Sprintf("dave%d", i))
		_, _, err = c.Organizations.CreateOrgInvitation(ctx(t), "acme", &github.CreateOrgInvitationOptions{
			InviteeID: github.Ptr(dave.ID), TeamID: []int64{id}})
		er := asErrorResponse(t, err, http.StatusUnprocessableEntity)
		if len(er.Errors) != 1 || er.Errors[0].Message != MsgUnknownTeam {
			t.Errorf("team %d: %+v", id, er)
		}
	}
}

func TestRepositoryContents(t *testing.T) {
	f := newFixture(t)
	g := f.g
	c := restClient(t, g, tok)
	dotgithub := g.AddRepo("acme", ".github")
	// Long enough to be wrapped the way GitHub wraps base64.
	text := "teams: [core]\n# " + string(slices.Repeat([]byte("x"), 200)) + "\n"
	g.AddFile(dotgithub, "snekomatic.yml", text)

	file, _, _, err := c.Repositories.GetContents(ctx(t), "acme", ".github", "snekomatic.yml", nil)
	if err != nil {
		t.Fatal(err)
	}
	content, err := file.GetContent()
	if err != nil || content != text || file.GetType() != "file" || file.GetSize() != len(text) {
		t.Errorf("content = %q (%v), %+v", content, err, file)
	}
	_, _, _, err = c.Repositories.GetContents(ctx(t), "acme", ".github", "missing.yml", nil)
	asErrorResponse(t, err, http.StatusNotFound)
	_, _, _, err = c.Repositories.GetContents(ctx(t), "acme", "nope", "snekomatic.yml", nil)
	asErrorResponse(t, err, http.StatusNotFound)
}

func TestInstallationsNeedPermissionsForTeamsAndContents(t *testing.T) {
	f := newAppFixture(t, map[string]string{"members": "write"})
	g := f.g
	g.AddTeam("acme", "core")
	g.AddFile(g.AddRepo("acme", ".github"), "snekomatic.yml", "{}\n")
	c := restClient(t, g, installationToken(t, g, 1, f.acmeInst.ID))
	if _, _, err := c.Teams.GetTeamBySlug(ctx(t), "acme", "core"); err != nil {
		t.Errorf("members permission should read teams: %v", err)
	}
	_, _, _, err := c.Repositories.GetContents(ctx(t), "acme", ".github", "snekomatic.yml", nil)
	er := asErrorResponse(t, err, http.StatusForbidden)
	if er.Message != MsgNotAccessibleByIntegration {
		t.Errorf("message %q", er.Message)
	}

	in := g.AddInstallation(1, "other", map[string]string{"contents": "read"})
	g.AddFile(f.otherRepo, "snekomatic.yml", "{}\n")
	c = restClient(t, g, installationToken(t, g, 1, in.ID))
	if _, _, _, err := c.Repositories.GetContents(ctx(t), "other", "stuff", "snekomatic.yml", nil); err != nil {
		t.Errorf("contents permission should read files: %v", err)
	}
}
