package ghapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-github/v88/github"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/reconcile"
)

func refusal(status int, message string, errs ...github.Error) error {
	return &github.ErrorResponse{Response: &http.Response{StatusCode: status, Request: &http.Request{Method: "POST"}},
		Message: message, Errors: errs}
}

// Refusals are read by errors[].field and code first; the message only
// breaks ties between refusals of the same field.
func TestClassifyInviteErrorByField(t *testing.T) {
	fe := func(field, code, msg string) github.Error {
		return github.Error{Resource: "OrganizationInvitation", Field: field, Code: code, Message: msg}
	}
	tests := []struct {
		name     string
		err      error
		want     error // nil: none of the sentinels
		terminal bool
	}{
		// The message says "does not exist", which alone would read as an
		// unknown invitee: the field says it is the teams.
		{"team_ids", refusal(422, "Validation Failed", fe("team_ids", "invalid", "team_ids contains a team that does not exist")), reconcile.ErrTeamRefused, true},
		{"role", refusal(422, "Validation Failed", fe("role", "invalid", "role is not included in the list")), nil, true},
		{"invitee_id invalid", refusal(422, "Validation Failed", fe("invitee_id", "invalid", "Invitee does not exist")), reconcile.ErrNoSuchUser, false},
		{"invitee_id invalid, any message", refusal(422, "Validation Failed", fe("invitee_id", "invalid", "is not valid")), reconcile.ErrNoSuchUser, false},
		{"invitee_id missing is no verdict on the account", refusal(422, "Validation Failed", fe("invitee_id", "missing_field", "invitee_id or email must be provided")), nil, false},
		{"422 Invalid invitee_id without errors", refusal(422, "Invalid invitee_id"), reconcile.ErrNoSuchUser, false},
		{"404", refusal(404, "Not Found"), reconcile.ErrNoSuchUser, false},
		{"already a member", refusal(422, "Validation Failed", fe("data", "unprocessable", "Invitee is already a part of this organization")), reconcile.ErrAlreadyMember, false},
		{"already invited", refusal(422, "Validation Failed", fe("data", "unprocessable", "Invitee has already been invited")), reconcile.ErrAlreadyInvited, false},
		{"over the invitation rate limit", refusal(422, "Validation Failed", fe("data", "unprocessable", "Over invitation rate limit")), reconcile.ErrInvitationLimit, false},
		{"401", refusal(401, "Bad credentials"), reconcile.ErrCredentialsRefused, true},
		{"403", refusal(403, "Resource not accessible by integration"), reconcile.ErrForbidden, true},
		{"502", refusal(502, ""), reconcile.ErrMaybeSent, false},
		{"500", refusal(500, "Internal Server Error"), reconcile.ErrMaybeSent, false},
		// A rate limit refuses before anything is done: not "maybe sent".
		{"primary rate limit", &github.RateLimitError{Response: &http.Response{StatusCode: 403}, Message: "API rate limit exceeded"}, nil, false},
		{"secondary rate limit", &github.AbuseRateLimitError{Response: &http.Response{StatusCode: 403}, Message: "secondary rate limit"}, nil, false},
		{"a wait too long for the rate limit", fmt.Errorf("POST: %w", &ghtransport.RateLimitError{Wait: time.Hour}), nil, false},
		{"no answer", errors.New("connection reset"), reconcile.ErrMaybeSent, false},
		// Fields are read on a 422 (validation) only.
		{"400 naming invitee_id", refusal(400, "Bad Request", fe("invitee_id", "invalid", "is not valid")), nil, false},
		{"another 422", refusal(422, "Validation Failed", fe("data", "unprocessable", "something new")), nil, false},
	}
	sentinels := []error{reconcile.ErrTeamRefused, reconcile.ErrNoSuchUser, reconcile.ErrAlreadyMember, reconcile.ErrAlreadyInvited,
		reconcile.ErrInvitationLimit, reconcile.ErrCredentialsRefused, reconcile.ErrForbidden, reconcile.ErrMaybeSent}
	for _, tt := range tests {
		got := classifyInviteError(tt.err)
		for _, s := range sentinels {
			if is := errors.Is(got, s); is != (s == tt.want) {
				t.Errorf("%s: errors.Is(%v, %v) = %v", tt.name, got, s, is)
			}
		}
		if reconcile.IsTerminal(got) != tt.terminal {
			t.Errorf("%s: terminal = %v, want %v", tt.name, !tt.terminal, tt.terminal)
		}
	}
}

func TestInviteWithADeletedTeamIsTerminal(t *testing.T) {
	gh, c := setup(t)
	u := gh.AddUser("u")
	team := gh.AddTeam("trio", "core")
	err := c.SendInvitation(context.Background(), "trio", u.ID, reconcile.InviteOptions{TeamIDs: []int64{team.ID + 1000}})
	if !errors.Is(err, reconcile.ErrTeamRefused) || !reconcile.IsTerminal(err) || errors.Is(err, reconcile.ErrNoSuchUser) {
		t.Errorf("error = %v, want a terminal team refusal", err)
	}
}

func TestUserExists(t *testing.T) {
	gh, c := setup(t)
	ctx := context.Background()
	live := gh.AddUser("live")
	gone := gh.AddUser("gone")
	gh.DeleteUser(gone.ID)
	if ok, err := c.UserExists(ctx, live.ID); !ok || err != nil {
		t.Errorf("UserExists(live) = %v, %v", ok, err)
	}
	if ok, err := c.UserExists(ctx, gone.ID); ok || err != nil {
		t.Errorf("UserExists(gone) = %v, %v; want false only on a 404", ok, err)
	}
	gh.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fakegithub.WriteError(w, http.StatusForbidden, "Forbidden", "")
		})
	})
	if ok, err := c.UserExists(ctx, gone.ID); ok || err == nil {
		t.Errorf("UserExists on a 403 = %v, %v; want an error, not a verdict", ok, err)
	}
}

func TestTokenRefusedMidRunIsTerminal(t *testing.T) {
	gh, c := setup(t)
	u := gh.AddUser("u")
	gh.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fakegithub.WriteError(w, http.StatusUnauthorized, "Bad credentials", "https://docs.github.com/rest")
		})
	})
	err := c.SendInvitation(context.Background(), "trio", u.ID, reconcile.InviteOptions{})
	if !reconcile.IsTerminal(err) || !errors.Is(err, reconcile.ErrCredentialsRefused) {
		t.Errorf("invitation: %v, want terminal ErrCredentialsRefused", err)
	}
	if _, err := c.Comment(context.Background(), "trio/trio", 1, "hi"); !reconcile.IsTerminal(err) {
		t.Errorf("comment: %v, want terminal", err)
	}
}

// graphQLStub answers every GraphQL request with body (a function of the
// request count), and counts them.
func graphQLStub(gh *fakegithub.GitHub, n *atomic.Int32, status int, body func(i int) string) {
	gh.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "graphql") {
				next.ServeHTTP(w, r)
				return
			}
			i := int(n.Add(1))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprint(w, body(i))
		})
	})
}

// Gap 8: a roster page that claims more but gives no cursor stops the
// listing with an error instead of asking for the same page forever.
func TestMembershipsStopsOnAPageWithoutACursor(t *testing.T) {
	gh, c := setup(t)
	var n atomic.Int32
	graphQLStub(gh, &n, 200, func(i int) string {
		if i > 5 {
			return `{"errors":[{"message":"the test gave up"}]}`
		}
		return `{"data":{"organization":{"membersWithRole":{"pageInfo":{"hasNextPage":true,"endCursor":""},"nodes":[{"databaseId":1}]}},` +
			`"invitations":{"pendingMembers":{"pageInfo":{"hasNextPage":false,"endCursor":""},"nodes":[]}},"rateLimit":{"cost":1,"remaining":1,"resetAt":"2030-01-01T00:00:00Z"}}}`
	})
	_, err := c.Memberships(context.Background(), "trio")
	if err == nil || !strings.Contains(err.Error(), "no cursor") || n.Load() != 1 {
		t.Errorf("error %v after %d requests, want a no-cursor error after 1", err, n.Load())
	}
}

func TestMembershipsOfANullOrganization(t *testing.T) {
	gh, c := setup(t)
	var n atomic.Int32
	graphQLStub(gh, &n, 200, func(int) string {
		return `{"data":{"organization":null,"rateLimit":{"cost":1,"remaining":1,"resetAt":"2030-01-01T00:00:00Z"}}}`
	})
	if _, err := c.Memberships(context.Background(), "trio"); err == nil || !strings.Contains(err.Error(), "null for the organization trio") {
		t.Errorf("error = %v, want one naming the organization", err)
	}
}

// Gap 8: the roster listing is capped in pages.
func TestMembershipsIsCappedInPages(t *testing.T) {
	gh, c := setup(t)
	var n atomic.Int32
	graphQLStub(gh, &n, 200, func(i int) string {
		return fmt.Sprintf(`{"data":{"organization":{"membersWithRole":{"pageInfo":{"hasNextPage":true,"endCursor":"c%d"},"nodes":[{"databaseId":%d}]}},`+
			`"invitations":{"pendingMembers":{"pageInfo":{"hasNextPage":false,"endCursor":""},"nodes":[]}},"rateLimit":{"cost":1,"remaining":1,"resetAt":"2030-01-01T00:00:00Z"}}}`, i, i)
	})
	_, err := c.Memberships(context.Background(), "trio")
	if !errors.Is(err, reconcile.ErrEndlessPages) || !strings.Contains(err.Error(), "past 1000 pages") || int(n.Load()) != maxRosterPages {
		t.Errorf("error %v after %d requests, want the page cap after %d", err, n.Load(), maxRosterPages)
	}
}

// A 502 page from a proxy becomes the status and a short excerpt, not a
// whole HTML page in an error line.
func TestGraphQLErrorPageIsCut(t *testing.T) {
	gh, c := setup(t)
	var n atomic.Int32
	html := "<html><head><title>502 Bad Gateway</title></head><body class=\"x\">\n" + strings.Repeat("<p>unicorn</p>", 5000) + "</body></html>"
	graphQLStub(gh, &n, 502, func(int) string { return html })
	_, err := c.Memberships(context.Background(), "trio")
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	if len(msg) > 250 || !strings.Contains(msg, "502") || !strings.Contains(msg, "<title>502 Bad Gateway") {
		t.Errorf("error is %d characters: %.300q", len(msg), msg)
	}
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 502 {
		t.Fatalf("error %T, want a *StatusError with 502", err)
	}
	// The excerpt is the body itself, unquoted, from its start.
	if want := `<html><head><title>502 Bad Gateway</title></head><body class="x"> <p>unicorn</p>`; !strings.HasPrefix(se.Excerpt, want) {
		t.Errorf("excerpt %q, want it to start with %q", se.Excerpt, want)
	}
}

func TestNullSearchSaysWhatHappened(t *testing.T) {
	gh, c := setup(t)
	var n atomic.Int32
	graphQLStub(gh, &n, 200, func(int) string {
		return `{"data":{"search":null,"organization":{"membersWithRole":{"totalCount":1}},"invitations":{"pendingMembers":{"totalCount":0}},` +
			`"rateLimit":{"cost":1,"remaining":1,"resetAt":"2030-01-01T00:00:00Z"}}}`
	})
	_, err := c.SearchMerged(context.Background(), "trio", reconcile.SearchQuery{}, "")
	if err == nil || strings.Contains(err.Error(), "not found") || !strings.Contains(err.Error(), "search") {
		t.Errorf("error %v, want one about the null search, not the organization", err)
	}
}

func TestSearchCountsNullNodesAsHidden(t *testing.T) {
	gh, c := setup(t)
	var n atomic.Int32
	graphQLStub(gh, &n, 200, func(int) string {
		return `{"data":{"search":{"issueCount":3,"pageInfo":{"hasNextPage":false,"endCursor":"x"},"nodes":[null,{},` +
			`{"id":"PR_1","number":1,"url":"u","createdAt":"2026-01-01T00:00:00Z","mergedAt":"2026-01-01T00:00:00Z","repository":{"nameWithOwner":"trio/trio"},"author":{"__typename":"User","login":"a","databaseId":5}}]},` +
			`"organization":{"membersWithRole":{"totalCount":1}},"invitations":{"pendingMembers":{"totalCount":0}},"rateLimit":{"cost":1,"remaining":1,"resetAt":"2030-01-01T00:00:00Z"}}}`
	})
	page, err := c.SearchMerged(context.Background(), "trio", reconcile.SearchQuery{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if page.Hidden != 2 || len(page.PRs) != 1 {
		t.Errorf("hidden %d, prs %d; want 2 and 1", page.Hidden, len(page.PRs))
	}
}

func TestGraphQL401IsTerminal(t *testing.T) {
	gh, c := setup(t)
	var n atomic.Int32
	graphQLStub(gh, &n, 401, func(int) string { return `{"message":"Bad credentials"}` })
	_, err := c.Memberships(context.Background(), "trio")
	if !reconcile.IsTerminal(err) || !errors.Is(err, reconcile.ErrCredentialsRefused) {
		t.Errorf("error = %v, want terminal ErrCredentialsRefused", err)
	}
}

// A refusal whose message is a whole page is cut to the status and the
// start of the message.
func TestLongRESTMessageIsCut(t *testing.T) {
	err := classifyInviteError(refusal(422, strings.Repeat("<p>unicorn</p>", 1000)))
	if len(err.Error()) > 200 || !strings.Contains(err.Error(), "422") {
		t.Errorf("error of %d characters: %.300q", len(err.Error()), err.Error())
	}
	err = classifyInviteError(refusal(502, strings.Repeat("<p>unicorn</p>", 1000)))
	if len(err.Error()) > 250 || !errors.Is(err, reconcile.ErrMaybeSent) {
		t.Errorf("502: error of %d characters: %.300q", len(err.Error()), err.Error())
	}
}

// restError makes terminal only what no retry cures: a 401, and a 403 that
// is not a rate limit. Everything else passes through.
func TestRestError(t *testing.T) {
	resp := func(status int) *http.Response {
		return &http.Response{StatusCode: status, Request: &http.Request{Method: "GET"}}
	}
	tests := []struct {
		name     string
		err      error
		want     error // nil: none of the sentinels
		terminal bool
	}{
		{"401", refusal(401, "Bad credentials"), reconcile.ErrCredentialsRefused, true},
		{"403", refusal(403, "Resource not accessible by integration"), reconcile.ErrForbidden, true},
		{"403 primary rate limit", &github.RateLimitError{Response: resp(403), Message: "API rate limit exceeded"}, nil, false},
		{"403 secondary rate limit", &github.AbuseRateLimitError{Response: resp(403), Message: "secondary rate limit"}, nil, false},
		{"404", refusal(404, "Not Found"), nil, false},
		{"502", refusal(502, "Bad Gateway"), nil, false},
		{"no answer", errors.New("connection reset"), nil, false},
		{"an answer without a response", &github.ErrorResponse{Message: "odd"}, nil, false},
	}
	for _, tt := range tests {
		got := restError(tt.err)
		for _, s := range []error{reconcile.ErrCredentialsRefused, reconcile.ErrForbidden} {
			if is := errors.Is(got, s); is != (s == tt.want) {
				t.Errorf("%s: errors.Is(%v, %v) = %v", tt.name, got, s, is)
			}
		}
		if reconcile.IsTerminal(got) != tt.terminal {
			t.Errorf("%s: terminal = %v, want %v", tt.name, !tt.terminal, tt.terminal)
		}
		if !tt.terminal && !errors.Is(got, tt.err) {
			t.Errorf("%s: %v changed to %v, which no longer wraps it", tt.name, tt.err, got)
		}
		if strings.Contains(got.Error(), "POST") || strings.Contains(got.Error(), "[]") {
			t.Errorf("%s: %q says go-github's method or empty error list", tt.name, got)
		}
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("é", maxExcerpt+1)
	tests := []struct{ in, want string }{
		{"short  \n\t one", "short one"},
		{strings.Repeat("a", 100), strings.Repeat("a", 100)},
		{long, strings.Repeat("é", 100) + "…"},
	}
	for _, tt := range tests {
		if got := excerpt(tt.in); got != tt.want {
			t.Errorf("excerpt(%.20q…) = %.20q… (%d runes), want %d runes", tt.in, got, len([]rune(got)), len([]rune(tt.want)))
		}
	}
}

// REST errors become a StatusError: the status and GitHub's message, no
// method or URL, and still the go-github error underneath.
func TestShortError(t *testing.T) {
	short := refusal(422, "Validation Failed")
	if got := shortError(short); got.Error() != "GitHub answered 422 Unprocessable Entity: Validation Failed" || !errors.Is(got, short) {
		t.Errorf("a short error became %q", got)
	}
	uerr := &url.Error{Op: "Post", URL: "https://api.github.com/orgs/trio/invitations", Err: context.Canceled}
	if got := shortError(fmt.Errorf("x: %w", uerr)); got.Error() != "context canceled" || !errors.Is(got, context.Canceled) {
		t.Errorf("a transport error became %q", got)
	}
	long := refusal(502, strings.Repeat("x", 400))
	var se *StatusError
	if got := shortError(long); !errors.As(got, &se) || se.Status != 502 || !errors.Is(got, long) {
		t.Errorf("a long error became %T %v, want a StatusError wrapping it", got, got)
	}
	if graphQLError(nil) != nil {
		t.Error("graphQLError(nil) is not nil")
	}
}

func TestStatusErrorText(t *testing.T) {
	for _, tt := range []struct {
		e    StatusError
		want string
	}{
		{StatusError{Status: 502, Excerpt: "<html>"}, "GitHub answered 502 Bad Gateway: <html>"},
		{StatusError{Status: 599}, "GitHub answered 599"},
	} {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.e, got, tt.want)
		}
	}
}
