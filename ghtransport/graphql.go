package ghtransport

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/python-trio/snekomatic/internal/errtext"
)

// GraphQLError is one error of a GraphQL answer, with the type GitHub adds
// to it.
type GraphQLError struct {
	// Type is GitHub's error type: NOT_FOUND, FORBIDDEN, RATE_LIMITED,
	// INSUFFICIENT_SCOPES, ...; empty for errors without one (such as
	// validation errors).
	Type string
	// Message is GitHub's text.
	Message string
	// Path is the response path of the failing field: names and indexes.
	Path []any
}

// Error returns "TYPE: message" on one line.
func (e *GraphQLError) Error() string {
	msg := errtext.OneLine(e.Message)
	if e.Type == "" {
		return msg
	}
	return e.Type + ": " + msg
}

// GraphQLErrors is the error GraphQLErrorTypes returns: every error of the
// answer, at least one of them typed. errors.As finds each *GraphQLError
// in it.
type GraphQLErrors []*GraphQLError

// Error describes the first typed error and counts the others.
func (es GraphQLErrors) Error() string {
	if len(es) == 0 {
		return "GraphQL errors"
	}
	first := es[0]
	for _, e := range es {
		if e.Type != "" {
			first = e
			break
		}
	}
	if len(es) == 1 {
		return first.Error()
	}
	return fmt.Sprintf("%s (and %d more GraphQL errors)", first.Error(), len(es)-1)
}

// Unwrap returns the errors, typed ones first, for errors.As and errors.Is.
func (es GraphQLErrors) Unwrap() []error {
	out := make([]error, 0, len(es))
	for _, e := range es {
		if e.Type != "" {
			out = append(out, e)
		}
	}
	for _, e := range es {
		if e.Type == "" {
			out = append(out, e)
		}
	}
	return out
}

// Type returns the first error type in the list, or "".
func (es GraphQLErrors) Type() string {
	for _, e := range es {
		if e.Type != "" {
			return e.Type
		}
	}
	return ""
}

// GraphQLErrorTypes turns answers of the GraphQL endpoint that carry typed
// errors into GraphQLErrors, so that they survive githubv4.
type GraphQLErrorTypes struct {
	base http.RoundTripper
	o    Options
}

var _ http.RoundTripper = (*GraphQLErrorTypes)(nil)

// NewGraphQLErrorTypes wraps base (nil: http.DefaultTransport).
func NewGraphQLErrorTypes(base http.RoundTripper, o Options) *GraphQLErrorTypes {
	if base == nil {
		base = http.DefaultTransport
	}
	return &GraphQLErrorTypes{base: base, o: o.withDefaults()}
}

// maxGraphQLPeek caps how much of a GraphQL answer is read to look for
// errors and limits. Larger answers (far beyond snekomatic's pages) pass
// unread.
const maxGraphQLPeek = 16 << 20

// RoundTrip implements http.RoundTripper.
func (t *GraphQLErrorTypes) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.o.isGraphQL(req) {
		return t.base.RoundTrip(req)
	}
	req = withAnswerMemo(req)
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	ans, ok := graphQLAnswerOf(req, resp)
	if !ok || ans.errors.Type() == "" {
		return resp, nil
	}
	if pd, _ := req.Context().Value(partialDataKey{}).(*PartialData); pd != nil && ans.hasData && ans.errors.fieldErrorsOnly() {
		// The caller asked for partial data: the body goes on to githubv4,
		// which decodes the data and then returns the errors untyped, and
		// the typed errors wait here for the caller.
		pd.Errors = ans.errors
		return resp, nil
	}
	discard(resp)
	return nil, ans.errors
}

// PartialData receives the typed errors of a GraphQL answer that also
// carries data, for a caller that can use part of an answer; see
// WithPartialData.
type PartialData struct {
	// Errors are the errors of an answer handed through with its data;
	// nil when there was no such answer (no typed error, or the round
	// trip failed with them).
	Errors GraphQLErrors
}

type partialDataKey struct{}

// WithPartialData asks GraphQLErrorTypes to hand a GraphQL answer that has
// data and typed errors on some of its fields through to the caller (as
// the GraphQL spec means partial data to be used: "errors" name the fields
// that are null because they failed) instead of failing the round trip. The
// typed errors go into the returned PartialData, and githubv4 then returns
// its own untyped error after decoding the data, so the caller must look
// at PartialData.Errors whenever the query fails. Answers whose data is
// null, or with an error that names no field, fail as before.
func WithPartialData(ctx context.Context) (context.Context, *PartialData) {
	pd := &PartialData{}
	return context.WithValue(ctx, partialDataKey{}, pd), pd
}

// fieldErrorsOnly reports whether every error names the field it is about
// (a "path"): only then is the rest of the data known to be good.
func (es GraphQLErrors) fieldErrorsOnly() bool {
	for _, e := range es {
		if len(e.Path) == 0 {
			return false
		}
	}
	return len(es) > 0
}

// graphQLAnswer is what the transports need of a GraphQL answer.
type graphQLAnswer struct {
	errors GraphQLErrors
	// hasData is set when "data" is present and not null.
	hasData bool
	// message and documentationURL are the members of GitHub's plain error
	// body ({"message": ..., "documentation_url": ...}), which a
	// secondary rate limit on the GraphQL endpoint answers with.
	message, documentationURL string
}

// Each GraphQL answer is decoded once, however many layers of the stack
// look at it (the timeout in a 200 at the bottom, RATE_LIMITED in
// RateLimit, the error types at the top): the first layer to look decodes
// it and leaves it in an answerMemo in the request's context, and the
// layers above find it there, by the *http.Response it belongs to (Retry
// and RateLimit send several attempts, each with its own answer). The
// outermost layer of the stack adds the memo; a layer used on its own, with
// no memo, decodes for itself.

type answerMemoKey struct{}

type answerMemo struct {
	mu   sync.Mutex
	resp *http.Response
	ans  graphQLAnswer
	ok   bool
}

// withAnswerMemo returns req with an answer memo in its context: the one
// already there, or a new one.
func withAnswerMemo(req *http.Request) *http.Request {
	if _, ok := req.Context().Value(answerMemoKey{}).(*answerMemo); ok {
		return req
	}
	return req.WithContext(context.WithValue(req.Context(), answerMemoKey{}, &answerMemo{}))
}

// graphQLAnswerOf returns resp's answer to req, decoding it only if no
// layer below has; ok is false when the body is not a complete JSON object
// of at most maxGraphQLPeek bytes. The body is left intact.
func graphQLAnswerOf(req *http.Request, resp *http.Response) (graphQLAnswer, bool) {
	m, _ := req.Context().Value(answerMemoKey{}).(*answerMemo)
	if m == nil {
		return decodeGraphQL(resp)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.resp != resp {
		m.resp = resp
		m.ans, m.ok = decodeGraphQL(resp)
	}
	return m.ans, m.ok
}

// decodeGraphQL reads a GraphQL answer's errors, leaving the body intact.
// Only graphQLAnswerOf calls it.
func decodeGraphQL(resp *http.Response) (graphQLAnswer, bool) {
	if onDecode != nil {
		onDecode()
	}
	b, complete := peek(resp, maxGraphQLPeek)
	if !complete {
		return graphQLAnswer{}, false
	}
	var body struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Type    string `json:"type"`
			Message string `json:"message"`
			Path    []any  `json:"path"`
		} `json:"errors"`
		Message          string `json:"message"`
		DocumentationURL string `json:"documentation_url"`
	}
	if json.Unmarshal(b, &body) != nil {
		return graphQLAnswer{}, false
	}
	ans := graphQLAnswer{message: body.Message, documentationURL: body.DocumentationURL}
	d := strings.TrimSpace(string(body.Data))
	ans.hasData = d != "" && d != "null"
	for _, e := range body.Errors {
		ans.errors = append(ans.errors, &GraphQLError{Type: e.Type, Message: e.Message, Path: e.Path})
	}
	return ans, true
}

// onDecode, when set (by a test), is called for every GraphQL answer
// decoded.
var onDecode func()

// graphQLIsQuery reports whether the body of a GraphQL request holds only
// queries (and fragments), so that sending it twice is harmless. Anything
// it cannot make sense of counts as a mutation.
func graphQLIsQuery(body []byte) bool {
	var in struct {
		Query *string `json:"query"`
	}
	if json.Unmarshal(body, &in) != nil || in.Query == nil {
		return false
	}
	return onlyQueries(*in.Query)
}

// onlyQueries reports whether every top-level definition of a GraphQL
// document is a query ("query ..." or "{ ... }") or a fragment, and there
// is at least one query. It skips strings and comments and does not
// otherwise parse the document: a document the server would refuse does
// no harm either way.
func onlyQueries(doc string) bool {
	depth, parens := 0, 0
	expectDef, sawQuery := true, false
	for i := 0; i < len(doc); {
		c := doc[i]
		switch {
		case c == '#':
			for i < len(doc) && doc[i] != '\n' && doc[i] != '\r' {
				i++
			}
			continue
		case strings.HasPrefix(doc[i:], `"""`):
			end := strings.Index(strings.ReplaceAll(doc[i+3:], `\"""`, "xxxx"), `"""`)
			if end < 0 {
				return false
			}
			i += 3 + end + 3
			continue
		case c == '"':
			i++
			for i < len(doc) && doc[i] != '"' {
				if doc[i] == '\\' {
					i++
				}
				i++
			}
			if i >= len(doc) {
				return false
			}
		case c == '(':
			parens++
		case c == ')':
			parens--
		case c == '{' && parens == 0:
			if depth == 0 && expectDef {
				sawQuery, expectDef = true, false // anonymous query
			}
			depth++
		case c == '}' && parens == 0:
			depth--
			if depth < 0 {
				return false
			}
			if depth == 0 {
				expectDef = true
			}
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			j := i
			for j < len(doc) && (doc[j] == '_' || 'a' <= doc[j] && doc[j] <= 'z' || 'A' <= doc[j] && doc[j] <= 'Z' || '0' <= doc[j] && doc[j] <= '9') {
				j++
			}
			if depth == 0 && parens == 0 && expectDef {
				switch doc[i:j] {
				case "query":
					sawQuery = true
				case "fragment":
				default: // mutation, subscription, or something unknown
					return false
				}
				expectDef = false
			}
			i = j
			continue
		}
		i++
	}
	return sawQuery && depth == 0 && parens == 0
}
