package schematest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/internal/githubdesc"
)

// GitHub's REST description is checked with kin-openapi, the most used
// OpenAPI 3 library for Go: it resolves the description's many $refs,
// routes a request to its operation, and checks parameters, bodies,
// status codes and response bodies against the schemas, so that none of
// that is written (and got wrong) here.

var (
	restOnce   sync.Once
	restDoc    *openapi3.T
	restRouter routers.Router
	restErr    error
)

// REST returns GitHub's REST description and a router over it, loaded once.
func REST() (*openapi3.T, routers.Router, error) {
	restOnce.Do(func() {
		l := openapi3.NewLoader()
		doc, err := l.LoadFromData(githubdesc.RESTOpenAPI)
		if err != nil {
			restErr = fmt.Errorf("load GitHub's REST description: %w", err)
			return
		}
		// GitHub's own examples do not all match its schemas.
		if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
			restErr = fmt.Errorf("GitHub's REST description: %w", err)
			return
		}
		r, err := gorillamux.NewRouter(doc)
		if err != nil {
			restErr = fmt.Errorf("route GitHub's REST description: %w", err)
			return
		}
		restDoc, restRouter = doc, r
	})
	return restDoc, restRouter, restErr
}

// Statuses GitHub may answer to any REST operation, whether or not the
// operation lists them, always with its basic error body
// ({"message", "documentation_url"}):
//
//   - 401 for a missing or bad credential ("Troubleshooting the REST API",
//     https://docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api);
//   - 403 for a credential without the permission, and 403 or 429 for a
//     primary or secondary rate limit ("Rate limits for the REST API",
//     https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api:
//     "you will receive a 403 or 429 response");
//   - 5xx when GitHub fails (the same troubleshooting page).
var anyOperation = []int{401, 403, 429, 500, 502, 503, 504}

// Checker validates REST traffic against GitHub's description and
// remembers every problem it finds.
type Checker struct {
	mu       sync.Mutex
	problems []string
	seen     map[string]bool
	checked  int
}

// CheckREST returns a middleware for fakegithub.GitHub.Use that checks every
// REST request reaching the fake, and every answer it gives, against
// GitHub's REST description: an operation the description does not have, a
// parameter or body it does not allow, a status it does not list (beyond
// anyOperation), a missing required field or a wrong type in an answer
// are all problems. Install it first, so that it also sees the answers of
// fault injectors.
func (c *Checker) CheckREST(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, fakegithub.RESTPrefix+"/") {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			c.problem("read request body of %s %s: %v", r.Method, r.URL.Path, err)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &teeWriter{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		c.check(r, body, rec)
	})
}

// check validates one exchange.
func (c *Checker) check(r *http.Request, reqBody []byte, rec *teeWriter) {
	doc, router, err := REST()
	if err != nil {
		c.problem("%v", err)
		return
	}
	// Route as if on api.github.com, where the description's server is.
	u := &url.URL{Scheme: "https", Host: "api.github.com",
		Path: strings.TrimPrefix(r.URL.Path, fakegithub.RESTPrefix), RawQuery: r.URL.RawQuery}
	req := r.Clone(context.Background())
	req.URL, req.Host, req.RequestURI = u, u.Host, ""
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	what := r.Method + " " + u.Path
	route, params, err := router.FindRoute(req)
	if err != nil {
		c.problem("%s: not an operation of GitHub's REST description: %v", what, err)
		return
	}
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		c.problem("request %s does not match GitHub's description: %v", what, firstLine(err.Error()))
	}
	status := rec.status
	if status == 0 {
		if rec.body.Len() == 0 {
			return // no answer was given (the connection was dropped or held)
		}
		status = http.StatusOK
	}
	c.mu.Lock()
	c.checked++
	c.mu.Unlock()
	if route.Operation.Responses.Status(status) == nil && route.Operation.Responses.Default() == nil {
		if !slices.Contains(anyOperation, status) {
			c.problem("%s answered %d, a status GitHub's description does not list for it", what, status)
			return
		}
		c.checkBasicError(doc, what, status, rec.body.Bytes())
		return
	}
	c.checkAnswer(route.Operation, what, status, rec)
}

// checkAnswer checks an answer's content type and body against the
// schema the operation gives for its status. (openapi3filter's
// ValidateResponse decodes the body its own way and then refuses valid
// anyOf values, such as an installation's account, so the body is decoded
// with encoding/json and checked with the schema's own VisitJSON.)
func (c *Checker) checkAnswer(op *openapi3.Operation, what string, status int, rec *teeWriter) {
	if schema := errata(op, status); schema != nil {
		c.checkBody(schema, what, status, rec.body.Bytes())
		return
	}
	ref := op.Responses.Status(status)
	if ref == nil {
		ref = op.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return
	}
	body := rec.body.Bytes()
	if len(ref.Value.Content) == 0 {
		if len(bytes.TrimSpace(body)) > 0 {
			c.problem("answer %d to %s has a body; GitHub's description says it has none", status, what)
		}
		return
	}
	mt := ref.Value.Content.Get(rec.Header().Get("Content-Type"))
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		c.problem("answer %d to %s has content type %q, which GitHub's description does not give", status, what, rec.Header().Get("Content-Type"))
		return
	}
	c.checkBody(mt.Schema.Value, what, status, body)
}

func (c *Checker) checkBody(schema *openapi3.Schema, what string, status int, body []byte) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		c.problem("answer %d to %s is not JSON: %v", status, what, err)
		return
	}
	if err := schema.VisitJSON(v, openapi3.VisitAsResponse()); err != nil {
		c.problem("answer %d to %s does not match GitHub's description: %v", status, what, firstLine(err.Error()))
	}
}

// errata returns the schema to use instead of the one GitHub's description
// gives for an answer, where that one is wrong, or nil. There is one:
// GET /app/installations inlines the installation's account as allOf
// [simple user, enterprise], which no account can be (an organization's
// account has no enterprise "name"); the "installation" component, and
// GET /app/installations/{id}, say anyOf.
func errata(op *openapi3.Operation, status int) *openapi3.Schema {
	if op.OperationID != "apps/list-installations" || status != http.StatusOK {
		return nil
	}
	doc, _, _ := REST()
	inst := doc.Components.Schemas["installation"]
	if inst == nil {
		return nil
	}
	return openapi3.NewArraySchema().WithItems(inst.Value)
}

// firstLine keeps an error's first line: kin-openapi appends whole schemas.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// checkBasicError checks an answer with a status any operation may give.
func (c *Checker) checkBasicError(doc *openapi3.T, what string, status int, body []byte) {
	if status >= 500 && len(bytes.TrimSpace(body)) == 0 {
		return
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		c.problem("answer %d to %s is not JSON: %v", status, what, err)
		return
	}
	ref := doc.Components.Schemas["basic-error"]
	if ref == nil || ref.Value == nil {
		c.problem("GitHub's description has no basic-error schema")
		return
	}
	if err := ref.Value.VisitJSON(v); err != nil {
		c.problem("answer %d to %s is not GitHub's basic error: %v", status, what, err)
		return
	}
	if m, _ := v.(map[string]any); m == nil || m["message"] == nil {
		c.problem("answer %d to %s has no message", status, what)
	}
}

func (c *Checker) problem(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if !c.seen[msg] {
		c.seen[msg] = true
		c.problems = append(c.problems, msg)
	}
}

// Problems returns every distinct problem found so far.
func (c *Checker) Problems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.problems)
}

// Checked counts the REST exchanges checked.
func (c *Checker) Checked() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.checked
}

// Attach makes gh judged by GitHub's descriptions for the rest of t: every
// REST exchange through CheckREST (installed now, so call Attach before
// any other Use or InjectFaults), and every GraphQL document it received
// against the full schema when t ends. End-to-end tests call it when they
// build their fake.
func Attach(t testing.TB, gh *fakegithub.GitHub) *Checker {
	t.Helper()
	if _, _, err := REST(); err != nil {
		t.Fatal(err)
	}
	Require(t)
	c := &Checker{}
	gh.Use(c.CheckREST)
	t.Cleanup(func() {
		for _, p := range c.Problems() {
			t.Errorf("GitHub's REST description: %s", p)
		}
		ValidateDocuments(t, gh.GraphQLDocuments())
	})
	return c
}

// teeWriter passes an answer through and keeps a copy of it.
type teeWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (t *teeWriter) WriteHeader(code int) {
	if t.status == 0 {
		t.status = code
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *teeWriter) Write(b []byte) (int, error) {
	if t.status == 0 {
		t.status = http.StatusOK
	}
	t.body.Write(b)
	return t.ResponseWriter.Write(b)
}

func (t *teeWriter) Flush() {
	if f, ok := t.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (t *teeWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }
