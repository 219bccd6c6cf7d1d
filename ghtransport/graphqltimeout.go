package ghtransport

import (
	"net/http"
	"strings"
)

// graphQLTimeouts turns GitHub's GraphQL timeout, which comes as HTTP 200
// with no data and one untyped error ("Something went wrong while
// executing your query. This may be the result of a timeout..."), into the
// 502 it really is, so that Retry retries a query as it retries any 502
// and hands a mutation's back unretried (it may have been performed).
// It sits under Retry, on every attempt, at the bottom of the stack, so it
// is the layer that decodes each GraphQL answer (for the layers above it
// too: see answerMemo).
type graphQLTimeouts struct {
	base http.RoundTripper
	o    Options
}

var _ http.RoundTripper = (*graphQLTimeouts)(nil)

func (t *graphQLTimeouts) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || !t.o.isGraphQL(req) {
		return resp, err
	}
	ans, ok := graphQLAnswerOf(req, resp)
	if resp.StatusCode != http.StatusOK || !ok || ans.hasData || len(ans.errors) == 0 || ans.errors.Type() != "" {
		return resp, nil
	}
	for _, e := range ans.errors {
		m := strings.ToLower(e.Message)
		if strings.Contains(m, "something went wrong") || strings.Contains(m, "timeout") || strings.Contains(m, "timed out") {
			resp.StatusCode, resp.Status = http.StatusBadGateway, "502 Bad Gateway (GraphQL timeout in a 200)"
			return resp, nil
		}
	}
	return resp, nil
}
