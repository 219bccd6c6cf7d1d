package ghapi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/reconcile"
)

// Anyone can write the marker into a comment of theirs: only a comment by
// snekomatic's own identity counts.
func TestFindCommentIgnoresAForgedMarker(t *testing.T) {
	gh, c := setup(t)
	ctx := context.Background()
	repo := gh.AddRepo("trio", "trio")
	mallory := gh.AddUser("mallory")
	pr := gh.AddPR(repo, mallory.ID, "x", time.Now())
	gh.AddTokenFor("mallory-token", mallory.ID)
	forger, err := New(gh.Client("mallory-token"), gh.RESTURL(), gh.GraphQLURL())
	if err != nil {
		t.Fatal(err)
	}
	const marker = "<!-- snekomatic:welcome org=trio user=1 -->"
	if _, err := forger.Comment(ctx, "trio/trio", pr.Number, "hi "+marker); err != nil {
		t.Fatal(err)
	}
	if url, err := c.FindComment(ctx, "trio/trio", pr.Number, marker); err != nil || url != "" {
		t.Errorf("FindComment with only a forged marker = %q, %v; want nothing found", url, err)
	}
	ours, err := c.Comment(ctx, "trio/trio", pr.Number, "welcome "+marker)
	if err != nil {
		t.Fatal(err)
	}
	if url, err := c.FindComment(ctx, "trio/trio", pr.Number, marker); err != nil || url != ours {
		t.Errorf("FindComment = %q, %v; want our own comment %q", url, err, ours)
	}
	// Without knowing who it is, the client trusts no marker: an error, not
	// "not found".
	c.SetSelf(nil)
	if _, err := c.FindComment(ctx, "trio/trio", pr.Number, marker); err == nil {
		t.Error("FindComment without SetSelf succeeded")
	}
}

// An archived repository's 403 is a fact about that pull request, not a
// refusal of the credentials; a lost answer may have been carried out.
func TestCommentRefusalsAreReadByWhatTheySay(t *testing.T) {
	gh, c := setup(t)
	ctx := context.Background()
	old := gh.AddRepo("trio", "old")
	pr := gh.AddPR(old, gh.AddUser("a").ID, "x", time.Now())
	gh.UpdateRepo(old.ID, func(r *fakegithub.Repo) { r.Archived = true })
	_, err := c.Comment(ctx, "trio/old", pr.Number, "hi")
	if !errors.Is(err, reconcile.ErrCannotComment) || reconcile.IsTerminal(err) || !strings.Contains(err.Error(), "archived") {
		t.Errorf("comment in an archived repository: %v; want ErrCannotComment, not terminal", err)
	}
	gh.InjectFaults(fakegithub.Faults{Rate502: 1})
	if _, err := c.Comment(ctx, "trio/old", pr.Number, "hi"); !errors.Is(err, reconcile.ErrMaybeSent) {
		t.Errorf("comment answered 502: %v; want ErrMaybeSent", err)
	}
}

// Paging that never ends stops, in one line, on the repeat.
func TestStuckPagesStop(t *testing.T) {
	gh, c := setup(t)
	ctx := context.Background()
	repo := gh.AddRepo("trio", "trio")
	pr := gh.AddPR(repo, gh.AddUser("a").ID, "x", time.Now())
	for _, u := range gh.AddUsers("m1", "m2") {
		gh.SetMember("trio", u.ID, "member")
	}
	gh.AddPendingInvitation("trio", gh.AddUser("p1").ID)
	fi := gh.InjectFaults(fakegithub.Faults{StuckPages: true})
	_, err := c.FindComment(ctx, "trio/trio", pr.Number, "<!-- marker -->")
	if !errors.Is(err, reconcile.ErrEndlessPages) || strings.Contains(err.Error(), "\n") {
		t.Errorf("FindComment on stuck pages: %v; want ErrEndlessPages", err)
	}
	_, err = c.Memberships(ctx, "trio")
	if !errors.Is(err, reconcile.ErrEndlessPages) {
		t.Errorf("Memberships on stuck pages: %v; want ErrEndlessPages", err)
	}
	if n := fi.Counts().Stuck; n > 4 {
		t.Errorf("%d requests before stopping; want a few", n)
	}
}
