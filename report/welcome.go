package report

import (
	"fmt"
	"strings"

	"github.com/python-trio/snekomatic/reconcile"
)

// writeWelcomePreview shows, in a dry run's text report, the welcome
// comment the run would post (reconcile.Entry.Welcome), once: the first
// person's, with a word on how many others would get theirs. The JSON
// document carries each person's.
func writeWelcomePreview(b *strings.Builder, r *Org) {
	var first *reconcile.Entry
	others := 0
	for _, es := range [][]reconcile.Entry{r.Invited, r.Welcomed} {
		for i := range es {
			if es[i].Welcome == "" {
				continue
			}
			if first == nil {
				first = &es[i]
			} else {
				others++
			}
		}
	}
	if first == nil {
		return
	}
	fmt.Fprintf(b, "  welcome comment that would be posted for %s", first.Login)
	if first.PR != nil {
		fmt.Fprintf(b, " on %s#%d", first.PR.Repo, first.PR.Number)
	}
	switch others {
	case 0:
		b.WriteString(":\n")
	case 1:
		b.WriteString(" (the other one differs only in name, pull request and links; --output json has it):\n")
	default:
		fmt.Fprintf(b, " (the %d others differ only in name, pull request and links; --output json has each):\n", others)
	}
	for _, line := range strings.Split(strings.TrimRight(first.Welcome, "\n"), "\n") {
		b.WriteString(strings.TrimRight("    | "+line, " ") + "\n")
	}
}
