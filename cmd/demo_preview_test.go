package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The demo shows the welcome comment it posted, once, read back from the
// fake as posted: the configuration's template, rendered for the first
// person welcomed, and the marker snekomatic appends.
func TestDemoShowsTheWelcomeItPosted(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "snekomatic.yml")
	if err := os.WriteFile(cfg, []byte("defaults:\n  comment:\n    template: |\n      Welcome aboard, @{{.Login}}! Your pull request {{.PR.Repo}}#{{.PR.Number}} is in.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runDemo(t, "--config", cfg)
	mustCode(t, code, 0, out, errOut)
	want := "The welcome comment on snekomatic-demo/widgets#1, as the fake received it (the 2 others differ only in name, pull request and links):\n" +
		"  | Welcome aboard, @alice! Your pull request snekomatic-demo/widgets#1 is in.\n" +
		"  |\n" +
		"  | <!-- snekomatic:welcome org=snekomatic-demo user="
	if !strings.Contains(out, want) {
		t.Errorf("the demo does not show the comment it posted; want\n%s\nin:\n%s", want, out)
	}
	if n := strings.Count(out, "Welcome aboard"); n != 1 {
		t.Errorf("the comment is shown %d times, want once:\n%s", n, out)
	}
}
