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
// JSON Web Token (JWT) for a GitHub App").

// docAuthApp answers a missing or refused JWT.
const docAuthApp = "https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app"

// isAppPath reports whether a REST path (prefix removed) is an App
// endpoint, which only a JWT may call.
func isAppPath(p string) bool { return p == "/app" || strings.HasPrefix(p, "/app/") }

// Messages of refused JWTs.
const (
	// MsgJWTUndecodable is the 401 message for a bearer token on an App
	// endpoint that is not a JWT, is not RS256, or whose signature does
	// not verify with the App's public key.
	MsgJWTUndecodable = "A JSON web token could not be decoded"
	// MsgJWTExpTooFar is the 401 message for a JWT whose exp is more than
	// ten minutes after its iat.
	MsgJWTExpTooFar = "'Expiration time' claim ('exp') is too far in the future"
	// MsgJWTExpired is the 401 message for a JWT whose exp is missing, not
	// an integer, or not in the future.
	MsgJWTExpired = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
	// MsgJWTIssuedAt is the 401 message for a JWT whose iat is missing, not
	// an integer, or more than 60 seconds in the future.
	MsgJWTIssuedAt = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
	// MsgJWTIssuer is the 401 message for a JWT without a usable iss.
	MsgJWTIssuer = "'Issuer' claim ('iss') must be an Integer"
	// MsgIntegrationNotFound is the 401 message for a JWT whose iss names
	// no registered App (by id or client id).
	MsgIntegrationNotFound = "Integration not found"
)

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
