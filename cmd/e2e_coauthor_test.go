package cmd

import (
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
)

// coAuthoredWorld: ann's merged pull request has one commit co-authored by
// bea (an account), by an address that belongs to no account, and by a
// bot; the merge is recent.
func coAuthoredWorld(t *testing.T) (w *world, ann, bea *fakegithub.Account, pr *fakegithub.PR) {
	t.Helper()
	w = newWorld(t)
	ann, bea = w.gh.AddUser("ann"), w.gh.AddUser("bea")
	bot := w.gh.AddBot("helper[bot]")
	pr = w.merged(t, ann, time.Hour)
	w.gh.SetCommits(pr.ID, []fakegithub.Commit{{Headline: "Pair on it", Authors: []fakegithub.CommitAuthor{
		w.gh.AuthorOf(ann.ID), w.gh.AuthorOf(bea.ID), {Name: "Someone", Email: "someone@example.com"}, w.gh.AuthorOf(bot.ID),
	}}})
	return w, ann, bea, pr
}

// With credit.co_authors, a co-authored pull request invites both people,
// and the co-author's welcome and record say what they did; nobody else in
// the commit is invited.
func TestCoAuthorInvitedWithOptionOn(t *testing.T) {
	w, ann, bea, pr := coAuthoredWorld(t)
	cfg := w.config(t, "defaults:\n  credit: {co_authors: true}\n")
	rep := w.runJSON(t, "--org", "trio", "--config", cfg)
	inv := w.gh.CreatedInvitations("trio")
	if len(inv) != 2 || len(rep.Invited) != 2 {
		t.Fatalf("invitations %+v, report %+v: want ann and bea", inv, rep.Invited)
	}
	ref := "co-author of trio/trio#" + itoa(int64(pr.Number))
	for _, e := range rep.Invited {
		if (e.ID == bea.ID) != (e.Reason == ref) {
			t.Errorf("report entry %+v: only bea's reason is %q", e, ref)
		}
	}
	comments := w.gh.Comments("trio/trio", pr.Number)
	if len(comments) != 2 {
		t.Fatalf("%d welcomes, want 2", len(comments))
	}
	for _, c := range comments {
		co := strings.Contains(c.Body, "co-author")
		if co != strings.HasPrefix(c.Body, "Hi @bea,") {
			t.Errorf("welcome %q: only bea's names her a co-author", c.Body)
		}
	}
	people := loadState(t, w.statePath).Org("trio").People
	if p := people[bea.ID]; p == nil || !p.CoAuthor || p.PR == nil || p.PR.Number != pr.Number {
		t.Errorf("bea's record %+v", p)
	}
	if p := people[ann.ID]; p == nil || p.CoAuthor {
		t.Errorf("ann's record %+v", p)
	}
	// The same search requests as without the option: one query shape or
	// the other.
	// GitHub's formula (1 + 100 commits + 100×25 authors connections,
	// and the two member counts, divided by 100) makes the page cost 26
	// points instead of 1; the list of members (two candidates) 1 more.
	if rep.SearchRequests != 1 || rep.GraphQLPoints != 27 {
		t.Errorf("%d search requests, %d points; want 1 and 26 + 1", rep.SearchRequests, rep.GraphQLPoints)
	}
}

// Off (the default), only the author is invited.
func TestCoAuthorNotInvitedWithOptionOff(t *testing.T) {
	w, ann, _, _ := coAuthoredWorld(t)
	rep := w.runJSON(t, "--org", "trio")
	inv := w.gh.CreatedInvitations("trio")
	if len(inv) != 1 || inv[0].InviteeID != ann.ID || len(rep.Invited) != 1 {
		t.Errorf("invitations %+v: want ann alone", inv)
	}
	if rep.GraphQLPoints != 1 {
		t.Errorf("%d points, want 1", rep.GraphQLPoints)
	}
	for _, doc := range w.gh.GraphQLDocuments() {
		if strings.Contains(doc, "commits") {
			t.Errorf("commits asked for with the option off: %s", doc)
		}
	}
}

// A co-authored pull request counts once for the co-author's
// min_merged_prs, however many of its commits name them.
func TestCoAuthorCountsForMinMergedPRs(t *testing.T) {
	w, _, bea, pr := coAuthoredWorld(t)
	two := w.merged(t, w.gh.Lookup("ann"), 30*time.Minute)
	w.gh.SetCommits(two.ID, []fakegithub.Commit{
		{Authors: []fakegithub.CommitAuthor{w.gh.AuthorOf(bea.ID)}},
		{Authors: []fakegithub.CommitAuthor{w.gh.AuthorOf(w.gh.Lookup("ann").ID), w.gh.AuthorOf(bea.ID)}},
	})
	_ = pr
	cfg := w.config(t, "defaults:\n  credit: {co_authors: true}\n  min_merged_prs: 3\n")
	rep := w.runJSON(t, "--org", "trio", "--config", cfg)
	var beaReason string
	for _, e := range rep.Counting {
		if e.ID == bea.ID {
			beaReason = e.Reason
		}
	}
	if beaReason != "2 of the 3 merged pull requests min_merged_prs asks for" {
		t.Errorf("bea counting %q (report %+v)", beaReason, rep.Counting)
	}
}
