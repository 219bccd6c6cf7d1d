package schematest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/python-trio/snekomatic/internal/fakegithub"
)

func TestSchemaLoadsAndRejectsBadDocuments(t *testing.T) {
	s := Require(t)
	if err := Validate(s, `query { viewer { login } rateLimit { cost remaining resetAt } }`); err != nil {
		t.Errorf("a valid document was rejected: %v", err)
	}
	if err := Validate(s, `query { viewer { noSuchField } }`); err == nil {
		t.Errorf("a document with an unknown field was accepted")
	}
}

// TestCheckRESTJudgesAgainstGitHubsDescription sends exchanges that GitHub's
// description allows and some it does not, through the checker alone.
func TestCheckRESTJudgesAgainstGitHubsDescription(t *testing.T) {
	tests := []struct {
		name, method, path, reqBody string
		status                      int
		respBody                    string
		want                        string // "" for no problem
	}{
		{"documented 404", "GET", "/orgs/acme", "", 404,
			`{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`, ""},
		{"secondary limit on any operation", "POST", "/orgs/acme/invitations", `{"invitee_id":1}`, 403,
			`{"message":"You have exceeded a secondary rate limit.","documentation_url":"https://docs.github.com/rest"}`, ""},
		{"undocumented status", "GET", "/orgs/acme", "", 418, `{"message":"teapot"}`, "does not list"},
		{"unknown operation", "GET", "/orgs/acme/teapots", "", 200, `[]`, "not an operation"},
		{"wrong request body type", "POST", "/orgs/acme/invitations", `{"invitee_id":"one"}`, 422,
			`{"message":"Validation Failed","documentation_url":"https://docs.github.com/rest"}`, "request POST"},
		{"answer without a required field", "GET", "/orgs/acme/memberships/alice", "", 200,
			`{"state":"active"}`, "does not match"},
		{"error body without a message", "GET", "/orgs/acme", "", 502, `{"oops":true}`, "no message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Checker{}
			h := c.CheckREST(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.ReadAll(r.Body)
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.respBody)
			}))
			req := httptest.NewRequest(tt.method, fakegithub.RESTPrefix+tt.path, strings.NewReader(tt.reqBody))
			if tt.reqBody != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			got := strings.Join(c.Problems(), "\n")
			switch {
			case tt.want == "" && got != "":
				t.Errorf("problems: %s", got)
			case tt.want != "" && !strings.Contains(got, tt.want):
				t.Errorf("problems = %q, want one containing %q", got, tt.want)
			}
		})
	}
}
