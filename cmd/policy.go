package cmd

import (
	"github.com/spf13/pflag"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/reconcile"
)

// loadConfig reads the configuration file (--config, or the default path
// when a file is there) before anything is sent, and notes which flags were
// given explicitly: those win over every file.
func (o *ReconcileOptions) loadConfig(f *pflag.FlagSet) error {
	if f.Changed("config") && o.ConfigPath == "" {
		return usagef("--config must not be empty")
	}
	path, cfg, err := config.LoadOrDefault(o.ConfigPath, f.Changed("config"), reconcile.SampleWelcomeData)
	if err != nil {
		return &UsageError{err}
	}
	o.ConfigPath, o.Config = path, cfg
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
