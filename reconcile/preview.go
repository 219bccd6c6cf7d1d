package reconcile

import (
	"fmt"
	"strings"
)

// This file previews the welcome comment: in a dry run, for each person
// who would be welcomed (Entry.Welcome), and for doctor, on sample data.
// Both render it with Welcome, which a real run posts.

// Welcome is the welcome comment for d and the user id userID under pol:
// pol's template, or the standard text when it has none, with the hidden
// marker appended. It does not ask whether pol posts comments at all
// (Policy.NoComment).
func Welcome(pol Policy, d WelcomeData, userID int64) (string, error) {
	if pol.Comment == nil {
		return welcomeText(d.Login, d.Org, userID, d.AcceptURL, d.CoAuthor), nil
	}
	return RenderWelcome(pol.Comment, d, userID)
}

// SampleWelcomeFor is SampleWelcomeData moved into org on the GitHub
// instance whose web host is webURL ("" means github.com): what doctor
// shows an organization's welcome comment with.
func SampleWelcomeFor(org, webURL string) WelcomeData {
	if webURL == "" {
		webURL = "https://github.com"
	}
	d := SampleWelcomeData
	d.Org = org
	d.PR.Repo = org + "/project"
	d.PR.URL = fmt.Sprintf("%s/%s/pull/%d", strings.TrimRight(webURL, "/"), d.PR.Repo, d.PR.Number)
	d.AcceptURL = AcceptURL(webURL, org)
	return d
}

// wantsWelcome: comments are on under pol, and d has a pull request on
// record to comment on (a person queued without one has not), and is not
// the renewal of an invitation welcomed before (Decision.Renewal).
func wantsWelcome(d Decision, pol Policy) bool {
	return !pol.NoComment && d.PR.Repo != "" && d.Renewal == nil
}

// welcomeDue says whether a dry run's decision d would post a welcome
// comment under pol, as a real run decides it: an invitation sent
// (ActInvite), or confirmed without our comment found (ActConfirm with no
// CommentURL), when the run wants a welcome for it (wantsWelcome), not in
// an archived repository (which GitHub refuses: findOrPostWelcome).
// Recording a declined invitation posts nothing.
func welcomeDue(d Decision, pol Policy) bool {
	switch {
	case !wantsWelcome(d, pol) || d.PR.RepoArchived:
		return false
	case d.Action == ActInvite:
		return true
	case d.Action == ActConfirm:
		return d.CommentURL == ""
	}
	return false
}

// previewWelcome sets e.Welcome, in a dry run, to the comment the run
// would post for wl, e's person, when due. A template that does not
// render for them is a warning: the real run would fail that welcome.
func (r *orgRun) previewWelcome(e *Entry, wl welcome, due bool) {
	if !due {
		return
	}
	body, err := welcomeBody(r.org, wl, r.opts)
	if err != nil {
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("the welcome comment to %s would not be posted: %v", e.Login, err))
		return
	}
	e.Welcome = body
}
