package report

import (
	"fmt"
	"strings"

	"github.com/python-trio/snekomatic/reconcile"
)

// The approval issue's part of the text report and of the job summary
// (docs/approval.md).

// approvalText writes the proposed, approved and declined people and what
// became of the issue; a dry run shows what the issue would say.
func approvalText(b *strings.Builder, r *reconcile.Report) {
	section(b, "proposed on the approval issue (not invited until ticked)", r.Proposed)
	section(b, "approved on the approval issue", r.Approved)
	section(b, "declined on the approval issue (never proposed again)", r.Rejected)
	is := r.ApprovalIssue
	if is == nil {
		return
	}
	fmt.Fprintf(b, "  approval issue: %s %s\n", is.Action, issueRef(is))
	if is.Body != "" {
		fmt.Fprintf(b, "  it would say:\n")
		for l := range strings.SplitSeq(strings.TrimRight(is.Body, "\n"), "\n") {
			fmt.Fprintf(b, "    | %s\n", l)
		}
	}
}

// approvalSummary is approvalText for the job summary.
func approvalSummary(b *strings.Builder, r *reconcile.Report) {
	reasonTable(b, fmt.Sprintf("Proposed on the approval issue (%d)", len(r.Proposed)), "invited once a maintainer ticks their box", r.Proposed)
	reasonTable(b, fmt.Sprintf("Approved on the approval issue (%d)", len(r.Approved)), "invited by this run, or queued", r.Approved)
	reasonTable(b, fmt.Sprintf("Declined on the approval issue (%d)", len(r.Rejected)), "never proposed again", r.Rejected)
	if is := r.ApprovalIssue; is != nil {
		ref := issueRef(is)
		if is.URL != "" {
			ref = fmt.Sprintf("[%s](%s)", ref, is.URL)
		}
		fmt.Fprintf(b, "\nApproval issue: %s %s.\n", is.Action, ref)
		if is.Body != "" {
			fmt.Fprintf(b, "\n<details><summary>What it would say</summary>\n\n````markdown\n%s````\n\n</details>\n", is.Body)
		}
	}
}

func issueRef(is *reconcile.ApprovalIssue) string {
	if is.Number == 0 {
		return "an issue in " + is.Repo
	}
	return fmt.Sprintf("%s#%d", is.Repo, is.Number)
}
