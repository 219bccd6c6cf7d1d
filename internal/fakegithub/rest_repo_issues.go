package fakegithub

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Issues of a repository through REST: list, create, get, update
// (https://docs.github.com/rest/issues/issues), and helpers for tests to
// act as a maintainer would (edit the body, close, delete).

// issueJSON is GitHub's "issue" (the description's required fields, and
// body). A pull request is an issue too, with pull_request set.
type issueJSON struct {
	ID                int64        `json:"id"`
	NodeID            string       `json:"node_id"`
	URL               string       `json:"url"`
	RepositoryURL     string       `json:"repository_url"`
	LabelsURL         string       `json:"labels_url"`
	CommentsURL       string       `json:"comments_url"`
	EventsURL         string       `json:"events_url"`
	HTMLURL           string       `json:"html_url"`
	Number            int          `json:"number"`
	State             string       `json:"state"`
	Title             string       `json:"title"`
	Body              *string      `json:"body"`
	User              *userJSON    `json:"user"`
	Labels            []string     `json:"labels"`
	Assignee          *userJSON    `json:"assignee"`
	Milestone         *struct{}    `json:"milestone"`
	Locked            bool         `json:"locked"`
	Comments          int          `json:"comments"`
	CreatedAt         string       `json:"created_at"`
	UpdatedAt         string       `json:"updated_at"`
	ClosedAt          *string      `json:"closed_at"`
	AuthorAssociation string       `json:"author_association"`
	PullRequest       *issuePRJSON `json:"pull_request,omitempty"`
}

type issuePRJSON struct {
	URL      string  `json:"url"`
	HTMLURL  string  `json:"html_url"`
	DiffURL  string  `json:"diff_url"`
	PatchURL string  `json:"patch_url"`
	MergedAt *string `json:"merged_at"`
}

func (g *GitHub) issueJSON(rp *Repo, it *item) *issueJSON {
	full := rp.FullName()
	u := g.apiURL("repos/%s/issues/%d", full, it.Number)
	author := g.w.accounts[it.AuthorID]
	if author == nil || author.deleted {
		author = ghost
	}
	kind := "issues"
	if !it.isIssue {
		kind = "pull"
	}
	out := &issueJSON{
		ID: it.ID, NodeID: it.NodeID, URL: u, RepositoryURL: g.apiURL("repos/%s", full),
		LabelsURL: u + "/labels{/name}", CommentsURL: u + "/comments", EventsURL: u + "/events",
		HTMLURL: g.webURL("%s/%s/%d", full, kind, it.Number), Number: it.Number, State: "open",
		Title: it.Title, User: g.userJSON(author), Labels: []string{}, AuthorAssociation: "NONE",
		CreatedAt: ts(it.CreatedAt), UpdatedAt: ts(maxTime(it.updatedAt(), it.editedAt)),
	}
	if it.isIssue {
		out.Body = &it.body
	}
	if !it.ClosedAt.IsZero() {
		out.State, out.ClosedAt = "closed", new(ts(it.ClosedAt))
	}
	for _, c := range g.w.comments {
		if c.repo == rp && c.Number == it.Number {
			out.Comments++
		}
	}
	if !it.isIssue {
		pu := g.apiURL("repos/%s/pulls/%d", full, it.Number)
		out.PullRequest = &issuePRJSON{URL: pu, HTMLURL: out.HTMLURL, DiffURL: out.HTMLURL + ".diff", PatchURL: out.HTMLURL + ".patch"}
		if !it.MergedAt.IsZero() {
			out.PullRequest.MergedAt = new(ts(it.MergedAt))
		}
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// GET /repos/{owner}/{repo}/issues: issues and pull requests, filtered by
// state (open, the default; closed; all) and creator (a login), sorted by
// created (the default) or updated, newest first unless direction=asc.
// Deleted issues are gone from it.
func (g *GitHub) listRepoIssues(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	rp := g.findRepo(w, r, false, docOf(r))
	if rp == nil {
		return
	}
	q := r.URL.Query()
	st := cmp.Or(q.Get("state"), "open")
	creator := q.Get("creator")
	var sel []*item
	for _, it := range g.w.items {
		if it.repo != rp || g.w.deleted[itemKey(rp, it.Number)] {
			continue
		}
		open := it.ClosedAt.IsZero()
		if (st == "open" && !open) || (st == "closed" && open) {
			continue
		}
		if a := g.w.accounts[it.AuthorID]; creator != "" && (a == nil || !strings.EqualFold(a.Login, creator)) {
			continue
		}
		sel = append(sel, it)
	}
	key := func(it *item) time.Time { return it.CreatedAt }
	if q.Get("sort") == "updated" {
		key = func(it *item) time.Time { return maxTime(it.updatedAt(), it.editedAt) }
	}
	slices.SortFunc(sel, func(a, b *item) int {
		c := cmp.Or(key(a).Compare(key(b)), cmp.Compare(a.Number, b.Number))
		if q.Get("direction") != "asc" {
			c = -c
		}
		return c
	})
	writePage(g, w, r, sel, func(it *item) *issueJSON { return g.issueJSON(rp, it) })
}

// POST /repos/{owner}/{repo}/issues {"title", "body"}: 201 with the issue,
// written by the token's owner; 422 without a title; 403 in an archived
// repository.
func (g *GitHub) createRepoIssue(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	rp := g.findRepo(w, r, true, docOf(r))
	if rp == nil {
		return
	}
	if rp.Archived {
		WriteError(w, http.StatusForbidden, MsgArchived, docOf(r))
		return
	}
	var body struct {
		Title *string `json:"title"`
		Body  *string `json:"body"`
	}
	if !decodeBody(w, r, &body, docOf(r)) {
		return
	}
	if body.Title == nil || strings.TrimSpace(*body.Title) == "" {
		WriteValidationFailed(w, docOf(r), FieldError{Resource: "Issue", Code: "missing_field", Field: "title"})
		return
	}
	it := g.addItem(rp, stateOf(r).tok.ownerID, *body.Title, true, g.now(), time.Time{}, time.Time{})
	if body.Body != nil {
		it.body = *body.Body
	}
	WriteJSON(w, http.StatusCreated, g.issueJSON(rp, it))
}

// findIssue is findItem that answers 410 Gone for a deleted issue, as "Get
// an issue" documents for a repository the caller can read.
func (g *GitHub) findIssue(w http.ResponseWriter, r *http.Request, write bool) (*Repo, *item) {
	rp := g.findRepo(w, r, write, docOf(r))
	if rp == nil {
		return nil, nil
	}
	if n, err := strconv.Atoi(r.PathValue("issue_number")); err == nil && g.w.deleted[itemKey(rp, n)] {
		WriteError(w, http.StatusGone, "This issue was deleted", docOf(r))
		return nil, nil
	}
	return g.findItem(w, r, write, docOf(r))
}

// GET /repos/{owner}/{repo}/issues/{issue_number}
func (g *GitHub) getRepoIssue(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	rp, it := g.findIssue(w, r, false)
	if it == nil {
		return
	}
	WriteJSON(w, http.StatusOK, g.issueJSON(rp, it))
}

// PATCH /repos/{owner}/{repo}/issues/{issue_number} {"title", "body",
// "state"}: the fields given are changed; state is open or closed (422
// otherwise).
func (g *GitHub) updateRepoIssue(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	rp, it := g.findIssue(w, r, true)
	if it == nil {
		return
	}
	var body struct {
		Title *string `json:"title"`
		Body  *string `json:"body"`
		State *string `json:"state"`
	}
	if !decodeBody(w, r, &body, docOf(r)) {
		return
	}
	if body.State != nil && *body.State != "open" && *body.State != "closed" {
		WriteValidationFailed(w, docOf(r), FieldError{Resource: "Issue", Code: "invalid", Field: "state"})
		return
	}
	if body.Title != nil {
		it.Title = *body.Title
	}
	if body.Body != nil {
		it.body = *body.Body
	}
	if body.State != nil {
		if *body.State == "open" {
			it.ClosedAt = time.Time{}
		} else if it.ClosedAt.IsZero() {
			it.ClosedAt = secs(g.now())
		}
	}
	it.editedAt = secs(g.now())
	WriteJSON(w, http.StatusOK, g.issueJSON(rp, it))
}

// IssueBody is an issue's body and whether it is open; ok is false when
// there is no such issue (or it was deleted).
func (g *GitHub) IssueBody(repo string, number int) (body string, open, ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	it := g.repoIssue(repo, number)
	if it == nil {
		return "", false, false
	}
	return it.body, it.ClosedAt.IsZero(), true
}

// IssuesIn lists the numbers of the issues (not pull requests) in repo
// that are not deleted, in order.
func (g *GitHub) IssuesIn(repo string) []int {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []int
	for _, it := range g.w.items {
		if it.isIssue && strings.EqualFold(it.repo.FullName(), repo) && !g.w.deleted[itemKey(it.repo, it.Number)] {
			out = append(out, it.Number)
		}
	}
	slices.Sort(out)
	return out
}

// EditIssueBody changes an issue's body as someone editing it on the web
// would (who may: "Issue owners and users with push access or Triage role
// can edit an issue", https://docs.github.com/rest/issues/issues#update-an-issue).
func (g *GitHub) EditIssueBody(repo string, number int, edit func(body string) string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	it := g.repoIssue(repo, number)
	if it == nil {
		panic(fmt.Sprintf("fakegithub: no issue %s#%d", repo, number))
	}
	it.body, it.editedAt = edit(it.body), secs(g.now())
}

// TickBox ticks the task list box of the line that mentions @login, as a
// maintainer clicking it on the web does (the body's "- [ ]" becomes
// "- [x]"). It panics when there is no such unticked box.
func (g *GitHub) TickBox(repo string, number int, login string) {
	g.EditIssueBody(repo, number, func(body string) string {
		from := "- [ ] @" + login + " "
		if !strings.Contains(body, from) {
			panic(fmt.Sprintf("fakegithub: no unticked box for @%s in %s#%d", login, repo, number))
		}
		return strings.Replace(body, from, "- [x] @"+login+" ", 1)
	})
}

// CloseIssue closes an issue, as a maintainer might.
func (g *GitHub) CloseIssue(repo string, number int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if it := g.repoIssue(repo, number); it != nil && it.ClosedAt.IsZero() {
		it.ClosedAt = secs(g.now())
	}
}

// DeleteIssue deletes an issue, as a repository admin may: it is gone from
// listings, and "Get an issue" answers 410 Gone.
func (g *GitHub) DeleteIssue(repo string, number int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if it := g.repoIssue(repo, number); it != nil {
		g.w.deleted[itemKey(it.repo, number)] = true
	}
}

// repoIssue is the live issue repo#number, or nil. Caller holds g.mu.
func (g *GitHub) repoIssue(repo string, number int) *item {
	rp := g.w.reposByKey[strings.ToLower(repo)]
	if rp == nil || g.w.deleted[itemKey(rp, number)] {
		return nil
	}
	if it := g.w.itemsByKey[itemKey(rp, number)]; it != nil && it.isIssue {
		return it
	}
	return nil
}
