package actiontest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// actionYAML is the part of action.yml these tests read.
type actionYAML struct {
	Inputs  map[string]any `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Steps []struct {
			Name string            `yaml:"name"`
			ID   string            `yaml:"id"`
			If   string            `yaml:"if"`
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			Env  map[string]string `yaml:"env"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

func readActionYAML(t *testing.T) actionYAML {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionYAML
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestActionChecksEveryInputFirst: the first step is the input check, and
// it is given every input it checks, so that a mistake fails before the
// build.
func TestActionChecksEveryInputFirst(t *testing.T) {
	a := readActionYAML(t)
	first := a.Runs.Steps[0]
	if !strings.Contains(first.Run, `action/run.sh" check`) {
		t.Fatalf("the first step is %q, not the input check", first.Name)
	}
	for _, in := range []string{"app-id", "private-key", "token", "orgs", "dry-run", "since", "max-invites", "config",
		"state-path", "state-backend", "cursor-commit-hours"} {
		env := "INPUT_" + strings.ToUpper(strings.ReplaceAll(in, "-", "_"))
		if first.Env[env] != "${{ inputs."+in+" }}" {
			t.Errorf("the input check does not get %s (%s = %q)", in, env, first.Env[env])
		}
		if _, ok := a.Inputs[in]; !ok {
			t.Errorf("no input %s", in)
		}
	}
}

// TestActionKeepsAnUnpushedStateAndSaysWhatItCommitted: the commit step's
// outputs reach the action's, and an unpushed state file is uploaded.
func TestActionKeepsAnUnpushedStateAndSaysWhatItCommitted(t *testing.T) {
	a := readActionYAML(t)
	if a.Outputs["committed"].Value != "${{ steps.commit.outputs.committed }}" ||
		a.Outputs["commit-sha"].Value != "${{ steps.commit.outputs.commit-sha }}" {
		t.Errorf("outputs committed/commit-sha: %+v", a.Outputs)
	}
	commit, upload := -1, -1
	for i, s := range a.Runs.Steps {
		switch {
		case s.ID == "commit":
			commit = i
		case strings.HasPrefix(s.Uses, "actions/upload-artifact@"):
			upload = i
			if s.With["path"] != "${{ steps.commit.outputs.artifact-path }}" || s.With["name"] != "${{ steps.commit.outputs.artifact-name }}" ||
				!strings.Contains(s.If, "steps.commit.outputs.artifact-path != ''") {
				t.Errorf("upload step %+v", s)
			}
		}
	}
	if commit < 0 || upload != commit+1 {
		t.Errorf("commit step at %d, upload at %d: want the upload right after the commit", commit, upload)
	}
}
