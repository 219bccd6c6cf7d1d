package fakegithub

import (
	"net/http"
	"strconv"
)

// REST endpoints about users and the rate limit.

// GET /users/{username}: users, bots and organizations; 404 for unknown,
// renamed-away or deleted logins and for mannequins (which REST does not
// expose).
func (g *GitHub) getUser(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	a := g.w.liveAccount(r.PathValue("username"))
	if a == nil || a.Type == "Mannequin" {
		writeNotFound(w, docOf(r))
		return
	}
	WriteJSON(w, http.StatusOK, g.fullUserJSON(a))
}

// GET /user/{account_id}: an account by its id, 404 for unknown and
// deleted accounts, as getUser. Documented in rest-openapi.json
// ("Get a user using their ID", docs.github.com/rest/users/users#get-a-user-using-their-id).
func (g *GitHub) getUserByID(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	id, err := strconv.ParseInt(r.PathValue("account_id"), 10, 64)
	a := g.w.accounts[id]
	if err != nil || a == nil || a.deleted || a.Type == "Mannequin" {
		writeNotFound(w, docOf(r))
		return
	}
	WriteJSON(w, http.StatusOK, g.fullUserJSON(a))
}

// GET /user: the token's owner.
func (g *GitHub) getAuthenticatedUser(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	a := g.w.accounts[stateOf(r).tok.ownerID]
	if a == nil || a.deleted {
		WriteError(w, http.StatusUnauthorized, MsgBadCredentials, docOf(r))
		return
	}
	WriteJSON(w, http.StatusOK, g.fullUserJSON(a))
}

type rateJSON struct {
	Limit     int    `json:"limit"`
	Used      int    `json:"used"`
	Remaining int    `json:"remaining"`
	Reset     int64  `json:"reset"`
	Resource  string `json:"resource,omitempty"`
}

// GET /rate_limit: the token's windows for core, graphql and search. It
// does not count against the core limit, as on GitHub.
func (g *GitHub) getRateLimit(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	t := stateOf(r).tok
	res := map[string]rateJSON{}
	for name := range rateLimits {
		rw := g.window(t, name)
		res[name] = rateJSON{Limit: rw.limit, Used: rw.used, Remaining: rw.remaining(), Reset: rw.reset.Unix(), Resource: name}
	}
	core := res["core"]
	WriteJSON(w, http.StatusOK, map[string]any{"resources": res, "rate": core})
}
