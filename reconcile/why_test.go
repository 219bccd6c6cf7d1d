package reconcile

import (
	"testing"

	"github.com/python-trio/snekomatic/state"
)

func TestNotACandidate(t *testing.T) {
	pol := Policy{Exclude: []string{"*-CI", "octo*"}}
	for _, tc := range []struct{ login, typ, want string }{
		{"alice", "", ""},
		{"alice", "User", ""},
		{"dependabot[bot]", "", "bot"},
		{"Renovate[BOT]", "", "bot"},
		{"dependabot", "Bot", "bot"},
		{"ghost", "Mannequin", "mannequin (imported placeholder, not a real account)"},
		{"trio", "Organization", "not a user account (Organization)"},
		{"build-ci", "", "excluded by config (pattern *-CI)"},
		{"octocat", "User", "excluded by config (pattern octo*)"},
	} {
		if got := NotACandidate(tc.login, tc.typ, pol); got != tc.want {
			t.Errorf("NotACandidate(%q, %q) = %q; want %q", tc.login, tc.typ, got, tc.want)
		}
	}
	// The same words Classify skips them with.
	cl := Classify([]PullRequest{{NodeID: "a", Author: Author{Type: "User", Login: "build-ci", ID: 3}}}, nil, pol, nil, "")
	if len(cl.Skipped) != 1 || cl.Skipped[0].Reason != NotACandidate("build-ci", "User", pol) {
		t.Errorf("Classify skipped %+v; want the reason NotACandidate gives", cl.Skipped)
	}
	if pat, ok := pol.ExcludedBy("OCTOPUS"); !ok || pat != "octo*" {
		t.Errorf("ExcludedBy(OCTOPUS) = %q, %v", pat, ok)
	}
}

func TestRecordedDeclined(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    *state.Person
		want bool
	}{
		{"nil", nil, false},
		{"invited", &state.Person{Status: state.Invited, CommentURL: "u"}, false},
		{"declined", &state.Person{Status: state.Invited, Reason: "declined", CommentURL: "u"}, true},
		{"declined, comments off since", &state.Person{Status: state.Invited, Reason: "declined", CommentURL: "u", NoComment: true}, true},
		{"welcome impossible", &state.Person{Status: state.Invited, Reason: "no welcome: archived", NoComment: true}, false},
		{"queued with a reason", &state.Person{Status: state.Queued, Reason: "cap"}, false},
	} {
		if got := RecordedDeclined(tc.p); got != tc.want {
			t.Errorf("%s: RecordedDeclined = %v; want %v", tc.name, got, tc.want)
		}
	}
}
