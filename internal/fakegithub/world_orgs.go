package fakegithub

import (
	"fmt"
	"slices"
	"strings"
)

// Organizations' members, teams and invitations: building and inspecting
// them. Exported methods take g.mu; the unexported helpers expect the
// caller to hold it.

func (g *GitHub) mustOrg(login string) *org {
	a := g.w.byLogin[strings.ToLower(login)]
	if a == nil || a.Type != "Organization" {
		panic(fmt.Sprintf("fakegithub: no organization %q", login))
	}
	return g.w.orgs[a.ID]
}

// orgByLogin returns the organization with the login, or nil.
func (w *world) orgByLogin(login string) *org {
	a := w.byLogin[strings.ToLower(login)]
	if a == nil || a.Type != "Organization" {
		return nil
	}
	return w.orgs[a.ID]
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
