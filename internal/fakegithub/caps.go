package fakegithub

import (
	"fmt"
	"net/http"
	"time"
)

// GitHub's cap on organization invitations.

// MsgOverInvitationRateLimit is the errors[].message of the 422 answered
// to POST /orgs/{org}/invitations once the organization's invitation cap
// is reached.
const MsgOverInvitationRateLimit = "Over invitation rate limit"

// DefaultInvitationCap is how many invitations an organization may create
// per rolling 24 hours unless SetInvitationCap says otherwise. It is
// GitHub's cap for a new organization on the free plan; organizations older
// than a month or on a paid plan get 500 (the fake does not tell them
// apart: raise the cap with SetInvitationCap).
const DefaultInvitationCap = 50

// InvitationCapWindow is the rolling window the cap counts over.
const InvitationCapWindow = 24 * time.Hour

// SetInvitationCap sets how many invitations an organization may create
// per rolling 24 hours of the fake's clock (default DefaultInvitationCap);
// 0 means no cap. Every invitation created through the API counts
// (POST /orgs/{org}/invitations and PUT /orgs/{org}/memberships/{user}),
// whatever became of it since; invitations added with AddPendingInvitation
// do not. Past the cap, POST /orgs/{org}/invitations answers 422
// Validation Failed with MsgOverInvitationRateLimit and creates nothing.
func (g *GitHub) SetInvitationCap(org string, n int) {
	if n < 0 {
		panic(fmt.Sprintf("fakegithub: negative invitation cap %d", n))
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.settings.invitationCaps[g.mustOrg(org).acct.ID] = n
}

// invitationCap returns an organization's cap (0: none); caller holds
// g.mu.
func (g *GitHub) invitationCap(o *org) int {
	if n, ok := g.settings.invitationCaps[o.acct.ID]; ok {
		return n
	}
	return DefaultInvitationCap
}

// overInvitationCap answers 422 and reports true if the organization has
// used up its invitations for now. Caller holds g.mu.
func (g *GitHub) overInvitationCap(w http.ResponseWriter, r *http.Request, o *org) bool {
	limit := g.invitationCap(o)
	if limit == 0 {
		return false
	}
	since := g.now().Add(-InvitationCapWindow)
	n := 0
	for _, inv := range o.created {
		if inv.CreatedAt.After(since) {
			n++
		}
	}
	if n < limit {
		return false
	}
	WriteValidationFailed(w, docOf(r), FieldError{
		Resource: "OrganizationInvitation", Code: "unprocessable", Field: "data", Message: MsgOverInvitationRateLimit,
	})
	return true
}
