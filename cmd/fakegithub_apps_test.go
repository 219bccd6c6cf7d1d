package cmd

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var keyFileRE = regexp.MustCompile(`GITHUB_APP_ID=(\d+) GITHUB_APP_PRIVATE_KEY_FILE=(\S+) GITHUB_API_URL=(\S+) snekomatic reconcile --dry-run`)

// The example world's App runs reconcile in App mode out of the box, with
// the key file and environment the banner prints, under the
// organization's own .github/snekomatic.yml.
func TestFakeGitHubAppModeWithTheExampleWorld(t *testing.T) {
	keys := filepath.Join(t.TempDir(), "keys")
	url, out, logs := serveFake(t, "--world", filepath.Join("..", "examples", "world.yaml"), "--keys-dir", keys)
	for _, want := range []string{
		`App:       1001 snekomatic-acme ("Snekomatic for acme"), bot snekomatic-acme[bot]`,
		"private key: " + filepath.Join(keys, "snekomatic-acme.private-key.pem") + " (removed on exit)",
		"installed on acme: contents: read, members: write, metadata: read, pull_requests: write",
		"GITHUB_APP_ID=1001 GITHUB_APP_PRIVATE_KEY_FILE=" + filepath.Join(keys, "snekomatic-acme.private-key.pem") +
			" GITHUB_API_URL=" + url + "/api/v3/ snekomatic doctor --state fake-state.json",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
	m := keyFileRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("banner has no App-mode reconcile line:\n%s", out)
	}
	if fi, err := os.Stat(m[2]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file %s: %v %v", m[2], fi, err)
	}

	d, rout, rerr := testDeps(map[string]string{"GITHUB_APP_ID": m[1], "GITHUB_APP_PRIVATE_KEY_FILE": m[2], "GITHUB_API_URL": m[3]})
	d.Now = time.Now // the App signs its JWTs with the real time
	state := filepath.Join(t.TempDir(), "state.json")
	code := Main(context.Background(), []string{"reconcile", "-v", "--state", state}, d)
	mustCode(t, code, 0, rout.String(), rerr.String())
	for _, want := range []string{"acme: ", "invited (2):\n    alice  acme/rocket#1\n    bob  acme/rocket#3"} {
		if !strings.Contains(rout.String(), want) {
			t.Errorf("reconcile report lacks %q:\n%s", want, rout)
		}
	}
	for _, want := range []string{"mode=app", "using the organization's own configuration org=acme file=acme/.github/snekomatic.yml",
		"policy org=acme role=direct_member teams=[contributors]"} {
		if !strings.Contains(rerr.String(), want) {
			t.Errorf("reconcile log lacks %q:\n%s", want, rerr)
		}
	}
	for _, want := range []string{
		"method=POST path=/api/v3/app/installations/", "/access_tokens kind=rest-write status=201",
		"method=GET path=/api/v3/repos/acme/.github/contents/snekomatic.yml kind=rest-read status=200",
		"method=POST path=/api/v3/orgs/acme/invitations kind=rest-write status=201",
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("fake's log lacks %q:\n%s", want, logs)
		}
	}
}

// Ctrl-C stops the server at once and removes the App's key files.
func TestFakeGitHubRemovesTheKeysOnCtrlC(t *testing.T) {
	world := filepath.Join(t.TempDir(), "w.yaml")
	writeFile(t, world, "orgs: [{login: o}]\napps: [{id: 9, installations: [{account: o, permissions: {members: write}}]}]\n")
	out := &lockedBuffer{}
	errb := &lockedBuffer{}
	d := &Deps{Stdout: out, Stderr: errb, Getenv: func(string) string { return "" }, Now: time.Now}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"fake-github", "--world", world, "--addr", "127.0.0.1:0"}, d) }()
	var m []string
	for deadline := time.Now().Add(20 * time.Second); m == nil; {
		if time.Now().After(deadline) {
			t.Fatalf("no banner:\n%s", out)
		}
		time.Sleep(20 * time.Millisecond)
		m = regexp.MustCompile(`private key: (\S+)`).FindStringSubmatch(out.String())
	}
	if _, err := os.Stat(m[1]); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cancel()
	select {
	case code := <-done:
		// A server stopped by Ctrl-C has done its job: no run was cut
		// short, so none of a run's "interrupted" words.
		if code != ExitOK || strings.Contains(errb.String(), "interrupted") {
			t.Errorf("exit %d after Ctrl-C, stderr:\n%s", code, errb)
		}
	case <-time.After(interruptGrace / 2):
		t.Fatalf("fake-github still serving %v after Ctrl-C", interruptGrace/2)
	}
	t.Logf("stopped %v after Ctrl-C", time.Since(start))
	if _, err := os.Stat(filepath.Dir(m[1])); !os.IsNotExist(err) {
		t.Errorf("key directory %s left behind: %v", filepath.Dir(m[1]), err)
	}
}
