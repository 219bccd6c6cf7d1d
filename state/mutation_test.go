package state

import (
	"strings"
	"testing"
	"time"
)

// These tests were written against the survivors of a mutation run
// (docs/mutation-state-ghtransport.md): each pins a behaviour that a
// mutant changed without any other test noticing.

// A welcome comment's address is written as its id only when the address
// can be rebuilt from the id exactly; any other address is kept whole, and
// either way it reads back unchanged.
func TestCommentAddressesSurviveEncoding(t *testing.T) {
	const pr = "https://github.com/o/r/pull/42"
	for _, tt := range []struct {
		url  string
		want string // the member Encode writes
	}{
		{pr + "#issuecomment-77", `"c":77`},
		{pr + "#issuecomment-1", `"c":1`},
		{pr + "#issuecomment-9", `"c":9`},
		{pr + "#issuecomment-9223372036854775807", `"c":9223372036854775807`},
		// A sign would be dropped by the id: "+5" would come back as "5".
		{pr + "#issuecomment-+5", `"cu":"` + pr + `#issuecomment-+5"`},
		{pr + "#issuecomment--0", `"cu":"` + pr + `#issuecomment--0"`},
		{pr + "#issuecomment--5", `"cu":"` + pr + `#issuecomment--5"`},
		{pr + "#issuecomment-05", `"cu":"` + pr + `#issuecomment-05"`},
		{pr + "#issuecomment-", `"cu":"` + pr + `#issuecomment-"`},
		{pr + "#issuecomment-5x", `"cu":"` + pr + `#issuecomment-5x"`},
		{pr + "#issuecomment-9223372036854775808", `"cu":"` + pr + `#issuecomment-9223372036854775808"`},
		{"https://github.com/o/r/pull/4#issuecomment-5", `"cu":"https://github.com/o/r/pull/4#issuecomment-5"`},
		{"https://github.com/o/s/pull/42#issuecomment-5", `"cu":"https://github.com/o/s/pull/42#issuecomment-5"`},
		{"https://github.com/o/r/issues/42#issuecomment-5", `"cu":"https://github.com/o/r/issues/42#issuecomment-5"`},
		{"https://ghe.example/o/r/pull/42#issuecomment-5", `"cu":"https://ghe.example/o/r/pull/42#issuecomment-5"`},
	} {
		f := New()
		f.Org("o").People[1] = &Person{Login: "x", Status: Invited, At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			PR: &PRRef{Repo: "o/r", Number: 42}, CommentURL: tt.url}
		b, err := Encode(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), tt.want+"}") {
			t.Errorf("%s: written as\n%s\nwant %s", tt.url, b, tt.want)
		}
		g, err := Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", tt.url, err)
		}
		if got := g.Orgs["o"].People[1].CommentURL; got != tt.url {
			t.Errorf("%s: read back as %q", tt.url, got)
		}
	}
}
