package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/python-trio/snekomatic/report"
	"log/slog"
	"os"

	"github.com/spf13/pflag"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/ghapi"
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
	if f.Changed("approval-repo") {
		if !config.ValidRepo(o.ApprovalRepo) {
			return usagef("--approval-repo %q: want OWNER/NAME, the repository of the approval issue", o.ApprovalRepo)
		}
		o.flagPolicy.ApprovalRepo = &o.ApprovalRepo
	}
	return nil
}

// orgConfigReader reads an organization's own configuration file
// (ghapi.Client.OrgConfig).
type orgConfigReader interface {
	OrgConfig(ctx context.Context, org string) (data []byte, found bool, err error)
}

// policySource is where organizations' policies come from: the
// configuration file (nil: none) and the flags given explicitly.
type policySource struct {
	cfg   *config.File
	flags config.Policy
	log   *slog.Logger
}

// orgPolicy is the one resolution of an organization's policy, for a run
// and for doctor alike: the configuration file, in App mode
// the organization's own snekomatic.yml in its .github repository (read
// with its installation's token), and the flags given explicitly, over the
// built-in defaults (config.Resolve), as reconcile's Policy
// (reconcile.PolicyFrom). An organization whose own file cannot be read for
// lack of permission gets the other levels, and a warning.
func (s policySource) orgPolicy(ctx context.Context, c orgConfigReader, org string, app bool) (reconcile.Policy, []string, error) {
	log := s.log
	var own *config.Policy
	var warnings []string
	if app {
		name := fmt.Sprintf("%s/%s/%s", org, ghapi.OrgConfigRepo, ghapi.OrgConfigPath)
		data, found, err := c.OrgConfig(ctx, org)
		switch {
		case errors.Is(err, ghapi.ErrNoAccess):
			w := fmt.Sprintf("the organization's own configuration (%s) could not be read: grant Contents: Read to the App to use it", name)
			log.Warn("organization configuration not readable", "org", org, "file", name, "err", report.Text(err))
			warnings = append(warnings, w)
		case err != nil:
			return reconcile.Policy{}, nil, fmt.Errorf("read %s: %w", name, err)
		case found:
			if own, err = config.ParseOrg(bytes.NewReader(data), name, reconcile.SampleWelcomeData); err != nil {
				return reconcile.Policy{}, nil, err
			}
			log.Info("using the organization's own configuration", "org", org, "file", name)
		}
	}
	p := reconcile.PolicyFrom(config.Resolve(s.cfg, org, own, s.flags))
	log.Info("policy", "org", org, "role", p.Role, "teams", p.Teams, "min_merged_prs", p.MinMergedPRs,
		"exclude", len(p.Exclude), "comment", !p.NoComment, "max_invites", p.MaxInvites)
	return p, warnings, nil
}
