package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/python-trio/snekomatic/internal/ghactions"
	"github.com/python-trio/snekomatic/reconcile"
)

// This file writes a run report's problems as GitHub Actions workflow
// commands (annotations); summary.go writes the job summary.

// annotationNameLimit caps the logins named in one queue annotation.
const annotationNameLimit = 5

// WriteAnnotations writes GitHub Actions workflow commands for the problems
// in rr, so that they show on the run's page and in the checks of its
// commit: `::warning::` for each warning and, grouped by reason, for the
// people left waiting in the queue (an invitation limit, --max-invites, a
// membership that could not be checked, a failed invitation) and for each
// organization the App is installed on but could not act on. Errors are
// not here: each is said once, as an ::error by the command. Each is titled "snekomatic: ORG" (with "(dry run)" in a
// dry run). Messages and titles are escaped by GitHub's rules for workflow
// commands, so a newline or "::" in a message can neither cut it short nor
// start a command of its own.
//
// GitHub reads workflow commands from a step's stdout and stderr alike;
// under `--output json` they belong on stderr, where they cannot corrupt the
// JSON document. It shows at most 10 warnings and 10 errors per step; the
// job summary has everything.
func WriteAnnotations(w io.Writer, rr *Run) {
	var b strings.Builder
	for _, s := range rr.Skipped {
		title := "snekomatic: " + s.Org
		if rr.DryRun {
			title += " (dry run)"
		}
		ghactions.Warning(&b, title, "not reconciled: "+s.Reason)
	}
	for _, r := range rr.Orgs {
		if r == nil {
			continue
		}
		title := "snekomatic: " + r.Org
		if r.DryRun || rr.DryRun {
			title += " (dry run)"
		}
		for _, msg := range r.Warnings {
			ghactions.Warning(&b, title, msg)
		}
		for _, g := range queueGroups(r.Queued) {
			verb := "waits"
			if len(g.logins) > 1 {
				verb = "wait"
			}
			if r.DryRun || rr.DryRun {
				verb = "would wait"
			}
			names := g.logins
			more := ""
			if len(names) > annotationNameLimit {
				more = fmt.Sprintf(" and %d more", len(names)-annotationNameLimit)
				names = names[:annotationNameLimit]
			}
			msg := fmt.Sprintf("%d %s %s in the queue for the next run (%s%s): %s", len(g.logins), people(len(g.logins)), verb,
				strings.Join(names, ", "), more, g.reason)
			ghactions.Warning(&b, title, msg)
		}
	}
	_, _ = io.WriteString(w, b.String())
}

type queueGroup struct {
	reason string
	logins []string
}

// queueGroups groups queued people by reason, in the order each reason
// first appears, so that one limit makes one annotation rather than one per
// person (GitHub shows only the first ten).
func queueGroups(es []reconcile.Entry) []queueGroup {
	idx := map[string]int{}
	var out []queueGroup
	for _, e := range es {
		i, ok := idx[e.Reason]
		if !ok {
			i = len(out)
			idx[e.Reason] = i
			out = append(out, queueGroup{reason: e.Reason})
		}
		out[i].logins = append(out[i].logins, e.Login)
	}
	for i := range out {
		if out[i].reason == "" {
			out[i].reason = "no reason recorded"
		}
		sort.Strings(out[i].logins)
	}
	return out
}

func people(n int) string {
	if n == 1 {
		return "person"
	}
	return "people"
}
