package fakegithub

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// The apps key of a world file: GitHub Apps, each installed on
// organizations (or users) with a permission map and a repository
// selection, as an organization owner installs one. AddWorld generates
// each App's private key, as GitHub does when one is generated in the
// App's settings, and hands it back (Built.Apps) for the App's client to
// sign its JWTs with.

// WorldApp is a GitHub App.
type WorldApp struct {
	// ID is the App id (a positive number), the JWT's iss.
	ID int64 `yaml:"id"`
	// Slug is the App's URL name (default "app-<id>"); its bot user,
	// which sends the invitations and writes the comments, is
	// "<slug>[bot]".
	Slug string `yaml:"slug"`
	// Name is its display name (default "App <id>").
	Name          string              `yaml:"name"`
	Installations []WorldInstallation `yaml:"installations"`
}

// WorldInstallation is an App's installation on an account.
type WorldInstallation struct {
	// Account is the declared organization (or user) it is installed on.
	Account string `yaml:"account"`
	// Permissions maps permission names to levels, as in GitHub's
	// app-permissions ("members": "write", "contents": "read");
	// "metadata": "read" is always granted.
	Permissions map[string]string `yaml:"permissions"`
	// RepositorySelection is "all" (the default) or "selected".
	RepositorySelection string `yaml:"repository_selection"`
	// Repositories are the names, within Account, of the repositories a
	// "selected" installation may see.
	Repositories []string `yaml:"repositories"`
}

// appPermissions are the permission names of an installation and the
// levels each takes: the "app-permissions" schema of GitHub's REST
// description (rest-openapi.json, components/schemas/app-permissions;
// "Choosing permissions for a GitHub App",
// https://docs.github.com/apps/creating-github-apps/registering-a-github-app/choosing-permissions-for-a-github-app).
// TestWorldAppPermissionsFollowGitHubsDescription checks it against the
// vendored description.
var appPermissions = func() map[string][]string {
	rw, rwa := []string{"read", "write"}, []string{"read", "write", "admin"}
	m := map[string][]string{
		"workflows": {"write"}, "profile": {"write"},
		"organization_events": {"read"}, "organization_plan": {"read"},
	}
	for _, n := range []string{"repository_projects", "organization_custom_properties", "organization_projects",
		"enterprise_custom_properties_for_organizations"} {
		m[n] = rwa
	}
	for _, n := range strings.Fields(`actions administration artifact_metadata attestations checks code_quality
		codespaces contents dependabot_secrets deployments discussions environments issues merge_queues metadata
		packages pages pull_requests repository_custom_properties repository_hooks secret_scanning_alerts secrets
		security_events single_file statuses vulnerability_alerts custom_properties_for_organizations members
		organization_administration organization_custom_roles organization_custom_org_roles
		organization_copilot_seat_management organization_copilot_agent_settings organization_announcement_banners
		organization_hooks organization_personal_access_tokens organization_personal_access_token_requests
		organization_packages organization_secrets organization_self_hosted_runners organization_user_blocking
		email_addresses followers git_ssh_keys gpg_keys interaction_limits starring`) {
		m[n] = rw
	}
	return m
}()

// appSlugRE is the form of an App's slug: lower case letters, digits and
// single hyphens, as in https://github.com/apps/<slug>.
var appSlugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9]|-[a-z0-9])*$`)

// appSlug is the slug an App gets.
func (a *WorldApp) appSlug() string {
	if a.Slug != "" {
		return a.Slug
	}
	return fmt.Sprintf("app-%d", a.ID)
}

// declareApps checks the Apps' ids and slugs and declares their bot users,
// so that they may author pull requests and clash with no other login.
func (c *worldChecker) declareApps(apps []WorldApp) error {
	ids := map[int64]bool{}
	for i, a := range apps {
		f := fmt.Sprintf("apps[%d]", i)
		switch {
		case a.ID <= 0:
			return werr(f+".id", "missing: every App needs its id, a positive number (such as 1234)")
		case ids[a.ID]:
			return werr(f+".id", "App %d is declared twice", a.ID)
		case a.Slug != "" && !appSlugRE.MatchString(a.Slug):
			return werr(f+".slug", "%q is not an App slug (lower case letters, digits and single hyphens, as in github.com/apps/my-app)", a.Slug)
		}
		ids[a.ID] = true
		bot := a.appSlug() + "[bot]"
		if k, dup := c.kinds[bot]; dup {
			return werr(f+".slug", "the App's bot user %q is already declared as a %s", bot, k)
		}
		c.kinds[bot] = kindBot
	}
	return nil
}

// checkInstallations checks where the Apps are installed; repos holds the
// declared repositories' lower-case "owner/name".
func (c *worldChecker) checkInstallations(apps []WorldApp, repos map[string]bool) error {
	for i, a := range apps {
		on := map[string]bool{}
		for j, in := range a.Installations {
			f := fmt.Sprintf("apps[%d].installations[%d]", i, j)
			if in.Account == "" {
				return werr(f+".account", "missing: want the organization the App is installed on")
			}
			k, ok := c.kinds[strings.ToLower(in.Account)]
			switch {
			case !ok:
				return werr(f+".account", "%q is not declared (declare the organization under orgs)", in.Account)
			case k != kindOrg && k != kindUser:
				return werr(f+".account", "%q is a %s; an App is installed on an organization or a user", in.Account, k)
			case on[strings.ToLower(in.Account)]:
				return werr(f+".account", "App %d is already installed on %q", a.ID, in.Account)
			}
			on[strings.ToLower(in.Account)] = true
			if err := checkPermissions(f+".permissions", in.Permissions); err != nil {
				return err
			}
			if err := checkSelection(f, &in, repos); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkPermissions(f string, perms map[string]string) error {
	names := make([]string, 0, len(perms))
	for n := range perms {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		levels, ok := appPermissions[n]
		switch {
		case !ok:
			return werr(f+"."+n, "%q is not a GitHub App permission (such as members, pull_requests, issues, contents)", n)
		case !slices.Contains(levels, perms[n]):
			return werr(f+"."+n, "%q is not a level of %s: want %s", perms[n], n, strings.Join(levels, " or "))
		}
	}
	return nil
}

// checkSelection checks an installation's repository selection, whose
// values are those of the installation schema's repository_selection
// (rest-openapi.json: "all" or "selected").
func checkSelection(f string, in *WorldInstallation, repos map[string]bool) error {
	switch in.RepositorySelection {
	case "", "all":
		if len(in.Repositories) > 0 {
			return werr(f+".repositories", "only an installation with repository_selection: selected lists repositories")
		}
	case "selected":
		if len(in.Repositories) == 0 {
			return werr(f+".repositories", "missing: repository_selection selected needs the repositories it selects")
		}
	default:
		return werr(f+".repository_selection", "%q is not a repository selection: want all or selected", in.RepositorySelection)
	}
	for k, r := range in.Repositories {
		if !repos[strings.ToLower(in.Account+"/"+r)] {
			return werr(fmt.Sprintf("%s.repositories[%d]", f, k), "%q is not a repository of %s declared under repos (give its name without the owner)", r, in.Account)
		}
	}
	return nil
}

// appsFree reports an App id the fake already has.
func (g *GitHub) appsFree(apps []WorldApp) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, a := range apps {
		if g.w.apps.apps[a.ID] != nil {
			return werr("", "App %d already exists in the fake", a.ID)
		}
	}
	return nil
}

// BuiltApp is an App that AddWorld registered.
type BuiltApp struct {
	App *App
	// Key is the App's private key, in PEM (PKCS#1, as GitHub hands it
	// out).
	Key           []byte
	Installations []*Installation
}

// newAppKeys generates a 2048-bit RSA key per App.
func newAppKeys(apps []WorldApp) ([]*rsa.PrivateKey, error) {
	keys := make([]*rsa.PrivateKey, len(apps))
	for i, a := range apps {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, fmt.Errorf("generate the private key of App %d: %w", a.ID, err)
		}
		keys[i] = k
	}
	return keys, nil
}

// addApps registers the Apps with their keys and their bot users.
func (g *GitHub) addApps(b *Built, apps []WorldApp, keys []*rsa.PrivateKey) {
	for i, a := range apps {
		made := g.AddNamedApp(a.ID, a.Slug, a.Name, &keys[i].PublicKey)
		b.Accounts[strings.ToLower(made.BotLogin)] = g.Lookup(made.BotLogin)
		b.Apps = append(b.Apps, BuiltApp{App: made,
			Key: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(keys[i])})})
	}
}

// installApps installs the Apps, once accounts and repositories exist.
func (g *GitHub) installApps(b *Built, apps []WorldApp) {
	for i, a := range apps {
		for _, in := range a.Installations {
			made := g.AddInstallation(a.ID, in.Account, in.Permissions)
			if in.RepositorySelection == "selected" {
				var repos []*Repo
				for _, r := range in.Repositories {
					repos = append(repos, b.Repos[strings.ToLower(in.Account+"/"+r)])
				}
				g.SelectRepositories(made.ID, repos...)
			}
			b.Apps[i].Installations = append(b.Apps[i].Installations, made)
		}
	}
}
