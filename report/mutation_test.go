package report

// Tests written for the mutation sweep of report
// (docs/MUTATION.md): the text report, the
// approval issue's part, the welcome preview, and the words of network
// errors.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/google/go-github/v88/github"

	"github.com/python-trio/snekomatic/ghapp"
	"github.com/python-trio/snekomatic/ghsession"
	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/reconcile"
)

// textRun is an organization with something in every list of the text
// report, another that failed before reading, and a skipped one.
func textRun(dryRun bool) *Run {
	e := func(login string, n int, reason string) reconcile.Entry {
		return reconcile.Entry{Login: login, PR: reportPR("o/r", n), Reason: reason}
	}
	full := &reconcile.Report{
		Org: "o", DryRun: dryRun, PullRequests: 9, GraphQLPoints: 4, Known: 2, FilteredPRs: 3,
		Window:       reconcile.Window{From: at("2026-11-01T00:00:00Z"), To: at("2026-11-02T00:00:00Z")},
		WindowReason: "first run",
		Cursor:       at("2026-11-02T00:00:00Z"),
		Invited:      []reconcile.Entry{e("inv", 1, "")},
		Welcomed:     []reconcile.Entry{{Login: "wel", PR: reportPR("o/r", 2), CommentURL: "https://github.com/o/r/pull/2#c"}},
		Members:      []reconcile.Entry{e("mem", 3, "member")},
		Pending:      []reconcile.Entry{e("pen", 4, "pending")},
		Queued:       []reconcile.Entry{{Login: "que", Reason: "limit"}},
		Counting:     []reconcile.Entry{e("cnt", 5, "1 of 2")},
		Proposed:     []reconcile.Entry{e("pro", 6, "first")},
		Approved:     []reconcile.Entry{e("app", 7, "ticked")},
		Rejected:     []reconcile.Entry{e("rej", 8, "deleted")},
		Skipped:      []reconcile.Entry{e("bot", 9, "bot")},
		Accepted:     []reconcile.Entry{e("acc", 10, "invited 2026-10-30")},
		Expired:      []reconcile.Entry{e("exp", 11, "expired")},
		Declined:     []reconcile.Entry{e("dec", 12, "declined")},
		StillPending: []reconcile.Entry{e("sti", 13, "waiting")},
		Warnings:     []string{"careful"},
		ApprovalIssue: &reconcile.ApprovalIssue{Repo: "o/admin", Number: 5, URL: "https://github.com/o/admin/issues/5",
			Action: "updated"},
	}
	failed := &reconcile.Report{Org: "f", DryRun: dryRun}
	return &Run{DryRun: dryRun, Orgs: []*Org{NewOrg(full, []string{"e1", "e2"}), NewOrg(failed, []string{"boom"})},
		Skipped: []SkippedOrg{{Org: "s", Reason: "suspended"}}}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := WriteText(&b, textRun(false)); err != nil {
		t.Fatal(err)
	}
	want := `o: 9 merged pull requests from 2026-11-01T00:00:00Z to 2026-11-02T00:00:00Z (first run)
  invited (1):
    inv  o/r#1
  welcomed (1):
    wel  o/r#2  https://github.com/o/r/pull/2#c
  already members (1):
    mem  o/r#3  (member)
  already invited (1):
    pen  o/r#4  (pending)
  queued for a later run (1):
    que  (limit)
  counting merged pull requests (min_merged_prs) (1):
    cnt  o/r#5  (1 of 2)
  proposed on the approval issue (not invited until ticked) (1):
    pro  o/r#6  (first)
  approved on the approval issue (1):
    app  o/r#7  (ticked)
  declined on the approval issue (never proposed again) (1):
    rej  o/r#8  (deleted)
  approval issue: updated o/admin#5
  skipped (1):
    bot  o/r#9  (bot)
  invitations accepted since the last run (1):
    acc  o/r#10  (invited 2026-10-30)
  invitations expired (1):
    exp  o/r#11  (expired)
  invitations declined or cancelled (1):
    dec  o/r#12  (declined)
  invitations still pending (1):
    sti  o/r#13  (waiting)
  pull requests in repositories the configuration leaves out: 3
  previously recorded: 2
  warning: careful
  errors: 2 (below)
  next cursor: 2026-11-02T00:00:00Z
  GraphQL points: 4

f: failed before its merged pull requests were read (error below)

s: skipped: suspended
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestWriteTextDryRun: the verbs and the cursor say nothing was done, the
// approval issue shows what it would say, and the run ends saying so.
func TestWriteTextDryRun(t *testing.T) {
	run := textRun(true)
	o := run.Orgs[0]
	o.ApprovalIssue = &reconcile.ApprovalIssue{Repo: "o/admin", Action: "would create", Body: "line 1\nline 2\n"}
	o.Known, o.FilteredPRs, o.Warnings, o.Errors = 0, 0, nil, nil
	var b bytes.Buffer
	_ = WriteText(&b, run)
	s := b.String()
	for _, want := range []string{
		"\n  would invite (1):\n", "\n  would welcome (1):\n", "\n  approval issue: would create an issue in o/admin\n",
		"\n  it would say:\n    | line 1\n    | line 2\n  skipped (1)", "\n  next cursor (not saved): 2026-11-02T00:00:00Z\n",
		"\n\nDry run: no invitation or comment was sent and the state file was not changed.\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("no %q in\n%s", want, s)
		}
	}
	for _, not := range []string{"previously recorded", "leaves out", "errors:", "warning:"} {
		if strings.Contains(s, not) {
			t.Errorf("%q in\n%s", not, s)
		}
	}
}

// TestFailedBeforeReading: an organization with errors that read a window
// but nothing in it failed before reading; one that read something, or
// whose cursor moved, or had no error, did not.
func TestFailedBeforeReading(t *testing.T) {
	w := reconcile.Window{From: at("2026-11-01T00:00:00Z"), To: at("2026-11-02T00:00:00Z")}
	tests := []struct {
		name string
		r    reconcile.Report
		errs []string
		want bool
	}{
		{"no error", reconcile.Report{}, nil, false},
		{"no window", reconcile.Report{}, []string{"e"}, true},
		{"window, nothing read", reconcile.Report{Window: w}, []string{"e"}, true},
		{"read some", reconcile.Report{Window: w, PullRequests: 1}, []string{"e"}, false},
		{"cursor", reconcile.Report{Window: w, Cursor: w.To}, []string{"e"}, false},
		{"known", reconcile.Report{Window: w, Known: 1}, []string{"e"}, false},
		{"filtered", reconcile.Report{Window: w, FilteredPRs: 1}, []string{"e"}, false},
		{"queued", reconcile.Report{Window: w, Queued: []reconcile.Entry{{}}}, []string{"e"}, false},
	}
	// Two people in two lists (or a count beside one) never add up to nothing.
	one := []reconcile.Entry{{}}
	for i, r := range []reconcile.Report{
		{Welcomed: one}, {Members: one}, {Pending: one}, {Queued: one}, {Counting: one}, {Skipped: one}, {Known: 1}, {FilteredPRs: 1},
	} {
		r.Window, r.Invited = w, one
		tests = append(tests, struct {
			name string
			r    reconcile.Report
			errs []string
			want bool
		}{fmt.Sprint("invited and another ", i), r, []string{"e"}, false})
	}
	for _, tc := range tests {
		r := tc.r
		if got := FailedBeforeReading(NewOrg(&r, tc.errs)); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestApprovalSummary(t *testing.T) {
	r := &reconcile.Report{Proposed: []reconcile.Entry{{Login: "pro", Reason: "first"}},
		ApprovalIssue: &reconcile.ApprovalIssue{Repo: "o/admin", Number: 5, URL: "https://github.com/o/admin/issues/5", Action: "would update", Body: "b\n"}}
	var b strings.Builder
	approvalSummary(&b, r)
	s := b.String()
	for _, want := range []string{"**Proposed on the approval issue (1)**: invited once a maintainer ticks their box",
		"\nApproval issue: would update [o/admin#5](https://github.com/o/admin/issues/5).\n",
		"<details><summary>What it would say</summary>\n\n````markdown\nb\n````"} {
		if !strings.Contains(s, want) {
			t.Errorf("no %q in\n%s", want, s)
		}
	}
	if strings.Contains(s, "Approved on") || strings.Contains(s, "Declined on") {
		t.Errorf("empty tables written:\n%s", s)
	}
	b.Reset()
	approvalSummary(&b, &reconcile.Report{ApprovalIssue: &reconcile.ApprovalIssue{Repo: "o/admin", Action: "unchanged"}})
	if b.String() != "\nApproval issue: unchanged an issue in o/admin.\n" {
		t.Errorf("no number, no URL, no body: %q", b.String())
	}
	b.Reset()
	approvalSummary(&b, &reconcile.Report{})
	if b.String() != "" {
		t.Errorf("no issue: %q", b.String())
	}
}

// TestWelcomePreviewCounts: the preview says how many others differ only
// in name, one or several.
func TestWelcomePreviewCounts(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{1, "  welcome comment that would be posted for p0:\n"},
		{2, "  welcome comment that would be posted for p0 (the other one differs only in name, pull request and links; --output json has it):\n"},
		{3, "  welcome comment that would be posted for p0 (the 2 others differ only in name, pull request and links; --output json has each):\n"},
	} {
		r := &reconcile.Report{}
		for i := range tc.n {
			r.Invited = append(r.Invited, reconcile.Entry{Login: fmt.Sprint("p", i), Welcome: "Hi  \nthere\n"})
		}
		var b strings.Builder
		writeWelcomePreview(&b, NewOrg(r, nil))
		if want := tc.want + "    | Hi\n    | there\n"; b.String() != want {
			t.Errorf("%d: got %q, want %q", tc.n, b.String(), want)
		}
	}
}

// TestExplainNetwork: what cannot be reached is named by its host, with
// the cause, never the URL's path.
func TestExplainNetwork(t *testing.T) {
	ctx := context.Background()
	a := Auth{TokenVar: "GH_TOKEN"}
	dial := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 443}, Err: os.NewSyscallError("connect", errors.New("connection refused"))}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"dns", &url.Error{Op: "Get", URL: "https://ghe.test/api/v3/x", Err: &net.DNSError{Name: "ghe.test", Err: "no such host"}},
			"cannot reach ghe.test (the name does not resolve): check the network or --api-url"},
		{"dial with URL", &url.Error{Op: "Get", URL: "https://ghe.test/api/v3/x", Err: dial},
			"cannot reach ghe.test (connect: connection refused): check the network or --api-url"},
		{"dial without URL", fmt.Errorf("x: %w", dial), "cannot reach 10.0.0.1:443 (connect: connection refused): check the network or --api-url"},
		{"dial, nothing wrapped", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("no route")}, "cannot reach GitHub (no route): check the network or --api-url"},
		{"timeout", &url.Error{Op: "Get", URL: "https://ghe.test/x", Err: timeoutErr{}}, "ghe.test did not answer in time: check the network or --api-url"},
		{"read, not dial", &url.Error{Op: "Get", URL: "https://ghe.test/x", Err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("reset")}}, "Get \"https://ghe.test/x\": read tcp: reset"},
	} {
		f := Explain(ctx, tc.err, "trio", a)
		if f.Msg != tc.want && !(tc.name == "read, not dial" && strings.HasSuffix(f.Msg, "read tcp: reset")) || f.Code != ExitError {
			t.Errorf("%s: %d %q, want %q", tc.name, f.Code, f.Msg, tc.want)
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "deadline" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// TestExplainWho: the same refusal is worded for an App or a token, with
// the token's variable (GITHUB_TOKEN when none is named).
func TestExplainWho(t *testing.T) {
	ctx := context.Background()
	err := statusErr(403)
	if f := Explain(ctx, err, "trio", Auth{App: true}); !strings.HasSuffix(f.Msg, ": the App's installation on trio lacks a permission; snekomatic doctor --org trio says which") {
		t.Errorf("app: %q", f.Msg)
	}
	if f := Explain(ctx, err, "trio", Auth{}); !strings.HasSuffix(f.Msg, ": the token from GITHUB_TOKEN lacks a permission in trio; snekomatic doctor --org trio says which") {
		t.Errorf("token: %q", f.Msg)
	}
	if f := Explain(ctx, statusErr(401), "", Auth{}); f.Code != ExitAuth || !strings.HasPrefix(f.Msg, "GitHub refused the token from GITHUB_TOKEN (401 Unauthorized)") {
		t.Errorf("refused: %d %q", f.Code, f.Msg)
	}
}

// refusal is a watch that saw GitHub refuse the token.
type refusal string

func (r refusal) Refused() (string, bool) { return string(r), r != "" }

func TestExplainAfterARefusal(t *testing.T) {
	ctx := context.Background()
	f := Explain(ctx, errors.New("something else"), "trio", Auth{TokenVar: "GH_TOKEN", Watch: refusal("Bad credentials")})
	if f.Code != ExitAuth || !strings.HasPrefix(f.Msg, "GitHub refused the token from GH_TOKEN (401 Bad credentials)") {
		t.Errorf("token: %d %q", f.Code, f.Msg)
	}
	// An App's installation tokens are not the watch's business.
	if f := Explain(ctx, errors.New("something else"), "trio", Auth{App: true, Watch: refusal("Bad credentials")}); f.Code != ExitError || f.Msg != "something else" {
		t.Errorf("app: %d %q", f.Code, f.Msg)
	}
}

func TestCredentialsErrorWords(t *testing.T) {
	if s := (&CredentialsError{Missing: true}).Error(); !strings.HasPrefix(s, "no credentials: set GH_TOKEN") || !strings.HasSuffix(s, doctorHint) {
		t.Errorf("missing: %q", s)
	}
	if s := (&CredentialsError{Var: "GH_TOKEN", Status: 401, Message: "Bad\ncredentials"}).Error(); !strings.HasPrefix(s, "GitHub refused the token from GH_TOKEN (401 Bad credentials): set a valid one; ") {
		t.Errorf("with a message: %q", s)
	}
}

// TestExplainByKind: credentials missing or refused (token or App), an
// organization that cannot be seen (REST or GraphQL), and go-github's
// errors, by status, without their URL.
func TestExplainByKind(t *testing.T) {
	ctx := context.Background()
	a := Auth{TokenVar: "GH_TOKEN"}
	resp := func(code int, msg string) error {
		u, _ := url.Parse("https://api.github.com/orgs/trio/invitations")
		return &github.ErrorResponse{Response: &http.Response{StatusCode: code, Request: &http.Request{Method: "POST", URL: u}}, Message: msg}
	}
	for _, tc := range []struct {
		name string
		err  error
		org  string
		code int
		want string
	}{
		{"missing", fmt.Errorf("x: %w", &CredentialsError{Missing: true}), "", ExitAuth, "no credentials: set GH_TOKEN"},
		{"app refused", fmt.Errorf("x: %w", &ghapp.AuthError{Status: 401, Message: "Integration not found"}), "", ExitAuth, (&ghapp.AuthError{Status: 401, Message: "Integration not found"}).Error()},
		{"token refused, GitHub's words", fmt.Errorf("search: %w", resp(401, "Bad credentials")), "trio", ExitAuth, "GitHub refused the token from GH_TOKEN (401 Bad credentials): set a valid one"},
		{"org not found (GraphQL)", fmt.Errorf("search: %w", &ghtransport.GraphQLError{Type: "NOT_FOUND", Message: "no"}), "trio", ExitError,
			"the organization trio does not exist or the token from GH_TOKEN cannot see it: check --org; snekomatic doctor --org trio says more"},
		{"NOT_FOUND of no organization", fmt.Errorf("search: %w", &ghtransport.GraphQLError{Type: "NOT_FOUND", Message: "no"}), "", ExitError, "search: "},
		{"org not found (REST)", &ghsession.OrgNotFoundError{Org: "trio"}, "trio", ExitError, "the organization trio does not exist"},
		{"FORBIDDEN (GraphQL)", fmt.Errorf("search: %w", &ghtransport.GraphQLError{Type: "FORBIDDEN", Message: "no"}), "trio", ExitError, "search: FORBIDDEN: no: the token from GH_TOKEN lacks a permission in trio"},
		{"forbidden (GraphQL)", fmt.Errorf("search: %w", &ghtransport.GraphQLError{Type: "INSUFFICIENT_SCOPES", Message: "scopes"}), "trio", ExitError, "search: INSUFFICIENT_SCOPES: scopes: the token from GH_TOKEN lacks a permission in trio"},
		{"forbidden (REST)", fmt.Errorf("invite: %w", resp(403, "Must be an owner")), "trio", ExitError,
			"invite: GitHub answered 403 Must be an owner: the token from GH_TOKEN lacks a permission in trio"},
		{"other status", fmt.Errorf("invite: %w", resp(422, "Validation Failed")), "trio", ExitError, "invite: GitHub answered 422 Validation Failed"},
	} {
		f := Explain(ctx, tc.err, tc.org, a)
		if f.Code != tc.code || !strings.HasPrefix(f.Msg, tc.want) || strings.Contains(f.Msg, "https://") {
			t.Errorf("%s: %d %q, want %d %q", tc.name, f.Code, f.Msg, tc.code, tc.want)
		}
	}
	// Another GraphQL error is said in its own words, with no advice.
	if f := Explain(ctx, fmt.Errorf("search: %w", &ghtransport.GraphQLError{Type: "RATE_LIMITED", Message: "slow down"}), "trio", a); strings.Contains(f.Msg, "permission") {
		t.Errorf("RATE_LIMITED: %q", f.Msg)
	}
}

// TestAnnotationsAtTheNameLimit: a queue of exactly annotationNameLimit
// people names them all, with no "and 0 more"; a nil organization is
// passed over; a queue with no reason says so.
func TestAnnotationsAtTheNameLimit(t *testing.T) {
	r := &reconcile.Report{Org: "o"}
	var names []string
	for i := range annotationNameLimit {
		names = append(names, fmt.Sprint("u", i))
		r.Queued = append(r.Queued, reconcile.Entry{Login: names[i]})
	}
	var b bytes.Buffer
	WriteAnnotations(&b, &Run{Orgs: []*Org{nil, NewOrg(r, nil)}})
	want := fmt.Sprintf("::warning title=snekomatic%%3A o::%d people wait in the queue for the next run (%s): no reason recorded\n",
		annotationNameLimit, strings.Join(names, ", "))
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
}

// TestSummaryEdges: the facts line for each mode, one pull request said
// in the singular, the repository filter's count, and the lists cut at
// summaryListLimit (organizations skipped, warnings, table rows) but not
// below it.
func TestSummaryEdges(t *testing.T) {
	var b bytes.Buffer
	one := []*Org{NewOrg(&reconcile.Report{Org: "o"}, nil)}
	_ = WriteSummary(&b, &Run{Mode: "app", Version: "v1.2.3", Orgs: one})
	if !strings.Contains(b.String(), "\nAuthenticated as a GitHub App · snekomatic `v1.2.3`\n") {
		t.Errorf("app facts:\n%s", b.String())
	}
	b.Reset()
	_ = WriteSummary(&b, &Run{Mode: "token", Orgs: one})
	if !strings.Contains(b.String(), "\nAuthenticated with a token\n") {
		t.Errorf("token facts:\n%s", b.String())
	}
	b.Reset()
	_ = WriteSummary(&b, &Run{Orgs: one})
	if strings.Contains(b.String(), "Authenticated") || strings.Contains(b.String(), "snekomatic `") || !strings.Contains(b.String(), "| o | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n\n### o\n") {
		t.Errorf("no facts:\n%s", b.String())
	}

	for _, n := range []int{summaryListLimit, summaryListLimit + 2} {
		r := &reconcile.Report{Org: "o", PullRequests: 1, FilteredPRs: 2, Window: reconcile.Window{From: at("2026-11-01T00:00:00Z"), To: at("2026-11-02T00:00:00Z")}}
		run := &Run{Orgs: []*Org{nil, NewOrg(r, nil)}}
		for i := range n {
			r.Warnings = append(r.Warnings, fmt.Sprint("w", i))
			r.Queued = append(r.Queued, reconcile.Entry{Login: fmt.Sprint("q", i), Reason: "limit"})
			run.Skipped = append(run.Skipped, SkippedOrg{Org: fmt.Sprint("s", i), Reason: "suspended"})
		}
		b.Reset()
		if err := WriteSummary(&b, run); err != nil {
			t.Fatal(err)
		}
		s := b.String()
		if strings.Contains(s, "**Errors") || strings.Contains(s, "<details><summary>Not invited") {
			t.Errorf("%d: an empty errors list or not-invited block:\n%s", n, s)
		}
		if !strings.Contains(s, "Read 1 pull request merged from") || !strings.Contains(s, "\n2 merged pull requests were left out by the configuration's repository filters.\n") {
			t.Errorf("%d: the read line or the filter's count:\n%s", n, s)
		}
		cut := n > summaryListLimit
		if got := strings.Contains(s, "- … and 2 more: see the JSON report (`--output json`)\n"); got != cut {
			t.Errorf("%d: lists cut %v, want %v", n, got, cut)
		}
		if got := strings.Count(s, "- … and 2 more"); cut && got != 2 {
			t.Errorf("%d: %d lists cut, want 2 (warnings, skipped organizations)", n, got)
		}
		if got := strings.Contains(s, "| … | 2 more | see the JSON report |\n"); got != cut {
			t.Errorf("%d: table cut %v, want %v", n, got, cut)
		}
		if got := strings.Count(s, "| `q") + strings.Count(s, "| q"); got != min(n, summaryListLimit) {
			t.Errorf("%d: %d table rows, want %d", n, got, min(n, summaryListLimit))
		}
	}
}

func TestMarkdownPeopleAndPullRequests(t *testing.T) {
	for _, tc := range []struct {
		e    reconcile.Entry
		want string
	}{
		{reconcile.Entry{Login: "ann", PR: reportPR("o/r", 1)}, "[ann](https://github.com/ann)"},
		{reconcile.Entry{Login: "ann", PR: &reconcile.PRLink{Repo: "o/r", Number: 1, URL: "javascript:alert(1)"}}, "`ann`"},
		{reconcile.Entry{Login: "ann", PR: &reconcile.PRLink{Repo: "o/r", Number: 1, URL: "https:///nohost"}}, "`ann`"},
		{reconcile.Entry{Login: "ann"}, "`ann`"},
		{reconcile.Entry{PR: reportPR("o/r", 1)}, "(unknown)"},
		{reconcile.Entry{Login: "app[bot]", PR: reportPR("o/r", 1)}, "`app[bot]`"},
	} {
		if got := mdPerson(tc.e, true); got != tc.want {
			t.Errorf("mdPerson(%+v) = %q, want %q", tc.e, got, tc.want)
		}
	}
	if got := mdPR(nil); got != "(no pull request)" {
		t.Errorf("mdPR(nil) = %q", got)
	}
	if got := mdPR(&reconcile.PRLink{Repo: "o/r", Number: 1, URL: "ftp://x/y"}); got != `o/r#1` {
		t.Errorf("mdPR without an http link = %q", got)
	}
}

// TestSummaryNotInvitedCountsEveryList: one member and one person already
// invited make a "Not invited" block of two.
func TestSummaryNotInvitedCountsEveryList(t *testing.T) {
	r := &reconcile.Report{Org: "o", Members: []reconcile.Entry{{Login: "m"}}, Pending: []reconcile.Entry{{Login: "p"}}}
	var b bytes.Buffer
	_ = WriteSummary(&b, &Run{Orgs: []*Org{NewOrg(r, nil)}})
	if !strings.Contains(b.String(), "<details><summary>Not invited: already members 1, already invited 1, skipped 0</summary>") {
		t.Errorf("no block:\n%s", b.String())
	}
}

func TestMarkdownLinksHTTP(t *testing.T) {
	if got := mdLink("x", "http://ghe.test/a"); got != "[x](http://ghe.test/a)" {
		t.Errorf("http: %q", got)
	}
	if got := mdPerson(reconcile.Entry{Login: "ann", PR: &reconcile.PRLink{URL: "http://ghe.test/o/r/pull/1"}}, true); got != "[ann](http://ghe.test/ann)" {
		t.Errorf("http profile: %q", got)
	}
}
