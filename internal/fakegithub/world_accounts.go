package fakegithub

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Accounts (users, bots, mannequins, organizations) and tokens: building
// and inspecting them. Exported methods take g.mu; the unexported helpers
// expect the caller to hold it.

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

// liveAccount returns the live account with the login, or nil.
func (w *world) liveAccount(login string) *account {
	return w.byLogin[strings.ToLower(login)]
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
