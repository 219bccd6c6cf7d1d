package cmd

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"github.com/python-trio/snekomatic/report"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/python-trio/snekomatic/internal/errtext"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/ghurl"
	"github.com/python-trio/snekomatic/state"
)

// StateShowOptions are the inputs of `snekomatic state show`.
type StateShowOptions struct {
	StatePath string
	Orgs      []string
	Output    string
	// APIURL is the GitHub API the state was written against (--api-url,
	// else GITHUB_API_URL), and WebURL the web host links go to.
	APIURL, WebURL string
	Deps           *Deps
}

// NewCmdStateShow builds `snekomatic state show`.
func NewCmdStateShow(d *Deps, runF func(context.Context, *StateShowOptions) error) *cobra.Command {
	o := &StateShowOptions{Deps: d}
	c := &cobra.Command{
		Use:   "show",
		Short: "List everyone remembered, by status, with when and the pull request",
		Long: `Lists everyone the state file remembers, organization by organization,
grouped by status (those snekomatic still has business with first), with
when the status was set, the pull request it was decided on and the reason.
It only reads the state file: it takes no lock and sends no request.`,
		Example: `  snekomatic state show --org python-trio
  snekomatic state show --output json | jq '.orgs[].people[] | select(.status == "queued")'`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := checkOutput(o.Output); err != nil {
				return err
			}
			orgs, err := checkOrgs(o.Orgs)
			if err != nil {
				return err
			}
			o.Orgs = orgs
			if err := o.completeWeb(c.Flags().Changed("api-url")); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), o)
			}
			return stateShowRun(c.Context(), o)
		},
	}
	f := c.Flags()
	addStateFlag(f, &o.StatePath)
	f.StringArrayVar(&o.Orgs, "org", nil, "only this organization (repeatable)")
	f.StringVar(&o.Output, "output", "text", "text or json")
	f.StringVar(&o.APIURL, "api-url", "", "GitHub API base URL the state belongs to, for the links (default $GITHUB_API_URL, else "+ghurl.DefaultAPI+")")
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion("text", "json"))
	return c
}

// completeWeb finds the web host of the GitHub the state was written
// against, as a run does (ghurl.WebFor), so that links work on GitHub
// Enterprise Server too.
func (o *StateShowOptions) completeWeb(flagGiven bool) error {
	if !flagGiven {
		o.APIURL = o.Deps.Getenv("GITHUB_API_URL")
	}
	if o.APIURL == "" {
		o.APIURL = ghurl.DefaultAPI
	}
	if err := ghurl.Check("--api-url", o.APIURL); err != nil {
		return &UsageError{err}
	}
	web, err := ghurl.WebFor(o.APIURL)
	if err != nil {
		return &UsageError{err}
	}
	o.WebURL = web
	return nil
}

// ShownState is the JSON document `state show --output json` prints.
// Fields are only ever added.
type ShownState struct {
	State string     `json:"state"`
	Orgs  []ShownOrg `json:"orgs"`
}

// ShownOrg is one organization of ShownState.
type ShownOrg struct {
	Org    string        `json:"org"`
	Cursor *time.Time    `json:"cursor"`
	People []ShownPerson `json:"people"`
}

// ShownPerson is one remembered person.
type ShownPerson struct {
	ID int64 `json:"id"`
	state.Person
	// PR shadows Person.PR to add the address, which the state file no
	// longer stores.
	PR *ShownPR `json:"pr,omitempty"`
}

// ShownPR is the pull request a decision was made on.
type ShownPR struct {
	state.PRRef
	URL string `json:"url"`
}

func stateShowRun(_ context.Context, o *StateShowOptions) error {
	// Read only, and no copy: the state can hold 100,000 people.
	snap, _, err := state.Load(o.StatePath)
	if err != nil {
		return err
	}
	names := o.Orgs
	if len(names) == 0 {
		for name := range snap.Orgs {
			names = append(names, name)
		}
		slices.Sort(names)
	}
	doc := ShownState{State: o.StatePath, Orgs: []ShownOrg{}}
	for _, name := range names {
		so := ShownOrg{Org: strings.ToLower(name), People: []ShownPerson{}}
		if org := snap.Orgs[strings.ToLower(name)]; org != nil {
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
				keys = append(keys, key{statusRank(p.Status), strings.ToLower(p.Login), id})
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
					if o.Output == "json" { // the text has no use for it
						so.People[i].PR.URL = p.PR.URL(o.WebURL)
					}
				}
			}
		}
		doc.Orgs = append(doc.Orgs, so)
	}
	w := o.Deps.Stdout
	if o.Output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	return writeShownState(w, doc)
}

func statusRank(s state.Status) int {
	if i := slices.Index(state.Statuses, s); i >= 0 {
		return i
	}
	return len(state.Statuses)
}

func writeShownState(w io.Writer, doc ShownState) error {
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
			cursor = "cursor " + report.FormatTime(*so.Cursor)
		}
		fmt.Fprintf(&b, "%s: %d people (%s)\n", so.Org, len(so.People), cursor)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		var last state.Status
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
			case p.Status == state.Invited:
				note = strings.TrimSpace(note + " (welcome comment not posted yet)")
			}
			fmt.Fprintf(tw, "    %s\t%d\t%s\t%s\t%s\n", p.Login, p.ID, report.FormatTime(p.At), pr, errtext.OneLine(note))
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
