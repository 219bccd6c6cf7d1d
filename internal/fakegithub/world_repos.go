package fakegithub

import (
	"fmt"
	"strings"
	"time"
)

// Repositories, their pull requests, issues, files and comments: building
// and inspecting them, and search's view of them (SetHidden, SetIndexLag).
// Exported methods take g.mu; the unexported helpers expect the caller to
// hold it.

// PR is a pull request.
type PR struct {
	// ID is the REST id and GraphQL databaseId.
	ID int64
	// NodeID is the GraphQL global id.
	NodeID string
	// Number is the per-repository number shared with issues.
	Number int
	// Repo is a copy of the repository.
	Repo *Repo
	// AuthorID is the author's account id; 0 (or a deleted account) means
	// the author's account is gone and GraphQL answers author: null.
	AuthorID int64
	// Title is matched by free-text search terms.
	Title string
	// CreatedAt is when the pull request was opened.
	CreatedAt time.Time
	// MergedAt is when it was merged; the zero time means not merged.
	MergedAt time.Time
	// ClosedAt is when it was closed (merged pull requests are closed at
	// MergedAt); the zero time means open.
	ClosedAt time.Time
	// Hidden pull requests are not in the search index yet (see SetHidden).
	Hidden bool
}

// AddRepo creates a public repository owned by an existing organization or
// user. Use UpdateRepo to make it private, a fork or archived.
func (g *GitHub) AddRepo(owner, name string) *Repo {
	g.mu.Lock()
	defer g.mu.Unlock()
	w := g.w
	o := w.liveAccount(owner)
	if o == nil || (o.Type != "Organization" && o.Type != "User") {
		panic(fmt.Sprintf("fakegithub: no owner %q for repository %q", owner, name))
	}
	key := strings.ToLower(o.Login + "/" + name)
	if _, dup := w.reposByKey[key]; dup {
		panic(fmt.Sprintf("fakegithub: repository %s/%s already exists", owner, name))
	}
	id := w.newID()
	r := &Repo{ID: id, NodeID: makeNodeID("R", id), Owner: o.Login, Name: name}
	w.repos[id] = r
	w.reposByKey[key] = r
	cp := *r
	return &cp
}

// UpdateRepo changes a repository's flags (Private, Fork, Archived) by
// calling update on the stored copy; ID, NodeID, Owner and Name are kept.
func (g *GitHub) UpdateRepo(repoID int64, update func(r *Repo)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.w.repos[repoID]
	if r == nil {
		panic(fmt.Sprintf("fakegithub: no repository with id %d", repoID))
	}
	cp := *r
	update(&cp)
	r.Private, r.Fork, r.Archived = cp.Private, cp.Fork, cp.Archived
}

func (g *GitHub) addItem(repo *Repo, authorID int64, title string, isIssue bool, created, merged, closed time.Time) *item {
	w := g.w
	if repo == nil || w.repos[repo.ID] == nil {
		panic("fakegithub: AddPR/AddIssue needs a repository made by AddRepo")
	}
	if authorID != 0 && w.accounts[authorID] == nil {
		panic(fmt.Sprintf("fakegithub: no account with id %d", authorID))
	}
	r := w.repos[repo.ID]
	id := w.newID()
	w.nextNumber[r.ID]++
	n := w.nextNumber[r.ID]
	prefix := "PR"
	if isIssue {
		prefix = "I"
	}
	it := &item{
		PR: PR{
			ID: id, NodeID: makeNodeID(prefix, id), Number: n, AuthorID: authorID, Title: title,
			CreatedAt: secs(created), MergedAt: secs(merged), ClosedAt: secs(closed),
		},
		isIssue: isIssue,
		repo:    r,
	}
	w.items[id] = it
	w.itemsByKey[itemKey(r, n)] = it
	return it
}

// itemKey keys items by repository id and number, so renames keep them.
func itemKey(r *Repo, n int) string {
	return fmt.Sprintf("%d#%d", r.ID, n)
}

// secs truncates t to whole seconds in UTC, the precision GitHub stores.
func secs(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
}

// AddPR creates a pull request. A non-zero mergedAt makes it merged (and
// closed) at that time, created an hour earlier; a zero mergedAt makes an
// open pull request created at the clock's now. Times are truncated to
// seconds, as GitHub stores them.
func (g *GitHub) AddPR(repo *Repo, authorID int64, title string, mergedAt time.Time) *PR {
	g.mu.Lock()
	defer g.mu.Unlock()
	created := g.now()
	if !mergedAt.IsZero() {
		created = mergedAt.Add(-time.Hour)
	}
	it := g.addItem(repo, authorID, title, false, created, mergedAt, mergedAt)
	return g.prCopy(it)
}

// AddClosedPR creates a pull request closed without merging at closedAt
// (created an hour earlier).
func (g *GitHub) AddClosedPR(repo *Repo, authorID int64, title string, closedAt time.Time) *PR {
	g.mu.Lock()
	defer g.mu.Unlock()
	it := g.addItem(repo, authorID, title, false, closedAt.Add(-time.Hour), time.Time{}, closedAt)
	return g.prCopy(it)
}

// AddIssue creates an issue; a non-zero closedAt closes it at that time
// (created an hour earlier), a zero one leaves it open, created now.
func (g *GitHub) AddIssue(repo *Repo, authorID int64, title string, closedAt time.Time) *Issue {
	g.mu.Lock()
	defer g.mu.Unlock()
	created := g.now()
	if !closedAt.IsZero() {
		created = closedAt.Add(-time.Hour)
	}
	it := g.addItem(repo, authorID, title, true, created, time.Time{}, closedAt)
	r := *it.repo
	return &Issue{
		ID: it.ID, NodeID: it.NodeID, Number: it.Number, Repo: &r, AuthorID: it.AuthorID,
		Title: it.Title, CreatedAt: it.CreatedAt, ClosedAt: it.ClosedAt, Hidden: it.Hidden,
	}
}

func (g *GitHub) prCopy(it *item) *PR {
	cp := it.PR
	r := *it.repo
	cp.Repo = &r
	return &cp
}

// PR returns a copy of the pull request or issue with the given id, or nil.
func (g *GitHub) PR(id int64) *PR {
	g.mu.Lock()
	defer g.mu.Unlock()
	it := g.w.items[id]
	if it == nil {
		return nil
	}
	return g.prCopy(it)
}

// UpdatePR changes a pull request (or issue) by calling update on a copy and
// storing the author, title, times and hidden flag back. ID, NodeID, Number
// and Repo cannot change. Times are truncated to seconds.
func (g *GitHub) UpdatePR(id int64, update func(pr *PR)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	it := g.w.items[id]
	if it == nil {
		panic(fmt.Sprintf("fakegithub: no pull request with id %d", id))
	}
	cp := g.prCopy(it)
	update(cp)
	it.AuthorID, it.Title, it.Hidden = cp.AuthorID, cp.Title, cp.Hidden
	it.CreatedAt, it.MergedAt, it.ClosedAt = secs(cp.CreatedAt), secs(cp.MergedAt), secs(cp.ClosedAt)
	if it.isIssue {
		it.MergedAt = time.Time{}
	}
}

// SetHidden hides a pull request (or issue) from search, as if the search
// index had not caught up with it yet; GraphQL node lookups still find it.
func (g *GitHub) SetHidden(prID int64, hidden bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	it := g.w.items[prID]
	if it == nil {
		panic(fmt.Sprintf("fakegithub: no pull request with id %d", prID))
	}
	it.Hidden = hidden
}

// SetIndexLag makes search see the world as it was d before the clock's
// now: items created within d are not searchable at all, and items merged
// or closed within d are still indexed as open. Zero (the default) turns
// lag off.
func (g *GitHub) SetIndexLag(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.settings.indexLag = d
}

// AddFile stores a file in a repository, served by
// GET /repos/{owner}/{repo}/contents/{path}. Adding it again replaces it.
func (g *GitHub) AddFile(repo *Repo, path, content string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if repo == nil || g.w.repos[repo.ID] == nil {
		panic("fakegithub: AddFile needs a repository made by AddRepo")
	}
	path = strings.Trim(path, "/")
	if g.w.files[repo.ID] == nil {
		g.w.files[repo.ID] = map[string]string{}
	}
	g.w.files[repo.ID][path] = content
}

// Comments returns copies of the comments on one issue or pull request
// ("owner/name", number), oldest first.
func (g *GitHub) Comments(repoFullName string, number int) []Comment {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []Comment
	for _, c := range g.w.comments {
		if strings.EqualFold(c.repo.FullName(), repoFullName) && c.Number == number {
			out = append(out, c.snapshot())
		}
	}
	return out
}

// AllComments returns copies of every comment, oldest first.
func (g *GitHub) AllComments() []Comment {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]Comment, 0, len(g.w.comments))
	for _, c := range g.w.comments {
		out = append(out, c.snapshot())
	}
	return out
}
