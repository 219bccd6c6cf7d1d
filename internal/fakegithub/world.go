package fakegithub

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"
)

// This file holds the fake's state (the "world") and the methods tests use
// to build and inspect it. Every exported method takes g.mu; the unexported
// helpers expect the caller to hold it.

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
	// FailedReason says why it failed, e.g. "Invitation expired".
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
	isIssue bool
	repo    *Repo // the stored repo (PR.Repo is unused in storage)
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

func (g *GitHub) addAccount(login, typ string) *Account {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.addAccountLocked(login, typ)
}

// addAccountLocked creates an account; caller holds g.mu.
func (g *GitHub) addAccountLocked(login, typ string) *Account {
	w := g.w
	if login == "" {
		panic("fakegithub: empty login")
	}
	if _, dup := w.byLogin[strings.ToLower(login)]; dup {
		panic(fmt.Sprintf("fakegithub: login %q already exists", login))
	}
	id := w.newID()
	a := &account{
		Account:   Account{ID: id, NodeID: makeNodeID(nodePrefix[typ], id), Login: login, Type: typ},
		createdAt: g.now().Add(-365 * 24 * time.Hour),
	}
	w.accounts[id] = a
	w.byLogin[strings.ToLower(login)] = a
	if typ == "Organization" {
		w.orgs[id] = &org{acct: a, members: map[int64]string{}, teams: map[string]*Team{}}
	}
	cp := a.Account
	return &cp
}

// AddOrg creates an organization.
func (g *GitHub) AddOrg(login string) *Account { return g.addAccount(login, "Organization") }

// AddUser creates a user.
func (g *GitHub) AddUser(login string) *Account { return g.addAccount(login, "User") }

// AddBot creates a bot account (a GitHub App's user), e.g.
// "dependabot[bot]". In GraphQL it is a Bot whose login has no "[bot]"
// suffix ("dependabot"); REST shows the full login and type "Bot". Search
// accepts both author:app/dependabot and author:dependabot[bot].
func (g *GitHub) AddBot(login string) *Account { return g.addAccount(login, "Bot") }

// AddMannequin creates a mannequin (a placeholder author left by an
// import). It is a Mannequin in GraphQL and does not exist in REST.
func (g *GitHub) AddMannequin(login string) *Account { return g.addAccount(login, "Mannequin") }

// AddUsers creates several users and returns them in order.
func (g *GitHub) AddUsers(logins ...string) []*Account {
	out := make([]*Account, len(logins))
	for i, l := range logins {
		out[i] = g.AddUser(l)
	}
	return out
}

// Account returns a copy of the account with the given id, or nil.
func (g *GitHub) Account(id int64) *Account {
	g.mu.Lock()
	defer g.mu.Unlock()
	a := g.w.accounts[id]
	if a == nil || a.deleted {
		return nil
	}
	cp := a.Account
	return &cp
}

// Lookup returns a copy of the live account with the given login
// (case-insensitive), or nil.
func (g *GitHub) Lookup(login string) *Account {
	g.mu.Lock()
	defer g.mu.Unlock()
	a := g.w.byLogin[strings.ToLower(login)]
	if a == nil {
		return nil
	}
	cp := a.Account
	return &cp
}

// RenameUser changes an account's login. The old login stops resolving
// (GitHub does not redirect user logins).
func (g *GitHub) RenameUser(id int64, newLogin string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	w := g.w
	a := g.mustAccount(id)
	if other, dup := w.byLogin[strings.ToLower(newLogin)]; dup && other != a {
		panic(fmt.Sprintf("fakegithub: login %q already exists", newLogin))
	}
	delete(w.byLogin, strings.ToLower(a.Login))
	for _, r := range w.repos {
		if strings.EqualFold(r.Owner, a.Login) {
			delete(w.reposByKey, strings.ToLower(r.FullName()))
			r.Owner = newLogin
			w.reposByKey[strings.ToLower(r.FullName())] = r
		}
	}
	a.Login = newLogin
	w.byLogin[strings.ToLower(newLogin)] = a
}

// DeleteUser deletes an account. Its pull requests and issues stay, with
// author null in GraphQL (and the "ghost" user in REST); REST lookups of the
// login answer 404; inviting its id answers 422 MsgInviteeNotFound. Its
// memberships and pending invitations disappear, as on GitHub.
func (g *GitHub) DeleteUser(id int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	w := g.w
	a := g.mustAccount(id)
	a.deleted = true
	delete(w.byLogin, strings.ToLower(a.Login))
	for _, o := range w.orgs {
		delete(o.members, id)
		o.pending = slices.DeleteFunc(o.pending, func(inv *Invitation) bool { return inv.InviteeID == id })
	}
}

func (g *GitHub) mustAccount(id int64) *account {
	a := g.w.accounts[id]
	if a == nil || a.deleted {
		panic(fmt.Sprintf("fakegithub: no account with id %d", id))
	}
	return a
}

func (g *GitHub) mustOrg(login string) *org {
	a := g.w.byLogin[strings.ToLower(login)]
	if a == nil || a.Type != "Organization" {
		panic(fmt.Sprintf("fakegithub: no organization %q", login))
	}
	return g.w.orgs[a.ID]
}

// liveAccount returns the live account with the login, or nil.
func (w *world) liveAccount(login string) *account {
	return w.byLogin[strings.ToLower(login)]
}

// orgByLogin returns the organization with the login, or nil.
func (w *world) orgByLogin(login string) *org {
	a := w.byLogin[strings.ToLower(login)]
	if a == nil || a.Type != "Organization" {
		return nil
	}
	return w.orgs[a.ID]
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

// SetMember makes a user a member ("member") or owner ("admin") of an
// organization, removing any pending invitation.
func (g *GitHub) SetMember(orgLogin string, userID int64, role string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if role != "member" && role != "admin" {
		panic(fmt.Sprintf("fakegithub: role must be member or admin, not %q", role))
	}
	o := g.mustOrg(orgLogin)
	g.mustAccount(userID)
	o.members[userID] = role
	o.pending = slices.DeleteFunc(o.pending, func(inv *Invitation) bool { return inv.InviteeID == userID })
}

// RemoveMember removes a user from an organization.
func (g *GitHub) RemoveMember(orgLogin string, userID int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.mustOrg(orgLogin).members, userID)
}

// Members returns the ids of an organization's members, in id order.
func (g *GitHub) Members(orgLogin string) []int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return sortedMembers(g.mustOrg(orgLogin), "all")
}

func sortedMembers(o *org, role string) []int64 {
	var ids []int64
	for id, r := range o.members {
		if role == "all" || role == r {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// newInvitation stores a pending invitation (caller holds g.mu).
func (g *GitHub) newInvitation(o *org, inviteeID int64, email, role string) *Invitation {
	id := g.w.newID()
	inv := &Invitation{ID: id, Org: o.acct.Login, InviteeID: inviteeID, Email: email, Role: role, CreatedAt: secs(g.now())}
	o.pending = append(o.pending, inv)
	return inv
}

// AddPendingInvitation adds a pending "direct_member" invitation for a
// user, as if someone had invited them through the web UI (it is not listed
// by CreatedInvitations).
func (g *GitHub) AddPendingInvitation(orgLogin string, userID int64) *Invitation {
	g.mu.Lock()
	defer g.mu.Unlock()
	o := g.mustOrg(orgLogin)
	a := g.mustAccount(userID)
	if o.members[userID] != "" {
		panic(fmt.Sprintf("fakegithub: %s is already a member of %s", a.Login, orgLogin))
	}
	if pendingFor(o, userID) != nil {
		panic(fmt.Sprintf("fakegithub: %s already has a pending invitation to %s", a.Login, orgLogin))
	}
	return g.invitationCopy(g.newInvitation(o, userID, "", "direct_member"))
}

func pendingFor(o *org, userID int64) *Invitation {
	for _, inv := range o.pending {
		if inv.InviteeID == userID {
			return inv
		}
	}
	return nil
}

func (g *GitHub) invitationCopy(inv *Invitation) *Invitation {
	cp := *inv
	cp.TeamIDs = slices.Clone(inv.TeamIDs)
	if a := g.w.accounts[inv.InviteeID]; a != nil {
		cp.Login = a.Login
	}
	return &cp
}

func (g *GitHub) takePending(orgLogin string, userID int64) (*org, *Invitation) {
	o := g.mustOrg(orgLogin)
	inv := pendingFor(o, userID)
	if inv == nil {
		panic(fmt.Sprintf("fakegithub: user %d has no pending invitation to %s", userID, orgLogin))
	}
	o.pending = slices.DeleteFunc(o.pending, func(p *Invitation) bool { return p == inv })
	return o, inv
}

// ExpireInvitation turns a pending invitation into a failed one with
// failed_reason "Invitation expired", as if seven days had passed.
func (g *GitHub) ExpireInvitation(orgLogin string, userID int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o, inv := g.takePending(orgLogin, userID)
	inv.FailedAt = secs(g.now())
	inv.FailedReason = "Invitation expired"
	if a := g.w.accounts[userID]; a != nil {
		inv.Login = a.Login
	}
	o.failed = append(o.failed, inv)
}

// AddTeam creates a team in an organization; its slug is also its name.
func (g *GitHub) AddTeam(orgLogin, slug string) *Team {
	g.mu.Lock()
	defer g.mu.Unlock()
	o := g.mustOrg(orgLogin)
	key := strings.ToLower(slug)
	if _, dup := o.teams[key]; dup {
		panic(fmt.Sprintf("fakegithub: team %s/%s already exists", orgLogin, slug))
	}
	id := g.w.newID()
	t := &Team{ID: id, NodeID: makeNodeID("T", id), Org: o.acct.Login, Slug: key, Name: slug}
	o.teams[key] = t
	cp := *t
	return &cp
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

// DeclineInvitation removes a pending invitation, as when the invitee
// declines it.
func (g *GitHub) DeclineInvitation(orgLogin string, userID int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.takePending(orgLogin, userID)
}

// AcceptInvitation turns a pending invitation into membership ("admin" for
// an admin invitation, "member" otherwise).
func (g *GitHub) AcceptInvitation(orgLogin string, userID int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o, inv := g.takePending(orgLogin, userID)
	role := "member"
	if inv.Role == "admin" {
		role = "admin"
	}
	o.members[userID] = role
}

// PendingInvitations returns copies of an organization's pending
// invitations, oldest first.
func (g *GitHub) PendingInvitations(orgLogin string) []Invitation {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.invitationCopies(g.mustOrg(orgLogin).pending)
}

// FailedInvitations returns copies of an organization's failed invitations.
func (g *GitHub) FailedInvitations(orgLogin string) []Invitation {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.invitationCopies(g.mustOrg(orgLogin).failed)
}

// invitationCopies copies a list of invitations; the caller holds g.mu.
func (g *GitHub) invitationCopies(list []*Invitation) []Invitation {
	out := make([]Invitation, 0, len(list))
	for _, inv := range list {
		out = append(out, *g.invitationCopy(inv))
	}
	return out
}

// CreatedInvitations returns every invitation created through the API
// (POST /orgs/{org}/invitations and PUT /orgs/{org}/memberships/{username}),
// in order, as they were when created.
func (g *GitHub) CreatedInvitations(orgLogin string) []Invitation {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.mustOrg(orgLogin).created)
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

// AddToken registers a personal access token owned by DefaultTokenOwner.
// Without orgs the token may see and write everything. With orgs it is
// limited to those organizations (and its owner's own repositories):
// reads of anything belonging to another organization answer 404 (GraphQL:
// NOT_FOUND, and search leaves such items out), and writes to an existing
// resource of another organization answer 403 MsgNotAccessibleByToken.
// Requests with an unknown token answer 401 MsgBadCredentials.
func (g *GitHub) AddToken(token string, orgs ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.w.tokenOwner == 0 {
		g.w.tokenOwner = g.addAccountLocked(DefaultTokenOwner, "User").ID
	}
	g.addTokenLocked(token, g.w.tokenOwner, orgs)
}

// AddTokenFor registers a token owned by an existing user; orgs restrict
// it as for AddToken.
func (g *GitHub) AddTokenFor(token string, userID int64, orgs ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.addTokenLocked(token, userID, orgs)
}

func (g *GitHub) addTokenLocked(token string, userID int64, orgs []string) {
	g.mustAccount(userID)
	t := &tokenState{token: token, ownerID: userID, orgs: map[string]bool{}, rates: map[string]*rateWindow{}}
	for _, o := range orgs {
		t.orgs[strings.ToLower(o)] = true
	}
	g.w.tokens[token] = t
}
