package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"

	"github.com/spf13/pflag"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/ghsession"
	"github.com/python-trio/snekomatic/reconcile"
)

// loadConfig reads the configuration file (--config, or the default path
// when a file is there) before anything is sent, and notes which flags were
// given explicitly: those win over every file.
func (o *ReconcileOptions) loadConfig(f *pflag.FlagSet) error {
	path := o.ConfigPath
	switch {
	case f.Changed("config") && path == "":
		return usagef("--config must not be empty")
	case !f.Changed("config"):
		if _, err := os.Stat(config.DefaultPath); err == nil {
			path = config.DefaultPath
		}
	}
	o.ConfigPath, o.Config = path, &config.File{}
	if path != "" {
		cfg, err := config.Load(path, reconcile.SampleWelcomeData)
		if err != nil {
			return &UsageError{err}
		}
		o.Config = cfg
	}
	if f.Changed("overlap") {
		o.flagPolicy.Overlap = &o.Overlap
	}
	if f.Changed("lookback") {
		o.flagPolicy.Lookback = &o.Lookback
	}
	if f.Changed("max-invites") {
		o.flagPolicy.MaxInvites = &o.MaxInvites
	}
	if f.Changed("daily-invite-limit") {
		o.flagPolicy.DailyInviteLimit = &o.DailyLimit
	}
	return nil
}

// orgOptions are the run options of one organization: base with its
// policy (withPolicy). In App mode the organization's own snekomatic.yml, in its
// .github repository, is read with its installation's token. An
// organization whose file cannot be read for lack of permission runs on the
// other levels, with a warning.
func (o *ReconcileOptions) orgOptions(ctx context.Context, c *ghapi.Client, t ghsession.Target, base reconcile.Options, log *slog.Logger) (reconcile.Options, []string, error) {
	var own *config.Policy
	var warnings []string
	if t.Installation != nil {
		name := fmt.Sprintf("%s/%s/%s", t.Org, ghapi.OrgConfigRepo, ghapi.OrgConfigPath)
		data, found, err := c.OrgConfig(ctx, t.Org)
		switch {
		case errors.Is(err, ghapi.ErrNoAccess):
			w := fmt.Sprintf("the organization's own configuration (%s) could not be read: grant Contents: Read to the App to use it", name)
			log.Warn("organization configuration not readable", "org", t.Org, "file", name, "err", cleanText(err))
			warnings = append(warnings, w)
		case err != nil:
			return base, nil, fmt.Errorf("read %s: %w", name, err)
		case found:
			if own, err = config.ParseOrg(bytes.NewReader(data), name, reconcile.SampleWelcomeData); err != nil {
				return base, nil, err
			}
			log.Info("using the organization's own configuration", "org", t.Org, "file", name)
		}
	}
	cfg := o.Config
	if cfg == nil {
		cfg = &config.File{}
	}
	opts := withPolicy(base, cfg.For(t.Org, own).Overlay(o.flagPolicy))
	p := opts.Policy
	log.Info("policy", "org", t.Org, "role", p.Role, "teams", p.Teams, "min_merged_prs", p.MinMergedPRs,
		"exclude", len(p.Exclude), "comment", !p.NoComment, "max_invites", opts.MaxInvites)
	return opts, warnings, nil
}

// defaultDailyInviteLimit is GitHub's invitation allowance for a young
// organization on the free plan: the built-in default of
// daily_invite_limit and --daily-invite-limit.
const defaultDailyInviteLimit = 50

// withPolicy returns base with the settings of p, the merged configuration
// of one organization, and snekomatic's built-in default for every setting
// no level made. Package config hands over plain data; this is where it
// becomes the run's options, so config knows nothing of reconcile.
func withPolicy(base reconcile.Options, p config.Policy) reconcile.Options {
	o := base
	o.Lookback = orDefault(p.Lookback, reconcile.DefaultLookback)
	o.Overlap = orDefault(p.Overlap, reconcile.DefaultOverlap)
	o.MaxInvites = orDefault(p.MaxInvites, -1)
	o.DailyInviteLimit = orDefault(p.DailyInviteLimit, defaultDailyInviteLimit)
	o.Policy = reconcile.Policy{
		// config's role names are GitHub's, as are reconcile's
		// (TestConfigRolesAreReconcileRoles).
		Role:         orDefault(p.Role, reconcile.RoleDirectMember),
		Teams:        slices.Clone(orDefault(p.Teams, nil)),
		Exclude:      slices.Clone(p.Exclude),
		MinMergedPRs: orDefault(p.MinMergedPRs, 1),
		Repos: reconcile.RepoFilter{
			Include:      slices.Clone(orDefault(p.Repos.Include, nil)),
			Exclude:      slices.Clone(orDefault(p.Repos.Exclude, nil)),
			SkipForks:    orDefault(p.Repos.SkipForks, false),
			SkipArchived: orDefault(p.Repos.SkipArchived, false),
			SkipPrivate:  orDefault(p.Repos.SkipPrivate, false),
		},
		NoComment:            !orDefault(p.Comment.Enabled, true),
		Comment:              p.Comment.Template,
		ReinviteExpiredAfter: orDefault(p.ReinviteExpiredAfter, 0),
	}
	return o
}

// orDefault is *p, or def when p is nil (a setting no level made).
func orDefault[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
