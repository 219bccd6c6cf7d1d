package fakegithub

import (
	"fmt"
	"slices"
	"strings"
	"time"
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

// InvitationLifetime is how long an invitation stays pending: "If an
// invitee does not accept the invitation within seven days, the pending
// invitation expires automatically"
// (https://docs.github.com/organizations/managing-membership-in-your-organization/inviting-users-to-join-your-organization).
const InvitationLifetime = 7 * 24 * time.Hour

// FailedReasonExpired is the failed_reason of an expired invitation in
// GET /orgs/{org}/failed_invitations. GitHub's REST documentation gives
// the field ("the reason for the failure") but not its values; GitHub's
// docs team listed them in https://github.com/github/docs/issues/4423:
// "No seats available.", "This user isn't able to use this feature due to
// trade regulations.", "Invitation already accepted.", "Invitation is
// invalid.", and this one. No value is for a cancelled or declined
// invitation: those are no longer pending and not listed as failed.
const FailedReasonExpired = "Invitation expired. User did not accept this invite for 7 days."

// expireDue moves every pending invitation older than InvitationLifetime
// on the fake's clock to the failed invitations, failed when it turned
// seven days old. It runs before every request, so that whatever a
// request reads sees the invitations GitHub would have expired by then.
// The caller holds g.mu.
func (g *GitHub) expireDue() {
	now := g.now()
	for _, o := range g.w.orgs {
		for _, inv := range slices.Clone(o.pending) {
			if due := inv.CreatedAt.Add(InvitationLifetime); !now.Before(due) {
				g.failPending(o, inv, due, FailedReasonExpired)
			}
		}
	}
}

// failPending moves a pending invitation to the failed ones (caller holds
// g.mu).
func (g *GitHub) failPending(o *org, inv *Invitation, at time.Time, reason string) {
	o.pending = slices.DeleteFunc(o.pending, func(p *Invitation) bool { return p == inv })
	inv.FailedAt, inv.FailedReason = secs(at), reason
	if a := g.w.accounts[inv.InviteeID]; a != nil {
		inv.Login = a.Login
	}
	o.failed = append(o.failed, inv)
}

// ExpireInvitation turns a pending invitation into a failed one with
// failed_reason FailedReasonExpired now, as if seven days had passed.
func (g *GitHub) ExpireInvitation(orgLogin string, userID int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o := g.mustOrg(orgLogin)
	inv := pendingFor(o, userID)
	if inv == nil {
		panic(fmt.Sprintf("fakegithub: user %d has no pending invitation to %s", userID, orgLogin))
	}
	g.failPending(o, inv, g.now(), FailedReasonExpired)
}

// CancelInvitation cancels a user's pending invitation, as an owner does on
// the organization's Invitations page or with
// DELETE /orgs/{org}/invitations/{invitation_id} (cancelInvitation). Owners
// "can edit or cancel an invitation ... any time before the user accepts"
// (https://docs.github.com/organizations/managing-membership-in-your-organization/canceling-or-editing-an-invitation-to-join-your-organization);
// it is then no longer pending, and not listed as failed (see
// FailedReasonExpired: GitHub has no failed_reason for it).
func (g *GitHub) CancelInvitation(orgLogin string, userID int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.takePending(orgLogin, userID)
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
	g.expireDue()
	return g.invitationCopies(g.mustOrg(orgLogin).pending)
}

// FailedInvitations returns copies of an organization's failed invitations.
func (g *GitHub) FailedInvitations(orgLogin string) []Invitation {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.expireDue()
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
