package state

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzDecode checks that any input is either refused or decodes to a state
// that encodes canonically and survives a round trip unchanged.
func FuzzDecode(f *testing.F) {
	good, _ := Encode(sample())
	f.Add(good)
	f.Add([]byte(`{"version": 1, "orgs": {}}`))
	f.Add([]byte(`{"version": 1, "orgs": {"o": {"people": {"5": {"login": "x", "status": "queued", "at": "2026-01-01T00:00:00Z"}}}}}`))
	f.Add([]byte(`{"version":2,"orgs":{"o":{"cursor":"2026-01-01T00:00:00Z","people":[{"id":5,"l":"x","s":"invited","at":"2026-01-01T00:00:00Z","pr":"o/r#1","m":"2026-01-01T00:00:00Z","c":3,"nc":true}]}}}`))
	f.Add([]byte(`{"version":2,"orgs":{"o":{"people":[{"id":5,"l":"x","s":"invited","at":"2026-01-01T00:00:00Z","pr":"o/r#1","nc":true,"co":true},{"id":6,"l":"y","s":"queued","at":"2026-01-01T00:00:00Z","co":true}]}}}`))
	f.Add([]byte(`{"version":2,"orgs":{"o":{"people":[{"id":5,"l":"x","s":"queued","at":"2026-01-01T00:00:00+05:00","pr":"o/r#1","r":"\u003c","cu":"https://github.com/o/r/pull/1#issuecomment-9"}]}}}`))
	f.Add([]byte(`{"version":2,"orgs":{"o":{"sent":["2026-01-01T00:00:00Z"],"people":[]},"p":{"sent":[],"people":[]}}}`))
	f.Add([]byte(`{"version": 3}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := Decode(data)
		if err != nil {
			if bytes.Contains([]byte(err.Error()), []byte("\n")) {
				t.Fatalf("multi-line error: %q", err)
			}
			return
		}
		once, err := Encode(st)
		if err != nil {
			t.Fatalf("a decoded state does not encode: %v", err)
		}
		again, err := Decode(once)
		if err != nil {
			t.Fatalf("the canonical form does not decode: %v\n%s", err, once)
		}
		twice, _ := Encode(again)
		if !bytes.Equal(once, twice) {
			t.Fatalf("encoding is not stable:\n%s\n%s", once, twice)
		}
	})
}

// FuzzDecodeFast checks the fast decoder against the general one: whatever
// the fast one accepts, the general one accepts and reads the same; and
// whatever Encode writes in plain ASCII, the fast one accepts (so that it
// is not silently skipped, every load falling back to the slow decoder).
// Its seeds (fastSeeds) take it down each of its branches.
func FuzzDecodeFast(f *testing.F) {
	good, _ := Encode(sample())
	f.Add(good)
	f.Add([]byte("{\"version\":2,\"orgs\":{\n\"o\":{\"people\":[\n {\"id\":5,\"l\":\"x\",\"s\":\"invited\",\"at\":\"2026-01-01T00:00:00Z\",\"pr\":\"o/r#1\",\"m\":\"2026-02-03T04:05:06Z\",\"c\":3,\"nc\":true}\n,{\"id\":6,\"l\":\"y\",\"s\":\"queued\",\"at\":\"2026-01-01T00:00:00Z\",\"r\":\"why\",\"cu\":\"u\"}\n]}\n}}\n"))
	f.Add([]byte("{\"version\":2,\"orgs\":{\n}}\n"))
	f.Add([]byte("{\"version\":2,\"orgs\":{\n\"o\":{\"people\":[\n {\"id\":5,\"l\":\"x\",\"s\":\"expired\",\"at\":\"2026-01-08T00:00:00Z\",\"pr\":\"o/r#1\",\"r\":\"Invitation expired.\",\"c\":3,\"ia\":\"2026-01-01T00:00:00Z\",\"rn\":true}\n]}\n}}\n"))
	f.Add([]byte("{\"version\":2,\"orgs\":{\n\"o\":{\"sent\":[\"2026-01-01T00:00:00Z\",\"2026-01-01T00:00:01Z\"],\"people\":[]},\n\"p\":{\"sent\":[],\"people\":[]}\n}}\n"))
	for _, seed := range fastSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok := decodeFast(data)
		if !ok {
			if fastShouldRead(data) {
				t.Fatalf("the fast decoder refused what Encode writes:\n%s", data)
			}
			return
		}
		general, err := decodeV2(data)
		if err != nil {
			t.Fatalf("the fast decoder accepted what the general one refuses (%v):\n%s", err, data)
		}
		if diff := cmp.Diff(general, fast); diff != "" {
			t.Fatalf("the decoders disagree (-general +fast):\n%s\n%s", diff, data)
		}
	})
}

// fastShouldRead reports whether data is what Encode writes for the state
// it holds, in the form decodeFast promises to read: plain ASCII, no
// escape, no "]}" in a person (it sizes a list of people by the lines up
// to the first), pull request numbers that fit in 32 bits.
func fastShouldRead(data []byte) bool {
	for _, c := range data {
		if c >= 0x7f || c == '\\' {
			return false
		}
	}
	f, err := decodeV2(data)
	if err != nil {
		return false
	}
	for _, o := range f.Orgs {
		for _, p := range o.People {
			if p.PR != nil && (p.PR.Number > 1<<31-1 || strings.Contains(p.PR.Repo, "]}")) ||
				strings.Contains(p.Login+p.Reason+p.CommentURL, "]}") {
				return false
			}
		}
	}
	again, err := Encode(f)
	return err == nil && bytes.Equal(again, data)
}
