package doctor

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText prints the table, at most width columns: short cells
// ("yes", "no", "-") in the row, and each reason wrapped on the lines
// below it, so that a long one never widens the table.
func WriteText(w io.Writer, rep Report, tokenVar string, width int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "mode: %s", rep.Mode)
	if rep.Mode == ModeToken && tokenVar != "" {
		fmt.Fprintf(&b, " (from %s)", tokenVar)
	}
	b.WriteString("\n")
	for _, c := range rep.Checks {
		line := c.Name + ": " + cell(c)
		if c.Detail != "" {
			line += " (" + c.Detail + ")"
		}
		wrapText(&b, line, "", width)
	}
	b.WriteString("\n")
	if len(rep.Orgs) == 0 {
		b.WriteString("nothing to reconcile: the App is installed on no organization\n")
	}
	var tb strings.Builder
	tw := tabwriter.NewWriter(&tb, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tTYPE\tCREDENTIALS\tCAN INVITE\tCAN READ PRS\tCONFIG\tOK")
	for _, r := range rep.Orgs {
		cells := make([]string, 0, 4)
		for _, name := range []string{CheckToken, CheckInvite, CheckRead, CheckConfig} {
			cells = append(cells, cellOf(r.Checks, name))
		}
		ok := "yes"
		if !r.OK {
			ok = "NO"
		}
		if !r.Needed {
			ok = "ignored"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Account, r.Type, cells[0], cells[1], cells[2], cells[3], ok)
	}
	tw.Flush()
	lines := strings.Split(strings.TrimSuffix(tb.String(), "\n"), "\n")
	b.WriteString(strings.TrimRight(lines[0], " ") + "\n")
	for i, r := range rep.Orgs {
		b.WriteString(strings.TrimRight(lines[i+1], " ") + "\n")
		if len(r.Permissions) > 0 {
			wrapText(&b, "permissions: "+strings.Join(r.Permissions, ", "), "    ", width)
		}
		for _, c := range r.Checks {
			// Who the credentials are is worth seeing even when fine, and
			// so is a read that sees only some repositories.
			if !c.OK || c.Skipped || c.Name == CheckToken || c.Name == CheckRead && c.Detail != "" {
				wrapDetail(&b, c, "    ", width)
			}
		}
		writeWelcome(&b, r.Checks, width)
	}
	if rep.OK {
		b.WriteString("\neverything a run needs is there\n")
	} else {
		fmt.Fprintf(&b, "\nnot ready: %d problem(s) above\n", len(rep.Errors))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func cell(c Check) string {
	switch {
	case c.Skipped && c.OK:
		return "-"
	case c.Skipped:
		return "-"
	case c.OK:
		return "yes"
	}
	return "no"
}

func cellOf(cs []Check, name string) string {
	for _, c := range cs {
		if c.Name == name {
			return cell(c)
		}
	}
	return "-"
}

func wrapDetail(b *strings.Builder, c Check, indent string, width int) {
	if c.Detail == "" {
		return
	}
	wrapText(b, c.Name+": "+c.Detail, indent, width)
}

// wrapText writes s in lines of at most width columns, each starting with
// indent; a word longer than a line gets a line of its own.
func wrapText(b *strings.Builder, s, indent string, width int) {
	line := indent
	cont := indent + "  "
	if indent == "" {
		cont = "  "
	}
	for _, word := range strings.Fields(s) {
		if len(line) > len(indent) && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line, indent = cont, cont
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	if len(line) > len(indent) {
		b.WriteString(line + "\n")
	}
}
