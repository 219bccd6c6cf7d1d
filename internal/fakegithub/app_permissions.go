package fakegithub

import (
	"net/http"
	"strings"

	"github.com/python-trio/snekomatic/internal/ghperm"
)

// Installation permissions: what an installation token needs per REST
// route (route.install in restRoutes) and per GraphQL field. GitHub lists,
// per permission, the endpoints it opens, and tells a caller without it
// which would do in the X-Accepted-GitHub-Permissions header ("Permissions
// required for GitHub Apps",
// https://docs.github.com/rest/authentication/permissions-required-for-github-apps).
// Levels are ranked by ghperm, the ranking ghapp uses too.

// permits reports whether perms grant name at least at want.
func permits(perms map[string]string, name, want string) bool {
	return ghperm.Grants(perms[name], want)
}

// installationNeed is what a REST route asks of an installation token.
// The zero value asks nothing: installation tokens reach the handler,
// which scopes them with its own visibility checks.
type installationNeed struct {
	// anyOf lists alternatives as "name=level"; one is enough.
	anyOf []string
	// never marks routes installations cannot use at all.
	never bool
}

// needs is the installationNeed of a route that any one of the given
// "name=level" permissions opens.
func needs(anyOf ...string) installationNeed { return installationNeed{anyOf: anyOf} }

// checked reports whether the route checks installation tokens at all.
func (n installationNeed) checked() bool { return n.never || len(n.anyOf) > 0 }

// checkInstallation enforces an installation token's scope and permissions
// on a route before its handler runs: a read outside the installation's
// account answers 404, a write there 403 MsgNotAccessibleByIntegration,
// and a missing permission 403 MsgNotAccessibleByIntegration with GitHub's
// X-Accepted-GitHub-Permissions header naming what would do. Other tokens
// pass straight through.
func (g *GitHub) checkInstallation(need installationNeed, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := stateOf(r).tok
		if t.inst == nil {
			next.ServeHTTP(w, r)
			return
		}
		write := kindFor(r) == KindRESTWrite
		if need.never {
			WriteError(w, http.StatusForbidden, MsgNotAccessibleByIntegration, docOf(r))
			return
		}
		w.Header().Set("X-Accepted-GitHub-Permissions", strings.Join(need.anyOf, "; "))
		owner := r.PathValue("org")
		if owner == "" {
			owner = r.PathValue("owner")
		}
		g.mu.Lock()
		exists := g.w.liveAccount(owner) != nil
		inside := strings.EqualFold(owner, t.inst.acct.Login)
		granted := false
		for _, alt := range need.anyOf {
			name, lvl, _ := strings.Cut(alt, "=")
			granted = granted || permits(t.perms, name, lvl)
		}
		g.mu.Unlock()
		switch {
		case !inside && (!write || !exists):
			writeNotFound(w, docOf(r))
		case !inside || !granted:
			WriteError(w, http.StatusForbidden, MsgNotAccessibleByIntegration, docOf(r))
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// withInstallationPermissions guards the GraphQL fields that need an
// installation permission: Organization.membersWithRole and
// Organization.pendingMembers need members read, and answer a FORBIDDEN
// error otherwise.
func (g *GitHub) withInstallationPermissions(rm resolverMap) resolverMap {
	guard := func(name, lvl string, r resolver) resolver {
		return func(rc *resolveCtx, obj any, args map[string]any) (any, error) {
			if rc.tok.inst != nil && !permits(rc.tok.perms, name, lvl) {
				return nil, &GraphQLError{Type: "FORBIDDEN", Message: MsgNotAccessibleByIntegration, Extensions: map[string]any{"saml_failure": false}}
			}
			return r(rc, obj, args)
		}
	}
	org := rm["Organization"]
	for _, f := range []string{"membersWithRole", "pendingMembers"} {
		org[f] = guard("members", "read", org[f])
	}
	return rm
}

// installationTokenRefusal says why an installation token may not be used
// now (status 0 if it may); caller holds g.mu.
func (g *GitHub) installationTokenRefusal(t *tokenState) (status int, msg string) {
	if !t.inst.suspendedAt.IsZero() {
		return http.StatusForbidden, MsgInstallationSuspended
	}
	if !g.now().Before(t.expires) {
		return http.StatusUnauthorized, MsgBadCredentials
	}
	return 0, ""
}
