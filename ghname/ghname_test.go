package ghname

import (
	"strings"
	"testing"
)

func TestValidLogin(t *testing.T) {
	for s, want := range map[string]bool{
		"octocat":                      true,
		"python-trio":                  true,
		"a":                            true,
		"A1-b2-C3":                     true,
		"emu_user":                     true, // Enterprise managed users
		strings.Repeat("a", 39):        true,
		strings.Repeat("a", 40):        false,
		"":                             false,
		"-octocat":                     false,
		"octocat-":                     false,
		"octo--cat":                    false,
		"octo cat":                     false,
		"octocat org:other":            false, // a second search qualifier
		"octo/cat":                     false,
		"octocat\n":                    false,
		"oct\u00f6cat":                 false,
		"_octocat":                     false,
		"python-trio is:pr":            false,
		"org:x":                        false,
		strings.Repeat("a-", 19):       false, // ends with a hyphen
		strings.Repeat("a-", 19) + "a": true,
	} {
		if got := ValidLogin(s); got != want {
			t.Errorf("ValidLogin(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestValidTeamSlug(t *testing.T) {
	for s, want := range map[string]bool{
		"core-devs":              true,
		"docs_team":              true,
		"v1.2":                   true,
		"Core":                   true,
		strings.Repeat("t", 100): true,
		strings.Repeat("t", 101): false,
		"":                       false,
		".":                      false,
		"..":                     false,
		"...":                    true, // one segment, not a parent directory
		"core devs":              false,
		"core/devs":              false,
		"core%2Fdevs":            false,
		"core?x=1":               false,
		"t\u00e9am":              false,
		// The ends of each allowed range, and the character just outside.
		"azAZ09": true,
		"a`":     false,
		"a{":     false,
		"a@":     false,
		"a[":     false,
		"a/":     false,
		"a:":     false,
	} {
		if got := ValidTeamSlug(s); got != want {
			t.Errorf("ValidTeamSlug(%q) = %v, want %v", s, got, want)
		}
	}
}
