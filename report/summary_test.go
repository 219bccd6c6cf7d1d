package report

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/python-trio/snekomatic/reconcile"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func reportPR(repo string, n int) *reconcile.PRLink {
	return &reconcile.PRLink{Repo: repo, Number: n, URL: fmt.Sprintf("https://github.com/%s/pull/%d", repo, n)}
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// sampleRun is a run over two organizations: one with a bit of everything,
// one that failed before it read anything (as cmd builds it: lists nil).
func sampleRun(dryRun bool) *Run {
	trio := &reconcile.Report{
		Org:            "python-trio",
		DryRun:         dryRun,
		Window:         reconcile.Window{From: at("2026-11-25T09:00:00Z"), To: at("2026-11-26T10:00:00Z")},
		WindowReason:   "from cursor 2026-11-25T10:00:00Z less 1h0m0s overlap",
		PullRequests:   12,
		SearchRequests: 1,
		GraphQLPoints:  3,
		Invited: []reconcile.Entry{
			{Login: "alice", ID: 1234, PR: reportPR("python-trio/trio", 42)},
			{Login: "bob_the_builder", ID: 1235, PR: reportPR("python-trio/trio-websocket", 7)},
		},
		Welcomed: []reconcile.Entry{
			{Login: "alice", ID: 1234, PR: reportPR("python-trio/trio", 42), CommentURL: "https://github.com/python-trio/trio/pull/42#issuecomment-1"},
		},
		Members: []reconcile.Entry{{Login: "njsmith", ID: 1, PR: reportPR("python-trio/trio", 40), Reason: "already a member"}},
		Pending: []reconcile.Entry{{Login: "carol", ID: 3, PR: reportPR("python-trio/trio", 41), Reason: "already has a pending invitation"}},
		Queued: []reconcile.Entry{
			{Login: "dave", ID: 4, PR: reportPR("python-trio/trio", 43), Reason: "--max-invites 2 reached for this run"},
			{Login: "erin", ID: 5, PR: reportPR("python-trio/trio", 44), Reason: "--max-invites 2 reached for this run"},
			{Login: "frank", ID: 6, PR: reportPR("python-trio/trio", 45), Reason: "membership could not be checked: GET https://api.github.com/orgs/python-trio/memberships/frank: 502 | <b>bad gateway</b>"},
		},
		Skipped: []reconcile.Entry{
			{Login: "dependabot[bot]", PR: reportPR("python-trio/trio", 39), Reason: "bot"},
			{Login: "imported-user", PR: reportPR("python-trio/trio", 38), Reason: "mannequin (imported placeholder, not a real account)"},
		},
		Known:    7,
		Cursor:   at("2026-11-26T10:00:00Z"),
		Warnings: []string{"GitHub's invitation limit for the organization was reached; the rest wait in the queue"},
	}
	broken := &reconcile.Report{Org: "trio-labs", DryRun: dryRun}
	return &Run{DryRun: dryRun, Mode: "app", State: "snekomatic-state.json", Orgs: []*Org{
		NewOrg(trio, []string{"invite frank: POST https://api.github.com/orgs/python-trio/invitations: 500 *boom*\nsecond line"}),
		NewOrg(broken, []string{"list members and invitations of trio-labs: 401 Bad credentials"})},
		Skipped: []SkippedOrg{{Org: "trio-archive", Reason: "the App lacks Members: read and write; an owner can grant it under the installation's settings"}}}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./report -run %s -update` to create it)", err, t.Name())
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got); if the change is intended, run `go test ./report -run %s -update`:\n%s", path, t.Name(), diff)
	}
}

func TestWriteSummaryGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		run    *Run
	}{
		{"summary.golden.md", sampleRun(false)},
		{"summary_dry_run.golden.md", sampleRun(true)},
		{"summary_no_orgs.golden.md", &Run{Mode: "token", State: "snekomatic-state.json"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteSummary(&b, tc.run); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.golden, b.Bytes())
		})
	}
}

func TestWriteSummaryDryRunSaysSo(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSummary(&b, sampleRun(true)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"## snekomatic: dry run", "**Dry run.**", "**Would invite (2)**", "(not saved: dry run)"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry-run summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "**Invited") {
		t.Errorf("dry-run summary claims invitations were sent:\n%s", out)
	}
}

func TestWriteSummaryCutsLongLists(t *testing.T) {
	r := &reconcile.Report{Org: "big", Invited: make([]reconcile.Entry, summaryListLimit+5)}
	for i := range r.Invited {
		r.Invited[i] = reconcile.Entry{Login: fmt.Sprintf("user%d", i), PR: reportPR("big/repo", i+1)}
	}
	var b bytes.Buffer
	if err := WriteSummary(&b, &Run{Orgs: []*Org{NewOrg(r, nil)}}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if got := strings.Count(out, "\n- ["); got != summaryListLimit {
		t.Errorf("%d invitees listed, want %d", got, summaryListLimit)
	}
	if !strings.Contains(out, "- … and 5 more: see the JSON report") {
		t.Errorf("no pointer to the rest:\n%s", out)
	}
}

func TestMarkdownEscaping(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text, with: punctuation.", "plain text, with: punctuation."},
		{"*bold* _it_ `code` [link](x) <b>html</b> a|b ~s~ &amp; back\\slash",
			"\\*bold\\* \\_it\\_ \\`code\\` \\[link\\](x) \\<b\\>html\\</b\\> a\\|b \\~s\\~ \\&amp; back\\\\slash"},
		{"two\nlines\r\n  and   spaces", "two lines and spaces"},
		{"# not a heading", "\\# not a heading"},
		{"- not a list", "\\- not a list"},
		{"12. not a list", "12\\. not a list"},
		{"repo#12", "repo#12"},
	} {
		if got := mdText(tc.in); got != tc.want {
			t.Errorf("mdText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got, want := mdCode("a `b` c"), "``a `b` c``"; got != want {
		t.Errorf("mdCode = %q, want %q", got, want)
	}
	if got, want := mdCode("`x"), "`` `x ``"; got != want {
		t.Errorf("mdCode = %q, want %q", got, want)
	}
	if got := mdLink("x", "javascript:alert(1)"); got != "" {
		t.Errorf("mdLink made a javascript: link: %q", got)
	}
	if got, want := mdLink("x", "https://example.com/a b(c)"), "[x](https://example.com/a%20b%28c%29)"; got != want {
		t.Errorf("mdLink = %q, want %q", got, want)
	}
}
