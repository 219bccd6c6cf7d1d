package fakegithub

import (
	"fmt"
	"net/http"
	"strings"
)

// Who may see an organization's memberships and pending invitations.
//
// GitHub documents:
//   - "List pending organization invitations"
//     (https://docs.github.com/rest/orgs/members#list-pending-organization-invitations)
//     is an owner's view of the organization, and GitHub's REST description
//     lists only 200 and 404 for it: anyone else is answered 404, as GitHub
//     answers for what a caller may not see.
//   - GraphQL Organization.pendingMembers
//     (https://docs.github.com/graphql/reference/objects#organization) is the
//     same list; a field the viewer may not read is answered with an error of
//     type FORBIDDEN whose path names it. The field is non-null
//     (UserConnection!), so the null goes up to the nearest nullable field,
//     the organization, as the GraphQL spec asks ("Handling Field Errors"),
//     and the rest of the answer is partial data next to the error.
//   - "Get organization membership for a user"
//     (https://docs.github.com/rest/orgs/members#get-organization-membership-for-a-user):
//     "the authenticated user must be an organization member", with 403 in
//     the documented answers. A member of any role reads the membership of
//     anyone, pending invitees included ("The state parameter in the response
//     can be used to identify the user's membership status"); someone else is
//     refused with 403, except about themselves.
//
// GitHub Apps are not users: an installation reads all of this with its
// Organization members permission (app_permissions.go), and these rules do
// not apply to it. The rules are on by default;
// SetPendingInvitationsOwnersOnly(false) turns them off for a focused test.

// MsgPendingInvitationsOwnersOnly is the FORBIDDEN message of
// Organization.pendingMembers for a viewer who is not an owner. GitHub does
// not document the text; this is the fake's.
const MsgPendingInvitationsOwnersOnly = "You must be an owner of this organization to view its pending invitations."

// SetPendingInvitationsOwnersOnly turns on (the default) or off the rules
// above: off, every personal token sees pending invitations and
// memberships.
func (g *GitHub) SetPendingInvitationsOwnersOnly(on bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.settings.anyoneSeesPending = !on
}

// RefuseGraphQLField makes a GraphQL field (for example "Organization",
// "pendingMembers") answer FORBIDDEN to every token, with GitHub's
// "Resource not accessible" wording, until AllowGraphQLField: GitHub's
// partial data with a typed error, for tests of a client that must keep
// the rest of an answer. The null goes up as for any failed field (see
// above).
func (g *GitHub) RefuseGraphQLField(typ, field string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.settings.refusedFields[typ+"."+field] = true
}

// AllowGraphQLField undoes RefuseGraphQLField.
func (g *GitHub) AllowGraphQLField(typ, field string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.settings.refusedFields, typ+"."+field)
}

// isOwner reports whether the token is a personal token of an owner of o;
// caller holds g.mu.
func isOwner(t *tokenState, o *org) bool { return o.members[t.ownerID] == "admin" }

// mayListPending reports whether the token may see o's pending invitations;
// caller holds g.mu.
func (g *GitHub) mayListPending(t *tokenState, o *org) bool {
	return g.settings.anyoneSeesPending || t.inst != nil || isOwner(t, o)
}

// withVisibility guards Organization.pendingMembers with the owners-only
// rule, and every field with RefuseGraphQLField. Resolvers run with g.mu
// held.
func (g *GitHub) withVisibility(rm resolverMap) resolverMap {
	for typ, fields := range rm {
		for name, r := range fields {
			key, r := typ+"."+name, r
			guard := func(rc *resolveCtx, obj any, args map[string]any) (any, error) {
				if g.settings.refusedFields[key] {
					return nil, &GraphQLError{Type: "FORBIDDEN", Message: MsgNotAccessibleByToken}
				}
				return r(rc, obj, args)
			}
			if key == "Organization.pendingMembers" {
				guard = func(rc *resolveCtx, obj any, args map[string]any) (any, error) {
					if g.settings.refusedFields[key] {
						return nil, &GraphQLError{Type: "FORBIDDEN", Message: MsgNotAccessibleByToken}
					}
					if !g.mayListPending(rc.tok, g.w.orgs[obj.(*account).ID]) {
						return nil, &GraphQLError{Type: "FORBIDDEN", Message: MsgPendingInvitationsOwnersOnly}
					}
					return r(rc, obj, args)
				}
			}
			fields[name] = guard
		}
	}
	return rm
}

// refusePending answers 404 to a token that may not list o's pending
// invitations, and reports whether it did; caller holds g.mu.
func (g *GitHub) refusePending(w http.ResponseWriter, r *http.Request, o *org) bool {
	if g.mayListPending(stateOf(r).tok, o) {
		return false
	}
	writeNotFound(w, docOf(r))
	return true
}

// refuseMembership answers 403 to a personal token whose user is not a
// member of o and asks about someone else, and reports whether it did;
// caller holds g.mu.
func (g *GitHub) refuseMembership(w http.ResponseWriter, r *http.Request, o *org) bool {
	t := stateOf(r).tok
	if g.settings.anyoneSeesPending || t.inst != nil || o.members[t.ownerID] != "" {
		return false
	}
	username := r.PathValue("username")
	if self := g.w.accounts[t.ownerID]; self != nil && strings.EqualFold(self.Login, username) {
		return false
	}
	WriteError(w, http.StatusForbidden, fmt.Sprintf("You must be a member of %s to see membership information for %s.", o.acct.Login, username), docOf(r))
	return true
}
