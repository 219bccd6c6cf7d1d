package state

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/python-trio/snekomatic/internal/errtext"
)

// Shown is what `snekomatic state show` shows of a state: everyone
// remembered, organization by organization, by status. Its JSON is the
// command's --output json; fields are only ever added.
type Shown struct {
	State string     `json:"state"`
	Orgs  []ShownOrg `json:"orgs"`
}

// ShownOrg is one organization of Shown.
type ShownOrg struct {
	Org    string        `json:"org"`
	Cursor *time.Time    `json:"cursor"`
	People []ShownPerson `json:"people"`
}

// ShownPerson is one remembered person.
type ShownPerson struct {
	ID int64 `json:"id"`
	Person
	// PR shadows Person.PR to add the address, which the state file no
	// longer stores.
	PR *ShownPR `json:"pr,omitempty"`
}

// ShownPR is the pull request a decision was made on.
type ShownPR struct {
	PRRef
	URL string `json:"url"`
}

// Show lays out the organizations named (every one in f when none are,
// sorted) of the state file at path, those snekomatic still has business
// with first. With web set, each pull request gets its address there.
func Show(f *File, path string, orgs []string, web string) Shown {
	names := orgs
	if len(names) == 0 {
		for name := range f.Orgs {
			names = append(names, name)
		}
		slices.Sort(names)
	}
	doc := Shown{State: path, Orgs: []ShownOrg{}}
	for _, name := range names {
		so := ShownOrg{Org: strings.ToLower(name), People: []ShownPerson{}}
		if org := f.Orgs[strings.ToLower(name)]; org != nil {
			if !org.Cursor.IsZero() {
				c := org.Cursor.UTC()
				so.Cursor = &c
			}
			// Sorted by small keys computed once, then laid out: a state
			// can hold 100,000 people.
			type key struct {
				rank  int
				login string
				id    int64
			}
			keys := make([]key, 0, len(org.People))
			for id, p := range org.People {
				keys = append(keys, key{shownRank(p.Status), strings.ToLower(p.Login), id})
			}
			slices.SortFunc(keys, func(a, b key) int {
				return cmp.Or(cmp.Compare(a.rank, b.rank), strings.Compare(a.login, b.login), cmp.Compare(a.id, b.id))
			})
			so.People = make([]ShownPerson, len(keys))
			for i, k := range keys {
				p := org.People[k.id]
				so.People[i] = ShownPerson{ID: k.id, Person: *p}
				if p.PR != nil {
					so.People[i].PR = &ShownPR{PRRef: *p.PR}
					if web != "" {
						so.People[i].PR.URL = p.PR.URL(web)
					}
				}
			}
		}
		doc.Orgs = append(doc.Orgs, so)
	}
	return doc
}

// shownRank places a status in Statuses' order.
func shownRank(s Status) int {
	if i := slices.Index(Statuses, s); i >= 0 {
		return i
	}
	return len(Statuses)
}

// WriteText writes doc as a table per organization and status, with no
// trailing spaces.
func (doc Shown) WriteText(w io.Writer) error {
	var b strings.Builder
	if len(doc.Orgs) == 0 {
		fmt.Fprintf(&b, "%s: nobody is remembered yet\n", doc.State)
	}
	for i, so := range doc.Orgs {
		if i > 0 {
			b.WriteString("\n")
		}
		cursor := "no cursor yet"
		if so.Cursor != nil {
			cursor = "cursor " + formatTime(*so.Cursor)
		}
		fmt.Fprintf(&b, "%s: %d people (%s)\n", so.Org, len(so.People), cursor)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		var last Status
		for _, p := range so.People {
			if p.Status != last {
				last = p.Status
				n := 0
				for _, q := range so.People {
					if q.Status == p.Status {
						n++
					}
				}
				tw.Flush()
				fmt.Fprintf(&b, "  %s (%d):\n", p.Status, n)
			}
			pr, note := "", p.Reason
			if p.PR != nil {
				pr = fmt.Sprintf("%s#%d", p.PR.Repo, p.PR.Number)
			}
			switch {
			case p.CommentURL != "":
				note = strings.TrimSpace(note + " " + p.CommentURL)
			case p.NoComment:
				note = strings.TrimSpace(note + " (comments off: no welcome)")
			case p.Status == Invited:
				note = strings.TrimSpace(note + " (welcome comment not posted yet)")
			}
			fmt.Fprintf(tw, "    %s\t%d\t%s\t%s\t%s\n", p.Login, p.ID, formatTime(p.At), pr, errtext.OneLine(note))
		}
		tw.Flush()
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n"))
	return err
}

// formatTime is how the shown state writes a time (report.FormatTime's
// format).
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
