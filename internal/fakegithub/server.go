package fakegithub

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// Path prefixes the fake serves, as GitHub Enterprise Server does. A
// client that uses absolute github.com URLs, or forgets the prefix, gets
// 404s (or fails to connect) instead of silently working.
const (
	RESTPrefix  = "/api/v3"
	GraphQLPath = "/api/graphql"
)

// GitHub is an in-memory fake of the parts of GitHub's REST and GraphQL APIs
// that snekomatic uses, served over HTTP on 127.0.0.1. All methods are safe
// for concurrent use.
type GitHub struct {
	srv     *httptest.Server
	closing chan struct{}
	once    sync.Once

	schema    *ast.Schema
	resolvers resolverMap

	// chain is the current handler: Use middlewares around g.api.
	chain atomic.Pointer[http.Handler]
	// api is the fixed inner chain: prefix routing → auth → rate limit →
	// endpoint.
	api http.Handler

	// mu guards everything below, and the world.
	mu       sync.Mutex
	w        *world
	clock    func() time.Time
	mws      []func(http.Handler) http.Handler
	requests []Request
	docs     []string
	docSeen  map[string]bool
	reqSeq   uint64
	reqGen   uint64 // bumped by ResetRequests

	// settings are what tests turned with the Set... methods.
	settings settings
	// content is the content-creation limits' setting and count, under
	// a lock of its own (secondary.go).
	content *contentLimits
}

// settings are a fake's switches away from GitHub's default behaviour,
// each set by a method that says what it turns; guarded by GitHub.mu.
type settings struct {
	// anyoneInvites turns off the owners-only rule for invitations
	// (SetOwnersOnlyInvitations).
	anyoneInvites bool
	// anyoneSeesPending turns off the owners-only view of pending
	// invitations (SetPendingInvitationsOwnersOnly), and refusedFields
	// holds the GraphQL fields RefuseGraphQLField refuses ("Type.field").
	anyoneSeesPending bool
	refusedFields     map[string]bool
	// invitationCaps holds the caps SetInvitationCap set, by organization
	// id; an organization not in it has DefaultInvitationCap (caps.go).
	invitationCaps map[int64]int
	// tokenTTL is how long new installation tokens live
	// (SetInstallationTokenTTL).
	tokenTTL time.Duration
	// indexLag is how far search lags behind the world (SetIndexLag).
	indexLag time.Duration
}

// New starts a fake on 127.0.0.1 and closes it when the test ends.
func New(t testing.TB) *GitHub {
	t.Helper()
	g := NewServer()
	t.Cleanup(g.Close)
	return g
}

// NewServer starts a fake on 127.0.0.1; the caller must Close it.
func NewServer() *GitHub {
	g := newGitHub()
	g.srv = httptest.NewServer(g)
	return g
}

func newGitHub() *GitHub {
	g := &GitHub{
		closing: make(chan struct{}),
		w:       newWorld(),
		clock:   time.Now,
		docSeen: map[string]bool{},
		schema:  loadSchema(),
		content: newContentLimits(),
		settings: settings{
			refusedFields:  map[string]bool{},
			invitationCaps: map[int64]int{},
			tokenTTL:       DefaultInstallationTokenTTL,
		},
	}
	g.resolvers = g.withVisibility(g.withInstallationPermissions(g.newResolvers()))
	g.api = g.buildAPI()
	g.rebuildChain()
	return g
}

// Close stops the server. It first signals Closing and drops client
// connections, so that a deliberately hung handler cannot block it.
func (g *GitHub) Close() {
	g.once.Do(func() {
		close(g.closing)
		if g.srv != nil {
			g.srv.CloseClientConnections()
			g.srv.Close()
		}
	})
}

// Closing is closed when Close starts. Middlewares that hold a response
// open (hung-response faults) should also give up when it is closed.
func (g *GitHub) Closing() <-chan struct{} { return g.closing }

// URL returns the server root, e.g. http://127.0.0.1:PORT. Web URLs in
// responses (html_url, GraphQL url) are under it too, as on GitHub
// Enterprise Server.
func (g *GitHub) URL() string { return g.srv.URL }

// RESTURL returns the REST base URL, URL()+"/api/v3/", suitable for
// go-github's WithEnterpriseURLs.
func (g *GitHub) RESTURL() string { return g.srv.URL + RESTPrefix + "/" }

// GraphQLURL returns the GraphQL endpoint, URL()+"/api/graphql", suitable
// for githubv4.NewEnterpriseClient.
func (g *GitHub) GraphQLURL() string { return g.srv.URL + GraphQLPath }

// Client returns an *http.Client that sends "Authorization: Bearer token"
// on every request (any token added with AddToken).
func (g *GitHub) Client(token string) *http.Client {
	return &http.Client{Transport: &TokenTransport{Token: token}, Timeout: 30 * time.Second}
}

// TokenTransport is an http.RoundTripper that adds a bearer token.
type TokenTransport struct {
	Token string
	// Base is the underlying transport; nil means http.DefaultTransport.
	Base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *TokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+t.Token)
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r)
}

// Handler returns the fake's complete handler (recording, Use middlewares,
// routing, auth, rate limits, endpoints), for serving it some other way.
func (g *GitHub) Handler() http.Handler { return g }

// Use wraps the whole API handler in mw; it is the hook point for fault
// injection (502s, secondary rate limits, latency, hung responses). The
// first middleware added is the outermost. Middlewares see every request,
// before authentication, and may answer on the fake's behalf (see
// WriteError, WriteGraphQLErrors); requests they answer are still recorded
// with the status they wrote. KindOf and TokenOf tell a middleware what a
// request is. Use may be called while the server runs.
func (g *GitHub) Use(mw func(http.Handler) http.Handler) {
	g.mu.Lock()
	g.mws = append(g.mws, mw)
	g.mu.Unlock()
	g.rebuildChain()
}

func (g *GitHub) rebuildChain() {
	g.mu.Lock()
	mws := append([]func(http.Handler) http.Handler(nil), g.mws...)
	g.mu.Unlock()
	h := g.api
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	g.chain.Store(&h)
}

// SetClock sets the fake's notion of now (default time.Now). It is used
// for created_at of new objects, search index lag, and rate-limit windows.
// now must not call back into g.
func (g *GitHub) SetClock(now func() time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.clock = now
}

// now returns the clock's time in UTC; caller holds g.mu.
func (g *GitHub) now() time.Time { return g.clock().UTC() }

// Kind classifies a request for accounting.
type Kind int

// Request kinds.
const (
	// KindGraphQL is any request to the GraphQL endpoint.
	KindGraphQL Kind = iota + 1
	// KindRESTRead is a REST GET or HEAD (or OPTIONS).
	KindRESTRead
	// KindRESTWrite is a REST POST, PUT, PATCH or DELETE.
	KindRESTWrite
)

// String returns "graphql", "rest-read" or "rest-write".
func (k Kind) String() string {
	switch k {
	case KindGraphQL:
		return "graphql"
	case KindRESTRead:
		return "rest-read"
	case KindRESTWrite:
		return "rest-write"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

func kindFor(r *http.Request) Kind {
	if r.URL.Path == GraphQLPath {
		return KindGraphQL
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return KindRESTRead
	}
	return KindRESTWrite
}

// Request is one recorded request.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path as received, prefix included
	// (e.g. "/api/v3/orgs/acme/invitations" or "/api/graphql").
	Path string
	// Query is the raw query string.
	Query string
	// Kind classifies the request.
	Kind Kind
	// Token is the token sent (Bearer or token scheme), valid or not.
	Token string
	// Status is the HTTP status answered (0 while in flight).
	Status int
	// GraphQL is the document of a GraphQL request.
	GraphQL string
	// Variables are the GraphQL variables (JSON numbers become int64 when
	// integral, float64 otherwise).
	Variables map[string]any
	// At is when it arrived, by the fake's clock.
	At time.Time
}

// reqState travels in the request context.
type reqState struct {
	idx   int
	gen   uint64
	kind  Kind
	token string
	path  string      // original URL path
	tok   *tokenState // set by auth
}

type stateKey struct{}

func stateOf(r *http.Request) *reqState {
	st, _ := r.Context().Value(stateKey{}).(*reqState)
	if st == nil {
		st = &reqState{idx: -1, kind: kindFor(r), token: bearer(r), path: r.URL.Path}
	}
	return st
}

// KindOf reports how the fake classifies a request (for middlewares).
func KindOf(r *http.Request) Kind { return stateOf(r).kind }

// TokenOf returns the token a request carries, or "" (for middlewares).
func TokenOf(r *http.Request) string { return stateOf(r).token }

// bearer extracts the token from "Authorization: Bearer X" or "token X".
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok {
		return ""
	}
	switch strings.ToLower(scheme) {
	case "bearer", "token":
		return strings.TrimSpace(tok)
	}
	return ""
}

// StatusWriter is an http.ResponseWriter that remembers the status
// written, for middleware that logs or records it (the fake-github
// command's log uses it too).
type StatusWriter struct {
	http.ResponseWriter
	status int
}

func (s *StatusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *StatusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *StatusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *StatusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Status is the status the client gets: the one written, else 200, as
// net/http sends when a handler writes none.
func (s *StatusWriter) Status() int {
	if s.status == 0 {
		return http.StatusOK
	}
	return s.status
}

// ServeHTTP records the request, sets the headers GitHub sends on every
// response, and runs the chain.
func (g *GitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	st := &reqState{kind: kindFor(r), token: bearer(r), path: r.URL.Path}
	g.mu.Lock()
	g.expireDue() // world_orgs.go
	g.reqSeq++
	seq := g.reqSeq
	st.idx = len(g.requests)
	st.gen = g.reqGen
	g.requests = append(g.requests, Request{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Kind: st.kind, Token: st.token, At: g.now(),
	})
	g.mu.Unlock()

	h := w.Header()
	h.Set("X-GitHub-Request-Id", fmt.Sprintf("FA4E:%04X:%06X:%06X:%08X", seq%0xFFFF, seq*7919%0xFFFFFF, seq*104729%0xFFFFFF, seq))
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	h.Set("Server", "GitHub.com")

	sw := &StatusWriter{ResponseWriter: w}
	ctx := context.WithValue(r.Context(), stateKey{}, st)
	(*g.chain.Load()).ServeHTTP(sw, r.WithContext(ctx))

	status := sw.Status()
	g.mu.Lock()
	if st.gen == g.reqGen {
		g.requests[st.idx].Status = status
	}
	g.mu.Unlock()
}

// recordGraphQL stores the document and variables of a GraphQL request.
func (g *GitHub) recordGraphQL(st *reqState, doc string, vars map[string]any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if st.idx >= 0 && st.gen == g.reqGen {
		g.requests[st.idx].GraphQL = doc
		g.requests[st.idx].Variables = vars
	}
	if !g.docSeen[doc] {
		g.docSeen[doc] = true
		g.docs = append(g.docs, doc)
	}
}

// Requests returns copies of every request received, in arrival order.
func (g *GitHub) Requests() []Request {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]Request, len(g.requests))
	copy(out, g.requests)
	return out
}

// CountRequests counts the requests received by kind.
func (g *GitHub) CountRequests() map[Kind]int {
	g.mu.Lock()
	defer g.mu.Unlock()
	m := map[Kind]int{}
	for _, r := range g.requests {
		m[r.Kind]++
	}
	return m
}

// GraphQLDocuments returns the distinct GraphQL documents received, in
// order of first arrival (for validating them against the full schema).
func (g *GitHub) GraphQLDocuments() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.docs...)
}

// ResetRequests forgets the recorded requests (not the documents seen by
// GraphQLDocuments, nor rate-limit usage).
func (g *GitHub) ResetRequests() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.requests = nil
	g.reqGen++ // in-flight requests no longer update the log
}
