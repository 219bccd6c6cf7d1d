package fakegithub

import (
	"context"
	"net/http"
)

// route is everything the fake knows about one REST endpoint, in one row
// of restRoutes: where it is, who answers it, what an installation token
// needs to call it, whether it creates content, and the GitHub page it
// follows.
type route struct {
	// pattern is "METHOD /path/{param}", relative to RESTPrefix, with the
	// parameter names of GitHub's REST description (a final {name...}
	// is the description's {name} taking the rest of the path).
	pattern string
	// serve answers the request, after authentication, the rate limit
	// and the checks below.
	serve func(*GitHub, http.ResponseWriter, *http.Request)
	// doc is the GitHub documentation of the endpoint: the fake follows
	// it, and its errors carry it as documentation_url (docOf).
	doc string
	// app marks the App endpoints, which only the App's JWT may call
	// (authenticateApp); the others take personal and installation tokens.
	app bool
	// install is what an installation token needs here; the zero value
	// leaves installation tokens to the handler's own visibility checks.
	install installationNeed
	// creates marks endpoints that create content, which the secondary
	// content-creation limits count (secondary.go). GitHub's page for each
	// says "Creating content too quickly using this endpoint may result in
	// secondary rate limiting".
	creates bool
}

// restRoutes is every REST endpoint the fake serves. To add one, add its
// row here and write its handler in the rest_*.go (or app_*.go) file of
// its area; TestRouteTable checks that each row has a documentation URL
// and is in GitHub's REST description.
var restRoutes = []route{
	// GitHub Apps (app_endpoints.go).
	{pattern: "GET /app", serve: (*GitHub).getApp, app: true,
		doc: "https://docs.github.com/rest/apps/apps#get-the-authenticated-app"},
	{pattern: "GET /app/installations", serve: (*GitHub).listAppInstallations, app: true,
		doc: "https://docs.github.com/rest/apps/apps#list-installations-for-the-authenticated-app"},
	{pattern: "GET /app/installations/{installation_id}", serve: (*GitHub).getAppInstallation, app: true,
		doc: "https://docs.github.com/rest/apps/apps#get-an-installation-for-the-authenticated-app"},
	{pattern: "POST /app/installations/{installation_id}/access_tokens", serve: (*GitHub).createInstallationToken, app: true,
		doc: "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app"},

	// Organizations and membership (rest_orgs.go).
	{pattern: "GET /orgs/{org}", serve: (*GitHub).getOrg,
		doc: "https://docs.github.com/rest/orgs/orgs#get-an-organization"},
	{pattern: "GET /orgs/{org}/members", serve: (*GitHub).listMembers, install: needs("members=read"),
		doc: "https://docs.github.com/rest/orgs/members#list-organization-members"},
	{pattern: "GET /orgs/{org}/members/{username}", serve: (*GitHub).checkMember, install: needs("members=read"),
		doc: "https://docs.github.com/rest/orgs/members#check-organization-membership-for-a-user"},
	{pattern: "GET /orgs/{org}/invitations", serve: (*GitHub).listInvitations, install: needs("members=read"),
		doc: "https://docs.github.com/rest/orgs/members#list-pending-organization-invitations"},
	{pattern: "POST /orgs/{org}/invitations", serve: (*GitHub).createInvitation, install: needs("members=write"), creates: true,
		doc: "https://docs.github.com/rest/orgs/members#create-an-organization-invitation"},
	{pattern: "DELETE /orgs/{org}/invitations/{invitation_id}", serve: (*GitHub).cancelInvitation, install: needs("members=write"),
		doc: "https://docs.github.com/rest/orgs/members#cancel-an-organization-invitation"},
	{pattern: "GET /orgs/{org}/failed_invitations", serve: (*GitHub).listFailedInvitations, install: needs("members=read"),
		doc: "https://docs.github.com/rest/orgs/members#list-failed-organization-invitations"},
	{pattern: "GET /orgs/{org}/memberships/{username}", serve: (*GitHub).getMembership, install: needs("members=read"),
		doc: "https://docs.github.com/rest/orgs/members#get-organization-membership-for-a-user"},
	// Setting a membership invites a non-member, so it creates content as
	// an invitation does.
	{pattern: "PUT /orgs/{org}/memberships/{username}", serve: (*GitHub).setMembership, install: needs("members=write"), creates: true,
		doc: "https://docs.github.com/rest/orgs/members#set-organization-membership-for-a-user"},
	{pattern: "GET /orgs/{org}/teams/{team_slug}", serve: (*GitHub).getTeam, install: needs("members=read"),
		doc: "https://docs.github.com/rest/teams/teams#get-a-team-by-name"},

	// Users and rate limits (rest_users.go).
	{pattern: "GET /users/{username}", serve: (*GitHub).getUser,
		doc: "https://docs.github.com/rest/users/users#get-a-user"},
	{pattern: "GET /user", serve: (*GitHub).getAuthenticatedUser, install: installationNeed{never: true},
		doc: "https://docs.github.com/rest/users/users#get-the-authenticated-user"},
	{pattern: "GET /user/{account_id}", serve: (*GitHub).getUserByID,
		doc: "https://docs.github.com/rest/users/users#get-a-user-using-their-id"},
	{pattern: "GET /rate_limit", serve: (*GitHub).getRateLimit,
		doc: "https://docs.github.com/rest/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user"},

	// Repositories, issues and comments (rest_issues.go).
	{pattern: "GET /repos/{owner}/{repo}", serve: (*GitHub).getRepo, install: needs("metadata=read"),
		doc: "https://docs.github.com/rest/repos/repos#get-a-repository"},
	// The issues of a repository (rest_repo_issues.go). Creating one
	// creates content (its page says so); updating one does not say so.
	{pattern: "GET /repos/{owner}/{repo}/issues", serve: (*GitHub).listRepoIssues, install: needs("issues=read"),
		doc: "https://docs.github.com/rest/issues/issues#list-repository-issues"},
	{pattern: "POST /repos/{owner}/{repo}/issues", serve: (*GitHub).createRepoIssue, install: needs("issues=write"), creates: true,
		doc: "https://docs.github.com/rest/issues/issues#create-an-issue"},
	{pattern: "GET /repos/{owner}/{repo}/issues/{issue_number}", serve: (*GitHub).getRepoIssue, install: needs("issues=read"),
		doc: "https://docs.github.com/rest/issues/issues#get-an-issue"},
	{pattern: "PATCH /repos/{owner}/{repo}/issues/{issue_number}", serve: (*GitHub).updateRepoIssue, install: needs("issues=write"),
		doc: "https://docs.github.com/rest/issues/issues#update-an-issue"},
	{pattern: "GET /repos/{owner}/{repo}/issues/{issue_number}/comments", serve: (*GitHub).listComments,
		install: needs("issues=read", "pull_requests=read"),
		doc:     "https://docs.github.com/rest/issues/comments#list-issue-comments"},
	{pattern: "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", serve: (*GitHub).createComment,
		install: needs("issues=write", "pull_requests=write"), creates: true,
		doc: "https://docs.github.com/rest/issues/comments#create-an-issue-comment"},
	{pattern: "GET /repos/{owner}/{repo}/contents/{path...}", serve: (*GitHub).getContent, install: needs("contents=read"),
		doc: "https://docs.github.com/rest/repos/contents#get-repository-content"},
}

// restRouter serves the rows of restRoutes whose app field is app (paths
// relative to RESTPrefix). Each row's handler runs behind its own checks:
// the installation's permissions (app_permissions.go), then the content
// limits (secondary.go). Unknown routes, and known paths with the wrong
// method, answer GitHub's JSON 404 with notFoundDoc.
func (g *GitHub) restRouter(app bool, notFoundDoc string) http.Handler {
	mux := http.NewServeMux()
	for i := range restRoutes {
		rt := &restRoutes[i]
		if rt.app != app {
			continue
		}
		var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { rt.serve(g, w, r) })
		if rt.creates {
			h = g.limitContent(h)
		}
		if rt.install.checked() {
			h = g.checkInstallation(rt.install, h)
		}
		mux.Handle(rt.pattern, withRoute(rt, h))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" {
			writeNotFound(w, notFoundDoc)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

type routeKey struct{}

// withRoute puts the route in the request's context for docOf.
func withRoute(rt *route, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), routeKey{}, rt)))
	})
}

// docOf is the documentation URL of the request's route, for the
// documentation_url of its errors; docREST outside a route.
func docOf(r *http.Request) string {
	if rt, _ := r.Context().Value(routeKey{}).(*route); rt != nil {
		return rt.doc
	}
	return docREST
}
