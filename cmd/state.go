package cmd

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/ghname"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// NewCmdState builds `snekomatic state`, the commands that show and
// correct what snekomatic remembers.
func NewCmdState(d *Deps) *cobra.Command {
	c := &cobra.Command{
		Use:   "state",
		Short: "Show and correct what snekomatic remembers about people",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return usagef("state needs a command: show, forget, adopt or fold")
		},
	}
	c.AddCommand(NewCmdStateShow(d, nil), NewCmdStateForget(d, nil), NewCmdStateAdopt(d, nil), NewCmdStateFold(d, nil))
	return c
}

// StateShowOptions are the inputs of `snekomatic state show`.
type StateShowOptions struct {
	StatePath string
	Orgs      []string
	Output    string
	Deps      *Deps
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
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion("text", "json"))
	return c
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
						so.People[i].PR.URL = p.PR.URL(state.GitHubWeb)
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
			cursor = "cursor " + fmtTime(*so.Cursor)
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
			fmt.Fprintf(tw, "    %s\t%d\t%s\t%s\t%s\n", p.Login, p.ID, fmtTime(p.At), pr, oneLine(note))
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

// StateForgetOptions are the inputs of `snekomatic state forget`.
type StateForgetOptions struct {
	StatePath string
	Orgs      []string
	// Who are logins or numeric user ids.
	Who    []string
	DryRun bool
	Deps   *Deps
}

// NewCmdStateForget builds `snekomatic state forget`.
func NewCmdStateForget(d *Deps, runF func(context.Context, *StateForgetOptions) error) *cobra.Command {
	o := &StateForgetOptions{Deps: d}
	c := &cobra.Command{
		Use:   "forget --org ORG [--org ORG...] LOGIN|ID...",
		Short: "Forget people, so that they are invited on their next merged pull request",
		Long: `Removes people from the state file, for someone who changed their mind (or
whose invitation was lost): snekomatic treats them as new, and invites and
welcomes them on their next merged pull request. Name them by login (as the
state file knows it, ignoring case) or by numeric user id; each is forgotten
in every organization named with --org that remembers them. Nothing is
changed unless everyone named is found in at least one of them. It takes
the state file's lock and saves atomically; it sends no request. With
--dry-run it only says whom it would forget.`,
		Example: `  # Forget alice in one organization
  snekomatic state forget --org python-trio alice

  # See first what would be forgotten in two organizations
  snekomatic state forget --org python-trio --org trio-labs --dry-run alice 12345`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(o.Orgs) == 0 {
				return usagef("--org is required: name the organization(s) to forget people in")
			}
			orgs, err := checkOrgs(o.Orgs)
			if err != nil {
				return err
			}
			o.Orgs, o.Who = orgs, args
			if runF != nil {
				return runF(c.Context(), o)
			}
			return stateForgetRun(c.Context(), o)
		},
	}
	addStateFlag(c.Flags(), &o.StatePath)
	c.Flags().StringArrayVar(&o.Orgs, "org", nil, "the organization (required; repeatable)")
	c.Flags().BoolVar(&o.DryRun, "dry-run", false, "only say whom it would forget; leave the state file as it is")
	return c
}

func stateForgetRun(_ context.Context, o *StateForgetOptions) error {
	open := state.Open
	if o.DryRun {
		open = state.OpenReadOnly
	}
	store, _, err := open(o.StatePath)
	if err != nil {
		return err
	}
	defer store.Close()
	type forget struct {
		org   string
		ids   map[int64]bool
		order []int64
		who   map[int64]*state.Person
	}
	plan := make([]*forget, len(o.Orgs))
	found := map[string]bool{}
	for i, org := range o.Orgs {
		f := &forget{org: org, ids: map[int64]bool{}, who: store.Org(org).People}
		plan[i] = f
		for _, who := range o.Who {
			id, err := findPerson(f.who, who, org)
			var nf *notRemembered
			if errors.As(err, &nf) {
				continue
			}
			if err != nil {
				return err
			}
			found[who] = true
			if !f.ids[id] {
				f.ids[id] = true
				f.order = append(f.order, id)
			}
		}
	}
	for _, who := range o.Who {
		if !found[who] {
			where := strings.Join(o.Orgs, ", ")
			return fmt.Errorf("nobody %s is remembered in %s: nothing was changed (see snekomatic state show --org %s)", describeWho(who), where, o.Orgs[0])
		}
	}
	if !o.DryRun {
		for _, f := range plan {
			if len(f.ids) == 0 {
				continue
			}
			if err := store.Update(f.org, func(org *state.Edit) {
				for id := range f.ids {
					org.Forget(id)
				}
			}); err != nil {
				return err
			}
		}
		// Said only once it is on disk.
		if err := store.Commit(); err != nil {
			return err
		}
	}
	verb := "forgot"
	if o.DryRun {
		verb = "would forget"
	}
	for _, f := range plan {
		for _, id := range f.order {
			p := f.who[id]
			fmt.Fprintf(o.Deps.Stdout, "%s: %s %s (id %d, %s since %s); they are invited on their next merged pull request\n",
				f.org, verb, p.Login, id, p.Status, fmtTime(p.At))
		}
	}
	if o.DryRun {
		fmt.Fprintln(o.Deps.Stdout, "Dry run: the state file was not changed.")
	}
	return nil
}

func describeWho(who string) string {
	if _, err := strconv.ParseInt(who, 10, 64); err == nil {
		return "with user id " + who
	}
	return fmt.Sprintf("with the login %q", who)
}

// notRemembered is findPerson's answer for someone the organization does
// not remember.
type notRemembered struct{ who, org string }

func (e *notRemembered) Error() string {
	return fmt.Sprintf("nobody %s is remembered in %s (see snekomatic state show --org %s)", describeWho(e.who), e.org, e.org)
}

// findPerson resolves a login or an id to a remembered person.
func findPerson(people map[int64]*state.Person, who, org string) (int64, error) {
	if id, err := strconv.ParseInt(who, 10, 64); err == nil {
		if people[id] == nil {
			return 0, &notRemembered{who, org}
		}
		return id, nil
	}
	var found []int64
	for id, p := range people {
		if strings.EqualFold(p.Login, who) {
			found = append(found, id)
		}
	}
	slices.Sort(found)
	switch len(found) {
	case 0:
		return 0, &notRemembered{who, org}
	case 1:
		return found[0], nil
	}
	return 0, fmt.Errorf("the login %q names %d people in %s (a login was renamed and reused): name one by id: %v", who, len(found), org, found)
}

// StateAdoptOptions are the inputs of `snekomatic state adopt`.
type StateAdoptOptions struct {
	AuthOptions
	StatePath string
	Since     time.Time
	DryRun    bool
	Output    string
	Now       time.Time
	Deps      *Deps
}

// NewCmdStateAdopt builds `snekomatic state adopt`.
func NewCmdStateAdopt(d *Deps, runF func(context.Context, *StateAdoptOptions) error) *cobra.Command {
	o := &StateAdoptOptions{Deps: d}
	var since string
	c := &cobra.Command{
		Use:   "adopt --org ORG --since DATE",
		Short: "Record past contributors as seen, without inviting or welcoming them",
		Long: `For an organization that starts using snekomatic and does not want to invite
years of past contributors: records every author of a pull request merged in
the organization since DATE, who is not remembered yet, with the status
adopted. They are never invited or welcomed. Nobody already remembered is
changed, and neither is the cursor. With --dry-run it only counts.

It needs the same credentials as reconcile (a GitHub App, or GH_TOKEN or
GITHUB_TOKEN).`,
		Example: `  # Count first, then record everyone who contributed in the last year
  snekomatic state adopt --org python-trio --since 365d --dry-run
  snekomatic state adopt --org python-trio --since 2025-12-01`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.Now = d.Now().UTC()
			if since == "" {
				return usagef("--since is required: the date from which past contributors are adopted")
			}
			t, err := ParseSince(since, o.Now)
			if err != nil {
				return &UsageError{err}
			}
			o.Since = t
			if err := checkOutput(o.Output); err != nil {
				return err
			}
			if len(o.Orgs) == 0 {
				return usagef("--org is required: name each organization to adopt")
			}
			if err := o.AuthOptions.complete(d, c.Flags()); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), o)
			}
			return stateAdoptRun(c.Context(), o)
		},
	}
	f := c.Flags()
	o.AuthOptions.addFlags(f)
	addStateFlag(f, &o.StatePath)
	f.StringVar(&since, "since", "", "adopt the authors of pull requests merged from this time (RFC 3339, YYYY-MM-DD, or a duration such as 365d)")
	f.BoolVar(&o.DryRun, "dry-run", false, "only count; leave the state file as it is")
	f.StringVar(&o.Output, "output", "text", "text or json")
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion("text", "json"))
	return c
}

// AdoptRun is the JSON document `state adopt --output json` prints. It has
// the shape of reconcile's: people in lists, errors per organization and
// all of them at the top.
type AdoptRun struct {
	DryRun bool          `json:"dry_run"`
	State  string        `json:"state"`
	Orgs   []*AdoptedOrg `json:"orgs"`
	Errors []string      `json:"errors"`
}

// AdoptedOrg is one organization's adoption and its errors.
type AdoptedOrg struct {
	*reconcile.AdoptReport
	Errors []string `json:"errors"`
}

func stateAdoptRun(ctx context.Context, o *StateAdoptOptions) error {
	d := o.Deps
	log := newLogger(d)
	endGroup := logGroup(d, "snekomatic state adopt: log")
	defer func() { endGroup() }()
	open := state.Open
	if o.DryRun {
		open = state.OpenReadOnly
	}
	store, _, err := open(o.StatePath)
	if err != nil {
		return err
	}
	defer store.Close()
	sess, err := connect(ctx, &o.AuthOptions, d, log)
	if err != nil {
		return err
	}
	targets, err := sess.targets(ctx, log)
	if err != nil {
		return err
	}
	run := AdoptRun{DryRun: o.DryRun, State: o.StatePath, Orgs: []*AdoptedOrg{}, Errors: []string{}}
	var failures []failure
	for _, t := range targets {
		err := t.Err
		if err == nil && t.Skip != "" {
			err = fmt.Errorf("cannot act on %s: %s", t.Org, t.Skip)
		}
		var org *AdoptedOrg
		if err == nil {
			var c *ghapi.Client
			if c, err = ghapi.New(t.Client, o.APIURL, o.GraphQLURL); err == nil {
				var rep *reconcile.AdoptReport
				rep, err = reconcile.Adopt(ctx, c, store, t.Org, o.Since, o.Now, o.DryRun)
				org = &AdoptedOrg{AdoptReport: rep, Errors: []string{}}
				run.Orgs = append(run.Orgs, org)
			}
		}
		if err != nil {
			f := explain(ctx, err, t.Org, &o.AuthOptions, sess.watch)
			failures = append(failures, f)
			if org != nil {
				org.Errors = append(org.Errors, f.Msg)
			}
		}
	}
	// One write of the state file for every organization.
	if err := store.Commit(); err != nil {
		failures = append(failures, failure{Code: ExitError, Msg: oneLine(err.Error())})
	}
	failures = sayOnce(failures)
	for _, f := range failures {
		run.Errors = append(run.Errors, strings.TrimPrefix(f.Org+": "+f.Msg, ": "))
	}
	endGroup()
	endGroup = func() {}
	if o.Output == "json" {
		enc := json.NewEncoder(d.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(run); err != nil {
			return err
		}
	} else {
		for _, r := range run.Orgs {
			if len(r.Errors) > 0 && r.PullRequests == 0 {
				fmt.Fprintf(d.Stdout, "%s: failed before its merged pull requests were read (error below)\n", r.Org)
				continue
			}
			verb := "adopted"
			if r.DryRun {
				verb = "would adopt"
			}
			fmt.Fprintf(d.Stdout, "%s: %d merged pull requests from %s to %s; %s %d people; %d already remembered (left as they were); %d authors not people (bots, mannequins, deleted)\n",
				r.Org, r.PullRequests, fmtTime(r.Window.From), fmtTime(r.Window.To), verb, len(r.Adopted), r.Known, len(r.Skipped))
		}
		if o.DryRun {
			fmt.Fprintln(d.Stdout, "Dry run: the state file was not changed.")
		}
	}
	for _, f := range failures {
		printFailure(d, f)
	}
	if code := exitCode(failures); code != ExitOK {
		return &SilentError{Code: code}
	}
	return nil
}

// StateFoldOptions are the inputs of `snekomatic state fold`.
type StateFoldOptions struct {
	StatePath string
	Deps      *Deps
}

// NewCmdStateFold builds `snekomatic state fold`.
func NewCmdStateFold(d *Deps, runF func(context.Context, *StateFoldOptions) error) *cobra.Command {
	o := &StateFoldOptions{Deps: d}
	c := &cobra.Command{
		Use:   "fold",
		Short: "Write a journal left by a killed run into the state file",
		Long: `A run writes each change to a journal beside the state file (the state
file's name plus .journal) before acting on it, and folds the journal into the
state file when it ends. A run that was killed leaves the journal, which the
next run applies. fold applies it now, for a state file that is about to be
committed or cached without its journal. It takes the state file's lock and
sends no request; with no journal it changes nothing.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), o)
			}
			return stateFoldRun(c.Context(), o)
		},
	}
	addStateFlag(c.Flags(), &o.StatePath)
	return c
}

func stateFoldRun(_ context.Context, o *StateFoldOptions) error {
	store, _, err := state.Open(o.StatePath)
	if err != nil {
		return err
	}
	defer store.Close()
	return store.Commit()
}

func addStateFlag(f *pflag.FlagSet, p *string) {
	f.StringVar(p, "state", "snekomatic-state.json", "the state file")
}

func checkOutput(s string) error {
	if s != "text" && s != "json" {
		return usagef("--output %q: want text or json", s)
	}
	return nil
}

func checkOrgs(orgs []string) ([]string, error) {
	var out []string
	for _, org := range orgs {
		if !ghname.ValidLogin(org) {
			return nil, usagef("--org %q is not a valid GitHub organization login", org)
		}
		if !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, org) }) {
			out = append(out, org)
		}
	}
	return out, nil
}
