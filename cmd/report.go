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
	for _, e := range r.Errors {
		fmt.Fprintf(b, "  error: %s\n", oneLine(e))
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
