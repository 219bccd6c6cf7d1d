package fakegithub

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/githubdesc"
)

const appsWorld = `users: [owner, ann]
orgs:
  - login: acme
    members: [{login: owner, role: admin}]
  - login: beta
repos:
  - name: acme/rocket
    pull_requests:
      - {author: ann, at: 1h}
      - {author: "snekomatic-acme[bot]", at: 1h}
  - name: acme/secret
  - name: beta/code
apps:
  - id: 77
    slug: snekomatic-acme
    name: Snekomatic for acme
    installations:
      - account: acme
        permissions: {members: write, pull_requests: write, contents: read}
        repository_selection: selected
        repositories: [rocket]
      - account: beta
        permissions: {members: read}
  - id: 78
`

// appJWTFor signs a JWT for a built App with its PEM key.
func appJWTFor(t *testing.T, b BuiltApp, now time.Time) string {
	t.Helper()
	blk, _ := pem.Decode(b.Key)
	if blk == nil || blk.Type != "RSA PRIVATE KEY" {
		t.Fatalf("App %d: key is not an RSA PEM block:\n%s", b.App.ID, b.Key)
	}
	key, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return signJWT(t, key, rs256, map[string]any{
		"iss": fmt.Sprint(b.App.ID), "iat": now.Add(-30 * time.Second).Unix(), "exp": now.Add(90 * time.Second).Unix(),
	})
}

func TestWorldAppsAreRegisteredAndInstalled(t *testing.T) {
	w, err := ParseWorld([]byte(appsWorld), "apps.yaml")
	if err != nil {
		t.Fatal(err)
	}
	g := New(t)
	now := time.Now()
	g.SetClock(func() time.Time { return now })
	b, err := g.AddWorld(w, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Apps) != 2 {
		t.Fatalf("%d Apps built, want 2", len(b.Apps))
	}
	a, def := b.Apps[0], b.Apps[1]
	if a.App.ID != 77 || a.App.Slug != "snekomatic-acme" || a.App.Name != "Snekomatic for acme" || a.App.BotLogin != "snekomatic-acme[bot]" {
		t.Errorf("App = %+v", a.App)
	}
	if def.App.Slug != "app-78" || def.App.Name != "App 78" || len(def.Installations) != 0 {
		t.Errorf("App without slug or name = %+v, installations %v", def.App, def.Installations)
	}
	if string(a.Key) == string(def.Key) {
		t.Errorf("two Apps share a key")
	}
	// The key signs JWTs the fake accepts, as GitHub accepts the key it
	// generated for the App.
	resp, body := rawDo(t, "GET", g.RESTURL()+"app", appJWTFor(t, a, now), nil)
	if resp.StatusCode != 200 || body["slug"] != "snekomatic-acme" || body["name"] != "Snekomatic for acme" {
		t.Errorf("GET /app: %d %v", resp.StatusCode, body)
	}
	if len(a.Installations) != 2 {
		t.Fatalf("installations = %+v", a.Installations)
	}
	acme, beta := a.Installations[0], a.Installations[1]
	want := map[string]string{"members": "write", "pull_requests": "write", "contents": "read", "metadata": "read"}
	if acme.Account != "acme" || fmt.Sprint(acme.Permissions) != fmt.Sprint(want) {
		t.Errorf("acme installation = %+v", acme)
	}
	if beta.Account != "beta" || beta.Permissions["members"] != "read" {
		t.Errorf("beta installation = %+v", beta)
	}
	for inst, sel := range map[int64]string{acme.ID: "selected", beta.ID: "all"} {
		resp, body = rawDo(t, "GET", fmt.Sprintf("%sapp/installations/%d", g.RESTURL(), inst), appJWTFor(t, a, now), nil)
		if resp.StatusCode != 200 || body["repository_selection"] != sel {
			t.Errorf("installation %d: %d repository_selection %v, want %s", inst, resp.StatusCode, body["repository_selection"], sel)
		}
	}
	// The selected installation's token sees rocket, not secret.
	tok := func() string {
		resp, body := rawDo(t, "POST", fmt.Sprintf("%sapp/installations/%d/access_tokens", g.RESTURL(), acme.ID), appJWTFor(t, a, now), nil)
		if resp.StatusCode != 201 {
			t.Fatalf("token: %d %v", resp.StatusCode, body)
		}
		return body["token"].(string)
	}()
	for repo, code := range map[string]int{"rocket": 200, "secret": 404} {
		if resp, _ := rawDo(t, "GET", g.RESTURL()+"repos/acme/"+repo, tok, nil); resp.StatusCode != code {
			t.Errorf("GET repos/acme/%s with the selected installation's token: %d, want %d", repo, resp.StatusCode, code)
		}
	}
	// The App's bot is an account of the world: it authored a pull request.
	if bot := b.Accounts["snekomatic-acme[bot]"]; bot == nil || bot.ID != a.App.BotID || bot.Type != "Bot" {
		t.Errorf("bot account = %+v, App bot id %d", bot, a.App.BotID)
	}
}

func TestExampleWorldHasAnAppReadingTheOrganizationsOwnFile(t *testing.T) {
	w, err := LoadWorld(exampleWorld)
	if err != nil {
		t.Fatal(err)
	}
	g := New(t)
	b, err := g.AddWorld(w, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Apps) != 1 || len(b.Apps[0].Installations) != 1 {
		t.Fatalf("Apps = %+v", b.Apps)
	}
	in := b.Apps[0].Installations[0]
	for name, lvl := range map[string]string{"members": "write", "pull_requests": "write", "contents": "read"} {
		if in.Account != "acme" || in.Permissions[name] != lvl {
			t.Errorf("installation on %s: %s %q, want %q", in.Account, name, in.Permissions[name], lvl)
		}
	}
}

func TestBadWorldAppsGiveOneLineNamingTheField(t *testing.T) {
	const base = "users: [u]\norgs: [{login: acme}]\nrepos: [{name: acme/x}]\napps:\n"
	inst := func(s string) string { return base + "  - id: 1\n    installations:\n      - account: acme\n" + s }
	for _, tc := range []struct{ name, doc, wantErr string }{
		{"no id", base + "  - slug: s\n", `w.yaml:5: apps[0].id: missing: every App needs its id`},
		{"negative id", base + "  - id: -3\n", `w.yaml:5: apps[0].id: missing`},
		{"id not a number", base + "  - id: one\n", `w.yaml:5: apps[0].id: cannot unmarshal`},
		{"duplicate id", base + "  - id: 1\n  - id: 1\n", `w.yaml:6: apps[1].id: App 1 is declared twice`},
		{"bad slug", base + "  - id: 1\n    slug: My App\n", `w.yaml:6: apps[0].slug: "My App" is not an App slug`},
		{"bot clash", "bots: [\"app-1[bot]\"]\napps:\n  - id: 1\n", `w.yaml:3: apps[0].slug: the App's bot user "app-1[bot]" is already declared as a bot`},
		{"unknown key", base + "  - id: 1\n    installs: []\n", `w.yaml:6: apps[0].installs: unknown key "installs"`},
		{"unknown org", base + "  - id: 1\n    installations:\n      - account: acne\n", `w.yaml:7: apps[0].installations[0].account: "acne" is not declared`},
		{"no account", base + "  - id: 1\n    installations:\n      - permissions: {members: read}\n", `w.yaml:7: apps[0].installations[0].account: missing`},
		{"installed twice", inst("      - account: ACME\n"), `w.yaml:8: apps[0].installations[1].account: App 1 is already installed on "ACME"`},
		{"unknown permission", inst("        permissions:\n          members: write\n          memebrs: read\n"),
			`w.yaml:10: apps[0].installations[0].permissions.memebrs: "memebrs" is not a GitHub App permission`},
		{"unknown level", inst("        permissions: {members: admin}\n"),
			`w.yaml:8: apps[0].installations[0].permissions.members: "admin" is not a level of members: want read or write`},
		{"no level", inst("        permissions:\n          contents:\n"),
			`w.yaml:9: apps[0].installations[0].permissions.contents: "" is not a level of contents`},
		{"bad selection", inst("        repository_selection: some\n"),
			`w.yaml:8: apps[0].installations[0].repository_selection: "some" is not a repository selection: want all or selected`},
		{"selected without repositories", inst("        repository_selection: selected\n"),
			`apps[0].installations[0].repositories: missing: repository_selection selected needs`},
		{"repositories with all", inst("        repositories: [x]\n"),
			`w.yaml:8: apps[0].installations[0].repositories: only an installation with repository_selection: selected`},
		{"unknown repository", inst("        repository_selection: selected\n        repositories: [x, y]\n"),
			`w.yaml:9: apps[0].installations[0].repositories[1]: "y" is not a repository of acme declared under repos`},
		{"installed on a bot", "bots: [\"b[bot]\"]\napps:\n  - id: 1\n    installations:\n      - account: \"b[bot]\"\n",
			`w.yaml:5: apps[0].installations[0].account: "b[bot]" is a bot; an App is installed on an organization or a user`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseWorld([]byte(tc.doc), "w.yaml")
			if err == nil {
				t.Fatalf("no error, want %q", tc.wantErr)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.wantErr) || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line containing %q", msg, tc.wantErr)
			}
		})
	}
}

func TestAddWorldRefusesAnAppTheFakeHas(t *testing.T) {
	g := New(t)
	g.NewApp(t, 5)
	if _, err := g.AddWorld(&World{Users: []string{"u"}, Apps: []WorldApp{{ID: 5, Slug: "other"}}}, time.Now()); err == nil ||
		!strings.Contains(err.Error(), "App 5 already exists") {
		t.Fatalf("err = %v", err)
	}
	if g.Lookup("u") != nil || g.Lookup("other[bot]") != nil {
		t.Errorf("the world was partly added")
	}
}

// The permission names and levels a world accepts are those of
// app-permissions in GitHub's REST description.
func TestWorldAppPermissionsFollowGitHubsDescription(t *testing.T) {
	var desc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(githubdesc.RESTOpenAPI, &desc); err != nil {
		t.Fatal(err)
	}
	props := desc.Components.Schemas["app-permissions"].Properties
	if len(props) == 0 {
		t.Fatal("no app-permissions in the description")
	}
	for name, p := range props {
		if !slices.Equal(appPermissions[name], p.Enum) {
			t.Errorf("%s: levels %v, GitHub documents %v", name, appPermissions[name], p.Enum)
		}
	}
	for name := range appPermissions {
		if _, ok := props[name]; !ok {
			t.Errorf("%s is not a permission GitHub documents", name)
		}
	}
}

func TestWriteAppKeys(t *testing.T) {
	apps := []BuiltApp{{App: &App{ID: 1, Slug: "one"}, Key: []byte("KEY ONE")}, {App: &App{ID: 2, Slug: "two"}, Key: []byte("KEY TWO")}}
	k, err := WriteAppKeys("", apps)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(k.Paths[1])
	for id, want := range map[int64]string{1: "KEY ONE", 2: "KEY TWO"} {
		p := k.Paths[id]
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != 0o600 || filepath.Base(p) != apps[id-1].App.Slug+".private-key.pem" {
			t.Fatalf("key file %s: %v %v", p, fi, err)
		}
		if got, _ := os.ReadFile(p); string(got) != want {
			t.Errorf("%s holds %q", p, got)
		}
	}
	if err := k.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("temporary directory %s left behind: %v", dir, err)
	}

	// In a given directory: created, an existing file is never overwritten,
	// and a failure leaves nothing written.
	given := filepath.Join(t.TempDir(), "keys")
	if err := os.MkdirAll(given, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(given, "two.private-key.pem"), []byte("MINE"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteAppKeys(given, apps); err == nil || !strings.Contains(err.Error(), "write the private key of App 2") {
		t.Fatalf("err = %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(given, "two.private-key.pem")); string(got) != "MINE" {
		t.Errorf("an existing file was overwritten: %q", got)
	}
	if _, err := os.Stat(filepath.Join(given, "one.private-key.pem")); !os.IsNotExist(err) {
		t.Errorf("a failed write left one.private-key.pem behind")
	}
	k, err = WriteAppKeys(filepath.Join(given, "sub"), apps[:1])
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(given, "sub")); err != nil {
		t.Errorf("a given directory should stay: %v", err)
	}
}
