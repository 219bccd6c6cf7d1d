package cmd

import (
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/python-trio/snekomatic/internal/fakegithub"
)

// The Apps of a `snekomatic fake-github` world: their private keys are
// written to files for the session to read, and the banner says how to run
// snekomatic in App mode with them.

// appKeys are the key files of the world's Apps (none: a nil files).
type appKeys struct {
	files *fakegithub.AppKeyFiles
	log   *slog.Logger
}

func writeAppKeys(o *FakeGitHubOptions, built *fakegithub.Built, log *slog.Logger) (appKeys, error) {
	if len(built.Apps) == 0 {
		return appKeys{}, nil
	}
	f, err := fakegithub.WriteAppKeys(o.KeysDir, built.Apps)
	if err != nil {
		return appKeys{}, err
	}
	return appKeys{files: f, log: log}, nil
}

func (k appKeys) remove() {
	if k.files == nil {
		return
	}
	if err := k.files.Remove(); err != nil {
		k.log.Warn("could not remove the Apps' private keys", "err", err)
	}
}

// printApps adds the Apps to the banner: each App, its key file and its
// installations.
func printApps(out io.Writer, apps []fakegithub.BuiltApp, keys appKeys) {
	for _, a := range apps {
		fmt.Fprintf(out, "  App:       %d %s (%q), bot %s\n", a.App.ID, a.App.Slug, a.App.Name, a.App.BotLogin)
		fmt.Fprintf(out, "    private key: %s (removed on exit)\n", keys.files.Paths[a.App.ID])
		for _, in := range a.Installations {
			fmt.Fprintf(out, "    installed on %s: %s\n", in.Account, permissionList(in.Permissions))
		}
	}
}

// printAppMode says how to run snekomatic in App mode with the first App.
func printAppMode(out io.Writer, apps []fakegithub.BuiltApp, keys appKeys, restURL string) {
	if len(apps) == 0 {
		return
	}
	a := apps[0]
	env := fmt.Sprintf("GITHUB_APP_ID=%d GITHUB_APP_PRIVATE_KEY_FILE=%s GITHUB_API_URL=%s", a.App.ID, keys.files.Paths[a.App.ID], restURL)
	fmt.Fprintf(out, "Try App mode (every organization App %d is installed on, each with its own .github/snekomatic.yml):\n", a.App.ID)
	fmt.Fprintf(out, "  %s snekomatic doctor --state fake-state.json\n", env)
	fmt.Fprintf(out, "  %s snekomatic reconcile --dry-run --state fake-state.json\n", env)
}

func permissionList(p map[string]string) string {
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	slices.Sort(names)
	for i, n := range names {
		names[i] = n + ": " + p[n]
	}
	return strings.Join(names, ", ")
}
