package doctor

import (
	"strings"

	"github.com/python-trio/snekomatic/reconcile"
)

// welcomePreview is org's welcome comment under its policy p, rendered as
// a run renders it (reconcile.Welcome) with sample data moved into org:
// the configuration's template, or the standard text. It is "" when the
// policy posts no comment.
func (ch *checker) welcomePreview(p reconcile.Policy, org string) (string, error) {
	if p.NoComment {
		return "", nil
	}
	return reconcile.Welcome(p, reconcile.SampleWelcomeFor(org, ch.o.WebURL), 1)
}

// writeWelcome shows an organization's welcome preview below its row,
// each line of the comment after a bar, long ones wrapped to width (the
// JSON report has it as rendered).
func writeWelcome(b *strings.Builder, cs []Check, width int) {
	for _, c := range cs {
		if c.Welcome == "" {
			continue
		}
		b.WriteString("    welcome comment, with sample data (long lines wrapped here):\n")
		for _, line := range strings.Split(strings.TrimRight(c.Welcome, "\n"), "\n") {
			if strings.TrimSpace(line) == "" {
				b.WriteString("      |\n")
				continue
			}
			wrapText(b, line, "      | ", width)
		}
	}
}
