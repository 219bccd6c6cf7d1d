package state

import (
	"strings"
	"testing"
	"time"
)

// A co-author's record keeps its flag through both decoders, and the flag
// needs the pull request it is about.
func TestCoAuthorFlagRoundTrips(t *testing.T) {
	at := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	f := New()
	f.Orgs["o"] = &Org{People: map[int64]*Person{
		7: {Login: "bea", Status: Invited, At: at, PR: &PRRef{Repo: "o/x", Number: 3, MergedAt: at}, CoAuthor: true},
		8: {Login: "ann", Status: Invited, At: at, PR: &PRRef{Repo: "o/x", Number: 3, MergedAt: at}},
	}}
	data, err := Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"pr":"o/x#3","m":"2026-11-02T00:00:00Z","co":true}`) {
		t.Fatalf("encoded without the flag: %s", data)
	}
	fast, ok := decodeFast(data)
	if !ok {
		t.Fatal("the fast decoder refused it")
	}
	general, err := decodeV2(data)
	if err != nil {
		t.Fatal(err)
	}
	for name, g := range map[string]*File{"fast": fast, "general": general} {
		if p := g.Orgs["o"].People[7]; !p.CoAuthor || !p.equal(f.Orgs["o"].People[7]) {
			t.Errorf("%s: %+v, want the co-author flag", name, p)
		}
		if p := g.Orgs["o"].People[8]; p.CoAuthor {
			t.Errorf("%s: ann is flagged", name)
		}
	}
	_, err = Decode([]byte(`{"version":2,"orgs":{"o":{"sent":[],"sent_by":{},"people":[{"id":7,"l":"bea","s":"invited","at":"2026-11-02T00:00:00Z","co":true}]}}}`))
	if err == nil || !strings.Contains(err.Error(), `"co"`) {
		t.Errorf("a co-author flag without a pull request: %v", err)
	}
}
