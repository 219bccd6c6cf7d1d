package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/ghsession"
	"github.com/python-trio/snekomatic/internal/errtext"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/report"
	"github.com/python-trio/snekomatic/state"
)

// Explainer words an error for a person: org is "" for the run's own,
// and watch (nil before the session exists) knows whether GitHub refused
// the token. cmd's knows the credentials given (report.Explain).
type Explainer func(ctx context.Context, err error, org string, watch report.Refusals) report.Failure

// Options are one run's inputs, resolved and checked by cmd.
type Options struct {
	StatePath   string
	DryRun      bool
	Now         time.Time
	Since       *time.Time
	WebURL      string
	Concurrency int
	// CheckOwner: before anything is sent in an organization, know that
	// the token's user may invite there (ghsession.Session.MayInvite;
	// token mode, not a dry run).
	CheckOwner bool
	// Policies are the configuration and the flags given explicitly;
	// ConfigPath names the file in warnings.
	Policies   Policies
	ConfigPath string
	Log        *slog.Logger
	// Connect opens the session, with store as its content log.
	Connect func(store *state.Store) (*ghsession.Session, error)
	Explain Explainer
	// Interrupted says the run was cut short (Ctrl-C, SIGTERM).
	Interrupted func() bool
}

// Run reconciles every organization the session serves into run, and
// returns the run's failures, each worded once, and whether the run got
// as far as reconciling (false: it failed before, and the failure says
// why).
func Run(ctx context.Context, o Options, run *report.Run) (failures []report.Failure, ran bool) {
	log := o.Log
	early := func(err error, watch report.Refusals) ([]report.Failure, bool) {
		return []report.Failure{o.Explain(ctx, err, "", watch)}, false
	}
	store, fresh, err := state.OpenFor(o.StatePath, o.DryRun)
	if err != nil {
		return early(err, nil)
	}
	defer store.Close()
	settleState(log, store, o.Now, o.StatePath)
	if fresh {
		log.Info("no state file yet; starting fresh", "state", o.StatePath)
	}
	sess, err := o.Connect(store)
	if err != nil {
		return early(err, nil)
	}
	targets, err := sess.Targets(ctx)
	if err != nil {
		return early(err, sess)
	}
	warnUnusedOrgKeys(log, o.Policies.Config, o.ConfigPath, targets)
	reports := o.reconcileAll(ctx, sess, store, targets)
	// Every organization's changes are already in the journal; this is the
	// run's one write of the state file (group commit). If it fails, the
	// journal stays and the next run applies it.
	if err := store.Commit(); err != nil {
		failures = append(failures, report.Failure{Code: report.ExitError,
			Msg: errtext.OneLine(err.Error()) + ": this run's records stay in the journal beside it, and the next run applies them"})
	}
	for i, t := range targets {
		if t.Skip != "" {
			run.Skipped = append(run.Skipped, report.SkippedOrg{Org: t.Org, Reason: t.Skip})
		}
		if reports[i] == nil {
			continue
		}
		if o.Interrupted() || ctx.Err() != nil {
			// Cut short, even where nothing failed: said as one error,
			// here as in every other count (explainOrg says it once).
			reports[i].Errors = append(reports[i].Errors, context.Canceled)
		}
		fs := o.explainOrg(ctx, reports[i], sess)
		failures = append(failures, fs...)
		run.Orgs = append(run.Orgs, report.NewOrg(reports[i], orgLines(fs)))
	}
	return failures, true
}

// settleState drops what a clock that ran ahead recorded in the state
// (state.Store.DropFutureSent) and logs, one line each, what opening it
// settled.
func settleState(log *slog.Logger, store *state.Store, now time.Time, path string) {
	store.DropFutureSent(now)
	for _, w := range store.Warnings() {
		log.Warn(w, "state", path)
	}
}

// reconcileAll reconciles every target, at most o.Concurrency at once,
// and returns their reports (nil for the organizations skipped).
func (o *Options) reconcileAll(ctx context.Context, sess *ghsession.Session, store *state.Store, targets []ghsession.Target) []*reconcile.Report {
	ropts := reconcile.Options{Now: o.Now, Since: o.Since, DryRun: o.DryRun, WebURL: o.WebURL, Logger: o.Log}
	policies := o.Policies
	policies.Log = o.Log
	reports := make([]*reconcile.Report, len(targets))
	errs := ghsession.Each(targets, o.Concurrency, func(i int, t ghsession.Target, client *ghapi.Client) error {
		// In token mode, know before anything is sent that the token's
		// user may invite here (only owners can).
		if o.CheckOwner {
			if err := sess.MayInvite(ctx, client, t.Org); err != nil {
				return err
			}
		}
		oopts := ropts
		var warnings []string
		var err error
		oopts.Policy, warnings, err = policies.Org(ctx, client, t.Org, t.Installation != nil)
		if err != nil {
			return err
		}
		// One organization's failure never stops another's: its errors
		// are in its report.
		reports[i], _ = reconcile.Org(ctx, ghsession.ReconcileClient{Client: client}, store, t.Org, oopts)
		reports[i].Warnings = append(reports[i].Warnings, warnings...)
		if w := t.SelectionWarning(); w != "" {
			reports[i].Warnings = append(reports[i].Warnings, w)
		}
		return nil
	})
	for i, err := range errs {
		var skip *ghsession.SkipError
		switch {
		case errors.As(err, &skip):
			o.Log.Warn("skipping organization", "org", skip.Org, "reason", skip.Reason)
		case err != nil:
			reports[i] = reconcile.FailedReport(targets[i].Org, o.DryRun, err)
		}
	}
	return reports
}

// explainOrg puts an organization's errors into words, each once.
func (o *Options) explainOrg(ctx context.Context, rep *reconcile.Report, watch report.Refusals) []report.Failure {
	var out []report.Failure
	for _, e := range rep.Errors {
		out = append(out, o.Explain(ctx, e, rep.Org, watch))
	}
	return report.SayOnce(out)
}

// orgLines are an organization's failures as its own report lists them.
func orgLines(fs []report.Failure) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Msg)
	}
	return out
}

// warnUnusedOrgKeys warns about each organization the configuration file
// names that this run does not serve: most likely a typo, which would
// otherwise leave that organization's settings silently unused.
func warnUnusedOrgKeys(log *slog.Logger, cfg *config.File, path string, targets []ghsession.Target) {
	if cfg == nil {
		return
	}
	served := map[string]bool{}
	for _, t := range targets {
		served[strings.ToLower(t.Org)] = true
	}
	for _, key := range cfg.OrgOrder {
		if !served[key] {
			log.Warn(fmt.Sprintf("%s:%d: orgs.%s matches no organization this run serves (a typo?); its settings are not used",
				path, cfg.OrgLines[key], key))
		}
	}
}
