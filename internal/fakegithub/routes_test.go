package fakegithub

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/python-trio/snekomatic/internal/ghperm"
	"github.com/python-trio/snekomatic/internal/githubdesc"
)

// routeDoc is the documentation URL of a row of restRoutes.
func routeDoc(t *testing.T, pattern string) string {
	t.Helper()
	for _, rt := range restRoutes {
		if rt.pattern == pattern {
			return rt.doc
		}
	}
	t.Fatalf("no route %q in restRoutes", pattern)
	return ""
}

// undescribed are the fake's routes that the vendored REST description
// (internal/githubdesc/testdata, itself a subset of GitHub's) does not
// hold yet. Each is a GitHub endpoint its doc URL names; when a refreshed
// description gains one, TestRouteTable asks for it to leave this list.
var undescribed = map[string]bool{
	"GET /app/installations/{installation_id}":       true,
	"GET /orgs/{org}/members/{username}":             true,
	"DELETE /orgs/{org}/invitations/{invitation_id}": true,
	"PUT /orgs/{org}/memberships/{username}":         true,
}

// describedOperations reads the "METHOD /path" of every operation in
// GitHub's REST description.
func describedOperations(t *testing.T) map[string]bool {
	t.Helper()
	var desc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(githubdesc.RESTOpenAPI, &desc); err != nil {
		t.Fatalf("read GitHub's REST description: %v", err)
	}
	ops := map[string]bool{}
	for path, item := range desc.Paths {
		for method := range item {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options":
				ops[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	return ops
}

var wildcard = regexp.MustCompile(`\{([a-z_]+)\.\.\.\}`)

// TestRouteTable walks restRoutes: every row has a handler and a GitHub
// doc URL, its method and path template are an operation of GitHub's REST
// description (parameter names included), its installation permissions
// name real levels, and only writes create content.
func TestRouteTable(t *testing.T) {
	ops := describedOperations(t)
	seen := map[string]bool{}
	for _, rt := range restRoutes {
		if seen[rt.pattern] {
			t.Errorf("%s: listed twice", rt.pattern)
		}
		seen[rt.pattern] = true
		if rt.serve == nil {
			t.Errorf("%s: no handler", rt.pattern)
		}
		if !strings.HasPrefix(rt.doc, "https://docs.github.com/rest/") || !strings.Contains(rt.doc, "#") {
			t.Errorf("%s: doc %q is not the URL of a REST operation on docs.github.com", rt.pattern, rt.doc)
		}
		op := wildcard.ReplaceAllString(rt.pattern, "{$1}")
		switch {
		case undescribed[rt.pattern] && ops[op]:
			t.Errorf("%s: GitHub's REST description now has it; take it out of undescribed", rt.pattern)
		case !undescribed[rt.pattern] && !ops[op]:
			t.Errorf("%s: not an operation of GitHub's REST description (method and path template, as %q)", rt.pattern, op)
		}
		method, path, _ := strings.Cut(rt.pattern, " ")
		if rt.app != (path == "/app" || strings.HasPrefix(path, "/app/")) {
			t.Errorf("%s: app is %v, but isAppPath routes it the other way", rt.pattern, rt.app)
		}
		if rt.creates && method != http.MethodPost && method != http.MethodPut {
			t.Errorf("%s: a %s cannot create content", rt.pattern, method)
		}
		for _, alt := range rt.install.anyOf {
			name, lvl, ok := strings.Cut(alt, "=")
			if !ok || name == "" || ghperm.Rank(lvl) == 0 {
				t.Errorf("%s: installation need %q is not name=read|write|admin", rt.pattern, alt)
			}
		}
	}
	for p := range undescribed {
		if !seen[p] {
			t.Errorf("undescribed lists %s, which restRoutes does not serve", p)
		}
	}
}

// TestRouteDocInErrors checks that a route's errors (404s, and the 403 of
// the owners-only membership view) carry its row's doc URL: the table is
// where a handler's documentation_url comes from.
func TestRouteDocInErrors(t *testing.T) {
	g := New(t)
	g.AddOrg("acme")
	g.AddToken("tok", "acme")
	for pattern, path := range map[string]string{
		"GET /users/{username}":                  "users/nobody",
		"GET /orgs/{org}":                        "orgs/nowhere",
		"GET /orgs/{org}/teams/{team_slug}":      "orgs/acme/teams/none",
		"GET /orgs/{org}/memberships/{username}": "orgs/acme/memberships/nobody",
	} {
		resp, body := rawDo(t, http.MethodGet, g.RESTURL()+path, "tok", nil)
		if resp.StatusCode < 400 || body["documentation_url"] != routeDoc(t, pattern) {
			t.Errorf("GET %s = %d with documentation_url %v, want an error with %q", path, resp.StatusCode, body["documentation_url"], routeDoc(t, pattern))
		}
	}
}
