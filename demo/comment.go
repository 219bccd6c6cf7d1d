package demo

import (
	"fmt"
	"io"
	"strings"
)

// showWelcome shows, once in the demo, the first welcome comment a run
// posted, read back from the fake exactly as it was posted. Comments are
// kept oldest first, so those after the first since are the run's.
func (dm *demo) showWelcome(out io.Writer, since int) {
	if dm.welcomeShown {
		return
	}
	all := dm.gh.AllComments()
	if len(all) <= since {
		return
	}
	c := all[since]
	dm.welcomeShown = true
	fmt.Fprintf(out, "\nThe welcome comment on %s#%d, as the fake received it", c.Repo, c.Number)
	if others := len(all) - since - 1; others > 0 {
		fmt.Fprintf(out, " (the %d %s differ only in name, pull request and links)", others, plural(others, "other", "others"))
	}
	fmt.Fprintln(out, ":")
	for _, line := range strings.Split(strings.TrimRight(c.Body, "\n"), "\n") {
		fmt.Fprintln(out, strings.TrimRight("  | "+line, " "))
	}
}
