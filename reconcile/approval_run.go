package reconcile

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/python-trio/snekomatic/state"
)

// Dashboard is an organization's approval issue as GitHub has it.
type Dashboard struct {
	Number int
	URL    string
	Body   string
	Open   bool
}

// DashboardKeeper reads and writes approval issues (ghapi.Client). A run
// asks for it only when the organization has approval on.
type DashboardKeeper interface {
	// FindDashboard returns the newest issue in repo (OWNER/NAME), open or
	// closed, that snekomatic's own identity wrote and whose body holds
	// marker; nil when there is none. One request.
	FindDashboard(ctx context.Context, repo, marker string) (*Dashboard, error)
	// CreateDashboard opens a new issue.
	CreateDashboard(ctx context.Context, repo, title, body string) (*Dashboard, error)
	// EditDashboard replaces the issue's body, and reopens it when asked.
	EditDashboard(ctx context.Context, repo string, number int, body string, reopen bool) error
}

// approvalRun is what a run with approval on carries from reading the
// issue to writing it.
type approvalRun struct {
	keeper DashboardKeeper
	repo   string
	dash   *Dashboard // nil: none found
	// approved are the ids approved by this run, for their "Done" lines
	// once their outcome is known.
	approved []int64
	// done are the "Done" lines to write: those read, and the declined.
	done []string
}

// readApproval reads the approval issue and records the maintainers'
// answers: the approved are queued (to be invited by this run, as the
// queue is), the declined rejected. It returns the organization's record
// with them (in a dry run, changed in memory only). A repository whose
// issues cannot be read fails the organization before anything is sent.
func (r *orgRun) readApproval(ctx context.Context, known state.Org) (state.Org, error) {
	repo := r.opts.Policy.ApprovalRepo
	keeper, ok := r.c.(DashboardKeeper)
	if !ok {
		return known, fmt.Errorf("approval: this client cannot read or write issues")
	}
	dash, err := keeper.FindDashboard(ctx, repo, DashboardMarker(r.org))
	if err != nil {
		return known, fmt.Errorf("approval.issue_repo %s: its issues cannot be read (check the name, and that the credentials may read and write its issues): %w", repo, err)
	}
	r.approval = &approvalRun{keeper: keeper, repo: repo, dash: dash}
	proposed := map[int64]bool{}
	for id, p := range known.People {
		if p.Status == state.Proposed {
			proposed[id] = true
		}
	}
	var ans ApprovalAnswer
	switch {
	case dash == nil && len(proposed) > 0:
		r.warn(fmt.Sprintf("no approval issue of %s in %s (deleted, or its hidden marker line removed): nobody is approved or declined by this run, and a new one is created from the state", r.org, repo))
	case dash != nil:
		ans = ReadApproval(dash.Body, r.org, proposed)
		if ans.Unreadable != "" {
			r.warn(fmt.Sprintf("the approval issue %s#%d could not be read (%s): nobody is approved or declined by this run, and it is rebuilt from the state", repo, dash.Number, ans.Unreadable))
			ans = ApprovalAnswer{}
		}
	}
	return r.recordAnswers(known, ans)
}

func (r *orgRun) warn(msg string) {
	r.rep.Warnings = append(r.rep.Warnings, msg)
	r.log.Warn(msg)
}

// recordAnswers records the approved as queued and the declined as
// rejected (in a dry run, in known only).
func (r *orgRun) recordAnswers(known state.Org, ans ApprovalAnswer) (state.Org, error) {
	a := r.approval
	a.done, a.approved = ans.Done, ans.Approved
	where := a.repo
	if a.dash != nil {
		where = fmt.Sprintf("%s#%d", a.repo, a.dash.Number)
	}
	changed := map[int64]*state.Person{}
	for _, id := range ans.Approved {
		p := *known.People[id]
		p.Status, p.At, p.Reason = state.Queued, r.opts.Now, "approved on "+where
		changed[id] = &p
		r.rep.Approved = append(r.rep.Approved, personEntry(id, &p, r.opts.WebURL))
	}
	for _, id := range ans.Declined {
		p := *known.People[id]
		p.Status, p.At, p.Reason = state.Rejected, r.opts.Now, "declined on "+where
		changed[id] = &p
		r.rep.Rejected = append(r.rep.Rejected, personEntry(id, &p, r.opts.WebURL))
		a.done = append(a.done, doneLine(p.Login, false, "", r.opts.Now))
	}
	if len(changed) == 0 {
		return known, nil
	}
	if r.opts.DryRun {
		maps.Copy(known.People, changed)
		return known, nil
	}
	if err := r.st.Update(r.org, func(o *state.Edit) { o.PutAll(changed) }); err != nil {
		return known, fmt.Errorf("record the answers of the approval issue: %w", err)
	}
	return r.st.Org(r.org), nil
}

func personEntry(id int64, p *state.Person, web string) Entry {
	e := Entry{Login: p.Login, ID: id, Reason: p.Reason}
	if p.PR != nil {
		e.PR = &PRLink{Repo: p.PR.Repo, Number: p.PR.Number, URL: p.PR.URL(web)}
	}
	return e
}

// writeApproval brings the approval issue up to date with people (the
// organization's record after the run, or in a dry run what it would
// be): one request at most, none when the body is unchanged and the issue
// open. A closed issue is reopened; a missing one is created. A dry run
// reports what the issue would say and writes nothing.
func (r *orgRun) writeApproval(ctx context.Context, people map[int64]*state.Person) {
	a := r.approval
	done := slices.Clone(a.done)
	for _, id := range a.approved {
		if p := people[id]; p != nil {
			done = append(done, doneLine(p.Login, true, outcomeOf(p), r.opts.Now))
		}
	}
	body := RenderApproval(r.org, r.opts.WebURL, proposedLines(people), done)
	is := &ApprovalIssue{Repo: a.repo}
	r.rep.ApprovalIssue = is
	verb := ""
	switch {
	case a.dash == nil:
		verb = "create"
	case !a.dash.Open:
		verb, is.Number, is.URL = "reopen", a.dash.Number, a.dash.URL
	case a.dash.Body != body:
		verb, is.Number, is.URL = "update", a.dash.Number, a.dash.URL
	default:
		is.Action, is.Number, is.URL = "unchanged", a.dash.Number, a.dash.URL
		return
	}
	if r.opts.DryRun {
		is.Action, is.Body = "would "+verb, body
		return
	}
	if r.stop != nil || ctx.Err() != nil {
		return
	}
	var err error
	if verb == "create" {
		var d *Dashboard
		if d, err = a.keeper.CreateDashboard(ctx, a.repo, "Contributors waiting for approval ("+r.org+")", body); err == nil {
			is.Number, is.URL = d.Number, d.URL
		}
	} else {
		err = a.keeper.EditDashboard(ctx, a.repo, a.dash.Number, body, verb == "reopen")
	}
	if err != nil {
		r.fail(fmt.Errorf("write the approval issue in %s (nothing is lost: the next run writes it again): %w", a.repo, err))
		return
	}
	is.Action = map[string]string{"create": "created", "reopen": "reopened", "update": "updated"}[verb]
}

// outcomeOf says what became of an approved person, for their "Done" line.
func outcomeOf(p *state.Person) string {
	switch p.Status {
	case state.Invited:
		return "invited"
	case state.Member:
		return "already a member"
	case state.Pending:
		return "already invited"
	case state.Queued, state.Inviting:
		return "in the queue (" + p.Reason + ")"
	}
	return string(p.Status) + " (" + p.Reason + ")"
}

// proposedIn is people with the proposals of a dry run's plan added.
func proposedIn(people map[int64]*state.Person, ds []Decision, now time.Time) map[int64]*state.Person {
	out := maps.Clone(people)
	for _, d := range ds {
		if d.Action == ActPropose {
			out[d.ID] = &state.Person{Login: d.Login, Status: state.Proposed, At: now, PR: prRef(d.PR), Reason: d.Reason}
		}
	}
	return out
}
