package fakegithub

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// REST endpoints about repositories, issues and issue comments.

// repoJSON is a trimmed "full repository".
type repoJSON struct {
	ID            int64     `json:"id"`
	NodeID        string    `json:"node_id"`
	Name          string    `json:"name"`
	FullName      string    `json:"full_name"`
	Private       bool      `json:"private"`
	Owner         *userJSON `json:"owner"`
	HTMLURL       string    `json:"html_url"`
	Description   *string   `json:"description"`
	Fork          bool      `json:"fork"`
	URL           string    `json:"url"`
	IssuesURL     string    `json:"issues_url"`
	PullsURL      string    `json:"pulls_url"`
	Archived      bool      `json:"archived"`
	Disabled      bool      `json:"disabled"`
	Visibility    string    `json:"visibility"`
	DefaultBranch string    `json:"default_branch"`
}

func (g *GitHub) repoJSON(rp *Repo) *repoJSON {
	vis := "public"
	if rp.Private {
		vis = "private"
	}
	u := g.apiURL("repos/%s", rp.FullName())
	return &repoJSON{
		ID: rp.ID, NodeID: rp.NodeID, Name: rp.Name, FullName: rp.FullName(), Private: rp.Private,
		Owner:   g.userJSON(g.w.liveAccount(rp.Owner)),
		HTMLURL: g.webURL("%s", rp.FullName()), Fork: rp.Fork, URL: u,
		IssuesURL: u + "/issues{/number}", PullsURL: u + "/pulls{/number}",
		Archived: rp.Archived, Visibility: vis, DefaultBranch: "main",
	}
}

// ghost stands in, in REST, for the author of something whose account was
// deleted, as GitHub's "ghost" user does.
var ghost = &account{Account: Account{ID: 10137, NodeID: "MDQ6VXNlcjEwMTM3", Login: "ghost", Type: "User"}}

// findRepo looks up {owner}/{repo}. For reads a repository the token may not
// see answers 404; for writes it answers 403. Caller holds g.mu.
func (g *GitHub) findRepo(w http.ResponseWriter, r *http.Request, write bool, docURL string) *Repo {
	rp := g.w.reposByKey[strings.ToLower(r.PathValue("owner")+"/"+r.PathValue("repo"))]
	if rp == nil {
		writeNotFound(w, docURL)
		return nil
	}
	if !stateOf(r).tok.seesRepo(g.w, rp) {
		if write {
			WriteError(w, http.StatusForbidden, MsgNotAccessibleByToken, docURL)
		} else {
			writeNotFound(w, docURL)
		}
		return nil
	}
	return rp
}

// findItem looks up {owner}/{repo}/issues/{issue_number} (issue or pull request).
func (g *GitHub) findItem(w http.ResponseWriter, r *http.Request, write bool, docURL string) (*Repo, *item) {
	rp := g.findRepo(w, r, write, docURL)
	if rp == nil {
		return nil, nil
	}
	n, err := strconv.Atoi(r.PathValue("issue_number"))
	it := g.w.itemsByKey[itemKey(rp, n)]
	if err != nil || it == nil {
		writeNotFound(w, docURL)
		return nil, nil
	}
	return rp, it
}

// GET /repos/{owner}/{repo}
func (g *GitHub) getRepo(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	rp := g.findRepo(w, r, false, docOf(r))
	if rp == nil {
		return
	}
	WriteJSON(w, http.StatusOK, g.repoJSON(rp))
}

// commentJSON is GitHub's "issue comment".
type commentJSON struct {
	ID                int64     `json:"id"`
	NodeID            string    `json:"node_id"`
	URL               string    `json:"url"`
	HTMLURL           string    `json:"html_url"`
	IssueURL          string    `json:"issue_url"`
	Body              string    `json:"body"`
	User              *userJSON `json:"user"`
	CreatedAt         string    `json:"created_at"`
	UpdatedAt         string    `json:"updated_at"`
	AuthorAssociation string    `json:"author_association"`
}

func (g *GitHub) commentJSON(rp *Repo, it *item, c *comment) *commentJSON {
	kind := "issues"
	if !it.isIssue {
		kind = "pull"
	}
	author := c.author
	if author.deleted {
		author = ghost
	}
	assoc := "NONE"
	if author != nil {
		if o := g.w.orgByLogin(rp.Owner); o != nil && o.members[author.ID] != "" {
			assoc = "MEMBER"
		} else if strings.EqualFold(rp.Owner, author.Login) {
			assoc = "OWNER"
		}
	}
	return &commentJSON{
		ID: c.ID, NodeID: makeNodeID("IC", c.ID),
		URL:       g.apiURL("repos/%s/issues/comments/%d", rp.FullName(), c.ID),
		HTMLURL:   g.webURL("%s/%s/%d#issuecomment-%d", rp.FullName(), kind, it.Number, c.ID),
		IssueURL:  g.apiURL("repos/%s/issues/%d", rp.FullName(), it.Number),
		Body:      c.Body,
		User:      g.userJSON(author),
		CreatedAt: ts(c.CreatedAt), UpdatedAt: ts(c.CreatedAt),
		AuthorAssociation: assoc,
	}
}

// GET /repos/{owner}/{repo}/issues/{issue_number}/comments (paginated, oldest first)
func (g *GitHub) listComments(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	rp, it := g.findItem(w, r, false, docOf(r))
	if it == nil {
		return
	}
	var sel []*comment
	for _, c := range g.w.comments {
		if c.repo == rp && c.Number == it.Number {
			sel = append(sel, c)
		}
	}
	writePage(g, w, r, sel, func(c *comment) *commentJSON { return g.commentJSON(rp, it, c) })
}

// POST /repos/{owner}/{repo}/issues/{issue_number}/comments {"body":"..."}
func (g *GitHub) createComment(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	rp, it := g.findItem(w, r, true, docOf(r))
	if it == nil {
		return
	}
	if rp.Archived {
		WriteError(w, http.StatusForbidden, MsgArchived, docOf(r))
		return
	}
	var body struct {
		Body *string `json:"body"`
	}
	if !decodeBody(w, r, &body, docOf(r)) {
		return
	}
	if body.Body == nil || strings.TrimSpace(*body.Body) == "" {
		WriteValidationFailed(w, docOf(r), FieldError{Resource: "IssueComment", Code: "missing_field", Field: "body"})
		return
	}
	owner := g.w.accounts[stateOf(r).tok.ownerID]
	c := &comment{Comment: Comment{
		ID: g.w.newID(), Number: it.Number,
		AuthorLogin: owner.Login, Body: *body.Body, CreatedAt: secs(g.now()),
	}, repo: rp, author: owner}
	g.w.comments = append(g.w.comments, c)
	WriteJSON(w, http.StatusCreated, g.commentJSON(rp, it, c))
}

// contentJSON is GitHub's "content file".
type contentJSON struct {
	Type        string `json:"type"`
	Encoding    string `json:"encoding"`
	Size        int    `json:"size"`
	Name        string `json:"name"`
	Path        string `json:"path"`
	Content     string `json:"content"`
	SHA         string `json:"sha"`
	URL         string `json:"url"`
	GitURL      string `json:"git_url"`
	HTMLURL     string `json:"html_url"`
	DownloadURL string `json:"download_url"`
	// Links repeats the URLs, as GitHub's "content file" requires
	// (https://docs.github.com/rest/repos/contents#get-repository-content).
	Links struct {
		Self string `json:"self"`
		Git  string `json:"git"`
		HTML string `json:"html"`
	} `json:"_links"`
}

// GET /repos/{owner}/{repo}/contents/{path}: a file added with AddFile, as
// GitHub serves it (base64, wrapped at 60 characters); 404 otherwise.
func (g *GitHub) getContent(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	rp := g.findRepo(w, r, false, docOf(r))
	if rp == nil {
		return
	}
	p := strings.Trim(r.PathValue("path"), "/")
	content, ok := g.w.files[rp.ID][p]
	if !ok {
		writeNotFound(w, docOf(r))
		return
	}
	enc := base64.StdEncoding.EncodeToString([]byte(content))
	var wrapped strings.Builder
	for len(enc) > 60 {
		wrapped.WriteString(enc[:60] + "\n")
		enc = enc[60:]
	}
	wrapped.WriteString(enc + "\n")
	sum := sha1.Sum([]byte(fmt.Sprintf("blob %d\x00%s", len(content), content)))
	sha := hex.EncodeToString(sum[:])
	_, name := path.Split(p)
	cj := &contentJSON{
		Type: "file", Encoding: "base64", Size: len(content), Name: name, Path: p, Content: wrapped.String(), SHA: sha,
		URL:         g.apiURL("repos/%s/contents/%s?ref=main", rp.FullName(), p),
		GitURL:      g.apiURL("repos/%s/git/blobs/%s", rp.FullName(), sha),
		HTMLURL:     g.webURL("%s/blob/main/%s", rp.FullName(), p),
		DownloadURL: g.URL() + "/raw/" + rp.FullName() + "/main/" + p,
	}
	cj.Links.Self, cj.Links.Git, cj.Links.HTML = cj.URL, cj.GitURL, cj.HTMLURL
	WriteJSON(w, http.StatusOK, cj)
}
