package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/internal/buildinfo"
	"github.com/python-trio/snekomatic/reconcile"
)

// version is this binary's version, as the report and the first log line give it.
func version() string { return buildinfo.Get().Version }

// RunReport is the JSON document `reconcile --output json` prints. Fields
// are only ever added.
type RunReport struct {
	Version string `json:"version"` // snekomatic's own version (internal/buildinfo)
	DryRun  bool   `json:"dry_run"`
	// Mode is "app" or "token".
	Mode  string              `json:"mode"`
	State string              `json:"state"`
	Orgs  []*reconcile.Report `json:"orgs"`
	// Skipped lists organizations the App is installed on but cannot act
	// on, with what to fix.
	Skipped []SkippedOrg `json:"skipped_orgs"`
	// Errors lists every failure of the run, one line each, prefixed with
	// the organization's name (each organization's own are in its report).
	Errors []string `json:"errors"`
}

func newRunReport(o *ReconcileOptions) *RunReport {
	return &RunReport{Version: version(), DryRun: o.DryRun, Mode: o.Mode, State: o.StatePath, Orgs: []*reconcile.Report{},
		Skipped: []SkippedOrg{}, Errors: []string{}}
}

// SkippedOrg is an organization that was not reconciled, and why.
type SkippedOrg struct {
	Org    string `json:"org"`
	Reason string `json:"reason"`
}

func writeReport(w io.Writer, o *ReconcileOptions, run *RunReport) error {
	if o.Output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(run)
	}
	var b strings.Builder
	for i, r := range run.Orgs {
		if i > 0 {
			b.WriteString("\n")
		}
		writeTextReport(&b, r)
	}
	for _, s := range run.Skipped {
		fmt.Fprintf(&b, "\n%s: skipped: %s\n", s.Org, s.Reason)
	}
	if o.DryRun {
		b.WriteString("\nDry run: no invitation or comment was sent and the state file was not changed.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTextReport(b *strings.Builder, r *reconcile.Report) {
	verb := "invited"
	if r.DryRun {
		verb = "would invite"
	}
	if failedBeforeReading(r) {
		// Claim nothing for a search that did not happen or did not
		// finish; the error itself is said once, on stderr.
		fmt.Fprintf(b, "%s: failed before its merged pull requests were read (error below)\n", r.Org)
		return
	}
	fmt.Fprintf(b, "%s: %d merged pull requests from %s to %s (%s)\n", r.Org, r.PullRequests,
		fmtTime(r.Window.From), fmtTime(r.Window.To), r.WindowReason)
	section(b, verb, r.Invited)
	welcomed := "welcomed"
	if r.DryRun {
		welcomed = "would welcome"
	}
	section(b, welcomed, r.Welcomed)
	section(b, "already members", r.Members)
	section(b, "already invited", r.Pending)
	section(b, "queued for a later run", r.Queued)
	section(b, "counting merged pull requests (min_merged_prs)", r.Counting)
	approvalText(b, r)
	section(b, "skipped", r.Skipped)
	if r.FilteredPRs > 0 {
		fmt.Fprintf(b, "  pull requests in repositories the configuration leaves out: %d\n", r.FilteredPRs)
	}
	if r.Known > 0 {
		fmt.Fprintf(b, "  previously recorded: %d\n", r.Known)
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(b, "  warning: %s\n", w)
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(b, "  errors: %d (below)\n", len(r.Errors))
	}
	if !r.Cursor.IsZero() {
		label := "next cursor"
		if r.DryRun {
			label = "next cursor (not saved)"
		}
		fmt.Fprintf(b, "  %s: %s\n", label, fmtTime(r.Cursor))
	}
	fmt.Fprintf(b, "  GraphQL points: %d\n", r.GraphQLPoints)
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

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// failedBeforeReading reports whether an organization's run stopped before
// its merged pull requests were all read: it failed, read none, and did
// nothing with anyone.
func failedBeforeReading(r *reconcile.Report) bool {
	if len(r.Errors) == 0 {
		return false
	}
	if r.Window.From.IsZero() {
		return true
	}
	return r.PullRequests == 0 && r.Cursor.IsZero() && len(r.Invited)+len(r.Welcomed)+len(r.Members)+len(r.Pending)+
		len(r.Queued)+len(r.Counting)+len(r.Skipped)+r.Known+r.FilteredPRs == 0
}
