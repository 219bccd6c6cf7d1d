package cmd

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestHelpHasExamplesAndExitCodes: every command's --help shows examples
// (those that act) and the exit codes.
func TestHelpHasExamplesAndExitCodes(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"reconcile", "--help"}, {"doctor", "--help"}, {"state", "forget", "--help"},
		{"state", "show", "--help"}, {"state", "adopt", "--help"}} {
		d, out, errb := testDeps(nil)
		if code := Main(context.Background(), args, d); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb)
		}
		for _, want := range []string{"Examples:", "Exit codes:", "  4    no credentials, or GitHub refused them", "  130  interrupted"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%v: help lacks %q:\n%s", args, want, out)
			}
		}
	}
}

// TestEveryCommandHasExamples: the README says every command's --help has
// examples; this walks the whole tree (completion and its shells included)
// so that a new command without them fails.
func TestEveryCommandHasExamples(t *testing.T) {
	d, _, _ := testDeps(nil)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Name() != "help" && !c.Hidden && c.Example == "" {
			t.Errorf("%q has no Example", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	root := NewRootCmd(d)
	walk(root)
	for _, want := range []string{"demo", "fake-github", "completion", "version", "state"} {
		if sub, _, err := root.Find([]string{want}); err != nil || sub.Name() != want {
			t.Errorf("no %q command in the tree (%v)", want, err)
		}
	}
}

// TestCompletionOffersEnumeratedValues: shell completion offers the values
// of --output and --log-level.
func TestCompletionOffersEnumeratedValues(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"__complete", "reconcile", "--output", ""}, []string{"text", "json"}},
		{[]string{"__complete", "doctor", "--output", ""}, []string{"text", "json"}},
		{[]string{"__complete", "state", "show", "--output", ""}, []string{"text", "json"}},
		{[]string{"__complete", "reconcile", "--log-level", ""}, []string{"debug", "info", "warn", "error"}},
	} {
		d, out, _ := testDeps(nil)
		Main(context.Background(), tc.args, d)
		lines := strings.Split(out.String(), "\n")
		for _, w := range tc.want {
			found := false
			for _, l := range lines {
				if l == w {
					found = true
				}
			}
			if !found {
				t.Errorf("%v: %q not offered:\n%s", tc.args, w, out)
			}
		}
	}
}
