package fakegithub

import (
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
)

// The fake's state (the "world"): the exported copies tests see, the
// stored objects behind them, and the ids GitHub would give them. Tests
// build and inspect it with the methods in world_accounts.go (accounts and
// tokens), world_orgs.go (members, teams, invitations) and world_repos.go
// (repositories, pull requests, issues, files, comments). Every exported
// method takes g.mu; the unexported helpers expect the caller to hold it.

// DefaultTokenOwner is the login of the synthetic user that owns every token
// added with AddToken. It is created on the first AddToken call and is not a
// member of any organization.
const DefaultTokenOwner = "token-owner"

// Account is a GitHub account: a user, a bot, a mannequin or an organization.
type Account struct {
	// ID is the REST id and GraphQL databaseId.
	ID int64
	// NodeID is the GraphQL global id.
	NodeID string
	// Login is the current login. A bot's login carries the "[bot]" suffix
	// (as in REST); GraphQL's Bot.login drops it, as GitHub does.
	Login string
	// Type is "User", "Bot", "Mannequin" or "Organization".
	Type string
}

// Repo is a repository.
type Repo struct {
	// ID is the REST id and GraphQL databaseId.
	ID int64
	// NodeID is the GraphQL global id.
	NodeID string
	// Owner is the owning organization's (or user's) login.
	Owner string
	// Name is the repository name, without the owner.
	Name string
	// Private repositories show as private/PRIVATE; visibility to tokens
	// is decided by the owner (see AddToken).
	Private bool
	// Fork marks a fork (GraphQL isFork, REST fork).
	Fork bool
	// Archived repositories are read-only: comments answer 403 MsgArchived.
	Archived bool
}

// FullName returns "owner/name".
func (r *Repo) FullName() string { return r.Owner + "/" + r.Name }

// Issue is an issue (not a pull request). Issues and pull requests of one
// repository share a number sequence, as on GitHub.
type Issue struct {
	// ID is the REST id and GraphQL databaseId.
	ID int64
	// NodeID is the GraphQL global id.
	NodeID string
	// Number is the per-repository number shared with pull requests.
	Number int
	// Repo is a copy of the repository.
	Repo *Repo
	// AuthorID is the author's account id (0: deleted account).
	AuthorID int64
	// Title is matched by free-text search terms.
	Title string
	// CreatedAt is when the issue was opened.
	CreatedAt time.Time
	// ClosedAt is when it was closed; the zero time means open.
	ClosedAt time.Time
	// Hidden issues are not in the search index yet.
	Hidden bool
}

// Invitation is an organization invitation.
type Invitation struct {
	// ID is the REST invitation id.
	ID int64
	// Org is the organization login.
	Org string
	// InviteeID is the invited user's id; 0 for an invitation by email.
	InviteeID int64
	// Login is the invitee's login when the snapshot was taken ("" for an
	// email invitation).
	Login string
	// Email is set for an invitation by email.
	Email string
	// Role is the REST role: "direct_member", "admin", "billing_manager"
	// or "reinstate".
	Role string
	// CreatedAt is when the invitation was made (the clock's now).
	CreatedAt time.Time
	// FailedAt is set once the invitation failed (e.g. expired).
	FailedAt time.Time
	// FailedReason says why it failed, e.g. FailedReasonExpired.
	FailedReason string
	// TeamIDs are the teams the invitee joins on accepting.
	TeamIDs []int64
}

// Team is an organization's team.
type Team struct {
	// ID is the REST id and GraphQL databaseId.
	ID int64
	// NodeID is the GraphQL global id.
	NodeID string
	// Org is the organization login.
	Org string
	// Slug is the team's URL name.
	Slug string
	// Name is the display name.
	Name string
}

// Comment is an issue or pull request comment.
type Comment struct {
	// ID is the REST comment id.
	ID int64
	// Repo is "owner/name".
	Repo string
	// Number is the issue or pull request number.
	Number int
	// AuthorLogin is the login of the token owner who wrote it.
	AuthorLogin string
	// Body is the comment text.
	Body string
	// CreatedAt is when it was posted (the clock's now).
	CreatedAt time.Time
}

// account is the stored form of an Account.
type account struct {
	Account
	deleted   bool
	createdAt time.Time
}

// org holds an organization's membership state.
type org struct {
	acct *account
	// members maps user id to "admin" or "member".
	members map[int64]string
	// pending and failed invitations, in creation order.
	pending []*Invitation
	failed  []*Invitation
	// created lists every invitation created through the API.
	created []Invitation
	// teams by lower-case slug.
	teams map[string]*Team
}

// comment is a stored Comment; Repo and AuthorLogin are refreshed on the
// way out, so renames are followed.
type comment struct {
	Comment
	repo   *Repo
	author *account
}

func (c *comment) snapshot() Comment {
	cp := c.Comment
	cp.Repo = c.repo.FullName()
	cp.AuthorLogin = c.author.Login
	return cp
}

// item is a stored pull request or issue.
type item struct {
	PR
	// body is an issue's body, and editedAt when it or the issue's state
	// was last changed through the REST API (rest_repo_issues.go).
	body     string
	editedAt time.Time
	isIssue  bool
	repo     *Repo // the stored repo (PR.Repo is unused in storage)
	// commits of a pull request (commits.go); nil: one, by the author.
	commits []Commit
}

func (it *item) updatedAt() time.Time {
	t := it.CreatedAt
	if it.MergedAt.After(t) {
		t = it.MergedAt
	}
	if it.ClosedAt.After(t) {
		t = it.ClosedAt
	}
	return t
}

// tokenState is a personal access token.
type tokenState struct {
	token   string
	ownerID int64
	// orgs limits the organizations the token may see (lower-case logins);
	// empty means all.
	orgs  map[string]bool
	rates map[string]*rateWindow
	// inst is set for installation access tokens (app.go), which also
	// expire and carry the installation's permissions.
	inst    *installation
	expires time.Time
	perms   map[string]string
}

// allows reports whether the token may see the organization (or user)
// owning something. Tokens without an org list see everything; a
// restricted token sees only the listed organizations and, for user-owned
// repositories, only its owner's.
func (t *tokenState) allows(w *world, ownerLogin string) bool {
	if len(t.orgs) == 0 {
		return true
	}
	l := strings.ToLower(ownerLogin)
	if t.orgs[l] {
		return true
	}
	if a := w.accounts[t.ownerID]; a != nil && strings.ToLower(a.Login) == l {
		return true
	}
	return false
}

// seesRepo reports whether the token may see a repository: its owner is
// allowed, and an installation limited to selected repositories selected it.
func (t *tokenState) seesRepo(w *world, rp *Repo) bool {
	if !t.allows(w, rp.Owner) {
		return false
	}
	return t.inst == nil || t.inst.selected == nil || t.inst.selected[rp.ID]
}

// world is all the fake's mutable state; guarded by GitHub.mu.
type world struct {
	nextID     int64
	accounts   map[int64]*account
	byLogin    map[string]*account // lower-case login → live account
	orgs       map[int64]*org      // by org account id
	repos      map[int64]*Repo
	reposByKey map[string]*Repo // lower-case "owner/name"
	items      map[int64]*item
	itemsByKey map[string]*item // itemKey(repo, number)
	nextNumber map[int64]int    // repo id → last issue/PR number
	comments   []*comment
	tokens     map[string]*tokenState
	tokenOwner int64                       // id of DefaultTokenOwner, 0 until created
	inviters   map[int64]int64             // invitation id → inviting user id
	files      map[int64]map[string]string // repo id → path → content
	apps       *appWorld                   // GitHub Apps and installations (app.go)
	deleted    map[string]bool             // itemKey of deleted issues (DeleteIssue)
}

func newWorld() *world {
	return &world{
		nextID:     1000,
		accounts:   map[int64]*account{},
		byLogin:    map[string]*account{},
		orgs:       map[int64]*org{},
		repos:      map[int64]*Repo{},
		reposByKey: map[string]*Repo{},
		items:      map[int64]*item{},
		itemsByKey: map[string]*item{},
		nextNumber: map[int64]int{},
		tokens:     map[string]*tokenState{},
		inviters:   map[int64]int64{},
		files:      map[int64]map[string]string{},
		apps:       newAppWorld(),
		deleted:    map[string]bool{},
	}
}

func (w *world) newID() int64 {
	w.nextID++
	return w.nextID
}

// Node ids look like GitHub's current format (PREFIX_kgDO...), and encode
// the database id so that node(id:) can find the object again.
func makeNodeID(prefix string, id int64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(id))
	return prefix + "_kgDO" + base64.RawURLEncoding.EncodeToString(b[:])
}

// parseNodeID splits a node id made by makeNodeID.
func parseNodeID(s string) (prefix string, id int64, ok bool) {
	p, rest, found := strings.Cut(s, "_kgDO")
	if !found {
		return "", 0, false
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(b) != 8 {
		return "", 0, false
	}
	return p, int64(binary.BigEndian.Uint64(b)), true
}

var nodePrefix = map[string]string{
	"User":         "U",
	"Bot":          "BOT",
	"Mannequin":    "MQ",
	"Organization": "O",
}
