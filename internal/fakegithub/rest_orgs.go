package fakegithub

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// REST endpoints about organizations, members and invitations.

// orgJSON is GitHub's "organization full".
type orgJSON struct {
	Login                   string  `json:"login"`
	ID                      int64   `json:"id"`
	NodeID                  string  `json:"node_id"`
	URL                     string  `json:"url"`
	ReposURL                string  `json:"repos_url"`
	EventsURL               string  `json:"events_url"`
	HooksURL                string  `json:"hooks_url"`
	IssuesURL               string  `json:"issues_url"`
	MembersURL              string  `json:"members_url"`
	PublicMembersURL        string  `json:"public_members_url"`
	AvatarURL               string  `json:"avatar_url"`
	Description             *string `json:"description"`
	Name                    *string `json:"name,omitempty"`
	Company                 *string `json:"company,omitempty"`
	Blog                    *string `json:"blog,omitempty"`
	Location                *string `json:"location,omitempty"`
	Email                   *string `json:"email,omitempty"`
	TwitterUsername         *string `json:"twitter_username,omitempty"`
	IsVerified              *bool   `json:"is_verified,omitempty"`
	HasOrganizationProjects *bool   `json:"has_organization_projects,omitempty"`
	HasRepositoryProjects   *bool   `json:"has_repository_projects,omitempty"`
	PublicRepos             *int    `json:"public_repos,omitempty"`
	PublicGists             *int    `json:"public_gists,omitempty"`
	Followers               *int    `json:"followers,omitempty"`
	Following               *int    `json:"following,omitempty"`
	HTMLURL                 string  `json:"html_url,omitempty"`
	CreatedAt               string  `json:"created_at,omitempty"`
	UpdatedAt               string  `json:"updated_at,omitempty"`
	ArchivedAt              *string `json:"archived_at,omitempty"`
	Type                    string  `json:"type,omitempty"`
}

// orgSimpleJSON returns the "organization simple" shape.
func (g *GitHub) orgSimpleJSON(a *account) *orgJSON {
	u := g.apiURL("orgs/%s", a.Login)
	return &orgJSON{
		Login: a.Login, ID: a.ID, NodeID: a.NodeID, URL: u,
		ReposURL:         u + "/repos",
		EventsURL:        u + "/events",
		HooksURL:         u + "/hooks",
		IssuesURL:        u + "/issues",
		MembersURL:       u + "/members{/member}",
		PublicMembersURL: u + "/public_members{/member}",
		AvatarURL:        g.avatarURL(a.ID),
	}
}

func (g *GitHub) orgFullJSON(a *account) *orgJSON {
	o := g.orgSimpleJSON(a)
	f, z := false, 0
	repos := 0
	for _, r := range g.w.repos {
		if strings.EqualFold(r.Owner, a.Login) && !r.Private {
			repos++
		}
	}
	empty := ""
	o.Blog = &empty
	o.IsVerified = &f
	t := true
	o.HasOrganizationProjects, o.HasRepositoryProjects = &t, &t
	o.PublicRepos, o.PublicGists, o.Followers, o.Following = &repos, &z, &z, &z
	o.HTMLURL = g.webURL("%s", a.Login)
	o.CreatedAt, o.UpdatedAt = ts(a.createdAt), ts(a.createdAt)
	o.Type = "Organization"
	return o
}

// readOrg finds an organization the request may read; it answers 404 and
// returns nil otherwise. Caller holds g.mu.
func (g *GitHub) readOrg(w http.ResponseWriter, r *http.Request, docURL string) *org {
	o := g.w.orgByLogin(r.PathValue("org"))
	if o == nil || !stateOf(r).tok.allows(g.w, o.acct.Login) {
		writeNotFound(w, docURL)
		return nil
	}
	return o
}

// writeOrg finds an organization the request may write: 404 if unknown,
// 403 if the token is limited to other organizations. Caller holds g.mu.
func (g *GitHub) writeOrg(w http.ResponseWriter, r *http.Request, docURL string) *org {
	o := g.w.orgByLogin(r.PathValue("org"))
	if o == nil {
		writeNotFound(w, docURL)
		return nil
	}
	if !stateOf(r).tok.allows(g.w, o.acct.Login) {
		WriteError(w, http.StatusForbidden, MsgNotAccessibleByToken, docURL)
		return nil
	}
	return o
}

// GET /orgs/{org}
func (g *GitHub) getOrg(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o := g.readOrg(w, r, docOf(r))
	if o == nil {
		return
	}
	WriteJSON(w, http.StatusOK, g.orgFullJSON(o.acct))
}

// GET /orgs/{org}/members?role=all|admin|member&filter=all|2fa_disabled
func (g *GitHub) listMembers(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o := g.readOrg(w, r, docOf(r))
	if o == nil {
		return
	}
	role := r.URL.Query().Get("role")
	switch role {
	case "":
		role = "all"
	case "all", "admin", "member":
	default:
		WriteValidationFailed(w, docOf(r), FieldError{Resource: "Member", Code: "invalid", Field: "role", Message: "role must be one of: all, admin, member"})
		return
	}
	switch f := r.URL.Query().Get("filter"); f {
	case "", "all", "2fa_disabled", "2fa_insecure":
	default:
		WriteValidationFailed(w, docOf(r), FieldError{Resource: "Member", Code: "invalid", Field: "filter"})
		return
	}
	ids := sortedMembers(o, role)
	writePage(g, w, r, ids, func(id int64) *userJSON { return g.userJSON(g.w.accounts[id]) })
}

// GET /orgs/{org}/members/{username}: 204 member, 404 otherwise.
func (g *GitHub) checkMember(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o := g.readOrg(w, r, docOf(r))
	if o == nil {
		return
	}
	a := g.w.liveAccount(r.PathValue("username"))
	if a == nil || o.members[a.ID] == "" {
		writeNotFound(w, docOf(r))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// invitationJSON is GitHub's "organization invitation".
type invitationJSON struct {
	ID                 int64     `json:"id"`
	NodeID             string    `json:"node_id"`
	Login              *string   `json:"login"`
	Email              *string   `json:"email"`
	Role               string    `json:"role"`
	CreatedAt          string    `json:"created_at"`
	FailedAt           *string   `json:"failed_at"`
	FailedReason       *string   `json:"failed_reason"`
	Inviter            *userJSON `json:"inviter"`
	TeamCount          int       `json:"team_count"`
	InvitationTeamsURL string    `json:"invitation_teams_url"`
	InvitationSource   string    `json:"invitation_source"`
}

func (g *GitHub) invitationJSON(o *org, inv *Invitation) *invitationJSON {
	var login *string
	if a := g.w.accounts[inv.InviteeID]; a != nil {
		login = &a.Login
	}
	var inviter *userJSON
	if id, ok := g.w.inviters[inv.ID]; ok {
		inviter = g.userJSON(g.w.accounts[id])
	} else if admins := sortedMembers(o, "admin"); len(admins) > 0 {
		inviter = g.userJSON(g.w.accounts[admins[0]])
	}
	return &invitationJSON{
		ID: inv.ID, NodeID: makeNodeID("OI", inv.ID),
		Login: login, Email: strPtr(inv.Email), Role: inv.Role,
		CreatedAt: ts(inv.CreatedAt), FailedAt: tsPtr(inv.FailedAt), FailedReason: strPtr(inv.FailedReason),
		Inviter:            inviter,
		TeamCount:          len(inv.TeamIDs),
		InvitationTeamsURL: g.apiURL("organizations/%d/invitations/%d/teams", o.acct.ID, inv.ID),
		InvitationSource:   "member",
	}
}

func (g *GitHub) listInvitationsOf(w http.ResponseWriter, r *http.Request, invs []*Invitation, o *org) {
	role := r.URL.Query().Get("role")
	var sel []*Invitation
	for _, inv := range invs {
		if role == "" || role == "all" || role == inv.Role {
			sel = append(sel, inv)
		}
	}
	writePage(g, w, r, sel, func(inv *Invitation) *invitationJSON { return g.invitationJSON(o, inv) })
}

// GET /orgs/{org}/invitations
func (g *GitHub) listInvitations(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o := g.readOrg(w, r, docOf(r))
	if o == nil || g.refusePending(w, r, o) {
		return
	}
	g.listInvitationsOf(w, r, o.pending, o)
}

// GET /orgs/{org}/failed_invitations
func (g *GitHub) listFailedInvitations(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o := g.readOrg(w, r, docOf(r))
	if o == nil {
		return
	}
	g.listInvitationsOf(w, r, o.failed, o)
}

var invitationRoles = map[string]bool{"admin": true, "direct_member": true, "billing_manager": true, "reinstate": true}

// POST /orgs/{org}/invitations {"invitee_id":N | "email":"...", "role":"direct_member", "team_ids":[]}
func (g *GitHub) createInvitation(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o := g.writeOrg(w, r, docOf(r))
	if o == nil {
		return
	}
	// "In order to create invitations in an organization, the
	// authenticated user must be an organization owner"
	// (https://docs.github.com/rest/orgs/members#create-an-organization-invitation).
	// An App installation invites with its Members: write permission
	// instead (checked in app.go).
	if t := stateOf(r).tok; t.inst == nil && !g.settings.anyoneInvites && o.members[t.ownerID] != "admin" {
		WriteError(w, http.StatusForbidden, MsgMustBeOwner, docOf(r))
		return
	}
	var body struct {
		InviteeID *int64  `json:"invitee_id"`
		Email     *string `json:"email"`
		Role      *string `json:"role"`
		TeamIDs   []int64 `json:"team_ids"`
	}
	if !decodeBody(w, r, &body, docOf(r)) {
		return
	}
	fail := func(code, field, msg string) {
		WriteValidationFailed(w, docOf(r), FieldError{Resource: "OrganizationInvitation", Code: code, Field: field, Message: msg})
	}
	role := "direct_member"
	if body.Role != nil {
		role = *body.Role
	}
	if !invitationRoles[role] {
		fail("invalid", "role", MsgInvalidRole)
		return
	}
	for _, id := range body.TeamIDs {
		if teamByID(o, id) == nil {
			fail("invalid", "team_ids", MsgUnknownTeam)
			return
		}
	}
	if g.overInvitationCap(w, r, o) {
		return
	}
	var inv *Invitation
	switch {
	case body.InviteeID != nil:
		a := g.w.accounts[*body.InviteeID]
		switch {
		case a == nil:
			// An id that names no account: 404, one of the two statuses
			// GitHub's description gives this operation besides 201
			// (https://docs.github.com/rest/orgs/members#create-an-organization-invitation).
			writeNotFound(w, docOf(r))
			return
		case a.deleted:
			// A deleted account: 422 with GitHub's bare message and no
			// errors list.
			WriteError(w, http.StatusUnprocessableEntity, MsgInvalidInviteeID, docOf(r))
			return
		case a.Type != "User":
			fail("invalid", "invitee_id", MsgInviteeNotFound)
			return
		}
		if o.members[a.ID] != "" {
			fail("unprocessable", "data", MsgAlreadyMember)
			return
		}
		if pendingFor(o, a.ID) != nil {
			fail("unprocessable", "data", MsgAlreadyInvited)
			return
		}
		inv = g.newInvitation(o, a.ID, "", role)
		inv.TeamIDs = slices.Clone(body.TeamIDs)
	case body.Email != nil && *body.Email != "":
		for _, p := range o.pending {
			if strings.EqualFold(p.Email, *body.Email) {
				fail("unprocessable", "data", MsgAlreadyInvited)
				return
			}
		}
		inv = g.newInvitation(o, 0, *body.Email, role)
		inv.TeamIDs = slices.Clone(body.TeamIDs)
	default:
		fail("missing_field", "invitee_id", MsgInviteeRequired)
		return
	}
	g.recordCreated(o, inv, stateOf(r).tok.ownerID)
	WriteJSON(w, http.StatusCreated, g.invitationJSON(o, inv))
}

// recordCreated notes an invitation created through the API; caller holds g.mu.
func (g *GitHub) recordCreated(o *org, inv *Invitation, inviterID int64) {
	g.w.inviters[inv.ID] = inviterID
	o.created = append(o.created, *g.invitationCopy(inv))
}

// DELETE /orgs/{org}/invitations/{invitation_id}
func (g *GitHub) cancelInvitation(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o := g.writeOrg(w, r, docOf(r))
	if o == nil {
		return
	}
	// The cancelled invitation is not listed as failed: GitHub has no
	// failed_reason for it (FailedReasonExpired says where that comes from).
	id, _ := strconv.ParseInt(r.PathValue("invitation_id"), 10, 64)
	for i, inv := range o.pending {
		if inv.ID == id {
			o.pending = append(o.pending[:i:i], o.pending[i+1:]...)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	writeNotFound(w, docOf(r))
}

// membershipJSON is GitHub's "org membership".
type membershipJSON struct {
	URL             string    `json:"url"`
	State           string    `json:"state"`
	Role            string    `json:"role"`
	OrganizationURL string    `json:"organization_url"`
	Organization    *orgJSON  `json:"organization"`
	User            *userJSON `json:"user"`
}

func (g *GitHub) membershipJSON(o *org, a *account, state, role string) *membershipJSON {
	return &membershipJSON{
		URL:             g.apiURL("orgs/%s/memberships/%s", o.acct.Login, a.Login),
		State:           state,
		Role:            role,
		OrganizationURL: g.apiURL("orgs/%s", o.acct.Login),
		Organization:    g.orgSimpleJSON(o.acct),
		User:            g.userJSON(a),
	}
}

// GET /orgs/{org}/memberships/{username}: active member, pending invitee,
// or 404.
func (g *GitHub) getMembership(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o := g.readOrg(w, r, docOf(r))
	if o == nil || g.refuseMembership(w, r, o) {
		return
	}
	a := g.w.liveAccount(r.PathValue("username"))
	if a == nil {
		writeNotFound(w, docOf(r))
		return
	}
	if role := o.members[a.ID]; role != "" {
		WriteJSON(w, http.StatusOK, g.membershipJSON(o, a, "active", role))
		return
	}
	if inv := pendingFor(o, a.ID); inv != nil {
		role := "member"
		if inv.Role == "admin" {
			role = "admin"
		}
		WriteJSON(w, http.StatusOK, g.membershipJSON(o, a, "pending", role))
		return
	}
	writeNotFound(w, docOf(r))
}

// PUT /orgs/{org}/memberships/{username} {"role":"member"|"admin"}: changes
// a member's role, or invites a non-member (the invitation is listed by
// CreatedInvitations). snekomatic must never call it; it exists so tests
// can prove that.
func (g *GitHub) setMembership(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o := g.writeOrg(w, r, docOf(r))
	if o == nil {
		return
	}
	a := g.w.liveAccount(r.PathValue("username"))
	if a == nil || a.Type != "User" {
		writeNotFound(w, docOf(r))
		return
	}
	var body struct {
		Role *string `json:"role"`
	}
	if !decodeBody(w, r, &body, docOf(r)) {
		return
	}
	role := "member"
	if body.Role != nil {
		role = *body.Role
	}
	if role != "member" && role != "admin" {
		WriteValidationFailed(w, docOf(r), FieldError{Resource: "Membership", Code: "invalid", Field: "role", Message: MsgInvalidRole})
		return
	}
	if o.members[a.ID] != "" {
		o.members[a.ID] = role
		WriteJSON(w, http.StatusOK, g.membershipJSON(o, a, "active", role))
		return
	}
	invRole := "direct_member"
	if role == "admin" {
		invRole = "admin"
	}
	if inv := pendingFor(o, a.ID); inv != nil {
		inv.Role = invRole
	} else {
		inv := g.newInvitation(o, a.ID, "", invRole)
		g.recordCreated(o, inv, stateOf(r).tok.ownerID)
	}
	WriteJSON(w, http.StatusOK, g.membershipJSON(o, a, "pending", role))
}

func teamByID(o *org, id int64) *Team {
	for _, t := range o.teams {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// teamJSON is GitHub's "team full", trimmed.
type teamJSON struct {
	ID              int64        `json:"id"`
	NodeID          string       `json:"node_id"`
	URL             string       `json:"url"`
	HTMLURL         string       `json:"html_url"`
	Name            string       `json:"name"`
	Slug            string       `json:"slug"`
	Description     *string      `json:"description"`
	Privacy         string       `json:"privacy"`
	Permission      string       `json:"permission"`
	MembersURL      string       `json:"members_url"`
	RepositoriesURL string       `json:"repositories_url"`
	Parent          *string      `json:"parent"`
	Type            string       `json:"type"`
	CreatedAt       string       `json:"created_at"`
	UpdatedAt       string       `json:"updated_at"`
	MembersCount    int          `json:"members_count"`
	ReposCount      int          `json:"repos_count"`
	Organization    *teamOrgJSON `json:"organization"`
}

// teamOrgJSON is GitHub's "team organization": the full organization, with
// archived_at always present, null unless archived, as the REST description
// requires (https://docs.github.com/rest/teams/teams#get-a-team-by-name).
type teamOrgJSON struct {
	*orgJSON
	ArchivedAt *string `json:"archived_at"`
}

// GET /orgs/{org}/teams/{team_slug}
func (g *GitHub) getTeam(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o := g.readOrg(w, r, docOf(r))
	if o == nil {
		return
	}
	t := o.teams[strings.ToLower(r.PathValue("team_slug"))]
	if t == nil {
		writeNotFound(w, docOf(r))
		return
	}
	u := g.apiURL("organizations/%d/team/%d", o.acct.ID, t.ID)
	WriteJSON(w, http.StatusOK, &teamJSON{
		ID: t.ID, NodeID: t.NodeID, URL: u, HTMLURL: g.webURL("orgs/%s/teams/%s", o.acct.Login, t.Slug),
		Name: t.Name, Slug: t.Slug, Privacy: "closed", Permission: "pull",
		MembersURL: u + "/members{/member}", RepositoriesURL: u + "/repos",
		Type: "organization", CreatedAt: ts(o.acct.createdAt), UpdatedAt: ts(o.acct.createdAt),
		Organization: &teamOrgJSON{orgJSON: g.orgFullJSON(o.acct)},
	})
}

// SetOwnersOnlyInvitations turns on (the default) or off GitHub's rule that
// only organization owners may create invitations with a personal token:
// off, any token that may write to the organization invites.
func (g *GitHub) SetOwnersOnlyInvitations(on bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.settings.anyoneInvites = !on
}

// MakeOwner gives a user the owner (admin) role in an organization, as
// SetMember(org, id, "admin").
func (g *GitHub) MakeOwner(org string, userID int64) { g.SetMember(org, userID, "admin") }

// TokenOwner returns the user that AddToken's tokens belong to (created on
// first use).
func (g *GitHub) TokenOwner() *Account {
	g.mu.Lock()
	if g.w.tokenOwner == 0 {
		g.w.tokenOwner = g.addAccountLocked(DefaultTokenOwner, "User").ID
	}
	id := g.w.tokenOwner
	g.mu.Unlock()
	return g.Account(id)
}
