package reconcile

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/state"
)

// Approval (Policy.ApprovalRepo): instead of inviting newcomers, a run
// proposes them (state.Proposed) on one issue it keeps up to date in a
// repository of the organization, a checkbox a person, as Renovate's
// Dependency Dashboard does with its approvals
// (https://docs.renovatebot.com/key-concepts/dashboard). The next run reads
// the issue: a ticked box approves (the person is queued and invited as
// usual), a line removed or moved under "Not now" declines
// (state.Rejected). The pure half is here: reading the body
// (ReadApproval), gating the plan (Gate) and writing the body
// (RenderApproval); the run's steps are in approval_run.go.

// DashboardMarker is the hidden line that identifies an organization's
// approval issue. Only an issue written by snekomatic's own identity
// counts: anyone may type the marker.
func DashboardMarker(org string) string {
	return "<!-- snekomatic:dashboard org=" + strings.ToLower(org)
}

// The sections of the body.
const (
	headWaiting = "## Waiting for approval"
	headNotNow  = "## Not now"
	headDone    = "## Done"
	// maxDoneLines bounds the "Done" section, which only shows the latest.
	maxDoneLines = 20
)

// ApprovalAnswer is what the maintainers said on the issue about the
// people proposed.
type ApprovalAnswer struct {
	// Approved and Declined are ids of people recorded as proposed.
	Approved, Declined []int64
	// Unreadable says why the body could not be read (not snekomatic's
	// layout any more); nothing is then decided, and the issue is rebuilt
	// from the state.
	Unreadable string
	// Done are the lines of the "Done" section, carried to the next body.
	Done []string
}

var (
	markerLine = regexp.MustCompile(`<!-- snekomatic:dashboard org=(\S+) shown=([0-9,]*) -->`)
	boxLine    = regexp.MustCompile(`^\s*[-*+]\s+\[([ xX])\]\s.*<!--\s*id=(\d+)\s*-->`)
	idComment  = regexp.MustCompile(`<!--\s*id=(\d+)\s*-->`)
)

// ReadApproval reads the maintainers' answers from the body, for
// the people recorded as proposed. A person is approved by a ticked box
// under "Waiting for approval"; declined by a line under "Not now" (ticked
// or not), or by their line being removed: they were shown (the marker
// lists them) and are nowhere in the body. Someone proposed who was never
// shown is left waiting. A line for anyone not proposed is ignored: the
// issue cannot invite a stranger.
func ReadApproval(body, org string, proposed map[int64]bool) ApprovalAnswer {
	var a ApprovalAnswer
	m := markerLine.FindStringSubmatch(body)
	switch {
	case m == nil:
		a.Unreadable = "its hidden marker line is gone"
		return a
	case !strings.EqualFold(m[1], org):
		a.Unreadable = fmt.Sprintf("its marker names the organization %s", m[1])
		return a
	case !strings.Contains(body, headWaiting):
		a.Unreadable = fmt.Sprintf("its %q heading is gone", strings.TrimPrefix(headWaiting, "## "))
		return a
	}
	shown := map[int64]bool{}
	for f := range strings.SplitSeq(m[2], ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			shown[id] = true
		}
	}
	ticked, present, notNow := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
	section := ""
	for line := range strings.SplitSeq(body, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.HasPrefix(line, "## ") {
			section = strings.TrimSpace(line)
			continue
		}
		switch section {
		case headWaiting:
			if bm := boxLine.FindStringSubmatch(line); bm != nil {
				id, _ := strconv.ParseInt(bm[2], 10, 64)
				present[id] = true
				ticked[id] = ticked[id] || bm[1] != " "
			}
		case headNotNow:
			if im := idComment.FindStringSubmatch(line); im != nil {
				id, _ := strconv.ParseInt(im[1], 10, 64)
				notNow[id] = true
			}
		case headDone:
			if t := strings.TrimSpace(line); strings.HasPrefix(t, "- ") {
				a.Done = append(a.Done, t)
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(proposed)) {
		switch {
		case notNow[id], shown[id] && !present[id]:
			a.Declined = append(a.Declined, id)
		case ticked[id]:
			a.Approved = append(a.Approved, id)
		}
	}
	return a
}

// Gate holds back, when the organization asks for approval, every
// invitation a newcomer is due: an invitation or a place in the queue for
// someone who was not queued before (an earlier run queued only people
// due an invitation: approved ones, or from before approval was asked)
// becomes a proposal. minMerged is the policy's min_merged_prs, for the
// reason shown on the issue.
func Gate(ds []Decision, minMerged int) []Decision {
	out := slices.Clone(ds)
	for i, d := range out {
		if d.Queued || d.Unsure || (d.Action != ActInvite && d.Action != ActQueue) {
			continue
		}
		why := "first merged pull request"
		switch {
		case d.Note != "":
			why = d.Note
		case minMerged > 1:
			why = fmt.Sprintf("min_merged_prs (%d) reached", minMerged)
		}
		out[i].Action, out[i].Reason = ActPropose, why
	}
	return out
}

// ProposedLine is one person waiting on the issue.
type ProposedLine struct {
	ID     int64
	Login  string
	PR     *state.PRRef
	Reason string
	At     time.Time
}

// proposedLines lists the people recorded as proposed, oldest first: by
// when they were proposed, then by when their pull request was merged.
func proposedLines(people map[int64]*state.Person) []ProposedLine {
	var out []ProposedLine
	for id, p := range people {
		if p.Status == state.Proposed {
			out = append(out, ProposedLine{ID: id, Login: p.Login, PR: p.PR, Reason: p.Reason, At: p.At})
		}
	}
	slices.SortFunc(out, func(a, b ProposedLine) int {
		return cmp.Or(a.At.Compare(b.At), mergedAt(a.PR).Compare(mergedAt(b.PR)), cmp.Compare(a.ID, b.ID))
	})
	return out
}

func mergedAt(r *state.PRRef) time.Time {
	if r == nil {
		return time.Time{}
	}
	return r.MergedAt
}

// RenderApproval is the whole body: the marker (with the ids
// shown, so that a removed line can be told from one never shown), the
// people waiting, oldest first, an empty "Not now" section, and the latest
// "Done" lines. web is the GitHub instance's web address, for links.
func RenderApproval(org, web string, waiting []ProposedLine, done []string) string {
	var b strings.Builder
	ids := make([]string, len(waiting))
	for i, w := range waiting {
		ids[i] = strconv.FormatInt(w.ID, 10)
	}
	fmt.Fprintf(&b, "%s shown=%s -->\n", DashboardMarker(org), strings.Join(ids, ","))
	fmt.Fprintf(&b, "snekomatic proposes these contributors for an invitation to **%s**.\n\n", org)
	b.WriteString("- Tick a box to invite that person on the next run.\n")
	b.WriteString("- Delete a line, or move it under \"Not now\", and they are never proposed again (`snekomatic state forget` undoes that).\n")
	b.WriteString("- Leave it as it is to decide later.\n\n")
	b.WriteString(headWaiting + "\n\n")
	if len(waiting) == 0 {
		b.WriteString("Nobody is waiting.\n")
	}
	for _, w := range waiting {
		pr := "no pull request on record"
		if w.PR != nil {
			pr = fmt.Sprintf("[%s#%d](%s)", w.PR.Repo, w.PR.Number, w.PR.URL(web))
		}
		fmt.Fprintf(&b, "- [ ] @%s — %s (%s) <!-- id=%d -->\n", w.Login, pr, w.Reason, w.ID)
	}
	b.WriteString("\n" + headNotNow + "\n\n")
	if len(done) > 0 {
		b.WriteString("\n" + headDone + "\n\n")
		for _, l := range done[max(0, len(done)-maxDoneLines):] {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// doneLine is the "Done" line of someone the maintainers answered for.
func doneLine(login string, approved bool, outcome string, at time.Time) string {
	if !approved {
		return fmt.Sprintf("- @%s — not invited (declined here, %s)", login, at.UTC().Format(time.DateOnly))
	}
	return fmt.Sprintf("- @%s — approved: %s (%s)", login, outcome, at.UTC().Format(time.DateOnly))
}
