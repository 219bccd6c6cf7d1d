package reconcile_test

// The approval issue through whole runs (approval_run.go), with a client
// that keeps one issue as GitHub would.

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/reconciletest"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// dashClient is a scripted client that also keeps approval issues.
type dashClient struct {
	*reconciletest.Client
	dash              *reconcile.Dashboard // nil: none
	findErr, writeErr error
	creates, edits    int
	reopened          bool
}

func (d *dashClient) FindDashboard(_ context.Context, repo, marker string) (*reconcile.Dashboard, error) {
	if d.findErr != nil {
		return nil, d.findErr
	}
	if d.dash == nil || !strings.Contains(d.dash.Body, marker) || repo != "trio/admin" {
		return nil, nil
	}
	c := *d.dash
	return &c, nil
}

func (d *dashClient) CreateDashboard(_ context.Context, repo, title, body string) (*reconcile.Dashboard, error) {
	d.creates++
	if d.writeErr != nil {
		return nil, d.writeErr
	}
	d.dash = &reconcile.Dashboard{Number: 7, URL: "https://github.test/trio/admin/issues/7", Body: body, Open: true}
	return d.dash, nil
}

func (d *dashClient) EditDashboard(_ context.Context, repo string, number int, body string, reopen bool) error {
	d.edits++
	if d.writeErr != nil {
		return d.writeErr
	}
	d.dash.Body, d.reopened = body, reopen
	d.dash.Open = d.dash.Open || reopen
	return nil
}

func approvalOptions() reconcile.Options {
	opts := options()
	opts.Policy.ApprovalRepo = "trio/admin"
	return opts
}

// TestApprovalIssueThroughRuns: a newcomer is proposed on a new issue;
// ticking their box invites them on the next run, which says so under
// "Done"; deleting a line declines; a run with nothing new writes nothing;
// a closed issue is reopened.
func TestApprovalIssueThroughRuns(t *testing.T) {
	d := &dashClient{Client: reconciletest.New()}
	st := tempStore(t)
	d.PRs = []reconcile.PullRequest{mergedPR(1, 11, "ann"), mergedPR(2, 12, "bob")}
	_, err := runOrg(t, d.Client, st, approvalOptions()) // not a keeper
	if err == nil || !strings.Contains(err.Error(), "cannot read or write issues") {
		t.Fatalf("a client without issues: error %v", err)
	}
	rep, err := reconcile.Org(context.Background(), d, st, org, approvalOptions())
	if err != nil {
		t.Fatal(err)
	}
	if is := rep.ApprovalIssue; is == nil || is.Action != "created" || is.Number != 7 || d.creates != 1 {
		t.Fatalf("first run: issue %+v, %d created", is, d.creates)
	}
	if person(st, 11).Status != state.Proposed || d.Invited(11) != 0 {
		t.Fatalf("ann: %+v", person(st, 11))
	}
	// A run with nothing new leaves the issue alone.
	if rep, err = reconcile.Org(context.Background(), d, st, org, approvalOptions()); err != nil || rep.ApprovalIssue.Action != "unchanged" || d.edits != 0 {
		t.Fatalf("unchanged run: %v %+v, %d edits", err, rep.ApprovalIssue, d.edits)
	}
	// Tick ann, delete bob's line.
	var lines []string
	for _, l := range strings.Split(d.dash.Body, "\n") {
		if strings.Contains(l, "@bob") {
			continue
		}
		lines = append(lines, strings.Replace(l, "- [ ] @ann", "- [x] @ann", 1))
	}
	d.dash.Body = strings.Join(lines, "\n")
	rep, err = reconcile.Org(context.Background(), d, st, org, approvalOptions())
	if err != nil {
		t.Fatal(err)
	}
	if d.Invited(11) != 1 || person(st, 11).Status != state.Invited || person(st, 12).Status != state.Rejected {
		t.Errorf("after the answers: ann %+v (invited %d), bob %+v", person(st, 11), d.Invited(11), person(st, 12))
	}
	if len(rep.Approved) != 1 || rep.Approved[0].Login != "ann" || rep.Approved[0].Reason != "approved on trio/admin#7" || rep.Approved[0].PR == nil ||
		len(rep.Rejected) != 1 || rep.Rejected[0].Reason != "declined on trio/admin#7" {
		t.Errorf("approved %+v rejected %+v", rep.Approved, rep.Rejected)
	}
	if rep.ApprovalIssue.Action != "updated" || d.edits != 1 || d.reopened ||
		!strings.Contains(d.dash.Body, "- @ann — approved: invited (2026-11-20)") ||
		!strings.Contains(d.dash.Body, "- @bob — not invited (declined here, 2026-11-20)") ||
		!strings.Contains(d.dash.Body, "Nobody is waiting.") {
		t.Errorf("issue %+v, %d edits:\n%s", rep.ApprovalIssue, d.edits, d.dash.Body)
	}
	// Closed by someone: reopened, with the Done lines kept.
	d.dash.Open = false
	d.PRs = append(d.PRs, mergedPR(3, 13, "cat"))
	if rep, err = reconcile.Org(context.Background(), d, st, org, approvalOptions()); err != nil || rep.ApprovalIssue.Action != "reopened" || !d.reopened || !d.dash.Open {
		t.Fatalf("closed issue: %v %+v", err, rep.ApprovalIssue)
	}
	if !strings.Contains(d.dash.Body, "@ann — approved: invited") || !strings.Contains(d.dash.Body, "- [ ] @cat") {
		t.Errorf("reopened body:\n%s", d.dash.Body)
	}
}

// TestApprovalIssueTroubles: an issue that cannot be read fails the
// organization before anything is sent; a missing or unreadable one is
// rebuilt with a warning; one that cannot be written fails the run, and
// a dry run only says what it would write.
func TestApprovalIssueTroubles(t *testing.T) {
	proposed := func(st *state.Store) {
		_ = st.Update(org, func(o *state.Edit) {
			o.Put(11, &state.Person{Login: "ann", Status: state.Proposed, At: now.Add(-24 * time.Hour),
				PR: &state.PRRef{Repo: "trio/trio", Number: 1}})
		})
	}
	t.Run("unreadable repository", func(t *testing.T) {
		d := &dashClient{Client: reconciletest.New(), findErr: errors.New("404 Not Found")}
		d.PRs = []reconcile.PullRequest{mergedPR(1, 11, "ann")}
		_, err := reconcile.Org(context.Background(), d, tempStore(t), org, approvalOptions())
		if err == nil || !strings.Contains(err.Error(), "approval.issue_repo trio/admin: its issues cannot be read") || calls(d.Client, "SearchMerged") != 0 {
			t.Errorf("error %v, calls %q", err, d.Calls)
		}
	})
	t.Run("issue gone", func(t *testing.T) {
		d := &dashClient{Client: reconciletest.New()}
		st := tempStore(t)
		proposed(st)
		rep, err := reconcile.Org(context.Background(), d, st, org, approvalOptions())
		if err != nil || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "no approval issue of trio in trio/admin") || d.creates != 1 {
			t.Errorf("%v, warnings %q, %d created", err, rep.Warnings, d.creates)
		}
	})
	t.Run("no warning without proposals", func(t *testing.T) {
		d := &dashClient{Client: reconciletest.New()}
		rep, err := reconcile.Org(context.Background(), d, tempStore(t), org, approvalOptions())
		if err != nil || len(rep.Warnings) != 0 || rep.ApprovalIssue.Action != "created" {
			t.Errorf("%v, warnings %q, issue %+v", err, rep.Warnings, rep.ApprovalIssue)
		}
	})
	t.Run("marker heading gone", func(t *testing.T) {
		d := &dashClient{Client: reconciletest.New()}
		d.dash = &reconcile.Dashboard{Number: 3, Body: reconcile.DashboardMarker(org) + " shown=11 -->\n- [x] @ann <!-- id=11 -->\n", Open: true}
		st := tempStore(t)
		proposed(st)
		rep, err := reconcile.Org(context.Background(), d, st, org, approvalOptions())
		if err != nil || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "the approval issue trio/admin#3 could not be read") ||
			person(st, 11).Status != state.Proposed || d.Invited(11) != 0 || rep.ApprovalIssue.Action != "updated" {
			t.Errorf("%v, warnings %q, ann %+v, issue %+v", err, rep.Warnings, person(st, 11), rep.ApprovalIssue)
		}
	})
	t.Run("cannot write", func(t *testing.T) {
		d := &dashClient{Client: reconciletest.New(), writeErr: errors.New("403 Forbidden")}
		d.PRs = []reconcile.PullRequest{mergedPR(1, 11, "ann")}
		st := tempStore(t)
		rep, err := reconcile.Org(context.Background(), d, st, org, approvalOptions())
		if err == nil || !strings.Contains(err.Error(), "write the approval issue in trio/admin") || rep.ApprovalIssue.Action != "" || d.creates != 1 {
			t.Errorf("%v, issue %+v", err, rep.ApprovalIssue)
		}
		if person(st, 11).Status != state.Proposed {
			t.Errorf("ann %+v", person(st, 11))
		}
	})
	t.Run("dry run", func(t *testing.T) {
		d := &dashClient{Client: reconciletest.New()}
		d.PRs = []reconcile.PullRequest{mergedPR(1, 11, "ann")}
		opts := approvalOptions()
		opts.DryRun = true
		st := tempStore(t)
		rep, err := reconcile.Org(context.Background(), d, st, org, opts)
		if err != nil || rep.ApprovalIssue.Action != "would create" || !strings.Contains(rep.ApprovalIssue.Body, "- [ ] @ann") || d.creates != 0 || person(st, 11) != nil {
			t.Errorf("%v, issue %+v, %d created, ann %+v", err, rep.ApprovalIssue, d.creates, person(st, 11))
		}
	})
}

// TestApprovalAnswersUnrecorded: answers that cannot be written fail the
// organization before anyone approved is invited; a dry run only reports
// them.
func TestApprovalAnswersUnrecorded(t *testing.T) {
	ticked := func(st *state.Store) *dashClient {
		_ = st.Update(org, func(o *state.Edit) {
			o.Put(11, &state.Person{Login: "ann", Status: state.Proposed, At: now.Add(-time.Hour), PR: &state.PRRef{Repo: "trio/trio", Number: 1}})
		})
		body := reconcile.RenderApproval(org, "https://github.test", []reconcile.ProposedLine{{ID: 11, Login: "ann"}}, nil)
		d := &dashClient{Client: reconciletest.New()}
		d.dash = &reconcile.Dashboard{Number: 7, Body: strings.Replace(body, "- [ ] @ann", "- [x] @ann", 1), Open: true}
		return d
	}
	st, breakIt := breakableStore(t)
	d := ticked(st)
	breakIt()
	_, err := reconcile.Org(context.Background(), d, st, org, approvalOptions())
	if err == nil || !strings.Contains(err.Error(), "record the answers of the approval issue: ") || d.Invited(11) != 0 {
		t.Errorf("error %v, ann invited %d times", err, d.Invited(11))
	}
	st = tempStore(t)
	d = ticked(st)
	opts := approvalOptions()
	opts.DryRun = true
	rep, err := reconcile.Org(context.Background(), d, st, org, opts)
	if err != nil || len(rep.Approved) != 1 || person(st, 11).Status != state.Proposed || d.Invited(11) != 0 || d.edits != 0 {
		t.Errorf("dry run: %v, approved %+v, ann %+v", err, rep.Approved, person(st, 11))
	}
	if e := entryOf(rep.Invited, "ann"); e == nil {
		t.Errorf("dry run: ann not among those who would be invited: %+v", rep.Invited)
	}
}
