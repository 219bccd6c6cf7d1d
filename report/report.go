package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/reconcile"
)

// Run is the JSON document `reconcile --output json` prints. Fields are
// only ever added.
type Run struct {
	Version string `json:"version"` // snekomatic's own version (internal/buildinfo)
	DryRun  bool   `json:"dry_run"`
	// Mode is "app" or "token".
	Mode  string `json:"mode"`
	State string `json:"state"`
	Orgs  []*Org `json:"orgs"`
	// Skipped lists organizations the App is installed on but cannot act
	// on, with what to fix.
	Skipped []SkippedOrg `json:"skipped_orgs"`
	// Errors lists every failure of the run, one line each, prefixed with
	// the organization's name (each organization's own are in its report).
	Errors []string `json:"errors"`
}

// NewRun is an empty run report: lists empty, not null, so that consumers
// of the JSON need no special case.
func NewRun(version string, dryRun bool, mode, state string) *Run {
	return &Run{Version: version, DryRun: dryRun, Mode: mode, State: state, Orgs: []*Org{}, Skipped: []SkippedOrg{}, Errors: []string{}}
}

// Org is one organization's report as it is shown: reconcile's report,
// with its errors in words.
type Org struct {
	*reconcile.Report
	// Errors are the report's errors as Explain words them, each once.
	Errors []string `json:"errors"`
}

// NewOrg is r with its errors in words (nil: none).
func NewOrg(r *reconcile.Report, errs []string) *Org {
	if errs == nil {
		errs = []string{}
	}
	return &Org{Report: r, Errors: errs}
}

// SkippedOrg is an organization that was not reconciled, and why.
type SkippedOrg struct {
	Org    string `json:"org"`
	Reason string `json:"reason"`
}

// Counts are the numbers every form of the report shows for an
// organization, counted in one place so that they agree.
type Counts struct {
	Invited, Welcomed, Members, Pending, Queued, Counting, Skipped int
	Known, Warnings, Errors                                        int
}

// Count counts o.
func Count(o *Org) Counts {
	return Counts{Invited: len(o.Invited), Welcomed: len(o.Welcomed), Members: len(o.Members), Pending: len(o.Pending),
		Queued: len(o.Queued), Counting: len(o.Counting), Skipped: len(o.Skipped), Known: o.Known,
		Warnings: len(o.Warnings), Errors: len(o.Errors)}
}

// WriteJSON writes run as the indented JSON document.
func WriteJSON(w io.Writer, run *Run) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(run)
}

// WriteText writes run as the text report.
func WriteText(w io.Writer, run *Run) error {
	var b strings.Builder
	for i, r := range run.Orgs {
		if i > 0 {
			b.WriteString("\n")
		}
		writeTextOrg(&b, r)
	}
	for _, s := range run.Skipped {
		fmt.Fprintf(&b, "\n%s: skipped: %s\n", s.Org, s.Reason)
	}
	if run.DryRun {
		b.WriteString("\nDry run: no invitation or comment was sent and the state file was not changed.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTextOrg(b *strings.Builder, r *Org) {
	verb, welcomed := "invited", "welcomed"
	if r.DryRun {
		verb, welcomed = "would invite", "would welcome"
	}
	if FailedBeforeReading(r) {
		// Claim nothing for a search that did not happen or did not
		// finish; the error itself is said once, on stderr.
		fmt.Fprintf(b, "%s: failed before its merged pull requests were read (error below)\n", r.Org)
		return
	}
	n := Count(r)
	fmt.Fprintf(b, "%s: %d merged pull requests from %s to %s (%s)\n", r.Org, r.PullRequests,
		FormatTime(r.Window.From), FormatTime(r.Window.To), r.WindowReason)
	section(b, verb, r.Invited)
	section(b, welcomed, r.Welcomed)
	section(b, "already members", r.Members)
	section(b, "already invited", r.Pending)
	section(b, "queued for a later run", r.Queued)
	section(b, "counting merged pull requests (min_merged_prs)", r.Counting)
	approvalText(b, r.Report)
	section(b, "skipped", r.Skipped)
	section(b, "invitations accepted since the last run", r.Accepted)
	section(b, "invitations expired", r.Expired)
	section(b, "invitations declined or cancelled", r.Declined)
	section(b, "invitations still pending", r.StillPending)
	if r.FilteredPRs > 0 {
		fmt.Fprintf(b, "  pull requests in repositories the configuration leaves out: %d\n", r.FilteredPRs)
	}
	if n.Known > 0 {
		fmt.Fprintf(b, "  previously recorded: %d\n", n.Known)
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(b, "  warning: %s\n", w)
	}
	if n.Errors > 0 {
		fmt.Fprintf(b, "  errors: %d (below)\n", n.Errors)
	}
	if !r.Cursor.IsZero() {
		label := "next cursor"
		if r.DryRun {
			label = "next cursor (not saved)"
		}
		fmt.Fprintf(b, "  %s: %s\n", label, FormatTime(r.Cursor))
	}
	fmt.Fprintf(b, "  GraphQL points: %d\n", r.GraphQLPoints)
	writeWelcomePreview(b, r)
}

func section(b *strings.Builder, title string, es []reconcile.Entry) {
	if len(es) == 0 {
		return
	}
	fmt.Fprintf(b, "  %s (%d):\n", title, len(es))
	for _, e := range es {
		fmt.Fprintf(b, "    %s", e.Login)
		if e.PR != nil {
			fmt.Fprintf(b, "  %s#%d", e.PR.Repo, e.PR.Number)
		}
		if e.Reason != "" {
			fmt.Fprintf(b, "  (%s)", e.Reason)
		}
		if e.CommentURL != "" {
			fmt.Fprintf(b, "  %s", e.CommentURL)
		}
		b.WriteString("\n")
	}
}

// FormatTime is how every report writes a time: RFC 3339, in UTC.
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// FailedBeforeReading reports whether an organization's run stopped before
// its merged pull requests were all read: it failed, read none, and did
// nothing with anyone.
func FailedBeforeReading(r *Org) bool {
	if len(r.Errors) == 0 {
		return false
	}
	if r.Window.From.IsZero() {
		return true
	}
	n := Count(r)
	return r.PullRequests == 0 && r.Cursor.IsZero() && n.Invited+n.Welcomed+n.Members+n.Pending+
		n.Queued+n.Counting+n.Skipped+n.Known+r.FilteredPRs == 0
}
