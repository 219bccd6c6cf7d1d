package cmd

import (
	"io"

	"github.com/python-trio/snekomatic/internal/buildinfo"
	"github.com/python-trio/snekomatic/internal/ghactions"
	"github.com/python-trio/snekomatic/report"
)

// version is this binary's version, as the report and the first log line give it.
func version() string { return buildinfo.Get().Version }

// RunReport is the JSON document `reconcile --output json` prints.
type RunReport = report.Run

// SkippedOrg is an organization that was not reconciled, and why.
type SkippedOrg = report.SkippedOrg

func newRunReport(o *ReconcileOptions) *RunReport {
	return report.NewRun(version(), o.DryRun, o.Mode, o.StatePath)
}

func writeReport(w io.Writer, o *ReconcileOptions, run *RunReport) error {
	if o.Output == "json" {
		return report.WriteJSON(w, run)
	}
	return report.WriteText(w, run)
}

// writeActionsOutputs appends the step summary to the file GitHub Actions
// names in GITHUB_STEP_SUMMARY and, under Actions, prints the annotations
// (to stderr, with the other workflow commands).
func writeActionsOutputs(d *Deps, rr *RunReport) error {
	if inActions(d) {
		report.WriteAnnotations(d.Stderr, rr)
	}
	return ghactions.AppendSummary(d.Getenv, func(w io.Writer) error { return report.WriteSummary(w, rr) })
}
