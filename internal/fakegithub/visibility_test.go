package fakegithub

import (
	"fmt"
	"testing"
)

func TestPendingInvitationsAreOwnersOnly(t *testing.T) {
	f := newFixture(t)
	g := f.g
	g.SetPendingInvitationsOwnersOnly(true) // the fixture turns it off
	g.AddPendingInvitation("acme", f.carol.ID)
	c := restClient(t, g, tok)
	me := g.TokenOwner()

	// Not a member: no pending list, no one else's membership, but one's own.
	_, _, err := c.Organizations.ListPendingOrgInvitations(ctx(t), "acme", nil)
	asErrorResponse(t, err, 404)
	_, _, err = c.Organizations.GetOrgMembership(ctx(t), "carol", "acme")
	if er := asErrorResponse(t, err, 403); er.Message != "You must be a member of acme to see membership information for carol." {
		t.Errorf("message %q", er.Message)
	}
	_, _, err = c.Organizations.GetOrgMembership(ctx(t), me.Login, "acme")
	asErrorResponse(t, err, 404) // not a member: as for anyone else GitHub does not know in the org

	// GraphQL: FORBIDDEN on pendingMembers, the organization null (the
	// field is non-null), the rest of the answer kept.
	query := `{
		members: organization(login: "acme") { membersWithRole(first: 10) { totalCount } }
		pending: organization(login: "acme") { pendingMembers(first: 10) { totalCount } }
		viewer { login }
	}`
	_, body := rawGraphQL(t, g, tok, query, nil)
	e := firstError(t, body)
	if e["type"] != "FORBIDDEN" || e["message"] != MsgPendingInvitationsOwnersOnly || fmt.Sprint(e["path"]) != "[pending pendingMembers]" {
		t.Errorf("error %v", e)
	}
	data, _ := body["data"].(map[string]any)
	if data == nil || data["pending"] != nil || fmt.Sprint(data["members"]) != "map[membersWithRole:map[totalCount:2]]" ||
		fmt.Sprint(data["viewer"]) != "map[login:token-owner]" {
		t.Errorf("data %v", data)
	}

	// A member who is not an owner reads memberships, pending ones
	// included, but still not the pending list.
	g.SetMember("acme", me.ID, "member")
	m, _, err := c.Organizations.GetOrgMembership(ctx(t), "carol", "acme")
	if err != nil || m.GetState() != "pending" {
		t.Errorf("member reads carol: %+v %v", m, err)
	}
	_, _, err = c.Organizations.ListPendingOrgInvitations(ctx(t), "acme", nil)
	asErrorResponse(t, err, 404)
	_, body = rawGraphQL(t, g, tok, query, nil)
	if e := firstError(t, body); e["type"] != "FORBIDDEN" {
		t.Errorf("member: %v", body)
	}

	// An owner sees everything.
	g.MakeOwner("acme", me.ID)
	invs, _, err := c.Organizations.ListPendingOrgInvitations(ctx(t), "acme", nil)
	if err != nil || len(invs) != 1 || invs[0].GetLogin() != "carol" {
		t.Errorf("owner lists %v %v", invs, err)
	}
	_, body = rawGraphQL(t, g, tok, query, nil)
	if body["errors"] != nil || fmt.Sprint(body["data"].(map[string]any)["pending"]) != "map[pendingMembers:map[totalCount:1]]" {
		t.Errorf("owner: %v", body)
	}

	// The switch turns the rule off for someone who is not even a member.
	g.RemoveMember("acme", me.ID)
	g.SetPendingInvitationsOwnersOnly(false)
	if _, _, err := c.Organizations.ListPendingOrgInvitations(ctx(t), "acme", nil); err != nil {
		t.Errorf("switched off: %v", err)
	}
	if m, _, err := c.Organizations.GetOrgMembership(ctx(t), "carol", "acme"); err != nil || m.GetState() != "pending" {
		t.Errorf("switched off: %+v %v", m, err)
	}
}

func TestRefuseGraphQLFieldGivesPartialData(t *testing.T) {
	f := newFixture(t)
	g := f.g
	g.RefuseGraphQLField("Organization", "pendingMembers")
	query := `{
		members: organization(login: "acme") { membersWithRole(first: 10) { totalCount } }
		pending: organization(login: "acme") { pendingMembers(first: 10) { totalCount } }
	}`
	_, body := rawGraphQL(t, g, tok, query, nil)
	e := firstError(t, body)
	if e["type"] != "FORBIDDEN" || e["message"] != MsgNotAccessibleByToken || fmt.Sprint(e["path"]) != "[pending pendingMembers]" {
		t.Errorf("error %v", e)
	}
	data, _ := body["data"].(map[string]any)
	if data == nil || data["pending"] != nil || fmt.Sprint(data["members"]) != "map[membersWithRole:map[totalCount:2]]" {
		t.Errorf("data %v", data)
	}

	g.AllowGraphQLField("Organization", "pendingMembers")
	_, body = rawGraphQL(t, g, tok, query, nil)
	if body["errors"] != nil {
		t.Errorf("allowed again: %v", body)
	}
}
