package fakegithub

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// buildAPI assembles the fixed inner chain:
//
//	prefix routing → authenticate → rateLimit → endpoint
//
// REST endpoints are the rows of restRoutes (routes.go), App endpoints
// among them; GraphQL is serveGraphQL (graphql.go). Anything outside RESTPrefix and GraphQLPath
// answers 404.
func (g *GitHub) buildAPI() http.Handler {
	rest := g.authenticate(g.rateLimit(g.restRouter(false, "")))
	gql := g.authenticate(g.rateLimit(http.HandlerFunc(g.serveGraphQL)))
	app := g.authenticateApp(g.rateLimit(g.restRouter(true, docApps))) // app_jwt.go
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case p == GraphQLPath:
			gql.ServeHTTP(w, r)
		case strings.HasPrefix(p, RESTPrefix+"/"):
			r2 := r.Clone(r.Context())
			r2.URL.Path = strings.TrimPrefix(p, RESTPrefix)
			r2.URL.RawPath = ""
			if isAppPath(r2.URL.Path) {
				app.ServeHTTP(w, r2)
				return
			}
			rest.ServeHTTP(w, r2)
		default:
			writeNotFound(w, "")
		}
	})
}

// authenticate resolves the token; missing or unknown tokens answer 401.
func (g *GitHub) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := stateOf(r)
		graphql := st.kind == KindGraphQL
		if st.token == "" {
			if graphql {
				WriteError(w, http.StatusUnauthorized, MsgGraphQLRequiresAuthentication, docGraphQLAuth)
			} else {
				WriteError(w, http.StatusUnauthorized, MsgRequiresAuthentication, docREST)
			}
			return
		}
		g.mu.Lock()
		t := g.w.tokens[st.token]
		if t != nil {
			if a := g.w.accounts[t.ownerID]; a == nil || a.deleted {
				t = nil
			}
		}
		var refusal int
		var refusalMsg string
		if t != nil && t.inst != nil {
			refusal, refusalMsg = g.installationTokenRefusal(t) // app_permissions.go
		}
		g.mu.Unlock()
		doc := docREST
		if graphql {
			doc = docGraphQL
		}
		if refusal != 0 {
			WriteError(w, refusal, refusalMsg, doc)
			return
		}
		if t == nil {
			WriteError(w, http.StatusUnauthorized, MsgBadCredentials, doc)
			return
		}
		st.tok = t
		next.ServeHTTP(w, r)
	})
}

// Rate-limit resources and their limits per window.
var rateLimits = map[string]struct {
	limit  int
	window time.Duration
}{
	"core":    {5000, time.Hour},
	"graphql": {5000, time.Hour},
	"search":  {30, time.Minute},
}

// rateWindow is one token's usage of one resource.
type rateWindow struct {
	resource string
	limit    int
	used     int
	reset    time.Time
}

func (rw *rateWindow) remaining() int {
	if rw.used >= rw.limit {
		return 0
	}
	return rw.limit - rw.used
}

// window returns the token's current window for a resource, starting a new
// one when the old has passed; caller holds g.mu.
func (g *GitHub) window(t *tokenState, resource string) *rateWindow {
	now := g.now()
	rw := t.rates[resource]
	if rw == nil || !now.Before(rw.reset) {
		l := rateLimits[resource]
		rw = &rateWindow{resource: resource, limit: l.limit, reset: now.Add(l.window).Truncate(time.Second)}
		if old := t.rates[resource]; old != nil {
			rw.limit = old.limit
		}
		t.rates[resource] = rw
	}
	return rw
}

func setRateHeaders(h http.Header, rw *rateWindow) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(rw.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(rw.remaining()))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(rw.reset.Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(rw.used))
	h.Set("X-RateLimit-Resource", rw.resource)
}

func (g *GitHub) rateLimitMessage(t *tokenState) string {
	if t.inst != nil {
		return fmt.Sprintf("API rate limit exceeded for installation ID %d.", t.inst.id)
	}
	return fmt.Sprintf("API rate limit exceeded for user ID %d.", t.ownerID)
}

// rateLimit sets the x-ratelimit-* headers and refuses requests once the
// token's window is used up: REST answers 403 with remaining 0 (which
// go-github turns into a *RateLimitError); GraphQL answers 200 with a
// RATE_LIMITED error. REST requests cost 1 (GET /rate_limit is free);
// GraphQL requests are charged their computed cost by serveGraphQL.
func (g *GitHub) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := stateOf(r)
		resource := "core"
		if st.kind == KindGraphQL {
			resource = "graphql"
		}
		g.mu.Lock()
		rw := g.window(st.tok, resource)
		exhausted := rw.remaining() == 0
		if !exhausted && resource == "core" && st.path != RESTPrefix+"/rate_limit" {
			rw.used++
		}
		setRateHeaders(w.Header(), rw)
		msg := g.rateLimitMessage(st.tok)
		g.mu.Unlock()
		if exhausted {
			if resource == "graphql" {
				WriteGraphQLErrors(w, &GraphQLError{Type: "RATE_LIMITED", Message: msg})
			} else {
				WriteError(w, http.StatusForbidden, msg, docRateLimit)
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

// SetRateLimitRemaining sets how many requests (REST resource "core") or
// points ("graphql") a token has left in its current window; 0 makes the
// next request fail as rate limited.
func (g *GitHub) SetRateLimitRemaining(token, resource string, remaining int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	rw := g.tokenWindow(token, resource)
	rw.used = max(rw.limit-remaining, 0)
}

// SetRateLimit changes the size of a token's window for a resource, for
// example to let a benchmark send more than GitHub would allow in an hour.
func (g *GitHub) SetRateLimit(token, resource string, limit int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.tokenWindow(token, resource).limit = limit
}

// tokenWindow is a token's current window for a resource; it panics on a
// token or resource the test never set up. The caller holds g.mu.
func (g *GitHub) tokenWindow(token, resource string) *rateWindow {
	t := g.w.tokens[token]
	if t == nil {
		panic(fmt.Sprintf("fakegithub: unknown token %q", token))
	}
	if _, ok := rateLimits[resource]; !ok {
		panic(fmt.Sprintf("fakegithub: unknown rate-limit resource %q", resource))
	}
	return g.window(t, resource)
}

// RateLimit reports a token's current window for a resource ("core",
// "graphql" or "search").
func (g *GitHub) RateLimit(token, resource string) (limit, remaining, used int, reset time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	t := g.w.tokens[token]
	if t == nil {
		panic(fmt.Sprintf("fakegithub: unknown token %q", token))
	}
	rw := g.window(t, resource)
	return rw.limit, rw.remaining(), rw.used, rw.reset
}
