package runner

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/ghsession"
	"github.com/python-trio/snekomatic/internal/errtext"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/report"
	"github.com/python-trio/snekomatic/state"
)

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

// AdoptOptions are the inputs of an adoption, resolved and checked by cmd.
type AdoptOptions struct {
	StatePath string
	Since     time.Time
	Now       time.Time
	DryRun    bool
	// Connect opens the session.
	Connect func() (*ghsession.Session, error)
	Explain Explainer
}

// Adopt records the authors of the pull requests merged since o.Since in
// every organization the session serves, one organization at a time, with
// one write of the state file for all of them. It returns the adoption
// and its failures, each said once; err is a failure before any
// organization was read (the state file, the session, the targets).
func Adopt(ctx context.Context, o AdoptOptions) (_ *AdoptRun, _ []report.Failure, err error) {
	store, _, err := state.OpenFor(o.StatePath, o.DryRun)
	if err != nil {
		return nil, nil, err
	}
	defer store.Close()
	sess, err := o.Connect()
	if err != nil {
		return nil, nil, err
	}
	targets, err := sess.Targets(ctx)
	if err != nil {
		return nil, nil, err
	}
	run := &AdoptRun{DryRun: o.DryRun, State: o.StatePath, Orgs: []*AdoptedOrg{}, Errors: []string{}}
	orgs := make([]*AdoptedOrg, len(targets))
	errs := ghsession.Each(targets, 1, func(i int, t ghsession.Target, c *ghapi.Client) error {
		rep, err := reconcile.Adopt(ctx, c, store, t.Org, reconcile.AdoptOptions{Since: o.Since, Now: o.Now, DryRun: o.DryRun})
		orgs[i] = &AdoptedOrg{AdoptReport: rep, Errors: []string{}}
		return err
	})
	var failures []report.Failure
	for i, err := range errs {
		if orgs[i] != nil {
			run.Orgs = append(run.Orgs, orgs[i])
		}
		if err != nil {
			f := o.Explain(ctx, err, targets[i].Org, sess)
			failures = append(failures, f)
			if orgs[i] != nil {
				orgs[i].Errors = append(orgs[i].Errors, f.Msg)
			}
		}
	}
	// One write of the state file for every organization.
	if err := store.Commit(); err != nil {
		failures = append(failures, report.Failure{Code: report.ExitError, Msg: errtext.OneLine(err.Error())})
	}
	failures = report.SayOnce(failures)
	for _, f := range failures {
		run.Errors = append(run.Errors, strings.TrimPrefix(f.Org+": "+f.Msg, ": "))
	}
	return run, failures, nil
}

// WriteText writes the adoption as a line per organization.
func (run *AdoptRun) WriteText(w io.Writer) error {
	for _, r := range run.Orgs {
		if len(r.Errors) > 0 && r.PullRequests == 0 {
			fmt.Fprintf(w, "%s: failed before its merged pull requests were read (error below)\n", r.Org)
			continue
		}
		verb := "adopted"
		if r.DryRun {
			verb = "would adopt"
		}
		fmt.Fprintf(w, "%s: %d merged pull requests from %s to %s; %s %d people; %d already remembered (left as they were); %d authors not people (bots, mannequins, deleted)\n",
			r.Org, r.PullRequests, report.FormatTime(r.Window.From), report.FormatTime(r.Window.To), verb, len(r.Adopted), r.Known, len(r.Skipped))
	}
	if run.DryRun {
		fmt.Fprintln(w, "Dry run: the state file was not changed.")
	}
	return nil
}
