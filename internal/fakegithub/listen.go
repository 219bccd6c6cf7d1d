package fakegithub

import (
	"net"
	"net/http"
	"net/http/httptest"
)

// NewServerOn starts a fake serving on l (for a standalone server on a
// port of the user's choosing); the caller must Close it, which also
// closes l. URLs in responses are built from l's address.
func NewServerOn(l net.Listener) *GitHub {
	g := newGitHub()
	// An httptest.Server given its own listener serves on it as is; keeping
	// httptest means Close behaves the same as in tests (hung requests are
	// dropped, not waited for).
	g.srv = &httptest.Server{Listener: l, Config: &http.Server{Handler: g}}
	g.srv.Start()
	return g
}
