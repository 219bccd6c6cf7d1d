package fakegithub

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The App's JSON web tokens, checked as GitHub documents ("Generating a
// JSON Web Token (JWT) for a GitHub App", docAuthApp).

// isAppPath reports whether a REST path (prefix removed) is an App
// endpoint, which only a JWT may call.
func isAppPath(p string) bool { return p == "/app" || strings.HasPrefix(p, "/app/") }

type appKey struct{}

func appOf(r *http.Request) *appState {
	a, _ := r.Context().Value(appKey{}).(*appState)
	return a
}

// authenticateApp verifies the App's JWT as GitHub does (see verifyJWT);
// failures answer 401 with GitHub's message.
func (g *GitHub) authenticateApp(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := stateOf(r)
		if st.token == "" {
			WriteError(w, http.StatusUnauthorized, MsgRequiresAuthentication, docAuthApp)
			return
		}
		g.mu.Lock()
		app, msg := g.verifyJWT(st.token)
		g.mu.Unlock()
		if app == nil {
			WriteError(w, http.StatusUnauthorized, msg, docAuthApp)
			return
		}
		st.tok = app.jwtTok
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), appKey{}, app)))
	})
}

// jwtSkew is how far in the future GitHub accepts a JWT's iat, for clock
// drift.
const jwtSkew = 60 * time.Second

// verifyJWT checks an App JWT: three base64url parts, header alg RS256,
// iss an App id or client id (string or number) of a registered App, an
// RS256 signature made with that App's key, integer iat no more than 60 s
// in the future, integer exp in the future and at most 10 minutes after
// iat. It returns the App, or the message to refuse with; caller holds
// g.mu.
func (g *GitHub) verifyJWT(tok string) (*appState, string) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, MsgJWTUndecodable
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if !decodeJWTPart(parts[0], &header) || header.Alg != "RS256" {
		return nil, MsgJWTUndecodable
	}
	var claims map[string]any
	if !decodeJWTPart(parts[1], &claims) {
		return nil, MsgJWTUndecodable
	}
	app, msg := g.jwtIssuer(claims["iss"])
	if app == nil {
		return nil, msg
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, MsgJWTUndecodable
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(app.key, crypto.SHA256, digest[:], sig) != nil {
		return nil, MsgJWTUndecodable
	}
	now := g.now()
	iat, ok := jwtInt(claims["iat"])
	if !ok || time.Unix(iat, 0).After(now.Add(jwtSkew)) {
		return nil, MsgJWTIssuedAt
	}
	exp, ok := jwtInt(claims["exp"])
	if !ok || !time.Unix(exp, 0).After(now) {
		return nil, MsgJWTExpired
	}
	if exp-iat > int64((10 * time.Minute).Seconds()) {
		return nil, MsgJWTExpTooFar
	}
	return app, ""
}

func decodeJWTPart(s string, v any) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return false
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	return dec.Decode(v) == nil
}

// jwtIssuer finds the App an iss claim names.
func (g *GitHub) jwtIssuer(iss any) (*appState, string) {
	var s string
	switch v := iss.(type) {
	case string:
		s = v
	case json.Number:
		s = v.String()
	default:
		return nil, MsgJWTIssuer
	}
	if s == "" {
		return nil, MsgJWTIssuer
	}
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		if a := g.w.apps.apps[id]; a != nil {
			return a, ""
		}
		return nil, MsgIntegrationNotFound
	}
	for _, a := range g.w.apps.apps {
		if a.ClientID == s {
			return a, ""
		}
	}
	return nil, MsgIntegrationNotFound
}

// jwtInt reads an integral NumericDate.
func jwtInt(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}
