package reconcile

import "time"

// Report says what one organization's run did (or, in a dry run, would do).
// Its JSON form is part of snekomatic's interface (`--output json`): fields
// are only ever added, never renamed or removed.
type Report struct {
	Org    string `json:"org"`
	DryRun bool   `json:"dry_run"`
	// Window is the range of merge times read, and WindowReason why.
	Window       Window `json:"window,omitzero"`
	WindowReason string `json:"window_reason,omitempty"`
	// PullRequests counts the distinct merged pull requests read.
	PullRequests int `json:"pull_requests"`
	// FilteredPRs counts the pull requests left out by the configuration's
	// repository filter (repos).
	FilteredPRs    int `json:"filtered_pull_requests"`
	SearchRequests int `json:"search_requests"`
	GraphQLPoints  int `json:"graphql_points"`
	// Invited: sent an invitation (in a dry run: would be).
	Invited []Entry `json:"invited"`
	// Welcomed: welcome comments posted (in a dry run: still to post for
	// earlier invitees).
	Welcomed []Entry `json:"welcomed"`
	// Members and Pending: newly seen people who were already members or
	// already invited, now recorded so they are never asked.
	Members []Entry `json:"already_members"`
	Pending []Entry `json:"already_pending"`
	// Queued: due an invitation that waits for a later run, with the reason.
	Queued []Entry `json:"queued"`
	// Counting: newcomers with fewer merged pull requests than the
	// configuration's min_merged_prs, recorded until their next one.
	Counting []Entry `json:"counting"`
	// Proposed: newcomers listed on the approval issue instead of invited
	// (approval: issue_repo); Approved: ticked there, so invited (or
	// queued) by this run; Rejected: declined there, never proposed again.
	Proposed []Entry `json:"proposed"`
	Approved []Entry `json:"approved"`
	Rejected []Entry `json:"rejected"`
	// ApprovalIssue is the approval issue, when the organization has one.
	ApprovalIssue *ApprovalIssue `json:"approval_issue,omitempty"`
	// Skipped: authors who are never invited, with the reason (including
	// those excluded by the configuration).
	Skipped []Entry `json:"skipped"`
	// Accepted: invitations of snekomatic's accepted since the last run
	// (they are members now).
	Accepted []Entry `json:"accepted"`
	// Expired: invitations of snekomatic's that expired unanswered, learned
	// by this run (the reason says whether it is sent again).
	Expired []Entry `json:"expired"`
	// Declined: invitations of snekomatic's that ended otherwise: declined,
	// cancelled by an owner, or failed for another reason GitHub gives.
	// Never sent again.
	Declined []Entry `json:"declined"`
	// StillPending: invitations of snekomatic's still unanswered a day or
	// more after they were sent (Entry.PendingDays says how long).
	StillPending []Entry `json:"still_pending"`
	// Known counts authors already settled by an earlier run.
	Known int `json:"previously_recorded"`
	// Cursor is where the next run continues from (in a dry run: where it
	// would); absent when the run did not get that far.
	Cursor   time.Time `json:"cursor,omitzero"`
	Warnings []string  `json:"warnings"`
	// Errors are the run's failures, as values: the words are the
	// caller's (package report), which also puts them in the JSON
	// document, each as one line.
	Errors []error `json:"-"`
}

// Entry is one person in a report.
type Entry struct {
	Login      string  `json:"login"`
	ID         int64   `json:"id,omitempty"`
	PR         *PRLink `json:"pr,omitempty"`
	Reason     string  `json:"reason,omitempty"`
	CommentURL string  `json:"comment_url,omitempty"`
	// Welcome, in a dry run, is the welcome comment that would be posted
	// for this person, exactly as a run renders it; absent for those who
	// would get none.
	Welcome string `json:"welcome,omitempty"`
	// PendingDays is how many whole days a still pending invitation has
	// waited (Report.StillPending).
	PendingDays int `json:"pending_days,omitempty"`
}

// PRLink identifies a pull request in a report, with its web address.
// The state keeps less (state.PRRef: no address, which depends on the
// GitHub instance).
type PRLink struct {
	Repo   string `json:"repo"`
	Number int    `json:"number"`
	URL    string `json:"url"`
}

func newReport(org string, dryRun bool) *Report {
	// Empty lists, not null, so that consumers of the JSON need no special case.
	return &Report{Org: org, DryRun: dryRun, Invited: []Entry{}, Welcomed: []Entry{}, Members: []Entry{},
		Pending: []Entry{}, Queued: []Entry{}, Counting: []Entry{}, Skipped: []Entry{}, Warnings: []string{},
		Accepted: []Entry{}, Expired: []Entry{}, Declined: []Entry{}, StillPending: []Entry{},
		Proposed: []Entry{}, Approved: []Entry{}, Rejected: []Entry{}}
}

// FailedReport is the report of an organization whose run could not start,
// with the reason among its errors.
func FailedReport(org string, dryRun bool, err error) *Report {
	r := newReport(org, dryRun)
	r.Errors = append(r.Errors, err)
	return r
}

func entry(login string, id int64, pr PullRequest, reason string) Entry {
	e := Entry{Login: login, ID: id, Reason: reason}
	if pr.Repo != "" {
		e.PR = &PRLink{Repo: pr.Repo, Number: pr.Number, URL: pr.URL}
	}
	return e
}

func (r *Report) add(a Action, e Entry) {
	switch a {
	case ActInvite, ActConfirm, ActRecordDeclined:
		r.Invited = append(r.Invited, e)
	case ActRecordMember:
		r.Members = append(r.Members, e)
	case ActRecordPending:
		r.Pending = append(r.Pending, e)
	case ActQueue, ActKeepUnsure:
		r.Queued = append(r.Queued, e)
	case ActCount:
		r.Counting = append(r.Counting, e)
	case ActPropose:
		r.Proposed = append(r.Proposed, e)
	}
}

// ApprovalIssue is what a run did with the organization's approval issue.
type ApprovalIssue struct {
	Repo   string `json:"repo"`
	Number int    `json:"number,omitempty"`
	URL    string `json:"url,omitempty"`
	// Action is "created", "updated", "reopened", "unchanged", or in a dry
	// run "would create", "would update", "would reopen", "unchanged".
	Action string `json:"action"`
	// Unreadable says why the issue's body could not be read (it is then
	// rebuilt from the state, and nobody is approved or declined).
	Unreadable string `json:"unreadable,omitempty"`
	// Body is what the issue says (in a dry run: would say).
	Body string `json:"body,omitempty"`
}
