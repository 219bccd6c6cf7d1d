package cmd

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/oauth2"
	"golang.org/x/sync/errgroup"

	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// ReconcileOptions are the parsed and validated inputs of `snekomatic reconcile`.
type ReconcileOptions struct {
	Orgs        []string
	StatePath   string
	DryRun      bool
	Since       *time.Time
	Overlap     time.Duration
	Lookback    time.Duration
	MaxInvites  int
	DailyLimit  int
	Output      string
	APIURL      string
	GraphQLURL  string
	WebURL      string
	Concurrency int
	Token       string
	Now         time.Time

	Deps *Deps
}

// NewCmdReconcile builds `snekomatic reconcile`. runF replaces the run
// function in tests; nil means reconcileRun.
func NewCmdReconcile(d *Deps, runF func(context.Context, *ReconcileOptions) error) *cobra.Command {
	o := &ReconcileOptions{Deps: d}
	var since string
	c := &cobra.Command{
		Use:   "reconcile",
		Short: "Invite the authors of newly merged pull requests and welcome them",
		Long: `Reads the pull requests merged in each organization since the last run,
invites every author who is not yet a member, has no pending invitation and
was never asked before, thanks them on their pull request, and records
everyone it has seen in the state file.

Authentication: a token in GITHUB_TOKEN (one or more --org required).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := o.complete(since, c.Flags().Changed("api-url"), c.Flags().Changed("graphql-url")); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), o)
			}
			return reconcileRun(c.Context(), o)
		},
	}
	f := c.Flags()
	f.StringArrayVar(&o.Orgs, "org", nil, "organization to reconcile (repeatable; required with GITHUB_TOKEN)")
	f.StringVar(&o.StatePath, "state", "snekomatic-state.json", "state file: cursor and everyone seen")
	f.BoolVar(&o.DryRun, "dry-run", false, "print the plan; send nothing and leave the state file as it is")
	f.StringVar(&since, "since", "", "read merges from this time instead of the cursor (RFC 3339, YYYY-MM-DD, or a duration such as 72h or 14d)")
	f.DurationVar(&o.Overlap, "overlap", reconcile.DefaultOverlap, "start each window this long before the cursor, for search index lag")
	f.DurationVar(&o.Lookback, "lookback", reconcile.DefaultLookback, "how far back a first run (no cursor yet) reads")
	f.IntVar(&o.MaxInvites, "max-invites", -1, "at most this many invitations per organization per run (-1: no limit); the rest wait in the queue")
	f.IntVar(&o.DailyLimit, "daily-invite-limit", 50, "invitations GitHub allows the organization per 24 hours (50; 500 for organizations over a month old or on a paid plan; 0: don't track)")
	f.StringVar(&o.Output, "output", "text", "report format on stdout: text or json")
	f.StringVar(&o.APIURL, "api-url", "", "REST API base URL (default $GITHUB_API_URL, else "+ghapi.DefaultAPIURL+")")
	f.StringVar(&o.GraphQLURL, "graphql-url", "", "GraphQL endpoint (default $GITHUB_GRAPHQL_URL, else derived from --api-url)")
	f.IntVar(&o.Concurrency, "concurrency", 4, "organizations reconciled at once")
	return c
}

// complete fills defaults from the environment and validates everything that
// can be checked without a request.
func (o *ReconcileOptions) complete(since string, apiSet, gqlSet bool) error {
	d := o.Deps
	o.Now = d.Now().UTC()
	if !apiSet {
		o.APIURL = d.Getenv("GITHUB_API_URL")
	}
	if o.APIURL == "" {
		o.APIURL = ghapi.DefaultAPIURL
	}
	if err := ghapi.CheckURL("--api-url", o.APIURL); err != nil {
		return &UsageError{err}
	}
	if !gqlSet {
		o.GraphQLURL = d.Getenv("GITHUB_GRAPHQL_URL")
	}
	if o.GraphQLURL == "" {
		o.GraphQLURL = ghapi.GraphQLURLFor(o.APIURL)
	}
	if err := ghapi.CheckURL("--graphql-url", o.GraphQLURL); err != nil {
		return &UsageError{err}
	}
	web, err := ghapi.WebURLFor(o.APIURL)
	if err != nil {
		return &UsageError{err}
	}
	o.WebURL = web
	if since != "" {
		t, err := ParseSince(since, o.Now)
		if err != nil {
			return &UsageError{err}
		}
		o.Since = &t
	}
	seen := map[string]bool{}
	var orgs []string
	for _, org := range o.Orgs {
		org = strings.TrimSpace(org)
		if !ghapi.ValidLogin(org) {
			return usagef("--org %q is not a valid GitHub organization login", org)
		}
		if !seen[strings.ToLower(org)] {
			seen[strings.ToLower(org)] = true
			orgs = append(orgs, org)
		}
	}
	o.Orgs = orgs
	switch {
	case o.Output != "text" && o.Output != "json":
		return usagef("--output %q: want text or json", o.Output)
	case o.Overlap < 0:
		return usagef("--overlap %s must not be negative", o.Overlap)
	case o.Lookback <= 0:
		return usagef("--lookback %s must be positive", o.Lookback)
	case o.Concurrency < 1:
		return usagef("--concurrency %d must be at least 1", o.Concurrency)
	case o.MaxInvites < -1:
		return usagef("--max-invites %d: use -1 for no limit, or 0 or more", o.MaxInvites)
	case o.DailyLimit < 0:
		return usagef("--daily-invite-limit %d must not be negative", o.DailyLimit)
	case o.StatePath == "":
		return usagef("--state must not be empty")
	}
	o.Token = strings.TrimSpace(d.Getenv("GITHUB_TOKEN"))
	if o.Token == "" {
		return usagef("no credentials: set GITHUB_TOKEN to a token that can read pull requests and invite organization members")
	}
	if len(o.Orgs) == 0 {
		return usagef("--org is required with GITHUB_TOKEN (name each organization to reconcile)")
	}
	return nil
}

// target is one organization and the HTTP client that acts on it.
type target struct {
	Org    string
	Client *http.Client
}

func reconcileRun(ctx context.Context, o *ReconcileOptions) error {
	d := o.Deps
	log := newLogger(d)
	// A dry run neither locks nor can write the state file.
	open := state.Open
	if o.DryRun {
		open = state.OpenReadOnly
	}
	store, fresh, err := open(o.StatePath)
	if err != nil {
		return err
	}
	defer store.Close()
	if fresh {
		log.Info("no state file yet; starting fresh", "state", o.StatePath)
	}
	log.Info("authenticating with a token from GITHUB_TOKEN", "mode", "token", "orgs", strings.Join(o.Orgs, ","))
	httpClient := tokenClient(ctx, o.Token, d.Transport)
	targets := make([]target, len(o.Orgs))
	for i, org := range o.Orgs {
		targets[i] = target{Org: org, Client: httpClient}
	}

	ropts := reconcile.Options{
		Now: o.Now, Since: o.Since, Overlap: o.Overlap, Lookback: o.Lookback,
		MaxInvites: o.MaxInvites, DailyInviteLimit: o.DailyLimit, DryRun: o.DryRun, WebURL: o.WebURL, Logger: log,
	}
	reports := make([]*reconcile.Report, len(targets))
	errs := make([]error, len(targets))
	var g errgroup.Group
	g.SetLimit(o.Concurrency)
	for i, t := range targets {
		g.Go(func() error {
			client, err := ghapi.New(t.Client, o.APIURL, o.GraphQLURL)
			if err != nil {
				errs[i] = err
				reports[i] = &reconcile.Report{Org: t.Org, Errors: []string{err.Error()}}
				return nil
			}
			// One organization's failure never stops another's.
			reports[i], errs[i] = reconcile.Org(ctx, client, store, t.Org, ropts)
			return nil
		})
	}
	_ = g.Wait()

	if err := writeReport(d.Stdout, o, reports); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	failed := 0
	for i, err := range errs {
		if err != nil {
			failed++
			log.Error("organization failed", "org", targets[i].Org, "err", err)
			fmt.Fprintf(d.Stderr, "snekomatic: %s: %s\n", targets[i].Org, oneLine(err.Error()))
		}
	}
	if failed > 0 {
		return &SilentError{Code: ExitError}
	}
	return nil
}

// tokenClient carries a static token on every request, through oauth2 as
// the design asks (it also keeps the token out of error messages).
func tokenClient(ctx context.Context, token string, base http.RoundTripper) *http.Client {
	if base != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Transport: base})
	}
	c := oauth2.NewClient(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token, TokenType: "Bearer"}))
	c.Timeout = time.Minute
	return c
}
