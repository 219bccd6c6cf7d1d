package report

import (
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/python-trio/snekomatic/internal/errtext"

	"github.com/python-trio/snekomatic/reconcile"
)

// This file renders a run report as a Markdown job summary for GitHub
// Actions (GITHUB_STEP_SUMMARY); annotations.go writes its workflow-command
// annotations. Both read only the Run, so they show exactly what
// `--output json` does, and neither can leak a secret the report does not
// hold.

// summaryListLimit caps each list in the job summary. GitHub refuses a
// step's summary above 1 MiB, and a backfill over a busy organization can
// settle thousands of people; the JSON report always has them all.
const summaryListLimit = 100

// WriteSummary writes rr as GitHub-flavoured Markdown for a job
// summary: a table of counts per organization, how snekomatic authenticated,
// the organizations it could not act on and what to fix, then for each
// organization the window read, who was invited (linked to the pull request
// that earned the invitation), who was welcomed, who waits in the queue and
// why, errors and warnings, the people settled without an invitation (in a
// collapsed block), the next cursor and the GraphQL points spent. A dry run
// says so at the top and words every list as what a real run would do.
//
// The caller opens the file named by GITHUB_STEP_SUMMARY for appending
// (other steps write to it too). Text that comes from GitHub or from error
// messages is escaped, so that it cannot change the Markdown around it;
// long lists are cut at 100 entries with a pointer to the JSON report.
func WriteSummary(w io.Writer, rr *Run) error {
	var b strings.Builder
	if rr.DryRun {
		b.WriteString("## snekomatic: dry run\n\n")
		b.WriteString("> **Dry run.** No invitation or comment was sent and the state file was not changed. " +
			"The lists below are what a real run would do now.\n\n")
	} else {
		b.WriteString("## snekomatic\n\n")
	}
	if len(rr.Orgs) == 0 {
		b.WriteString("No organization was reconciled.\n")
		writeSkippedOrgs(&b, rr.Skipped)
		_, err := io.WriteString(w, b.String())
		return err
	}
	invited, waiting := "invited", "waiting"
	if rr.DryRun {
		invited, waiting = "would invite", "would wait"
	}
	fmt.Fprintf(&b, "| organization | %s | %s | already members | already invited | skipped | previously recorded | errors |\n", invited, waiting)
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range rr.Orgs {
		if r == nil {
			continue
		}
		n := Count(r)
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d | %d |\n", mdText(r.Org),
			n.Invited, n.Queued, n.Members, n.Pending, n.Skipped, n.Known, n.Errors)
	}
	var facts []string
	switch rr.Mode {
	case "app":
		facts = append(facts, "Authenticated as a GitHub App")
	case "token":
		facts = append(facts, "Authenticated with a token")
	}
	if rr.State != "" {
		facts = append(facts, "state file "+mdCode(rr.State))
	}
	if rr.Version != "" {
		facts = append(facts, "snekomatic "+mdCode(rr.Version))
	}
	if len(facts) > 0 {
		b.WriteString("\n" + strings.Join(facts, " · ") + "\n")
	}
	writeSkippedOrgs(&b, rr.Skipped)
	for _, r := range rr.Orgs {
		if r != nil {
			writeOrgSummary(&b, r)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeSkippedOrgs lists the organizations the App is installed on but
// could not act on, each with what to fix.
func writeSkippedOrgs(b *strings.Builder, skipped []SkippedOrg) {
	if len(skipped) == 0 {
		return
	}
	fmt.Fprintf(b, "\n**Organizations not reconciled (%d)**\n\n", len(skipped))
	for i, s := range skipped {
		if i == summaryListLimit {
			fmt.Fprintf(b, "- … and %d more: see the JSON report (`--output json`)\n", len(skipped)-i)
			return
		}
		fmt.Fprintf(b, "- %s: %s\n", mdText(s.Org), mdText(s.Reason))
	}
}

func writeOrgSummary(b *strings.Builder, r *Org) {
	fmt.Fprintf(b, "\n### %s\n\n", mdText(r.Org))
	if !FailedBeforeReading(r) {
		prs := "pull requests"
		if r.PullRequests == 1 {
			prs = "pull request"
		}
		fmt.Fprintf(b, "Read %d %s merged from %s to %s", r.PullRequests, prs, mdCode(FormatTime(r.Window.From)), mdCode(FormatTime(r.Window.To)))
		if r.WindowReason != "" {
			fmt.Fprintf(b, " (%s)", mdText(r.WindowReason))
		}
		b.WriteString(".\n")
	} else {
		b.WriteString("The run stopped before it read any pull request.\n")
	}

	invited, welcomed, queued := "Invited", "Welcomed", "Waiting in the queue"
	if r.DryRun {
		invited, welcomed, queued = "Would invite", "Would welcome", "Would wait in the queue"
	}
	if len(r.Invited) > 0 {
		fmt.Fprintf(b, "\n**%s (%d)**\n\n", invited, len(r.Invited))
		writeList(b, r.Invited, func(e reconcile.Entry) string {
			return mdPerson(e, true) + " for " + mdPR(e.PR)
		})
	}
	if len(r.Welcomed) > 0 {
		fmt.Fprintf(b, "\n**%s (%d)**\n\n", welcomed, len(r.Welcomed))
		writeList(b, r.Welcomed, func(e reconcile.Entry) string {
			s := mdPerson(e, true) + " on " + mdPR(e.PR)
			if link := mdLink("comment", e.CommentURL); link != "" {
				s += " (" + link + ")"
			}
			return s
		})
	}
	reasonTable(b, fmt.Sprintf("%s (%d)", queued, len(r.Queued)), "tried first on the next run", r.Queued)
	reasonTable(b, fmt.Sprintf("Not yet enough merged pull requests (%d)", len(r.Counting)), "counted again on their next one", r.Counting)
	writeFates(b, r)
	approvalSummary(b, r.Report)
	if r.FilteredPRs > 0 {
		fmt.Fprintf(b, "\n%d merged pull requests were left out by the configuration's repository filters.\n", r.FilteredPRs)
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(b, "\n**Errors (%d)**\n\n", len(r.Errors))
		writeStrings(b, r.Errors)
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintf(b, "\n**Warnings (%d)**\n\n", len(r.Warnings))
		writeStrings(b, r.Warnings)
	}
	writeNotInvited(b, r)

	b.WriteString("\n")
	var facts []string
	if !r.Cursor.IsZero() {
		c := "Next cursor: " + mdCode(FormatTime(r.Cursor))
		if r.DryRun {
			c += " (not saved: dry run)"
		}
		facts = append(facts, c)
	}
	if r.Known > 0 {
		facts = append(facts, fmt.Sprintf("previously recorded: %d", r.Known))
	}
	facts = append(facts, fmt.Sprintf("search requests: %d", r.SearchRequests), fmt.Sprintf("GraphQL points: %d", r.GraphQLPoints))
	b.WriteString(strings.Join(facts, " · "))
	b.WriteString("\n")
}

// writeFates lists what became of earlier invitations, learned by this run.
func writeFates(b *strings.Builder, r *Org) {
	reasonTable(b, fmt.Sprintf("Accepted since the last run (%d)", len(r.Accepted)), "now members", r.Accepted)
	reasonTable(b, fmt.Sprintf("Invitations expired (%d)", len(r.Expired)), "unanswered for seven days", r.Expired)
	reasonTable(b, fmt.Sprintf("Invitations declined or cancelled (%d)", len(r.Declined)), "never sent again", r.Declined)
	reasonTable(b, fmt.Sprintf("Still pending (%d)", len(r.StillPending)), "not answered yet", r.StillPending)
}

// writeNotInvited lists, in a collapsed block, the people settled without
// an invitation, each with why.
func writeNotInvited(b *strings.Builder, r *Org) {
	n := Count(r)
	if n.Members+n.Pending+n.Skipped == 0 {
		return
	}
	fmt.Fprintf(b, "\n<details><summary>Not invited: already members %d, already invited %d, skipped %d</summary>\n\n",
		n.Members, n.Pending, n.Skipped)
	withReason := func(profile bool) func(e reconcile.Entry) string {
		return func(e reconcile.Entry) string {
			s := mdPerson(e, profile)
			if e.PR != nil {
				s += " (" + mdPR(e.PR) + ")"
			}
			if e.Reason != "" {
				s += ": " + mdText(e.Reason)
			}
			return s
		}
	}
	writeList(b, r.Members, withReason(true))
	writeList(b, r.Pending, withReason(true))
	// Skipped accounts are bots, mannequins and deleted accounts: none
	// has a profile page worth a link.
	writeList(b, r.Skipped, withReason(false))
	b.WriteString("\n</details>\n")
}

func writeList(b *strings.Builder, es []reconcile.Entry, line func(reconcile.Entry) string) {
	for i, e := range es {
		if i == summaryListLimit {
			fmt.Fprintf(b, "- … and %d more: see the JSON report (`--output json`)\n", len(es)-i)
			return
		}
		b.WriteString("- " + line(e) + "\n")
	}
}

func writeStrings(b *strings.Builder, ss []string) {
	for i, s := range ss {
		if i == summaryListLimit {
			fmt.Fprintf(b, "- … and %d more: see the JSON report (`--output json`)\n", len(ss)-i)
			return
		}
		b.WriteString("- " + mdText(s) + "\n")
	}
}

// mdPerson links a login to its profile (when profile is set), on the host
// of the pull request's URL so that GitHub Enterprise Server works too.
// Otherwise, and for logins that have no profile page of that form (bots),
// it shows the login as code.
func mdPerson(e reconcile.Entry, profile bool) string {
	if profile && e.PR != nil && e.Login != "" && !strings.ContainsAny(e.Login, "[]/") {
		if u, err := url.Parse(e.PR.URL); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			return mdLink(e.Login, u.Scheme+"://"+u.Host+"/"+url.PathEscape(e.Login))
		}
	}
	if e.Login == "" {
		return "(unknown)"
	}
	return mdCode(e.Login)
}

// mdPR links a pull request as owner/repo#number.
func mdPR(pr *reconcile.PRLink) string {
	if pr == nil {
		return "(no pull request)"
	}
	text := fmt.Sprintf("%s#%d", pr.Repo, pr.Number)
	if link := mdLink(text, pr.URL); link != "" {
		return link
	}
	return mdText(text)
}

// mdLink is a Markdown link, or "" when target is not an http(s) URL (a
// report never holds another kind, but the summary must not render a
// javascript: link if one ever did).
func mdLink(text, target string) string {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	dest := strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E").Replace(u.String())
	return "[" + mdText(text) + "](" + dest + ")"
}

// mdEscaper backslash-escapes the ASCII punctuation that means something
// inline in GitHub-flavoured Markdown (CommonMark allows a backslash before
// any punctuation), so that text from GitHub or from an error message stays
// text: no emphasis, links, HTML, entities or table cells.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`,
	"|", `\|`, "~", `\~`, "&", `\&`,
)

// mdBlockStart matches what would open a block (a heading, a list item, a
// quote, a thematic break) at the start of a line or list item.
var mdBlockStart = regexp.MustCompile(`^(#|[-+=]|[0-9]+[.)])`)

// mdText escapes s for inline Markdown and folds it onto one line. It may
// start a list item or table cell, so a leading block marker is escaped too.
func mdText(s string) string {
	s = mdEscaper.Replace(errtext.OneLine(s))
	if m := mdBlockStart.FindStringIndex(s); m != nil {
		s = s[:m[1]-1] + `\` + s[m[1]-1:]
	}
	return s
}

// mdCode is s as a code span, with a fence longer than any run of
// backticks inside it.
func mdCode(s string) string {
	s = errtext.OneLine(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

// reasonTable writes a table of people with the pull request and the reason
// of each, under a bold heading; nothing when there is nobody.
func reasonTable(b *strings.Builder, heading, note string, es []reconcile.Entry) {
	if len(es) == 0 {
		return
	}
	fmt.Fprintf(b, "\n**%s**: %s\n\n", heading, note)
	b.WriteString("| who | pull request | why |\n| --- | --- | --- |\n")
	for i, e := range es {
		if i == summaryListLimit {
			fmt.Fprintf(b, "| … | %d more | see the JSON report |\n", len(es)-i)
			break
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", mdPerson(e, true), mdPR(e.PR), mdText(e.Reason))
	}
}
