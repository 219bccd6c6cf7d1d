package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/demo"
)

// lockedBuffer is written by the server's goroutines while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveFake starts `snekomatic fake-github args...` on a free port and
// returns its root URL, its stdout so far and its log; it stops when the
// test ends, and the test fails if it did not stop cleanly.
func serveFake(t *testing.T, args ...string) (string, string, *lockedBuffer) {
	t.Helper()
	var out bytes.Buffer
	logs := &lockedBuffer{}
	d := &Deps{Stdout: &out, Stderr: logs, Getenv: func(string) string { return "" }, Now: time.Now}
	ready := make(chan string, 1)
	c := NewCmdFakeGitHub(d, func(ctx context.Context, o *FakeGitHubOptions) error {
		o.ready = func(url string) { ready <- url }
		return fakeGitHubRun(ctx, o)
	})
	c.SetArgs(append([]string{"--addr", "127.0.0.1:0"}, args...))
	c.SilenceUsage, c.SilenceErrors = true, true
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("fake-github returned %v when stopped", err)
		}
	})
	select {
	case url := <-ready:
		return url, out.String(), logs
	case err := <-done:
		t.Fatalf("fake-github stopped before serving: %v", err)
	}
	return "", "", nil
}

func get(t *testing.T, url, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m
}

func TestFakeGitHubServesAWorldThatSnekomaticCanUse(t *testing.T) {
	url, out, logs := serveFake(t, "--world", filepath.Join("..", "examples", "world.yaml"))
	for _, want := range []string{
		"REST API:  " + url + "/api/v3/", "GraphQL:   " + url + "/api/graphql",
		"token:     ghp_fakeOwnerToken  (user octo-owner, owner of acme)",
		"token:     ghp_fakeReadOnlyToken  (user maintainer, owner of no organization: it cannot invite; limited to acme)",
		"GITHUB_TOKEN=ghp_fakeOwnerToken snekomatic reconcile --org acme --api-url " + url + "/api/v3/",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
	if code, body := get(t, url+"/api/v3/user", "ghp_fakeOwnerToken"); code != http.StatusOK || body["login"] != "octo-owner" {
		t.Errorf("GET /user: %d %v", code, body["login"])
	}
	if code, _ := get(t, url+"/api/v3/user", "ghp_wrong"); code != http.StatusUnauthorized {
		t.Errorf("GET /user with an unknown token: %d, want 401", code)
	}

	// The real reconcile against it, as the banner suggests.
	d, rout, rerr := testDeps(map[string]string{"GITHUB_TOKEN": "ghp_fakeOwnerToken"})
	d.Now = time.Now
	state := filepath.Join(t.TempDir(), "state.json")
	code := Main(context.Background(), []string{"reconcile", "--org", "acme", "--api-url", url + "/api/v3/", "--state", state}, d)
	mustCode(t, code, 0, rout.String(), rerr.String())
	for _, want := range []string{"invited (2):\n    alice  acme/rocket#1\n    bob  acme/rocket#3", "already invited (1):\n    dora"} {
		if !strings.Contains(rout.String(), want) {
			t.Errorf("reconcile report lacks %q:\n%s", want, rout)
		}
	}

	// Every request is logged, the token never.
	l := logs.String()
	for _, want := range []string{
		"method=GET path=/api/v3/user kind=rest-read status=200",
		"method=GET path=/api/v3/user kind=rest-read status=401",
		"path=/api/graphql kind=graphql fields=search,organization,organization,rateLimit",
		"method=POST path=/api/v3/orgs/acme/invitations kind=rest-write status=201",
	} {
		if !strings.Contains(l, want) {
			t.Errorf("log lacks %q:\n%s", want, l)
		}
	}
	if strings.Contains(l, "ghp_fakeOwnerToken") {
		t.Errorf("the log shows a token")
	}
}

func TestFakeGitHubDefaultsToTheDemoWorld(t *testing.T) {
	url, out, _ := serveFake(t)
	if !strings.Contains(out, "token:     "+demo.Token+"  (user demo-owner, owner of snekomatic-demo)") {
		t.Errorf("banner:\n%s", out)
	}
	if code, body := get(t, url+"/api/v3/orgs/snekomatic-demo/memberships/demo-owner", demo.Token); code != http.StatusOK || body["role"] != "admin" {
		t.Errorf("the token's user should own the sample organization: %d %v", code, body)
	}
}

func TestFakeGitHubLogsFaultedRequests(t *testing.T) {
	world := filepath.Join(t.TempDir(), "faulty.yaml")
	writeFile(t, world, "users: [u]\ntokens: [{value: t, user: u}]\nfaults: {secondary_every: 1}\n")
	url, out, logs := serveFake(t, "--world", world)
	if !strings.Contains(out, "(user u, owner of no organization: it cannot invite)") {
		t.Errorf("banner:\n%s", out)
	}
	if code, _ := get(t, url+"/api/v3/user", "t"); code != http.StatusForbidden {
		t.Errorf("status %d, want the injected secondary limit 403", code)
	}
	if !strings.Contains(logs.String(), "path=/api/v3/user kind=rest-read status=403") {
		t.Errorf("the faulted request is not logged:\n%s", logs)
	}
}

func TestFakeGitHubWithoutTokensMakesOne(t *testing.T) {
	world := filepath.Join(t.TempDir(), "tokenless.yaml")
	writeFile(t, world, "orgs: [{login: o}]\n")
	url, out, _ := serveFake(t, "--world", world)
	_, tok, ok := strings.Cut(out, "token:     ")
	tok, _, _ = strings.Cut(tok, " ")
	if !ok || !strings.HasPrefix(tok, "ghp_fake") {
		t.Fatalf("no token in the banner:\n%s", out)
	}
	if code, body := get(t, url+"/api/v3/user", tok); code != http.StatusOK || body["login"] != "token-owner" {
		t.Errorf("GET /user with the printed token: %d %v", code, body)
	}
}

func TestFakeGitHubBadInputIsOneLine(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	writeFile(t, bad, "users: [a]\norgs:\n  - login: o\n    members:\n      - {login: a, role: boss}\n")
	for name, tc := range map[string]struct {
		args    []string
		wantErr string
	}{
		"bad world":     {[]string{"--world", bad}, bad + `:5: orgs[0].members[0].role: "boss" is not a role`},
		"missing world": {[]string{"--world", bad + ".absent"}, bad + ".absent: no such file"},
		"bad address":   {[]string{"--addr", "8080"}, `--addr "8080" is not host:port`},
	} {
		t.Run(name, func(t *testing.T) {
			d, out, errb := testDeps(nil)
			code := Main(context.Background(), append([]string{"fake-github"}, tc.args...), d)
			if code != ExitUsage || out.Len() != 0 {
				t.Errorf("exit %d, stdout %q: want %d and nothing", code, out, ExitUsage)
			}
			if !strings.Contains(errb.String(), tc.wantErr) || strings.Count(errb.String(), "\n") != 1 {
				t.Errorf("stderr %q, want one line containing %q", errb, tc.wantErr)
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The product never depends on the fake: only the two commands that exist
// to run it (package demo, and fake-github) import it, outside tests.
func TestOnlyDemoAndFakeGitHubImportTheFake(t *testing.T) {
	const fake = `"github.com/python-trio/snekomatic/internal/fakegithub"`
	allowed := map[string]bool{filepath.Join("demo", "world.go"): true, filepath.Join("demo", "demo.go"): true,
		filepath.Join("demo", "narrate.go"): true, filepath.Join("demo", "approval.go"): true, filepath.Join("cmd", "fakegithub.go"): true}
	seen := 0
	err := filepath.WalkDir("..", func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("..", path)
		if e.IsDir() && (strings.HasPrefix(e.Name(), ".") && rel != "." || rel == "internal") {
			return filepath.SkipDir // the fake and the test helpers live under internal/
		}
		if e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if imp.Path.Value != fake {
				continue
			}
			seen++
			if !allowed[rel] {
				t.Errorf("%s imports internal/fakegithub; only the demo and fake-github commands may", rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(allowed) {
		t.Errorf("%d files import the fake, want the %d commands: has the walk missed them?", seen, len(allowed))
	}
}
