package fakegithub

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// This file is `snekomatic fake-github`'s server: a world served on a
// listener with every request logged. It adds no GitHub behaviour.

// Serving is a fake serving a world, with the tokens to use it.
type Serving struct {
	*GitHub
	World *World
	// Tokens are the world's tokens, or one made up when it has none.
	Tokens []WorldToken
	// Apps are the world's Apps with their keys; WriteAppKeys writes the
	// keys to files (worldfile_keys.go).
	Apps     []BuiltApp
	keyFiles *AppKeyFiles
}

// ServeWorld serves w on l with now as the clock, logging every request
// to log (method, path, status, kind and, for GraphQL, the top-level
// fields and variables; never the token). A world without tokens gets one
// made up, owned by DefaultTokenOwner. Close the server when done.
func ServeWorld(l net.Listener, w *World, now func() time.Time, log *slog.Logger) (*Serving, error) {
	gh := NewServerOn(l)
	gh.SetClock(now)
	// The logger goes first so that it is outermost and also sees the
	// requests the world's faults answer.
	gh.Use(RequestLogger(log))
	built, err := gh.AddWorld(w, now().UTC())
	if err != nil {
		gh.Close()
		return nil, err
	}
	tokens := built.Tokens
	if len(tokens) == 0 {
		tok, err := randomToken()
		if err != nil {
			gh.Close()
			return nil, err
		}
		gh.AddToken(tok)
		tokens = []WorldToken{{Value: tok, User: DefaultTokenOwner}}
	}
	return &Serving{GitHub: gh, World: w, Tokens: tokens, Apps: built.Apps}, nil
}

// WriteBanner says where s serves what (src names the world), the tokens
// and a command to try, and that every request is logged.
func (s *Serving) WriteBanner(out io.Writer, src, defaultOrg string) {
	fmt.Fprintf(out, "Fake GitHub serving %s at %s (in memory; not GitHub: nothing leaves this machine)\n", src, s.URL())
	fmt.Fprintf(out, "  REST API:  %s\n", s.RESTURL())
	fmt.Fprintf(out, "  GraphQL:   %s\n", s.GraphQLURL())
	for _, t := range s.Tokens {
		fmt.Fprintf(out, "  token:     %s  (user %s%s)\n", t.Value, t.User, tokenScope(s.World, t))
	}
	s.writeApps(out)
	org := defaultOrg
	if len(s.World.Orgs) > 0 {
		org = s.World.Orgs[0].Login
	}
	fmt.Fprintf(out, "Try:\n  GITHUB_TOKEN=%s snekomatic reconcile --org %s --api-url %s --state fake-state.json\n",
		s.Tokens[0].Value, org, s.RESTURL())
	s.writeAppMode(out)
	fmt.Fprintf(out, "Every request is logged to stderr. Stop with Ctrl-C.\n")
}

// tokenScope says what a token's user owns, so the user knows whether it
// can invite (only organization owners can).
func tokenScope(w *World, t WorldToken) string {
	var owns []string
	for _, o := range w.Orgs {
		if slices.ContainsFunc(o.Members, func(m WorldMember) bool {
			return strings.EqualFold(m.Login, t.User) && m.Role == "admin"
		}) {
			owns = append(owns, o.Login)
		}
	}
	s := ", owner of no organization: it cannot invite"
	if len(owns) > 0 {
		s = ", owner of " + strings.Join(owns, ", ")
	}
	if len(t.Orgs) > 0 {
		s += "; limited to " + strings.Join(t.Orgs, ", ")
	}
	return s
}

func randomToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a token: %w", err)
	}
	return "ghp_fake" + hex.EncodeToString(b), nil
}

// RequestLogger logs each request once it is answered: method, path,
// status, kind and, for GraphQL, the top-level fields and variables. The
// token is never logged.
func RequestLogger(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			attrs := []any{"method", r.Method, "path", r.URL.Path}
			if r.URL.RawQuery != "" {
				attrs = append(attrs, "query", r.URL.RawQuery)
			}
			attrs = append(attrs, "kind", KindOf(r).String())
			if KindOf(r) == KindGraphQL && r.Body != nil {
				body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
				r.Body = io.NopCloser(bytes.NewReader(body))
				attrs = append(attrs, graphQLAttrs(body)...)
			}
			sw := &StatusWriter{ResponseWriter: w}
			defer func() {
				if p := recover(); p != nil {
					// A hung-response fault drops the connection by panicking
					// with http.ErrAbortHandler; log it, then let it through.
					log.Info("request", append(attrs, "status", "no answer (connection dropped)")...)
					panic(p)
				}
				log.Info("request", append(attrs, "status", sw.Status())...)
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// graphQLAttrs describes a GraphQL request body for the log.
func graphQLAttrs(body []byte) []any {
	var req struct {
		Query     string          `json:"query"`
		Variables json.RawMessage `json:"variables"`
	}
	if json.Unmarshal(body, &req) != nil {
		return nil
	}
	var attrs []any
	if doc, err := parser.ParseQuery(&ast.Source{Input: req.Query}); err == nil {
		var fields []string
		for _, op := range doc.Operations {
			for _, sel := range op.SelectionSet {
				if f, ok := sel.(*ast.Field); ok {
					fields = append(fields, f.Name)
				}
			}
		}
		attrs = append(attrs, "fields", strings.Join(fields, ","))
	}
	if len(req.Variables) > 0 && string(req.Variables) != "null" {
		var compact bytes.Buffer
		if json.Compact(&compact, req.Variables) == nil {
			attrs = append(attrs, "variables", compact.String())
		}
	}
	return attrs
}
